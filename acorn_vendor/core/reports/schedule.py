"""What to request next, and when: the pure planner behind the report cron and jobs.

The planner is given what is already loaded (period start -> when it was loaded) and the
time, and returns the createReport requests still needed; run again after a crash it gives
the same answer minus what was loaded meanwhile, so a backfill resumes where it stopped.

- **Lag.** Amazon refreshes daily "subject to a 36-hour service level window"; integrators see
  up to 72 hours, so a period is first requested ``lag_hours`` (default 72 [U]) after it ends.
- **Re-pulls.** Amazon corrects recent data and sometimes misses whole days, so a period is
  requested again when its age passes each of ``repull_after_days`` (4, 5, 14 and 30 days,
  the trailing windows analytics.md §1.3 cites) unless it was loaded after that age.
- **Backfill.** Up to two years back; what is missing is grouped into runs of consecutive
  periods and cut into requests of at most ``max_periods`` (DAY: 15 days), newest first.
- **Policy.** ``plan_account`` is the whole decision for one account: what it asks for
  (``SCHEDULED``), what its documents say is loaded (``loaded_periods``: in-flight documents
  count as loaded now so nothing is asked twice, an empty or cancelled one is asked again
  after ``RETRY_EMPTY_HOURS``, a failed one at once), and the forecast once a week. The Odoo
  model only reads its documents and records the answer.
- **Rate.** Sending is paced by the SP-API client's ``TokenBucket`` (``spapi/throttle.py``),
  one bucket per operation shared by every account (``acorn.vc.rate.bucket`` keeps it).
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .periods import LIMITS, UTC, as_utc, period_end, period_start, split
from .report_types import HOURS, OPTION_RANGE, PERIOD, REPORT_TYPES, UNDATED, report_type

REPULL_AFTER_DAYS = (4, 5, 14, 30)
MAX_PERIODS = {"DAY": 15, "WEEK": 4, "MONTH": 3, "QUARTER": 4, "YEAR": 1}  # beyond DAY: [U]
RETRY_EMPTY_HOURS = 12  # an empty or cancelled document means "not yet": ask again later
IN_FLIGHT = ("queued", "requested")

# What the schedule asks for each account, by default (analytics.md §1.2).
HISTORICAL = {"distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"}
FORECAST_OPTIONS = {"sellingProgram": "RETAIL"}
BY_PROGRAM_AND_VIEW = ("GET_VENDOR_SALES_REPORT", "GET_VENDOR_INVENTORY_REPORT")


def scheduled_reports(programs=("RETAIL",), views=("MANUFACTURING",)):
    """The period-dated reports an account asks for: sales and inventory once per selling
    program and distributor view it chose, where Amazon's schema allows the pair (the
    inventory report has no Business program), traffic and net PPM once."""
    out = []
    for name in BY_PROGRAM_AND_VIEW:
        allowed = REPORT_TYPES[name].options
        out += [
            (name, {"reportPeriod": "DAY", "distributorView": view, "sellingProgram": program})
            for program in programs
            if program in allowed["sellingProgram"]
            for view in views
            if view in allowed["distributorView"]
        ]
    out += [
        ("GET_VENDOR_TRAFFIC_REPORT", {"reportPeriod": "DAY"}),
        ("GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT", {"reportPeriod": "MONTH"}),
    ]
    return tuple(out)


def forecast_options(programs=("RETAIL",)):
    """The forecast's options, once per chosen program it exists for (Retail, Fresh)."""
    allowed = REPORT_TYPES["GET_VENDOR_FORECASTING_REPORT"].options["sellingProgram"]
    return tuple({"sellingProgram": program} for program in programs if program in allowed)


SCHEDULED = scheduled_reports()


