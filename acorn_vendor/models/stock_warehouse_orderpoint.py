"""Amazon-driven reordering rules: the suggestion lands on Odoo's own orderpoint.

A manual-trigger orderpoint per product and stock location carries Acorn's suggested
quantity in ``qty_to_order_manual``, the buy route and the chosen ``product.supplierinfo``,
so *Inventory → Replenishment* lists it and its *Order* button runs Odoo's procurement
(``stock.rule._run_buy``): the RFQ goes to that supplier, for that quantity, planned at the
supplier's lead time. Nothing of Odoo's purchasing is replaced.
"""

from odoo import fields, models
from odoo.tools import SQL

from .acorn_vc_account import REPLENISHMENT_LEVELS

# The plain columns an Acorn recompute updates on existing orderpoints in one statement.
UPDATE_COLUMNS = (
    "qty_to_order_manual",
    "qty_multiple",
    "supplier_id",
    "vendor_id",
    "acorn_account_id",
    "acorn_amazon_orders",
    "acorn_order_date",
    "acorn_stockout_risk",
    "acorn_service_level",
    "acorn_demand_note",
)


class StockWarehouseOrderpoint(models.Model):
    _inherit = "stock.warehouse.orderpoint"

    acorn_account_id = fields.Many2one(
        "acorn.vc.account", "Vendor Central Account", readonly=True, index="btree_not_null"
    )
    acorn_amazon_orders = fields.Float(
        "Amazon Expected",
        readonly=True,
        digits="Product Unit of Measure",
        help="Units Amazon is expected to order over the supplier's lead time and a review "
        "week, at the service level.",
    )
    acorn_order_date = fields.Date(
        "Order By", readonly=True, help="The latest day to order so the goods arrive in time."
    )
    acorn_stockout_risk = fields.Float(
        "Stock-out Risk",
        readonly=True,
        help="Chance that Amazon orders more than we hold before a receipt ordered today.",
    )
    acorn_service_level = fields.Selection(REPLENISHMENT_LEVELS, "Service Level", readonly=True)
    acorn_demand_note = fields.Char("Why", readonly=True)

    def action_acorn_open_amazon_demand(self):
        """The Amazon Demand screen of this line's product."""
        return self.product_id.product_tmpl_id.action_acorn_open_amazon_demand()

    def _acorn_write_suggestions(self, account, location, rows):
        """Write ``rows`` (dicts: product_id, quantity, multiple, supplier_id, partner_id,
        amazon_orders, order_date, risk, level, note) on the manual orderpoints of
        ``location``; create the missing ones where something is to be ordered.

        Updates go out as one ``UPDATE ... FROM (VALUES ...)``: the columns are plain stored
        values whose only stored dependant (``vendor_id``, related to ``supplier_id``) is
        written alongside, so the ORM would run the same statement after per-record Python
        work for 5,000 lines. Automatic rules a user set up are left alone."""
        env = self.env
        env.flush_all()
        existing = self.with_context(active_test=False).search_read(
            [
                ("location_id", "=", location.id),
                ("product_id", "in", [row["product_id"] for row in rows]),
                ("company_id", "=", location.company_id.id),
            ],
            ["product_id", "trigger"],
        )
        by_product = {rec["product_id"][0]: rec for rec in existing}
        buy_route = env.ref("purchase_stock.route_warehouse0_buy", raise_if_not_found=False)
        updates, creates = [], []
        for row in rows:
            found = by_product.get(row["product_id"])
            if found and found["trigger"] != "manual":
                continue
            values = self._acorn_values(account, row)
            if found:
                updates.append((found["id"], *(values[c] for c in UPDATE_COLUMNS)))
            elif row["quantity"] > 0:
                creates.append(
                    dict(
                        values,
                        product_id=row["product_id"],
                        location_id=location.id,
                        warehouse_id=location.warehouse_id.id,
                        company_id=location.company_id.id,
                        trigger="manual",
                        route_id=buy_route.id if buy_route else False,
                        product_min_qty=0.0,
                        product_max_qty=0.0,
                    )
                )
        if updates:
            self._acorn_update(updates)
        if creates:
            self._acorn_insert(creates)
        return len(updates), len(creates)

    def _acorn_insert(self, vals_list):
        """Create manual rules from ``vals_list`` (every value Acorn decides, ``vendor_id``
        included) in one ``INSERT``: Odoo's defaults read once for all (``create`` reads
        them, and draws a sequence name, record by record: 4,000 rules took 8 s of CPU), the
        stored fields Odoo computes (category, product supplier...) then computed by the ORM
        for all the new rules at once. The values are consistent by construction (manual,
        min = max = 0, the product's own unit), which ``create``'s checks would confirm."""
        self.check_access("create")
        magic = ("id", "create_uid", "create_date", "write_uid", "write_date")
        stored = {
            name: field
            for name, field in self._fields.items()
            if field.store and field.column_type and name not in magic
        }
        plain = [name for name, field in stored.items() if not field.compute and name != "name"]
        defaults = self.default_get(plain)
        names = self._acorn_sequence_names(len(vals_list))
        now = fields.Datetime.now()
        rows = [
            {
                **defaults,
                **values,
                "name": name,
                "create_uid": self.env.uid,
                "write_uid": self.env.uid,
                "create_date": now,
                "write_date": now,
            }
            for values, name in zip(vals_list, names, strict=True)
        ]
        columns = sorted({key for row in rows for key in row} & {*stored, *magic})
        self.env.cr.execute(
            SQL(
                "INSERT INTO %s (%s) VALUES %s RETURNING id",
                SQL.identifier(self._table),
                SQL(", ").join(map(SQL.identifier, columns)),
                SQL(", ").join(SQL("%s", tuple(row.get(c) for c in columns)) for row in rows),
            )
        )
        records = self.browse(row[0] for row in self.env.cr.fetchall())
        for name, field in stored.items():
            if field.compute and name not in columns:
                self.env.add_to_compute(field, records)
        records.flush_recordset()
        return records

    def _acorn_sequence_names(self, count):
        """``count`` names of Odoo's orderpoint sequence ("OP/00042"), drawn in one query
        when the sequence is a plain PostgreSQL one (the default name draws one per record,
        thousands of queries on a first run); otherwise one by one, as Odoo would."""
        Sequence = self.env["ir.sequence"].sudo()
        sequence = Sequence.search(
            [("code", "=", "stock.orderpoint"), ("company_id", "in", [self.env.company.id, False])],
            order="company_id",
            limit=1,
        )
        if not sequence or sequence.implementation != "standard" or sequence.use_date_range:
            return [Sequence.next_by_code("stock.orderpoint") for _ in range(count)]
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        prefix, suffix = sequence._get_prefix_suffix()
        return [
            f"{prefix}{number:0{sequence.padding}d}{suffix}" for (number,) in self.env.cr.fetchall()
        ]

    @staticmethod
    def _acorn_values(account, row):
        return {
            "qty_to_order_manual": row["quantity"],
            "qty_multiple": row["multiple"] or 1.0,
            "supplier_id": row["supplier_id"] or None,
            "vendor_id": row["partner_id"] or None,
            "acorn_account_id": account.id,
            "acorn_amazon_orders": row["amazon_orders"],
            "acorn_order_date": row["order_date"],
            "acorn_stockout_risk": row["risk"],
            "acorn_service_level": row["level"] or None,
            "acorn_demand_note": row["note"],
        }

    def _acorn_update(self, updates):
        cr = self.env.cr
        assignments = SQL(", ").join(
            SQL("%s = v.%s", SQL.identifier(c), SQL.identifier(c)) for c in UPDATE_COLUMNS
        )
        types = SQL(", ").join(
            SQL(
                "%s::%s",
                SQL.identifier(c),
                SQL(self._fields[c].column_type[1] if c in self._fields else "varchar"),
            )
            for c in UPDATE_COLUMNS
        )
        for start in range(0, len(updates), 5000):
            chunk = updates[start : start + 5000]
            cr.execute(
                SQL(
                    """UPDATE stock_warehouse_orderpoint o
                          SET %s, write_uid = %s, write_date = now() AT TIME ZONE 'UTC'
                         FROM (SELECT id::int, %s FROM (VALUES %s) AS raw(id, %s)) AS v
                        WHERE o.id = v.id""",
                    assignments,
                    self.env.uid,
                    types,
                    SQL(", ").join(SQL("%s", tuple(values)) for values in chunk),
                    SQL(", ").join(map(SQL.identifier, UPDATE_COLUMNS)),
                )
            )
        self.invalidate_model(["qty_to_order_manual", "qty_multiple", "supplier_id", "vendor_id"])
        self.invalidate_model([c for c in UPDATE_COLUMNS if c.startswith("acorn_")])
