"""Reading Amazon's chargeback list (Operational Performance -> defect list -> Chargebacks ->
CSV export, or the same saved as XLSX) whole.

The export's exact headers are not published (finance.md §1 names the Issue ID and the
charged / waived / disputed states, [U]); columns are found by label, in the variants of
``LABELS`` (case, spacing and punctuation ignored, ``remittance/cell_values.label_key``), on
the first row that has the required ones. Cells are read by the Payments export's readers, so
a date or an amount means the same in both files. Nothing is half read: every problem is an
``Issue`` with its row and column, and the caller refuses the file when any is an error.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from ..remittance.cell_values import (
    decimal_mark_hint,
    is_blank,
    label_key,
    parse_amount,
    parse_date,
    slash_date_parts,
    text,
)
from ..remittance.payments_export import Issue, column_letter, decode_text, read_rows
from .sub_kinds import chargeback_sub_kind

LABELS = {
    "issue_id": ("Issue ID", "Chargeback ID", "Defect ID", "Issue Number", "Case ID"),
    "issue_type": (
        "Issue Type",
        "Chargeback Type",
        "Non-Compliance",
        "Non Compliance Type",
        "Defect Type",
        "Type",
    ),
    "sub_type": ("Issue Sub Type", "Sub Type", "Subtype", "Reason", "Defect Reason"),
    "notes": ("Notes", "Description", "Details", "Comments"),
    "debit_note": (
        "Invoice Number",
        "Debit Note",
        "Debit Note Number",
        "Chargeback Invoice Number",
        "Chargeback Invoice",
    ),
    "purchase_order": ("PO", "PO Number", "Purchase Order", "Purchase Order Number", "PO #"),
    "asin": ("ASIN",),
    "vendor_code": ("Vendor Code", "Vendor"),
    "fulfilment_centre": (
        "FC",
        "FC Code",
        "Fulfillment Center",
        "Fulfilment Centre",
        "Fulfillment Center ID",
        "Warehouse",
        "Ship To Location",
    ),
    "shipment": ("Shipment ID", "ASN", "ARN", "Shipment", "Vendor Shipment ID"),
    "quantity": ("Quantity", "Units", "Units Impacted", "Quantity Impacted", "Defect Units"),
    "amount": (
        "Chargeback Amount",
        "Chargeback Fee",
        "Charge Amount",
        "Fee",
        "Amount",
        "Total Charge",
    ),
    "currency": ("Currency", "Currency Code"),
    "notice_date": (
        "Issue Date",
        "Notification Date",
        "Date Raised",
        "Created Date",
        "Chargeback Date",
        "Date",
    ),
    "status": ("Status", "Chargeback Status"),
}
REQUIRED = ("issue_id", "issue_type", "amount", "notice_date")
_KEYS = {name: tuple(label_key(v) for v in variants) for name, variants in LABELS.items()}
MDY_CURRENCIES = ("USD",)


@dataclass
class Chargeback:
    """One row: ``amount`` is the fee Amazon charges (positive), ``sub_kind`` the Acorn
    sub-kind read off the type texts."""

    issue_id: str
    issue_type: str
    amount: Decimal
    notice_date: object  # date
    sub_kind: str = "other_chargeback"
    sub_type: str = ""
    notes: str = ""
    debit_note: str = ""
    purchase_order: str = ""
    asin: str = ""
    vendor_code: str = ""
    fulfilment_centre: str = ""
    shipment: str = ""
    quantity: int | None = None
    currency: str | None = None
    status: str = ""
    row: int | None = None

    @property
    def waived(self):
        return label_key(self.status) in ("waived", "notcharged", "cancelled")

    def to_json(self):
        out = {name: getattr(self, name) for name in self.__dataclass_fields__}
        out["amount"] = str(self.amount)
        out["notice_date"] = self.notice_date.isoformat()
        return out


@dataclass
class ParsedChargebacks:
    chargebacks: list
    issues: list = field(default_factory=list)
    date_order: str = "MDY"

    @property
    def errors(self):
        return [issue for issue in self.issues if issue.severity == "error"]


def _csv_rows(data):
    content = decode_text(data).replace("\x00", "")
    header = next((line for line in content.splitlines() if "issueid" in label_key(line)), "")
    delimiter = max((",", ";", "\t"), key=header.count) if header else ","
    csv.field_size_limit(1 << 20)
    try:
        parsed = list(csv.reader(io.StringIO(content, newline=""), delimiter=delimiter or ","))
    except csv.Error as exc:
        return [], [Issue("error", f"The CSV file cannot be read ({exc})")]
    return [(None, number, cells) for number, cells in enumerate(parsed, 1)], []


def _header(cells):
    keys = [label_key(cell) if isinstance(cell, str) else "" for cell in cells]
    columns = {}
    for name, variants in _KEYS.items():
        for wanted in variants:
            if wanted in keys and keys.index(wanted) not in columns.values():
                columns[name] = keys.index(wanted)
                break
    return columns


def read_chargeback_export(data, file_name="", date_order=None, default_currency=None):
    """ParsedChargebacks of a chargeback list (CSV or XLSX bytes), every problem an Issue."""
    if data[:4] == b"PK\x03\x04" or file_name.lower().endswith((".xlsx", ".xlsm")):
        _format, rows, issues = read_rows(data, file_name)
    else:
        rows, issues = _csv_rows(data)
    if issues:
        return ParsedChargebacks([], issues)
    start = None
    for index, (_sheet, _number, cells) in enumerate(rows):
        columns = _header(cells)
        if "issue_id" in columns and "amount" in columns:
            start = index
            break
    if start is None:
        return ParsedChargebacks(
            [],
            [
                Issue(
                    "error",
                    "No chargeback header found: a row needs an 'Issue ID' and a "
                    "'Chargeback Amount' column (accepted labels: "
                    f"{', '.join(LABELS['issue_id'])}; {', '.join(LABELS['amount'])})",
                )
            ],
        )
    sheet, header_row, header_cells = rows[start]
    body = [(number, cells) for s, number, cells in rows[start + 1 :] if s == sheet]
    return _Reader(sheet, header_row, header_cells, date_order, default_currency).read(body)


class _Reader:
    def __init__(self, sheet, header_row, header_cells, date_order, default_currency):
        self.sheet, self.header_row = sheet, header_row
        self.columns = _header(header_cells)
        self.labels = {name: text(header_cells[index]) for name, index in self.columns.items()}
        self.given_order = date_order
        self.default_currency = (default_currency or "").upper() or None
        self.issues = []

    def issue(self, message, row=None, name=None, severity="error"):
        column = column_letter(self.columns[name]) if name in self.columns else None
        self.issues.append(Issue(severity, message, row, column, self.labels.get(name), self.sheet))

    def cell(self, cells, name):
        index = self.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def read(self, body):
        missing = [name for name in REQUIRED if name not in self.columns]
        for name in missing:
            self.issue(
                f"The header has no {LABELS[name][0]!r} column "
                f"(accepted labels: {', '.join(LABELS[name])})",
                self.header_row,
            )
        if missing:
            return ParsedChargebacks([], self.issues)
        body = [(n, cells) for n, cells in body if not all(is_blank(c) for c in cells)]
        self.decide_formats(body)
        out, seen = [], {}
        for number, cells in body:
            chargeback = self.row(number, cells)
            if chargeback is None:
                continue
            earlier = seen.get(chargeback.issue_id)
            if earlier is None:
                seen[chargeback.issue_id] = chargeback
                out.append(chargeback)
            elif (earlier.amount, earlier.notice_date) != (
                chargeback.amount,
                chargeback.notice_date,
            ):
                self.issue(
                    f"Issue {chargeback.issue_id} is listed twice with different amounts or "
                    f"dates (first on row {earlier.row})",
                    number,
                    "issue_id",
                )
        return ParsedChargebacks(out, self.issues, self.date_order)

    def decide_formats(self, body):
        firsts = seconds = 0
        hints = []
        for _number, cells in body:
            parts = slash_date_parts(self.cell(cells, "notice_date"))
            if parts and parts[0] > 12 >= parts[1]:
                firsts += 1
            elif parts and parts[1] > 12 >= parts[0]:
                seconds += 1
            hint = decimal_mark_hint(self.cell(cells, "amount"))
            if hint is not None:
                hints.append(hint)
        if firsts and seconds:
            self.issue("Dates mix DD/MM and MM/DD; export the file again", None, "notice_date")
        if firsts or seconds:
            self.date_order = "DMY" if firsts >= seconds else "MDY"
        elif self.given_order:
            self.date_order = self.given_order
        else:
            currency = next(
                (
                    text(self.cell(cells, "currency")).upper()
                    for _n, cells in body
                    if not is_blank(self.cell(cells, "currency"))
                ),
                self.default_currency,
            )
            self.date_order = "MDY" if currency in MDY_CURRENCIES or currency is None else "DMY"
        self.decimal_comma = hints.count(True) > hints.count(False) if hints else None

    def row(self, number, cells):
        issue_id = text(self.cell(cells, "issue_id"))
        if label_key(issue_id).startswith("total"):
            return None
        values = {}
        for name in ("issue_id", "issue_type"):
            values[name] = text(self.cell(cells, name))
            if not values[name]:
                self.issue(f"The {LABELS[name][0]} is missing", number, name)
        try:
            amount = parse_amount(self.cell(cells, "amount"), self.decimal_comma)
        except ValueError as exc:
            self.issue(
                str(exc) if not is_blank(self.cell(cells, "amount")) else "The amount is missing",
                number,
                "amount",
            )
            amount = None
        try:
            notice = parse_date(self.cell(cells, "notice_date"), self.date_order)
        except ValueError as exc:
            message = "The date is missing" if is_blank(self.cell(cells, "notice_date")) else exc
            self.issue(str(message), number, "notice_date")
            notice = None
        quantity = None
        raw_quantity = self.cell(cells, "quantity")
        if not is_blank(raw_quantity):
            try:
                quantity = parse_amount(raw_quantity)
                if quantity != quantity.to_integral_value():
                    raise ValueError(f"{text(raw_quantity)!r} is not a whole number of units")
                quantity = int(quantity)
            except ValueError as exc:
                self.issue(str(exc), number, "quantity")
        currency = text(self.cell(cells, "currency")).upper() or self.default_currency
        if currency and not (len(currency) == 3 and currency.isalpha()):
            self.issue(f"{currency!r} is not a currency code", number, "currency")
        if amount is None or notice is None or not values["issue_id"] or not values["issue_type"]:
            return None
        extra = {
            name: text(self.cell(cells, name))
            for name in (
                "sub_type",
                "notes",
                "debit_note",
                "purchase_order",
                "asin",
                "vendor_code",
                "fulfilment_centre",
                "shipment",
                "status",
            )
        }
        kind_text = " ".join(
            filter(None, (values["issue_type"], extra["sub_type"], extra["notes"]))
        )
        return Chargeback(
            amount=abs(amount),
            notice_date=notice,
            quantity=quantity,
            currency=currency,
            sub_kind=chargeback_sub_kind(kind_text),
            row=number,
            **values,
            **extra,
        )
