"""Sandbox purchase orders over real HTTP: generation, listing, filters, paging, limits."""

from acorn_vendor.core.sandbox.testing import SandboxSession


def _all_pages(session, params):
    numbers, token, pages = [], None, 0
    while True:
        query = dict(params, **({"nextToken": token} if token else {}))
        payload = session.ok("getPurchaseOrders", query)["payload"]
        numbers += [o["purchaseOrderNumber"] for o in payload["orders"]]
        pages += 1
        token = payload.get("pagination", {}).get("nextToken")
        if not token:
            return numbers, pages


WEEK = {"createdAfter": "2026-02-20T00:00:00Z", "createdBefore": "2026-02-27T00:00:00Z"}


def test_same_seed_same_orders_and_other_seed_differs(sandbox_factory):
    a = SandboxSession(sandbox_factory())
    b = SandboxSession(sandbox_factory())
    c = SandboxSession(sandbox_factory(seed=2))
    params = dict(WEEK, limit=100)
    first = a.ok("getPurchaseOrders", params)["payload"]["orders"]
    assert len(first) > 15
    assert first == b.ok("getPurchaseOrders", params)["payload"]["orders"]
    other = c.ok("getPurchaseOrders", params)["payload"]["orders"]
    assert [o["purchaseOrderNumber"] for o in other] != [o["purchaseOrderNumber"] for o in first]


def test_generated_orders_look_like_vendor_central(sandbox):
    orders = SandboxSession(sandbox).ok("getPurchaseOrders", dict(WEEK, limit=100))["payload"][
        "orders"
    ]
    types = {o["orderDetails"]["purchaseOrderType"] for o in orders}
    assert "RegularOrder" in types
    for order in orders:
        details = order["orderDetails"]
        assert len(order["purchaseOrderNumber"]) == 8 and order["purchaseOrderNumber"].isalnum()
        assert details["sellingParty"]["partyId"] in ("ACRN1", "ACRN2")
        assert len(details["shipToParty"]["partyId"]) == 4
        start, end = details["shipWindow"].split("--")
        assert start < end and start > details["purchaseOrderDate"]
        assert 1 <= len(details["items"]) <= 5
        for item in details["items"]:
            assert item["amazonProductIdentifier"].startswith("B0")
            assert len(item["vendorProductIdentifier"]) == 13
            assert float(item["netCost"]["amount"]) < float(item["listPrice"]["amount"])
    # History before the sandbox start is already played out.
    states = {o["purchaseOrderState"] for o in orders}
    assert "Closed" in states


def test_pagination_walks_every_order_once(sandbox):
    session = SandboxSession(sandbox)
    numbers, pages = _all_pages(session, dict(WEEK, limit=7))
    assert pages > 3
    assert len(numbers) == len(set(numbers))
    everything = session.ok("getPurchaseOrders", dict(WEEK, limit=100, includeDetails="false"))
    compact = everything["payload"]["orders"]
    assert sorted(numbers) == sorted(o["purchaseOrderNumber"] for o in compact)
    assert all(set(o) == {"purchaseOrderNumber", "purchaseOrderState"} for o in compact)
    # ASC really sorts ascending by creation date.
    asc = session.ok("getPurchaseOrders", dict(WEEK, sortOrder="ASC"))["payload"]["orders"]
    dates = [o["orderDetails"]["purchaseOrderDate"] for o in asc]
    assert dates == sorted(dates)


def test_next_token_must_come_with_the_same_filters(sandbox):
    session = SandboxSession(sandbox)
    token = session.ok("getPurchaseOrders", dict(WEEK, limit=2))["payload"]["pagination"][
        "nextToken"
    ]
    resp = session.call("getPurchaseOrders", dict(WEEK, limit=3, nextToken=token))
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["code"] == "InvalidInput"
    assert session.call("getPurchaseOrders", {"nextToken": "!!garbage"}).status_code == 400


def test_seven_day_rule_and_limits(sandbox):
    session = SandboxSession(sandbox)
    resp = session.call(
        "getPurchaseOrders",
        {"createdAfter": "2026-02-01T00:00:00Z", "createdBefore": "2026-02-08T00:00:01Z"},
    )
    assert resp.status_code == 400
    error = resp.json()["errors"][0]
    assert error["code"] == "InvalidInput" and "7 days" in error["message"]
    ok = session.call(
        "getPurchaseOrders",
        {"createdAfter": "2026-02-01T00:00:00", "createdBefore": "2026-02-08T00:00:00-00:00"},
    )
    assert ok.status_code == 200
    changed = session.call(
        "getPurchaseOrders",
        {"changedAfter": "2026-01-01T00:00:00Z", "changedBefore": "2026-02-01T00:00:00Z"},
    )
    assert changed.status_code == 400
    status = session.call(
        "getPurchaseOrdersStatus",
        {"updatedAfter": "2026-01-01T00:00:00Z", "updatedBefore": "2026-02-01T00:00:00Z"},
    )
    assert status.status_code == 400
    for limit in ("0", "101", "ten"):
        assert session.call("getPurchaseOrders", dict(WEEK, limit=limit)).status_code == 400
    bad_date = session.call("getPurchaseOrders", {"createdAfter": "2019-09-2100:00:00"})
    assert bad_date.status_code == 400
    assert session.call("getPurchaseOrders", dict(WEEK, sortOrder="UP")).status_code == 400


