"""Pre-validation (asn_check, invoice_check) agrees with the Acorn sandbox's refusals.

For every kind of ASN and invoice the sandbox refuses (read from its source, so a new refusal
fails this file until it is mapped), a document with exactly that mistake goes over HTTP with
the SP-API client: the sandbox answers Failure with that code, and pre-validation already
reported the mapped code. Clean documents pass both. Pre-validation is deliberately stricter
(labels, carrier data, picking, taxes): it may refuse more, never less.
"""

import inspect
import random
import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from acorn_vendor.core import domain
from acorn_vendor.core.asn_check import AsnContext, PoContext, check_shipment, eaches, product_key
from acorn_vendor.core.gs1 import build_sscc
from acorn_vendor.core.invoice_check import InvoiceContext, check_invoice
from acorn_vendor.core.sandbox.common import parse_dt
from acorn_vendor.core.sandbox.engine import VendorCentral
from acorn_vendor.core.sandbox.testing import acknowledgement_for, asn_for, invoice_for, now_iso
from acorn_vendor.core.spapi import (
    Credentials,
    MemoryJournal,
    MemoryTokenCache,
    SpApiClient,
    converters,
)
from acorn_vendor.core.spapi.throttle import RateLimiter

# Sandbox error code -> pre-validation code that catches the same mistake first. None: the
# mistake cannot be expressed with domain objects (dates are datetimes, always well-formed).
ASN_TABLE = {
    "DUPLICATE_SHIPMENT_IDENTIFIER": "DUPLICATE_SHIPMENT_IDENTIFIER",
    "SHIPMENT_NOT_FOUND": "SHIPMENT_NOT_FOUND",
    "INVALID_SHIPPED_DATE": None,
    "SHIPPED_DATE_IN_FUTURE": "SHIPPED_DATE_IN_FUTURE",
    "SHIPPED_QUANTITY_EXCEEDS_ACCEPTED": "SHIPPED_QUANTITY_EXCEEDS_ACCEPTED",
    "MISSING_PURCHASE_ORDER_NUMBER": "MISSING_PURCHASE_ORDER_NUMBER",
    "INVALID_PO_NUMBER": "INVALID_PO_NUMBER",
    "ITEM_NOT_ON_PO": "ITEM_NOT_ON_PO",
    "INVALID_SELLING_PARTY": "INVALID_SELLING_PARTY",
    "PO_NOT_ACKNOWLEDGED": "PO_NOT_ACKNOWLEDGED",
    "SHIP_TO_MISMATCH": "SHIP_TO_MISMATCH",
}
INVOICE_TABLE = {
    "DUPLICATE_INVOICE_NUMBER": "DUPLICATE_INVOICE_NUMBER",
    "INVALID_DATE": None,
    "INVOICE_TOTAL_MISMATCH": "INVOICE_TOTAL_MISMATCH",
    "MISSING_PURCHASE_ORDER_NUMBER": "MISSING_PURCHASE_ORDER_NUMBER",
    "INVALID_PO_NUMBER": "INVALID_PO_NUMBER",
    "INVOICE_DATE_BEFORE_PO_DATE": "INVOICE_DATE_BEFORE_PO_DATE",
    "ITEM_NOT_ON_PO": "ITEM_NOT_ON_PO",
    "CURRENCY_MISMATCH": "CURRENCY_MISMATCH",
    "NET_COST_MISMATCH": "NET_COST_MISMATCH",
    "INVOICED_QUANTITY_EXCEEDS_SHIPPED": "INVOICED_QUANTITY_EXCEEDS_SHIPPED",
}
ASN_RULES = ("_process_asns", "_asn_lines", "_asn_po_problems")
INVOICE_RULES = ("_process_invoices", "_invoice_line")


def sandbox_codes(functions):
    codes = set()
    for name in functions:
        source = inspect.getsource(getattr(VendorCentral, name))
        codes |= set(re.findall(r'_err\(\s*"([A-Z_]+)"', source))
    return codes


def test_tables_cover_every_refusal_of_the_sandbox():
    assert sandbox_codes(ASN_RULES) == set(ASN_TABLE), "map every sandbox ASN refusal"
    assert sandbox_codes(INVOICE_RULES) == set(INVOICE_TABLE), "map every invoice refusal"


def test_unmapped_refusals_cannot_be_built_from_domain_objects():
    # INVALID_SHIPPED_DATE / INVALID_DATE: the domain writes dates the sandbox always parses.
    moment = converters.parse_datetime("2026-03-04T12:00:00+02:00")
    assert parse_dt("date", converters.format_datetime(moment)) == moment.timestamp()


