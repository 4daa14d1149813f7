from odoo import fields, models


class AcornVcInvoiceCheck(models.Model):
    """One finding of the Amazon invoice check, shown as a checklist on the invoice.

    Rebuilt at every check; ``key`` (code|where) ties a Finance manager's override to the
    same mistake in the same place across re-checks.
    """

    _name = "acorn.vc.invoice.check"
    _description = "Amazon Invoice Check Problem"
    _order = "move_id, sequence, id"

    move_id = fields.Many2one("account.move", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="move_id.company_id", store=True)
    sequence = fields.Integer()
    code = fields.Char(required=True)
    severity = fields.Selection(
        [("error", "Blocks sending"), ("warning", "Warning")], required=True, default="error"
    )
    where = fields.Char()
    message = fields.Text(required=True)
    fix = fields.Text("How to Fix")
    key = fields.Char(index=True)
    overridden = fields.Boolean(help="A Finance manager let this through (see the chatter).")
