"""Pre-validation of an ASN (shipment confirmation) before it leaves Odoo.

Amazon charges vendors back for ASNs that disagree with the PO, the goods or the labels, and it
refuses some outright (the sandbox in ``sandbox/engine.py`` mirrors those refusals). Catching the
same mistakes here, with a fix an ops person can apply, is cheaper than a chargeback. Codes that
Amazon also returns keep Amazon's spelling so the two can be compared one to one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from .gs1 import validate_sscc

_logger = logging.getLogger(__name__)

ERROR = "error"
WARNING = "warning"

FREIGHT_TYPES = ("TruckLoad", "LessThanTruckLoad")
SHIPMENT_TYPES = FREIGHT_TYPES + ("SmallParcel",)


@dataclass(frozen=True)
class Problem:
    """One finding: ``code`` is stable (for tests and Odoo), the rest is for people."""

    code: str
    severity: str  # error | warning
    where: str  # the carton, pallet, PO line, invoice line or field it is about
    message: str
    fix: str
    refs: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_error(self):
        return self.severity == ERROR

    def __str__(self):
        return f"[{self.code}] {self.where}: {self.message} Fix: {self.fix}"


@dataclass
class PoLineContext:
    """What Acorn knows about one PO line; quantities are eaches.

    ``shipped`` counts eaches already confirmed by *other* ASNs (for a Replace, leave out the
    ASN being replaced); ``invoiced`` counts eaches already billed by earlier invoices.
    """

    sequence: str
    asin: str | None = None
    vendor_ids: tuple = ()  # SKU, EAN, UPC... any identifier Amazon may match the line on
    accepted: int = 0
    shipped: int = 0
    invoiced: int = 0
    net_cost: Decimal | None = None
    lot_tracked: bool = False  # lot number and expiry date must travel with the goods

    def label(self):
        return self.asin or (self.vendor_ids[0] if self.vendor_ids else self.sequence)

    def matches(self, ids):
        """Amazon's rule: the line whose ASIN, or whose SKU/EAN/UPC, equals the document's."""
        if ids.asin and ids.asin == self.asin:
            return True
        vendor = ids.vendor_identifier()
        return bool(vendor) and vendor in self.vendor_ids


@dataclass
class PoContext:
    number: str
    lines: list[PoLineContext]
    state: str = "Acknowledged"  # New | Acknowledged | Closed
    vendor_code: str | None = None  # the PO's selling party
    ship_to: str | None = None  # the fulfilment centre code
    date: datetime | None = None
    currency: str | None = None

    def match(self, ids, sequence=None):
        if ids.asin or ids.vendor_identifier():
            return next((line for line in self.lines if line.matches(ids)), None)
        if sequence is not None:
            return next((line for line in self.lines if line.sequence == str(sequence)), None)
        return None

    @classmethod
    def from_purchase_order(cls, po, accepted=None, shipped=None, invoiced=None, tracked=()):
        """Build from a domain PurchaseOrder; the dicts map line sequence -> eaches.

        ``accepted`` defaults to the ordered eaches (a PO acknowledged in full); ``tracked``
        lists the line sequences whose product needs lot and expiry.
        """
        lines = []
        for item in po.items:
            ids = item.ids
            vendor_ids = tuple(v for v in (ids.vendor_product_id, ids.ean, ids.upc, ids.isbn) if v)
            seq = str(item.sequence)
            lines.append(
                PoLineContext(
                    sequence=seq,
                    asin=ids.asin,
                    vendor_ids=vendor_ids,
                    accepted=(accepted or {}).get(seq, eaches(item.ordered_quantity)),
                    shipped=(shipped or {}).get(seq, 0),
                    invoiced=(invoiced or {}).get(seq, 0),
                    net_cost=item.net_cost.amount if item.net_cost else None,
                    lot_tracked=seq in tracked,
                )
            )
        currency = po.currency or next((i.net_cost.currency for i in po.items if i.net_cost), None)
        return cls(
            number=po.number,
            lines=lines,
            state=po.state,
            vendor_code=po.selling_party.party_id if po.selling_party else None,
            ship_to=po.ship_to_party.party_id if po.ship_to_party else None,
            date=po.date,
            currency=currency,
        )


@dataclass
class AsnContext:
    """Everything the ASN is compared with.

    ``picking_done`` maps a product key (ASIN, else SKU/EAN) to the eaches done on the Odoo
    picking(s) the ASN confirms; None skips that comparison. ``sent_shipment_ids`` are the
    shipment identifiers this vendor already sent (Amazon refuses reuse within 365 days);
    ``sent_ssccs`` the SSCCs labelled on earlier shipments (GS1: never reuse within a year).
    """

    purchase_orders: dict[str, PoContext]
    now: datetime | None = None
    picking_done: dict[str, int] | None = None
    sent_shipment_ids: frozenset | set = frozenset()
    sent_ssccs: frozenset | set = frozenset()
    future_tolerance: timedelta = timedelta(minutes=5)


def has_errors(problems):
    """True when a problem blocks sending (warnings only inform)."""
    return any(p.is_error for p in problems)


def eaches(quantity):
    """Eaches in a domain Quantity (Cases count ``unit_size`` each), as Amazon counts them."""
    if quantity.unit == "Cases":
        return quantity.amount * (quantity.unit_size or 1)
    return quantity.amount


def product_key(ids):
    return ids.asin or ids.vendor_identifier()


def _problem(code, where, message, fix, severity=ERROR, **refs):
    return Problem(code, severity, where, message, fix, refs)


def _carton_label(carton):
    ident = carton.sscc or next(iter(carton.other_ids.values()), None)
    return f"carton {carton.sequence}" + (f" (SSCC {ident})" if ident else "")


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------


def check_shipment(asn, context):
    """Every problem found in ``asn`` (a domain Shipment); empty when it can be sent."""
    now = context.now or datetime.now(timezone.utc)
    problems = []
    problems += _check_identity(asn, context)
    problems += _check_dates(asn, now, context.future_tolerance)
    problems += _check_transport(asn)
    problems += _check_lines(asn, context)
    problems += check_sscc_labels(asn, context.sent_ssccs)
    problems += _check_containers(asn)
    problems += _check_picking(asn, context.picking_done)
    _logger.debug("ASN %s: %d problem(s)", asn.shipment_id, len(problems))
    return problems


def _check_identity(asn, context):
    sid, out = asn.shipment_id, []
    where = f"shipment {sid}"
    if not sid:
        return [
            _problem(
                "MISSING_SHIPMENT_IDENTIFIER",
                "shipment",
                "The shipment has no identifier.",
                "Give the shipment a unique identifier (for example the picking reference).",
            )
        ]
    known = sid in context.sent_shipment_ids
    if asn.confirmation_type == "Replace" and not known:
        out.append(
            _problem(
                "SHIPMENT_NOT_FOUND",
                where,
                "This is a Replace, but no ASN with this identifier was sent before.",
                "Send it as an Original, or use the identifier of the ASN you mean to replace.",
                shipment=sid,
            )
        )
    elif asn.confirmation_type != "Replace" and known:
        out.append(
            _problem(
                "DUPLICATE_SHIPMENT_IDENTIFIER",
                where,
                "An ASN with this identifier was already sent; Amazon refuses a reused "
                "identifier within 365 days.",
                "Send it as a Replace to correct the earlier ASN, or give it a new identifier.",
                shipment=sid,
            )
        )
    return out


def _check_dates(asn, now, tolerance):
    out, where = [], f"shipment {asn.shipment_id}"
    if asn.shipped_date is None:
        out.append(
            _problem(
                "MISSING_SHIPPED_DATE",
                f"{where}, shipped date",
                "The shipped date is missing.",
                "Set the shipped date to when the truck left the warehouse.",
            )
        )
        return out
    if asn.shipped_date > now + tolerance:
        out.append(
            _problem(
                "SHIPPED_DATE_IN_FUTURE",
                f"{where}, shipped date",
                f"The shipped date {asn.shipped_date:%Y-%m-%d %H:%M} UTC is in the future.",
                "Send the ASN after the truck left, with the actual departure time "
                f"(now is {now:%Y-%m-%d %H:%M} UTC).",
            )
        )
    eta = asn.estimated_delivery_date
    if eta is not None and eta < asn.shipped_date:
        out.append(
            _problem(
                "DELIVERY_BEFORE_SHIP_DATE",
                f"{where}, estimated delivery date",
                f"The estimated delivery {eta:%Y-%m-%d %H:%M} is before the shipped date "
                f"{asn.shipped_date:%Y-%m-%d %H:%M}.",
                "Set the estimated delivery to the carrier's delivery date, after the ship date.",
            )
        )
    return out


def _check_transport(asn):
    out, where = [], f"shipment {asn.shipment_id}"
    kind = asn.shipment_type
    if kind is None:
        return [
            _problem(
                "MISSING_SHIPMENT_TYPE",
                f"{where}, shipment type",
                "The shipment type is not set, so Amazon cannot tell which carrier data to expect.",
                "Set it to TruckLoad, LessThanTruckLoad or SmallParcel.",
                WARNING,
            )
        ]
    if kind not in SHIPMENT_TYPES:
        return [
            _problem(
                "INVALID_SHIPMENT_TYPE",
                f"{where}, shipment type",
                f"Shipment type {kind!r} is not one Amazon knows.",
                "Set it to TruckLoad, LessThanTruckLoad or SmallParcel.",
            )
        ]
    if kind in FREIGHT_TYPES:
        if not asn.bill_of_lading:
            out.append(
                _problem(
                    "MISSING_BILL_OF_LADING",
                    f"{where}, bill of lading",
                    f"A {kind} shipment needs the bill of lading number.",
                    "Enter the bill of lading number printed on the carrier's BOL.",
                )
            )
        scac = asn.carrier_scac or ""
        if not scac:
            out.append(
                _problem(
                    "MISSING_CARRIER_SCAC",
                    f"{where}, carrier",
                    f"A {kind} shipment needs the carrier's SCAC code.",
                    "Enter the carrier's 2-4 letter SCAC (for example ODFL).",
                )
            )
        elif not (2 <= len(scac) <= 4 and scac.isalpha() and scac.isupper()):
            out.append(
                _problem(
                    "INVALID_CARRIER_SCAC",
                    f"{where}, carrier",
                    f"Carrier code {scac!r} is not a SCAC (2 to 4 capital letters).",
                    "Enter the carrier's SCAC, for example ODFL or UPSN.",
                )
            )
    else:
        cartons = asn.all_cartons()
        if not cartons:
            out.append(
                _problem(
                    "MISSING_CARTONS",
                    f"{where}, cartons",
                    "A SmallParcel shipment lists no cartons, so no tracking numbers.",
                    "Add the cartons with their tracking numbers.",
                )
            )
        for carton in cartons:
            if not carton.tracking_number:
                out.append(
                    _problem(
                        "MISSING_TRACKING_NUMBER",
                        _carton_label(carton),
                        "A SmallParcel carton needs the parcel carrier's tracking number.",
                        "Enter the tracking number from the parcel label.",
                        carton=carton.sequence,
                    )
                )
    return out


def resolve_po(doc_line, context, at, missing, fix, **refs):
    """(the PO a document line names, None), or (None, the problem saying why there is none).

    ASN and invoice lines name their PO the same way; ``missing``/``fix`` say it in the
    document's words when the number is absent."""
    number = doc_line.purchase_order_number
    if not number:
        return None, _problem("MISSING_PURCHASE_ORDER_NUMBER", at, missing, fix, **refs)
    po = context.purchase_orders.get(number)
    if po is None:
        return None, _problem(
            "INVALID_PO_NUMBER",
            at,
            f"PO {number} is not a purchase order Acorn received from Amazon.",
            "Correct the PO number to the one on the Amazon order.",
            po=number,
            **refs,
        )
    return po, None


