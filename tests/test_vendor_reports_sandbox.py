"""The sandbox serves every vendor report type: each document passes Amazon's schema and
Acorn's reader, and a request Amazon would refuse ends FATAL with errorDetails."""

import pytest

from acorn_vendor.core.reports.documents import read_document
from acorn_vendor.core.reports.report_types import REPORT_TYPES
from acorn_vendor.core.sandbox.testing import SandboxSession

US = "ATVPDKIKX0DER"
HISTORICAL = {
    "reportPeriod": "WEEK",
    "distributorView": "MANUFACTURING",
    "sellingProgram": "RETAIL",
}
# The pinned clock is 2026-03-04T12:00:00Z (a Wednesday).
CASES = {
    "GET_VENDOR_SALES_REPORT": (HISTORICAL, "2026-02-15T00:00:00Z", "2026-02-28T23:59:59Z"),
    "GET_VENDOR_INVENTORY_REPORT": (HISTORICAL, "2026-02-15T00:00:00Z", "2026-02-28T23:59:59Z"),
    "GET_VENDOR_TRAFFIC_REPORT": ({"reportPeriod": "DAY"}, "2026-02-20", "2026-02-21"),
    "GET_VENDOR_FORECASTING_REPORT": ({"sellingProgram": "RETAIL"}, None, None),
    "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT": (
        {"reportPeriod": "MONTH"},
        "2026-02-01T00:00:00Z",
        "2026-02-28T00:00:00Z",
    ),
    "GET_VENDOR_REAL_TIME_INVENTORY_REPORT": ({}, "2026-03-03T00:00:00Z", "2026-03-03T06:00:00Z"),
    "GET_VENDOR_REAL_TIME_SALES_REPORT": ({}, "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z"),
    "GET_VENDOR_REAL_TIME_TRAFFIC_REPORT": ({}, "2026-03-04T08:00:00Z", "2026-03-04T10:00:00Z"),
    "GET_PROMOTION_PERFORMANCE_REPORT": (
        {
            "promotionStartDateFrom": "2025-12-01T00:00:00Z",
            "promotionStartDateTo": "2026-03-01T00:00:00Z",
        },
        None,
        None,
    ),
    "GET_COUPON_PERFORMANCE_REPORT": (
        {
            "campaignStartDateFrom": "2025-09-01T00:00:00Z",
            "campaignStartDateTo": "2026-03-01T00:00:00Z",
        },
        None,
        None,
    ),
}


def fetch(sandbox, report_type, options, start=None, end=None):
    """createReport, let the sandbox finish it, and return (status, decoded document)."""
    session = SandboxSession(sandbox)
    body = {"reportType": report_type, "marketplaceIds": [US], "reportOptions": options}
    if start:
        body["dataStartTime"], body["dataEndTime"] = start, end
    report_id = session.ok("createReport", body=body)["reportId"]
    sandbox.advance(120)
    report = session.ok("getReport", reportId=report_id)
    return report["processingStatus"], session.download_report(report["reportDocumentId"])


def test_every_report_type_has_a_case():
    assert set(CASES) == set(REPORT_TYPES)


@pytest.mark.parametrize("report_type", sorted(CASES))
def test_sandbox_serves_each_report_type_valid_for_schema_and_reader(sandbox, report_type):
    options, start, end = CASES[report_type]
    status, document = fetch(sandbox, report_type, options, start, end)
    assert status == "DONE", document
    doc = read_document(document, expected_type=report_type, strict=True)
    assert doc.rows, f"{report_type} came back without rows"
    assert not doc.unknown_fields and not doc.null_required and not doc.warnings
    assert {r["asin"] for r in doc.rows} <= {p.asin for p in sandbox.engine.products}


