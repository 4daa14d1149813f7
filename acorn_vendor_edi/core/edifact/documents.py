"""D.96A messages ⇄ the shared domain objects (EANCOM style, as Amazon EU exchanges them).

Inbound: ORDERS → PurchaseOrder, SLSRPT → ProductActivityReport. Outbound: Acknowledgement →
ORDRSP, Shipment → DESADV, Invoice → INVOIC, InventoryAdvice → INVRPT. The outbound messages
are also read back into the same objects, which is what the round-trip tests and the
``parse`` command rely on.
"""

from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .._vendor import domain as d
from .syntax import parse_date
from .writer import MessageBuilder

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


def is_shipment_level(own, parent):
    """True for the DESADV's shipment level ``CPS+1`` (no parent). Its PAC, when there is one,
    counts the packages of the whole shipment (EANCOM); it is no package itself: it needs no
    SSCC and holds no carton."""
    return own == "1" and not parent


TRANSPORT_MODES = {"Road": "30", "Air": "40", "Ocean": "10", "Rail": "20"}
WEIGHT_UNITS = {"Kg": "KGM", "G": "GRM", "Lb": "LBR", "Oz": "ONZ"}
_WEIGHT_UNITS_BY_CODE = {v: k for k, v in WEIGHT_UNITS.items()}


# -- small helpers ------------------------------------------------------------------------------


_NO_COMPONENTS = ["", "", ""]  # padding, so that components(n)[1] and [2] always exist


def num(value):
    """EDIFACT number (either decimal mark) → Decimal, or None."""
    if value in (None, ""):
        return None
    try:
        return Decimal(value.replace(",", "."))
    except InvalidOperation:
        return None


def fmt_num(value):
    return d.decimal_str(value)


_DTM_FORMATS = ("102", "203", "204", "101")  # the date formats documents read


def parse_dtm(seg):
    """DTM C507 → aware datetime (102/203/204) or None."""
    comps = seg.components(1)
    n = len(comps)
    return _parse_dtm(comps[1] if n > 1 else "", (comps[2] if n > 2 else "") or "102")


@lru_cache(maxsize=8192)
def _parse_dtm(value, fmt):
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
    comps = seg.components(1) + _NO_COMPONENTS
    amount = num(comps[1])
    unit = "Cases" if comps[2] in CASE_UNITS else "Eaches"
    return d.Quantity(int(amount) if amount is not None else 0, unit)


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
        addr = d.Address(
            name=" ".join(c for c in name[:5] if c).strip(),
            line1=street[0],
            line2=street[1] or None,
            line3=street[2] or None,
            city=els[5][0] or None,
            state=els[6][0] or None,
            postal_code=els[7][0] or None,
            country_code=els[8][0],
        )
    return d.Party(party_id=pid, address=addr)


def _groups(segments, trigger, stop=()):
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


def _header(segments, first_line_tag="LIN"):
    out = []
    for seg in segments:
        if seg.tag in (first_line_tag, "UNS", "CPS"):
            break
        out.append(seg)
    return out


def _parties(header):
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


# -- ORDERS (inbound purchase order) -----------------------------------------------------------


def parse_orders(msg):
    body = msg.body()
    header = _header(body)
    bgm = next((s for s in header if s.tag == "BGM"), None)
    po = d.PurchaseOrder(
        number=bgm.get(2) if bgm else "",
        date=None,
        items=[],
        order_type=ORDER_TYPES.get(bgm.get(1, 1) if bgm else "", "RegularOrder"),
    )
    window = {}
    for seg in header:
        if seg.tag == "DTM":
            window[seg.get(1, 1)] = parse_dtm(seg)
        elif seg.tag == "RFF" and seg.get(1, 1) == "PD":
            po.deal_code = seg.get(1, 2)
        elif seg.tag == "CUX" and seg.get(1, 1) == "2":
            po.currency = seg.get(1, 2)
        elif seg.tag == "FTX":
            text = " ".join(c for c in seg.components(4) if c)
            if text:
                po.notes.append(text)
    order_header(po, window, _parties(header))
    currency = po.currency or "EUR"
    for group in _groups(body, "LIN", stop=("UNS",)):
        item = d.PurchaseOrderItem(
            sequence=group[0].get(1), ids=d.ProductIds(), ordered_quantity=d.Quantity(0)
        )
        for seg in group:
            if seg.tag in ("LIN", "PIA"):
                read_ids(seg, item.ids)
            elif seg.tag == "QTY" and seg.get(1, 1) == "21":
                item.ordered_quantity = quantity(seg)
        item.net_cost, item.list_price = _prices(group, currency)
        po.items.append(item)
    return po


