from odoo import api, fields, models

from .acorn_vc_account import REPLENISHMENT_LEVELS


class ProductTemplate(models.Model):
    """The ASIN lives on variants; single-variant templates edit it here, as with barcodes."""

    _inherit = "product.template"

    amz_asin = fields.Char(
        "ASIN", compute="_compute_amz_asin", inverse="_inverse_amz_asin", search="_search_amz_asin"
    )

    acorn_service_level = fields.Selection(
        REPLENISHMENT_LEVELS,
        "Replenishment service level",
        help="Overrides the Vendor Central account's level for this product's suggestions.",
    )
    acorn_brand = fields.Char(
        "Brand", index="btree_not_null", help="Groups the KPIs, both sides, by brand."
    )

    @api.depends("product_variant_ids.amz_asin")
    def _compute_amz_asin(self):
        for template in self:
            variants = template.product_variant_ids
            template.amz_asin = variants.amz_asin if len(variants) == 1 else False

    def _inverse_amz_asin(self):
        for template in self:
            if len(template.product_variant_ids) == 1:
                template.product_variant_ids.amz_asin = template.amz_asin

    def _search_amz_asin(self, operator, value):
        return [("product_variant_ids.amz_asin", operator, value)]

    @api.model_create_multi
    def create(self, vals_list):
        templates = super().create(vals_list)
        for template, vals in zip(templates, vals_list, strict=True):
            if vals.get("amz_asin") and len(template.product_variant_ids) == 1:
                template.product_variant_ids.amz_asin = vals["amz_asin"]
        return templates

    def action_acorn_open_amazon_demand(self):
        """Amazon Demand of this product: forecast bands, Amazon's POs, our projected stock."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "acorn_vendor.acorn_vc_amazon_demand_action"
        )
        action["domain"] = [("product_id", "in", self.product_variant_ids.ids)]
        action["context"] = {"search_default_group_week": 0}
        return action
