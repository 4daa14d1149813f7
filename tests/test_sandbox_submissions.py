"""Acknowledgements, ASNs, routing requests and invoices: applied with Amazon's rules,
reported through getTransaction as sandbox time passes."""

import re

import pytest

from acorn_vendor.core.sandbox.testing import (
    SandboxSession,
    acknowledgement_for,
    asn_for,
    invoice_for,
    now_iso,
)

LAST_WEEK = {"createdAfter": "2026-02-26T00:00:00Z", "createdBefore": "2026-03-04T12:00:00Z"}


@pytest.fixture
def sb(sandbox_factory):
    return sandbox_factory(shortage_rate=0.0)


@pytest.fixture
def session(sb):
    return SandboxSession(sb)


def new_orders(session):
    orders = session.ok("getPurchaseOrders", dict(LAST_WEEK, purchaseOrderState="New", limit=100))[
        "payload"
    ]["orders"]
    assert orders, "the test sandbox should hold New purchase orders"
    return orders


def eaches(item):
    qty = item["orderedQuantity"]
    return qty["amount"] * (qty["unitSize"] if qty["unitOfMeasure"] == "Cases" else 1)


def submit(session, op, body):
    resp = session.call(op, body=body)
    assert resp.status_code == 202, resp.text
    tx = resp.json()["payload"]["transactionId"]
    assert re.fullmatch(r"\d{14}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", tx)
    return tx


def settle(sb, session, tx):
    sb.advance(61)
    return session.ok("getTransaction", transactionId=tx)["payload"]["transactionStatus"]


def status_of(session, number):
    rows = session.ok("getPurchaseOrdersStatus", {"purchaseOrderNumber": number})
    return rows["payload"]["ordersStatus"][0]


def acknowledge(sb, session, order, decisions=None):
    tx = submit(
        session, "submitAcknowledgement", acknowledgement_for(order, now_iso(sb), decisions)
    )
    assert settle(sb, session, tx)["status"] == "Success"


def test_acknowledgement_is_processing_then_applied(sb, session):
    order = max(new_orders(session), key=lambda o: len(o["orderDetails"]["items"]))
    first = order["orderDetails"]["items"][0]
    amount = first["orderedQuantity"]["amount"]
    decisions = {first["itemSequenceNumber"]: [("Accepted", amount - 1), ("Rejected", 1)]}
    tx = submit(
        session, "submitAcknowledgement", acknowledgement_for(order, now_iso(sb), decisions)
    )
    pending = session.ok("getTransaction", transactionId=tx)["payload"]["transactionStatus"]
    assert pending == {"transactionId": tx, "status": "Processing"}
    number = order["purchaseOrderNumber"]
    assert (
        session.ok("getPurchaseOrder", purchaseOrderNumber=number)["payload"]["purchaseOrderState"]
        == "New"
    )
    done = settle(sb, session, tx)
    assert done["status"] == "Success" and "errors" not in done
    po = session.ok("getPurchaseOrder", purchaseOrderNumber=number)["payload"]
    assert po["purchaseOrderState"] == "Acknowledged"
    status = status_of(session, number)
    assert status["purchaseOrderStatus"] == "OPEN"
    line = status["itemStatus"][0]["acknowledgementStatus"]
    expected = "PARTIALLY_ACCEPTED" if amount > 1 else "REJECTED"
    assert line["confirmationStatus"] == expected
    assert line["acceptedQuantity"]["amount"] == amount - 1
    assert line["rejectedQuantity"]["amount"] == 1
    assert len(line["acknowledgementStatusDetails"]) == 1
    for other in status["itemStatus"][1:]:
        assert other["acknowledgementStatus"]["confirmationStatus"] == "ACCEPTED"


def test_rejecting_every_line_closes_the_order(sb, session):
    order = new_orders(session)[0]
    decisions = {
        i["itemSequenceNumber"]: [("Rejected", i["orderedQuantity"]["amount"], "ObsoleteProduct")]
        for i in order["orderDetails"]["items"]
    }
    acknowledge(sb, session, order, decisions)
    status = status_of(session, order["purchaseOrderNumber"])
    assert status["purchaseOrderStatus"] == "CLOSED"
    assert {i["acknowledgementStatus"]["confirmationStatus"] for i in status["itemStatus"]} == {
        "REJECTED"
    }


