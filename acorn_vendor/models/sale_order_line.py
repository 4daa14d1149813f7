from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    acorn_po_line_id = fields.Many2one(
        "acorn.vc.purchase.order.line", "Amazon PO Line", index="btree_not_null", copy=False
    )

    def _compute_qty_to_invoice(self):
        """Amazon pays for what it received: its invoice check refuses any quantity over
        what shipped (INVOICED_QUANTITY_EXCEEDS_SHIPPED). So an Amazon line invoices its
        delivered quantity whatever the product's own policy, which other customers keep."""
        result = super()._compute_qty_to_invoice()
        for line in self:
            if (
                line.acorn_po_line_id
                and line.state == "sale"
                and not line.display_type
                and line.product_id.type != "combo"
            ):
                line.qty_to_invoice = line.qty_delivered - line.qty_invoiced
        return result

    def _prepare_procurement_values(self, group_id=False):
        """The delivery of an Amazon PO is planned in Amazon's ship window: scheduled at its
        start, due by its end (not the order's creation time)."""
        values = super()._prepare_procurement_values(group_id)
        purchase_order = self.acorn_po_line_id.order_id
        if purchase_order.ship_window_end:
            values["date_deadline"] = purchase_order.ship_window_end
            values["date_planned"] = (
                purchase_order.ship_window_start or purchase_order.ship_window_end
            )
        return values
