"""core.invoice_build: plain Odoo data -> the domain Invoice, its SP-API payload and context."""

from dataclasses import replace
from datetime import date, datetime, timezone
from decimal import Decimal

from acorn_vendor.core import domain
from acorn_vendor.core.invoice_build import (
    CreditReason,
    MoveData,
    MoveLine,
    PoLineData,
    TaxLine,
    blocking_problems,
    build_context,
    build_invoice,
    payload_problems,
    problem_key,
    source_problems,
    tax_type_for,
)
from acorn_vendor.core.invoice_check import check_invoice
from acorn_vendor.core.spapi import converters

D = Decimal
PO_DATE = datetime(2026, 3, 1, 10, tzinfo=timezone.utc)
REMIT = domain.Party(
    "ACORN",
    domain.Address("Acorn Housewares Inc", "100 Industrial Way", "US", city="Allentown"),
)


def po_lines(shipped=(10, 4), invoiced=(0, 0)):
    return [
        PoLineData("PO1", "1", "B000000001", ("SKU-1", "4000000000001"), D("14.20"), 10,
                   shipped[0], invoiced[0], PO_DATE, "USD"),
        PoLineData("PO1", "2", "B000000002", ("SKU-2",), D("3.5"), 6, shipped[1], invoiced[1],
                   PO_DATE, "USD"),
    ]  # fmt: skip


def move(lines=None, **kw):
    lines = lines or [
        MoveLine("Pan", D(10), D("14.20"), "PO1", "B000000001", "SKU-1"),
        MoveLine("Lid", D(4), D("3.50"), "PO1", "B000000002", "SKU-2"),
    ]
    total = sum((ln.amount() + sum((t.amount for t in ln.taxes), D(0)) for ln in lines), D(0))
    values = {
        "number": "INV/2026/0001",
        "kind": "Invoice",
        "date": date(2026, 3, 2),
        "currency": "USD",
        "total": total,
        "remit_to": REMIT,
        "lines": lines,
        "ship_to": domain.Party("ABE2"),
        "payment_terms": domain.PaymentTerms(net_due_days=60),
    }
    values.update(kw)
    return MoveData(**values)


def test_a_clean_invoice_builds_a_valid_payload_and_passes_the_check():
    data = move()
    invoice = build_invoice(data)
    assert [i.sequence for i in invoice.items] == [1, 2]
    assert invoice.items[0].purchase_order_number == "PO1"
    assert invoice.items[0].quantity == domain.Quantity(10, "Eaches", 1)
    assert invoice.computed_total() == invoice.total.amount == D("156.00")
    doc = converters.invoice_to_spapi(invoice)
    assert payload_problems(doc) == []
    assert doc["date"] == "2026-03-02T00:00:00Z"
    assert doc["paymentTerms"] == {"type": "Basic", "netDueDays": 60}
    assert source_problems(data) == []
    assert check_invoice(invoice, build_context(po_lines())) == []


def test_each_mismatch_is_a_problem_with_its_fix():
    lines = [
        MoveLine("Pan", D(11), D("14.25"), "PO1", "B000000001", "SKU-1"),
        MoveLine("Mug", D(1), D("2"), "PO1", "B00NOTONPO", "MUG"),
        MoveLine("Lid", D(4), D("3.50"), None, None, "SKU-2"),
    ]
    invoice = build_invoice(move(lines, total=D("1")))
    problems = check_invoice(invoice, build_context(po_lines(), sent_numbers={"INV/2026/0001"}))
    codes = {p.code for p in problems}
    assert codes == {
        "DUPLICATE_INVOICE_NUMBER",
        "NET_COST_MISMATCH",
        "INVOICED_QUANTITY_EXCEEDS_ACCEPTED",
        "INVOICED_QUANTITY_EXCEEDS_SHIPPED",
        "ITEM_NOT_ON_PO",
        "MISSING_PURCHASE_ORDER_NUMBER",
        "INVOICE_TOTAL_MISMATCH",
    }
    cost = next(p for p in problems if p.code == "NET_COST_MISMATCH")
    assert "14.20" in cost.fix
    shipped = next(p for p in problems if p.code == "INVOICED_QUANTITY_EXCEEDS_SHIPPED")
    assert "Reduce the quantity to 10" in shipped.fix


