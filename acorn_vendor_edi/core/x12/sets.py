"""Transaction sets <-> domain objects, and Amazon's rules beyond syntax.

``read_document(tx)`` fills ``tx.document`` from a matched transaction tree and appends
Amazon-rule issues; ``render(obj)`` returns (set_id, body segments) for the writer.
"""

import functools
import logging
from collections import OrderedDict
from datetime import date, datetime, time, timezone
from decimal import Decimal, InvalidOperation

from .._vendor import domain as D
from .._vendor import gs1
from .reader import Issue

_logger = logging.getLogger(__name__)
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
    (1-based) of a segment's elements; the one-pass 856 reader shares it."""
    ids = D.ProductIds()
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
        addr = D.Address(
            name=n1.get(2),
            line1=n3.get(1) if n3 else "",
            line2=(n3.get(2) or None) if n3 else None,
            country_code=n4.get(4) if n4 else "",
            city=(n4.get(1) or None) if n4 else None,
            state=(n4.get(2) or None) if n4 else None,
            postal_code=(n4.get(3) or None) if n4 else None,
        )
    return n1.get(1), D.Party(party_id=party_id, address=addr)


def parties(node):
    return OrderedDict(party_from(n1) for n1 in node.loop("N1"))


class _Ctx:
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


def _ctt(ctx, node, count, hash_total, what):
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


# ---- 850 purchase order ---------------------------------------------------------------------
def read_850(tx, ctx):
    root = tx.tree
    beg = root.first("BEG")
    refs = {r.get(1): r.get(2) for r in root.all("REF")}
    dtm = {d.get(1): parse_dt(d.get(2), d.get(3)) for d in root.all("DTM")}
    csh = root.first("CSH")
    backorder = bool(csh and csh.get(1) == "Y")
    cur = root.first("CUR")
    currency = cur.get(2) if cur else "USD"
    who = parties(root)
    items = []
    hash_total = Decimal(0)
    for loop in root.loop("PO1"):
        po1 = loop.head
        ids, _ = ids_from(po1, 6, 24)
        qty = qty_int(po1.get(2))
        if qty is None:
            ctx.error(f"PO102 quantity {po1.get(2)!r} must be a whole number", po1, 2, "6")
            qty = 0
        hash_total += dec(po1.get(2)) or 0
        po4 = loop.first("PO4")
        unit_size = qty_int(po4.get(1)) if po4 else None
        price = dec(po1.get(4))
        list_price = None
        for ctp in loop.all("CTP"):
            if ctp.get(2) in ("LPR", "SLP", "MSR") and dec(ctp.get(3)) is not None:
                list_price = D.Money(dec(ctp.get(3)), currency)
        if not ids.any():
            ctx.error("PO1 line has no product identifier (BP/VN/EN/UP/IB)", po1, 6, "1")
        items.append(
            D.PurchaseOrderItem(
                sequence=po1.get(1) or str(len(items) + 1),
                ids=ids,
                ordered_quantity=D.Quantity(qty, X12_TO_UOM.get(po1.get(3), "Eaches"), unit_size),
                back_order_allowed=backorder,
                net_cost=D.Money(price, currency) if price is not None else None,
                list_price=list_price,
            )
        )
    _ctt(ctx, root, len(items), hash_total, "PO1 lines")
    notes = [m.get(1) for n9 in root.loop("N9") for m in n9.all("MSG")]
    delivery = (dtm["064"], dtm["063"]) if dtm.get("064") and dtm.get("063") else None
    ship = (dtm["037"], dtm["038"]) if dtm.get("037") and dtm.get("038") else None
    if "CR" not in refs:
        ctx.error("REF*CR (Amazon vendor code) is missing", tag="REF", severity="warning")
    order_type = X12_TO_PO_TYPE.get(beg.get(2)) if beg else None
    tx.document = D.PurchaseOrder(
        number=beg.get(3) if beg else "",
        date=parse_dt(beg.get(5)) if beg else None,
        items=items,
        order_type=order_type,
        payment_method="Consignment" if order_type == "ConsignedOrder" else "Invoice",
        deal_code=refs.get("PD"),
        selling_party=D.Party(refs["CR"]) if refs.get("CR") else None,
        ship_to_party=who.get("ST"),
        buying_party=who.get("BY"),
        bill_to_party=who.get("BT"),
        ship_window=ship,
        delivery_window=delivery,
        currency=currency,
        notes=notes,
    )


def render_850(po):
    body = [
        [
            "BEG",
            "00",
            PO_TYPE_TO_X12.get(po.order_type or "RegularOrder", "NE"),
            po.number,
            "",
            d8(po.date),
        ]
    ]
    if po.currency:
        body.append(["CUR", "BY", po.currency])
    if po.selling_party:
        body.append(["REF", "CR", po.selling_party.party_id])
    if po.deal_code:
        body.append(["REF", "PD", po.deal_code])
    body.append(["CSH", "Y" if po.items and all(i.back_order_allowed for i in po.items) else "N"])
    if po.delivery_window:
        body.append(["DTM", "064", d8(po.delivery_window[0])])
        body.append(["DTM", "063", d8(po.delivery_window[1])])
    if po.ship_window:
        body.append(["DTM", "037", d8(po.ship_window[0])])
        body.append(["DTM", "038", d8(po.ship_window[1])])
    if po.notes:
        body.append(["N9", "L1", "NOTES"])
        body += [["MSG", note[:264]] for note in po.notes]
    body += party_segments("ST", po.ship_to_party)
    body += party_segments("BY", po.buying_party)
    body += party_segments("BT", po.bill_to_party)
    total = 0
    for item in po.items:
        q = item.ordered_quantity
        body.append(
            [
                "PO1",
                item.sequence,
                q.amount,
                UOM_TO_X12[q.unit],
                num(item.net_cost.amount) if item.net_cost else "",
                "PE" if item.net_cost else "",
                *id_pairs(item.ids),
            ]
        )
        if item.list_price:
            body.append(["CTP", "", "SLP", num(item.list_price.amount)])
        if q.unit == "Cases" and q.unit_size:
            body.append(["PO4", q.unit_size])
        total += q.amount
    body.append(["CTT", len(po.items), total])
    return "850", body


