"""Amazon remittances in Odoo: the sandbox's Payments export imported, matched against the
account's posted invoices, booked as one entry per payment; re-imports, reversals, the To
Review queue, the ledger tie-out, e-mail and XML-RPC."""

import base64
import csv
import io
import os
from decimal import Decimal
from email.message import EmailMessage
from unittest.mock import patch

import openpyxl
import requests

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from ..core.remittance.payments_export import read_payments_export
from ..core.sandbox.payments import LINE_HEADER, PAYMENT_HEADER
from .common import AcornVendorCommon

# Invoices old enough to fall due before the pinned clock (2026-03-04): two months of payments.
SANDBOX_PAYING = {
    "seed": 1,
    "pos_per_day": 2,
    "lines_max": 2,
    "history_days": 100,
    "start_time": "2026-03-04T12:00:00Z",
    "frozen_clock": True,
}


def payments_csv(payments, currency="USD"):
    """A Payments export in Vendor Central's CSV layout (the sandbox's headers), for files a
    test needs that the sandbox would not send: [(number, date, amount, [(invoice number,
    invoice date, description, invoice amount, discount, paid)])], dates MM/DD/YYYY."""
    rows = [["Payments"], [], list(PAYMENT_HEADER)]
    for number, day, amount, _lines in payments:
        rows.append([number, day, currency, amount, "Acorn", "US", "TESTV", "ACH", "Paid", ""])
    rows += [[], ["Invoices"], list(LINE_HEADER)]
    for number, _day, _amount, lines in payments:
        for invoice, invoice_date, description, invoice_amount, discount, paid in lines:
            rows.append(
                [number, invoice, invoice_date, description, invoice_amount, currency, "0.00"]
                + [discount, paid, "0.00"]
            )
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


class RemittanceSetup:
    """An account whose Amazon partner has posted invoices, and the helpers to make more."""

    @classmethod
    def _setup_remittances(cls, account):
        company = account.company_id
        if not company.chart_template:
            cls.env["account.chart.template"].try_loading("generic_coa", company, False)
        cls.amazon = cls.env["res.partner"].create(
            {"name": "Amazon.com Services LLC", "is_company": True}
        )
        account.partner_id = cls.amazon

    @classmethod
    def _invoices(cls, account, specs, currency=None):
        """Posted Amazon invoices: [(Amazon invoice number, date, amount[, due date])]."""
        moves = cls.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "currency_id": (currency or account.company_id.currency_id).id,
                    "partner_id": cls.amazon.id,
                    "invoice_date": day,
                    "amz_invoice_number": number,
                    "acorn_account_id": account.id,
                    **({"invoice_date_due": due[0]} if due else {}),
                    "invoice_line_ids": [
                        fields.Command.create(
                            {
                                "name": f"Goods of {number}",
                                "quantity": 1,
                                "price_unit": float(amount),
                                "tax_ids": [fields.Command.clear()],
                            }
                        )
                    ],
                }
                for number, day, amount, *due in specs
            ]
        )
        moves.action_post()
        return moves

    def _import(self, data, file_name="Payments.csv", user=None):
        Remittance = self.env["acorn.vc.remittance"].with_user(user or self.user_finance)
        return Remittance.import_file(self.account.id, file_name, base64.b64encode(data).decode())

    def _remittance(self, number):
        return self.env["acorn.vc.remittance"].search(
            [("account_id", "=", self.account.id), ("name", "=", number)]
        )


