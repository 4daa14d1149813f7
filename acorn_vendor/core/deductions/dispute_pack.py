"""A shortage dispute pack: the XLSX Vendor Central's "Dispute Shortage by ASIN" form asks for,
and a zip of the evidence per invoice.

Vendor Central's form takes, per ASIN of a short-paid invoice, the dispute quantity, the
shipped product id, the shipped date, the title and an explanation, with attachments
(finance.md §3). The evidence Amazon looks at is the ASN it accepted, what was in each carton
(by SSCC), the labels, the bill of lading, the proof of delivery, the invoice and the PO. The
pack names every piece it could not find, in the zip's README.txt and in ``Pack.missing``,
so that nobody sends a pack believing it whole.

No Odoo here: the caller gathers the files and rows; ``build_pack`` lays them out.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter

# Columns of the XLSX, in the order of Vendor Central's shortage dispute form (finance.md §3:
# dispute qty, shipped product ID, shipped date, title, explanation, attachments); invoice,
# PO, ASIN and amount lead so that one sheet can carry several invoices.
FORM_COLUMNS = (
    "Invoice Number",
    "PO Number",
    "ASIN",
    "Dispute Quantity",
    "Shipped Product ID",
    "Shipped Date",
    "Title",
    "Explanation",
    "Amount Claimed",
    "Attachments",
)
CARTON_COLUMNS = (
    "SSCC",
    "Pallet SSCC",
    "PO Number",
    "ASIN",
    "Vendor SKU",
    "EAN",
    "Quantity",
    "Lot",
    "Expiry",
)
# Evidence pieces per invoice: (key, folder in the zip, what a person calls it).
PIECES = (
    ("asn", "asn", "ASN as sent"),
    ("cartons", "cartons", "carton contents per SSCC"),
    ("labels", "labels", "carton and pallet label PDFs"),
    ("bill_of_lading", "bill_of_lading", "bill of lading"),
    ("proof_of_delivery", "proof_of_delivery", "proof of delivery"),
    ("invoice", "invoice", "invoice PDF"),
    ("purchase_order", "purchase_order", "purchase order"),
)
PIECE_KEYS = tuple(key for key, _folder, _label in PIECES)


@dataclass(frozen=True)
class FormLine:
    """One row of the shortage dispute form: one ASIN of one invoice."""

    invoice_number: str
    asin: str
    quantity: int
    shipped_product_id: str
    shipped_date: date | None
    title: str = ""
    explanation: str = ""
    po_number: str = ""
    amount: Decimal | None = None


@dataclass(frozen=True)
class EvidenceFile:
    name: str
    content: bytes


@dataclass(frozen=True)
class CartonRow:
    """What one carton (by SSCC) held of one product."""

    sscc: str
    quantity: int
    asin: str = ""
    vendor_sku: str = ""
    ean: str = ""
    po_number: str = ""
    pallet_sscc: str = ""
    lot: str = ""
    expiry: date | None = None


@dataclass
class InvoiceEvidence:
    """The evidence found for one invoice. ``files`` maps a piece key (PIECE_KEYS, cartons
    aside) to its files; ``cartons`` are the rows of the carton contents; ``hints`` tells,
    per missing piece, where to put it (e.g. "attach the POD to delivery WH/OUT/00012")."""

    invoice_number: str
    files: dict = field(default_factory=dict)
    cartons: list = field(default_factory=list)
    hints: dict = field(default_factory=dict)


@dataclass(frozen=True)
class MissingPiece:
    invoice_number: str
    piece: str
    hint: str = ""

    def __str__(self):
        text = f"{self.invoice_number}: no {self.piece}"
        return f"{text} ({self.hint})" if self.hint else text


@dataclass(frozen=True)
class Pack:
    xlsx_name: str
    xlsx: bytes
    zip_name: str
    zip: bytes
    missing: tuple
    contents: tuple  # names inside the zip


def _safe(name):
    """A file or folder name that is the same on every system."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", str(name)).strip("._")
    return cleaned or "file"


def _check(reference, lines, evidence):
    if not lines:
        raise ValueError(f"Dispute pack {reference}: no line to dispute")
    known = {item.invoice_number for item in evidence}
    problems = []
    for index, line in enumerate(lines, 1):
        where = f"line {index} ({line.invoice_number} {line.asin})"
        if line.invoice_number not in known:
            problems.append(f"{where}: invoice {line.invoice_number} has no evidence entry")
        if isinstance(line.quantity, bool) or not isinstance(line.quantity, int):
            problems.append(f"{where}: quantity {line.quantity!r} is not a whole number")
        elif line.quantity <= 0:
            problems.append(f"{where}: quantity {line.quantity} must be above 0")
        if not line.asin:
            problems.append(f"{where}: no ASIN")
    for item in evidence:
        unknown = set(item.files) - set(PIECE_KEYS)
        if unknown:
            problems.append(
                f"evidence of {item.invoice_number}: unknown piece(s) {', '.join(sorted(unknown))}"
            )
    if problems:
        raise ValueError(f"Dispute pack {reference}: " + "; ".join(problems))