# ---- 855 acknowledgement --------------------------------------------------------------------
def read_855(tx, ctx):
    root = tx.tree
    bak = root.first("BAK")
    who = parties(root)
    items = []
    hash_total = Decimal(0)
    for loop in root.loop("PO1"):
        po1 = loop.head
        ids, _ = ids_from(po1, 6, 24)
        hash_total += dec(po1.get(2)) or 0
        acks = []
        for ack_loop in loop.loop("ACK"):
            ack = ack_loop.head
            code = ack.get(1)
            if code in ("IB",) or (code.startswith("B") and code != "BP"):
                kind = "Backordered"
            elif code in ("IR", "ID") or code[:1] in ("R", "C") or code in ("OS", "OP", "NP", "NL"):
                kind = "Rejected"
            else:
                kind = "Accepted"
            ship = parse_dt(ack.get(5)) if ack.get(4) == "068" else None
            deliver = parse_dt(ack.get(5)) if ack.get(4) == "067" else None
            acks.append(
                D.ItemAcknowledgement(
                    kind,
                    D.Quantity(qty_int(ack.get(2)) or 0, X12_TO_UOM.get(ack.get(3), "Eaches")),
                    scheduled_ship_date=ship,
                    scheduled_delivery_date=deliver,
                )
            )
        if not acks:
            ctx.error("PO1 line has no ACK segment: Amazon treats it as rejected", po1)
        price = dec(po1.get(4))
        items.append(
            D.AcknowledgementItem(
                sequence=po1.get(1),
                ids=ids,
                ordered_quantity=D.Quantity(
                    qty_int(po1.get(2)) or 0, X12_TO_UOM.get(po1.get(3), "Eaches")
                ),
                acknowledgements=acks,
                net_cost=D.Money(price) if price is not None else None,
            )
        )
    _ctt(ctx, root, len(items), hash_total, "PO1 lines")
    ref = {r.get(1): r.get(2) for r in root.all("REF")}
    tx.document = D.Acknowledgement(
        purchase_order_number=bak.get(3) if bak else "",
        selling_party=who.get("SU") or D.Party(ref.get("IA") or ""),
        date=parse_dt(bak.get(9) or bak.get(4)) if bak else None,
        purchase_order_date=parse_d8(bak.get(4)) if bak else None,
        ship_to_party=who.get("ST"),
        items=items,
    )


def render_855(ack):
    day = ack.purchase_order_date or ack.date.date()
    body = [
        [
            "BAK",
            "00",
            "AC" if ack.is_changed() else "AD",
            ack.purchase_order_number,
            d8(day),
            "",
            "",
            "",
            "",
            d8(ack.date),
        ]
    ]
    body += party_segments("ST", ack.ship_to_party)
    body += party_segments("SU", ack.selling_party, "ZZ")
    total = 0
    for item in ack.items:
        q = item.ordered_quantity
        body.append(
            [
                "PO1",
                item.sequence,
                q.amount,
                UOM_TO_X12[q.unit],
                num(item.net_cost.amount) if item.net_cost else "",
                "",
                *id_pairs(item.ids),
            ]
        )
        total += q.amount
        for line in item.acknowledgements:
            seg = [
                "ACK",
                ACK_TO_X12[line.code],
                line.quantity.amount,
                UOM_TO_X12[line.quantity.unit],
            ]
            if line.scheduled_ship_date:
                seg += ["068", d8(line.scheduled_ship_date)]
            elif line.scheduled_delivery_date:
                seg += ["067", d8(line.scheduled_delivery_date)]
            body.append(seg)
    body.append(["CTT", len(ack.items), total])
    return "855", body


def check_acknowledgement(ack, po):
    """Amazon's 855 rules against the PO: every line answered, quantities add up, the cost not
    above the PO cost. Returns a list of messages."""
    problems = []
    if ack.purchase_order_number != po.number:
        problems.append(f"acknowledgement is for PO {ack.purchase_order_number}, not {po.number}")
    answered = {item.sequence: item for item in ack.items}
    for line in po.items:
        item = answered.get(line.sequence)
        if item is None:
            problems.append(
                f"PO {po.number} line {line.sequence} is not acknowledged "
                "(Amazon treats it as rejected)"
            )
            continue
        total = sum(a.quantity.amount for a in item.acknowledgements)
        if total != line.ordered_quantity.amount:
            problems.append(
                f"PO {po.number} line {line.sequence}: acknowledged quantities add up "
                f"to {total}, ordered {line.ordered_quantity.amount}"
            )
        if (
            any(a.code == "Backordered" for a in item.acknowledgements)
            and not line.back_order_allowed
        ):
            problems.append(
                f"PO {po.number} line {line.sequence}: backorder not allowed on this PO"
            )
        if item.net_cost and line.net_cost and item.net_cost.amount > line.net_cost.amount:
            problems.append(
                f"PO {po.number} line {line.sequence}: cost {item.net_cost.amount} is "
                f"above the PO cost {line.net_cost.amount}"
            )
    for seq in answered:
        if po.item(seq) is None:
            problems.append(f"PO {po.number} has no line {seq}")
    return problems


