import base64

from odoo import fields, models


class AcornVcRemittanceImportWizard(models.TransientModel):
    """Upload a Vendor Central Payments export (XLSX or CSV). SP-API has no remittance
    read, so this file (or the same file e-mailed to the remittance alias) is the source."""

    _name = "acorn.vc.remittance.import.wizard"
    _description = "Import Amazon Remittances"

    account_id = fields.Many2one(
        "acorn.vc.account",
        "Vendor Central Account",
        required=True,
        default=lambda self: self.env["acorn.vc.account"].search([], limit=1),
    )
    file = fields.Binary(required=True, help="Vendor Central > Payments > Export to a Spreadsheet.")
    file_name = fields.Char()

    def action_import(self):
        self.ensure_one()
        result = self.env["acorn.vc.remittance"]._acorn_import(
            self.account_id, self.file_name or "Payments", base64.b64decode(self.file)
        )
        counts, remittances = result["counts"], result["records"]
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "acorn_vendor.acorn_vc_remittance_action"
        )
        action["domain"] = [("id", "in", remittances.ids)]
        action["name"] = self.env._(
            "%(payments)s payments, %(lines)s lines: %(matched)s matched, %(to_review)s to "
            "review, %(duplicates)s already imported",
            **counts,
        )
        return action
