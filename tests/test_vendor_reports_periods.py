"""Amazon's period rules and the check of a createReport request (what ends FATAL)."""

from datetime import date, datetime, timezone

import pytest

from acorn_vendor.core.reports.periods import (
    Limits,
    check_request,
    period_end,
    period_start,
    split,
    week_start,
)

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)  # a Wednesday
SALES = {"reportPeriod": "DAY", "distributorView": "SOURCING", "sellingProgram": "RETAIL"}


@pytest.mark.parametrize(
    "day,sunday",
    [
        (date(2026, 3, 4), date(2026, 3, 1)),  # Wednesday
        (date(2026, 3, 1), date(2026, 3, 1)),  # Sunday starts its own week
        (date(2026, 3, 7), date(2026, 3, 1)),  # Saturday ends it
        (date(2026, 1, 1), date(2025, 12, 28)),  # a week across the new year
    ],
)
def test_amazon_weeks_run_sunday_to_saturday(day, sunday):
    assert week_start(day) == sunday
    assert period_end(sunday, "WEEK").weekday() == 5  # Saturday


def test_month_quarter_and_year_bounds():
    assert period_start(date(2024, 2, 29), "MONTH") == date(2024, 2, 1)
    assert period_end(date(2024, 2, 1), "MONTH") == date(2024, 2, 29)
    assert period_start(date(2026, 5, 17), "QUARTER") == date(2026, 4, 1)
    assert period_end(date(2026, 10, 1), "QUARTER") == date(2026, 12, 31)
    assert period_end(date(2026, 1, 1), "YEAR") == date(2026, 12, 31)
    assert split(date(2026, 1, 1), date(2026, 3, 31), "MONTH") == [
        (date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 31)),
    ]
    with pytest.raises(ValueError, match="Unknown reportPeriod 'FORTNIGHT'"):
        period_start(date(2026, 1, 1), "FORTNIGHT")


@pytest.mark.parametrize(
    "name,options,start,end,fragment",
    [
        (
            "GET_VENDOR_SALES_REPORT",
            {**SALES, "reportPeriod": "WEEK"},
            "2026-02-02",
            "2026-02-07",
            "Sunday",
        ),
        (
            "GET_VENDOR_SALES_REPORT",
            {**SALES, "reportPeriod": "WEEK"},
            "2026-02-01",
            "2026-02-06",
            "Saturday",
        ),
        (
            "GET_VENDOR_SALES_REPORT",
            {**SALES, "reportPeriod": "MONTH"},
            "2026-02-01",
            "2026-02-27",
            "last day",
        ),
        (
            "GET_VENDOR_SALES_REPORT",
            {**SALES, "reportPeriod": "QUARTER"},
            "2025-02-01",
            "2025-03-31",
            "quarter",
        ),
        (
            "GET_VENDOR_SALES_REPORT",
            {**SALES, "reportPeriod": "YEAR"},
            "2025-02-01",
            "2025-12-31",
            "January 1",
        ),
        ("GET_VENDOR_SALES_REPORT", SALES, "2026-02-01", "2026-02-16", "15 days"),
        ("GET_VENDOR_SALES_REPORT", SALES, "2022-02-01", "2022-02-02", "1460 days"),
        ("GET_VENDOR_SALES_REPORT", SALES, "2026-03-04", "2026-03-05", "future"),
        ("GET_VENDOR_SALES_REPORT", SALES, "2026-02-05", "2026-02-01", "before"),
        (
            "GET_VENDOR_SALES_REPORT",
            {"reportPeriod": "DAY"},
            "2026-02-01",
            "2026-02-01",
            "distributorView, sellingProgram reportOptions",
        ),
        (
            "GET_VENDOR_INVENTORY_REPORT",
            {**SALES, "sellingProgram": "BUSINESS"},
            "2026-02-01",
            "2026-02-01",
            "BUSINESS",
        ),
        (
            "GET_VENDOR_TRAFFIC_REPORT",
            {"reportPeriod": "DAY", "viewBy": "vendorcode"},
            "2026-02-01",
            "2026-02-01",
            "viewBy",
        ),
        (
            "GET_VENDOR_TRAFFIC_REPORT",
            {"reportPeriod": "DAY"},
            None,
            None,
            "requires dataStartTime",
        ),
    ],
)
def test_requests_amazon_ends_fatal(name, options, start, end, fragment):
    reason = check_request(
        name, options, start and date.fromisoformat(start), end and date.fromisoformat(end), NOW
    )
    assert reason is not None and fragment in reason


