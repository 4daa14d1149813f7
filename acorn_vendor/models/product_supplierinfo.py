from odoo import fields, models


class ProductSupplierinfo(models.Model):
    """The supplier's order multiple: Odoo 18 Community's vendor line has a minimum but no
    multiple, and suppliers ship whole cartons."""

    _inherit = "product.supplierinfo"

    acorn_order_multiple = fields.Float(
        "Order Multiple",
        digits="Product Unit of Measure",
        help="Replenishment rounds suggested quantities up to a multiple of this (0: none).",
    )
