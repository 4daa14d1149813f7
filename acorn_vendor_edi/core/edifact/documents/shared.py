"""Code lists and segment helpers every D.96A message uses."""

from datetime import datetime, timezone
from functools import lru_cache

from ..._vendor import domain
from ..syntax import num, parse_date

UTC = timezone.utc

# Product identifier qualifiers (7143) → ProductIds attribute.
ID_QUALIFIERS = {
    "EN": "ean",
    "SRV": "ean",  # EANCOM: GTIN
    "UP": "upc",
    "IB": "isbn",
    "BP": "asin",  # buyer's part number: Amazon's ASIN
    "IN": "asin",  # buyer's item number
    "SA": "vendor_product_id",  # supplier's article number: the vendor SKU
    "VN": "vendor_product_id",
    "MF": "vendor_product_id",
}
ORDER_TYPES = {
    "220": "RegularOrder",
    "221": "RegularOrder",
    "226": "RegularOrder",
    "224": "RushOrder",
    "227": "ConsignedOrder",
    "22E": "NewProductIntroduction",
}
ORDER_TYPE_CODES = {"RegularOrder": "220", "RushOrder": "224", "ConsignedOrder": "227"}
CASE_UNITS = ("CS", "CA", "CT")
# ORDRSP BGM 1225 and LIN 1229 action codes.
ACK_MESSAGE_FUNCTION = {"accepted": "29", "changed": "4", "rejected": "27"}
LINE_ACCEPTED, LINE_CHANGED, LINE_REJECTED = "5", "3", "7"
ACTIVITY_QTY = {"153": "sold", "145": "on_hand", "21": "on_order", "61": "returned"}
PALLET_PACKAGES = ("201", "PX", "PLT", "09")
TRANSPORT_MODES = {"Road": "30", "Air": "40", "Ocean": "10", "Rail": "20"}
WEIGHT_UNITS = {"Kg": "KGM", "G": "GRM", "Lb": "LBR", "Oz": "ONZ"}
WEIGHT_UNITS_BY_CODE = {v: k for k, v in WEIGHT_UNITS.items()}


# -- small helpers ------------------------------------------------------------------------------


NO_COMPONENTS = ["", "", ""]  # padding, so that components(n)[1] and [2] always exist


def fmt_num(value):
    return domain.decimal_str(value)


_DTM_FORMATS = ("102", "203", "204", "101")  # the date formats documents read


def parse_dtm(seg):
    """DTM C507 → aware datetime (102/203/204) or None."""
    comps = seg.components(1)
    n = len(comps)
    return parse_dtm_text(comps[1] if n > 1 else "", (comps[2] if n > 2 else "") or "102")


@lru_cache(maxsize=8192)
def parse_dtm_text(value, fmt):
    # datetimes are immutable, so one cached object per distinct date is safe to share
    if fmt not in _DTM_FORMATS:
        return None
    value = parse_date(value, fmt)
    return value.replace(tzinfo=UTC) if value is not None else None


def dtm(qualifier, value, with_time=False):
    if isinstance(value, datetime):
        value = value.astimezone(UTC) if value.tzinfo else value
        if with_time:
            return ("DTM", (qualifier, value.strftime("%Y%m%d%H%M"), "203"))
    return ("DTM", (qualifier, value.strftime("%Y%m%d"), "102"))


def unit_code(quantity):
    return "CS" if quantity.unit == "Cases" else None


def quantity(seg):
    comps = seg.components(1) + NO_COMPONENTS
    amount = num(comps[1])
    unit = "Cases" if comps[2] in CASE_UNITS else "Eaches"
    return domain.Quantity(int(amount) if amount is not None else 0, unit)


def qty(qualifier, q):
    return ("QTY", (qualifier, q.amount, unit_code(q)))


def set_id(ids, qualifier, value):
    attr = ID_QUALIFIERS.get(qualifier)
    if attr and value and not getattr(ids, attr):
        setattr(ids, attr, value)


