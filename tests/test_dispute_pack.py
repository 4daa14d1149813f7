"""The shortage dispute pack: the XLSX reads back in the form's shape, the zip holds every
piece given, and every missing piece is named in README.txt and in the pack."""

import csv
import io
import json
import re
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from acorn_vendor.core.deductions.dispute_pack import (
    FORM_COLUMNS,
    CartonRow,
    EvidenceFile,
    FormLine,
    InvoiceEvidence,
    build_pack,
)


def _complete(number):
    asn = {"shipmentIdentifier": f"ASN-{number}", "shippedItems": []}
    return InvoiceEvidence(
        invoice_number=number,
        files={
            "asn": [EvidenceFile(f"asn-ASN-{number}.json", json.dumps(asn).encode())],
            "labels": [EvidenceFile("labels WH/OUT/1.pdf", b"%PDF-1.4 labels")],
            "bill_of_lading": [EvidenceFile("BOL 778.pdf", b"%PDF-1.4 bol")],
            "proof_of_delivery": [EvidenceFile("pod.pdf", b"%PDF-1.4 pod")],
            "invoice": [EvidenceFile(f"{number}.pdf", b"%PDF-1.4 invoice")],
            "purchase_order": [EvidenceFile("po-4Z7X.json", b'{"purchaseOrderNumber": "4Z7X"}')],
        },
        cartons=[
            CartonRow("006141411234567890", 12, asin="B0AAA", po_number="4Z7X", pallet_sscc="P1"),
            CartonRow("006141411234567906", 12, asin="B0AAA", po_number="4Z7X", pallet_sscc="P1"),
            CartonRow("006141411234567913", 6, asin="B0BBB", ean="4006381333931", lot="L7"),
        ],
    )


LINES = [
    FormLine(
        "INV-1",
        "B0AAA",
        3,
        "B0AAA",
        date(2026, 1, 5),
        "Glass jar",
        "24 shipped in 2 cartons",
        "4Z7X",
        Decimal("37.50"),
    ),
    FormLine("INV-2", "B0CCC", 1, "4006381333931", date(2026, 1, 9), po_number="5Q1A"),
]


def test_the_xlsx_reads_back_in_the_form_shape():
    pack = build_pack("DSP/0007", LINES, [_complete("INV-1"), _complete("INV-2")])
    sheet = openpyxl.load_workbook(io.BytesIO(pack.xlsx)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == FORM_COLUMNS
    first = dict(zip(FORM_COLUMNS, rows[1], strict=True))
    assert first["Invoice Number"] == "INV-1" and first["ASIN"] == "B0AAA"
    assert first["Dispute Quantity"] == 3 and first["Shipped Product ID"] == "B0AAA"
    assert first["Shipped Date"].date() == date(2026, 1, 5)
    assert first["Explanation"] == "24 shipped in 2 cartons"
    assert first["Amount Claimed"] == 37.5
    assert first["Attachments"].startswith("DSP_0007-evidence.zip: INV-1/asn")
    second = dict(zip(FORM_COLUMNS, rows[2], strict=True))
    assert (second["Invoice Number"], second["Shipped Product ID"]) == ("INV-2", "4006381333931")
    assert second["Amount Claimed"] is None
    assert pack.xlsx_name == "DSP_0007-shortage-dispute.xlsx"


def test_the_zip_holds_every_piece_of_every_invoice():
    pack = build_pack("DSP/0007", LINES, [_complete("INV-1"), _complete("INV-2")])
    archive = zipfile.ZipFile(io.BytesIO(pack.zip))
    names = archive.namelist()
    assert names == list(pack.contents)
    for invoice in ("INV-1", "INV-2"):
        for folder in (
            "asn",
            "cartons",
            "labels",
            "bill_of_lading",
            "proof_of_delivery",
            "invoice",
            "purchase_order",
        ):
            assert any(n.startswith(f"{invoice}/{folder}/") for n in names), (invoice, folder)
    assert json.loads(archive.read("INV-1/asn/asn-ASN-INV-1.json"))["shipmentIdentifier"]
    assert archive.read("INV-1/labels/labels_WH_OUT_1.pdf") == b"%PDF-1.4 labels"
    cartons = list(
        csv.DictReader(io.StringIO(archive.read("INV-1/cartons/cartons_by_sscc.csv").decode()))
    )
    assert [(c["SSCC"], c["Quantity"]) for c in cartons] == [
        ("006141411234567913", "6"),
        ("006141411234567890", "12"),
        ("006141411234567906", "12"),
    ]
    readme = archive.read("README.txt").decode()
    assert "Every piece is enclosed." in readme and "MISSING" not in readme
    assert pack.missing == ()


def test_missing_pieces_are_named_not_dropped():
    partial = _complete("INV-1")
    del partial.files["proof_of_delivery"]
    partial.files["labels"] = []
    partial.hints["proof_of_delivery"] = "attach the POD to delivery WH/OUT/00012"
    bare = InvoiceEvidence("INV-2")
    pack = build_pack("DSP/8", LINES, [partial, bare])
    missing = [str(piece) for piece in pack.missing]
    assert "INV-1: no proof of delivery (attach the POD to delivery WH/OUT/00012)" in missing
    assert "INV-1: no carton and pallet label PDFs" in missing
    assert len([m for m in missing if m.startswith("INV-2")]) == 7
    readme = zipfile.ZipFile(io.BytesIO(pack.zip)).read("README.txt").decode()
    assert "MISSING proof of delivery (attach the POD to delivery WH/OUT/00012)" in readme
    assert "9 piece(s) missing" in readme
    sheet = openpyxl.load_workbook(io.BytesIO(pack.xlsx)).active
    assert sheet.cell(3, 10).value is None  # INV-2 has nothing to attach


def test_the_same_evidence_gives_the_same_zip():
    one = build_pack("DSP/1", LINES, [_complete("INV-1"), _complete("INV-2")])
    two = build_pack("DSP/1", LINES, [_complete("INV-1"), _complete("INV-2")])
    assert one.zip == two.zip


def test_two_files_of_one_name_are_both_kept():
    evidence = _complete("INV-1")
    evidence.files["proof_of_delivery"] = [
        EvidenceFile("pod.pdf", b"first"),
        EvidenceFile("pod.pdf", b"second"),
    ]
    pack = build_pack("DSP/2", LINES[:1], [evidence])
    archive = zipfile.ZipFile(io.BytesIO(pack.zip))
    assert archive.read("INV-1/proof_of_delivery/pod.pdf") == b"first"
    assert archive.read("INV-1/proof_of_delivery/pod-2.pdf") == b"second"


@pytest.mark.parametrize(
    ("lines", "says"),
    [
        ([], "no line to dispute"),
        ([FormLine("INV-9", "B0A", 1, "B0A", None)], "invoice INV-9 has no evidence entry"),
        ([FormLine("INV-1", "B0A", 0, "B0A", None)], "line 1 (INV-1 B0A): quantity 0"),
        ([FormLine("INV-1", "", 2, "B0A", None)], "no ASIN"),
    ],
)
def test_bad_lines_are_refused_with_their_place(lines, says):
    with pytest.raises(ValueError, match=re.escape(says)):
        build_pack("DSP/3", lines, [_complete("INV-1")])
