"""The figures Amazon's side of the KPIs is made of, shared by the per-ASIN table
(``acorn.vc.report.kpi``) and its per-account summary (``acorn.vc.report.kpi.week``), and how
rows combine into one figure.

Rates are combined as analytics.md §2 and the core's ``amazon_kpis`` do: confirmation rate and
lead time weighted by net received units, sell-through by sellable stock plus net received
units, return rate as returns over shipped units; a plain mean only where every weight is 0.
Each row keeps its weighted sum and weight, and ``read_group`` combines rows the same way, so a
pivot by account or month shows the weighted rate too. Stock on hand is the average of the days
(each row keeps the sum and the count of days that had a value; nulls stay out of both).
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
# stock figure -> its column in the inventory report: an average of the days that had a value.
DAILY_AVERAGES = {
    "sellable_on_hand_units": "sellable_on_hand_inventory_units",
    "unsellable_on_hand_units": "unsellable_on_hand_inventory_units",
    "aged90_plus_days_sellable_units": "aged90_plus_days_sellable_inventory_units",
    "open_purchase_order_units": "open_purchase_order_units",
}
for _name in DAILY_AVERAGES:
    WEIGHTED_RATES[_name] = (f"{_name}_sum", f"{_name}_days")
# Column types of the table, by field type.
COLUMN_TYPES = {
    "many2one": "int4",
    "selection": "varchar",
    "char": "varchar",
    "date": "date",
    "integer": "int4",
    "float": "float8",
}


class AcornVcReportKpiFigures(models.AbstractModel):
    _name = "acorn.vc.report.kpi.figures"
    _description = "Vendor Central KPI figures (Amazon side), per ASIN or per account"

    account_id = fields.Many2one("acorn.vc.account", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    selling_program = fields.Selection(SELLING_PROGRAMS, readonly=True)
    distributor_view = fields.Selection(DISTRIBUTOR_VIEWS, readonly=True)
    week_start = fields.Date("Amazon week (Sunday)", readonly=True)
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
    sellable_on_hand_units = fields.Float(
        "Sellable on hand (average of the days)", readonly=True, aggregator="avg"
    )
    unsellable_on_hand_units = fields.Float(
        "Unsellable on hand (average of the days)", readonly=True, aggregator="avg"
    )
    aged90_plus_days_sellable_units = fields.Float(
        "Aged 90+ days sellable (average of the days)", readonly=True, aggregator="avg"
    )
    open_purchase_order_units = fields.Float(
        "Open PO units (average of the days)", readonly=True, aggregator="avg"
    )
    sellable_on_hand_units_sum = fields.Float(readonly=True)
    sellable_on_hand_units_days = fields.Integer(readonly=True)
    unsellable_on_hand_units_sum = fields.Float(readonly=True)
    unsellable_on_hand_units_days = fields.Integer(readonly=True)
    aged90_plus_days_sellable_units_sum = fields.Float(readonly=True)
    aged90_plus_days_sellable_units_days = fields.Integer(readonly=True)
    open_purchase_order_units_sum = fields.Float(readonly=True)
    open_purchase_order_units_days = fields.Integer(readonly=True)

    @api.model
    def _acorn_create_table(self, indexes):
        """The table (replacing an SQL view of earlier versions), a column per stored field,
        and ``indexes`` ({name suffix: columns}). Returns what the relation was before: "r"
        for a table, None when it is new."""
        cr = self.env.cr
        cr.execute("SELECT relkind FROM pg_class WHERE relname = %s", [self._table])
        kind = (cr.fetchone() or [None])[0]
        if kind == "v":
            cr.execute(SQL("DROP VIEW %s", SQL.identifier(self._table)))
        cr.execute(
            SQL(
                """CREATE TABLE IF NOT EXISTS %s (
                       id serial PRIMARY KEY,
                       account_id int4 NOT NULL REFERENCES acorn_vc_account ON DELETE CASCADE)""",
                SQL.identifier(self._table),
            )
        )
        for name, field in self._fields.items():
            if field.store and name not in ("id", "account_id"):
                cr.execute(
                    SQL(
                        "ALTER TABLE %s ADD COLUMN IF NOT EXISTS %s %s",
                        SQL.identifier(self._table),
                        SQL.identifier(name),
                        SQL(COLUMN_TYPES[field.type]),
                    )
                )
        for suffix, columns in indexes.items():
            cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON %s (%s)",
                    SQL.identifier(f"{self._table}_{suffix}_index"),
                    SQL.identifier(self._table),
                    SQL(", ").join(map(SQL.identifier, columns)),
                )
            )
        return kind if kind == "r" else None

    def _read_group_select(self, aggregate_spec, query):
        """A rate over several rows is their weighted sum over their weight, as per row."""
        fname, _property, func = models.parse_read_group_spec(aggregate_spec)
        if func == "avg" and fname in WEIGHTED_RATES:
            weighted, weight = WEIGHTED_RATES[fname]
            num, den = (self._field_to_sql(self._table, name, query) for name in (weighted, weight))
            return SQL(
                "COALESCE(SUM(%s)::float / NULLIF(SUM(%s), 0), %s)",
                num,
                den,
                self._acorn_rate_mean(fname, query),
            )
        return super()._read_group_select(aggregate_spec, query)

    def _acorn_rate_mean(self, fname, query):
        """The plain mean of a rate over the rows, for groups where every weight is 0."""
        return SQL("AVG(%s)", self._field_to_sql(self._table, fname, query))
