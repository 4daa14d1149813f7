from odoo import fields, models


class AcornVcReportPromotion(models.Model):
    """GET_PROMOTION_PERFORMANCE_REPORT rows: one per promoted product (its promotion's figures
    beside it); Amazon's per-promotion totals are the aggregate rows (no ASIN). The period is
    the promotion's start and end day; a re-import replaces the promotions it holds."""

    _name = "acorn.vc.report.promotion"
    _inherit = "acorn.vc.report.line"
    _description = "Amazon Promotion Performance Report"

    _acorn_report_type = "GET_PROMOTION_PERFORMANCE_REPORT"
    _acorn_replace_ids = "promotion_id"
    _acorn_fields = {
        "promotionId": "promotion_id",
        "promotionName": "promotion_name",
        "vendorCode": "vendor_code",
        "type": "promotion_type",
        "status": "status",
        "fundingAgreementId": "funding_agreement_id",
        "unitsSold": "units_sold",
        "amountSpent": "amount_spent",
        "revenue": "revenue",
        "glanceViews": "glance_views",
        "amountSpentCurrencyCode": "currency_code",
        "productName": "product_name",
        "productGlanceViews": "product_glance_views",
        "productUnitsSold": "product_units_sold",
        "productAmountSpent": "product_amount_spent",
        "productRevenue": "product_revenue",
    }

    promotion_id = fields.Char("Promotion ID", readonly=True, index=True)
    promotion_name = fields.Char(readonly=True)
    vendor_code = fields.Char(readonly=True)
    promotion_type = fields.Char("Type", readonly=True)
    status = fields.Char(readonly=True)
    funding_agreement_id = fields.Char("Funding agreement", readonly=True, index=True)
    units_sold = fields.Integer(readonly=True)
    amount_spent = fields.Float(readonly=True)
    revenue = fields.Float(readonly=True)
    glance_views = fields.Integer(readonly=True)
    currency_code = fields.Char(readonly=True)
    product_name = fields.Char(readonly=True)
    product_glance_views = fields.Integer(readonly=True)
    product_units_sold = fields.Integer(readonly=True)
    product_amount_spent = fields.Float(readonly=True)
    product_revenue = fields.Float(readonly=True)