# ---- 856 ship notice ------------------------------------------------------------------------
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
            ["BSN", purpose, asn.shipment_id, d8(stamp), hm(stamp), "0001"],
            ["DTM", "011", d8(asn.shipped_date), hm(asn.shipped_date)],
        ]
        if asn.estimated_delivery_date:
            eta = asn.estimated_delivery_date
            self.segments.append(["DTM", "017", d8(eta), hm(eta)])
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
            td1 += ["", "", "", "G", num(weight.value), WEIGHT_TO_X12[weight.unit]]
        self.segments.append(td1)
        if asn.carrier_scac:
            mode = MODE_TO_X12.get(asn.transportation_mode or "", "")
            self.segments.append(["TD5", "", "2", asn.carrier_scac, mode])
        refs = (
            ("BM", asn.bill_of_lading),
            ("CN", asn.pro_number),
            ("BX", asn.amazon_reference_number),
        )
        self.segments += [["REF", qual, value] for qual, value in refs if value]
        self.segments += party_segments("SF", asn.ship_from_party, "ZZ")
        self.segments += party_segments("ST", asn.ship_to_party)

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
        lin = ["LIN", "", *id_pairs(item.ids)]
        if lot and lot.lot_number:
            lin += ["LT", lot.lot_number]
        self.segments.append(lin)
        self.segments.append(["SN1", "", qty.amount, UOM_TO_X12[qty.unit]])
        self.sn1_total += qty.amount
        if lot and lot.expiry_date:
            self.segments.append(["DTM", "036", d8(lot.expiry_date)])
        if lot and lot.manufacture_date:
            self.segments.append(["DTM", "094", d8(lot.manufacture_date)])


def validate_shipment(asn):
    """Amazon's ASN rules that the domain object must meet before it can be written."""
    problems = []
    if not asn.items:
        problems.append(f"shipment {asn.shipment_id} has no items")
    for item in asn.items:
        if not item.purchase_order_number:
            problems.append(f"shipment item {item.sequence} has no purchase order number")
        if not item.ids.any():
            problems.append(f"shipment item {item.sequence} has no product identifier")
    seen = set()
    problems += _check_pallets(asn, seen)
    problems += _check_cartons(asn, seen)
    problems += _check_packed(asn)
    return problems


def _check_pallets(asn, seen):
    problems = []
    by_seq = {i.sequence: i for i in asn.items}
    for pallet in asn.pallets:
        problems += [f"pallet: {msg}" for msg in gs1.validate_sscc(pallet.sscc)]
        if pallet.sscc in seen:
            problems.append(f"SSCC {pallet.sscc} is used twice")
        seen.add(pallet.sscc)
        contents = [ci for c in pallet.cartons for ci in c.items] + list(pallet.items)
        pos = {
            by_seq[ci.item_sequence].purchase_order_number
            for ci in contents
            if ci.item_sequence in by_seq
        }
        if len(pos) > 1:
            problems.append(
                f"pallet {pallet.sscc} mixes POs {sorted(pos)}: the S/O/T/P/I "
                "hierarchy puts each pallet under one PO"
            )
        problems += [
            f"pallet {pallet.sscc} refers to unknown item {ci.item_sequence}"
            for ci in pallet.items
            if ci.item_sequence not in by_seq
        ]
    return problems


def _check_cartons(asn, seen):
    problems = []
    seqs = {i.sequence for i in asn.items}
    for carton in asn.all_cartons():
        if not carton.sscc:
            problems.append(f"carton {carton.sequence} has no SSCC (MAN*GM is required)")
        else:
            problems += [f"carton {carton.sequence}: {m}" for m in gs1.validate_sscc(carton.sscc)]
            if carton.sscc in seen:
                problems.append(f"SSCC {carton.sscc} is used twice")
            seen.add(carton.sscc)
        problems += [
            f"carton {carton.sequence} refers to unknown item {ci.item_sequence}"
            for ci in carton.items
            if ci.item_sequence not in seqs
        ]
    return problems


def _check_packed(asn):
    """When containers are given, they must hold exactly what each item line ships."""
    containers = [ci for c in asn.all_cartons() for ci in c.items]
    containers += [ci for p in asn.pallets for ci in p.items]
    if not containers:
        return []
    packed = {}
    for ci in containers:
        packed[ci.item_sequence] = packed.get(ci.item_sequence, 0) + ci.quantity.amount
    return [
        f"item {item.sequence}: {packed.get(item.sequence, 0)} packed in cartons/pallets, "
        f"{item.quantity.amount} shipped"
        for item in asn.items
        if packed.get(item.sequence, 0) != item.quantity.amount
    ]


_HL_PARENTS = {"S": (None,), "O": ("S",), "T": ("O", "S"), "P": ("O", "T"), "I": ("O", "T", "P")}


def read_856(tx, ctx):
    _AsnReader(tx, ctx).read()


