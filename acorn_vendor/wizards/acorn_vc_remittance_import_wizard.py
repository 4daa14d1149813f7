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
    result = fields.Text(readonly=True)

    def action_import(self):
        self.ensure_one()
        counts = self.env["acorn.vc.remittance"].import_file(
            self.account_id.id, self.file_name or "Payments", self.file
        )
        remittances = self.env["acorn.vc.remittance"].search(
            [("account_id", "=", self.account_id.id), ("attachment_id.name", "=", self.file_name)]
        )
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
