"""The month-end figures: opening + movements = closing, tied to the ledger; aging buckets;
the workbook reads back with openpyxl."""

import io
from datetime import date
from decimal import Decimal

import openpyxl

from acorn_vendor.core.remittance.month_end import (
    Entry,
    OpenItem,
    aging,
    month_end,
    month_end_xlsx,
)

D = Decimal
ENTRIES = [
    Entry(date(2026, 2, 20), "invoice", D("1000.00"), "INV-1"),
    Entry(date(2026, 3, 2), "invoice", D("500.00"), "INV-2"),
    Entry(date(2026, 3, 10), "payment", D("-950.00"), "41872201"),
    Entry(date(2026, 3, 10), "shortage_claim", D("30.00"), "INV-1SC", "deductions_pending"),
    Entry(date(2026, 3, 10), "payment", D("-30.00"), "41872201"),
    Entry(date(2026, 3, 10), "provision", D("20.00"), "260310_PROVISION", "holdback"),
    Entry(date(2026, 3, 17), "provision_reversal", D("-20.00"), "260310_PROVISION-R", "holdback"),
    Entry(date(2026, 3, 20), "credit_note", D("-15.50"), "CN-1"),
    Entry(date(2026, 4, 1), "invoice", D("800.00"), "INV-3"),
]


def test_opening_movements_and_closing_tie_to_the_ledger():
    summary = month_end(ENTRIES, date(2026, 3, 15), ledger_closing=D("534.50"))
    assert summary.month == date(2026, 3, 1) and summary.opening == D("1000.00")
    assert summary.sections == {
        "invoices": D("500.00"),
        "credit_notes": D("-15.50"),
        "payments": D("-980.00"),
        "deductions": D("50.00"),
        "reversals": D("-20.00"),
        "other": D("0"),
    }
    assert summary.deductions_by_kind == {
        "shortage_claim": D("30.00"),
        "provision": D("20.00"),
        "provision_reversal": D("-20.00"),
    }
    assert summary.closing == D("534.50") and summary.ties
    off = month_end(ENTRIES, date(2026, 3, 1), ledger_closing=D("534.49"))
    assert not off.ties and off.difference == D("0.01")


def test_aging_buckets_by_days_past_due():
    items = [
        OpenItem("A", date(2026, 4, 10), D("100")),
        OpenItem("B", date(2026, 3, 31), D("10")),
        OpenItem("C", date(2026, 3, 1), D("1")),
        OpenItem("D", date(2025, 12, 1), D("0.5")),
    ]
    assert aging(items, date(2026, 3, 31)) == {
        "current": D("110"),
        "1-30": D("1"),
        "31-60": D("0"),
        "61-90": D("0"),
        "over 90": D("0.5"),
    }


def test_workbook_has_a_sheet_per_section_and_reads_back():
    summary = month_end(ENTRIES, date(2026, 3, 1), ledger_closing=D("534.50"))
    data = month_end_xlsx(
        summary, [OpenItem("INV-2", date(2026, 4, 1), D("500"))], date(2026, 3, 31)
    )
    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    assert book.sheetnames == [
        "Summary",
        "Invoices",
        "Credit notes",
        "Payments",
        "Deductions",
        "Reversals",
        "Other",
        "Aging",
    ]
    summary_rows = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary_rows["Closing balance"] == 534.5 and summary_rows["Difference"] == 0
    payments = list(book["Payments"].iter_rows(values_only=True))
    assert payments[0] == ("Date", "Kind", "Reference", "Account", "Amount")
    assert [row[4] for row in payments[1:]] == [-950.0, -30.0]
