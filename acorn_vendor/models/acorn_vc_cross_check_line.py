"""One difference a monthly cross-check found, with a link to the record behind it."""

from odoo import fields, models

# Checks the core returns (core/reports/cross_check.py), with the words the screens use.
CHECKS = [
    ("purchase_orders", "PO numbers"),
    ("accepted_units", "Accepted units per ASIN"),
    ("received_units", "Units received per ASN"),
    ("receipts_vs_report", "Synced receipts vs received (inventory report)"),
    ("invoiced_vs_paid", "Invoiced vs paid"),
]
# The records a difference links to, in the order "Open" prefers them.
LINK_FIELDS = ("picking_id", "invoice_id", "purchase_order_id", "product_id")


class AcornVcCrossCheckLine(models.Model):
    _name = "acorn.vc.cross.check.line"
    _description = "Vendor Central Cross-check Difference"
    _order = "month desc, account_id, check_type, key"

    run_id = fields.Many2one(
        "acorn.vc.cross.check", "Cross-check", required=True, ondelete="cascade", index=True
    )
    account_id = fields.Many2one(related="run_id.account_id", store=True, index=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True)
    month = fields.Date("Month Start", related="run_id.month", store=True)
    month_label = fields.Char(related="run_id.month_label")
    check_type = fields.Selection(CHECKS, "Check", required=True)
    key = fields.Char(
        "PO, ASIN, ASN or Invoice", required=True, help="What the difference is about."
    )
    acorn_value = fields.Float("Odoo", help="Odoo's figure: units, POs or amount.")
    amazon_value = fields.Float("Amazon", help="Amazon's figure: units, POs or amount.")
    difference = fields.Float(help="Odoo minus Amazon.")
    message = fields.Char("What")
    purchase_order_id = fields.Many2one("acorn.vc.purchase.order", "Amazon PO", ondelete="set null")
    picking_id = fields.Many2one("stock.picking", "Delivery (ASN)", ondelete="set null")
    invoice_id = fields.Many2one("account.move", ondelete="set null")
    product_id = fields.Many2one("product.product", ondelete="set null")
    has_link = fields.Boolean(compute="_compute_has_link")

    def _compute_has_link(self):
        for line in self:
            line.has_link = any(line[name] for name in LINK_FIELDS)

    def action_open_record(self):
        """The record behind the difference: the delivery, invoice, PO or product."""
        self.ensure_one()
        record = next((self[name] for name in LINK_FIELDS if self[name]), None)
        return record.get_formview_action() if record is not None else False
