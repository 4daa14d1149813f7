import xmlrpc.client
from datetime import datetime, timedelta, timezone

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from ..core.sandbox.testing import SandboxSession, asn_for, now_iso
from .common import AcornVendorCommon, SandboxMixin


class InvoiceFlow:
    """An account on a sandbox with New POs, and the steps from PO to invoice."""

    @classmethod
    def _setup_invoice_flow(cls, account, seed):
        cls.sandbox = cls._start_sandbox(
            account,
            seed=seed,
            pos_per_day=12,
            history_days=1,
            lines_max=3,
            frozen_clock=True,
            transaction_delay=60,
            change_rate=0,
            start_time=datetime.now(timezone.utc) - timedelta(days=1),
        )
        cls.warehouse = cls.env["stock.warehouse"].create(
            {"name": f"Acorn Invoice Warehouse {seed}", "code": f"AI{seed}"}
        )
        cls.remit_to = cls.env["res.partner"].create(
            {
                "name": "Acorn Housewares Inc",
                "street": "100 Industrial Way",
                "city": "Allentown",
                "zip": "18106",
                "country_id": cls.env.ref("base.us").id,
            }
        )
        account.write(
            {
                "warehouse_id": cls.warehouse.id,
                "invoice_remit_to_partner_id": cls.remit_to.id,
            }
        )
        cls.products = cls._catalogue_products()
        cls.sandbox.advance(86400)
        account._acorn_sync_purchase_orders(now=cls.sandbox.now().replace(tzinfo=None))
        cls.candidates = cls.env["acorn.vc.purchase.order"].search(
            [
                ("account_id", "=", account.id),
                ("amz_state", "=", "new"),
                ("sale_order_id", "!=", False),
                ("unmatched_line_count", "=", 0),
            ]
        )
        cls.session = SandboxSession(cls.sandbox)
        cls.used = set()

    # ------------------------------------------------------------------ helpers

    def _po(self, min_first_line=1):
        """A PO no other test used: the sandbox keeps what each test sent to it."""
        for po in self.candidates:
            if po.name not in self.used and po.line_ids[:1].ordered_units >= min_first_line:
                self.used.add(po.name)
                return po
        self.fail("the sandbox made no suitable New PO")

    def _tick(self, tx):
        tx._acorn_job_submit()
        self.sandbox.advance(120)
        tx._acorn_job_check_status()
        return tx

    def _acknowledge_and_ship(self, po, short=0):
        """Accept all, Amazon confirms, the delivery is done (line 1 ``short`` eaches
        short), and the ASN of what left goes to the sandbox."""
        po.action_accept_all()
        self.assertEqual(self._tick(po._acorn_send_acknowledgement()).state, "success")
        sale = po.sale_order_id
        self.assertEqual(sale.state, "sale")
        picking = sale.picking_ids
        for n, move in enumerate(picking.move_ids):
            move.quantity = move.product_uom_qty - (short if n == 0 else 0)
            move.picked = True
        picking.with_context(
            skip_backorder=True, picking_ids_not_to_backorder=picking.ids
        ).button_validate()
        self.assertEqual(picking.state, "done")
        order = po.account_id._acorn_spapi_client().get_purchase_order(po.name)
        shipped = {
            sol.acorn_po_line_id.sequence_number: int(sol.qty_delivered) for sol in sale.order_line
        }
        body = asn_for(order, f"ASN-{po.name}", now_iso(self.sandbox, -3600), shipped)
        tx_id = self.session.ok("SubmitShipmentConfirmations", body=body)["payload"][
            "transactionId"
        ]
        self.sandbox.advance(120)
        status = self.session.ok("getTransaction", transactionId=tx_id)["payload"]
        self.assertEqual(status["transactionStatus"]["status"], "Success", status)
        return sale

    def _invoice(self, sale, number=True):
        """The sale order's invoice; numbered after the PO, since each test's rollback hands
        Odoo's invoice numbers out again while the sandbox remembers every number it got."""
        move = sale._create_invoices()
        self.assertEqual(move.acorn_account_id, sale.acorn_purchase_order_id.account_id)
        self.assertEqual(move.acorn_invoice_state, "to_check")
        if number:
            move.amz_invoice_number = f"AMZ-{sale.client_order_ref}"
        return move

    def _codes(self, result):
        return {p["code"] for p in result["problems"] if not p["overridden"]}


