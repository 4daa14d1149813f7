"""State survives a restart on the same SQLite file; every operation's responses (success and
error) validate against the official models."""

import pytest

from acorn_vendor.core.sandbox import SandboxConfig, start_sandbox
from acorn_vendor.core.sandbox.testing import (
    SandboxSession,
    acknowledgement_for,
    asn_for,
    invoice_for,
    now_iso,
)
from acorn_vendor.core.spapi_models import operations

LAST_WEEK = {"createdAfter": "2026-02-26T00:00:00Z", "createdBefore": "2026-03-04T12:00:00Z"}


def test_state_survives_restart(sandbox_factory, tmp_path):
    db = tmp_path / "vc.sqlite"
    sb = sandbox_factory(db_path=db)
    session = SandboxSession(sb)
    order = session.ok("getPurchaseOrders", dict(LAST_WEEK, purchaseOrderState="New"))["payload"][
        "orders"
    ][0]
    tx = session.ok("submitAcknowledgement", body=acknowledgement_for(order, now_iso(sb)))[
        "payload"
    ]["transactionId"]
    sb.advance(3600)
    clock = sb.now()
    before = session.ok("getPurchaseOrders", dict(LAST_WEEK, limit=100))
    issued = session.refresh()
    sb.stop()

    again = sandbox_factory(db_path=db)
    assert again.now() == clock
    session2 = SandboxSession(again)
    assert session2.ok("getPurchaseOrders", dict(LAST_WEEK, limit=100)) == before
    assert (
        session2.ok("getTransaction", transactionId=tx)["payload"]["transactionStatus"]["status"]
        == "Success"
    )
    po = session2.ok("getPurchaseOrder", purchaseOrderNumber=order["purchaseOrderNumber"])
    assert po["payload"]["purchaseOrderState"] == "Acknowledged"
    # Tokens issued before the restart are still valid (until they expire).
    assert session2.call("getPurchaseOrders", LAST_WEEK, token=issued).status_code == 200
    again.stop()
    with pytest.raises(ValueError, match="seed 1, not 2"):
        start_sandbox(db_path=db, seed=2)


def test_config_errors_are_explicit():
    with pytest.raises(ValueError, match="lines_min"):
        SandboxConfig(lines_min=5, lines_max=2)
    with pytest.raises(ValueError, match="Unknown Amazon marketplace"):
        SandboxConfig(marketplace="XX")
    with pytest.raises(TypeError, match="pos_per_dya"):
        SandboxConfig.from_kwargs(pos_per_dya=3)
    with pytest.raises(ValueError, match="fulfilment centres"):
        start_sandbox(marketplace="JP", history_days=0)


def test_custom_catalogue_and_marketplace(sandbox_factory):
    catalogue = {
        "products": [
            {
                "asin": "B0TESTASIN1",
                "ean": "4006381333931",
                "sku": "DE-1",
                "net_cost": "4.20",
                "list_price": "9.99",
                "case_size": 6,
                "daily_demand": 30,
            },
            {
                "asin": "B0TESTASIN2",
                "net_cost": "7.00",
                "daily_demand": 10,
                "backorder_allowed": False,
            },
        ]
    }
    sb = sandbox_factory(marketplace="DE", catalogue=catalogue, vendor_codes="DEVC1")
    orders = SandboxSession(sb).ok("getPurchaseOrders", dict(LAST_WEEK, limit=100))["payload"][
        "orders"
    ]
    assert orders
    for order in orders:
        details = order["orderDetails"]
        assert details["sellingParty"]["partyId"] == "DEVC1"
        assert details["shipToParty"]["address"]["countryCode"] == "DE"
        assert details["billToParty"]["taxInfo"]["taxRegistrationType"] == "VAT"
        for item in details["items"]:
            assert item["amazonProductIdentifier"] in ("B0TESTASIN1", "B0TESTASIN2")
            assert item["netCost"]["currencyCode"] == "EUR"


