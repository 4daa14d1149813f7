"""One walk per clean ORDERS or DESADV: Amazon's rules and the domain object together.

The full path checks Amazon's rules (``rules.check_amazon``) and then builds the document
(``documents.PARSERS``), each reading every segment again through ``Segment.get``. For the
message that is clean — nearly all of them — both answers come out of one walk over the raw
segment texts here (``Message.plain_texts``: no release character, one set of delimiters):
the document when ``check_amazon`` would find nothing and the parser would build exactly
this object, None when unsure (a problem, an unusual shape). None sends the message down the
full path, which locates every problem. ``tests/test_edifact_fast_path`` proves the
equivalence on every single edit of the samples and on hypothesis-made variations.
"""

from dataclasses import fields

from .._vendor import domain, gs1
from .documents.desadv import read_weight, shipment_header
from .documents.orders import order_header
from .documents.shared import (
    CASE_UNITS,
    ID_QUALIFIERS,
    NO_COMPONENTS,
    ORDER_TYPES,
    PALLET_PACKAGES,
    TRANSPORT_MODES,
    parse_dtm_text,
    read_party,
)
from .rules import BGM_CODES, PARTY_ROLES, PRODUCT_QUALIFIERS, gtin_ok, is_shipment_level
from .syntax import Segment, num

_GTIN_QUALIFIERS = ("EN", "SRV", "UP")
_MODES = {v: k for k, v in TRANSPORT_MODES.items()}
# Header segments header_parties lets a following RFF+VA/FC still belong to the last NAD.
_PARTY_KEEP = frozenset(("LOC", "CTA", "COM", "DTM", "RFF"))


class _Readings(dict):
    """What recurring segment texts say (products, quantities, parties), per delimiters.

    Files repeat them: the same products and parties on every message. Readings are never
    changed (a LIN's keywords are only unpacked); every message builds its own domain objects
    from them. Bounded like the other memos: cleared when full.
    """

    __slots__ = ("read", "el", "co")

    def __init__(self, read, el, co):
        super().__init__()
        self.read, self.el, self.co = read, el, co

    def __missing__(self, text):
        if len(self) >= _READINGS_MAX:
            self.clear()
        value = self[text] = self.read(text.split(self.el), self.co)
        return value


_READINGS_MAX = 8192


class _Memos:
    """The readings of one pair of delimiters, one memo per segment tag."""

    __slots__ = ("nad", "dtm", "lin", "pia", "qty", "amount", "cps", "mea")

    def __init__(self, el, co):
        for name in self.__slots__:
            setattr(self, name, _Readings(_READS[name], el, co))


_MEMOS = {}


def _memos(delims):
    key = (delims.element, delims.component)
    memos = _MEMOS.get(key)
    if memos is None:
        memos = _MEMOS[key] = _Memos(*key)
    return memos


def forget():
    """Drop every reading (for measurements of files that repeat nothing, and tests)."""
    for memos in _MEMOS.values():
        for name in memos.__slots__:
            getattr(memos, name).clear()


def _read_lin(parts, co):
    """(element 1, its first component, ProductIds keywords, has an id), or False when
    Amazon's rules would flag the product id (``_check_ids``)."""
    comps = parts[3].split(co) if len(parts) > 3 else ()
    ids = {}
    if len(comps) > 1:
        value, qual = comps[0], comps[1]
        if value:
            if qual not in PRODUCT_QUALIFIERS:
                return False
            if qual in _GTIN_QUALIFIERS and not gtin_ok(value):
                return False
            ids = {ID_QUALIFIERS[qual]: value}
    elif comps and comps[0]:
        return False  # a value without its qualifier
    number = parts[1] if len(parts) > 1 else ""
    return number, number.split(co, 1)[0], ids, bool(comps and comps[0])


def _read_pia(parts, co):
    """Product ids as (attribute, value) pairs; False when Amazon's rules would flag one."""
    pairs = []
    for element in parts[2:]:
        comps = element.split(co)
        if len(comps) > 1:
            value, qual = comps[0], comps[1]
            if value and qual not in PRODUCT_QUALIFIERS:
                return False
            if value and qual in ID_QUALIFIERS:
                pairs.append((ID_QUALIFIERS[qual], value))
        elif comps[0]:
            return False
    return tuple(pairs)


