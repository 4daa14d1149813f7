from datetime import date

from odoo import api, fields, models

from ..core.odoo_values import to_decimal
from ..core.remittance.booking import KIND_ACCOUNTS
from ..core.remittance.month_end import (
    SECTIONS,
    Entry,
    OpenItem,
    month_end,
    month_end_xlsx,
    next_month,
)
from ..models.acorn_vc_remittance import kind_account_field


class AcornVcRemittanceMonthEndWizard(models.TransientModel):
    """Amazon receivables of one account and month, from the ledger: opening, invoices,
    payments, deductions by kind, reversals, closing, tied to the GL balance of Amazon's
    partner; and the workbook an accountant files."""

    _name = "acorn.vc.remittance.month.end.wizard"
    _description = "Amazon Receivables Month-end"

    account_id = fields.Many2one(
        "acorn.vc.account",
        "Vendor Central Account",
        required=True,
        default=lambda self: self.env["acorn.vc.account"].search([], limit=1),
    )
    month = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="Any day of the month.",
    )
    currency_id = fields.Many2one(related="account_id.company_id.currency_id")
    opening = fields.Monetary(compute="_compute_figures")
    invoices = fields.Monetary(compute="_compute_figures")
    credit_notes = fields.Monetary(compute="_compute_figures")
    payments = fields.Monetary(compute="_compute_figures")
    deductions = fields.Monetary(compute="_compute_figures")
    reversals = fields.Monetary(compute="_compute_figures")
    other = fields.Monetary(compute="_compute_figures")
    closing = fields.Monetary(compute="_compute_figures")
    ledger_closing = fields.Monetary("Ledger Balance", compute="_compute_figures")
    difference = fields.Monetary(compute="_compute_figures")
    deductions_by_kind = fields.Text(compute="_compute_figures")

    @api.depends("account_id", "month")
    def _compute_figures(self):
        for wizard in self:
            summary, _items = wizard._acorn_month_end()
            for name in SECTIONS:
                wizard[name] = float(summary.sections[name])
            wizard.opening = float(summary.opening)
            wizard.closing = float(summary.closing)
            wizard.ledger_closing = float(summary.ledger_closing)
            wizard.difference = float(summary.difference)
            wizard.deductions_by_kind = "\n".join(
                f"{kind}: {amount}" for kind, amount in sorted(summary.deductions_by_kind.items())
            )

    def _acorn_ledger_accounts(self):
        """The reconcilable deduction accounts in use: the defaults and those configured."""
        account = self.account_id.sudo()
        Remittance = self.env["acorn.vc.remittance"]
        ledgers = self.env["account.account"]
        for role in ("deductions_pending", "holdback"):
            ledgers |= Remittance._acorn_default_account(account.company_id, role)
        for kind in KIND_ACCOUNTS:
            ledgers |= account[kind_account_field(kind)].filtered("reconcile")
        return ledgers

    def _acorn_month_end(self):
        """(core MonthEnd, open items) for the wizard's account and month.

        The figures come from Acorn's own records (the account's posted invoices and credit
        notes, its booked remittances' lines); the ledger balance they must tie to is summed
        separately from the posted journal items of Amazon's partner on the receivable and
        deduction accounts. What someone posted there outside Acorn shows as a difference."""
        self.ensure_one()
        first = (self.month or date.today()).replace(day=1)
        after = next_month(first)
        company = self.account_id.company_id
        partner = self.account_id.partner_id.commercial_partner_id
        places = company.currency_id.decimal_places
        ledgers = self._acorn_ledger_accounts()
        entries, items = self._acorn_document_entries(after, ledgers)
        (ledger,) = self.env["account.move.line"]._read_group(
            [
                ("parent_state", "=", "posted"),
                ("company_id", "=", company.id),
                ("partner_id", "=", partner.id),
                ("date", "<", after),
                "|",
                ("account_id.account_type", "=", "asset_receivable"),
                ("account_id", "in", ledgers.ids),
                *self._acorn_shared_partner_domain(),
            ],
            aggregates=["balance:sum"],
        )[0]
        return month_end(entries, first, to_decimal(ledger, places)), items

    def _acorn_shared_partner_domain(self, move="move_id"):
        """When several Vendor Central accounts of the company share Amazon's partner: the
        entries (``move``: the path to account.move) of this account only.

        Each entry of the partner belongs to one account, so the accounts' month-ends add up
        to the partner's ledger: an invoice to the account of its Amazon PO, a remittance's
        entry to the remittance's account, and what belongs to no account (invoices entered
        by hand, entries posted outside Acorn) to the partner's first account (lowest id),
        where something posted outside Acorn shows as a difference."""
        account = self.account_id
        partner = account.partner_id.commercial_partner_id
        owner = "acorn_account_id" if move == "id" else f"{move}.acorn_account_id"
        # Every account of the partner, also those the user may not open: the figure is the
        # ledger's, and only ids leave this method.
        sharing = (
            self.env["acorn.vc.account"]
            .sudo()
            .search(
                [
                    ("company_id", "=", account.company_id.id),
                    ("partner_id.commercial_partner_id", "=", partner.id or 0),
                ],
                order="id",
            )
        )
        if len(sharing) < 2:
            return []
        others = sharing - account
        entries = (
            self.env["acorn.vc.remittance"]
            .sudo()
            .search([("account_id", "in", sharing.ids), ("move_id", "!=", False)])
        )
        if account == sharing[0]:
            other_entries = entries.filtered(lambda r: r.account_id != account).move_id
            # Not "!" on the path: Odoo turns it into "not in", which drops entries of no
            # account (NULL) too.
            return [
                "|",
                (owner, "=", False),
                (owner, "not in", others.ids),
                (move, "not in", other_entries.ids),
            ]
        own_entries = entries.filtered(lambda r: r.account_id == account).move_id
        return [
            "|",
            (owner, "=", account.id),
            (move, "in", own_entries.ids),
        ]

    def _acorn_document_entries(self, after, ledgers):
        """(entries, open items) before ``after`` from the account's documents: invoices and
        credit notes at their total, and per booked remittance what it settled on each
        document and the deductions on the reconcilable accounts, in company currency as
        the booking converts them (per document, per deduction line)."""
        account = self.account_id
        company = account.company_id
        places = company.currency_id.decimal_places
        Remittance = self.env["acorn.vc.remittance"]
        entries, items = [], []
        for row in self.env["account.move"].search_read(
            [
                ("state", "=", "posted"),
                ("company_id", "=", company.id),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("date", "<", after),
                *Remittance._acorn_invoice_domain(account),
                *self._acorn_shared_partner_domain("id"),
            ],
            ["name", "move_type", "date", "amount_total_signed", "amount_residual_signed",
             "invoice_date_due"],
        ):  # fmt: skip
            kind = "credit_note" if row["move_type"] == "out_refund" else "invoice"
            amount = to_decimal(row["amount_total_signed"], places)
            entries.append(Entry(row["date"], kind, amount, row["name"], "receivable"))
            if row["amount_residual_signed"]:
                items.append(
                    OpenItem(
                        row["name"],
                        row["invoice_date_due"] or row["date"],
                        to_decimal(row["amount_residual_signed"], places),
                        kind,
                    )
                )
        remittances = Remittance.search(
            [
                ("account_id", "=", account.id),
                ("state", "=", "booked"),
                ("payment_date", "<", after),
            ]
        )
        for remittance in remittances:
            day, currency = remittance.payment_date, remittance.currency_id

            def company_amount(amount, day=day, currency=currency):
                return to_decimal(
                    currency._convert(amount, company.currency_id, company, day), places
                )

            settled, discount = {}, 0.0
            for line in remittance.line_ids:
                discount += line.discount_taken
                if line.status == "matched":
                    settled[line.invoice_id] = settled.get(line.invoice_id, 0.0) + line.settled
                    continue
                ledger = remittance._acorn_kind_account(line.kind)
                if ledger in ledgers:
                    entries.append(
                        Entry(
                            day,
                            line.kind,
                            company_amount(-line.settled),
                            line.invoice_number,
                            ledger.display_name,
                        )
                    )
            for invoice, amount in settled.items():
                entries.append(
                    Entry(day, "payment", company_amount(-amount), invoice.name, "receivable")
                )
            ledger = remittance._acorn_kind_account("terms_discount")
            if discount and ledger in ledgers:
                entries.append(
                    Entry(day, "other", company_amount(discount), remittance.name, ledger.name)
                )
        return entries, items

    def _acorn_figures(self):
        """The month-end as plain values (XML-RPC friendly: amounts as strings)."""
        summary, _items = self._acorn_month_end()
        places = self.account_id.company_id.currency_id.decimal_places

        def text(amount):
            return f"{amount:.{places}f}"

        return {
            "month": summary.month.isoformat(),
            "opening": text(summary.opening),
            "sections": {name: text(value) for name, value in summary.sections.items()},
            "deductions_by_kind": {k: text(v) for k, v in summary.deductions_by_kind.items()},
            "closing": text(summary.closing),
            "ledger_closing": text(summary.ledger_closing),
            "difference": text(summary.difference),
            "ties": summary.ties,
        }

    def action_download_xlsx(self):
        self.ensure_one()
        summary, items = self._acorn_month_end()
        as_of = fields.Date.subtract(next_month(summary.month), days=1)
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"Amazon receivables {self.account_id.name} {summary.month:%Y-%m}.xlsx",
                "raw": month_end_xlsx(summary, items, as_of),
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
