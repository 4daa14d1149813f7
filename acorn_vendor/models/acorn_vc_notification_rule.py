"""Who hears about what, and how: event x recipients x channel, per account."""

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..core import notification_events

CHANNELS = [
    ("activity", "Activity"),
    ("discuss", "Post in the Vendor Central channel"),
    ("email", "E-mail"),
    ("digest", "Daily digest e-mail"),
]


class AcornVcNotificationRule(models.Model):
    """One rule: when ``event`` happens on ``account_id``, tell these people this way.

    Events are emitted by the code where they happen (``account._acorn_notify``); each
    occurrence reaches a rule once (``acorn.vc.notification`` keeps them, unique per rule
    and occurrence), so a cron that sees the same overdue PO every 30 minutes tells nobody
    twice.
    """

    _name = "acorn.vc.notification.rule"
    _description = "Vendor Central Notification Rule"
    _order = "account_id, event, id"

    account_id = fields.Many2one("acorn.vc.account", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    active = fields.Boolean(default=True)
    event = fields.Selection(notification_events.SELECTION, required=True, index=True)
    threshold = fields.Integer(
        compute="_compute_threshold",
        store=True,
        readonly=False,
        precompute=True,
        help="Hours before the deadline, failed runs in a row or days before expiry, as the "
        "event says.",
    )
    threshold_label = fields.Char(compute="_compute_threshold_label")
    channel = fields.Selection(CHANNELS, required=True, default="discuss")
    notify_responsible = fields.Boolean(
        "The Account's Responsible", default=True, help="The account's responsible user."
    )
    user_ids = fields.Many2many("res.users", string="Users")
    group_ids = fields.Many2many(
        "res.groups", string="Groups", help="Every user of these groups who may see the account."
    )
    notification_ids = fields.One2many("acorn.vc.notification", "rule_id", string="Sent")

    @api.depends("event")
    def _compute_threshold(self):
        for rule in self:
            event = notification_events.BY_KEY.get(rule.event)
            rule.threshold = event.default if event else 0

    @api.depends("event")
    def _compute_threshold_label(self):
        for rule in self:
            event = notification_events.BY_KEY.get(rule.event)
            rule.threshold_label = event.threshold if event else False

    @api.depends("event", "channel", "account_id")
    def _compute_display_name(self):
        events = dict(notification_events.SELECTION)
        channels = dict(CHANNELS)
        for rule in self:
            rule.display_name = (
                f"{rule.account_id.name}: {events.get(rule.event, '')} → "
                f"{channels.get(rule.channel, '')}"
            )

    @api.constrains("threshold", "event")
    def _check_threshold(self):
        for rule in self:
            event = notification_events.BY_KEY.get(rule.event)
            if event and event.threshold and rule.threshold < 0:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: %(what)s cannot be negative.",
                        rule=rule.display_name,
                        what=event.threshold,
                    )
                )

    # ------------------------------------------------------------------ recipients

    def _acorn_recipients(self):
        """The users this rule reaches: its users, its groups' users and the responsible,
        limited to active users who may see the account (its company, its restriction)."""
        self.ensure_one()
        account = self.account_id
        users = self.user_ids | self.group_ids.users
        if self.notify_responsible:
            users |= account._acorn_responsible()
        manager = self.env.ref("acorn_vendor.group_acorn_manager")
        return users.filtered(
            lambda user: (
                user.active
                and not user.share
                and account.company_id in user.company_ids
                and (
                    not account.allowed_user_ids
                    or user in account.allowed_user_ids
                    or manager in user.groups_id
                )
            )
        )

    def _acorn_fires(self, value):
        """Does an occurrence measured by ``value`` reach this rule's threshold?"""
        self.ensure_one()
        event = notification_events.BY_KEY[self.event]
        if value is None or not event.threshold:
            return True
        if self.event == "sync_failing":
            return value >= max(self.threshold, 1)
        return value <= self.threshold

    # ------------------------------------------------------------------ dispatch

    @api.model
    def _acorn_dispatch(self, account, event, record, occurrence, subject, body, value=None):
        """Tell the rules of ``account`` for ``event`` about one occurrence, each once.
        Returns the notifications created (nothing for rules already told)."""
        rules = self.sudo().search([("account_id", "=", account.id), ("event", "=", event)])
        Notification = self.env["acorn.vc.notification"].sudo()
        created = Notification
        for rule in rules.filtered(lambda r: r._acorn_fires(value)):
            if Notification.search_count(
                [("rule_id", "=", rule.id), ("occurrence", "=", str(occurrence))], limit=1
            ):
                continue
            users = rule._acorn_recipients()
            notice = Notification.create(
                {
                    "rule_id": rule.id,
                    "occurrence": str(occurrence),
                    "subject": subject,
                    "body": body,
                    "res_model": record._name,
                    "res_id": record.id,
                    "user_ids": [(6, 0, users.ids)],
                    "digest_pending": rule.channel == "digest",
                }
            )
            if users and rule.channel != "digest":
                getattr(rule, f"_acorn_send_{rule.channel}")(notice, record, users)
            created |= notice
        return created

    def _acorn_send_activity(self, notice, record, users):
        """An activity on the record for each recipient (a message where the record has no
        activities, e.g. the account); an open activity with the same summary is enough."""
        if not hasattr(record, "activity_schedule"):
            record.sudo().message_notify(
                partner_ids=users.partner_id.ids, subject=notice.subject, body=notice.body
            )
            return
        for user in users:
            if record.activity_ids.filtered(
                lambda act, user=user: act.user_id == user and act.summary == notice.subject
            ):
                continue
            record.activity_schedule(
                "mail.mail_activity_data_warning",
                summary=notice.subject,
                note=notice.body,
                user_id=user.id,
            )

    def _acorn_send_discuss(self, notice, record, users):
        """A post in the Vendor Central channel that mentions the recipients: Discuss shows
        it, the mention reaches their inbox and, through web push, their subscribed phones."""
        channel = self.env["acorn.vc.notification"]._acorn_discuss_channel()
        partners = users.partner_id
        missing = partners - channel.channel_member_ids.partner_id
        if missing:
            channel.sudo().add_members(partner_ids=missing.ids, post_joined_message=False)
        mentions = Markup(" ").join(
            Markup(
                '<a href="#" data-oe-model="res.partner" data-oe-id="%s" '
                'class="o_mail_redirect">@%s</a>'
            )
            % (partner.id, partner.name)
            for partner in partners
        )
        link = record._get_html_link()
        body = Markup("<p>%s <b>%s</b> (%s)</p><p>%s</p>") % (
            mentions,
            notice.subject,
            link,
            Markup("<br/>").join(escape(line) for line in (notice.body or "").splitlines()),
        )
        message = channel.sudo().message_post(
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=partners.ids,
            author_id=self.env.ref("base.partner_root").id,
        )
        notice.message_id = message

    def _acorn_send_email(self, notice, record, users):
        self.env["acorn.vc.notification"]._acorn_mail(
            users.partner_id, notice.subject, notice._acorn_html(), record
        )