def _read_qty(parts, co):
    """(qualifier, amount as documents.quantity reads it, amount > 0, unit)."""
    comps = (parts[1].split(co) if len(parts) > 1 else []) + NO_COMPONENTS
    amount, positive = _quantity(comps[1])
    return comps[0], amount, positive, "Cases" if comps[2] in CASE_UNITS else "Eaches"


def _read_dtm(parts, co):
    """(qualifier, date as ``documents.parse_dtm_text`` reads it)."""
    comps = (parts[1].split(co) if len(parts) > 1 else []) + NO_COMPONENTS
    return comps[0], parse_dtm_text(comps[1], comps[2] or "102")


def _read_amount(parts, co):
    """(qualifier, number or None) of a PRI or CNT."""
    comps = (parts[1].split(co) if len(parts) > 1 else []) + NO_COMPONENTS
    return comps[0], num(comps[1])


def _read_cps(parts, co):
    """(own number, parent number)."""
    n = len(parts)
    return (parts[1].split(co, 1)[0] if n > 1 else ""), (parts[2].split(co, 1)[0] if n > 2 else "")


def _read_mea(parts, co):
    """(measurement attribute, the Weight's value and unit as ``documents._read_weight``
    reads them; value None when there is no weight)."""
    weight = read_weight(Segment("MEA", [element.split(co) for element in parts[1:]]))
    qual = parts[2].split(co, 1)[0] if len(parts) > 2 else ""
    return (qual, None, None) if weight is None else (qual, weight.value, weight.unit)


def _weight(reading):
    return None if reading[1] is None else domain.Weight(reading[1], reading[2])


def _read_nad(parts, co):
    """(party role, party id, Address fields or None), as ``documents.read_party`` reads them."""
    role = parts[1].split(co, 1)[0] if len(parts) > 1 else ""
    if len(parts) <= 4:
        return role, parts[2].split(co, 1)[0] if len(parts) > 2 else "", None
    party = read_party(Segment("NAD", [element.split(co) for element in parts[1:]]))
    address = party.address
    if address is not None:
        address = tuple(getattr(address, f) for f in _ADDRESS_FIELDS)
    return role, party.party_id, address


_ADDRESS_FIELDS = [f.name for f in fields(domain.Address)]  # domain.Address(*values) in this order


_READS = {
    "nad": _read_nad,
    "dtm": _read_dtm,
    "lin": _read_lin,
    "pia": _read_pia,
    "qty": _read_qty,
    "amount": _read_amount,
    "cps": _read_cps,
    "mea": _read_mea,
}


def _set_ids(ids, pairs):
    """``documents.set_id`` for each pair: the first value of an attribute wins."""
    for attr, value in pairs:
        if not getattr(ids, attr):
            setattr(ids, attr, value)


def _quantity(text):
    """(amount as documents.quantity reads it, amount > 0 for the rules)."""
    if text.isdigit() and text.isascii():
        amount = int(text)
        return amount, amount > 0
    value = num(text)
    return (int(value) if value is not None else 0), (value or 0) > 0


