"""The PO mapping Acorn stores: values, errors that name the field, change detection."""

import copy
from datetime import datetime

import pytest

from acorn_vendor.core import po_import
from acorn_vendor.core.spapi import converters

ORDER = {
    "purchaseOrderNumber": "4Z32PABC",
    "purchaseOrderState": "New",
    "orderDetails": {
        "purchaseOrderDate": "2026-11-20T08:15:00Z",
        "purchaseOrderType": "RushOrder",
        "sellingParty": {"partyId": "ACRN1"},
        "buyingParty": {"partyId": "AMAZON_US"},
        "shipToParty": {"partyId": "ABE2"},
        "shipWindow": "2026-11-22T07:00:00Z--2026-11-26T07:00:00Z",
        "deliveryWindow": "2026-11-23T07:00:00-08:00--2026-11-28T07:00:00-08:00",
        "items": [
            {
                "itemSequenceNumber": "1",
                "amazonProductIdentifier": "B07K2QX9M1",
                "vendorProductIdentifier": "ACN-CI-010",
                "orderedQuantity": {"amount": 3, "unitOfMeasure": "Cases", "unitSize": 4},
                "isBackOrderAllowed": True,
                "netCost": {"amount": "14.20", "currencyCode": "USD"},
            },
            {
                "itemSequenceNumber": "2",
                "amazonProductIdentifier": "B08D4LMP21",
                "orderedQuantity": {"amount": 10, "unitOfMeasure": "Eaches"},
                "netCost": {"amount": "9.60", "currencyCode": "USD"},
            },
        ],
    },
}


def test_order_values_map_amazon_fields():
    po = converters.purchase_order_from_spapi(ORDER)
    header = po_import.order_values(po)
    assert header["name"] == "4Z32PABC"
    assert header["amz_state"] == "new"
    assert header["order_type"] == "rush"
    assert header["vendor_code"] == "ACRN1"
    assert header["ship_to_code"] == "ABE2"
    assert header["po_date"].isoformat() == "2026-11-20T08:15:00"
    # offsets are converted to naive UTC, as Odoo stores datetimes
    assert header["delivery_window_start"].isoformat() == "2026-11-23T15:00:00"
    assert header["currency_code"] == "USD"


def test_line_values_convert_cases_to_eaches():
    lines = po_import.line_values(converters.purchase_order_from_spapi(ORDER))
    assert lines["1"]["ordered_qty"] == 3
    assert lines["1"]["ordered_unit"] == "cases"
    assert lines["1"]["ordered_units"] == 12
    assert lines["2"]["ordered_units"] == 10
    assert lines["2"]["vendor_sku"] is False
    assert lines["1"]["net_cost"] == pytest.approx(14.2)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda o: o["orderDetails"].pop("purchaseOrderDate"), "purchaseOrderDate"),
        (lambda o: o.update(purchaseOrderState="Pending"), "purchaseOrderState 'Pending'"),
        (lambda o: o["orderDetails"].update(purchaseOrderType="Bulk"), "purchaseOrderType"),
        (
            lambda o: o["orderDetails"]["items"][1].update(itemSequenceNumber="1"),
            "itemSequenceNumber 1 appears twice",
        ),
    ],
)
def test_bad_orders_name_the_po_and_field(mutate, message):
    order = copy.deepcopy(ORDER)
    mutate(order)
    po = converters.purchase_order_from_spapi(order)
    with pytest.raises(po_import.PurchaseOrderInvalid) as err:
        po_import.order_values(po)
        po_import.line_values(po)
    assert "4Z32PABC" in str(err.value)
    assert message in str(err.value)


def test_fingerprint_ignores_key_order_only():
    shuffled = dict(reversed(list(copy.deepcopy(ORDER).items())))
    assert po_import.fingerprint(shuffled) == po_import.fingerprint(ORDER)
    changed = copy.deepcopy(ORDER)
    changed["orderDetails"]["items"][0]["orderedQuantity"]["amount"] = 2
    assert po_import.fingerprint(changed) != po_import.fingerprint(ORDER)


def test_changes_reports_only_real_differences():
    old = {"ordered_qty": 3, "net_cost": 14.2, "vendor_sku": False, "asin": "B0X"}
    new = {"ordered_qty": 3, "net_cost": 14.200001, "vendor_sku": None, "asin": "B0Y"}
    assert po_import.changes(old, new) == {"asin": ("B0X", "B0Y")}
    assert po_import.changes(old, {"ordered_qty": 2}) == {"ordered_qty": (3, 2)}


