from odoo import fields, models

from ..core import domain


class ResPartner(models.Model):
    _inherit = "res.partner"

    amz_fc_code = fields.Char(
        "Amazon FC Code",
        index="btree_not_null",
        copy=False,
        help="Amazon fulfilment centre this delivery address stands for (e.g. ABE2).",
    )

    def _acorn_address(self, name=None):
        """The partner as a domain Address, or None when Amazon's model would refuse it
        (no street or country)."""
        if not self or not self.street or not self.country_id:
            return None
        return domain.Address(
            name=name or self.name or self.display_name,
            line1=self.street,
            line2=self.street2 or None,
            city=self.city or None,
            state=self.state_id.code or None,
            postal_code=self.zip or None,
            country_code=self.country_id.code,
            phone=self.phone or None,
        )
