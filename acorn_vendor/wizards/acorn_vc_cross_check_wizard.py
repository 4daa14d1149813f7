"""Run the monthly cross-check of one account and month now, and open the result."""

from datetime import timedelta

from odoo import fields, models


def _last_month(wizard):
    """The first day of last month: the month the job on the 1st checks."""
    return (fields.Date.context_today(wizard).replace(day=1) - timedelta(days=1)).replace(day=1)


class AcornVcCrossCheckWizard(models.TransientModel):
    _name = "acorn.vc.cross.check.wizard"
    _description = "Run Vendor Central Cross-check"

    account_id = fields.Many2one(
        "acorn.vc.account",
        "Vendor Central Account",
        required=True,
        default=lambda self: self.env["acorn.vc.account"].search([], limit=1),
    )
    month = fields.Date(required=True, default=_last_month, help="Any day of the month to check.")

    def action_run(self):
        self.ensure_one()
        run = self.env["acorn.vc.cross.check"]._acorn_run(self.account_id, self.month)
        return run.get_formview_action()
