"""One walk per clean ORDERS or DESADV: Amazon's rules and the domain object together.

The generic road checks Amazon's rules (``rules._check_amazon``) and then builds the document
(``documents.PARSERS``), each reading every segment again through ``Segment.get``. For the
message that is clean — nearly all of them — both answers come out of one walk over the raw
text here: the document when ``_check_amazon`` would find nothing and the parser would build
exactly this object, None when unsure (escaped text, a problem, an unusual shape). None sends
the message down the generic road, which locates every problem. ``tests/test_edifact_onepass``
proves the equivalence on every single edit of the samples and on hypothesis-made variations.
"""

from . import documents as D
from .documents import _NO_COMPONENTS, CASE_UNITS, PALLET_PACKAGES, TRANSPORT_MODES, num
from .rules import BGM_CODES, PARTY_ROLES, PRODUCT_QUALIFIERS, _gtin_ok, gs1

d = D.d
_parse_dtm = D._parse_dtm
_set_id = D.set_id
_GTIN_QUALIFIERS = ("EN", "SRV", "UP")
_MODES = {v: k for k, v in TRANSPORT_MODES.items()}
# Header segments _parties lets a following RFF+VA/FC still belong to the last NAD.
_PARTY_KEEP = frozenset(("LOC", "CTA", "COM", "DTM", "RFF"))


def _ids_ok(parts, co):
    """LIN/PIA product ids: known qualifiers, GTIN check digits (``rules._check_ids``)."""
    if parts[0] == "LIN":
        comps = parts[3].split(co) if len(parts) > 3 else [""]
        value = comps[0]
        if value:
            qual = comps[1] if len(comps) > 1 else ""
            if qual not in PRODUCT_QUALIFIERS:
                return False
            if qual in _GTIN_QUALIFIERS and not _gtin_ok(value):
                return False
        return True
    for element in parts[2:]:
        comps = element.split(co)
        if comps[0] and (len(comps) < 2 or comps[1] not in PRODUCT_QUALIFIERS):
            return False
    return True


def _read_ids(parts, co, ids):
    """``documents.read_ids`` on split text."""
    if parts[0] == "LIN":
        comps = parts[3].split(co) if len(parts) > 3 else ()
        if len(comps) > 1:
            _set_id(ids, comps[1], comps[0])
    else:
        for element in parts[2:]:
            comps = element.split(co)
            if len(comps) > 1:
                _set_id(ids, comps[1], comps[0])


def _first(parts, n, co, k):
    """First component of element ``k`` ('' when absent)."""
    return parts[k].split(co, 1)[0] if n > k else ""


def _dtm(parts, n, co):
    comps = (parts[1].split(co) if n > 1 else []) + _NO_COMPONENTS
    return comps[0], _parse_dtm(comps[1], comps[2] or "102")


class _Header:
    """What ``documents._header``/``_parties`` read before the first line, in one object."""

    __slots__ = ("bgm", "dates", "parties", "last", "roles")

    def __init__(self):
        self.bgm = None
        self.dates = {}
        self.parties = {}
        self.last = None
        self.roles = set()

    def party(self, seg, parts, n, co):
        """NAD; False when its role is not one Amazon uses."""
        role = _first(parts, n, co, 1)
        if role not in PARTY_ROLES:
            return False
        self.roles.add(role)
        self.last = D.read_party(seg)
        self.parties.setdefault(seg.get(1), self.last)
        return True

    def tax_id(self, comps):
        if self.last is not None and comps[0] in ("VA", "FC"):
            self.last.tax_registration_type = "VAT"
            self.last.tax_registration_number = comps[1]


def _split_body(body):
    """(element separator, component separator) when every segment is plain text, else None."""
    if not body:
        return None
    delims = body[0]._delims
    if delims is None:
        return None
    rel = delims.release
    for seg in body:
        raw = seg.raw
        if raw is None or (rel and rel in raw) or seg._delims is not delims:
            return None
    return delims.element, delims.component


