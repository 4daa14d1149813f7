"""The deduction ledger in Odoo: Amazon's chargeback list imported from the sandbox's export
(whole, idempotent, over XML-RPC's entry point), deductions traced to their delivery and
assessed on the evidence Odoo holds (ASN, cartons, BOL, POD, Amazon's receipts, the PO's net
cost), dispute windows and their states, the reminder cron, the XLSX export."""

import base64
import io
from datetime import timedelta

import openpyxl
import requests

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from ..core.deductions.chargeback_export import read_chargeback_export
from .common import SandboxMixin
from .test_asn import AsnCommon
from .test_remittance_booking import SANDBOX_PAYING, RemittanceSetup, payments_csv


def chargeback_csv(rows):
    """A chargeback list in the sandbox's layout: [(issue id, type, sub type, PO, amount,
    MM/DD/YYYY date, debit note)]."""
    header = "Issue ID,Issue Type,Issue Sub Type,PO Number,Chargeback Amount,Issue Date,Status,"
    header += "Invoice Number"
    lines = [header] + [
        f"{issue},{kind},{sub},{po},{amount},{day},Charged,{note}"
        for issue, kind, sub, po, amount, day, note in rows
    ]
    return "\r\n".join(lines).encode()


@tagged("-at_install", "post_install")
class TestDeductionAssessment(RemittanceSetup, AsnCommon):
    """A delivery shipped, labelled and confirmed through Acorn, invoiced; the claims
    Amazon makes against it, assessed; the sandbox's own chargeback list imported."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_remittances(cls.account)
        cls.history = cls._start_sandbox(**SANDBOX_PAYING)
        cls.listed = requests.get(
            f"{cls.history.url}/_sandbox/chargebacks/export", timeout=30
        ).content

    # ------------------------------------------------------------------ helpers

    def _shipped_and_invoiced(self, pod=True):
        """A delivery packed in SSCC cartons, shipped with a BOL, its ASN accepted by the
        sandbox, a POD on file when ``pod``; its posted invoice."""
        picking = self._delivery()
        self._ship(picking)
        picking.write({"acorn_bill_of_lading": "BOL-77", "acorn_carrier_scac": "ODFL"})
        self.assertEqual(self._run(picking._acorn_send_asn()), "success")
        self.assertEqual(picking.acorn_asn_state, "accepted")
        if pod:
            self.env["ir.attachment"].create(
                {
                    "name": "POD signed.pdf",
                    "raw": b"%PDF-1.4 proof",
                    "res_model": "stock.picking",
                    "res_id": picking.id,
                }
            )
        sale = picking.sale_id
        invoice = sale._create_invoices()
        invoice.amz_invoice_number = f"DED-{sale.client_order_ref}"
        invoice.action_post()
        return picking, invoice

    def _claims(self, invoice, *claims):
        """Deductions from a remittance that pays ``invoice`` minus ``claims`` [(suffix,
        amount)], imported as the Payments export."""
        total = invoice.amount_total
        number = invoice.amz_invoice_number
        day = invoice.invoice_date.strftime("%m/%d/%Y")
        lines = [(number, day, "Invoice", f"{total:.2f}", "0.00", f"{total:.2f}")]
        lines += [
            (f"{number}{suffix}", day, "Claim", f"{-amount:.2f}", "0.00", f"{-amount:.2f}")
            for suffix, amount in claims
        ]
        paid = total - sum(amount for _suffix, amount in claims)
        data = payments_csv([(f"P-{number}", day, f"{paid:.2f}", lines)])
        self._import(data, f"{number}.csv")
        return self.env["acorn.vc.deduction"].search(
            [("account_id", "=", self.account.id), ("base_invoice_number", "=", number)]
        )

    def _import_list(self, data, name="Chargebacks.csv", user=None):
        Deduction = self.env["acorn.vc.deduction"].with_user(user or self.user_finance)
        return Deduction.import_chargebacks(self.account.id, base64.b64encode(data).decode(), name)

    # ------------------------------------------------------------------ shortages and prices

    def test_short_receipt_with_every_proof_is_a_medium_dispute_then_pod_missing(self):
        picking, invoice = self._shipped_and_invoiced()
        po = picking.acorn_purchase_order_id
        first = po.line_ids[0]
        # Amazon's receipts (getPurchaseOrdersStatus) find two units short of what shipped.
        for line in po.line_ids:
            line.received_qty = line.ordered_units - (2 if line == first else 0)
        unit = invoice.invoice_line_ids.filtered(lambda ln: ln.product_id == first.product_id)
        claim = round(2 * unit.price_unit, 2)
        shortage = self._claims(invoice, ("SC", claim))
        self.assertEqual((shortage.kind, shortage.sub_kind), ("shortage_claim", "shortage"))
        self.assertEqual(shortage.picking_ids, picking)
        # The import assessed it already: verdict and window without pressing Assess. Our
        # proof stands against Amazon's receipt: medium, the carrier's POD decides.
        self.assertEqual((shortage.verdict, shortage.strength), ("dispute", "medium"))
        self.assertTrue(shortage.window_state)
        shortage._acorn_assess()
        self.assertEqual((shortage.verdict, shortage.strength), ("dispute", "medium"))
        self.assertAlmostEqual(shortage.disputable_amount, claim, places=2)
        self.assertEqual(shortage.received_units, sum(po.line_ids.mapped("ordered_units")) - 2)
        self.assertEqual(shortage.shipped_units, shortage.invoiced_units)
        self.assertIn("2 units shipped but not received", shortage.explanation)
        self.assertFalse(shortage.missing_evidence)
        self.assertEqual((shortage.bill_of_lading, shortage.carrier), ("BOL-77", "ODFL"))
        self.assertEqual(shortage.fc_code, po.ship_to_code)
        self.assertTrue(shortage.has_pod)

        self.env["ir.attachment"].search(
            [("res_model", "=", "stock.picking"), ("res_id", "=", picking.id)]
        ).unlink()
        shortage.action_assess()
        self.assertEqual((shortage.verdict, shortage.strength), ("dispute", "weak"))
        self.assertEqual(shortage.missing_evidence, f"upload the POD for {picking.name}")

    def test_shortage_without_an_accepted_asn_needs_evidence(self):
        picking, invoice = self._shipped_and_invoiced(pod=False)
        picking.acorn_asn_state = "rejected"
        for line in picking.acorn_purchase_order_id.line_ids:
            line.received_qty = 0
        shortage = self._claims(invoice, ("SC", 10.0))
        shortage._acorn_assess()
        self.assertEqual(shortage.verdict, "needs_evidence")
        self.assertIn(f"an ASN Amazon accepted for {picking.name}", shortage.missing_evidence)
        self.assertIn(f"upload the POD for {picking.name}", shortage.missing_evidence)

    def test_price_claim_on_an_invoice_billed_at_the_po_net_cost_is_disputed(self):
        _picking, invoice = self._shipped_and_invoiced()
        claim = self._claims(invoice, ("PC", 4.0))
        claim._acorn_assess()
        self.assertEqual((claim.sub_kind, claim.verdict, claim.strength), (
            "price_claim", "dispute", "strong"))  # fmt: skip
        self.assertIn("billed the PO's net cost", claim.explanation)
        # The same invoice billed above the net cost: the claim covers the difference.
        line = invoice.invoice_line_ids[0]
        invoice.button_draft()
        line.price_unit += 5
        invoice.action_post()
        claim._acorn_assess()
        self.assertEqual(claim.verdict, "accept")

    # ------------------------------------------------------------------ windows and reminders

    def test_windows_states_and_the_reminder_cron(self):
        _picking, invoice = self._shipped_and_invoiced()
        for line in invoice.invoice_line_ids.sale_line_ids.acorn_po_line_id:
            line.received_qty = 0
        shortage = self._claims(invoice, ("SC", 10.0))
        due = invoice.invoice_date_due
        shortage._acorn_assess(today=due + timedelta(days=34))
        self.assertEqual(shortage.due_date, due)
        self.assertEqual(
            (shortage.window_opens, shortage.window_file_before, shortage.disputes_allowed),
            (due + timedelta(days=35), due + timedelta(days=40), 2),
        )
        self.assertEqual(shortage.window_state, "not_open")
        shortage._acorn_assess(today=due + timedelta(days=36))
        self.assertEqual(shortage.window_state, "closing")
        Deduction = self.env["acorn.vc.deduction"]
        self.assertIn(shortage, Deduction.search([("window_state", "=", "closing")]))

        Deduction._cron_deduction_deadlines(today=due + timedelta(days=36))
        activity = shortage.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.account._acorn_responsible())
        self.assertEqual(activity.date_deadline, due + timedelta(days=40))
        Deduction._cron_deduction_deadlines(today=due + timedelta(days=37))
        self.assertEqual(len(shortage.activity_ids), 1, "one reminder per deadline")

        self.account.deduction_shortage_file_before_days = 45
        Deduction._cron_deduction_deadlines(today=due + timedelta(days=37))
        self.assertEqual(shortage.window_file_before, due + timedelta(days=45))
        shortage._acorn_assess(today=due + timedelta(days=800))
        self.assertEqual(shortage.window_state, "expired")
        expired = Deduction.search([("window_state", "=", "expired")])
        self.assertIn(shortage, expired)

    def test_bad_rule_settings_are_refused(self):
        from odoo.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            self.account.deduction_shortage_opens_days = 50  # after day 40

    # ------------------------------------------------------------------ the chargeback list

    def test_sandbox_chargeback_list_imported_whole_and_once(self):
        parsed = read_chargeback_export(self.listed)
        self.assertFalse(parsed.issues)
        self.assertTrue(parsed.chargebacks)
        counts = self._import_list(self.listed)
        self.assertEqual(counts["created"], len(parsed.chargebacks))
        self.assertEqual(counts["assessed"], len(parsed.chargebacks))
        records = self.env["acorn.vc.deduction"].search(
            [("account_id", "=", self.account.id), ("source", "=", "chargeback_list")]
        )
        self.assertEqual(len(records), len(parsed.chargebacks))
        first = parsed.chargebacks[0]
        record = records.filtered(lambda d: d.amz_issue_id == first.issue_id)
        self.assertEqual(
            (record.name, record.amount, record.notice_date, record.sub_kind),
            (first.debit_note, -float(first.amount), first.notice_date, first.sub_kind),
        )
        self.assertEqual(record.window_file_before, first.notice_date + timedelta(days=30))
        # The sandbox's history POs are not in Odoo: nothing to judge them by.
        self.assertEqual(record.verdict, "needs_evidence")
        self.assertIn(f"the delivery of PO {first.purchase_order}", record.missing_evidence)

        again = self._import_list(self.listed)
        self.assertEqual((again["created"], again["duplicates"]), (0, len(parsed.chargebacks)))
        xlsx = requests.get(
            f"{self.history.url}/_sandbox/chargebacks/export?format=xlsx", timeout=30
        ).content
        self.assertEqual(self._import_list(xlsx, "Chargebacks.xlsx")["created"], 0)

    def test_asn_chargeback_for_a_delivery_sent_in_time_is_disputed(self):
        picking, _invoice = self._shipped_and_invoiced()
        po = picking.acorn_purchase_order_id
        day = picking.date_done.strftime("%m/%d/%Y")
        data = chargeback_csv([("5550001", "ASN Accuracy", "Late ASN", po.name, "31.50", day, "")])
        self.assertEqual(self._import_list(data)["created"], 1)
        charge = self.env["acorn.vc.deduction"].search([("amz_issue_id", "=", "5550001")])
        self.assertEqual((charge.purchase_order_id, charge.picking_ids), (po, picking))
        self.assertEqual((charge.sub_kind, charge.verdict, charge.strength), (
            "asn_accuracy", "dispute", "strong"))  # fmt: skip
        self.assertIn("Amazon accepted it", charge.explanation)

    def test_remittance_deducting_a_listed_chargeback_completes_the_same_record(self):
        data = chargeback_csv(
            [("7770001", "Carton Content Label", "", "NOPO1", "15.00", "02/20/2026", "")]
        )
        self._import_list(data)
        listed = self.env["acorn.vc.deduction"].search([("amz_issue_id", "=", "7770001")])
        self.assertEqual((listed.name, listed.sub_kind), ("7770001VCBSINV", "carton_content_label"))
        invoice = self._invoices(self.account, [("DED-CB-1", "2026-02-01", 300)])
        line = ("7770001VCBSINV", "02/20/2026", "Chargeback", "-15.00", "0.00", "-15.00")
        self._import(
            payments_csv(
                [
                    (
                        "P-CB-1",
                        "02/24/2026",
                        "285.00",
                        [("DED-CB-1", "02/01/2026", "Invoice", "300.00", "0.00", "300.00"), line],
                    )
                ]
            )
        )
        same = self.env["acorn.vc.deduction"].search(
            [("account_id", "=", self.account.id), ("name", "=", "7770001VCBSINV")]
        )
        self.assertEqual(same, listed)
        self.assertTrue(same.line_id)
        self.assertEqual(same.remittance_id.name, "P-CB-1")
        self.assertEqual(same.sub_kind, "carton_content_label")
        self.assertTrue(invoice)

    def test_bad_list_refused_whole_with_row_and_column(self):
        data = chargeback_csv(
            [
                ("8880001", "ASN Accuracy", "", "PO1", "10.00", "02/20/2026", ""),
                ("8880002", "ASN Accuracy", "", "PO1", "ten", "02/20/2026", ""),
            ]
        )
        with self.assertRaisesRegex(UserError, r"row 3, column E \(Chargeback Amount\)"):
            self._import_list(data)
        self.assertFalse(self.env["acorn.vc.deduction"].search([("amz_issue_id", "=", "8880001")]))

    def test_import_wizard_export_and_finance_only_access(self):
        wizard = (
            self.env["acorn.vc.chargeback.import.wizard"]
            .with_user(self.user_finance)
            .create(
                {
                    "account_id": self.account.id,
                    "file": base64.b64encode(self.listed),
                    "file_name": "Chargebacks.csv",
                }
            )
        )
        action = wizard.action_import()
        records = self.env["acorn.vc.deduction"].search(action["domain"])
        self.assertTrue(records)
        result = records.with_user(self.user_finance).action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(
            int(result["url"].split("/")[3].split("?")[0])
        )
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        self.assertEqual(
            book.sheetnames,
            [
                "Deductions",
                "By Kind and Month",
                "At Risk by Deadline",
                "Recovery Rate",
                "Prevention Hints",
            ],
        )
        self.assertEqual(book["Deductions"].max_row, len(records) + 1)
        with self.assertRaises(AccessError):
            self.env["acorn.vc.deduction"].with_user(self.user_logistics).search([])
            records.with_user(self.user_logistics).read(["verdict"])


@tagged("-at_install", "post_install")
class TestDeductionXmlRpc(SandboxMixin, HttpCase):
    """A finance script imports the chargeback list and assesses over XML-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["acorn.vc.account"].create(
            {"name": "RPC deductions", "marketplace_code": "US"}
        )
        cls.sandbox = cls._start_sandbox(**SANDBOX_PAYING)
        new_test_user(
            cls.env,
            "acorn_rpc_finance",
            password="acorn_rpc_fin1",
            groups="acorn_vendor.group_acorn_finance",
        )

    def test_import_and_assess_chargebacks_over_xmlrpc(self):
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, "acorn_rpc_finance", "acorn_rpc_fin1", {})

        def call(method, *args):
            return self.xmlrpc_object.execute_kw(
                db, uid, "acorn_rpc_fin1", "acorn.vc.deduction", method, list(args)
            )

        data = requests.get(f"{self.sandbox.url}/_sandbox/chargebacks/export", timeout=30).content
        listed = read_chargeback_export(data).chargebacks
        counts = call("import_chargebacks", self.account.id, base64.b64encode(data).decode(),
                      "Chargebacks.csv")  # fmt: skip
        self.assertEqual(counts["created"], len(listed))
        ids = call("search", [("account_id", "=", self.account.id)])
        verdicts = call("assess", ids)
        self.assertEqual(sorted(map(int, verdicts)), sorted(ids))
        self.assertEqual(set(verdicts.values()), {"needs_evidence"})
        again = call("import_chargebacks", self.account.id, base64.b64encode(data).decode(),
                     "Chargebacks.csv")  # fmt: skip
        self.assertEqual((again["created"], again["duplicates"]), (0, len(listed)))