@tagged("-at_install", "post_install")
class TestInvoice(InvoiceFlow, AcornVendorCommon):
    """Amazon PO -> acknowledged -> delivered -> ASN at Amazon -> invoice checked and sent,
    against the sandbox; and the mistakes Amazon refuses, stopped in Odoo first."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.responsible_user_id = cls.user_manager
        cls._setup_invoice_flow(cls.account, seed=53)

    # ------------------------------------------------------------------ tests

    def test_invoice_accepted_by_amazon_then_a_credit_note_for_a_return(self):
        po = self._po()
        move = self._invoice(self._acknowledge_and_ship(po))
        move.action_post()
        self.assertEqual(move.amz_invoice_number, f"AMZ-{po.name}")
        (checked,) = move.acorn_check_invoice()
        self.assertEqual(checked["problems"], [], checked)
        self.assertTrue(checked["ok"])
        self.assertEqual(move.acorn_invoice_state, "ready")
        xmlrpc.client.dumps((checked,))  # what XML-RPC callers get is serialisable
        (sent,) = move.acorn_send_invoice()
        xmlrpc.client.dumps((sent,))
        self.assertTrue(sent["sent"])
        tx = self.env["acorn.vc.transaction"].browse(sent["transaction_id"])
        self.assertEqual((tx.kind, tx.move_id, move.acorn_invoice_state), ("invoice", move, "sent"))
        doc = tx.payload["invoices"][0]
        self.assertEqual((doc["invoiceType"], doc["id"]), ("Invoice", move.amz_invoice_number))
        self.assertEqual(doc["remitToParty"]["address"]["name"], "Acorn Housewares Inc")
        self.assertEqual(doc["remitToParty"]["partyId"], po.vendor_code)
        self.assertEqual({i["purchaseOrderNumber"] for i in doc["items"]}, {po.name})
        self.assertEqual(
            sum(i["invoicedQuantity"]["amount"] for i in doc["items"]), po.ordered_units
        )
        self.assertEqual(self._tick(tx).state, "success", tx.errors)
        self.assertEqual(move.acorn_invoice_state, "accepted")
        self.assertEqual(move.acorn_send_invoice()[0]["sent"], False, "never sent twice")
        with self.assertRaisesRegex(UserError, "credit note"):
            move.button_draft()

        refund = move._reverse_moves(
            [{"acorn_credit_reason": "return", "amz_return_reference": "RMA-1"}]
        )
        self.assertEqual(refund.acorn_account_id, self.account)
        refund.invoice_line_ids[1:].unlink()
        refund.invoice_line_ids.quantity = 1
        refund.action_post()
        (sent,) = refund.acorn_send_invoice()
        self.assertTrue(sent["sent"], sent["problems"])
        tx = self.env["acorn.vc.transaction"].browse(sent["transaction_id"])
        doc = tx.payload["invoices"][0]
        self.assertEqual(
            (doc["invoiceType"], doc["referenceNumber"]), ("CreditNote", move.amz_invoice_number)
        )
        details = doc["items"][0]["creditNoteDetails"]
        self.assertEqual(details["returnsReferenceNumber"], "RMA-1")
        self.assertEqual(self._tick(tx).state, "success", tx.errors)
        self.assertEqual(refund.acorn_invoice_state, "accepted")

        # Amazon is owed 0.25 per each of the first line: a price adjustment.
        adjustment = move._reverse_moves([{"acorn_credit_reason": "price_adjustment"}])
        adjustment.invoice_line_ids[1:].unlink()
        adjustment.invoice_line_ids.price_unit = 0.25
        adjustment.action_post()
        (blocked,) = adjustment.acorn_send_invoice()
        # One each of that line came back and was credited in full: it gets no adjustment.
        self.assertEqual(self._codes(blocked), {"CREDIT_EXCEEDS_INVOICED"})
        kept = int(adjustment.invoice_line_ids.quantity) - 1
        self.assertIn(f"Reduce the quantity to {kept}", blocked["problems"][0]["fix"])
        adjustment.button_draft()
        adjustment.invoice_line_ids.quantity = kept
        adjustment.action_post()
        (sent,) = adjustment.acorn_send_invoice()
        self.assertTrue(sent["sent"], sent["problems"])
        tx = self.env["acorn.vc.transaction"].browse(sent["transaction_id"])
        item = tx.payload["invoices"][0]["items"][0]
        self.assertEqual(item["netCost"]["amount"], "0.25")
        self.assertNotIn("returnsReferenceNumber", item["creditNoteDetails"])
        self.assertEqual(self._tick(tx).state, "success", tx.errors)

    def test_a_partial_delivery_invoices_what_shipped_whatever_the_product_policy(self):
        po = self._po(min_first_line=2)
        # Products that invoice on order (Odoo's default, and the demo's): an Amazon order
        # still bills only what left, since Amazon refuses more.
        po.line_ids.product_id.invoice_policy = "order"
        sale = self._acknowledge_and_ship(po, short=1)
        line = sale.order_line.filtered(lambda sol: sol.qty_delivered < sol.product_uom_qty)
        self.assertEqual(len(line), 1, "one line shipped short")
        move = self._invoice(sale)
        self.assertEqual(
            {aml.sale_line_ids: aml.quantity for aml in move.invoice_line_ids},
            {sol: sol.qty_delivered for sol in sale.order_line},
        )
        move.action_post()
        (checked,) = move.acorn_check_invoice()
        self.assertEqual(checked["problems"], [], checked)
        self.assertEqual(line.qty_to_invoice, 0, "the rest is invoiced once it ships")

    def test_mistakes_are_stopped_then_overridden_rejected_fixed_and_resent(self):
        po = self._po(min_first_line=2)
        sale = self._acknowledge_and_ship(po, short=1)
        move = self._invoice(sale)
        line = move.invoice_line_ids.filtered(
            lambda ln: ln.sale_line_ids.acorn_po_line_id == po.line_ids[0]
        )
        cost = line.price_unit
        # Someone bills what was ordered (one each more than shipped) at the wrong price.
        line.write({"price_unit": cost + 0.5, "quantity": line.quantity + 1})
        move.action_post()
        (result,) = move.acorn_send_invoice()
        self.assertFalse(result["sent"])
        self.assertEqual(
            self._codes(result), {"NET_COST_MISMATCH", "INVOICED_QUANTITY_EXCEEDS_SHIPPED"}
        )
        self.assertFalse(move.acorn_transaction_ids, "nothing left Odoo")
        self.assertEqual((move.acorn_invoice_state, move.acorn_blocking_count), ("blocked", 2))
        fixes = " ".join(move.acorn_check_ids.mapped("fix"))
        self.assertIn(f"{po.line_ids[0].net_cost:g}", fixes)
        self.assertIn(f"Reduce the quantity to {po.line_ids[0].ordered_units - 1}", fixes)

        with self.assertRaises(AccessError):
            move.with_user(self.user_finance).acorn_override_check("The buyer agreed")
        with self.assertRaises(UserError):
            move.with_user(self.user_manager).acorn_override_check(" ")
        move.with_user(self.user_manager).acorn_override_check("Buyer agreed by e-mail")
        self.assertEqual(move.acorn_invoice_state, "ready")
        self.assertIn("Buyer agreed by e-mail", move.message_ids[0].body)
        (result,) = move.acorn_send_invoice()
        self.assertTrue(result["sent"])
        tx = self._tick(move.acorn_transaction_ids)
        # The sandbox refuses exactly what the check had found.
        self.assertEqual(tx.state, "failure")
        self.assertIn("NET_COST_MISMATCH", tx.errors)
        self.assertIn("INVOICED_QUANTITY_EXCEEDS_SHIPPED", tx.errors)
        self.assertEqual(move.acorn_invoice_state, "rejected")
        self.assertIn("NET_COST_MISMATCH", move.acorn_invoice_errors)
        self.assertTrue(move.activity_ids.filtered(lambda a: "rejected" in (a.summary or "")))

        move.button_draft()
        self.assertFalse(move.acorn_overridden_keys, "an override covers the invoice as it was")
        line.write({"price_unit": cost, "quantity": line.quantity - 1})
        move.action_post()
        (result,) = move.acorn_check_invoice()
        self.assertTrue(result["ok"], result["problems"])
        (result,) = move.acorn_send_invoice()
        self.assertTrue(result["sent"])
        tx = self._tick(move.acorn_transaction_ids.filtered(lambda t: t.state == "draft"))
        self.assertEqual(tx.state, "success", tx.errors)
        self.assertEqual(move.acorn_invoice_state, "accepted")
        self.assertEqual(len(move.acorn_transaction_ids), 2)

    def test_dates_lines_and_numbers_amazon_would_refuse(self):
        po = self._po()
        sale = self._acknowledge_and_ship(po)
        move = self._invoice(sale, number=False)
        move.invoice_date = po.po_date.date() - timedelta(days=3)
        stray = self.products.filtered(lambda p: p not in po.line_ids.product_id)[:1]
        move.invoice_line_ids = [
            fields.Command.create({"product_id": stray.id, "quantity": 1, "price_unit": 5})
        ]
        (result,) = move.acorn_check_invoice()
        self.assertEqual(
            self._codes(result),
            {
                "MISSING_INVOICE_NUMBER",
                "INVOICE_DATE_BEFORE_PO_DATE",
                "MISSING_PURCHASE_ORDER_NUMBER",
            },
        )
        move.invoice_line_ids.filtered(lambda ln: ln.product_id == stray).unlink()
        move.invoice_date = fields.Date.today()
        move.action_post()
        self.assertEqual(move.amz_invoice_number, move.name, "the invoice's number by default")
        self.assertEqual(move.acorn_check_invoice()[0]["problems"], [])

        twice = self._invoice_again(sale)
        twice.action_post()
        codes = self._codes(twice.acorn_check_invoice()[0])
        self.assertEqual(
            codes, {"INVOICED_QUANTITY_EXCEEDS_ACCEPTED", "INVOICED_QUANTITY_EXCEEDS_SHIPPED"}
        )
        with self.assertRaisesRegex(ValidationError, "already used"):
            twice.amz_invoice_number = move.amz_invoice_number

    def _invoice_again(self, sale):
        """A second invoice of the same goods (someone duplicated the first)."""
        return self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": sale.partner_invoice_id.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    fields.Command.create(
                        {
                            "product_id": sol.product_id.id,
                            "quantity": sol.product_uom_qty,
                            "price_unit": sol.price_unit,
                            "tax_ids": [fields.Command.set(sol.tax_id.ids)],
                            "sale_line_ids": [fields.Command.set(sol.ids)],
                        }
                    )
                    for sol in sale.order_line
                ],
            }
        )

    def test_credit_note_needs_its_reason_and_a_sent_invoice(self):
        po = self._po()
        move = self._invoice(self._acknowledge_and_ship(po))
        move.action_post()
        refund = move._reverse_moves()
        refund.action_post()
        codes = self._codes(refund.acorn_check_invoice()[0])
        self.assertIn("MISSING_CREDIT_REASON", codes)
        self.assertIn("UNKNOWN_REFERENCED_INVOICE", codes, "the invoice was never sent")

    def test_override_wizard_keeps_the_reason(self):
        po = self._po()
        move = self._invoice(self._acknowledge_and_ship(po))
        move.invoice_line_ids[0].price_unit += 1
        move.action_post()
        move.action_acorn_check_invoice()
        self.assertEqual(move.acorn_invoice_state, "blocked")
        action = move.action_acorn_override_check()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.user_manager)
            .with_context(**action["context"])
            .create({"reason": "Price change agreed with Amazon", "send": False})
        )
        self.assertEqual(wizard.check_ids.mapped("code"), ["NET_COST_MISMATCH"])
        wizard.action_confirm()
        self.assertTrue(all(move.acorn_check_ids.mapped("overridden")))
        self.assertIn("Price change agreed with Amazon", move.message_ids[0].body)

    def test_non_amazon_invoices_are_left_alone(self):
        partner = self.env["res.partner"].create({"name": "Someone else"})
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_line_ids": [
                    fields.Command.create({"name": "Service", "quantity": 1, "price_unit": 10})
                ],
            }
        )
        self.assertFalse(move.acorn_account_id)
        self.assertFalse(move.acorn_invoice_state, "no Amazon state on other invoices")
        with self.assertRaisesRegex(UserError, "no Amazon purchase order"):
            move.acorn_send_invoice()

    def test_an_accountant_outside_vendor_central_still_opens_invoices(self):
        move = self._invoice(self._acknowledge_and_ship(self._po()))
        accountant = new_test_user(
            self.env, "plain_accountant", groups="account.group_account_invoice"
        )
        with Form(move.with_user(accountant)) as form:
            form.ref = "opened without Vendor Central rights"
        self.assertEqual(move.ref, "opened without Vendor Central rights")


@tagged("-at_install", "post_install")
class TestInvoiceXmlRpc(InvoiceFlow, SandboxMixin, HttpCase):
    """What a vendor's script does over XML-RPC: check, send, read Amazon's verdict."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["acorn.vc.account"].create(
            {"name": "RPC invoices", "marketplace_code": "US"}
        )
        cls._setup_invoice_flow(cls.account, seed=57)
        new_test_user(
            cls.env,
            "acorn_rpc_finance",
            password="acorn_rpc_fin1",
            groups="acorn_vendor.group_acorn_finance",
        )

    def test_check_send_and_read_back_over_xmlrpc(self):
        po = self._po()
        move = self._invoice(self._acknowledge_and_ship(po))
        move.action_post()
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, "acorn_rpc_finance", "acorn_rpc_fin1", {})

        def call(method, *args, **kw):
            return self.xmlrpc_object.execute_kw(
                db, uid, "acorn_rpc_fin1", "account.move", method, list(args), kw
            )

        (checked,) = call("acorn_check_invoice", [move.id])
        self.assertEqual((checked["ok"], checked["problems"]), (True, []))
        (sent,) = call("acorn_send_invoice", [move.id])
        self.assertTrue(sent["sent"])
        self.env.invalidate_all()  # the RPC requests wrote through the same cursor
        self._tick(move.acorn_transaction_ids)  # what the queued job and the cron do
        (read,) = call(
            "read",
            [move.id],
            fields=["acorn_invoice_state", "acorn_invoice_errors", "amz_invoice_number"],
        )
        self.assertEqual(read["acorn_invoice_state"], "accepted")
        self.assertEqual(read["amz_invoice_number"], f"AMZ-{po.name}")
        with self.assertRaisesRegex(xmlrpc.client.Fault, "Finance manager"):
            call("acorn_override_check", [move.id], "no rights")
