"""The request planner (lag, re-pulls, backfill, resuming) and the rate plan under
createReport's usage plan, with the sandbox enforcing it."""

from datetime import date, datetime, timedelta, timezone

import pytest

from acorn_vendor.core.reports.periods import check_request
from acorn_vendor.core.reports.schedule import (
    RatePlan,
    ReportRequest,
    TokenBucket,
    last_available_day,
    plan_forecast,
    plan_hours,
    plan_option_range,
    plan_periods,
)
from acorn_vendor.core.sandbox.testing import SandboxSession

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


def test_token_bucket_allows_the_burst_then_one_a_minute():
    bucket = TokenBucket.for_operation("createReport", now=0.0)
    times = [bucket.take(0.0) for _ in range(18)]
    assert times[:15] == [0.0] * 15
    assert times[15] == pytest.approx(1 / 0.0167)
    assert times[17] - times[16] == pytest.approx(1 / 0.0167)
    restored = TokenBucket.from_state(0.0167, 15, bucket.state())
    assert restored.next_free(times[17]) == pytest.approx(times[17] + 1 / 0.0167)


def test_rate_plan_takes_accounts_in_turn_and_never_exceeds_the_rate():
    big = plan_periods("big", "GET_VENDOR_SALES_REPORT", SALES_DAY, {}, NOW)
    small = plan_periods(
        "small", "GET_VENDOR_TRAFFIC_REPORT", {"reportPeriod": "DAY"}, {}, NOW, history_days=20
    )
    plan = RatePlan().assign(big + small, now=1000.0)
    order = [request.account for _at, request in plan]
    assert order[:4] == ["big", "small", "big", "small"]
    times = [at for at, _request in plan]
    for i, at in enumerate(times):
        window = [t for t in times if at <= t < at + 600]
        assert len(window) <= 15 + 600 * 0.0167 + 1e-9, i
    assert times[-1] - times[0] == pytest.approx((len(plan) - 15) / 0.0167)
    separate = RatePlan(shared=False).assign(big + small, now=1000.0)
    assert sum(1 for at, r in separate if at == 1000.0) == 15 + len(small)


def test_request_body_is_what_create_report_takes():
    request = ReportRequest(
        "acc",
        "GET_VENDOR_SALES_REPORT",
        tuple(sorted(SALES_DAY.items())),
        date(2026, 2, 1),
        date(2026, 2, 15),
    )
    body = request.body("ATVPDKIKX0DER")
    assert body["dataStartTime"] == "2026-02-01T00:00:00Z"
    assert body["dataEndTime"] == "2026-02-15T23:59:59Z"
    assert body["reportOptions"] == SALES_DAY and body["marketplaceIds"] == ["ATVPDKIKX0DER"]


def test_the_sandbox_accepts_every_planned_call_and_throttles_an_early_one(sandbox_factory):
    sandbox = sandbox_factory(throttle=True)
    session = SandboxSession(sandbox)
    now = sandbox.now()
    requests = plan_periods(
        "a", "GET_VENDOR_TRAFFIC_REPORT", {"reportPeriod": "DAY"}, {}, now, history_days=200
    )
    requests += plan_periods("b", "GET_VENDOR_SALES_REPORT", SALES_DAY, {}, now, history_days=100)
    plan = RatePlan().assign(requests, now=0.0)
    assert len(plan) > 16
    clock = 0.0
    for at, request in plan[:17]:
        sandbox.advance(at - clock)
        clock = at
        resp = session.call("createReport", body=request.body("ATVPDKIKX0DER"))
        assert resp.status_code == 202, (at, resp.text)
    early = session.call("createReport", body=plan[17][1].body("ATVPDKIKX0DER"))
    assert early.status_code == 429  # the 18th one, a minute too soon
