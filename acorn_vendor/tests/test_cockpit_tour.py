"""Tours at desktop and phone width: Overview -> PO -> acknowledgement -> delivery -> invoice,
with full page loads in one tab and no "The page is out of date" notice after any of them."""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("-at_install", "post_install")
class TestCockpitTour(HttpCase):
    """A manager walks the cockpit in a desktop-sized browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        company = env.company
        if not company.chart_template:
            env["account.chart.template"].try_loading("generic_coa", company, False)
        amazon = env["res.partner"].create({"name": "Amazon Tour", "is_company": True})
        account = env["acorn.vc.account"].create(
            {"name": "Tour Cockpit", "marketplace_code": "US", "partner_id": amazon.id}
        )
        product = env["product.product"].create(
            {"name": "Tour kettle", "type": "consu", "list_price": 20}
        )
        now = fields.Datetime.now()

        def po(name, **values):
            return env["acorn.vc.purchase.order"].create(
                {
                    "name": name,
                    "account_id": account.id,
                    "po_date": now - timedelta(hours=2),
                    "currency_code": "USD",
                    "line_ids": [
                        fields.Command.create(
                            {
                                "sequence_number": "1",
                                "ordered_qty": 6,
                                "ordered_units": 6,
                                "net_cost": 12.5,
                                "product_id": product.id,
                            }
                        )
                    ],
                    **values,
                }
            )

        po("TOURCP1", amz_state="new", ack_status="to_do")
        shipping = po(
            "TOURCP2",
            amz_state="acknowledged",
            ack_status="done",
            ship_window_start=now - timedelta(days=1),
            ship_window_end=now + timedelta(days=1),
        )
        sale = env["sale.order"].create(
            {
                "partner_id": amazon.id,
                "acorn_purchase_order_id": shipping.id,
                "order_line": [
                    fields.Command.create({"product_id": product.id, "product_uom_qty": 6})
                ],
            }
        )
        sale.action_confirm()
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": amazon.id,
                # Billing more than Amazon ordered and nothing shipped: the check objects.
                "invoice_line_ids": [
                    fields.Command.create(
                        {
                            "product_id": product.id,
                            "quantity": 9,
                            "price_unit": 12.5,
                            "sale_line_ids": [fields.Command.set(sale.order_line.ids)],
                        }
                    )
                ],
            }
        )
        invoice.acorn_check_invoice()
        assert invoice.acorn_check_ids, "the tour reads the invoice check"
        new_test_user(
            env,
            "acorn_cockpit",
            groups="acorn_vendor.group_acorn_manager,account.group_account_invoice",
        )

    def _walk(self):
        self.start_tour(
            "/odoo/action-acorn_vendor.acorn_vc_account_action_overview",
            "acorn_vendor_cockpit",
            login="acorn_cockpit",
            timeout=180,
        )

    def test_cockpit_tour_at_desktop_width(self):
        self._walk()


@tagged("-at_install", "post_install")
class TestCockpitTourPhone(TestCockpitTour):
    """The same walk on a phone: 390 px wide, touch (Odoo's own mobile test settings)."""

    browser_size = "390x844"
    touch_enabled = True

    def test_cockpit_tour_at_phone_width(self):
        # Odoo collects only the methods a test class defines itself.
        self._walk()