def order_header(po, window, parties):
    """A PurchaseOrder's dates and parties from its header DTMs (by qualifier) and NADs (by
    role); the one-pass reader shares it."""
    po.date = window.get("137")
    if "64" in window or "63" in window:
        start = window.get("64") or window.get("63")
        po.delivery_window = (start, window.get("63") or start)
    elif "2" in window:
        po.delivery_window = (window["2"], window["2"])
    po.buying_party = parties.get("BY")
    po.selling_party = parties.get("SU")
    po.ship_to_party = parties.get("DP") or parties.get("ST")
    po.bill_to_party = parties.get("IV")


def _prices(group, currency):
    """(net PRI+AAA, gross PRI+AAB) of a line group, as Money or None."""
    net = gross = None
    for seg in group:
        if seg.tag == "PRI":
            price = num(seg.get(1, 2))
            if price is not None and seg.get(1, 1) == "AAA":
                net = d.Money(price, currency)
            elif price is not None and seg.get(1, 1) == "AAB":
                gross = d.Money(price, currency)
    return net, gross


def render_orders(po):
    """PurchaseOrder → ORDERS (for tests and the sandbox: Amazon is the one who sends these)."""
    b = MessageBuilder("ORDERS", association="EAN008")
    b.add("BGM", ORDER_TYPE_CODES.get(po.order_type, "220"), po.number, "9")
    b.add(*dtm("137", po.date))
    if po.delivery_window:
        b.add(*dtm("64", po.delivery_window[0]))
        b.add(*dtm("63", po.delivery_window[1]))
    for note in po.notes:
        b.add("FTX", "PUR", None, None, [note[i : i + 70] for i in range(0, len(note), 70)][:5])
    if po.deal_code:
        b.add("RFF", ("PD", po.deal_code))
    for role, party in (
        ("BY", po.buying_party),
        ("SU", po.selling_party),
        ("DP", po.ship_to_party),
        ("IV", po.bill_to_party),
    ):
        for seg in nad(role, party):
            b.add(*seg)
    if po.currency:
        b.add("CUX", ("2", po.currency, "9"))
    for item in po.items:
        for seg in id_segments(item.ids, item.sequence):
            b.add(*seg)
        b.add(*qty("21", item.ordered_quantity))
        if item.net_cost:
            b.add("PRI", ("AAA", fmt_num(item.net_cost.amount)))
        if item.list_price:
            b.add("PRI", ("AAB", fmt_num(item.list_price.amount)))
    b.add("UNS", "S")
    b.add("CNT", ("2", len(po.items)))
    return b


# -- ORDRSP (outbound acknowledgement) ---------------------------------------------------------


def _refuse(what, problems):
    if problems:
        raise ValueError("%s: %s" % (what, "; ".join(problems)))


def _line_status(item):
    accepted = sum(a.quantity.amount for a in item.acknowledgements if a.code == "Accepted")
    if accepted == item.ordered_quantity.amount and len(item.acknowledgements) == 1:
        return LINE_ACCEPTED
    if accepted == 0 and all(a.code == "Rejected" for a in item.acknowledgements):
        return LINE_REJECTED
    return LINE_CHANGED


def render_ordrsp(ack, number=None, currency=None, po=None):
    """Acknowledgement → ORDRSP. ``number`` is the response's own id (defaults to the PO).

    With ``po`` the acknowledgement is first checked against it (quantities, lines, cost) and
    a ValueError lists every mismatch, so a wrong ORDRSP never leaves the building.
    """
    if po is not None:
        from .rules import compare_acknowledgement

        _refuse("ORDRSP for PO %s" % ack.purchase_order_number, compare_acknowledgement(ack, po))
    statuses = [_line_status(i) for i in ack.items]
    if statuses and all(s == LINE_REJECTED for s in statuses):
        function = ACK_MESSAGE_FUNCTION["rejected"]
    elif all(s == LINE_ACCEPTED for s in statuses):
        function = ACK_MESSAGE_FUNCTION["accepted"]
    else:
        function = ACK_MESSAGE_FUNCTION["changed"]
    b = MessageBuilder("ORDRSP", association="EAN005")
    b.add("BGM", "231", number or ack.purchase_order_number, function)
    b.add(*dtm("137", ack.date))
    b.add("RFF", ("ON", ack.purchase_order_number))
    if ack.purchase_order_date:
        b.add(*dtm("171", ack.purchase_order_date))
    for seg in nad("SU", ack.selling_party, with_address=False):
        b.add(*seg)
    for seg in nad("DP", ack.ship_to_party, with_address=False):
        b.add(*seg)
    currency = currency or next((i.net_cost.currency for i in ack.items if i.net_cost), None)
    if currency:
        b.add("CUX", ("2", currency, "9"))
    for item, status in zip(ack.items, statuses, strict=True):
        _ordrsp_line(b, item, status)
    b.add("UNS", "S")
    b.add("CNT", ("2", len(ack.items)))
    return b


