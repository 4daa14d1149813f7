"""The request planner (lag, re-pulls, backfill, resuming, the per-account policy) and the
shared token bucket under createReport's usage plan, with the sandbox enforcing it."""

from datetime import date, datetime, timedelta, timezone

import pytest
import requests

from acorn_vendor.core.reports.documents import ReportFatalError, read_document
from acorn_vendor.core.reports.periods import check_request
from acorn_vendor.core.reports.report_types import REPORT_TYPES
from acorn_vendor.core.reports.schedule import (
    SCHEDULED,
    forecast_options,
    last_available_day,
    loaded_periods,
    options_json,
    plan_account,
    plan_forecast,
    plan_history,
    plan_hours,
    plan_option_range,
    plan_periods,
    scheduled_reports,
)
from acorn_vendor.core.sandbox.testing import SandboxSession
from acorn_vendor.core.spapi.throttle import TokenBucket

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)  # Wednesday
SALES_DAY = {"reportPeriod": "DAY", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"}


def _days(start, end):
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _accepted(request, now=NOW):
    return check_request(
        request.report_type, dict(request.options), request.start, request.end, now
    )


def test_data_is_first_requested_after_the_lag():
    assert last_available_day(NOW, lag_hours=72) == date(2026, 2, 28)  # the Saturday
    assert last_available_day(NOW, lag_hours=36) == date(2026, 3, 2)


def test_two_year_day_backfill_in_15_day_windows_newest_first():
    plan = plan_periods("acc", "GET_VENDOR_SALES_REPORT", SALES_DAY, {}, NOW, history_days=730)
    assert plan[0].end == date(2026, 2, 28) and plan[0].reason == "new"
    covered = [d for r in plan for d in _days(r.start, r.end)]
    first = NOW.date() - timedelta(days=730)
    assert len(covered) == len(set(covered)) == (date(2026, 2, 28) - first).days + 1 == 727
    assert min(covered) == first
    assert all((r.end - r.start).days < 15 for r in plan)
    assert len(plan) == 49  # ceil(727 / 15)
    assert all(_accepted(r) is None for r in plan)
    assert [r.start for r in plan] == sorted((r.start for r in plan), reverse=True)


def test_backfill_resumes_where_it_stopped():
    first = plan_periods("acc", "GET_VENDOR_SALES_REPORT", SALES_DAY, {}, NOW)
    loaded = {d: NOW for r in first[:10] for d in _days(r.start, r.end)}
    later = NOW + timedelta(hours=1)
    rest = plan_periods("acc", "GET_VENDOR_SALES_REPORT", SALES_DAY, loaded, later)
    assert [(r.start, r.end) for r in rest] == [(r.start, r.end) for r in first[10:]]
    # A day missing in the middle (Amazon skipped it) is asked for on its own.
    del loaded[date(2026, 2, 20)]
    again = plan_periods("acc", "GET_VENDOR_SALES_REPORT", SALES_DAY, loaded, later)
    assert (again[0].start, again[0].end) == (date(2026, 2, 20), date(2026, 2, 20))


def test_trailing_days_are_pulled_again_as_they_age():
    def ended(day):
        return datetime(day.year, day.month, day.day, tzinfo=timezone.utc) + timedelta(days=1)

    # Recent days were loaded 4 days after they ended, old ones after their last checkpoint.
    loaded = {}
    for day in _days(NOW.date() - timedelta(days=730), date(2026, 2, 28)):
        age = (NOW - ended(day)).days
        loaded[day] = min(ended(day) + timedelta(days=4 if age < 40 else 31), NOW)
    plan = plan_periods("acc", "GET_VENDOR_SALES_REPORT", SALES_DAY, loaded, NOW)
    repulled = {d for r in plan for d in _days(r.start, r.end)}
    assert all(r.reason == "repull" for r in plan)
    assert date(2026, 2, 28) not in repulled  # loaded now
    assert date(2026, 2, 27) not in repulled  # loaded at 4 days, not yet 5 days old
    assert date(2026, 2, 26) in repulled  # 5 days old since this midnight
    assert date(2026, 2, 1) in repulled and date(2026, 1, 24) in repulled  # 14 / 30 days
    assert min(repulled) >= NOW.date() - timedelta(days=41)  # older days are settled
    settled = dict.fromkeys(loaded, NOW)
    assert plan_periods("acc", "GET_VENDOR_SALES_REPORT", SALES_DAY, settled, NOW) == []


def test_weeks_are_whole_sunday_to_saturday_and_grouped_by_four():
    options = {**SALES_DAY, "reportPeriod": "WEEK"}
    plan = plan_periods("acc", "GET_VENDOR_INVENTORY_REPORT", options, {}, NOW, history_days=120)
    assert plan[0].end == date(2026, 2, 28)
    for request in plan:
        assert request.start.weekday() == 6 and request.end.weekday() == 5
        assert (request.end - request.start).days + 1 <= 28
        assert _accepted(request) is None
    # Two days later the week of 1-7 March is still not available (lag).
    later = plan_periods("acc", "GET_VENDOR_INVENTORY_REPORT", options, {}, NOW + timedelta(days=2))
    assert later[0].end == date(2026, 2, 28)


def test_real_time_hours_within_the_lookback_in_one_day_windows():
    plan = plan_hours("acc", "GET_VENDOR_REAL_TIME_INVENTORY_REPORT", None, NOW)
    assert plan[0].end == NOW
    assert all(r.end - r.start <= timedelta(hours=24) for r in plan)
    assert all(_accepted(r) is None for r in plan)
    resumed = plan_hours(
        "acc", "GET_VENDOR_REAL_TIME_INVENTORY_REPORT", NOW - timedelta(hours=3), NOW
    )
    assert [(r.start, r.end) for r in resumed] == [(NOW - timedelta(hours=3), NOW)]
    traffic = plan_hours(
        "acc", "GET_VENDOR_REAL_TIME_TRAFFIC_REPORT", NOW - timedelta(hours=5), NOW
    )
    assert traffic[0].end == NOW - timedelta(hours=1) and _accepted(traffic[0]) is None


def test_promotions_refresh_the_trailing_weeks_and_backfill_fixed_windows():
    name = "GET_PROMOTION_PERFORMANCE_REPORT"
    plan = plan_option_range("acc", name, {}, NOW)
    assert plan[0].reason == "refresh"
    assert all(_accepted(r) is None for r in plan)
    loaded = {r.key: NOW for r in plan}
    assert plan_option_range("acc", name, loaded, NOW + timedelta(hours=2)) == []
    next_day = plan_option_range("acc", name, loaded, NOW + timedelta(days=1))
    assert [r.reason for r in next_day] == ["refresh"]


def test_forecast_is_asked_for_weekly():
    options = {"sellingProgram": "RETAIL"}
    assert len(plan_forecast("acc", options, None, NOW)) == 1
    assert plan_forecast("acc", options, date(2026, 3, 1), NOW) == []
    assert len(plan_forecast("acc", options, date(2026, 2, 25), NOW)) == 1


def test_token_bucket_allows_the_burst_then_one_a_minute_and_survives_a_restart():
    clock = [0.0]
    bucket = TokenBucket(0.0167, 15, clock=lambda: clock[0])
    assert [bucket.try_take() for _ in range(15)] == [0.0] * 15
    wait = bucket.try_take()
    assert wait == pytest.approx(1 / 0.0167)
    assert bucket.try_take() == pytest.approx(wait), "a refused call takes no token"
    restored = TokenBucket.restore(0.0167, 15, bucket.state(), clock=lambda: clock[0] + wait)
    assert restored.try_take() == 0.0
    assert restored.try_take() == pytest.approx(1 / 0.0167)


def _doc(name, options, start, end, state="done", loaded_at=NOW - timedelta(days=40)):
    return {
        "report_type": name,
        "options": options_json(options),
        "state": state,
        "period_start": start,
        "period_end": end,
        "loaded_at": loaded_at,
        "requested_at": None,
        "created": loaded_at or NOW,
    }


def test_in_flight_counts_as_loaded_empty_waits_and_failed_is_asked_again():
    day = date(2026, 2, 1)
    docs = [
        _doc("S", SALES_DAY, day, day, state="queued", loaded_at=None),
        _doc(
            "S",
            SALES_DAY,
            day + timedelta(1),
            day + timedelta(1),
            state="empty",
            loaded_at=NOW - timedelta(hours=2),
        ),
        _doc(
            "S",
            SALES_DAY,
            day + timedelta(2),
            day + timedelta(2),
            state="empty",
            loaded_at=NOW - timedelta(hours=13),
        ),
        _doc("S", SALES_DAY, day + timedelta(3), day + timedelta(3), state="failed"),
    ]
    loaded = loaded_periods(docs, "DAY", NOW)
    assert loaded == {day: NOW, day + timedelta(1): NOW}


def test_account_plan_asks_each_scheduled_type_once_and_nothing_when_all_is_loaded():
    first = plan_account("acc", [], NOW, history_days=60)
    names = {r.report_type for r in first}
    assert names >= {name for name, _o in SCHEDULED} | {"GET_VENDOR_FORECASTING_REPORT"}
    assert names == set(REPORT_TYPES)  # real-time, promotions and coupons too
    docs = [
        {
            **_doc(r.report_type, dict(r.options), r.start, r.end, state="queued", loaded_at=None),
            "hours_end": r.end if isinstance(r.end, datetime) else None,
        }
        for r in first
    ]
    assert plan_account("acc", docs, NOW, history_days=60) == []
    # A history shorter than the promotions' refresh window: asked once too, whatever the day.
    for days in range(0, 30, 3):
        now = NOW + timedelta(days=days)
        short = [
            {
                **_doc(r.report_type, dict(r.options), r.start, r.end, "queued", None),
                "hours_end": r.end,
                "created": now,
            }
            for r in plan_account("acc", [], now, history_days=20)
        ]
        assert plan_account("acc", short, now, history_days=20) == [], now
    # An hour later: the real-time reports ask for that hour only, nothing else is due.
    later = plan_account("acc", docs, NOW + timedelta(hours=1), history_days=60)
    assert sorted(r.report_type for r in later) == [
        "GET_VENDOR_REAL_TIME_INVENTORY_REPORT",
        "GET_VENDOR_REAL_TIME_SALES_REPORT",
        "GET_VENDOR_REAL_TIME_TRAFFIC_REPORT",
    ]
    assert {r.end - r.start for r in later} == {timedelta(hours=1)}  # from where it stopped
    # The next day the recent promotions and coupons are asked again (they are cumulative).
    done = [{**d, "state": "done", "loaded_at": d["created"]} for d in docs]
    tomorrow = {r.report_type for r in plan_account("acc", done, NOW + timedelta(days=1), 60)}
    assert {"GET_PROMOTION_PERFORMANCE_REPORT", "GET_COUPON_PERFORMANCE_REPORT"} <= tomorrow
    # The same periods asked with other options are another series: planned again.
    other = [{**d, "options": options_json({"reportPeriod": "WEEK"})} for d in docs]
    assert {r.report_type for r in plan_account("acc", other, NOW, history_days=60)} >= {
        "GET_VENDOR_SALES_REPORT"
    }


def _create_body(request, marketplace_id="ATVPDKIKX0DER"):
    return {
        "reportType": request.report_type,
        "marketplaceIds": [marketplace_id],
        "reportOptions": dict(request.options),
        "dataStartTime": f"{request.start.isoformat()}T00:00:00Z",
        "dataEndTime": f"{request.end.isoformat()}T23:59:59Z",
    }


def test_the_sandbox_accepts_every_planned_call_paced_by_the_bucket_and_throttles_an_early_one(
    sandbox_factory,
):
    sandbox = sandbox_factory(throttle=True)
    session = SandboxSession(sandbox)
    now = sandbox.now()
    requests = plan_periods(
        "a", "GET_VENDOR_TRAFFIC_REPORT", {"reportPeriod": "DAY"}, {}, now, history_days=200
    )
    requests += plan_periods("b", "GET_VENDOR_SALES_REPORT", SALES_DAY, {}, now, history_days=100)
    assert len(requests) > 16
    clock = [0.0]
    bucket = TokenBucket(0.0167, 15, clock=lambda: clock[0])
    for request in requests[:17]:
        wait = bucket.try_take()
        if wait:
            sandbox.advance(wait)
            clock[0] += wait
            assert bucket.try_take() == 0.0
        resp = session.call("createReport", body=_create_body(request))
        assert resp.status_code == 202, (clock[0], resp.text)
    early = session.call("createReport", body=_create_body(requests[17]))
    assert early.status_code == 429  # the 18th one, a minute too soon


def test_history_plan_asks_every_report_type_and_only_what_has_no_document():
    planned = plan_history("acc", [], NOW, history_days=60)
    assert {r.report_type for r in planned} == set(REPORT_TYPES)
    docs = [
        {
            **_doc(r.report_type, dict(r.options), r.start, r.end, state="done", loaded_at=NOW),
            "hours_end": r.end if isinstance(r.end, datetime) else None,
        }
        for r in planned
    ]
    assert plan_history("acc", docs, NOW, history_days=60) == []


def test_the_sandbox_gives_a_planned_document_at_once_and_fatal_for_a_bad_week(sandbox_factory):
    sandbox = sandbox_factory(throttle=True)
    url = f"{sandbox.url}/_sandbox/reports/document"
    now = sandbox.now()
    (request, *_rest) = plan_periods(
        "a", "GET_VENDOR_SALES_REPORT", SALES_DAY, {}, now, history_days=30
    )
    for _ in range(20):  # beyond createReport's burst of 15: the admin call is not rated
        answer = requests.post(url, json=_create_body(request), timeout=30)
        assert answer.status_code == 200
    doc = read_document(answer.content, expected_type="GET_VENDOR_SALES_REPORT")
    assert doc.rows and {row["startDate"] for row in doc.rows} >= {request.start.isoformat()}
    monday = request.start - timedelta(days=request.start.weekday())
    week = {**SALES_DAY, "reportPeriod": "WEEK"}
    bad = {**_create_body(request), "reportOptions": week}
    bad["dataStartTime"] = f"{monday.isoformat()}T00:00:00Z"
    bad["dataEndTime"] = f"{(monday + timedelta(days=6)).isoformat()}T23:59:59Z"
    with pytest.raises(ReportFatalError, match="Sunday"):
        read_document(requests.post(url, json=bad, timeout=30).content)


def test_sales_and_inventory_are_asked_per_chosen_program_and_view_where_amazon_allows_them():
    pairs = {
        (name, options["sellingProgram"], options["distributorView"])
        for name, options in scheduled_reports(
            ("RETAIL", "BUSINESS"), ("MANUFACTURING", "SOURCING")
        )
        if "sellingProgram" in options
    }
    sales, inventory = "GET_VENDOR_SALES_REPORT", "GET_VENDOR_INVENTORY_REPORT"
    assert pairs == {
        (sales, "RETAIL", "MANUFACTURING"),
        (sales, "RETAIL", "SOURCING"),
        (sales, "BUSINESS", "MANUFACTURING"),
        (sales, "BUSINESS", "SOURCING"),
        (inventory, "RETAIL", "MANUFACTURING"),  # the inventory report has no Business program
        (inventory, "RETAIL", "SOURCING"),
    }
    retail = {"reportPeriod": "DAY", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"}
    assert list(scheduled_reports()) == [  # the default: Retail, Manufacturing
        (sales, retail),
        (inventory, retail),
        ("GET_VENDOR_TRAFFIC_REPORT", {"reportPeriod": "DAY"}),
        ("GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT", {"reportPeriod": "MONTH"}),
    ]
    assert forecast_options(("RETAIL", "BUSINESS", "FRESH")) == (
        {"sellingProgram": "RETAIL"},
        {"sellingProgram": "FRESH"},
    )
    # Each series is planned, and the forecast once a week for each program.
    plan = plan_account(
        "acc",
        [],
        NOW,
        history_days=30,
        scheduled=scheduled_reports(("RETAIL", "FRESH")),
        forecasts=forecast_options(("RETAIL", "FRESH")),
    )
    assert {
        dict(r.options).get("sellingProgram")
        for r in plan
        if r.report_type == "GET_VENDOR_FORECASTING_REPORT"
    } == {"RETAIL", "FRESH"}
    assert {dict(r.options)["sellingProgram"] for r in plan if r.report_type == inventory} == {
        "RETAIL",
        "FRESH",
    }


def test_the_sandbox_vendor_sells_in_retail_only_other_programs_have_no_rows(sandbox_factory):
    sandbox = sandbox_factory(throttle=True)
    url = f"{sandbox.url}/_sandbox/reports/document"
    (request, *_rest) = plan_periods(
        "a", "GET_VENDOR_SALES_REPORT", SALES_DAY, {}, sandbox.now(), history_days=30
    )
    business = {
        **_create_body(request),
        "reportOptions": {**SALES_DAY, "sellingProgram": "BUSINESS"},
    }
    doc = read_document(requests.post(url, json=business, timeout=30).content)
    assert doc.options["sellingProgram"] == "BUSINESS"
    assert not doc.rows and not doc.aggregate
    retail = read_document(requests.post(url, json=_create_body(request), timeout=30).content)
    assert retail.rows