def id_segments(ids, line_no):
    """LIN with the GTIN (EN) or UPC, then PIA for ASIN (BP) and SKU (SA)."""
    gtin = ids.ean or ids.upc
    lin = ("LIN", line_no, None, (gtin, "EN" if ids.ean else "UP") if gtin else None)
    pia = []
    extra = []
    if ids.asin:
        extra.append((ids.asin, "BP"))
    if ids.vendor_product_id:
        extra.append((ids.vendor_product_id, "SA"))
    if ids.isbn and ids.isbn != gtin:
        extra.append((ids.isbn, "IB"))
    if extra:
        pia.append(("PIA", "5", *extra[:5]))
    return [lin] + pia


def read_ids(seg, ids):
    if seg.tag == "LIN":
        comps = seg.components(3)
        if len(comps) > 1:
            set_id(ids, comps[1], comps[0])
    elif seg.tag == "PIA":
        for comps in seg.elements[1:]:
            if len(comps) > 1:
                set_id(ids, comps[1], comps[0])


def nad(role, party, with_address=True):
    """NAD with the party id as a GLN (agency 9) when it is 13 digits, else a code of ours."""
    if party is None:
        return []
    pid = party.party_id
    agency = "9" if pid.isdigit() and len(pid) == 13 else "92"
    elements = [role, (pid, None, agency)]
    addr = party.address if with_address else None
    if addr is not None:
        elements += [
            None,
            (addr.name[:35], addr.name[35:70] or None),
            (addr.line1[:35], (addr.line2 or "")[:35] or None, (addr.line3 or "")[:35] or None),
            (addr.city or "")[:35] or None,
            (addr.state or "")[:9] or None,
            (addr.postal_code or "")[:9] or None,
            addr.country_code or None,
        ]
    out = [("NAD", *elements)]
    if party.tax_registration_number:
        out.append(("RFF", ("VA", party.tax_registration_number)))
    return out


_NO_ELEMENT = [""]


def read_party(seg):
    els = seg.elements
    if len(els) < 9 or not all(els):  # pad, so that every element has a first component
        els = [comps or _NO_ELEMENT for comps in els] + [_NO_ELEMENT] * (9 - len(els))
    pid = els[1][0]
    addr = None
    name, street = els[3], els[4]
    if name[0] or street[0]:
        street = street + ["", ""]
        addr = domain.Address(
            name=" ".join(c for c in name[:5] if c).strip(),
            line1=street[0],
            line2=street[1] or None,
            line3=street[2] or None,
            city=els[5][0] or None,
            state=els[6][0] or None,
            postal_code=els[7][0] or None,
            country_code=els[8][0],
        )
    return domain.Party(party_id=pid, address=addr)


def segment_groups(segments, trigger, stop=()):
    """Split a flat segment list into runs that start with ``trigger``."""
    groups, current = [], None
    for seg in segments:
        if seg.tag == trigger:
            current = [seg]
            groups.append(current)
        elif seg.tag in stop:
            current = None
        elif current is not None:
            current.append(seg)
    return groups


def header_segments(segments, first_line_tag="LIN"):
    out = []
    for seg in segments:
        if seg.tag in (first_line_tag, "UNS", "CPS"):
            break
        out.append(seg)
    return out


def header_parties(header):
    parties = {}
    last = None
    for seg in header:
        if seg.tag == "NAD":
            last = read_party(seg)
            parties.setdefault(seg.get(1), last)
        elif seg.tag == "RFF" and last is not None and seg.get(1, 1) in ("VA", "FC"):
            last.tax_registration_type = "VAT"
            last.tax_registration_number = seg.get(1, 2)
        elif seg.tag not in ("LOC", "CTA", "COM", "DTM", "RFF"):
            last = None
    return parties


def refuse(what, problems):
    if problems:
        raise ValueError("%s: %s" % (what, "; ".join(problems)))


def line_prices(group, currency):
    """(net PRI+AAA, gross PRI+AAB) of a line group, as Money or None."""
    net = gross = None
    for seg in group:
        if seg.tag == "PRI":
            price = num(seg.get(1, 2))
            if price is not None and seg.get(1, 1) == "AAA":
                net = domain.Money(price, currency)
            elif price is not None and seg.get(1, 1) == "AAB":
                gross = domain.Money(price, currency)
    return net, gross
