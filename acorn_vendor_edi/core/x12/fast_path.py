"""One walk per clean 856: element checks, Amazon's rules and the Shipment together.

The full path builds a ``Segment`` per segment, checks the elements, fits the segments to
the loop structure (``structure.match``, a tree of ``Node``), then the ``_AsnReader`` of
``documents/ship_notice_856.py`` walks that tree to check Amazon's rules (HL hierarchy, SSCC
check digits, CTT totals) and build the Shipment, reading every element again through
``Segment.get``. For the ASN that is clean —
nearly all of them — the same answers come out of one walk over the raw segment text here:
the Shipment when the compiled element patterns vouch for every segment, the segment order has
no error and Amazon's rules find nothing; None when unsure (a problem, an unusual shape, an
exception). None sends the set down the full path, which locates every problem.
``tests/test_x12_fast_path.py`` proves the equivalence on every single edit of the sample ASN
and on hypothesis-made variations.
"""

from decimal import Decimal

from .._vendor import domain, gs1
from .documents.shared import (
    X12_TO_MODE,
    X12_TO_UOM,
    X12_TO_WEIGHT,
    dec,
    ids_from_elements,
    parse_d8,
    parse_dt,
)
from .documents.ship_notice_856 import HL_PARENTS, add_item
from .structure import plan

_EMPTY = ("",) * 32
# Segments the 856's compiled patterns vouched for, by element separator: files repeat most
# segments (HL levels, LIN, SN1, parties, carriers) thousands of times. Bounded: emptied when
# full.
_VOUCHED = {}
_VOUCHED_LIMIT = 4096


def _ids(parts):
    """``documents.shared.ids_from(lin, 2, 30)`` on the split LIN (tag at index 0)."""
    return ids_from_elements(parts[1:], 2, 30)


def _party(n1, n3, n4):
    """``documents.shared.party_from`` on split N1/N3/N4 (padded with empty elements)."""
    addr = None
    if n3 is not None or n4 is not None or n1[2]:
        addr = domain.Address(
            name=n1[2],
            line1=n3[1] if n3 is not None else "",
            line2=(n3[2] or None) if n3 is not None else None,
            country_code=n4[4] if n4 is not None else "",
            city=(n4[1] or None) if n4 is not None else None,
            state=(n4[2] or None) if n4 is not None else None,
            postal_code=(n4[3] or None) if n4 is not None else None,
        )
    return domain.Party(party_id=n1[4] or n1[2], address=addr)


class _Asn:
    """What the full path's ``_AsnReader`` gathers, filled level by level as the HL loops end."""

    __slots__ = (
        "levels",
        "po_of",
        "items",
        "cartons",
        "carton_by_hl",
        "pallets",
        "sn1_total",
    )

    def __init__(self):
        self.levels = {}
        self.po_of = {}
        self.items = {}
        self.cartons = []
        self.carton_by_hl = {}
        self.pallets = {}
        self.sn1_total = Decimal(0)

    def level(self, hl, prf, man, lin, sn1, dtms):
        """``_AsnReader.hl`` for one finished HL loop below S; False when it finds a problem."""
        n = len(hl)
        hid = hl[1] if n > 1 else ""
        parent = hl[2] if n > 2 else ""
        level = hl[3] if n > 3 else ""
        levels = self.levels
        if hid in levels or (parent and parent not in levels):
            return False
        parent_level = levels.get(parent) if parent else None
        allowed = HL_PARENTS.get(level)
        if allowed is not None and parent_level not in allowed:
            return False
        levels[hid] = level
        po = self.po_of.get(parent)
        if level == "I":
            return self.item(parent, parent_level, po, lin, sn1, dtms)
        if level == "S":
            return False  # a second S level
        if level == "O":
            if prf is None:
                return False
            po = prf[1] if len(prf) > 1 else ""
        self.po_of[hid] = po
        if level == "T" or level == "P":
            if man is None:
                return False
            sscc = man[2] if len(man) > 2 else ""
            if not gs1.is_valid_sscc(sscc):
                return False
            if level == "T":
                self.pallets[hid] = domain.Pallet(sscc=sscc or "")
            else:
                carton = domain.Carton(sequence=str(len(self.cartons) + 1), sscc=sscc, items=[])
                self.cartons.append((parent, carton))
                self.carton_by_hl[hid] = carton
        return True

    def item(self, parent, parent_level, po, lin, sn1, dtms):
        if lin is None or sn1 is None:
            return False
        ids, extra = _ids(lin)
        n = len(sn1)
        text = sn1[2] if n > 2 else ""
        if text.isdigit():
            amount = int(text)
            self.sn1_total += amount
        else:
            value = dec(text)
            amount = int(value) if value is not None and value == value.to_integral() else None
            amount = amount or 0
            self.sn1_total += value or 0
        unit = X12_TO_UOM.get(sn1[3] if n > 3 else "", "Eaches")
        qty = domain.Quantity(amount, unit)
        lot = None
        if extra or dtms:
            when = {}
            for dtm in dtms:
                m = len(dtm)
                when[dtm[1] if m > 1 else ""] = parse_d8(dtm[2] if m > 2 else "")
            if extra.get("LT") or when.get("036") or when.get("094"):
                lot = domain.Lot(extra.get("LT"), when.get("036"), when.get("094"))
        add_item(self, po, ids, qty, lot, parent, parent_level)
        return True


def read_856(body, sep, fast, sender):
    """Shipment of a clean 856 body (raw segments between ST and SE), or None (see module).

    ``fast`` is the set's table of compiled element patterns, ``sender`` ISA06.
    """
    try:
        return _read_856(body, sep, fast, sender)
    except Exception:  # the full path reports what went wrong, where
        return None