def _check_lines(asn, context):
    out, where = [], f"shipment {asn.shipment_id}"
    totals, seen_pos = {}, set()
    for item in asn.items:
        ref = product_key(item.ids) or f"item {item.sequence}"
        at = f"{where}, item {item.sequence} ({ref})"
        po, problem = resolve_po(
            item,
            context,
            at,
            "The line does not say which purchase order it ships.",
            "Set the PO number of the order this product was picked for.",
            item=item.sequence,
        )
        if problem:
            out.append(problem)
            continue
        number = po.number
        if number not in seen_pos:
            seen_pos.add(number)
            out += _check_po_header(asn, po)
        line = po.match(item.ids)
        if line is None:
            out.append(
                _problem(
                    "ITEM_NOT_ON_PO",
                    at,
                    f"Product {ref} is not on PO {number}.",
                    f"Remove the line, or move it to the PO that ordered {ref}.",
                    item=item.sequence,
                    po=number,
                )
            )
            continue
        key = (number, line.sequence)
        totals[key] = totals.get(key, 0) + eaches(item.quantity)
        if line.lot_tracked:
            out += _check_lot(asn, item, line, at)
    for (number, seq), qty in totals.items():
        line = next(ln for ln in context.purchase_orders[number].lines if ln.sequence == seq)
        room = line.accepted - line.shipped
        if qty > room:
            out.append(
                _problem(
                    "SHIPPED_QUANTITY_EXCEEDS_ACCEPTED",
                    f"PO {number} line {seq} ({line.label()})",
                    f"The ASN ships {qty} eaches, but only {line.accepted} were accepted and "
                    f"{line.shipped} already shipped.",
                    f"Reduce the shipped quantity to {max(room, 0)}, what is accepted and not "
                    "yet shipped.",
                    po=number,
                    line=seq,
                )
            )
    return out


