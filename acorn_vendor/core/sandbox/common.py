"""What every endpoint shares: Amazon-style synchronous errors, date and query parsing,
quantities in eaches, and opaque paging tokens."""

import base64
import hashlib
import io
import json
import uuid
from datetime import date, datetime, timezone
from functools import lru_cache

DAY = 86400.0
SEVEN_DAYS = 7 * DAY


class ApiError(Exception):
    """An error Amazon would answer synchronously (HTTP status + one or more errors)."""

    def __init__(self, status, code, message, details="", errors=None):
        super().__init__(message)
        self.status = status
        self.errors = errors or [{"code": code, "message": message, "details": details}]


def invalid(message, details=""):
    return ApiError(400, "InvalidInput", message, details)


@lru_cache(maxsize=65536)
def iso(ts):
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_dt(name, value):
    """ISO-8601 as Amazon accepts it: Z, offsets, or naive (UTC); fractions allowed."""
    text = str(value).strip()
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise invalid(
            f"Invalid {name}: {value!r} is not an ISO-8601 date-time",
            "Use UTC like 2024-05-01T00:00:00Z.",
        ) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def qty_out(eaches, unit, unit_size):
    if unit == "Cases":
        return {
            "amount": eaches // max(unit_size, 1),
            "unitOfMeasure": "Cases",
            "unitSize": unit_size,
        }
    return {"amount": eaches, "unitOfMeasure": "Eaches", "unitSize": 1}


def qty_in(quantity):
    """Eaches from an ItemQuantity (Cases count unitSize each)."""
    amount = int(quantity.get("amount") or 0)
    if quantity.get("unitOfMeasure") == "Cases":
        return amount * int(quantity.get("unitSize") or 1)
    return amount


def money(amount, currency):
    return {"currencyCode": currency, "amount": str(amount)}


def encode_token(offset, filters_hash):
    raw = json.dumps({"o": offset, "f": filters_hash}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token, expected):
    try:
        pad = "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(token + pad))
        offset = int(data["o"])
    except (ValueError, KeyError, TypeError):
        raise invalid("Invalid nextToken", "The nextToken is malformed.") from None
    if data.get("f") != expected:
        raise invalid(
            "Invalid nextToken",
            "Send the same filters again with nextToken; this token was issued for other filters.",
        )
    return offset


def fingerprint(params):
    items = sorted((k, v) for k, v in params.items() if k not in ("nextToken",))
    return hashlib.sha1(json.dumps(items).encode()).hexdigest()[:12]


def transaction_id(now):
    """Amazon's sandbox form: timestamp-GUID."""
    stamp = datetime.fromtimestamp(now, timezone.utc).strftime("%Y%m%d%H%M%S")
    return f"{stamp}-{uuid.uuid4()}"


def date_window(params, after_key, before_key, now, required_label, max_span=SEVEN_DAYS):
    """(after, before) for a pair of filters, enforcing Amazon's 7-day maximum range."""
    after = parse_dt(after_key, params[after_key]) if params.get(after_key) else None
    before = parse_dt(before_key, params[before_key]) if params.get(before_key) else None
    if after is None and before is None:
        return None
    if before is None:
        before = now
    if after is None:
        after = before - (max_span or SEVEN_DAYS)
    if after > before:
        raise invalid(f"{after_key} must be before {before_key}")
    if max_span is not None and before - after > max_span + 1e-6:
        raise invalid(
            f"The {required_label} date range must not exceed 7 days",
            f"{after_key}={iso(after)} and {before_key}={iso(before)} span "
            f"{(before - after) / DAY:.1f} days; split the period into 7-day windows.",
        )
    return after, before


def parse_limit(params, maximum):
    raw = params.get("limit")
    if raw in (None, ""):
        return maximum
    try:
        value = int(raw)
    except ValueError:
        raise invalid(f"Invalid limit {raw!r}: expected an integer 1..{maximum}") from None
    if not 1 <= value <= maximum:
        raise invalid(f"Invalid limit {value}: must be between 1 and {maximum}")
    return value


def parse_enum(params, key, allowed):
    value = params.get(key)
    if value in (None, ""):
        return None
    if value not in allowed:
        raise invalid(f"Invalid {key} {value!r}: expected one of {', '.join(allowed)}")
    return value


def parse_bool(params, key, default):
    value = params.get(key)
    if value in (None, ""):
        return default
    if value.lower() not in ("true", "false"):
        raise invalid(f"Invalid {key} {value!r}: expected true or false")
    return value.lower() == "true"


def date_bounds(params):
    """(from, to) dates of an export's query (either may be None)."""
    bounds = []
    for key in ("from", "to"):
        try:
            bounds.append(date.fromisoformat(params[key]) if params.get(key) else None)
        except ValueError:
            raise ValueError(f"{key}={params[key]!r} is not a date (YYYY-MM-DD)") from None
    return bounds


def xlsx_sheet(name, rows, us):
    """XLSX bytes of one sheet of ``rows``: dates in the marketplace's order, floats as money."""
    import xlsxwriter  # only the sandbox's XLSX exports need it

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(name)
    dates, money = (
        book.add_format({"num_format": "mm/dd/yyyy" if us else "dd/mm/yyyy"}),
        book.add_format({"num_format": "#,##0.00"}),
    )
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), dates)
            elif isinstance(value, float):
                sheet.write_number(r, c, value, money)
            else:
                sheet.write(r, c, value)
    book.close()
    return out.getvalue()
