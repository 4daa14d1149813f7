from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from .common import AcornVendorCommon


def _pos(env, account, specs):
    """POs as sync would leave them: (number, hours since ordered, ack status, Amazon state)."""
    now = fields.Datetime.now()
    return env["acorn.vc.purchase.order"].create(
        [
            {
                "name": name,
                "account_id": account.id,
                "po_date": now - timedelta(hours=age),
                "ack_status": ack_status,
                "amz_state": state,
            }
            for name, age, ack_status, state in specs
        ]
    )


SPECS = [
    ("TOURNEW1", 2, "to_do", "new"),
    ("TOURNEW2", 5, "failed", "new"),  # Amazon refused our answer: still ours to fix
    ("TOURLATE1", 30, "to_do", "new"),  # past the 24 hours
    ("TOURSENT1", 30, "sent", "new"),  # answer on its way: not waiting on us
    ("TOURACK1", 40, "done", "acknowledged"),
]


class TestMenuCounters(AcornVendorCommon):
    def test_waiting_and_overdue_fields_and_counters(self):
        pos = _pos(self.env, self.account, SPECS)
        by_name = {po.name: po for po in pos}
        self.assertEqual(
            pos.filtered("ack_waiting").mapped("name"), ["TOURNEW1", "TOURNEW2", "TOURLATE1"]
        )
        self.assertEqual(pos.filtered("ack_overdue").mapped("name"), ["TOURLATE1"])

        PO = self.env["acorn.vc.purchase.order"]
        mine = [("account_id", "=", self.account.id)]
        self.assertEqual(PO.search(mine + [("ack_waiting", "=", True)]), pos[:3])
        self.assertEqual(PO.search(mine + [("ack_overdue", "=", True)]), by_name["TOURLATE1"])
        self.assertEqual(
            PO.search(mine + [("ack_overdue", "!=", True)]), pos - by_name["TOURLATE1"]
        )
        self.assertEqual(PO.search(mine + [("ack_waiting", "=", False)]), pos[3:])

        before = PO.get_menu_counters()
        by_name["TOURLATE1"].ack_status = "sent"
        after = PO.get_menu_counters()
        to_ack = "acorn_vendor.acorn_vc_purchase_order_menu_to_acknowledge"
        overdue = "acorn_vendor.acorn_vc_purchase_order_menu_overdue"
        self.assertEqual(before[to_ack] - after[to_ack], 1)
        self.assertEqual(before[overdue] - after[overdue], 1)
        # Every counted menu exists, so the web client can find it by its xml id.
        for xmlid in after:
            self.assertTrue(self.env.ref(xmlid))

        # The overview counts the same way.
        self.account.invalidate_recordset()
        self.assertEqual(self.account.po_to_ack_count, 2)
        self.assertEqual(self.account.po_overdue_count, 0)

    def test_counters_respect_record_rules(self):
        _pos(self.env, self.account, SPECS)
        self.account.allowed_user_ids = self.user_manager
        counters = self.env["acorn.vc.purchase.order"].with_user(self.user_ops).get_menu_counters()
        mine = self.env["acorn.vc.purchase.order"].with_user(self.user_manager).get_menu_counters()
        to_ack = "acorn_vendor.acorn_vc_purchase_order_menu_to_acknowledge"
        self.assertEqual(mine[to_ack] - counters[to_ack], 3)


@tagged("-at_install", "post_install")
class TestMenuCountersTour(HttpCase):
    """A person opens Vendor Central and reads the counts in the Orders menu."""

    def test_menu_counters_tour(self):
        company = self.env["res.company"].create({"name": "Acorn Tour Co"})
        account = (
            self.env["acorn.vc.account"]
            .with_company(company)
            .create({"name": "Tour US", "marketplace_code": "US", "company_id": company.id})
        )
        _pos(self.env, account, SPECS)
        new_test_user(
            self.env,
            "acorn_tour",
            groups="acorn_vendor.group_acorn_user",
            company_id=company.id,
            company_ids=[(6, 0, company.ids)],
        )
        self.start_tour(
            "/odoo/action-acorn_vendor.acorn_vc_purchase_order_action",
            "acorn_vendor_menu_counters",
            login="acorn_tour",
        )
