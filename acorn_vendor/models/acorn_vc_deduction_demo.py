"""Demo data for the deduction ledger: a few of the sandbox's POs shipped and invoiced in Odoo
for real (PO from getPurchaseOrder, Amazon's receipts from getPurchaseOrdersStatus, sale
order, delivery packed in SSCC cartons, accepted ASN, BOL and POD, invoice), so that the
shortage claims the sandbox took on them are assessed on evidence and can be disputed."""

import logging
import os
from datetime import datetime, time, timedelta

import requests

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core import po_import
from ..core.deductions.demo_shipments import claimed_invoices
from ..core.spapi import converters
from ..core.spapi.dates import covering_windows
from ..core.spapi.errors import SpApiError

_logger = logging.getLogger(__name__)

# A demo stand-in for the carrier's signed paper, named as what it is.
DEMO_POD = b"%PDF-1.4\n% Acorn demo: proof of delivery signed at the fulfilment centre\n%%EOF\n"
DEMO_BOL = b"%PDF-1.4\n% Acorn demo: bill of lading\n%%EOF\n"


class AcornVcDeduction(models.Model):
    _inherit = "acorn.vc.deduction"

    @api.model
    def _acorn_demo_shipments(self, account_ids):
        """Demo data (only where ``./acorn demo`` started the sandbox): ship and invoice in
        Odoo the POs whose shortage claims the sandbox's recent payments took, then import
        its Payments export, so the ledger opens on assessed deductions."""
        if not os.environ.get("ACORN_SANDBOX_URL"):
            return
        for account in self.env["acorn.vc.account"].browse(account_ids).sudo():
            try:  # demo data never stops the demo from installing
                with self.env.cr.savepoint():
                    self._acorn_ship_claimed(account)
                    self._acorn_demo_open_invoices(account)
            except (requests.RequestException, SpApiError, ValueError, UserError) as exc:
                _logger.warning("Demo: no shipped claims for %s (%s)", account.name, exc)

    @api.model
    def _acorn_demo_import_payments(self, account_ids):
        """Demo data: import the sandbox's Payments export, as a Finance user would, once the
        invoices it pays are in Odoo (after _acorn_demo_paid_invoices)."""
        if not os.environ.get("ACORN_SANDBOX_URL"):
            return
        Remittance = self.env["acorn.vc.remittance"]
        for account in self.env["acorn.vc.account"].browse(account_ids).sudo():
            try:
                data = self._acorn_sandbox_payments(account, "xlsx").content
            except requests.RequestException as exc:
                _logger.warning("Demo: no sandbox payments for %s (%s)", account.name, exc)
                continue
            Remittance._acorn_import_file(account, "Payments.xlsx", data)

    @api.model
    def _acorn_demo_open_invoices(self, account, days=21):
        """Post the history invoices the sandbox pays in the next ``days`` (issued before the
        demo), so the Payments export after the sandbox's clock moves on books too."""
        url = (account.endpoint_override or "").rstrip("/")
        response = requests.get(f"{url}/_sandbox/invoices/open", params={"days": days}, timeout=120)
        response.raise_for_status()
        lines = response.json()["invoices"]
        return self.env["acorn.vc.remittance"]._acorn_post_paid_invoices(
            account, {"payments": [{"lines": lines}]}
        )

    @api.model
    def _acorn_sandbox_payments(self, account, fmt):
        """The response of the sandbox's Payments export (``fmt``: json, xlsx or csv)."""
        url = (account.endpoint_override or "").rstrip("/")
        response = requests.get(
            f"{url}/_sandbox/payments/export", params={"format": fmt}, timeout=120
        )
        response.raise_for_status()
        return response

    @api.model
    def _acorn_ship_claimed(self, account, today=None, per_band=8):
        """Ship and invoice the claimed POs of the sandbox's payments (see
        core/deductions/demo_shipments.py); returns the invoices posted."""
        payments = self._acorn_sandbox_payments(account, "json").json()["payments"]
        today = today or fields.Date.context_today(self)
        wanted = claimed_invoices(payments, today, per_band=per_band)
        have = set(
            self.env["account.move"]
            .search([("amz_invoice_number", "in", [c.invoice_number for c in wanted])])
            .mapped("amz_invoice_number")
        )
        wanted = [c for c in wanted if c.invoice_number not in have]
        if not wanted:
            return self.env["account.move"]
        client = account._acorn_spapi_client()
        PO = self.env["acorn.vc.purchase.order"]
        PO._acorn_import_orders(
            account, [client.get_purchase_order(c.purchase_order) for c in wanted]
        )
        orders = PO.search(
            [("account_id", "=", account.id), ("name", "in", [c.purchase_order for c in wanted])]
        )
        statuses = self._acorn_demo_statuses(client, orders)
        invoices = self.env["account.move"]
        for claimed in wanted:
            po = orders.filtered(lambda o, n=claimed.purchase_order: o.name == n)
            status = statuses.get(po.name)
            if not po or not status or po.unmatched_line_count:
                continue
            invoices |= self._acorn_demo_ship_po(account, po, status, claimed)
        return invoices

    @api.model
    def _acorn_demo_statuses(self, client, orders):
        """getPurchaseOrdersStatus of ``orders``, by PO number."""
        found = {}
        numbers = set(orders.mapped("name"))
        for start, end in covering_windows(orders.mapped("po_date")):
            for status in client.iter_purchase_orders_status(createdAfter=start, createdBefore=end):
                if status.get("purchaseOrderNumber") in numbers:
                    found[status["purchaseOrderNumber"]] = status
        return found

    @api.model
    def _acorn_demo_ship_po(self, account, po, status, claimed):
        """One history PO as the vendor played it: Amazon's answer and receipts on the
        lines, the sale order, its delivery packed, shipped and confirmed by an ASN Amazon
        accepted, BOL and POD on file, and the invoice Amazon paid."""
        accepted = po_import.acknowledged_quantities(status)
        received = po_import.received_quantities(status)
        received_dates = po_import.receive_dates(status)
        for line in po.line_ids:
            take, reject = accepted.get(line.sequence_number, (0, 0))
            line.write(
                {
                    "accepted_qty": min(take, line.ordered_units),
                    "rejected_qty": reject,
                    "received_qty": received.get(line.sequence_number, 0),
                    "received_date": received_dates.get(line.sequence_number, False),
                }
            )
        po.with_context(acorn_history_sale_order=True)._acorn_create_sale_orders()
        sale = po.sale_order_id
        if not sale:
            return self.env["account.move"]
        for sale_line in sale.order_line:
            po_line = sale_line.acorn_po_line_id  # what Amazon accepted, at its net cost
            sale_line.write(
                {"product_uom_qty": po_line.accepted_qty, "price_unit": po_line.net_cost}
            )
        sale.order_line.filtered(lambda ln: not ln.product_uom_qty).unlink()
        sale.action_confirm()
        picking = sale.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")[:1]
        stock = picking.location_id
        for move in picking.move_ids:
            self.env["stock.quant"]._update_available_quantity(
                move.product_id, stock, move.product_uom_qty
            )
        picking.action_assign()
        for move_line in picking.move_line_ids:
            picking._put_in_pack(move_line)
        picking.action_acorn_put_on_pallet()
        picking.move_ids.picked = True
        picking.with_context(skip_backorder=True, skip_sms=True).button_validate()
        shipped_at = datetime.combine(claimed.invoice_date, time(15, 0))
        picking.write(
            {
                "date_done": shipped_at,
                "acorn_bill_of_lading": f"BOL-{po.name}",
                "acorn_carrier_scac": account.asn_carrier_scac or "ODFL",
            }
        )
        picking._acorn_assign_ssccs()
        shipment, _problems = picking._acorn_asn_shipment(now=shipped_at + timedelta(hours=2))
        transaction = (
            self.env["acorn.vc.transaction"]
            .sudo()
            .create(
                {
                    "account_id": account.id,
                    "kind": "shipment_confirmation",
                    "purchase_order_id": po.id,
                    "picking_id": picking.id,
                    "payload": {
                        "shipmentConfirmations": [
                            converters.shipment_confirmation_to_spapi(shipment)
                        ]
                    },
                    "state": "success",
                    "submitted_at": shipped_at + timedelta(hours=2),
                }
            )
        )
        picking._acorn_asn_accepted(transaction)
        picking.acorn_asn_accepted_at = shipped_at + timedelta(hours=3)  # as it happened
        Attachment = self.env["ir.attachment"]
        for name, data in ((f"POD {picking.name}.pdf", DEMO_POD), (f"BOL-{po.name}.pdf", DEMO_BOL)):
            Attachment.create(
                {"name": name, "raw": data, "res_model": "stock.picking", "res_id": picking.id}
            )
        invoice = sale._create_invoices()
        invoice.write(
            {
                "invoice_date": claimed.invoice_date,
                # The terms the sandbox paid its history on (due when it paid), as in
                # test_dispute: the dispute window counts from the same due date on both sides.
                "invoice_payment_term_id": self.env.ref("account.account_payment_term_30days").id,
                "amz_invoice_number": claimed.invoice_number,
                "acorn_account_id": account.id,
            }
        )
        invoice.action_post()
        return invoice
