"""One Amazon payment of one Vendor Central account: imported from the Payments export (wizard,
XML-RPC or e-mail), matched to the account's invoices and booked as one journal entry.

The reading, decoding, matching, idempotency keys and booking plans are the pure core
(``core/remittance``); this model maps records to its plain objects and back.
"""

import base64
import json
import logging
import os

import requests

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.odoo_values import selection_of, to_decimal
from ..core.remittance.booking import DEFAULT_ACCOUNT_ROLES, KIND_ACCOUNTS, plan_booking
from ..core.remittance.import_keys import all_keys, select_new
from ..core.remittance.line_kinds import DEFAULT_RULES, DOCUMENT_KINDS, KINDS, rules_from_settings
from ..core.remittance.matching import OpenDocument, match_payments
from ..core.remittance.payments_export import Payment, PaymentLine, read_payments_export
from .column_updates import update_columns

_logger = logging.getLogger(__name__)

KIND_SELECTION = selection_of(KINDS)
# The accounts created per company (role -> name, type, reconcilable, first code tried).
DEFAULT_ACCOUNTS = {
    "deductions_pending": ("Amazon deductions pending", "asset_current", True, "119910"),
    "holdback": ("Amazon holdback", "asset_current", True, "119920"),
    "contra_revenue": ("Amazon contra revenue", "income", False, "419910"),
    "written_off": ("Amazon deductions written off", "expense", False, "619910"),
}


# What a match decides on each remittance line (written by _acorn_store_decision).
LINE_DECISION_FIELDS = (
    "status",
    "kind",
    "invoice_id",
    "settled",
    "partial",
    "review_code",
    "review_reason",
    "review_fix",
)


def kind_account_field(kind):
    """The Vendor Central account's field that overrides the ledger account of a kind."""
    return f"remittance_{KIND_ACCOUNTS[kind][0]}_account_id"


def line_rules(account):
    """The account's own decoding rules (``remittance_line_rules``, JSON, checked when saved)
    tried first, then the defaults."""
    text = (account.sudo().remittance_line_rules or "").strip()
    return (rules_from_settings(json.loads(text)) if text else ()) + DEFAULT_RULES