def add_item(asn, po, ids, qty, lot, parent, parent_level):
    """One item (I) level into an 856 being read: the Shipment's item for this PO, product
    and unit grows, and the carton (P) or pallet (T) above gets a container item. ``asn`` has
    ``items``, ``carton_by_hl`` and ``pallets``; the one-pass reader shares this."""
    key = (po, ids.asin, ids.vendor_product_id, ids.ean, ids.upc, ids.isbn, qty.unit)
    item = asn.items.get(key)
    if item is None:
        item = asn.items[key] = D.ShipmentItem(
            str(len(asn.items) + 1),
            ids,
            D.Quantity(0, qty.unit),
            purchase_order_number=po,
            lot=lot,
        )
    item.quantity.amount += qty.amount
    container = D.ContainerItem(item.sequence, qty, lot)
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
        self.check_ctt(root.first("CTT"))
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
        if level in _HL_PARENTS and parent_level not in _HL_PARENTS[level]:
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
            self.pallets[hid] = D.Pallet(sscc=sscc or "")
        else:
            carton = D.Carton(sequence=str(len(self.cartons) + 1), sscc=sscc, items=[])
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
        ids, extra = ids_from(lin, 2, 30)
        text = sn1.get(2)
        if text.isdigit():
            amount = int(text)
            self.sn1_total += amount
        else:
            amount = qty_int(text) or 0
            self.sn1_total += dec(text) or 0
        qty = D.Quantity(amount, X12_TO_UOM.get(sn1.get(3), "Eaches"))
        lot = None
        if extra or dtms:
            when = {d.get(1): parse_d8(d.get(2)) for d in dtms}
            if extra.get("LT") or when.get("036") or when.get("094"):
                lot = D.Lot(extra.get("LT"), when.get("036"), when.get("094"))
        add_item(self, po, ids, qty, lot, parent, parent_level)

    def check_ctt(self, ctt):
        if ctt is None:
            return
        count = len(self.levels)
        if ctt.get(1) != str(count):
            self.ctx.error(f"CTT01 says {ctt.get(1)!r}, the 856 has {count} HL segments", ctt, 1)
        if ctt.get(2) and dec(ctt.get(2)) != self.sn1_total:
            self.ctx.error(
                f"CTT02 {ctt.get(2)!r} differs from the SN102 sum {num(self.sn1_total)}", ctt, 2
            )

    def shipment(self, root):
        bsn = root.first("BSN")
        dtm = {d.get(1): parse_dt(d.get(2), d.get(3)) for d in root.all("DTM")}
        loose = []
        for _hid, parent, carton in self.cartons:
            if self.levels.get(parent) == "T":
                self.pallets[parent].cartons.append(carton)
            else:
                loose.append(carton)
        ship = self.ship
        who = parties(ship)
        refs = {r.get(1): r.get(2) for r in ship.all("REF")}
        td5 = ship.first("TD5")
        td1 = ship.first("TD1")
        weight = None
        if td1 is not None and dec(td1.get(7)) is not None:
            weight = D.Weight(dec(td1.get(7)), X12_TO_WEIGHT.get(td1.get(8), "Lb"))
        confirmed = parse_dt(bsn.get(3), bsn.get(4)) if bsn else None
        inter = self.tx.interchange
        return D.Shipment(
            shipment_id=bsn.get(2) if bsn else "",
            confirmation_date=confirmed,
            shipped_date=dtm.get("011") or confirmed,
            selling_party=D.Party(inter.sender if inter else ""),
            ship_from_party=who.get("SF") or D.Party(""),
            ship_to_party=who.get("ST") or D.Party(""),
            items=list(self.items.values()),
            pallets=list(self.pallets.values()),
            cartons=loose,
            confirmation_type="Replace" if bsn and bsn.get(1) == "05" else "Original",
            carrier_scac=(td5.get(3) or None) if td5 else None,
            transportation_mode=X12_TO_MODE.get(td5.get(4)) if td5 else None,
            pro_number=refs.get("CN"),
            bill_of_lading=refs.get("BM"),
            amazon_reference_number=refs.get("BX"),
            estimated_delivery_date=dtm.get("017"),
            gross_weight=weight,
        )


# ---- 810 invoice ----------------------------------------------------------------------------
def _tax_segments(taxes):
    return [
        [
            "TXI",
            TAX_TO_X12.get(t.tax_type, "ZZ"),
            num(t.amount.amount),
            num(t.rate * 100) if t.rate is not None else "",
        ]
        for t in taxes
    ]


def _sac_segments(charges):
    out = []
    for c in charges:
        code = CHARGE_TO_X12.get(c.charge_type, "ZZZZ")
        seg = ["SAC", "A" if c.is_allowance else "C", code, "", "", cents(c.amount.amount)]
        if code == "ZZZZ" or c.description:
            seg += [""] * 9 + [(c.description or c.charge_type)[:80]]
        out.append(seg)
        out += _tax_segments(c.taxes)
    return out


