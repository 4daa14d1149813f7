"""Invoice pre-validation (acorn_vendor/core/invoice_check.py): the three-way match, the
invoice's arithmetic and credit notes, each with a failing and a passing case."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from acorn_vendor.core import domain
from acorn_vendor.core.asn_check import ERROR, WARNING, PoContext, PoLineContext
from acorn_vendor.core.invoice_check import (
    InvoiceContext,
    check_invoice,
    check_invoices,
    expected_total,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
A1, A2 = "B000000001", "B000000002"
D = Decimal


def usd(amount):
    return domain.Money(D(amount), "USD")


def line(seq, asin, qty, cost, po="PO1", **kw):
    return domain.InvoiceItem(
        seq, domain.ProductIds(asin=asin), domain.Quantity(qty), usd(cost), po, **kw
    )


def make_invoice(**changes):
    items = [line(1, A1, 96, "14.20"), line(2, A2, 10, "3.05")]
    inv = domain.Invoice(
        number="INV-1",
        date=NOW,
        remit_to_party=domain.Party("ACME1"),
        total=usd("1393.70"),  # 96 x 14.20 + 10 x 3.05
        items=items,
        shipment_id="SH-1",
    )
    return replace(inv, **changes)


def make_context(**changes):
    lines = [
        PoLineContext("1", asin=A1, accepted=100, shipped=96, net_cost=D("14.20")),
        PoLineContext(
            "2", asin=A2, vendor_ids=("SKU-2",), accepted=10, shipped=10, net_cost=D("3.05")
        ),
    ]
    po = PoContext(
        "PO1",
        lines,
        vendor_code="ACME1",
        ship_to="ABE2",
        date=NOW - timedelta(days=5),
        currency="USD",
    )
    asn = domain.Shipment(
        "SH-1",
        NOW,
        NOW,
        domain.Party("ACME1"),
        domain.Party("WH01"),
        domain.Party("ABE2"),
        items=[
            domain.ShipmentItem("001", domain.ProductIds(asin=A1), domain.Quantity(96), "PO1"),
            domain.ShipmentItem("002", domain.ProductIds(asin=A2), domain.Quantity(10), "PO1"),
        ],
    )
    ctx = InvoiceContext({"PO1": po}, shipments={"SH-1": asn})
    return replace(ctx, **changes)


def codes(inv, ctx=None):
    return [p.code for p in check_invoice(inv, ctx or make_context())]


def with_line(inv, index, **changes):
    items = list(inv.items)
    items[index] = replace(items[index], **changes)
    return replace(inv, items=items)


def retotal(inv):
    return replace(inv, total=usd(expected_total(inv)))


def test_clean_invoice_passes():
    assert check_invoice(make_invoice(), make_context()) == []


def test_net_cost_must_equal_the_po_cost_with_a_fix_naming_it():
    inv = retotal(with_line(make_invoice(), 0, net_cost=usd("14.25")))
    (problem,) = check_invoice(inv, make_context())
    assert (problem.code, problem.severity) == ("NET_COST_MISMATCH", ERROR)
    assert problem.fix.startswith("Set the price to 14.20, the PO's net cost")
    assert problem.where == f"Invoice INV-1, line 1, PO PO1 line 1 ({A1})"
    assert problem.refs == {"line": 1, "po": "PO1"}
    loose = make_context(cost_tolerance=D("0.05"))
    assert codes(inv, loose) == []


def test_quantity_against_accepted_shipped_and_the_asn():
    ctx = make_context()
    ctx.purchase_orders["PO1"].lines[0].shipped = 100
    inv = retotal(with_line(make_invoice(), 0, quantity=domain.Quantity(101)))
    found = check_invoice(inv, ctx)
    assert [p.code for p in found] == [
        "INVOICED_QUANTITY_EXCEEDS_ACCEPTED",
        "INVOICED_QUANTITY_EXCEEDS_SHIPPED",
        "INVOICED_QUANTITY_EXCEEDS_ASN",
    ]
    assert "Reduce the quantity to 100, the accepted" in found[0].fix
    assert "Reduce the quantity to 100, the shipped" in found[1].fix
    assert "Reduce the quantity to 96, the shipped quantity on the ASN" in found[2].fix
    within_asn = retotal(with_line(make_invoice(), 0, quantity=domain.Quantity(90)))
    assert codes(within_asn, ctx) == []


def test_no_line_billed_twice_across_invoices():
    ctx = make_context()
    ctx.purchase_orders["PO1"].lines[0].invoiced = 90
    found = check_invoice(make_invoice(), ctx)
    assert [p.code for p in found] == [
        "INVOICED_QUANTITY_EXCEEDS_ACCEPTED",
        "INVOICED_QUANTITY_EXCEEDS_SHIPPED",
    ]
    assert "Reduce the quantity to 6, the shipped quantity not yet invoiced" in found[1].fix


def test_one_po_line_on_two_invoice_lines_is_flagged_and_summed():
    inv = make_invoice()
    inv.items = [line(1, A1, 50, "14.20"), line(2, A1, 50, "14.20")]
    inv = retotal(inv)
    found = check_invoice(inv, make_context())
    assert [(p.code, p.severity) for p in found] == [
        ("LINE_BILLED_TWICE", WARNING),
        ("INVOICED_QUANTITY_EXCEEDS_SHIPPED", ERROR),
        ("INVOICED_QUANTITY_EXCEEDS_ASN", ERROR),
    ]


def test_batch_counts_earlier_invoices_of_the_batch():
    first = retotal(with_line(make_invoice(), 0, quantity=domain.Quantity(60)))
    second = retotal(with_line(make_invoice(number="INV-2"), 0, quantity=domain.Quantity(40)))
    second.items = second.items[:1]
    second = retotal(second)
    results = check_invoices([first, second], make_context())
    assert results[0] == []
    assert [p.code for p in results[1]] == ["INVOICED_QUANTITY_EXCEEDS_SHIPPED"]
    dupes = check_invoices([make_invoice(), make_invoice()], make_context(shipments={}))
    assert "DUPLICATE_INVOICE_NUMBER" in [p.code for p in dupes[1]]


def test_invoice_number_unique_per_account():
    sent = make_context(sent_numbers={"INV-1"})
    assert codes(make_invoice(), sent) == ["DUPLICATE_INVOICE_NUMBER"]
    assert codes(make_invoice(number="INV-2"), sent) == []
    assert codes(make_invoice(number="")) == ["MISSING_INVOICE_NUMBER"]


def test_po_and_item_references():
    assert codes(with_line(make_invoice(), 1, purchase_order_number=None)) == [
        "MISSING_PURCHASE_ORDER_NUMBER"
    ]
    assert codes(with_line(make_invoice(), 1, purchase_order_number="PO9")) == ["INVALID_PO_NUMBER"]
    stranger = domain.ProductIds(asin="B0STRANGER")
    assert codes(with_line(make_invoice(), 1, ids=stranger)) == ["ITEM_NOT_ON_PO"]
    by_sku = domain.ProductIds(vendor_product_id="SKU-2")
    assert codes(with_line(make_invoice(), 1, ids=by_sku)) == []
    by_sequence = domain.ProductIds()
    assert codes(with_line(make_invoice(), 1, ids=by_sequence)) == []


def test_currency_and_date():
    eur = domain.Money(D("3.05"), "EUR")
    assert codes(with_line(make_invoice(), 1, net_cost=eur)) == ["CURRENCY_MISMATCH"] * 2
    early = make_invoice(date=NOW - timedelta(days=6))
    found = check_invoice(early, make_context())
    assert [p.code for p in found] == ["INVOICE_DATE_BEFORE_PO_DATE"]
    assert "on or after" in found[0].fix
    assert codes(make_invoice(date=NOW - timedelta(days=5))) == []


def test_unknown_shipment_is_a_warning():
    found = check_invoice(make_invoice(shipment_id="SH-404"), make_context())
    assert [(p.code, p.severity) for p in found] == [("UNKNOWN_SHIPMENT", WARNING)]
    assert codes(make_invoice(shipment_id=None)) == []


def test_total_and_its_fix():
    found = check_invoice(make_invoice(total=usd("1400.00")), make_context())
    assert [p.code for p in found] == ["INVOICE_TOTAL_MISMATCH"]
    assert found[0].fix == "Set the invoice total to 1393.70."
    assert codes(make_invoice(total=usd("1393.71"))) == []  # a cent of rounding


def test_charges_allowances_and_taxes_in_the_total():
    inv = make_invoice()
    inv.charges = [
        domain.Charge("Freight", usd("25.00")),
        domain.Charge("Discount", usd("5.00"), is_allowance=True),
    ]
    inv.items[0].taxes = [domain.TaxDetail("ST", usd("81.79"), D("0.06"), usd("1363.20"))]
    inv = replace(inv, total=usd("1495.49"))
    assert check_invoice(inv, make_context()) == []
    assert expected_total(inv) == D("1495.49")


def test_line_tax_amount_and_taxable_amount():
    inv = make_invoice()
    inv.items[0].taxes = [domain.TaxDetail("ST", usd("80.00"), D("0.06"), usd("1363.20"))]
    inv = retotal(inv)
    found = check_invoice(inv, make_context())
    assert [p.code for p in found] == ["TAX_AMOUNT_MISMATCH"]
    assert found[0].fix == "Set the tax amount to 81.79."
    inv.items[0].taxes = [domain.TaxDetail("ST", usd("81.79"), D("0.06"), usd("1300.00"))]
    inv = retotal(inv)
    assert [p.code for p in check_invoice(inv, make_context())] == [
        "TAXABLE_AMOUNT_MISMATCH",
        "TAX_AMOUNT_MISMATCH",
    ]


def test_header_taxes_must_sum_the_line_taxes_and_are_not_counted_twice():
    inv = make_invoice()
    inv.items[0].taxes = [domain.TaxDetail("ST", usd("81.79"), D("0.06"), usd("1363.20"))]
    inv.taxes = [domain.TaxDetail("ST", usd("81.79"))]
    inv = replace(inv, total=usd("1475.49"))
    assert check_invoice(inv, make_context()) == []
    inv.taxes = [domain.TaxDetail("ST", usd("90.00"))]
    inv = retotal(inv)
    found = check_invoice(inv, make_context())
    assert [p.code for p in found] == ["HEADER_TAX_MISMATCH"]
    assert found[0].fix == "Set the invoice's ST total to 81.79."


def test_negative_invoice_must_be_a_credit_note():
    inv = retotal(with_line(make_invoice(), 1, quantity=domain.Quantity(-1)))
    assert codes(inv) == ["NEGATIVE_INVOICE"]


def test_no_lines():
    assert codes(make_invoice(items=[], total=usd("0"))) == ["NO_INVOICE_LINES"]


# ---- credit notes ----------------------------------------------------------------------------


def credit(qty=2, cost="14.20", ref="INV-1", **kw):
    details = domain.CreditNoteDetails(reference_invoice_number=ref) if ref else None
    item = line(1, A1, qty, cost, credit_note=details)
    inv = domain.Invoice(
        "CN-1", NOW, domain.Party("ACME1"), usd("0"), [item], invoice_type="CreditNote", **kw
    )
    return retotal(inv)


@pytest.fixture
def billed():
    return make_context(earlier_invoices=[make_invoice()])


def test_clean_credit_note_passes(billed):
    assert check_invoice(credit(), billed) == []
    return_only = credit(ref=None)
    return_only.items[0].credit_note = domain.CreditNoteDetails(rma_id="RMA-7")
    assert check_invoice(return_only, billed) == []


def test_credit_note_needs_a_reference(billed):
    assert codes(credit(ref=None), billed) == ["MISSING_CREDIT_REFERENCE"]
    assert codes(credit(ref=None, reference_number="INV-1"), billed) == []
    assert codes(credit(ref="INV-404"), billed) == ["UNKNOWN_REFERENCED_INVOICE"]
    only_number = make_context(sent_numbers={"INV-1"})
    assert codes(credit(), only_number) == []


def test_credit_note_against_the_original_invoice(billed):
    assert codes(credit(qty=97), billed) == ["CREDIT_EXCEEDS_INVOICED"]
    assert codes(credit(cost="15.00"), billed) == ["CREDIT_COST_MISMATCH"]
    other = credit()
    other.items[0].ids = domain.ProductIds(asin="B0STRANGER")
    assert codes(other, billed) == ["CREDIT_ITEM_NOT_ON_INVOICE"]
    earlier = credit(qty=95)
    earlier.number = "CN-0"
    both = make_context(earlier_invoices=[make_invoice(), earlier])
    assert [p.code for p in check_invoice(credit(qty=2), both)] == ["CREDIT_EXCEEDS_INVOICED"]
    assert check_invoice(credit(qty=1), both) == []


def test_credit_note_signs(billed):
    negative = credit(qty=-2)
    assert check_invoice(negative, billed) == []  # negative amounts, consistently
    mixed = replace(negative, total=usd("28.40"))
    assert codes(mixed, billed) == ["CREDIT_SIGN_MIXED", "INVOICE_TOTAL_MISMATCH"]


def test_credit_note_total_is_checked(billed):
    assert codes(replace(credit(), total=usd("30.00")), billed) == ["INVOICE_TOTAL_MISMATCH"]
