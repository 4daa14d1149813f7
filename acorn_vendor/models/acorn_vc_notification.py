"""The notices rules have sent: one per rule and event occurrence."""

from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models

CHANNEL_XMLID = "acorn_vendor.discuss_channel_vendor_central"


class AcornVcNotification(models.Model):
    """An event occurrence a rule told its recipients about (or keeps for the digest).

    Unique per rule and occurrence: this is what makes notifying idempotent.
    """

    _name = "acorn.vc.notification"
    _description = "Vendor Central Notification"
    _order = "id desc"
    _rec_name = "subject"

    rule_id = fields.Many2one(
        "acorn.vc.notification.rule", required=True, index=True, ondelete="cascade", readonly=True
    )
    account_id = fields.Many2one(related="rule_id.account_id", store=True, index=True)
    company_id = fields.Many2one(related="rule_id.company_id", store=True, index=True)
    event = fields.Selection(related="rule_id.event", store=True)
    channel = fields.Selection(related="rule_id.channel", store=True)
    occurrence = fields.Char(required=True, readonly=True, help="Which occurrence of the event.")
    subject = fields.Char(required=True, readonly=True)
    body = fields.Text(readonly=True)
    res_model = fields.Char("Record Model", readonly=True)
    res_id = fields.Many2oneReference("Record", model_field="res_model", readonly=True)
    user_ids = fields.Many2many("res.users", string="Recipients", readonly=True)
    message_id = fields.Many2one("mail.message", "Discuss Post", readonly=True)
    digest_pending = fields.Boolean(readonly=True, index=True)
    digest_sent_at = fields.Datetime(readonly=True)

    _sql_constraints = [
        (
            "rule_occurrence_uniq",
            "unique(rule_id, occurrence)",
            "A rule tells each occurrence of its event once.",
        ),
    ]

    def _acorn_html(self):
        self.ensure_one()
        lines = Markup("<br/>").join(escape(line) for line in (self.body or "").splitlines())
        return Markup("<p><b>%s</b></p><p>%s</p>") % (self.subject, lines)

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------ channels

    @api.model
    def _acorn_discuss_channel(self):
        """The Vendor Central channel (module data; created again if someone deleted it)."""
        channel = self.env.ref(CHANNEL_XMLID, raise_if_not_found=False)
        if channel:
            return channel.sudo()
        channel = (
            self.env["discuss.channel"]
            .sudo()
            .create(
                {
                    "name": "Vendor Central",
                    "channel_type": "channel",
                    "group_public_id": self.env.ref("acorn_vendor.group_acorn_user").id,
                }
            )
        )
        module, name = CHANNEL_XMLID.split(".")
        self.env["ir.model.data"].sudo().create(
            {"module": module, "name": name, "model": channel._name, "res_id": channel.id}
        )
        return channel

    @api.model
    def _acorn_mail(self, partners, subject, body_html, record=None):
        """One e-mail to ``partners`` through Odoo's mail queue (sent by its cron)."""
        if not partners:
            return self.env["mail.mail"]
        values = {
            "subject": subject,
            "body_html": body_html,
            "recipient_ids": [(6, 0, partners.ids)],
            "email_from": self.env.company.partner_id.email_formatted
            or self.env.ref("base.partner_root").email_formatted,
            "auto_delete": True,
        }
        if record:
            values.update(model=record._name, res_id=record.id)
        return self.env["mail.mail"].sudo().create(values)

    @api.model
    def _cron_send_digest(self, now=None):
        """Once a day: one e-mail per recipient listing the digest rules' notices."""
        pending = self.sudo().search([("digest_pending", "=", True)], order="id")
        by_partner = defaultdict(lambda: self.browse())
        for notice in pending:
            for user in notice.user_ids:
                by_partner[user.partner_id] |= notice
        for partner, notices in by_partner.items():
            items = Markup("").join(
                Markup("<li><b>%s</b> (%s): %s</li>")
                % (notice.subject, notice.account_id.name, notice.body or "")
                for notice in notices
            )
            self._acorn_mail(
                partner,
                self.env._("Vendor Central: %s notices today", len(notices)),
                Markup("<ul>%s</ul>") % items,
            )
        pending.write({"digest_pending": False, "digest_sent_at": now or fields.Datetime.now()})
        return len(by_partner)

    # ------------------------------------------------------------------ events found by time

    @api.model
    def _cron_notify_events(self, now=None):
        """Events nobody emits as they happen, found by looking: acknowledgements due soon
        or overdue, stale data, client secrets about to expire. Rules only; idempotent."""
        now = now or fields.Datetime.now()
        Rule = self.env["acorn.vc.notification.rule"].sudo()
        rules = Rule.search(
            [("event", "in", ("ack_due", "ack_overdue", "data_stale", "secret_expiring"))]
        )
        for account in rules.account_id:
            events = set(rules.filtered(lambda r, a=account: r.account_id == a).mapped("event"))
            if events & {"ack_due", "ack_overdue"}:
                self._acorn_notify_acknowledgements(account, now, events)
            if "data_stale" in events:
                self._acorn_notify_stale(account, now)
            if "secret_expiring" in events and account.lwa_secret_expiry_date:
                days = (account.lwa_secret_expiry_date - now.date()).days
                account._acorn_notify(
                    "secret_expiring",
                    account,
                    str(account.lwa_secret_expiry_date),
                    self.env._(
                        "%(account)s: LWA client secret expires on %(date)s",
                        account=account.name,
                        date=account.lwa_secret_expiry_date,
                    ),
                    self.env._(
                        "Rotate it in Solution Provider Portal before then, enter the new secret "
                        "on the account and press Test connection."
                    ),
                    value=days,
                )
        return len(rules.account_id)

    def _acorn_notify_acknowledgements(self, account, now, events):
        waiting = self.env["acorn.vc.purchase.order"].search(
            [
                ("account_id", "=", account.id),
                ("ack_waiting", "=", True),
                ("ack_deadline", "!=", False),
            ]
        )
        for po in waiting:
            hours_left = (po.ack_deadline - now).total_seconds() / 3600
            if hours_left < 0 and "ack_overdue" in events:
                account._acorn_notify(
                    "ack_overdue",
                    po,
                    po.id,
                    self.env._("Amazon PO %s: acknowledgement overdue", po.name),
                    self.env._("Amazon expected the acknowledgement by %s (UTC).", po.ack_deadline),
                )
            elif hours_left >= 0 and "ack_due" in events:
                account._acorn_notify(
                    "ack_due",
                    po,
                    po.id,
                    self.env._("Acknowledge Amazon PO %s", po.name),
                    self.env._("Amazon expects this PO acknowledged by %s (UTC).", po.ack_deadline),
                    value=hours_left,
                )

    def _acorn_notify_stale(self, account, now):
        for fresh in self.env["acorn.vc.sync.run"]._acorn_freshness(account, now):
            if fresh.state != "stale":
                continue
            account._acorn_notify(
                "data_stale",
                account,
                # One notice while no newer data arrives; stale again later is a new one.
                f"{fresh.kind}-{fresh.data_until}",
                self.env._(
                    "%(account)s: %(kind)s are stale", account=account.name, kind=fresh.label
                ),
                fresh.sentence(),
            )