def _read_856(body, sep, fast, sender):  # noqa: C901 - one flat loop is the point
    tags = []
    add_tag = tags.append
    asn = _Asn()
    level = asn.level
    bsn = ctt = None
    root_dtms = []
    # The HL loop being read: its HL and the segments _AsnReader looks at.
    hl = prf = man = lin = sn1 = None
    dtms = []
    # The shipment (S) level: found once, its TD1/TD5/REF and N1 loops kept.
    ship = None
    in_ship = False
    td1 = td5 = None
    refs = {}
    who = {}
    n1 = n3 = n4 = None
    vouched = _VOUCHED.get(sep)
    if vouched is None or len(vouched) > _VOUCHED_LIMIT:
        vouched = _VOUCHED[sep] = set()
    for raw in body:
        parts = raw.split(sep)
        tag = parts[0]
        if raw not in vouched:
            rx = fast.get(tag)
            if rx is None or rx.fullmatch(raw) is None:
                return None
            vouched.add(raw)
        add_tag(tag)
        if tag == "HL":
            if hl is not None and not in_ship:
                if not level(hl, prf, man, lin, sn1, dtms):
                    return None
            elif in_ship:
                if n1 is not None:
                    who[n1[1]] = _party(n1, n3, n4)
                    n1 = None
                in_ship = False
            hl = parts
            prf = man = lin = sn1 = None
            dtms = []
            if len(parts) > 3 and parts[3] == "S":
                # _AsnReader.hl for the S level, at once: the loop's PRF is checked at its end
                hid = parts[1]
                parent = parts[2]
                if ship is not None or hid in asn.levels or parent:
                    return None
                asn.levels[hid] = "S"
                asn.po_of[hid] = asn.po_of.get(parent)
                ship = parts
                in_ship = True
            continue
        if tag == "MAN":
            if man is None and len(parts) > 1 and parts[1] == "GM":
                man = parts
        elif tag == "LIN":
            lin = parts
        elif tag == "SN1":
            sn1 = parts
        elif tag == "DTM":
            if hl is None:
                root_dtms.append(parts)
            elif n1 is None:
                dtms.append(parts)
        elif tag == "PRF":
            if in_ship:
                return None  # PRF belongs to the O level
            if prf is None:
                prf = parts
        elif tag == "CTT":
            ctt = parts
        elif tag == "BSN":
            bsn = parts
        elif in_ship:
            if tag == "N1":
                if n1 is not None:
                    who[n1[1]] = _party(n1, n3, n4)
                n1 = parts + list(_EMPTY[: max(0, 5 - len(parts))])
                n3 = n4 = None
            elif n1 is not None:
                if tag == "N3":
                    if n3 is None:
                        n3 = parts + list(_EMPTY[: max(0, 3 - len(parts))])
                elif tag == "N4" and n4 is None:
                    n4 = parts + list(_EMPTY[: max(0, 5 - len(parts))])
            elif tag == "REF":
                refs[parts[1] if len(parts) > 1 else ""] = parts[2] if len(parts) > 2 else ""
            elif tag == "TD1":
                if td1 is None:
                    td1 = parts
            elif tag == "TD5":
                if td5 is None:
                    td5 = parts
    if hl is not None and not in_ship:
        if not level(hl, prf, man, lin, sn1, dtms):
            return None
    elif in_ship and n1 is not None:
        who[n1[1]] = _party(n1, n3, n4)
    if plan("856", tuple(tags))[1] or ship is None or bsn is None:
        return None  # the segment order has a problem, or no S level: the full path says
    if ctt is not None:
        n = len(ctt)
        if (ctt[1] if n > 1 else "") != str(len(asn.levels)):
            return None
        total = ctt[2] if n > 2 else ""
        if total and dec(total) != asn.sn1_total:
            return None
    return _shipment(asn, bsn, root_dtms, refs, who, td1, td5, sender)


def _shipment(asn, bsn, root_dtms, refs, who, td1, td5, sender):
    """``_AsnReader.shipment`` from what the walk gathered."""
    dtm = {}
    for d in root_dtms:
        d = d + ["", "", ""]
        dtm[d[1]] = parse_dt(d[2], d[3])
    loose = []
    levels, pallets = asn.levels, asn.pallets
    for parent, carton in asn.cartons:
        if levels.get(parent) == "T":
            pallets[parent].cartons.append(carton)
        else:
            loose.append(carton)
    weight = None
    if td1 is not None:
        td1 = td1 + list(_EMPTY[:9])
        if dec(td1[7]) is not None:
            weight = domain.Weight(dec(td1[7]), X12_TO_WEIGHT.get(td1[8], "Lb"))
    scac = mode = None
    if td5 is not None:
        td5 = td5 + list(_EMPTY[:5])
        scac, mode = td5[3] or None, X12_TO_MODE.get(td5[4])
    bsn = bsn + list(_EMPTY[:5])
    confirmed = parse_dt(bsn[3], bsn[4])
    return domain.Shipment(
        shipment_id=bsn[2],
        confirmation_date=confirmed,
        shipped_date=dtm.get("011") or confirmed,
        selling_party=domain.Party(sender),
        ship_from_party=who.get("SF") or domain.Party(""),
        ship_to_party=who.get("ST") or domain.Party(""),
        items=list(asn.items.values()),
        pallets=list(pallets.values()),
        cartons=loose,
        confirmation_type="Replace" if bsn[1] == "05" else "Original",
        carrier_scac=scac,
        transportation_mode=mode,
        pro_number=refs.get("CN"),
        bill_of_lading=refs.get("BM"),
        amazon_reference_number=refs.get("BX"),
        estimated_delivery_date=dtm.get("017"),
        gross_weight=weight,
    )


READERS = {"856": read_856}
