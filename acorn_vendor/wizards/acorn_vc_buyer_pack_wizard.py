"""The buyer meeting pack of one account and period, built on demand (or over XML-RPC with
``acorn_buyer_pack``) by the core's ``buyer_pack`` writer from the loaded vendor reports.

Other work adds sheets by overriding ``_acorn_pack_extra_sheets`` (see the core module's
docstring for what an extra sheet is), e.g. replenishment's "can we fill"."""

import base64
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.reports.buyer_pack import build_buyer_pack, top_movers
from ..core.reports.schedule import HISTORICAL

# The rows of the account the schedule loads (one program and view: they overlap), and the
# product name beside them.
ROWS = """r.account_id = %(account)s AND NOT r.is_aggregate AND r.report_period = 'DAY'
          AND r.selling_program = %(program)s AND r.distributor_view = %(view)s"""
PRODUCTS = """LEFT JOIN product_product p ON p.id = r.product_id
                 LEFT JOIN product_template t ON t.id = p.product_tmpl_id"""


class AcornVcBuyerPackWizard(models.TransientModel):
    _name = "acorn.vc.buyer.pack.wizard"
    _description = "Amazon Buyer Meeting Pack"

    account_id = fields.Many2one(
        "acorn.vc.account",
        "Vendor Central Account",
        required=True,
        default=lambda self: self.env["acorn.vc.account"].search([], limit=1),
    )
    date_from = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self) - timedelta(days=28),
    )
    date_to = fields.Date(required=True, default=fields.Date.context_today)

    def action_download_xlsx(self):
        self.ensure_one()
        if self.date_to < self.date_from:
            raise UserError(self.env._("The period ends before it starts."))
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"Buyer pack {self.account_id.name} {self.date_from} {self.date_to}.xlsx",
                "raw": self._acorn_pack(self.account_id, self.date_from, self.date_to),
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    @api.model
    def acorn_buyer_pack(self, account_id, date_from, date_to):
        """XML-RPC: the pack of ``account_id`` from ``date_from`` to ``date_to`` (ISO dates),
        base64-encoded XLSX."""
        account = self.env["acorn.vc.account"].browse(account_id).exists()
        if not account:
            raise UserError(self.env._("No Vendor Central account %(id)s.", id=account_id))
        start, end = fields.Date.to_date(date_from), fields.Date.to_date(date_to)
        return base64.b64encode(self._acorn_pack(account, start, end)).decode()

    def _acorn_pack(self, account, start, end):
        import pandas as pd  # noqa: PLC0415 - pandas only when a pack is built

        account.check_access("read")
        sales = self._acorn_frame(
            """SELECT period_start - EXTRACT(DOW FROM period_start)::int AS week_start,
                      SUM(shipped_units) AS shipped_units, SUM(shipped_revenue) AS shipped_revenue,
                      SUM(shipped_cogs) AS shipped_cogs, SUM(customer_returns) AS customer_returns
                 FROM acorn_vc_report_sales r
                WHERE {rows}
                  AND period_start BETWEEN %(start)s AND %(end)s
                GROUP BY 1 ORDER BY 1""",
            account,
            start,
            end,
        )
        traffic = self._acorn_frame(
            """SELECT period_start - EXTRACT(DOW FROM period_start)::int AS week_start,
                      SUM(glance_views) AS glance_views
                 FROM acorn_vc_report_traffic
                WHERE account_id = %(account)s AND NOT is_aggregate AND report_period = 'DAY'
                  AND period_start BETWEEN %(start)s AND %(end)s
                GROUP BY 1 ORDER BY 1""",
            account,
            start,
            end,
        )
        inventory = self._acorn_frame(
            """SELECT DISTINCT ON (r.asin) r.asin, t.name->>'en_US' AS product,
                      r.sellable_on_hand_inventory_units, r.unsellable_on_hand_inventory_units,
                      r.aged90_plus_days_sellable_inventory_units, r.unhealthy_inventory_units,
                      r.open_purchase_order_units, r.sell_through_rate
                 FROM acorn_vc_report_inventory r
                 {products}
                WHERE {rows}
                  AND r.period_start BETWEEN %(start)s AND %(end)s
                ORDER BY r.asin, r.period_start DESC""",
            account,
            start,
            end,
        )
        daily = self._acorn_frame(
            """SELECT r.period_start, r.asin, t.name->>'en_US' AS product, r.shipped_units
                 FROM acorn_vc_report_sales r
                 {products}
                WHERE {rows}
                  AND r.period_start BETWEEN %(before)s AND %(end)s""",
            account,
            start,
            end,
        )
        kpis = self.env["acorn.vc.report.kpi"]._acorn_both_sides(
            account,
            freq="week",
            by=(),
            start=datetime.combine(start - timedelta(days=6), time.min),
            end=datetime.combine(end + timedelta(days=1), time.min),
        )
        if len(kpis):
            weeks = pd.to_datetime(kpis["period_start"])
            kpis = kpis[(weeks >= pd.Timestamp(start) - pd.Timedelta(days=6))]
            kpis = kpis[pd.to_datetime(kpis["period_start"]) <= pd.Timestamp(end)]
        return build_buyer_pack(
            account.name,
            start,
            end,
            sales=sales,
            traffic=traffic,
            inventory=inventory,
            kpis=kpis,
            movers=top_movers(daily, start, end),
            extra_sheets=self._acorn_pack_extra_sheets(account, start, end),
        )

    def _acorn_pack_extra_sheets(self, account, start, end):
        """Sheets added to the pack: ``(title, DataFrame)`` pairs or callables
        ``sheet(book, formats)`` (core ``buyer_pack``). Here the out-of-stock ASINs and the
        period's deductions, then replenishment's "can we fill": Amazon's expected orders
        against our stock and suppliers, as of today."""
        from ..core.replenishment import fill_sheet as sheets  # noqa: PLC0415
        from ..core.replenishment.backtest import backtest  # noqa: PLC0415

        out = [self._acorn_out_of_stock(account, start, end)]
        if self.env["acorn.vc.deduction"].has_access("read"):  # finance's figures
            out.append(self._acorn_deductions(account, start, end))
        today = fields.Date.context_today(self)
        plan = self.env["acorn.vc.amazon.demand"]._acorn_plan(account, today)
        if plan is None:
            return out
        products = self.env["product.product"].browse(list(plan["products"].values()))
        names = {asin: products.browse(pid).display_name for asin, pid in plan["products"].items()}
        accuracy = backtest(plan["snapshots"], plan["weekly"])
        frame = sheets.can_we_fill(
            plan["orders"], plan["result"], plan["stock"], today, names, accuracy
        )
        return [*out, sheets.fill_sheet(frame), sheets.backtest_sheet(accuracy)]

    def _acorn_out_of_stock(self, account, start, end):
        """ASINs Amazon had no sellable unit of on some days of the period (its inventory
        report; Amazon gives its procurable out-of-stock rate for the whole account only),
        most days first, with the open PO units on the last of them."""
        frame = self._acorn_frame(
            """SELECT r.asin, t.name->>'en_US' AS product,
                      COUNT(*) AS days_out_of_stock, MAX(r.period_start) AS period_start,
                      (ARRAY_AGG(r.open_purchase_order_units ORDER BY r.period_start DESC))[1]
                          AS open_po_units
                 FROM acorn_vc_report_inventory r
                 {products}
                WHERE {rows}
                  AND r.period_start BETWEEN %(start)s AND %(end)s
                  AND r.sellable_on_hand_inventory_units = 0
                GROUP BY r.asin, t.name
                ORDER BY 3 DESC, 1""",
            account,
            start,
            end,
        )
        return (
            "Out of stock",
            frame.rename(
                columns={
                    "asin": "ASIN",
                    "product": "Product",
                    "days_out_of_stock": "Days without sellable units",
                    "period_start": "Last such day",
                    "open_po_units": "Open PO units then",
                }
            ),
        )

    def _acorn_deductions(self, account, start, end):
        """The period's deductions by kind: how many, the amount Amazon took, how much of
        it is disputed, and its share of what was invoiced to Amazon in the period."""
        import pandas as pd  # noqa: PLC0415

        Deduction = self.env["acorn.vc.deduction"]
        period = [("account_id", "=", account.id), ("date", ">=", start), ("date", "<=", end)]
        taken = Deduction._read_group(period, ["kind", "sub_kind"], ["__count", "amount:sum"])
        disputed = {
            (kind, sub): amount
            for kind, sub, amount in Deduction._read_group(
                [*period, ("dispute_id", "!=", False)], ["kind", "sub_kind"], ["amount:sum"]
            )
        }
        invoiced = sum(
            amount
            for (amount,) in self.env["account.move"]._read_group(
                [
                    # as remittances match them: hand-entered invoices to Amazon count too
                    *self.env["acorn.vc.remittance"]._acorn_invoice_domain(account),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("invoice_date", ">=", start),
                    ("invoice_date", "<=", end),
                ],
                [],
                ["amount_untaxed:sum"],
            )
        )
        kinds = dict(Deduction._fields["kind"]._description_selection(self.env))
        subs = dict(Deduction._fields["sub_kind"]._description_selection(self.env))
        rows = [
            {
                "Kind": kinds.get(kind, kind),
                "Sub-kind": subs.get(sub, sub or ""),
                "Deductions": count,
                "Amount taken": -amount,
                "Disputed": -(disputed.get((kind, sub)) or 0.0),
                "Share of invoiced": (-amount / invoiced) if invoiced else None,
            }
            for kind, sub, count, amount in taken
        ]
        columns = ["Kind", "Sub-kind", "Deductions", "Amount taken", "Disputed"]
        frame = pd.DataFrame(rows, columns=[*columns, "Share of invoiced"])
        return ("Deductions", frame.sort_values("Amount taken", ascending=False))

    def _acorn_frame(self, query, account, start, end):
        import pandas as pd  # noqa: PLC0415

        self.env.flush_all()
        self.env.cr.execute(
            query.format(rows=ROWS, products=PRODUCTS),
            {
                "account": account.id,
                "program": HISTORICAL["sellingProgram"],
                "view": HISTORICAL["distributorView"],
                "start": start,
                "end": end,
                "before": start - (end - start) - timedelta(days=1),
            },
        )
        columns = [column.name for column in self.env.cr.description]
        frame = pd.DataFrame(self.env.cr.fetchall(), columns=columns)
        for column in columns:  # numeric columns come as Decimal/None: floats, NULL stays NaN
            if column not in ("asin", "product", "week_start", "period_start"):
                frame[column] = pd.to_numeric(frame[column])
        return frame
