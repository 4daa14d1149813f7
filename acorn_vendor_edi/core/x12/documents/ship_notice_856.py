"""856 advance ship notice <-> ``domain.Shipment`` (S / O / T / P / I hierarchy)."""

from decimal import Decimal

from ..._vendor import domain, gs1
from ..rules import validate_shipment
from . import shared


def render_856(asn, version="4010"):
    """S / O / (T) / (P) / I hierarchy, one O level per PO, SSCCs in MAN*GM. The segments are
    the same in 4010 and 5010; the version only changes the envelope."""
    problems = validate_shipment(asn)
    if problems:
        raise ValueError("cannot write the ASN: " + "; ".join(problems))
    return "856", _AsnWriter(asn).body()


class _AsnWriter:
    """Builds the 856 body; keeps the HL counter and the SN1 hash total for the CTT."""

    def __init__(self, asn):
        self.asn = asn
        self.segments = []
        self.hl = 0
        self.sn1_total = 0

    def body(self):
        asn = self.asn
        purpose = "05" if asn.confirmation_type == "Replace" else "00"
        stamp = asn.confirmation_date
        self.segments += [
            ["BSN", purpose, asn.shipment_id, shared.d8(stamp), shared.hm(stamp), "0001"],
            ["DTM", "011", shared.d8(asn.shipped_date), shared.hm(asn.shipped_date)],
        ]
        if asn.estimated_delivery_date:
            eta = asn.estimated_delivery_date
            self.segments.append(["DTM", "017", shared.d8(eta), shared.hm(eta)])
        ship = self.new_hl(None, "S")
        self.shipment_level()
        for po_number in asn.purchase_order_numbers():
            self.order_level(ship, po_number)
        self.segments.append(["CTT", self.hl, self.sn1_total])
        return self.segments

    def new_hl(self, parent, level):
        self.hl += 1
        self.segments.append(["HL", self.hl, parent or "", level])
        return self.hl

    def shipment_level(self):
        asn = self.asn
        if asn.pallets:
            td1 = ["TD1", "PLT94", len(asn.pallets)]
        else:
            td1 = ["TD1", "CTN25", len(asn.all_cartons())]
        if asn.gross_weight:
            weight = asn.gross_weight
            td1 += ["", "", "", "G", shared.num(weight.value), shared.WEIGHT_TO_X12[weight.unit]]
        self.segments.append(td1)
        if asn.carrier_scac:
            mode = shared.MODE_TO_X12.get(asn.transportation_mode or "", "")
            self.segments.append(["TD5", "", "2", asn.carrier_scac, mode])
        refs = (
            ("BM", asn.bill_of_lading),
            ("CN", asn.pro_number),
            ("BX", asn.amazon_reference_number),
        )
        self.segments += [["REF", qual, value] for qual, value in refs if value]
        self.segments += shared.party_segments("SF", asn.ship_from_party, "ZZ")
        self.segments += shared.party_segments("ST", asn.ship_to_party)

    def order_level(self, ship, po_number):
        asn = self.asn
        order = self.new_hl(ship, "O")
        self.segments.append(["PRF", po_number])
        in_po = {i.sequence for i in asn.items if i.purchase_order_number == po_number}
        packed = False
        for pallet in asn.pallets:
            mine = [c for c in pallet.cartons if {ci.item_sequence for ci in c.items} & in_po]
            loose = [ci for ci in pallet.items if ci.item_sequence in in_po]
            if mine or loose:
                packed = True
                tare = self.new_hl(order, "T")
                self.segments.append(["MAN", "GM", pallet.sscc])
                for carton in mine:
                    self.carton_level(tare, carton)
                for ci in loose:
                    self.container_item(tare, ci)
        for carton in asn.cartons:
            if {ci.item_sequence for ci in carton.items} & in_po:
                packed = True
                self.carton_level(order, carton)
        if not packed:
            for item in asn.items:
                if item.purchase_order_number == po_number:
                    self.item_level(order, item, item.quantity, item.lot)

    def carton_level(self, parent, carton):
        pack = self.new_hl(parent, "P")
        self.segments.append(["MAN", "GM", carton.sscc])
        for ci in carton.items:
            self.container_item(pack, ci)

    def container_item(self, parent, ci):
        item = self.asn.item(ci.item_sequence)
        self.item_level(parent, item, ci.quantity, ci.lot or item.lot)

    def item_level(self, parent, item, qty, lot):
        self.new_hl(parent, "I")
        lin = ["LIN", "", *shared.id_pairs(item.ids)]
        if lot and lot.lot_number:
            lin += ["LT", lot.lot_number]
        self.segments.append(lin)
        self.segments.append(["SN1", "", qty.amount, shared.UOM_TO_X12[qty.unit]])
        self.sn1_total += qty.amount
        if lot and lot.expiry_date:
            self.segments.append(["DTM", "036", shared.d8(lot.expiry_date)])
        if lot and lot.manufacture_date:
            self.segments.append(["DTM", "094", shared.d8(lot.manufacture_date)])