def test_earlier_invoices_and_the_tolerance_count():
    invoice = build_invoice(move())
    billed_before = check_invoice(invoice, build_context(po_lines(invoiced=(1, 0))))
    assert {p.code for p in billed_before} == {
        "INVOICED_QUANTITY_EXCEEDS_ACCEPTED",
        "INVOICED_QUANTITY_EXCEEDS_SHIPPED",
    }
    off = build_invoice(move([MoveLine("Pan", D(10), D("14.2049"), "PO1", "B000000001", "SKU-1")]))
    assert {p.code for p in check_invoice(off, build_context(po_lines()))} == {"NET_COST_MISMATCH"}
    assert check_invoice(off, build_context(po_lines(), cost_tolerance=D("0.005"))) == []


def test_freight_is_a_charge_and_a_negative_line_an_allowance():
    lines = [
        MoveLine("Pan", D(10), D("14.20"), "PO1", "B000000001", "SKU-1"),
        MoveLine("Freight", D(1), D("25"), charge=True),
        MoveLine("Promo", D(1), D("-5"), charge=True),
    ]
    invoice = build_invoice(move(lines))
    assert [(c.charge_type, c.amount.amount, c.is_allowance) for c in invoice.charges] == [
        ("Freight", D(25), False),
        ("Discount", D(5), True),
    ]
    assert invoice.computed_total() == invoice.total.amount == D("162.00")
    doc = converters.invoice_to_spapi(invoice)
    assert doc["chargeDetails"][0]["chargeAmount"]["amount"] == "25"
    assert doc["allowanceDetails"][0]["type"] == "Discount"
    assert payload_problems(doc) == []
    assert check_invoice(invoice, build_context(po_lines())) == []


def test_line_taxes_stay_on_lines_unless_a_charge_is_taxed():
    tax = TaxLine("VAT", D("26.98"), D("142.00"), D("0.19"))
    lines = [MoveLine("Pan", D(10), D("14.20"), "PO1", "B000000001", "SKU-1", taxes=[tax])]
    invoice = build_invoice(move(lines))
    assert invoice.items[0].taxes[0].rate == D("0.19") and invoice.taxes == []
    assert invoice.computed_total() == invoice.total.amount == D("168.98")
    assert check_invoice(invoice, build_context(po_lines())) == []
    freight = MoveLine(
        "Freight", D(1), D(10), charge=True, taxes=[TaxLine("VAT", D("1.90"), D(10))]
    )
    both = build_invoice(move([*lines, freight]))
    assert both.items[0].taxes == []
    assert [(t.tax_type, t.amount.amount, t.taxable_amount.amount) for t in both.taxes] == [
        ("VAT", D("28.88"), D("152.00"))
    ]
    assert both.computed_total() == both.total.amount
    assert check_invoice(both, build_context(po_lines())) == []
    assert payload_problems(converters.invoice_to_spapi(both)) == []


def test_a_wrong_tax_is_caught():
    tax = TaxLine("VAT", D("26.00"), D("142.00"), D("0.19"))
    lines = [MoveLine("Pan", D(10), D("14.20"), "PO1", "B000000001", "SKU-1", taxes=[tax])]
    problems = check_invoice(build_invoice(move(lines)), build_context(po_lines()))
    assert [p.code for p in problems] == ["TAX_AMOUNT_MISMATCH"]
    assert "26.98" in problems[0].fix


def test_credit_note_for_returned_goods_references_what_it_credits():
    sent = converters.invoice_from_spapi(converters.invoice_to_spapi(build_invoice(move())))
    line = MoveLine("Pan", D(2), D("-14.20"), "PO1", "B000000001", "SKU-1")
    data = move(
        [line],
        number="RINV/2026/0001",
        kind="CreditNote",
        total=D("-28.40"),
        reference="INV/2026/0001",
        credit_reason=CreditReason.RETURN,
        return_reference="RMA-77",
        return_date=date(2026, 3, 20),
    )
    credit = build_invoice(data)
    assert credit.invoice_type == "CreditNote" and credit.total.amount == D("28.40")
    details = credit.items[0].credit_note
    assert (details.reference_invoice_number, details.returns_reference_number) == (
        "INV/2026/0001",
        "RMA-77",
    )
    doc = converters.invoice_to_spapi(credit)
    assert doc["referenceNumber"] == "INV/2026/0001"
    assert doc["items"][0]["creditNoteDetails"]["goodsReturnDate"] == "2026-03-20T00:00:00Z"
    assert payload_problems(doc) == []
    context = build_context(po_lines(), sent_numbers={"INV/2026/0001"}, earlier_invoices=[sent])
    assert check_invoice(credit, context) == []
    too_many = build_invoice(replace(data, lines=[replace(line, quantity=D(11))], total=D(-156.2)))
    assert [p.code for p in check_invoice(too_many, context)] == ["CREDIT_EXCEEDS_INVOICED"]
    unknown = build_invoice(replace(data, reference="INV/NOPE"))
    assert [p.code for p in check_invoice(unknown, context)] == ["UNKNOWN_REFERENCED_INVOICE"]