class AcornVcRemittance(models.Model):
    """An Amazon payment: what Amazon paid, the lines it explains, and how it was booked."""

    _name = "acorn.vc.remittance"
    _description = "Amazon Remittance"
    _inherit = ["mail.thread"]
    _order = "payment_date desc, id desc"
    _check_company_auto = True

    name = fields.Char("Payment Number", required=True, readonly=True, index=True)
    account_id = fields.Many2one(
        "acorn.vc.account", "Vendor Central Account", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    payment_date = fields.Date(required=True, readonly=True)
    amount = fields.Monetary(readonly=True, help="What Amazon paid (the bank deposit).")
    lines_total = fields.Monetary(compute="_compute_lines_total", store=True)
    gap = fields.Monetary(
        compute="_compute_lines_total",
        store=True,
        help="What the lines do not explain: the hidden lines' total, or a missing line.",
    )
    lines_hidden = fields.Boolean(
        readonly=True,
        help="Amazon does not show this payment's lines (their ordering codes are not set up "
        "in Vendor Central).",
    )
    amz_status = fields.Char("Amazon Status", readonly=True)
    void_reason = fields.Char(readonly=True)
    state = fields.Selection(
        [("to_review", "To Review"), ("ready", "Ready to Book"), ("booked", "Booked")],
        default="to_review",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    review_reason = fields.Text(readonly=True)
    review_fix = fields.Text(readonly=True)
    line_ids = fields.One2many("acorn.vc.remittance.line", "remittance_id", "Lines")
    deduction_ids = fields.One2many("acorn.vc.deduction", "remittance_id", "Deductions")
    line_count = fields.Integer(compute="_compute_counts")
    to_review_count = fields.Integer("Lines to Review", compute="_compute_counts")
    attachment_id = fields.Many2one("ir.attachment", "Imported File", readonly=True)
    move_id = fields.Many2one("account.move", "Journal Entry", readonly=True, copy=False)
    import_key = fields.Char(readonly=True, copy=False)

    _sql_constraints = [
        ("import_key_uniq", "unique(import_key)", "This Amazon payment is already imported."),
    ]

    @api.depends("amount", "line_ids.amount_paid")
    def _compute_lines_total(self):
        for remittance in self:
            remittance.lines_total = sum(remittance.line_ids.mapped("amount_paid"))
            remittance.gap = remittance.currency_id.round(
                remittance.amount - remittance.lines_total
            )

    @api.depends("line_ids.status")
    def _compute_counts(self):
        for remittance in self:
            remittance.line_count = len(remittance.line_ids)
            remittance.to_review_count = len(
                remittance.line_ids.filtered(lambda line: line.status == "to_review")
            )

    # ------------------------------------------------------------------ import

    @api.model
    def import_file(self, account_id, file_name, file_base64):
        """Import a Payments export (XLSX or CSV, base64): whole or nothing; match and book
        what is sure. Returns counts: payments and lines created, lines matched to invoices,
        lines to review, payments with hidden lines, and duplicates (payments imported
        before, skipped)."""
        account = self.env["acorn.vc.account"].browse(account_id).exists()
        if not account:
            raise UserError(self.env._("No Vendor Central account with id %s.", account_id))
        try:
            data = base64.b64decode(file_base64 or "")
        except ValueError as exc:  # binascii.Error: bad padding
            raise UserError(
                self.env._("%(file)s is not base64: %(error)s", file=file_name, error=exc)
            ) from None
        return self._acorn_import(account, file_name, data)["counts"]

    @api.model
    def _acorn_import(self, account, file_name, data):
        """Import one file as a sync run of the account (Monitoring shows each import)."""
        account.ensure_one()
        with self.env["acorn.vc.sync.run"]._acorn_track(account, "remittances") as run:
            result = self._acorn_import_file(account, file_name, data)
            run.add({"created": result["counts"]["payments"]})
            return result

    @api.model
    def _acorn_import_file(self, account, file_name, data):
        parsed = read_payments_export(
            data,
            file_name or "",
            default_currency=account.currency_id.name or None,
            rules=line_rules(account),
        )
        if parsed.errors:
            raise UserError(
                self.env._(
                    "%(file)s was not imported; nothing was created. Fix these and import it "
                    "again:\n%(problems)s",
                    file=file_name,
                    problems="\n".join(str(issue) for issue in parsed.errors),
                )
            )
        return self._acorn_import_payments(account, parsed.payments, file_name, data)

    @api.model
    def _acorn_import_payments(self, account, payments, file_name, data):
        """Create what is new of the core's payments (from a Payments export or an 820),
        keep the file, match and book what is sure."""
        selection = select_new(account.id, payments, self._acorn_known_keys(account, payments))
        attachment = self.env["ir.attachment"]
        if data and (selection.new_payments or selection.grown_payments):
            attachment = attachment.create(
                {"name": file_name or "Payments", "raw": data, "res_model": self._name}
            )
        currencies = {
            currency.name: currency
            for currency in self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "in", list({p.currency for p in payments}))])
        }
        records = self.browse()
        for payment in selection.new_payments:
            currency = currencies.get(payment.currency)
            if not currency:
                raise UserError(
                    self.env._(
                        "Payment %(number)s (row %(row)s) is in %(currency)s, a currency this "
                        "database does not have; nothing was imported.",
                        number=payment.number,
                        row=payment.row,
                        currency=payment.currency,
                    )
                )
            records |= self.create(
                {
                    "name": payment.number,
                    "account_id": account.id,
                    "currency_id": currency.id,
                    "payment_date": payment.date,
                    "amount": float(payment.amount),
                    "lines_hidden": payment.lines_hidden,
                    "amz_status": payment.status or False,
                    "void_reason": payment.void_reason or False,
                    "attachment_id": attachment.id or False,
                    "import_key": selection.payment_keys[payment.number],
                }
            )
        by_number = {r.name: r for r in records}
        grown = self.search(
            [
                (
                    "import_key",
                    "in",
                    [selection.payment_keys[p.number] for p in selection.grown_payments],
                )
            ]
        )
        by_key = {r.import_key: r for r in grown}
        for payment in selection.grown_payments:
            remittance = by_key[selection.payment_keys[payment.number]]
            by_number[payment.number] = remittance
            if remittance.lines_hidden != payment.lines_hidden:
                remittance.lines_hidden = payment.lines_hidden
        line_vals = []
        for payment in selection.new_payments + selection.grown_payments:
            remittance = by_number[payment.number]
            keys = selection.line_keys[payment.number]
            start = len(remittance.line_ids)
            for index, (line, key) in enumerate(zip(payment.lines, keys, strict=True)):
                line_vals.append(
                    self.env["acorn.vc.remittance.line"]._acorn_values(
                        remittance, line, key, start + index
                    )
                )
        lines = self.env["acorn.vc.remittance.line"].create(line_vals)
        self.env["acorn.vc.deduction"]._acorn_create_for(lines)
        if attachment and records:
            attachment.res_id = records[0].id
        touched = records | grown
        for remittance in touched:
            remittance.message_post(
                body=self.env._("Imported from %s.", file_name), attachment_ids=attachment.ids
            )
        # Matches all, books what is sure, then assesses the new deductions and those
        # traced again, once (verdicts and dispute windows need the matched traces).
        touched._acorn_book(assess=touched.line_ids.deduction_ids)
        counts = {
            "payments": len(records),
            "lines": len(lines),
            "matched": len(lines.filtered(lambda line: line.status == "matched")),
            "to_review": len(lines.filtered(lambda line: line.status == "to_review")),
            "hidden_payments": len(records.filtered("lines_hidden")),
            "duplicates": selection.duplicate_payments,
        }
        _logger.info("Remittance file %s for %s: %s", file_name, account.name, counts)
        return {"counts": counts, "records": touched}

    def _acorn_known_keys(self, account, payments):
        """The keys of these payments and their lines already stored for the account, in two
        queries restricted to the file's own keys (never the account's whole history)."""
        candidates = list(all_keys(account.id, payments))
        keys = {
            row["import_key"]
            for row in self.search_read(
                [("account_id", "=", account.id), ("import_key", "in", candidates)],
                ["import_key"],
            )
        }
        lines = self.env["acorn.vc.remittance.line"].search_read(
            [("account_id", "=", account.id), ("import_key", "in", candidates)], ["import_key"]
        )
        keys.update(row["import_key"] for row in lines)
        return keys

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A forwarded remittance e-mail: import each Payments export attached to it.

        The account comes from the alias defaults (``{'account_id': N}``) or, when the
        company has one Vendor Central account, is that one."""
        values = dict(custom_values or {})
        Account = self.env["acorn.vc.account"]
        account = Account.browse(values.get("account_id")).exists() or Account.search([], limit=2)
        if len(account) != 1:
            raise UserError(
                self.env._(
                    "Which Vendor Central account is this remittance for? Set "
                    "{'account_id': <id>} in the mail alias defaults."
                )
            )
        records = self.browse()
        for attachment in msg_dict.get("attachments") or []:
            name, content = attachment[0], attachment[1]
            if not (name or "").lower().endswith((".xlsx", ".csv", ".txt")):
                continue
            data = content.encode() if isinstance(content, str) else content
            imported = self._acorn_import(account, name, data)["records"]
            records |= imported or self.search(
                [("account_id", "=", account.id), ("attachment_id.name", "=", name)], limit=1
            )
        if not records:
            raise UserError(self.env._("The e-mail holds no Payments export (XLSX or CSV)."))
        return records[:1]

    # ------------------------------------------------------------------ matching

    def _acorn_core_payment(self):
        """The stored payment as the core's Payment (lines carry the discount as taken)."""
        self.ensure_one()
        places = self.currency_id.decimal_places
        lines = [
            PaymentLine(
                invoice_number=line.invoice_number,
                amount_paid=to_decimal(line.amount_paid, places),
                invoice_date=line.invoice_date,
                description=line.description or "",
                discount=to_decimal(line.discount_taken, places),
                kind=line.kind,
                base_invoice_number=line.base_invoice_number or None,
                reversal_key=line.reversal_key or None,
                row=line.sequence,
            )
            for line in self.line_ids.sorted("sequence")
        ]
        return Payment(
            number=self.name,
            date=self.payment_date,
            currency=self.currency_id.name,
            amount=to_decimal(self.amount, places),
            lines_hidden=self.lines_hidden,
            lines=lines,
            status=self.amz_status or "",
            void_reason=self.void_reason or "",
        )

    def _acorn_open_documents(self, account):
        """The account's open posted Amazon invoices and credit notes, plus the ones users
        mapped by hand, in one read."""
        mappings = self.env["acorn.vc.remittance.mapping"].search([("account_id", "=", account.id)])
        domain = [
            ("state", "=", "posted"),
            ("move_type", "in", ("out_invoice", "out_refund")),
            "|",
            ("id", "in", mappings.move_id.ids),
            "&",
            ("amount_residual", ">", 0),
            *self._acorn_invoice_domain(account),
        ]
        rows = self.env["account.move"].search_read(
            domain,
            [
                "amz_invoice_number",
                "name",
                "move_type",
                "amount_residual",
                "amount_total",
                "currency_id",
            ],
        )
        currencies = self.env["res.currency"].browse({row["currency_id"][0] for row in rows})
        names = {currency.id: (currency.name, currency.decimal_places) for currency in currencies}
        documents = []
        for row in rows:
            currency, places = names[row["currency_id"][0]]
            documents.append(
                OpenDocument(
                    number=row["amz_invoice_number"] or row["name"],
                    kind="credit_note" if row["move_type"] == "out_refund" else "invoice",
                    residual=to_decimal(row["amount_residual"], places),
                    currency=currency,
                    amount=to_decimal(row["amount_total"], places),
                    ref=row["id"],
                )
            )
        mapping = {
            m.invoice_number: m.move_id.amz_invoice_number or m.move_id.name for m in mappings
        }
        return documents, mapping

    @api.model
    def _acorn_invoice_domain(self, account):
        """The account's Amazon invoices: billed from its POs, or (entered by hand, from
        before Acorn) to its Amazon customer."""
        partner = account.partner_id.commercial_partner_id
        return [
            "|",
            ("acorn_account_id", "=", account.id),
            "&",
            ("acorn_account_id", "=", False),
            ("commercial_partner_id", "=", partner.id or 0),
        ]

    def _acorn_decisions(self):
        """The core's PaymentDecision per remittance (same account), in self's order."""
        account = self.account_id
        account.ensure_one()
        documents, mapping = self._acorn_open_documents(account)
        return match_payments([r._acorn_core_payment() for r in self], documents, mapping)

    def _acorn_match(self):
        """Match unbooked remittances, account by account, and store each line's outcome;
        the deductions traced again are assessed once."""
        retraced = self.env["acorn.vc.deduction"]
        for account in self.account_id:
            todo = self.filtered(lambda r, a=account: r.account_id == a and r.state != "booked")
            if not todo:
                continue
            matched = set()
            for remittance, decision in zip(todo, todo._acorn_decisions(), strict=True):
                matched |= remittance._acorn_store_decision(decision)
            retraced |= self._acorn_refresh_deductions(account, matched)
        retraced._acorn_assess()

    @api.model
    def _acorn_refresh_deductions(self, account, numbers):
        """Deductions whose base invoice was just matched (by hand, a remembered mapping, or
        an invoice posted since) get their traces again; returns them (the caller assesses,
        once, with whatever else it assesses)."""
        if not numbers:
            return self.env["acorn.vc.deduction"]
        lines = self.env["acorn.vc.remittance.line"].search(
            [
                ("account_id", "=", account.id),
                ("base_invoice_number", "in", sorted(numbers)),
                ("kind", "not in", (*DOCUMENT_KINDS, "other")),
            ]
        )
        self.env["acorn.vc.deduction"]._acorn_create_for(lines)
        return lines.deduction_ids

    def _acorn_store_decision(self, decision):
        """Write the core's decision on the lines; returns the numbers of lines that were to
        review and are matched now."""
        lines = self.line_ids.sorted("sequence")
        matched = set()
        # Only the lines that changed, all in one UPDATE (most lines of a first match differ
        # from their stored values by their status and invoice, a different value per line).
        rows = []
        for line, item in zip(lines, decision.lines, strict=True):
            if item.status == "matched" and line.status == "to_review":
                matched.add(line.invoice_number)
            values = {
                "status": item.status,
                "kind": item.kind,
                "invoice_id": item.document.ref if item.document else None,
                "settled": float(item.amount or item.line.settled),
                "partial": item.partial,
                "review_code": item.review.code if item.review else None,
                "review_reason": item.review.message if item.review else None,
                "review_fix": item.review.fix if item.review else None,
            }
            changed = any(
                (line[name].id if name == "invoice_id" else line[name]) != (value or False)
                and not (name == "settled" and line.currency_id.is_zero(line.settled - value))
                for name, value in values.items()
            )
            if changed:
                rows.append((line.id, *values.values()))
        update_columns(self.env["acorn.vc.remittance.line"], LINE_DECISION_FIELDS, rows)
        reviews = decision.reviews
        self.write(
            {
                "state": "ready" if decision.bookable else "to_review",
                "review_reason": "\n".join(r.message for r in reviews) or False,
                "review_fix": "\n".join(r.fix for r in reviews) or False,
            }
        )
        return matched

    # ------------------------------------------------------------------ booking

    def _acorn_kind_account(self, kind):
        account = self.account_id.sudo()[kind_account_field(kind)]
        return account or self._acorn_default_account(self.company_id, DEFAULT_ACCOUNT_ROLES[kind])

    @api.model
    def _acorn_default_account(self, company, role):
        """The company's default account for a role, created on first use."""
        xml_name = f"remittance_{role}_{company.id}"
        account = self.env.ref(f"acorn_vendor.{xml_name}", raise_if_not_found=False)
        if account:
            return account
        name, account_type, reconcile, code = DEFAULT_ACCOUNTS[role]
        Account = self.env["account.account"].sudo().with_company(company)
        while Account.search_count([("code", "=", code), ("company_ids", "in", company.ids)]):
            code = str(int(code) + 1)
        account = Account.create(
            {
                "name": name,
                "code": code,
                "account_type": account_type,
                "reconcile": reconcile,
                "company_ids": [fields.Command.set(company.ids)],
            }
        )
        self.env["ir.model.data"].sudo().create(
            {
                "module": "acorn_vendor",
                "name": xml_name,
                "model": "account.account",
                "res_id": account.id,
                "noupdate": True,
            }
        )
        return account

    @api.model
    def _acorn_install_default_accounts(self):
        """At install: the default accounts for every company that has a chart."""
        for company in self.env["res.company"].search([("chart_template", "!=", False)]):
            for role in DEFAULT_ACCOUNTS:
                self._acorn_default_account(company, role)

    def _acorn_journal(self):
        journal = self.account_id.sudo().remittance_journal_id
        if not journal:
            journal = self.env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", self.company_id.id)], limit=1
            )
        if not journal:
            raise UserError(
                self.env._(
                    "Company %s has no bank journal to book Amazon's payments in.",
                    self.company_id.name,
                )
            )
        return journal

    def _acorn_outstanding_account(self, journal):
        account = journal.inbound_payment_method_line_ids.payment_account_id[:1]
        if not account:
            account = (
                self.env["account.chart.template"]
                .with_company(self.company_id)
                .ref("account_journal_payment_debit_account_id", raise_if_not_found=False)
            )
        return account or journal.default_account_id

    def _acorn_book(self, assess=None):
        """Book each remittance the core says is sure: one posted entry per payment. Then
        assess, in one run, ``assess`` (deductions) and the deductions traced again."""
        retraced = assess or self.env["acorn.vc.deduction"]
        for account in self.account_id:
            todo = self.filtered(lambda r, a=account: r.account_id == a and r.state != "booked")
            decisions = todo._acorn_decisions() if todo else []
            matched = set()
            bookable, plans = self.browse(), []
            for remittance, decision in zip(todo, decisions, strict=True):
                matched |= remittance._acorn_store_decision(decision)
                if decision.bookable:
                    bookable |= remittance
                    plans.append(plan_booking(decision))
            bookable._acorn_post(plans)
            retraced |= self._acorn_refresh_deductions(account, matched)
        retraced._acorn_assess()

    def _acorn_post(self, plans):
        """Book the remittances (self, in order) by their plans: every entry created and
        posted at once, the remittance lines linked to their journal items in one update,
        the documents reconciled in batches, the reversals with their originals."""
        if not self:
            return self.env["account.move"]
        receivable = self._acorn_receivable_lines(plans)
        vals, sources, analytic = [], [], {}
        for remittance, plan in zip(self, plans, strict=True):
            move_vals, move_sources = remittance._acorn_move_values(plan, receivable, analytic)
            vals.append(move_vals)
            sources.append(move_sources)
        # Entries have no taxes or payment terms to keep in sync (account.payment creates its
        # entries the same way).
        moves = self.env["account.move"].with_context(skip_invoice_sync=True).create(vals)
        moves.action_post()
        links, reconcile = [], []
        for remittance, move, move_sources in zip(self, moves, sources, strict=True):
            line_ids = remittance.line_ids.sorted("sequence").ids
            for journal_line, move_line in zip(
                move_sources, move.line_ids.sorted("id"), strict=True
            ):
                links += [(line_ids[index], move_line.id) for index in journal_line.line_indexes]
                if journal_line.role == "receivable":
                    reconcile.append((move_line, journal_line.document.ref))
        update_columns(self.env["acorn.vc.remittance.line"], ["move_line_id"], links)
        self._acorn_reconcile_documents(reconcile, receivable)
        for remittance, move in zip(self, moves, strict=True):
            remittance.write({"move_id": move.id, "state": "booked"})
        self.deduction_ids._acorn_reconcile_reversals()
        for remittance, move in zip(self, moves, strict=True):
            remittance.message_post(body=self.env._("Booked as %s.", move._get_html_link()))
        return moves

    def _acorn_receivable_lines(self, plans):
        """{document id: its receivable journal items} of the documents the plans settle."""
        documents = {line.document.ref for plan in plans for line in plan.lines if line.document}
        by_document = {}
        for item in self.env["account.move"].browse(documents).line_ids:
            if item.account_id.account_type == "asset_receivable":
                by_document.setdefault(item.move_id.id, []).append(item.id)
        MoveLine = self.env["account.move.line"]
        return {ref: MoveLine.browse(ids) for ref, ids in by_document.items()}

    def _acorn_move_values(self, plan, receivable, analytic):
        """(create values of the remittance's entry, the plan line of each journal item).

        The values a journal item would compute line by line are given: no taxes (an entry),
        and the analytic distribution of its account and partner, looked up once per pair in
        ``analytic`` (Odoo's own per-line cache misses, so 20,000 lines were 20,000
        searches)."""
        self.ensure_one()
        journal = self._acorn_journal()
        company = self.company_id
        partner = self.account_id.partner_id.commercial_partner_id
        outstanding = self._acorn_outstanding_account(journal)
        kind_ledgers = {}
        vals = []
        for journal_line in plan.lines:
            line_partner = partner
            if journal_line.role == "outstanding_receipts":
                ledger = outstanding
            elif journal_line.role == "receivable":
                invoice_lines = receivable[journal_line.document.ref]
                ledger = invoice_lines.account_id[:1]
                line_partner = invoice_lines.partner_id[:1] or partner
            else:
                kind = journal_line.kind
                if kind not in kind_ledgers:
                    kind_ledgers[kind] = self._acorn_kind_account(kind)
                ledger = kind_ledgers[kind]
            amount = float(journal_line.balance)
            if (ledger, line_partner) not in analytic:
                analytic[ledger, line_partner] = self.env[
                    "account.analytic.distribution.model"
                ]._get_distribution(
                    {
                        "product_id": False,
                        "product_categ_id": False,
                        "partner_id": line_partner.id,
                        "partner_category_id": line_partner.category_id.ids,
                        "account_prefix": ledger.code,
                        "company_id": company.id,
                    }
                )
            vals.append(
                {
                    "name": journal_line.label,
                    "account_id": ledger.id,
                    "partner_id": line_partner.id or False,
                    "tax_ids": [fields.Command.clear()],
                    "analytic_distribution": analytic[ledger, line_partner] or False,
                    "currency_id": self.currency_id.id,
                    "amount_currency": amount,
                    "balance": self.currency_id._convert(
                        amount, company.currency_id, company, self.payment_date
                    ),
                }
            )
        # Rounding of converted amounts lands on the bank side, so the entry balances.
        vals[0]["balance"] -= company.currency_id.round(sum(v["balance"] for v in vals))
        move_vals = {
            "move_type": "entry",
            "journal_id": journal.id,
            "date": self.payment_date,
            "ref": plan.memo,
            "partner_id": partner.id or False,
            "line_ids": [fields.Command.create(v) for v in vals],
        }
        return move_vals, plan.lines

    @api.model
    def _acorn_reconcile_documents(self, pairs, receivable):
        """Reconcile each (payment journal item, document id) with the document's open
        receivable items: one batch, or one per round where a document is paid twice."""
        # Reconciling changes no amount, tax or term of the documents: their dynamic lines
        # need no sync (Odoo's own exchange-difference and cash-basis entries skip it too).
        MoveLine = self.env["account.move.line"].with_context(skip_invoice_sync=True)
        rounds = []
        seen = {}
        for move_line, ref in pairs:
            turn = seen[ref] = seen.get(ref, -1) + 1
            if turn == len(rounds):
                rounds.append([])
            rounds[turn].append((move_line, ref))
        for batch in rounds:
            MoveLine._reconcile_plan(
                [
                    move_line | receivable[ref].filtered(lambda ln: not ln.reconciled)
                    for move_line, ref in batch
                ]
            )

    # ------------------------------------------------------------------ actions

    def action_book(self):
        """Match again (mappings may have changed) and book what is now sure."""
        self._acorn_book()
        left = self.filtered(lambda r: r.state != "booked")
        if left and len(self) == 1:
            raise UserError(
                self.env._(
                    "Payment %(number)s is not booked yet:\n%(reasons)s",
                    number=self.name,
                    reasons="\n".join(
                        filter(None, [self.review_reason] + self.line_ids.mapped("review_reason"))
                    ),
                )
            )
        return True

    def action_rematch(self):
        self._acorn_match()
        return True

    def action_view_lines(self):
        """The payment's lines by kind (pivot and list), each opening its invoice or
        deduction."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "acorn_vendor.acorn_vc_remittance_line_action_by_kind"
        )
        action["domain"] = [("remittance_id", "=", self.id)]
        action["display_name"] = self.env._("Lines of %s", self.name)
        return action

    def action_view_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------ demo

    @api.model
    def _acorn_demo_paid_invoices(self, account_ids):
        """Demo data: post the invoices the sandbox's payment history pays (its history
        invoices ``<PO>INV`` predate the demo), so that importing its Payments export matches
        them instead of sending every line to To Review. Only where ``./acorn demo`` started
        the sandbox (ACORN_SANDBOX_URL): a test database never reads a sandbox by chance."""
        if not os.environ.get("ACORN_SANDBOX_URL"):
            return
        for account in self.env["acorn.vc.account"].browse(account_ids).sudo():
            payload = self._acorn_sandbox_payments(account)
            if payload is not None:
                self._acorn_post_paid_invoices(account, payload)

    @api.model
    def _acorn_sandbox_payments(self, account):
        """The sandbox's payments as JSON (every line, the hidden ones too), from the
        account's endpoint, else the demo's sandbox (ACORN_SANDBOX_URL: an EDI account has
        no SP-API endpoint); None without a sandbox, or when it does not answer."""
        url = (account.endpoint_override or os.environ.get("ACORN_SANDBOX_URL") or "").rstrip("/")
        if not url:
            return None
        try:
            response = requests.get(
                f"{url}/_sandbox/payments/export", params={"format": "json"}, timeout=60
            )
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as exc:
            _logger.warning("No sandbox payments for %s (%s)", account.name, exc)
            return None

    @api.model
    def _acorn_post_paid_invoices(self, account, payload):
        """Posted Amazon invoices for the invoice lines of the sandbox's JSON payments that
        the account does not hold yet; returns them."""
        if not account.partner_id:  # one Amazon pays every account of the company
            account.partner_id = self.env["acorn.vc.account"].search(
                [("company_id", "=", account.company_id.id), ("partner_id", "!=", False)],
                limit=1,
            ).partner_id or self.env["res.partner"].create(
                {"name": "Amazon.com Services LLC", "is_company": True}
            )
        wanted = {
            line["invoice_number"]: line
            for payment in payload.get("payments") or []
            for line in payment["lines"]
            if line["kind"] == "invoice"
        }
        have = self.env["account.move"].search(
            [
                ("amz_invoice_number", "in", list(wanted)),
                ("move_type", "=", "out_invoice"),
                *self._acorn_invoice_domain(account),
            ]
        )
        for number in have.mapped("amz_invoice_number"):
            wanted.pop(number, None)
        moves = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "company_id": account.company_id.id,
                    "partner_id": account.partner_id.id,
                    "currency_id": account.currency_id.id or account.company_id.currency_id.id,
                    "invoice_date": line["invoice_date"],
                    "invoice_payment_term_id": account.payment_term_id.id or False,
                    "amz_invoice_number": number,
                    "acorn_account_id": account.id,
                    "ref": number,
                    "invoice_line_ids": [
                        fields.Command.create(
                            {
                                "name": f"Amazon PO {number.removesuffix('INV')}",
                                "quantity": 1,
                                "price_unit": float(line["invoice_amount"]),
                                "tax_ids": [fields.Command.clear()],
                            }
                        )
                    ],
                }
                for number, line in wanted.items()
            ]
        )
        moves.action_post()
        # Billed to this account, and accepted (Amazon paid them): without a PO the computed
        # account is lost once the lines are made, and two accounts paid by one Amazon
        # partner would both see these invoices.
        moves._acorn_write({"acorn_account_id": account.id, "acorn_invoice_state": "accepted"})
        return moves

    @api.model
    def acorn_month_end(self, account_id, month):
        """The core's month-end figures of an account (XML-RPC): see the month-end wizard."""
        wizard = self.env["acorn.vc.remittance.month.end.wizard"].create(
            {"account_id": account_id, "month": month}
        )
        return wizard._acorn_figures()
