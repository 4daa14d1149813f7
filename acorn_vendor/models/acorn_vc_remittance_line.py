"""One line of an Amazon payment: an invoice or credit note it settles, or a deduction."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from .acorn_vc_remittance import KIND_SELECTION


class AcornVcRemittanceLine(models.Model):
    """What Amazon's line says, what Acorn decided (matched, deduction, to review) and why."""

    _name = "acorn.vc.remittance.line"
    _description = "Amazon Remittance Line"
    _order = "remittance_id, sequence, id"
    _check_company_auto = True

    remittance_id = fields.Many2one(
        "acorn.vc.remittance", required=True, ondelete="cascade", index=True, readonly=True
    )
    account_id = fields.Many2one(related="remittance_id.account_id", store=True, index=True)
    company_id = fields.Many2one(related="remittance_id.company_id", store=True)
    currency_id = fields.Many2one(related="remittance_id.currency_id", store=True)
    payment_date = fields.Date(related="remittance_id.payment_date", store=True)
    sequence = fields.Integer(readonly=True)
    invoice_number = fields.Char(required=True, readonly=True, index=True)
    invoice_date = fields.Date(readonly=True)
    description = fields.Char(readonly=True)
    invoice_amount = fields.Monetary(readonly=True)
    discount = fields.Monetary(readonly=True, help="As the file shows it.")
    discount_taken = fields.Monetary(
        readonly=True, help="The terms discount, signed so that paid + discount settles the line."
    )
    amount_paid = fields.Monetary(readonly=True)
    remaining = fields.Monetary(readonly=True)
    settled = fields.Monetary(readonly=True, help="Paid plus the discount taken.")
    kind = fields.Selection(KIND_SELECTION, required=True, readonly=True, index=True)
    base_invoice_number = fields.Char(readonly=True, help="The vendor invoice a claim refers to.")
    reversal_key = fields.Char(readonly=True, help="Shared by a deduction and its reversal.")
    status = fields.Selection(
        [("matched", "Matched"), ("deduction", "Deduction"), ("to_review", "To Review")],
        readonly=True,
        index=True,
    )
    invoice_id = fields.Many2one(
        "account.move", "Invoice / Credit Note", readonly=True, check_company=True
    )
    partial = fields.Boolean(readonly=True, help="The invoice stays open after this line.")
    review_code = fields.Char(readonly=True)
    review_reason = fields.Char(readonly=True)
    review_fix = fields.Char("Fix", readonly=True)
    manual_invoice_id = fields.Many2one(
        "account.move",
        "Match With",
        check_company=True,
        domain="[('state', '=', 'posted'), ('move_type', 'in', ('out_invoice', 'out_refund')), "
        "('amount_residual', '>', 0)]",
        help="Pick the invoice this line pays; Acorn remembers it for the account's next imports.",
    )
    move_line_id = fields.Many2one("account.move.line", "Journal Item", readonly=True)
    deduction_ids = fields.One2many("acorn.vc.deduction", "line_id", readonly=True)
    import_key = fields.Char(readonly=True, copy=False)

    _sql_constraints = [
        ("import_key_uniq", "unique(import_key)", "This remittance line is already imported."),
    ]

    @api.model
    def _acorn_values(self, remittance, line, key, sequence):
        """Create values of a core PaymentLine on ``remittance``."""
        return {
            "remittance_id": remittance.id,
            "sequence": sequence,
            "invoice_number": line.invoice_number,
            "invoice_date": line.invoice_date,
            "description": line.description or False,
            "invoice_amount": float(line.invoice_amount or 0),
            "discount": float(line.discount or 0),
            "discount_taken": float(line.discount_taken or 0),
            "amount_paid": float(line.amount_paid),
            "remaining": float(line.remaining or 0),
            "settled": float(line.settled),
            "kind": line.kind,
            "base_invoice_number": line.base_invoice_number or False,
            "reversal_key": line.reversal_key or False,
            "import_key": key,
        }

    def action_apply_mapping(self):
        """Remember the invoice picked by hand, then match the account's open remittances
        again (the same number on later payments matches by itself from now on)."""
        for line in self:
            if not line.manual_invoice_id:
                raise UserError(
                    self.env._("Pick the invoice line %s pays first.", line.invoice_number)
                )
            self.env["acorn.vc.remittance.mapping"]._acorn_remember(
                line.account_id, line.invoice_number, line.manual_invoice_id
            )
        remittances = self.env["acorn.vc.remittance"].search(
            [("account_id", "in", self.account_id.ids), ("state", "!=", "booked")]
        )
        remittances._acorn_match()
        return True

    def action_open_source(self):
        """Drill down from a line: to the invoice it settles, else to its deduction."""
        self.ensure_one()
        target = self.invoice_id or self.deduction_ids[:1]
        return target._get_records_action() if target else False