@pytest.mark.parametrize(
    "name,options,start,end",
    [
        ("GET_VENDOR_SALES_REPORT", SALES, "2026-02-01", "2026-02-15"),
        ("GET_VENDOR_SALES_REPORT", {**SALES, "reportPeriod": "WEEK"}, "2026-02-01", "2026-02-28"),
        (
            "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT",
            {"reportPeriod": "QUARTER"},
            "2025-01-01",
            "2025-12-31",
        ),
        ("GET_VENDOR_FORECASTING_REPORT", {"sellingProgram": "FRESH"}, None, None),
        ("GET_VENDOR_REAL_TIME_SALES_REPORT", {}, "2026-03-03T10:00:00Z", "2026-03-04T10:00:00Z"),
        (
            "GET_VENDOR_REAL_TIME_SALES_REPORT",
            {"currencyCode": "USD"},
            "2026-03-04T09:00:00Z",
            "2026-03-04T10:00:00Z",
        ),
        ("GET_VENDOR_REAL_TIME_TRAFFIC_REPORT", {}, "2026-03-04T09:00:00Z", "2026-03-04T11:00:00Z"),
    ],
)
def test_requests_amazon_accepts(name, options, start, end):
    def parse(text):
        if text is None:
            return None
        return (
            datetime.fromisoformat(text.replace("Z", "+00:00"))
            if "T" in text
            else date.fromisoformat(text)
        )

    assert check_request(name, options, parse(start), parse(end), NOW) is None


def test_real_time_windows():
    def reason(name, start, end):
        return check_request(
            name,
            {},
            datetime.fromisoformat(start + "+00:00"),
            datetime.fromisoformat(end + "+00:00"),
            NOW,
        )

    inventory = "GET_VENDOR_REAL_TIME_INVENTORY_REPORT"
    assert reason(inventory, "2026-02-25T12:00:00", "2026-02-25T13:00:00") is None  # 168 h back
    assert "168 hours" in reason(inventory, "2026-02-25T11:00:00", "2026-02-25T12:00:00")
    assert "24 hours" in reason(inventory, "2026-03-02T00:00:00", "2026-03-03T01:00:00")
    assert "60 minutes" in reason(
        "GET_VENDOR_REAL_TIME_TRAFFIC_REPORT", "2026-03-04T10:00:00", "2026-03-04T11:30:00"
    )
    assert "future" in reason(inventory, "2026-03-04T13:00:00", "2026-03-04T14:00:00")


def test_promotion_and_coupon_option_ranges():
    promotions = "GET_PROMOTION_PERFORMANCE_REPORT"
    ok = {
        "promotionStartDateFrom": "2025-01-01T00:00:00Z",
        "promotionStartDateTo": "2025-02-01T00:00:00-08:00",
    }
    assert check_request(promotions, ok, None, None, NOW) is None
    naive = {**ok, "promotionStartDateTo": "2025-02-01T00:00:00"}
    assert "ISO-8601 zoned" in check_request(promotions, naive, None, None, NOW)
    reversed_range = {**ok, "promotionStartDateFrom": "2025-03-01T00:00:00Z"}
    assert "must not be before" in check_request(promotions, reversed_range, None, None, NOW)
    old = {
        "campaignStartDateFrom": "2024-03-01T00:00:00Z",
        "campaignStartDateTo": "2024-04-01T00:00:00Z",
    }
    assert "730 days" in check_request("GET_COUPON_PERFORMANCE_REPORT", old, None, None, NOW)


def test_uncertain_limits_are_parameters():
    sixteen_days = (date(2026, 2, 1), date(2026, 2, 16))
    assert check_request("GET_VENDOR_SALES_REPORT", SALES, *sixteen_days, NOW) is not None
    wider = Limits(day_max_days=31)
    assert check_request("GET_VENDOR_SALES_REPORT", SALES, *sixteen_days, NOW, limits=wider) is None


def test_unknown_report_type_is_named():
    with pytest.raises(ValueError, match="Unknown report type 'GET_MERCHANT_LISTINGS_ALL_DATA'"):
        check_request("GET_MERCHANT_LISTINGS_ALL_DATA", {}, None, None, NOW)
