"""Vendor analytics reports: createReport -> IN_QUEUE -> IN_PROGRESS -> DONE -> GZIP document
that validates against Amazon's report schema."""

import gzip
import json

import pytest
import requests

from acorn_vendor.core.sandbox.testing import SandboxSession
from acorn_vendor.core.spapi_models import validate_report

US = "ATVPDKIKX0DER"
CASES = [
    (
        "GET_VENDOR_SALES_REPORT",
        {"reportPeriod": "WEEK", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"},
        "2026-02-01",
        "2026-02-14",
    ),
    (
        "GET_VENDOR_INVENTORY_REPORT",
        {"reportPeriod": "WEEK", "distributorView": "SOURCING", "sellingProgram": "RETAIL"},
        "2026-02-15",
        "2026-02-28",
    ),
    ("GET_VENDOR_TRAFFIC_REPORT", {"reportPeriod": "DAY"}, "2026-02-20", "2026-02-26"),
    (
        "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT",
        {"reportPeriod": "MONTH"},
        "2026-01-01",
        "2026-02-28",
    ),
    ("GET_VENDOR_FORECASTING_REPORT", {"sellingProgram": "RETAIL"}, None, None),
]


def create(session, report_type, options, start=None, end=None, marketplace=US):
    body = {"reportType": report_type, "marketplaceIds": [marketplace], "reportOptions": options}
    if start:
        body["dataStartTime"] = f"{start}T00:00:00Z"
        body["dataEndTime"] = f"{end}T23:59:59Z"
    return session.call("createReport", body=body)


@pytest.mark.parametrize("report_type,options,start,end", CASES, ids=[c[0] for c in CASES])
def test_report_lifecycle_and_schema(sandbox, report_type, options, start, end):
    session = SandboxSession(sandbox)
    resp = create(session, report_type, options, start, end)
    assert resp.status_code == 202
    report_id = resp.json()["reportId"]
    seen = [session.ok("getReport", reportId=report_id)["processingStatus"]]
    sandbox.advance(31)
    seen.append(session.ok("getReport", reportId=report_id)["processingStatus"])
    sandbox.advance(60)
    report = session.ok("getReport", reportId=report_id)
    seen.append(report["processingStatus"])
    assert seen == ["IN_QUEUE", "IN_PROGRESS", "DONE"]
    assert report["processingEndTime"] >= report["processingStartTime"] >= report["createdTime"]
    document = session.download_report(report["reportDocumentId"])
    validate_report(report_type, document)
    spec = document["reportSpecification"]
    assert spec["reportType"] == report_type and spec["marketplaceIds"] == [US]
    rows = next(v for k, v in document.items() if k.endswith("ByAsin"))
    assert len({r["asin"] for r in rows}) == 30
    if start:
        assert spec["dataStartTime"] == start and spec["dataEndTime"] == end


def test_sales_report_periods_and_values(sandbox):
    session = SandboxSession(sandbox)
    report_type, options, start, end = CASES[0]
    report_id = create(session, report_type, options, start, end).json()["reportId"]
    sandbox.advance(120)
    doc_id = session.ok("getReport", reportId=report_id)["reportDocumentId"]
    document = session.download_report(doc_id)
    periods = [(r["startDate"], r["endDate"]) for r in document["salesAggregate"]]
    assert periods == [("2026-02-01", "2026-02-07"), ("2026-02-08", "2026-02-14")]
    week = document["salesAggregate"][0]
    assert week["shippedUnits"] == sum(
        r["shippedUnits"] for r in document["salesByAsin"] if r["startDate"] == "2026-02-01"
    )
    assert week["shippedRevenue"]["amount"] > week["shippedCogs"]["amount"] > 0


def test_inventory_report_uses_received_purchase_orders(sandbox):
    session = SandboxSession(sandbox)
    resp = create(
        session,
        "GET_VENDOR_INVENTORY_REPORT",
        {"reportPeriod": "MONTH", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"},
        "2026-02-01",
        "2026-02-28",
    )
    sandbox.advance(120)
    report = session.ok("getReport", reportId=resp.json()["reportId"])
    document = session.download_report(report["reportDocumentId"])
    total = document["inventoryAggregate"][0]
    assert total["netReceivedInventoryUnits"] > 0
    assert 0 < total["vendorConfirmationRate"] <= 1


@pytest.mark.parametrize(
    "options,start,end,fragment",
    [
        ({"reportPeriod": "WEEK"}, "2026-02-01", "2026-02-07", "distributorView"),
        (
            {"reportPeriod": "WEEK", "distributorView": "SOURCING", "sellingProgram": "RETAIL"},
            "2026-02-02",
            "2026-02-08",
            "Sunday",
        ),
        (
            {"reportPeriod": "DAY", "distributorView": "SOURCING", "sellingProgram": "RETAIL"},
            "2026-02-01",
            "2026-02-20",
            "15 days",
        ),
    ],
)
def test_bad_options_end_fatal_with_error_document(sandbox, options, start, end, fragment):
    session = SandboxSession(sandbox)
    report_id = create(session, "GET_VENDOR_SALES_REPORT", options, start, end).json()["reportId"]
    sandbox.advance(120)
    report = session.ok("getReport", reportId=report_id)
    assert report["processingStatus"] == "FATAL"
    document = session.download_report(report["reportDocumentId"])
    assert fragment in document["errorDetails"]


def test_create_report_input_errors(sandbox):
    session = SandboxSession(sandbox)
    resp = create(
        session,
        "GET_VENDOR_TRAFFIC_REPORT",
        {"reportPeriod": "DAY"},
        "2026-02-01",
        "2026-02-02",
        marketplace="A1PA6795UKMFR9",
    )
    assert resp.status_code == 400 and US in resp.json()["errors"][0]["details"]
    resp = create(session, "GET_MERCHANT_LISTINGS_ALL_DATA", {})
    assert resp.status_code == 400
    assert session.call("getReport", reportId="123").status_code == 404


def test_document_url_is_presigned_and_expires(sandbox):
    session = SandboxSession(sandbox)
    report_id = create(session, *CASES[2]).json()["reportId"]
    sandbox.advance(120)
    doc = session.ok(
        "getReportDocument",
        reportDocumentId=session.ok("getReport", reportId=report_id)["reportDocumentId"],
    )
    assert doc["compressionAlgorithm"] == "GZIP"
    raw = requests.get(doc["url"], timeout=5)
    assert raw.status_code == 200
    json.loads(gzip.decompress(raw.content))
    assert (
        requests.get(doc["url"].replace("signature=", "signature=x"), timeout=5).status_code == 403
    )
    sandbox.advance(301)
    expired = requests.get(doc["url"], timeout=5)
    assert expired.status_code == 403 and b"expired" in expired.content


def test_list_and_cancel_reports(sandbox):
    session = SandboxSession(sandbox)
    first = create(session, *CASES[2]).json()["reportId"]
    sandbox.advance(100)
    second = create(session, *CASES[2]).json()["reportId"]
    listed = session.ok("getReports", {"reportTypes": "GET_VENDOR_TRAFFIC_REPORT", "pageSize": 1})
    assert [r["reportId"] for r in listed["reports"]] == [second]
    page2 = session.ok("getReports", {"nextToken": listed["nextToken"]})
    assert [r["reportId"] for r in page2["reports"]] == [first]
    assert session.call("cancelReport", reportId=second).status_code == 200
    assert session.ok("getReport", reportId=second)["processingStatus"] == "CANCELLED"
    assert session.call("cancelReport", reportId=first).status_code == 400


def _sales(session, sandbox, period, start, end):
    options = {
        "reportPeriod": period,
        "distributorView": "MANUFACTURING",
        "sellingProgram": "RETAIL",
    }
    report_id = create(session, "GET_VENDOR_SALES_REPORT", options, start, end).json()["reportId"]
    sandbox.advance(120)
    doc_id = session.ok("getReport", reportId=report_id)["reportDocumentId"]
    return session.download_report(doc_id)


def test_customer_returns_are_about_two_percent_of_shipped_units_in_day_reports_too(sandbox):
    # Truncating 2 % of a day's few units per ASIN made every DAY report show 0 returns,
    # and a week of days sum to less than the WEEK report.
    session = SandboxSession(sandbox)
    days = _sales(session, sandbox, "DAY", "2026-02-01", "2026-02-14")
    weeks = _sales(session, sandbox, "WEEK", "2026-02-01", "2026-02-14")
    shipped = sum(r["shippedUnits"] for r in days["salesAggregate"])
    returns = sum(r["customerReturns"] for r in days["salesAggregate"])
    assert shipped > 1000
    assert 0.015 < returns / shipped < 0.025
    assert returns == sum(r["customerReturns"] for r in weeks["salesAggregate"])
    by_asin_week = {}
    for row in days["salesByAsin"]:
        key = (row["asin"], "2026-02-01" if row["startDate"] < "2026-02-08" else "2026-02-08")
        by_asin_week[key] = by_asin_week.get(key, 0) + row["customerReturns"]
    assert by_asin_week == {
        (row["asin"], row["startDate"]): row["customerReturns"] for row in weeks["salesByAsin"]
    }
