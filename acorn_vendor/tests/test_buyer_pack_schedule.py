import io
from datetime import date, datetime

import openpyxl

from odoo.tests import tagged

from ..models.acorn_vc_buyer_pack_schedule import last_period
from .common import AcornVendorCommon
from .test_vendor_report_kpi import ReportRowsMixin, sales_row


@tagged("-at_install", "post_install")
class TestBuyerPackSchedule(ReportRowsMixin, AcornVendorCommon):
    """The buyer pack e-mailed to chosen users, weekly on Sundays or monthly on the 1st."""

    def test_periods_are_the_last_full_amazon_week_and_the_last_month(self):
        sunday, saturday = date(2026, 2, 22), date(2026, 2, 21)
        self.assertEqual(last_period("weekly", sunday), (date(2026, 2, 15), saturday))
        self.assertEqual(last_period("weekly", saturday), (date(2026, 2, 8), date(2026, 2, 14)))
        self.assertEqual(
            last_period("monthly", date(2026, 3, 1)), (date(2026, 2, 1), date(2026, 2, 28))
        )

    def test_weekly_pack_is_mailed_once_to_the_recipients_and_reads_back(self):
        self._load("GET_VENDOR_SALES_REPORT", [sales_row("2026-02-16", "B0MAIL0001", 9)])
        self.user_ops.email = "ops@example.com"
        schedule = self.env["acorn.vc.buyer.pack.schedule"].create(
            {"account_id": self.account.id, "frequency": "weekly", "user_ids": [self.user_ops.id]}
        )
        Schedule = self.env["acorn.vc.buyer.pack.schedule"]
        self.assertEqual(Schedule._cron_send_buyer_packs(today=date(2026, 2, 22)), schedule)
        mail = self.env["mail.mail"].search([("subject", "like", "Buyer pack Test")])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.user_ops.partner_id)
        self.assertIn("2026-02-15", mail.subject)
        book = openpyxl.load_workbook(io.BytesIO(mail.attachment_ids.raw))
        sales = list(book["Sales"].iter_rows(min_row=2, values_only=True))
        self.assertEqual([row[:2] for row in sales], [(datetime(2026, 2, 15), 9)])
        self.assertEqual(schedule.last_period_end, date(2026, 2, 21))
        # The same day again, or Monday: that week was sent.
        self.assertFalse(Schedule._cron_send_buyer_packs(today=date(2026, 2, 23)))
        self.assertEqual(self.env["mail.mail"].search_count([("subject", "like", "Buyer pack")]), 1)
