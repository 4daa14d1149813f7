"""A Vendor Central Payments export as tests build it: real-looking rows (numbers and amounts
after finance.md's examples) laid out the way the export stacks its sections, written as XLSX
(openpyxl) or CSV in each locale variant."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl

from acorn_vendor.core.sandbox import payments as export

# The labels as Vendor Central writes them (the sandbox's export uses the same).
PAYMENT_HEADER = list(export.PAYMENT_HEADER)
LINE_HEADER = list(export.LINE_HEADER)
HIDDEN_WARNING = export.HIDDEN_WARNING

# (invoice number, invoice date, description, invoice amount, discount, amount paid)
LINES = [
    ("VC17410", date(2026, 1, 16), "Invoice", "12500.00", "250.00", "12250.00"),
    ("VC17413", date(2026, 1, 17), "Invoice", "8955.30", "179.11", "8776.19"),
    ("VC17413SC", date(2026, 3, 10), "Shortage claim", "-877.82", "17.91", "-859.91"),
    ("1520811216VCBSINV", date(2026, 3, 2), "ASN Accuracy: Late ASN", "-112.40", "0", "-112.40"),
    ("6268-1490026100", date(2026, 3, 1), "Damage allowance", "-1204.55", "0", "-1204.55"),
    (
        "260307_PROVISION_FOR_AGED_RECEIVABLE",
        date(2026, 3, 7),
        "Provision for receivables",
        "-2000.00",
        "0",
        "-2000.00",
    ),
    (
        "260207_PROVISION_FOR_AGED_RECEIVABLE-R",
        date(2026, 2, 7),
        "Provision for receivables",
        "1500.00",
        "0",
        "1500.00",
    ),
    ("IPAPUS1234567", date(2026, 3, 3), "Price protection", "-310.00", "0", "-310.00"),
    ("VC17002PC", date(2026, 3, 5), "Price claim", "-45.60", "0", "-45.60"),
    ("VC16890SCR", date(2026, 3, 5), "Shortage claim reversal", "120.00", "0", "120.00"),
]
EXPECTED_KINDS = [
    ("invoice", "VC17410"),
    ("invoice", "VC17413"),
    ("shortage_claim", "VC17413"),
    ("chargeback", None),
    ("coop", None),
    ("provision", None),
    ("provision_reversal", None),
    ("price_protection", None),
    ("price_claim", "VC17002"),
    ("shortage_claim_reversal", "VC16890"),
]
PAID = sum(Decimal(line[5]) for line in LINES)  # 18113.73
HIDDEN_AMOUNT = Decimal("77912.40")
# (number, date, amount, hidden)
PAYMENTS = [
    ("41872201", date(2026, 3, 18), PAID, False),
    ("41872202", date(2026, 3, 25), HIDDEN_AMOUNT, True),
]


def layout(fmt_date, fmt_amount, currency="USD", hidden=True, extra_column=False):
    """The export's rows with dates and amounts rendered by the given functions."""
    rows = [["Payments"], [], list(PAYMENT_HEADER)]
    for number, day, amount, _hidden in PAYMENTS:
        rows.append(
            [number, fmt_date(day), currency, fmt_amount(Decimal(amount)), "Acorn Housewares"]
            + ["US", "ACRN1", "ACH", "Paid", ""]
        )
    rows.append([])
    if hidden:
        rows.append(["Payment Number", HIDDEN_WARNING])
        rows += [[number] for number, _d, _a, h in PAYMENTS if h]
        rows.append([])
    rows.append(["Invoices"])
    header = list(LINE_HEADER) + (["Notes"] if extra_column else [])
    rows.append(header)
    for number, day, description, amount, discount, paid in LINES:
        row = [
            PAYMENTS[0][0],
            number,
            fmt_date(day),
            description,
            fmt_amount(Decimal(amount)),
            currency,
            fmt_amount(Decimal(0)),
            fmt_amount(Decimal(discount)),
            fmt_amount(Decimal(paid)),
            fmt_amount(Decimal(0)),
        ]
        rows.append(row + (["checked"] if extra_column else []))
    return rows


def us_date(day):
    return day.strftime("%m/%d/%Y")


def eu_date(day):
    return day.strftime("%d/%m/%Y")


def us_amount(value):
    text = f"{abs(value):,.2f}"
    return f"-{text}" if value < 0 else text


def eu_amount(value):
    text = f"{abs(value):,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"-{text}" if value < 0 else text


def accounting_amount(value):
    """$1,234.50 and ($12.00): what a spreadsheet's accounting format exports."""
    text = f"${abs(value):,.2f}"
    return f"({text})" if value < 0 else text


def to_csv(rows, delimiter=",", encoding="utf-8-sig"):
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode(encoding)


def to_xlsx(rows, sheet="Remittance payments"):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "mm/dd/yyyy"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