# ---- helpers ---------------------------------------------------------------------------------


def make_client(sb):
    return SpApiClient(
        Credentials(**sb.credentials),
        endpoint=sb.url,
        token_url=sb.token_url,
        token_cache=MemoryTokenCache(),
        journal=MemoryJournal(),
        validate_responses="strict",
        backoff_base=0.01,
        rng=random.Random(3),
        rate_limiter=RateLimiter(),
    )


def new_orders(client, sb, count, min_first_line=1):
    now, found = sb.now(), []
    for order in client.iter_purchase_orders(
        createdAfter=now - timedelta(days=3), createdBefore=now, purchaseOrderState="New"
    ):
        full = client.get_purchase_order(order["purchaseOrderNumber"])
        if ordered_eaches(full["orderDetails"]["items"][0]) >= min_first_line:
            found.append(full)
        if len(found) == count:
            return found
    pytest.fail(f"the sandbox has fewer than {count} suitable New purchase orders")


def ordered_eaches(item):
    return eaches(converters.quantity_from_spapi(item["orderedQuantity"]))


def packed(asn, serial_base):
    """The ASN as Acorn sends it: carrier data, one labelled carton per line on one pallet."""
    cartons = [
        domain.Carton(
            sequence=str(n),
            sscc=build_sscc(0, "0614141", serial_base + n),
            items=[domain.ContainerItem(item.sequence, item.quantity)],
        )
        for n, item in enumerate(asn.items, 1)
    ]
    pallet = domain.Pallet(sscc=build_sscc(1, "0614141", serial_base), cartons=cartons)
    return replace(
        asn,
        pallets=[pallet],
        carrier_scac="ODFL",
        bill_of_lading=f"BOL{serial_base}",
        estimated_delivery_date=asn.shipped_date + timedelta(days=2),
    )


def po_context(client, order, accepted=None, shipped=None, invoiced=None):
    """What Acorn knows of a PO: Amazon's current copy plus its own ledger."""
    po = converters.purchase_order_from_spapi(
        client.get_purchase_order(order["purchaseOrderNumber"])
    )
    if po.state == "New":
        accepted = {item.sequence: 0 for item in po.items}
    return PoContext.from_purchase_order(po, accepted=accepted, shipped=shipped, invoiced=invoiced)


def picking_of(asn):
    done = {}
    for item in asn.items:
        key = product_key(item.ids)
        done[key] = done.get(key, 0) + item.quantity.amount
    return done


class Exchange:
    """Submit many documents, then let the sandbox clock run once and read every answer."""

    def __init__(self, client, sb):
        self.client, self.sb, self.pending = client, sb, []

    def send_asn(self, label, asn):
        body = {"shipmentConfirmations": [converters.shipment_confirmation_to_spapi(asn)]}
        tx = self.client.submit_shipment_confirmations(body).transaction_id
        self.pending.append((label, tx))

    def send_invoice(self, label, invoice):
        body = {"invoices": [converters.invoice_to_spapi(invoice)]}
        tx = self.client.submit_invoices(body).transaction_id
        self.pending.append((label, tx))

    def answers(self):
        self.sb.advance(61)
        out = {}
        for label, tx in self.pending:
            status = self.client.get_transaction(tx)
            out[label] = (status["status"], {e["code"] for e in status.get("errors") or []})
        self.pending = []
        return out


def assert_agree(label, expected, answer, problems, table, stricter=()):
    """Sandbox refuses with ``expected``; pre-validation refuses with exactly the mapped codes
    of everything the sandbox said, plus the ``stricter`` ones only Acorn checks."""
    status, codes = answer
    found = {p.code for p in problems if p.is_error}
    assert status == "Failure" and expected in codes, f"{label}: sandbox said {answer}"
    assert table[expected] in found, f"{label}: pre-validation missed it: {problems}"
    assert found == {table[c] for c in codes} | set(stricter), f"{label}: {answer} vs {found}"


# ---- ASNs ------------------------------------------------------------------------------------