def _ordrsp_line(b, item, status):
    segs = id_segments(item.ids, item.sequence)
    lin = segs[0]
    b.add("LIN", lin[1], status, lin[3])
    for seg in segs[1:]:
        b.add(*seg)
    b.add(*qty("21", item.ordered_quantity))
    by_code = {}
    for a in item.acknowledgements:
        by_code.setdefault(a.code, []).append(a)
    accepted = sum(a.quantity.amount for a in by_code.get("Accepted", []))
    backordered = sum(a.quantity.amount for a in by_code.get("Backordered", []))
    unit = item.ordered_quantity.unit
    b.add(*qty("12", d.Quantity(accepted, unit)))
    if backordered:
        b.add(*qty("83", d.Quantity(backordered, unit)))
    ship = next(
        (a.scheduled_ship_date for a in item.acknowledgements if a.scheduled_ship_date), None
    )
    deliver = next(
        (a.scheduled_delivery_date for a in item.acknowledgements if a.scheduled_delivery_date),
        None,
    )
    if ship:
        b.add(*dtm("11", ship))
    if deliver:
        b.add(*dtm("2", deliver))
    reasons = [a.rejection_reason for a in by_code.get("Rejected", []) if a.rejection_reason]
    if reasons:
        b.add("FTX", "ACD", None, None, (reasons[0],))
    if item.net_cost:
        b.add("PRI", ("AAA", fmt_num(item.net_cost.amount)))
    if item.list_price:
        b.add("PRI", ("AAB", fmt_num(item.list_price.amount)))


def parse_ordrsp(msg):
    body = msg.body()
    header = _header(body)
    ack = d.Acknowledgement(
        purchase_order_number="", selling_party=d.Party(""), date=None, items=[]
    )
    currency = "EUR"
    prev = None
    for seg in header:
        if seg.tag == "DTM" and seg.get(1, 1) == "137":
            ack.date = parse_dtm(seg)
        elif seg.tag == "DTM" and seg.get(1, 1) == "171" and prev == "RFF":
            value = parse_dtm(seg)
            ack.purchase_order_date = value.date() if value else None
        elif seg.tag == "RFF" and seg.get(1, 1) == "ON":
            ack.purchase_order_number = seg.get(1, 2)
        elif seg.tag == "CUX":
            currency = seg.get(1, 2) or currency
        prev = seg.tag
    parties = _parties(header)
    ack.selling_party = parties.get("SU") or d.Party("")
    ack.ship_to_party = parties.get("DP")
    for group in _groups(body, "LIN", stop=("UNS",)):
        ack.items.append(_ordrsp_item(group, currency))
    return ack


def _ordrsp_item(group, currency):
    ids = d.ProductIds()
    qtys = {}
    dates = {}
    reason = None
    unit = "Eaches"
    for seg in group:
        if seg.tag in ("LIN", "PIA"):
            read_ids(seg, ids)
        elif seg.tag == "QTY":
            q = quantity(seg)
            qtys[seg.get(1, 1)] = q.amount
            unit = q.unit
        elif seg.tag == "DTM":
            dates[seg.get(1, 1)] = parse_dtm(seg)
        elif seg.tag == "FTX":
            reason = seg.get(4) or None
    net, listp = _prices(group, currency)
    ordered = qtys.get("21", 0)
    accepted, backordered = qtys.get("12", 0), qtys.get("83", 0)
    lines = []
    for code, amount in (
        ("Accepted", accepted),
        ("Backordered", backordered),
        ("Rejected", ordered - accepted - backordered),
    ):
        if amount > 0 or (code == "Accepted" and ordered == 0):
            rejected = code == "Rejected"
            lines.append(
                d.ItemAcknowledgement(
                    code=code,
                    quantity=d.Quantity(amount, unit),
                    scheduled_ship_date=None if rejected else dates.get("11"),
                    scheduled_delivery_date=None if rejected else dates.get("2"),
                    rejection_reason=reason if rejected else None,
                )
            )
    return d.AcknowledgementItem(
        sequence=group[0].get(1),
        ids=ids,
        ordered_quantity=d.Quantity(ordered, unit),
        acknowledgements=lines,
        net_cost=net,
        list_price=listp,
    )


