"""Amazon purchase orders -> the values Acorn stores, and what changed since last time.

Pure Python so the mapping is tested without Odoo and a 20,000-PO backfill spends its time
in batched writes, not in per-record ORM logic. Keys are the Odoo field names of
``acorn.vc.purchase.order`` and ``acorn.vc.purchase.order.line``; values are plain Python
(str, float, naive UTC datetime) ready for ``create``/``write``.
"""

import hashlib
import json
from datetime import UTC, datetime

from .odoo_values import PO_STATE_KEYS, to_naive_utc

ORDER_TYPES = {
    "RegularOrder": "regular",
    "ConsignedOrder": "consigned",
    "NewProductIntroduction": "new_product",
    "RushOrder": "rush",
}


class PurchaseOrderInvalid(ValueError):
    """A PO Amazon sent cannot be stored; the message names the PO and the field."""


def _amount(money):
    return float(money.amount) if money else 0.0


def canonical_json(payload):
    """Amazon's JSON with sorted keys and no spaces: what is hashed, and what the archive
    stores (one serialisation per PO serves both)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)


def fingerprint(payload, canonical=None):
    """Stable hash of Amazon's JSON: the same document twice is recognised and skipped.
    ``canonical``: ``canonical_json(payload)`` when the caller has it already."""
    if canonical is None:
        canonical = canonical_json(payload)
    return hashlib.sha256(canonical.encode()).hexdigest()


def order_values(po):
    """Header values of one PO; raises PurchaseOrderInvalid naming what is wrong."""
    if not po.number:
        raise PurchaseOrderInvalid("A purchase order without purchaseOrderNumber")
    if po.date is None:
        raise PurchaseOrderInvalid(f"PO {po.number}: orderDetails.purchaseOrderDate is missing")
    if po.state not in PO_STATE_KEYS:
        raise PurchaseOrderInvalid(
            f"PO {po.number}: purchaseOrderState {po.state!r} is not one of "
            f"{', '.join(PO_STATE_KEYS)}"
        )
    if po.order_type and po.order_type not in ORDER_TYPES:
        raise PurchaseOrderInvalid(
            f"PO {po.number}: purchaseOrderType {po.order_type!r} is not one of "
            f"{', '.join(ORDER_TYPES)}"
        )
    ship = po.ship_window or (None, None)
    delivery = po.delivery_window or (None, None)
    imp = po.import_details
    ship_to = po.ship_to_party
    return {
        "name": po.number,
        "amz_state": PO_STATE_KEYS[po.state],
        "order_type": ORDER_TYPES.get(po.order_type or "RegularOrder"),
        "po_date": to_naive_utc(po.date),
        "amz_changed_date": to_naive_utc(po.changed_date),
        "amz_state_changed_date": to_naive_utc(po.state_changed_date),
        "vendor_code": po.selling_party.party_id if po.selling_party else False,
        "buying_party_code": po.buying_party.party_id if po.buying_party else False,
        "ship_to_code": ship_to.party_id if ship_to else False,
        "bill_to_code": po.bill_to_party.party_id if po.bill_to_party else False,
        "ship_window_start": to_naive_utc(ship[0]),
        "ship_window_end": to_naive_utc(ship[1]),
        "delivery_window_start": to_naive_utc(delivery[0]),
        "delivery_window_end": to_naive_utc(delivery[1]),
        "payment_method": po.payment_method or False,
        "deal_code": po.deal_code or False,
        "incoterms": imp.incoterms if imp and imp.incoterms else False,
        "import_method_of_payment": imp.method_of_payment
        if imp and imp.method_of_payment
        else False,
        "port_of_delivery": imp.port_of_delivery if imp and imp.port_of_delivery else False,
        "currency_code": po.currency or False,
    }


def line_values(po):
    """Line values keyed by Amazon's item sequence number."""
    lines = {}
    for item in po.items:
        if item.sequence in lines:
            raise PurchaseOrderInvalid(
                f"PO {po.number}: itemSequenceNumber {item.sequence} appears twice"
            )
        qty = item.ordered_quantity
        if qty.amount < 0:
            raise PurchaseOrderInvalid(
                f"PO {po.number} item {item.sequence}: orderedQuantity {qty.amount} is negative"
            )
        unit_size = qty.unit_size or 1
        lines[item.sequence] = {
            "sequence_number": item.sequence,
            "asin": item.ids.asin or False,
            "vendor_sku": item.ids.vendor_product_id or False,
            "ean": item.ids.ean or item.ids.upc or False,
            "ordered_qty": qty.amount,
            "ordered_unit": "cases" if qty.unit == "Cases" else "eaches",
            "unit_size": unit_size,
            "ordered_units": qty.amount * (unit_size if qty.unit == "Cases" else 1),
            "backorder_allowed": item.back_order_allowed,
            "net_cost": _amount(item.net_cost),
            "list_price": _amount(item.list_price),
        }
    return lines


