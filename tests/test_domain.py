"""The shared domain: SP-API JSON maps 1:1 and what Acorn sends matches Amazon's models."""

import dataclasses
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from acorn_vendor.core import domain
from acorn_vendor.core.spapi import converters
from acorn_vendor.core.spapi_models import (
    PayloadInvalid,
    load,
    validate_definition,
    validate_request,
)

from . import x12_samples

DECIMAL = re.compile(r"^-?(0|([1-9]\d*))(\.\d+)?([eE][+-]?\d+)?$")
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def _sandbox_orders():
    doc = load("vendorOrders.json")
    path = doc["paths"]["/vendor/orders/v1/purchaseOrders/{purchaseOrderNumber}"]["get"]
    cases = path["responses"]["200"]["x-amzn-api-sandbox"]["static"]
    listing = doc["paths"]["/vendor/orders/v1/purchaseOrders"]["get"]["responses"]["200"]
    orders = [c["response"]["payload"] for c in cases]
    for case in listing["x-amzn-api-sandbox"]["static"]:
        orders += case["response"]["payload"].get("orders", [])
    return [o for o in orders if "orderDetails" in o]


def _walk(value, path="$"):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield path, value


def _formats_ok(payload):
    """The models declare Decimal's pattern and date-time only in prose: check them here."""
    for path, value in _walk(payload):
        key = path.rsplit(".", 1)[-1]
        if key in ("amount", "value", "taxRate", "discountPercent", "length", "width", "height"):
            if isinstance(value, str):
                assert DECIMAL.match(value), f"{path}={value!r} is not an SP-API Decimal"
        if key.endswith("Date") or key == "date":
            assert DATETIME.match(value), f"{path}={value!r} is not UTC ISO-8601"


def test_sandbox_orders_round_trip_exactly():
    orders = _sandbox_orders()
    assert len(orders) >= 3
    for raw in orders:
        po = converters.purchase_order_from_spapi(raw)
        assert po.date.tzinfo is not None
        for item in po.items:
            if item.net_cost:
                assert isinstance(item.net_cost.amount, Decimal)
        back = converters.purchase_order_to_spapi(po)
        validate_definition("vendorOrders.json", "Order", back)
        # Re-parsing gives the same object; some sandbox POs lack the (required)
        # purchaseOrderStateChangedDate, which the converter fills with the PO date.
        expected = dataclasses.replace(po, state_changed_date=po.state_changed_date or po.date)
        assert converters.purchase_order_from_spapi(back) == expected


def test_import_po_details_survive():
    raw = next(o for o in _sandbox_orders() if o["orderDetails"].get("importDetails"))
    po = converters.purchase_order_from_spapi(raw)
    assert (
        po.import_details.incoterms
        == raw["orderDetails"]["importDetails"]["internationalCommercialTerms"]
    )


def test_acknowledgement_validates_against_model():
    body = {
        "acknowledgements": [converters.acknowledgement_to_spapi(x12_samples.acknowledgement())]
    }
    validate_request("submitAcknowledgement", body)
    _formats_ok(body)
    line2 = body["acknowledgements"][0]["items"][1]["itemAcknowledgements"]
    assert [a["acknowledgementCode"] for a in line2] == ["Accepted", "Backordered"]
    assert line2[0]["scheduledShipDate"] == "2024-03-06T00:00:00Z"


def test_shipment_confirmation_validates_against_model():
    asn = x12_samples.shipment()
    body = {"shipmentConfirmations": [converters.shipment_confirmation_to_spapi(asn)]}
    validate_request("SubmitShipmentConfirmations", body)
    _formats_ok(body)
    sc = body["shipmentConfirmations"][0]
    assert sc["shipmentMeasurements"] == {
        "grossShipmentWeight": {"unitOfMeasure": "Lb", "value": "250.5"},
        "cartonCount": 3,
        "palletCount": 1,
    }
    assert sc["pallets"][0]["cartonReferenceDetails"]["cartonReferenceNumbers"] == ["1", "2"]
    assert sc["cartons"][2]["cartonIdentifiers"][0]["containerIdentificationType"] == "SSCC"
    details = sc["shippedItems"][1]["itemDetails"]
    assert details["lotNumber"] == "LOT-7"
    assert details["expiry"]["expiryDate"] == "2025-06-30T00:00:00Z"