# -- DESADV (outbound despatch advice / ASN) ---------------------------------------------------


def _lot_segments(lot):
    if lot is None or not (lot.lot_number or lot.expiry_date or lot.manufacture_date):
        return []
    out = [("PCI", "17")]
    if lot.expiry_date:
        out.append(dtm("361", lot.expiry_date))
    if lot.manufacture_date:
        out.append(dtm("94", lot.manufacture_date))
    if lot.lot_number:
        out.append(("GIN", "BX", (lot.lot_number,)))
    return out


def _weight(weight, qualifier="AAB"):
    unit = WEIGHT_UNITS.get(weight.unit, "KGM")
    return ("MEA", "PD", qualifier, (unit, fmt_num(weight.value)))


def _desadv_heading(b, asn):
    b.add("BGM", "351", asn.shipment_id, "9" if asn.confirmation_type == "Original" else "5")
    b.add(*dtm("137", asn.confirmation_date, True))
    b.add(*dtm("11", asn.shipped_date, True))
    if asn.estimated_delivery_date:
        b.add(*dtm("132", asn.estimated_delivery_date, True))
    if asn.gross_weight:
        b.add(*_weight(asn.gross_weight, "AAD"))
    pos = asn.purchase_order_numbers()
    if len(pos) == 1:
        b.add("RFF", ("ON", pos[0]))
    if asn.bill_of_lading:
        b.add("RFF", ("BM", asn.bill_of_lading))
    if asn.pro_number:
        b.add("RFF", ("CN", asn.pro_number))
    if asn.amazon_reference_number:
        b.add("RFF", ("ACD", asn.amazon_reference_number))
    for role, party in (
        ("SU", asn.selling_party),
        ("SF", asn.ship_from_party),
        ("DP", asn.ship_to_party),
    ):
        for seg in nad(role, party):
            b.add(*seg)
    if asn.carrier_scac or asn.transportation_mode:
        b.add(
            "TDT",
            "20",
            None,
            TRANSPORT_MODES.get(asn.transportation_mode or "", None),
            None,
            (asn.carrier_scac, None, "182") if asn.carrier_scac else None,
        )


def render_desadv(asn):
    """Shipment → DESADV with the CPS hierarchy: 1 shipment > pallets > cartons > lines."""
    b = MessageBuilder("DESADV", association="EAN007")
    _desadv_heading(b, asn)
    counter = {"cps": 1, "lin": 0}
    b.add("CPS", "1")

    def lines(container_items):
        for ci in container_items:
            item = asn.item(ci.item_sequence)
            if item is None:
                raise ValueError(
                    "Shipment %s: a container refers to item %s, which is not in the shipment"
                    % (asn.shipment_id, ci.item_sequence)
                )
            counter["lin"] += 1
            for seg in id_segments(item.ids, counter["lin"]):
                b.add(*seg)
            b.add(*qty("12", ci.quantity))
            if item.purchase_order_number:
                b.add("RFF", ("ON", item.purchase_order_number, item.sequence))
            for seg in _lot_segments(ci.lot or item.lot):
                b.add(*seg)

    def carton(c, parent):
        counter["cps"] += 1
        b.add("CPS", str(counter["cps"]), str(parent))
        b.add("PAC", "1", None, "CT")
        if c.weight:
            b.add(*_weight(c.weight))
        if c.sscc:
            b.add("PCI", "33E")
            b.add("GIN", "BJ", (c.sscc,))
        lines(c.items)

    for pallet in asn.pallets:
        counter["cps"] += 1
        me = counter["cps"]
        b.add("CPS", str(me), "1")
        b.add("PAC", "1", None, "201")
        if pallet.weight:
            b.add(*_weight(pallet.weight))
        b.add("PCI", "33E")
        b.add("GIN", "BJ", (pallet.sscc,))
        lines(pallet.items)
        for c in pallet.cartons:
            carton(c, me)
    for c in asn.cartons:
        carton(c, 1)
    in_containers = {ci.item_sequence for c in asn.all_cartons() for ci in c.items}
    in_containers |= {ci.item_sequence for p in asn.pallets for ci in p.items}
    loose = [
        d.ContainerItem(i.sequence, i.quantity, i.lot)
        for i in asn.items
        if i.sequence not in in_containers
    ]
    if loose:
        counter["cps"] += 1
        b.add("CPS", str(counter["cps"]), "1")
        lines(loose)
    b.add("CNT", ("2", counter["lin"]))
    return b


