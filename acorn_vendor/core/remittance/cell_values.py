"""Reading one spreadsheet cell as a label, an amount or a date, the way Vendor Central
exports (and spreadsheets re-saved by people) actually write them.

Every reader raises ``ValueError`` with a message a user can act on; the file reader adds the
row and column.
"""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01, Lotus's leap-year bug included

_LABEL_DROP = re.compile(r"[^0-9a-z]+")
_CURRENCY_SYMBOLS = "$€£¥₹"
_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
_AMOUNT_TEXT = re.compile(r"^(?:\d+|\d{1,3}(?:[ ,.'’\u00a0\u202f]\d{3})+)?(?:[.,]\d+)?$")
# The common shapes, read without the general path: "-12,250.00" and "-12.250,00".
_POINT_AMOUNT = re.compile(r"^(-?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$")
_COMMA_AMOUNT = re.compile(r"^(-?)(\d{1,3}(?:\.\d{3})+|\d+),(\d{1,2})$")
_SLASH_DATE = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})$")
_DOT_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_SERIAL = re.compile(r"^\d{4,5}(?:\.\d+)?$")
_NAMED_FORMATS = ("%d-%b-%Y", "%d-%b-%y", "%b %d, %Y", "%d %b %Y", "%B %d, %Y", "%d %B %Y")

DATE_ORDERS = ("MDY", "DMY")


def label_key(value):
    """A header label compared without case, spacing or punctuation ("Payment #" stays
    distinct from "Payment")."""
    text = "" if value is None else str(value).strip().lower().replace("#", "number")
    return _LABEL_DROP.sub("", text)


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def text(value):
    """A cell as text: numbers without a trailing .0, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def parse_amount(value, decimal_comma=None):
    """Decimal from 1234.5, "1,234.50", "1.234,50", "(12.00)", "-$12", "USD 12", "12-".

    ``decimal_comma`` settles "1.234" / "1,234" (see _plain_digits)."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an amount")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{value!r} is not an amount")
        amount = Decimal(repr(value))
        # Binary floats: 0.1 + 0.2 style noise is below a millionth of a cent.
        if amount.as_tuple().exponent < -6:
            amount = amount.quantize(Decimal("0.000001")).normalize()
        return amount
    if isinstance(value, Decimal):
        return value
    raw = str(value).strip()
    if not raw:
        raise ValueError("the amount is empty")
    fast = _POINT_AMOUNT.match(raw)
    if fast and (fast.group(3) is not None or "," not in raw):
        decimals = f".{fast.group(3)}" if fast.group(3) is not None else ""
        return Decimal(f"{fast.group(1)}{fast.group(2).replace(',', '')}{decimals}")
    fast = _COMMA_AMOUNT.match(raw)
    if fast:
        return Decimal(f"{fast.group(1)}{fast.group(2).replace('.', '')}.{fast.group(3)}")
    # Currency symbols and ISO codes may sit anywhere ("-$12", "$(12)", "12 EUR").
    body = re.sub(
        r"[A-Za-z]{3}", lambda m: "" if _CURRENCY_CODE.match(m.group().upper()) else m.group(), raw
    )
    body = body.translate({ord(ch): None for ch in _CURRENCY_SYMBOLS}).replace("\u2212", "-")
    body = body.strip()
    negative = False
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1].strip()
    if body.endswith("-") and not body.startswith("-"):
        negative, body = True, body[:-1].strip()
    if body[:1] in ("-", "+"):
        if negative:
            raise ValueError(f"{raw!r} has two signs")
        negative, body = body[0] == "-", body[1:].strip()
    if not body or not _AMOUNT_TEXT.match(body) or not any(ch.isdigit() for ch in body):
        raise ValueError(f"{raw!r} is not an amount")
    amount = _plain_digits(body, raw, decimal_comma)
    return -amount if negative else amount


def _plain_digits(body, raw, decimal_comma):
    """Decide which of ',' and '.' is the decimal mark and drop the grouping marks.

    Only "1,234" and "1.234" are ambiguous (a thousand, or three decimals): the file's
    other amounts decide (``decimal_comma``); unknown means the US reading."""
    body = re.sub(r"[ '’\u00a0\u202f]", "", body)
    commas, dots = body.count(","), body.count(".")
    if commas and dots:
        mark = "," if body.rfind(",") > body.rfind(".") else "."
    elif commas == 1 or dots == 1:
        single = "," if commas else "."
        decimals = len(body) - body.rfind(single) - 1
        if decimals != 3:
            mark = single
        else:
            mark = "," if decimal_comma else "."
            mark = mark if mark == single else None
    else:
        mark = None
    for grouping in {",", "."} - {mark}:
        body = body.replace(grouping, "")
    try:
        return Decimal(body.replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not an amount") from None


def decimal_mark_hint(value):
    """True for a text that can only use a decimal comma ("12,50", "1.234,5"), False for
    one that can only use a decimal point, None when it does not tell."""
    if not isinstance(value, str):
        return None
    match = re.search(r"([.,])(\d{1,2}|\d{4,})\)?-?\s*$", value.strip())
    if match:
        return match.group(1) == ","
    both = re.search(r"[.,].*([.,])\d+\)?-?\s*$", value.strip())
    if both:
        return both.group(1) == ","
    return None


def slash_date_parts(value):
    """(first, second) day/month candidates of a "05/03/2026"-style text, else None.

    The file reader collects these to decide MM/DD or DD/MM once for the whole file."""
    if not isinstance(value, str):
        return None
    match = _SLASH_DATE.match(value.strip())
    if not match:
        return None
    return int(match.group(1)), int(match.group(2))


def parse_date(value, date_order="MDY"):
    """A date from a spreadsheet date, an Excel serial, ISO, MM/DD/YYYY or DD/MM/YYYY
    (``date_order`` decides the slash form), DD.MM.YYYY, or "05-Mar-2026"."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date")
    if isinstance(value, (int, float)):
        return _serial(value)
    raw = str(value).strip()
    if not raw:
        raise ValueError("the date is empty")
    match = _ISO_DATE.match(raw)
    if match:
        return _ymd(raw, int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _SLASH_DATE.match(raw)
    if match:
        first, second, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
        if date_order == "DMY":
            return _ymd(raw, year, second, first)
        return _ymd(raw, year, first, second)
    match = _DOT_DATE.match(raw)
    if match:
        return _ymd(raw, _year(match.group(3)), int(match.group(2)), int(match.group(1)))
    if _SERIAL.match(raw):
        return _serial(float(raw))
    for fmt in _NAMED_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(
        f"{raw!r} is not a date (expected MM/DD/YYYY, DD/MM/YYYY, YYYY-MM-DD or a spreadsheet date)"
    )


def _year(text_year):
    year = int(text_year)
    return year + 2000 if year < 100 else year


def _ymd(raw, year, month, day):
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{raw!r} is not a valid date") from None


def _serial(number):
    # Vendor Central has existed since 2000 and remittances are not dated far ahead.
    if not 36526 <= number <= 73051:  # 2000-01-01 .. 2099-12-31
        raise ValueError(f"{number!r} is not a spreadsheet date serial between 2000 and 2099")
    return EXCEL_EPOCH + timedelta(days=int(number))