def test_invoice_validates_against_model():
    inv = x12_samples.invoice()
    body = {"invoices": [converters.invoice_to_spapi(inv)]}
    validate_request("submitInvoices", body)
    _formats_ok(body)
    out = body["invoices"][0]
    assert out["items"][0]["itemSequenceNumber"] == 1  # an integer in the invoice model
    assert out["remitToParty"]["address"]["postalOrZipCode"] == "98101"
    assert out["chargeDetails"][0]["chargeAmount"] == {"currencyCode": "USD", "amount": "15.00"}
    assert out["allowanceDetails"][0]["allowanceAmount"]["amount"] == "5.25"
    assert out["taxDetails"][0]["taxRate"] == "0.065"
    assert Decimal(out["invoiceTotal"]["amount"]) == inv.computed_total()
    credit = converters.invoice_to_spapi(
        domain.Invoice(
            "CN-1",
            x12_samples.T0,
            x12_samples.vendor_party(),
            domain.Money(Decimal("-0")),
            invoice_type="CreditNote",
        )
    )
    validate_definition("vendorInvoices.json", "Invoice", credit)
    assert credit["invoiceTotal"]["amount"] == "0"


def test_model_catches_a_broken_payload():
    body = {
        "acknowledgements": [converters.acknowledgement_to_spapi(x12_samples.acknowledgement())]
    }
    body["acknowledgements"][0]["items"][0]["itemAcknowledgements"][0]["acknowledgementCode"] = "Ok"
    with pytest.raises(PayloadInvalid, match="acknowledgementCode"):
        validate_request("submitAcknowledgement", body)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2019-09-21T00:00:00", datetime(2019, 9, 21, tzinfo=timezone.utc)),
        ("2019-09-21T00:00:00Z", datetime(2019, 9, 21, tzinfo=timezone.utc)),
        ("2019-09-20T16:00:00-08:00", datetime(2019, 9, 21, tzinfo=timezone.utc)),
    ],
)
def test_parse_datetime_normalises_to_utc(text, expected):
    parsed = converters.parse_datetime(text)
    assert parsed == expected and parsed.utcoffset() == timedelta(0)
    assert converters.format_datetime(parsed) == "2019-09-21T00:00:00Z"


def test_interval_and_decimal_helpers():
    start, end = converters.parse_interval("2019-07-26T07:00:00Z--2019-08-03T07:00:00Z")
    assert (end - start).days == 8
    assert converters.format_interval((start, end)) == "2019-07-26T07:00:00Z--2019-08-03T07:00:00Z"
    with pytest.raises(ValueError, match="--"):
        converters.parse_interval("2019-07-26T07:00:00Z")
    assert domain.decimal_str(Decimal("1E+2")) == "100"
    assert domain.decimal_str(Decimal("-0.00")) == "0.00"
    assert domain.decimal_str(Decimal("15.620")) == "15.620"
    with pytest.raises(ValueError, match="naive"):
        converters.format_datetime(datetime(2024, 1, 1))


def test_acknowledgement_change_flag():
    ack = x12_samples.acknowledgement()
    assert ack.is_changed()  # line 2 is split accepted/backordered
    ack.items = ack.items[:1]
    assert not ack.is_changed()


def test_invoice_total_counts_taxes_once():
    """Header taxes are the invoice's tax total; line taxes count only without them."""
    item = domain.InvoiceItem(
        sequence=1,
        ids=domain.ProductIds(asin="B07K2QX9M1"),
        quantity=domain.Quantity(10),
        net_cost=domain.Money(Decimal("14.20")),
        taxes=[domain.TaxDetail("ST", domain.Money(Decimal("9.94")))],
    )
    inv = domain.Invoice(
        number="INV-1",
        date=datetime(2026, 11, 27, tzinfo=timezone.utc),
        remit_to_party=domain.Party("ACRN1"),
        total=domain.Money(Decimal("0")),
        items=[item],
    )
    assert inv.computed_total() == Decimal("151.94")
    inv.taxes = [domain.TaxDetail("ST", domain.Money(Decimal("9.94")))]
    assert inv.computed_total() == Decimal("151.94")
