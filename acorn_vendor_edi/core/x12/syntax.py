"""X12 4010/5010 element dictionary for the segments Acorn reads and writes, and Amazon's code
lists. Compact notation: ``"M ID 2/2"`` = mandatory, identifier, min 2, max 2; ``X`` is a
conditional element (relational rules are checked by the transaction-set code, not here);
``C`` marks a composite (its components are checked by ``COMPONENT_SPECS`` where listed).
"""

import re
from datetime import date

# AK403 data element error codes and AK304 segment error codes (X12 997).
AK4_MISSING = "1"
AK4_TOO_MANY = "3"
AK4_TOO_SHORT = "4"
AK4_TOO_LONG = "5"
AK4_BAD_CHAR = "6"
AK4_BAD_CODE = "7"
AK4_BAD_DATE = "8"
AK4_BAD_TIME = "9"
AK3_UNRECOGNIZED = "1"
AK3_UNEXPECTED = "2"
AK3_MISSING = "3"
AK3_LOOP_TOO_MANY = "4"
AK3_TOO_MANY = "5"
AK3_NOT_IN_SET = "6"
AK3_SEQUENCE = "7"
AK3_ELEMENT_ERRORS = "8"

_SPECS = {
    "ST": "M ID 3/3, M AN 4/9",
    "SE": "M N0 1/10, M AN 4/9",
    "BEG": "M ID 2/2, M ID 2/2, M AN 1/22, O AN 1/30, M DT 8/8, O AN 1/30, O ID 2/2, O ID 3/3",
    "CUR": "M ID 2/3, M ID 3/3, O R 4/10",
    "REF": "M ID 2/3, X AN 1/30, X AN 1/80, O C 1/99",
    "FOB": "M ID 2/2, X ID 2/2, X AN 1/80, O ID 2/2, X ID 3/3, O ID 2/2, X AN 1/80",
    "CSH": "O ID 1/2, O ID 2/2, O N2 1/15",
    # Segments X12 4010 allows in sets Amazon's guides do not put them in (tolerated with a
    # warning when their elements pass): notes, carrier details, amounts, measurements.
    "NTE": "O ID 3/3, M AN 1/80",
    "CAD": "O ID 1/2, O AN 1/4, O AN 1/10, X ID 2/4, X AN 1/35, O ID 2/2, O ID 2/3, X AN 1/30,"
    " O ID 2/2",
    "AMT": "M ID 1/3, M R 1/18, O ID 1/1",
    "TD4": "X ID 2/3, X ID 1/1, X AN 1/4, X AN 1/80, O ID 1/1",
    "MEA": "O ID 2/2, O ID 1/3, X R 1/20, X C 1/99, X R 1/20, X R 1/20, X ID 2/2, X ID 2/2,"
    " O ID 2/2, O ID 2/4",
    "PKG": "X ID 1/1, O ID 1/5, X ID 2/2, X AN 1/7, X AN 1/80, O ID 2/2",
    "DTM": "M ID 3/3, X DT 8/8, X TM 4/8, O ID 2/2",
    "N9": "M ID 2/3, X AN 1/30, X AN 1/45",
    "MSG": "M AN 1/264",
    "N1": "M ID 2/3, X AN 1/60, X ID 1/2, X AN 2/80",
    "N2": "M AN 1/60, O AN 1/60",
    "N3": "M AN 1/55, O AN 1/55",
    "N4": "O AN 2/30, O ID 2/2, O ID 3/15, O ID 2/3",
    "PER": "M ID 2/2, O AN 1/60, X ID 2/2, X AN 1/80, X ID 2/2, X AN 1/80",
    "PO1": "O AN 1/20, X R 1/15, O ID 2/2, X R 1/17, O ID 2/2" + ", X ID 2/2, X AN 1/48" * 10,
    "PO4": "O N0 1/6, O R 1/8, X ID 2/2",
    "CTP": "O ID 2/2, X ID 3/3, X R 1/17, X R 1/15, X C 1/99, O ID 3/3, O R 1/10",
    "PID": "M ID 1/1, O ID 2/3, X ID 2/2, X AN 1/12, X AN 1/80",
    "CTT": "M N0 1/6, O R 1/10",
    "BAK": "M ID 2/2, M ID 2/2, M AN 1/22, M DT 8/8, O AN 1/30, O AN 1/45, O AN 1/30, O AN 1/30,"
    " O DT 8/8",
    "ACK": "M ID 2/2, X R 1/15, X ID 2/2, X ID 3/3, O DT 8/8, O AN 1/45"
    + ", X ID 2/2, X AN 1/48" * 10,
    "BSN": "M ID 2/2, M AN 2/30, M DT 8/8, M TM 4/8, O ID 4/4, O ID 2/2, O ID 3/3",
    "HL": "M AN 1/12, O AN 1/12, M ID 1/2, O ID 1/1",
    "TD1": "O AN 3/5, X N0 1/7, O ID 1/1, X ID 2/30, X AN 1/50, X ID 1/2, X R 1/10, X ID 2/2",
    "TD5": "O ID 1/2, X ID 1/2, X AN 2/80, X ID 1/2, X AN 1/35",
    "TD3": "O ID 2/2, O AN 1/4, X AN 1/10, O ID 1/2, X R 1/10, O ID 2/2, O ID 1/1, O ID 2/2,"
    " O AN 2/15",
    "PRF": "M AN 1/22, O AN 1/30, O AN 1/8, O DT 8/8",
    "MAN": "M ID 1/2, M AN 1/48, O AN 1/48",
    "LIN": "O AN 1/20, M ID 2/2, M AN 1/48" + ", X ID 2/2, X AN 1/48" * 14,
    "SN1": "O AN 1/20, M R 1/10, M ID 2/2, O R 1/15, O R 1/15, O ID 2/2, O ID 2/2, O ID 2/2",
    "BIG": "M DT 8/8, M AN 1/22, O DT 8/8, O AN 1/22, O AN 1/30, O AN 1/8, O ID 2/2, O ID 2/2",
    "ITD": "O ID 2/2, O ID 1/2, O R 1/6, O DT 8/8, O N0 1/3, O DT 8/8, O N0 1/3",
    "IT1": "O AN 1/20, X R 1/10, X ID 2/2, X R 1/17, O ID 2/2" + ", X ID 2/2, X AN 1/48" * 10,
    "TXI": "M ID 2/2, X R 1/18, X R 1/10",
    "TDS": "M N2 1/15, O N2 1/15, O N2 1/15, O N2 1/15",
    "SAC": "M ID 1/1, X ID 4/4, X ID 2/2, X AN 1/10, O N2 1/15, O ID 1/1, O R 1/6, O R 1/9,"
    " X ID 2/2, X R 1/15, O R 1/15, O ID 2/2, X AN 1/30, O AN 1/20, X AN 1/80",
    "BIA": "M ID 2/2, M ID 2/2, M AN 1/30, M DT 8/8, O TM 4/8, O ID 1/2",
    "QTY": "M ID 2/2, X R 1/15, X C 1/99",
    "XQ": "M ID 1/1, M DT 8/8, O DT 8/8",
    "ZA": "M ID 2/2, X R 1/15, X ID 2/2",
    "SDQ": "M ID 2/2, O ID 1/2, M AN 2/80, M R 1/15" + ", X AN 2/80, X R 1/15" * 9,
    "BCH": "M ID 2/2, M ID 2/2, M AN 1/22, O AN 1/30, O AN 1/8, M DT 8/8",
    "POC": "O AN 1/20, M ID 2/2, X R 1/15, X R 1/9, M C 1/99, X R 1/17, O ID 2/2"
    + ", X ID 2/2, X AN 1/48" * 10,
    "BPR": "M ID 1/2, M R 1/18, M ID 1/1, M ID 3/3, O ID 1/10, X ID 2/2, X AN 3/12, O ID 1/3,"
    " X AN 1/35, O AN 10/10, O AN 9/9, X ID 2/2, X AN 3/12, O ID 1/3, X AN 1/35, O DT 8/8",
    "TRN": "M ID 1/2, M AN 1/30, O AN 10/10, O AN 1/30",
    "ENT": "O N0 1/6",
    "RMR": "X ID 2/3, X AN 1/30, O ID 2/2, O R 1/18, O R 1/18, O R 1/18",
    "ADX": "M R 1/18, M ID 2/2, X ID 2/3, X AN 1/30",
    "BCD": "M DT 8/8, M AN 1/22, M ID 1/2, M N2 1/15, M ID 1/1, O DT 8/8, O AN 1/22, O AN 1/22,"
    " O DT 8/8, O AN 1/22",
    "CDD": "M ID 2/2, M ID 1/1, O AN 1/20, X N2 1/15, O ID 1/1, O ID 1/3, O R 1/10, O ID 2/2,"
    " O R 1/15",
    "AK1": "M ID 2/2, M N0 1/9",
    "AK2": "M ID 3/3, M AN 4/9",
    "AK3": "M ID 2/3, M N0 1/6, O ID 1/6, O ID 1/3",
    "AK4": "M C 1/99, O N0 1/4, M ID 1/3, O AN 1/99",
    "AK5": "M ID 1/1, O ID 1/3, O ID 1/3, O ID 1/3, O ID 1/3, O ID 1/3",
    "AK9": "M ID 1/1, M N0 1/6, M N0 1/6, M N0 1/6" + ", O ID 1/3" * 5,
}