def _check_po_header(asn, po):
    out, where = [], f"shipment {asn.shipment_id}, PO {po.number}"
    selling = asn.selling_party.party_id if asn.selling_party else None
    if po.vendor_code and selling != po.vendor_code:
        out.append(
            _problem(
                "INVALID_SELLING_PARTY",
                f"{where}, selling party",
                f"The ASN is sent as vendor code {selling}, but PO {po.number} belongs to "
                f"{po.vendor_code}.",
                f"Set the selling party to {po.vendor_code}, or send one ASN per vendor code.",
                po=po.number,
            )
        )
    if po.state == "New":
        out.append(
            _problem(
                "PO_NOT_ACKNOWLEDGED",
                where,
                f"PO {po.number} has not been acknowledged yet.",
                "Acknowledge the PO first, then send the ASN.",
                po=po.number,
            )
        )
    if po.state == "Closed":
        out.append(
            _problem(
                "PO_CLOSED",
                where,
                f"PO {po.number} is closed at Amazon; goods shipped against it may be refused at "
                "the dock.",
                "Check the PO in Vendor Central before the truck leaves; ship only open POs.",
                WARNING,
                po=po.number,
            )
        )
    ship_to = asn.ship_to_party.party_id if asn.ship_to_party else None
    if po.ship_to and ship_to != po.ship_to:
        out.append(
            _problem(
                "SHIP_TO_MISMATCH",
                f"{where}, ship-to",
                f"The ASN ships to {ship_to}, but PO {po.number} is for fulfilment centre "
                f"{po.ship_to}.",
                f"Set the ship-to to {po.ship_to}, or ship this PO on its own ASN.",
                po=po.number,
            )
        )
    return out


