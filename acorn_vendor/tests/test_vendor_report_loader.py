from datetime import date

from odoo.tests import tagged

from .common import AcornVendorCommon
from .test_vendor_report_kpi import ReportRowsMixin, inventory_row, sales_row


@tagged("-at_install", "post_install")
class TestVendorReportLoader(ReportRowsMixin, AcornVendorCommon):
    """The COPY loader's bookkeeping: who and when, what a deletion takes along, and the KPI
    rows it refreshes (only the weeks it touched)."""

    def _rows(self, model="acorn.vc.report.sales"):
        return self.env[model].search([("account_id", "=", self.account.id)])

    def test_rows_say_who_loaded_them_and_when(self):
        self._load("GET_VENDOR_SALES_REPORT", [sales_row("2026-02-15", "B0LOAD0001", 5)])
        (row,) = self._rows()
        self.assertEqual(row.create_uid, self.env.user)
        self.assertEqual(row.write_uid, self.env.user)
        self.assertTrue(row.create_date)
        self.assertEqual(row.create_date, row.write_date)

    def test_deleting_a_document_or_a_product_reaches_its_rows(self):
        product = self.env["product.product"].create({"name": "Linked", "amz_asin": "B0LOAD0002"})
        doc = self._load("GET_VENDOR_SALES_REPORT", [sales_row("2026-02-15", "B0LOAD0002", 5)])
        self.assertEqual(self._rows().product_id, product)
        product.unlink()
        self.env.invalidate_all()
        (row,) = self._rows()
        self.assertFalse(row.product_id)  # unlinked, as ON DELETE SET NULL did
        doc.unlink()
        self.env.invalidate_all()
        self.assertFalse(self._rows())  # gone with its document, as ON DELETE CASCADE did

    def test_a_days_import_recomputes_only_its_week(self):
        # Sat 14 Feb is in the week of Sunday 8 Feb, Sun 15 and Mon 16 in the next one.
        self._load(
            "GET_VENDOR_SALES_REPORT",
            [
                sales_row("2026-02-14", "B0LOAD0003", 4),
                sales_row("2026-02-15", "B0LOAD0003", 6),
                sales_row("2026-02-16", "B0LOAD0003", 1),
            ],
        )
        Kpi = self.env["acorn.vc.report.kpi"]
        before = {k.week_start: k for k in Kpi.search([("account_id", "=", self.account.id)])}
        self.assertEqual(before[date(2026, 2, 8)].shipped_units, 4)
        self.assertEqual(before[date(2026, 2, 15)].shipped_units, 7)
        # Amazon corrects Monday: that day's document replaces it, its week is recomputed.
        self._load(
            "GET_VENDOR_SALES_REPORT",
            [sales_row("2026-02-16", "B0LOAD0003", 3)],
            window=(date(2026, 2, 16), date(2026, 2, 16)),
        )
        after = {k.week_start: k for k in Kpi.search([("account_id", "=", self.account.id)])}
        self.assertEqual(after[date(2026, 2, 15)].shipped_units, 9)
        self.assertEqual(after[date(2026, 2, 8)], before[date(2026, 2, 8)])  # same row, kept
        self.assertNotEqual(after[date(2026, 2, 15)], before[date(2026, 2, 15)])

    def test_stock_on_hand_is_the_average_of_the_days_that_have_a_value(self):
        rows = [inventory_row(day, "B0LOAD0004", 1.0, 1) for day in ("2026-02-15", "2026-02-16")]
        rows[0]["sellableOnHandInventoryUnits"] = 10
        rows[1]["sellableOnHandInventoryUnits"] = None  # a null is no day of zero stock
        rows.append(inventory_row("2026-02-14", "B0LOAD0004", 1.0, 1))
        rows[2]["sellableOnHandInventoryUnits"] = 40
        self._load("GET_VENDOR_INVENTORY_REPORT", rows)
        Kpi = self.env["acorn.vc.report.kpi"]
        week = Kpi.search([("account_id", "=", self.account.id), ("week_start", "=", "2026-02-15")])
        self.assertEqual(week.sellable_on_hand_units, 10)
        (group,) = Kpi.read_group(
            [("account_id", "=", self.account.id)], ["sellable_on_hand_units:avg"], ["account_id"]
        )
        self.assertEqual(group["sellable_on_hand_units"], 25)  # (10 + 40) / 2 days
