"""Disputes end to end with the sandbox: a false shortage is disputed, its pack built, filed at
the sandbox's desk, approved, paid back in the next remittance and cleared (Won); a true one
is denied (Lost) and written off by a manager; what may not be disputed is refused."""

import base64
import io
import json
import zipfile
from datetime import timedelta
from decimal import Decimal

import openpyxl
import requests

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from ..core.deductions.dispute_pack import FormLine, build_pack
from ..core.remittance.payments_export import read_payments_export
from . import test_asn
from .common import AcornVendorCommon, SandboxMixin
from .test_remittance_booking import SANDBOX_PAYING, RemittanceSetup

SANDBOX_DISPUTES = {**SANDBOX_PAYING, "payments": {"hidden_rate": 0}}  # every line shown
DAY = 86400


class DisputeSetup(RemittanceSetup):
    """An account paid by the sandbox: its invoices posted in Odoo with products and the
    30-day terms the sandbox pays on, its Payments export imported."""

    @classmethod
    def _setup_disputes(cls, account, import_payments=True):
        cls._setup_remittances(account)  # a chart of accounts and Amazon's partner
        cls.sandbox = cls._start_sandbox(account, **SANDBOX_DISPUTES)
        cls.products = {p.amz_asin: p for p in cls._catalogue_products()}
        cls.terms = cls.env.ref("account.account_payment_term_30days")
        if import_payments:
            cls._import_payments(account)

    @classmethod
    def _export(cls):
        url = f"{cls.sandbox.url}/_sandbox/payments/export?format=xlsx"
        return requests.get(url, timeout=30).content

    @classmethod
    def _import_payments(cls, account):
        """Post the invoices the export pays that Odoo lacks (as the vendor had), import it."""
        data = cls._export()
        parsed = read_payments_export(data)
        known = set(
            cls.env["account.move"]
            .search([("acorn_account_id", "=", account.id)])
            .mapped("amz_invoice_number")
        )
        values = []
        for line in (ln for p in parsed.payments for ln in p.lines if ln.kind == "invoice"):
            if line.invoice_number in known:
                continue
            with cls.sandbox.store.lock:
                items = cls.sandbox.store.q(
                    "SELECT asin, invoiced, net_cost FROM items WHERE po = ? AND invoiced > 0 "
                    "ORDER BY seq",
                    (line.invoice_number.removesuffix("INV"),),
                )
            total = sum(Decimal(i["net_cost"]) * i["invoiced"] for i in items)
            assert total == line.invoice_amount, (line.invoice_number, total)
            values.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.amazon.id,
                    "invoice_date": line.invoice_date,
                    "invoice_payment_term_id": cls.terms.id,
                    "amz_invoice_number": line.invoice_number,
                    "acorn_account_id": account.id,
                    "invoice_line_ids": [
                        fields.Command.create(
                            {
                                "product_id": cls.products[item["asin"]].id,
                                "quantity": item["invoiced"],
                                "price_unit": float(item["net_cost"]),
                                "tax_ids": [fields.Command.clear()],
                            }
                        )
                        for item in items
                    ],
                }
            )
        moves = cls.env["account.move"].create(values)
        moves.action_post()
        return (
            cls.env["acorn.vc.remittance"]
            .with_user(cls.user_finance)
            .import_file(account.id, "Payments.xlsx", base64.b64encode(data).decode())
        )

    @classmethod
    def _claim(cls, account, received_in_full, min_age=35, max_age=10_000):
        """A one-ASIN shortage claim the sandbox knows to be false (or true), its invoice
        due ``min_age``..``max_age`` days before the sandbox's today: its deduction, ASIN
        and units."""
        now = cls.sandbox.clock.now()
        with cls.sandbox.store.lock:
            rows = cls.sandbox.store.q(
                "SELECT c.number, c.due, MIN(ci.asin) AS asin, SUM(ci.qty) AS qty, "
                "MIN(ci.received_in_full) AS low, MAX(ci.received_in_full) AS high, "
                "COUNT(*) AS n FROM shortage_claims c "
                "JOIN shortage_claim_items ci ON ci.claim = c.number "
                "WHERE c.number LIKE '%INVSC' AND ci.repaid = 0 GROUP BY c.number "
                "ORDER BY c.claimed_at, c.number"
            )
        Deduction = cls.env["acorn.vc.deduction"]
        for row in rows:
            age = (now - row["due"]) / DAY
            if row["n"] != 1 or row["low"] != received_in_full or not min_age <= age <= max_age:
                continue
            deduction = Deduction.search(
                [("account_id", "=", account.id), ("name", "=", row["number"])]
            )
            if deduction.invoice_id and not deduction.dispute_id:
                return deduction, row["asin"], row["qty"]
        raise AssertionError("the sandbox has such a claim")

    def _today(self):
        return self.sandbox.now().date()


