"""DESADV (outbound despatch advice / ASN) <-> ``domain.Shipment``."""

from ..._vendor import domain
from ..rules import is_shipment_level
from ..syntax import num
from ..writer import MessageBuilder
from . import shared


def _lot_segments(lot):
    if lot is None or not (lot.lot_number or lot.expiry_date or lot.manufacture_date):
        return []
    out = [("PCI", "17")]
    if lot.expiry_date:
        out.append(shared.dtm("361", lot.expiry_date))
    if lot.manufacture_date:
        out.append(shared.dtm("94", lot.manufacture_date))
    if lot.lot_number:
        out.append(("GIN", "BX", (lot.lot_number,)))
    return out


def _weight(weight, qualifier="AAB"):
    unit = shared.WEIGHT_UNITS.get(weight.unit, "KGM")
    return ("MEA", "PD", qualifier, (unit, shared.fmt_num(weight.value)))


def _desadv_heading(b, asn):
    b.add("BGM", "351", asn.shipment_id, "9" if asn.confirmation_type == "Original" else "5")
    b.add(*shared.dtm("137", asn.confirmation_date, True))
    b.add(*shared.dtm("11", asn.shipped_date, True))
    if asn.estimated_delivery_date:
        b.add(*shared.dtm("132", asn.estimated_delivery_date, True))
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
        for seg in shared.nad(role, party):
            b.add(*seg)
    if asn.carrier_scac or asn.transportation_mode:
        b.add(
            "TDT",
            "20",
            None,
            shared.TRANSPORT_MODES.get(asn.transportation_mode or "", None),
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
            for seg in shared.id_segments(item.ids, counter["lin"]):
                b.add(*seg)
            b.add(*shared.qty("12", ci.quantity))
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
        domain.ContainerItem(i.sequence, i.quantity, i.lot)
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
    header = shared.header_segments(body)
    bgm = next((s for s in header if s.tag == "BGM"), None)
    asn = domain.Shipment(
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
            dates[seg.get(1, 1)] = shared.parse_dtm(seg)
        elif seg.tag == "RFF":
            comps = seg.components(1) + shared.NO_COMPONENTS
            refs.setdefault(comps[0], comps[1])
        elif seg.tag == "TDT":
            asn.carrier_scac = seg.get(5, 1) or None
            mode = seg.get(3)
            asn.transportation_mode = next(
                (k for k, v in shared.TRANSPORT_MODES.items() if v == mode), None
            )
        elif seg.tag == "MEA" and seg.get(2) == "AAD":
            asn.gross_weight = read_weight(seg)
    shipment_header(asn, dates, refs, shared.header_parties(header))
    header_po = refs.get("ON")
    pallets, cartons_by_id = {}, {}
    items = {}
    for group in shared.segment_groups(body, "CPS", stop=("CNT",)):
        cps = group[0]
        own, parent = cps.get(1), cps.get(2)
        pac, sscc, weight, lin_groups = _package_level(group)
        lines = [_desadv_line(lin_group, header_po) for lin_group in lin_groups]
        container_items = []
        for seq, ids, ci_qty, po_number, lot in lines:
            item = items.get(seq)
            if item is None:
                item = domain.ShipmentItem(
                    seq, ids, domain.Quantity(0, ci_qty.unit), po_number, lot
                )
                items[seq] = item
                asn.items.append(item)
            item.quantity.amount += ci_qty.amount
            container_items.append(domain.ContainerItem(seq, ci_qty, lot))
        if is_shipment_level(own, parent):
            pac = None  # the shipment's package count, not a package
        if pac is not None and pac.get(3, 1) in shared.PALLET_PACKAGES:
            pallet = domain.Pallet(sscc=sscc or "", items=container_items, weight=weight)
            pallets[own] = pallet
            asn.pallets.append(pallet)
        elif pac is not None:
            c = domain.Carton(
                sequence=str(len(cartons_by_id) + 1), sscc=sscc, items=container_items
            )
            c.weight = weight
            cartons_by_id[own] = c
            if parent in pallets:
                pallets[parent].cartons.append(c)
            else:
                asn.cartons.append(c)
    return asn


def shipment_header(asn, dates, refs, parties):
    """A Shipment's dates, references and parties from its header DTMs, RFFs (first of each
    qualifier) and NADs; the fast path shares it."""
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
                weight, have_weight = read_weight(s), True
        if tag == "PAC" and pac is None:
            pac = s
    return pac, sscc, weight, lin_groups


def _desadv_line(group, po_number):
    """One LIN group → (item sequence, ids, quantity, PO number, lot)."""
    ids = domain.ProductIds()
    ci_qty = domain.Quantity(0)
    seq, lot = group[0].get(1), None
    for seg in group:
        tag = seg.tag
        if tag in ("LIN", "PIA"):
            shared.read_ids(seg, ids)
        elif tag == "QTY" and seg.get(1, 1) == "12":
            ci_qty = shared.quantity(seg)
        elif tag == "RFF":
            comps = seg.components(1) + shared.NO_COMPONENTS
            if comps[0] == "ON":
                po_number = comps[1] or po_number
                seq = comps[2] or seq
        elif tag == "PCI":
            lot = lot or domain.Lot()
        elif lot is not None:
            _read_lot(seg, lot)
    return seq, ids, ci_qty, po_number, lot


def _read_lot(seg, lot):
    if seg.tag == "DTM":
        value = shared.parse_dtm(seg)
        if value and seg.get(1, 1) == "361":
            lot.expiry_date = value.date()
        elif value and seg.get(1, 1) == "94":
            lot.manufacture_date = value.date()
    elif seg.tag == "GIN" and seg.get(1) == "BX":
        lot.lot_number = seg.get(2, 1)


def read_weight(seg):
    value = num(seg.get(3, 2))
    if value is None:
        return None
    return domain.Weight(value, shared.WEIGHT_UNITS_BY_CODE.get(seg.get(3, 1), "Kg"))