def _compile(text):
    specs = []
    for part in text.split(","):
        req, kind, span = part.split()
        low, high = span.split("/")
        specs.append((req, kind, int(low), int(high)))
    return tuple(specs)


SEGMENT_SPECS = {tag: _compile(text) for tag, text in _SPECS.items()}
# Segments that differ in 5010 (the 856 Amazon's retail guides use, and the 997 that answers
# it): ST03 implementation reference, AK103/AK203 version and implementation reference.
SPECS_5010 = {
    tag: _compile(text)
    for tag, text in {
        "ST": "M ID 3/3, M AN 4/9, O AN 1/35",
        "AK1": "M ID 2/2, M N0 1/9, O AN 1/12",
        "AK2": "M ID 3/3, M AN 4/9, O AN 1/35",
    }.items()
}

# Components of the composite elements (the ``C`` above) Acorn checks, as strictly as the
# X12 4010 dictionary: C040 reference identifier, C001 unit of measure, C030 position in
# segment. Checked when the component separator is known (``check_segment(component=...)``).
_UNIT = "M ID 2/2" + ", O R 1/15, O R 1/10, X ID 2/2" * 4 + ", O R 1/15, O R 1/10"
_REFERENCE = "M ID 2/3, M AN 1/30, X ID 2/3, X AN 1/30, X ID 2/3, X AN 1/30"
COMPONENT_SPECS = {
    key: _compile(text)
    for key, text in {
        ("REF", 4): _REFERENCE,
        ("CTP", 5): _UNIT,
        ("POC", 5): _UNIT,
        ("QTY", 3): _UNIT,
        ("MEA", 4): _UNIT,
        ("AK4", 1): "M N0 1/2, O N0 1/2",
    }.items()
}