def build_pack(reference, lines, evidence, generated_on=None):
    """The XLSX and the evidence zip of a shortage dispute.

    ``lines``: FormLine per disputed ASIN (several invoices allowed); ``evidence``: an
    InvoiceEvidence per invoice. Raises ValueError naming every bad line."""
    lines, evidence = list(lines), list(evidence)
    _check(reference, lines, evidence)
    missing = []
    for item in evidence:
        for key, _folder, label in PIECES:
            present = item.cartons if key == "cartons" else item.files.get(key)
            if not present:
                missing.append(MissingPiece(item.invoice_number, label, item.hints.get(key, "")))
    zip_bytes, contents = _zip(reference, evidence, missing, generated_on)
    zip_name = f"{_safe(reference)}-evidence.zip"
    return Pack(
        xlsx_name=f"{_safe(reference)}-shortage-dispute.xlsx",
        xlsx=_xlsx(lines, evidence, zip_name),
        zip_name=zip_name,
        zip=zip_bytes,
        missing=tuple(missing),
        contents=tuple(contents),
    )


def _attachments(item, zip_name):
    names = [
        f"{_safe(item.invoice_number)}/{folder}"
        for key, folder, _label in PIECES
        if (item.cartons if key == "cartons" else item.files.get(key))
    ]
    return f"{zip_name}: " + ", ".join(names) if names else ""


def _xlsx(lines, evidence, zip_name):
    by_invoice = {item.invoice_number: item for item in evidence}
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Shortage dispute")
    bold = book.add_format({"bold": True})
    dates = book.add_format({"num_format": "mm/dd/yyyy"})
    money = book.add_format({"num_format": "#,##0.00"})
    sheet.write_row(0, 0, FORM_COLUMNS, bold)
    for row, line in enumerate(lines, 1):
        values = (
            line.invoice_number,
            line.po_number,
            line.asin,
            line.quantity,
            line.shipped_product_id,
        )
        sheet.write_row(row, 0, values)
        if line.shipped_date:
            day = line.shipped_date
            sheet.write_datetime(row, 5, datetime(day.year, day.month, day.day), dates)
        sheet.write(row, 6, line.title)
        sheet.write(row, 7, line.explanation)
        if line.amount is not None:
            sheet.write_number(row, 8, float(line.amount), money)
        sheet.write(row, 9, _attachments(by_invoice[line.invoice_number], zip_name))
    sheet.set_column(0, 2, 16)
    sheet.set_column(4, 5, 14)
    sheet.set_column(7, 7, 60)
    sheet.set_column(9, 9, 40)
    book.close()
    return out.getvalue()


def _cartons_csv(rows):
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CARTON_COLUMNS)
    for row in sorted(rows, key=lambda r: (r.pallet_sscc, r.sscc, r.asin, r.vendor_sku)):
        writer.writerow(
            [
                row.sscc,
                row.pallet_sscc,
                row.po_number,
                row.asin,
                row.vendor_sku,
                row.ean,
                row.quantity,
                row.lot,
                row.expiry.isoformat() if row.expiry else "",
            ]
        )
    return out.getvalue().encode()


def _zip(reference, evidence, missing, generated_on):
    out = io.BytesIO()
    contents = []
    used = set()

    def add(archive, name, data):
        stem, dot, ext = name.rpartition(".")
        candidate, n = name, 1
        while candidate in used:
            n += 1
            candidate = f"{stem}-{n}.{ext}" if dot else f"{name}-{n}"
        used.add(candidate)
        # A fixed timestamp: the same evidence gives the same zip.
        info = zipfile.ZipInfo(candidate, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, data)
        contents.append(candidate)

    with zipfile.ZipFile(out, "w") as archive:
        add(archive, "README.txt", _readme(reference, evidence, missing, generated_on).encode())
        for item in evidence:
            base = _safe(item.invoice_number)
            for key, folder, _label in PIECES:
                if key == "cartons":
                    if item.cartons:
                        add(
                            archive,
                            f"{base}/{folder}/cartons_by_sscc.csv",
                            _cartons_csv(item.cartons),
                        )
                    continue
                for document in item.files.get(key) or ():
                    add(archive, f"{base}/{folder}/{_safe(document.name)}", document.content)
    return out.getvalue(), contents


def _readme(reference, evidence, missing, generated_on):
    lines = [f"Shortage dispute {reference}: evidence per invoice"]
    if generated_on:
        lines.append(f"Prepared on {generated_on.isoformat()}")
    lines.append("")
    gaps = {}
    for piece in missing:
        gaps.setdefault(piece.invoice_number, []).append(piece)
    for item in evidence:
        lines.append(f"Invoice {item.invoice_number}")
        for key, folder, label in PIECES:
            if key == "cartons":
                count = len({row.sscc for row in item.cartons})
                if count:
                    lines.append(f"  {label}: {folder}/cartons_by_sscc.csv ({count} cartons)")
                continue
            for document in item.files.get(key) or ():
                lines.append(f"  {label}: {folder}/{_safe(document.name)}")
        for piece in gaps.get(item.invoice_number, ()):
            hint = f" ({piece.hint})" if piece.hint else ""
            lines.append(f"  MISSING {piece.piece}{hint}")
        lines.append("")
    if missing:
        lines.append(f"{len(missing)} piece(s) missing; add them before filing the dispute.")
    else:
        lines.append("Every piece is enclosed.")
    return "\n".join(lines) + "\n"
