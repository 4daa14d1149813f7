"""Code lists and element helpers every transaction set uses, and the context that
adds Amazon-rule issues to a set with its envelope coordinates."""

import functools
from collections import OrderedDict
from datetime import date, datetime, time, timezone
from decimal import Decimal, InvalidOperation

from ..._vendor import domain
from ..issues import Issue

UTC = timezone.utc


PO_TYPE_TO_X12 = {
    "RegularOrder": "NE",
    "ConsignedOrder": "CN",
    "NewProductIntroduction": "NP",
    "RushOrder": "RO",
}
X12_TO_PO_TYPE = {v: k for k, v in PO_TYPE_TO_X12.items()} | {"SA": "RegularOrder"}
UOM_TO_X12 = {"Eaches": "EA", "Cases": "CA"}
X12_TO_UOM = {"EA": "Eaches", "CA": "Cases", "UN": "Eaches", "UP": "Eaches"}
ACK_TO_X12 = {"Accepted": "IA", "Backordered": "IB", "Rejected": "IR"}
PURPOSE_TO_X12 = {"Cancel": "01", "Change": "04", "Replace": "05"}
X12_TO_PURPOSE = {v: k for k, v in PURPOSE_TO_X12.items()}
MODE_TO_X12 = {"Road": "M", "Air": "A", "Ocean": "S"}
X12_TO_MODE = {v: k for k, v in MODE_TO_X12.items()}
WEIGHT_TO_X12 = {"Lb": "LB", "Kg": "KG", "G": "GR", "Oz": "OZ"}
X12_TO_WEIGHT = {v: k for k, v in WEIGHT_TO_X12.items()}
TAX_TO_X12 = {"ST": "ST", "VAT": "VA", "GST": "GS", "PST": "SP", "Consumption": "CA"}
X12_TO_TAX = {v: k for k, v in TAX_TO_X12.items()}
CHARGE_TO_X12 = {"Freight": "D240", "Discount": "C310"}
X12_TO_CHARGE = {v: k for k, v in CHARGE_TO_X12.items()}
TERMS_TO_X12 = {
    "Basic": "01",
    "EndOfMonth": "02",
    "FixedDate": "04",
    "Proximo": "08",
    "PaymentDueUponReceiptOfInvoice": "14",
    "LetterofCredit": "10",
}
X12_TO_TERMS = {v: k for k, v in TERMS_TO_X12.items()}


# ---- value helpers -------------------------------------------------------------------------
def d8(value):
    return value.strftime("%Y%m%d") if value else ""


def hm(value):
    return value.astimezone(UTC).strftime("%H%M") if value else ""


@functools.lru_cache(maxsize=4096)
def parse_d8(text):
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8])) if len(text) == 8 else None
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def parse_dt(day, clock=""):
    parsed = parse_d8(day)
    if parsed is None:
        return None
    hh, mm = 0, 0
    if len(clock) >= 4 and clock[:4].isdigit():
        hh, mm = int(clock[:2]), int(clock[2:4])
        if hh > 23 or mm > 59:
            hh, mm = 0, 0
    return datetime.combine(parsed, time(hh, mm), tzinfo=UTC)


def dec(text):
    try:
        return Decimal(text) if text not in (None, "") else None
    except (InvalidOperation, ValueError):
        return None


def num(value):
    """Decimal/int -> X12 R value: no exponent, no trailing zeros past the point."""
    value = Decimal(value)
    text = format(value.normalize() if value == value.to_integral() else value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def cents(value):
    """Decimal money -> N2 implied-decimal text (161.25 -> 16125)."""
    return str(int((Decimal(value) * 100).quantize(Decimal(1))))


def from_cents(text):
    try:
        return Decimal(int(text)) / 100
    except (TypeError, ValueError):
        return None


def qty_int(text):
    value = dec(text)
    return int(value) if value is not None and value == value.to_integral() else None


def ids_from(seg, first, last):
    return ids_from_elements(seg.elements, first, last)


def ids_from_elements(els, first, last):
    """ProductIds (and the other qualifier/value pairs) of elements ``first``..``last``
    (1-based) of a segment's elements; the fast path shares it."""
    ids = domain.ProductIds()
    extra = {}
    for idx in range(first - 1, min(last, len(els) - 1), 2):
        qual, value = els[idx], els[idx + 1]
        if not qual or not value:
            continue
        if qual == "BP":
            ids.asin = value
        elif qual in ("VN", "VP", "SK"):
            ids.vendor_product_id = ids.vendor_product_id or value
        elif qual in ("EN", "UK"):
            ids.ean = ids.ean or value
        elif qual in ("UP", "UA"):
            ids.upc = ids.upc or value
        elif qual == "IB":
            ids.isbn = value
        else:
            extra[qual] = value
    return ids, extra


def id_pairs(ids):
    out = []
    for qual, value in (
        ("BP", ids.asin),
        ("VN", ids.vendor_product_id),
        ("EN", ids.ean),
        ("UP", ids.upc),
        ("IB", ids.isbn),
    ):
        if value:
            out += [qual, value]
    return out


def party_segments(role, party, qualifier="92"):
    if party is None:
        return []
    addr = party.address
    segs = [["N1", role, addr.name if addr else "", qualifier, party.party_id]]
    if addr:
        if addr.line1:
            segs.append(["N3", addr.line1, addr.line2 or ""])
        if addr.city or addr.postal_code or addr.country_code:
            segs.append(
                [
                    "N4",
                    addr.city or "",
                    addr.state or "",
                    addr.postal_code or "",
                    addr.country_code or "",
                ]
            )
    return segs


def party_from(node):
    n1 = node.head
    party_id = n1.get(4) or n1.get(2)
    addr = None
    n3, n4 = node.first("N3"), node.first("N4")
    if n3 or n4 or n1.get(2):
        addr = domain.Address(
            name=n1.get(2),
            line1=n3.get(1) if n3 else "",
            line2=(n3.get(2) or None) if n3 else None,
            country_code=n4.get(4) if n4 else "",
            city=(n4.get(1) or None) if n4 else None,
            state=(n4.get(2) or None) if n4 else None,
            postal_code=(n4.get(3) or None) if n4 else None,
        )
    return n1.get(1), domain.Party(party_id=party_id, address=addr)


def parties(node):
    return OrderedDict(party_from(n1) for n1 in node.loop("N1"))


class SetContext:
    """Adds Amazon-rule issues to a transaction with its envelope coordinates."""

    def __init__(self, tx):
        self.tx = tx

    def error(self, message, seg=None, element=None, ak4=None, severity="error", tag=None):
        tx = self.tx
        tx.issues.append(
            Issue(
                message,
                severity=severity,
                interchange=tx.interchange.control if tx.interchange else None,
                group=tx.group.control if tx.group else None,
                transaction=tx.control,
                set_id=tx.set_id,
                segment_id=seg.tag if seg else tag,
                segment_position=seg.position if seg else None,
                element=element,
                ak3="8" if ak4 else None,
                ak4=ak4,
                ak5=None if ak4 else "5",
                value=seg.get(element) if seg is not None and element else None,
            )
        )


def check_ctt(ctx, node, count, hash_total, what):
    ctt = node.first("CTT")
    if ctt is None:
        return
    if ctt.get(1) != str(count):
        ctx.error(f"CTT01 says {ctt.get(1)!r} {what}, the document has {count}", ctt, 1)
    if ctt.get(2) and dec(ctt.get(2)) != hash_total:
        ctx.error(
            f"CTT02 hash total {ctt.get(2)!r} differs from the quantities' sum {num(hash_total)}",
            ctt,
            2,
        )