# Segments that exist in X12 but that Acorn neither reads nor writes: recognised (so the error
# is "not allowed here" rather than "unknown segment"), elements not checked.
OTHER_KNOWN = frozenset(
    "ISA GS GE IEA TA1 NTE TAX PAM TC2 SAC ITD DIS INC LDT SI MEA PWK PKG TD4 MAN PCT CTB AMT"
    " LM LQ SPI G61 CB1 ADV MTX LIN CN1 PO3 IT8 SDQ IT3 SCH LS LE SLN PO4 CRC CAD L7 SR YNQ DMG"
    " BAL FA1 FA2 V1 R4 ISS TSD LH1 CLD DTP PAL ETD GF NX2 XPO G95 UIT CS DD G53 NM1 RDM TXP DED"
    " LX AIN PEN INV EMS ATN PYD RYL LOC ASM N11 SHD".split()
)

# ---- Amazon code lists -------------------------------------------------------------------
PRODUCT_QUALIFIERS = frozenset({"BP", "VN", "VP", "EN", "UP", "IB", "UA", "UK", "SK", "UI"})
UNITS = frozenset({"EA", "CA", "UN"})
ACK_ACCEPTED = frozenset({"IA", "IC", "IQ", "IP", "IE", "AC", "AR", "DR", "SP", "BP"})
ACK_BACKORDERED = frozenset({"IB"} | {"B" + c for c in "ACDEFGHIJKLMNOPQRSTUVWX"})
ACK_REJECTED = frozenset(
    {"IR", "ID", "OS", "OP", "NP", "NL"}
    | {f"R{n}" for n in range(1, 9)}
    | {"C" + c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}  # Amazon's cancellation codes CA..CZ
)
ACK_CODES = ACK_ACCEPTED | ACK_BACKORDERED | ACK_REJECTED

