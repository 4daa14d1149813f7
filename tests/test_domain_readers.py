"""SP-API JSON that Acorn sends reads back into the same domain objects (the EDI channel
renders acknowledgements, ASNs and invoices from the transaction's payload)."""

import copy
import dataclasses
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from acorn_vendor.core import domain as d
from acorn_vendor.core.sandbox import testing

from . import edifact_samples as es
from . import x12_samples as s

UTC = timezone.utc
ORDER = d.purchase_order_to_spapi(s.purchase_order(lines=3))


def _spapi_ids(value):
    """SP-API has two product ids: ASIN and the vendor's (SKU, else EAN/UPC/ISBN)."""
    if isinstance(value, d.ProductIds):
        return d.ProductIds(asin=value.asin, vendor_product_id=value.vendor_identifier())
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
    for ack in (s.acknowledgement(), es.acknowledgement(es.purchase_order())):
        payload = d.acknowledgement_to_spapi(ack)
        back = d.acknowledgement_from_spapi(payload)
        # SP-API has no PO date and no ship-to on an acknowledgement.
        assert back == _spapi_ids(
            dataclasses.replace(ack, purchase_order_date=None, ship_to_party=None)
        )
        _same_json(d.acknowledgement_to_spapi, d.acknowledgement_from_spapi, payload)


def test_shipments_round_trip_with_pallets_loose_cartons_and_lots():
    for asn in (s.shipment(), es.shipment(es.purchase_order())):
        payload = d.shipment_confirmation_to_spapi(asn)
        back = d.shipment_confirmation_from_spapi(payload)
        assert back == _spapi_ids(asn)
        _same_json(d.shipment_confirmation_to_spapi, d.shipment_confirmation_from_spapi, payload)


def test_invoices_round_trip_except_the_asn_reference():
    for inv in (s.invoice(), es.invoice(es.purchase_order())):
        payload = d.invoice_to_spapi(inv)
        back = d.invoice_from_spapi(payload)
        charges = [c for c in inv.charges if not c.is_allowance] + [
            c for c in inv.charges if c.is_allowance
        ]
        assert back == _spapi_ids(dataclasses.replace(inv, shipment_id=None, charges=charges))
        _same_json(d.invoice_to_spapi, d.invoice_from_spapi, payload)


def test_payloads_of_the_sandbox_helpers_read_back():
    when = "2024-03-05T10:00:00Z"
    ack = testing.acknowledgement_for(ORDER, when, {"2": [("Accepted", 10), ("Rejected", 10)]})
    asn = testing.asn_for(ORDER, "ASN-1", when)
    inv = testing.invoice_for(ORDER, "INV-1", when)
    for body, key, to_spapi, from_spapi in (
        (ack, "acknowledgements", d.acknowledgement_to_spapi, d.acknowledgement_from_spapi),
        (
            asn,
            "shipmentConfirmations",
            d.shipment_confirmation_to_spapi,
            d.shipment_confirmation_from_spapi,
        ),
        (inv, "invoices", d.invoice_to_spapi, d.invoice_from_spapi),
    ):
        (payload,) = body[key]
        _same_json(to_spapi, from_spapi, payload)
    shipment = d.shipment_confirmation_from_spapi(asn["shipmentConfirmations"][0])
    assert shipment.purchase_order_numbers() == [ORDER["purchaseOrderNumber"]]
    invoice = d.invoice_from_spapi(inv["invoices"][0])
    assert invoice.total.amount == invoice.computed_total()


_text = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1, max_size=10)
_when = st.integers(0, 10**9).map(lambda s: datetime(2020, 1, 1, tzinfo=UTC) + timedelta(seconds=s))
_qty = st.builds(
    d.Quantity,
    st.integers(0, 10000),
    st.sampled_from(d.UNITS),
    st.one_of(st.none(), st.integers(1, 48)),
)
_money = st.builds(
    d.Money,
    st.decimals(0, 99999, places=2, allow_nan=False).map(Decimal),
    st.sampled_from(["USD", "EUR"]),
)
_answer = st.builds(
    d.ItemAcknowledgement,
    code=st.sampled_from(d.ACK_CODES),
    quantity=_qty,
    scheduled_ship_date=st.one_of(st.none(), _when),
    scheduled_delivery_date=st.one_of(st.none(), _when),
    rejection_reason=st.one_of(st.none(), st.sampled_from(d.REJECTION_REASONS)),
)
_item = st.builds(
    d.AcknowledgementItem,
    sequence=st.integers(1, 999).map(str),
    ids=st.builds(d.ProductIds, asin=st.one_of(st.none(), _text), vendor_product_id=_text),
    ordered_quantity=_qty,
    acknowledgements=st.lists(_answer, min_size=1, max_size=3),
    net_cost=st.one_of(st.none(), _money),
    list_price=st.one_of(st.none(), _money),
)


@settings(max_examples=60, deadline=None)
@given(
    st.builds(
        d.Acknowledgement,
        purchase_order_number=_text,
        selling_party=st.builds(d.Party, _text),
        date=_when,
        items=st.lists(_item, max_size=4),
    )
)
def test_any_acknowledgement_round_trips(ack):
    assert d.acknowledgement_from_spapi(d.acknowledgement_to_spapi(ack)) == ack
