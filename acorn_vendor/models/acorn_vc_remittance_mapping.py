"""The answers users gave in To Review: this Amazon line number pays that invoice."""

from odoo import api, fields, models


class AcornVcRemittanceMapping(models.Model):
    """Per account, an Amazon invoice number Acorn could not match and the invoice a user
    picked for it; applied first on every later match."""

    _name = "acorn.vc.remittance.mapping"
    _description = "Remembered Remittance Match"
    _check_company_auto = True

    account_id = fields.Many2one(
        "acorn.vc.account", "Vendor Central Account", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    invoice_number = fields.Char("Amazon's Number", required=True)
    move_id = fields.Many2one(
        "account.move", "Invoice", required=True, ondelete="cascade", check_company=True
    )

    _sql_constraints = [
        (
            "number_account_uniq",
            "unique(account_id, invoice_number)",
            "This number is already mapped on this account.",
        ),
    ]

    @api.model
    def _acorn_remember(self, account, invoice_number, move):
        mapping = self.search(
            [("account_id", "=", account.id), ("invoice_number", "=", invoice_number)]
        )
        if mapping:
            mapping.move_id = move
        else:
            mapping = self.create(
                {"account_id": account.id, "invoice_number": invoice_number, "move_id": move.id}
            )
        return mapping