# (transaction set, segment, element position) -> allowed codes; None as set = any set.
CODE_LISTS = {
    ("850", "BEG", 1): {"00"},
    ("850", "BEG", 2): {"CN", "NE", "NP", "RO", "SA"},
    ("850", "REF", 1): {"CR", "PD", "IA", "VR", "ZZ", "PO"},
    ("850", "CSH", 1): {"N", "Y"},
    ("850", "DTM", 1): {"063", "064", "037", "038", "002", "010", "004"},
    ("850", "N1", 1): {"ST", "BY", "BT", "SF", "LW", "VN", "SU"},
    ("850", "PO1", 3): UNITS,
    ("855", "BAK", 1): {"00"},
    ("855", "BAK", 2): {"AC", "AD", "ZZ"},
    ("855", "PO1", 3): UNITS,
    ("855", "ACK", 1): ACK_CODES,
    ("855", "ACK", 3): UNITS | {"UP"},
    ("855", "ACK", 4): {"067", "068", "017", "002"},
    ("856", "BSN", 1): {"00", "05"},
    ("856", "BSN", 5): {"0001", "0002", "0004"},
    ("856", "HL", 3): {"S", "O", "T", "P", "I"},
    ("856", "MAN", 1): {"GM"},
    ("856", "TD5", 2): {"2"},
    ("856", "SN1", 3): UNITS,
    ("856", "DTM", 1): {"011", "017", "036", "094"},
    ("856", "REF", 1): {"BM", "CN", "BX", "SN", "IA"},
    ("810", "BIG", 7): {"CR", "DI", "DR"},
    ("810", "IT1", 3): UNITS,
    ("810", "SAC", 1): {"A", "C"},
    ("810", "N1", 1): {"RI", "ST", "SF", "BT", "BY", "SU", "RE"},
    ("846", "BIA", 1): {"00"},
    ("846", "QTY", 1): {"33", "17", "02"},
    ("860", "BCH", 1): {"01", "04", "05"},
    ("860", "POC", 2): {"AI", "CA", "CF", "CT", "DI", "NC", "PC", "PQ", "QD", "QI"},
    ("997", "AK5", 1): {"A", "E", "M", "R", "W", "X"},
    ("997", "AK9", 1): {"A", "E", "M", "P", "R", "W", "X"},
}
# Product ID qualifier positions per segment: (first qualifier element, last).
PRODUCT_PAIRS = {"PO1": (6, 24), "IT1": (6, 24), "LIN": (2, 30), "POC": (8, 26), "ACK": (7, 25)}

_NUM = re.compile(r"^-?\d+$")
_REAL = re.compile(r"^-?(\d+\.?\d*|\.\d+)$")
_TIME = re.compile(r"^([01]\d|2[0-3])[0-5]\d([0-5]\d(\d{1,2})?)?$")


def _valid_date(text):
    if len(text) == 8 and text.isdigit():
        try:
            date(int(text[:4]), int(text[4:6]), int(text[6:]))
            return True
        except ValueError:
            return False
    if len(text) == 6 and text.isdigit():  # YYMMDD (ISA09)
        try:
            date(2000 + int(text[:2]), int(text[2:4]), int(text[4:]))
            return True
        except ValueError:
            return False
    return False


def check_element(kind, low, high, value):
    """Return an AK403 error code for ``value`` against its type and size, or None."""
    if kind == "C":
        return None
    if kind.startswith("N"):
        if not _NUM.match(value):
            return AK4_BAD_CHAR
        size = len(value.lstrip("-"))
    elif kind == "R":
        if not _REAL.match(value):
            return AK4_BAD_CHAR
        size = len(value.lstrip("-").replace(".", ""))
    elif kind == "DT":
        return None if _valid_date(value) and low <= len(value) <= high else AK4_BAD_DATE
    elif kind == "TM":
        return None if _TIME.match(value) else AK4_BAD_TIME
    else:
        size = len(value)
    if size < low:
        return AK4_TOO_SHORT
    if size > high:
        return AK4_TOO_LONG
    return None


