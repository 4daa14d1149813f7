from datetime import timedelta

from odoo.tests import tagged

from .common import AcornVendorCommon
from .push_service import PushService


@tagged("-at_install", "post_install")
class TestNotificationRules(AcornVendorCommon):
    """Rules per account: each event occurrence reaches each rule once, on its channel, to
    the users who may see the account. POs come from the sandbox."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = cls._start_sandbox(
            cls.account,
            seed=41,
            pos_per_day=8,
            history_days=1,
            lines_max=3,
            frozen_clock=True,
            start_time="2026-03-04T12:00:00Z",
            change_rate=0,
        )
        cls.account.responsible_user_id = cls.user_ops
        cls.now = cls.sandbox.now().replace(tzinfo=None)
        cls.Rule = cls.env["acorn.vc.notification.rule"]
        cls.Notification = cls.env["acorn.vc.notification"]

    def _rule(self, event, channel, **values):
        return self.Rule.create(
            {"account_id": self.account.id, "event": event, "channel": channel, **values}
        )

    def _sync(self):
        return self.account._acorn_sync_purchase_orders(now=self.now)

    def _new_pos(self):
        return self.env["acorn.vc.purchase.order"].search(
            [("account_id", "=", self.account.id), ("amz_state", "=", "new")]
        )

    def _mails_to(self, user):
        return self.env["mail.mail"].sudo().search([("recipient_ids", "in", user.partner_id.ids)])

    def test_each_new_po_is_mailed_once(self):
        rule = self._rule("po_arrived", "email", user_ids=[(6, 0, self.user_manager.ids)])
        self._sync()
        pos = self._new_pos()
        self.assertTrue(pos)
        self.assertEqual(len(rule.notification_ids), len(pos))
        self.assertEqual(rule.notification_ids.user_ids, self.user_ops | self.user_manager)
        mails = self._mails_to(self.user_manager)
        self.assertEqual(len(mails), len(pos))
        self.assertIn(pos[0].name, " ".join(mails.mapped("subject")))
        # The next sync reads the same POs again (the overlap): nobody hears of them twice.
        self.sandbox.advance(60)
        self._sync()
        self.assertEqual(len(rule.notification_ids), len(pos))

    def test_due_and_overdue_acknowledgements_notify_each_po_once(self):
        self._sync()
        pos = self._new_pos()
        due = self._rule("ack_due", "activity", threshold=30)
        overdue = self._rule("ack_overdue", "activity", user_ids=[(6, 0, self.user_manager.ids)])
        Notification = self.Notification
        Notification._cron_notify_events(now=self.now)
        Notification._cron_notify_events(now=self.now)
        self.assertEqual(len(due.notification_ids), len(pos))
        self.assertFalse(overdue.notification_ids)
        for po in pos:
            ops = po.activity_ids.filtered(lambda act: act.user_id == self.user_ops)
            self.assertEqual(len(ops), 1, "one activity per PO for the responsible")
        later = self.now + timedelta(days=2)
        Notification._cron_notify_events(now=later)
        Notification._cron_notify_events(now=later)
        self.assertEqual(len(overdue.notification_ids), len(pos))
        self.assertEqual(
            set(overdue.notification_ids.mapped("res_id")), set(pos.ids), "one notice per PO"
        )
        manager_acts = pos.activity_ids.filtered(lambda act: act.user_id == self.user_manager)
        self.assertEqual(len(manager_acts), len(pos))

    def test_a_shorter_threshold_waits_until_the_deadline_is_that_close(self):
        self._sync()
        rule = self._rule("ack_due", "discuss", threshold=1)
        self.Notification._cron_notify_events(now=self.now)
        waiting = [po for po in self._new_pos() if po.ack_deadline - self.now <= timedelta(hours=1)]
        self.assertEqual(len(rule.notification_ids), len(waiting))

    def test_digest_sends_one_mail_per_recipient_and_empties_the_queue(self):
        rule = self._rule("po_arrived", "digest", user_ids=[(6, 0, self.user_finance.ids)])
        self._sync()
        pos = self._new_pos()
        self.assertEqual(len(rule.notification_ids), len(pos))
        self.assertTrue(all(rule.notification_ids.mapped("digest_pending")))
        self.assertFalse(self._mails_to(self.user_finance), "nothing sent before the digest")
        self.assertEqual(self.Notification._cron_send_digest(now=self.now), 2)
        mail = self._mails_to(self.user_finance)
        self.assertEqual(len(mail), 1)
        self.assertIn(f"{len(pos)} notices", mail.subject)
        for po in pos:
            self.assertIn(po.name, mail.body_html)
        self.assertFalse(any(rule.notification_ids.mapped("digest_pending")))
        self.assertEqual(self.Notification._cron_send_digest(now=self.now), 0)

    def test_a_rejected_submission_reaches_its_rules_and_not_others(self):
        self._sync()
        po = self._new_pos()[:1]
        failed = self._rule("transaction_failed", "discuss")
        asn = self._rule("asn_rejected", "discuss")
        tx = self.env["acorn.vc.transaction"].create(
            {
                "account_id": self.account.id,
                "kind": "acknowledgement",
                "purchase_order_id": po.id,
                "payload": {"acknowledgements": []},
                "state": "processing",
            }
        )
        tx._acorn_fail("InvalidInput: acknowledgement quantity exceeds the ordered quantity")
        self.assertEqual(len(failed.notification_ids), 1)
        self.assertFalse(asn.notification_ids, "an acknowledgement is not an ASN")
        post = failed.notification_ids.message_id
        self.assertIn("exceeds the ordered quantity", post.body)
        self.assertIn(po.name, post.body)

    def test_a_restricted_account_tells_only_users_who_may_see_it(self):
        self.account.allowed_user_ids = self.user_ops
        rule = self._rule(
            "secret_expiring",
            "email",
            group_ids=[(6, 0, self.env.ref("acorn_vendor.group_acorn_user").ids)],
        )
        users = rule._acorn_recipients()
        self.assertIn(self.user_ops, users)
        self.assertIn(self.user_manager, users)
        self.assertNotIn(self.user_logistics, users)
        self.assertNotIn(self.user_finance, users)

    def test_an_expiring_secret_is_told_once_within_the_threshold(self):
        soon = self._rule("secret_expiring", "email", threshold=14)
        later = self._rule("secret_expiring", "email", threshold=7)
        self.account.lwa_secret_expiry_date = (self.now + timedelta(days=10)).date()
        self.Notification._cron_notify_events(now=self.now)
        self.Notification._cron_notify_events(now=self.now)
        self.assertEqual(len(soon.notification_ids), 1)
        self.assertIn("Rotate", soon.notification_ids.body)
        self.assertFalse(later.notification_ids)

    def test_stale_purchase_orders_are_told_once_until_new_data_arrives(self):
        rule = self._rule("data_stale", "discuss")
        self.account.last_sync_at = self.now - timedelta(hours=5)
        self.Notification._cron_notify_events(now=self.now)
        self.Notification._cron_notify_events(now=self.now + timedelta(hours=1))
        self.assertEqual(len(rule.notification_ids), 1)
        self.assertIn("Purchase orders: 5 h old", rule.notification_ids.body)
        self.account.last_sync_at = self.now + timedelta(hours=1)
        self.Notification._cron_notify_events(now=self.now + timedelta(hours=6))
        self.assertEqual(len(rule.notification_ids), 2)

    def test_a_discuss_rule_reaches_the_recipients_phone(self):
        """A subscribed phone gets each post as a web push: Odoo sends it at once to a
        user with few devices; the phone's push service reads it with the phone's keys."""
        rule = self._rule("po_arrived", "discuss")
        public_key = self.env["mail.push.device"].get_web_push_vapid_public_key()
        with PushService() as phone:
            self.env["mail.push.device"].sudo().create(
                {
                    "endpoint": phone.endpoint,
                    "keys": phone.keys,
                    "partner_id": self.user_ops.partner_id.id,
                }
            )
            self._sync()
        notices = rule.notification_ids
        self.assertTrue(notices)
        self.assertEqual(len(phone.received), len(notices))
        push = phone.received[0]
        self.assertEqual(push["encoding"], "aes128gcm")
        self.assertTrue(push["authorization"].startswith("vapid t="))
        self.assertTrue(push["authorization"].endswith(f"k={public_key}"))
        self.assertEqual(push["payload"]["title"], "#Vendor Central - OdooBot")
        bodies = " ".join(p["payload"]["options"]["body"] for p in phone.received)
        for po in self._new_pos():
            self.assertIn(f"New Amazon PO {po.name}", bodies)
