"""X12 820 end to end: the simulated Amazon sends an 820 per sandbox payment through the EDI
channel; each becomes a remittance, matched and booked like the Payments export, and the
export of the same payments imports nothing twice."""

import base64
import json

import requests

from odoo.tests import tagged

from odoo.addons.acorn_vendor.tests.test_remittance_booking import SANDBOX_PAYING, RemittanceSetup

from ..core import exchange
from ..core.sandbox_remittances import remittances_from_sandbox
from .common import EdiCommon


@tagged("-at_install", "post_install")
class TestEdiRemittance(RemittanceSetup, EdiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_remittances(cls.account)
        cls.sandbox = cls._start_sandbox(**SANDBOX_PAYING)
        url = f"{cls.sandbox.url}/_sandbox/payments/export"
        cls.payments = json.loads(requests.get(f"{url}?format=json", timeout=30).content)
        cls.xlsx = requests.get(f"{url}?format=xlsx", timeout=30).content
        invoice_lines = [
            line
            for payment in cls.payments["payments"]
            for line in payment["lines"]
            if line["kind"] == "invoice"
        ]
        cls.invoices = cls._invoices(
            cls.account,
            [
                (ln["invoice_number"], ln["invoice_date"], ln["invoice_amount"])
                for ln in invoice_lines
            ],
        )

    def _remittances(self):
        return self.env["acorn.vc.remittance"].search([("account_id", "=", self.account.id)])

    def test_820s_through_the_edi_channel_are_booked_and_the_export_adds_nothing(self):
        remittances = remittances_from_sandbox(self.payments)
        data = exchange.as_partner(self.profile(), remittances, 8201)
        self.assertValidX12(data)
        self.drop("820_8201.edi", data)
        self.poll()
        document = self.Document.search([("name", "=", "820_8201.edi")])
        self.assertIn(document.state, ("processed", "acknowledged"), document.errors)
        self.assertEqual(document.processed_count, len(remittances))
        self.assertTrue(self.outbox("997_"), "the 820s are acknowledged")
        booked = self._remittances()
        self.assertEqual(
            sorted(booked.mapped("name")), sorted(r.payment_reference for r in remittances)
        )
        # An 820 carries every line, even those the Payments export hides: all are booked.
        self.assertEqual(set(booked.mapped("state")), {"booked"})
        self.assertEqual(set(self.invoices.mapped("payment_state")) - {"paid", "in_payment"}, set())
        kinds = set(
            self.env["acorn.vc.deduction"]
            .search([("account_id", "=", self.account.id)])
            .mapped("kind")
        )
        self.assertIn("price_protection", kinds)
        # The Payments export of the same payments: nothing new.
        counts = self.env["acorn.vc.remittance"].import_file(
            self.account.id, "Payments.xlsx", base64.b64encode(self.xlsx).decode()
        )
        self.assertEqual((counts["payments"], counts["lines"]), (0, 0))
        self.assertEqual(counts["duplicates"], len(remittances))
        # The same 820s again in a new interchange: nothing new either.
        self.drop("820_8202.edi", exchange.as_partner(self.profile(), remittances, 8202))
        self.poll()
        again = self.Document.search([("name", "=", "820_8202.edi")])
        self.assertIn(again.state, ("processed", "acknowledged"), again.errors)
        self.assertIn("imported before", again.notes)
        self.assertEqual(self._remittances(), booked)

    def test_an_820_brings_the_lines_the_export_hid(self):
        counts = self.env["acorn.vc.remittance"].import_file(
            self.account.id, "Payments.xlsx", base64.b64encode(self.xlsx).decode()
        )
        self.assertGreater(counts["hidden_payments"], 0)
        hidden = self._remittances().filtered("lines_hidden")
        self.assertEqual(set(hidden.mapped("state")), {"to_review"})
        remittances = [
            r
            for r in remittances_from_sandbox(self.payments)
            if r.payment_reference in hidden.mapped("name")
        ]
        self.drop("820_8203.edi", exchange.as_partner(self.profile(), remittances, 8203))
        self.poll()
        self.assertEqual(len(self._remittances()), len(self.payments["payments"]))
        self.assertEqual(set(hidden.mapped("state")), {"booked"}, hidden.mapped("review_reason"))

    def test_the_simulated_amazon_pays_by_820_once(self):
        self.account.write({"edi_demo_partner": True, "endpoint_override": self.sandbox.url})
        (sent,) = self.account._acorn_job_edi_demo_partner()
        self.assertIn(f"{len(self.payments['payments'])} payments", sent)
        self.poll()
        booked = self._remittances()
        self.assertEqual(len(booked), len(self.payments["payments"]))
        self.assertEqual(set(booked.mapped("state")), {"booked"}, booked.mapped("review_reason"))
        # Paid and imported: the next run sends no 820 again (it answers Acorn's 997 only).
        again = self.account._acorn_job_edi_demo_partner()
        self.assertFalse([line for line in again if line.startswith("820")], again)