def changes(old, new):
    """Fields whose value differs: {field: (old, new)}. Floats compare to the cent."""
    diff = {}
    for key, value in new.items():
        before = old.get(key)
        if isinstance(value, float) or isinstance(before, float):
            if round(float(before or 0.0), 4) != round(float(value or 0.0), 4):
                diff[key] = (before, value)
        elif (before or False) != (value or False):
            diff[key] = (before, value)
    return diff


def _eaches(quantity):
    """An SP-API ItemQuantity in eaches (cases times their size); absent is 0."""
    if not quantity:
        return 0
    amount = int(quantity.get("amount") or 0)
    if quantity.get("unitOfMeasure") == "Cases":
        amount *= int(quantity.get("unitSize") or 1)
    return amount


def _status_sequence(order_status, item):
    sequence = str(item.get("itemSequenceNumber") or "")
    if not sequence:
        raise ValueError(
            f"PO {order_status.get('purchaseOrderNumber')}: a status line has no itemSequenceNumber"
        )
    return sequence


def acknowledged_quantities(order_status):
    """What Amazon recorded as acknowledged on each line of one getPurchaseOrdersStatus
    ``OrderStatus``: {item sequence: (accepted eaches, rejected eaches)}. Lines Amazon shows
    UNCONFIRMED are left out: nobody answered them yet.

    A PO acknowledged before Acorn saw it (history, or answered in Vendor Central itself)
    arrives from getPurchaseOrders without the answer; only the status carries it."""
    answers = {}
    for item in order_status.get("itemStatus") or ():
        ack = item.get("acknowledgementStatus") or {}
        if ack.get("confirmationStatus") in (None, "UNCONFIRMED"):
            continue
        sequence = _status_sequence(order_status, item)
        answers[sequence] = (
            _eaches(ack.get("acceptedQuantity")),
            _eaches(ack.get("rejectedQuantity")),
        )
    return answers


def received_quantities(order_status):
    """What Amazon received on each line of one getPurchaseOrdersStatus ``OrderStatus``:
    {item sequence: eaches}. Lines without a receiving status are left out (nothing
    arrived yet is not the same as a receipt of zero)."""
    received = {}
    for item in order_status.get("itemStatus") or ():
        receiving = item.get("receivingStatus") or {}
        if "receivedQuantity" not in receiving:
            continue
        sequence = _status_sequence(order_status, item)
        received[sequence] = _eaches(receiving["receivedQuantity"])
    return received


def receive_dates(order_status):
    """When Amazon last received on each line of one getPurchaseOrdersStatus ``OrderStatus``
    (``lastReceiveDate``): {item sequence: naive UTC datetime}. Lines without one are left
    out. The monthly cross-check buckets Amazon's receipts by this date, as its inventory
    report buckets net received units by the day they arrived."""
    dates = {}
    for item in order_status.get("itemStatus") or ():
        text = (item.get("receivingStatus") or {}).get("lastReceiveDate")
        if not text:
            continue
        sequence = _status_sequence(order_status, item)
        try:
            moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
        except ValueError as error:
            raise ValueError(
                f"PO {order_status.get('purchaseOrderNumber')} line {sequence}: "
                f"lastReceiveDate {text!r} is not an ISO 8601 date-time"
            ) from error
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        dates[sequence] = to_naive_utc(moment)
    return dates
