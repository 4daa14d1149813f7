import copy
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import AcornVendorCommon


@tagged("-at_install", "post_install")
class TestPurchaseOrderImport(AcornVendorCommon):
    """Amazon's POs, fetched over HTTP from the sandbox, stored as Acorn POs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = cls._start_sandbox(cls.account, seed=11, pos_per_day=6, history_days=3)
        client = cls.account._acorn_spapi_client()
        now = cls.sandbox.now()
        cls.payloads = list(
            client.iter_purchase_orders(createdAfter=now - timedelta(days=4), createdBefore=now)
        )
        cls.PO = cls.env["acorn.vc.purchase.order"]

    def test_first_import_then_resync_changes_nothing(self):
        self.assertGreaterEqual(len(self.payloads), 10)
        counts = self.PO._acorn_import_orders(self.account, self.payloads)
        self.assertEqual(counts["created"], len(self.payloads))
        self.assertEqual(counts["failed"], 0)
        orders = self.PO.search([("account_id", "=", self.account.id)])
        self.assertEqual(len(orders), len(self.payloads))
        lines = sum(len(p["orderDetails"]["items"]) for p in self.payloads)
        self.assertEqual(len(orders.line_ids), lines)
        self.assertEqual(len(orders.payload_ids), len(self.payloads))
        po = orders[0]
        self.assertEqual(po.ack_deadline, po.po_date + timedelta(hours=24))
        # The bulk insert stores what the ORM's computes would.
        for order in orders[:8]:
            stored = (order.line_count, order.ordered_units, order.amount_ordered)
            order._compute_totals()
            self.assertEqual(stored, (order.line_count, order.ordered_units, order.amount_ordered))
            self.assertEqual(
                order.ack_status, "to_do" if order.amz_state == "new" else "done", order.name
            )
            self.assertEqual(
                [(ln.sequence_sort, ln.company_id) for ln in order.line_ids],
                [(int(ln.sequence_number), self.account.company_id) for ln in order.line_ids],
            )
        self.assertIn(po.vendor_code, ("ACRN1", "ACRN2"))

        again = self.PO._acorn_import_orders(self.account, self.payloads)
        self.assertEqual(
            again, {"created": 0, "updated": 0, "unchanged": len(self.payloads), "failed": 0}
        )
        self.assertEqual(
            self.PO.search_count([("account_id", "=", self.account.id)]), len(self.payloads)
        )
        self.assertEqual(
            len(orders.payload_ids), len(self.payloads), "an unchanged version is not stored twice"
        )

    def test_the_bulk_insert_keeps_awkward_values_exactly(self):
        """COPY's CSV carries quotes, separators, line breaks, backslashes, accents,
        booleans and empties as they came; the archive keeps Amazon's JSON."""
        # The sandbox's POs follow its clock: pick one with the two lines this test needs.
        payload = copy.deepcopy(
            next(p for p in self.payloads if len(p["orderDetails"]["items"]) >= 2)
        )
        items = payload["orderDetails"]["items"]
        awkward = 'SKU,"7"\nbis\\ \u00e9t\u00e9'
        items[0]["vendorProductIdentifier"] = awkward
        items[0]["isBackOrderAllowed"] = True
        items[1]["isBackOrderAllowed"] = False
        items[1].pop("vendorProductIdentifier", None)
        payload["orderDetails"].pop("dealCode", None)
        counts = self.PO._acorn_import_orders(self.account, [payload])
        self.assertEqual(counts["created"], 1)
        po = self.PO.search([("name", "=", payload["purchaseOrderNumber"])])
        lines = {line.sequence_number: line for line in po.line_ids}
        first = lines[str(items[0]["itemSequenceNumber"])]
        second = lines[str(items[1]["itemSequenceNumber"])]
        self.assertEqual(first.vendor_sku, awkward)
        self.assertEqual((first.backorder_allowed, second.backorder_allowed), (True, False))
        self.assertFalse(second.vendor_sku)
        self.assertFalse(po.deal_code)
        self.assertFalse(po.ack_alert_sent)
        self.assertEqual(po.payload_ids.content, payload)

    def test_the_same_po_twice_in_one_batch_is_stored_once(self):
        newer = copy.deepcopy(self.payloads[0])
        newer["orderDetails"]["items"][0]["orderedQuantity"]["amount"] += 1
        counts = self.PO._acorn_import_orders(self.account, [self.payloads[0], newer])
        self.assertEqual((counts["created"], counts["updated"]), (1, 1))
        po = self.PO.search([("name", "=", newer["purchaseOrderNumber"])])
        self.assertEqual(len(po), 1)
        self.assertEqual(
            po.line_ids.sorted("sequence_sort")[0].ordered_qty,
            newer["orderDetails"]["items"][0]["orderedQuantity"]["amount"],
        )

    def test_amazon_changes_update_the_po_and_the_chatter(self):
        self.PO._acorn_import_orders(self.account, self.payloads)
        changed = copy.deepcopy(self.payloads[0])
        item = changed["orderDetails"]["items"][0]
        item["orderedQuantity"]["amount"] += 5
        changed["purchaseOrderState"] = "Closed"
        counts = self.PO._acorn_import_orders(self.account, [changed])
        self.assertEqual(counts["updated"], 1)
        po = self.PO.search([("name", "=", changed["purchaseOrderNumber"])])
        self.assertEqual(po.amz_state, "closed")
        line = po.line_ids.filtered(
            lambda ln: ln.sequence_number == str(item["itemSequenceNumber"])
        )
        self.assertEqual(line.ordered_qty, item["orderedQuantity"]["amount"])
        self.assertEqual(len(po.payload_ids), 2, "every version is kept")
        body = po.message_ids[0].body
        self.assertIn("Amazon changed this purchase order", body)
        self.assertIn("Closed", body)

    def test_a_bad_po_is_kept_with_its_error_and_never_blocks_the_batch(self):
        broken = copy.deepcopy(self.payloads[1])
        broken["orderDetails"].pop("purchaseOrderDate")
        batch = [self.payloads[0], broken, self.payloads[2]]
        counts = self.PO._acorn_import_orders(self.account, batch)
        self.assertEqual((counts["created"], counts["failed"]), (2, 1))
        failure = self.env["acorn.vc.payload"].search(
            [("reference", "=", broken["purchaseOrderNumber"])]
        )
        self.assertEqual(failure.account_id, self.account)
        self.assertIn("purchaseOrderDate", failure.error)
        self.assertEqual(failure.content["purchaseOrderNumber"], broken["purchaseOrderNumber"])

    def test_the_empty_list_speaks_of_its_filter_not_of_a_missing_account(self):
        action = self.env.ref("acorn_vendor.acorn_vc_purchase_order_action")
        self.assertIn("filter_new", action.context, "the list opens filtered")
        self.assertIn("remove the filter", action.help)
        self.assertNotIn("yet", action.help, "POs may exist outside the filter")

    def test_users_of_a_restricted_account_do_not_see_its_pos(self):
        self.PO._acorn_import_orders(self.account, self.payloads[:2])
        self.assertEqual(self.PO.with_user(self.user_ops).search_count([]), 2)
        self.account.allowed_user_ids = self.user_manager
        self.assertEqual(self.PO.with_user(self.user_ops).search_count([]), 0)
        self.assertEqual(self.PO.with_user(self.user_manager).search_count([]), 2)


