"""Amazon Demand: per product and week, Amazon's forecast bands, its actual POs, what it is
expected to order from us, our projected stock, weeks of cover and the stock-out risk.

The lines are recomputed per account (cron and button) together with the reordering rules,
from the pure ``core.replenishment``; they are stored (bulk-copied, like the report rows) so
the graph and pivot views group them like any model.
"""

import io
import json
import logging
from datetime import datetime, time, timedelta

import pandas as pd
from psycopg2 import sql

from odoo import api, fields, models
from odoo.tools import SQL

from ..core.replenishment import amazon_demand, backtest, purchase_need
from ..core.reports.kpi import bucket
from ..core.sandbox.catalogue import default_catalogue
from ..core.sandbox.config import SandboxConfig
from ..core.sandbox.report_history import ForecastOnly
from . import replenishment_inputs as inputs
from .acorn_vc_account import REPLENISHMENT_LEVELS

_logger = logging.getLogger(__name__)

PAST_WEEKS = 26
DEMO_FORECAST_WEEKS = 26  # forecast snapshots the demo starts with, one a week
DEMO_PO_WEEKS = 13  # weeks of the sandbox's POs the demo imports for the backtest
COPY_CHUNK = 20000  # rows per COPY: the CSV of 130,000 lines at once was 17 MB
SOURCES = [("forecast", "Amazon's forecast"), ("history", "Amazon's PO history")]


def replace_account_rows(model, account, frame, chunk=COPY_CHUNK):
    """Delete ``account``'s rows of ``model``, then COPY ``frame`` (columns named as the
    model's; the models carry no create/write stamps) in, ``chunk`` rows at a time so the
    CSV text stays small: the same transaction, so a failure keeps the old rows. Figures go
    at four decimals (units and shares need no more; the CSV is half as long, and twice as
    fast to write and to read)."""
    env = model.env
    env.cr.execute(
        SQL("DELETE FROM %s WHERE account_id = %s", SQL.identifier(model._table), account.id)
    )
    floats = frame.select_dtypes("float").columns
    frame = frame.assign(**{column: frame[column].round(4) for column in floats})
    copy = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv, NULL '\\N')").format(
        sql.Identifier(model._table), sql.SQL(", ").join(map(sql.Identifier, frame.columns))
    )
    for start in range(0, len(frame), chunk):
        buffer = io.StringIO()
        frame.iloc[start : start + chunk].to_csv(buffer, header=False, index=False, na_rep="\\N")
        buffer.seek(0)
        env.cr.copy_expert(copy, buffer)
    model.invalidate_model()
    return len(frame)