def parse_desadv(msg):
    body = msg.body()
    header = _header(body)
    bgm = next((s for s in header if s.tag == "BGM"), None)
    asn = d.Shipment(
        shipment_id=bgm.get(2) if bgm else "",
        confirmation_date=None,
        shipped_date=None,
        selling_party=None,
        ship_from_party=None,
        ship_to_party=None,
        items=[],
        confirmation_type="Replace" if bgm and bgm.get(3) == "5" else "Original",
    )
    dates, refs = {}, {}
    for seg in header:
        if seg.tag == "DTM":
            dates[seg.get(1, 1)] = parse_dtm(seg)
        elif seg.tag == "RFF":
            comps = seg.components(1) + _NO_COMPONENTS
            refs.setdefault(comps[0], comps[1])
        elif seg.tag == "TDT":
            asn.carrier_scac = seg.get(5, 1) or None
            mode = seg.get(3)
            asn.transportation_mode = next(
                (k for k, v in TRANSPORT_MODES.items() if v == mode), None
            )
        elif seg.tag == "MEA" and seg.get(2) == "AAD":
            asn.gross_weight = _read_weight(seg)
    shipment_header(asn, dates, refs, _parties(header))
    header_po = refs.get("ON")
    pallets, cartons_by_id = {}, {}
    items = {}
    for group in _groups(body, "CPS", stop=("CNT",)):
        cps = group[0]
        own, parent = cps.get(1), cps.get(2)
        pac, sscc, weight, lin_groups = _package_level(group)
        lines = [_desadv_line(lin_group, header_po) for lin_group in lin_groups]
        container_items = []
        for seq, ids, ci_qty, po_number, lot in lines:
            item = items.get(seq)
            if item is None:
                item = d.ShipmentItem(seq, ids, d.Quantity(0, ci_qty.unit), po_number, lot)
                items[seq] = item
                asn.items.append(item)
            item.quantity.amount += ci_qty.amount
            container_items.append(d.ContainerItem(seq, ci_qty, lot))
        if is_shipment_level(own, parent):
            pac = None  # the shipment's package count, not a package
        if pac is not None and pac.get(3, 1) in PALLET_PACKAGES:
            pallet = d.Pallet(sscc=sscc or "", items=container_items, weight=weight)
            pallets[own] = pallet
            asn.pallets.append(pallet)
        elif pac is not None:
            c = d.Carton(sequence=str(len(cartons_by_id) + 1), sscc=sscc, items=container_items)
            c.weight = weight
            cartons_by_id[own] = c
            if parent in pallets:
                pallets[parent].cartons.append(c)
            else:
                asn.cartons.append(c)
    return asn


def shipment_header(asn, dates, refs, parties):
    """A Shipment's dates, references and parties from its header DTMs, RFFs (first of each
    qualifier) and NADs; the one-pass reader shares it."""
    asn.confirmation_date = dates.get("137")
    asn.shipped_date = dates.get("11")
    asn.estimated_delivery_date = dates.get("132")
    asn.bill_of_lading = refs.get("BM")
    asn.pro_number = refs.get("CN")
    asn.amazon_reference_number = refs.get("ACD")
    asn.selling_party = parties.get("SU")
    asn.ship_from_party = parties.get("SF")
    asn.ship_to_party = parties.get("DP") or parties.get("ST")


def _package_level(group):
    """One pass over a CPS group -> (first PAC, SSCC of the first GIN+BJ and weight of the first
    MEA before the first LIN, the LIN groups)."""
    pac = sscc = weight = current = None
    have_sscc = have_weight = False
    lin_groups = []
    for s in group:
        tag = s.tag
        if tag == "LIN":
            current = [s]
            lin_groups.append(current)
        elif current is not None:
            current.append(s)
        elif tag == "GIN":
            if not have_sscc and s.get(1) == "BJ":
                sscc, have_sscc = s.get(2, 1), True
        elif tag == "MEA":
            if not have_weight:
                weight, have_weight = _read_weight(s), True
        if tag == "PAC" and pac is None:
            pac = s
    return pac, sscc, weight, lin_groups