def check_components(tag, pos, value, component):
    """Yield (AK403 code, message) for each component of composite element ``tag``/``pos``
    that breaks ``COMPONENT_SPECS`` (nothing for composites without a spec)."""
    specs = COMPONENT_SPECS.get((tag, pos))
    if specs is None or not component:
        return
    parts = value.split(component)
    if len(parts) > len(specs) and any(parts[len(specs) :]):
        yield AK4_TOO_MANY, f"{tag}{pos:02d} has {len(parts)} components, at most {len(specs)}"
    for num, (req, kind, low, high) in enumerate(specs, start=1):
        part = parts[num - 1] if num <= len(parts) else ""
        if part == "":
            if req == "M":
                yield AK4_MISSING, f"{tag}{pos:02d}-{num:02d} is mandatory and missing"
            continue
        code = check_element(kind, low, high, part)
        if code is not None:
            yield code, f"{tag}{pos:02d}-{num:02d} value {part!r} {_WHAT[code](low, high)}"


_WHAT = {
    AK4_BAD_CHAR: lambda low, high: "has characters not allowed for its type",
    AK4_TOO_SHORT: lambda low, high: f"is shorter than {low}",
    AK4_TOO_LONG: lambda low, high: f"is longer than {high}",
    AK4_BAD_DATE: lambda low, high: "is not a valid date (CCYYMMDD)",
    AK4_BAD_TIME: lambda low, high: "is not a valid time (HHMM[SS])",
}


def check_segment(set_id, tag, elements, component=None, version=""):
    """Yield (element position, AK403 code, message) for each problem in one segment.

    ``elements`` excludes the tag (element 1 is ``elements[0]``); values are text.
    ``component``, the component separator, lets composite elements be checked too;
    ``version`` (GS08) picks the 5010 form of the segments that differ.
    """
    specs = (version >= "005010" and SPECS_5010.get(tag)) or SEGMENT_SPECS.get(tag)
    if specs is None:
        return
    if len(elements) > len(specs) and any(elements[len(specs) :]):
        yield (
            len(specs) + 1,
            AK4_TOO_MANY,
            f"{tag} has {len(elements)} elements, at most {len(specs)}",
        )
    for pos, (req, kind, low, high) in enumerate(specs, start=1):
        value = elements[pos - 1] if pos <= len(elements) else ""
        if value == "":
            if req == "M":
                yield pos, AK4_MISSING, f"{tag}{pos:02d} is mandatory and missing"
            continue
        if kind == "C":
            for code, message in check_components(tag, pos, value, component):
                yield pos, code, message
            continue
        if component and component in value:
            message = f"{tag}{pos:02d} value {value!r} holds the component separator {component!r}"
            yield pos, AK4_BAD_CHAR, f"{message}, but it is not a composite element"
            continue
        code = check_element(kind, low, high, value)
        if code is not None:
            yield pos, code, f"{tag}{pos:02d} value {value!r} {_WHAT[code](low, high)}"
            continue
        codes = CODE_LISTS.get((set_id, tag, pos))
        if codes is not None and value not in codes:
            yield (
                pos,
                AK4_BAD_CODE,
                (
                    f"{tag}{pos:02d} code {value!r} is not one Amazon accepts "
                    f"({', '.join(sorted(codes)[:12])}{'...' if len(codes) > 12 else ''})"
                ),
            )
    pairs = PRODUCT_PAIRS.get(tag)
    if pairs:
        first, last = pairs
        for pos in range(first, min(last, len(elements)) + 1, 2):
            qual = elements[pos - 1]
            ident = elements[pos] if pos < len(elements) else ""
            allowed = PRODUCT_QUALIFIERS | ({"LT"} if tag == "LIN" else set())
            if qual and qual not in allowed:
                yield (
                    pos,
                    AK4_BAD_CODE,
                    (
                        f"{tag}{pos:02d} product ID qualifier {qual!r} is not one Amazon uses "
                        f"({', '.join(sorted(allowed))})"
                    ),
                )
            if bool(qual) != bool(ident):
                missing = pos + 1 if qual else pos
                yield missing, "2", f"{tag}{pos:02d}/{tag}{pos + 1:02d} must be given together"


# ---- fast path ---------------------------------------------------------------------------
# One compiled regular expression per (set, segment, separator) accepts exactly the segments
# that ``check_segment`` finds nothing wrong with, except a few rare valid values (29 February,
# decimals with a leading '+', ...) that simply take the slow path. Most segments of a file are
# valid, so this keeps validation at C speed; the slow path explains what is wrong.
_DAY = (
    r"(?!0000)\d{4}(?:(?:0[1-9]|1[0-2])(?:0[1-9]|1\d|2[0-8])|(?:0[13-9]|1[0-2])(?:29|30)"
    r"|(?:0[13578]|1[02])31)"
)
_CLOCK = r"(?:[01]\d|2[0-3])[0-5]\d(?:[0-5]\d(?:\d{1,2})?)?"
_FAST = {}