class AcornVcAmazonDemand(models.Model):
    _name = "acorn.vc.amazon.demand"
    _description = "Amazon Demand"
    _order = "product_id, week_start"
    # Computed every night for every product and week (130,000 lines for 5,000 products):
    # no create/write user and date, whose foreign keys PostgreSQL checks row by row.
    _log_access = False

    account_id = fields.Many2one("acorn.vc.account", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    product_id = fields.Many2one("product.product", readonly=True, index=True)
    asin = fields.Char("ASIN", readonly=True)
    week_start = fields.Date("Week", readonly=True, help="Amazon week, Sunday to Saturday.")
    is_past = fields.Boolean(readonly=True)
    horizon = fields.Integer(readonly=True, help="Weeks ahead of the forecast (past: 0).")
    generated_on = fields.Date("Forecast of", readonly=True)
    service_level = fields.Selection(REPLENISHMENT_LEVELS, readonly=True)
    source = fields.Selection(SOURCES, readonly=True)
    forecast_mean = fields.Float("Forecast (mean)", readonly=True)
    forecast_p70 = fields.Float(readonly=True)
    forecast_p80 = fields.Float(readonly=True)
    forecast_p90 = fields.Float(readonly=True)
    actual_units = fields.Float(
        "Amazon Ordered", readonly=True, help="Units on Amazon's POs of the week."
    )
    expected_orders = fields.Float(
        "Amazon Expected", readonly=True, help="Units Amazon is expected to order that week."
    )
    projected_stock = fields.Float(
        readonly=True, aggregator="min", help="Our stock after open orders, if we buy nothing."
    )
    weeks_of_cover = fields.Float(readonly=True, aggregator="min")
    stockout_risk = fields.Float(
        "Stock-out Risk", readonly=True, aggregator="max", help="Chance of running short by then."
    )
    forecast_error = fields.Float(
        readonly=True, help="Past weeks: the forecast made the week before less Amazon's order."
    )
    backtest_mape = fields.Float(
        "Forecast MAPE Here",
        readonly=True,
        aggregator="avg",
        help="Coming weeks: the mean forecast's error this many weeks ahead in the past "
        "(Forecast Backtest), for this product.",
    )
    backtest_bias = fields.Float(
        "Forecast Bias Here",
        readonly=True,
        aggregator="avg",
        help="Coming weeks: Σ(forecast − actual) / Σ actual this many weeks ahead in the past "
        "(positive: Amazon forecast too high).",
    )

    @api.model
    def action_recompute(self):
        """Recompute Amazon Demand and the reordering rules of the accounts the user sees
        now (as superuser: the rules are Inventory's, which a Vendor Central user may not
        write)."""
        accounts = self.env["acorn.vc.account"].search([("active", "=", True)])
        for account in accounts:
            self.sudo()._acorn_recompute(account.sudo())
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _cron_recompute(self):
        for account in self.env["acorn.vc.account"].search([("active", "=", True)]):
            try:
                with self.env.cr.savepoint():
                    self._acorn_recompute(account)
            except Exception:
                _logger.exception("Replenishment recompute failed for account %s", account.name)

    @api.model
    def _acorn_recompute(self, account, today=None):
        """Amazon's expected orders, our suggestions (on reordering rules), the demand lines
        and the backtest of ``account``; returns {rules_updated, rules_created, lines}."""
        today = today or fields.Date.context_today(self)
        plan = self._acorn_plan(account, today)
        if plan is None:
            self._acorn_clear(account)
            return {"rules_updated": 0, "rules_created": 0, "lines": 0}
        env = self.env
        products, supplier, result = plan["products"], plan["supplier"], plan["result"]
        rows = []
        for asin, row in result.iterrows():
            pid = products[asin]
            info = supplier.get(pid)
            rows.append(
                {
                    "product_id": pid,
                    "quantity": row["quantity"] if info else 0.0,
                    "multiple": info[5] if info else 0.0,
                    "supplier_id": info[0] if info else None,
                    "partner_id": info[1] if info else None,
                    "amazon_orders": float(row["amazon_orders"]),
                    "order_date": row["order_date"],
                    "risk": float(row["risk"]),
                    "level": row["level"] if isinstance(row["level"], str) else None,
                    "note": row["explanation"]
                    if info
                    else row["explanation"] + " No supplier on the product: add one to order.",
                }
            )
        updated, created = env["stock.warehouse.orderpoint"]._acorn_write_suggestions(
            account, plan["location"], rows
        )
        accuracy = backtest.backtest(plan["snapshots"], plan["weekly"])
        lines = self._acorn_write_lines(
            account,
            products,
            plan["orders"],
            result["available"],
            plan["snapshots"],
            plan["weekly"],
            today,
            accuracy,
        )
        env["acorn.vc.forecast.backtest"]._acorn_write(account, products, accuracy)
        return {"rules_updated": updated, "rules_created": created, "lines": lines}

    @api.model
    def _acorn_plan(self, account, today):
        """The frames behind ``account``'s suggestions (products: asin -> product id, orders,
        stock, supplier terms, result, snapshots, weekly POs), or None without any demand.
        Shared by the recompute and the buyer pack's "can we fill" sheet."""
        env = self.env
        env.flush_all()  # the inputs are read with SQL
        snapshots = inputs.forecast_snapshots(env, account)
        forecast = inputs.latest_forecast(snapshots, today)
        weekly = amazon_demand.weekly_orders(
            inputs.amazon_po_lines(env, account, inputs.history_since(today)), until=today
        )
        first_week = bucket(pd.Series([pd.Timestamp(today)]), "week").iloc[0]
        first_week += pd.Timedelta(days=7)
        without = set(weekly["asin"]) - set(forecast["asin"])
        history, notes = amazon_demand.history_forecast(
            weekly[weekly["asin"].isin(without)], first_week
        )
        parts = [forecast.drop(columns="generated_on").assign(source="forecast"), history]
        parts = [part for part in parts if not part.empty]
        if not parts:  # no forecast and no PO history: nothing to plan on (a new account)
            return None
        plan = pd.concat(parts, ignore_index=True)
        products = inputs.account_products(env, account, set(plan["asin"]))
        plan = plan[plan["asin"].isin(products)]
        if plan.empty:
            return None
        asin_of = {pid: asin for asin, pid in products.items()}
        levels = inputs.service_levels(env, account, products.values())
        orders = amazon_demand.expected_orders(
            plan,
            inputs.amazon_stock(env, account),
            {asin_of[pid]: level for pid, level in levels.items()},
        )
        warehouse = account.warehouse_id or env["stock.warehouse"].search(
            [("company_id", "=", account.company_id.id)], limit=1
        )
        location = warehouse.lot_stock_id
        product_records = env["product.product"].browse(sorted(products.values()))
        ours = inputs.our_stock(env, product_records, location)
        supplier = inputs.suppliers(env, account.company_id, product_records.ids, today)
        none = (None, None, "no supplier", 0, 0, 0)
        terms = pd.DataFrame.from_dict(
            {
                asin_of[pid]: dict(
                    zip(
                        ("supplier", "lead_days", "min_qty", "multiple"),
                        supplier.get(pid, none)[2:],
                        strict=True,
                    )
                )
                for pid in product_records.ids
            },
            orient="index",
        )
        stock = ours.rename(index=asin_of).join(terms)
        result = purchase_need.suggestions(orders, stock, today, notes=notes)
        return {
            "products": products,
            "location": location,
            "orders": orders,
            "stock": stock,
            "supplier": supplier,
            "result": result,
            "snapshots": snapshots,
            "weekly": weekly,
        }

    @api.model
    def _acorn_load_report(self, account, document):
        """Import one Amazon report document (a dict) for ``account`` the way a downloaded
        one is imported; returns the report document record."""
        spec = document["reportSpecification"]
        options = spec.get("reportOptions") or {}
        record = self.env["acorn.vc.report.document"].create(
            {
                "account_id": account.id,
                "report_type": spec["reportType"],
                "options": json.dumps(options),
                "state": "queued",
                "selling_program": options.get("sellingProgram"),
                "distributor_view": options.get("distributorView"),
                "report_period": options.get("reportPeriod"),
            }
        )
        record._acorn_load_document(json.dumps(document))
        return record

    @api.model
    def _acorn_demo_load(self, account_id, weeks=DEMO_FORECAST_WEEKS, today=None):
        """Demo data: the forecasting reports the demo's sandbox (seed 1) generated today and
        each of the past ``weeks`` weeks, imported as Amazon sends them, then a recompute, so
        Inventory → Replenishment has Amazon-driven lines at once (the PO history for the
        backtest follows once the sandbox runs: ``_acorn_demo_po_history_step``)."""
        account = self.env["acorn.vc.account"].browse(account_id)
        today = today or fields.Date.context_today(self)
        forecaster = ForecastOnly(SandboxConfig(seed=1), default_catalogue())
        spec = {
            "reportType": "GET_VENDOR_FORECASTING_REPORT",
            "reportOptions": {"sellingProgram": "RETAIL"},
            "marketplaceIds": [account.marketplace_id or "ATVPDKIKX0DER"],
        }
        for week in range(weeks, -1, -1):
            day = today - timedelta(weeks=week)
            rows = forecaster.forecast_snapshot(day)
            document = {
                "reportSpecification": dict(spec, lastUpdatedDate=day.isoformat()),
                "forecastByAsin": rows,
            }
            self._acorn_load_report(account, document)
        return self._acorn_recompute(account, today=today)

    @api.model
    def _acorn_demo_po_history_step(self, account, weeks=DEMO_PO_WEEKS, now=None):
        """Demo data, one week per call (the caller commits; True while weeks remain): the
        demo sandbox's POs of the ``weeks`` weeks before yesterday (where the first sync
        starts), imported as Acorn records only (history: no sale orders), so the backtest
        compares the demo's forecast snapshots with what Amazon then ordered. Then a
        recompute. Resumable: the cursor is kept in a system parameter."""
        params = self.env["ir.config_parameter"].sudo()
        key = f"acorn_vendor.demo_po_history.{account.id}"
        cursor = params.get_param(key)
        if cursor == "done":
            return False
        now = now or fields.Datetime.now()
        end = now.replace(microsecond=0) - timedelta(days=1)
        if cursor:
            start = fields.Datetime.to_datetime(cursor)
        else:  # from a Sunday: Amazon's weeks are whole, or the first one would look small
            first = (end - timedelta(weeks=weeks)).date()
            start = datetime.combine(first - timedelta(days=(first.weekday() + 1) % 7), time())
        stop = min(start + timedelta(days=7), end)
        cutoff = account.sale_order_cutoff_days
        account.sale_order_cutoff_days = 0  # history: Acorn records, not quotations
        try:
            account._acorn_fetch_and_import(start, stop, changed=False)
        finally:
            account.sale_order_cutoff_days = cutoff
        if stop < end:
            params.set_param(key, fields.Datetime.to_string(stop))
            return True
        params.set_param(key, "done")
        self._acorn_recompute(account, today=now.date())
        return False

    def _acorn_clear(self, account):
        for model in (self, self.env["acorn.vc.forecast.backtest"]):
            replace_account_rows(model, account, pd.DataFrame())

    def _acorn_write_lines(
        self, account, products, orders, available, snapshots, weekly, today, accuracy
    ):
        """Replace the account's lines: the past weeks (Amazon's POs beside the forecast made
        the week before, and its error) and the coming weeks (bands, expected orders,
        projection, and how wrong Amazon's forecast has been that many weeks ahead)."""
        future = purchase_need.projection(orders, available)
        future = future.assign(
            is_past=False,
            horizon=future["week"],
            actual_units=None,
            expected_orders=future["orders"],
            service_level=future["level"],
            stockout_risk=future["risk"],
        )
        newest = snapshots.groupby("asin")["generated_on"].transform("max")
        bands = snapshots[snapshots["generated_on"] == newest]
        future = future.merge(
            bands[["asin", "week_start", "generated_on", "p70", "p80", "p90"]],
            on=["asin", "week_start"],
            how="left",
        ).rename(columns={"mean": "forecast_mean"})
        future = future.merge(backtest.line_accuracy(accuracy), on=["asin", "horizon"], how="left")
        start = pd.Timestamp(today) - pd.Timedelta(weeks=PAST_WEEKS)
        past = weekly[weekly["week_start"] >= start].rename(columns={"units": "actual_units"})
        if not snapshots.empty:
            ahead = snapshots[snapshots["week_start"] > snapshots["generated_on"]]
            nearest = ahead.sort_values("generated_on").groupby(["asin", "week_start"]).tail(1)
            past = past.merge(
                nearest.rename(columns={"mean": "forecast_mean"}),
                on=["asin", "week_start"],
                how="left",
            )
        past = past.assign(is_past=True, horizon=0, source=None)
        if "forecast_mean" in past:
            past["forecast_error"] = past["forecast_mean"] - past["actual_units"]
        named = {"p70": "forecast_p70", "p80": "forecast_p80", "p90": "forecast_p90"}
        parts = [part.rename(columns=named) for part in (future, past) if not part.empty]
        frame = pd.concat(parts, ignore_index=True)
        frame = frame[frame["asin"].isin(products)]
        frame["product_id"] = frame["asin"].map(products)
        frame["account_id"] = account.id
        frame["company_id"] = account.company_id.id
        for column in ("week_start", "generated_on"):
            if column in frame:
                frame[column] = pd.to_datetime(frame[column]).dt.strftime("%Y-%m-%d")
        columns = [
            "account_id",
            "company_id",
            "product_id",
            "asin",
            "week_start",
            "is_past",
            "horizon",
            "generated_on",
            "service_level",
            "source",
            "forecast_mean",
            "forecast_p70",
            "forecast_p80",
            "forecast_p90",
            "actual_units",
            "expected_orders",
            "projected_stock",
            "weeks_of_cover",
            "stockout_risk",
            "forecast_error",
            "backtest_mape",
            "backtest_bias",
        ]
        for column in columns:
            if column not in frame:
                frame[column] = None
        return replace_account_rows(self, account, frame[columns])
