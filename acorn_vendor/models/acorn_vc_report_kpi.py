"""Amazon's side of the KPIs per account, selling program, distributor view, ASIN and Amazon
week, kept in a table that each report import refreshes for the weeks it touched.

Why a table and not an SQL view: two years of DAY sales, inventory and traffic for 5,000
ASINs are 11 million rows, and a view aggregates all of them on every dashboard query (many
seconds); the table holds one row per ASIN and week (about 520,000) and the import that
changes a day recomputes only that day's week, so the dashboard's queries read the small
table (bench/bench_reports.py times them).

Why a second, per-account table (``acorn.vc.report.kpi.week``): the dashboard's charts and
KPI pivots sum a period's per-ASIN rows (60,000 for 90 days of 5,000 ASINs) a dozen times
at each opening. ``_read_group`` answers a question that neither groups nor filters by ASIN or
product from the per-account rows instead (a dozen per week), with the same figures; any
other question, or ``acorn_kpi_per_asin`` in the context, reads the per-ASIN rows.

Weeks are Amazon's (Sunday to Saturday), computed from the stored period start rather than
the user's language. Only per-ASIN rows are summed (Amazon's aggregate rows would count the
same units twice). How rates and stock combine over rows: ``acorn.vc.report.kpi.figures``.
The traffic report has no program or view: glance views are the ASIN's, on each of its rows.
"""

from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from .acorn_vc_report_kpi_figures import DAILY_AVERAGES
from .acorn_vc_report_kpi_week import DIMENSIONS
from .kpi_comparison_inputs import amazon_frames, po_lines


def _week(alias="r"):
    return f"({alias}.period_start - EXTRACT(DOW FROM {alias}.period_start)::int)"


