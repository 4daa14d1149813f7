"""Amazon receivables for one month: opening balance, what moved it by section, closing
balance tied to the ledger, aging of what is still open, and an XLSX an accountant can file.

The Odoo side passes posted journal items of Amazon's partner on the receivable, deductions
pending and holdback accounts as ``Entry`` (debit positive) and the open items as
``OpenItem``; everything here is arithmetic on those, in Decimal.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import xlsxwriter

from .line_kinds import KINDS

SECTIONS = ("invoices", "credit_notes", "payments", "deductions", "reversals", "other")
REVERSAL_KINDS = ("shortage_claim_reversal", "provision_reversal")
AGING_BUCKETS = (30, 60, 90)  # days past due: current, 1-30, 31-60, 61-90, over 90


@dataclass(frozen=True)
class Entry:
    """One posted journal item (debit positive, credit negative)."""

    date: date
    # invoice | credit_note | payment (what a remittance settles on the receivable) | a
    # deduction kind from line_kinds (reversals included) | other
    kind: str
    amount: Decimal
    reference: str = ""
    account: str = "receivable"  # the account role it sits on


@dataclass(frozen=True)
class OpenItem:
    reference: str
    due_date: date
    residual: Decimal
    kind: str = "invoice"


def section_of(kind):
    if kind == "invoice":
        return "invoices"
    if kind == "credit_note":
        return "credit_notes"
    if kind == "payment":
        return "payments"
    if kind in REVERSAL_KINDS:
        return "reversals"
    if kind in KINDS and kind != "other":
        return "deductions"
    return "other"


@dataclass
class MonthEnd:
    month: date  # first day
    opening: Decimal
    sections: dict  # section -> total
    deductions_by_kind: dict  # kind -> total (reversals included, by their own kind)
    closing: Decimal
    ledger_closing: Decimal | None = None
    entries: list = field(default_factory=list)  # the month's entries

    @property
    def difference(self):
        """Closing by movements minus the ledger's balance: zero when they tie."""
        return None if self.ledger_closing is None else self.closing - self.ledger_closing

    @property
    def ties(self):
        return self.difference in (None, 0)


def next_month(first):
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_end(entries, month, ledger_closing=None):
    """The month's receivables summary; ``ledger_closing`` is the GL balance to tie to."""
    first = month.replace(day=1)
    after = next_month(first)
    opening = sum((e.amount for e in entries if e.date < first), Decimal(0))
    inside = sorted((e for e in entries if first <= e.date < after), key=lambda e: e.date)
    sections = {name: Decimal(0) for name in SECTIONS}
    by_kind = {}
    for entry in inside:
        sections[section_of(entry.kind)] += entry.amount
        if section_of(entry.kind) in ("deductions", "reversals"):
            by_kind[entry.kind] = by_kind.get(entry.kind, Decimal(0)) + entry.amount
    closing = opening + sum(sections.values(), Decimal(0))
    return MonthEnd(first, opening, sections, by_kind, closing, ledger_closing, inside)


def aging(items, as_of, buckets=AGING_BUCKETS):
    """Residuals by days past due: {"current", "1-30", ..., "over 90"}."""
    labels, low = ["current"], 1
    for high in buckets:
        labels.append(f"{low}-{high}")
        low = high + 1
    labels.append(f"over {buckets[-1]}")
    totals = {label: Decimal(0) for label in labels}
    for item in items:
        late = (as_of - item.due_date).days
        if late <= 0:
            label = "current"
        else:
            index = next((i for i, high in enumerate(buckets) if late <= high), len(buckets))
            label = labels[index + 1]
        totals[label] += item.residual
    return totals


def month_end_xlsx(summary, open_items, as_of):
    """The month as a workbook: Summary, one sheet per section with its entries, Aging."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet("Summary")
    rows = [("Month", summary.month.strftime("%Y-%m")), ("Opening balance", summary.opening)]
    rows += [(name.replace("_", " ").capitalize(), summary.sections[name]) for name in SECTIONS]
    rows += [(f"  {kind}", amount) for kind, amount in sorted(summary.deductions_by_kind.items())]
    rows.append(("Closing balance", summary.closing))
    if summary.ledger_closing is not None:
        rows += [("Ledger balance", summary.ledger_closing), ("Difference", summary.difference)]
    for r, (label, value) in enumerate(rows):
        sheet.write(r, 0, label, bold)
        sheet.write(r, 1, float(value) if isinstance(value, Decimal) else value, money)
    sheet.set_column(0, 0, 28)
    for name in SECTIONS:
        part = [e for e in summary.entries if section_of(e.kind) == name]
        sheet = book.add_worksheet(name.replace("_", " ").capitalize())
        for c, title in enumerate(("Date", "Kind", "Reference", "Account", "Amount")):
            sheet.write(0, c, title, bold)
        for r, entry in enumerate(part, 1):
            sheet.write_datetime(r, 0, datetime(*entry.date.timetuple()[:3]), day)
            sheet.write(r, 1, entry.kind)
            sheet.write(r, 2, entry.reference)
            sheet.write(r, 3, entry.account)
            sheet.write_number(r, 4, float(entry.amount), money)
    sheet = book.add_worksheet("Aging")
    sheet.write(0, 0, f"Open items as of {as_of.isoformat()}", bold)
    for r, (label, amount) in enumerate(aging(open_items, as_of).items(), 1):
        sheet.write(r, 0, label)
        sheet.write_number(r, 1, float(amount), money)
    book.close()
    return out.getvalue()
