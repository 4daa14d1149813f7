"""One row of a dispute form: the units of one ASIN a deduction took off one invoice."""

from odoo import fields, models

BASES = [
    ("received", "Amazon's short receipt"),
    ("claim_amount", "Whole units of the amount"),
    ("estimated", "Estimated: check"),
    ("amazon", "Amazon's shortage page"),
    ("amount", "Amount only"),
]


class AcornVcDisputeLine(models.Model):
    """Prefilled from Amazon's received quantities or the amount claimed; editable while the
    dispute is a draft."""

    _name = "acorn.vc.dispute.line"
    _description = "Amazon Dispute Line"
    _order = "dispute_id, id"
    _check_company_auto = True

    dispute_id = fields.Many2one(
        "acorn.vc.dispute", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="dispute_id.company_id", store=True)
    currency_id = fields.Many2one(related="dispute_id.currency_id")
    deduction_id = fields.Many2one(
        "acorn.vc.deduction", required=True, ondelete="cascade", readonly=True
    )
    invoice_number = fields.Char(related="deduction_id.base_invoice_number")
    product_id = fields.Many2one("product.product", check_company=True)
    asin = fields.Char("ASIN")
    quantity = fields.Integer("Dispute Quantity")
    amount = fields.Monetary()
    basis = fields.Selection(BASES, readonly=True, help="How the quantity was found.")
    shipped_product_id = fields.Char(
        "Shipped Product ID", help="The id the ASN shipped it under (ASIN, EAN or vendor SKU)."
    )
    shipped_date = fields.Date()
    explanation = fields.Text(help="Empty: the dispute's explanation and the shipment's facts.")

    def _acorn_explanation(self):
        """The form's explanation: the user's words, else what the records say."""
        self.ensure_one()
        if self.explanation:
            return self.explanation
        deduction = self.deduction_id
        parts = [self.dispute_id.explanation or ""]
        pickings = deduction.picking_ids.filtered(lambda p: p.state == "done")
        shipped = sum(
            pickings.move_ids.filtered(lambda m, p=self.product_id: m.product_id == p).mapped(
                "quantity"
            )
        )
        if shipped:
            cartons = pickings.move_line_ids.filtered(
                lambda ln, p=self.product_id: ln.product_id == p and ln.result_package_id
            ).result_package_id
            parts.append(
                f"{int(shipped)} units of {self.asin} shipped on "
                f"{', '.join(pickings.mapped('name'))}"
                + (f" in {len(cartons)} carton(s) labelled by SSCC" if cartons else "")
                + "."
            )
            accepted = pickings.filtered(lambda p: p.acorn_asn_state == "accepted")
            if accepted:
                parts.append("Amazon accepted the ASN of these units.")
        invoiced = deduction.invoice_id.invoice_line_ids.filtered(
            lambda ln, p=self.product_id: ln.product_id == p
        )
        if invoiced:
            billed = int(sum(invoiced.mapped("quantity")))
            parts.append(
                f"Invoice {deduction.base_invoice_number} bills {billed} units; "
                f"{self.quantity} were claimed short."
            )
        return " ".join(part for part in parts if part) or (
            f"{self.quantity} units of {self.asin} were shipped and invoiced in full."
        )
