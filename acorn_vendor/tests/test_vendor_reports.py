import json
from datetime import date, timedelta

from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError

from ..models.acorn_vc_report_document import STORAGE
from .common import AcornVendorCommon

HISTORICAL = {"distributorView": "MANUFACTURING", "reportPeriod": "DAY", "sellingProgram": "RETAIL"}
DAILY = ("GET_VENDOR_SALES_REPORT", "GET_VENDOR_INVENTORY_REPORT", "GET_VENDOR_TRAFFIC_REPORT")


@tagged("-at_install", "post_install")
class TestVendorReports(AcornVendorCommon):
    """The report schedule against the sandbox: plan, request, poll, download, bulk-load."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = cls._start_sandbox(cls.account, seed=23, history_days=20, frozen_clock=True)
        cls._catalogue_products()
        cls.account.report_history_days = 20
        cls.Document = cls.env["acorn.vc.report.document"]
        cls.now = cls.sandbox.now()

    def _run(self, docs):
        """What the queue does: request each document, let Amazon work, fetch each one."""
        for doc in docs:
            doc._acorn_job_request(now=self.now.timestamp())
        self.sandbox.advance(120)
        for doc in docs:
            doc._acorn_job_fetch()

    def _plan(self):
        return self.Document._acorn_plan(self.account, now=self.now.replace(tzinfo=None))

    def _count(self, table):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT COUNT(*) FROM %s WHERE account_id = %s",
                SQL.identifier(table),
                self.account.id,
            )
        )
        return self.env.cr.fetchone()[0]

    def test_schedule_loads_sales_inventory_traffic_and_a_second_run_adds_nothing(self):
        docs = self._plan()
        types = set(docs.mapped("report_type"))
        self.assertLessEqual(
            {"GET_VENDOR_SALES_REPORT", "GET_VENDOR_INVENTORY_REPORT", "GET_VENDOR_TRAFFIC_REPORT"},
            types,
        )
        sales_docs = docs.filtered(lambda d: d.report_type == "GET_VENDOR_SALES_REPORT")
        # 20 days of history, the last 3 not available yet (72 h lag): two DAY windows <= 15.
        self.assertEqual(len(sales_docs), 2)
        for doc in sales_docs:
            self.assertLessEqual((doc.period_end - doc.period_start).days, 14)
        # The daily reports here (real-time, promotions and coupons have tests of their own).
        docs = docs.filtered(lambda d: d.report_type in DAILY)
        self._run(docs)
        self.assertEqual(set(docs.mapped("state")), {"done"}, docs.mapped("error_details"))

        sales = self.env["acorn.vc.report.sales"].search([("account_id", "=", self.account.id)])
        expected = sum(d.row_count + d.aggregate_count for d in sales_docs)
        self.assertEqual(len(sales), expected)
        per_asin = sales.filtered(lambda row: not row.is_aggregate)
        self.assertTrue(per_asin and all(per_asin.mapped("product_id")), "linked by ASIN")
        self.assertEqual(
            {row.product_id.amz_asin for row in per_asin}, set(per_asin.mapped("asin"))
        )
        self.assertTrue(self._count("acorn_vc_report_inventory"))
        self.assertTrue(self._count("acorn_vc_report_traffic"))

        # The second run finds nothing to ask, and re-loading a period replaces its rows.
        self.assertFalse(self._plan())
        counts = {t: self._count(t) for t in ("acorn_vc_report_sales", "acorn_vc_report_inventory")}
        again = sales_docs[0].copy({"state": "queued", "reason": "repull"})
        self._run(again)
        self.assertEqual(again.state, "done")
        self.assertEqual(self._count("acorn_vc_report_sales"), counts["acorn_vc_report_sales"])
        rows = self.env["acorn.vc.report.sales"].search(
            [
                ("account_id", "=", self.account.id),
                ("period_start", ">=", again.period_start),
                ("period_start", "<=", again.period_end),
            ]
        )
        self.assertEqual(rows.document_id, again)

    def test_programs_and_views_the_account_chose_are_each_planned_where_amazon_has_them(self):
        self.account.write({"report_business_program": True, "report_sourcing_view": True})
        docs = self._plan()
        series = {
            (d.report_type, d.selling_program, d.distributor_view)
            for d in docs
            if d.report_type in DAILY[:2]
        }
        sales, inventory = DAILY[:2]
        self.assertEqual(
            series,
            {
                (sales, "RETAIL", "MANUFACTURING"),
                (sales, "RETAIL", "SOURCING"),
                (sales, "BUSINESS", "MANUFACTURING"),
                (sales, "BUSINESS", "SOURCING"),
                (inventory, "RETAIL", "MANUFACTURING"),
                (inventory, "RETAIL", "SOURCING"),
            },
        )
        # The sandbox's vendor sells in Retail only: Business comes back without rows.
        business = docs.filtered(lambda d: d.selling_program == "BUSINESS")[:1]
        self._run(business)
        self.assertEqual(business.state, "empty")
        self.assertFalse(self._plan(), "each series is asked once")

    def test_nulls_from_amazon_stay_null_in_the_database(self):
        docs = self._plan().filtered(lambda d: d.report_type == "GET_VENDOR_INVENTORY_REPORT")[:1]
        self._run(docs)
        raw = json.loads(docs.attachment_id.raw)
        nulls = sum(row.get("unhealthyInventoryUnits") is None for row in raw["inventoryByAsin"])
        zeros = sum(row.get("unhealthyInventoryUnits") == 0 for row in raw["inventoryByAsin"])
        self.assertTrue(nulls, "unhealthy inventory is null at DAY (models#4809)")
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT COUNT(*) FILTER (WHERE unhealthy_inventory_units IS NULL),
                      COUNT(*) FILTER (WHERE unhealthy_inventory_units = 0)
                 FROM acorn_vc_report_inventory WHERE document_id = %s AND NOT is_aggregate""",
            [docs.id],
        )
        self.assertEqual(self.env.cr.fetchone(), (nulls, zeros))

    def test_fatal_report_records_amazon_error_details_and_a_hint(self):
        monday = date(2026, 2, 16)
        doc = self.Document.create(
            {
                "account_id": self.account.id,
                "report_type": "GET_VENDOR_SALES_REPORT",
                "options": json.dumps({**HISTORICAL, "reportPeriod": "WEEK"}),
                "report_period": "WEEK",
                "period_start": monday,
                "period_end": monday + timedelta(days=6),
            }
        )
        self._run(doc)
        self.assertEqual(doc.state, "fatal")
        self.assertIn("Sunday", doc.error_details)
        self.assertIn("Sunday to Saturday", doc.hint)
        self.assertTrue(doc.attachment_id, "the FATAL document is archived too")
        self.assertFalse(self._count("acorn_vc_report_sales"))

    def test_shared_bucket_allows_a_burst_of_15_then_one_a_minute(self):
        Bucket = self.env["acorn.vc.rate.bucket"]
        start = self.now.timestamp()
        self.assertEqual(
            [Bucket._acorn_take("createReport", now=start) for _ in range(15)], [0] * 15
        )
        wait = Bucket._acorn_take("createReport", now=start)
        self.assertAlmostEqual(wait, 1 / 0.0167, delta=1)
        doc = self._plan()[:1]
        with self.assertRaises(RetryableJobError):
            doc._acorn_job_request(now=start + 1)
        self.assertEqual(doc.state, "queued")
        self.assertEqual(Bucket._acorn_take("createReport", now=start + wait), 0)

    def test_kpi_view_sums_each_asins_sales_into_its_sunday_to_saturday_week(self):
        docs = self._plan().filtered(lambda d: d.report_type == "GET_VENDOR_SALES_REPORT")
        self._run(docs)
        self.env.flush_all()
        kpis = self.env["acorn.vc.report.kpi"].search([("account_id", "=", self.account.id)])
        self.assertTrue(kpis)
        sales = self.env["acorn.vc.report.sales"].search(
            [("account_id", "=", self.account.id), ("is_aggregate", "=", False)]
        )
        # Each day's units in the week of the Sunday on or before it, per ASIN: a Sunday row
        # opens its own week (a Monday start, or Sunday's units in the previous week, fails).
        expected = {}
        for row in sales:
            sunday = row.period_start - timedelta(days=row.period_start.isoweekday() % 7)
            key = (row.asin, sunday)
            expected[key] = expected.get(key, 0) + row.shipped_units
        self.assertIn(6, {row.period_start.weekday() for row in sales}, "a Sunday is loaded")
        self.assertEqual({(k.asin, k.week_start): k.shipped_units for k in kpis}, expected)

    def test_both_sides_put_acorn_po_lines_beside_amazon_reports_per_asin_and_week(self):
        docs = self._plan().filtered(
            lambda d: d.report_type in ("GET_VENDOR_SALES_REPORT", "GET_VENDOR_INVENTORY_REPORT")
        )
        self._run(docs)
        day = self.now.replace(tzinfo=None) - timedelta(days=5)
        self.account._acorn_fetch_and_import(day, day + timedelta(hours=12), changed=False)
        orders = self.env["acorn.vc.purchase.order"].search([("account_id", "=", self.account.id)])
        self.assertTrue(orders, "the sandbox ordered that day")
        orders.write({"amz_state": "acknowledged"})
        for line in orders.line_ids:  # POs Amazon shows as acknowledged come with its answer
            line.write(
                {"accepted_qty": line.ordered_units // 2, "backordered_qty": 0, "rejected_qty": 0}
            )
        both = self.env["acorn.vc.report.kpi"]._acorn_both_sides(self.account)

        line = orders.line_ids[0]
        week = both["period_start"].dt.date == line.order_id.po_date.date() - timedelta(
            days=(line.order_id.po_date.weekday() + 1) % 7
        )
        mine = orders.line_ids.filtered(lambda other: other.asin == line.asin)
        conf = both[week & (both["asin"] == line.asin) & (both["kpi"] == "confirmation_rate")]
        self.assertAlmostEqual(
            conf["acorn"].iloc[0],
            sum(mine.mapped("accepted_qty")) / sum(mine.mapped("ordered_units")),
        )
        self.assertFalse(conf["amazon"].isna().all(), "Amazon's rate from the loaded report")
        kpi = self.env["acorn.vc.report.kpi"].search(
            [("account_id", "=", self.account.id), ("asin", "=", line.asin)]
        )
        shipped = both[(both["asin"] == line.asin) & (both["kpi"] == "shipped_units")]
        self.assertEqual(shipped["amazon"].sum(), sum(kpi.mapped("shipped_units")))

    def test_reports_of_a_restricted_account_stay_with_its_users_and_managers(self):
        docs = self._plan().filtered(lambda d: d.report_type == "GET_VENDOR_SALES_REPORT")[:1]
        self._run(docs)
        self.env.flush_all()
        models = ("acorn.vc.report.document", "acorn.vc.report.sales", "acorn.vc.report.kpi")
        # This account's rows only: the demo account's forecasts are open to everyone.
        mine = [("account_id", "=", self.account.id)]
        for model in models:
            self.assertTrue(self.env[model].with_user(self.user_ops).search_count(mine), model)
        self.account.allowed_user_ids = self.user_finance
        self.env.flush_all()
        for model in models:
            self.assertFalse(self.env[model].with_user(self.user_ops).search_count(mine), model)
            self.assertTrue(self.env[model].with_user(self.user_manager).search_count(mine), model)
        # The dashboard's sums (read from the per-account weekly rows) follow the same rules.
        kpi = self.env["acorn.vc.report.kpi"]
        (none,) = kpi.with_user(self.user_ops).read_group(mine, ["shipped_units:sum"], [])
        self.assertEqual(none["__count"], 0)
        self.assertFalse(none["shipped_units"])
        (total,) = kpi.with_user(self.user_manager).read_group(mine, ["shipped_units:sum"], [])
        self.assertEqual(total["__count"], self._count("acorn_vc_report_kpi"))

    def test_real_time_promotion_and_coupon_reports_are_scheduled_the_hours_asked_kept(self):
        docs = self._plan()
        self.assertLessEqual(
            {
                "GET_VENDOR_REAL_TIME_SALES_REPORT",
                "GET_VENDOR_REAL_TIME_INVENTORY_REPORT",
                "GET_VENDOR_REAL_TIME_TRAFFIC_REPORT",
                "GET_PROMOTION_PERFORMANCE_REPORT",
                "GET_COUPON_PERFORMANCE_REPORT",
            },
            set(docs.mapped("report_type")),
        )
        hourly = docs.filtered(lambda d: d.report_type == "GET_VENDOR_REAL_TIME_SALES_REPORT")
        newest = max(hourly, key=lambda d: d.hours_end)
        self.assertEqual(newest.hours_end.minute, 0)
        self._run(newest)  # createReport with the document's hours, not its whole days
        self.assertIn(newest.state, ("done", "empty"), newest.error_details)
        rows = self.env["acorn.vc.report.realtime.sales"].search([("document_id", "=", newest.id)])
        self.assertTrue(
            all(newest.hours_start <= r.start_time < newest.hours_end for r in rows),
            "only the hours asked",
        )

    def test_cron_queues_one_request_job_per_document_and_nothing_twice(self):
        self.Account.search([("id", "!=", self.account.id)]).report_sync_active = False
        now = self.now.replace(tzinfo=None)
        count = self.Document._cron_plan_reports(now=now)
        docs = self.Document.search([("account_id", "=", self.account.id)])
        self.assertTrue(docs)
        self.assertEqual(count, len(docs))
        jobs = self.env["queue.job"].search(
            [
                ("model_name", "=", "acorn.vc.report.document"),
                ("method_name", "=", "_acorn_job_request"),
                ("state", "=", "pending"),
            ]
        )
        self.assertEqual(sorted(job.records.id for job in jobs), sorted(docs.ids))
        self.assertEqual(self.Document._cron_plan_reports(now=now), 0, "all in flight")

    def test_sandbox_history_loads_every_report_type_at_once_and_only_once(self):
        now = self.now.replace(tzinfo=None)
        first = self.Document._acorn_load_sandbox_history(self.account, now=now, limit=4)
        self.assertEqual(len(first), 4, "at most the limit a call")
        docs = first | self.Document._acorn_load_sandbox_history(self.account, now=now)
        dated = docs.filtered("period_start")
        self.assertEqual(
            max(first.filtered("period_start").mapped("period_start")),
            max(dated.mapped("period_start")),
            "the newest periods come first",
        )
        # Every type (net PPM too when the history holds a whole month: 20 days here may not).
        self.assertLessEqual(
            set(STORAGE) - {"GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT"},
            set(docs.mapped("report_type")),
        )
        self.assertFalse(
            docs.filtered(lambda d: d.state not in ("done", "empty")),
            docs.mapped("error_details"),
        )
        for model in ("acorn.vc.report.sales", "acorn.vc.report.realtime.sales"):
            rows = self.env[model].search([("account_id", "=", self.account.id)])
            self.assertTrue(rows, model)
        hours = self.env["acorn.vc.report.realtime.traffic"].search(
            [("account_id", "=", self.account.id)]
        )
        self.assertTrue(all(h.start_time.minute == 0 for h in hours), "whole UTC hours")
        self.assertFalse(
            self.Document._acorn_load_sandbox_history(
                self.account, now=self.now.replace(tzinfo=None)
            ),
            "a second run loads nothing",
        )
        self.assertFalse(self._plan(), "the schedule finds the history loaded")