def render_810(inv):
    pos = inv.purchase_order_numbers()
    body = [
        [
            "BIG",
            d8(inv.date),
            inv.number,
            "",
            pos[0] if len(pos) == 1 else "",
            "",
            "",
            "CR" if inv.invoice_type == "CreditNote" else "",
        ]
    ]
    body.append(["CUR", "SE", inv.total.currency])
    if inv.shipment_id:
        body.append(["REF", "SI", inv.shipment_id])
    if inv.reference_number:
        body.append(["REF", "VN", inv.reference_number])
    body += party_segments("RI", inv.remit_to_party, "ZZ")
    body += party_segments("BT", inv.bill_to_party)
    body += party_segments("ST", inv.ship_to_party)
    body += party_segments("SF", inv.ship_from_party, "ZZ")
    if inv.payment_terms:
        pt = inv.payment_terms
        body.append(
            [
                "ITD",
                TERMS_TO_X12.get(pt.terms_type, "01"),
                "3",
                num(pt.discount_percent) if pt.discount_percent is not None else "",
                "",
                pt.discount_due_days if pt.discount_due_days is not None else "",
                "",
                pt.net_due_days if pt.net_due_days is not None else "",
            ]
        )
    qty_total = 0
    for item in inv.items:
        q = item.quantity
        body.append(
            [
                "IT1",
                item.sequence,
                q.amount,
                UOM_TO_X12[q.unit],
                num(item.net_cost.amount),
                "",
                *id_pairs(item.ids),
            ]
        )
        qty_total += q.amount
        body += _tax_segments(item.taxes)
        if len(pos) > 1 and item.purchase_order_number:
            body.append(["REF", "PO", item.purchase_order_number])
        body += _sac_segments(item.charges)
    body.append(["TDS", cents(inv.total.amount)])
    body += _tax_segments(inv.taxes)
    body += _sac_segments(inv.charges)
    body.append(["CTT", len(inv.items), qty_total])
    return "810", body


def _taxes_from(segs, currency):
    out = []
    for txi in segs:
        rate = dec(txi.get(3))
        out.append(
            D.TaxDetail(
                X12_TO_TAX.get(txi.get(1), "MutuallyDefined"),
                D.Money(dec(txi.get(2)) or Decimal(0), currency),
                rate / 100 if rate is not None else None,
            )
        )
    return out


def _charges_from(loops, currency):
    out = []
    for loop in loops:
        sac = loop.head
        amount = from_cents(sac.get(5)) or Decimal(0)
        kind = X12_TO_CHARGE.get(sac.get(2)) or sac.get(15) or sac.get(2)
        out.append(
            D.Charge(
                kind,
                D.Money(amount, currency),
                sac.get(1) == "A",
                description=sac.get(15) or None,
                taxes=_taxes_from(loop.all("TXI"), currency),
            )
        )
    return out


def read_810(tx, ctx):
    root = tx.tree
    big = root.first("BIG")
    cur = root.first("CUR")
    currency = cur.get(2) if cur else "USD"
    refs = {r.get(1): r.get(2) for r in root.all("REF")}
    who = parties(root)
    items = []
    qty_total = Decimal(0)
    header_po = big.get(4) if big else ""
    for loop in root.loop("IT1"):
        it1 = loop.head
        ids, _ = ids_from(it1, 6, 24)
        price = dec(it1.get(4))
        if price is None:
            ctx.error("IT104 unit price is missing", it1, 4, "1")
            price = Decimal(0)
        qty_total += dec(it1.get(2)) or 0
        line_refs = {r.get(1): r.get(2) for r in loop.all("REF")}
        items.append(
            D.InvoiceItem(
                sequence=qty_int(it1.get(1)) or len(items) + 1,
                ids=ids,
                quantity=D.Quantity(qty_int(it1.get(2)) or 0, X12_TO_UOM.get(it1.get(3), "Eaches")),
                net_cost=D.Money(price, currency),
                purchase_order_number=line_refs.get("PO") or header_po or None,
                taxes=_taxes_from(loop.all("TXI"), currency),
                charges=_charges_from(loop.loop("SAC"), currency),
            )
        )
    tds = root.first("TDS")
    total = from_cents(tds.get(1)) if tds else None
    terms = None
    itd = root.first("ITD")
    if itd is not None:
        terms = D.PaymentTerms(
            X12_TO_TERMS.get(itd.get(1), "Basic"),
            dec(itd.get(3)),
            qty_int(itd.get(5)),
            qty_int(itd.get(7)),
        )
    inv = D.Invoice(
        number=big.get(2) if big else "",
        date=parse_dt(big.get(1)) if big else None,
        remit_to_party=who.get("RI") or D.Party(""),
        total=D.Money(total or Decimal(0), currency),
        items=items,
        invoice_type="CreditNote" if big and big.get(7) == "CR" else "Invoice",
        reference_number=refs.get("VN"),
        ship_to_party=who.get("ST"),
        ship_from_party=who.get("SF"),
        bill_to_party=who.get("BT"),
        payment_terms=terms,
        taxes=_taxes_from(root.all("TXI"), currency),
        charges=_charges_from(root.loop("SAC"), currency),
        shipment_id=refs.get("SI"),
    )
    _ctt(ctx, root, len(items), qty_total, "IT1 lines")
    if tds is not None and total is not None and total != inv.computed_total():
        ctx.error(
            f"TDS01 {tds.get(1)} (= {total}) differs from lines + charges - allowances + "
            f"taxes = {inv.computed_total()} (TDS carries 2 implied decimals)",
            tds,
            1,
        )
    tx.document = inv