@dataclass(frozen=True)
class ReportRequest:
    """One createReport call: everything but the marketplace, which the account adds."""

    account: object
    report_type: str
    options: tuple  # sorted (key, value) pairs, hashable
    start: object = None  # date (PERIOD) or aware datetime (HOURS); None when undated
    end: object = None
    reason: str = "new"  # new, repull, backfill, refresh
    key: object = None  # option ranges: the window's grid start, what ``loaded`` records


def _stamp(value, end=False):
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat() + ("T23:59:59Z" if end else "T00:00:00Z")


def options_key(options):
    return tuple(sorted((options or {}).items()))


def options_json(options):
    """reportOptions as one canonical JSON text: how a document records what it asked."""
    return json.dumps(dict(sorted((options or {}).items())), separators=(",", ":"))


def last_available_day(now, lag_hours=72):
    """The last day whose data should be there at ``now``: it ended ``lag_hours`` ago."""
    return (as_utc(now) - timedelta(hours=lag_hours)).date() - timedelta(days=1)


def _due(end_day, loaded_at, now, lag_hours, repull_after_days):
    """'new', 'repull' or None for a period ending on ``end_day`` loaded at ``loaded_at``."""
    ended = datetime(end_day.year, end_day.month, end_day.day, tzinfo=UTC) + timedelta(days=1)
    if loaded_at is None:
        return "new"
    loaded_at = as_utc(loaded_at)
    for days in repull_after_days:
        checkpoint = ended + timedelta(days=days)
        if checkpoint <= now and loaded_at < checkpoint and days * 24 > lag_hours:
            return "repull"
    return None


def plan_periods(
    account,
    name,
    options,
    loaded,
    now,
    history_days=730,
    lag_hours=72,
    repull_after_days=REPULL_AFTER_DAYS,
    max_periods=None,
    limits=LIMITS,
):
    """Requests for a PERIOD report type, newest first.

    ``loaded`` maps a period's first day to when it was last loaded (None or absent: never;
    a period whose document came back empty should be left out, as Amazon means "not yet").
    """
    rtype = report_type(name)
    if rtype.dating != PERIOD:
        raise ValueError(f"{name} is not requested by reportPeriod; use plan_hours or others")
    now = as_utc(now)
    period = dict(options)["reportPeriod"]
    if period == "DAY":
        history_days = min(history_days, limits.day_lookback_days)
    max_periods = max_periods or MAX_PERIODS[period]
    if period == "DAY":
        max_periods = min(max_periods, limits.day_max_days)
    last = last_available_day(now, lag_hours)
    last_start = period_start(last, period)
    if period_end(last_start, period) > last:  # the current period is not complete yet
        last_start = period_start(last_start - timedelta(days=1), period)
    first = period_start(now.date() - timedelta(days=history_days), period)
    if period != "DAY" and first < now.date() - timedelta(days=history_days):
        first = period_end(first, period) + timedelta(days=1)
    due = []
    for start, end in split(first, period_end(last_start, period), period):
        reason = _due(end, loaded.get(start), now, lag_hours, repull_after_days)
        if reason:
            due.append((start, end, reason))
    return [
        ReportRequest(account, name, options_key(options), run[0][0], run[-1][1], run[0][2])
        for run in reversed(_runs(due, max_periods))
    ]


def _runs(due, max_periods):
    """Consecutive periods with the same reason, at most ``max_periods`` each."""
    runs = []
    for start, end, reason in due:
        if (
            runs
            and runs[-1][-1][1] + timedelta(days=1) == start
            and runs[-1][-1][2] == reason
            and len(runs[-1]) < max_periods
        ):
            runs[-1].append((start, end, reason))
        else:
            runs.append([(start, end, reason)])
    return runs


def newest_hour(name, now, limits=LIMITS):
    """The end of the last full hour a real-time report can be asked for at ``now`` (the
    traffic report needs its data to be ``realtime_traffic_min_age_minutes`` old)."""
    if name == "GET_VENDOR_REAL_TIME_TRAFFIC_REPORT":
        now -= timedelta(minutes=limits.realtime_traffic_min_age_minutes)
    return as_utc(now).replace(minute=0, second=0, microsecond=0)