class _Header:
    """What ``documents._header``/``header_parties`` and the rules read before the first line."""

    __slots__ = (
        "delims",
        "el",
        "co",
        "bgm",
        "dates",
        "parties",
        "last",
        "roles",
        "refs",
        "memos",
        "dtms",
    )

    def __init__(self, delims):
        self.delims = delims
        self.memos = _memos(delims)
        self.dtms = self.memos.dtm
        self.el, self.co = delims.element, delims.component
        self.bgm = None
        self.dates = {}
        self.parties = {}
        self.last = None
        self.roles = set()
        self.refs = []  # RFF element 1 components, in order

    def take(self, text, tag):
        """A header DTM or NAD, read from the memos without splitting ``text``: True when
        taken, False when the message must take the full path, None for other tags."""
        if tag == "DTM":
            qual, value = self.dtms[text]
            self.dates[qual] = value
            return True
        if tag != "NAD":
            return None
        role, party_id, address = self.memos.nad[text]
        if role not in PARTY_ROLES:
            return False
        self.roles.add(role)
        self.last = domain.Party(party_id, domain.Address(*address) if address else None)
        self.parties.setdefault(role, self.last)
        return True

    def read(self, text, tag, parts, co, codes):
        """One header segment other than DTM and NAD (``take`` reads those); False when the
        message must take the full path."""
        if tag == "RFF":
            comps = (parts[1].split(co) if len(parts) > 1 else []) + NO_COMPONENTS
            self.refs.append(comps)
            last = self.last
            if last is not None and comps[0] in ("VA", "FC"):
                last.tax_registration_type = "VAT"
                last.tax_registration_number = comps[1]
            return True
        if tag == "BGM" and self.bgm is None:
            self.bgm = parts
            n = len(parts)
            if n < 3 or parts[1].split(co, 1)[0] not in codes or not parts[2].split(co, 1)[0]:
                return False
        if tag not in _PARTY_KEEP:
            self.last = None
        return True

    def bgm_element(self, k, co):
        bgm = self.bgm
        return bgm[k].split(co, 1)[0] if len(bgm) > k else ""


def read_orders(texts, delims):  # noqa: C901 - one flat loop is the point
    """PurchaseOrder of a clean ORDERS body, or None (see module)."""
    h = _Header(delims)
    el, co = h.el, h.co
    po = domain.PurchaseOrder(number="", date=None, items=[])
    have_pri = have_cux = False
    codes = BGM_CODES["ORDERS"]
    i, nb = 0, len(texts)
    while i < nb:  # the header, up to the first LIN, UNS or CPS
        text = texts[i]
        tag = text[:3]
        if tag in ("LIN", "UNS", "CPS"):
            break
        i += 1
        taken = h.take(text, tag)
        if taken is not None:
            if not taken:
                return None
            continue
        parts = text.split(el)
        if tag == "RFF":
            comps = (parts[1].split(co) if len(parts) > 1 else []) + NO_COMPONENTS
            if comps[0] == "PD":
                po.deal_code = comps[1]
        elif tag == "CUX":
            have_cux = True
            comps = (parts[1].split(co) if len(parts) > 1 else []) + NO_COMPONENTS
            if comps[0] == "2":
                po.currency = comps[1]
        elif tag == "FTX":
            text = " ".join(c for c in (parts[4].split(co) if len(parts) > 4 else ()) if c)
            if text:
                po.notes.append(text)
        elif tag == "PRI":
            have_pri = True
        elif tag in ("PIA", "CNT"):
            return None  # read by the generic checks even before the first line
        if not h.read(text, tag, parts, co, codes):
            return None
    have_137 = "137" in h.dates
    seen = set()
    counts = []
    item = None  # the line being read
    has_id = has_qty = True
    after_uns = False
    n_items = 0
    memos = h.memos
    lins, pias, qtys, amounts = memos.lin, memos.pia, memos.qty, memos.amount
    while i < nb:
        text = texts[i]
        i += 1
        tag = text[:3]
        if after_uns:
            if tag == "CNT":
                qual, count = amounts[text]
                if qual == "2":
                    counts.append(count)
            elif tag == "DTM":
                have_137 = have_137 or h.dtms[text][0] == "137"
            elif tag == "PRI":
                have_pri = True
            elif tag in ("LIN", "PIA", "NAD", "CUX", "BGM", "CPS", "UNS"):
                return None
            continue
        if tag == "LIN":
            reading = lins[text]
            if not (reading and has_id and has_qty):
                return None
            number, _first, ids, has_id = reading
            if co in number or number in seen:
                return None
            seen.add(number)
            item = domain.PurchaseOrderItem(number, domain.ProductIds(**ids), domain.Quantity(0))
            po.items.append(item)
            n_items += 1
            has_qty = False
        elif tag == "QTY":
            qual, amount, positive, unit = qtys[text]
            if qual == "21":
                if not has_qty:
                    if not positive:
                        return None
                    has_qty = True
                item.ordered_quantity = domain.Quantity(amount, unit)
        elif tag == "PIA":
            pairs = pias[text]
            if pairs is False:
                return None
            _set_ids(item.ids, pairs)
            has_id = True
        elif tag == "PRI":
            have_pri = True
            qual, price = amounts[text]
            if price is not None and qual == "AAA":
                item.net_cost = price
            elif price is not None and qual == "AAB":
                item.list_price = price
        elif tag == "UNS":
            if not (has_id and has_qty):
                return None
            after_uns = True
        elif tag == "DTM":
            have_137 = have_137 or h.dtms[text][0] == "137"
        elif tag in ("NAD", "CNT", "CPS", "CUX", "BGM"):
            return None  # after the header: rare, and read differently by each path
    if not (has_id and has_qty):
        return None
    roles = h.roles
    if not (
        h.bgm is not None
        and have_137
        and n_items
        and "BY" in roles
        and "SU" in roles
        and ("DP" in roles or "ST" in roles)
        and not (have_pri and not have_cux)
        and all(c is None or c == n_items for c in counts)
    ):
        return None
    po.number = h.bgm_element(2, co)
    po.order_type = ORDER_TYPES.get(h.bgm_element(1, co), "RegularOrder")
    order_header(po, h.dates, h.parties)
    currency = po.currency or "EUR"
    for line in po.items:
        if line.net_cost is not None:
            line.net_cost = domain.Money(line.net_cost, currency)
        if line.list_price is not None:
            line.list_price = domain.Money(line.list_price, currency)
    return po


