from odoo import fields, models


class AcornVcReportSales(models.Model):
    """GET_VENDOR_SALES_REPORT rows; amounts are Amazon's, already adjusted for returns."""

    _name = "acorn.vc.report.sales"
    _inherit = "acorn.vc.report.line"
    _description = "Amazon Sales Report"

    _acorn_report_type = "GET_VENDOR_SALES_REPORT"
    _acorn_fields = {
        "customerReturns": "customer_returns",
        "orderedRevenue": "ordered_revenue",
        "orderedUnits": "ordered_units",
        "shippedCogs": "shipped_cogs",
        "shippedRevenue": "shipped_revenue",
        "shippedUnits": "shipped_units",
        "currency": "currency_code",
    }

    customer_returns = fields.Integer(readonly=True)
    ordered_revenue = fields.Float(readonly=True)
    ordered_units = fields.Integer(readonly=True)
    shipped_cogs = fields.Float("Shipped COGS", readonly=True)
    shipped_revenue = fields.Float(readonly=True)
    shipped_units = fields.Integer(readonly=True)
    currency_code = fields.Char(readonly=True)
