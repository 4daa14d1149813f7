"""Reading Vendor Central's Payments export (XLSX, or CSV saved from it) whole.

The export stacks sections on one sheet: payment headers (Payment Number, Payment Date,
Currency, Amount, ...), sometimes a warning listing payments whose lines "will not be
displayed" (ordering codes not set up), then the invoice lines. Sections and columns are found
by their labels (case, spacing and punctuation ignored, the variants in ``LABELS``), never by
position; other columns are ignored. Slash dates are read MM/DD or DD/MM for the whole file,
decided by the values that can only be one of them, else by the given order, else by the
currency (USD: MM/DD), and the result says which and why.

Nothing is half read: every problem is an ``Issue`` naming its sheet, row and column, and the
caller refuses the import when any is an error (``ParsedExport.errors``).
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from .cell_values import (
    DATE_ORDERS,
    decimal_mark_hint,
    is_blank,
    label_key,
    parse_amount,
    parse_date,
    slash_date_parts,
    text,
)
from .line_kinds import DEFAULT_RULES, decode, terms_discount

# field -> label variants, in order of preference (compared with label_key).
PAYMENT_LABELS = {
    "number": ("Payment Number", "Payment No", "Payment ID", "Payment Reference"),
    "date": ("Payment Date", "Paid Date", "Date"),
    "currency": ("Currency", "Payment Currency", "Currency Code"),
    "amount": ("Amount", "Payment Amount", "Net Amount Paid", "Net Amount", "Total Amount"),
    "payment_type": ("Payment Type", "Type"),
    "status": ("Payment Status", "Status"),
    "void_reason": ("Void Reason",),
}
LINE_LABELS = {
    "payment_number": ("Payment Number", "Payment No", "Payment ID"),
    "invoice_number": ("Invoice Number", "Invoice No", "Invoice ID", "Transaction Number"),
    "invoice_date": ("Invoice Date", "Transaction Date"),
    "description": ("Description", "Invoice Description"),
    "invoice_amount": ("Invoice Amount", "Invoice/Claim Amount", "Original Amount"),
    "currency": ("Invoice Currency", "Currency"),
    "withholding": ("Withholding Amount", "Withholding", "Withholding Tax"),
    "discount": (
        "Terms Discount Amount",
        "Terms Discount Taken",
        "Terms Discount",
        "Discount Taken",
        "Discount Amount",
        "Discount",
        "Quick Pay Discount",
    ),
    "amount_paid": (
        "Amount Paid",
        "Net Amount Paid",
        "Paid Amount",
        "Amount In Payment Currency",
    ),
    "remaining": ("Remaining Amount", "Amount Remaining", "Remaining", "Balance", "Open Amount"),
}
PAYMENT_REQUIRED = ("number", "date", "amount")
LINE_REQUIRED = ("invoice_number", "amount_paid")
# Amazon's words: lines "will not be displayed, as the corresponding ordering codes are not
# setup in your account".
HIDDEN_TEXT = re.compile(r"will not be (?:displayed|shown)", re.IGNORECASE)
CURRENCY_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
MDY_CURRENCIES = ("USD",)  # slash dates in exports of other currencies are read DD/MM


@dataclass
class Issue:
    severity: str  # error | warning
    message: str
    row: int | None = None
    column: str | None = None  # spreadsheet letter
    label: str | None = None  # the column's header text
    sheet: str | None = None

    def __str__(self):
        where = []
        if self.sheet:
            where.append(f"sheet {self.sheet!r}")
        if self.row:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}" + (f" ({self.label})" if self.label else ""))
        prefix = self.severity.upper() + (" " + ", ".join(where) if where else "")
        return f"{prefix}: {self.message}"

    def to_dict(self):
        return {
            "severity": self.severity,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "label": self.label,
            "message": self.message,
        }


@dataclass
class PaymentLine:
    invoice_number: str
    amount_paid: Decimal
    invoice_date: object = None  # date
    description: str = ""
    invoice_amount: Decimal | None = None
    discount: Decimal = Decimal(0)  # as the file shows it
    remaining: Decimal | None = None
    currency: str | None = None
    withholding: Decimal | None = None
    kind: str = "other"
    base_invoice_number: str | None = None
    reversal_key: str | None = None
    row: int | None = None
    sheet: str | None = None

    @property
    def discount_taken(self):
        """The terms discount, signed so that amount_paid + discount_taken settles the line."""
        return terms_discount(self.invoice_amount, self.discount, self.amount_paid, self.remaining)

    @property
    def settled(self):
        """What this line settles (on the invoice, or as a deduction): paid + discount."""
        return self.amount_paid + self.discount_taken

    def to_json(self):
        return {
            "invoice_number": self.invoice_number,
            "invoice_date": self.invoice_date.isoformat() if self.invoice_date else None,
            "description": self.description,
            "invoice_amount": _money(self.invoice_amount),
            "discount": _money(self.discount),
            "amount_paid": _money(self.amount_paid),
            "remaining": _money(self.remaining),
            "kind": self.kind,
            "base_invoice_number": self.base_invoice_number,
        }


@dataclass
class Payment:
    number: str
    date: object  # date
    currency: str
    amount: Decimal
    lines_hidden: bool = False
    lines: list = field(default_factory=list)
    payment_type: str = ""
    status: str = ""
    void_reason: str = ""
    row: int | None = None
    sheet: str | None = None

    @property
    def lines_total(self):
        return sum((line.amount_paid for line in self.lines), Decimal(0))

    @property
    def gap(self):
        """What the shown lines do not explain: the hidden lines' total, or a mismatch."""
        return self.amount - self.lines_total

    def to_json(self):
        return {
            "number": self.number,
            "date": self.date.isoformat() if self.date else None,
            "currency": self.currency,
            "amount": _money(self.amount),
            "lines_hidden": self.lines_hidden,
            "lines": [line.to_json() for line in self.lines],
        }


