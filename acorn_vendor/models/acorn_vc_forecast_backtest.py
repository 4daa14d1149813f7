"""The forecast backtest per product and in total: every past forecast snapshot (each
quantile) against Amazon's actual ordered units, by weeks ahead (``core.replenishment.
backtest``). It is the evidence for the service level: a quantile whose coverage stays well
under its name orders too little."""

import pandas as pd

from odoo import api, fields, models

from .acorn_vc_account import REPLENISHMENT_LEVELS
from .acorn_vc_amazon_demand import replace_account_rows

COLUMNS = (
    "account_id",
    "company_id",
    "product_id",
    "quantile",
    "horizon",
    "weeks",
    "zero_weeks",
    "mape",
    "bias",
    "coverage",
    "forecast_units",
    "actual_units",
)


class AcornVcForecastBacktest(models.Model):
    _name = "acorn.vc.forecast.backtest"
    _description = "Amazon Forecast Backtest"
    _order = "product_id, quantile, horizon"
    _log_access = False  # recomputed with the Amazon Demand lines, the same way

    account_id = fields.Many2one("acorn.vc.account", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    product_id = fields.Many2one(
        "product.product", readonly=True, index=True, help="Empty: every product together."
    )
    quantile = fields.Selection(REPLENISHMENT_LEVELS, readonly=True)
    horizon = fields.Integer("Weeks Ahead", readonly=True)
    weeks = fields.Integer("Weeks Compared", readonly=True)
    zero_weeks = fields.Integer(
        "Weeks Without Order", readonly=True, help="Left out of the MAPE (no percentage of 0)."
    )
    mape = fields.Float("MAPE", readonly=True, aggregator="avg")
    bias = fields.Float(readonly=True, aggregator="avg", help="Σ(forecast − actual) / Σ actual.")
    coverage = fields.Float(
        readonly=True, aggregator="avg", help="Share of weeks Amazon ordered no more than this."
    )
    forecast_units = fields.Float(readonly=True)
    actual_units = fields.Float("Amazon Ordered", readonly=True)

    @api.model
    def _acorn_write(self, account, products, result):
        """Replace the account's backtest rows (per product, and in total with no product)
        from ``result`` (``core.replenishment.backtest.backtest``)."""
        per_product = result.by_product.assign(product_id=result.by_product["asin"].map(products))
        per_product = per_product[per_product["product_id"].notna()]
        frame = pd.concat([per_product, result.total.assign(product_id=None)], ignore_index=True)
        frame = frame.assign(account_id=account.id, company_id=account.company_id.id)
        frame["product_id"] = frame["product_id"].astype("Int64")
        return replace_account_rows(self, account, frame[list(COLUMNS)])