def test_acknowledgement_business_rules(sb, session):
    orders = new_orders(session)
    order = orders[0]
    item = order["orderDetails"]["items"][0]
    too_many = {item["itemSequenceNumber"]: [("Accepted", item["orderedQuantity"]["amount"] + 1)]}
    tx = submit(session, "submitAcknowledgement", acknowledgement_for(order, now_iso(sb), too_many))
    result = settle(sb, session, tx)
    assert result["status"] == "Failure"
    error = result["errors"][0]
    assert error["code"] == "ACKNOWLEDGED_QUANTITY_EXCEEDS_ORDERED"
    assert order["purchaseOrderNumber"] in error["message"]
    assert (
        session.ok("getPurchaseOrder", purchaseOrderNumber=order["purchaseOrderNumber"])["payload"][
            "purchaseOrderState"
        ]
        == "New"
    )

    no_backorder = [
        (o, i) for o in orders for i in o["orderDetails"]["items"] if not i["isBackOrderAllowed"]
    ]
    assert no_backorder
    o, i = no_backorder[0]
    body = acknowledgement_for(
        o, now_iso(sb), {i["itemSequenceNumber"]: [("Backordered", i["orderedQuantity"]["amount"])]}
    )
    result = settle(sb, session, submit(session, "submitAcknowledgement", body))
    assert [e["code"] for e in result["errors"]] == ["BACKORDER_NOT_ALLOWED"]

    ghost = acknowledgement_for(order, now_iso(sb))
    ghost["acknowledgements"][0]["purchaseOrderNumber"] = "NOPE0000"
    result = settle(sb, session, submit(session, "submitAcknowledgement", ghost))
    assert result["errors"][0]["code"] == "INVALID_PO_NUMBER"

    wrong_vendor = acknowledgement_for(order, now_iso(sb))
    wrong_vendor["acknowledgements"][0]["sellingParty"] = {"partyId": "OTHER"}
    result = settle(sb, session, submit(session, "submitAcknowledgement", wrong_vendor))
    assert result["errors"][0]["code"] == "INVALID_SELLING_PARTY"


def test_schema_errors_are_rejected_synchronously(sb, session):
    order = new_orders(session)[0]
    body = acknowledgement_for(order, now_iso(sb))
    del body["acknowledgements"][0]["sellingParty"]
    resp = session.call("submitAcknowledgement", body=body)
    assert resp.status_code == 400
    error = resp.json()["errors"][0]
    assert error["code"] == "InvalidInput"
    assert "sellingParty" in error["message"] and order["purchaseOrderNumber"] in error["message"]
    assert session.call("submitAcknowledgement", body={"acknowledgements": []}).status_code == 400
    raw = session.http.post(
        sb.url + "/vendor/orders/v1/acknowledgements",
        data="{not json",
        headers={"x-amz-access-token": session.token, "Content-Type": "application/json"},
    )
    assert raw.status_code == 400


def test_asn_accepted_then_goods_received(sb, session):
    order = new_orders(session)[0]
    acknowledge(sb, session, order)
    body = asn_for(order, "ASN-0001", now_iso(sb, -3600))
    result = settle(sb, session, submit(session, "SubmitShipmentConfirmations", body))
    assert result == {"transactionId": result["transactionId"], "status": "Success"}
    sb.advance(3 * 86400)
    status = status_of(session, order["purchaseOrderNumber"])
    assert status["purchaseOrderStatus"] == "CLOSED"
    for line, item in zip(status["itemStatus"], order["orderDetails"]["items"], strict=True):
        receiving = line["receivingStatus"]
        assert receiving["receiveStatus"] == "RECEIVED"
        assert receiving["receivedQuantity"]["amount"] == item["orderedQuantity"]["amount"]
    po = session.ok("getPurchaseOrder", purchaseOrderNumber=order["purchaseOrderNumber"])
    assert po["payload"]["purchaseOrderState"] == "Closed"


