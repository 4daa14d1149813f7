"""A dispute of one or many Amazon deductions of one kind: filed with its evidence pack,
answered by Amazon, closed by the reversal a later remittance brings or written off.

The pack's layout (``core/deductions/dispute_pack.py``), the units per ASIN
(``core/deductions/shortage_units.py``) and the dispute windows
(``core/deductions/deadlines.py``) are pure core; this model gathers the records and keeps the
state. Vendor Central has no API for disputes: against the Acorn sandbox (an account with an
endpoint override) *Submit* files the dispute at its dispute desk; against Amazon the user
files the pack in Vendor Central and records the case id and the answer here.
"""

import json
import logging
import re
from collections import defaultdict
from decimal import Decimal

import requests
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.deductions.deadlines import RULE_FOR_KIND
from ..core.deductions.dispute_pack import (
    CartonRow,
    EvidenceFile,
    FormLine,
    InvoiceEvidence,
    build_pack,
)
from ..core.deductions.shortage_units import ClaimedUnits, InvoicedLine, claimed_units

_logger = logging.getLogger(__name__)

DISPUTE_KINDS = [
    ("shortage", "Shortage"),
    ("price_claim", "Price Claim"),
    ("chargeback", "Chargeback"),
    ("coop", "Co-op"),
]
STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("pending", "Pending Amazon"),
    ("won", "Won"),
    ("partly_won", "Partly Won"),
    ("lost", "Lost"),
    ("redisputed", "Re-disputed"),
    ("settled", "Settled"),
    ("written_off", "Written Off"),
]
# A deduction in a dispute of these states is not disputed again (Re-dispute reopens one).
CLOSED_STATES = ("won", "settled", "written_off")
# Amazon's answer (sandbox desk statuses and what a user records) -> decision.
DECISIONS = {
    "approved": "approved",
    "partiallyapproved": "partly_approved",
    "partly_approved": "partly_approved",
    "denied": "denied",
}
# Evidence files on a delivery, recognised by name.
BOL_NAME = re.compile(r"\bbol\b|bill.?of.?lading|lading", re.IGNORECASE)
POD_NAME = re.compile(r"\bpod\b|proof.?of.?delivery|delivery.?receipt", re.IGNORECASE)
TIMEOUT = (10, 30)