def test_hourly_sales_add_up_to_the_daily_sales_report(sandbox):
    _status, hourly = fetch(
        sandbox,
        *(("GET_VENDOR_REAL_TIME_SALES_REPORT",) + CASES["GET_VENDOR_REAL_TIME_SALES_REPORT"]),
    )
    daily_options = {**HISTORICAL, "reportPeriod": "DAY"}
    _status, daily = fetch(
        sandbox, "GET_VENDOR_SALES_REPORT", daily_options, "2026-03-02", "2026-03-02"
    )
    hours = read_document(hourly).rows
    assert len({r["startTime"] for r in hours}) == 24
    for row in daily["salesByAsin"]:
        assert row["orderedUnits"] == sum(
            h["orderedUnits"] for h in hours if h["asin"] == row["asin"]
        )


@pytest.mark.parametrize(
    "report_type,options,start,end,fragment",
    [
        ("GET_VENDOR_FORECASTING_REPORT", {"sellingProgram": "BUSINESS"}, None, None, "BUSINESS"),
        ("GET_VENDOR_FORECASTING_REPORT", {}, None, None, "sellingProgram"),
        (
            "GET_VENDOR_REAL_TIME_INVENTORY_REPORT",
            {},
            "2026-02-20T00:00:00Z",
            "2026-02-20T05:00:00Z",
            "168 hours",
        ),
        (
            "GET_VENDOR_REAL_TIME_INVENTORY_REPORT",
            {},
            "2026-03-02T00:00:00Z",
            "2026-03-03T06:00:00Z",
            "24 hours",
        ),
        (
            "GET_VENDOR_REAL_TIME_TRAFFIC_REPORT",
            {},
            "2026-03-04T10:00:00Z",
            "2026-03-04T11:30:00Z",
            "60 minutes",
        ),
        (
            "GET_PROMOTION_PERFORMANCE_REPORT",
            {
                "promotionStartDateFrom": "2026-01-01T00:00:00",
                "promotionStartDateTo": "2026-02-01T00:00:00Z",
            },
            None,
            None,
            "ISO-8601 zoned",
        ),
        (
            "GET_COUPON_PERFORMANCE_REPORT",
            {
                "campaignStartDateFrom": "2023-01-01T00:00:00Z",
                "campaignStartDateTo": "2023-02-01T00:00:00Z",
            },
            None,
            None,
            "730 days",
        ),
        (
            "GET_VENDOR_TRAFFIC_REPORT",
            {"reportPeriod": "WEEK", "viewBy": "vendorcode"},
            "2026-02-15",
            "2026-02-21",
            "viewBy",
        ),
        (
            "GET_VENDOR_SALES_REPORT",
            {**HISTORICAL, "reportPeriod": "MONTH"},
            "2026-02-01",
            "2026-02-27",
            "last day",
        ),
    ],
)
def test_requests_amazon_refuses_end_fatal_with_error_details(
    sandbox, report_type, options, start, end, fragment
):
    status, document = fetch(sandbox, report_type, options, start, end)
    assert status == "FATAL"
    assert fragment in document["errorDetails"]


def test_sell_through_follows_the_sandbox_own_sales_and_stock(sandbox):
    """Amazon's definition: (shipped - customer returns) / (on hand at the start + received)."""
    days = ("2026-02-20", "2026-02-21")
    daily = {**HISTORICAL, "reportPeriod": "DAY"}
    _status, sales = fetch(sandbox, "GET_VENDOR_SALES_REPORT", daily, *days)
    _status, stock = fetch(sandbox, "GET_VENDOR_INVENTORY_REPORT", daily, *days)
    sold = {r["asin"]: r for r in sales["salesByAsin"] if r["startDate"] == days[1]}
    opening = {
        r["asin"]: r["sellableOnHandInventoryUnits"]
        for r in stock["inventoryByAsin"]
        if r["startDate"] == days[0]
    }
    rows = [r for r in stock["inventoryByAsin"] if r["startDate"] == days[1]]
    assert len(rows) == 30
    for row in rows:
        shipped = sold[row["asin"]]
        expected = (shipped["shippedUnits"] - shipped["customerReturns"]) / (
            opening[row["asin"]] + row["netReceivedInventoryUnits"]
        )
        assert row["sellThroughRate"] == round(expected, 4)