def test_bad_asn_rejected_with_useful_errors(sb, session):
    orders = new_orders(session)
    order, unacked = orders[0], orders[1]
    bad = asn_for(order, "ASN-BAD", now_iso(sb, -60))
    bad["shipmentConfirmations"][0]["shipmentConfirmationType"] = "Originl"
    resp = session.call("SubmitShipmentConfirmations", body=bad)
    assert resp.status_code == 400
    error = resp.json()["errors"][0]
    assert "ASN-BAD" in error["message"] and "Originl" in error["message"]
    assert "shipmentConfirmationType" in error["details"]

    result = settle(
        sb,
        session,
        submit(
            session, "SubmitShipmentConfirmations", asn_for(unacked, "ASN-EARLY", now_iso(sb, -60))
        ),
    )
    assert "PO_NOT_ACKNOWLEDGED" in {e["code"] for e in result["errors"]}

    acknowledge(sb, session, order)
    future = asn_for(order, "ASN-FUTURE", now_iso(sb, 86400))
    result = settle(sb, session, submit(session, "SubmitShipmentConfirmations", future))
    assert [e["code"] for e in result["errors"]] == ["SHIPPED_DATE_IN_FUTURE"]

    item = order["orderDetails"]["items"][0]
    over = asn_for(
        order, "ASN-OVER", now_iso(sb, -60), {item["itemSequenceNumber"]: eaches(item) + 1}
    )
    result = settle(sb, session, submit(session, "SubmitShipmentConfirmations", over))
    assert [e["code"] for e in result["errors"]] == ["SHIPPED_QUANTITY_EXCEEDS_ACCEPTED"]

    elsewhere = "ABE2" if order["orderDetails"]["shipToParty"]["partyId"] != "ABE2" else "PHX7"
    wrong_fc = asn_for(order, "ASN-FC", now_iso(sb, -60), ship_to=elsewhere)
    result = settle(sb, session, submit(session, "SubmitShipmentConfirmations", wrong_fc))
    assert [e["code"] for e in result["errors"]] == ["SHIP_TO_MISMATCH"]

    good = asn_for(order, "ASN-OK", now_iso(sb, -60))
    assert (
        settle(sb, session, submit(session, "SubmitShipmentConfirmations", good))["status"]
        == "Success"
    )
    again = settle(sb, session, submit(session, "SubmitShipmentConfirmations", good))
    assert [e["code"] for e in again["errors"]] == ["DUPLICATE_SHIPMENT_IDENTIFIER"]


def _shipped_order(sb, session):
    order = new_orders(session)[0]
    acknowledge(sb, session, order)
    tx = submit(
        session, "SubmitShipmentConfirmations", asn_for(order, "ASN-INV", now_iso(sb, -3600))
    )
    assert settle(sb, session, tx)["status"] == "Success"
    return order


def _invoice_errors(sb, session, body):
    result = settle(sb, session, submit(session, "submitInvoices", body))
    return result["status"], [e["code"] for e in result.get("errors", [])], result


def test_invoice_business_rules(sb, session):
    order = _shipped_order(sb, session)
    date = now_iso(sb)
    item = order["orderDetails"]["items"][0]
    seq = item["itemSequenceNumber"]

    status, codes, result = _invoice_errors(
        sb, session, invoice_for(order, "INV-OVER", date, {seq: eaches(item) + 1})
    )
    assert codes == ["INVOICED_QUANTITY_EXCEEDS_SHIPPED"]
    assert "INV-OVER" in result["errors"][0]["message"]

    cheap = str(round(float(item["netCost"]["amount"]) - 0.5, 2))
    status, codes, _ = _invoice_errors(
        sb, session, invoice_for(order, "INV-PRICE", date, cost_override={seq: cheap})
    )
    assert codes == ["NET_COST_MISMATCH"]

    status, codes, _ = _invoice_errors(
        sb, session, invoice_for(order, "INV-TOTAL", date, total="1.00")
    )
    assert codes == ["INVOICE_TOTAL_MISMATCH"]

    ghost = invoice_for(order, "INV-GHOST", date)
    ghost["invoices"][0]["items"][0]["purchaseOrderNumber"] = "NOPE0000"
    status, codes, _ = _invoice_errors(sb, session, ghost)
    assert codes == ["INVALID_PO_NUMBER"]

    stranger = invoice_for(order, "INV-ITEM", date)
    stranger["invoices"][0]["items"][0]["amazonProductIdentifier"] = "B000000000"
    stranger["invoices"][0]["items"][0]["vendorProductIdentifier"] = "0000000000000"
    status, codes, _ = _invoice_errors(sb, session, stranger)
    assert codes == ["ITEM_NOT_ON_PO"]

    no_po = invoice_for(order, "INV-NOPO", date)
    del no_po["invoices"][0]["items"][0]["purchaseOrderNumber"]
    status, codes, _ = _invoice_errors(sb, session, no_po)
    assert codes == ["MISSING_PURCHASE_ORDER_NUMBER"]

    early = invoice_for(order, "INV-EARLY", "2020-01-01T00:00:00Z")
    status, codes, _ = _invoice_errors(sb, session, early)
    assert codes == ["INVOICE_DATE_BEFORE_PO_DATE"]

    status, codes, _ = _invoice_errors(sb, session, invoice_for(order, "INV-1", date))
    assert status == "Success" and codes == []
    status, codes, _ = _invoice_errors(sb, session, invoice_for(order, "INV-1", date))
    assert "DUPLICATE_INVOICE_NUMBER" in codes
    # Everything shipped is invoiced now: one more each is over the shipped quantity.
    status, codes, _ = _invoice_errors(sb, session, invoice_for(order, "INV-2", date, {seq: 1}))
    assert set(codes) == {"INVOICED_QUANTITY_EXCEEDS_SHIPPED"}


