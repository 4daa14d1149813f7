from odoo import api, fields, models
from odoo.exceptions import UserError


class AcornVcAcknowledgeWizard(models.TransientModel):
    """Acknowledge many POs at once: the morning routine of a Vendor Central desk."""

    _name = "acorn.vc.acknowledge.wizard"
    _description = "Acknowledge Amazon Purchase Orders"

    purchase_order_ids = fields.Many2many("acorn.vc.purchase.order", string="Purchase Orders")
    mode = fields.Selection(
        [("rules", "Apply the account's rules"), ("accept_all", "Accept every line in full")],
        default="rules",
        required=True,
    )
    send = fields.Boolean("Send to Amazon", default=True)
    skipped_count = fields.Integer(compute="_compute_skipped_count")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "acorn.vc.purchase.order":
            values["purchase_order_ids"] = [
                fields.Command.set(self.env.context.get("active_ids", []))
            ]
        return values

    @api.depends("purchase_order_ids")
    def _compute_skipped_count(self):
        for wizard in self:
            wizard.skipped_count = len(wizard.purchase_order_ids - wizard._actionable())

    def _actionable(self):
        return self.purchase_order_ids.filtered(
            lambda po: po.amz_state == "new" and po.ack_status in ("to_do", "failed")
        )

    def action_confirm(self):
        self.ensure_one()
        orders = self._actionable()
        if not orders:
            raise UserError(self.env._("None of the selected POs waits for an acknowledgement."))
        if self.mode == "rules":
            orders.action_apply_ack_rules()
        else:
            orders.action_accept_all()
        if self.send:
            orders._acorn_send_acknowledgement()
        return {
            "type": "ir.actions.act_window",
            "res_model": "acorn.vc.purchase.order",
            "view_mode": "list,form",
            "domain": [("id", "in", orders.ids)],
            "name": self.env._("Acknowledged POs"),
        }
