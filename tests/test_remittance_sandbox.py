"""The sandbox pays: its Payments export reads back exactly, every line decodes to the kind
the sandbox meant, and its payments match and book when the invoices are open."""

import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from acorn_vendor.core.remittance.booking import open_by_reconcile_key, plan_bookings
from acorn_vendor.core.remittance.matching import OpenDocument, match_payments
from acorn_vendor.core.remittance.payments_export import read_payments_export

PAYING = {"history_days": 100}  # invoices old enough to fall due before the pinned clock


def _export(sb, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    with urllib.request.urlopen(f"{sb.url}/_sandbox/payments/export?{query}") as response:
        return response.read(), response.headers["Content-Type"]


def _day(ts):
    return datetime.fromtimestamp(ts, timezone.utc).date()


def _stored(sb):
    with sb.store.lock:
        return sb.engine.payments_between()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_reads_back_exactly(sandbox_factory, fmt):
    sb = sandbox_factory(**PAYING)
    data, ctype = _export(sb, format=fmt)
    assert ctype.startswith("text/csv" if fmt == "csv" else "application/vnd.openxml")
    result = read_payments_export(data)
    assert not result.errors
    stored = _stored(sb)
    assert len(stored) >= 10
    assert [p.number for p in result.payments] == [row["number"] for row, _ in stored]
    for payment, (row, lines) in zip(result.payments, stored, strict=True):
        assert (payment.date, payment.currency, payment.amount, payment.lines_hidden) == (
            _day(row["paid_at"]),
            row["currency"],
            Decimal(row["amount"]),
            bool(row["hidden"]),
        )
        if payment.lines_hidden:
            assert payment.lines == [] and payment.gap == payment.amount
            continue
        assert payment.gap == 0
        assert [
            (
                line.invoice_number,
                line.invoice_date,
                line.description,
                line.invoice_amount,
                line.discount,
                line.amount_paid,
                line.kind,
            )
            for line in payment.lines
        ] == [
            (
                line["invoice_number"],
                _day(line["invoice_date"]),
                line["description"],
                Decimal(line["invoice_amount"]),
                Decimal(line["discount"]),
                Decimal(line["amount_paid"]),
                line["kind"],
            )
            for line in lines
        ]
    assert any(p.lines_hidden for p in result.payments)
    kinds = {line.kind for p in result.payments for line in p.lines}
    assert {"invoice", "shortage_claim", "price_claim", "coop", "provision"} <= kinds


def test_payments_are_deterministic_from_the_seed(sandbox_factory):
    first = _export(sandbox_factory(**PAYING), format="csv")[0]
    again = _export(sandbox_factory(**PAYING), format="csv")[0]
    other = _export(sandbox_factory(seed=2, **PAYING), format="csv")[0]
    assert first == again and first != other


def test_clock_brings_new_payment_runs_and_old_ones_stay(sandbox_factory):
    sb = sandbox_factory(**PAYING)
    before = {row["number"]: row["amount"] for row, _ in _stored(sb)}
    sb.advance(14 * 86400)
    after = {row["number"]: row["amount"] for row, _ in _stored(sb)}
    assert set(before) < set(after)
    assert all(after[number] == amount for number, amount in before.items())


def test_date_range_and_bad_requests(sandbox_factory):
    sb = sandbox_factory(**PAYING)
    data, _ = _export(sb, format="csv", **{"from": "2026-02-01", "to": "2026-02-28"})
    dates = {p.date for p in read_payments_export(data).payments}
    assert dates and all(d.month == 2 for d in dates)
    for query, says in (
        ("format=pdf", "expected xlsx, csv or json"),
        ("from=yesterday", "not a date"),
    ):
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(f"{sb.url}/_sandbox/payments/export?{query}")
        assert caught.value.code == 400
        assert says in caught.value.read().decode()


def test_eu_marketplace_exports_semicolons_and_decimal_commas(sandbox_factory):
    sb = sandbox_factory(marketplace="DE", **PAYING)
    data, _ = _export(sb, format="csv")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[2].count(";") == 9
    result = read_payments_export(data)
    assert not result.errors and result.payments[0].currency == "EUR"
    stored = _stored(sb)
    assert [p.amount for p in result.payments] == [Decimal(r["amount"]) for r, _ in stored]


def test_sandbox_payments_match_and_book_balanced(sandbox_factory):
    sb = sandbox_factory(**PAYING)
    result = read_payments_export(_export(sb, format="xlsx")[0])
    # The account's open invoices: what the sandbox paid, still fully open.
    documents = [
        OpenDocument(line.invoice_number, "invoice", line.invoice_amount, "USD")
        for payment in result.payments
        for line in payment.lines
        if line.kind == "invoice"
    ]
    decisions = match_payments(result.payments, documents)
    plans, held = plan_bookings(decisions)
    assert plans and all(plan.balanced for plan in plans)
    assert {d.reviews[0].code for d in held} == {"hidden_lines"}
    reversed_keys = {
        line.reversal_key
        for p in result.payments
        for line in p.lines
        if line.kind == "provision_reversal"
    }
    holdback = open_by_reconcile_key(plans, "holdback")
    assert any(holdback[key] == 0 for key in reversed_keys if key in holdback)
    body = json.dumps(result.to_json())
    assert "PROVISION_FOR_RECEIVABLES-R" in body


def test_submitted_invoice_is_paid_on_its_terms_with_claims_from_short_receipts(sandbox_factory):
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
        response = session.call(operation, body=body)
        assert response.status_code == 202, response.text
        sb.advance(61)
        tx = response.json()["payload"]["transactionId"]
        status = session.ok("getTransaction", transactionId=tx)["payload"]["transactionStatus"]
        assert status["status"] == "Success", status

    window = {"createdAfter": "2026-02-26T00:00:00Z", "createdBefore": "2026-03-04T12:00:00Z"}
    orders = session.ok("getPurchaseOrders", dict(window, purchaseOrderState="New"))
    order = orders["payload"]["orders"][0]
    settle("submitAcknowledgement", acknowledgement_for(order, now_iso(sb)))
    # Sent two days after the truck left: a late ASN.
    settle("SubmitShipmentConfirmations", asn_for(order, "ASN-LATE", now_iso(sb, -2 * 86400)))
    sb.advance(3 * 86400)  # received, short
    body = invoice_for(order, "INV-LIVE-1", now_iso(sb))
    terms = {"type": "Basic", "discountPercent": "2", "discountDueDays": 10, "netDueDays": 30}
    body["invoices"][0]["paymentTerms"] = terms
    settle("submitInvoices", body)
    total = Decimal(body["invoices"][0]["invoiceTotal"]["amount"])
    sb.advance(18 * 86400)
    result = read_payments_export(_export(sb, format="csv")[0])
    assert not result.errors
    (payment,) = [
        p for p in result.payments if any(x.invoice_number == "INV-LIVE-1" for x in p.lines)
    ]
    ours = {line.invoice_number: line for line in payment.lines}
    invoice = ours["INV-LIVE-1"]
    assert invoice.invoice_amount == total and invoice.discount == (total * 2 / 100).quantize(
        Decimal("0.01")
    )
    claim = ours["INV-LIVE-1SC"]
    assert claim.kind == "shortage_claim" and claim.base_invoice_number == "INV-LIVE-1"
    assert claim.invoice_amount < 0
    chargebacks = [x for x in payment.lines if x.kind == "chargeback"]
    assert any(x.description == "ASN Accuracy: Late ASN" for x in chargebacks)
    # Paid by the first run after the discount date (10 days), not at net 30.
    assert timedelta(days=10) <= payment.date - invoice.invoice_date <= timedelta(days=17)
