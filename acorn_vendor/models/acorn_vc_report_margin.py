from odoo import fields, models


class AcornVcReportMargin(models.Model):
    """GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT rows: net PPM as a fraction (0-1)."""

    _name = "acorn.vc.report.margin"
    _inherit = "acorn.vc.report.line"
    _description = "Amazon Net Pure Product Margin Report"

    _acorn_report_type = "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT"
    _acorn_fields = {"netPureProductMargin": "net_pure_product_margin"}

    net_pure_product_margin = fields.Float("Net PPM", readonly=True, aggregator="avg")
