from odoo import fields, models


class AcornVcReportRealtimeSales(models.Model):
    """GET_VENDOR_REAL_TIME_SALES_REPORT rows: ordered units per ASIN and hour (negative after
    cancellations) and ordered revenue, a plain number in the report's currency."""

    _name = "acorn.vc.report.realtime.sales"
    _inherit = "acorn.vc.report.hourly"
    _description = "Amazon Real-time Sales Report"

    _acorn_report_type = "GET_VENDOR_REAL_TIME_SALES_REPORT"
    _acorn_fields = {
        "orderedUnits": "ordered_units",
        "orderedRevenue": "ordered_revenue",
        "currency": "currency_code",
    }

    ordered_units = fields.Integer(readonly=True)
    ordered_revenue = fields.Float(readonly=True)
    currency_code = fields.Char(readonly=True)
