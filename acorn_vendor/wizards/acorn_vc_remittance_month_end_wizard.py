from datetime import date

from odoo import api, fields, models

from ..core.remittance.month_end import (
    SECTIONS,
    Entry,
    OpenItem,
    month_end,
    month_end_xlsx,
    next_month,
)
from ..models.acorn_vc_remittance import KIND_ACCOUNT_FIELDS, to_decimal


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
        """Amazon's partner's receivable plus the reconcilable deduction accounts in use."""
        account = self.account_id.sudo()
        Remittance = self.env["acorn.vc.remittance"]
        ledgers = self.env["account.account"]
        for role in ("deductions_pending", "holdback"):
            ledgers |= Remittance._acorn_default_account(account.company_id, role)
        for name in set(KIND_ACCOUNT_FIELDS.values()):
            ledgers |= account[name].filtered("reconcile")
        return ledgers

    def _acorn_month_end(self):
        """(core MonthEnd, open items) for the wizard's account and month."""
        self.ensure_one()
        first = (self.month or date.today()).replace(day=1)
        after = next_month(first)
        company = self.account_id.company_id
        partner = self.account_id.partner_id.commercial_partner_id
        places = company.currency_id.decimal_places
        domain = [
            ("parent_state", "=", "posted"),
            ("company_id", "=", company.id),
            ("partner_id", "=", partner.id),
            ("date", "<", after),
            "|",
            ("account_id.account_type", "=", "asset_receivable"),
            ("account_id", "in", self._acorn_ledger_accounts().ids),
        ]
        MoveLine = self.env["account.move.line"]
        rows = MoveLine.search_read(
            domain,
            [
                "date",
                "balance",
                "move_name",
                "move_type",
                "account_id",
                "name",
                "amount_residual",
                "date_maturity",
            ],
        )
        deductions = {
            row["move_line_id"][0]: row["kind"]
            for row in self.env["acorn.vc.deduction"].search_read(
                [("account_id", "=", self.account_id.id), ("move_line_id", "!=", False)],
                ["move_line_id", "kind"],
            )
        }
        entries, items = [], []
        for row in rows:
            if row["id"] in deductions:
                kind = deductions[row["id"]]
            elif row["move_type"] == "out_invoice":
                kind = "invoice"
            elif row["move_type"] == "out_refund":
                kind = "credit_note"
            elif row["move_type"] == "entry":
                kind = "payment"
            else:
                kind = "other"
            amount = to_decimal(row["balance"], places)
            entries.append(
                Entry(row["date"], kind, amount, row["move_name"] or "", row["account_id"][1])
            )
            if row["amount_residual"] and kind in ("invoice", "credit_note"):
                items.append(
                    OpenItem(
                        row["move_name"],
                        row["date_maturity"] or row["date"],
                        to_decimal(row["amount_residual"], places),
                        kind,
                    )
                )
        (ledger,) = MoveLine._read_group(domain, aggregates=["balance:sum"])[0]
        return month_end(entries, first, to_decimal(ledger, places)), items

    def _acorn_figures(self):
        """The month-end as plain values (XML-RPC friendly: amounts as strings)."""
        summary, _items = self._acorn_month_end()
        return {
            "month": summary.month.isoformat(),
            "opening": str(summary.opening),
            "sections": {name: str(value) for name, value in summary.sections.items()},
            "deductions_by_kind": {k: str(v) for k, v in summary.deductions_by_kind.items()},
            "closing": str(summary.closing),
            "ledger_closing": str(summary.ledger_closing),
            "difference": str(summary.difference),
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