@tagged("-at_install", "post_install")
class TestSaleOrderFromPurchaseOrder(AcornVendorCommon):
    """Open, recent Amazon POs become quotations for the Amazon customer at the FC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = cls._start_sandbox(cls.account, seed=5, pos_per_day=10, history_days=4)
        cls.account.sale_order_cutoff_days = 2
        cls.products = cls._catalogue_products()
        now = cls.sandbox.now()
        client = cls.account._acorn_spapi_client()
        cls.payloads = list(
            client.iter_purchase_orders(createdAfter=now - timedelta(days=5), createdBefore=now)
        )
        cls.PO = cls.env["acorn.vc.purchase.order"]

    def test_open_recent_pos_get_a_quotation(self):
        self.PO._acorn_import_orders(self.account, self.payloads)
        orders = self.PO.search([("account_id", "=", self.account.id)])
        cutoff = fields.Datetime.now() - timedelta(days=2)
        eligible = orders.filtered(lambda po: po.amz_state != "closed" and po.po_date >= cutoff)
        self.assertTrue(eligible, "the sandbox has open POs from the last two days")
        self.assertEqual(orders.filtered("sale_order_id"), eligible)
        self.assertTrue(orders - eligible, "older or closed POs exist and stay without SO")
        po = eligible[0]
        sale = po.sale_order_id
        self.assertEqual(sale.client_order_ref, po.name)
        self.assertEqual(sale.partner_id, self.account.partner_id)
        self.assertEqual(self.account.partner_id.name, "Amazon.com Services LLC")
        self.assertEqual(sale.partner_shipping_id.amz_fc_code, po.ship_to_code)
        self.assertEqual(sale.partner_shipping_id.parent_id, self.account.partner_id)
        self.assertTrue(sale.partner_shipping_id.street)
        self.assertEqual(sale.state, "draft", "confirmed only at acknowledgement")
        for line in po.line_ids:
            sol = sale.order_line.filtered(lambda sol, line=line: sol.acorn_po_line_id == line)
            self.assertEqual(sol.product_id, line.product_id)
            self.assertEqual(sol.product_uom_qty, line.ordered_units)
            self.assertAlmostEqual(sol.price_unit, line.net_cost)
        # One FC partner per code, however many POs go there.
        fcs = eligible.mapped("partner_shipping_id")
        self.assertEqual(len(fcs), len(set(eligible.mapped("ship_to_code"))))

    def test_amazon_sale_orders_carry_the_accounts_terms_taxes_and_responsible(self):
        tax = self.env["account.tax"].create(
            {"name": "Test sales tax 15%", "amount": 15, "type_tax_use": "sale"}
        )
        self.products.product_tmpl_id.taxes_id = tax
        resale = self.env["account.fiscal.position"].create(
            {"name": "Amazon resale", "tax_ids": [Command.create({"tax_src_id": tax.id})]}
        )
        net_60 = self.env.ref("acorn_vendor.account_payment_term_60days")
        self.assertEqual(self.account.payment_term_id, net_60, "Amazon's usual terms by default")
        self.account.write(
            {"fiscal_position_id": resale.id, "responsible_user_id": self.user_ops.id}
        )
        self.PO._acorn_import_orders(self.account, self.payloads)
        sales = self.PO.search([("account_id", "=", self.account.id)]).sale_order_id
        self.assertTrue(sales)
        for sale in sales:
            self.assertEqual(sale.user_id, self.user_ops, "salesperson: the responsible")
            self.assertEqual(sale.payment_term_id, net_60)
            self.assertEqual(sale.fiscal_position_id, resale)
            self.assertFalse(sale.order_line.tax_id, "Amazon buys for resale: no sales tax")

    def test_the_delivery_is_planned_in_amazons_ship_window(self):
        self.PO._acorn_import_orders(self.account, self.payloads)
        po = self.PO.search(
            [("account_id", "=", self.account.id), ("amz_state", "=", "new")]
        ).filtered("sale_order_id")[:1]
        self.assertTrue(po.ship_window_start and po.ship_window_end)
        po.action_accept_all()
        po._acorn_acknowledgement_accepted(self.env["acorn.vc.transaction"])
        picking = po.sale_order_id.picking_ids
        self.assertTrue(picking)
        self.assertEqual(picking.scheduled_date, po.ship_window_start)
        self.assertEqual(picking.date_deadline, po.ship_window_end)

    def test_unknown_product_is_flagged_then_mapped_and_remembered(self):
        recent = [
            p
            for p in self.payloads
            if p["purchaseOrderState"] != "Closed"
            and fields.Datetime.to_datetime(
                p["orderDetails"]["purchaseOrderDate"][:19].replace("T", " ")
            )
            >= fields.Datetime.now() - timedelta(days=2)
        ]
        payload = recent[0]
        asin = payload["orderDetails"]["items"][0]["amazonProductIdentifier"]
        product = self.products.filtered(lambda p: p.amz_asin == asin)
        product.write({"amz_asin": False, "barcode": False, "default_code": False})
        self.PO._acorn_import_orders(self.account, [payload])
        po = self.PO.search([("name", "=", payload["purchaseOrderNumber"])])
        self.assertEqual(po.unmatched_line_count, 1)
        self.assertFalse(po.sale_order_id, "no quotation with a line missing")
        line = po.line_ids.filtered(lambda ln: not ln.product_id)
        self.assertEqual(line.asin, asin, "the line is kept, not dropped")
        line.with_user(self.user_ops).product_id = product
        self.assertEqual(product.amz_asin, asin, "the mapping is remembered on the product")
        self.assertEqual(po.unmatched_line_count, 0)
        self.assertTrue(po.sale_order_id)

    def _eligible_payload(self):
        cutoff = fields.Datetime.now() - timedelta(days=2)
        self.PO._acorn_import_orders(self.account, self.payloads)
        po = self.PO.search(
            [
                ("account_id", "=", self.account.id),
                ("sale_order_id", "!=", False),
                ("po_date", ">=", cutoff),
            ],
            limit=1,
        )
        payload = next(p for p in self.payloads if p["purchaseOrderNumber"] == po.name)
        return po, copy.deepcopy(payload)

    def test_amazon_change_flows_to_an_unshipped_sale_order(self):
        po, payload = self._eligible_payload()
        item = payload["orderDetails"]["items"][0]
        item["orderedQuantity"]["amount"] += 2
        self.PO._acorn_import_orders(self.account, [payload])
        line = po.line_ids.filtered(
            lambda ln: ln.sequence_number == str(item["itemSequenceNumber"])
        )
        sol = po.sale_order_id.order_line.filtered(lambda sol: sol.acorn_po_line_id == line)
        self.assertEqual(sol.product_uom_qty, line.ordered_units)

    def test_amazon_change_after_shipping_asks_a_person(self):
        po, payload = self._eligible_payload()
        po.action_accept_all()
        po.ack_status = "done"
        sale = po.sale_order_id
        sale.action_confirm()
        for move in sale.picking_ids.move_ids:
            move.quantity = move.product_uom_qty
        sale.picking_ids.button_validate()
        self.assertEqual(sale.picking_ids.state, "done")
        payload["orderDetails"]["items"][0]["orderedQuantity"]["amount"] += 3
        self.PO._acorn_import_orders(self.account, [payload])
        activity = po.activity_ids.filtered(lambda a: "after it shipped" in (a.summary or ""))
        self.assertEqual(len(activity), 1)
        self.assertEqual(sale.order_line[0].qty_delivered, sale.order_line[0].product_uom_qty)