def test_invoice_schema_error_is_synchronous(sb, session):
    order = new_orders(session)[0]
    body = invoice_for(order, "INV-SCHEMA", now_iso(sb))
    body["invoices"][0]["invoiceType"] = "Invoic"
    resp = session.call("submitInvoices", body=body)
    assert resp.status_code == 400
    assert "INV-SCHEMA" in resp.json()["errors"][0]["message"]


def test_transaction_lookup_errors(session):
    assert session.call("getTransaction", transactionId="Tran0904").status_code == 400
    resp = session.call(
        "getTransaction", transactionId="20190904190535-eef8cad8-418e-4ed3-ac72-789e2ee6214a"
    )
    assert resp.status_code == 404


def test_routing_request_details_and_labels(sb, session):
    order = new_orders(session)[0]
    acknowledge(sb, session, order)
    details = order["orderDetails"]
    shipment = {
        "vendorShipmentIdentifier": "VSI-0001",
        "transactionType": "New",
        "transactionDate": now_iso(sb),
        "shipmentFreightTerm": "Collect",
        "sellingParty": details["sellingParty"],
        "shipFromParty": {"partyId": "WH01"},
        "shipToParty": {"partyId": details["shipToParty"]["partyId"]},
        "shipmentMeasurements": {"totalCartonCount": 2},
        "transportationDetails": {"shipMode": "SmallParcel"},
        "purchaseOrders": [
            {
                "purchaseOrderNumber": order["purchaseOrderNumber"],
                "items": [
                    {
                        "itemSequenceNumber": "1",
                        "buyerProductIdentifier": details["items"][0]["amazonProductIdentifier"],
                        "shippedQuantity": {"amount": 1, "unitOfMeasure": "Eaches"},
                    }
                ],
            }
        ],
    }
    assert (
        settle(sb, session, submit(session, "SubmitShipments", {"shipments": [shipment]}))["status"]
        == "Success"
    )
    listed = session.ok("GetShipmentDetails", {"vendorShipmentIdentifier": "VSI-0001"})
    found = listed["payload"]["shipments"][0]
    assert found["currentShipmentStatus"] == "Created"
    assert re.fullmatch(r"\d{10}", found["buyerReferenceNumber"])
    assert (
        session.ok("GetShipmentLabels", {"vendorShipmentIdentifier": "VSI-0001"})["payload"][
            "transportLabels"
        ]
        == []
    )
    sb.advance(5 * 3600)
    found = session.ok("GetShipmentDetails", {"vendorShipmentIdentifier": "VSI-0001"})["payload"][
        "shipments"
    ][0]
    assert found["currentShipmentStatus"] == "CarrierAssigned"
    assert [s["shipmentStatus"] for s in found["shipmentStatusDetails"]] == [
        "Created",
        "TransportationRequested",
        "CarrierAssigned",
    ]
    labels = session.ok("GetShipmentLabels", {"vendorShipmentIdentifier": "VSI-0001"})["payload"][
        "transportLabels"
    ]
    assert len(labels) == 1 and labels[0]["shipmentInformation"]["totalLabelCount"] == 2
    import base64

    assert base64.b64decode(labels[0]["labelData"][0]["label"]).startswith(b"%PDF-")
    dup = settle(sb, session, submit(session, "SubmitShipments", {"shipments": [shipment]}))
    assert [e["code"] for e in dup["errors"]] == ["DUPLICATE_VENDOR_SHIPMENT_IDENTIFIER"]
    cancel = dict(shipment, transactionType="Cancel")
    assert (
        settle(sb, session, submit(session, "SubmitShipments", {"shipments": [cancel]}))["status"]
        == "Success"
    )
    assert (
        session.ok("GetShipmentDetails", {"vendorShipmentIdentifier": "VSI-0001"})["payload"][
            "shipments"
        ]
        == []
    )