@tagged("-at_install", "post_install")
class TestRemittanceBooking(RemittanceSetup, AcornVendorCommon):
    """Sandbox -> Payments export -> import -> matched -> booked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_remittances(cls.account)
        cls.sandbox = cls._start_sandbox(**SANDBOX_PAYING)
        cls.xlsx = requests.get(
            f"{cls.sandbox.url}/_sandbox/payments/export?format=xlsx", timeout=30
        ).content
        cls.parsed = read_payments_export(cls.xlsx)
        # The invoices Amazon paid, as the vendor posted them; one more nobody paid yet.
        invoice_lines = [
            line for p in cls.parsed.payments for line in p.lines if line.kind == "invoice"
        ]
        cls.invoices = cls._invoices(
            cls.account,
            [
                (line.invoice_number, line.invoice_date, line.invoice_amount)
                for line in invoice_lines
            ],
        )
        cls.unpaid = cls._invoices(cls.account, [("UNPAID-1", "2026-02-27", 500)])
        cls.counts = (
            cls.env["acorn.vc.remittance"]
            .with_user(cls.user_finance)
            .import_file(cls.account.id, "Payments.xlsx", base64.b64encode(cls.xlsx).decode())
        )
        cls.remittances = cls.env["acorn.vc.remittance"].search(
            [("account_id", "=", cls.account.id)]
        )

    def test_every_sure_payment_is_booked_as_one_balanced_entry(self):
        payments = self.parsed.payments
        hidden = [p for p in payments if p.lines_hidden]
        self.assertTrue(hidden, "the sandbox hides some payments' lines")
        self.assertEqual(
            self.counts,
            {
                "payments": len(payments),
                "lines": sum(len(p.lines) for p in payments),
                "matched": len(self.invoices),
                "to_review": 0,
                "hidden_payments": len(hidden),
                "duplicates": 0,
            },
        )
        booked = self.remittances.filtered(lambda r: r.state == "booked")
        self.assertEqual(len(booked), len(payments) - len(hidden))
        for remittance in booked:
            move = remittance.move_id
            self.assertEqual(move.state, "posted")
            self.assertEqual(move.date, remittance.payment_date)
            receipts = move.line_ids.filtered(lambda ln: ln.account_id.reconcile and ln.debit)
            self.assertIn(remittance.amount, receipts.mapped("debit"), "the deposit's line")
            self.assertAlmostEqual(sum(move.line_ids.mapped("balance")), 0)
        self.assertEqual(set(self.invoices.mapped("payment_state")) - {"paid", "in_payment"}, set())
        self.assertEqual(self.unpaid.payment_state, "not_paid")

    def test_hidden_lines_hold_the_payment_with_its_gap(self):
        held = self.remittances.filtered("lines_hidden")
        self.assertTrue(held)
        for remittance in held:
            self.assertEqual(remittance.state, "to_review")
            self.assertFalse(remittance.move_id)
            self.assertEqual(remittance.gap, remittance.amount)
            self.assertIn("does not display", remittance.review_reason)

    def test_each_deduction_is_kept_on_its_configured_account(self):
        deductions = self.env["acorn.vc.deduction"].search([("account_id", "=", self.account.id)])
        lines = [line for p in self.parsed.payments for line in p.lines]
        expected = [line for line in lines if line.kind not in ("invoice", "credit_note")]
        self.assertEqual(len(deductions), len(expected))
        Remittance = self.env["acorn.vc.remittance"]
        pending = Remittance._acorn_default_account(self.company, "deductions_pending")
        contra = Remittance._acorn_default_account(self.company, "contra_revenue")
        self.assertTrue(pending.reconcile)
        self.assertEqual(contra.account_type, "income")
        by_kind = {d.kind: d.ledger_account_id for d in deductions}
        self.assertEqual(by_kind["shortage_claim"], pending)
        self.assertEqual(by_kind["coop"], contra)
        claims = deductions.filtered(lambda d: d.kind == "shortage_claim")
        self.assertTrue(all(claims.mapped("base_invoice_number")))
        traced = claims.filtered("invoice_id")
        self.assertTrue(traced, "claims are traced to the invoice they refer to")
        for claim in traced:
            self.assertEqual(claim.invoice_id.amz_invoice_number, claim.base_invoice_number)

    def test_importing_the_same_payments_again_creates_nothing(self):
        again = self._import(self.xlsx, "Payments.xlsx")
        self.assertEqual(again["payments"], 0)
        self.assertEqual(again["lines"], 0)
        self.assertEqual(again["duplicates"], len(self.parsed.payments))
        # The CSV of an overlapping range: the same payments, another file.
        csv_data = requests.get(
            f"{self.sandbox.url}/_sandbox/payments/export?format=csv&from=2026-02-01", timeout=30
        ).content
        overlap = self._import(csv_data, "Payments-February.csv")
        self.assertEqual(overlap["payments"], 0)
        self.assertGreater(overlap["duplicates"], 0)
        self.assertEqual(
            self.env["acorn.vc.remittance"].search_count([("account_id", "=", self.account.id)]),
            len(self.parsed.payments),
        )

    def test_a_provision_and_its_reversal_net_to_zero_on_the_holdback(self):
        holdback = self.env["acorn.vc.remittance"]._acorn_default_account(self.company, "holdback")
        deductions = self.env["acorn.vc.deduction"].search(
            [("account_id", "=", self.account.id), ("kind", "like", "provision")]
        )
        booked = deductions.filtered("move_line_id")
        self.assertEqual(booked.move_line_id.account_id, holdback)
        pairs = 0
        for provision in booked.filtered(lambda d: d.kind == "provision"):
            reversal = booked.filtered(
                lambda d, p=provision: (
                    d.kind == "provision_reversal"
                    and d.reversal_key == p.reversal_key
                    and d.amount == -p.amount
                )
            )
            if not reversal:
                continue
            pairs += 1
            items = provision.move_line_id | reversal.move_line_id
            self.assertAlmostEqual(sum(items.mapped("balance")), 0)
            self.assertTrue(all(items.mapped("reconciled")), provision.name)
            self.assertEqual(len(items.full_reconcile_id), 1)
        self.assertGreaterEqual(pairs, 2, "the sandbox reverses its provisions on the next run")
        # A reversal whose provision sits in a payment Amazon hides stays open, alone.
        open_items = booked.move_line_id.filtered(lambda ln: not ln.reconciled)
        self.assertTrue(all(ln.balance < 0 for ln in open_items))

    def test_the_ledger_ties_to_the_month_end(self):
        last = max(p.date for p in self.parsed.payments)
        wizard = (
            self.env["acorn.vc.remittance.month.end.wizard"]
            .with_user(self.user_finance)
            .create({"account_id": self.account.id, "month": last})
        )
        figures = wizard._acorn_figures()
        self.assertTrue(figures["ties"], figures)
        self.assertEqual(figures["difference"], "0.00")
        # Independently: Amazon's receivable holds exactly the invoice nobody paid.
        receivable = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.amazon.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
            ]
        )
        self.assertAlmostEqual(sum(receivable.mapped("balance")), 500)
        pending = self.env["acorn.vc.remittance"]._acorn_default_account(
            self.company, "deductions_pending"
        )
        holdback = self.env["acorn.vc.remittance"]._acorn_default_account(self.company, "holdback")
        others = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.amazon.id),
                ("account_id", "in", (pending | holdback).ids),
                ("parent_state", "=", "posted"),
            ]
        )
        self.assertEqual(figures["closing"], f"{500 + sum(others.mapped('balance')):.2f}")
        self.assertEqual(
            sum(Decimal(v) for v in figures["sections"].values()) + Decimal(figures["opening"]),
            Decimal(figures["closing"]),
        )
        action = wizard.action_download_xlsx()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        self.assertEqual(book.sheetnames[0], "Summary")
        self.assertIn("Aging", book.sheetnames)

    def test_finance_only_and_per_company(self):
        with self.assertRaises(AccessError):
            self.env["acorn.vc.remittance"].with_user(self.user_logistics).search([])
        user_eu = new_test_user(
            self.env,
            "acorn_finance_eu",
            groups="acorn_vendor.group_acorn_finance",
            company_id=self.company_2.id,
            company_ids=[(6, 0, self.company_2.ids)],
        )
        self.assertFalse(self.env["acorn.vc.remittance"].with_user(user_eu).search([]))
        self.assertFalse(self.env["acorn.vc.deduction"].with_user(user_eu).search([]))


@tagged("-at_install", "post_install")
class TestRemittanceReview(RemittanceSetup, AcornVendorCommon):
    """What Acorn is not sure of waits in To Review; a user's answer is remembered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_remittances(cls.account)
        # The vendor's books know the invoice as 1001; Amazon writes ACME-1001.
        cls.invoice = cls._invoices(cls.account, [("1001", "2026-01-05", 150)])

    def test_an_unknown_invoice_waits_and_the_mapping_is_remembered(self):
        first = payments_csv(
            [
                (
                    "P-1",
                    "02/03/2026",
                    "100.00",
                    [("ACME-1001", "01/05/2026", "", "150.00", "0", "100.00")],
                )
            ]
        )
        counts = self._import(first)
        self.assertEqual((counts["payments"], counts["to_review"]), (1, 1))
        remittance = self._remittance("P-1")
        self.assertEqual(remittance.state, "to_review")
        (line,) = remittance.line_ids
        self.assertEqual(line.review_code, "unknown_invoice")
        self.assertTrue(line.review_fix)
        self.assertEqual(line.status, "to_review")
        with self.assertRaises(UserError):
            remittance.with_user(self.user_finance).action_book()
        line.with_user(self.user_finance).manual_invoice_id = self.invoice
        line.with_user(self.user_finance).action_apply_mapping()
        self.assertEqual(remittance.state, "ready")
        remittance.with_user(self.user_finance).action_book()
        self.assertEqual(remittance.state, "booked")
        self.assertEqual(self.invoice.payment_state, "partial")
        self.assertAlmostEqual(self.invoice.amount_residual, 50)
        # Next month Amazon pays the rest under the same number: matched by itself.
        second = payments_csv(
            [
                (
                    "P-2",
                    "03/03/2026",
                    "50.00",
                    [("ACME-1001", "01/05/2026", "", "150.00", "0", "50.00")],
                )
            ]
        )
        counts = self._import(second)
        self.assertEqual((counts["matched"], counts["to_review"]), (1, 0))
        self.assertEqual(self._remittance("P-2").state, "booked")
        self.assertIn(self.invoice.payment_state, ("paid", "in_payment"))

    def test_a_claim_is_traced_to_its_invoice_once_the_invoice_line_is_matched(self):
        data = payments_csv(
            [
                (
                    "P-7",
                    "02/03/2026",
                    "140.00",
                    [
                        ("ACME-1001", "01/05/2026", "", "150.00", "0", "150.00"),
                        ("ACME-1001SC", "01/05/2026", "Shortage claim", "-10.00", "0", "-10.00"),
                    ],
                )
            ]
        )
        self.assertEqual(self._import(data)["to_review"], 1)
        claim = self.env["acorn.vc.deduction"].search([("name", "=", "ACME-1001SC")])
        self.assertEqual((claim.kind, claim.base_invoice_number), ("shortage_claim", "ACME-1001"))
        self.assertFalse(claim.invoice_id, "nothing is known as ACME-1001 yet")
        line = self._remittance("P-7").line_ids.filtered(lambda ln: ln.status == "to_review")
        line.with_user(self.user_finance).manual_invoice_id = self.invoice
        line.with_user(self.user_finance).action_apply_mapping()
        self.assertEqual(line.status, "matched")
        self.assertEqual(claim.invoice_id, self.invoice, "the deduction follows the match")
        # A later claim on the same number is traced through the remembered mapping.
        later = payments_csv(
            [
                (
                    "P-8",
                    "03/03/2026",
                    "-4.00",
                    [("ACME-1001PC", "01/05/2026", "Price claim", "-4.00", "0", "-4.00")],
                )
            ]
        )
        self._import(later)
        price = self.env["acorn.vc.deduction"].search([("name", "=", "ACME-1001PC")])
        self.assertEqual(price.invoice_id, self.invoice)

    def test_a_hand_posted_entry_on_the_deductions_account_is_a_difference(self):
        data = payments_csv(
            [
                (
                    "P-10",
                    "02/03/2026",
                    "135.00",
                    [
                        ("1001", "01/05/2026", "", "150.00", "0", "150.00"),
                        ("1001SC", "01/05/2026", "Shortage claim", "-10.00", "0", "-10.00"),
                        ("7733-1029384756", "01/31/2026", "Co-op", "-5.00", "0", "-5.00"),
                    ],
                )
            ]
        )
        self.assertEqual(self._import(data)["matched"], 1)
        Wizard = self.env["acorn.vc.remittance.month.end.wizard"].with_user(self.user_finance)
        wizard = Wizard.create({"account_id": self.account.id, "month": "2026-02-01"})
        figures = wizard._acorn_figures()
        self.assertTrue(figures["ties"], figures)
        self.assertEqual(figures["closing"], "10.00", "the shortage claim waits on pending")
        self.assertEqual(figures["deductions_by_kind"], {"shortage_claim": "10.00"})
        pending = self.env["acorn.vc.remittance"]._acorn_default_account(
            self.company, "deductions_pending"
        )
        expense = self.env["account.account"].search(
            [("account_type", "=", "expense"), ("company_ids", "in", self.company.ids)], limit=1
        )
        by_hand = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": "2026-02-20",
                "journal_id": self.env["account.journal"]
                .search([("type", "=", "general"), ("company_id", "=", self.company.id)], limit=1)
                .id,
                "line_ids": [
                    fields.Command.create(
                        {
                            "account_id": pending.id,
                            "partner_id": self.amazon.id,
                            "debit": 25.0,
                            "name": "Claim fee posted by hand",
                        }
                    ),
                    fields.Command.create({"account_id": expense.id, "credit": 25.0}),
                ],
            }
        )
        by_hand.action_post()
        wizard = Wizard.create({"account_id": self.account.id, "month": "2026-02-01"})
        figures = wizard._acorn_figures()
        self.assertFalse(figures["ties"], figures)
        self.assertEqual((figures["closing"], figures["ledger_closing"]), ("10.00", "35.00"))
        self.assertEqual(figures["difference"], "-25.00")

    def test_the_account_decoding_rules_are_used_on_import(self):
        self.account.remittance_line_rules = '[{"kind": "coop", "number": "MKT-\\\\d+"}]'
        data = payments_csv(
            [
                (
                    "P-11",
                    "02/03/2026",
                    "140.00",
                    [
                        ("1001", "01/05/2026", "", "150.00", "0", "150.00"),
                        ("MKT-42", "01/31/2026", "Marketing", "-10.00", "0", "-10.00"),
                    ],
                )
            ]
        )
        counts = self._import(data)
        self.assertEqual((counts["matched"], counts["to_review"]), (1, 0))
        line = self._remittance("P-11").line_ids.filtered(lambda ln: ln.invoice_number == "MKT-42")
        self.assertEqual(line.kind, "coop")
        with self.assertRaises(ValidationError):
            self.account.remittance_line_rules = '[{"kind": "bonus", "number": "B"}]'

    def test_known_keys_are_looked_up_for_the_file_only(self):
        self._import(
            payments_csv(
                [("P-12", "02/03/2026", "150.00", [("1001", "01/05/2026", "", "150", "0", "150")])]
            )
        )
        other = read_payments_export(
            payments_csv(
                [("P-13", "02/10/2026", "10.00", [("X-1", "01/05/2026", "", "10", "0", "10")])]
            )
        ).payments
        Remittance = self.env["acorn.vc.remittance"]
        self.assertEqual(Remittance._acorn_known_keys(self.account, other), set())
        again = read_payments_export(
            payments_csv(
                [("P-12", "02/03/2026", "150.00", [("1001", "01/05/2026", "", "150", "0", "150")])]
            )
        ).payments
        self.assertEqual(len(Remittance._acorn_known_keys(self.account, again)), 2)

    def test_amount_above_what_is_open_is_not_booked(self):
        data = payments_csv(
            [("P-9", "02/03/2026", "200.00", [("1001", "01/05/2026", "", "150.00", "0", "200.00")])]
        )
        counts = self._import(data)
        self.assertEqual(counts["to_review"], 1)
        remittance = self._remittance("P-9")
        self.assertEqual(remittance.line_ids.review_code, "amount_above_open")
        self.assertFalse(remittance.move_id)
        self.assertEqual(self.invoice.payment_state, "not_paid")

    def test_a_bad_file_creates_nothing_and_says_where(self):
        data = payments_csv(
            [
                (
                    "P-3",
                    "02/03/2026",
                    "10.00",
                    [("1001", "01/05/2026", "", "150.00", "0", "10.00")],
                ),
                ("P-4", "02/03/2026", "ten", [("1001", "01/05/2026", "", "150.00", "0", "10.00")]),
            ]
        )
        with self.assertRaisesRegex(UserError, r"nothing was created(.|\n)*row 5, column D"):
            self._import(data)
        self.assertFalse(
            self.env["acorn.vc.remittance"].search([("account_id", "=", self.account.id)])
        )

    def test_the_import_wizard_shows_what_it_created(self):
        data = payments_csv(
            [("P-6", "02/17/2026", "150.00", [("1001", "01/05/2026", "", "150.00", "0", "150.00")])]
        )
        wizard = (
            self.env["acorn.vc.remittance.import.wizard"]
            .with_user(self.user_finance)
            .create(
                {
                    "account_id": self.account.id,
                    "file": base64.b64encode(data),
                    "file_name": "Payments.csv",
                }
            )
        )
        action = wizard.action_import()
        created = self.env["acorn.vc.remittance"].search(action["domain"])
        self.assertEqual(created.mapped("name"), ["P-6"])
        self.assertEqual(created.state, "booked")
        self.assertIn("1 matched", action["name"])

    def test_a_payment_in_another_currency_is_booked_at_its_rate(self):
        euro = self.env.ref("base.EUR")
        euro.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": euro.id,
                "name": "2026-01-01",
                "rate": 0.8,
                "company_id": self.company.id,
            }
        )
        invoice = self._invoices(self.account, [("E-1", "2026-01-05", 80)], currency=euro)
        data = payments_csv(
            [("P-EUR", "2026-02-10", "80.00", [("E-1", "2026-01-05", "", "80.00", "0", "80.00")])],
            currency="EUR",
        )
        self.assertEqual(self._import(data)["matched"], 1)
        remittance = self._remittance("P-EUR")
        self.assertEqual(remittance.state, "booked")
        self.assertEqual(remittance.currency_id, euro)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        receipts = remittance.move_id.line_ids.filtered(lambda ln: ln.debit)
        self.assertEqual((receipts.amount_currency, receipts.debit), (80.0, 100.0))

    def test_a_forwarded_remittance_email_imports_its_attachment(self):
        message = EmailMessage()
        message["From"] = "ap@vendor.example.com"
        message["To"] = "amazon-remittances@vendor.example.com"
        message["Subject"] = "Fwd: Amazon.com remittance advice"
        message["Message-Id"] = "<remittance-p5@vendor.example.com>"
        message.set_content("Forwarded from Vendor Central.")
        data = payments_csv(
            [("P-5", "02/10/2026", "150.00", [("1001", "01/05/2026", "", "150.00", "0", "150.00")])]
        )
        message.add_attachment(data, maintype="text", subtype="csv", filename="Payments.csv")
        thread_id = self.env["mail.thread"].message_process(
            "acorn.vc.remittance",
            message.as_string(),
            custom_values={"account_id": self.account.id},
        )
        remittance = self._remittance("P-5")
        self.assertEqual(remittance.id, thread_id)
        self.assertEqual(remittance.state, "booked")
        self.assertEqual(remittance.attachment_id.name, "Payments.csv")
        self.assertIn(self.invoice.payment_state, ("paid", "in_payment"))