def _check_lot(asn, item, line, at):
    """Lot/expiry on the line itself, else on every carton/pallet entry of the line."""
    entries = [
        ci
        for container in asn.all_cartons() + list(asn.pallets)
        for ci in container.items
        if ci.item_sequence == item.sequence
    ]
    lots = [item.lot] if item.lot else [ci.lot for ci in entries] or [None]
    missing = [lot for lot in lots if lot is None or not lot.lot_number or not lot.expiry_date]
    if not missing:
        return []
    return [
        _problem(
            "MISSING_LOT_OR_EXPIRY",
            at,
            f"Product {line.label()} is lot-tracked; the lot number and expiry date must be sent.",
            "Enter the lot number and expiry date printed on the goods.",
            item=item.sequence,
        )
    ]


def check_sscc_labels(asn, sent_ssccs=()):
    """SSCC-18 check digits, uniqueness inside the shipment and against earlier shipments."""
    out, seen = [], {}
    containers = [
        (f"pallet (SSCC {p.sscc})" if p.sscc else "pallet without SSCC", p.sscc, "pallet")
        for p in asn.pallets
    ]
    for carton in asn.all_cartons():
        if carton.sscc is None and not carton.other_ids:
            out.append(
                _problem(
                    "MISSING_CARTON_ID",
                    f"carton {carton.sequence}",
                    "The carton carries no SSCC (or other Amazon carton id).",
                    "Print and apply an SSCC label, and record its number on the carton.",
                    carton=carton.sequence,
                )
            )
        if carton.sscc is not None:
            containers.append((_carton_label(carton), carton.sscc, "carton"))
    for label, sscc, kind in containers:
        if not sscc:
            out.append(
                _problem(
                    "MISSING_PALLET_SSCC",
                    label,
                    "The pallet has no SSCC; Amazon receives pallets by their label.",
                    "Print and apply an SSCC label, and record its number on the pallet.",
                )
            )
            continue
        bad = validate_sscc(sscc)
        if bad:
            out.append(
                _problem(
                    "INVALID_SSCC",
                    label,
                    f"The {kind}'s SSCC is not valid: {bad[0]}.",
                    "Reprint the label from Acorn (it computes the check digit) and update the "
                    "number.",
                    sscc=sscc,
                )
            )
            continue
        value = sscc.strip()[-18:]
        if value in seen:
            out.append(
                _problem(
                    "DUPLICATE_SSCC",
                    label,
                    f"SSCC {value} is also on {seen[value]}; every carton and pallet needs its "
                    "own number.",
                    "Print a new SSCC label for one of them.",
                    sscc=value,
                )
            )
        elif value in sent_ssccs:
            out.append(
                _problem(
                    "SSCC_ALREADY_USED",
                    label,
                    f"SSCC {value} was already used on an earlier shipment.",
                    "Print a new SSCC label; GS1 forbids reusing one within a year.",
                    sscc=value,
                )
            )
        seen.setdefault(value, label)
    return out