def test_asn_replace_and_acknowledgement_update(sb, session):
    order = max(new_orders(session), key=lambda o: len(o["orderDetails"]["items"]))
    acknowledge(sb, session, order)
    item = order["orderDetails"]["items"][0]
    seq, amount = item["itemSequenceNumber"], item["orderedQuantity"]["amount"]
    # A later acknowledgement replaces the earlier one line by line.
    acknowledge(sb, session, order, {seq: [("Accepted", amount - 1), ("Rejected", 1)]})
    line = status_of(session, order["purchaseOrderNumber"])["itemStatus"][0]
    assert line["acknowledgementStatus"]["acceptedQuantity"]["amount"] == amount - 1
    assert len(line["acknowledgementStatus"]["acknowledgementStatusDetails"]) == 2
    accepted = eaches(item) - (item["orderedQuantity"].get("unitSize") or 1)
    first = asn_for(order, "ASN-R", now_iso(sb, -60), {seq: 1})
    assert (
        settle(sb, session, submit(session, "SubmitShipmentConfirmations", first))["status"]
        == "Success"
    )
    replace = asn_for(order, "ASN-R", now_iso(sb, -60), {seq: accepted})
    replace["shipmentConfirmations"][0]["shipmentConfirmationType"] = "Replace"
    result = settle(sb, session, submit(session, "SubmitShipmentConfirmations", replace))
    assert result["status"] == "Success", result
    # Shipping more than the replaced quantity allows is refused.
    too_much = asn_for(order, "ASN-R2", now_iso(sb, -60), {seq: 1})
    too_much["shipmentConfirmations"][0]["shippedItems"] = too_much["shipmentConfirmations"][0][
        "shippedItems"
    ][:1]
    result = settle(sb, session, submit(session, "SubmitShipmentConfirmations", too_much))
    assert [e["code"] for e in result["errors"]] == ["SHIPPED_QUANTITY_EXCEEDS_ACCEPTED"]
    ghost = asn_for(order, "ASN-NEVER-SENT", now_iso(sb, -60))
    ghost["shipmentConfirmations"][0]["shipmentConfirmationType"] = "Replace"
    result = settle(sb, session, submit(session, "SubmitShipmentConfirmations", ghost))
    assert "SHIPMENT_NOT_FOUND" in [e["code"] for e in result["errors"]]


def test_amazon_cancels_lines_of_new_orders_over_time(sandbox_factory):
    sb = sandbox_factory(change_rate=1.0, lines_min=2, pos_per_day=150, history_days=1)
    session = SandboxSession(sb)
    window = {
        "createdAfter": "2026-03-04T00:00:00Z",
        "createdBefore": "2026-03-04T12:00:00Z",
        "limit": 100,
    }

    def changed():
        rows = session.ok("getPurchaseOrders", dict(window, isPOChanged="true"))
        return {o["purchaseOrderNumber"] for o in rows["payload"]["orders"]}

    before = changed()
    sb.advance(2 * 3600 + 1)
    after = changed()
    assert before < after
    late = session.ok("getPurchaseOrder", purchaseOrderNumber=sorted(after - before)[0])
    details = late["payload"]["orderDetails"]
    assert details["purchaseOrderChangedDate"] > "2026-03-04T12:00:00Z"
    assert sum(i["orderedQuantity"]["amount"] == 0 for i in details["items"]) == 1