HL_PARENTS = {"S": (None,), "O": ("S",), "T": ("O", "S"), "P": ("O", "T"), "I": ("O", "T", "P")}


def read_856(tx, ctx):
    _AsnReader(tx, ctx).read()


def add_item(asn, po, ids, qty, lot, parent, parent_level):
    """One item (I) level into an 856 being read: the Shipment's item for this PO, product
    and unit grows, and the carton (P) or pallet (T) above gets a container item. ``asn`` has
    ``items``, ``carton_by_hl`` and ``pallets``; the fast path shares this."""
    key = (po, ids.asin, ids.vendor_product_id, ids.ean, ids.upc, ids.isbn, qty.unit)
    item = asn.items.get(key)
    if item is None:
        item = asn.items[key] = domain.ShipmentItem(
            str(len(asn.items) + 1),
            ids,
            domain.Quantity(0, qty.unit),
            purchase_order_number=po,
            lot=lot,
        )
    item.quantity.amount += qty.amount
    container = domain.ContainerItem(item.sequence, qty, lot)
    if parent_level == "P":
        asn.carton_by_hl[parent].items.append(container)
    elif parent_level == "T":
        asn.pallets[parent].items.append(container)


class _AsnReader:
    """Rebuilds a Shipment from the HL tree and checks Amazon's hierarchy on the way."""

    def __init__(self, tx, ctx):
        self.tx, self.ctx = tx, ctx
        self.levels = {}  # HL01 -> level code
        self.po_of = {}  # HL01 -> PO number in force below it
        self.items = {}
        self.cartons = []  # (HL01, parent HL01, Carton)
        self.carton_by_hl = {}
        self.pallets = {}
        self.ship = None
        self.sn1_total = Decimal(0)

    def read(self):
        root = self.tx.tree
        for loop in root.loop("HL"):
            self.hl(loop)
        self._ctt(root.first("CTT"))
        if self.ship is None:
            self.ctx.error("the 856 has no shipment (S) level", tag="HL")
            return
        self.tx.document = self.shipment(root)

    def hl(self, loop):
        hl = loop.segments[0]
        els = hl.elements
        count = len(els)
        hid = els[0] if count else ""
        parent = els[1] if count > 1 else ""
        level = els[2] if count > 2 else ""
        error = self.ctx.error
        if hid in self.levels:
            error(f"HL01 {hid} is used twice", hl, 1)
        if parent and parent not in self.levels:
            error(f"HL02 parent {parent} does not exist before HL {hid}", hl, 2)
        parent_level = self.levels.get(parent) if parent else None
        if level in HL_PARENTS and parent_level not in HL_PARENTS[level]:
            error(
                f"HL {hid} level {level} cannot sit under {parent_level or 'nothing'} "
                "(Amazon: S/O/T/P/I)",
                hl,
                3,
            )
        self.levels[hid] = level
        po = self.po_of.get(parent)
        if level == "I":
            self.item(loop, hid, parent, parent_level, po)
            return
        if level == "S":
            if self.ship is not None:
                error("more than one shipment (S) level", hl, 3)
            self.ship = loop
            prf = loop.first("PRF")
            if prf is not None:
                error("PRF (PO number) belongs to the order (O) level, not S", prf)
        elif level == "O":
            prf = loop.first("PRF")
            if prf is None:
                error(f"order level HL {hid} has no PRF (PO number)", hl)
            po = prf.get(1) if prf else None
        self.po_of[hid] = po
        if level in ("T", "P"):
            self.container(loop, hid, parent, level)

    def container(self, loop, hid, parent, level):
        man = [m for m in loop.segments if m.tag == "MAN" and m.get(1) == "GM"]
        sscc = None
        if not man:
            kind = "pallet" if level == "T" else "carton"
            self.ctx.error(f"{kind} HL {hid} has no MAN*GM SSCC", loop.segments[0])
        else:
            sscc = man[0].get(2)
            quick = len(sscc) == 18 and sscc.isdigit() and gs1.check_digit(sscc[:17]) == sscc[17]
            if not quick:
                for msg in gs1.validate_sscc(sscc):
                    self.ctx.error(msg, man[0], 2, "7")
        if level == "T":
            self.pallets[hid] = domain.Pallet(sscc=sscc or "")
        else:
            carton = domain.Carton(sequence=str(len(self.cartons) + 1), sscc=sscc, items=[])
            self.cartons.append((hid, parent, carton))
            self.carton_by_hl[hid] = carton

    def item(self, loop, hid, parent, parent_level, po):
        lin = sn1 = None
        dtms = []
        for seg in loop.segments:
            tag = seg.tag
            if tag == "LIN":
                lin = seg
            elif tag == "SN1":
                sn1 = seg
            elif tag == "DTM":
                dtms.append(seg)
        if lin is None or sn1 is None:
            self.ctx.error(f"item HL {hid} needs LIN and SN1", loop.segments[0])
            return
        ids, extra = shared.ids_from(lin, 2, 30)
        text = sn1.get(2)
        if text.isdigit():
            amount = int(text)
            self.sn1_total += amount
        else:
            amount = shared.qty_int(text) or 0
            self.sn1_total += shared.dec(text) or 0
        qty = domain.Quantity(amount, shared.X12_TO_UOM.get(sn1.get(3), "Eaches"))
        lot = None
        if extra or dtms:
            when = {d.get(1): shared.parse_d8(d.get(2)) for d in dtms}
            if extra.get("LT") or when.get("036") or when.get("094"):
                lot = domain.Lot(extra.get("LT"), when.get("036"), when.get("094"))
        add_item(self, po, ids, qty, lot, parent, parent_level)

    def _ctt(self, ctt):
        if ctt is None:
            return
        count = len(self.levels)
        if ctt.get(1) != str(count):
            self.ctx.error(f"CTT01 says {ctt.get(1)!r}, the 856 has {count} HL segments", ctt, 1)
        if ctt.get(2) and shared.dec(ctt.get(2)) != self.sn1_total:
            self.ctx.error(
                f"CTT02 {ctt.get(2)!r} differs from the SN102 sum {shared.num(self.sn1_total)}",
                ctt,
                2,
            )

    def shipment(self, root):
        bsn = root.first("BSN")
        dtm = {d.get(1): shared.parse_dt(d.get(2), d.get(3)) for d in root.all("DTM")}
        loose = []
        for _hid, parent, carton in self.cartons:
            if self.levels.get(parent) == "T":
                self.pallets[parent].cartons.append(carton)
            else:
                loose.append(carton)
        ship = self.ship
        who = shared.parties(ship)
        refs = {r.get(1): r.get(2) for r in ship.all("REF")}
        td5 = ship.first("TD5")
        td1 = ship.first("TD1")
        weight = None
        if td1 is not None and shared.dec(td1.get(7)) is not None:
            weight = domain.Weight(
                shared.dec(td1.get(7)), shared.X12_TO_WEIGHT.get(td1.get(8), "Lb")
            )
        confirmed = shared.parse_dt(bsn.get(3), bsn.get(4)) if bsn else None
        inter = self.tx.interchange
        return domain.Shipment(
            shipment_id=bsn.get(2) if bsn else "",
            confirmation_date=confirmed,
            shipped_date=dtm.get("011") or confirmed,
            selling_party=domain.Party(inter.sender if inter else ""),
            ship_from_party=who.get("SF") or domain.Party(""),
            ship_to_party=who.get("ST") or domain.Party(""),
            items=list(self.items.values()),
            pallets=list(self.pallets.values()),
            cartons=loose,
            confirmation_type="Replace" if bsn and bsn.get(1) == "05" else "Original",
            carrier_scac=(td5.get(3) or None) if td5 else None,
            transportation_mode=shared.X12_TO_MODE.get(td5.get(4)) if td5 else None,
            pro_number=refs.get("CN"),
            bill_of_lading=refs.get("BM"),
            amazon_reference_number=refs.get("BX"),
            estimated_delivery_date=dtm.get("017"),
            gross_weight=weight,
        )