def check_invoice(inv, po=None, asn=None):
    """Amazon's three-way match: prices equal the PO's, quantities within what was shipped,
    TDS equals the lines. Returns a list of messages."""
    problems = []
    if inv.total.amount != inv.computed_total():
        problems.append(
            f"invoice {inv.number}: total {inv.total.amount} differs from lines + "
            f"charges - allowances + taxes = {inv.computed_total()}"
        )
    if po is not None:
        for item in inv.items:
            if item.purchase_order_number and item.purchase_order_number != po.number:
                continue
            line = _match_line(po.items, item.ids, str(item.sequence))
            if line is None:
                problems.append(
                    f"invoice {inv.number} line {item.sequence}: no matching line on PO {po.number}"
                )
            elif line.net_cost and item.net_cost.amount != line.net_cost.amount:
                problems.append(
                    f"invoice {inv.number} line {item.sequence}: price "
                    f"{item.net_cost.amount} differs from PO {po.number} price "
                    f"{line.net_cost.amount}"
                )
    if asn is not None:
        shipped = {}
        for s in asn.items:
            key = s.ids.asin or s.ids.vendor_identifier()
            shipped[key] = shipped.get(key, 0) + s.quantity.amount
        billed = {}
        for item in inv.items:
            key = item.ids.asin or item.ids.vendor_identifier()
            billed[key] = billed.get(key, 0) + item.quantity.amount
        for key, qty in billed.items():
            if qty != shipped.get(key, 0):
                problems.append(
                    f"invoice {inv.number}: {qty} of {key} invoiced, "
                    f"{shipped.get(key, 0)} shipped on ASN {asn.shipment_id}"
                )
    return problems


def _match_line(lines, ids, sequence):
    for line in lines:
        if ids.asin and line.ids.asin == ids.asin:
            return line
        if ids.vendor_identifier() and line.ids.vendor_identifier() == ids.vendor_identifier():
            return line
    for line in lines:
        if line.sequence == sequence:
            return line
    return None


# ---- 846 inventory advice ------------------------------------------------------------------
def render_846(advice):
    body = [["BIA", "00", "MM", advice.reference, d8(advice.date), hm(advice.date)]]
    body += party_segments("SU", advice.selling_party, "ZZ")
    if advice.warehouse_id:
        body.append(["N1", "ZZ", "", "92", advice.warehouse_id])
    total = 0
    for item in advice.items:
        body.append(["LIN", "", *id_pairs(item.ids)])
        amount = 0 if item.is_obsolete else item.available.amount
        body.append(["QTY", "33", amount, UOM_TO_X12[item.available.unit]])
        total += amount
    body.append(["CTT", len(advice.items), total])
    return "846", body


def read_846(tx, ctx):
    root = tx.tree
    bia = root.first("BIA")
    who = parties(root)
    items = []
    total = Decimal(0)
    for loop in root.loop("LIN"):
        ids, _ = ids_from(loop.head, 2, 30)
        qty = next((q.head for q in loop.loop("QTY") if q.head.get(1) == "33"), None)
        amount = qty_int(qty.get(2)) if qty else 0
        total += amount or 0
        items.append(
            D.InventoryItem(
                ids,
                D.Quantity(amount or 0, X12_TO_UOM.get(qty.get(3)[:2] if qty else "EA", "Eaches")),
            )
        )
    _ctt(ctx, root, len(items), total, "LIN lines")
    warehouse = who.get("ZZ")
    tx.document = D.InventoryAdvice(
        reference=bia.get(3) if bia else "",
        date=parse_dt(bia.get(4), bia.get(5)) if bia else None,
        selling_party=who.get("SU") or D.Party(""),
        items=items,
        warehouse_id=warehouse.party_id if warehouse else None,
    )


# ---- 852 product activity ------------------------------------------------------------------
def render_852(report):
    body = [["XQ", "H", d8(report.start), d8(report.end)]]
    body.append(["N9", "IA", report.vendor_code or report.reference])
    if report.location:
        body.append(["N1", "ST", "", "92", report.location])
    reverse = {v: k for k, v in D.ACTIVITY_CODES.items()}
    for line in report.lines:
        body.append(["LIN", "", *id_pairs(line.ids)])
        for activity, qty in line.quantities.items():
            body.append(["ZA", reverse.get(activity, activity), qty, UOM_TO_X12[line.unit]])
            if line.location:
                body.append(["SDQ", UOM_TO_X12[line.unit], "92", line.location, qty])
    body.append(["CTT", len(report.lines)])
    return "852", body


def read_852(tx, ctx):
    root = tx.tree
    xq = root.first("XQ")
    n9 = root.first("N9")
    who = parties(root)
    lines = []
    for loop in root.loop("LIN"):
        ids, _ = ids_from(loop.head, 2, 30)
        by_location = OrderedDict()
        for za_loop in loop.loop("ZA"):
            za = za_loop.head
            activity = D.ACTIVITY_CODES.get(za.get(1), za.get(1))
            sdqs = za_loop.all("SDQ")
            if not sdqs:
                by_location.setdefault(None, {})[activity] = qty_int(za.get(2)) or 0
            for sdq in sdqs:
                for pos in range(3, 23, 2):
                    if sdq.get(pos):
                        by_location.setdefault(sdq.get(pos), {})[activity] = (
                            qty_int(sdq.get(pos + 1)) or 0
                        )
        for location, quantities in by_location.items():
            lines.append(D.ProductActivityLine(ids, quantities, location))
    ctt = root.first("CTT")
    if ctt is not None and ctt.get(1) != str(len(root.loop("LIN"))):
        ctx.error(
            f"CTT01 says {ctt.get(1)!r}, the 852 has {len(root.loop('LIN'))} LIN lines", ctt, 1
        )
    st = who.get("ST")
    tx.document = D.ProductActivityReport(
        reference=n9.get(2) if n9 else "",
        start=parse_d8(xq.get(2)) if xq else None,
        end=parse_d8(xq.get(3) or xq.get(2)) if xq else None,
        lines=lines,
        vendor_code=n9.get(2) if n9 and n9.get(1) == "IA" else None,
        location=st.party_id if st else None,
    )