def read_desadv(texts, delims):  # noqa: C901 - one flat loop is the point
    """Shipment of a clean DESADV body, or None (see module)."""
    h = _Header(delims)
    el, co = h.el, h.co
    asn = domain.Shipment(
        shipment_id="",
        confirmation_date=None,
        shipped_date=None,
        selling_party=None,
        ship_from_party=None,
        ship_to_party=None,
        items=[],
    )
    codes = BGM_CODES["DESADV"]
    have_on = False
    meas = h.memos.mea
    i, nb = 0, len(texts)
    while i < nb:  # the header, up to the first CPS
        text = texts[i]
        tag = text[:3]
        if tag == "CPS":
            break
        i += 1
        if tag in _NOT_IN_HEADER:
            return None  # a line or package part before the first CPS
        taken = h.take(text, tag)
        if taken is not None:
            if not taken:
                return None
            continue
        parts = text.split(el)
        if tag == "TDT":
            n = len(parts)
            asn.carrier_scac = (parts[5].split(co, 1)[0] if n > 5 else "") or None
            asn.transportation_mode = _MODES.get(parts[3].split(co, 1)[0] if n > 3 else "")
        elif tag == "MEA":
            reading = meas[text]
            if reading[0] == "AAD":
                asn.gross_weight = _weight(reading)
        if not h.read(text, tag, parts, co, codes):
            return None
    refs = {}
    for comps in h.refs:
        refs.setdefault(comps[0], comps[1])
        have_on = have_on or comps[0] == "ON"
    have_11 = "11" in h.dates
    header_po = refs.get("ON")
    counts = []
    n_lines = 0
    cps_ids = {}  # own number -> [has PAC, has SSCC]
    packages = []
    package = None  # [own, parent, PAC raw, SSCC, weight, lines, SSCC read, weight read]
    line = None  # [seq, ids, quantity, po number, lot, has QTY+12]
    current = None  # the cps_ids entry a PAC or GIN+BJ counts for (None after a LIN)
    after_cnt = False
    dtms = h.dtms
    memos = h.memos
    cpss, lins, pias, qtys = memos.cps, memos.lin, memos.pia, memos.qty
    for text in texts[i:]:
        tag = text[:3]
        if tag == "PCI":
            if line is not None and line[4] is None:
                line[4] = domain.Lot()
            elif after_cnt:
                return None
        elif tag == "RFF":
            parts = text.split(el)
            comps = (parts[1].split(co) if len(parts) > 1 else []) + NO_COMPONENTS
            if comps[0] == "ON":
                have_on = True
                if line is not None:
                    line[3] = comps[1] or line[3]
                    line[0] = comps[2] or line[0]
        elif tag == "DTM":
            qual, value = dtms[text]
            have_11 = have_11 or qual == "11"
            if line is not None and line[4] is not None and qual in ("361", "94"):
                if value and qual == "361":
                    line[4].expiry_date = value.date()
                elif value:
                    line[4].manufacture_date = value.date()
        elif after_cnt:
            return None
        elif tag == "LIN":
            reading = lins[text]
            if not reading or (line is not None and not line[5]):
                return None
            n_lines += 1
            # no QTY+12 yet: a quantity of 0
            line = [reading[1], domain.ProductIds(**reading[2]), None, header_po, None, False]
            package[5].append(line)
            current = None
        elif tag == "QTY":
            if line is None:
                continue
            qual, amount, positive, unit = qtys[text]
            if qual == "12":
                if not line[5]:
                    if not positive:
                        return None
                    line[5] = True
                line[2] = domain.Quantity(amount, unit)
        elif tag == "PIA":
            pairs = pias[text]
            if line is None or pairs is False:
                return None
            _set_ids(line[1], pairs)
        elif tag == "GIN":
            parts = text.split(el)
            n = len(parts)
            qual = parts[1].split(co, 1)[0] if n > 1 else ""
            if qual == "BJ":
                comps = parts[2].split(co) if n > 2 else []
                for value in comps[:2]:
                    if value and not gs1.is_valid_sscc(value):
                        return None
                if current is not None:
                    current[1] = True
                if line is None and not package[6]:
                    package[3], package[6] = (comps[0] if comps else ""), True
            elif qual == "BX" and line is not None and line[4] is not None:
                line[4].lot_number = parts[2].split(co, 1)[0] if n > 2 else ""
        elif tag == "CPS":
            if line is not None and not line[5]:
                return None
            own, parent = cpss[text]
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
        elif tag == "PAC":
            if package[2] is None:
                package[2] = text.split(el)
            if current is not None and not is_shipment_level(package[0], package[1]):
                current[0] = True
        elif tag == "MEA":
            if line is None and not package[7]:
                package[4], package[7] = _weight(meas[text]), True
        elif tag == "CNT":
            if line is not None and not line[5]:
                return None
            line = current = None
            after_cnt = True
            qual, count = memos.amount[text]
            if qual == "2":
                counts.append(count)
        elif tag in ("NAD", "UNS", "BGM"):
            return None
    if line is not None and not line[5]:
        return None
    if not (
        h.bgm is not None
        and have_11
        and have_on
        and n_lines
        and all(c is None or c == n_lines for c in counts)
        and all(sscc or not pac for pac, sscc in cps_ids.values())
    ):
        return None
    asn.shipment_id = h.bgm_element(2, co)
    if h.bgm_element(3, co) == "5":
        asn.confirmation_type = "Replace"
    shipment_header(asn, h.dates, refs, h.parties)
    pallets, n_cartons, items = {}, 0, {}
    for own, parent, pac, sscc, weight, lines, _sscc_read, _weight_read in packages:
        container_items = []
        for seq, ids, ci_qty, po_number, lot, _qty_seen in lines:
            if ci_qty is None:
                ci_qty = domain.Quantity(0)
            item = items.get(seq)
            if item is None:
                item = items[seq] = domain.ShipmentItem(
                    seq, ids, domain.Quantity(0, ci_qty.unit), po_number, lot
                )
                asn.items.append(item)
            item.quantity.amount += ci_qty.amount
            container_items.append(domain.ContainerItem(seq, ci_qty, lot))
        if pac is None or is_shipment_level(own, parent):
            continue
        if (pac[3].split(co, 1)[0] if len(pac) > 3 else "") in PALLET_PACKAGES:
            pallet = pallets[own] = domain.Pallet(
                sscc=sscc or "", items=container_items, weight=weight
            )
            asn.pallets.append(pallet)
        else:
            n_cartons += 1
            carton = domain.Carton(sequence=str(n_cartons), sscc=sscc, items=container_items)
            carton.weight = weight
            if parent in pallets:
                pallets[parent].cartons.append(carton)
            else:
                asn.cartons.append(carton)
    return asn


# Segments of lines and packages: the full path reads them differently before the first CPS.
_NOT_IN_HEADER = frozenset(("LIN", "UNS", "PIA", "QTY", "PAC", "GIN", "CNT", "PCI"))

READERS = {"ORDERS": read_orders, "DESADV": read_desadv}
