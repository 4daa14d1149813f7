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
        cls.sandbox = cls._start_sandbox(cls.account, seed=31, pos_per_day=6, history_days=2)
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