def _desadv_line(group, po_number):
    """One LIN group → (item sequence, ids, quantity, PO number, lot)."""
    ids = d.ProductIds()
    ci_qty = d.Quantity(0)
    seq, lot = group[0].get(1), None
    for seg in group:
        tag = seg.tag
        if tag in ("LIN", "PIA"):
            read_ids(seg, ids)
        elif tag == "QTY" and seg.get(1, 1) == "12":
            ci_qty = quantity(seg)
        elif tag == "RFF":
            comps = seg.components(1) + _NO_COMPONENTS
            if comps[0] == "ON":
                po_number = comps[1] or po_number
                seq = comps[2] or seq
        elif tag == "PCI":
            lot = lot or d.Lot()
        elif lot is not None:
            _read_lot(seg, lot)
    return seq, ids, ci_qty, po_number, lot


def _read_lot(seg, lot):
    if seg.tag == "DTM":
        value = parse_dtm(seg)
        if value and seg.get(1, 1) == "361":
            lot.expiry_date = value.date()
        elif value and seg.get(1, 1) == "94":
            lot.manufacture_date = value.date()
    elif seg.tag == "GIN" and seg.get(1) == "BX":
        lot.lot_number = seg.get(2, 1)


def _read_weight(seg):
    value = num(seg.get(3, 2))
    if value is None:
        return None
    return d.Weight(value, _WEIGHT_UNITS_BY_CODE.get(seg.get(3, 1), "Kg"))


# -- INVOIC (outbound invoice / credit note) ---------------------------------------------------


def _tax_segments(tax, amount_qualifier="124"):
    rate = tax.rate * 100 if tax.rate is not None else None
    out = [
        (
            "TAX",
            "7",
            tax.tax_type or "VAT",
            None,
            None,
            (None, None, None, fmt_num(rate.normalize()) if rate is not None else None),
        ),
        ("MOA", (amount_qualifier, fmt_num(tax.amount.amount))),
    ]
    return out


def render_invoic(inv, purchase_orders=None, shipment=None):
    """Invoice → INVOIC (380 invoice, 381 credit note) with line and summary amounts.

    With ``purchase_orders`` ({number: PurchaseOrder}) prices are checked against the POs (and
    quantities against ``shipment``); a ValueError lists every mismatch.
    """
    if purchase_orders is not None:
        from .rules import compare_invoice

        _refuse("INVOIC %s" % inv.number, compare_invoice(inv, purchase_orders, shipment))
    b = MessageBuilder("INVOIC", association="EAN008")
    b.add("BGM", "381" if inv.invoice_type == "CreditNote" else "380", inv.number, "9")
    b.add(*dtm("137", inv.date))
    pos = inv.purchase_order_numbers()
    if len(pos) == 1:
        b.add("RFF", ("ON", pos[0]))
    if inv.shipment_id:
        b.add("RFF", ("AAK", inv.shipment_id))
    if inv.reference_number:
        b.add("RFF", ("IV", inv.reference_number))
    for role, party in (
        ("SU", inv.remit_to_party),
        ("IV", inv.bill_to_party),
        ("DP", inv.ship_to_party),
        ("SF", inv.ship_from_party),
    ):
        for seg in nad(role, party):
            b.add(*seg)
    currency = inv.total.currency
    b.add("CUX", ("2", currency, "4"))
    if inv.payment_terms and inv.payment_terms.net_due_days is not None:
        b.add("PAT", "1", None, ("5", "3", "D", inv.payment_terms.net_due_days))
    for charge in inv.charges:
        b.add("ALC", "A" if charge.is_allowance else "C", None, None, None, (charge.charge_type,))
        b.add("MOA", ("204" if charge.is_allowance else "23", fmt_num(charge.amount.amount)))
    lines_total = Decimal(0)
    for item in inv.items:
        for seg in id_segments(item.ids, item.sequence):
            b.add(*seg)
        b.add(*qty("47", item.quantity))
        amount = item.line_amount()
        lines_total += amount
        b.add("MOA", ("203", fmt_num(amount)))
        b.add("PRI", ("AAA", fmt_num(item.net_cost.amount)))
        if item.purchase_order_number:
            b.add("RFF", ("ON", item.purchase_order_number))
        for tax in item.taxes:
            for seg in _tax_segments(tax):
                b.add(*seg)
    b.add("UNS", "S")
    b.add("CNT", ("2", len(inv.items)))
    b.add("MOA", ("77", fmt_num(inv.total.amount)))
    b.add("MOA", ("79", fmt_num(lines_total)))
    tax_total = sum((t.amount.amount for t in inv.taxes), Decimal(0))
    tax_total += sum((t.amount.amount for i in inv.items for t in i.taxes), Decimal(0))
    b.add("MOA", ("176", fmt_num(tax_total)))
    for tax in inv.taxes:
        for seg in _tax_segments(tax):
            b.add(*seg)
    return b


