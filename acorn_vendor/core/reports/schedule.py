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
- **Rate.** ``RatePlan`` gives each request a time to send it: createReport allows about one
  call a minute with a burst of 15, shared by every account Acorn calls with one application
  (``shared=True``; per account otherwise), accounts served in turn so that one account's
  backfill never starves another's daily refresh.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..spapi_models import RATE_LIMITS
from .periods import LIMITS, UTC, as_utc, period_end, period_start, split
from .report_types import HOURS, OPTION_RANGE, PERIOD, UNDATED, report_type

REPULL_AFTER_DAYS = (4, 5, 14, 30)
MAX_PERIODS = {"DAY": 15, "WEEK": 4, "MONTH": 3, "QUARTER": 4, "YEAR": 1}  # beyond DAY: [U]


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

    def body(self, marketplace_id):
        """The createReport body (dates as UTC midnight / exact hours)."""
        out = {"reportType": self.report_type, "marketplaceIds": [marketplace_id]}
        if self.options:
            out["reportOptions"] = dict(self.options)
        if self.start is not None:
            out["dataStartTime"] = _stamp(self.start)
            out["dataEndTime"] = _stamp(self.end, end=True)
        return out


def _stamp(value, end=False):
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat() + ("T23:59:59Z" if end else "T00:00:00Z")


def options_key(options):
    return tuple(sorted((options or {}).items()))


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


def plan_hours(account, name, loaded_until, now, limits=LIMITS, options=None):
    """Requests for a real-time report: the full hours after ``loaded_until`` (UTC), at most
    ``realtime_max_hours`` each, never further back than the lookback allows."""
    rtype = report_type(name)
    if rtype.dating != HOURS:
        raise ValueError(f"{name} is not a real-time report")
    now = as_utc(now)
    newest = now.replace(minute=0, second=0, microsecond=0)
    if name == "GET_VENDOR_REAL_TIME_TRAFFIC_REPORT":
        age = timedelta(minutes=limits.realtime_traffic_min_age_minutes)
        newest = (now - age).replace(minute=0, second=0, microsecond=0)
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
    recent = today - timedelta(days=refresh_days)
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


class TokenBucket:
    """Amazon's usage plan: ``rate`` calls per second, ``burst`` at once. Pure: the caller
    passes the time, and ``state``/``from_state`` keep it between cron runs."""

    def __init__(self, rate, burst, tokens=None, updated=0.0):
        if rate <= 0 or burst < 1:
            raise ValueError(f"A token bucket needs rate > 0 and burst >= 1, got {rate}/{burst}")
        self.rate = float(rate)
        self.burst = int(burst)
        self.tokens = float(burst if tokens is None else tokens)
        self.updated = float(updated)

    @classmethod
    def for_operation(cls, operation="createReport", now=0.0):
        rate, burst = RATE_LIMITS[operation]
        return cls(rate, burst, updated=now)

    def _refill(self, now):
        if now > self.updated:
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
            self.updated = now

    def next_free(self, now):
        """The earliest time (>= now, and not before a call already planned) a call may go."""
        now = max(now, self.updated)
        self._refill(now)
        if self.tokens >= 1:
            return now
        return now + (1 - self.tokens) / self.rate

    def take(self, now):
        """Spend one token at the earliest allowed time; returns that time."""
        at = self.next_free(now)
        self._refill(at)
        self.tokens -= 1
        return at

    def state(self):
        return {"tokens": self.tokens, "updated": self.updated}

    @classmethod
    def from_state(cls, rate, burst, state):
        return cls(rate, burst, state.get("tokens"), state.get("updated", 0.0))


@dataclass
class RatePlan:
    """Send times for createReport requests of many accounts under one usage plan."""

    shared: bool = True
    operation: str = "createReport"
    buckets: dict = field(default_factory=dict)

    def bucket(self, account, now):
        key = None if self.shared else account
        if key not in self.buckets:
            self.buckets[key] = TokenBucket.for_operation(self.operation, now)
        return self.buckets[key]

    def assign(self, requests, now):
        """[(send at, request)] in sending order: accounts take turns, each account's own
        order kept (newest data first). ``now`` is a POSIX timestamp."""
        queues = {}
        for request in requests:
            queues.setdefault(request.account, []).append(request)
        out = []
        while queues:
            for account in list(queues):
                request = queues[account].pop(0)
                out.append((self.bucket(account, now).take(now), request))
                if not queues[account]:
                    del queues[account]
        out.sort(key=lambda pair: pair[0])
        return out


def calls_per_day(operation="createReport"):
    """How many calls the usage plan allows per day, sustained."""
    rate, _burst = RATE_LIMITS[operation]
    return math.floor(rate * 86400)