# ---- 860 PO change --------------------------------------------------------------------------
def render_860(change):
    body = [
        [
            "BCH",
            PURPOSE_TO_X12[change.purpose],
            "SA",
            change.purchase_order_number,
            "",
            change.change_sequence or "",
            d8(change.change_date),
        ]
    ]
    total = 0
    for item in change.items:
        qty = item.quantity
        body.append(
            [
                "POC",
                item.sequence,
                item.change_code,
                qty.amount if qty else "",
                item.quantity_change if item.quantity_change is not None else "",
                UOM_TO_X12[qty.unit] if qty else "EA",
                num(item.net_cost.amount) if item.net_cost else "",
                "PE" if item.net_cost else "",
                *id_pairs(item.ids),
            ]
        )
        total += qty.amount if qty else 0
    body.append(["CTT", len(change.items), total])
    return "860", body


def read_860(tx, ctx):
    root = tx.tree
    bch = root.first("BCH")
    items = []
    for loop in root.loop("POC"):
        poc = loop.head
        ids, _ = ids_from(poc, 8, 26)
        qty = qty_int(poc.get(3))
        unit = X12_TO_UOM.get(
            poc.get(5).split(tx.interchange.delimiters.component)[0]
            if tx.interchange
            else poc.get(5),
            "Eaches",
        )
        price = dec(poc.get(6))
        items.append(
            D.PurchaseOrderChangeItem(
                sequence=poc.get(1),
                change_code=poc.get(2),
                ids=ids,
                quantity=D.Quantity(qty, unit) if qty is not None else None,
                quantity_change=qty_int(poc.get(4)),
                net_cost=D.Money(price) if price is not None else None,
            )
        )
    tx.document = D.PurchaseOrderChange(
        purchase_order_number=bch.get(3) if bch else "",
        purpose=X12_TO_PURPOSE.get(bch.get(1), "Change") if bch else "Change",
        change_date=parse_dt(bch.get(6)) if bch else None,
        change_sequence=(bch.get(5) or None) if bch else None,
        items=items,
    )


# ---- 820 remittance -------------------------------------------------------------------------
def _adx(seg):
    amount = dec(seg.get(1)) or Decimal(0)
    return D.Deduction(amount=-amount, reason_code=seg.get(2) or None, reference=seg.get(4) or None)


def read_820(tx, ctx):
    root = tx.tree
    bpr = root.first("BPR")
    trn = root.first("TRN")
    cur = root.first("CUR")
    currency = cur.get(2) if cur else "USD"
    who = OrderedDict(party_from(n1) for n1 in root.loop("N1"))
    lines, deductions = [], []
    for ent in root.loop("ENT"):
        for adx in ent.loop("ADX"):
            deductions.append(_adx(adx.head))
        for rmr_loop in ent.loop("RMR"):
            rmr = rmr_loop.head
            refs = {r.get(1): r.get(2) for r in rmr_loop.all("REF")}
            dtm = {d.get(1): parse_d8(d.get(2)) for d in rmr_loop.all("DTM")}
            lines.append(
                D.RemittanceLine(
                    invoice_number=rmr.get(2),
                    amount_paid=dec(rmr.get(4)) or Decimal(0),
                    invoice_amount=dec(rmr.get(5)),
                    discount_amount=dec(rmr.get(6)),
                    invoice_date=dtm.get("003"),
                    purchase_order_number=refs.get("PO"),
                    deductions=[_adx(a) for a in rmr_loop.all("ADX")],
                )
            )
    amount = dec(bpr.get(2)) if bpr else None
    remit = D.Remittance(
        payment_reference=trn.get(2) if trn else "",
        payment_date=parse_d8(bpr.get(16)) if bpr else None,
        amount=D.Money(amount or Decimal(0), currency),
        payer=who.get("PR"),
        payee=who.get("PE"),
        payment_method=(bpr.get(4) or None) if bpr else None,
        credit_debit=bpr.get(3) if bpr else "C",
        lines=lines,
        deductions=deductions,
    )
    if amount is not None and lines and remit.lines_total() != amount:
        ctx.error(
            f"BPR02 payment {amount} differs from the remittance lines' total "
            f"{remit.lines_total()}",
            bpr,
            2,
            severity="warning",
        )
    tx.document = remit


def render_820(remit):
    body = [
        [
            "BPR",
            "I",
            num(remit.amount.amount),
            remit.credit_debit,
            remit.payment_method or "ACH",
            *[""] * 11,
            d8(remit.payment_date),
        ]
    ]
    body.append(["TRN", "1", remit.payment_reference])
    body.append(["CUR", "PR", remit.amount.currency])
    if remit.payer:
        body.append(
            [
                "N1",
                "PR",
                remit.payer.address.name if remit.payer.address else "",
                "92",
                remit.payer.party_id,
            ]
        )
    if remit.payee:
        body.append(
            [
                "N1",
                "PE",
                remit.payee.address.name if remit.payee.address else "",
                "92",
                remit.payee.party_id,
            ]
        )
    body.append(["ENT", 1])
    for d in remit.deductions:
        body.append(["ADX", num(-d.amount), d.reason_code or "ZZ", "", d.reference or ""])
    for line in remit.lines:
        body.append(
            [
                "RMR",
                "IV",
                line.invoice_number,
                "PI",
                num(line.amount_paid),
                num(line.invoice_amount) if line.invoice_amount is not None else "",
                num(line.discount_amount) if line.discount_amount is not None else "",
            ]
        )
        if line.purchase_order_number:
            body.append(["REF", "PO", line.purchase_order_number])
        if line.invoice_date:
            body.append(["DTM", "003", d8(line.invoice_date)])
        for d in line.deductions:
            body.append(["ADX", num(-d.amount), d.reason_code or "ZZ", "", d.reference or ""])
    return "820", body


