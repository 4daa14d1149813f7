import base64

from odoo import fields, models


class AcornVcChargebackImportWizard(models.TransientModel):
    """Upload Amazon's chargeback list (Operational Performance, defect list, Chargebacks,
    CSV export): SP-API has no chargeback read, so this file is the source."""

    _name = "acorn.vc.chargeback.import.wizard"
    _description = "Import Amazon Chargebacks"

    account_id = fields.Many2one(
        "acorn.vc.account",
        "Vendor Central Account",
        required=True,
        default=lambda self: self.env["acorn.vc.account"].search([], limit=1),
    )
    file = fields.Binary(
        required=True,
        help="Vendor Central > Reports > Operational Performance > View defect list > "
        "Chargebacks > CSV export (XLSX works too).",
    )
    file_name = fields.Char()

    def action_import(self):
        self.ensure_one()
        result = self.env["acorn.vc.deduction"]._acorn_import_chargebacks(
            self.account_id, base64.b64decode(self.file), self.file_name or "Chargebacks.csv"
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "acorn_vendor.acorn_vc_deduction_action"
        )
        action["domain"] = [("id", "in", result["records"].ids)]
        action["context"] = {}
        action["name"] = self.env._(
            "%(created)s chargebacks imported, %(updated)s known ones completed, "
            "%(duplicates)s already imported, %(waived)s waived",
            **result["counts"],
        )
        return action