class AcornVcDispute(models.Model):
    """One dispute filed with Amazon (then, if need be, one re-dispute) for deductions of one
    kind, possibly over many invoices."""

    _name = "acorn.vc.dispute"
    _description = "Amazon Dispute"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    account_id = fields.Many2one(
        "acorn.vc.account", "Vendor Central Account", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    kind = fields.Selection(DISPUTE_KINDS, required=True, readonly=True)
    state = fields.Selection(
        STATES, default="draft", required=True, readonly=True, tracking=True, index=True
    )
    deduction_ids = fields.One2many("acorn.vc.deduction", "dispute_id", "Deductions")
    recovery_ids = fields.One2many(
        "acorn.vc.deduction", "recovery_dispute_id", "Recoveries", help="Reversals paid back."
    )
    line_ids = fields.One2many("acorn.vc.dispute.line", "dispute_id", "Disputed Units")
    invoice_ids = fields.Many2many(
        "account.move", string="Invoices", compute="_compute_invoice_ids"
    )
    explanation = fields.Text(
        help="Why the deductions are wrong; the first sentence of every line's explanation."
    )
    amount_claimed = fields.Monetary(
        compute="_compute_amounts", store=True, help="What Amazon took off."
    )
    amount_recovered = fields.Monetary(
        compute="_compute_amounts", store=True, help="Reversals paid back so far."
    )
    amount_written_off = fields.Monetary(readonly=True, copy=False)
    amount_open = fields.Monetary(compute="_compute_amounts", store=True)
    amz_case_id = fields.Char("Amazon Case ID", readonly=True, copy=False, tracking=True)
    amz_status = fields.Char("Amazon Status", readonly=True, copy=False)
    amz_answer = fields.Text("Amazon's Answer", readonly=True, copy=False)
    amz_approved_amount = fields.Monetary("Approved by Amazon", readonly=True, copy=False)
    answered_on = fields.Date(readonly=True, copy=False)
    submitted_on = fields.Date(readonly=True, copy=False)
    disputes_filed = fields.Integer(
        readonly=True, copy=False, help="1 after the dispute, 2 after a re-dispute."
    )
    xlsx_attachment_id = fields.Many2one("ir.attachment", "Dispute Form", readonly=True)
    zip_attachment_id = fields.Many2one("ir.attachment", "Evidence", readonly=True)
    missing_evidence = fields.Text(readonly=True, copy=False)
    write_off_reason = fields.Text(copy=False)
    write_off_move_id = fields.Many2one("account.move", "Write-off Entry", readonly=True)

    @api.depends("deduction_ids.invoice_id")
    def _compute_invoice_ids(self):
        for dispute in self:
            dispute.invoice_ids = dispute.deduction_ids.invoice_id

    @api.depends("deduction_ids.amount", "recovery_ids.amount", "amount_written_off")
    def _compute_amounts(self):
        for dispute in self:
            claimed = -sum(dispute.deduction_ids.mapped("amount"))
            recovered = sum(dispute.recovery_ids.mapped("amount"))
            dispute.amount_claimed = claimed
            dispute.amount_recovered = recovered
            dispute.amount_open = dispute.currency_id.round(
                claimed - recovered - dispute.amount_written_off
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("acorn.vc.dispute") or "/"
        return super().create(vals_list)

    # ------------------------------------------------------------------ creation

    @api.model
    def create_from_deductions(self, deduction_ids, explanation=None):
        """A draft dispute of the given deductions (XML-RPC): one kind, one account, each in
        its dispute window and in no other open dispute. Returns the dispute's id."""
        deductions = self.env["acorn.vc.deduction"].browse(deduction_ids).exists()
        return self._acorn_create_for(deductions, explanation).id

    @api.model
    def _acorn_create_for(self, deductions, explanation=None):
        if not deductions:
            raise UserError(self.env._("Select the deductions to dispute."))
        today = self._acorn_today()
        problems = []
        rules = {RULE_FOR_KIND.get(d.kind) for d in deductions}
        if len(rules) > 1 or None in rules:
            kinds = ", ".join(sorted({d.kind for d in deductions}))
            problems.append(
                self.env._(
                    "A dispute takes deductions of one kind that Amazon lets vendors dispute "
                    "(shortage, price claim, chargeback or co-op); these are: %s.",
                    kinds,
                )
            )
        if len(deductions.account_id) > 1 or len(deductions.currency_id) > 1:
            problems.append(
                self.env._("A dispute takes deductions of one Vendor Central account and currency.")
            )
        for deduction in deductions:
            if deduction.amount >= 0:
                problems.append(
                    self.env._("%s gives money back; there is nothing to dispute.", deduction.name)
                )
            elif deduction.dispute_id and deduction.dispute_id.state not in CLOSED_STATES:
                problems.append(
                    self.env._(
                        "%(deduction)s is already in dispute %(dispute)s (%(state)s); "
                        "re-dispute it there.",
                        deduction=deduction.name,
                        dispute=deduction.dispute_id.name,
                        state=deduction.dispute_id._acorn_state_label(),
                    )
                )
            elif deduction.dispute_id:
                problems.append(
                    self.env._(
                        "%(deduction)s was closed by dispute %(dispute)s.",
                        deduction=deduction.name,
                        dispute=deduction.dispute_id.name,
                    )
                )
            else:
                state, window = deduction._acorn_dispute_window_state(today)
                if state in ("not_open", "expired"):
                    problems.append(deduction._acorn_window_refusal(state, window))
        if problems:
            raise UserError(
                self.env._("No dispute was created:\n%s", "\n".join(f"- {p}" for p in problems))
            )
        dispute = self.create(
            {
                "account_id": deductions.account_id.id,
                "currency_id": deductions.currency_id.id,
                "kind": rules.pop(),
                "explanation": explanation or False,
            }
        )
        deductions.write({"dispute_id": dispute.id})
        dispute._acorn_prepare_lines()
        dispute.message_post(
            body=self.env._(
                "Dispute of %(count)s deduction(s): %(names)s.",
                count=len(deductions),
                names=", ".join(deductions.mapped("name")),
            )
        )
        return dispute

    def _acorn_today(self):
        """Today, or the day a caller names in the context (``acorn_today``: tests pinned
        to the sandbox's clock, a script replaying a day)."""
        return fields.Date.to_date(self.env.context.get("acorn_today")) or (
            fields.Date.context_today(self)
        )

    def _acorn_state_label(self):
        return dict(STATES)[self.state]

    def _acorn_prepare_lines(self):
        """The units per ASIN of each shortage claim (the form's rows), from Amazon's received
        quantities when Acorn has them, else from the amount claimed."""
        self.ensure_one()
        self.line_ids.unlink()
        values = []
        for deduction in self.deduction_ids:
            units, products = [], {}
            if self.kind == "shortage" and deduction.invoice_id:
                units, products = self._acorn_claimed_units(deduction)
            if not units:  # not a shortage, or no units found: the amount alone
                values.append(
                    {
                        "dispute_id": self.id,
                        "deduction_id": deduction.id,
                        "amount": -deduction.amount,
                        "quantity": 0,
                        "basis": "amount",
                    }
                )
            for unit in units:
                product = products.get(unit.asin)
                values.append(
                    {
                        "dispute_id": self.id,
                        "deduction_id": deduction.id,
                        "product_id": product.id if product else False,
                        "asin": unit.asin,
                        "quantity": unit.quantity,
                        "amount": float(unit.amount),
                        "basis": unit.basis,
                        "shipped_date": self._acorn_shipped_date(deduction),
                        "shipped_product_id": unit.asin,
                    }
                )
        self.env["acorn.vc.dispute.line"].create(values)

    def _acorn_claimed_units(self, deduction):
        """(ClaimedUnits, {ASIN: product}) of a shortage claim: Amazon's own shortage page
        where Acorn can read it (the sandbox; Vendor Central has no API for it), else from
        the invoice's lines and Amazon's received quantities (a guess when several lines
        could make up the amount)."""
        lines = deduction.invoice_id.invoice_line_ids.filtered(
            lambda ln: ln.display_type == "product" and ln.product_id.amz_asin
        )
        products = {line.product_id.amz_asin: line.product_id for line in lines}
        units = self._acorn_desk_units(deduction)
        if not units:
            received = self._acorn_received_by_product(deduction)
            invoiced = [
                InvoicedLine(
                    asin=line.product_id.amz_asin,
                    quantity=int(line.quantity),
                    unit_price=Decimal(str(line.price_unit)),
                    received=received.get(line.product_id.id),
                )
                for line in lines
            ]
            units = claimed_units(Decimal(str(-deduction.amount)), invoiced)
        unknown = [unit.asin for unit in units if unit.asin not in products]
        if unknown:  # an invoice entered as one amount names no product
            for product in self.env["product.product"].search([("amz_asin", "in", unknown)]):
                products.setdefault(product.amz_asin, product)
        return units, products

    def _acorn_desk_units(self, deduction):
        """The units per ASIN the sandbox's shortage page shows for the claim (empty when
        there is no such page: Amazon itself, or a claim the page does not know)."""
        url = self._acorn_desk_url()
        number = deduction.base_invoice_number
        if not url or not number:
            return []
        shortages = url.removesuffix("/disputes") + f"/shortages/{number}"
        try:
            response = requests.get(shortages, timeout=TIMEOUT)
        except requests.RequestException:
            return []
        if response.status_code != 200:
            return []
        return [
            ClaimedUnits(claim["asin"], claim["quantity"], Decimal(claim["amount"]), "amazon")
            for claim in response.json()["claims"]
            if claim["claimNumber"] == deduction.name
        ]

    # ------------------------------------------------------------------ the pack

    def acorn_build_pack(self):
        """Build the dispute form (XLSX) and the evidence zip, attach both (XML-RPC).
        Returns their attachment ids; missing evidence is listed in the chatter."""
        self.ensure_one()
        lines, evidence = self._acorn_pack_inputs()
        try:
            pack = build_pack(self.name, lines, evidence, generated_on=fields.Date.today())
        except ValueError as exc:
            raise UserError(str(exc)) from None
        Attachment = self.env["ir.attachment"]
        (self.xlsx_attachment_id | self.zip_attachment_id).unlink()
        xlsx = Attachment.create(
            {"name": pack.xlsx_name, "raw": pack.xlsx, "res_model": self._name, "res_id": self.id}
        )
        archive = Attachment.create(
            {"name": pack.zip_name, "raw": pack.zip, "res_model": self._name, "res_id": self.id}
        )
        missing = "\n".join(str(piece) for piece in pack.missing)
        self.write(
            {
                "xlsx_attachment_id": xlsx.id,
                "zip_attachment_id": archive.id,
                "missing_evidence": missing or False,
            }
        )
        if pack.missing:
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._("Dispute pack built; evidence missing:"),
                Markup().join(Markup("<li>%s</li>") % str(piece) for piece in pack.missing),
            )
        else:
            body = self.env._("Dispute pack built with every piece of evidence.")
        self.message_post(body=body, attachment_ids=[xlsx.id, archive.id])
        return [xlsx.id, archive.id]

    def action_build_pack(self):
        self.acorn_build_pack()
        return True

    def _acorn_pack_inputs(self):
        """FormLines and InvoiceEvidence per invoice, read from the deductions' records."""
        self.ensure_one()
        form, evidence = [], {}
        for line in self.line_ids:
            deduction = line.deduction_id
            number = deduction.base_invoice_number or deduction.name
            if number not in evidence:
                evidence[number] = self._acorn_evidence(deduction, number)
            if not line.asin or not line.quantity:
                continue
            form.append(
                FormLine(
                    invoice_number=number,
                    asin=line.asin,
                    quantity=line.quantity,
                    shipped_product_id=line.shipped_product_id or line.asin,
                    shipped_date=line.shipped_date or None,
                    title=line.product_id.name or "",
                    explanation=line._acorn_explanation(),
                    po_number=deduction.purchase_order_id.name or "",
                    amount=Decimal(str(line.amount)),
                )
            )
        if not form:
            raise UserError(
                self.env._(
                    "%s has no units to dispute: set the ASIN and quantity on its lines.",
                    self.name,
                )
            )
        return form, list(evidence.values())

    def _acorn_evidence(self, deduction, number):
        """What Odoo holds to prove invoice ``number`` was shipped in full: the ASN as sent,
        cartons by SSCC, labels, bill of lading, proof of delivery, invoice and PO."""
        pickings = deduction.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state == "done"
        )
        names = ", ".join(pickings.mapped("name"))
        files, hints = defaultdict(list), {}
        transactions = self.env["acorn.vc.transaction"].search(
            [("picking_id", "in", pickings.ids), ("kind", "=", "shipment_confirmation")],
            order="id",
        )
        for tx in transactions.filtered(lambda t: t.state == "success") or transactions:
            files["asn"].append(
                EvidenceFile(
                    f"asn-{tx.picking_id.name}-{tx.transaction_id or tx.id}.json",
                    json.dumps(tx.payload, indent=2, sort_keys=True).encode(),
                )
            )
        if "acorn.edi.document" in self.env:
            for doc in self.env["acorn.edi.document"].search(
                [("picking_id", "in", pickings.ids), ("direction", "=", "out")]
            ):
                files["asn"].append(EvidenceFile(doc.name, doc._acorn_raw_bytes()))
        hints["asn"] = (
            self.env._("no ASN was sent for %s", names)
            if pickings
            else self.env._("no validated delivery is linked to the invoice")
        )
        packages = pickings._acorn_packages() if pickings else self.env["stock.quant.package"]
        cartons = self._acorn_carton_rows(pickings, deduction.purchase_order_id.name or "")
        if not cartons:
            hints["cartons"] = self.env._("pack the goods of %s in cartons with SSCCs", names)
        labelled = pickings.filtered(lambda p: p._acorn_packages().filtered("acorn_sscc"))
        if labelled:
            content, kind = self.env["ir.actions.report"]._render_qweb_pdf(
                "acorn_vendor.action_report_acorn_sscc_label", labelled.ids
            )
            files["labels"].append(EvidenceFile(f"labels-{number}.{kind}", content))
        elif packages:
            hints["labels"] = self.env._("print the labels of %s (issues the SSCCs)", names)
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "stock.picking"), ("res_id", "in", pickings.ids)], order="id"
        )
        for attachment in attachments:
            if BOL_NAME.search(attachment.name or ""):
                files["bill_of_lading"].append(EvidenceFile(attachment.name, attachment.raw))
            elif POD_NAME.search(attachment.name or ""):
                files["proof_of_delivery"].append(EvidenceFile(attachment.name, attachment.raw))
        bol_numbers = ", ".join(filter(None, pickings.mapped("acorn_bill_of_lading")))
        hints["bill_of_lading"] = self.env._(
            "attach the signed bill of lading%(number)s to %(pickings)s",
            number=f" {bol_numbers}" if bol_numbers else "",
            pickings=names or self.env._("the delivery"),
        )
        hints["proof_of_delivery"] = self.env._(
            "attach the carrier's proof of delivery (name it POD) to %s",
            names or self.env._("the delivery"),
        )
        invoice = deduction.invoice_id
        if invoice:
            content, kind = self.env["ir.actions.report"]._render_qweb_pdf(
                "account.account_invoices", invoice.ids
            )
            files["invoice"].append(EvidenceFile(f"{number}.{kind}", content))
        else:
            hints["invoice"] = self.env._("no posted invoice %s in Odoo", number)
        order = deduction.purchase_order_id
        payload = order.payload_ids[:1].content if order else None
        if payload:
            files["purchase_order"].append(
                EvidenceFile(
                    f"purchase-order-{order.name}.json",
                    json.dumps(payload, indent=2, sort_keys=True).encode(),
                )
            )
        else:
            hints["purchase_order"] = self.env._("the invoice is not traced to an Amazon PO")
        return InvoiceEvidence(number, files=dict(files), cartons=cartons, hints=hints)

    def _acorn_carton_rows(self, pickings, po_number):
        """CartonRow per (carton, product, lot) of the deliveries' packed move lines."""
        rows = []
        for line in pickings.move_line_ids.filtered(
            lambda ln: ln.result_package_id and ln.quantity > 0
        ):
            package, product = line.result_package_id, line.product_id
            rows.append(
                CartonRow(
                    sscc=package.acorn_sscc or package.name,
                    quantity=int(line.quantity),
                    asin=product.amz_asin or "",
                    vendor_sku=product.default_code or "",
                    ean=product.barcode or "",
                    po_number=po_number,
                    pallet_sscc=package.acorn_pallet_id.acorn_sscc or "",
                    lot=line.lot_id.name or "",
                )
            )
        return rows

    def _acorn_received_by_product(self, deduction):
        """Eaches Amazon says it received per product (getPurchaseOrdersStatus), when the
        deduction's Amazon PO has them."""
        received = defaultdict(int)
        for line in deduction.purchase_order_id.line_ids.filtered("product_id"):
            if line.received_qty or line.order_id.amz_state == "closed":
                received[line.product_id.id] += line.received_qty
        return dict(received)

    @staticmethod
    def _acorn_shipped_date(deduction):
        shipped = [
            p.acorn_shipped_date or p.date_done for p in deduction.picking_ids if p.state == "done"
        ]
        shipped = [value for value in shipped if value]
        if shipped:
            return min(shipped).date()
        return deduction.line_id.invoice_date or False

    # ------------------------------------------------------------------ Amazon

    def _acorn_desk_url(self):
        """The sandbox's dispute desk, or None for Amazon (no dispute API)."""
        url = self.account_id.sudo().endpoint_override
        return f"{url.rstrip('/')}/_sandbox/disputes" if url else None

    def acorn_submit(self):
        """File the dispute (XML-RPC). Against the Acorn sandbox: at its dispute desk, which
        answers with a case id. Against Amazon: refused with how to file it by hand."""
        self.ensure_one()
        if self.state not in ("draft", "redisputed") or (
            self.state == "redisputed" and self.amz_case_id
        ):
            raise UserError(
                self.env._(
                    "%(name)s is %(state)s.", name=self.name, state=self._acorn_state_label()
                )
            )
        url = self._acorn_desk_url()
        if not url:
            raise UserError(
                self.env._(
                    "Vendor Central takes disputes on its pages only: download the dispute form "
                    "and the evidence, file them under Payments → Invoices → Dispute shortage "
                    "(or Dispute Management), then record Amazon's case id with Record Case."
                )
            )
        if self.kind != "shortage":
            raise UserError(self.env._("The sandbox's dispute desk takes shortage disputes only."))
        if not self.zip_attachment_id:
            self.acorn_build_pack()
        lines = self.line_ids.filtered(lambda ln: ln.asin and ln.quantity)
        numbers = list(
            dict.fromkeys(
                ln.deduction_id.base_invoice_number or ln.deduction_id.name for ln in lines
            )
        )
        body = {
            "kind": "shortage",
            "reference": self.name,
            "invoiceNumbers": numbers,
            "items": [
                {
                    "invoiceNumber": ln.deduction_id.base_invoice_number or ln.deduction_id.name,
                    "asin": ln.asin,
                    "quantity": ln.quantity,
                    "shippedProductId": ln.shipped_product_id or ln.asin,
                    "shippedDate": ln.shipped_date.isoformat() if ln.shipped_date else None,
                    "explanation": ln._acorn_explanation(),
                }
                for ln in lines
            ],
            "evidence": [self.xlsx_attachment_id.name, self.zip_attachment_id.name],
        }
        try:
            response = requests.post(url, json=body, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise UserError(self.env._("The dispute desk did not answer: %s", exc)) from None
        if response.status_code != 201:
            raise UserError(
                self.env._(
                    "The dispute desk refused %(name)s: %(errors)s",
                    name=self.name,
                    errors=_error_text(response),
                )
            )
        return self.acorn_record_case(response.json()["caseId"])

    def action_submit(self):
        self.acorn_submit()
        return True

    def acorn_record_case(self, case_id):
        """Amazon's case id of the dispute just filed (XML-RPC, or after filing by hand)."""
        self.ensure_one()
        if not case_id:
            raise UserError(self.env._("Amazon's case id is empty."))
        first = self.state == "draft"
        self.write(
            {
                "amz_case_id": case_id,
                "state": "submitted" if first else "redisputed",
                "submitted_on": self._acorn_today(),
                "disputes_filed": self.disputes_filed + 1,
                "amz_status": False,
                "amz_answer": False,
                "answered_on": False,
            }
        )
        self.deduction_ids.write({"disputes_filed": self.disputes_filed})
        self.message_post(
            body=self.env._(
                "%(what)s filed with Amazon: case %(case)s.",
                what=self.env._("Dispute") if first else self.env._("Re-dispute"),
                case=case_id,
            )
        )
        return case_id

    def acorn_check_answer(self):
        """Ask the sandbox's desk for the case's answer and record it (pending until then)."""
        self.ensure_one()
        url = self._acorn_desk_url()
        if not url or not self.amz_case_id:
            raise UserError(
                self.env._("Only a dispute filed at the sandbox's desk can be asked for news.")
            )
        try:
            response = requests.get(f"{url}/{self.amz_case_id}", timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise UserError(self.env._("The dispute desk did not answer: %s", exc)) from None
        if response.status_code != 200:
            raise UserError(_error_text(response))
        case = response.json()
        if case["status"] == "PendingAmazonAction":
            if self.state == "submitted":
                self.state = "pending"
            return self.state
        self.acorn_record_answer(case["status"], case["answer"], case.get("approvedAmount"))
        return self.state

    def action_check_answer(self):
        self.acorn_check_answer()
        return True

    def acorn_record_answer(self, decision, answer, approved_amount=None):
        """Amazon's answer (XML-RPC): ``decision`` approved, partly_approved or denied, its
        text, and the amount approved. A denial makes the dispute Lost; an approval waits
        for the reversal a remittance brings (Won / Partly won then)."""
        self.ensure_one()
        key = DECISIONS.get(str(decision or "").replace(" ", "").lower())
        if key is None:
            raise UserError(
                self.env._(
                    "Amazon's decision %(decision)r is not one of approved, partly_approved, "
                    "denied.",
                    decision=decision,
                )
            )
        if self.state not in ("submitted", "pending", "redisputed"):
            raise UserError(
                self.env._(
                    "%(name)s is %(state)s: it waits for no answer.",
                    name=self.name,
                    state=self._acorn_state_label(),
                )
            )
        values = {
            "amz_status": key,
            "amz_answer": answer or False,
            "answered_on": self._acorn_today(),
            "amz_approved_amount": float(approved_amount or 0),
        }
        if key == "denied" and not self.amount_recovered:
            values["state"] = "lost"
        elif self.state == "submitted":
            values["state"] = "pending"
        self.write(values)
        self.deduction_ids.write({"last_answer_date": values["answered_on"]})
        self.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "Amazon answered case %(case)s: %(decision)s.",
                    case=self.amz_case_id,
                    decision=key.replace("_", " "),
                ),
                answer or "",
            )
        )
        self._acorn_apply_recoveries()
        return self.state

    # ------------------------------------------------------------------ recovery

    def _acorn_apply_recoveries(self):
        """The state the money paid back says: Won when all came back, Partly won when some
        did (Settled after a re-dispute)."""
        for dispute in self:
            if dispute.state in ("written_off", "settled") or not dispute.recovery_ids:
                continue
            if dispute.disputes_filed > 1 or dispute.state == "redisputed":
                state = "settled"
            elif (
                dispute.currency_id.compare_amounts(
                    dispute.amount_recovered, dispute.amount_claimed
                )
                >= 0
            ):
                state = "won"
            else:
                state = "partly_won"
            if state != dispute.state:
                dispute.state = state

    def _acorn_recovered(self, reversals):
        """Reversals a remittance brought for this dispute: linked, stated, said."""
        self.ensure_one()
        reversals.write({"recovery_dispute_id": self.id})
        self._acorn_apply_recoveries()
        self.message_post(
            body=self.env._(
                "Amazon paid back %(amount)s (%(lines)s in payment %(payments)s): %(state)s.",
                amount=self.currency_id.format(sum(reversals.mapped("amount"))),
                lines=", ".join(reversals.mapped("name")),
                payments=", ".join(reversals.remittance_id.mapped("name")),
                state=self._acorn_state_label(),
            )
        )

    # ------------------------------------------------------------------ re-dispute

    def action_redispute(self):
        """Open the one re-dispute Amazon allows after a denial or a partial approval."""
        for dispute in self:
            if dispute.state not in ("lost", "partly_won"):
                raise UserError(self.env._("Only a lost or partly won dispute can be re-disputed."))
            today = self._acorn_today()
            for deduction in dispute.deduction_ids:
                state, window = deduction._acorn_dispute_window_state(
                    today, disputes_filed=dispute.disputes_filed, answered_on=dispute.answered_on
                )
                if state in ("not_open", "expired"):
                    raise UserError(deduction._acorn_window_refusal(state, window, again=True))
            dispute.message_post(
                body=self.env._("Re-dispute opened after case %s.", dispute.amz_case_id)
            )
            dispute.write({"state": "redisputed", "amz_case_id": False})
        return True

    # ------------------------------------------------------------------ write-off

    def acorn_write_off(self, reason):
        """Write off what Amazon keeps (XML-RPC; Finance managers): a journal entry from the
        deductions' pending account to the configured write-off account, reconciled with the
        deductions, and the reason in the chatter."""
        self.ensure_one()
        if not self.env.user.has_group("acorn_vendor.group_acorn_manager"):
            raise UserError(self.env._("Only a Vendor Central manager writes disputes off."))
        if not (reason or "").strip():
            raise UserError(self.env._("Say why %s is written off.", self.name))
        today = self._acorn_today()
        expired = all(
            d._acorn_dispute_window_state(
                today, disputes_filed=self.disputes_filed, answered_on=self.answered_on
            )[0]
            == "expired"
            for d in self.deduction_ids
        )
        if self.state not in ("lost", "partly_won") and not expired:
            raise UserError(
                self.env._(
                    "%(name)s is %(state)s: only lost, partly won or expired disputes are "
                    "written off.",
                    name=self.name,
                    state=self._acorn_state_label(),
                )
            )
        if self.currency_id.compare_amounts(self.amount_open, 0) <= 0:
            raise UserError(self.env._("%s has nothing left to write off.", self.name))
        move = self._acorn_write_off_move(reason)
        self.write(
            {
                "state": "written_off",
                "write_off_reason": reason,
                "write_off_move_id": move.id,
                "amount_written_off": self.amount_written_off + self.amount_open,
            }
        )
        self.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "Written off to %(account)s in %(move)s.",
                    account=move.line_ids.filtered("debit").account_id[:1].display_name,
                    move=move.name,
                ),
                escape(reason),
            )
        )
        return move.id

    def action_write_off(self):
        self.acorn_write_off(self.write_off_reason)
        return True

    def _acorn_write_off_move(self, reason):
        """Debit the write-off account, credit each deduction's open part on its ledger
        account, and reconcile those credits with the deductions' journal items."""
        company = self.company_id
        journal = self.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", company.id)], limit=1
        )
        if not journal:
            raise UserError(self.env._("Company %s has no miscellaneous journal.", company.name))
        partner = self.account_id.partner_id.commercial_partner_id
        open_items = self.deduction_ids.move_line_id.filtered(
            lambda ln: ln.parent_state == "posted" and not ln.reconciled
        )
        left = self.amount_open
        credits = defaultdict(float)
        for item in open_items:
            if self.currency_id.compare_amounts(left, 0) <= 0:
                break
            part = min(left, abs(item.amount_residual_currency or item.amount_residual))
            credits[item.account_id] += part
            left -= part
        if self.currency_id.compare_amounts(left, 0) > 0:
            # Not booked (a hidden payment) or reconciled by hand: the pending account.
            kind = self.deduction_ids[:1].kind
            remittance = self.deduction_ids[:1].remittance_id
            credits[remittance._acorn_kind_account(kind)] += left
        target = self.deduction_ids[:1]._acorn_write_off_account()
        label = self.env._("%(name)s written off: %(reason)s", name=self.name, reason=reason)
        lines = [
            {
                "name": label,
                "account_id": account.id,
                "partner_id": partner.id or False,
                "currency_id": self.currency_id.id,
                "amount_currency": -amount,
                "balance": -self.currency_id._convert(
                    amount, company.currency_id, company, self._acorn_today()
                ),
            }
            for account, amount in credits.items()
        ]
        total = sum(line["balance"] for line in lines)
        lines.append(
            {
                "name": label,
                "account_id": target.id,
                "partner_id": partner.id or False,
                "currency_id": self.currency_id.id,
                "amount_currency": self.amount_open,
                "balance": -total,
            }
        )
        move = (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": self._acorn_today(),
                    "ref": label[:200],
                    "partner_id": partner.id or False,
                    "line_ids": [fields.Command.create(vals) for vals in lines],
                }
            )
        )
        move.action_post()
        for account in credits:
            if not account.reconcile:
                continue
            mine = move.line_ids.filtered(lambda ln, a=account: ln.account_id == a)
            theirs = open_items.filtered(lambda ln, a=account: ln.account_id == a)
            if mine and theirs:
                (mine | theirs).reconcile()
        return move


def _error_text(response):
    try:
        errors = response.json().get("errors") or [response.json()]
        return "; ".join(e.get("message") or json.dumps(e) for e in errors)
    except ValueError:
        return f"HTTP {response.status_code}: {response.text[:300]}"
