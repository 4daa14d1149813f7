"""ASN pre-validation (acorn_vendor/core/asn_check.py): each check fails on a broken ASN and
stays quiet on the clean one."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from acorn_vendor.core import domain
from acorn_vendor.core.asn_check import (
    ERROR,
    WARNING,
    AsnContext,
    PoContext,
    PoLineContext,
    check_shipment,
    check_sscc_labels,
    eaches,
    has_errors,
)
from acorn_vendor.core.gs1 import build_sscc

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)
A1, A2 = "B000000001", "B000000002"


def sscc(serial):
    return build_sscc(0, "0614141", serial)


def make_asn(**changes):
    items = [
        domain.ShipmentItem("001", domain.ProductIds(asin=A1), domain.Quantity(10), "PO1"),
        domain.ShipmentItem(
            "002",
            domain.ProductIds(vendor_product_id="SKU-2"),
            domain.Quantity(2, "Cases", 6),
            "PO1",
        ),
    ]
    cartons = [
        domain.Carton("1", sscc(1), [domain.ContainerItem("001", domain.Quantity(10))]),
        domain.Carton("2", sscc(2), [domain.ContainerItem("002", domain.Quantity(12))]),
    ]
    asn = domain.Shipment(
        shipment_id="SH-1",
        confirmation_date=NOW - timedelta(hours=1),
        shipped_date=NOW - timedelta(hours=2),
        selling_party=domain.Party("ACME1"),
        ship_from_party=domain.Party("WH01"),
        ship_to_party=domain.Party("ABE2"),
        items=items,
        pallets=[domain.Pallet(build_sscc(1, "0614141", 9), cartons=cartons)],
        shipment_type="LessThanTruckLoad",
        carrier_scac="ODFL",
        bill_of_lading="BOL123",
        estimated_delivery_date=NOW + timedelta(days=2),
    )
    return replace(asn, **changes)


def make_context(**changes):
    lines = [
        PoLineContext("1", asin=A1, vendor_ids=("SKU-1",), accepted=10, net_cost=Decimal("4.5")),
        PoLineContext("2", asin=A2, vendor_ids=("SKU-2", "4006381333931"), accepted=20),
    ]
    po = PoContext("PO1", lines, state="Acknowledged", vendor_code="ACME1", ship_to="ABE2")
    ctx = AsnContext({"PO1": po}, now=NOW, picking_done={A1: 10, "SKU-2": 12})
    return replace(ctx, **changes)


def codes(asn, ctx=None):
    return [p.code for p in check_shipment(asn, ctx or make_context())]


def with_line(asn, index, **changes):
    items = list(asn.items)
    items[index] = replace(items[index], **changes)
    return replace(asn, items=items)


def test_clean_asn_passes():
    assert check_shipment(make_asn(), make_context()) == []


def test_problem_reads_like_a_sentence_with_a_fix():
    (problem,) = check_shipment(make_asn(bill_of_lading=None), make_context())
    assert problem.severity == ERROR and problem.is_error
    assert "bill of lading" in problem.where and problem.fix
    assert str(problem).startswith("[MISSING_BILL_OF_LADING] shipment SH-1, bill of lading:")


def test_shipped_must_fit_accepted_minus_already_shipped():
    ctx = make_context()
    ctx.purchase_orders["PO1"].lines[0].shipped = 4
    (problem,) = check_shipment(make_asn(), ctx)
    assert problem.code == "SHIPPED_QUANTITY_EXCEEDS_ACCEPTED"
    assert problem.where == f"PO PO1 line 1 ({A1})"
    assert "Reduce the shipped quantity to 6" in problem.fix
    ctx.purchase_orders["PO1"].lines[0].shipped = 0
    assert codes(make_asn(), ctx) == []


def test_two_asn_lines_of_one_po_line_add_up():
    asn = make_asn()
    extra = domain.ShipmentItem("003", domain.ProductIds(asin=A1), domain.Quantity(1), "PO1")
    asn.items.append(extra)
    asn.pallets[0].cartons[0].items.append(domain.ContainerItem("003", domain.Quantity(1)))
    ctx = make_context(picking_done={A1: 11, "SKU-2": 12})
    assert codes(asn, ctx) == ["SHIPPED_QUANTITY_EXCEEDS_ACCEPTED"]


def test_cases_count_in_eaches():
    assert eaches(domain.Quantity(2, "Cases", 6)) == 12
    assert eaches(domain.Quantity(2, "Cases")) == 2
    assert eaches(domain.Quantity(7)) == 7


def test_po_and_item_references():
    missing = codes(with_line(make_asn(), 0, purchase_order_number=None))
    assert missing == ["MISSING_PURCHASE_ORDER_NUMBER"]
    assert codes(with_line(make_asn(), 0, purchase_order_number="PO9")) == ["INVALID_PO_NUMBER"]
    stranger = domain.ProductIds(asin="B0STRANGER", vendor_product_id="NOPE")
    ctx = make_context(picking_done={"B0STRANGER": 10, "SKU-2": 12})
    assert codes(with_line(make_asn(), 0, ids=stranger), ctx) == ["ITEM_NOT_ON_PO"]
    by_ean = domain.ProductIds(ean="4006381333931")
    ctx = make_context(picking_done={A1: 10, "4006381333931": 12})
    assert codes(with_line(make_asn(), 1, ids=by_ean), ctx) == []


@pytest.mark.parametrize(
    "po_changes, asn_changes, code",
    [
        ({"vendor_code": "OTHER"}, {}, "INVALID_SELLING_PARTY"),
        ({"state": "New"}, {}, "PO_NOT_ACKNOWLEDGED"),
        ({}, {"ship_to_party": domain.Party("XYZ1")}, "SHIP_TO_MISMATCH"),
    ],
)
def test_po_header_checks(po_changes, asn_changes, code):
    ctx = make_context()
    ctx.purchase_orders["PO1"] = replace(ctx.purchase_orders["PO1"], **po_changes)
    assert codes(make_asn(**asn_changes), ctx) == [code]


def test_empty_carton_and_empty_pallet():
    asn = make_asn()
    asn.cartons.append(domain.Carton("3", sscc(3), []))
    asn.pallets.append(domain.Pallet(build_sscc(1, "0614141", 10)))
    found = check_shipment(asn, make_context())
    assert [p.code for p in found] == ["EMPTY_PALLET", "EMPTY_CARTON"]
    assert found[1].where == f"carton 3 (SSCC {sscc(3)})"
    assert found[0].refs == {"sscc": build_sscc(1, "0614141", 10)}


def test_sscc_check_digit_and_uniqueness():
    bad = sscc(1)[:-1] + str((int(sscc(1)[-1]) + 1) % 10)
    asn = make_asn()
    asn.pallets[0].cartons[0].sscc = bad
    found = check_sscc_labels(asn)
    assert [p.code for p in found] == ["INVALID_SSCC"]
    assert "check digit" in found[0].message and found[0].where.startswith("carton 1")
    asn = make_asn()
    asn.pallets[0].cartons[1].sscc = sscc(1)
    found = check_sscc_labels(asn)
    assert [p.code for p in found] == ["DUPLICATE_SSCC"]
    assert "carton 1" in found[0].message
    assert check_sscc_labels(make_asn()) == []
    assert [p.code for p in check_sscc_labels(make_asn(), {sscc(2)})] == ["SSCC_ALREADY_USED"]


def test_pallet_without_sscc():
    asn = make_asn()
    asn.pallets[0].sscc = ""
    found = check_sscc_labels(asn)
    assert [(p.code, p.where) for p in found] == [("MISSING_PALLET_SSCC", "pallet without SSCC")]


def test_closed_po_is_a_warning_only():
    ctx = make_context()
    ctx.purchase_orders["PO1"].state = "Closed"
    found = check_shipment(make_asn(), ctx)
    assert [(p.code, p.severity) for p in found] == [("PO_CLOSED", WARNING)]
    assert not has_errors(found)
    assert has_errors(check_shipment(make_asn(shipment_type="Courier"), ctx))


def test_a_gs1_128_scan_with_ai_00_is_accepted():
    asn = make_asn()
    asn.pallets[0].cartons[0].sscc = "00" + sscc(1)
    assert check_sscc_labels(asn) == []


def test_carton_without_any_id():
    asn = make_asn()
    asn.pallets[0].cartons[0].sscc = None
    assert [p.code for p in check_sscc_labels(asn)] == ["MISSING_CARTON_ID"]
    asn.pallets[0].cartons[0].other_ids["AMZNCC"] = "AMZNCC123"
    assert check_sscc_labels(asn) == []


def test_shipped_date_not_in_the_future_with_injected_now():
    asn = make_asn(shipped_date=NOW + timedelta(hours=1))
    assert codes(asn) == ["SHIPPED_DATE_IN_FUTURE"]
    assert codes(make_asn(shipped_date=NOW + timedelta(minutes=4))) == []
    strict = make_context(future_tolerance=timedelta(0))
    assert codes(make_asn(shipped_date=NOW + timedelta(minutes=4)), strict) == [
        "SHIPPED_DATE_IN_FUTURE"
    ]


def test_estimated_delivery_not_before_ship_date():
    asn = make_asn(estimated_delivery_date=NOW - timedelta(days=1))
    assert codes(asn) == ["DELIVERY_BEFORE_SHIP_DATE"]


@pytest.mark.parametrize("kind", ["TruckLoad", "LessThanTruckLoad"])
def test_freight_needs_bill_of_lading_and_scac(kind):
    assert codes(make_asn(shipment_type=kind)) == []
    asn = make_asn(shipment_type=kind, bill_of_lading=None, carrier_scac=None)
    assert codes(asn) == ["MISSING_BILL_OF_LADING", "MISSING_CARRIER_SCAC"]
    assert codes(make_asn(shipment_type=kind, carrier_scac="od fl")) == ["INVALID_CARRIER_SCAC"]


def test_small_parcel_needs_a_tracking_number_per_carton():
    asn = make_asn(shipment_type="SmallParcel", bill_of_lading=None, carrier_scac=None)
    found = check_shipment(asn, make_context())
    assert [p.code for p in found] == ["MISSING_TRACKING_NUMBER"] * 2
    assert found[0].refs == {"carton": "1"}
    for n, carton in enumerate(asn.all_cartons()):
        carton.tracking_number = f"1Z999AA1012345678{n}"
    assert codes(asn) == []
    bare = make_asn(shipment_type="SmallParcel", pallets=[])
    ctx = make_context()
    assert "MISSING_CARTONS" in codes(bare, ctx)


def test_shipment_type_missing_is_a_warning_and_unknown_an_error():
    (problem,) = check_shipment(make_asn(shipment_type=None), make_context())
    assert (problem.code, problem.severity) == ("MISSING_SHIPMENT_TYPE", WARNING)
    assert codes(make_asn(shipment_type="Courier")) == ["INVALID_SHIPMENT_TYPE"]


def test_asn_quantities_equal_the_picking():
    found = check_shipment(make_asn(), make_context(picking_done={A1: 9, "SKU-2": 12}))
    assert [p.code for p in found] == ["PICKING_QUANTITY_MISMATCH"]
    assert "Set the ASN quantity to 9" in found[0].fix
    extra = {A1: 10, "SKU-2": 12, A2: 3}
    assert codes(make_asn(), make_context(picking_done=extra)) == ["PICKING_QUANTITY_MISMATCH"]
    assert codes(make_asn(), make_context(picking_done=None)) == []


def test_cartons_add_up_to_the_lines():
    asn = make_asn()
    asn.pallets[0].cartons[0].items[0].quantity = domain.Quantity(8)
    found = check_shipment(asn, make_context())
    assert [p.code for p in found] == ["CONTAINER_QUANTITY_MISMATCH"]
    asn = make_asn()
    asn.pallets[0].cartons[0].items.append(domain.ContainerItem("099", domain.Quantity(1)))
    assert codes(asn) == ["UNKNOWN_CONTAINER_ITEM"]


def test_lot_and_expiry_where_tracked():
    ctx = make_context()
    ctx.purchase_orders["PO1"].lines[0].lot_tracked = True
    assert codes(make_asn(), ctx) == ["MISSING_LOT_OR_EXPIRY"]
    lot = domain.Lot("L42", expiry_date=NOW.date() + timedelta(days=300))
    assert codes(with_line(make_asn(), 0, lot=lot), ctx) == []
    carton_level = make_asn()
    carton_level.pallets[0].cartons[0].items[0].lot = lot
    assert codes(carton_level, ctx) == []
    no_expiry = with_line(make_asn(), 0, lot=domain.Lot("L42"))
    assert codes(no_expiry, ctx) == ["MISSING_LOT_OR_EXPIRY"]


def test_original_and_replace_identifiers():
    sent = make_context(sent_shipment_ids={"SH-1"})
    assert codes(make_asn(), sent) == ["DUPLICATE_SHIPMENT_IDENTIFIER"]
    assert codes(make_asn(confirmation_type="Replace"), sent) == []
    assert codes(make_asn(confirmation_type="Replace")) == ["SHIPMENT_NOT_FOUND"]
    assert codes(make_asn(shipment_id="")) == ["MISSING_SHIPMENT_IDENTIFIER"]


def test_context_from_a_domain_purchase_order():
    po = domain.PurchaseOrder(
        number="PO7",
        date=NOW,
        state="Acknowledged",
        selling_party=domain.Party("ACME1"),
        ship_to_party=domain.Party("ABE2"),
        items=[
            domain.PurchaseOrderItem(
                "1",
                domain.ProductIds(asin=A1, vendor_product_id="SKU-1"),
                domain.Quantity(3, "Cases", 4),
                net_cost=domain.Money(Decimal("2.50"), "EUR"),
            )
        ],
    )
    ctx = PoContext.from_purchase_order(po, shipped={"1": 2}, tracked={"1"})
    (line,) = ctx.lines
    assert (line.accepted, line.shipped, line.net_cost, line.lot_tracked) == (
        12,
        2,
        Decimal("2.50"),
        True,
    )
    assert (ctx.vendor_code, ctx.ship_to, ctx.currency) == ("ACME1", "ABE2", "EUR")
    assert ctx.match(domain.ProductIds(vendor_product_id="SKU-1")) is line
    assert ctx.match(domain.ProductIds(), sequence="1") is line
