from odoo import fields, models, tools
from odoo.tools import SQL

from .acorn_vc_sync_run import RUN_KINDS

# Which data kind's freshness a run kind shows, and the row's words for it when the data
# kind's own would mislead (an EDI account's orders arrive by its transport's polls). The
# history backfill has no freshness: it reads the past once.
DATA_KIND_OF_RUN = {
    "purchase_orders": ("purchase_orders", None),
    "po_status": ("po_status", None),
    "edi": ("purchase_orders", "Orders by EDI (last successful exchange)"),
    "transactions": ("transactions", None),
    "reports": ("reports", None),
    "remittances": ("remittances", None),
}


class AcornVcSyncStatus(models.Model):
    """Per account and run kind: the last success, the last failure, runs and failures
    (a view over the sync runs), with the data's freshness beside it."""

    _name = "acorn.vc.sync.status"
    _description = "Vendor Central Sync Status"
    _auto = False
    _order = "account_id, kind"
    _rec_name = "kind"

    account_id = fields.Many2one("acorn.vc.account", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    kind = fields.Selection(RUN_KINDS, readonly=True)
    last_success_at = fields.Datetime("Last Success", readonly=True)
    last_failure_at = fields.Datetime("Last Failure", readonly=True)
    last_run_at = fields.Datetime("Last Run", readonly=True)
    run_count = fields.Integer("Runs", readonly=True)
    failure_count = fields.Integer("Failures", readonly=True)
    api_calls = fields.Integer("API Calls", readonly=True)
    throttled = fields.Integer("Throttled (429)", readonly=True)
    last_state = fields.Selection(
        [("success", "Success"), ("failed", "Failed")], "Last Outcome", readonly=True
    )
    freshness_state = fields.Selection(
        [("fresh", "Fresh"), ("late", "Late"), ("stale", "Stale"), ("never", "Never loaded")],
        "Freshness",
        compute="_compute_freshness",
    )
    freshness_text = fields.Char("Data Age", compute="_compute_freshness")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
                SELECT min(run.id) AS id,
                       run.account_id,
                       run.company_id,
                       run.kind,
                       max(run.started_at) FILTER (WHERE run.state = 'success')
                           AS last_success_at,
                       max(run.started_at) FILTER (WHERE run.state = 'failed')
                           AS last_failure_at,
                       max(run.started_at) AS last_run_at,
                       count(*) AS run_count,
                       count(*) FILTER (WHERE run.state = 'failed') AS failure_count,
                       sum(run.api_calls) AS api_calls,
                       sum(run.throttled) AS throttled,
                       (array_agg(run.state ORDER BY run.started_at DESC, run.id DESC))[1]
                           AS last_state
                  FROM acorn_vc_sync_run run
              GROUP BY run.account_id, run.company_id, run.kind
            )""",
                SQL.identifier(self._table),
            )
        )

    def _compute_freshness(self):
        Run = self.env["acorn.vc.sync.run"]
        by_account = {}
        for status in self:
            account = status.account_id
            if account not in by_account:
                by_account[account] = {f.kind: f for f in Run._acorn_freshness(account)}
            data_kind, label = DATA_KIND_OF_RUN.get(status.kind, (None, None))
            fresh = by_account[account].get(data_kind)
            status.freshness_state = fresh.state if fresh else False
            status.freshness_text = fresh.sentence(label) if fresh else False
