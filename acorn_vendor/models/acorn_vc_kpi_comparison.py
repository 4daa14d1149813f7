"""KPIs, both sides: Acorn's figures from its own records beside Amazon's from its reports,
per account, marketplace, vendor code, brand or product, by Amazon week or month, with the
reason for each difference. One comparison per user and company: computing it again replaces
its rows (``compare_kpis`` does the same over XML-RPC)."""

from datetime import datetime, time, timedelta

import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..core.reports.kpi_sides import KPIS, display
from ..core.reports.periods import period_start
from .acorn_vc_report_line import DISTRIBUTOR_VIEWS, SELLING_PROGRAMS

FREQUENCIES = [("week", "Amazon week (Sunday to Saturday)"), ("month", "Month")]
GROUPINGS = [
    ("account", "Whole account"),
    ("marketplace", "Marketplace"),
    ("vendor_code", "Vendor code"),
    ("brand", "Brand"),
    ("asin", "Product (ASIN)"),
]
# Beyond this a rerun would write for minutes: ask for a shorter period or a coarser grouping.
MAX_LINES = 150_000
LINE_BATCH = 5_000


class AcornVcKpiComparison(models.Model):
    _name = "acorn.vc.kpi.comparison"
    _description = "Vendor Central KPIs, Both Sides"
    _order = "id desc"

    name = fields.Char(compute="_compute_name")
    user_id = fields.Many2one(
        "res.users", required=True, readonly=True, default=lambda self: self.env.user, index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    account_ids = fields.Many2many(
        "acorn.vc.account",
        string="Accounts",
        default=lambda self: self.env["acorn.vc.account"].search(
            [("company_id", "=", self.env.company.id)]
        ),
        domain="[('company_id', '=', company_id)]",
    )
    date_from = fields.Date(
        "From", required=True, default=lambda self: fields.Date.today() - timedelta(weeks=13)
    )
    date_to = fields.Date("To", required=True, default=fields.Date.today)
    freq = fields.Selection(FREQUENCIES, "Periods", required=True, default="week")
    group_by = fields.Selection(GROUPINGS, "Side by side per", required=True, default="account")
    selling_program = fields.Selection(SELLING_PROGRAMS, required=True, default="RETAIL")
    distributor_view = fields.Selection(DISTRIBUTOR_VIEWS, required=True, default="MANUFACTURING")
    line_ids = fields.One2many("acorn.vc.kpi.comparison.line", "comparison_id", "Rows")
    defect_line_ids = fields.One2many(
        "acorn.vc.kpi.comparison.line",
        "comparison_id",
        "Defect rate and its parts",
        domain=[("kpi", "in", [kpi for kpi, _label, _unit in KPIS if kpi.startswith("defect_")])],
    )
    line_count = fields.Integer(compute="_compute_line_count")
    computed_at = fields.Datetime("Computed On", readonly=True)
    compared_through = fields.Date(
        readonly=True,
        help="The last day both sides were read to: the end of the period, or the last day "
        "Amazon's loaded reports cover when that is earlier (they come 36-72 h late), so "
        "Acorn's records of days Amazon has not reported yet do not count.",
    )

    @api.depends("freq", "group_by", "date_from", "date_to")
    def _compute_name(self):
        freqs, groups = dict(FREQUENCIES), dict(GROUPINGS)
        for run in self:
            run.name = self.env._(
                "%(freq)s per %(group)s, %(start)s to %(end)s",
                freq=freqs.get(run.freq, ""),
                group=groups.get(run.group_by, "").lower(),
                start=run.date_from or "",
                end=run.date_to or "",
            )

    def _compute_line_count(self):
        counts = dict(
            self.env["acorn.vc.kpi.comparison.line"]._read_group(
                [("comparison_id", "in", self.ids)], ["comparison_id"], ["__count"]
            )
        )
        for run in self:
            run.line_count = counts.get(run, 0)

    @api.model
    def _acorn_mine(self):
        """The user's comparison in the current company, made on first use."""
        run = self.search(
            [("user_id", "=", self.env.uid), ("company_id", "=", self.env.company.id)], limit=1
        )
        return run or self.create({})

    @api.model
    def action_open_mine(self):
        """The menu: the user's comparison, as they left it."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("KPIs, Both Sides"),
            "res_model": self._name,
            "res_id": self._acorn_mine().id,
            "view_mode": "form",
            "target": "current",
        }

    def _acorn_by(self):
        """The core's group columns: a grouping inside an account keeps the account."""
        self.ensure_one()
        if self.group_by in ("account", "marketplace"):
            return [self.group_by]
        return ["account", self.group_by]

    def action_compute(self):
        """Compute both sides for the chosen accounts and period, replacing the rows of the
        previous run, and open them."""
        for run in self:
            run._acorn_compute()
        return self.action_open_lines()

    def _acorn_compute(self):
        self.ensure_one()
        if not self.account_ids:
            raise UserError(self.env._("Choose at least one Vendor Central account to compare."))
        if self.date_from > self.date_to:
            raise UserError(
                self.env._(
                    "The period starts on %(start)s, after its end on %(end)s.",
                    start=self.date_from,
                    end=self.date_to,
                )
            )
        # Read once: the period's end for both sides and the rows' "not reported yet".
        self.compared_through = self._acorn_last_day()
        rows = self.env["acorn.vc.kpi.comparison.line"]._acorn_side_by_side(self)
        if len(rows) > MAX_LINES:
            raise UserError(
                self.env._(
                    "This comparison has %(rows)s rows (at most %(max)s): choose a shorter "
                    "period, months instead of weeks, or a coarser grouping than products.",
                    rows=len(rows),
                    max=MAX_LINES,
                )
            )
        self.line_ids.unlink()
        vals = self._acorn_line_values(rows)
        Line = self.env["acorn.vc.kpi.comparison.line"]
        for index in range(0, len(vals), LINE_BATCH):
            Line.create(vals[index : index + LINE_BATCH])
        # The ORM stores a missing float as 0: make it NULL, so averages in the pivot and
        # graph leave out a side without a figure instead of counting it as 0.
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE acorn_vc_kpi_comparison_line
                      SET acorn_value = CASE WHEN has_acorn THEN acorn_value END,
                          amazon_value = CASE WHEN has_amazon THEN amazon_value END,
                          difference = CASE WHEN has_acorn AND has_amazon THEN difference END
                    WHERE comparison_id = %s""",
                self.id,
            )
        )
        Line.invalidate_model(["acorn_value", "amazon_value", "difference"])
        self.computed_at = fields.Datetime.now()
        return len(vals)

    def _acorn_line_values(self, rows):
        by = self._acorn_by()
        last_day = self.compared_through
        currency = self.account_ids[:1].currency_id.name or ""
        asins = set(rows["asin"]) if "asin" in rows.columns else set()
        products = {
            product.amz_asin: product.id
            for product in self.env["product.product"]
            .with_context(active_test=False)
            .search([("amz_asin", "in", list(asins))])
        }
        vals = []
        for row in rows.to_dict("records"):
            acorn, amazon, diff, unit = row["acorn"], row["amazon"], row["difference"], row["unit"]
            vals.append(
                {
                    "comparison_id": self.id,
                    "account_id": int(row["account"]) if "account" in by else False,
                    "marketplace": row.get("marketplace") or False,
                    "vendor_code": row.get("vendor_code") or False,
                    "brand": row.get("brand") or False,
                    "asin": row.get("asin") or False,
                    "product_id": products.get(row.get("asin")) or False,
                    "period_start": row["period_start"].date(),
                    "period_end": min(row["period_end"].date(), last_day),
                    "kpi": row["kpi"],
                    "sequence": row["sequence"],
                    "unit": unit,
                    "has_acorn": _given(acorn),
                    "has_amazon": _given(amazon),
                    "acorn_value": float(acorn) if _given(acorn) else False,
                    "amazon_value": float(amazon) if _given(amazon) else False,
                    "difference": float(diff) if _given(diff) else False,
                    "acorn_display": display(acorn, unit, currency),
                    "amazon_display": display(amazon, unit, currency),
                    "difference_display": display(diff, unit, currency, signed=True),
                    "reason": row["reason"] or False,
                    "acorn_note": row["acorn_note"] or False,
                    "amazon_note": row["amazon_note"] or False,
                }
            )
        return vals

    def action_open_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "acorn_vendor.acorn_vc_kpi_comparison_line_action"
        )
        action["domain"] = [("comparison_id", "=", self.id)]
        action["display_name"] = self.name
        return action

    @api.model
    def compare_kpis(
        self,
        account_ids,
        date_from,
        date_to,
        freq="week",
        group_by="account",
        selling_program="RETAIL",
        distributor_view="MANUFACTURING",
    ):
        """XML-RPC: both sides of the KPIs for ``account_ids`` from ``date_from`` to
        ``date_to`` (ISO dates) by ``freq`` ("week" or "month") per ``group_by`` (account,
        marketplace, vendor_code, brand or asin). Replaces the caller's previous comparison
        and returns its rows: one dict per group, period and KPI with both values (False where
        a side has no figure, never 0), the difference, the unit, the figures as shown and
        the reason.
        """
        run = self._acorn_mine()
        run.write(
            {
                "account_ids": [fields.Command.set(account_ids)],
                "date_from": date_from,
                "date_to": date_to,
                "freq": freq,
                "group_by": group_by,
                "selling_program": selling_program,
                "distributor_view": distributor_view,
            }
        )
        run._acorn_compute()
        return run.line_ids._acorn_rows()

    def _acorn_period(self):
        """[start, end) read on both sides, as naive UTC datetimes: from the start of the
        period holding ``date_from`` to the end of ``compared_through``."""
        self.ensure_one()
        start = period_start(self.date_from, self.freq.upper())
        end = self.compared_through + timedelta(days=1)
        return datetime.combine(start, time.min), datetime.combine(end, time.min)

    def _acorn_last_day(self):
        """``date_to``, or the last day of Amazon's loaded DAY reports when that is earlier."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT MAX(period_end) FROM acorn_vc_report_inventory "
                "WHERE account_id = ANY(%s) AND report_period = 'DAY' AND NOT is_aggregate",
                self.account_ids.ids,
            )
        )
        reported = self.env.cr.fetchone()[0]
        return min(self.date_to, reported) if reported else self.date_to


def _given(value):
    return not pd.isna(value)  # None, NaN and pd.NA are no figure