def read_orders(body):  # noqa: C901 - one flat loop is the point
    """PurchaseOrder of a clean ORDERS body, or None (see module)."""
    seps = _split_body(body)
    if seps is None:
        return None
    el, co = seps
    h = _Header()
    po = d.PurchaseOrder(number="", date=None, items=[])
    seen = set()
    counts = []
    item = None  # the line being read
    has_id = has_qty = in_header = True
    have_pri = have_cux = have_137 = False
    after_uns = False
    for seg in body:
        parts = seg.raw.split(el)
        n = len(parts)
        tag = parts[0]
        if tag == "PRI":
            have_pri = True
        elif tag == "CUX":
            have_cux = True
        if tag == "LIN":
            if after_uns or (item is not None and not (has_id and has_qty)):
                return None
            in_header = False
            number = parts[1] if n > 1 else ""
            if co in number or number in seen:
                return None
            seen.add(number)
            if not _ids_ok(parts, co):
                return None
            item = d.PurchaseOrderItem(
                sequence=number, ids=d.ProductIds(), ordered_quantity=d.Quantity(0)
            )
            po.items.append(item)
            _read_ids(parts, co, item.ids)
            has_id = bool(_first(parts, n, co, 3))
            has_qty = False
            continue
        if tag == "NAD":
            if not h.party(seg, parts, n, co):
                return None
            if not in_header:
                return None
            continue
        if tag == "DTM":
            qual, value = _dtm(parts, n, co)
            have_137 = have_137 or qual == "137"
            if in_header:
                h.dates[qual] = value
            continue
        if in_header:
            if tag in ("UNS", "CPS"):
                in_header = False
            elif tag == "BGM":
                if h.bgm is None:
                    h.bgm = parts
                    if _first(parts, n, co, 1) not in BGM_CODES["ORDERS"]:
                        return None
                    if not _first(parts, n, co, 2):
                        return None
                h.last = None
                continue
            elif tag == "RFF":
                comps = (parts[1].split(co) if n > 1 else []) + _NO_COMPONENTS
                if comps[0] == "PD":
                    po.deal_code = comps[1]
                h.tax_id(comps)
                continue
            elif tag == "CUX":
                comps = (parts[1].split(co) if n > 1 else []) + _NO_COMPONENTS
                if comps[0] == "2":
                    po.currency = comps[1]
            elif tag == "FTX":
                text = " ".join(c for c in (parts[4].split(co) if n > 4 else ()) if c)
                if text:
                    po.notes.append(text)
            elif tag in ("PIA", "CNT"):
                return None  # read by the generic checks even before the first line
            if tag not in _PARTY_KEEP:
                h.last = None
            if in_header:
                continue
        if tag == "PIA":
            if item is None or after_uns or not _ids_ok(parts, co):
                return None
            _read_ids(parts, co, item.ids)
            has_id = True
        elif tag == "QTY":
            if item is None or after_uns:
                continue
            comps = (parts[1].split(co) if n > 1 else []) + _NO_COMPONENTS
            if comps[0] == "21":
                if not has_qty:
                    if (num(comps[1]) or 0) <= 0:
                        return None
                    has_qty = True
                amount = num(comps[1])
                item.ordered_quantity = d.Quantity(
                    int(amount) if amount is not None else 0,
                    "Cases" if comps[2] in CASE_UNITS else "Eaches",
                )
        elif tag == "PRI":
            if item is None or after_uns:
                continue
            comps = (parts[1].split(co) if n > 1 else []) + _NO_COMPONENTS
            price = num(comps[1])
            if price is not None and comps[0] == "AAA":
                item.net_cost = price
            elif price is not None and comps[0] == "AAB":
                item.list_price = price
        elif tag == "UNS":
            if item is not None and not (has_id and has_qty):
                return None
            after_uns = True
        elif tag == "CNT":
            if not after_uns:
                return None
            comps = (parts[1].split(co) if n > 1 else []) + _NO_COMPONENTS
            if comps[0] == "2":
                counts.append(num(comps[1]))
        elif tag in ("CPS", "CUX", "BGM"):
            return None  # outside the header: rare, and read differently by each road
    if item is not None and not (has_id and has_qty):
        return None
    roles = h.roles
    if not (
        h.bgm is not None
        and have_137
        and po.items
        and "BY" in roles
        and "SU" in roles
        and ("DP" in roles or "ST" in roles)
        and not (have_pri and not have_cux)
        and all(c is None or c == len(po.items) for c in counts)
    ):
        return None
    bgm = h.bgm
    po.number = _first(bgm, len(bgm), co, 2)
    po.order_type = D.ORDER_TYPES.get(_first(bgm, len(bgm), co, 1), "RegularOrder")
    window = h.dates
    po.date = window.get("137")
    if "64" in window or "63" in window:
        start = window.get("64") or window.get("63")
        po.delivery_window = (start, window.get("63") or start)
    elif "2" in window:
        po.delivery_window = (window["2"], window["2"])
    parties = h.parties
    po.buying_party = parties.get("BY")
    po.selling_party = parties.get("SU")
    po.ship_to_party = parties.get("DP") or parties.get("ST")
    po.bill_to_party = parties.get("IV")
    currency = po.currency or "EUR"
    for line in po.items:
        if line.net_cost is not None:
            line.net_cost = d.Money(line.net_cost, currency)
        if line.list_price is not None:
            line.list_price = d.Money(line.list_price, currency)
    return po


