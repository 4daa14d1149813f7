from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    acorn_po_line_id = fields.Many2one(
        "acorn.vc.purchase.order.line", "Amazon PO Line", index="btree_not_null", copy=False
    )