def parse_invoic(msg):
    body = msg.body()
    header = _header(body)
    bgm = next((s for s in header if s.tag == "BGM"), None)
    currency = next((s.get(1, 2) for s in header if s.tag == "CUX"), "") or "EUR"
    parties = _parties(header)
    inv = d.Invoice(
        number=bgm.get(2) if bgm else "",
        date=None,
        remit_to_party=parties.get("SU") or d.Party(""),
        total=d.Money(Decimal(0), currency),
        invoice_type="CreditNote" if bgm and bgm.get(1, 1) == "381" else "Invoice",
        bill_to_party=parties.get("IV") or parties.get("BY"),
        ship_to_party=parties.get("DP"),
        ship_from_party=parties.get("SF"),
    )
    header_po = _invoic_heading(inv, header, currency)
    for group in _groups(body, "LIN", stop=("UNS",)):
        item = d.InvoiceItem(
            sequence=int(group[0].get(1) or 0),
            ids=d.ProductIds(),
            quantity=d.Quantity(0),
            net_cost=d.Money(Decimal(0), currency),
            purchase_order_number=header_po,
        )
        tax = None
        for seg in group:
            if seg.tag in ("LIN", "PIA"):
                read_ids(seg, item.ids)
            elif seg.tag == "QTY" and seg.get(1, 1) == "47":
                item.quantity = quantity(seg)
            elif seg.tag == "PRI" and seg.get(1, 1) == "AAA":
                item.net_cost = d.Money(num(seg.get(1, 2)) or Decimal(0), currency)
            elif seg.tag == "RFF" and seg.get(1, 1) == "ON":
                item.purchase_order_number = seg.get(1, 2)
            elif seg.tag == "TAX":
                tax = _read_tax(seg, currency)
                item.taxes.append(tax)
            elif seg.tag == "MOA" and tax is not None and seg.get(1, 1) == "124":
                tax.amount = d.Money(num(seg.get(1, 2)) or Decimal(0), currency)
        inv.items.append(item)
    uns = next((k for k, s in enumerate(body) if s.tag == "UNS"), len(body))
    tax = None
    for seg in body[uns:]:
        if seg.tag == "MOA" and seg.get(1, 1) == "77":
            inv.total = d.Money(num(seg.get(1, 2)) or Decimal(0), currency)
        elif seg.tag == "TAX":
            tax = _read_tax(seg, currency)
            inv.taxes.append(tax)
        elif seg.tag == "MOA" and tax is not None and seg.get(1, 1) == "124":
            tax.amount = d.Money(num(seg.get(1, 2)) or Decimal(0), currency)
    return inv


def _invoic_heading(inv, header, currency):
    """Dates, references, terms and header charges; returns the header PO number."""
    header_po = None
    pending_charge = None
    for seg in header:
        tag = seg.tag
        if tag == "DTM" and seg.get(1, 1) == "137":
            inv.date = parse_dtm(seg)
        elif tag == "RFF":
            qual, value = seg.get(1, 1), seg.get(1, 2)
            if qual == "ON":
                header_po = value
            elif qual == "AAK":
                inv.shipment_id = value
            elif qual == "IV":
                inv.reference_number = value
        elif tag == "PAT" and seg.get(3, 4).isdigit():
            inv.payment_terms = d.PaymentTerms(net_due_days=int(seg.get(3, 4)))
        elif tag == "ALC":
            pending_charge = d.Charge(
                seg.get(5, 1), d.Money(Decimal(0), currency), is_allowance=seg.get(1) == "A"
            )
            inv.charges.append(pending_charge)
        elif tag == "MOA" and pending_charge is not None:
            pending_charge.amount = d.Money(num(seg.get(1, 2)) or Decimal(0), currency)
            pending_charge = None
    return header_po


def _read_tax(seg, currency):
    rate = num(seg.get(5, 4))
    return d.TaxDetail(
        tax_type=seg.get(2, 1) or "VAT",
        amount=d.Money(Decimal(0), currency),
        rate=(rate / 100) if rate is not None else None,
    )


# -- INVRPT (outbound inventory report) --------------------------------------------------------


