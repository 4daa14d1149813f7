"""The buyer meeting pack e-mailed weekly or monthly to chosen users: one schedule per
account and frequency; a daily cron sends the packs that are due.

A weekly pack covers the last full Amazon week (Sunday to Saturday) and goes out on Sundays;
a monthly one covers last month and goes out on the 1st. ``last_period_end`` remembers the
period sent, so a cron that missed a day sends it the next day and never twice.
"""

from datetime import timedelta

from odoo import api, fields, models


def last_period(frequency, today):
    """(first day, last day) of the last full Amazon week or calendar month before ``today``."""
    if frequency == "weekly":
        end = today - timedelta(days=(today.weekday() + 2) % 7 or 7)  # the Saturday before
        return end - timedelta(days=6), end
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


class AcornVcBuyerPackSchedule(models.Model):
    _name = "acorn.vc.buyer.pack.schedule"
    _description = "Buyer Pack E-mail Schedule"
    _order = "account_id, frequency"

    account_id = fields.Many2one(
        "acorn.vc.account", "Vendor Central Account", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    frequency = fields.Selection(
        [("weekly", "Weekly (last Amazon week)"), ("monthly", "Monthly (last month)")],
        required=True,
        default="weekly",
    )
    user_ids = fields.Many2many("res.users", string="Recipients", required=True)
    active = fields.Boolean(default=True)
    last_period_end = fields.Date(
        "Last period sent", readonly=True, help="The last day of the last pack e-mailed."
    )

    @api.model
    def _cron_send_buyer_packs(self, today=None):
        """Daily: e-mail every pack whose period has ended and was not sent yet."""
        today = today or fields.Date.context_today(self)
        sent = self.browse()
        for schedule in self.search([("user_ids", "!=", False)]):
            start, end = last_period(schedule.frequency, today)
            if schedule.last_period_end and schedule.last_period_end >= end:
                continue
            schedule._acorn_send(start, end)
            sent |= schedule
        return sent

    def _acorn_send(self, start, end):
        """Build the pack of ``start``..``end`` and e-mail it to the recipients."""
        self.ensure_one()
        name = f"Buyer pack {self.account_id.name} {start} {end}.xlsx"
        data = self.env["acorn.vc.buyer.pack.wizard"]._acorn_pack(self.account_id, start, end)
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "raw": data,
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        recipients = self.user_ids.filtered("email")
        mail = self.env["mail.mail"].create(
            {
                "subject": self.env._(
                    "Buyer pack %(account)s, %(start)s to %(end)s",
                    account=self.account_id.name,
                    start=start,
                    end=end,
                ),
                "body_html": self.env._(
                    "<p>The buyer meeting pack of %(account)s for %(start)s to %(end)s is "
                    "attached (KPIs both sides, sales, traffic, inventory, top movers).</p>",
                    account=self.account_id.name,
                    start=start,
                    end=end,
                ),
                "recipient_ids": [fields.Command.set(recipients.partner_id.ids)],
                "attachment_ids": [fields.Command.link(attachment.id)],
                "auto_delete": False,
            }
        )
        self.last_period_end = end
        return mail
