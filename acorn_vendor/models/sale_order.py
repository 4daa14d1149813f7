from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    acorn_purchase_order_id = fields.Many2one(
        "acorn.vc.purchase.order", "Amazon PO", index="btree_not_null", copy=False, readonly=True
    )

    def action_acorn_view_purchase_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "acorn.vc.purchase.order",
            "res_id": self.acorn_purchase_order_id.id,
            "view_mode": "form",
        }
