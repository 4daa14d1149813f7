from datetime import datetime, timedelta, timezone

from odoo.tests import HttpCase, new_test_user, tagged

from .common import SandboxMixin


@tagged("-at_install", "post_install")
class TestXmlRpc(SandboxMixin, HttpCase):
    """What a vendor's script does over Odoo's XML-RPC, with xmlrpc.client."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["acorn.vc.account"].create(
            {"name": "RPC US", "marketplace_code": "US"}
        )
        # Amazon's clock starts a day back and catches up: the last day's POs are New.
        cls.sandbox = cls._start_sandbox(
            cls.account,
            seed=31,
            pos_per_day=6,
            history_days=2,
            start_time=datetime.now(timezone.utc) - timedelta(days=1),
        )
        cls.sandbox.advance(86400)
        new_test_user(
            cls.env, "acorn_rpc", password="acorn_rpc_pw1", groups="acorn_vendor.group_acorn_user"
        )

    def test_sync_and_read_purchase_orders_over_xmlrpc(self):
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, "acorn_rpc", "acorn_rpc_pw1", {})
        self.assertTrue(uid)
        counts = self.xmlrpc_object.execute_kw(
            db,
            uid,
            "acorn_rpc_pw1",
            "acorn.vc.account",
            "sync_purchase_orders",
            [[self.account.id]],
        )
        self.assertGreater(counts["created"], 0)
        self.assertEqual(counts["failed"], 0)
        orders = self.xmlrpc_object.execute_kw(
            db,
            uid,
            "acorn_rpc_pw1",
            "acorn.vc.purchase.order",
            "search_read",
            [[("account_id", "=", self.account.id)]],
            {"fields": ["name", "amz_state", "ack_deadline", "line_count"]},
        )
        self.assertEqual(len(orders), counts["created"])
        self.assertTrue(all(o["line_count"] > 0 for o in orders))
        again = self.xmlrpc_object.execute_kw(
            db,
            uid,
            "acorn_rpc_pw1",
            "acorn.vc.account",
            "sync_purchase_orders",
            [[self.account.id]],
        )
        self.assertEqual(again["created"], 0)

    def test_acknowledge_over_xmlrpc(self):
        db, pwd = self.env.cr.dbname, "acorn_rpc_pw1"
        uid = self.xmlrpc_common.authenticate(db, "acorn_rpc", pwd, {})

        def call(model, method, *args, **kwargs):
            return self.xmlrpc_object.execute_kw(db, uid, pwd, model, method, list(args), kwargs)

        call("acorn.vc.account", "sync_purchase_orders", [self.account.id])
        new = call(
            "acorn.vc.purchase.order",
            "search",
            [("account_id", "=", self.account.id), ("ack_status", "=", "to_do")],
            limit=2,
        )
        self.assertEqual(len(new), 2, "the sandbox's last day holds New POs")
        call("acorn.vc.purchase.order", "action_apply_ack_rules", new[:1])
        call("acorn.vc.purchase.order", "action_accept_all", new[1:])
        call("acorn.vc.purchase.order", "action_send_acknowledgement", new)
        sent = call("acorn.vc.purchase.order", "read", new, fields=["ack_status"])
        self.assertEqual({po["ack_status"] for po in sent}, {"sent"})
        transactions = call(
            "acorn.vc.transaction",
            "search_read",
            [("purchase_order_id", "in", new)],
            fields=["kind", "state", "payload"],
        )
        self.assertEqual(len(transactions), 2)
        self.assertEqual({t["kind"] for t in transactions}, {"acknowledgement"})
