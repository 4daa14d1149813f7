from odoo import api, fields, models
from odoo.exceptions import ValidationError

X12_QUALIFIERS = [
    ("01", "01 - DUNS"),
    ("08", "08 - UCC EDI Communications ID"),
    ("12", "12 - Phone number"),
    ("14", "14 - DUNS plus suffix"),
    ("ZZ", "ZZ - Mutually defined"),
]


class AcornVcAccount(models.Model):
    """Trading-partner profile: who Amazon and the vendor are on the EDI envelope."""

    _inherit = "acorn.vc.account"

    edi_standard = fields.Selection(
        [("x12", "ANSI X12"), ("edifact", "EDIFACT D96A")], default="x12", string="EDI Standard"
    )
    edi_x12_version = fields.Selection(
        [("004010", "4010"), ("005010", "5010")],
        default="004010",
        string="X12 Version",
        help="Amazon's retail 856 guides are 5010; most other documents are 4010.",
    )
    edi_sender_qualifier = fields.Selection(X12_QUALIFIERS, default="ZZ", string="Our ID Qualifier")
    edi_sender_id = fields.Char("Our Interchange ID", help="ISA06 / UNB sender identification.")
    edi_receiver_qualifier = fields.Selection(
        X12_QUALIFIERS, default="ZZ", string="Amazon ID Qualifier"
    )
    edi_receiver_id = fields.Char(
        "Amazon Interchange ID", help="ISA08 / UNB recipient identification, from Amazon's guide."
    )
    edi_test_indicator = fields.Boolean(
        "Test Interchanges", default=True, help="ISA15 = T / UNB test indicator 1 while onboarding."
    )
    edi_transport = fields.Selection(
        [("folder", "Local folders"), ("sftp", "SFTP"), ("as2", "AS2"), ("van", "VAN web service")],
        default="folder",
        string="Transport",
    )

    @api.constrains("channel", "edi_sender_id", "edi_receiver_id", "edi_standard")
    def _check_edi_ids(self):
        for account in self.filtered(lambda a: a.channel == "edi"):
            limit = 15 if account.edi_standard == "x12" else 35
            for label, value in (
                (self.env._("Our Interchange ID"), account.edi_sender_id),
                (self.env._("Amazon Interchange ID"), account.edi_receiver_id),
            ):
                if not value:
                    raise ValidationError(
                        self.env._(
                            "Account %(name)s uses EDI: %(field)s is required.",
                            name=account.name,
                            field=label,
                        )
                    )
                if len(value) > limit:
                    raise ValidationError(
                        self.env._(
                            "Account %(name)s: %(field)s %(value)s is longer than "
                            "%(limit)s characters.",
                            name=account.name,
                            field=label,
                            value=value,
                            limit=limit,
                        )
                    )