def plan_hours(account, name, loaded_until, now, limits=LIMITS, options=None):
    """Requests for a real-time report: the full hours after ``loaded_until`` (UTC), at most
    ``realtime_max_hours`` each, never further back than the lookback allows."""
    rtype = report_type(name)
    if rtype.dating != HOURS:
        raise ValueError(f"{name} is not a real-time report")
    now = as_utc(now)
    newest = newest_hour(name, now, limits)
    oldest = (now - timedelta(hours=limits.realtime_lookback_hours - 1)).replace(
        minute=0, second=0, microsecond=0
    )
    start = max(as_utc(loaded_until), oldest) if loaded_until else oldest
    out = []
    step = timedelta(hours=limits.realtime_max_hours)
    while start < newest:
        end = min(start + step, newest)
        out.append(ReportRequest(account, name, options_key(options), start, end, "refresh"))
        start = end
    return list(reversed(out))


def plan_option_range(
    account, name, loaded, now, refresh_days=45, window_days=30, history_days=730, limits=LIMITS
):
    """Promotions / coupons: windows of ``window_days`` of start dates over the history
    (``loaded``: window start date -> loaded at), and every day the trailing
    ``refresh_days`` or more again (an in-progress promotion is cumulative up to
    yesterday)."""
    rtype = report_type(name)
    if rtype.dating != OPTION_RANGE:
        raise ValueError(f"{name} is not requested by a range of option dates")
    now = as_utc(now)
    first_key, last_key = rtype.range_options
    today = now.date()
    history_days = min(history_days, limits.promotion_lookback_days - 1)
    floor = today - timedelta(days=history_days)
    out = []

    def request(start, end, reason):
        opts = {
            first_key: _stamp(max(start, floor)),
            last_key: _stamp(end, end=True),
        }
        return ReportRequest(account, name, options_key(opts), None, None, reason, key=start)

    # Windows sit on a fixed grid so they stay the same from one run to the next; the
    # refresh runs from the grid line before ``refresh_days`` ago to today.
    epoch = date(2000, 1, 1)
    recent = max(today - timedelta(days=refresh_days), floor)  # a short history: all of it
    recent -= timedelta(days=(recent - epoch).days % window_days)
    done = loaded.get(recent)
    if done is None or as_utc(done).date() < today:
        out.append(request(recent, today, "refresh"))
    end = recent - timedelta(days=1)
    while end >= floor:
        start = end - timedelta(days=window_days - 1)
        if loaded.get(start) is None:
            out.append(request(start, end, "backfill"))
        end = start - timedelta(days=1)
    return out


def plan_forecast(account, options, last_generated, now, every_days=7):
    """The forecast takes no dates: ask again once the last one is ``every_days`` old."""
    if last_generated is not None and (as_utc(now).date() - last_generated).days < every_days:
        return []
    name = "GET_VENDOR_FORECASTING_REPORT"
    if report_type(name).dating != UNDATED:  # pragma: no cover - a schema change
        raise ValueError(f"{name} is dated now; update the planner")
    return [ReportRequest(account, name, options_key(options), reason="refresh")]


def loaded_periods(documents, period, now, retry_empty_hours=RETRY_EMPTY_HOURS):
    """Period start -> when it was loaded, from the account's documents of one report type
    and options (dicts with ``state``, ``period_start``, ``period_end``, ``loaded_at``,
    ``requested_at``, ``created``). In-flight documents count as loaded now, so they are not
    asked twice; an empty or cancelled one counts as loaded until ``retry_empty_hours``
    have passed (Amazon's "not yet"); a failed one not at all; a FATAL one waits for the
    next re-pull."""
    now = as_utc(now)
    retry_after = now - timedelta(hours=retry_empty_hours)
    loaded = {}
    for doc in documents:
        if not doc.get("period_start") or doc["state"] == "failed":
            continue
        if doc["state"] in IN_FLIGHT:
            at = now
        elif doc["state"] in ("empty", "cancelled"):
            if as_utc(doc.get("loaded_at") or doc["created"]) < retry_after:
                continue
            at = now
        else:
            at = as_utc(doc.get("loaded_at") or doc.get("requested_at") or doc["created"])
        for start, _end in split(doc["period_start"], doc["period_end"], period):
            loaded[start] = max(loaded.get(start, at), at)
    return loaded


