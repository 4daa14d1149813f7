"""GS1 check digits and SSCC-18 serial shipping container codes.

Amazon rejects ASNs whose carton/pallet labels carry an SSCC with a wrong check digit, so
every SSCC Acorn prints or sends is built and checked here.
"""

import re

_DIGITS = re.compile(r"[0-9]+\Z")  # ASCII digits only (\d would take any script's)


def check_digit(digits):
    """GS1 mod-10 check digit for ``digits`` (the number without its check digit).

    Weights 3 and 1 alternate from the rightmost digit, as for GTIN-8/12/13/14 and SSCC.
    """
    if not digits or not _DIGITS.match(digits):
        raise ValueError(f"GS1 number {digits!r} must contain digits only")
    raw = digits.encode("ascii")
    odd, even = raw[::-2], raw[-2::-2]  # from the right: weights 3, 1, 3, ...
    total = 3 * (sum(odd) - 48 * len(odd)) + sum(even) - 48 * len(even)
    return str(-total % 10)


def is_valid_gs1(number):
    """True when ``number`` (digits with its check digit last) has a correct check digit."""
    if not isinstance(number, str) or len(number) < 2 or not _DIGITS.match(number):
        return False
    return check_digit(number[:-1]) == number[-1]


def build_sscc(extension_digit, company_prefix, serial):
    """SSCC-18 from the extension digit (0-9), the GS1 company prefix and a serial reference.

    The serial is zero-padded to fill the 17 digits before the check digit; it raises
    ValueError when prefix + serial do not fit, so a serial can never silently wrap.
    """
    ext = str(extension_digit)
    if len(ext) != 1 or not ext.isdigit():
        raise ValueError(f"SSCC extension digit must be one digit 0-9, got {extension_digit!r}")
    prefix = str(company_prefix)
    if not _DIGITS.match(prefix) or not 6 <= len(prefix) <= 12:
        raise ValueError(f"GS1 company prefix must be 6 to 12 digits, got {company_prefix!r}")
    room = 16 - len(prefix)
    serial_text = str(serial)
    if not _DIGITS.match(serial_text):
        raise ValueError(f"SSCC serial reference must be digits, got {serial!r}")
    if len(serial_text) > room:
        raise ValueError(
            f"SSCC serial {serial_text} does not fit: company prefix {prefix} leaves {room} digits"
        )
    body = ext + prefix + serial_text.zfill(room)
    return body + check_digit(body)


def validate_sscc(sscc):
    """Return a list of problems with ``sscc`` (empty when it is a valid SSCC-18).

    Accepts the bare 18 digits; a leading GS1 application identifier ``00`` (20 digits, as
    scanned from a GS1-128 label) is tolerated.
    """
    if not isinstance(sscc, str):
        return [f"SSCC must be text, got {type(sscc).__name__}"]
    value = sscc.strip()
    if len(value) == 20 and value.startswith("00"):
        value = value[2:]
    if not _DIGITS.match(value):
        return [f"SSCC {sscc!r} must contain digits only"]
    if len(value) != 18:
        return [f"SSCC {sscc!r} must have 18 digits, it has {len(value)}"]
    expected = check_digit(value[:-1])
    if expected != value[-1]:
        return [f"SSCC {value} has check digit {value[-1]}, expected {expected}"]
    return []


_SSCC_BIAS = 48 * (3 * 9 + 8)  # the ASCII '0's of an SSCC's 17 weighted digits


def is_valid_sscc(sscc):
    """True when ``validate_sscc`` finds nothing wrong. The EDI readers call it for every
    carton, so the common case (18 ASCII digits) is checked on the bytes, without a list."""
    if isinstance(sscc, str) and len(sscc) == 18 and sscc.isascii() and sscc.isdigit():
        b = sscc.encode()
        # weights 3, 1, 3, ... from the right of the 17 digits before the check digit
        return (_SSCC_BIAS - 3 * sum(b[0:17:2]) - sum(b[1:17:2])) % 10 == b[17] - 48
    return not validate_sscc(sscc)