def _element_pattern(set_id, tag, pos, spec, free):
    req, kind, low, high = spec
    codes = CODE_LISTS.get((set_id, tag, pos))
    if kind == "C" and (tag, pos) in COMPONENT_SPECS:
        body = _first_component_pattern(COMPONENT_SPECS[tag, pos])
    elif kind == "C":
        body = f"{free}*" if req != "M" else f"{free}+"
    elif codes is not None:
        body = "(?:" + "|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True)) + ")"
    elif kind.startswith("N"):
        body = rf"-?\d{{{low},{high}}}"
    elif kind == "R":
        # digits only, or with a point: the lookahead bounds the digits (point excluded)
        point = rf"(?=[\d.]{{{low + 1},{high + 1}}}(?![\d.]))(?:\d*\.\d+|\d+\.)"
        body = rf"-?(?:\d{{{low},{high}}}|{point})"
    elif kind == "DT":
        if low != 8:
            return None
        body = _DAY
    elif kind == "TM":
        body = _CLOCK
    else:
        body = f"{free}{{{low},{high}}}"
    return body if req == "M" else f"(?:{body})?"


def _first_component_pattern(specs):
    """A composite of its first component only, in characters no component separator can be
    (the separator is not known here); other composites take the detailed check."""
    if any(req == "M" for req, *_rest in specs[1:]):
        return "(?!)"  # one component is never enough
    _req, kind, low, high = specs[0]
    if kind in ("ID", "AN"):
        return f"[0-9A-Za-z]{{{low},{high}}}"
    return rf"\d{{{low},{high}}}"


def _compile_fast(set_id, tag, sep, component=""):
    specs = SEGMENT_SPECS[tag]
    s = re.escape(sep)
    free = f"[^{s}{re.escape(component)}]"
    pairs = PRODUCT_PAIRS.get(tag)
    quals = PRODUCT_QUALIFIERS | ({"LT"} if tag == "LIN" else set())
    units = []  # (pattern including its leading separator(s), optional)
    pos = 1
    while pos <= len(specs):
        if pairs and pairs[0] <= pos <= pairs[1] and (pos - pairs[0]) % 2 == 0:
            qual = "(?:" + "|".join(sorted(quals)) + ")"
            max_id = specs[pos][3] if pos < len(specs) else 48
            if specs[pos - 1][0] == "M":  # a pair that must be there (LIN02/LIN03)
                units.append((f"{s}{qual}{s}{free}{{1,{max_id}}}", False))
            else:
                units.append((f"{s}(?:{qual}{s}{free}{{1,{max_id}}}|{s})", True))
            pos += 2
            continue
        body = _element_pattern(set_id, tag, pos, specs[pos - 1], free)
        if body is None:
            return None
        units.append((s + body, specs[pos - 1][0] != "M"))
        pos += 1
    rest = ""
    all_optional = True
    for unit, optional in reversed(units):
        all_optional = all_optional and optional
        rest = f"(?:{unit}{rest})?" if all_optional else unit + rest
    return re.compile(re.escape(tag) + rest)


def fast_table(set_id, tags, sep, component=""):
    """{tag: compiled pattern or None} for the segments of one transaction set."""
    key = (set_id, sep, component)
    table = _FAST.get(key)
    if table is None:
        table = _FAST[key] = {}
        for tag in tags:
            rx = None
            if tag in SEGMENT_SPECS:
                rx = _compile_fast(set_id, tag, sep, component)
            table[tag] = rx
    return table


def fast_ok(set_id, tag, raw, sep, component=""):
    """True when ``raw`` (the whole segment text) certainly passes ``check_segment`` (given
    the same ``component`` separator)."""
    key = (set_id, tag, sep, component)
    rx = _FAST.get(key)
    if rx is None:
        if tag not in SEGMENT_SPECS:
            return False
        rx = _FAST[key] = _compile_fast(set_id, tag, sep, component) or False
    return bool(rx) and rx.fullmatch(raw) is not None