@tagged("-at_install", "post_install")
class TestRemittanceSharedPartner(RemittanceSetup, AcornVendorCommon):
    """Two Vendor Central accounts of one company paid by the same Amazon partner: each
    month-end holds its own entries and ties; together they make the partner's ledger."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_remittances(cls.account)
        cls.second = cls.Account.create(
            {"name": "Test US 2", "marketplace_code": "US", "partner_id": cls.amazon.id}
        )
        # Billed from each account's POs (set after posting: the field follows the lines).
        for account, spec in (
            (cls.account, ("A-1", "2026-01-05", 100)),
            (cls.second, ("B-1", "2026-01-06", 200)),
        ):
            cls._invoices(account, [spec])._acorn_write({"acorn_account_id": account.id})

    def _figures(self, account):
        return (
            self.env["acorn.vc.remittance"]
            .with_user(self.user_finance)
            .acorn_month_end(account.id, "2026-02-01")
        )

    def test_each_account_ties_to_its_own_share_of_the_partner_ledger(self):
        Remittance = self.env["acorn.vc.remittance"].with_user(self.user_finance)
        for account, payment in (
            (self.account, ("P-A", "02/03/2026", "90.00", [
                ("A-1", "01/05/2026", "", "100.00", "0", "100.00"),
                ("A-1SC", "01/05/2026", "Shortage claim", "-10.00", "0", "-10.00"),
            ])),
            (self.second, ("P-B", "02/04/2026", "150.00", [
                ("B-1", "01/06/2026", "", "200.00", "0", "150.00"),
            ])),
        ):  # fmt: skip
            counts = Remittance.import_file(
                account.id, "Payments.csv", base64.b64encode(payments_csv([payment])).decode()
            )
            self.assertEqual(counts["matched"], 1)
        # An invoice entered by hand (no account) belongs to the partner's first account.
        by_hand = self._invoices(self.account, [("H-1", "2026-02-10", 40)])
        self.assertFalse(by_hand.acorn_account_id)
        first, second = self._figures(self.account), self._figures(self.second)
        self.assertTrue(first["ties"], first)
        self.assertTrue(second["ties"], second)
        self.assertEqual(first["closing"], "50.00", "the claim on pending and H-1")
        self.assertEqual(second["closing"], "50.00", "B-1 short-paid by 50")
        (partner_ledger,) = self.env["account.move.line"]._read_group(
            [
                ("partner_id", "=", self.amazon.id),
                ("parent_state", "=", "posted"),
                "|",
                ("account_id.account_type", "=", "asset_receivable"),
                ("account_id.name", "=", "Amazon deductions pending"),
            ],
            aggregates=["balance:sum"],
        )[0]
        self.assertAlmostEqual(partner_ledger, 100.0)
        self.assertEqual(
            Decimal(first["ledger_closing"]) + Decimal(second["ledger_closing"]), Decimal(100)
        )


@tagged("-at_install", "post_install")
class TestRemittanceDemo(RemittanceSetup, AcornVendorCommon):
    """The demo posts the invoices the sandbox's payment history pays: its Payments export
    then matches instead of sending every line to To Review."""

    def test_a_demo_like_database_matches_the_sandbox_payments(self):
        self._setup_remittances(self.account)
        sandbox = self._start_sandbox(**SANDBOX_PAYING)
        self.account._acorn_use_sandbox(sandbox.url)
        Remittance = self.env["acorn.vc.remittance"]
        with patch.dict(os.environ, {"ACORN_SANDBOX_URL": sandbox.url}):
            Remittance._acorn_demo_paid_invoices(self.account.ids)
            mine = [("partner_id", "=", self.account.partner_id.id)]
            posted = self.env["account.move"].search(mine)
            Remittance._acorn_demo_paid_invoices(self.account.ids)  # twice: nothing new
        self.assertTrue(posted)
        self.assertEqual(self.env["account.move"].search(mine), posted)
        xlsx = requests.get(f"{sandbox.url}/_sandbox/payments/export", timeout=30).content
        parsed = read_payments_export(xlsx)
        counts = self._import(xlsx, "Payments.xlsx")
        shown = [line for p in parsed.payments for line in p.lines if line.kind == "invoice"]
        self.assertEqual((counts["matched"], counts["to_review"]), (len(shown), 0))
        self.assertEqual(set(posted.mapped("state")), {"posted"})


@tagged("-at_install", "post_install")
class TestRemittanceEu(RemittanceSetup, AcornVendorCommon):
    """An EU account end to end: a German company keeping its books in EUR, the sandbox's DE
    Payments export (semicolons, decimal commas, day-first dates) imported, matched, booked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        euro = cls.env.ref("base.EUR")
        euro.active = True
        cls.company_2.currency_id = euro
        cls.env["account.chart.template"].try_loading("generic_coa", cls.company_2, False)
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company_2.ids))
        cls.account_de = cls.account_2.with_env(cls.env)
        cls._setup_remittances(cls.account_de)
        sandbox = cls._start_sandbox(marketplace="DE", **SANDBOX_PAYING)
        url = f"{sandbox.url}/_sandbox/payments/export?format=csv"
        cls.data = requests.get(url, timeout=30).content
        cls.parsed = read_payments_export(cls.data)
        shown = [line for p in cls.parsed.payments for line in p.lines if line.kind == "invoice"]
        cls.invoices = cls._invoices(
            cls.account_de,
            [(line.invoice_number, line.invoice_date, line.invoice_amount) for line in shown],
            currency=euro,
        )

    def test_the_de_export_is_booked_in_euros(self):
        self.assertIn(";", self.data.decode("utf-8-sig").splitlines()[2])
        self.assertEqual({p.currency for p in self.parsed.payments}, {"EUR"})
        counts = self.env["acorn.vc.remittance"].import_file(
            self.account_de.id, "Zahlungen.csv", base64.b64encode(self.data).decode()
        )
        self.assertEqual((counts["matched"], counts["to_review"]), (len(self.invoices), 0))
        booked = self.env["acorn.vc.remittance"].search(
            [("account_id", "=", self.account_de.id), ("state", "=", "booked")]
        )
        hidden = [p for p in self.parsed.payments if p.lines_hidden]
        self.assertEqual(len(booked), len(self.parsed.payments) - len(hidden))
        self.assertEqual(booked.move_id.company_id, self.company_2)
        self.assertEqual(booked.move_id.line_ids.currency_id, self.env.ref("base.EUR"))
        self.assertEqual(set(self.invoices.mapped("payment_state")) - {"paid", "in_payment"}, set())
        figures = self.env["acorn.vc.remittance"].acorn_month_end(
            self.account_de.id, max(p.date for p in self.parsed.payments).isoformat()
        )
        self.assertTrue(figures["ties"], figures)


