"""Amazon's side of the KPIs per account, selling program, distributor view and Amazon week:
the per-ASIN table (``acorn.vc.report.kpi``) summed, so that the dashboard's charts and KPI
pivots read a dozen rows per week instead of 5,000.

Nobody reads this model by name: ``acorn.vc.report.kpi``'s ``_read_group`` sends it the
questions it answers the same (no group or filter by ASIN or product) and translates their
aggregates. Each row is the per-ASIN table's own ``_read_group`` for its week, so the two
combine rates the same way by construction; it also keeps how many per-ASIN rows it holds
(``__count``) and, for the three weighted rates, their plain sum and count (the mean a group
falls back to when every weight is 0). The KPI table's refresh refreshes the same weeks here.
"""

from odoo import api, fields, models
from odoo.tools import SQL

from .acorn_vc_report_kpi_figures import WEIGHTED_RATES

# rate -> (sum of the per-ASIN rates, count of them): the plain mean, over per-ASIN rows.
RATE_MEANS = {
    "vendor_confirmation_rate": ("confirmation_rate_sum", "confirmation_rate_count"),
    "average_vendor_lead_time_days": ("lead_time_days_sum", "lead_time_days_count"),
    "sell_through_rate": ("sell_through_rate_sum", "sell_through_rate_count"),
}
# What a row is per: the per-ASIN table's fields a question may group or filter by here.
DIMENSIONS = ("account_id", "company_id", "selling_program", "distributor_view", "week_start")
# The per-ASIN rows' __count, here.
COUNT = "row_count:sum"
# Aggregates of a dimension that do not depend on how many rows hold it.
DIMENSION_AGGREGATES = ("min", "max", "count_distinct")


class AcornVcReportKpiWeek(models.Model):
    _name = "acorn.vc.report.kpi.week"
    _inherit = "acorn.vc.report.kpi.figures"
    _description = "Vendor Central KPIs per account and week (Amazon side)"
    _auto = False  # a table kept by _acorn_refresh (init makes it), not one the ORM writes
    _log_access = False
    _order = "week_start desc, account_id"

    row_count = fields.Integer("Per-ASIN rows", readonly=True)
    confirmation_rate_sum = fields.Float(readonly=True)
    confirmation_rate_count = fields.Integer(readonly=True)
    lead_time_days_sum = fields.Float(readonly=True)
    lead_time_days_count = fields.Integer(readonly=True)
    sell_through_rate_sum = fields.Float(readonly=True)
    sell_through_rate_count = fields.Integer(readonly=True)

    def init(self):
        """The table, a column per field, and its first fill when it is new."""
        kind = self._acorn_create_table(
            {"account_week": ("account_id", "week_start"), "week": ("week_start",)}
        )
        if kind != "r":  # filled from the per-ASIN table once both exist
            self.pool.post_init(self._acorn_refresh)

    @api.model
    def _acorn_sums(self):
        """The per-ASIN table's figures that add up across rows."""
        figures = self.env["acorn.vc.report.kpi.figures"]._fields
        return [
            name
            for name, field in figures.items()
            if field.type in ("integer", "float") and name not in WEIGHTED_RATES
        ]

    @api.model
    def _acorn_aggregate(self, spec):
        """The aggregate here that gives what ``spec`` gives over the per-ASIN rows, or None."""
        if spec == "__count":
            return COUNT
        name, _sep, func = spec.partition(":")
        if name in DIMENSIONS and func in DIMENSION_AGGREGATES:
            return spec
        if (func == "sum" and name in self._acorn_sums()) or (
            func == "avg" and name in WEIGHTED_RATES
        ):
            return spec
        return None

    def _read_group_select(self, aggregate_spec, query):
        """The per-ASIN rows' count is 0, not empty, where there are none (as ``__count``)."""
        if aggregate_spec == COUNT:
            return SQL("COALESCE(SUM(%s), 0)", self._field_to_sql(self._table, "row_count", query))
        return super()._read_group_select(aggregate_spec, query)

    def _read_group_empty_value(self, spec):
        return 0 if spec == COUNT else super()._read_group_empty_value(spec)

    def _acorn_rate_mean(self, fname, query):
        """Over per-account rows, the plain mean of the per-ASIN rates they hold."""
        if fname not in RATE_MEANS:
            return super()._acorn_rate_mean(fname, query)
        total, count = (self._field_to_sql(self._table, name, query) for name in RATE_MEANS[fname])
        return SQL("SUM(%s)::float / NULLIF(SUM(%s), 0)", total, count)

    @api.model
    def _acorn_refresh(self, account_ids=None, week_from=None, week_to=None):
        """Recompute the rows of the Amazon weeks ``week_from``..``week_to`` (all when not
        given) of ``account_ids`` (all when None) from the per-ASIN table. Returns the count
        of rows written."""
        domain, kept = [], [SQL("TRUE")]
        if account_ids is not None:
            domain.append(("account_id", "in", list(account_ids)))
            kept.append(SQL("account_id = ANY(%s)", list(account_ids)))
        if week_from:
            domain.append(("week_start", ">=", week_from))
            kept.append(SQL("week_start >= %s", week_from))
        if week_to:
            domain.append(("week_start", "<=", week_to))
            kept.append(SQL("week_start <= %s", week_to))
        kpi = self.env["acorn.vc.report.kpi"].sudo().with_context(acorn_kpi_per_asin=True)
        columns = {"row_count": "__count"}
        columns.update({name: f"{name}:sum" for name in self._acorn_sums()})
        columns.update({rate: f"{rate}:avg" for rate in WEIGHTED_RATES})
        for rate, (total, count) in RATE_MEANS.items():
            columns.update({total: f"{rate}:sum", count: f"{rate}:count"})
        groupby = [*DIMENSIONS[:-1], "week_start:day"]
        rows = kpi._read_group(domain, groupby, list(columns.values()))
        self.env.flush_all()
        self.env.cr.execute(
            SQL("DELETE FROM %s WHERE %s", SQL.identifier(self._table), SQL(" AND ").join(kept))
        )
        names = [*DIMENSIONS, *columns]
        values = []
        for row in rows:
            account, company, *rest = row
            values.append(
                (account.id, company.id or None, *(v if v is not False else None for v in rest))
            )
        if values:
            self.env.cr.execute_values(
                SQL(
                    "INSERT INTO %s (%s) VALUES %%s",
                    SQL.identifier(self._table),
                    SQL(", ").join(map(SQL.identifier, names)),
                ).code,
                values,
            )
        self.invalidate_model()
        return len(values)
