import json
from datetime import timedelta
from unittest import mock

from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..core.spapi import SpApiClient
from .common import AcornVendorCommon


@tagged("-at_install", "post_install")
class TestAcknowledgement(AcornVendorCommon):
    """Rules, submission, Amazon's verdict and the sale order, against the sandbox."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = cls._start_sandbox(
            cls.account,
            seed=41,
            pos_per_day=12,
            history_days=1,
            lines_max=4,
            frozen_clock=True,
            transaction_delay=60,
            change_rate=0,
        )
        cls.account.write(
            {"ack_price_tolerance_pct": 0, "responsible_user_id": cls.user_manager.id}
        )
        # A warehouse of its own: whatever stock demo data holds elsewhere does not count.
        cls.warehouse = cls.env["stock.warehouse"].create(
            {"name": "Acorn Test Warehouse", "code": "ACTW", "company_id": cls.company.id}
        )
        cls.account.warehouse_id = cls.warehouse
        cls.products = cls._catalogue_products()
        # A day passes in Amazon's world: New POs wait for the vendor.
        cls.sandbox.advance(86400)
        now = cls.sandbox.now()
        cls.account._acorn_sync_purchase_orders(now=now.replace(tzinfo=None))
        cls.PO = cls.env["acorn.vc.purchase.order"]
        cls.new_pos = cls.PO.search(
            [("account_id", "=", cls.account.id), ("amz_state", "=", "new")]
        )

    def _stock(self, product, qty):
        self.env["stock.quant"]._update_available_quantity(
            product, self.warehouse.lot_stock_id, qty
        )

    def _po(self):
        po = self.new_pos.filtered(lambda p: p.sale_order_id and not p.unmatched_line_count)[:1]
        self.assertTrue(po, "the sandbox made a New PO with a quotation")
        return po

    def test_rules_accept_what_stock_covers_and_name_the_reason(self):
        po = self._po()
        # A line of two units or more: half of it is in stock (the sandbox orders single
        # units too, since its POs follow the forecast).
        line = po.line_ids.filtered(lambda item: item.ordered_units >= 2)[:1]
        self._stock(line.product_id, line.ordered_units // 2)
        po.action_apply_ack_rules()
        self.assertEqual(line.accepted_qty, line.ordered_units // 2)
        rest = line.ordered_units - line.accepted_qty
        if line.backorder_allowed:
            self.assertEqual(line.backordered_qty, rest)
        else:
            self.assertEqual(
                (line.rejected_qty, line.rejection_reason), (rest, "TemporarilyUnavailable")
            )
        self.assertIn("available by the ship window", line.ack_note)
        for other in po.line_ids - line:
            self.assertEqual(
                other.accepted_qty + other.backordered_qty + other.rejected_qty, other.ordered_units
            )

    def test_archived_product_is_rejected_as_obsolete(self):
        po = self._po()
        line = po.line_ids[0]
        line.product_id.active = False
        po.action_apply_ack_rules()
        self.assertEqual(
            (line.rejected_qty, line.rejection_reason), (line.ordered_units, "ObsoleteProduct")
        )

    def test_unanswered_lines_cannot_be_sent(self):
        po = self._po()
        with self.assertRaisesRegex(UserError, "not fully answered"):
            po.action_send_acknowledgement()

    def test_acknowledged_at_amazon_confirms_the_sale_order(self):
        po = self._po()
        for line in po.line_ids:
            self._stock(line.product_id, line.ordered_units)
        po.action_apply_ack_rules()
        self.assertEqual(sum(po.line_ids.mapped("accepted_qty")), po.ordered_units)
        tx = po._acorn_send_acknowledgement()
        self.assertEqual((tx.kind, tx.state, po.ack_status), ("acknowledgement", "draft", "sent"))
        self.assertEqual(tx.payload["acknowledgements"][0]["purchaseOrderNumber"], po.name)
        tx._acorn_job_submit()
        self.assertEqual(tx.state, "processing")
        self.assertTrue(tx.transaction_id)
        self.assertEqual(tx.attempts, 1)
        tx._acorn_job_submit()  # a replayed job does not send twice
        self.assertEqual(tx.attempts, 1)
        self.sandbox.advance(120)
        tx._acorn_job_check_status()
        self.assertEqual(tx.state, "success", tx.errors)
        self.assertEqual((po.ack_status, po.amz_state), ("done", "acknowledged"))
        sale = po.sale_order_id
        self.assertEqual(sale.state, "sale")
        self.assertTrue(sale.picking_ids, "confirming creates the delivery")
        amazon = self.account._acorn_spapi_client().get_purchase_order(po.name)
        self.assertEqual(amazon["purchaseOrderState"], "Acknowledged")

    def test_acknowledge_by_shows_only_while_amazon_waits(self):
        po = self._po()
        po.action_accept_all()
        po._acorn_send_acknowledgement()
        # Amazon has not confirmed yet: the PO is still New there, but nobody must act.
        self.assertEqual((po.amz_state, po.ack_status, po.ack_waiting), ("new", "sent", False))
        for view_type in ("list", "kanban", "form"):
            arch = etree.fromstring(self.PO.get_view(view_type=view_type)["arch"])
            deadlines = arch.xpath("//field[@name='ack_deadline']")
            self.assertTrue(deadlines, view_type)
            for node in deadlines:
                self.assertEqual(node.get("invisible"), "not ack_waiting", view_type)

    def test_payloads_read_as_json_and_amazons_versions_stay_as_sent(self):
        po = self._po()
        po.action_accept_all()
        tx = po._acorn_send_acknowledgement()
        self.assertEqual(json.loads(tx.payload_text), tx.payload)
        self.assertIn('"purchaseOrderNumber"', tx.payload_text)
        form = etree.fromstring(self.env["acorn.vc.transaction"].get_view(view_type="form")["arch"])
        self.assertTrue(form.xpath("//page[@name='payload']/field[@name='payload_text']"))
        self.assertFalse(form.xpath("//field[@name='payload']"), "a JSON object shows as text")

        version = po.payload_ids[:1]
        self.assertEqual(json.loads(version.content_text), version.content)
        form = etree.fromstring(self.PO.get_view(view_type="form")["arch"])
        (versions,) = form.xpath("//page[@name='versions']/field[@name='payload_ids']")
        self.assertEqual(versions.get("readonly"), "1")
        self.assertTrue(versions.xpath("./form//field[@name='content_text']"))
        for verb in ("write", "unlink"):
            with self.assertRaises(AccessError, msg=verb):
                payload = version.with_user(self.user_manager)
                payload.write({"error": "edited"}) if verb == "write" else payload.unlink()

    def test_amazon_failure_becomes_an_activity_with_its_error(self):
        po = self._po()
        po.action_accept_all()
        tx = po._acorn_send_acknowledgement()
        tx.sudo().payload = {
            "acknowledgements": [
                {**tx.payload["acknowledgements"][0], "purchaseOrderNumber": "NOSUCHPO1"}
            ]
        }
        tx._acorn_job_submit()
        self.sandbox.advance(120)
        tx._acorn_job_check_status()
        self.assertEqual(tx.state, "failure")
        self.assertIn("NOSUCHPO1", tx.errors)
        self.assertEqual(po.ack_status, "failed")
        activity = po.activity_ids.filtered(lambda a: "rejected" in (a.summary or ""))
        self.assertEqual(activity.user_id, self.user_manager)
        self.assertIn("NOSUCHPO1", str(activity.note))

    def test_a_stuck_transaction_is_resolved_from_the_po_status(self):
        po = self._po()
        po.action_accept_all()
        tx = po._acorn_send_acknowledgement()
        tx._acorn_job_submit()
        self.sandbox.advance(120)  # Amazon applied it, but getTransaction keeps saying Processing
        stuck = {"transactionId": tx.transaction_id, "status": "Processing"}
        with mock.patch.object(SpApiClient, "get_transaction", return_value=stuck):
            tx._acorn_job_check_status()
            self.assertEqual(tx.state, "processing", "not stuck yet: poll again later")
            self.assertGreater(tx.next_check_at, tx.submitted_at)
            later = tx.submitted_at + timedelta(minutes=self.account.transaction_stuck_minutes + 1)
            tx._acorn_job_check_status(now=later)
        self.assertEqual((tx.state, tx.resolved_by), ("success", "po_status"))
        self.assertEqual(po.ack_status, "done")

    def test_deadline_alert_once_before_the_deadline(self):
        po = self._po()
        po.po_date = fields.Datetime.now() - timedelta(hours=21)
        self.account.ack_alert_hours = 4
        PO = self.env["acorn.vc.purchase.order"]
        self.assertGreaterEqual(PO._cron_ack_deadline_alerts(), 1)
        todo = po.activity_ids.filtered(lambda a: po.name in (a.summary or ""))
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.user_id, self.user_manager)
        PO._cron_ack_deadline_alerts()
        self.assertEqual(len(po.activity_ids.filtered(lambda a: po.name in (a.summary or ""))), 1)

    def test_cron_queues_status_checks_that_are_due(self):
        po = self._po()
        po.action_accept_all()
        tx = po._acorn_send_acknowledgement()
        tx._acorn_job_submit()
        tx.next_check_at = fields.Datetime.now() - timedelta(minutes=1)
        self.assertEqual(self.env["acorn.vc.transaction"]._cron_check_transactions(), 1)

    def test_wizard_acknowledges_many_pos_at_once(self):
        pos = self.new_pos.filtered(lambda p: not p.unmatched_line_count)[:2]
        self.assertEqual(len(pos), 2)
        closed = self.PO.search(
            [("account_id", "=", self.account.id), ("amz_state", "=", "closed")], limit=1
        )
        selection = pos | closed
        wizard = (
            self.env["acorn.vc.acknowledge.wizard"]
            .with_user(self.user_ops)
            .with_context(active_model="acorn.vc.purchase.order", active_ids=selection.ids)
            .create({"mode": "accept_all", "send": True})
        )
        self.assertEqual(wizard.skipped_count, len(closed))
        wizard.action_confirm()
        self.assertEqual(set(pos.mapped("ack_status")), {"sent"})
        self.assertEqual(len(pos.transaction_ids), 2)
        for po in pos:
            self.assertEqual(sum(po.line_ids.mapped("accepted_qty")), po.ordered_units)

    def test_overview_counts_pos_to_acknowledge_and_overdue(self):
        waiting = self.new_pos.filtered(lambda p: p.ack_status == "to_do")
        self.account.invalidate_recordset(["po_to_ack_count", "po_overdue_count"])
        self.assertEqual(self.account.po_to_ack_count, len(waiting))
        waiting[0].po_date = fields.Datetime.now() - timedelta(hours=30)
        self.account.invalidate_recordset(["po_to_ack_count", "po_overdue_count"])
        self.assertEqual(self.account.po_overdue_count, 1)
        action = self.account.action_view_pos_overdue()
        self.assertEqual(self.PO.search(action["domain"]), waiting[0])

    def test_vendor_central_users_read_amazon_sale_orders_without_changing_them(self):
        po = self._po()
        for line in po.line_ids:
            self._stock(line.product_id, line.ordered_units)
        # A Vendor Central user who is not the salesperson answers the PO, and Amazon's
        # acceptance reaches Acorn in their session: the order is still confirmed (the system
        # does it), though the user cannot edit it.
        ops_po = po.with_user(self.user_ops)
        ops_po.action_accept_all()
        ops_po._acorn_acknowledgement_accepted(self.env["acorn.vc.transaction"])
        sale = po.sale_order_id
        self.assertEqual(sale.state, "sale")
        salesperson = new_test_user(
            self.env, "acorn_salesperson", groups="sales_team.group_sale_salesman"
        )
        sale.user_id = salesperson
        as_ops = sale.with_user(self.user_ops)
        self.assertEqual(as_ops.read(["name"])[0]["name"], sale.name)
        self.assertTrue(as_ops.order_line.read(["product_uom_qty"]))
        with self.assertRaises(AccessError):
            as_ops.write({"client_order_ref": "edited"})
        with self.assertRaises(AccessError):
            as_ops.order_line[:1].write({"name": "edited"})
        with self.assertRaises(AccessError):
            as_ops.unlink()
        # The salesperson, a sales manager and a Vendor Central manager keep their rights.
        sales_manager = new_test_user(
            self.env, "acorn_sales_manager", groups="sales_team.group_sale_manager"
        )
        for user, ref in (
            (sale.user_id, "by salesperson"),
            (sales_manager, "by sales manager"),
            (self.user_manager, "by Vendor Central manager"),
        ):
            sale.with_user(user).write({"client_order_ref": ref})
            self.assertEqual(sale.client_order_ref, ref)