@tagged("-at_install", "post_install")
class TestDispute(DisputeSetup, AcornVendorCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_finance.groups_id |= cls.env.ref("account.group_account_user")
        cls._setup_disputes(cls.account)

    def _dispute(self, deductions, user=None):
        Dispute = self.env["acorn.vc.dispute"].with_user(user or self.user_finance)
        Dispute = Dispute.with_context(acorn_today=self._today())
        return Dispute.browse(Dispute.create_from_deductions(deductions.ids))

    def test_false_shortage_is_disputed_paid_back_and_cleared(self):
        claim, asin, units = self._claim(self.account, received_in_full=1)
        self.assertFalse(claim.reconciled)
        dispute = self._dispute(claim)
        self.assertEqual((dispute.state, dispute.kind), ("draft", "shortage"))
        self.assertAlmostEqual(dispute.amount_claimed, -claim.amount)
        (line,) = dispute.line_ids
        # Amazon's shortage page (the sandbox shows it) names the ASIN and units claimed.
        self.assertEqual((line.asin, line.quantity, line.basis), (asin, units, "amazon"))
        # One click: the form and the evidence, attached; what is missing is said.
        xlsx_id, zip_id = dispute.acorn_build_pack()
        book = openpyxl.load_workbook(io.BytesIO(self.env["ir.attachment"].browse(xlsx_id).raw))
        rows = list(book.active.iter_rows(values_only=True))
        self.assertEqual(rows[1][:4], (claim.base_invoice_number, None, asin, units))
        archive = zipfile.ZipFile(io.BytesIO(self.env["ir.attachment"].browse(zip_id).raw))
        names = archive.namelist()
        self.assertIn(
            f"{claim.base_invoice_number}/invoice/{claim.base_invoice_number}.html", names
        )
        readme = archive.read("README.txt").decode()
        self.assertIn("MISSING proof of delivery", readme)
        self.assertIn("no proof of delivery", dispute.missing_evidence)
        self.assertIn("evidence missing", dispute.message_ids[0].body)
        # Filed at the sandbox's desk; answered a week later; paid back the week after.
        case = dispute.acorn_submit()
        self.assertEqual((dispute.state, dispute.amz_case_id), ("submitted", case))
        self.assertEqual(dispute.acorn_check_answer(), "pending")
        self.sandbox.advance(7 * DAY)
        self.assertEqual(dispute.acorn_check_answer(), "pending")
        self.assertEqual(dispute.amz_status, "approved")
        self.assertIn("received all", dispute.amz_answer)
        self.sandbox.advance(7 * DAY)
        counts = self._import_payments(self.account)
        self.assertEqual(counts["to_review"], 0)
        self.assertEqual(dispute.state, "won")
        self.assertAlmostEqual(dispute.amount_recovered, -claim.amount)
        self.assertAlmostEqual(dispute.amount_open, 0)
        (reversal,) = dispute.recovery_ids
        self.assertEqual(reversal.name, f"{claim.base_invoice_number}SCR")
        self.assertTrue(claim.reconciled, "the claim is cleared by its reversal in the ledger")
        self.assertTrue(reversal.reconciled)

    def test_true_shortage_is_lost_and_written_off_by_a_manager(self):
        claim, asin, units = self._claim(self.account, received_in_full=0)
        dispute = self._dispute(claim)
        self.assertEqual((dispute.line_ids.asin, dispute.line_ids.quantity), (asin, units))
        dispute.acorn_submit()
        self.sandbox.advance(7 * DAY)
        self.assertEqual(dispute.acorn_check_answer(), "lost")
        self.assertIn("the shortage stands", dispute.amz_answer)
        with self.assertRaisesRegex(UserError, "Only a Vendor Central manager"):
            dispute.acorn_write_off("Carrier lost a carton")
        manager = dispute.with_user(self.user_manager).with_context(acorn_today=self._today())
        self.user_manager.groups_id |= self.env.ref("account.group_account_user")
        with self.assertRaisesRegex(UserError, "Say why"):
            manager.acorn_write_off(" ")
        move = self.env["account.move"].browse(manager.acorn_write_off("Carrier lost a carton"))
        self.assertEqual((dispute.state, move.state), ("written_off", "posted"))
        expense = self.env["acorn.vc.remittance"]._acorn_default_account(
            self.company, "written_off"
        )
        debit = move.line_ids.filtered(lambda ln: ln.debit)
        self.assertEqual(debit.account_id, expense)
        self.assertEqual(expense.account_type, "expense")
        self.assertAlmostEqual(debit.debit, -claim.amount)
        self.assertTrue(claim.reconciled, "the pending deduction is cleared by the write-off")
        self.assertAlmostEqual(dispute.amount_open, 0)
        self.assertIn("Carrier lost a carton", dispute.message_ids[0].body)

    def test_the_configured_write_off_account_is_used(self):
        claim, _asin, _units = self._claim(self.account, received_in_full=0)
        target = self.env["account.account"].create(
            {"name": "Shortages lost", "code": "619977", "account_type": "expense"}
        )
        self.account.dispute_writeoff_account_id = target
        dispute = self._dispute(claim)
        dispute.acorn_record_case("MANUAL-1")
        dispute.acorn_record_answer("denied", "No proof of delivery.")
        self.assertEqual(dispute.state, "lost")
        self.user_manager.groups_id |= self.env.ref("account.group_account_user")
        manager = dispute.with_user(self.user_manager).with_context(acorn_today=self._today())
        move = self.env["account.move"].browse(manager.acorn_write_off("Accepted"))
        self.assertEqual(move.line_ids.filtered("debit").account_id, target)

    def test_what_cannot_be_disputed_is_refused_with_why(self):
        early, _asin, _units = self._claim(self.account, 1, min_age=0, max_age=25)
        with self.assertRaisesRegex(UserError, "window opens on"):
            self._dispute(early)
        claim, _asin, _units = self._claim(self.account, 1)
        coop = self.env["acorn.vc.deduction"].search(
            [("account_id", "=", self.account.id), ("kind", "=", "coop")], limit=1
        )
        with self.assertRaisesRegex(UserError, "deductions of one kind"):
            self._dispute(claim | coop)
        provision = self.env["acorn.vc.deduction"].search(
            [("account_id", "=", self.account.id), ("kind", "=", "provision")], limit=1
        )
        with self.assertRaisesRegex(UserError, "not disputed with Amazon"):
            self._dispute(provision)
        dispute = self._dispute(claim)
        with self.assertRaisesRegex(UserError, f"already in dispute {dispute.name}"):
            self._dispute(claim)
        with self.assertRaisesRegex(ValidationError, f"cannot hold {coop.name}"):
            coop.dispute_id = dispute
        dispute.acorn_record_case("C-1")
        with self.assertRaisesRegex(UserError, "not one of approved"):
            dispute.acorn_record_answer("maybe", "")
        # The expired end of the window: two years after the due date.
        later = self.env["acorn.vc.dispute"].with_context(
            acorn_today=claim.invoice_id.invoice_date_due + timedelta(days=800)
        )
        other, _asin, _units = self._claim(self.account, 0)
        with self.assertRaisesRegex(UserError, "window closed on"):
            later.create_from_deductions(other.ids)

    def test_the_deduction_list_button_opens_the_new_dispute(self):
        claim, _asin, _units = self._claim(self.account, 1)
        action = (
            claim.with_user(self.user_finance)
            .with_context(acorn_today=self._today())
            .action_acorn_dispute()
        )
        dispute = self.env["acorn.vc.dispute"].browse(action["res_id"])
        self.assertEqual(dispute.deduction_ids, claim)
        self.assertTrue(dispute.name.startswith("DSP/"))
        self.assertEqual(claim.dispute_state, "draft")

    def test_an_invoice_of_one_amount_takes_the_units_from_amazons_shortage_page(self):
        claim, asin, units = self._claim(self.account, received_in_full=1)
        lump = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.amazon.id,
                "invoice_date": claim.invoice_id.invoice_date,
                "invoice_payment_term_id": self.terms.id,
                "invoice_line_ids": [
                    fields.Command.create(
                        {"name": "Amazon PO", "quantity": 1, "price_unit": 999.0, "tax_ids": []}
                    )
                ],
            }
        )
        lump.action_post()
        self.assertEqual(lump.invoice_date_due, claim.invoice_id.invoice_date_due)
        claim.invoice_id = lump
        dispute = self._dispute(claim)
        self.assertEqual(
            [(ln.asin, ln.quantity, ln.basis) for ln in dispute.line_ids], [(asin, units, "amazon")]
        )
        self.assertEqual(dispute.line_ids.product_id.amz_asin, asin)

    def test_finance_only(self):
        self.assertFalse(
            self.env["acorn.vc.dispute"].with_user(self.user_logistics).has_access("read")
        )


