from odoo import api, fields, models


class AcornVcPayload(models.Model):
    """Every document Amazon sent, as sent: the audit trail behind each Acorn record.

    A payload that could not be imported is kept here with its error, so nothing is lost.
    """

    _name = "acorn.vc.payload"
    _description = "Vendor Central Payload"
    _order = "id desc"

    account_id = fields.Many2one(
        "acorn.vc.account",
        compute="_compute_account_id",
        store=True,
        readonly=False,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    purchase_order_id = fields.Many2one("acorn.vc.purchase.order", index=True, ondelete="cascade")
    reference = fields.Char(help="Amazon's document number, also when it could not be imported.")
    content = fields.Json(required=True)
    payload_hash = fields.Char(index=True)
    error = fields.Text()

    @api.depends("purchase_order_id")
    def _compute_account_id(self):
        for payload in self:
            payload.account_id = payload.purchase_order_id.account_id or payload.account_id
