import logging
from datetime import timedelta

from odoo import api, fields, models

from ..core.odoo_values import json_text
from ..core.spapi import SpApiError, SubmissionUncertainError
from .jobs import RETRYABLE, delay, retry_later

_logger = logging.getLogger(__name__)

# getTransaction polls back off: 1, 2, 4 ... minutes, at most an hour apart.
POLL_FIRST_MINUTES = 1
POLL_MAX_MINUTES = 60


class AcornVcTransaction(models.Model):
    """Every call that sends Amazon a document: what was sent, Amazon's id and verdict.

    Acknowledgements, ASNs and invoices all go through here, so a person can always see
    what left Odoo, when, how often, and what Amazon answered.
    """

    _name = "acorn.vc.transaction"
    _description = "Vendor Central Transaction"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_name = "display_name"

    account_id = fields.Many2one("acorn.vc.account", required=True, index=True, readonly=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    kind = fields.Selection(
        [
            ("acknowledgement", "PO Acknowledgement"),
            ("shipment_confirmation", "Shipment Confirmation (ASN)"),
            ("invoice", "Invoice"),
        ],
        required=True,
        readonly=True,
    )
    purchase_order_id = fields.Many2one(
        "acorn.vc.purchase.order", index="btree_not_null", readonly=True, ondelete="cascade"
    )
    picking_id = fields.Many2one("stock.picking", index="btree_not_null", readonly=True)
    move_id = fields.Many2one("account.move", index="btree_not_null", readonly=True)
    payload = fields.Json(readonly=True, required=True)
    payload_text = fields.Text("Payload (JSON)", compute="_compute_payload_text")
    client_key = fields.Char(readonly=True, copy=False, index=True)
    transaction_id = fields.Char("Amazon Transaction ID", readonly=True, copy=False, index=True)
    state = fields.Selection(
        [
            ("draft", "To Send"),
            ("processing", "Processing"),
            ("success", "Success"),
            ("failure", "Failure"),
            ("uncertain", "Uncertain"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    errors = fields.Text("Amazon's Errors", readonly=True)
    attempts = fields.Integer(readonly=True, help="Submissions tried (a resend is never blind).")
    checks = fields.Integer("Status Checks", readonly=True)
    submitted_at = fields.Datetime(readonly=True)
    next_check_at = fields.Datetime(readonly=True, index=True)
    resolved_by = fields.Selection(
        [("transaction", "getTransaction"), ("po_status", "PO status (transaction stuck)")],
        readonly=True,
    )

    @api.depends("payload")
    def _compute_payload_text(self):
        for tx in self:
            tx.payload_text = json_text(tx.payload)

    @api.depends("kind", "transaction_id", "purchase_order_id", "move_id")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for tx in self:
            ref = tx.purchase_order_id.name or tx.move_id.name or ""
            tx.display_name = f"{labels.get(tx.kind, '')} {ref} {tx.transaction_id or ''}".strip()

    # ------------------------------------------------------------------ submit

    def _acorn_enqueue_submit(self):
        for tx in self:
            delay(
                tx, f"acorn-tx-submit-{tx.id}", self.env._("Send %s to Amazon", tx.display_name)
            )._acorn_job_submit()

    def _acorn_job_submit(self):
        """Send once; idempotent: a transaction that already has Amazon's id is not resent."""
        self.ensure_one()
        if self.state not in ("draft", "uncertain"):
            return self.transaction_id
        with self.env["acorn.vc.sync.run"]._acorn_track(self.account_id, "transactions") as run:
            client = self.account_id._acorn_spapi_client()
            submit = {
                "acknowledgement": client.submit_acknowledgement,
                "shipment_confirmation": client.submit_shipment_confirmations,
                "invoice": client.submit_invoices,
            }[self.kind]
            self.attempts += 1
            try:
                result = submit(self.payload)
            except SubmissionUncertainError as exc:
                self.write({"state": "uncertain", "errors": str(exc), "client_key": exc.client_key})
                raise retry_later(exc, seconds=300) from exc
            except RETRYABLE as exc:
                raise retry_later(exc) from exc
            except SpApiError as exc:
                run.fail(exc)
                self._acorn_fail(str(exc))
                return False
            now = fields.Datetime.now()
            self.write(
                {
                    "state": "processing",
                    "transaction_id": result.transaction_id,
                    "client_key": result.client_key,
                    "submitted_at": now,
                    "errors": False,
                    "next_check_at": now + timedelta(minutes=POLL_FIRST_MINUTES),
                }
            )
            run.add({"created": 1})
            return result.transaction_id

    # ------------------------------------------------------------------ status

    @api.model
    def _cron_check_transactions(self):
        """Find transactions whose status is due; jobs ask Amazon."""
        due = self.search(
            [("state", "=", "processing"), ("next_check_at", "<=", fields.Datetime.now())]
        )
        for tx in due:
            delay(
                tx, f"acorn-tx-check-{tx.id}", self.env._("Check %s at Amazon", tx.display_name)
            )._acorn_job_check_status()
        return len(due)

    def _acorn_job_check_status(self, now=None):
        """Poll getTransaction with backoff; a status stuck at Processing is resolved from
        the PO's status, since Amazon's transaction status is known to stick."""
        self.ensure_one()
        if self.state != "processing":
            return self.state
        with self.env["acorn.vc.sync.run"]._acorn_track(self.account_id, "transactions") as run:
            now = now or fields.Datetime.now()
            client = self.account_id._acorn_spapi_client()
            try:
                status = client.get_transaction(self.transaction_id)
            except SpApiError as exc:
                raise retry_later(exc) from exc
            # The client returns the TransactionStatus ({transactionId, status, errors}).
            status = status.get("transactionStatus", status)
            verdict = status.get("status") or "Processing"
            self.checks += 1
            if verdict == "Success":
                self._acorn_succeed("transaction")
            elif verdict == "Failure":
                errors = status.get("errors") or []
                text = "\n".join(
                    f"{e.get('code')}: {e.get('message')}"
                    + (f" ({e['details']})" if e.get("details") else "")
                    for e in errors
                )
                self._acorn_fail(text or self.env._("Amazon reported a failure without details."))
            elif self._acorn_is_stuck(now) and self._acorn_resolved_elsewhere(client):
                self._acorn_succeed("po_status")
            else:
                wait = min(POLL_FIRST_MINUTES * 2**self.checks, POLL_MAX_MINUTES)
                self.next_check_at = now + timedelta(minutes=wait)
            if self.state != "processing":
                run.add({"updated": 1})
        return self.state

    def _acorn_is_stuck(self, now):
        limit = timedelta(minutes=self.account_id.transaction_stuck_minutes)
        return bool(self.submitted_at) and now - self.submitted_at >= limit

    def _acorn_resolved_elsewhere(self, client):
        """Does Amazon show the effect even though getTransaction still says Processing?"""
        if self.kind != "acknowledgement" or not self.purchase_order_id:
            return False
        order = client.get_purchase_order(self.purchase_order_id.name)
        return order.get("purchaseOrderState") in ("Acknowledged", "Closed")

    def _acorn_succeed(self, how):
        self.write({"state": "success", "resolved_by": how, "next_check_at": False})
        if self.purchase_order_id and self.kind == "acknowledgement":
            self.purchase_order_id._acorn_acknowledgement_accepted(self)
        if self.picking_id and self.kind == "shipment_confirmation":
            self.picking_id._acorn_asn_accepted(self)
        if self.move_id and self.kind == "invoice":
            self.move_id._acorn_amazon_accepted(self)

    def _acorn_fail(self, text):
        self.write({"state": "failure", "errors": text, "next_check_at": False})
        # The activity goes where a person fixes it: the invoice, the delivery, else the PO.
        record = self.move_id or self.picking_id or self.purchase_order_id
        if record:
            record.activity_schedule(
                "mail.mail_activity_data_warning",
                summary=self.env._("Amazon rejected %s", self.display_name),
                note=text,
                user_id=self.account_id._acorn_responsible().id,
            )
        else:
            self.message_post(body=self.env._("Amazon rejected it: %s", text))
        if self.purchase_order_id and self.kind == "acknowledgement":
            self.purchase_order_id.ack_status = "failed"
        if self.picking_id and self.kind == "shipment_confirmation":
            self.picking_id._acorn_asn_rejected(self)
        if self.move_id and self.kind == "invoice":
            self.move_id._acorn_amazon_rejected(self, text)
        self._acorn_notify_failure(text)

    def _acorn_notify_failure(self, text):
        """Amazon's rejection, told by the account's rules: every failed submission, and
        ASNs and invoices under their own events too."""
        account = self.account_id
        record = self.move_id or self.picking_id or self.purchase_order_id or self
        subject = self.env._("Amazon rejected %s", self.display_name)
        account._acorn_notify("transaction_failed", record, self.id, subject, text)
        event = {"shipment_confirmation": "asn_rejected", "invoice": "invoice_rejected"}.get(
            self.kind
        )
        if event:
            account._acorn_notify(event, record, self.id, subject, text)
