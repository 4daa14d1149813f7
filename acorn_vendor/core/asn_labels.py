"""What goes on each GS1-128 carton and pallet label of a shipment.

Amazon's receiving scans the SSCC in a GS1-128 barcode: Code 128 whose first symbol after
the start is FNC1, then application identifier 00 and the 18 digits. Odoo's report barcode
(reportlab) writes FNC1 for the character ``\\xf1``; the label data is built here so the
QWeb template only lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass

from .gs1 import validate_sscc

FNC1 = "\xf1"


def gs1_128_sscc(sscc):
    """The Code 128 value encoding ``(00) sscc`` as GS1-128 (FNC1, AI 00, 18 digits)."""
    problems = validate_sscc(sscc)
    if problems:
        raise ValueError(problems[0])
    return FNC1 + "00" + sscc.strip()[-18:]


def human_readable(sscc):
    """The text printed under the bars: ``(00) 1 0614141 000000042 5`` style grouping is
    prefix-dependent, so GS1's plain form is used: AI in brackets, then the digits."""
    return f"(00) {sscc}"


@dataclass
class Label:
    kind: str  # carton | pallet
    sscc: str
    barcode_value: str
    text: str
    number: int  # n of m, counted among labels of the same kind
    total: int
    purchase_orders: list
    lines: list  # [(product reference, eaches)]
    cartons: int = 0  # cartons on a pallet


def labels_for(shipment, describe=None):
    """One label per pallet, then per carton (pallet cartons first), in ASN order.

    ``describe(ids)`` turns an ASN line's ProductIds into the text printed (default: ASIN,
    else vendor SKU/EAN)."""
    describe = describe or (lambda ids: ids.asin or ids.vendor_identifier() or "")
    items = {item.sequence: item for item in shipment.items}

    def content(container_items):
        lines, pos = [], []
        for ci in container_items:
            item = items.get(ci.item_sequence)
            if item is None:
                continue
            lines.append((describe(item.ids), ci.quantity.amount))
            if item.purchase_order_number and item.purchase_order_number not in pos:
                pos.append(item.purchase_order_number)
        return lines, pos

    labels = []
    for n, pallet in enumerate(shipment.pallets, 1):
        inner = list(pallet.items) + [ci for c in pallet.cartons for ci in c.items]
        lines, pos = content(inner)
        labels.append(
            Label(
                "pallet",
                pallet.sscc,
                gs1_128_sscc(pallet.sscc),
                human_readable(pallet.sscc),
                n,
                len(shipment.pallets),
                pos,
                lines,
                len(pallet.cartons),
            )
        )
    cartons = shipment.all_cartons()
    for n, carton in enumerate(cartons, 1):
        lines, pos = content(carton.items)
        labels.append(
            Label(
                "carton",
                carton.sscc,
                gs1_128_sscc(carton.sscc),
                human_readable(carton.sscc),
                n,
                len(cartons),
                pos,
                lines,
            )
        )
    return labels