@dataclass
class ParsedExport:
    payments: list
    issues: list
    date_order: str = "MDY"
    date_order_reason: str = ""
    file_format: str = ""

    @property
    def errors(self):
        return [issue for issue in self.issues if issue.severity == "error"]

    @property
    def hidden_gap(self):
        return sum((p.gap for p in self.payments if p.lines_hidden), Decimal(0))

    def to_json(self):
        return {
            "payments": [payment.to_json() for payment in self.payments],
            "issues": [issue.to_dict() for issue in self.issues],
        }


def _money(value):
    return None if value is None else str(value)


def column_letter(index):
    """0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# ---- reading the cells ------------------------------------------------------------------


def read_rows(data, file_name=""):
    """(format, [(sheet, row number, [cells])], issues) of an XLSX or CSV file; the format
    of a CSV names its delimiter ("csv;")."""
    if data[:4] == b"PK\x03\x04" or file_name.lower().endswith((".xlsx", ".xlsm")):
        return "xlsx", *_xlsx_rows(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls", [], [_file_error("This is an old Excel .xls file; save it as .xlsx or .csv")]
    delimiter, rows, issues = _csv_rows(data)
    return "csv" + delimiter.replace(",", ""), rows, issues


def _file_error(message):
    return Issue("error", message)


def _xlsx_rows(data):
    import openpyxl  # only XLSX needs it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
        return [], [_file_error(f"The file is not a readable XLSX workbook ({exc})")]
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types on broken parts
        return [], [_file_error(f"The XLSX workbook is damaged ({type(exc).__name__}: {exc})")]
    rows = []
    try:
        for sheet in book.worksheets:
            for number, cells in enumerate(sheet.iter_rows(values_only=True), 1):
                rows.append((sheet.title, number, list(cells)))
    except Exception as exc:  # noqa: BLE001 - same: a damaged sheet part
        return [], [_file_error(f"The XLSX workbook is damaged ({type(exc).__name__}: {exc})")]
    finally:
        book.close()
    return rows, []


def decode_text(data):
    """Text of a CSV export: BOMs (UTF-8, UTF-16), else UTF-8, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(data):
    content = decode_text(data).replace("\x00", "")
    lines = content.splitlines()
    header = next((line for line in lines if "paymentnumber" in label_key(line)), "")
    delimiter = max((",", ";", "\t"), key=lambda mark: header.count(mark))
    if not header.count(delimiter):
        delimiter = ","
    csv.field_size_limit(1 << 20)
    try:
        parsed = list(csv.reader(io.StringIO(content, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        return delimiter, [], [_file_error(f"The CSV file cannot be read ({exc})")]
    return delimiter, [(None, number, cells) for number, cells in enumerate(parsed, 1)], []


# ---- sections -----------------------------------------------------------------------------


@dataclass
class _Section:
    kind: str  # payments | lines | hidden
    sheet: str | None
    row: int
    columns: dict  # field -> column index
    labels: dict  # field -> header text
    rows: list = field(default_factory=list)  # (row number, cells)


def _label_keys(labels):
    return {name: tuple(label_key(v) for v in variants) for name, variants in labels.items()}


PAYMENT_KEYS, LINE_KEYS = _label_keys(PAYMENT_LABELS), _label_keys(LINE_LABELS)
_DIGIT = re.compile(r"\d")


def _header_columns(keys, labels):
    columns = {}
    for name, variants in labels.items():
        for wanted in variants:
            if wanted in keys and keys.index(wanted) not in columns.values():
                columns[name] = keys.index(wanted)
                break
    return columns


def _classify(cells):
    # Headers and Amazon's warning are words; a row with numbers in several cells is data.
    numeric = 0
    for cell in cells:
        if (cell is not None and not isinstance(cell, str)) or (cell and _DIGIT.search(cell)):
            numeric += 1
            if numeric > 2:
                return None, {}
    filled = [text(cell) for cell in cells if not is_blank(cell)]
    if len(filled) <= 3 and HIDDEN_TEXT.search(" ".join(filled)):
        return "hidden", {}
    keys = [label_key(cell) if isinstance(cell, str) else "" for cell in cells]
    line_columns = _header_columns(keys, LINE_KEYS)
    if "invoice_number" in line_columns and (
        "amount_paid" in line_columns or "invoice_amount" in line_columns
    ):
        return "lines", line_columns
    payment_columns = _header_columns(keys, PAYMENT_KEYS)
    if "number" in payment_columns and len(payment_columns) >= 2:
        return "payments", payment_columns
    return None, {}


def find_sections(rows):
    """The file's sections in order: each header row starts one, data rows follow it."""
    sections, current = [], None
    for sheet, number, cells in rows:
        if all(is_blank(cell) for cell in cells):
            if current is not None and current.kind == "hidden":
                current = None  # the hidden list ends at a blank row
            continue
        kind, columns = _classify(cells)
        if kind is not None:
            labels = {name: text(cells[index]) for name, index in columns.items()}
            current = _Section(kind, sheet, number, columns, labels)
            if kind == "hidden":
                current.rows.append((number, cells))
            sections.append(current)
        elif current is not None and (current.sheet == sheet):
            current.rows.append((number, cells))
    return sections


# ---- the file -----------------------------------------------------------------------------


class _Reader:
    def __init__(self, date_order, default_currency, rules):
        self.given_order = date_order
        self.default_currency = (default_currency or "").upper() or None
        self.rules = rules
        self.issues = []
        self.date_order = "MDY"
        self.date_reason = ""
        self.decimal_comma = None

    def issue(self, severity, message, section=None, row=None, name=None):
        column = label = None
        if section is not None and name in section.columns:
            column = column_letter(section.columns[name])
            label = section.labels.get(name)
        sheet = section.sheet if section is not None else None
        self.issues.append(Issue(severity, message, row, column, label, sheet))

    def cell(self, section, cells, name):
        index = section.columns.get(name)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    # -- file-wide decisions --

    def decide_formats(self, sections, delimiter_semicolon):
        firsts, seconds, hints = [], [], []
        for section in sections:
            date_fields = {"payments": ("date",), "lines": ("invoice_date",)}.get(section.kind, ())
            amount_fields = [
                f
                for f in ("amount", "invoice_amount", "discount", "amount_paid", "remaining")
                if f in section.columns
            ]
            for number, cells in section.rows:
                for name in date_fields:
                    parts = slash_date_parts(self.cell(section, cells, name))
                    if parts and parts[0] > 12 >= parts[1]:
                        firsts.append(number)
                    elif parts and parts[1] > 12 >= parts[0]:
                        seconds.append(number)
                for name in amount_fields:
                    hint = decimal_mark_hint(self.cell(section, cells, name))
                    if hint is not None:
                        hints.append(hint)
        self._decide_date_order(firsts, seconds, sections)
        if hints:
            self.decimal_comma = hints.count(True) > hints.count(False)
        elif delimiter_semicolon:
            self.decimal_comma = True

    def _decide_date_order(self, day_first_rows, month_first_rows, sections):
        if day_first_rows and month_first_rows:
            self.issue(
                "error",
                f"Dates mix DD/MM (row {day_first_rows[0]}) and MM/DD (row "
                f"{month_first_rows[0]}); export the file again or fix the dates by hand",
            )
        if day_first_rows or month_first_rows:
            self.date_order = "DMY" if len(day_first_rows) >= len(month_first_rows) else "MDY"
            row = (day_first_rows or month_first_rows)[0]
            self.date_reason = f"from the dates themselves (row {row} can only be read so)"
            if self.given_order and self.given_order != self.date_order:
                self.issue(
                    "warning",
                    f"Dates were read as {self.date_order}, not the requested "
                    f"{self.given_order}: row {row} can only be read as {self.date_order}",
                )
            return
        if self.given_order:
            self.date_order, self.date_reason = self.given_order, "as requested"
            return
        currency = self._first_currency(sections)
        self.date_order = "MDY" if currency in MDY_CURRENCIES or currency is None else "DMY"
        self.date_reason = f"assumed from the currency {currency or 'USD'}"
        if any(
            slash_date_parts(self.cell(s, cells, n))
            for s in sections
            for _, cells in s.rows
            for n in ("date", "invoice_date")
        ):
            self.issue(
                "warning",
                f"Every date could be MM/DD or DD/MM; read as {self.date_order} "
                f"({self.date_reason}). Give the date order if that is wrong",
            )

    def _first_currency(self, sections):
        for section in sections:
            if section.kind == "payments":
                for _, cells in section.rows:
                    value = self.cell(section, cells, "currency")
                    if not is_blank(value):
                        return self.currency(value) or None
        return self.default_currency

    # -- values --

    def currency(self, value):
        raw = text(value).strip()
        if raw.upper() in CURRENCY_SYMBOLS or raw in CURRENCY_SYMBOLS:
            return CURRENCY_SYMBOLS.get(raw.upper(), CURRENCY_SYMBOLS.get(raw))
        return raw.upper() if re.fullmatch(r"[A-Za-z]{3}", raw) else None

    def currency_cell(self, section, number, cells, default=None):
        """The row's currency code (default when blank); None and an issue when unreadable."""
        raw = self.cell(section, cells, "currency")
        if is_blank(raw):
            return default
        code = self.currency(raw)
        if code is None:
            message = f"{text(raw)!r} is not a currency code"
            self.issue("error", message, section, number, "currency")
        return code

    def amount(self, section, number, cells, name, required=False):
        return self._value(section, number, cells, name, required, "amount")

    def date(self, section, number, cells, name, required=False):
        return self._value(section, number, cells, name, required, "date")

    def _value(self, section, number, cells, name, required, what):
        """A cell read as an amount or a date; a problem becomes an issue and None."""
        value = self.cell(section, cells, name)
        if is_blank(value):
            if required:
                self.issue("error", f"The {what} is missing", section, number, name)
            return None
        try:
            if what == "amount":
                return parse_amount(value, self.decimal_comma)
            return parse_date(value, self.date_order)
        except ValueError as exc:
            self.issue("error", str(exc), section, number, name)
            return None

    # -- sections --

    def check_header(self, section, required, what):
        missing = [name for name in required if name not in section.columns]
        for name in missing:
            labels = PAYMENT_LABELS if section.kind == "payments" else LINE_LABELS
            self.issue(
                "error",
                f"The {what} header has no {labels[name][0]!r} column "
                f"(accepted labels: {', '.join(labels[name])})",
                section,
                section.row,
            )
        return not missing

    def payments(self, section, payments):
        if not self.check_header(section, PAYMENT_REQUIRED, "payments"):
            return
        if "currency" not in section.columns and not self.default_currency:
            self.issue(
                "error",
                "The payments header has no Currency column; give the account's currency",
                section,
                section.row,
            )
        for number, cells in section.rows:
            if sum(not is_blank(c) for c in cells) <= 1 and is_blank(
                self.cell(section, cells, "amount")
            ):
                continue  # a title or note between sections ("Invoices")
            key = text(self.cell(section, cells, "number"))
            if label_key(key).startswith("total"):
                continue  # a totals row some re-saved exports carry
            if not key:
                self.issue("error", "The payment number is missing", section, number, "number")
                continue
            payment = self.payment(section, number, cells, key)
            if payment is None:
                continue
            earlier = payments.get(key)
            if earlier is None:
                payments[key] = payment
            elif (earlier.date, earlier.amount) != (payment.date, payment.amount):
                self.issue(
                    "error",
                    f"Payment {key} is listed twice with different dates or amounts "
                    f"(first on row {earlier.row})",
                    section,
                    number,
                    "number",
                )

    def payment(self, section, number, cells, key):
        amount = self.amount(section, number, cells, "amount", required=True)
        day = self.date(section, number, cells, "date", required=True)
        currency = self.currency_cell(section, number, cells, self.default_currency)
        if amount is None or day is None or currency is None:
            return None
        return Payment(
            number=key,
            date=day,
            currency=currency,
            amount=amount,
            payment_type=text(self.cell(section, cells, "payment_type")),
            status=text(self.cell(section, cells, "status")),
            void_reason=text(self.cell(section, cells, "void_reason")),
            row=number,
            sheet=section.sheet,
        )

    def lines(self, section, payments):
        if not self.check_header(section, LINE_REQUIRED, "invoice lines"):
            return
        only = next(iter(payments.values())) if len(payments) == 1 else None
        if "payment_number" not in section.columns and only is None:
            self.issue(
                "error",
                "The invoice lines have no Payment Number column, and the file holds "
                f"{len(payments)} payments: the lines cannot be assigned",
                section,
                section.row,
            )
            return
        for number, cells in section.rows:
            if sum(not is_blank(c) for c in cells) <= 1 and is_blank(
                self.cell(section, cells, "amount_paid")
            ):
                continue
            if label_key(text(self.cell(section, cells, "invoice_number"))).startswith("total"):
                continue
            owner = only
            if "payment_number" in section.columns:
                key = text(self.cell(section, cells, "payment_number"))
                owner = payments.get(key)
                if owner is None:
                    message = (
                        f"Payment {key} is not in the payments section"
                        if key
                        else "The payment number is missing"
                    )
                    self.issue("error", message, section, number, "payment_number")
                    continue
            line = self.line(section, number, cells)
            if line is not None:
                owner.lines.append(line)

    def line(self, section, number, cells):
        invoice = text(self.cell(section, cells, "invoice_number"))
        if not invoice:
            self.issue("error", "The invoice number is missing", section, number, "invoice_number")
            return None
        paid = self.amount(section, number, cells, "amount_paid", required=True)
        invoice_amount = self.amount(section, number, cells, "invoice_amount")
        discount = self.amount(section, number, cells, "discount")
        remaining = self.amount(section, number, cells, "remaining")
        withholding = self.amount(section, number, cells, "withholding")
        day = self.date(section, number, cells, "invoice_date")
        currency = self.currency_cell(section, number, cells)
        if currency is None and not is_blank(self.cell(section, cells, "currency")):
            return None
        if paid is None:
            return None
        description = text(self.cell(section, cells, "description"))
        sign_amount = invoice_amount if invoice_amount is not None else paid
        decoded = decode(invoice, description, sign_amount, self.rules)
        return PaymentLine(
            invoice_number=invoice,
            amount_paid=paid,
            invoice_date=day,
            description=description,
            invoice_amount=invoice_amount,
            discount=discount if discount is not None else Decimal(0),
            remaining=remaining,
            currency=currency,
            withholding=withholding,
            kind=decoded.kind,
            base_invoice_number=decoded.base_invoice_number,
            reversal_key=decoded.reversal_key,
            row=number,
            sheet=section.sheet,
        )

    def hidden(self, sections, payments):
        for section in sections:
            if section.kind != "hidden":
                continue
            found = False
            for number, cells in section.rows:
                for cell in cells:
                    for token in re.findall(r"[\w-]+", text(cell)):
                        if token in payments:
                            payments[token].lines_hidden = found = True
                first = next((text(c) for c in cells if not is_blank(c)), "")
                if number != section.row and first and first not in payments:
                    self.issue(
                        "warning",
                        f"Payment {first} is listed as hidden but is not in the payments section",
                        section,
                        number,
                    )
            if not found:
                self.issue(
                    "warning",
                    "The file warns that some payments' lines are not displayed, but names no "
                    "payment of the payments section",
                    section,
                    section.row,
                )

    def tie_out(self, payments):
        for payment in payments.values():
            where = Issue("warning", "", payment.row, None, None, payment.sheet)
            if payment.lines_hidden:
                where.message = (
                    f"Payment {payment.number}: Amazon does not display its lines; "
                    f"{payment.gap} of {payment.amount} {payment.currency} is unexplained"
                )
            elif not payment.lines:
                where.message = f"Payment {payment.number} has no invoice lines in the file"
            elif payment.gap:
                where.message = (
                    f"Payment {payment.number}: its lines add up to {payment.lines_total}, "
                    f"not {payment.amount} (gap {payment.gap})"
                )
            else:
                continue
            self.issues.append(where)


def read_payments_export(
    data, file_name="", date_order=None, default_currency=None, rules=DEFAULT_RULES
):
    """Parse a Payments export (bytes) into payments with decoded lines, and every issue.

    ``date_order``: "MDY" or "DMY" for slash dates the file itself leaves ambiguous.
    ``default_currency``: for exports without a Currency column.
    """
    if date_order not in (None, *DATE_ORDERS):
        raise ValueError(f"date_order must be one of {', '.join(DATE_ORDERS)}, not {date_order!r}")
    file_format, rows, issues = read_rows(data, file_name)
    reader = _Reader(date_order, default_currency, rules)
    reader.issues.extend(issues)
    result = ParsedExport([], reader.issues, file_format=file_format)
    if issues:
        return result
    sections = find_sections(rows)
    if not any(s.kind == "payments" for s in sections):
        reader.issue(
            "error",
            "No payments section found: no row with the labels Payment Number, Payment Date "
            "and Amount. Is this Vendor Central's Payments export?",
        )
        return result
    reader.decide_formats(sections, file_format == "csv;")
    payments = {}
    for section in sections:
        if section.kind == "payments":
            reader.payments(section, payments)
    for section in sections:
        if section.kind == "lines":
            reader.lines(section, payments)
    reader.hidden(sections, payments)
    reader.tie_out(payments)
    result.payments = list(payments.values())
    result.date_order, result.date_order_reason = reader.date_order, reader.date_reason
    return result