@tagged("-at_install", "post_install")
class TestDisputeXmlRpc(DisputeSetup, SandboxMixin, HttpCase):
    """A vendor's script disputes over XML-RPC: create from deduction ids, build the pack,
    submit to the sandbox, record Amazon's answer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["acorn.vc.account"].create(
            {"name": "RPC Disputes", "marketplace_code": "US"}
        )
        cls.user_finance = new_test_user(
            cls.env,
            "acorn_rpc_disputes",
            password="acorn_rpc_disputes_pw1",
            groups="acorn_vendor.group_acorn_finance,account.group_account_user",
        )
        cls._setup_disputes(cls.account)

    def test_dispute_over_xmlrpc(self):
        claim, asin, units = self._claim(self.account, received_in_full=1)
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(
            db, "acorn_rpc_disputes", "acorn_rpc_disputes_pw1", {}
        )

        def call(method, args, context=None):
            return self.xmlrpc_object.execute_kw(
                db,
                uid,
                "acorn_rpc_disputes_pw1",
                "acorn.vc.dispute",
                method,
                args,
                {"context": context or {"acorn_today": self._today().isoformat()}},
            )

        dispute_id = call("create_from_deductions", [claim.ids])
        attachment_ids = call("acorn_build_pack", [[dispute_id]])
        self.assertEqual(len(attachment_ids), 2)
        names = self.env["ir.attachment"].browse(attachment_ids).mapped("name")
        self.assertTrue(names[0].endswith(".xlsx") and names[1].endswith(".zip"))
        case = call("acorn_submit", [[dispute_id]])
        self.assertTrue(case)
        self.assertEqual(call("acorn_record_answer", [[dispute_id], "denied", "Not found"]), "lost")
        dispute = self.env["acorn.vc.dispute"].browse(dispute_id)
        self.assertEqual((dispute.amz_case_id, dispute.amz_answer), (case, "Not found"))
        self.assertEqual(dispute.line_ids.mapped("asin"), [asin])
        self.assertEqual(dispute.line_ids.quantity, units)


@tagged("-at_install", "post_install")
class TestDisputeEvidence(test_asn.AsnCommon):
    """The pack of a delivery shipped through Acorn holds its real evidence: the ASN Amazon
    accepted, the cartons by SSCC, the labels, the BOL and POD attached to the delivery, and
    the PO as Amazon sent it; what Odoo lacks (here the invoice) is named."""

    def test_the_pack_gathers_a_shipped_deliverys_evidence(self):
        picking = self._delivery()
        cartons = self._ship(picking)
        picking.acorn_bill_of_lading = "BOL-4711"
        tx = picking._acorn_send_asn()
        self.assertEqual(self._run(tx), "success", tx.errors)
        Attachment = self.env["ir.attachment"]
        for name, data in (("POD signed.pdf", b"%PDF pod"), ("BOL-4711 signed.pdf", b"%PDF bol")):
            Attachment.create(
                {"name": name, "raw": data, "res_model": "stock.picking", "res_id": picking.id}
            )
        order = picking.acorn_purchase_order_id
        line = order.line_ids[:1]
        deduction = self.env["acorn.vc.deduction"].create(
            {
                "account_id": self.account.id,
                "currency_id": self.company.currency_id.id,
                "date": fields.Date.today(),
                "name": "EV-1SC",
                "kind": "shortage_claim",
                "amount": -line.net_cost,
                "base_invoice_number": "EV-1",
                "sale_order_id": picking.sale_id.id,
                "purchase_order_id": order.id,
                "picking_ids": [fields.Command.set(picking.ids)],
            }
        )
        dispute = self.env["acorn.vc.dispute"].create(
            {
                "account_id": self.account.id,
                "currency_id": self.company.currency_id.id,
                "kind": "shortage",
            }
        )
        evidence = dispute._acorn_evidence(deduction, "EV-1")
        form = [FormLine("EV-1", line.asin, 1, line.asin, fields.Date.today())]
        pack = build_pack(dispute.name, form, [evidence])
        archive = zipfile.ZipFile(io.BytesIO(pack.zip))
        names = archive.namelist()
        (asn_name,) = [n for n in names if n.startswith("EV-1/asn/")]
        sent = json.loads(archive.read(asn_name))
        self.assertEqual(sent, tx.payload)
        cartons_csv = archive.read("EV-1/cartons/cartons_by_sscc.csv").decode()
        for sscc in cartons.mapped("acorn_sscc"):
            self.assertIn(sscc, cartons_csv)
        self.assertIn(cartons.acorn_pallet_id.acorn_sscc, cartons_csv)
        self.assertTrue([n for n in names if n.startswith("EV-1/labels/labels-EV-1.")])
        self.assertIn("EV-1/proof_of_delivery/POD_signed.pdf", names)
        self.assertIn("EV-1/bill_of_lading/BOL-4711_signed.pdf", names)
        po_json = json.loads(archive.read(f"EV-1/purchase_order/purchase-order-{order.name}.json"))
        self.assertEqual(po_json["purchaseOrderNumber"], order.name)
        self.assertEqual(
            [str(piece) for piece in pack.missing],
            ["EV-1: no invoice PDF (no posted invoice EV-1 in Odoo)"],
        )
