"""One record per piece of work that talks to Amazon (or an EDI transport)."""

import contextlib
import contextvars
import logging
from datetime import datetime, timedelta

from odoo import api, fields, models

from odoo.addons.queue_job.exception import RetryableJobError

from ..core import sync_health
from ..core.spapi.call_stats import CallStats

_logger = logging.getLogger(__name__)

RUN_KINDS = [
    ("purchase_orders", "Purchase orders"),
    ("po_backfill", "PO history backfill"),
    ("po_status", "PO status (receipts)"),
    ("transactions", "Submissions and status"),
    ("reports", "Vendor reports"),
    ("remittances", "Remittance import"),
    ("edi", "EDI transport"),
]
RETENTION_PARAM = "acorn_vendor.sync_run_retention_days"
DEFAULT_RETENTION_DAYS = 90
# The calls of the run in progress; the account's client builder picks it up.
_CALL_STATS = contextvars.ContextVar("acorn_sync_run_call_stats", default=None)


def current_call_stats():
    """The CallStats of the sync run this code runs in, or None outside a run."""
    return _CALL_STATS.get()


class RunTracker:
    """What the code inside ``_acorn_track`` tells the run: its counts, or an error it
    handled itself (the run is then failed though nothing was raised)."""

    def __init__(self):
        self.counts = {"created": 0, "updated": 0, "failed": 0}
        self.error = None

    def add(self, counts):
        for key in self.counts:
            self.counts[key] += int((counts or {}).get(key) or 0)

    def fail(self, exc):
        self.error = exc