def test_every_operation_response_validates(sandbox_factory):
    """Strict mode off on the server; the session validates every body against the model."""
    sb = sandbox_factory(strict=False, shortage_rate=0.0)
    session = SandboxSession(sb, validate=True)
    seen = set()

    def call(op, params=None, body=None, **path):
        seen.add(op)
        return session.call(op, params=params, body=body, **path)

    orders = call("getPurchaseOrders", dict(LAST_WEEK, limit=20)).json()["payload"]["orders"]
    call("getPurchaseOrders", {"createdAfter": "2026-01-01T00:00:00Z"})  # 400
    call("getPurchaseOrders", LAST_WEEK, token="")  # 403
    new = next(o for o in orders if o["purchaseOrderState"] == "New")
    call("getPurchaseOrder", purchaseOrderNumber=new["purchaseOrderNumber"])
    call("getPurchaseOrder", purchaseOrderNumber="NOPE0000")  # 404
    call("getPurchaseOrdersStatus", dict(LAST_WEEK, limit=20))
    tx = call("submitAcknowledgement", body=acknowledgement_for(new, now_iso(sb))).json()[
        "payload"
    ]["transactionId"]
    call("submitAcknowledgement", body={"acknowledgements": [{}]})  # 400
    call("getTransaction", transactionId=tx)
    sb.advance(61)
    call("getTransaction", transactionId=tx)
    asn = asn_for(new, "ASN-VALID", now_iso(sb, -60))
    call("SubmitShipmentConfirmations", body=asn)
    call(
        "SubmitShipments",
        body={
            "shipments": [
                {
                    "vendorShipmentIdentifier": "VSI-V",
                    "transactionType": "New",
                    "transactionDate": now_iso(sb),
                    "shipmentFreightTerm": "Collect",
                    "sellingParty": {"partyId": "ACRN1"},
                    "shipFromParty": {"partyId": "WH01"},
                    "shipToParty": {"partyId": "ABE2"},
                }
            ]
        },
    )
    sb.advance(6 * 3600)
    call("GetShipmentDetails", {"limit": 10})
    call("GetShipmentLabels", {"limit": 10})
    call("submitInvoices", body=invoice_for(new, "INV-V", now_iso(sb)))
    sb.set_faults("429:getTransaction:1", "500:getTransaction:1", "503:getTransaction:1")
    for _ in range(3):
        call("getTransaction", transactionId=tx)
    report = call(
        "createReport",
        body={
            "reportType": "GET_VENDOR_TRAFFIC_REPORT",
            "marketplaceIds": ["ATVPDKIKX0DER"],
            "reportOptions": {"reportPeriod": "DAY"},
            "dataStartTime": "2026-02-01T00:00:00Z",
            "dataEndTime": "2026-02-02T00:00:00Z",
        },
    ).json()
    call("createReport", body={"reportType": "X", "marketplaceIds": ["ATVPDKIKX0DER"]})
    call("getReports", {"reportTypes": "GET_VENDOR_TRAFFIC_REPORT"})
    sb.advance(120)
    done = call("getReport", reportId=report["reportId"]).json()
    call("getReport", reportId="0")
    call("getReportDocument", reportDocumentId=done["reportDocumentId"])
    call("getReportDocument", reportDocumentId="nope")
    call("cancelReport", reportId=report["reportId"])
    required = {op for op, (f, *_rest) in operations().items() if "Schedule" not in op}
    assert required <= seen


def test_cli_status_and_reset(sandbox_factory, tmp_path, capsys):
    from acorn_vendor.core.sandbox import cli

    db = tmp_path / "cli.sqlite"
    sb = sandbox_factory(db_path=db)
    assert cli.main(["status", "--url", sb.url]) == 0
    out = capsys.readouterr().out
    assert sb.url in out and sb.credentials["refresh_token"] in out and "purchaseOrders" in out
    sb.stop()
    assert cli.main(["status", "--db", str(db)]) == 0
    assert "ATVPDKIKX0DER" in capsys.readouterr().out
    assert cli.main(["reset", "--db", str(db)]) == 0
    assert not db.exists()
    assert cli.main(["status", "--db", str(db)]) == 1
    assert cli.main(["status", "--url", sb.url]) == 1  # nothing listening any more


def test_accelerated_clock(sandbox_factory):
    import time

    speed = 3600.0
    sb = sandbox_factory(frozen_clock=False, clock_speed=speed)
    r0_before, s0, r0_after = time.time(), sb.clock.now(), time.time()
    time.sleep(0.05)
    r1_before, s1, r1_after = time.time(), sb.clock.now(), time.time()
    # Bracketed by real-time reads, so a stalled thread cannot make this flaky.
    assert speed * (r1_before - r0_after) - 1e-3 <= s1 - s0 <= speed * (r1_after - r0_before) + 1e-3
    assert s1 - s0 >= 0.05 * speed * 0.99
