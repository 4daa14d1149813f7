"""The document log's pure decisions: reading inbound files, the 997/CONTRL each needs,
outbound rendering per standard, matching Amazon's acknowledgements, 860 changes."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acorn_vendor.core import domain
from acorn_vendor.core.spapi import converters
from acorn_vendor_edi.core import edifact, exchange, x12
from acorn_vendor_edi.tests.bots_check import edifact_errors as bots_validate
from acorn_vendor_edi.tests.bots_check import x12_errors as bots_errors

from . import edifact_samples, x12_samples

UTC = timezone.utc
PROFILE = exchange.Profile("x12", "4010", "ACMEVENDOR", "ZZ", "AMAZON", "ZZ", test=True)
EU_PROFILE = exchange.Profile(
    "edifact", "", edifact_samples.VENDOR, "14", edifact_samples.AMAZON, "14", test=False
)


def _850s(*pos, control=7001):
    return x12.write(list(pos), x12_samples.amazon_env(control=control)).encode()


def test_detect_standard():
    assert exchange.detect_standard(b"\xef\xbb\xbf\r\nISA*00*") == "x12"
    assert exchange.detect_standard(b"UNA:+.? 'UNB+") == "edifact"
    assert exchange.detect_standard(b"UNB+UNOC:3+") == "edifact"
    assert exchange.detect_standard(b"%PDF-1.4") is None


def test_good_850_reads_into_a_purchase_order_and_a_997_that_accepts_it():
    inbound = exchange.read_file(_850s(x12_samples.purchase_order()))
    assert inbound.ok and inbound.standard == "x12"
    assert inbound.key == ("ZZ", "AMAZON", "000007001")
    (msg,) = inbound.messages
    assert (msg.kind, msg.set_id, msg.control, msg.group_control) == (
        "purchase_order",
        "850",
        "0001",
        "7001",
    )
    assert msg.document.number == "2JK3S9VC"
    ack = exchange.acknowledgement_for(inbound, PROFILE, 12)
    assert ack.control == "000000012" and ack.set_id == "997"
    assert "AK1*PO*7001~" in ack.text and "AK9*A*1*1*1~" in ack.text
    assert "*T*>~" in ack.text.split("\n")[0]  # the profile's test indicator
    assert bots_errors(ack.text) == []


def test_a_bad_set_among_good_ones_is_rejected_alone():
    text = _850s(
        x12_samples.purchase_order("PO1"),
        x12_samples.purchase_order("PO2"),
        x12_samples.purchase_order("PO3"),
    )
    text = text.replace(b"BEG*00*NE*PO2*", b"BEG*00*NE**", 1)
    inbound = exchange.read_file(text)
    assert [m.ok for m in inbound.messages] == [True, False, True]
    assert "BEG03" in inbound.messages[1].errors[0]
    ack = exchange.acknowledgement_for(inbound, PROFILE, 13)
    assert "AK2*850*0002~" in ack.text and "AK5*R" in ack.text
    assert "AK9*P*3*3*2~" in ack.text
    assert bots_errors(ack.text) == []


@pytest.mark.parametrize(
    "mangle, expected",
    [
        (
            lambda t: t.replace(b"*AMAZON         *", b"*AMAZON          *", 1),
            "106",
        ),  # wrong ISA length
        (lambda t: t.replace(b"SE*", b"SE*9", 1), "SE01"),  # wrong count
        (lambda t: t.replace(b"~\nPO1*", b"~\nZZZ*1~\nPO1*", 1), "ZZZ"),  # unknown segment
        (lambda t: t[: len(t) * 2 // 3], "IEA"),  # truncated file
        (lambda t: t.replace(b"DEAL42", "DEÄL42".encode("latin-1")), "character"),
    ],
)
def test_malformed_x12_is_answered_with_a_rejection_saying_where(mangle, expected):
    inbound = exchange.read_file(mangle(_850s(x12_samples.purchase_order())))
    assert not inbound.ok
    assert any(expected in e for e in inbound.all_errors()), inbound.all_errors()
    ack = exchange.acknowledgement_for(inbound, PROFILE, 14)
    assert ack is not None, "a malformed interchange still gets its 997"
    assert (
        "AK9*R" in ack.text or "AK5*R" in ack.text or "\nTA1*000007001*240304*1030*R*" in ack.text
    )
    assert bots_errors(ack.text) == []


def test_binary_garbage_is_an_error_without_a_997():
    inbound = exchange.read_file(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert inbound.standard is None and not inbound.ok
    assert "neither X12" in inbound.errors[0]
    assert exchange.acknowledgement_for(inbound, PROFILE, 1) is None
    assert "empty" in exchange.read_file(b"  ").errors[0]


def test_an_inbound_997_is_not_acknowledged():
    ours = exchange.render_outbound("acknowledgement", x12_samples.acknowledgement(), PROFILE, 40)
    text, _result = x12.acknowledge(ours.text)
    inbound = exchange.read_file(text.encode())
    assert [m.kind for m in inbound.messages] == ["functional_ack"]
    assert exchange.acknowledgement_for(inbound, PROFILE, 2) is None


@pytest.mark.parametrize(
    "kind, build",
    [
        ("acknowledgement", x12_samples.acknowledgement),
        ("shipment_confirmation", x12_samples.shipment),
        ("invoice", x12_samples.invoice),
    ],
)
def test_outbound_x12_passes_bots_and_amazons_997_matches_it(kind, build):
    out = exchange.render_outbound(kind, build(), PROFILE, 41)
    assert out.set_id == exchange.OUTBOUND_TYPES[kind][0]
    assert out.filename == f"{out.set_id}_000000041.edi"
    assert bots_errors(out.text) == []
    text, _ = x12.acknowledge(out.text)  # what Amazon answers
    inbound = exchange.read_file(text.encode())
    (outcome,) = exchange.ack_outcomes(inbound.messages[0])
    assert (outcome.group_control, outcome.accepted) == (out.group_control, True)


def test_a_rejecting_997_names_the_set_and_segment():
    out = exchange.render_outbound("invoice", x12_samples.invoice(), PROFILE, 42)
    broken = out.text.replace("BIG*20240304*INV-1001", "BIG*20241304*INV-1001")
    text, _ = x12.acknowledge(broken)
    (outcome,) = exchange.ack_outcomes(exchange.read_file(text.encode()).messages[0])
    assert not outcome.accepted
    assert "810 0001 rejected" in outcome.errors[0] and "BIG" in outcome.errors[0]


def test_edifact_orders_get_a_contrl_and_outbound_messages_pass_bots():
    po = edifact_samples.purchase_order()
    orders = edifact.write_interchange(
        [edifact.render_orders(po)], edifact_samples.AMAZON, edifact_samples.VENDOR, "AMZ77"
    ).encode("latin-1")
    inbound = exchange.read_file(orders)
    assert inbound.ok and inbound.key == ("14", edifact_samples.AMAZON, "AMZ77")
    assert inbound.messages[0].kind == "purchase_order"
    ack = exchange.acknowledgement_for(inbound, EU_PROFILE, 5)
    assert ack.set_id == "CONTRL" and "UCI+AMZ77+" in ack.text
    assert bots_validate(ack.text) == []
    for kind, doc in (
        ("acknowledgement", edifact_samples.acknowledgement(po)),
        ("shipment_confirmation", edifact_samples.shipment(po)),
        ("invoice", edifact_samples.invoice(po)),
    ):
        out = exchange.render_outbound(kind, doc, EU_PROFILE, 6, purchase_order=po)
        assert bots_validate(out.text) == [], kind
        contrl = edifact.contrl_interchange(edifact.read(out.data)[0], "C6")
        (outcome,) = exchange.ack_outcomes(exchange.read_file(contrl.encode()).messages[0])
        assert (outcome.interchange_control, outcome.accepted) == ("6", True)


def test_unrenderable_document_says_why():
    asn = x12_samples.shipment()
    asn.items[0].quantity = domain.Quantity(999)
    with pytest.raises(exchange.ExchangeError, match="856"):
        exchange.render_outbound("shipment_confirmation", asn, PROFILE, 1)


def test_control_numbers_wrap_after_nine_digits():
    assert exchange.next_control(None, "x12") == 1
    assert exchange.next_control(41, "x12") == 42
    assert exchange.next_control(999_999_999, "x12") == 1
    assert exchange.next_control(999_999_999, "edifact") == 1_000_000_000
    assert exchange.format_control(7, "x12") == "000000007"
    assert exchange.format_control(7, "edifact") == "7"


def _change(*items, purpose="Change"):
    return domain.PurchaseOrderChange(
        "2JK3S9VC", purpose, datetime(2024, 3, 2, tzinfo=UTC), items=list(items)
    )


def test_860_quantity_price_add_and_delete_make_the_next_version():
    po = x12_samples.purchase_order(lines=3)
    change = _change(
        domain.PurchaseOrderChangeItem("1", "QD", po.items[0].ids, quantity_change=4),
        domain.PurchaseOrderChangeItem(
            "2", "PC", po.items[1].ids, net_cost=domain.Money(Decimal("9.99"))
        ),
        domain.PurchaseOrderChangeItem("3", "DI", po.items[2].ids),
        domain.PurchaseOrderChangeItem(
            "4",
            "AI",
            domain.ProductIds(asin="B0NEW"),
            quantity=domain.Quantity(5),
            net_cost=domain.Money(Decimal("2.50")),
        ),
    )
    new, problems = exchange.apply_change(po, change)
    assert problems == []
    assert [(i.sequence, i.ordered_quantity.amount) for i in new.items] == [
        ("1", 6),
        ("2", 20),
        ("4", 5),
    ]
    assert new.items[1].net_cost == domain.Money(Decimal("9.99"), "USD")
    assert new.changed_date == change.change_date
    assert po.items[0].ordered_quantity.amount == 10  # the old version is untouched
    payload = converters.purchase_order_to_spapi(new)
    assert payload["orderDetails"]["purchaseOrderChangedDate"] == "2024-03-02T00:00:00Z"


def test_860_cancel_closes_and_unknown_lines_are_reported():
    po = x12_samples.purchase_order(lines=1)
    new, problems = exchange.apply_change(
        po,
        _change(
            domain.PurchaseOrderChangeItem("9", "QI", domain.ProductIds(), quantity_change=1),
            purpose="Cancel",
        ),
    )
    assert new.state == "Closed"
    assert problems == ["line 9: change QI for a line the PO does not have"]
    with pytest.raises(exchange.ExchangeError, match="not 2JK3S9VC"):
        exchange.apply_change(po, domain.PurchaseOrderChange("OTHER", "Change", datetime.now(UTC)))


def test_as_partner_swaps_the_envelope():
    data = exchange.as_partner(PROFILE, [x12_samples.purchase_order()], 99)
    inbound = exchange.read_file(data)
    assert inbound.ok and inbound.key == ("ZZ", "AMAZON", "000000099")
    assert inbound.receiver == "ACMEVENDOR"
    eu = exchange.read_file(exchange.as_partner(EU_PROFILE, [edifact_samples.purchase_order()], 5))
    assert eu.ok and eu.key == ("14", edifact_samples.AMAZON, "5")


_GOOD = _850s(
    x12_samples.purchase_order("FUZZ1"), x12_samples.purchase_order("FUZZ2"), control=7300
)


@settings(max_examples=40, deadline=None)
@given(
    cut=st.integers(0, len(_GOOD)),
    flips=st.lists(st.tuples(st.integers(0, len(_GOOD) - 1), st.integers(0, 255)), max_size=4),
)
def test_any_mangled_file_is_read_without_crashing_and_any_997_is_valid(cut, flips):
    data = bytearray(_GOOD[:cut])
    for pos, byte in flips:
        if pos < len(data):
            data[pos] = byte
    inbound = exchange.read_file(bytes(data))
    if inbound.ok:
        return
    assert inbound.all_errors()
    ack = exchange.acknowledgement_for(inbound, PROFILE, 15)
    if ack is not None:
        assert bots_errors(ack.text) == [], ack.text


_GOOD_EU = edifact.write_interchange(
    [
        edifact.render_orders(edifact_samples.purchase_order()),
        edifact.render_orders(edifact_samples.purchase_order("PO2")),
    ],
    edifact_samples.AMAZON,
    edifact_samples.VENDOR,
    "AMZ77",
).encode("latin-1")


@settings(max_examples=40, deadline=None)
@given(
    cut=st.integers(0, len(_GOOD_EU)),
    flips=st.lists(st.tuples(st.integers(0, len(_GOOD_EU) - 1), st.integers(0, 255)), max_size=4),
)
def test_any_mangled_edifact_is_answered_with_a_valid_contrl(cut, flips):
    data = bytearray(_GOOD_EU[:cut])
    for pos, byte in flips:
        if pos < len(data):
            data[pos] = byte
    inbound = exchange.read_file(bytes(data))
    ack = exchange.acknowledgement_for(inbound, EU_PROFILE, 15)
    if ack is not None:
        assert bots_validate(ack.text) == [], ack.text


def test_contrl_cuts_an_overlong_qualifier_to_four_characters():
    # Found by fuzzing: a UNB whose qualifier ran into the next element was echoed whole.
    data = _GOOD_EU.replace(b"+5450534000000:14+", b"+5450534000000:14i4012345000009+", 1)
    ack = exchange.acknowledgement_for(exchange.read_file(data), EU_PROFILE, 16)
    assert ":14i4+" in ack.text
    assert bots_validate(ack.text) == []


def test_ta1_never_echoes_an_impossible_date():
    # Found by fuzzing: ISA09 "024304" (month 43) was copied into TA102.
    data = _GOOD.replace(b"*240304*1030*", b"*241304*1030*", 1).replace(b"IEA*1*", b"IEA*7*")
    ack = exchange.acknowledgement_for(exchange.read_file(data), PROFILE, 17)
    ta1 = next(line for line in ack.text.split("\n") if line.startswith("TA1"))
    assert "241304" not in ta1
    assert bots_errors(ack.text) == []
