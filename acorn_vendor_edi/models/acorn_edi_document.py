import base64
import hashlib
import logging
from datetime import timedelta
from urllib.parse import quote

from odoo import api, fields, models

from odoo.addons.acorn_vendor.core.remittance.remittance_advice import payment_from_remittance
from odoo.addons.acorn_vendor.core.spapi import converters
from odoo.addons.acorn_vendor.models.acorn_vc_remittance import line_rules
from odoo.addons.acorn_vendor.models.jobs import delay

from ..core import exchange
from ..core.transports import Inbound, TransportError, make_transport
from .acorn_vc_account import TRANSPORT_KINDS

_logger = logging.getLogger(__name__)

# Outbound files that could not be sent wait 1, 2, 4 ... minutes, at most an hour.
RETRY_FIRST_MINUTES = 1
RETRY_MAX_MINUTES = 60
PAYLOAD_KEYS = {
    "acknowledgement": ("acknowledgements", converters.acknowledgement_from_spapi),
    "shipment_confirmation": ("shipmentConfirmations", converters.shipment_confirmation_from_spapi),
    "invoice": ("invoices", converters.invoice_from_spapi),
}


class AcornEdiDocument(models.Model):
    """Every EDI interchange in or out, its raw bytes archived, what it became and what the
    partner answered. One record per file: the unit a transport moves and a 997 answers."""

    _name = "acorn.edi.document"
    _description = "EDI Document"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char("File", required=True, readonly=True)
    account_id = fields.Many2one(
        "acorn.vc.account", required=True, readonly=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    direction = fields.Selection(
        [("in", "Inbound"), ("out", "Outbound")], required=True, readonly=True, index=True
    )
    standard = fields.Selection(
        [("x12", "ANSI X12"), ("edifact", "EDIFACT")], readonly=True, help="Empty: unreadable."
    )
    doc_type = fields.Char(
        "Type", readonly=True, index=True, help="Transaction sets / messages: 850, 997, ORDERS..."
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("received", "Received"),
            ("parsed", "Parsed"),
            ("processed", "Processed"),
            ("acknowledged", "Acknowledged"),
            ("duplicate", "Duplicate"),
            ("error", "Error"),
        ],
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    errors = fields.Text(readonly=True)
    notes = fields.Text("Processing Notes", readonly=True)
    raw = fields.Binary("Content", attachment=True, readonly=True)
    raw_size = fields.Integer("Size (bytes)", readonly=True)
    raw_text = fields.Text(
        "Content (text)",
        compute="_compute_raw_text",
        help="The file as text, to read it without downloading (EDI is text).",
    )
    raw_hash = fields.Char("SHA-256", readonly=True, index=True)
    sender_qualifier = fields.Char(readonly=True)
    sender_id = fields.Char(readonly=True, index=True, help="ISA06 / UNB sender.")
    receiver_id = fields.Char(readonly=True, help="ISA08 / UNB recipient.")
    control_number = fields.Char(
        "Interchange Control", readonly=True, index=True, help="ISA13 / UNB 0020."
    )
    group_control = fields.Char(readonly=True, index=True, help="GS06 (X12), quoted by AK1.")
    set_controls = fields.Char(readonly=True, help="ST02 / UNH 0062.")
    is_test = fields.Boolean("Test Interchange", readonly=True)
    transport_ref = fields.Char(
        readonly=True,
        help="The transport's name for the file (a folder transport's is the server path: "
        "shown to system administrators only).",
    )
    attempts = fields.Integer(readonly=True, help="Sending attempts.")
    next_try_at = fields.Datetime(readonly=True, index=True)
    sent_at = fields.Datetime(readonly=True)
    processed_at = fields.Datetime(readonly=True)
    processed_count = fields.Integer(
        readonly=True, help="Transaction sets / messages processed (not only accepted)."
    )
    processed_sets = fields.Text(
        readonly=True, help="Group/set controls already processed: a reprocess skips them."
    )
    ack_due_at = fields.Datetime(
        "997 Due By", readonly=True, help="When the partner's 997/CONTRL should have arrived."
    )
    ack_late = fields.Boolean(
        "Acknowledgement Late", readonly=True, index=True, tracking=True, copy=False
    )
    ack_document_id = fields.Many2one(
        "acorn.edi.document",
        "Acknowledgement",
        readonly=True,
        help="Inbound: the 997/CONTRL Acorn sent for it. Outbound: the one the partner sent.",
    )
    acknowledged_ids = fields.One2many(
        "acorn.edi.document", "ack_document_id", string="Acknowledges"
    )
    original_id = fields.Many2one(
        "acorn.edi.document", readonly=True, help="Duplicates: the first copy."
    )
    transaction_id = fields.Many2one(
        "acorn.vc.transaction", readonly=True, index="btree_not_null", ondelete="set null"
    )
    purchase_order_ids = fields.Many2many(
        "acorn.vc.purchase.order", string="Amazon POs", readonly=True
    )
    picking_id = fields.Many2one("stock.picking", readonly=True, index="btree_not_null")
    invoice_id = fields.Many2one("account.move", readonly=True, index="btree_not_null")

    @api.depends("raw")
    def _compute_raw_text(self):
        for doc in self:
            data = doc._acorn_raw_bytes() if doc.raw_size else b""
            doc.raw_text = data.decode("utf-8", errors="replace") if data else False

    # ------------------------------------------------------------------ inbound

    @api.model
    def _acorn_receive(self, account):
        """Poll ``account``'s transport: store each file (state Received) and queue its
        processing; the file is archived on the transport only after the commit, so a crash
        in between leaves it in the inbox (a file already stored is then only archived)."""
        with account._acorn_edi_transport() as transport:
            files = transport.poll()
        documents = self
        confirmed = []
        for inbound in files:
            digest = hashlib.sha256(inbound.data).hexdigest()
            known = self.search(
                [
                    ("account_id", "=", account.id),
                    ("direction", "=", "in"),
                    ("raw_hash", "=", digest),
                    ("transport_ref", "=", inbound.ref),
                ],
                limit=1,
            )
            if not known:
                known = self.create(
                    {
                        "name": inbound.name,
                        "account_id": account.id,
                        "direction": "in",
                        "state": "received",
                        "raw": base64.b64encode(inbound.data),
                        "raw_size": len(inbound.data),
                        "raw_hash": digest,
                        "transport_ref": inbound.ref,
                    }
                )
                documents |= known
            confirmed.append(Inbound(inbound.name, b"", inbound.ref, inbound.meta))
        if confirmed:
            kind = TRANSPORT_KINDS[account.edi_transport or "folder"]
            settings = account._acorn_edi_transport_settings()
            self.env.cr.postcommit.add(lambda: _confirm(account.id, kind, settings, confirmed))
        documents._acorn_enqueue_process()
        return len(documents)

    def _acorn_enqueue_process(self):
        for doc in self:
            delay(
                doc, f"acorn-edi-process-{doc.id}", self.env._("Process EDI file %s", doc.name)
            )._acorn_job_process()

    def _acorn_raw_bytes(self):
        self.ensure_one()
        return base64.b64decode(self.with_context(bin_size=False).raw or b"")

    def _acorn_job_process(self):
        """Read the file, process each good message, answer with a 997/CONTRL.

        A message that fails never stops the others: each runs in its own savepoint and
        its problem is written on the document.
        """
        self.ensure_one()
        if self.direction != "in" or self.state not in ("received", "parsed"):
            return self.state
        # One file of an account at a time: the duplicate check then sees the others.
        self.env.cr.execute(
            "SELECT id FROM acorn_vc_account WHERE id = %s FOR UPDATE", [self.account_id.id]
        )
        inbound = exchange.read_file(self._acorn_raw_bytes())
        types = sorted({m.set_id for m in inbound.messages if m.set_id})
        self.write(
            {
                "standard": inbound.standard or False,
                "doc_type": ", ".join(types) or False,
                "sender_qualifier": inbound.sender_qualifier or False,
                "sender_id": inbound.sender or False,
                "receiver_id": inbound.receiver or False,
                "control_number": inbound.control or False,
                "group_control": ", ".join(
                    sorted({m.group_control for m in inbound.messages if m.group_control})
                )
                or False,
                "set_controls": ", ".join(m.control for m in inbound.messages)[:500] or False,
                "is_test": inbound.test,
            }
        )
        ours = (self.account_id.edi_sender_id or "").strip()
        if inbound.receiver and ours and inbound.receiver.strip() != ours:
            # Not for this account: nothing is imported and nothing answered in its name.
            self.write(
                {
                    "state": "error",
                    "errors": self.env._(
                        "The interchange is addressed to %(to)s, but this account is %(ours)s "
                        "(Our Interchange ID): not processed.",
                        to=inbound.receiver,
                        ours=ours,
                    ),
                }
            )
            return self.state
        original = self._acorn_find_original(inbound)
        if original:
            self.write(
                {
                    "state": "duplicate",
                    "original_id": original.id,
                    "notes": self.env._(
                        "Interchange %(control)s from %(sender)s was already processed in "
                        "%(original)s: not processed again.",
                        control=inbound.control,
                        sender=inbound.sender,
                        original=original.name,
                    ),
                }
            )
            return self.state
        self.state = "parsed"
        errors, notes = list(inbound.all_errors()), []
        done = set(filter(None, (self.processed_sets or "").split("\n")))
        todo = []
        for message in inbound.messages:
            if not message.ok:
                continue
            if _key(message) in done:
                notes.append(
                    self.env._("%(set)s %(control)s: already processed, skipped.",
                               set=message.set_id, control=message.control)
                )  # fmt: skip
                continue
            todo.append(message)
        # Purchase orders go in as one batch (the bulk import, one round of sale orders);
        # should the batch fail as a whole, each is tried alone below.
        orders = [m for m in todo if m.kind == exchange.KIND_PURCHASE_ORDER]
        if len(orders) > 1:
            try:
                with self.env.cr.savepoint():
                    notes += self._acorn_import_purchase_orders(orders, errors, done)
                todo = [m for m in todo if m not in orders]
            except Exception:
                _logger.exception("EDI document %s: batch import failed, one by one", self.id)
        for message in todo:
            try:
                with self.env.cr.savepoint():
                    notes += self._acorn_dispatch(message) or []
                done.add(_key(message))
            except Exception as exc:  # one bad message never blocks the rest
                _logger.exception("EDI document %s: %s %s failed", self.id, *message_ref(message))
                errors.append(
                    self.env._(
                        "%(set)s %(control)s could not be processed: %(error)s",
                        set=message.set_id,
                        control=message.control,
                        error=exc,
                    )
                )
        self._acorn_send_functional_ack(inbound)
        self.write(
            {
                "state": "error" if errors else "processed",
                "errors": "\n".join(errors) or False,
                "notes": "\n".join(notes) or False,
                "processed_count": len(done),
                "processed_sets": "\n".join(sorted(done)) or False,
                "processed_at": fields.Datetime.now(),
            }
        )
        return self.state

    def _acorn_find_original(self, inbound):
        """An earlier inbound document of the same sender and control reference that was
        processed (fully or in part): this one is then a duplicate."""
        if not inbound.control or inbound.standard is None:
            return self.browse()
        candidates = self.search(
            [
                ("id", "!=", self.id),
                ("account_id", "=", self.account_id.id),
                ("direction", "=", "in"),
                ("standard", "=", inbound.standard),
                ("sender_id", "=", inbound.sender or False),
                ("control_number", "=", inbound.control),
                ("state", "!=", "duplicate"),
            ],
            order="id",
        )
        return candidates.filtered(
            lambda d: d.state in ("processed", "acknowledged") or d.processed_count
        )[:1]

    def _acorn_dispatch(self, message):
        """Do what one good message asks; returns notes for the document."""
        kind = message.kind
        if kind == exchange.KIND_PURCHASE_ORDER:
            return self._acorn_import_purchase_order(message.document)
        if kind == exchange.KIND_PO_CHANGE:
            return self._acorn_apply_po_change(message.document)
        if kind == exchange.KIND_FUNCTIONAL_ACK:
            return self._acorn_apply_functional_ack(message)
        if kind == exchange.KIND_REMITTANCE:
            return self._acorn_import_remittance(message)
        return [
            self.env._(
                "%(set)s %(control)s: accepted, but Acorn does not process this type yet.",
                set=message.set_id,
                control=message.control,
            )
        ]

    def _acorn_import_remittance(self, message):
        """An 820: the same import as the Payments export (one remittance per payment,
        matched and booked; a payment already imported from the export is not doubled)."""
        account = self.account_id
        payment = payment_from_remittance(message.document, line_rules(account))
        # EDI runs as a system job; the remittances themselves are Finance-only records.
        counts = (
            self.env["acorn.vc.remittance"]
            .sudo()
            ._acorn_import_payments(account, [payment], self.name, None)["counts"]
        )
        return [
            self.env._(
                "820 %(control)s: payment %(number)s, %(lines)s new lines (%(matched)s matched, "
                "%(to_review)s to review)%(again)s.",
                control=message.control,
                number=payment.number,
                again=self.env._(", imported before") if counts["duplicates"] else "",
                **{k: counts[k] for k in ("lines", "matched", "to_review")},
            )
        ]

    def _acorn_import_purchase_order(self, po):
        """The same import as SP-API: the PO as getPurchaseOrder would return it."""
        PO = self.env["acorn.vc.purchase.order"]
        counts = PO._acorn_import_orders(self.account_id, [converters.purchase_order_to_spapi(po)])
        record = PO.search([("account_id", "=", self.account_id.id), ("name", "=", po.number)])
        self.purchase_order_ids = [fields.Command.link(r.id) for r in record]
        if counts["failed"]:
            raise ValueError(record.sync_error or self.env._("PO %s was not imported", po.number))
        return [self.env._("PO %(po)s: %(counts)s", po=po.number, counts=_counts(counts))]

    def _acorn_import_purchase_orders(self, messages, errors, done):
        """Several 850/ORDERS in one import call; a PO the import refuses is an error of
        its own message, the others are processed."""
        PO = self.env["acorn.vc.purchase.order"]
        payloads = [converters.purchase_order_to_spapi(m.document) for m in messages]
        counts = PO._acorn_import_orders(self.account_id, payloads)
        numbers = [m.document.number for m in messages]
        records = {
            r.name: r
            for r in PO.search([("account_id", "=", self.account_id.id), ("name", "in", numbers)])
        }
        failed = {
            p.reference
            for p in self.env["acorn.vc.payload"].search(
                [("account_id", "=", self.account_id.id), ("reference", "in", numbers),
                 ("error", "!=", False), ("create_date", ">=", self.env.cr.now())]
            )
        } if counts["failed"] else set()  # fmt: skip
        for message in messages:
            number = message.document.number
            if number in records and number not in failed:
                done.add(_key(message))
                continue
            record = records.get(number)
            errors.append(
                self.env._(
                    "%(set)s %(control)s could not be processed: %(error)s",
                    set=message.set_id,
                    control=message.control,
                    error=(record and record.sync_error)
                    or self.env._("PO %s was not imported", number),
                )
            )
        self.purchase_order_ids = [fields.Command.link(r.id) for r in records.values()]
        return [self.env._("%(n)s POs: %(counts)s", n=len(messages), counts=_counts(counts))]

    def _acorn_apply_po_change(self, change):
        """860: the PO's latest version with the change applied, imported as the next
        version (the chatter, sale order and activities follow as for SP-API changes)."""
        PO = self.env["acorn.vc.purchase.order"]
        record = PO.search(
            [("account_id", "=", self.account_id.id), ("name", "=", change.purchase_order_number)],
            limit=1,
        )
        if not record or not record.payload_ids:
            raise ValueError(
                self.env._(
                    "PO change for %s: Acorn has no such purchase order",
                    change.purchase_order_number,
                )
            )
        self.purchase_order_ids = [fields.Command.link(record.id)]
        current = converters.purchase_order_from_spapi(record.payload_ids[:1].content)
        new, problems = exchange.apply_change(current, change)
        counts = PO._acorn_import_orders(self.account_id, [converters.purchase_order_to_spapi(new)])
        if counts["failed"]:
            raise ValueError(record.sync_error or self.env._("the change was not applied"))
        notes = [
            self.env._("PO %(po)s changed: %(counts)s", po=record.name, counts=_counts(counts))
        ]
        return notes + problems

    def _acorn_apply_functional_ack(self, message):
        """997/CONTRL from the partner: the outbound documents it answers are acknowledged
        (their transactions succeed) or rejected (their transactions fail)."""
        notes = []
        for outcome in exchange.ack_outcomes(message):
            domain_ = [
                ("account_id", "=", self.account_id.id),
                ("direction", "=", "out"),
                ("standard", "=", outcome.standard),
            ]
            if outcome.standard == "x12":
                domain_.append(("group_control", "=", outcome.group_control))
            else:
                domain_.append(("control_number", "=", outcome.interchange_control))
            targets = self.search(domain_, order="id desc", limit=1)
            if not targets:
                notes.append(
                    self.env._(
                        "Acknowledgement for %s matches no document Acorn sent.",
                        outcome.group_control or outcome.interchange_control,
                    )
                )
                continue
            targets._acorn_acknowledged(self, outcome)
            notes.append(
                self.env._(
                    "%(doc)s: %(verdict)s",
                    doc=targets.name,
                    verdict=self.env._("accepted")
                    if outcome.accepted
                    else self.env._("rejected: %s", "; ".join(outcome.errors)),
                )
            )
        return notes

    def _acorn_acknowledged(self, ack_document, outcome):
        self.ensure_one()
        self.write(
            {
                "state": "acknowledged" if outcome.accepted else "error",
                "ack_document_id": ack_document.id,
                "ack_late": False,
                "errors": False if outcome.accepted else "\n".join(outcome.errors),
            }
        )
        tx = self.transaction_id
        if tx and tx.state == "processing":
            if outcome.accepted:
                tx._acorn_succeed("edi_ack")
            else:
                tx._acorn_fail(
                    self.env._("Amazon's %(ack)s rejected %(doc)s:\n", ack=ack_document.doc_type,
                               doc=self.name)
                    + "\n".join(outcome.errors)
                )  # fmt: skip

    def _acorn_send_functional_ack(self, inbound):
        """Every inbound group gets its 997 (every interchange its CONTRL)."""
        account = self.account_id
        profile = account._acorn_edi_profile()
        if inbound.standard and inbound.standard != profile.standard:
            profile.standard = inbound.standard  # answer in the partner's standard
        if inbound.sender:  # answer whoever sent it (Amazon has test and production IDs)
            profile.receiver_id = inbound.sender.strip()
            profile.receiver_qualifier = inbound.sender_qualifier or profile.receiver_qualifier
        if not inbound.needs_acknowledgement:
            return self.browse()
        out = exchange.acknowledgement_for(inbound, profile, account._acorn_edi_next_control())
        if out is None:
            return self.browse()
        ack = self._acorn_create_outbound(account, out)
        self.ack_document_id = ack
        return ack

    # ------------------------------------------------------------------ outbound

    @api.model
    def _acorn_create_outbound(self, account, out, **links):
        """Log an outbound interchange and queue its sending."""
        data = out.data
        doc = self.create(
            {
                "name": out.filename,
                "account_id": account.id,
                "direction": "out",
                "state": "queued",
                "standard": out.standard,
                "doc_type": out.set_id,
                "raw": base64.b64encode(data),
                "raw_size": len(data),
                "raw_hash": hashlib.sha256(data).hexdigest(),
                "sender_qualifier": account.edi_sender_qualifier,
                "sender_id": account.edi_sender_id,
                "receiver_id": account.edi_receiver_id,
                "control_number": out.control,
                "group_control": out.group_control or False,
                "set_controls": ", ".join(out.set_controls),
                "is_test": account.edi_test_indicator,
                "notes": out.summary or False,
                "ack_due_at": False,
                **links,
            }
        )
        doc._acorn_enqueue_send()
        return doc

    def _acorn_enqueue_send(self):
        for doc in self:
            delay(
                doc, f"acorn-edi-send-{doc.id}", self.env._("Send EDI file %s", doc.name)
            )._acorn_job_send()

    def _acorn_expects_ack(self):
        """997s and CONTRLs are not acknowledged in turn; everything else is."""
        return self.doc_type not in ("997", "CONTRL")

    def _acorn_job_send(self):
        """Hand the file to the transport. A failure keeps the document queued with the
        error and a time for the next try (the housekeeping cron re-queues it)."""
        self.ensure_one()
        if self.direction != "out" or self.state != "queued":
            return self.state
        with self.env["acorn.vc.sync.run"]._acorn_track(self.account_id, "edi") as run:
            now = fields.Datetime.now()
            self.attempts += 1
            try:
                with self.account_id._acorn_edi_transport() as transport:
                    ref = transport.send(self.name, self._acorn_raw_bytes())
            except TransportError as exc:
                wait = min(RETRY_FIRST_MINUTES * 2 ** (self.attempts - 1), RETRY_MAX_MINUTES)
                self.write(
                    {
                        "errors": str(exc),
                        "next_try_at": now + timedelta(minutes=wait) if exc.retryable else False,
                        "state": "queued" if exc.retryable else "error",
                    }
                )
                run.fail(exc)
                if not exc.retryable and self.transaction_id.state == "processing":
                    self.transaction_id._acorn_fail(str(exc))
                return self.state
            run.add({"created": 1})
        hours = self.account_id.edi_ack_hours or 24
        self.write(
            {
                "state": "sent",
                "transport_ref": ref,
                "sent_at": now,
                "errors": False,
                "next_try_at": False,
                "ack_due_at": now + timedelta(hours=hours) if self._acorn_expects_ack() else False,
            }
        )
        if not self._acorn_expects_ack():
            # Our 997/CONTRL is out: the inbound documents it answers are acknowledged.
            self.acknowledged_ids.filtered(lambda d: d.state == "processed").state = "acknowledged"
        return self.state

    @api.model
    def _cron_edi_housekeeping(self):
        """Find work only: re-queue files whose sending is due, flag missing 997s."""
        now = fields.Datetime.now()
        due = self.search(
            [
                ("direction", "=", "out"),
                ("state", "=", "queued"),
                ("next_try_at", "!=", False),
                ("next_try_at", "<=", now),
            ]
        )
        due._acorn_enqueue_send()
        late = self.search(
            [
                ("direction", "=", "out"),
                ("state", "=", "sent"),
                ("ack_late", "=", False),
                ("ack_due_at", "!=", False),
                ("ack_due_at", "<", now),
            ]
        )
        late._acorn_flag_late()
        return len(due), len(late)

    def _acorn_flag_late(self):
        for doc in self:
            doc.ack_late = True
            record = doc.transaction_id.purchase_order_id or doc.transaction_id or doc
            record.activity_schedule(
                "mail.mail_activity_data_warning",
                summary=self.env._("No 997/CONTRL for %s", doc.name),
                note=self.env._(
                    "Amazon has not acknowledged %(doc)s, sent %(sent)s (UTC); check the "
                    "transport and Amazon's EDI console.",
                    doc=doc.name,
                    sent=doc.sent_at,
                ),
                user_id=doc.account_id._acorn_responsible().id,
            )
            doc.account_id._acorn_notify(
                "edi_ack_missing",
                record,
                doc.id,
                self.env._("No 997/CONTRL for %s", doc.name),
                self.env._(
                    "Amazon has not acknowledged %(doc)s, sent %(sent)s (UTC).",
                    doc=doc.name,
                    sent=doc.sent_at,
                ),
            )

    # ------------------------------------------------------------------ buttons

    def action_reprocess(self):
        """Inbound in error: read and process again (sets already processed are skipped).
        Outbound in error or waiting: send again."""
        for doc in self:
            if doc.direction == "in" and doc.state in ("error", "received", "parsed"):
                doc.write({"state": "received", "errors": False})
                doc._acorn_enqueue_process()
            elif doc.direction == "out" and doc.state in ("error", "queued"):
                doc.write({"state": "queued", "errors": False, "next_try_at": False})
                doc._acorn_enqueue_send()
        return True

    def action_download(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/acorn.edi.document/{self.id}/raw/{quote(self.name)}"
            "?download=true",
            "target": "self",
        }


def _confirm(account_id, kind, settings, files):
    """After commit: archive what is now safely stored. A failure leaves the file in the
    inbox, where the next poll finds it already stored and archives it then."""
    try:
        with make_transport(kind, settings) as transport:
            for inbound in files:
                transport.confirm(inbound)
    except TransportError as exc:
        _logger.warning("EDI account %s: cannot archive inbound files: %s", account_id, exc)


def _key(message):
    """What identifies a message inside its file, for the reprocess bookkeeping."""
    return f"{message.interchange_control}/{message.group_control}/{message.control}"


def message_ref(message):
    return message.set_id, message.control


def _counts(counts):
    return ", ".join(f"{value} {key}" for key, value in counts.items() if value) or "nothing"
