from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import EdiCommon


@tagged("-at_install", "post_install")
class TestEdiMonitoring(EdiCommon):
    """EDI polls and sends are sync runs; a missing 997 reaches the account's rule once."""

    def test_polls_and_sends_are_runs_and_a_missing_997_reaches_its_rule(self):
        Run = self.env["acorn.vc.sync.run"]
        self.drop_850(self.purchase_order("EDIMON1"))
        self.poll()
        runs = Run.search([("account_id", "=", self.account.id), ("kind", "=", "edi")])
        # The poll stored one file; our 997 answering it went out through the transport.
        self.assertEqual(sorted(runs.mapped("created_count")), [1, 1])
        self.assertEqual(set(runs.mapped("state")), {"success"})
        fresh = {f.kind: f for f in Run._acorn_freshness(self.account)}
        self.assertEqual(fresh["purchase_orders"].state, "fresh", "EDI accounts: the last poll")

        rule = self.env["acorn.vc.notification.rule"].create(
            {
                "account_id": self.account.id,
                "event": "edi_ack_missing",
                "channel": "activity",
                "user_ids": [(6, 0, self.user_manager.ids)],
            }
        )
        po = self.env["acorn.vc.purchase.order"].search(
            [("account_id", "=", self.account.id), ("name", "=", "EDIMON1")]
        )
        po.action_accept_all()
        po.action_send_acknowledgement()
        self.run_jobs()
        doc = po.transaction_ids.edi_document_ids
        doc.ack_due_at = fields.Datetime.now() - timedelta(minutes=1)
        self.Document._cron_edi_housekeeping()
        self.Document._cron_edi_housekeeping()
        self.assertEqual(len(rule.notification_ids), 1)
        self.assertEqual(rule.notification_ids.res_id, po.id)
        # The existing alert and the rule's are one activity: same summary, same user.
        late = po.activity_ids.filtered(lambda act: "No 997" in (act.summary or ""))
        self.assertEqual(len(late), 1)
        self.assertEqual(late.user_id, self.user_manager)