def test_asn_refusals_are_caught_first(sandbox):
    client = make_client(sandbox)
    order, unacked = new_orders(client, sandbox, 2)
    client.submit_acknowledgement(acknowledgement_for(order, now_iso(sandbox)))
    sandbox.advance(61)
    shipped_at = now_iso(sandbox, -3600)
    clean = packed(
        converters.shipment_confirmation_from_spapi(
            asn_for(order, "ASN-OK-1", shipped_at)["shipmentConfirmations"][0]
        ),
        100,
    )
    number = order["purchaseOrderNumber"]
    contexts = {number: po_context(client, order)}
    unacked_number = unacked["purchaseOrderNumber"]
    contexts[unacked_number] = po_context(client, unacked)
    sent = set()

    def context_for(asn):
        return AsnContext(
            purchase_orders=contexts,
            now=sandbox.now(),
            picking_done=picking_of(asn),
            sent_shipment_ids=frozenset(sent),
        )

    def item_change(**changes):
        first = replace(clean.items[0], **changes)
        return replace(clean, items=[first, *clean.items[1:]])

    def more_first_line(asn):
        first = asn.items[0]
        bigger = replace(first, quantity=domain.Quantity(first.quantity.amount + 5))
        pallet = asn.pallets[0]
        carton = replace(
            pallet.cartons[0], items=[domain.ContainerItem(first.sequence, bigger.quantity)]
        )
        return replace(
            asn,
            items=[bigger, *asn.items[1:]],
            pallets=[replace(pallet, cartons=[carton, *pallet.cartons[1:]])],
        )

    unacked_asn = packed(
        converters.shipment_confirmation_from_spapi(
            asn_for(unacked, "ASN-NEW-1", shipped_at)["shipmentConfirmations"][0]
        ),
        200,
    )
    mistakes = {
        "MISSING_PURCHASE_ORDER_NUMBER": item_change(purchase_order_number=None),
        "INVALID_PO_NUMBER": item_change(purchase_order_number="9ZZZZZZZ"),
        "ITEM_NOT_ON_PO": item_change(
            ids=domain.ProductIds(asin="B0NOTONPO0", vendor_product_id="NOT-ON-PO")
        ),
        "INVALID_SELLING_PARTY": replace(clean, selling_party=domain.Party("ZZZZZ")),
        "PO_NOT_ACKNOWLEDGED": unacked_asn,
        "SHIP_TO_MISMATCH": replace(clean, ship_to_party=domain.Party("ZZZ9")),
        "SHIPPED_DATE_IN_FUTURE": replace(
            clean,
            shipped_date=sandbox.now() + timedelta(days=1),
            estimated_delivery_date=sandbox.now() + timedelta(days=3),
        ),
        "SHIPMENT_NOT_FOUND": replace(clean, confirmation_type="Replace"),
        "SHIPPED_QUANTITY_EXCEEDS_ACCEPTED": more_first_line(clean),
    }
    exchange = Exchange(client, sandbox)
    prevalidation = {}
    for code, asn in mistakes.items():
        prevalidation[code] = check_shipment(asn, context_for(asn))
        exchange.send_asn(code, asn)
    assert check_shipment(clean, context_for(clean)) == []
    exchange.send_asn("clean", clean)
    answers = exchange.answers()
    assert answers.pop("clean") == ("Success", set())
    for code, answer in answers.items():
        assert_agree(code, code, answer, prevalidation[code], ASN_TABLE)

    sent.add(clean.shipment_id)  # Acorn's ledger: the clean ASN went through
    again = replace(clean, confirmation_date=clean.confirmation_date + timedelta(minutes=1))
    problems = check_shipment(again, context_for(again))
    exchange.send_asn("DUPLICATE_SHIPMENT_IDENTIFIER", again)
    answer = exchange.answers()["DUPLICATE_SHIPMENT_IDENTIFIER"]
    assert_agree("duplicate", "DUPLICATE_SHIPMENT_IDENTIFIER", answer, problems, ASN_TABLE)
    exercised = set(mistakes) | {"DUPLICATE_SHIPMENT_IDENTIFIER"}
    assert exercised == {k for k, v in ASN_TABLE.items() if v is not None}


# ---- invoices --------------------------------------------------------------------------------