def realtime_loaded_until(documents, name):
    """Where the next request of a real-time report starts: the end of the last hours asked
    (``hours_end``) by a document that did not fail; None when there is none."""
    ends = [
        as_utc(doc["hours_end"])
        for doc in documents
        if doc["report_type"] == name and doc["state"] != "failed" and doc.get("hours_end")
    ]
    return max(ends, default=None)


def option_range_loaded(documents, name, now, window_days=30):
    """Promotions / coupons: window start (the grid line, as ``plan_option_range`` keys
    them) -> when loaded, from the first option date each document asked; in flight counts
    as now, a failed one not at all."""
    first_key = report_type(name).range_options[0]
    epoch = date(2000, 1, 1)
    loaded = {}
    for doc in documents:
        if doc["report_type"] != name or doc["state"] == "failed":
            continue
        stamp = json.loads(doc["options"] or "{}").get(first_key)
        if not stamp:
            continue
        day = date.fromisoformat(stamp[:10])
        key = day - timedelta(days=(day - epoch).days % window_days)
        at = (
            as_utc(now)
            if doc["state"] in IN_FLIGHT
            else as_utc(doc.get("loaded_at") or doc["created"])
        )
        loaded[key] = max(loaded.get(key, at), at)
    return loaded


def plan_account(
    account, documents, now, history_days=730, scheduled=SCHEDULED, forecasts=(FORECAST_OPTIONS,)
):
    """Every request one account still needs: ``scheduled`` report types by period, the
    forecast weekly (once per options in ``forecasts``), the real-time reports from the
    last hour asked (at most their lookback), and the promotions and coupons (two years,
    the recent ones daily).
    ``documents`` are the account's documents as dicts (see ``loaded_periods``, plus
    ``report_type`` and ``options``, the JSON text they asked)."""
    requests = []
    for name, options in scheduled:
        mine = [
            doc
            for doc in documents
            if doc["report_type"] == name and doc["options"] == options_json(options)
        ]
        loaded = loaded_periods(mine, options.get("reportPeriod", "DAY"), now)
        requests += plan_periods(account, name, options, loaded, now, history_days=history_days)
    for options in forecasts:
        done = [
            doc
            for doc in documents
            if doc["report_type"] == "GET_VENDOR_FORECASTING_REPORT"
            and doc["state"] not in ("failed", "empty", "cancelled")
            and json.loads(doc["options"] or "{}").get("sellingProgram", "RETAIL")
            == options["sellingProgram"]
        ]
        last = max(done, key=lambda doc: as_utc(doc["created"]), default=None)
        last_day = as_utc(last.get("loaded_at") or last["created"]).date() if last else None
        requests += plan_forecast(account, options, last_day, now)
    for name, rtype in REPORT_TYPES.items():
        if rtype.dating == HOURS:
            until = realtime_loaded_until(documents, name)
            requests += plan_hours(account, name, until, now)
        elif rtype.dating == OPTION_RANGE:
            loaded = option_range_loaded(documents, name, now)
            requests += plan_option_range(account, name, loaded, now, history_days=history_days)
    return requests


def plan_history(account, documents, now, history_days=730, **scope):
    """Everything an account's history needs at once (the demo's load): what
    ``plan_account`` asks (``scope``: its ``scheduled`` and ``forecasts``), real-time reports
    over their lookback and promotions and coupons over two years included."""
    return plan_account(account, documents, now, history_days, **scope)