# ---- 812 credit/debit adjustment ------------------------------------------------------------
def render_812(adj):
    body = [
        [
            "BCD",
            d8(adj.date),
            adj.adjustment_number,
            "I",
            cents(adj.amount.amount),
            adj.credit_debit,
            d8(adj.invoice_date),
            adj.invoice_number or "",
            "",
            "",
            adj.purchase_order_number or "",
        ]
    ]
    body.append(["CUR", "BY", adj.amount.currency])
    for role, party in adj.parties or [("VN", D.Party("UNKNOWN"))]:
        body.append(["N1", role, party.address.name if party.address else "", "92", party.party_id])
    for line in adj.lines:
        body.append(
            [
                "CDD",
                line.reason_code,
                line.credit_debit,
                "",
                cents(line.amount),
                "",
                "",
                line.quantity if line.quantity is not None else "",
                "EA" if line.quantity is not None else "",
                num(line.unit_price) if line.unit_price is not None else "",
            ]
        )
        if line.ids.any():
            body.append(["LIN", "", *id_pairs(line.ids)])
    return "812", body


def read_812(tx, ctx):
    root = tx.tree
    bcd = root.first("BCD")
    cur = root.first("CUR")
    currency = cur.get(2) if cur else "USD"
    lines = []
    for loop in root.loop("CDD"):
        cdd = loop.head
        lin = loop.first("LIN")
        ids = ids_from(lin, 2, 30)[0] if lin else D.ProductIds()
        lines.append(
            D.AdjustmentLine(
                reason_code=cdd.get(1),
                credit_debit=cdd.get(2),
                amount=from_cents(cdd.get(4)) or 0,
                ids=ids,
                quantity=qty_int(cdd.get(7)),
                unit_price=dec(cdd.get(9)),
            )
        )
    adj = D.CreditDebitAdjustment(
        adjustment_number=bcd.get(2) if bcd else "",
        date=parse_d8(bcd.get(1)) if bcd else None,
        credit_debit=bcd.get(5) if bcd else "",
        amount=D.Money(from_cents(bcd.get(4)) or Decimal(0) if bcd else Decimal(0), currency),
        invoice_number=(bcd.get(7) or None) if bcd else None,
        purchase_order_number=(bcd.get(10) or None) if bcd else None,
        invoice_date=parse_d8(bcd.get(6)) if bcd else None,
        parties=[party_from(n1) for n1 in root.loop("N1")],
        lines=lines,
    )
    signed = sum(
        (ln.amount if ln.credit_debit == adj.credit_debit else -ln.amount for ln in lines),
        Decimal(0),
    )
    if lines and signed != adj.amount.amount:
        ctx.error(f"BCD04 {adj.amount.amount} differs from the CDD lines' total {signed}", bcd, 4)
    tx.document = adj


# ---- dispatch ------------------------------------------------------------------------------
READERS = {
    "850": read_850,
    "855": read_855,
    "856": read_856,
    "810": read_810,
    "846": read_846,
    "852": read_852,
    "860": read_860,
    "820": read_820,
    "812": read_812,
}


def read_document(tx):
    """Fill ``tx.document``; a mapping failure is reported as an issue, never raised."""
    reader = READERS.get(tx.set_id)
    if tx.set_id == "997":
        from .ack import read_997

        reader = read_997
    if reader is None or tx.tree is None:
        return
    try:
        reader(tx, _Ctx(tx))
    except Exception as exc:  # malformed input can defeat any mapping: report, do not crash
        _logger.debug("cannot map %s %s", tx.set_id, tx.control, exc_info=True)
        _Ctx(tx).error(f"the {tx.set_id} could not be read into a document ({exc!r})")
        tx.document = None


def render(obj, version="4010"):
    """Domain object -> (set_id, body segments) for ``writer.write_interchange``."""
    if isinstance(obj, D.PurchaseOrder):
        return render_850(obj)
    if isinstance(obj, D.Acknowledgement):
        return render_855(obj)
    if isinstance(obj, D.Shipment):
        return render_856(obj, version)
    if isinstance(obj, D.Invoice):
        return render_810(obj)
    if isinstance(obj, D.InventoryAdvice):
        return render_846(obj)
    if isinstance(obj, D.ProductActivityReport):
        return render_852(obj)
    if isinstance(obj, D.PurchaseOrderChange):
        return render_860(obj)
    if isinstance(obj, D.Remittance):
        return render_820(obj)
    if isinstance(obj, D.CreditDebitAdjustment):
        return render_812(obj)
    from .ack import FunctionalAck, render_997

    if isinstance(obj, FunctionalAck):
        return render_997(obj)
    raise TypeError(f"no X12 transaction set for {type(obj).__name__}")
