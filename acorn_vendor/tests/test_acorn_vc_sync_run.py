import json
from datetime import timedelta

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged

from odoo.addons.queue_job.exception import RetryableJobError

from ..core import po_import
from ..core.spapi import ForbiddenError, NetworkError, SpApiError
from ..models.jobs import retry_later
from .common import AcornVendorCommon

SALES_DAY = {"distributorView": "MANUFACTURING", "reportPeriod": "DAY", "sellingProgram": "RETAIL"}


@tagged("-at_install", "post_install")
class TestSyncRuns(AcornVendorCommon):
    """Sync history against the sandbox: every path records a run, failures keep their kind
    and fix (set off by the sandbox's faults), a failing streak reaches Discuss and the
    recipients' subscribed phones, Monitoring shows runs and stale data, old runs go."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = cls._start_sandbox(
            cls.account,
            seed=23,
            pos_per_day=6,
            history_days=20,
            frozen_clock=True,
            start_time="2026-03-04T12:00:00Z",
        )
        cls.account.responsible_user_id = cls.user_ops
        cls.Run = cls.env["acorn.vc.sync.run"]
        cls.now = cls.sandbox.now().replace(tzinfo=None)

    def setUp(self):
        super().setUp()
        self.addCleanup(self.sandbox.clear_faults)

    def _runs(self, **domain):
        return self.Run.search(
            [("account_id", "=", self.account.id)] + [(k, "=", v) for k, v in domain.items()]
        )

    def _failing_sync(self):
        """One PO sync while the app lacks the Vendor role: the error it raises (caught here,
        not by assertRaises, whose savepoint would undo the run of this transaction)."""
        self.sandbox.set_faults("missing_role:getPurchaseOrders")
        try:
            self.account._acorn_job_sync_purchase_orders()
        except ForbiddenError as exc:
            return exc
        self.fail("the sync should have failed")

    def _answered(self, operation):
        return sum(self.sandbox.stats()["requests"].get(operation, {}).values())

    def test_a_sync_records_its_counts_and_the_calls_amazon_answered(self):
        before = self._answered("getPurchaseOrders") + self._answered("getPurchaseOrdersStatus")
        counts = self.account._acorn_sync_purchase_orders(now=self.now)
        run = self._runs(kind="purchase_orders")
        self.assertEqual(len(run), 1)
        self.assertEqual(run.state, "success")
        self.assertEqual(
            (run.created_count, run.updated_count, run.failed_count),
            (counts["created"], counts["updated"], counts["failed"]),
        )
        self.assertTrue(counts["created"])
        after = self._answered("getPurchaseOrders") + self._answered("getPurchaseOrdersStatus")
        # Amazon's answers to POs acknowledged elsewhere are read in a PO status run.
        self.assertEqual(sum(self._runs().mapped("api_calls")), after - before)
        self.assertEqual(run.throttled, 0)
        self.assertFalse(run.error or run.failure_kind)

    def _committed_account(self):
        """An account committed in its own transaction, as a configured one is (the test's
        own transaction is never committed); deleted again after the test."""
        with self.registry.cursor() as cr:
            cr.execute("SET LOCAL lock_timeout = '10s'")
            account = api.Environment(cr, SUPERUSER_ID, {})["acorn.vc.account"].create(
                {"name": "Committed US", "marketplace_code": "US", "sync_active": False}
            )
            account._acorn_use_sandbox(self.sandbox.url, seed=23)
            account_id = account.id
        self.addCleanup(self._drop_committed_account, account_id)
        return account_id

    def _drop_committed_account(self, account_id):
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["acorn.vc.account"].browse(account_id).unlink()

    def test_a_failed_run_outside_a_job_survives_the_rollback_of_its_work(self):
        """A sync that fails outside a queue job (XML-RPC, a script) rolls its transaction
        back; its failed run stays."""
        account_id = self._committed_account()
        self.sandbox.set_faults("missing_role:getPurchaseOrders")
        with self.registry.cursor() as cr:
            cr.execute("SET LOCAL lock_timeout = '10s'")
            account = api.Environment(cr, SUPERUSER_ID, {})["acorn.vc.account"].browse(account_id)
            try:
                account._acorn_sync_purchase_orders()  # no queue job around it
            except ForbiddenError:
                cr.rollback()  # what Odoo does with a request that raised
            else:
                self.fail("the sync should have failed")
        with self.registry.cursor() as cr:
            run = api.Environment(cr, SUPERUSER_ID, {})["acorn.vc.sync.run"].search(
                [("account_id", "=", account_id)]
            )
            self.assertEqual(
                (run.kind, run.state, run.failure_kind, run.operation),
                ("purchase_orders", "failed", "role", "getPurchaseOrders"),
            )

    def test_the_po_status_read_is_a_run_of_its_own_with_its_freshness(self):
        """getPurchaseOrdersStatus: Amazon's receipts per line, in a run of its own kind
        whose last success is the PO status's freshness in Monitoring."""
        self._catalogue_products()
        self.account._acorn_fetch_and_import(self.now - timedelta(days=20), self.now, False)
        imported = self._runs(kind="po_status")
        self.assertEqual(len(imported), 1, "the import read Amazon's answers in a run of its own")
        # The import stored what Amazon had received by then; the status read brings it
        # again as receipts that came since would.
        lines = self.env["acorn.vc.purchase.order.line"].search(
            [("order_id.account_id", "=", self.account.id)]
        )
        self.assertTrue(sum(lines.mapped("received_qty")), "the import read Amazon's receipts")
        lines.received_qty = 0
        self.account.po_status_cursor = self.now - timedelta(days=20)
        before = self._answered("getPurchaseOrdersStatus")
        self.account._acorn_sync_po_status(now=self.now)
        run = self._runs(kind="po_status") - imported
        self.assertEqual(len(run), 1)
        self.assertEqual(run.state, "success")
        self.assertEqual(run.api_calls, self._answered("getPurchaseOrdersStatus") - before)
        self.assertEqual(self.account.po_status_cursor, self.now)
        # The received eaches are Amazon's, line by line.
        received = self.env["acorn.vc.purchase.order.line"].search(
            [("order_id.account_id", "=", self.account.id), ("received_qty", ">", 0)]
        )
        self.assertTrue(received, "the sandbox's history has POs Amazon received")
        self.assertEqual(run.updated_count, len(received.order_id))
        client = self.account._acorn_spapi_client()
        for po in received.order_id[:3]:
            status = client.get_purchase_orders_status(purchaseOrderNumber=po.name)
            amazon = po_import.received_quantities(status["ordersStatus"][0])
            self.assertEqual(
                {line.sequence_number: line.received_qty for line in po.line_ids}, amazon
            )
            # ... and so is the day each line was last received (the cross-check's month).
            dates = po_import.receive_dates(status["ordersStatus"][0])
            self.assertTrue(dates)
            self.assertEqual(
                {ln.sequence_number: ln.received_date for ln in po.line_ids if ln.received_date},
                dates,
            )
        fresh = {f.kind: f for f in self.Run._acorn_freshness(self.account)}
        self.assertEqual(fresh["po_status"].state, "fresh")
        self.env.flush_all()
        row = self.env["acorn.vc.sync.status"].search(
            [("account_id", "=", self.account.id), ("kind", "=", "po_status")]
        )
        self.assertIn("PO status (Amazon's receipts):", row.freshness_text)

    def test_a_failing_sync_records_the_missing_role_and_its_fix(self):
        exc = self._failing_sync()
        run = self._runs(state="failed")
        self.assertEqual(len(run), 1)
        self.assertEqual((run.kind, run.failure_kind), ("purchase_orders", "role"))
        self.assertEqual(run.operation, "getPurchaseOrders")
        self.assertEqual(run.error, str(exc))
        self.assertIn("Vendor Retail Procurement orders role", run.fix)
        self.assertIn("Test connection", run.fix)
        self.assertEqual(run.api_calls, 1)
        # The account's form shows the failed run (and from it, the fix).
        self.account.invalidate_recordset()
        self.assertEqual(self.account.last_failed_run_id, run)

    def test_an_expired_secret_is_told_apart_from_a_missing_role(self):
        # The cached access token expires and the secret is refused at the next exchange.
        self.sandbox.set_faults("expire_tokens", "expire_client_secret")
        try:
            self.account._acorn_job_sync_purchase_orders()
        except SpApiError as exc:
            self.assertIn("invalid_client", str(exc))
        else:
            self.fail("the sync should have failed")
        run = self._runs(state="failed")
        self.assertEqual(run.failure_kind, "secret_expired")
        self.assertIn("Rotate", run.fix)

    def _track_raising(self, exc, cause=None):
        """A tracked block that ends as a queue job's retry does."""
        try:
            with self.Run._acorn_track(self.account, "reports"):
                raise exc from cause
        except RetryableJobError as raised:
            self.assertIs(raised, exc)

    def test_a_job_retried_later_records_the_error_behind_it_and_a_wait_records_nothing(self):
        down = NetworkError("Connection refused", operation="getReport")
        self._track_raising(retry_later(down), cause=down)
        self._track_raising(RetryableJobError("Report IN_PROGRESS", seconds=60, ignore_retry=True))
        run = self._runs()
        self.assertEqual(len(run), 1, "the wait for Amazon records no run")
        self.assertEqual(
            (run.state, run.kind, run.failure_kind, run.operation),
            ("failed", "reports", "network", "getReport"),
        )
        self.assertIn("retry schedule", run.fix)

    def test_a_failing_streak_posts_in_discuss_and_queues_web_pushes(self):
        """The issue's 'done when': a failing sync -> a notification by rule, visible in
        Discuss and queued as a web push for the recipient's subscribed devices."""
        rule = self.env["acorn.vc.notification.rule"].create(
            {
                "account_id": self.account.id,
                "event": "sync_failing",
                "threshold": 2,
                "channel": "discuss",
                "notify_responsible": True,
                "user_ids": [(6, 0, (self.user_logistics | self.user_finance).ids)],
            }
        )
        # Devices as the browser registers them (keys from Odoo's own web push tests).
        self.env["mail.push.device"].get_web_push_vapid_public_key()
        keys = json.dumps(
            {
                "p256dh": "BGbhnoP_91U7oR59BaaSx0JnDv2oEooYnJRV2AbY5TBeKGCRCf0HcIJ9bOKchUCDH4cH"
                "YWo9SYDz3U-8vSxPL_A",
                "auth": "DJFdtAgZwrT6yYkUMgUqow",
            }
        )
        owners = [self.user_ops, self.user_ops, self.user_logistics, self.user_finance]
        owners += [self.user_finance]
        devices = (
            self.env["mail.push.device"]
            .sudo()
            .create(
                [
                    {
                        "endpoint": f"https://push.example.com/{n}",
                        "keys": keys,
                        "partner_id": u.partner_id.id,
                    }
                    for n, u in enumerate(owners)
                ]
            )
        )
        phone = devices[0]

        self._failing_sync()
        self.assertFalse(rule.notification_ids, "one failure is not yet a streak of 2")
        self._failing_sync()
        notice = rule.notification_ids
        self.assertEqual(len(notice), 1)
        self.assertEqual(notice.user_ids, self.user_ops | self.user_logistics | self.user_finance)
        # Visible in Discuss: a post in the Vendor Central channel mentioning the recipients.
        channel = self.env.ref("acorn_vendor.discuss_channel_vendor_central")
        message = notice.message_id
        self.assertEqual((message.model, message.res_id), ("discuss.channel", channel.id))
        self.assertEqual(message.partner_ids, notice.user_ids.partner_id)
        self.assertIn("failing (2 runs in a row)", message.body)
        self.assertIn("Missing role", message.body)
        self.assertLessEqual(notice.user_ids.partner_id, channel.channel_member_ids.partner_id)
        # Queued as web pushes (5 devices or more: Odoo queues instead of sending inline).
        pushes = self.env["mail.push"].sudo().search([("mail_push_device_id", "in", devices.ids)])
        self.assertEqual(pushes.mail_push_device_id, devices)
        payload = json.loads(pushes.filtered(lambda p: p.mail_push_device_id == phone).payload)
        self.assertEqual(payload["title"], "#Vendor Central - OdooBot")
        self.assertIn("failing (2 runs in a row)", payload["options"]["body"])

        # The same streak never notifies twice; a new streak after a success does.
        self._failing_sync()
        self.assertEqual(len(rule.notification_ids), 1)
        self.sandbox.clear_faults()
        self.account._acorn_sync_purchase_orders(now=self.now)
        self._failing_sync()
        self._failing_sync()
        self.assertEqual(len(rule.notification_ids), 2)

    def test_monitoring_shows_runs_and_warns_when_reports_are_stale(self):
        self._catalogue_products()
        self.account._acorn_sync_purchase_orders(now=self.now)
        self._failing_sync()
        Document = self.env["acorn.vc.report.document"]
        end = (self.now - timedelta(days=4)).date()
        doc = Document.create(
            {
                "account_id": self.account.id,
                "report_type": "GET_VENDOR_SALES_REPORT",
                "options": json.dumps(SALES_DAY, sort_keys=True),
                "report_period": "DAY",
                "selling_program": "RETAIL",
                "distributor_view": "MANUFACTURING",
                "period_start": end - timedelta(days=2),
                "period_end": end,
                "reason": "new",
            }
        )
        doc._acorn_job_request(now=self.now.timestamp())
        self.sandbox.advance(120)
        doc._acorn_job_fetch()
        self.assertEqual(doc.state, "done", doc.error_details)

        self.env.flush_all()
        status = self.env["acorn.vc.sync.status"].search([("account_id", "=", self.account.id)])
        by_kind = {row.kind: row for row in status}
        # The sync read Amazon's answers to POs acknowledged before it: a PO status run.
        self.assertEqual(set(by_kind), {"purchase_orders", "po_status", "reports"})
        self.assertEqual(by_kind["purchase_orders"].run_count, 2)
        self.assertEqual(by_kind["purchase_orders"].failure_count, 1)
        self.assertEqual(by_kind["purchase_orders"].last_state, "failed")
        self.assertTrue(by_kind["purchase_orders"].last_success_at)
        self.assertEqual(by_kind["reports"].run_count, 2)  # request, fetch

        # Data through `end` is 84 h old when fetched (a little over the 72 h lag: late);
        # 36 h later it is 5 days old, over the 96 h threshold: stale.
        fresh = {f.kind: f for f in self.Run._acorn_freshness(self.account, self.now)}
        self.assertEqual(fresh["reports"].state, "late")
        later = self.now + timedelta(hours=36)
        stale = {f.kind: f for f in self.Run._acorn_freshness(self.account, later)}
        self.assertEqual(stale["reports"].state, "stale")
        self.assertIn("Vendor reports: 5 days old", stale["reports"].sentence())
        # The same warning on the account (banner) and in Monitoring, once time has passed.
        self.env["ir.config_parameter"].sudo().set_param("acorn_vendor.stale_hours_reports", 24)
        self.account.invalidate_recordset()
        self.assertEqual(self.account.freshness_state, "stale")
        self.assertIn("Vendor reports", self.account.freshness_warning)
        status.invalidate_recordset()
        self.assertEqual(by_kind["reports"].freshness_state, "stale")

    def test_purge_keeps_runs_within_the_retention(self):
        self.env["ir.config_parameter"].sudo().set_param("acorn_vendor.sync_run_retention_days", 30)
        self.account._acorn_sync_purchase_orders(now=self.now)
        recent = self._runs()
        newest = max(recent.mapped("started_at"))
        old, edge = self.Run.create(
            [
                {
                    "account_id": self.account.id,
                    "kind": "reports",
                    "state": "success",
                    "started_at": newest - timedelta(days=days),
                }
                for days in (31, 29)
            ]
        )
        purged = self.Run._cron_purge_runs(now=newest)
        self.assertEqual(purged, 1)
        self.assertFalse(old.exists())
        self.assertEqual(self._runs(), recent | edge)
