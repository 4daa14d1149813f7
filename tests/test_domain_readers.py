"""SP-API JSON that Acorn sends reads back into the same domain objects (the EDI channel
renders acknowledgements, ASNs and invoices from the transaction's payload)."""

import copy
import dataclasses
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from acorn_vendor.core import domain
from acorn_vendor.core.sandbox import testing
from acorn_vendor.core.spapi import converters

from . import edifact_samples, x12_samples

UTC = timezone.utc
ORDER = converters.purchase_order_to_spapi(x12_samples.purchase_order(lines=3))


def _spapi_ids(value):
    """SP-API has two product ids: ASIN and the vendor's (SKU, else EAN/UPC/ISBN)."""
    if isinstance(value, domain.ProductIds):
        return domain.ProductIds(asin=value.asin, vendor_product_id=value.vendor_identifier())
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(
            value,
            **{f.name: _spapi_ids(getattr(value, f.name)) for f in dataclasses.fields(value)},
        )
    if isinstance(value, list):
        return [_spapi_ids(v) for v in value]
    return value


def _same_json(to_spapi, from_spapi, payload):
    again = to_spapi(from_spapi(copy.deepcopy(payload)))
    assert again == payload


def test_acknowledgements_round_trip():
    for ack in (
        x12_samples.acknowledgement(),
        edifact_samples.acknowledgement(edifact_samples.purchase_order()),
    ):
        payload = converters.acknowledgement_to_spapi(ack)
        back = converters.acknowledgement_from_spapi(payload)
        # SP-API has no PO date and no ship-to on an acknowledgement.
        assert back == _spapi_ids(
            dataclasses.replace(ack, purchase_order_date=None, ship_to_party=None)
        )
        _same_json(
            converters.acknowledgement_to_spapi, converters.acknowledgement_from_spapi, payload
        )


def test_shipments_round_trip_with_pallets_loose_cartons_and_lots():
    for asn in (x12_samples.shipment(), edifact_samples.shipment(edifact_samples.purchase_order())):
        payload = converters.shipment_confirmation_to_spapi(asn)
        back = converters.shipment_confirmation_from_spapi(payload)
        assert back == _spapi_ids(asn)
        _same_json(
            converters.shipment_confirmation_to_spapi,
            converters.shipment_confirmation_from_spapi,
            payload,
        )


def test_invoices_round_trip_except_the_asn_reference():
    for inv in (x12_samples.invoice(), edifact_samples.invoice(edifact_samples.purchase_order())):
        payload = converters.invoice_to_spapi(inv)
        back = converters.invoice_from_spapi(payload)
        charges = [c for c in inv.charges if not c.is_allowance] + [
            c for c in inv.charges if c.is_allowance
        ]
        assert back == _spapi_ids(dataclasses.replace(inv, shipment_id=None, charges=charges))
        _same_json(converters.invoice_to_spapi, converters.invoice_from_spapi, payload)


def test_payloads_of_the_sandbox_helpers_read_back():
    when = "2024-03-05T10:00:00Z"
    ack = testing.acknowledgement_for(ORDER, when, {"2": [("Accepted", 10), ("Rejected", 10)]})
    asn = testing.asn_for(ORDER, "ASN-1", when)
    inv = testing.invoice_for(ORDER, "INV-1", when)
    for body, key, to_spapi, from_spapi in (
        (
            ack,
            "acknowledgements",
            converters.acknowledgement_to_spapi,
            converters.acknowledgement_from_spapi,
        ),
        (
            asn,
            "shipmentConfirmations",
            converters.shipment_confirmation_to_spapi,
            converters.shipment_confirmation_from_spapi,
        ),
        (inv, "invoices", converters.invoice_to_spapi, converters.invoice_from_spapi),
    ):
        (payload,) = body[key]
        _same_json(to_spapi, from_spapi, payload)
    shipment = converters.shipment_confirmation_from_spapi(asn["shipmentConfirmations"][0])
    assert shipment.purchase_order_numbers() == [ORDER["purchaseOrderNumber"]]
    invoice = converters.invoice_from_spapi(inv["invoices"][0])
    assert invoice.total.amount == invoice.computed_total()


_text = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1, max_size=10)
_when = st.integers(0, 10**9).map(lambda n: datetime(2020, 1, 1, tzinfo=UTC) + timedelta(seconds=n))
_qty = st.builds(
    domain.Quantity,
    st.integers(0, 10000),
    st.sampled_from(domain.UNITS),
    st.one_of(st.none(), st.integers(1, 48)),
)
_money = st.builds(
    domain.Money,
    st.decimals(0, 99999, places=2, allow_nan=False).map(Decimal),
    st.sampled_from(["USD", "EUR"]),
)
_answer = st.builds(
    domain.ItemAcknowledgement,
    code=st.sampled_from(domain.ACK_CODES),
    quantity=_qty,
    scheduled_ship_date=st.one_of(st.none(), _when),
    scheduled_delivery_date=st.one_of(st.none(), _when),
    rejection_reason=st.one_of(st.none(), st.sampled_from(domain.REJECTION_REASONS)),
)
_item = st.builds(
    domain.AcknowledgementItem,
    sequence=st.integers(1, 999).map(str),
    ids=st.builds(domain.ProductIds, asin=st.one_of(st.none(), _text), vendor_product_id=_text),
    ordered_quantity=_qty,
    acknowledgements=st.lists(_answer, min_size=1, max_size=3),
    net_cost=st.one_of(st.none(), _money),
    list_price=st.one_of(st.none(), _money),
)


@settings(max_examples=60, deadline=None)
@given(
    st.builds(
        domain.Acknowledgement,
        purchase_order_number=_text,
        selling_party=st.builds(domain.Party, _text),
        date=_when,
        items=st.lists(_item, max_size=4),
    )
)
def test_any_acknowledgement_round_trips(ack):
    assert converters.acknowledgement_from_spapi(converters.acknowledgement_to_spapi(ack)) == ack
