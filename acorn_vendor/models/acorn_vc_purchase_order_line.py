from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

AMAZON_DIGITS = (16, 4)
MATCH_FIELDS = {"asin": "amz_asin", "sku": "default_code", "ean": "barcode"}


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
    # Amazon's decimals as sent (4 places), and no precision lookup per value on import.
    net_cost = fields.Float(digits=AMAZON_DIGITS, help="Amazon's net cost per each.")
    list_price = fields.Float(digits=AMAZON_DIGITS)
    accepted_qty = fields.Integer("Accepted", help="Eaches accepted.")
    backordered_qty = fields.Integer("Backordered", help="Eaches backordered.")
    rejected_qty = fields.Integer("Rejected", help="Eaches rejected.")
    rejection_reason = fields.Selection(
        [
            ("TemporarilyUnavailable", "Temporarily unavailable"),
            ("InvalidProductIdentifier", "Invalid product identifier"),
            ("ObsoleteProduct", "Obsolete product"),
        ]
    )
    scheduled_ship_date = fields.Datetime()
    scheduled_delivery_date = fields.Datetime()
    ack_note = fields.Char("Why", help="What the acknowledgement rules found.")
    received_qty = fields.Integer("Received by Amazon")
    received_date = fields.Datetime(
        "Last Received by Amazon",
        help="Amazon's lastReceiveDate for the line (getPurchaseOrdersStatus). The monthly "
        "cross-check counts the line's receipts in that month.",
    )

    @staticmethod
    def _acorn_identifiers(values):
        """A line's value for each matching key (Amazon's SKU field often holds an EAN).

        ``values`` is a line record or a dict of line values (the bulk import matches
        before anything is written).
        """
        return {
            "asin": [values["asin"]],
            "sku": [values["vendor_sku"]],
            "ean": [values["ean"], values["vendor_sku"]],
        }

    @api.model
    def _acorn_product_finder(self, values_list):
        """Index the products any of ``values_list`` could mean (three queries), and return
        ``find(values, company, match_order) -> product`` for each line."""
        Product = self.env["product.product"].with_context(active_test=False)
        index, product_company = {}, {}
        for key, field_name in MATCH_FIELDS.items():
            wanted = {
                v for values in values_list for v in self._acorn_identifiers(values)[key] if v
            }
            index[key] = {}
            if wanted:
                for product in Product.search([(field_name, "in", list(wanted))]):
                    index[key].setdefault(product[field_name], product)
                    product_company[product.id] = product.company_id.id
        keys_by_order = {}  # "asin,sku,ean" -> the indexes in that order, split once

        def find(values, company, match_order):
            keys = keys_by_order.get(match_order)
            if keys is None:
                keys = keys_by_order[match_order] = [
                    (key, index[key]) for key in match_order.split(",")
                ]
            allowed = (company.id, False)
            identifiers = self._acorn_identifiers(values)
            for key, products in keys:
                for value in identifiers[key]:
                    product = products.get(value) if value else None
                    if product and product_company[product.id] in allowed:
                        return product
            return None

        return find

    def _acorn_match_products(self):
        """Find each unmatched line's product by the account's identifier order."""
        lines = self.filtered(lambda line: not line.product_id)
        if not lines:
            return
        find = self._acorn_product_finder(lines)
        matched = {}
        for line in lines:
            account = line.order_id.account_id
            product = find(line, line.order_id.company_id, account.product_match_order)
            if product:
                matched.setdefault(product, []).append(line.id)
        for product, line_ids in matched.items():
            self.browse(line_ids).with_context(acorn_no_remember=True).write(
                {"product_id": product.id}
            )

    def write(self, vals):
        result = super().write(vals)
        if vals.get("product_id") and not self.env.context.get("acorn_no_remember"):
            self._acorn_remember_mapping()
        return result

    def _acorn_remember_mapping(self):
        """A person mapped a line: teach the product Amazon's identifiers, then retry every
        waiting line and create the sale orders that were blocked on it."""
        for line in self:
            product = line.product_id
            if line.asin and not product.amz_asin:
                # Mapping a line is the user's right; teaching the product is its consequence.
                product.sudo().amz_asin = line.asin
            elif line.asin and product.amz_asin != line.asin:
                raise UserError(
                    self.env._(
                        "Product %(product)s already has ASIN %(asin)s; line %(line)s of PO "
                        "%(po)s is ASIN %(other)s. Pick the product that carries that ASIN.",
                        product=product.display_name,
                        asin=product.amz_asin,
                        line=line.sequence_number,
                        po=line.order_id.name,
                        other=line.asin,
                    )
                )
        waiting = self.search(
            [("product_id", "=", False), ("asin", "in", self.mapped("asin"))]
        ).with_context(acorn_no_remember=True)
        waiting._acorn_match_products()
        (self.order_id | waiting.order_id)._acorn_create_sale_orders()

    @api.constrains("accepted_qty", "backordered_qty", "rejected_qty", "ordered_units")
    def _check_ack_quantities(self):
        for line in self:
            answered = line.accepted_qty + line.backordered_qty + line.rejected_qty
            if min(line.accepted_qty, line.backordered_qty, line.rejected_qty) < 0:
                raise ValidationError(
                    self.env._(
                        "PO %(po)s line %(line)s: quantities cannot be negative.",
                        po=line.order_id.name,
                        line=line.sequence_number,
                    )
                )
            if answered > line.ordered_units:
                raise ValidationError(
                    self.env._(
                        "PO %(po)s line %(line)s: %(answered)s eaches acknowledged but Amazon "
                        "ordered %(ordered)s.",
                        po=line.order_id.name,
                        line=line.sequence_number,
                        answered=answered,
                        ordered=line.ordered_units,
                    )
                )

    @api.depends("sequence_number")
    def _compute_sequence_sort(self):
        for line in self:
            number = line.sequence_number or ""
            line.sequence_sort = int(number) if number.isdigit() else 0
