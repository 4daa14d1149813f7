from odoo import fields, models


class AcornVcReportRealtimeTraffic(models.Model):
    """GET_VENDOR_REAL_TIME_TRAFFIC_REPORT rows: glance views per ASIN and hour."""

    _name = "acorn.vc.report.realtime.traffic"
    _inherit = "acorn.vc.report.hourly"
    _description = "Amazon Real-time Traffic Report"

    _acorn_report_type = "GET_VENDOR_REAL_TIME_TRAFFIC_REPORT"
    _acorn_fields = {
        "glanceViews": "glance_views",
    }

    glance_views = fields.Integer(readonly=True)