class AcornVcReportKpi(models.Model):
    _name = "acorn.vc.report.kpi"
    _inherit = "acorn.vc.report.kpi.figures"
    _description = "Vendor Central KPIs (Amazon side)"
    _auto = False  # a table kept by _acorn_refresh (init makes it), not one the ORM writes
    _log_access = False
    _order = "week_start desc, asin"

    asin = fields.Char("ASIN", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)

    def init(self):
        """The table, a column per field, and its first fill when it is new."""
        kind = self._acorn_create_table(
            {
                "account_week": ("account_id", "week_start"),
                # The dashboard, pivot and graph filter a period across accounts: without this
                # index PostgreSQL scans the whole table in parallel for each of their queries
                # (bench/bench_dashboard_browser.py).
                "week": ("week_start",),
            }
        )
        if kind != "r":  # filled once every report table exists
            self.pool.post_init(self._acorn_refresh)

    @api.model
    def _acorn_refresh(self, account_ids=None, date_from=None, date_to=None):
        """Recompute the rows of the Amazon weeks holding ``date_from``..``date_to`` (all
        weeks when not given) for ``account_ids`` (all accounts when None): what a report
        import calls for the days it replaced. Returns the count of rows written."""
        kept, read = [SQL("TRUE")], [SQL("TRUE")]  # the KPI rows replaced, the rows read
        week_from = week_to = None
        if account_ids is not None:
            kept.append(SQL("account_id = ANY(%s)", list(account_ids)))
            read.append(SQL("r.account_id = ANY(%s)", list(account_ids)))
        if date_from:
            week_from = date_from - timedelta(days=(date_from.weekday() + 1) % 7)
            kept.append(SQL("week_start >= %s", week_from))
            read.append(SQL("r.period_start >= %s", week_from))
        if date_to:
            week_to = date_to - timedelta(days=(date_to.weekday() + 1) % 7)
            kept.append(SQL("week_start <= %s", week_to))
            read.append(SQL("r.period_start < %s", week_to + timedelta(days=7)))
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "DELETE FROM %s WHERE %s",
                SQL.identifier(self._table),
                SQL(" AND ").join(kept),
            )
        )
        names = [n for n, f in self._fields.items() if f.store and n != "id"]
        self.env.cr.execute(
            SQL(
                # in week order, so a period's rows share pages: fewer pages read per query
                "INSERT INTO %s (%s) SELECT %s FROM (%s) kpi ORDER BY week_start",
                SQL.identifier(self._table),
                SQL(", ").join(map(SQL.identifier, names)),
                SQL(", ").join(map(SQL.identifier, names)),
                self._acorn_query(SQL(" AND ").join(read)),
            )
        )
        count = self.env.cr.rowcount
        self.invalidate_model()
        self.env["acorn.vc.report.kpi.week"]._acorn_refresh(account_ids, week_from, week_to)
        return count

    @api.model
    def _read_group(
        self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None
    ):
        """From the per-account rows when they give the same answer (see the module's
        docstring), else from the per-ASIN rows."""
        self.browse().check_access("read")
        by_account = self._acorn_by_account(domain, groupby, aggregates, having, order)
        if by_account is None:
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        aggregates, order = by_account
        return self.env["acorn.vc.report.kpi.week"]._read_group(
            domain, groupby, aggregates, (), offset, limit, order
        )

    @api.model
    def _acorn_by_account(self, domain, groupby, aggregates, having, order):
        """The aggregates and order to ask of the per-account table for this question, or
        None when only the per-ASIN rows answer it: a group or filter by a field the
        per-account table lacks (ASIN, product, id), an aggregate it cannot give (an average
        other than the combined rates, a count of distinct ASINs...), or a ``having``."""
        if self.env.context.get("acorn_kpi_per_asin") or having:
            return None
        week = self.env["acorn.vc.report.kpi.week"]
        if any(spec.split(":")[0] not in DIMENSIONS for spec in groupby):
            return None
        for leaf in expression.normalize_domain(list(domain)):
            if not expression.is_leaf(leaf) or tuple(leaf) in (
                expression.TRUE_LEAF,
                expression.FALSE_LEAF,
            ):
                continue
            if not isinstance(leaf[0], str) or leaf[0].split(".")[0] not in DIMENSIONS:
                return None
        translated = [week._acorn_aggregate(spec) for spec in aggregates]
        if None in translated:
            return None
        terms = []
        for term in (order or "").split(","):
            words = term.split()
            if not words:
                continue
            name = words[0]
            spec = name if name.split(":")[0] in DIMENSIONS else week._acorn_aggregate(name)
            if spec is None:
                return None
            terms.append(" ".join([spec, *words[1:]]))
        return translated, ", ".join(terms) or None

    def _acorn_query(self, where):
        """The KPI rows from the stored reports whose rows (alias r) pass ``where``: a
        refresh reads only the account and days it recomputes, through the rows' index on
        account, period and day."""
        week = SQL(_week())
        per_asin = SQL("NOT r.is_aggregate AND r.report_period = 'DAY' AND %s", where)
        return SQL(
            """
            WITH sales AS (
                SELECT r.account_id, COALESCE(r.selling_program, '') AS program,
                       COALESCE(r.distributor_view, '') AS dview, r.asin,
                       %(week)s AS week_start, MAX(r.product_id) AS product_id,
                       SUM(r.shipped_units) AS shipped_units,
                       SUM(r.shipped_revenue) AS shipped_revenue,
                       SUM(r.shipped_cogs) AS shipped_cogs,
                       SUM(r.customer_returns) AS customer_returns
                  FROM acorn_vc_report_sales r
                 WHERE %(per_asin)s
                 GROUP BY 1, 2, 3, 4, 5
            ),
            stock AS (
                SELECT r.account_id, COALESCE(r.selling_program, '') AS program,
                       COALESCE(r.distributor_view, '') AS dview, r.asin,
                       %(week)s AS week_start, MAX(r.product_id) AS product_id,
                       SUM(r.net_received_inventory_units) AS net_received_inventory_units,
                       SUM(r.vendor_confirmation_rate * GREATEST(r.net_received_inventory_units, 0))
                           AS confirmation_weighted,
                       SUM(GREATEST(r.net_received_inventory_units, 0))
                           FILTER (WHERE r.vendor_confirmation_rate IS NOT NULL)
                           AS confirmation_weight,
                       AVG(r.vendor_confirmation_rate) AS confirmation_mean,
                       SUM(r.average_vendor_lead_time_days
                           * GREATEST(r.net_received_inventory_units, 0)) AS lead_time_weighted,
                       SUM(GREATEST(r.net_received_inventory_units, 0))
                           FILTER (WHERE r.average_vendor_lead_time_days IS NOT NULL)
                           AS lead_time_weight,
                       AVG(r.average_vendor_lead_time_days) AS lead_time_mean,
                       SUM(r.sell_through_rate * (
                           GREATEST(COALESCE(r.sellable_on_hand_inventory_units, 0), 0)
                           + GREATEST(COALESCE(r.net_received_inventory_units, 0), 0)))
                           AS sell_through_weighted,
                       SUM(GREATEST(COALESCE(r.sellable_on_hand_inventory_units, 0), 0)
                           + GREATEST(COALESCE(r.net_received_inventory_units, 0), 0))
                           FILTER (WHERE r.sell_through_rate IS NOT NULL)
                           AS sell_through_weight,
                       AVG(r.sell_through_rate) AS sell_through_mean,
                       %(sums)s
                  FROM acorn_vc_report_inventory r
                 WHERE %(per_asin)s
                 GROUP BY 1, 2, 3, 4, 5
            ),
            traffic AS (
                SELECT r.account_id, r.asin, %(week)s AS week_start,
                       MAX(r.product_id) AS product_id, SUM(r.glance_views) AS glance_views
                  FROM acorn_vc_report_traffic r
                 WHERE %(per_asin)s
                 GROUP BY 1, 2, 3
            )
            SELECT account_id, a.company_id, NULLIF(program, '') AS selling_program,
                   NULLIF(dview, '') AS distributor_view, week_start, asin,
                   COALESCE(s.product_id, i.product_id, t.product_id) AS product_id,
                   s.shipped_units, s.shipped_revenue, s.shipped_cogs, s.customer_returns,
                   s.customer_returns::float / NULLIF(s.shipped_units, 0) AS return_rate,
                   t.glance_views,
                   i.net_received_inventory_units,
                   COALESCE(i.confirmation_weighted / NULLIF(i.confirmation_weight, 0),
                            i.confirmation_mean) AS vendor_confirmation_rate,
                   COALESCE(i.lead_time_weighted / NULLIF(i.lead_time_weight, 0),
                            i.lead_time_mean) AS average_vendor_lead_time_days,
                   COALESCE(i.sell_through_weighted / NULLIF(i.sell_through_weight, 0),
                            i.sell_through_mean) AS sell_through_rate,
                   i.confirmation_weighted, i.confirmation_weight,
                   i.lead_time_weighted, i.lead_time_weight,
                   i.sell_through_weighted, i.sell_through_weight,
                   %(averages)s
              FROM sales s
              FULL JOIN stock i USING (account_id, program, dview, asin, week_start)
              -- traffic has no program or view: its figures go on each of the ASIN's rows of
              -- the week, or on a row of their own when sales and stock have none
              FULL JOIN traffic t USING (account_id, asin, week_start)
              JOIN acorn_vc_account a ON a.id = account_id
            """,
            week=week,
            per_asin=per_asin,
            sums=SQL(", ").join(
                SQL(
                    "SUM(r.%s) AS %s, COUNT(r.%s) AS %s",
                    SQL.identifier(column),
                    SQL.identifier(f"{name}_sum"),
                    SQL.identifier(column),
                    SQL.identifier(f"{name}_days"),
                )
                for name, column in DAILY_AVERAGES.items()
            ),
            averages=SQL(", ").join(
                SQL(
                    "i.%s::float / NULLIF(i.%s, 0) AS %s, i.%s, i.%s",
                    SQL.identifier(f"{name}_sum"),
                    SQL.identifier(f"{name}_days"),
                    SQL.identifier(name),
                    SQL.identifier(f"{name}_sum"),
                    SQL.identifier(f"{name}_days"),
                )
                for name in DAILY_AVERAGES
            ),
        )

    @api.model
    def _acorn_both_sides(self, account, freq="week", by=("asin",), start=None, end=None):
        """Acorn's KPIs from its PO lines beside Amazon's from the loaded DAY reports, per
        ASIN (``by``; () for the whole account) and Amazon week (or month): the core's
        ``compare`` frame, with the reason for each difference. Lead time and received
        units go by Amazon's last receipt date of each line. ``start``/``end`` (datetimes)
        bound the PO lines read (ordered or received in between); none: all of them until now.
        Amazon's side is the Retail program in the Manufacturing view, the one it grades
        vendors by (the programs and views overlap: they cannot be summed)."""
        by = list(by)
        from ..core.reports.kpi import acorn_kpis, amazon_kpis, compare  # noqa: PLC0415

        as_of = end or fields.Datetime.now()  # lines not due yet are not judged late
        since = start or datetime(1970, 1, 1)
        lines = po_lines(self.env, account, since, as_of)
        acorn = acorn_kpis(lines, by=by, freq=freq, as_of=as_of) if len(lines) else None
        frames = amazon_frames(
            self.env, account, since, as_of + timedelta(days=1), "RETAIL", "MANUFACTURING"
        )
        amazon = amazon_kpis(list(frames.values()), by=by, freq=freq)
        if acorn is None:
            acorn = amazon.iloc[0:0]
        return compare(acorn, amazon, by=by)

    def _acorn_amazon_frame(self, model_name, account, where=None):
        """The stored per-ASIN DAY rows of ``account`` under Amazon's field names (those
        passing ``where``, an SQL condition, when given)."""
        import pandas as pd  # noqa: PLC0415

        model = self.env[model_name]
        names = {column: amazon for amazon, column in model._acorn_fields.items()}
        columns = [
            "period_start",
            "period_end",
            "asin",
            "selling_program",
            "distributor_view",
            *names,
        ]
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM %s WHERE account_id = %s AND NOT is_aggregate "
                "AND report_period = 'DAY' AND %s",
                SQL(", ").join(SQL.identifier(c) for c in columns),
                SQL.identifier(model._table),
                account.id,
                where or SQL("TRUE"),
            )
        )
        frame = pd.DataFrame(self.env.cr.fetchall(), columns=columns).rename(columns=names)
        frame["period_start"] = pd.to_datetime(frame["period_start"])
        frame["period_end"] = pd.to_datetime(frame["period_end"])
        for amazon in names.values():
            if amazon != "currency":  # NULL stays missing (NaN), never 0
                frame[amazon] = pd.to_numeric(frame[amazon])
        return frame
