from odoo import api, fields, models


class AcornVcInvoiceOverrideWizard(models.TransientModel):
    """A Finance manager sends an invoice the check refuses, saying why (kept in the chatter)."""

    _name = "acorn.vc.invoice.override.wizard"
    _description = "Override the Amazon Invoice Check"

    move_ids = fields.Many2many("account.move", string="Invoices", readonly=True)
    check_ids = fields.Many2many(
        "acorn.vc.invoice.check", string="Problems", compute="_compute_check_ids"
    )
    reason = fields.Text(required=True)
    send = fields.Boolean("Send to Amazon now", default=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "account.move":
            values["move_ids"] = [fields.Command.set(self.env.context.get("active_ids") or [])]
        return values

    @api.depends("move_ids")
    def _compute_check_ids(self):
        for wizard in self:
            wizard.check_ids = wizard.move_ids.acorn_check_ids.filtered(
                lambda c: c.severity == "error" and not c.overridden
            )

    def action_confirm(self):
        self.ensure_one()
        self.move_ids.acorn_override_check(self.reason)
        if self.send:
            return self.move_ids.action_acorn_send_invoice()
        return {"type": "ir.actions.act_window_close"}
