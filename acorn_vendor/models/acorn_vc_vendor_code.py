from odoo import fields, models


class AcornVcVendorCode(models.Model):
    """A vendor code (Amazon's selling party id) of an account; POs arrive per vendor code."""

    _name = "acorn.vc.vendor.code"
    _description = "Vendor Central Vendor Code"
    _order = "account_id, code"

    account_id = fields.Many2one("acorn.vc.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    code = fields.Char(required=True, help="Amazon's vendor code, e.g. ABCDE (selling party id).")
    name = fields.Char("Description")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "code_account_uniq",
            "unique(account_id, code)",
            "This vendor code is already on the account.",
        ),
    ]

    def _compute_display_name(self):
        for rec in self:
            rec.display_name = f"{rec.code} - {rec.name}" if rec.name else rec.code
