from odoo import fields, models

from . import acorn_vc_report_line  # noqa: F401 - the parent model is defined first


class AcornVcReportCoupon(models.Model):
    """GET_COUPON_PERFORMANCE_REPORT rows: one per coupon and ASIN (its campaign and coupon
    figures beside it; redemptions are gross); the aggregate rows hold one per coupon. The
    period is the coupon's start and end day; a re-import replaces the campaigns it holds."""

    _name = "acorn.vc.report.coupon"
    _inherit = "acorn.vc.report.line"
    _description = "Amazon Coupon Performance Report"

    _acorn_report_type = "GET_COUPON_PERFORMANCE_REPORT"
    _acorn_replace_ids = "campaign_id"
    _acorn_fields = {
        "campaignId": "campaign_id",
        "campaignName": "campaign_name",
        "vendorCode": "vendor_code",
        "budgetType": "budget_type",
        "totalClips": "total_clips",
        "totalRedemptions": "total_redemptions",
        "totalBudget": "total_budget",
        "totalBudgetSpent": "total_budget_spent",
        "currencyCode": "currency_code",
        "couponId": "coupon_id",
        "name": "coupon_name",
        "clips": "clips",
        "redemptions": "redemptions",
        "budget": "budget",
        "totalDiscount": "total_discount",
        "budgetSpent": "budget_spent",
        "discountType": "discount_type",
        "discountAmount": "discount_amount",
    }

    campaign_id = fields.Char("Campaign ID", readonly=True, index=True)
    campaign_name = fields.Char(readonly=True)
    vendor_code = fields.Char(readonly=True)
    budget_type = fields.Char(readonly=True)
    total_clips = fields.Integer(readonly=True)
    total_redemptions = fields.Integer(readonly=True)
    total_budget = fields.Float(readonly=True)
    total_budget_spent = fields.Float(readonly=True)
    currency_code = fields.Char(readonly=True)
    coupon_id = fields.Char("Coupon ID", readonly=True, index=True)
    coupon_name = fields.Char(readonly=True)
    clips = fields.Integer(readonly=True)
    redemptions = fields.Integer(readonly=True)
    budget = fields.Float(readonly=True)
    total_discount = fields.Float(readonly=True)
    budget_spent = fields.Float(readonly=True)
    discount_type = fields.Char(readonly=True)
    discount_amount = fields.Float(readonly=True)
