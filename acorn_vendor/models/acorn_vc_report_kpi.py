"""Amazon's side of the KPIs per account, ASIN and Amazon week, as an SQL view.

Weeks are Amazon's (Sunday to Saturday), computed from the stored period start rather than
the user's language. Only per-ASIN rows are summed (Amazon's aggregate rows would count the
same units twice); rates are averaged over the days that have one, weighted by nothing, as
Amazon publishes them per ASIN and day.
"""

from odoo import api, fields, models
from odoo.tools import SQL

# Amazon's report frames the core's amazon_kpis reads, by storage model.
AMAZON_FRAMES = ("acorn.vc.report.sales", "acorn.vc.report.inventory", "acorn.vc.report.traffic")


class AcornVcReportKpi(models.Model):
    _name = "acorn.vc.report.kpi"
    _description = "Vendor Central KPIs (Amazon side)"
    _auto = False
    _order = "week_start desc, asin"

    account_id = fields.Many2one("acorn.vc.account", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    week_start = fields.Date("Amazon week (Sunday)", readonly=True)
    asin = fields.Char("ASIN", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    shipped_units = fields.Integer(readonly=True)
    shipped_revenue = fields.Float(readonly=True)
    shipped_cogs = fields.Float("Shipped COGS", readonly=True)
    customer_returns = fields.Integer(readonly=True)
    return_rate = fields.Float(readonly=True, aggregator="avg")
    glance_views = fields.Integer(readonly=True)
    net_received_inventory_units = fields.Integer(readonly=True)
    vendor_confirmation_rate = fields.Float(readonly=True, aggregator="avg")
    average_vendor_lead_time_days = fields.Float(readonly=True, aggregator="avg")
    sell_through_rate = fields.Float(readonly=True, aggregator="avg")

    @property
    def _table_query(self):
        # Amazon's week starts on the Sunday: the period start minus its day of the week.
        return SQL(
            """
            WITH keys AS (
                SELECT account_id, company_id, asin, product_id,
                       (r.period_start - EXTRACT(DOW FROM r.period_start)::int) AS week_start
                  FROM acorn_vc_report_sales r
                 WHERE NOT is_aggregate AND report_period = 'DAY'
                UNION
                SELECT account_id, company_id, asin, product_id,
                       (r.period_start - EXTRACT(DOW FROM r.period_start)::int)
                  FROM acorn_vc_report_inventory r
                 WHERE NOT is_aggregate AND report_period = 'DAY'
                UNION
                SELECT account_id, company_id, asin, product_id,
                       (r.period_start - EXTRACT(DOW FROM r.period_start)::int)
                  FROM acorn_vc_report_traffic r
                 WHERE NOT is_aggregate AND report_period = 'DAY'
            ),
            sales AS (
                SELECT account_id, asin,
                       (r.period_start - EXTRACT(DOW FROM r.period_start)::int) AS week_start,
                       SUM(shipped_units) AS shipped_units,
                       SUM(shipped_revenue) AS shipped_revenue,
                       SUM(shipped_cogs) AS shipped_cogs,
                       SUM(customer_returns) AS customer_returns
                  FROM acorn_vc_report_sales r
                 WHERE NOT is_aggregate AND report_period = 'DAY'
                 GROUP BY 1, 2, 3
            ),
            stock AS (
                SELECT account_id, asin,
                       (r.period_start - EXTRACT(DOW FROM r.period_start)::int) AS week_start,
                       SUM(net_received_inventory_units) AS net_received_inventory_units,
                       AVG(vendor_confirmation_rate) AS vendor_confirmation_rate,
                       AVG(average_vendor_lead_time_days) AS average_vendor_lead_time_days,
                       AVG(sell_through_rate) AS sell_through_rate
                  FROM acorn_vc_report_inventory r
                 WHERE NOT is_aggregate AND report_period = 'DAY'
                 GROUP BY 1, 2, 3
            ),
            traffic AS (
                SELECT account_id, asin,
                       (r.period_start - EXTRACT(DOW FROM r.period_start)::int) AS week_start,
                       SUM(glance_views) AS glance_views
                  FROM acorn_vc_report_traffic r
                 WHERE NOT is_aggregate AND report_period = 'DAY'
                 GROUP BY 1, 2, 3
            )
            SELECT ROW_NUMBER() OVER (ORDER BY k.week_start, k.account_id, k.asin) AS id,
                   k.account_id, k.company_id, k.week_start, k.asin,
                   MAX(k.product_id) AS product_id,
                   MAX(s.shipped_units) AS shipped_units,
                   MAX(s.shipped_revenue) AS shipped_revenue,
                   MAX(s.shipped_cogs) AS shipped_cogs,
                   MAX(s.customer_returns) AS customer_returns,
                   MAX(s.customer_returns)::float / NULLIF(MAX(s.shipped_units), 0)
                       AS return_rate,
                   MAX(t.glance_views) AS glance_views,
                   MAX(i.net_received_inventory_units) AS net_received_inventory_units,
                   MAX(i.vendor_confirmation_rate) AS vendor_confirmation_rate,
                   MAX(i.average_vendor_lead_time_days) AS average_vendor_lead_time_days,
                   MAX(i.sell_through_rate) AS sell_through_rate
              FROM keys k
              LEFT JOIN sales s USING (account_id, asin, week_start)
              LEFT JOIN stock i USING (account_id, asin, week_start)
              LEFT JOIN traffic t USING (account_id, asin, week_start)
             GROUP BY k.account_id, k.company_id, k.week_start, k.asin
            """
        )

    @api.model
    def _acorn_both_sides(self, account, freq="week"):
        """Acorn's KPIs from its PO lines beside Amazon's from the loaded DAY reports, per
        ASIN and Amazon week (or month): the core's ``compare`` frame, with the reason for
        each difference. Acorn's lead time and received units wait for receipt dates."""
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
        acorn = acorn_kpis(pd.DataFrame(lines), by=["asin"], freq=freq) if lines else None
        frames = [self._acorn_amazon_frame(name, account) for name in AMAZON_FRAMES]
        amazon = amazon_kpis(frames, by=["asin"], freq=freq)
        if acorn is None:
            acorn = amazon.iloc[0:0]
        return compare(acorn, amazon, by=["asin"])

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
