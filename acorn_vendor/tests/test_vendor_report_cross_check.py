from datetime import date, timedelta

from odoo.tests import tagged

from .common import AcornVendorCommon
from .test_remittance_booking import RemittanceSetup, payments_csv
from .test_vendor_report_kpi import ReportRowsMixin, inventory_row

FEBRUARY = (date(2026, 2, 1), date(2026, 3, 1))


@tagged("-at_install", "post_install")
class TestVendorReportCrossCheck(ReportRowsMixin, AcornVendorCommon):
    """The monthly cross-check job: Amazon's received units against Odoo's own figures."""

    def _activities(self):
        return self.env["mail.activity"].search(
            [("res_model", "=", "acorn.vc.account"), ("res_id", "=", self.account.id)]
        )

    def test_a_month_amazon_received_that_odoo_never_shipped_gives_one_activity(self):
        # Amazon received 40 units of an ASIN in February; Odoo shipped and invoiced none.
        self._load(
            "GET_VENDOR_INVENTORY_REPORT",
            [inventory_row("2026-02-15", "B0XCHK0001", 1.0, 40)],
        )
        before = self._activities()
        Check = self.env["acorn.vc.report.cross.check"]
        diffs = Check._acorn_cross_check(self.account, date(2026, 2, 10))
        self.assertEqual(set(diffs["key"]), {"B0XCHK0001"})
        self.assertEqual(set(diffs["check"]), {"shipped_vs_received", "invoiced_vs_received"})
        activity = self._activities() - before
        self.assertEqual(len(activity), 1)
        self.assertIn("2026-02", activity.summary)
        self.assertIn("B0XCHK0001", str(activity.note))
        self.assertEqual(activity.user_id, self.account._acorn_responsible())
        # Idempotent: the cron again, the same month, the same one activity.
        Check._cron_monthly_cross_check(month=date(2026, 2, 1))
        self.assertEqual(self._activities() - before, activity)
        # A clean month (nothing received, nothing shipped) schedules nothing.
        self.assertTrue(Check._acorn_cross_check(self.account, date(2026, 1, 5)).empty)
        self.assertEqual(self._activities() - before, activity)


@tagged("-at_install", "post_install")
class TestVendorReportCrossCheckPaid(RemittanceSetup, AcornVendorCommon):
    """Invoiced vs paid: the invoices due in the month against Amazon's remittances."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_remittances(cls.account)
        cls._invoices(
            cls.account,
            [
                ("XPAID-1", "2026-01-05", 100, "2026-02-04"),
                ("XPAID-2", "2026-01-06", 200, "2026-02-05"),
                ("XPAID-3", "2026-01-07", 50, "2026-02-06"),
                ("XPAID-4", "2026-02-07", 70, "2026-03-09"),  # due next month
            ],
        )

    def test_short_paid_and_unpaid_invoices_due_in_the_month_are_named(self):
        Check = self.env["acorn.vc.report.cross.check"]
        # No remittance imported yet: nothing to compare (the check waits for the first).
        self.assertTrue(Check._acorn_invoiced_vs_paid(self.account, *FEBRUARY).empty)
        self._import(
            payments_csv(
                [
                    (
                        "XP-1",
                        "02/10/2026",
                        "250.00",
                        [
                            ("XPAID-1", "01/05/2026", "", "100.00", "0", "100.00"),
                            ("XPAID-2", "01/06/2026", "", "200.00", "0", "150.00"),
                        ],
                    )
                ]
            )
        )
        diffs = Check._acorn_cross_check(self.account, date(2026, 2, 20))
        paid = diffs[diffs["check"] == "invoiced_vs_paid"]
        self.assertEqual(list(paid["key"]), ["XPAID-2", "XPAID-3"])
        self.assertEqual(list(paid["amazon"]), [150.0, 0])
        self.assertEqual(list(paid["difference"]), [50.0, 50.0])


@tagged("-at_install", "post_install")
class TestVendorReportCrossCheckPurchaseOrders(AcornVendorCommon):
    """PO numbers: what Amazon dated in the month (getPurchaseOrders) against Acorn's POs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = cls._start_sandbox(
            cls.account, seed=23, pos_per_day=4, history_days=20, frozen_clock=True
        )

    def test_a_clean_month_then_a_po_deleted_in_odoo_is_named(self):
        now = self.sandbox.now().replace(tzinfo=None)
        start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        self.account._acorn_fetch_and_import(start - timedelta(days=1), now, changed=False)
        month_pos = self.env["acorn.vc.purchase.order"].search(
            [("account_id", "=", self.account.id), ("po_date", ">=", start)]
        )
        self.assertTrue(month_pos, "the sandbox made POs this month")
        Check = self.env["acorn.vc.report.cross.check"]
        diffs = Check._acorn_cross_check(self.account, now.date())
        self.assertFalse(len(diffs[diffs["check"] == "purchase_orders"]), diffs.to_string())

        deleted = month_pos[0]
        number = deleted.name
        deleted.unlink()
        diffs = Check._acorn_cross_check(self.account, now.date())
        rows = diffs[diffs["check"] == "purchase_orders"]
        self.assertEqual(list(rows["key"]), [number])
        self.assertEqual(list(rows["message"]), ["at Amazon, missing in Acorn"])
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "acorn.vc.account"), ("res_id", "=", self.account.id)]
        )
        self.assertIn(number, str(activity.note))

    def test_an_account_without_credentials_skips_the_po_check_only(self):
        Check = self.env["acorn.vc.report.cross.check"]
        diffs = Check._acorn_purchase_orders(self.account_2, date(2026, 2, 1), date(2026, 3, 1))
        self.assertTrue(diffs.empty)
