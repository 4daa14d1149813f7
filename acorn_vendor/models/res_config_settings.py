from odoo import fields, models

from ..core.sync_health import DATA_KINDS
from .acorn_vc_sync_run import DEFAULT_RETENTION_DAYS, RETENTION_PARAM

DEFAULTS = {key: (lag, stale) for key, _label, lag, stale in DATA_KINDS}


class ResConfigSettings(models.TransientModel):
    """Vendor Central monitoring settings: how long sync history is kept and when data
    counts as stale (stored as system parameters, read by the monitoring code)."""

    _inherit = "res.config.settings"

    acorn_sync_run_retention_days = fields.Integer(
        "Keep Sync History (days)",
        config_parameter=RETENTION_PARAM,
        default=DEFAULT_RETENTION_DAYS,
    )
    acorn_lag_purchase_orders = fields.Integer(
        "PO Lag (h)",
        config_parameter="acorn_vendor.lag_hours_purchase_orders",
        default=DEFAULTS["purchase_orders"][0],
    )
    acorn_stale_purchase_orders = fields.Integer(
        "PO Stale After (h)",
        config_parameter="acorn_vendor.stale_hours_purchase_orders",
        default=DEFAULTS["purchase_orders"][1],
    )
    acorn_lag_transactions = fields.Integer(
        "Submission Status Lag (h)",
        config_parameter="acorn_vendor.lag_hours_transactions",
        default=DEFAULTS["transactions"][0],
    )
    acorn_stale_transactions = fields.Integer(
        "Submission Status Stale After (h)",
        config_parameter="acorn_vendor.stale_hours_transactions",
        default=DEFAULTS["transactions"][1],
    )
    acorn_lag_reports = fields.Integer(
        "Report Lag (h)",
        config_parameter="acorn_vendor.lag_hours_reports",
        default=DEFAULTS["reports"][0],
    )
    acorn_stale_reports = fields.Integer(
        "Reports Stale After (h)",
        config_parameter="acorn_vendor.stale_hours_reports",
        default=DEFAULTS["reports"][1],
    )
    acorn_lag_remittances = fields.Integer(
        "Remittance Lag (h)",
        config_parameter="acorn_vendor.lag_hours_remittances",
        default=DEFAULTS["remittances"][0],
    )
    acorn_stale_remittances = fields.Integer(
        "Remittances Stale After (h)",
        config_parameter="acorn_vendor.stale_hours_remittances",
        default=DEFAULTS["remittances"][1],
    )
