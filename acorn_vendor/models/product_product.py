from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductProduct(models.Model):
    _inherit = "product.product"

    amz_asin = fields.Char(
        "ASIN",
        index="btree_not_null",
        copy=False,
        help="Amazon Standard Identification Number; first key when matching Amazon PO lines.",
    )

    @api.constrains("amz_asin", "company_id")
    def _check_amz_asin_unique(self):
        """One product per ASIN among the products a company can see (its own and shared ones).

        A SQL unique index cannot say this: shared products have no company and NULLs differ.
        """
        for product in self.filtered("amz_asin"):
            domain = [("amz_asin", "=", product.amz_asin), ("id", "!=", product.id)]
            if product.company_id:
                domain.append(("company_id", "in", [False, product.company_id.id]))
            other = self.with_context(active_test=False).sudo().search(domain, limit=1)
            if other:
                raise ValidationError(
                    self.env._(
                        "ASIN %(asin)s is already used by product %(other)s.",
                        asin=product.amz_asin,
                        other=other.display_name,
                    )
                )
