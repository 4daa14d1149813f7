from odoo import api, fields, models


class AcornVcPurchaseOrderLine(models.Model):
    """One item of an Amazon PO, with what Amazon asked and what the vendor answered."""

    _name = "acorn.vc.purchase.order.line"
    _description = "Amazon Purchase Order Line"
    _order = "order_id, sequence_sort, id"

    order_id = fields.Many2one(
        "acorn.vc.purchase.order", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    sequence_number = fields.Char("Item #", required=True, help="Amazon's itemSequenceNumber.")
    sequence_sort = fields.Integer(compute="_compute_sequence_sort", store=True)
    asin = fields.Char("ASIN", index=True)
    vendor_sku = fields.Char("Vendor SKU")
    ean = fields.Char("EAN/UPC")
    product_id = fields.Many2one("product.product", index=True)
    ordered_qty = fields.Integer("Ordered", help="In the ordered unit (eaches or cases).")
    ordered_unit = fields.Selection([("eaches", "Eaches"), ("cases", "Cases")], default="eaches")
    unit_size = fields.Integer("Case Size", default=1)
    ordered_units = fields.Integer("Ordered Eaches")
    backorder_allowed = fields.Boolean()
    net_cost = fields.Float(digits="Product Price", help="Amazon's net cost per each.")
    list_price = fields.Float(digits="Product Price")
    accepted_qty = fields.Integer("Accepted")
    backordered_qty = fields.Integer("Backordered")
    rejected_qty = fields.Integer("Rejected")
    received_qty = fields.Integer("Received by Amazon")

    @api.depends("sequence_number")
    def _compute_sequence_sort(self):
        for line in self:
            number = line.sequence_number or ""
            line.sequence_sort = int(number) if number.isdigit() else 0
