"""The demo's dispute loop on demo-like data, through the sandbox: POs the sandbox claimed
shortages on are shipped and invoiced in Odoo as the demo does (delivery, SSCC cartons,
accepted ASN, BOL, POD), the Payments export is imported (each deduction assessed once), the
false claims come out strong disputes, this month's with their window still to open; one
click disputes the false ones, the pack holds the evidence, the desk approves, and the next
payment brings the money back: Won, booked and reconciled."""

import io
import zipfile
from unittest.mock import patch

import openpyxl

from odoo import Command
from odoo.tests import tagged

from .common import AcornVendorCommon
from .test_dispute import DAY, DisputeSetup


@tagged("-at_install", "post_install")
class TestDemoDisputeLoop(DisputeSetup, AcornVendorCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_finance.groups_id |= cls.env.ref("account.group_account_user")
        cls._setup_disputes(cls.account, import_payments=False)
        # As the demo account: a GS1 prefix for the SSCCs, a carrier, Amazon buys for resale.
        tax = cls.env.company.account_sale_tax_id
        resale = cls.env["account.fiscal.position"].create(
            {
                "name": "Amazon resale (no sales tax)",
                "tax_ids": [Command.create({"tax_src_id": tax.id})] if tax else [],
            }
        )
        cls.account.write(
            {
                "gs1_company_prefix": "0614141",
                "asn_carrier_scac": "ODFL",
                "fiscal_position_id": resale.id,
            }
        )
        cls.today = cls.sandbox.now().date()
        # Windows and verdicts judged on the sandbox's pinned day, not the wall clock.
        cls.env = cls.env(context=dict(cls.env.context, acorn_today=cls.today))
        cls.shipped = cls.env["acorn.vc.deduction"]._acorn_ship_claimed(
            cls.account, today=cls.today, per_band=8
        )

    def _truth(self):
        """{claim number: (false claim: the sandbox received every claimed unit, units its
        own matching already reversed)}."""
        with self.sandbox.store.lock:
            rows = self.sandbox.store.q(
                "SELECT claim, MIN(received_in_full) AS low, SUM(repaid) AS repaid "
                "FROM shortage_claim_items GROUP BY claim"
            )
        return {row["claim"]: (bool(row["low"]), row["repaid"]) for row in rows}

    def _import_counting_assessments(self):
        """Import the export; returns it counts and the ids each assessment run got."""
        Deduction = self.env.registry["acorn.vc.deduction"]
        original = Deduction._acorn_assess
        runs = []

        def counting(records, today=None):
            runs.append(records.ids)
            return original(records, today=today)

        with patch.object(Deduction, "_acorn_assess", counting):
            counts = self._import_payments(self.account)
        return counts, runs

    def test_false_shortages_of_shipped_pos_are_disputed_in_one_click_and_won(self):
        self.assertTrue(self.shipped)
        for invoice in self.shipped:
            picking = invoice.invoice_line_ids.sale_line_ids.order_id.picking_ids
            self.assertEqual((picking.state, picking.acorn_asn_state), ("done", "accepted"))
            self.assertGreater(picking.acorn_asn_accepted_at, picking.date_done)
        counts, runs = self._import_counting_assessments()
        self.assertEqual(counts["to_review"], 0)
        # One assessment run for the whole import, each deduction in it once.
        self.assertEqual(len(runs), 1)
        deductions = self.env["acorn.vc.deduction"].search([("account_id", "=", self.account.id)])
        self.assertEqual(sorted(runs[0]), sorted(deductions.ids))

        numbers = self.shipped.mapped("amz_invoice_number")
        claims = deductions.filtered(
            lambda d: d.base_invoice_number in numbers and d.kind == "shortage_claim"
        )
        self.assertEqual(len(claims), len(self.shipped), "one claim per shipped invoice")
        self.assertTrue(all(claims.mapped("picking_ids")))
        self.assertEqual(set(claims.mapped("verdict")), {"dispute"})
        truth = self._truth()
        false_claims = claims.filtered(lambda d: truth[d.name][0])
        self.assertTrue(false_claims and claims - false_claims, "false and true claims")
        # Strong exactly where Amazon's own receipts contradict the claim.
        self.assertEqual(claims.filtered(lambda d: d.strength == "strong"), false_claims)
        self.assertEqual(set((claims - false_claims).mapped("strength")), {"medium"})
        this_month = claims.filtered(lambda d: d.date.month == self.today.month)
        self.assertTrue(this_month)
        self.assertEqual(set(this_month.mapped("window_state")), {"not_open"})
        self.assertTrue(all(d.window_opens > self.today for d in this_month))
        # Those Amazon's own matching has not reversed already (its desk would answer "paid
        # back" for those: Partly won).
        disputable = false_claims.filtered(
            lambda d: d.window_state in ("open", "closing") and not truth[d.name][1]
        )
        self.assertTrue(disputable)

        Dispute = (
            self.env["acorn.vc.dispute"]
            .with_user(self.user_finance)
            .with_context(acorn_today=self.today)
        )
        dispute = Dispute.browse(Dispute.create_from_deductions(disputable.ids))
        xlsx_id, zip_id = dispute.acorn_build_pack()
        book = openpyxl.load_workbook(io.BytesIO(self.env["ir.attachment"].browse(xlsx_id).raw))
        rows = list(book.active.iter_rows(values_only=True))[1:]
        self.assertEqual(
            {row[0] for row in rows if row[0]}, set(disputable.mapped("base_invoice_number"))
        )
        archive = zipfile.ZipFile(io.BytesIO(self.env["ir.attachment"].browse(zip_id).raw))
        names = archive.namelist()
        for number in disputable.mapped("base_invoice_number"):
            for piece in ("asn/", "cartons/cartons_by_sscc.csv", "proof_of_delivery/"):
                self.assertTrue(
                    [n for n in names if n.startswith(f"{number}/{piece}")], (number, piece)
                )
        self.assertNotIn("MISSING proof of delivery", archive.read("README.txt").decode())

        dispute.acorn_submit()
        self.sandbox.advance(7 * DAY)
        dispute.acorn_check_answer()
        self.assertEqual(dispute.amz_status, "approved")
        self.sandbox.advance(7 * DAY)  # the next payment run pays the approved units back
        self._import_payments(self.account)
        self.assertEqual(dispute.state, "won")
        self.assertAlmostEqual(dispute.amount_recovered, -sum(disputable.mapped("amount")))
        self.assertEqual(len(dispute.recovery_ids), len(disputable))
        self.assertTrue(all(disputable.mapped("reconciled")), "claims cleared by reversals")

        # The recovery rate in the ledger's XLSX: all of the disputed shortages came back.
        ledger = self.env["acorn.vc.deduction"].with_user(self.user_finance).browse(claims.ids)
        book = openpyxl.load_workbook(io.BytesIO(ledger._acorn_ledger_xlsx()))
        rates = {
            (row[0], row[1]): row[2:]
            for row in book["Recovery Rate"].iter_rows(min_row=2, values_only=True)
        }
        disputed = -sum(disputable.mapped("amount"))
        self.assertAlmostEqual(rates[("shortage", "all")][0], disputed, places=2)
        self.assertAlmostEqual(rates[("shortage", "all")][2], 1.0)
        self.assertIn("Prevention Hints", book.sheetnames)
        action = ledger.action_prevention_hints()
        self.assertEqual(action["tag"], "display_notification")