def read_desadv(body):  # noqa: C901 - one flat loop is the point
    """Shipment of a clean DESADV body, or None (see module)."""
    seps = _split_body(body)
    if seps is None:
        return None
    el, co = seps
    h = _Header()
    asn = d.Shipment(
        shipment_id="",
        confirmation_date=None,
        shipped_date=None,
        selling_party=None,
        ship_from_party=None,
        ship_to_party=None,
        items=[],
    )
    refs = {}
    have_11 = have_on = False
    counts = []
    n_lines = 0
    cps_ids = {}  # own number -> [has PAC, has SSCC]
    packages = []  # (own, parent, PAC parts, SSCC, weight, lines)
    package = None  # [own, parent, pac, sscc, weight, lines, rule state]
    line = None  # [seq, ids, quantity, po number, lot, has QTY+12]
    current = None  # cps_ids entry GIN+BJ / PAC count for (None after a LIN)
    in_header = True
    after_cnt = False
    for seg in body:
        parts = seg.raw.split(el)
        n = len(parts)
        tag = parts[0]
        if tag == "DTM":
            qual, value = _dtm(parts, n, co)
            have_11 = have_11 or qual == "11"
            if in_header:
                h.dates[qual] = value
            elif line is not None and line[4] is not None and value:
                if qual == "361":
                    line[4].expiry_date = value.date()
                elif qual == "94":
                    line[4].manufacture_date = value.date()
            continue
        if tag == "RFF":
            comps = (parts[1].split(co) if n > 1 else []) + _NO_COMPONENTS
            have_on = have_on or comps[0] == "ON"
            if in_header:
                refs.setdefault(comps[0], comps[1])
                h.tax_id(comps)
            elif line is not None and comps[0] == "ON":
                line[3] = comps[1] or line[3]
                line[0] = comps[2] or line[0]
            continue
        if tag == "NAD":
            if not h.party(seg, parts, n, co) or not in_header:
                return None
            continue
        if in_header:
            if tag == "CPS":
                in_header = False
            elif tag in ("LIN", "UNS", "PIA", "QTY", "PAC", "GIN", "CNT", "PCI"):
                return None  # a line or package part before the first CPS
            else:
                if tag == "BGM":
                    if h.bgm is None:
                        h.bgm = parts
                        if _first(parts, n, co, 1) not in BGM_CODES["DESADV"]:
                            return None
                        if not _first(parts, n, co, 2):
                            return None
                elif tag == "TDT":
                    asn.carrier_scac = _first(parts, n, co, 5) or None
                    asn.transportation_mode = _MODES.get(_first(parts, n, co, 3))
                elif tag == "MEA" and _first(parts, n, co, 2) == "AAD":
                    asn.gross_weight = D._read_weight(seg)
                if tag not in _PARTY_KEEP:
                    h.last = None
                continue
        if after_cnt:
            return None
        if tag == "CPS":
            if line is not None and not line[5]:
                return None
            own = _first(parts, n, co, 1)
            parent = _first(parts, n, co, 2)
            if not cps_ids and (own != "1" or parent):
                return None
            if own in cps_ids or (parent and parent not in cps_ids):
                return None
            if not parent and own != "1":
                return None
            current = cps_ids[own] = [False, False]
            line = None
            package = [own, parent, None, None, None, [], False, False]
            packages.append(package)
        elif tag == "LIN":
            if line is not None and not line[5]:
                return None
            if not _ids_ok(parts, co):
                return None
            n_lines += 1
            ids = d.ProductIds()
            _read_ids(parts, co, ids)
            line = [_first(parts, n, co, 1), ids, d.Quantity(0), refs.get("ON"), None, False]
            package[5].append(line)
            current = None
        elif tag == "PIA":
            if line is None or not _ids_ok(parts, co):
                return None
            _read_ids(parts, co, line[1])
        elif tag == "QTY":
            if line is None:
                continue
            comps = (parts[1].split(co) if n > 1 else []) + _NO_COMPONENTS
            if comps[0] == "12":
                if not line[5]:
                    if (num(comps[1]) or 0) <= 0:
                        return None
                    line[5] = True
                amount = num(comps[1])
                line[2] = d.Quantity(
                    int(amount) if amount is not None else 0,
                    "Cases" if comps[2] in CASE_UNITS else "Eaches",
                )
        elif tag == "PAC":
            if package[2] is None:
                package[2] = parts
            if current is not None:
                current[0] = True
        elif tag == "GIN":
            if _first(parts, n, co, 1) == "BJ":
                comps = parts[2].split(co) if n > 2 else []
                for value in comps[:2]:
                    if value and gs1.validate_sscc(value):
                        return None
                if current is not None:
                    current[1] = True
                if line is None and not package[6]:
                    package[3], package[6] = (comps[0] if comps else ""), True
            elif line is not None and line[4] is not None and _first(parts, n, co, 1) == "BX":
                line[4].lot_number = _first(parts, n, co, 2)
        elif tag == "MEA":
            if line is None and not package[7]:
                package[4], package[7] = D._read_weight(seg), True
        elif tag == "PCI":
            if line is not None and line[4] is None:
                line[4] = d.Lot()
        elif tag == "CNT":
            if line is not None and not line[5]:
                return None
            line = current = None
            after_cnt = True
            comps = (parts[1].split(co) if n > 1 else []) + _NO_COMPONENTS
            if comps[0] == "2":
                counts.append(num(comps[1]))
        elif tag in ("UNS", "BGM"):
            return None
    if line is not None and not line[5]:
        return None
    bgm = h.bgm
    if not (
        bgm is not None
        and have_11
        and have_on
        and n_lines
        and all(c is None or c == n_lines for c in counts)
        and all(sscc or not pac for pac, sscc in cps_ids.values())
    ):
        return None
    asn.shipment_id = _first(bgm, len(bgm), co, 2)
    if _first(bgm, len(bgm), co, 3) == "5":
        asn.confirmation_type = "Replace"
    dates = h.dates
    asn.confirmation_date = dates.get("137")
    asn.shipped_date = dates.get("11")
    asn.estimated_delivery_date = dates.get("132")
    asn.bill_of_lading = refs.get("BM")
    asn.pro_number = refs.get("CN")
    asn.amazon_reference_number = refs.get("ACD")
    parties = h.parties
    asn.selling_party = parties.get("SU")
    asn.ship_from_party = parties.get("SF")
    asn.ship_to_party = parties.get("DP") or parties.get("ST")
    pallets, n_cartons, items = {}, 0, {}
    for own, parent, pac, sscc, weight, lines, _sscc_seen, _weight_seen in packages:
        container_items = []
        for seq, ids, ci_qty, po_number, lot, _qty_seen in lines:
            item = items.get(seq)
            if item is None:
                item = items[seq] = d.ShipmentItem(
                    seq, ids, d.Quantity(0, ci_qty.unit), po_number, lot
                )
                asn.items.append(item)
            item.quantity.amount += ci_qty.amount
            container_items.append(d.ContainerItem(seq, ci_qty, lot))
        if pac is None:
            continue
        if _first(pac, len(pac), co, 3) in PALLET_PACKAGES:
            pallet = pallets[own] = d.Pallet(sscc=sscc or "", items=container_items, weight=weight)
            asn.pallets.append(pallet)
        else:
            n_cartons += 1
            carton = d.Carton(sequence=str(n_cartons), sscc=sscc, items=container_items)
            carton.weight = weight
            if parent in pallets:
                pallets[parent].cartons.append(carton)
            else:
                asn.cartons.append(carton)
    return asn


READERS = {"ORDERS": read_orders, "DESADV": read_desadv}
