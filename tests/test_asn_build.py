"""Building the ASN of a delivery from plain data (acorn_vendor/core/asn_build.py) and its
GS1-128 labels (asn_labels.py): grouping, cartons on pallets, structure, weights, volume;
the payload is valid against Amazon's model and passes pre-validation."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from acorn_vendor.core import domain
from acorn_vendor.core.asn_build import (
    AsnHeader,
    AsnPackage,
    AsnProduct,
    PackedQuantity,
    build_shipment,
    done_by_product,
    infer_structure,
)
from acorn_vendor.core.asn_check import AsnContext, PoContext, PoLineContext, check_shipment
from acorn_vendor.core.asn_labels import gs1_128_sscc, human_readable, labels_for
from acorn_vendor.core.gs1 import build_sscc, is_valid_sscc
from acorn_vendor.core.spapi import converters
from acorn_vendor.core.spapi_models import validate_definition

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)
A1, A2, A3 = "B000000001", "B000000002", "B000000003"
PRODUCTS = {
    1: AsnProduct(domain.ProductIds(asin=A1, vendor_product_id="SKU-1"), weight=Decimal("1.5")),
    2: AsnProduct(
        domain.ProductIds(asin=A2, vendor_product_id="SKU-2"),
        weight=Decimal("0.25"),
        volume=Decimal("0.002"),
    ),
    3: AsnProduct(domain.ProductIds(asin=A3), lot_tracked=True, weight=Decimal(1)),
}


def sscc(serial, ext=0):
    return build_sscc(ext, "0614141", serial)


def header(**changes):
    values = {
        "shipment_id": "WH-OUT-00042",
        "shipped_date": NOW - timedelta(hours=1),
        "confirmation_date": NOW,
        "selling_party": domain.Party("ACRN1"),
        "ship_from_party": domain.Party(
            "WH", domain.Address("Acorn DC", "100 Industrial Way", "US", city="Allentown")
        ),
        "ship_to_party": domain.Party("ABE2"),
        "shipment_type": "LessThanTruckLoad",
        "carrier_scac": "ODFL",
        "bill_of_lading": "BOL42",
        "estimated_delivery_date": NOW + timedelta(days=2),
    }
    values.update(changes)
    return AsnHeader(**values)


def palletized():
    packages = {
        "P": AsnPackage(sscc(1, 1), is_pallet=True),
        "C1": AsnPackage(sscc(2), pallet="P"),
        "C2": AsnPackage(sscc(3), pallet="P", weight=Decimal("9")),
        "C3": AsnPackage(sscc(4)),
    }
    lines = [
        PackedQuantity(1, 4, "PO1", "C1"),
        PackedQuantity(2, 10, "PO1", "C1"),
        PackedQuantity(1, 2, "PO1", "C2"),
        PackedQuantity(2, 6, "PO1", "C3"),
        PackedQuantity(3, 3, "PO1", "C3", "LOT-A", date(2027, 1, 31)),
        PackedQuantity(3, 2, "PO1", "C3", "LOT-B", date(2027, 2, 28)),
    ]
    return lines, packages


def context(accepted=None, shipped=None):
    accepted = accepted or {"1": 6, "2": 16, "3": 5}
    lines = [
        PoLineContext("1", A1, ("SKU-1",), accepted=accepted["1"]),
        PoLineContext("2", A2, ("SKU-2",), accepted=accepted["2"]),
        PoLineContext("3", A3, (), accepted=accepted["3"], lot_tracked=True),
    ]
    for line in lines:
        line.shipped = (shipped or {}).get(line.sequence, 0)
    return AsnContext(
        {"PO1": PoContext("PO1", lines, vendor_code="ACRN1", ship_to="ABE2")}, now=NOW
    )


def test_lines_group_by_po_product_and_lot_and_cartons_sit_on_their_pallet():
    lines, packages = palletized()
    asn = build_shipment(header(), lines, packages, PRODUCTS)
    assert [(i.sequence, i.ids.asin, i.quantity.amount) for i in asn.items] == [
        ("001", A1, 6),
        ("002", A2, 16),
        ("003", A3, 3),
        ("004", A3, 2),
    ]
    assert [i.lot.lot_number for i in asn.items[2:]] == ["LOT-A", "LOT-B"]
    assert asn.items[3].lot.expiry_date == date(2027, 2, 28)
    (pallet,) = asn.pallets
    assert pallet.sscc == sscc(1, 1)
    assert [c.sscc for c in pallet.cartons] == [sscc(2), sscc(3)]
    assert [c.sscc for c in asn.cartons] == [sscc(4)]
    assert [c.sequence for c in asn.all_cartons()] == ["001", "002", "003"]
    c1 = pallet.cartons[0]
    assert [(ci.item_sequence, ci.quantity.amount) for ci in c1.items] == [("001", 4), ("002", 10)]
    c3 = asn.cartons[0]
    assert [(ci.item_sequence, ci.lot.lot_number) for ci in c3.items[1:]] == [
        ("003", "LOT-A"),
        ("004", "LOT-B"),
    ]


def test_weights_measured_win_else_computed_and_volume_adds_up():
    lines, packages = palletized()
    asn = build_shipment(header(), lines, packages, PRODUCTS)
    c1, c2 = asn.pallets[0].cartons
    assert c1.weight == domain.Weight(Decimal("8.50"), "Kg")  # 4 x 1.5 + 10 x 0.25
    assert c2.weight.value == Decimal("9.00")  # measured shipping weight
    assert asn.pallets[0].weight.value == Decimal("17.50")
    assert asn.cartons[0].weight.value == Decimal("6.50")  # 6 x 0.25 + 5 x 1
    assert asn.gross_weight.value == Decimal("24.00")
    assert asn.volume == domain.Volume(Decimal("0.032"), "CuM")  # 16 x 0.002


def test_structure_is_inferred_from_the_packing_unless_chosen():
    lines, packages = palletized()
    assert build_shipment(header(), lines, packages, PRODUCTS).shipment_structure == (
        "PalletizedAssortmentCase"
    )
    chosen = build_shipment(header(shipment_structure="MasterPallet"), lines, packages, PRODUCTS)
    assert chosen.shipment_structure == "MasterPallet"
    one = {"C": AsnPackage(sscc(9))}
    single = [PackedQuantity(1, 5, "PO1", "C")]
    assert build_shipment(header(), single, one, PRODUCTS).shipment_structure == (
        "LooseStandardCase"
    )
    mixed = single + [PackedQuantity(2, 1, "PO1", "C")]
    assert build_shipment(header(), mixed, one, PRODUCTS).shipment_structure == (
        "LooseAssortmentCase"
    )
    pallet = {"P": AsnPackage(sscc(9), is_pallet=True)}
    on_pallet = [PackedQuantity(1, 5, "PO1", "P")]
    asn = build_shipment(header(), on_pallet, pallet, PRODUCTS)
    assert asn.shipment_structure == "PalletOfItems"
    assert asn.pallets[0].items[0].quantity.amount == 5
    carton = domain.Carton("1", sscc(5), [])
    assert infer_structure([domain.Pallet(sscc(6), cartons=[carton])], []) == (
        "PalletizedStandardCase"
    )
    assert infer_structure([], []) is None


def test_unknown_keys_are_caller_bugs_and_say_which():
    lines, packages = palletized()
    with pytest.raises(ValueError, match="product 99"):
        build_shipment(header(), [PackedQuantity(99, 1, "PO1", "C1")], packages, PRODUCTS)
    with pytest.raises(ValueError, match="package 'NOPE'"):
        build_shipment(header(), [PackedQuantity(1, 1, "PO1", "NOPE")], packages, PRODUCTS)
    packages["C3"] = AsnPackage(sscc(4), pallet="C1")
    with pytest.raises(ValueError, match="not a pallet"):
        build_shipment(header(), lines, packages, PRODUCTS)


def test_payload_is_valid_against_amazons_model_and_passes_prevalidation():
    lines, packages = palletized()
    asn = build_shipment(header(), lines, packages, PRODUCTS)
    payload = converters.shipment_confirmation_to_spapi(asn)
    validate_definition("vendorShipments.json", "ShipmentConfirmation", payload)
    assert payload["shipmentMeasurements"]["shipmentVolume"] == {
        "unitOfMeasure": "CuM",
        "value": "0.032",
    }
    assert payload["pallets"][0]["cartonReferenceDetails"]["cartonReferenceNumbers"] == [
        "001",
        "002",
    ]
    assert payload["shippedItems"][2]["itemDetails"]["lotNumber"] == "LOT-A"
    ctx = context()
    ctx.picking_done = done_by_product(lines, PRODUCTS)
    assert check_shipment(asn, ctx) == []


def test_unpacked_eaches_and_overshipping_are_caught_by_prevalidation():
    lines, packages = palletized()
    lines.append(PackedQuantity(1, 1, "PO1", None))  # picked but never put in a carton
    asn = build_shipment(header(), lines, packages, PRODUCTS)
    codes = {p.code for p in check_shipment(asn, context())}
    assert codes == {"CONTAINER_QUANTITY_MISMATCH", "SHIPPED_QUANTITY_EXCEEDS_ACCEPTED"}


def test_labels_carry_gs1_128_sscc_and_n_of_m():
    lines, packages = palletized()
    asn = build_shipment(header(), lines, packages, PRODUCTS)
    labels = labels_for(asn)
    assert [(lb.kind, lb.number, lb.total) for lb in labels] == [
        ("pallet", 1, 1),
        ("carton", 1, 3),
        ("carton", 2, 3),
        ("carton", 3, 3),
    ]
    assert labels[0].cartons == 2
    assert labels[0].lines == [(A1, 4), (A2, 10), (A1, 2)]
    assert labels[1].purchase_orders == ["PO1"]
    assert labels[1].barcode_value == "\xf100" + sscc(2)
    assert labels[1].text == f"(00) {sscc(2)}"
    assert is_valid_sscc(labels[3].sscc)


def test_gs1_128_refuses_a_bad_sscc_and_encodes_fnc1_then_ai_00():
    with pytest.raises(ValueError, match="check digit"):
        gs1_128_sscc("106141411234567890")
    assert human_readable("106141411234567897") == "(00) 106141411234567897"
    from reportlab.graphics.barcode import code128  # requirements-test.txt

    symbol = code128.Code128(value=gs1_128_sscc("106141411234567897"))
    symbol.validate()
    symbol.encode()
    # Start C (105), FNC1 (102), then digit pairs 00 10 61 41 41 12 34 56 78 97, check, stop.
    assert symbol.encoded[:12] == [105, 102, 0, 10, 61, 41, 41, 12, 34, 56, 78, 97]
    assert symbol.encoded[-1] == 106
