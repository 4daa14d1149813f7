from datetime import timedelta
from unittest import mock

from odoo.tests import tagged

from odoo.addons.queue_job.exception import RetryableJobError

from ..core import po_import
from .common import AcornVendorCommon


def _naive(dt):
    return dt.replace(tzinfo=None)


@tagged("-at_install", "post_install")
class TestPurchaseOrderSync(AcornVendorCommon):
    """Sync and backfill against the sandbox over HTTP, with the sandbox's own clock."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = cls._start_sandbox(
            cls.account, seed=23, pos_per_day=8, history_days=20, frozen_clock=True
        )
        cls.PO = cls.env["acorn.vc.purchase.order"]

    def _queued(self, method):
        """Jobs waiting in queue_job for ``method`` of our account (real queue.job rows)."""
        return (
            self.env["queue.job"]
            .search(
                [
                    ("model_name", "=", "acorn.vc.account"),
                    ("method_name", "=", method),
                    ("state", "=", "pending"),
                    ("records", "!=", False),
                ]
            )
            .filtered(lambda job: job.records == self.account)
        )

    def _amazon_numbers(self, since, until):
        client = self.account._acorn_spapi_client()
        orders = client.iter_purchase_orders(createdAfter=since, createdBefore=until)
        return {o["purchaseOrderNumber"] for o in orders}

    def _acorn_numbers(self):
        return set(self.PO.search([("account_id", "=", self.account.id)]).mapped("name"))

    def test_incremental_sync_reads_only_what_is_new(self):
        now = self.sandbox.now()
        counts = self.account._acorn_sync_purchase_orders(now=_naive(now))
        expected = self._amazon_numbers(now - timedelta(days=1), now)
        self.assertTrue(expected, "the sandbox created orders in the last day")
        self.assertEqual(self._acorn_numbers(), expected)
        self.assertEqual(counts["created"], len(expected))
        self.assertEqual(self.account.sync_cursor, _naive(now).replace(microsecond=0))
        self.assertIn("new", self.account.last_sync_summary)

        # Re-running over the same period creates and changes nothing.
        again = self.account._acorn_sync_purchase_orders(now=_naive(now))
        self.assertEqual((again["created"], again["updated"]), (0, 0))

        # A day later in Amazon's world: only that day's orders arrive.
        later = self.sandbox.advance(86400)
        counts = self.account._acorn_sync_purchase_orders(now=_naive(later))
        new = self._amazon_numbers(now, later) - expected
        self.assertTrue(new)
        self.assertEqual(counts["created"], len(new))
        self.assertEqual(self._acorn_numbers(), expected | new)

    def test_backfill_resumes_after_a_crash_without_duplicates_or_gaps(self):
        self.account.write({"backfill_months": 1, "sync_cursor": _naive(self.sandbox.now())})
        self.account.action_start_backfill()
        self.assertEqual(len(self._queued("_acorn_job_backfill_step")), 1)
        start = self.account.backfill_cursor
        # First window runs; the second one dies half-way through its import.
        self.account._acorn_job_backfill_step()
        after_first = self.account.backfill_cursor
        self.assertEqual(after_first, start + timedelta(days=7))
        real_import = type(self.PO)._acorn_import_orders

        def crash_after_first_batch(model, account, payloads):
            real_import(model, account, payloads[: len(payloads) // 2])
            raise RuntimeError("worker killed")

        with mock.patch.object(type(self.PO), "_acorn_import_orders", crash_after_first_batch):
            with self.assertRaises(RuntimeError):
                self.account._acorn_job_backfill_step()
        self.assertEqual(self.account.backfill_cursor, after_first, "the cursor did not move")
        # Resume: run steps until done, as the queued jobs would.
        for _step in range(10):
            if self.account.backfill_state == "done":
                break
            self.account._acorn_job_backfill_step()
        self.assertEqual(self.account.backfill_state, "done")
        expected = self._amazon_numbers(start, self.account.backfill_end)
        self.assertEqual(self._acorn_numbers(), expected)
        names = self.PO.search([("account_id", "=", self.account.id)]).mapped("name")
        self.assertEqual(len(names), len(set(names)))

    def test_cron_only_queues_one_job_per_account(self):
        self.account_2.sync_active = False
        Account = self.env["acorn.vc.account"]
        Account._cron_sync_purchase_orders()
        Account._cron_sync_purchase_orders()  # a second run while the first job waits
        jobs = self._queued("_acorn_job_sync_purchase_orders")
        self.assertEqual(len(jobs), 1)
        self.assertEqual(jobs.channel, "root.acorn")
        self.assertEqual(jobs.identity_key, f"acorn-po-sync-{self.account.id}")
        others = self.env["queue.job"].search([("model_name", "=", "acorn.vc.account")])
        self.assertFalse(
            others.filtered(lambda job: job.records == self.account_2),
            "an account with sync switched off gets no job",
        )
        self.assertFalse(self.PO.search_count([("account_id", "=", self.account.id)]))

    def test_throttling_becomes_a_retry(self):
        self.sandbox.set_faults("503:getPurchaseOrders:20")
        self.addCleanup(self.sandbox.clear_faults)
        with self.assertRaises(RetryableJobError):
            self.account._acorn_job_sync_purchase_orders()
        self.assertFalse(self.account.sync_cursor, "a failed run does not move the cursor")

    def _import_history(self, account):
        now = self.sandbox.now()
        account._acorn_fetch_and_import(
            _naive(now - timedelta(days=20)), _naive(now), changed=False
        )
        return self.PO.search([("account_id", "=", account.id), ("amz_state", "=", "acknowledged")])

    def test_pos_acknowledged_before_acorn_carry_amazons_quantities_and_are_confirmed(self):
        self._catalogue_products()
        history = self._import_history(self.account)
        self.assertTrue(history, "the sandbox's history holds acknowledged open POs")
        client = self.account._acorn_spapi_client()
        for po in history[:5]:
            status = client.get_purchase_orders_status(purchaseOrderNumber=po.name)
            self.assertEqual(
                {
                    line.sequence_number: (line.accepted_qty, line.rejected_qty)
                    for line in po.line_ids
                },
                po_import.acknowledged_quantities(status["ordersStatus"][0]),
                po.name,
            )
        self.assertTrue(sum(history.line_ids.mapped("accepted_qty")))
        sales = history.sale_order_id
        self.assertTrue(sales, "recent open POs became sale orders")
        self.assertEqual(set(sales.mapped("state")) - {"cancel"}, {"sale"})
        for cancelled in sales.filtered(lambda so: so.state == "cancel"):
            lines = cancelled.acorn_purchase_order_id.line_ids
            self.assertTrue(sum(lines.mapped("rejected_qty")), "cancelled: Amazon rejected")
            self.assertFalse(sum(lines.mapped("accepted_qty")), cancelled.name)
        for sol in sales.filtered(lambda so: so.state == "sale").order_line:
            self.assertEqual(sol.product_uom_qty, sol.acorn_po_line_id.accepted_qty)

    def test_amazon_answers_are_read_only_around_the_pos_that_need_them(self):
        self._catalogue_products()
        history = self._import_history(self.account).sorted("po_date")
        first, last = history[0], history[-1]
        self.assertGreater(last.po_date - first.po_date, timedelta(days=8))
        expected = {po: po.line_ids.mapped("accepted_qty") for po in first | last}
        self.assertTrue(any(sum(qtys) for qtys in expected.values()))
        (first | last).line_ids.write({"accepted_qty": 0, "rejected_qty": 0})
        client = self.account._acorn_spapi_client()
        with mock.patch.object(
            type(client),
            "iter_purchase_orders_status",
            autospec=True,
            side_effect=type(client).iter_purchase_orders_status,
        ) as status_calls:
            self.account._acorn_read_amazon_acknowledgements({first.name, last.name})
        windows = [
            (call.kwargs["createdAfter"], call.kwargs["createdBefore"])
            for call in status_calls.call_args_list
        ]
        # Two short windows, one per PO, not the 7-day windows spanning the days between.
        self.assertEqual(len(windows), 2)
        for (start, end), po in zip(windows, first | last, strict=True):
            self.assertLessEqual(end - start, timedelta(seconds=2))
            self.assertTrue(start < po.po_date.replace(tzinfo=start.tzinfo) < end)
        for po, quantities in expected.items():
            self.assertEqual(po.line_ids.mapped("accepted_qty"), quantities, po.name)

    def test_the_account_may_leave_or_cancel_quotations_of_pos_acknowledged_elsewhere(self):
        self._catalogue_products()
        for policy, state in (("draft", "draft"), ("cancel", "cancel")):
            account = self.Account.create(
                {"name": f"History {policy}", "acknowledged_quotation_policy": policy}
            )
            account._acorn_use_sandbox(self.sandbox.url, seed=23)
            sales = self._import_history(account).sale_order_id
            self.assertTrue(sales)
            self.assertEqual(set(sales.mapped("state")), {state}, policy)
