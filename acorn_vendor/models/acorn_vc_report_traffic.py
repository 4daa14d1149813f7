from odoo import fields, models


class AcornVcReportTraffic(models.Model):
    """GET_VENDOR_TRAFFIC_REPORT rows: glance views, the report's only metric."""

    _name = "acorn.vc.report.traffic"
    _inherit = "acorn.vc.report.line"
    _description = "Amazon Traffic Report"

    _acorn_report_type = "GET_VENDOR_TRAFFIC_REPORT"
    _acorn_fields = {"glanceViews": "glance_views"}

    glance_views = fields.Integer(readonly=True)
