from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    amz_fc_code = fields.Char(
        "Amazon FC Code",
        index="btree_not_null",
        copy=False,
        help="Amazon fulfilment centre this delivery address stands for (e.g. ABE2).",
    )
