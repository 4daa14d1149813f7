"""Amazon's side of the KPIs per account, selling program, distributor view, ASIN and Amazon
week, as an SQL view.

Weeks are Amazon's (Sunday to Saturday), computed from the stored period start rather than
the user's language. Only per-ASIN rows are summed (Amazon's aggregate rows would count the
same units twice). Rates are combined as analytics.md §2 and the core's ``amazon_kpis`` do:
confirmation rate and lead time weighted by net received units, sell-through by sellable
stock plus net received units, return rate as returns over shipped units; a plain mean only
where every weight is 0. Each row keeps its weighted sum and weight, and ``read_group``
combines rows the same way, so a pivot by account or month shows the weighted rate too.
The traffic report has no program or view: glance views are the ASIN's, on each of its rows.
"""

from odoo import api, fields, models
from odoo.tools import SQL

from .acorn_vc_report_line import DISTRIBUTOR_VIEWS, SELLING_PROGRAMS

# Amazon's report frames the core's amazon_kpis reads, by storage model.
AMAZON_FRAMES = ("acorn.vc.report.sales", "acorn.vc.report.inventory", "acorn.vc.report.traffic")
# rate -> (its weighted sum, its weight): how rows are combined into one figure.
WEIGHTED_RATES = {
    "vendor_confirmation_rate": ("confirmation_weighted", "confirmation_weight"),
    "average_vendor_lead_time_days": ("lead_time_weighted", "lead_time_weight"),
    "sell_through_rate": ("sell_through_weighted", "sell_through_weight"),
    "return_rate": ("customer_returns", "shipped_units"),
}


def _week(alias="r"):
    return f"({alias}.period_start - EXTRACT(DOW FROM {alias}.period_start)::int)"


