import logging

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..core import domain, invoice_build
from ..core.invoice_check import check_invoice
from ..core.odoo_values import PO_STATE_NAMES, to_decimal
from ..core.spapi import converters
from .notification import notification

_logger = logging.getLogger(__name__)

AMAZON_MOVE_TYPES = ("out_invoice", "out_refund")
# Transactions whose document Amazon has, or may have: their numbers are taken.
LIVE_TX_STATES = ("draft", "processing", "success", "uncertain")


class AccountMove(models.Model):
    """The customer invoice or credit note of an Amazon sale order, as Amazon will see it:
    pre-validated against the PO, the shipments and earlier invoices, then submitted."""

    _inherit = "account.move"

    acorn_account_id = fields.Many2one(
        "acorn.vc.account",
        "Vendor Central Account",
        compute="_compute_acorn_account_id",
        store=True,
        index="btree_not_null",
        help="Set when the invoice bills an Amazon purchase order.",
    )
    amz_invoice_number = fields.Char(
        "Amazon Invoice Number",
        copy=False,
        index="btree_not_null",
        help="The id Amazon receives; unique per Vendor Central account. Set to the "
        "invoice's number when it is confirmed.",
    )
    acorn_invoice_state = fields.Selection(
        [
            ("to_check", "Not Checked"),
            ("blocked", "Problems Found"),
            ("ready", "Ready to Send"),
            ("sent", "Sent"),
            ("accepted", "Accepted by Amazon"),
            ("rejected", "Rejected by Amazon"),
        ],
        string="Amazon State",
        compute="_compute_acorn_invoice_state",
        store=True,
        readonly=False,
        copy=False,
        tracking=True,
        index="btree_not_null",
    )
    acorn_invoice_errors = fields.Text("Amazon's Errors", readonly=True, copy=False)
    acorn_credit_reason = fields.Selection(
        [
            (invoice_build.CreditReason.RETURN, "Returned goods"),
            (invoice_build.CreditReason.PRICE_ADJUSTMENT, "Price adjustment"),
        ],
        string="Amazon Credit Reason",
        copy=False,
        help="Credit notes only: what the credit is for.",
    )
    amz_return_reference = fields.Char(
        "Amazon Return Reference",
        copy=False,
        help="Amazon's returns reference (RMA) of the returned goods.",
    )
    acorn_overridden_keys = fields.Json(
        copy=False, help="Problems a Finance manager let through (code|where)."
    )
    acorn_check_ids = fields.One2many("acorn.vc.invoice.check", "move_id", "Invoice Check")
    acorn_blocking_count = fields.Integer(
        "Blocking Problems", compute="_compute_acorn_blocking_count", compute_sudo=True
    )
    acorn_transaction_ids = fields.One2many(
        "acorn.vc.transaction", "move_id", "Amazon Transactions"
    )

    @api.depends("invoice_line_ids.sale_line_ids.order_id.acorn_purchase_order_id")
    def _compute_acorn_account_id(self):
        for move in self:
            pos = move.invoice_line_ids.sale_line_ids.order_id.acorn_purchase_order_id
            move.acorn_account_id = (
                pos[:1].account_id if move.move_type in AMAZON_MOVE_TYPES else False
            )

    @api.depends("acorn_account_id")
    def _compute_acorn_invoice_state(self):
        """Only Amazon's invoices have a state (no value on every other move)."""
        for move in self:
            move.acorn_invoice_state = (
                (move.acorn_invoice_state or "to_check") if move.acorn_account_id else False
            )

    @api.depends("acorn_check_ids.severity", "acorn_check_ids.overridden")
    def _compute_acorn_blocking_count(self):
        for move in self:
            move.acorn_blocking_count = len(
                move.acorn_check_ids.filtered(lambda c: c.severity == "error" and not c.overridden)
            )

    @api.constrains("amz_invoice_number", "acorn_account_id")
    def _check_amz_invoice_number(self):
        """Amazon refuses a number it already has; stop a duplicate where it is typed."""
        for move in self.filtered(lambda m: m.amz_invoice_number and m.acorn_account_id):
            other = self.search(
                [
                    ("id", "!=", move.id),
                    ("acorn_account_id", "=", move.acorn_account_id.id),
                    ("amz_invoice_number", "=", move.amz_invoice_number),
                ],
                limit=1,
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "Amazon invoice number %(number)s is already used by %(other)s on "
                        "account %(account)s; Amazon needs a unique number per account.",
                        number=move.amz_invoice_number,
                        other=other.display_name,
                        account=move.acorn_account_id.name,
                    )
                )

    def _acorn_write(self, vals):
        """Write Amazon-only fields without account.move's line sync and balance check,
        which cost seconds on a 5,000-line invoice and concern none of these fields."""
        return self.with_context(skip_invoice_sync=True, check_move_validity=False).write(vals)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        for move in posted.filtered(lambda m: m.acorn_account_id and not m.amz_invoice_number):
            move._acorn_write({"amz_invoice_number": move.name})
        return posted

    def button_draft(self):
        """Amazon has what was accepted or is being processed: correct it with a credit note."""
        sent = self.filtered(lambda m: m.acorn_invoice_state in ("sent", "accepted"))
        if sent:
            raise UserError(
                self.env._(
                    "%(moves)s is with Amazon already; correct it with a credit note.",
                    moves=", ".join(sent.mapped("display_name")),
                )
            )
        result = super().button_draft()
        self.filtered("acorn_account_id")._acorn_write(
            {"acorn_invoice_state": "to_check", "acorn_overridden_keys": False}
        )
        return result

    # ------------------------------------------------------------------ gather

    def _acorn_party(self, partner, code):
        """A domain Party; the address only when Amazon's model would accept it."""
        if not code:
            return None
        return domain.Party(
            party_id=code,
            address=partner._acorn_address(partner.commercial_company_name),
            tax_registration_type="VAT" if partner and partner.vat else None,
            tax_registration_number=(partner.vat or None) if partner else None,
        )

    def _acorn_lines(self, tax_type):
        """The move's product lines as plain data, each in eaches at a unit price per each."""
        self.ensure_one()
        out = []
        refund = self.move_type == "out_refund"
        for line in self.invoice_line_ids.filtered(lambda ln: ln.display_type == "product"):
            product = line.product_id
            po_line = line.sale_line_ids.acorn_po_line_id[:1]
            eaches = (
                line.product_uom_id._compute_quantity(line.quantity, product.uom_id)
                if product and line.product_uom_id
                else line.quantity
            )
            net = line.price_unit * (1 - (line.discount or 0.0) / 100.0)
            per_each = net * line.quantity / eaches if eaches else net
            taxes = []
            if line.tax_ids:
                computed = line.tax_ids.compute_all(
                    net,
                    self.currency_id,
                    line.quantity,
                    product=product,
                    partner=self.partner_id,
                    is_refund=refund,
                )
                for tax in computed["taxes"]:
                    record = self.env["account.tax"].browse(tax["id"])
                    rate = (
                        to_decimal(record.amount / 100.0, 6)
                        if record.amount_type == "percent"
                        else None
                    )
                    taxes.append(
                        invoice_build.TaxLine(
                            tax_type, to_decimal(tax["amount"], 2), to_decimal(tax["base"], 2), rate
                        )
                    )
            out.append(
                invoice_build.MoveLine(
                    description=line.name or product.display_name or "",
                    quantity=to_decimal(eaches, 3),
                    price_unit=to_decimal(per_each, 4),
                    po_number=po_line.order_id.name or None,
                    asin=po_line.asin or (product.amz_asin if product else None) or None,
                    sku=po_line.vendor_sku or (product.default_code if product else None) or None,
                    ean=po_line.ean or None,
                    taxes=taxes,
                    charge=not po_line and (not product or product.type == "service"),
                )
            )
        return out

    def _acorn_move_data(self):
        """Plain data for core.invoice_build: lines, parties, terms, credit details."""
        self.ensure_one()
        account = self.acorn_account_id
        company = self.company_id
        po = self.invoice_line_ids.sale_line_ids.order_id.acorn_purchase_order_id[:1]
        vendor_code = po.vendor_code or account.vendor_code_ids[:1].code
        remit = account.invoice_remit_to_partner_id or company.partner_id
        warehouse = (
            account.warehouse_id or (self.invoice_line_ids.sale_line_ids.order_id.warehouse_id[:1])
        )
        terms = None
        if self.invoice_date and self.invoice_date_due:
            term = self.invoice_payment_term_id
            terms = domain.PaymentTerms(
                terms_type="Basic",
                net_due_days=max((self.invoice_date_due - self.invoice_date).days, 0),
                discount_percent=to_decimal(term.discount_percentage, 2)
                if term.early_discount
                else None,
                discount_due_days=term.discount_days if term.early_discount else None,
            )
        credit = self.move_type == "out_refund"
        original = self.reversed_entry_id
        country = company.account_fiscal_country_id.code or company.country_id.code
        return invoice_build.MoveData(
            number=self.amz_invoice_number or (self.name if self.name != "/" else None),
            kind="CreditNote" if credit else "Invoice",
            date=self.invoice_date or fields.Date.context_today(self),
            currency=self.currency_id.name,
            total=to_decimal(self.amount_total, 2),
            remit_to=self._acorn_party(remit, vendor_code),
            lines=self._acorn_lines(invoice_build.tax_type_for(country)),
            ship_from=self._acorn_party(
                warehouse.partner_id or company.partner_id, warehouse.code or None
            ),
            bill_to=self._acorn_party(self.partner_id, po.bill_to_code or None),
            ship_to=self._acorn_party(self.partner_shipping_id, po.ship_to_code or None),
            payment_terms=terms,
            reference=(original.amz_invoice_number or original.name or None) if credit else None,
            credit_reason=self.acorn_credit_reason or None if credit else None,
            return_reference=self.amz_return_reference or None if credit else None,
        )

    def _acorn_po_lines(self):
        """Every line of the POs this move bills: accepted, shipped (done on the sale order's
        deliveries) and billed by other posted invoices, in eaches."""
        self.ensure_one()
        pos = self.invoice_line_ids.sale_line_ids.order_id.acorn_purchase_order_id
        po_lines = pos.line_ids
        sale_lines = self.env["sale.order.line"].search([("acorn_po_line_id", "in", po_lines.ids)])
        shipped, invoiced = {}, {}
        for sol in sale_lines:
            key = sol.acorn_po_line_id.id
            shipped[key] = shipped.get(key, 0) + sol.product_uom._compute_quantity(
                sol.qty_delivered, sol.product_id.uom_id
            )
        others = self.env["account.move.line"].search(
            [
                ("sale_line_ids", "in", sale_lines.ids),
                ("move_id", "!=", self.id),
                ("move_id.move_type", "=", "out_invoice"),
                ("parent_state", "=", "posted"),
                ("move_id.acorn_invoice_state", "!=", "rejected"),
                ("display_type", "=", "product"),
            ]
        )
        for aml in others:
            key = aml.sale_line_ids.acorn_po_line_id[:1].id
            invoiced[key] = invoiced.get(key, 0) + aml.product_uom_id._compute_quantity(
                aml.quantity, aml.product_id.uom_id
            )
        return [
            invoice_build.PoLineData(
                po_number=line.order_id.name,
                sequence=line.sequence_number,
                asin=line.asin or None,
                vendor_ids=(line.vendor_sku, line.ean),
                net_cost=to_decimal(line.net_cost, 4),
                accepted=line.accepted_qty,
                shipped=int(round(shipped.get(line.id, 0))),
                invoiced=int(round(invoiced.get(line.id, 0))),
                po_date=line.order_id.po_date,
                currency=line.order_id.currency_code or None,
                state=PO_STATE_NAMES.get(line.order_id.amz_state, "Acknowledged"),
            )
            for line in po_lines
        ]

    def _acorn_earlier(self):
        """Numbers Amazon has (or may have) from this account, and for a credit note the
        invoice it credits and the credits before it, as they were sent."""
        self.ensure_one()
        original = self.reversed_entry_id
        related = self.browse()
        if self.move_type == "out_refund" and original:
            related = original | self.search(
                [("reversed_entry_id", "=", original.id), ("id", "!=", self.id)]
            )
        # Only this document's number, the one it credits and the credits before it matter:
        # no need to read the account's whole history.
        wanted = [n for n in (self.amz_invoice_number, original.amz_invoice_number) if n]
        live = (
            self.env["acorn.vc.transaction"]
            .sudo()
            .search(
                [
                    ("account_id", "=", self.acorn_account_id.id),
                    ("kind", "=", "invoice"),
                    ("state", "in", LIVE_TX_STATES),
                    ("move_id", "!=", False),
                    ("move_id", "!=", self.id),
                    "|",
                    ("move_id.amz_invoice_number", "in", wanted),
                    ("move_id", "in", related.ids),
                ]
            )
        )
        numbers = set(live.move_id.mapped("amz_invoice_number")) - {False}
        earlier = []
        for tx in live.filtered(lambda t: t.move_id in related):
            for doc in (tx.payload or {}).get("invoices") or []:
                earlier.append(converters.invoice_from_spapi(doc))
        return numbers, earlier

    def _acorn_run_check(self):
        """Build, check and record: (SP-API document or None, problems)."""
        self.ensure_one()
        # Reading Amazon's side (sale lines of other salespeople, POs, other invoices) is the
        # check's business, not the clerk's rights: whoever may edit the invoice may check it.
        gather = self.sudo()
        data = gather._acorn_move_data()
        invoice = invoice_build.build_invoice(data)
        numbers, earlier = gather._acorn_earlier()
        context = invoice_build.build_context(
            gather._acorn_po_lines(),
            sent_numbers=numbers,
            earlier_invoices=earlier,
            cost_tolerance=to_decimal(self.acorn_account_id.invoice_cost_tolerance, 4),
            price_adjustment=data.credit_reason == invoice_build.CreditReason.PRICE_ADJUSTMENT,
        )
        problems = invoice_build.source_problems(data) + check_invoice(invoice, context)
        doc = None
        try:
            doc = converters.invoice_to_spapi(invoice)
        except ValueError as exc:
            problems.append(
                invoice_build.Problem(
                    "INVALID_PAYLOAD",
                    "error",
                    f"{data.kind} {data.number}",
                    str(exc),
                    "Correct the amounts on the invoice.",
                )
            )
        else:
            problems += invoice_build.payload_problems(doc)
        self._acorn_store_check(problems)
        return doc, problems

    def _acorn_store_check(self, problems):
        overridden = set(self.acorn_overridden_keys or [])
        rows = [
            {
                "move_id": self.id,
                "sequence": n,
                "code": p.code,
                "severity": p.severity,
                "where": p.where,
                "message": p.message,
                "fix": p.fix,
                "key": invoice_build.problem_key(p),
                "overridden": invoice_build.problem_key(p) in overridden,
            }
            for n, p in enumerate(problems, 1)
        ]
        self.sudo().acorn_check_ids.unlink()
        self.env["acorn.vc.invoice.check"].sudo().create(rows)
        if self.acorn_invoice_state not in ("sent", "accepted"):
            blocked = invoice_build.blocking_problems(problems, overridden)
            self._acorn_write({"acorn_invoice_state": "blocked" if blocked else "ready"})

    # ------------------------------------------------------------------ public API

    def _acorn_amazon_moves(self):
        wrong = self.filtered(
            lambda m: not m.acorn_account_id or m.move_type not in AMAZON_MOVE_TYPES
        )
        if wrong:
            raise UserError(
                self.env._(
                    "%(moves)s bill no Amazon purchase order: only customer invoices and "
                    "credit notes of Amazon sale orders go to Vendor Central.",
                    moves=", ".join(wrong.mapped("display_name")),
                )
            )
        self.check_access("write")
        return self

    @staticmethod
    def _acorn_problem_dicts(checks):
        return [
            {
                "code": c.code,
                "severity": c.severity,
                "where": c.where,
                "message": c.message,
                "fix": c.fix,
                "overridden": c.overridden,
            }
            for c in checks
        ]

    def _acorn_result(self, **extra):
        return {
            "id": self.id,
            "number": self.amz_invoice_number or self.name,
            "acorn_invoice_state": self.acorn_invoice_state,
            "ok": not self.acorn_blocking_count,
            "problems": self._acorn_problem_dicts(self.acorn_check_ids),
            **extra,
        }

    def acorn_check_invoice(self):
        """Pre-validate (public, XML-RPC): one dict per move with ``ok`` and ``problems``
        (code, severity, where, message, fix, overridden)."""
        results = []
        for move in self._acorn_amazon_moves():
            move._acorn_run_check()
            results.append(move._acorn_result())
        return results

    def acorn_send_invoice(self):
        """Check, then queue the submission for each move nothing blocks (public, XML-RPC):
        submitInvoices, or an 810/INVOIC when the account's channel is EDI (acorn_vendor_edi).

        Returns one dict per move: ``sent``, ``transaction_id`` (the acorn.vc.transaction)
        and the checklist. A rejected invoice, once fixed, is sent again the same way.
        """
        results = []
        transactions = self.env["acorn.vc.transaction"]
        for move in self._acorn_amazon_moves():
            if move.state != "posted":
                raise UserError(
                    self.env._("Confirm %s before sending it to Amazon.", move.display_name)
                )
            if move.acorn_invoice_state in ("sent", "accepted"):
                results.append(move._acorn_result(sent=False, transaction_id=False))
                continue
            doc, problems = move._acorn_run_check()
            if invoice_build.blocking_problems(problems, move.acorn_overridden_keys or []):
                results.append(move._acorn_result(sent=False, transaction_id=False))
                continue
            tx = transactions.sudo().create(
                {
                    "account_id": move.acorn_account_id.id,
                    "kind": "invoice",
                    "move_id": move.id,
                    "payload": {"invoices": [doc]},
                }
            )
            move._acorn_write({"acorn_invoice_state": "sent", "acorn_invoice_errors": False})
            transactions |= tx
            results.append(move._acorn_result(sent=True, transaction_id=tx.id))
        transactions._acorn_enqueue_submit()
        return results

    def acorn_override_check(self, reason):
        """A Finance manager lets the current errors through, with a reason kept in the
        chatter (public, XML-RPC). Returns the overridden problem keys per move."""
        if not (
            self.env.user.has_group("acorn_vendor.group_acorn_manager")
            or self.env.user.has_group("account.group_account_manager")
        ):
            raise AccessError(
                self.env._("Only a Finance manager may override the Amazon invoice check.")
            )
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the invoice may go to Amazon as it is."))
        results = []
        for move in self._acorn_amazon_moves():
            checks = move.acorn_check_ids.filtered(
                lambda c: c.severity == "error" and not c.overridden
            )
            if not checks:
                results.append({"id": move.id, "overridden": []})
                continue
            checks.sudo().overridden = True
            vals = {
                "acorn_overridden_keys": sorted(
                    set(move.acorn_overridden_keys or []) | set(checks.mapped("key"))
                )
            }
            if move.acorn_invoice_state == "blocked":
                vals["acorn_invoice_state"] = "ready"
            move._acorn_write(vals)
            items = Markup("").join(
                Markup("<li>%s</li>") % escape(f"[{c.code}] {c.where}: {c.message}") for c in checks
            )
            move.message_post(
                body=Markup("<p>%s</p><p>%s</p><ul>%s</ul>")
                % (
                    self.env._("Amazon invoice check overridden by %s.", self.env.user.name),
                    self.env._("Reason: %s", reason.strip()),
                    items,
                )
            )
            results.append({"id": move.id, "overridden": checks.mapped("key")})
        return results

    # ------------------------------------------------------------------ buttons

    def action_acorn_check_invoice(self):
        results = self.acorn_check_invoice()
        blocked = sum(1 for r in results if not r["ok"])
        if blocked:
            return notification(
                self.env._("Amazon would refuse this invoice"),
                self.env._("See the Amazon tab: each problem says how to fix it."),
                "warning",
            )
        return notification(
            self.env._("Invoice check passed"),
            self.env._("Nothing Amazon would refuse was found."),
            "success",
        )

    def action_acorn_send_invoice(self):
        results = self.acorn_send_invoice()
        if any(not r["sent"] and r["acorn_invoice_state"] == "blocked" for r in results):
            return notification(
                self.env._("Not sent"),
                self.env._(
                    "The invoice check found problems (Amazon tab): fix them, or have a Finance "
                    "manager override them with a reason."
                ),
                "danger",
            )
        return notification(
            self.env._("Sent to Amazon"),
            self.env._("Amazon's verdict appears here when its transaction completes."),
            "success",
        )

    def action_acorn_override_check(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": "acorn.vc.invoice.override.wizard",
            "name": self.env._("Override the Amazon invoice check"),
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "account.move", "active_ids": self.ids},
        }

    # ------------------------------------------------------------------ Amazon's verdict

    def _acorn_amazon_accepted(self, transaction):
        self.ensure_one()
        self._acorn_write({"acorn_invoice_state": "accepted", "acorn_invoice_errors": False})
        self.message_post(
            body=self.env._(
                "Amazon accepted %(number)s (transaction %(tx)s).",
                number=self.amz_invoice_number,
                tx=transaction.transaction_id,
            )
        )

    def _acorn_amazon_rejected(self, transaction, text):
        self.ensure_one()
        self._acorn_write({"acorn_invoice_state": "rejected", "acorn_invoice_errors": text})
        self.message_post(
            body=Markup("<p>%s</p><pre>%s</pre>")
            % (self.env._("Amazon rejected %s; fix it and send it again:", self.name), text)
        )