def test_acknowledged_quantities_of_a_po_answered_before_acorn_saw_it(sandbox):
    """The sandbox's history POs were acknowledged before the epoch: getPurchaseOrders
    carries no answer, getPurchaseOrdersStatus does (in eaches, cases converted)."""
    from acorn_vendor.core.sandbox.testing import SandboxSession

    week = {"createdAfter": "2026-02-20T00:00:00Z", "createdBefore": "2026-02-27T00:00:00Z"}
    session = SandboxSession(sandbox)
    rows = session.ok("getPurchaseOrdersStatus", dict(week, limit=100))["payload"]["ordersStatus"]
    orders = {
        o["purchaseOrderNumber"]: o
        for o in session.ok("getPurchaseOrders", dict(week, limit=100))["payload"]["orders"]
    }
    accepted_somewhere = False
    for row in rows:
        answers = po_import.acknowledged_quantities(row)
        ordered = po_import.line_values(
            converters.purchase_order_from_spapi(orders[row["purchaseOrderNumber"]])
        )
        assert set(answers) == set(ordered), row["purchaseOrderNumber"]
        for sequence, (accepted, rejected) in answers.items():
            assert accepted + rejected <= ordered[sequence]["ordered_units"]
            accepted_somewhere = accepted_somewhere or accepted > 0
    assert accepted_somewhere


def test_acknowledged_quantities_in_eaches_and_unconfirmed_left_out():
    status = {
        "purchaseOrderNumber": "4Z32PABC",
        "itemStatus": [
            {
                "itemSequenceNumber": "1",
                "acknowledgementStatus": {
                    "confirmationStatus": "PARTIALLY_ACCEPTED",
                    "acceptedQuantity": {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 4},
                    "rejectedQuantity": {"amount": 4, "unitOfMeasure": "Eaches"},
                },
            },
            {
                "itemSequenceNumber": "2",
                "acknowledgementStatus": {"confirmationStatus": "UNCONFIRMED"},
            },
        ],
    }
    assert po_import.acknowledged_quantities(status) == {"1": (8, 4)}
    del status["itemStatus"][0]["itemSequenceNumber"]
    with pytest.raises(ValueError, match="4Z32PABC"):
        po_import.acknowledged_quantities(status)


def test_received_quantities_in_eaches_and_lines_without_receipt_left_out():
    status = {
        "purchaseOrderNumber": "4Z32PDEF",
        "itemStatus": [
            {
                "itemSequenceNumber": "1",
                "receivingStatus": {
                    "receiveStatus": "PARTIALLY_RECEIVED",
                    "receivedQuantity": {"amount": 3, "unitOfMeasure": "Cases", "unitSize": 6},
                },
            },
            {
                "itemSequenceNumber": "2",
                "receivingStatus": {
                    "receiveStatus": "NOT_RECEIVED",
                    "receivedQuantity": {"amount": 0, "unitOfMeasure": "Eaches"},
                },
            },
            {"itemSequenceNumber": "3", "receivingStatus": {"receiveStatus": "NOT_RECEIVED"}},
        ],
    }
    assert po_import.received_quantities(status) == {"1": 18, "2": 0}
    del status["itemStatus"][1]["itemSequenceNumber"]
    with pytest.raises(ValueError, match="4Z32PDEF"):
        po_import.received_quantities(status)


def test_receive_dates_in_naive_utc_and_lines_without_a_date_left_out():
    status = {
        "purchaseOrderNumber": "4Z32PDEF",
        "itemStatus": [
            {
                "itemSequenceNumber": "1",
                "receivingStatus": {"lastReceiveDate": "2026-10-31T23:30:00-05:00"},
            },
            {"itemSequenceNumber": "2", "receivingStatus": {"receiveStatus": "NOT_RECEIVED"}},
            {
                "itemSequenceNumber": "3",
                "receivingStatus": {"lastReceiveDate": "2026-11-02T08:00:00Z"},
            },
        ],
    }
    assert po_import.receive_dates(status) == {
        "1": datetime(2026, 11, 1, 4, 30),
        "3": datetime(2026, 11, 2, 8, 0),
    }
    status["itemStatus"][0]["receivingStatus"]["lastReceiveDate"] = "yesterday"
    with pytest.raises(ValueError, match="4Z32PDEF line 1: lastReceiveDate 'yesterday'"):
        po_import.receive_dates(status)
