from odoo import fields, models


class AcornVcReportRealtimeInventory(models.Model):
    """GET_VENDOR_REAL_TIME_INVENTORY_REPORT rows: highly available inventory per ASIN and hour
    (0 for an hour is the hourly out-of-stock proxy of analytics.md §2)."""

    _name = "acorn.vc.report.realtime.inventory"
    _inherit = "acorn.vc.report.hourly"
    _description = "Amazon Real-time Inventory Report"

    _acorn_report_type = "GET_VENDOR_REAL_TIME_INVENTORY_REPORT"
    _acorn_fields = {
        "highlyAvailableInventory": "highly_available_inventory",
    }

    highly_available_inventory = fields.Integer(readonly=True)