@tagged("-at_install", "post_install")
class TestRemittanceXmlRpc(RemittanceSetup, HttpCase):
    """A vendor's script imports the Payments export over XML-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["acorn.vc.account"].create(
            {"name": "RPC Remittances", "marketplace_code": "US"}
        )
        cls._setup_remittances(cls.account)
        cls._invoices(cls.account, [("2001", "2026-01-05", 80), ("2002", "2026-01-06", 80)])
        new_test_user(
            cls.env,
            "acorn_rpc_finance",
            password="acorn_rpc_finance_pw1",
            groups="acorn_vendor.group_acorn_finance",
        )

    def test_import_file_over_xmlrpc_is_idempotent(self):
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, "acorn_rpc_finance", "acorn_rpc_finance_pw1", {})
        data = payments_csv(
            [
                ("R-1", "02/03/2026", "80.00", [("2001", "01/05/2026", "", "80.00", "0", "80.00")]),
                (
                    "R-2",
                    "02/10/2026",
                    "75.00",
                    [
                        ("2002", "01/06/2026", "", "80.00", "0", "80.00"),
                        ("7733-1029384756", "01/31/2026", "Co-op", "-5.00", "0", "-5.00"),
                    ],
                ),
            ]
        )
        args = [self.account.id, "Payments.csv", base64.b64encode(data).decode()]

        def call():
            return self.xmlrpc_object.execute_kw(
                db, uid, "acorn_rpc_finance_pw1", "acorn.vc.remittance", "import_file", args
            )

        self.assertEqual(
            call(),
            {
                "payments": 2,
                "lines": 3,
                "matched": 2,
                "to_review": 0,
                "hidden_payments": 0,
                "duplicates": 0,
            },
        )
        again = call()
        self.assertEqual((again["payments"], again["duplicates"]), (0, 2))
        figures = self.xmlrpc_object.execute_kw(
            db,
            uid,
            "acorn_rpc_finance_pw1",
            "acorn.vc.remittance",
            "acorn_month_end",
            [self.account.id, "2026-02-01"],
        )
        self.assertTrue(figures["ties"], figures)
        self.assertEqual(Decimal(figures["sections"]["payments"]), Decimal("-160.00"))
