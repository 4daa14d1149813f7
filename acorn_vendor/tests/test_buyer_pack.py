import base64
import io
from datetime import date, datetime

import openpyxl

from odoo import Command
from odoo.tests import tagged

from .common import AcornVendorCommon
from .test_vendor_report_kpi import ReportRowsMixin, inventory_row, sales_row


@tagged("-at_install", "post_install")
class TestBuyerPack(ReportRowsMixin, AcornVendorCommon):
    """The buyer meeting pack built from the loaded reports, read back with openpyxl."""

    def test_pack_reads_back_with_the_weeks_inventory_and_movers_of_the_account(self):
        self._load(
            "GET_VENDOR_SALES_REPORT",
            [
                sales_row("2026-02-14", "B0PACK0001", 5),  # before the period: movers' base
                sales_row("2026-02-15", "B0PACK0001", 20, returns=1),
                sales_row("2026-02-16", "B0PACK0002", 7),
            ],
        )
        self._load(
            "GET_VENDOR_INVENTORY_REPORT",
            [
                dict(
                    inventory_row("2026-02-15", "B0PACK0001", 0.9, 0),
                    sellableOnHandInventoryUnits=0,
                    openPurchaseOrderUnits=40,
                ),
                dict(
                    inventory_row("2026-02-16", "B0PACK0001", 0.9, 30),
                    sellableOnHandInventoryUnits=28,
                ),
            ],
        )
        Wizard = self.env["acorn.vc.buyer.pack.wizard"].with_user(self.user_ops)
        raw = base64.b64decode(Wizard.acorn_buyer_pack(self.account.id, "2026-02-15", "2026-02-16"))
        book = openpyxl.load_workbook(io.BytesIO(raw))
        self.assertEqual(
            book.sheetnames[:6],
            ["Summary", "Sales", "Traffic", "Inventory health", "KPIs", "Top movers"],
        )
        sales = list(book["Sales"].iter_rows(min_row=2, values_only=True))
        self.assertEqual([row[:2] for row in sales], [(datetime(2026, 2, 15), 27)])
        self.assertEqual(sales[0][4], 1)
        inventory = list(book["Inventory health"].iter_rows(min_row=2, values_only=True))
        self.assertEqual([row[0] for row in inventory], ["B0PACK0001"])
        movers = list(book["Top movers"].iter_rows(min_row=2, values_only=True))
        self.assertEqual(
            [(row[0], row[4]) for row in movers], [("B0PACK0001", 15), ("B0PACK0002", 7)]
        )

        # Out of stock: the days Amazon had no sellable unit, and the open PO units then.
        out = list(book["Out of stock"].iter_rows(min_row=2, values_only=True))
        self.assertEqual([row[0] for row in out], ["B0PACK0001"])
        self.assertEqual(out[0][2:], (1, datetime(2026, 2, 15), 40))
        # Deductions are finance's: not in the pack sales ops builds.
        self.assertNotIn("Deductions", book.sheetnames)

        wizard = Wizard.create(
            {
                "account_id": self.account.id,
                "date_from": date(2026, 2, 15),
                "date_to": date(2026, 2, 16),
            }
        )
        action = wizard.action_download_xlsx()
        self.assertIn("/web/content/", action["url"])

    def test_the_finance_pack_has_the_periods_deductions_by_kind_and_share_of_invoiced(self):
        remittance = self.env["acorn.vc.remittance"].create(
            {
                "name": "PACK-REM",
                "account_id": self.account.id,
                "currency_id": self.account.company_id.currency_id.id,
                "payment_date": date(2026, 2, 15),
                "line_ids": [
                    Command.create({"invoice_number": number, "kind": kind, "settled": settled})
                    for number, kind, settled in (
                        ("PACK-SC-1", "shortage_claim", -30.0),
                        ("PACK-SC-2", "shortage_claim", -10.0),
                        ("PACK-PC-1", "price_claim", -5.0),
                    )
                ],
            }
        )
        lines = remittance.line_ids
        deductions = self.env["acorn.vc.deduction"].create(
            [{"line_id": ln.id, "kind": ln.kind, "amount": ln.settled} for ln in lines]
        )
        self.assertEqual(set(deductions.mapped("date")), {date(2026, 2, 15)}, "the payment's")
        raw = base64.b64decode(
            self.env["acorn.vc.buyer.pack.wizard"].acorn_buyer_pack(
                self.account.id, "2026-02-15", "2026-02-16"
            )
        )
        book = openpyxl.load_workbook(io.BytesIO(raw))
        rows = list(book["Deductions"].iter_rows(min_row=2, values_only=True))
        self.assertEqual([(row[2], row[3], row[4]) for row in rows], [(2, 40.0, 0), (1, 5.0, 0)])
        self.assertIsNone(rows[0][5], "no invoice in the period: no share, not 0")