def render_invrpt(advice):
    b = MessageBuilder("INVRPT", association="EAN005")
    b.add("BGM", "35", advice.reference, "9")
    b.add(*dtm("137", advice.date, True))
    for seg in nad("SU", advice.selling_party, with_address=False):
        b.add(*seg)
    if advice.warehouse_id:
        b.add("NAD", "WH", (advice.warehouse_id, None, "92"))
    for n, item in enumerate(advice.items, 1):
        for seg in id_segments(item.ids, n):
            b.add(*seg)
        b.add(*qty("145", item.available))
    return b


def parse_invrpt(msg):
    body = msg.body()
    header = _header(body)
    bgm = next((s for s in header if s.tag == "BGM"), None)
    parties = _parties(header)
    when = next((parse_dtm(s) for s in header if s.tag == "DTM" and s.get(1, 1) == "137"), None)
    wh = parties.get("WH")
    advice = d.InventoryAdvice(
        reference=bgm.get(2) if bgm else "",
        date=when,
        selling_party=parties.get("SU") or d.Party(""),
        items=[],
        warehouse_id=wh.party_id if wh else None,
    )
    for group in _groups(body, "LIN"):
        ids = d.ProductIds()
        available = d.Quantity(0)
        for seg in group:
            if seg.tag in ("LIN", "PIA"):
                read_ids(seg, ids)
            elif seg.tag == "QTY" and seg.get(1, 1) == "145":
                available = quantity(seg)
        advice.items.append(d.InventoryItem(ids, available))
    return advice


# -- SLSRPT (inbound sales report) -------------------------------------------------------------


def parse_slsrpt(msg):
    body = msg.body()
    bgm = next((s for s in body if s.tag == "BGM"), None)
    start = end = None
    vendor = None
    for seg in body:
        if seg.tag == "LOC":
            break
        if seg.tag == "DTM":
            qual = seg.get(1, 1)
            if qual in ("90", "91"):
                value = parse_dtm(seg)
                if value and qual == "90":
                    start = value.date()
                elif value:
                    end = value.date()
            elif qual == "356" and seg.get(1, 3) == "718":
                first, _, last = seg.get(1, 2).partition("-")
                start, end = _ymd(first), _ymd(last)
        elif seg.tag == "NAD" and seg.get(1) == "SU":
            vendor = seg.get(2, 1)
    report = d.ProductActivityReport(
        reference=bgm.get(2) if bgm else "",
        start=start,
        end=end,
        lines=[],
        vendor_code=vendor,
    )
    location = None
    for seg_group in _groups(body, "LOC"):
        location = seg_group[0].get(2, 1) or None
        for group in _groups(seg_group, "LIN"):
            ids = d.ProductIds()
            quantities = {}
            for seg in group:
                if seg.tag in ("LIN", "PIA"):
                    read_ids(seg, ids)
                elif seg.tag == "QTY":
                    name = ACTIVITY_QTY.get(seg.get(1, 1))
                    if name:
                        quantities[name] = quantities.get(name, 0) + quantity(seg).amount
            report.lines.append(d.ProductActivityLine(ids, quantities, location))
    if report.lines and len({line.location for line in report.lines}) == 1:
        report.location = location
    return report


def render_slsrpt(report):
    """ProductActivityReport → SLSRPT (Amazon sends these; used by tests and the sandbox)."""
    b = MessageBuilder("SLSRPT", association="EAN004")
    b.add("BGM", "73", report.reference, "9")
    b.add("DTM", ("137", report.end.strftime("%Y%m%d"), "102"))
    b.add("DTM", ("90", report.start.strftime("%Y%m%d"), "102"))
    b.add("DTM", ("91", report.end.strftime("%Y%m%d"), "102"))
    b.add("NAD", "SU", (report.vendor_code or "", None, "92"))
    by_loc = {}
    for line in report.lines:
        by_loc.setdefault(line.location or report.location or "", []).append(line)
    codes = {v: k for k, v in ACTIVITY_QTY.items()}
    for loc, lines in by_loc.items():
        b.add("LOC", "162", (loc, None, "92"))
        for n, line in enumerate(lines, 1):
            for seg in id_segments(line.ids, n):
                b.add(*seg)
            for name, amount in line.quantities.items():
                if name in codes:
                    b.add("QTY", (codes[name], amount))
    return b


def _ymd(value):
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None


PARSERS = {
    "ORDERS": parse_orders,
    "ORDRSP": parse_ordrsp,
    "DESADV": parse_desadv,
    "INVOIC": parse_invoic,
    "INVRPT": parse_invrpt,
    "SLSRPT": parse_slsrpt,
}
