"""Amazon's chargeback list: the sandbox's export (consistent with its POs and ASNs, the same
debit note as its remittance, deterministic, pinned clock) reads back whole in CSV and XLSX;
bad files are refused with their row and column."""

import urllib.request
from datetime import date
from decimal import Decimal

import pytest

from acorn_vendor.core.deductions.chargeback_export import read_chargeback_export
from acorn_vendor.core.remittance.payments_export import read_payments_export
from acorn_vendor.core.sandbox.chargebacks import chargeback_list

HISTORY = {"history_days": 100}


def _get(sb, path, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    with urllib.request.urlopen(f"{sb.url}{path}?{query}") as response:
        return response.read()


def _chargebacks(sb, **params):
    return _get(sb, "/_sandbox/chargebacks/export", **params)


def test_export_reads_back_whole_in_both_formats_and_is_deterministic(sandbox_factory):
    sb = sandbox_factory(**HISTORY)
    csv_data, xlsx_data = _chargebacks(sb), _chargebacks(sb, format="xlsx")
    from_csv = read_chargeback_export(csv_data, "Chargebacks.csv")
    from_xlsx = read_chargeback_export(xlsx_data, "Chargebacks.xlsx")
    assert not from_csv.issues and not from_xlsx.issues
    assert len(from_csv.chargebacks) >= 3
    rows = [
        (c.issue_id, c.amount, c.notice_date, c.purchase_order, c.sub_kind)
        for c in from_csv.chargebacks
    ]
    assert rows == [
        (c.issue_id, c.amount, c.notice_date, c.purchase_order, c.sub_kind)
        for c in from_xlsx.chargebacks
    ]
    with sb.store.lock:
        listed = chargeback_list(sb.engine)
    assert [c["issue_id"] for c in listed] == [c.issue_id for c in from_csv.chargebacks]
    assert all(c.notice_date <= date(2026, 3, 4) for c in from_csv.chargebacks)
    assert {c.sub_kind for c in from_csv.chargebacks} <= {"asn_accuracy", "carton_content_label"}
    again = sandbox_factory(**HISTORY)
    assert _chargebacks(again) == csv_data
    early = _chargebacks(sb, to="2026-01-15")
    assert len(read_chargeback_export(early).chargebacks) < len(from_csv.chargebacks)


def test_late_asn_is_charged_under_the_debit_note_the_remittance_deducts(sandbox_factory):
    from acorn_vendor.core.sandbox.testing import (
        SandboxSession,
        acknowledgement_for,
        asn_for,
        invoice_for,
        now_iso,
    )

    sb = sandbox_factory(shortage_rate=1.0, payments={"hidden_rate": 0})
    session = SandboxSession(sb)

    def settle(operation, body):
        assert session.settle(operation, body) == "Success"

    window = {"createdAfter": "2026-02-26T00:00:00Z", "createdBefore": "2026-03-04T12:00:00Z"}
    order = session.ok("getPurchaseOrders", dict(window, purchaseOrderState="New"))["payload"][
        "orders"
    ][0]
    number = order["purchaseOrderNumber"]
    settle("submitAcknowledgement", acknowledgement_for(order, now_iso(sb)))
    before = read_chargeback_export(_chargebacks(sb)).chargebacks
    assert number not in {c.purchase_order for c in before}
    settle("SubmitShipmentConfirmations", asn_for(order, "ASN-LATE", now_iso(sb, -2 * 86400)))
    assert number not in {
        c.purchase_order for c in read_chargeback_export(_chargebacks(sb)).chargebacks
    }  # not raised before Amazon received the PO
    sb.advance(3 * 86400)
    body = invoice_for(order, "INV-LIVE-CB", now_iso(sb))
    body["invoices"][0]["paymentTerms"] = {
        "type": "Basic",
        "discountPercent": "2",
        "discountDueDays": 10,
        "netDueDays": 30,
    }
    settle("submitInvoices", body)
    ours = [
        c
        for c in read_chargeback_export(_chargebacks(sb)).chargebacks
        if c.purchase_order == number
    ]
    assert [(c.sub_kind, c.sub_type, c.shipment) for c in ours] == [
        ("asn_accuracy", "Late ASN", "ASN-LATE")
    ]
    sb.advance(18 * 86400)
    payments = read_payments_export(_get(sb, "/_sandbox/payments/export", format="csv"))
    deducted = {
        line.invoice_number
        for payment in payments.payments
        for line in payment.lines
        if line.kind == "chargeback"
    }
    assert ours[0].debit_note in deducted


def test_history_chargebacks_share_their_debit_notes_with_the_payments(sandbox_factory):
    sb = sandbox_factory(**HISTORY, payments={"hidden_rate": 0})
    listed = {
        c.debit_note: c
        for c in read_chargeback_export(_chargebacks(sb)).chargebacks
        if c.sub_kind == "asn_accuracy"
    }
    payments = read_payments_export(_get(sb, "/_sandbox/payments/export", format="csv"))
    deducted = [
        line for payment in payments.payments for line in payment.lines if line.kind == "chargeback"
    ]
    assert deducted, "the sandbox's payment history deducts ASN chargebacks"
    for line in deducted:
        charge = listed[line.invoice_number]  # the list knows the remittance's number
        assert -line.invoice_amount == charge.amount
        assert line.invoice_number == f"{charge.issue_id}VCBSINV"


def _file(rows, header=None, delimiter=","):
    header = header or [
        "Issue ID",
        "Issue Type",
        "PO Number",
        "Chargeback Amount",
        "Issue Date",
        "Status",
    ]
    lines = ["Chargebacks", "", delimiter.join(header)] + [delimiter.join(r) for r in rows]
    return "\n".join(lines).encode()


def test_labels_dates_amounts_and_sub_kinds_are_read_by_label():
    data = _file(
        [
            ["111", "PO On-Time Accuracy", "PO1", "12,50", "25/02/2026", "Charged"],
            ["222", "No Carton Content Label", "PO2", "1.005,00", "03/03/2026", "Waived"],
            ["333", "Prep: Poly bagging", "PO3", "3,00", "01/03/2026", "Charged"],
            ["444", "Something new", "PO4", "4,00", "01/03/2026", "Charged"],
        ],
        header=[
            "issue id",
            "CHARGEBACK TYPE",
            "Purchase Order",
            "Fee",
            "Notification Date",
            "Status",
        ],
        delimiter=";",
    )
    parsed = read_chargeback_export(data)
    assert not parsed.issues
    assert parsed.date_order == "DMY"
    first, second, third, fourth = parsed.chargebacks
    assert (first.amount, first.notice_date, first.sub_kind) == (
        Decimal("12.50"),
        date(2026, 2, 25),
        "po_on_time",
    )
    assert (second.amount, second.sub_kind, second.waived) == (
        Decimal("1005.00"),
        "carton_content_label",
        True,
    )
    assert (third.sub_kind, fourth.sub_kind) == ("prep", "other_chargeback")


@pytest.mark.parametrize(
    "rows, message",
    [
        (
            [["1", "ASN", "PO1", "abc", "03/01/2026", "Charged"]],
            "row 4, column D (Chargeback Amount)",
        ),
        ([["1", "ASN", "PO1", "5.00", "13/13/2026", "Charged"]], "row 4, column E (Issue Date)"),
        ([["", "ASN", "PO1", "5.00", "03/01/2026", "Charged"]], "row 4, column A (Issue ID)"),
        (
            [
                ["1", "ASN", "PO1", "5.00", "03/01/2026", ""],
                ["1", "ASN", "PO1", "6.00", "03/01/2026", ""],
            ],
            "listed twice",
        ),
    ],
)
def test_bad_rows_are_refused_with_row_and_column(rows, message):
    parsed = read_chargeback_export(_file(rows))
    assert parsed.errors
    assert message in " | ".join(str(issue) for issue in parsed.errors)


def test_a_file_without_the_required_columns_is_refused():
    parsed = read_chargeback_export(_file([["1", "5.00"]], header=["Issue ID", "Amount"]))
    assert [str(e) for e in parsed.errors] == [
        "ERROR row 3: The header has no 'Issue Type' column (accepted labels: Issue Type, "
        "Chargeback Type, Non-Compliance, Non Compliance Type, Defect Type, Type)",
        "ERROR row 3: The header has no 'Issue Date' column (accepted labels: Issue Date, "
        "Notification Date, Date Raised, Created Date, Chargeback Date, Date)",
    ]
    assert "No chargeback header" in str(read_chargeback_export(b"a,b\n1,2\n").errors[0])
    assert read_chargeback_export(b"PK\x03\x04broken", "x.xlsx").errors