class AcornVcReportKpi(models.Model):
    _name = "acorn.vc.report.kpi"
    _description = "Vendor Central KPIs (Amazon side)"
    _auto = False
    _order = "week_start desc, asin"

    account_id = fields.Many2one("acorn.vc.account", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    selling_program = fields.Selection(SELLING_PROGRAMS, readonly=True)
    distributor_view = fields.Selection(DISTRIBUTOR_VIEWS, readonly=True)
    week_start = fields.Date("Amazon week (Sunday)", readonly=True)
    asin = fields.Char("ASIN", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    shipped_units = fields.Integer(readonly=True)
    shipped_revenue = fields.Float(readonly=True)
    shipped_cogs = fields.Float("Shipped COGS", readonly=True)
    customer_returns = fields.Integer(readonly=True)
    return_rate = fields.Float(readonly=True, aggregator="avg", help="Returns / shipped units.")
    glance_views = fields.Integer(readonly=True)
    net_received_inventory_units = fields.Integer(readonly=True)
    vendor_confirmation_rate = fields.Float(
        readonly=True, aggregator="avg", help="Weighted by net received units."
    )
    average_vendor_lead_time_days = fields.Float(
        readonly=True, aggregator="avg", help="Weighted by net received units."
    )
    sell_through_rate = fields.Float(
        readonly=True, aggregator="avg", help="Weighted by sellable stock + net received units."
    )
    confirmation_weighted = fields.Float(readonly=True)
    confirmation_weight = fields.Float(readonly=True)
    lead_time_weighted = fields.Float(readonly=True)
    lead_time_weight = fields.Float(readonly=True)
    sell_through_weighted = fields.Float(readonly=True)
    sell_through_weight = fields.Float(readonly=True)

    def _read_group_select(self, aggregate_spec, query):
        """A rate over several rows is their weighted sum over their weight, as per row."""
        fname, _property, func = models.parse_read_group_spec(aggregate_spec)
        if func == "avg" and fname in WEIGHTED_RATES:
            weighted, weight = WEIGHTED_RATES[fname]
            rate, num, den = (
                self._field_to_sql(self._table, name, query) for name in (fname, weighted, weight)
            )
            return SQL("COALESCE(SUM(%s)::float / NULLIF(SUM(%s), 0), AVG(%s))", num, den, rate)
        return super()._read_group_select(aggregate_spec, query)

    @property
    def _table_query(self):
        week = SQL(_week())
        per_asin = SQL("NOT r.is_aggregate AND r.report_period = 'DAY'")
        return SQL(
            """
            WITH sales AS (
                SELECT r.account_id, r.selling_program, r.distributor_view, r.asin,
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
                SELECT r.account_id, r.selling_program, r.distributor_view, r.asin,
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
                       AVG(r.sell_through_rate) AS sell_through_mean
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
            ),
            keys AS (
                SELECT account_id, selling_program, distributor_view, asin, week_start FROM sales
                UNION
                SELECT account_id, selling_program, distributor_view, asin, week_start FROM stock
                UNION
                SELECT t.account_id, NULL, NULL, t.asin, t.week_start FROM traffic t
                 WHERE NOT EXISTS (SELECT 1 FROM sales s WHERE s.account_id = t.account_id
                                      AND s.asin = t.asin AND s.week_start = t.week_start)
                   AND NOT EXISTS (SELECT 1 FROM stock i WHERE i.account_id = t.account_id
                                      AND i.asin = t.asin AND i.week_start = t.week_start)
            )
            SELECT ROW_NUMBER() OVER (ORDER BY k.week_start, k.account_id, k.asin,
                                      k.selling_program, k.distributor_view) AS id,
                   k.account_id, a.company_id, k.selling_program, k.distributor_view,
                   k.week_start, k.asin,
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
                   i.sell_through_weighted, i.sell_through_weight
              FROM keys k
              JOIN acorn_vc_account a ON a.id = k.account_id
              LEFT JOIN sales s ON s.account_id = k.account_id AND s.asin = k.asin
                    AND s.week_start = k.week_start
                    AND s.selling_program IS NOT DISTINCT FROM k.selling_program
                    AND s.distributor_view IS NOT DISTINCT FROM k.distributor_view
              LEFT JOIN stock i ON i.account_id = k.account_id AND i.asin = k.asin
                    AND i.week_start = k.week_start
                    AND i.selling_program IS NOT DISTINCT FROM k.selling_program
                    AND i.distributor_view IS NOT DISTINCT FROM k.distributor_view
              LEFT JOIN traffic t ON t.account_id = k.account_id AND t.asin = k.asin
                    AND t.week_start = k.week_start
            """,
            week=week,
            per_asin=per_asin,
        )

    @api.model
    def _acorn_both_sides(self, account, freq="week", by=("asin",)):
        """Acorn's KPIs from its PO lines beside Amazon's from the loaded DAY reports, per
        ASIN (``by``; () for the whole account) and Amazon week (or month): the core's
        ``compare`` frame, with the reason for each difference. Acorn's lead time and
        received units wait for receipt dates."""
        by = list(by)
        import pandas as pd  # noqa: PLC0415 - pandas only when asked

        from ..core.reports.kpi import acorn_kpis, amazon_kpis, compare  # noqa: PLC0415

        orders = self.env["acorn.vc.purchase.order"].search([("account_id", "=", account.id)])
        lines = [
            {
                "po_number": line.order_id.name,
                "asin": line.asin,
                "po_date": line.order_id.po_date,
                "ordered_qty": line.ordered_units,
                # a line Acorn has not acknowledged yet has no accepted quantity (not 0)
                "accepted_qty": line.accepted_qty if line.order_id.amz_state != "new" else None,
                "received_qty": line.received_qty,
                "last_receive_date": None,
            }
            for line in orders.line_ids
        ]
        acorn = acorn_kpis(pd.DataFrame(lines), by=by, freq=freq) if lines else None
        frames = [self._acorn_amazon_frame(name, account) for name in AMAZON_FRAMES]
        amazon = amazon_kpis(frames, by=by, freq=freq)
        if acorn is None:
            acorn = amazon.iloc[0:0]
        return compare(acorn, amazon, by=by)

    def _acorn_amazon_frame(self, model_name, account):
        """The stored per-ASIN DAY rows of ``account`` under Amazon's field names."""
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
                "AND report_period = 'DAY'",
                SQL(", ").join(SQL.identifier(c) for c in columns),
                SQL.identifier(model._table),
                account.id,
            )
        )
        frame = pd.DataFrame(self.env.cr.fetchall(), columns=columns).rename(columns=names)
        frame["period_start"] = pd.to_datetime(frame["period_start"])
        frame["period_end"] = pd.to_datetime(frame["period_end"])
        for amazon in names.values():
            if amazon != "currency":  # NULL stays missing (NaN), never 0
                frame[amazon] = pd.to_numeric(frame[amazon])
        return frame
