"""Amazon's rules beyond syntax that compare documents: the 855 against its PO, the 810
against its PO and ASN, and the Shipment before an 856 is written."""

from .._vendor import gs1


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
