"""Amazon's date formats: what we send (UTC ``Z``) and everything Amazon sends back.

Amazon mixes naive values (UTC is meant), ``Z`` and ``-08:00`` offsets, fractions of any
length, ``start--end`` intervals and, in one sandbox case, ``08/25/2021 - 08/31/2021``.
getPurchaseOrders and getPurchaseOrdersStatus refuse ranges over 7 days, hence the splitter.
"""

import re
from datetime import date, datetime, timedelta, timezone

UTC = timezone.utc
MAX_WINDOW = timedelta(days=7)

_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)
_US_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


def parse_datetime(value):
    """Parse an Amazon date-time into an aware UTC datetime; naive values are UTC."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    text = str(value).strip()
    m = _ISO.match(text)
    if m:
        year, month, day, hh, mm, ss, frac, tz = m.groups()
        micro = int((frac or "0")[:6].ljust(6, "0"))
        dt = datetime(
            int(year), int(month), int(day), int(hh or 0), int(mm or 0), int(ss or 0), micro
        )
        return dt.replace(tzinfo=_tz(tz)).astimezone(UTC)
    m = _US_DATE.match(text)
    if m:
        return datetime(int(m.group(3)), int(m.group(1)), int(m.group(2)), tzinfo=UTC)
    raise ValueError(f"Not an Amazon date-time: {value!r}")


def _tz(text):
    if not text or text in "Zz":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def format_utc(value):
    """Format a datetime/date/string as Amazon wants it sent: ``YYYY-MM-DDTHH:MM:SSZ``."""
    return parse_datetime(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_interval(value):
    """Parse a DateTimeInterval ``start--end`` (or the sandbox's ``a - b``) into two datetimes."""
    text = str(value).strip()
    for sep in ("--", " - "):
        if sep in text:
            start, end = text.split(sep, 1)
            return parse_datetime(start), parse_datetime(end)
    raise ValueError(f"Not an Amazon date-time interval (expected 'start--end'): {value!r}")


def format_interval(start, end):
    return f"{format_utc(start)}--{format_utc(end)}"


def split_windows(start, end, max_span=MAX_WINDOW):
    """Split [start, end] into consecutive windows no longer than ``max_span``.

    Windows share their boundaries, so a PO created exactly on one can come back twice:
    callers dedupe by purchase order number.
    """
    start, end = parse_datetime(start), parse_datetime(end)
    if end < start:
        raise ValueError(
            f"Date range ends ({format_utc(end)}) before it starts ({format_utc(start)})"
        )
    windows = []
    cursor = start
    while True:
        stop = min(cursor + max_span, end)
        windows.append((cursor, stop))
        if stop >= end:
            return windows
        cursor = stop


def covering_windows(
    moments, max_gap=timedelta(days=1), max_span=MAX_WINDOW, pad=timedelta(seconds=1)
):
    """The fewest narrow windows that cover ``moments`` (e.g. the creation dates of the POs
    whose status Acorn needs), for filters Amazon caps at ``max_span``.

    Moments closer than ``max_gap`` share a window (one call pages through them); a wider
    gap starts a new one, so three POs weeks apart cost three short calls instead of every
    7-day window between them. Each window reaches ``pad`` beyond its first and last moment.
    """
    ordered = sorted(parse_datetime(moment) for moment in moments)
    if max_span <= 2 * pad:
        raise ValueError(f"max_span ({max_span}) must exceed twice the padding ({pad})")
    windows = []
    for moment in ordered:
        if windows:
            first, last = windows[-1]
            if moment - last <= max_gap and moment - first <= max_span - 2 * pad:
                windows[-1] = (first, moment)
                continue
        windows.append((moment, moment))
    return [(first - pad, last + pad) for first, last in windows]


def utcnow():
    return datetime.now(UTC).replace(microsecond=0)