def test_price_adjustment_credits_part_of_the_unit_price():
    sent = converters.invoice_from_spapi(converters.invoice_to_spapi(build_invoice(move())))
    line = MoveLine("Pan", D(10), D("-1.20"), "PO1", "B000000001", "SKU-1")
    data = move(
        [line],
        number="RINV/2026/0002",
        kind="CreditNote",
        total=D("-12"),
        reference="INV/2026/0001",
        credit_reason=CreditReason.PRICE_ADJUSTMENT,
    )
    credit = build_invoice(data)
    assert credit.items[0].credit_note.returns_reference_number is None
    ctx = {"sent_numbers": {"INV/2026/0001"}, "earlier_invoices": [sent]}
    adjusted = build_context(po_lines(), price_adjustment=True, **ctx)
    assert check_invoice(credit, adjusted) == []
    as_return = build_context(po_lines(), **ctx)
    assert [p.code for p in check_invoice(credit, as_return)] == ["CREDIT_COST_MISMATCH"]
    more = build_invoice(replace(data, lines=[replace(line, price_unit=D("-15"))], total=D(-150)))
    assert [p.code for p in check_invoice(more, adjusted)] == ["CREDIT_COST_MISMATCH"]


def test_source_problems_name_what_the_domain_cannot_express():
    data = move(
        [MoveLine("Pan", D("2.5"), D("14.20"), "PO1", "B000000001", "SKU-1")],
        remit_to=domain.Party("ACORN"),
        kind="CreditNote",
    )
    assert [p.code for p in source_problems(data)] == [
        "MISSING_REMIT_TO_ADDRESS",
        "MISSING_CREDIT_REASON",
        "FRACTIONAL_QUANTITY",
    ]


def test_the_model_refuses_what_amazon_would():
    doc = converters.invoice_to_spapi(build_invoice(move(number="")))
    doc["items"][0]["invoicedQuantity"]["unitOfMeasure"] = "Pallets"
    problems = payload_problems(doc)
    assert problems and {p.code for p in problems} == {"INVALID_PAYLOAD"}
    assert any("unitOfMeasure" in p.where for p in problems)


def test_overrides_lift_exactly_the_problems_they_name():
    problems = check_invoice(
        build_invoice(move(total=D(1))), build_context(po_lines(shipped=(9, 4)))
    )
    assert len(blocking_problems(problems)) == 2
    first = problems[0]
    assert blocking_problems(problems, [problem_key(first)]) == problems[1:]


def test_tax_type_per_country():
    assert [tax_type_for(c) for c in ("US", "DE", "IN", None)] == ["ST", "VAT", "IGST", "VAT"]


def test_round_trip_of_a_sent_invoice():
    invoice = build_invoice(move())
    again = converters.invoice_from_spapi(converters.invoice_to_spapi(invoice))
    assert (
        converters.invoice_to_spapi(again)["items"] == converters.invoice_to_spapi(invoice)["items"]
    )
    assert again.total == invoice.total


def test_indexed_po_context_matches_like_the_plain_one():
    import random

    from acorn_vendor.core.asn_check import PoContext
    from acorn_vendor.core.invoice_build import IndexedPoContext

    rng = random.Random(5)
    asins = [f"B{n:09d}" for n in range(12)] + [None]
    skus = [f"SKU{n}" for n in range(12)]
    rows = [
        PoLineData("PO9", str(n), rng.choice(asins), (rng.choice(skus),), D(1), 1, 1, 0)
        for n in range(40)
    ]
    indexed = build_context(rows).purchase_orders["PO9"]
    assert isinstance(indexed, IndexedPoContext)
    plain = PoContext("PO9", indexed.lines)
    for _ in range(500):
        ids = domain.ProductIds(asin=rng.choice(asins), vendor_product_id=rng.choice(skus + [None]))
        seq = rng.choice([None, "3"])
        assert indexed.match(ids, seq) is plain.match(ids, seq)
