"""Matching remittance lines to open invoices, what goes to review and why, idempotent
re-imports, and booking plans that balance to the cent."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from acorn_vendor.core.remittance.booking import (
    NotBookable,
    open_by_reconcile_key,
    plan_booking,
    plan_bookings,
)
from acorn_vendor.core.remittance.import_keys import line_keys, payment_key, select_new
from acorn_vendor.core.remittance.line_kinds import decode
from acorn_vendor.core.remittance.matching import OpenDocument, match_payments
from acorn_vendor.core.remittance.payments_export import Payment, PaymentLine, read_payments_export

from . import remittance_samples as s

D = Decimal


def _line(number, paid, amount=None, discount="0", description="", currency=None):
    amount = D(amount if amount is not None else paid)
    decoded = decode(number, description, amount)
    return PaymentLine(
        invoice_number=number,
        amount_paid=D(paid),
        invoice_amount=amount,
        discount=D(discount),
        description=description,
        currency=currency,
        kind=decoded.kind,
        base_invoice_number=decoded.base_invoice_number,
        reversal_key=decoded.reversal_key,
    )


def _payment(number, lines, day=date(2026, 3, 18), currency="USD", amount=None):
    total = sum((line.amount_paid for line in lines), D(0))
    return Payment(number, day, currency, D(amount) if amount else total, lines=lines)


def _invoice(number, residual, currency="USD", kind="invoice"):
    return OpenDocument(number, kind, D(residual), currency, ref=number)


def _sample():
    return read_payments_export(s.to_csv(s.layout(s.us_date, s.us_amount))).payments


DOCS = [_invoice("VC17410", "12500.00"), _invoice("VC17413", "8955.30")]


def test_sample_payment_matches_and_books_balanced():
    decisions = match_payments(_sample(), DOCS)
    paid, hidden = decisions
    assert paid.bookable and not hidden.bookable
    assert [r.code for r in hidden.reviews] == ["hidden_lines"]
    assert "77912.40 USD is unexplained" in hidden.reviews[0].message
    statuses = [(d.status, d.kind) for d in paid.lines]
    assert statuses[:3] == [
        ("matched", "invoice"),
        ("matched", "invoice"),
        ("deduction", "shortage_claim"),
    ]
    plans, held = plan_bookings(decisions)
    assert held == [hidden] and len(plans) == 1
    plan = plans[0]
    assert plan.balanced and plan.total_debit == D("23075.30")
    roles = plan.by_role()
    assert roles["outstanding_receipts"] == s.PAID
    assert roles["receivable"] == D("-21455.30")
    assert roles["deductions_pending"] == D("877.82") + D("112.40") + D("45.60") - D("120.00")
    assert roles["holdback"] == D("500.00")
    # co-op + price protection + terms discount (250 + 179.11, minus 17.91 given back)
    assert roles["contra_revenue"] == D("1204.55") + D("310.00") + D("411.20")
    receivable = [line for line in plan.lines if line.role == "receivable"]
    assert [line.document.ref for line in receivable] == ["VC17410", "VC17413"]


def test_short_paid_invoice_is_a_partial_reconcile():
    payment = _payment("P1", [_line("INV-1", "600.00")])
    (decision,) = match_payments([payment], [_invoice("inv-1 ", "1000.00")])
    (line,) = decision.lines
    assert (line.status, line.amount, line.partial) == ("matched", D("600.00"), True)


@pytest.mark.parametrize(
    "line,docs,code,fix_word",
    [
        (_line("INV-404", "10"), [], "unknown_invoice", "by hand"),
        (_line("INV-1", "1500"), [_invoice("INV-1", "1000")], "amount_above_open", "double"),
        (_line("INV-1", "10"), [_invoice("INV-1", "10", "EUR")], "currency_mismatch", "currency"),
        (_line("INV-1", "-10"), [_invoice("INV-1", "10")], "wrong_sign", "by hand"),
        (_line("VC1HPA26", "-10", description="DFP"), [], "unknown_kind", "rule"),
    ],
)
def test_review_reasons_come_with_a_fix(line, docs, code, fix_word):
    (decision,) = match_payments([_payment("P1", [line])], docs)
    (item,) = decision.lines
    assert item.status == "to_review" and item.review.code == code
    assert fix_word in item.review.fix
    assert not decision.bookable
    with pytest.raises(NotBookable, match="P1 is not booked"):
        plan_booking(decision)


def test_payment_level_reasons():
    lines = [_line("INV-1", "10")]
    docs = [_invoice("INV-1", "10")]
    gap = match_payments([_payment("P1", lines, amount="11")], docs)[0]
    assert [r.code for r in gap.reviews] == ["lines_do_not_add_up"]
    empty = match_payments([_payment("P2", [], amount="5")], docs)[0]
    assert [r.code for r in empty.reviews] == ["no_lines"]
    void = replace(_payment("P3", lines), status="Void", void_reason="Returned by bank")
    assert [r.code for r in match_payments([void], docs)[0].reviews] == ["voided"]


def test_open_amount_is_used_up_across_payments_in_date_order():
    first = _payment("P1", [_line("INV-1", "700")], day=date(2026, 3, 1))
    second = _payment("P2", [_line("INV-1", "400")], day=date(2026, 3, 8))
    later, earlier = match_payments([second, first], [_invoice("INV-1", "1000")])
    assert earlier.lines[0].status == "matched" and earlier.lines[0].partial
    assert later.lines[0].review.code == "amount_above_open"
    assert "only 300 is still open" in later.lines[0].review.message


def test_remembered_mapping_and_kind_override_apply_first():
    lines = [_line("AMZ-77", "50"), _line("VC1HPA26", "-10")]
    payment = _payment("P1", lines)
    docs = [_invoice("INV/2026/0077", "50")]
    (decision,) = match_payments(
        [payment], docs, mapping={"amz-77": "INV/2026/0077"}, kind_overrides={"vc1hpa26": "coop"}
    )
    assert [(d.status, d.kind) for d in decision.lines] == [
        ("matched", "invoice"),
        ("deduction", "coop"),
    ]
    assert plan_booking(decision).balanced
    with pytest.raises(ValueError, match="Unknown line kind"):
        match_payments([payment], docs, kind_overrides={"vc1hpa26": "bonus"})


def test_known_document_number_wins_over_the_pattern():
    # The vendor's own credit note happens to end like a price claim.
    payment = _payment("P1", [_line("INV-9", "100"), _line("CN-12PC", "-30")])
    docs = [_invoice("INV-9", "100"), _invoice("CN-12PC", "30", kind="credit_note")]
    (decision,) = match_payments([payment], docs)
    assert [(d.status, d.kind) for d in decision.lines] == [
        ("matched", "invoice"),
        ("matched", "credit_note"),
    ]
    plan = plan_booking(decision)
    assert plan.balanced and plan.by_role()["receivable"] == D("-70")


def test_provision_and_its_reversal_net_to_zero_on_the_holdback():
    taken = _payment(
        "P1",
        [_line("INV-1", "1000"), _line("260807_PROVISION_FOR_RECEIVABLES", "-250.55")],
        day=date(2026, 8, 7),
    )
    given_back = _payment(
        "P2",
        [_line("INV-2", "100"), _line("260807_PROVISION_FOR_RECEIVABLES-R", "250.55")],
        day=date(2026, 8, 14),
    )
    docs = [_invoice("INV-1", "1000"), _invoice("INV-2", "100")]
    plans, held = plan_bookings(match_payments([taken, given_back], docs))
    assert not held and all(plan.balanced for plan in plans)
    assert open_by_reconcile_key(plans, "holdback") == {
        "provision:260807_PROVISION_FOR_RECEIVABLES": D("0.00")
    }


def test_account_roles_are_configurable_per_kind():
    payment = _payment("P1", [_line("INV-1", "100"), _line("1520811216VCBSINV", "-5")])
    (decision,) = match_payments([payment], [_invoice("INV-1", "100")])
    plan = plan_booking(decision, {"chargeback": "contra_revenue"})
    assert plan.by_role()["contra_revenue"] == D("5")
    with pytest.raises(ValueError, match="Unknown account role"):
        plan_booking(decision, {"chargeback": "expenses"})


def test_every_plan_balances_to_the_cent_on_odd_amounts():
    lines = [
        _line("INV-1", "333.33", amount="340.13", discount="6.80"),
        _line("INV-2", "0.01", amount="0.01"),
        _line("INV-1SC", "-33.34", amount="-34.02", discount="-0.68"),
        _line("6268-1490026100", "-0.07"),
    ]
    (decision,) = match_payments(
        [_payment("P1", lines)], [_invoice("INV-1", "340.13"), _invoice("INV-2", "1")]
    )
    plan = plan_booking(decision)
    assert plan.balanced and plan.total_debit == plan.total_credit == D("340.14")
    assert plan.by_role() == {
        "outstanding_receipts": D("299.93"),
        "receivable": D("-340.14"),
        "deductions_pending": D("34.02"),
        "contra_revenue": D("6.12") + D("0.07"),
    }


def test_reimport_and_overlapping_export_create_nothing_twice():
    payments = _sample()
    first = select_new("ACRN-US", payments, set())
    assert len(first.new_payments) == 2 and first.duplicate_payments == 0
    stored = set(first.payment_keys.values()) | {k for ks in first.line_keys.values() for k in ks}
    again = select_new("ACRN-US", payments, stored)
    assert again.new_payments == [] and again.grown_payments == []
    assert (again.duplicate_payments, again.duplicate_lines) == (2, 10)
    # An overlapping export: the old payment again plus a new one.
    newer = _payment("41872299", [_line("VC18000", "10")], day=date(2026, 4, 1))
    overlap = select_new("ACRN-US", [payments[0], newer], stored)
    assert [p.number for p in overlap.new_payments] == ["41872299"]
    assert (overlap.duplicate_payments, overlap.duplicate_lines) == (1, 10)
    # Another account's identical payment is not a duplicate.
    assert len(select_new("ACRN-EU", payments, stored).new_payments) == 2


def test_hidden_lines_shown_later_are_added_once():
    payments = _sample()
    stored = {payment_key("A", p) for p in payments}
    shown = replace(payments[1], lines_hidden=False, lines=[_line("VC19000", "77912.40")])
    grown = select_new("A", [shown], stored)
    assert grown.new_payments == [] and [p.number for p in grown.grown_payments] == ["41872202"]
    stored |= set(line_keys("A", shown))
    assert select_new("A", [shown], stored).duplicate_payments == 1


def test_identical_lines_in_one_payment_get_distinct_keys():
    payment = _payment("P1", [_line("INV-1", "5"), _line("INV-1", "5")])
    first, second = line_keys("A", payment)
    assert first != second
