"""855 purchase order acknowledgement <-> ``domain.Acknowledgement``."""

from decimal import Decimal

from ..._vendor import domain
from . import shared


def read_855(tx, ctx):
    root = tx.tree
    bak = root.first("BAK")
    who = shared.parties(root)
    items = []
    hash_total = Decimal(0)
    for loop in root.loop("PO1"):
        po1 = loop.head
        ids, _ = shared.ids_from(po1, 6, 24)
        hash_total += shared.dec(po1.get(2)) or 0
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
            ship = shared.parse_dt(ack.get(5)) if ack.get(4) == "068" else None
            deliver = shared.parse_dt(ack.get(5)) if ack.get(4) == "067" else None
            acks.append(
                domain.ItemAcknowledgement(
                    kind,
                    domain.Quantity(
                        shared.qty_int(ack.get(2)) or 0, shared.X12_TO_UOM.get(ack.get(3), "Eaches")
                    ),
                    scheduled_ship_date=ship,
                    scheduled_delivery_date=deliver,
                )
            )
        if not acks:
            ctx.error("PO1 line has no ACK segment: Amazon treats it as rejected", po1)
        price = shared.dec(po1.get(4))
        items.append(
            domain.AcknowledgementItem(
                sequence=po1.get(1),
                ids=ids,
                ordered_quantity=domain.Quantity(
                    shared.qty_int(po1.get(2)) or 0, shared.X12_TO_UOM.get(po1.get(3), "Eaches")
                ),
                acknowledgements=acks,
                net_cost=domain.Money(price) if price is not None else None,
            )
        )
    shared.check_ctt(ctx, root, len(items), hash_total, "PO1 lines")
    ref = {r.get(1): r.get(2) for r in root.all("REF")}
    tx.document = domain.Acknowledgement(
        purchase_order_number=bak.get(3) if bak else "",
        selling_party=who.get("SU") or domain.Party(ref.get("IA") or ""),
        date=shared.parse_dt(bak.get(9) or bak.get(4)) if bak else None,
        purchase_order_date=shared.parse_d8(bak.get(4)) if bak else None,
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
            shared.d8(day),
            "",
            "",
            "",
            "",
            shared.d8(ack.date),
        ]
    ]
    body += shared.party_segments("ST", ack.ship_to_party)
    body += shared.party_segments("SU", ack.selling_party, "ZZ")
    total = 0
    for item in ack.items:
        q = item.ordered_quantity
        body.append(
            [
                "PO1",
                item.sequence,
                q.amount,
                shared.UOM_TO_X12[q.unit],
                shared.num(item.net_cost.amount) if item.net_cost else "",
                "",
                *shared.id_pairs(item.ids),
            ]
        )
        total += q.amount
        for line in item.acknowledgements:
            seg = [
                "ACK",
                shared.ACK_TO_X12[line.code],
                line.quantity.amount,
                shared.UOM_TO_X12[line.quantity.unit],
            ]
            if line.scheduled_ship_date:
                seg += ["068", shared.d8(line.scheduled_ship_date)]
            elif line.scheduled_delivery_date:
                seg += ["067", shared.d8(line.scheduled_delivery_date)]
            body.append(seg)
    body.append(["CTT", len(ack.items), total])
    return "855", body