class AcornVcSyncRun(models.Model):
    """A sync, job or import run: when, what it did, what it cost, and why it failed.

    Written by every path that reads from or sends to Amazon through one context manager
    (``_acorn_track``); a failed run is written in a transaction of its own, so it survives
    the rollback of the work it describes.
    """

    _name = "acorn.vc.sync.run"
    _description = "Vendor Central Sync Run"
    _order = "started_at desc, id desc"
    _rec_name = "kind"

    account_id = fields.Many2one(
        "acorn.vc.account", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    kind = fields.Selection(RUN_KINDS, required=True, readonly=True, index=True)
    state = fields.Selection(
        [("success", "Success"), ("failed", "Failed")], required=True, readonly=True, index=True
    )
    started_at = fields.Datetime(required=True, readonly=True, index=True)
    ended_at = fields.Datetime(readonly=True)
    duration = fields.Float("Duration (s)", readonly=True, aggregator="avg")
    created_count = fields.Integer("Created", readonly=True)
    updated_count = fields.Integer("Updated", readonly=True)
    failed_count = fields.Integer("Failed Records", readonly=True)
    api_calls = fields.Integer("API Calls", readonly=True)
    throttled = fields.Integer("Throttled (429)", readonly=True)
    error = fields.Text(readonly=True)
    operation = fields.Char(readonly=True, help="The Amazon operation that failed.")
    failure_kind = fields.Selection(
        [(key, label) for key, label, _fix in sync_health.FAILURE_KINDS],
        readonly=True,
        index=True,
    )
    fix = fields.Text("How to Fix", compute="_compute_fix")
    run_count = fields.Integer("Runs", default=1, readonly=True, help="Always 1: graphs sum it.")

    @api.depends("failure_kind", "operation")
    def _compute_fix(self):
        for run in self:
            run.fix = (
                sync_health.fix_for(run.failure_kind, run.operation) if run.failure_kind else False
            )

    @api.depends("kind", "started_at", "state", "failure_kind")
    def _compute_display_name(self):
        kinds = dict(RUN_KINDS)
        for run in self:
            what = sync_health.FAILURE_LABELS.get(run.failure_kind) or run.state or ""
            run.display_name = f"{kinds.get(run.kind, '')} {run.started_at or ''} ({what})"

    def action_open_account(self):
        """From a failed run to its account, where Test connection and the credentials are."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "acorn.vc.account",
            "res_id": self.account_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------ recording

    @api.model
    @contextlib.contextmanager
    def _acorn_track(self, account, kind):
        """``with SyncRun._acorn_track(account, 'reports') as run:`` records one run of the
        block: its counts (``run.add``), the SP-API calls and 429s of the clients built in
        it, and any error, classified. A queue job's RetryableJobError counts as the failure
        it wraps; one that only waits (no SP-API error behind it) records nothing."""
        tracker = RunTracker()
        stats = CallStats()
        token = _CALL_STATS.set(stats)
        started = fields.Datetime.now()
        try:
            yield tracker
        except Exception as exc:
            _CALL_STATS.reset(token)
            cause = exc.__cause__ if isinstance(exc, RetryableJobError) else exc
            if cause is not None:
                self._acorn_record_failed(account, kind, started, tracker, stats, cause)
            raise
        _CALL_STATS.reset(token)
        if tracker.error is not None:
            self._acorn_record_failed(account, kind, started, tracker, stats, tracker.error)
        else:
            self.sudo().create(self._acorn_values(account, kind, started, tracker, stats))

    def _acorn_values(self, account, kind, started, tracker, stats, exc=None):
        ended = fields.Datetime.now()
        values = {
            "account_id": account.id,
            "kind": kind,
            "state": "failed" if exc is not None else "success",
            "started_at": started,
            "ended_at": ended,
            "duration": (ended - started).total_seconds(),
            "created_count": tracker.counts["created"],
            "updated_count": tracker.counts["updated"],
            "failed_count": tracker.counts["failed"],
            "api_calls": stats.calls,
            "throttled": stats.throttled,
        }
        if exc is not None:
            values.update(
                error=str(exc),
                failure_kind=sync_health.classify(exc),
                operation=getattr(exc, "operation", None) or False,
            )
        return values

    def _acorn_record_failed(self, account, kind, started, tracker, stats, exc):
        """Write the failed run and raise the notifications a failing streak calls for.

        The work a run describes usually rolls back on its error (a queue job, an XML-RPC
        call, a button showing the error), so the run is written and committed in a
        transaction of its own. Only an account that transaction cannot see yet (created
        in the failing one itself) has its run written alongside the work."""
        values = self._acorn_values(account, kind, started, tracker, stats, exc)
        if self._acorn_write_apart(account, values):
            return
        try:
            with self.env.cr.savepoint():
                self.sudo().create(values)._acorn_notify_streak()
        except Exception:  # an aborted transaction takes no run; the sync's error still shows
            _logger.warning(
                "Could not record the failed %s run of account %s",
                kind,
                account.id,
                exc_info=True,
            )

    def _acorn_write_apart(self, account, values):
        """Create the failed run in a new transaction, committed at once; False when the
        account is not committed yet or that transaction failed (then logged)."""
        try:
            with self.env.registry.cursor() as cr:
                # Never wait long on a lock the failing transaction may hold.
                cr.execute("SET LOCAL lock_timeout = '10s'")
                cr.execute("SELECT 1 FROM acorn_vc_account WHERE id = %s", [account.id])
                if not cr.fetchone():
                    return False
                env = self.env(cr=cr, su=True)
                env[self._name].create(values)._acorn_notify_streak()
            return True
        except Exception:  # the run's own failure must not hide the sync's error
            _logger.warning(
                "Could not record the failed %s run of account %s apart",
                values["kind"],
                account.id,
                exc_info=True,
            )
            return False

    def _acorn_notify_streak(self):
        """After a failed run: how many runs of this kind failed in a row, told by rule."""
        self.ensure_one()
        states = self.search(
            [("account_id", "=", self.account_id.id), ("kind", "=", self.kind)],
            order="started_at desc, id desc",
            limit=50,
        ).mapped("state")
        streak = sync_health.failing_streak(states)
        first = self.search(
            [("account_id", "=", self.account_id.id), ("kind", "=", self.kind)],
            order="started_at desc, id desc",
            offset=streak - 1,
            limit=1,
        )
        kind_label = dict(RUN_KINDS)[self.kind]
        self.account_id._acorn_notify(
            "sync_failing",
            self.account_id,
            # One notice per streak: the streak is known by its first failed run.
            f"{self.kind}-{first.id}",
            self.env._(
                "%(account)s: %(kind)s failing (%(count)s runs in a row)",
                account=self.account_id.name,
                kind=kind_label,
                count=streak,
            ),
            self.env._(
                "%(kind)s: %(error)s\nHow to fix: %(fix)s",
                kind=dict(self._fields["failure_kind"]._description_selection(self.env)).get(
                    self.failure_kind
                ),
                error=self.error,
                fix=self.fix,
            ),
            value=streak,
        )

    # ------------------------------------------------------------------ retention

    @api.model
    def _cron_purge_runs(self, now=None):
        """Delete runs older than the retention (Settings, 90 days by default)."""
        days = int(
            self.env["ir.config_parameter"].sudo().get_param(RETENTION_PARAM)
            or DEFAULT_RETENTION_DAYS
        )
        limit = (now or fields.Datetime.now()) - timedelta(days=max(days, 1))
        old = self.sudo().search([("started_at", "<", limit)])
        old.unlink()
        return len(old)

    # ------------------------------------------------------------------ freshness

    @api.model
    def _acorn_freshness(self, account, now=None):
        """How fresh each kind of data of ``account`` is, against the lags in Settings:
        POs and submission status by their last successful run, vendor reports by the end
        of the newest period loaded, remittances by the newest import. Kinds the account
        does not use are left out."""
        now = now or fields.Datetime.now()
        params = self.env["ir.config_parameter"].sudo()
        account = account.sudo()
        found = []
        for key, label, lag, stale in sync_health.DATA_KINDS:
            data_until, applies = self._acorn_data_until(account, key, now)
            if not applies:
                continue
            lag_hours = int(params.get_param(f"acorn_vendor.lag_hours_{key}") or lag)
            stale_hours = int(params.get_param(f"acorn_vendor.stale_hours_{key}") or stale)
            found.append(
                sync_health.freshness(
                    key,
                    label,
                    data_until,
                    now,
                    timedelta(hours=lag_hours),
                    timedelta(hours=max(stale_hours, lag_hours)),
                )
            )
        return found

    def _acorn_last_success(self, account, kinds):
        run = self.sudo().search(
            [("account_id", "=", account.id), ("kind", "in", kinds), ("state", "=", "success")],
            order="started_at desc",
            limit=1,
        )
        return run.started_at or None

    def _acorn_data_until(self, account, key, now):
        """(the moment ``key`` data of ``account`` reaches, whether the kind applies)."""
        if key == "purchase_orders":
            if not account.sync_active:
                return None, False
            kinds = ["edi"] if account.channel == "edi" else ["purchase_orders"]
            last = self._acorn_last_success(account, kinds)
            # Before sync runs were recorded, the account's own last sync is the answer.
            last = max(filter(None, [last, account.last_sync_at]), default=None)
            return last, True
        if key == "po_status":
            if not account.sync_active or account.channel != "spapi":
                return None, False
            return self._acorn_last_success(account, ["po_status"]), True
        if key == "transactions":
            waiting = (
                self.env["acorn.vc.transaction"]
                .sudo()
                .search(
                    [("account_id", "=", account.id), ("state", "=", "processing")],
                    order="submitted_at",
                    limit=1,
                )
            )
            if not waiting or account.channel != "spapi":
                return None, False  # nothing waits for Amazon's verdict
            last = self._acorn_last_success(account, ["transactions"])
            return max(filter(None, [last, waiting.submitted_at]), default=None), True
        if key == "reports":
            if account.channel != "spapi" or not account.report_sync_active:
                return None, False
            doc = (
                self.env["acorn.vc.report.document"]
                .sudo()
                .search(
                    [
                        ("account_id", "=", account.id),
                        ("state", "=", "done"),
                        ("report_period", "=", "DAY"),
                        ("period_end", "!=", False),
                    ],
                    order="period_end desc",
                    limit=1,
                )
            )
            # A DAY period's data reaches the end of its last day.
            return (
                datetime.combine(doc.period_end + timedelta(days=1), datetime.min.time())
                if doc
                else None
            ), True
        if key == "remittances":
            last = self._acorn_last_success(account, ["remittances"])
            newest = (
                self.env["acorn.vc.remittance"]
                .sudo()
                .search([("account_id", "=", account.id)], order="create_date desc", limit=1)
            )
            if not last and not newest:
                return None, False  # remittances never imported: not in use yet
            return max(filter(None, [last, newest.create_date]), default=None), True
        return None, False
