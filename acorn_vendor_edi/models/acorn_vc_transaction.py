from odoo import fields, models

from odoo.addons.acorn_vendor.core.spapi import converters

from ..core import exchange
from ..core._vendor import domain
from .acorn_edi_document import PAYLOAD_KEYS


class AcornVcTransaction(models.Model):
    """On an EDI account the same transaction travels as 855/856/810 (ORDRSP/DESADV/INVOIC):
    the SP-API payload is read back into domain objects and rendered in the account's
    standard; the 997/CONTRL plays the part of getTransaction."""

    _inherit = "acorn.vc.transaction"

    resolved_by = fields.Selection(
        selection_add=[("edi_ack", "EDI 997/CONTRL")], ondelete={"edi_ack": "set null"}
    )
    edi_document_ids = fields.One2many("acorn.edi.document", "transaction_id", "EDI Documents")

    def _acorn_job_submit(self):
        self.ensure_one()
        if self.account_id.channel != "edi":
            return super()._acorn_job_submit()
        return self._acorn_edi_submit()

    def _acorn_edi_documents(self):
        """The payload's documents as domain objects; what SP-API leaves out (PO date,
        ship-to) is filled in from the PO for the 855."""
        key, reader = PAYLOAD_KEYS[self.kind]
        documents = [reader(entry) for entry in (self.payload or {}).get(key) or []]
        po = self.purchase_order_id
        if self.kind == "acknowledgement" and po:
            for ack in documents:
                if po.po_date and not ack.purchase_order_date:
                    ack.purchase_order_date = po.po_date.date()
                if po.ship_to_code and not ack.ship_to_party:
                    ack.ship_to_party = domain.Party(po.ship_to_code)
        return documents

    def _acorn_edi_submit(self):
        """Render, log and queue the file once; a replayed job does not render twice."""
        if self.state not in ("draft", "uncertain"):
            return self.transaction_id
        Document = self.env["acorn.edi.document"].sudo()
        if self.edi_document_ids.filtered(lambda d: d.state != "error"):
            return self.transaction_id
        account = self.account_id
        self.attempts += 1
        try:
            documents = self._acorn_edi_documents()
            po = self.purchase_order_id
            out = exchange.render_outbound(
                self.kind,
                documents,
                account._acorn_edi_profile(),
                account._acorn_edi_next_control(),
                purchase_order=converters.purchase_order_from_spapi(po.payload_ids[:1].content)
                if po and po.payload_ids
                else None,
            )
        except (exchange.ExchangeError, KeyError, TypeError, ValueError) as exc:
            self._acorn_fail(self.env._("The EDI document cannot be written: %s", exc))
            return False
        links = {"transaction_id": self.id}
        # An invoice transaction names no PO: the 810 belongs to those its lines invoice.
        pos = self.purchase_order_id or (
            self.move_id.invoice_line_ids.sale_line_ids.order_id.acorn_purchase_order_id
        )
        if pos:
            links["purchase_order_ids"] = [fields.Command.set(pos.ids)]
        # The transaction's delivery and invoice (move_id) are the document's too.
        for tx_field, doc_field in (("picking_id", "picking_id"), ("move_id", "invoice_id")):
            if self[tx_field]:
                links[doc_field] = self[tx_field].id
        doc = Document._acorn_create_outbound(account, out, **links)
        self.write(
            {
                "state": "processing",
                "transaction_id": f"EDI {out.set_id} {out.control}",
                "submitted_at": fields.Datetime.now(),
                "errors": False,
                # No getTransaction polling: the 997/CONTRL decides.
                "next_check_at": False,
            }
        )
        return doc.name