def test_filters(sandbox):
    session = SandboxSession(sandbox)
    all_orders = session.ok("getPurchaseOrders", dict(WEEK, limit=100))["payload"]["orders"]
    closed = session.ok("getPurchaseOrders", dict(WEEK, purchaseOrderState="Closed"))["payload"][
        "orders"
    ]
    assert closed and all(o["purchaseOrderState"] == "Closed" for o in closed)
    second = session.ok("getPurchaseOrders", dict(WEEK, orderingVendorCode="ACRN2"))["payload"][
        "orders"
    ]
    assert all(o["orderDetails"]["sellingParty"]["partyId"] == "ACRN2" for o in second)
    assert 0 < len(second) < len(all_orders)
    wide = {"createdAfter": "2026-02-11T00:00:00Z", "createdBefore": "2026-02-18T00:00:00Z"}
    changed = session.ok("getPurchaseOrders", dict(wide, isPOChanged="true"))["payload"]["orders"]
    cancelled = session.ok("getPurchaseOrders", dict(wide, poItemState="Cancelled"))["payload"][
        "orders"
    ]
    assert [o["purchaseOrderNumber"] for o in changed] == [
        o["purchaseOrderNumber"] for o in cancelled
    ]
    for order in changed:
        assert "purchaseOrderChangedDate" in order["orderDetails"]
        assert any(i["orderedQuantity"]["amount"] == 0 for i in order["orderDetails"]["items"])


def test_get_purchase_order_and_not_found(sandbox):
    session = SandboxSession(sandbox)
    listed = session.ok("getPurchaseOrders", WEEK)["payload"]["orders"][0]
    one = session.ok("getPurchaseOrder", purchaseOrderNumber=listed["purchaseOrderNumber"])
    assert one["payload"] == listed
    resp = session.call("getPurchaseOrder", purchaseOrderNumber="ZZZZZZZZ")
    assert resp.status_code == 404
    assert "ZZZZZZZZ" in resp.json()["errors"][0]["message"]


def test_status_view_and_filters(sandbox):
    session = SandboxSession(sandbox)
    rows = session.ok("getPurchaseOrdersStatus", dict(WEEK, limit=100))["payload"]["ordersStatus"]
    assert rows
    closed = [r for r in rows if r["purchaseOrderStatus"] == "CLOSED"]
    assert closed
    lines = [i for r in closed for i in r["itemStatus"]]
    assert {i["receivingStatus"]["receiveStatus"] for i in lines} & {
        "RECEIVED",
        "PARTIALLY_RECEIVED",
    }
    by_number = session.ok(
        "getPurchaseOrdersStatus", {"purchaseOrderNumber": rows[0]["purchaseOrderNumber"]}
    )
    assert by_number["payload"]["ordersStatus"] == [rows[0]]
    rejected = session.ok(
        "getPurchaseOrdersStatus", dict(WEEK, itemConfirmationStatus="REJECTED", limit=100)
    )
    for row in rejected["payload"]["ordersStatus"]:
        assert any(
            i["acknowledgementStatus"]["confirmationStatus"] == "REJECTED"
            for i in row["itemStatus"]
        )
    fc = rows[0]["shipToParty"]["partyId"]
    same_fc = session.ok("getPurchaseOrdersStatus", dict(WEEK, shipToPartyId=fc))
    assert all(r["shipToParty"]["partyId"] == fc for r in same_fc["payload"]["ordersStatus"])


def test_new_orders_arrive_as_sandbox_time_passes(sandbox):
    session = SandboxSession(sandbox)
    window = {"createdAfter": "2026-03-04T12:00:01Z", "createdBefore": "2026-03-08T00:00:00Z"}
    assert session.ok("getPurchaseOrders", window)["payload"]["orders"] == []
    sandbox.advance(3 * 86400)
    session.refresh()
    fresh = session.ok("getPurchaseOrders", dict(window, limit=100))["payload"]["orders"]
    assert fresh and all(o["purchaseOrderState"] == "New" for o in fresh)
