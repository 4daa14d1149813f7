from odoo import fields, models

from ..core.sync_health import DATA_KINDS
from .acorn_vc_sync_run import DEFAULT_RETENTION_DAYS, RETENTION_PARAM

DEFAULTS = {key: (lag, stale) for key, _label, lag, stale in DATA_KINDS}


def _hours(label, measure, kind):
    """An hours setting of one data kind: its expected lag or when it turns stale."""
    return fields.Integer(
        label,
        config_parameter=f"acorn_vendor.{measure}_hours_{kind}",
        default=DEFAULTS[kind][0 if measure == "lag" else 1],
    )


class ResConfigSettings(models.TransientModel):
    """Vendor Central monitoring settings: how long sync history is kept and when data
    counts as stale (stored as system parameters, read by the monitoring code)."""

    _inherit = "res.config.settings"

    acorn_sync_run_retention_days = fields.Integer(
        "Keep Sync History (days)",
        config_parameter=RETENTION_PARAM,
        default=DEFAULT_RETENTION_DAYS,
    )
    acorn_lag_purchase_orders = _hours("PO Lag (h)", "lag", "purchase_orders")
    acorn_stale_purchase_orders = _hours("PO Stale After (h)", "stale", "purchase_orders")
    acorn_lag_po_status = _hours("PO Status Lag (h)", "lag", "po_status")
    acorn_stale_po_status = _hours("PO Status Stale After (h)", "stale", "po_status")
    acorn_lag_transactions = _hours("Submission Status Lag (h)", "lag", "transactions")
    acorn_stale_transactions = _hours("Submission Status Stale After (h)", "stale", "transactions")
    acorn_lag_reports = _hours("Report Lag (h)", "lag", "reports")
    acorn_stale_reports = _hours("Reports Stale After (h)", "stale", "reports")
    acorn_lag_remittances = _hours("Remittance Lag (h)", "lag", "remittances")
    acorn_stale_remittances = _hours("Remittances Stale After (h)", "stale", "remittances")