def _check_containers(asn):
    """No empty carton/pallet; cartons and pallets add up to the shipped lines."""
    out = []
    for pallet in asn.pallets:
        if not pallet.cartons and not pallet.items:
            out.append(
                _problem(
                    "EMPTY_PALLET",
                    f"pallet (SSCC {pallet.sscc})",
                    "The pallet holds no cartons and no items.",
                    "Remove the pallet from the ASN, or record what is on it.",
                    sscc=pallet.sscc,
                )
            )
    containers = [(_carton_label(c), c.items) for c in asn.all_cartons()]
    containers += [(f"pallet (SSCC {p.sscc})", p.items) for p in asn.pallets]
    for carton in asn.all_cartons():
        if not carton.items or all(eaches(ci.quantity) <= 0 for ci in carton.items):
            out.append(
                _problem(
                    "EMPTY_CARTON",
                    _carton_label(carton),
                    "The carton holds no items.",
                    "Remove the carton from the ASN, or record what is packed in it.",
                    carton=carton.sequence,
                )
            )
    if not containers:
        return out
    packed = {}
    sequences = {item.sequence for item in asn.items}
    for label, items in containers:
        for ci in items:
            if ci.item_sequence not in sequences:
                out.append(
                    _problem(
                        "UNKNOWN_CONTAINER_ITEM",
                        label,
                        f"It holds item {ci.item_sequence}, which is not a line of the ASN.",
                        "Point the content at an existing ASN line, or add the line.",
                        item=ci.item_sequence,
                    )
                )
            packed[ci.item_sequence] = packed.get(ci.item_sequence, 0) + eaches(ci.quantity)
    for item in asn.items:
        qty, inside = eaches(item.quantity), packed.get(item.sequence, 0)
        if qty != inside:
            out.append(
                _problem(
                    "CONTAINER_QUANTITY_MISMATCH",
                    f"shipment {asn.shipment_id}, item {item.sequence} ({product_key(item.ids)})",
                    f"The line ships {qty} eaches but its cartons/pallets hold {inside}.",
                    f"Make the carton contents add up to {qty}, or set the line to {inside}.",
                    item=item.sequence,
                )
            )
    return out


def _check_picking(asn, done):
    if done is None:
        return []
    shipped = {}
    for item in asn.items:
        key = product_key(item.ids)
        shipped[key] = shipped.get(key, 0) + eaches(item.quantity)
    out = []
    for key in sorted(set(shipped) | set(done), key=str):
        asn_qty, picked = shipped.get(key, 0), done.get(key, 0)
        if asn_qty != picked:
            out.append(
                _problem(
                    "PICKING_QUANTITY_MISMATCH",
                    f"shipment {asn.shipment_id}, product {key}",
                    f"The ASN ships {asn_qty} eaches but the picking's done quantity is {picked}.",
                    f"Set the ASN quantity to {picked}, the quantity actually picked, or correct "
                    "the picking.",
                    product=key,
                )
            )
    return out