def test_invoice_refusals_are_caught_first(sandbox):
    client = make_client(sandbox)
    (order,) = new_orders(client, sandbox, 1, min_first_line=2)
    number = order["purchaseOrderNumber"]
    client.submit_acknowledgement(acknowledgement_for(order, now_iso(sandbox)))
    sandbox.advance(61)
    first = order["orderDetails"]["items"][0]
    short = ordered_eaches(first) - 1  # line 1 ships one each short
    asn_doc = asn_for(
        order, "ASN-INV-1", now_iso(sandbox, -3600), {first["itemSequenceNumber"]: short}
    )
    asn = packed(
        converters.shipment_confirmation_from_spapi(asn_doc["shipmentConfirmations"][0]), 300
    )
    asn_context = AsnContext({number: po_context(client, order)}, sandbox.now(), picking_of(asn))
    assert check_shipment(asn, asn_context) == []
    exchange = Exchange(client, sandbox)
    exchange.send_asn("asn", asn)
    assert exchange.answers()["asn"] == ("Success", set())

    shipped = {}
    for item in asn.items:
        line = asn_context.purchase_orders[number].match(item.ids)
        shipped[line.sequence] = item.quantity.amount
    earlier = []

    def context():
        invoiced = {}
        for inv in earlier:
            for item in inv.items:
                seq = ctx_po.match(item.ids, item.sequence).sequence
                invoiced[seq] = invoiced.get(seq, 0) + item.quantity.amount
        po = po_context(client, order, shipped=shipped, invoiced=invoiced)
        return InvoiceContext({number: po}, {asn.shipment_id: asn}, list(earlier))

    ctx_po = po_context(client, order)
    today = now_iso(sandbox)
    seq1 = first["itemSequenceNumber"]

    def build(invoice_id, **kw):
        kw.setdefault("quantities", {seq1: short})
        doc = invoice_for(order, invoice_id, kw.pop("date", today), **kw)["invoices"][0]
        return converters.invoice_from_spapi(doc)

    clean = build("INV-OK-1")
    clean.shipment_id = asn.shipment_id

    def line_change(inv, **changes):
        return replace(inv, items=[replace(inv.items[0], **changes), *inv.items[1:]])

    cost = clean.items[0].net_cost
    po_date = converters.purchase_order_from_spapi(order).date
    mistakes = {
        "MISSING_PURCHASE_ORDER_NUMBER": line_change(build("INV-X-1"), purchase_order_number=None),
        "INVALID_PO_NUMBER": line_change(build("INV-X-2"), purchase_order_number="9ZZZZZZZ"),
        "ITEM_NOT_ON_PO": line_change(
            build("INV-X-3"), ids=domain.ProductIds(asin="B0NOTONPO0", vendor_product_id="NOPE")
        ),
        "CURRENCY_MISMATCH": line_change(
            build("INV-X-4"), net_cost=domain.Money(cost.amount, "EUR")
        ),
        "NET_COST_MISMATCH": build(
            "INV-X-5", cost_override={seq1: str(cost.amount + Decimal("0.50"))}
        ),
        "INVOICE_TOTAL_MISMATCH": build("INV-X-6", total=clean.total.amount + 1),
        "INVOICE_DATE_BEFORE_PO_DATE": build(
            "INV-X-7", date=converters.format_datetime(po_date - timedelta(days=3))
        ),
        "INVOICED_QUANTITY_EXCEEDS_SHIPPED": build("INV-X-8", quantities={seq1: short + 1}),
    }
    prevalidation = {}
    for code, inv in mistakes.items():
        prevalidation[code] = check_invoice(inv, context())
        exchange.send_invoice(code, inv)
    assert check_invoice(clean, context()) == []
    exchange.send_invoice("clean", clean)
    answers = exchange.answers()
    assert answers.pop("clean") == ("Success", set())
    for code, answer in answers.items():
        assert_agree(code, code, answer, prevalidation[code], INVOICE_TABLE)

    earlier.append(clean)  # Acorn's ledger: the clean invoice went through
    again = build("INV-OK-1", quantities={seq1: 1}, date=now_iso(sandbox, -60))
    problems = check_invoice(again, context())
    exchange.send_invoice("DUPLICATE_INVOICE_NUMBER", again)
    answer = exchange.answers()["DUPLICATE_INVOICE_NUMBER"]
    # Billing the lines again also exceeds what Amazon accepted: only Acorn checks that.
    stricter = {"INVOICED_QUANTITY_EXCEEDS_ACCEPTED"}
    assert_agree("duplicate", "DUPLICATE_INVOICE_NUMBER", answer, problems, INVOICE_TABLE, stricter)

    credit = replace(
        build("CN-OK-1", quantities={seq1: 1}),
        invoice_type="CreditNote",
        reference_number=clean.number,
    )
    credit.items = [replace(credit.items[0], credit_note=domain.CreditNoteDetails("INV-OK-1"))]
    credit.total = domain.Money(credit.items[0].line_amount(), cost.currency)
    assert check_invoice(credit, context()) == []
    exchange.send_invoice("credit", credit)
    assert exchange.answers()["credit"] == ("Success", set())
    exercised = set(mistakes) | {"DUPLICATE_INVOICE_NUMBER"}
    assert exercised == {k for k, v in INVOICE_TABLE.items() if v is not None}
