"""Amazon's period rules for vendor reports, and the check of a createReport request.

- Historical reports (sales, inventory, traffic, net PPM) take ``reportPeriod`` DAY, WEEK,
  MONTH, QUARTER or YEAR. The time part of dataStart/EndTime is ignored; for WEEK and up the
  start must be the period's first day and the end its last, or the report ends FATAL. Weeks
  run **Sunday to Saturday**. A range over several periods gives one row per period.
- The forecast takes no dates. The three real-time reports take UTC date-times and report full
  hours. Promotions and coupons take their range as two zoned ISO-8601 reportOptions.

``check_request`` returns Amazon's reason for a FATAL (or None); the sandbox answers with it.
Limits marked [U] in analytics.md are fields of ``Limits`` so an account can change them.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from .report_types import HOURS, OPTION_RANGE, PERIOD, UNDATED, report_type

UTC = timezone.utc
PERIODS = ("DAY", "WEEK", "MONTH", "QUARTER", "YEAR")
_MONTHS = {"MONTH": 1, "QUARTER": 3, "YEAR": 12}


@dataclass(frozen=True)
class Limits:
    """Amazon's request limits; the sources and their doubts are in analytics.md §1.1."""

    day_max_days: int = 15  # DAY span per request (Amazon support, models#508)
    day_lookback_days: int = 1460  # DAY lookback (models#508)
    realtime_lookback_hours: int = 168  # real-time inventory start (schema); [U] for the others
    realtime_max_hours: int = 24  # real-time inventory end - start (schema)
    realtime_traffic_min_age_minutes: int = 60  # real-time traffic end before the request
    promotion_lookback_days: int = 730  # promotion / coupon start dates (schemas: two years)


LIMITS = Limits()


def week_start(day):
    """The Sunday that starts Amazon's week holding ``day``."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


def period_start(day, period):
    """First day of the ``period`` that holds ``day``."""
    if period == "DAY":
        return day
    if period == "WEEK":
        return week_start(day)
    if period == "MONTH":
        return day.replace(day=1)
    if period == "QUARTER":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if period == "YEAR":
        return date(day.year, 1, 1)
    raise ValueError(f"Unknown reportPeriod {period!r}; expected one of {', '.join(PERIODS)}")


def period_end(start, period):
    """Last day of the period that starts on ``start``."""
    if period == "DAY":
        return start
    if period == "WEEK":
        return start + timedelta(days=6)
    month = start.month - 1 + _MONTHS[period]
    return date(start.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def is_period_start(day, period):
    return period_start(day, period) == day


def split(start, end, period):
    """The (first day, last day) of each period from ``start`` to ``end`` (inclusive)."""
    out = []
    cur = period_start(start, period)
    while cur <= end:
        stop = period_end(cur, period)
        out.append((cur, stop))
        cur = stop + timedelta(days=1)
    return out


def as_utc(value):
    """A datetime (naive = UTC), a date (midnight UTC) or an ISO text -> aware UTC datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise TypeError(f"Expected a date-time, got {value!r}")


def check_request(name, options, start, end, now, limits=LIMITS):
    """Why Amazon would end this createReport FATAL, or None when it is acceptable.

    ``start``/``end`` are dataStartTime/dataEndTime (datetimes, dates or None), ``now`` the
    time of the request. Messages follow Amazon's errorDetails where they are known.
    """
    rtype = report_type(name)
    options = options or {}
    problem = _check_options(rtype, options)
    if problem:
        return problem
    now = as_utc(now)
    if rtype.dating == UNDATED:
        return None
    if rtype.dating == OPTION_RANGE:
        return _check_option_range(rtype, options, now, limits)
    if start is None or end is None:
        return "This report type requires dataStartTime and dataEndTime."
    start, end = as_utc(start), as_utc(end)
    if end < start:
        return "dataEndTime must not be before dataStartTime."
    if rtype.dating == HOURS:
        return _check_hours(name, start, end, now, limits)
    return _check_period(options["reportPeriod"], start.date(), end.date(), now.date(), limits)


def _check_options(rtype, options):
    missing = [k for k in rtype.required_options if k not in options]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        return (
            f"This report type requires the {', '.join(missing)} reportOption{plural} to be "
            "specified. Please review the document for this report type on GitHub, provide a "
            "value for this reportOption in your request, and try again."
        )
    allowed = rtype.options
    for key, value in options.items():
        if key not in allowed:
            return f"Unsupported reportOption {key} for {rtype.name}."
        if allowed[key] is not None and value not in allowed[key]:
            return f"Invalid value {value} for reportOption {key}: expected one of " + ", ".join(
                allowed[key]
            )
    return None


def _check_period(period, start, end, today, limits):
    if end > today:
        return "dataEndTime must not be in the future."
    if not is_period_start(start, period):
        first = {
            "WEEK": "a Sunday",
            "MONTH": "the first day of a month",
            "QUARTER": "the first day of a quarter",
            "YEAR": "January 1",
        }[period]
        return f"For reportPeriod {period}, dataStartTime must be {first}."
    if period_end(period_start(end, period), period) != end:
        last = {"WEEK": "a Saturday"}.get(period, "the last day of a period")
        return f"For reportPeriod {period}, dataEndTime must be {last}."
    if period == "DAY":
        if (end - start).days + 1 > limits.day_max_days:
            return (
                f"For reportPeriod DAY, the date range must not exceed {limits.day_max_days} days."
            )
        if (today - start).days > limits.day_lookback_days:
            return (
                f"For reportPeriod DAY, dataStartTime must be within the last "
                f"{limits.day_lookback_days} days."
            )
    return None


def _check_hours(name, start, end, now, limits):
    if start > now:
        return "dataStartTime must not be in the future."
    if now - start > timedelta(hours=limits.realtime_lookback_hours):
        return (
            f"dataStartTime can be at most {limits.realtime_lookback_hours} hours before the "
            "time of the request."
        )
    if end - start > timedelta(hours=limits.realtime_max_hours):
        return (
            f"dataEndTime must not be more than {limits.realtime_max_hours} hours after "
            "dataStartTime."
        )
    if name == "GET_VENDOR_REAL_TIME_TRAFFIC_REPORT":
        if now - end < timedelta(minutes=limits.realtime_traffic_min_age_minutes):
            return (
                f"dataEndTime must be at least {limits.realtime_traffic_min_age_minutes} "
                "minutes earlier than the time of the request."
            )
    return None


def _check_option_range(rtype, options, now, limits):
    first, last = rtype.range_options
    values = []
    for key in (first, last):
        text = options[key]
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except (AttributeError, ValueError):
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            return (
                f"reportOption {key} {text!r} must be in the standard ISO-8601 zoned date "
                "and time format, such as 2026-01-01T00:00:00Z."
            )
        values.append(parsed.astimezone(UTC))
    if values[1] < values[0]:
        return f"reportOption {last} must not be before {first}."
    if now - values[0] > timedelta(days=limits.promotion_lookback_days):
        return (
            f"reportOption {first} can be at most {limits.promotion_lookback_days} days before "
            "the current date."
        )
    return None


__all__ = [
    "LIMITS",
    "PERIOD",
    "PERIODS",
    "Limits",
    "as_utc",
    "check_request",
    "is_period_start",
    "period_end",
    "period_start",
    "split",
    "week_start",
]
