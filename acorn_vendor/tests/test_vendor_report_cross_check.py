from datetime import date

from odoo.tests import tagged

from .common import AcornVendorCommon
from .test_vendor_report_kpi import ReportRowsMixin, inventory_row


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
