"""850 purchase order <-> ``domain.PurchaseOrder``."""

from decimal import Decimal

from ..._vendor import domain
from . import shared


def read_850(tx, ctx):
    root = tx.tree
    beg = root.first("BEG")
    refs = {r.get(1): r.get(2) for r in root.all("REF")}
    dtm = {d.get(1): shared.parse_dt(d.get(2), d.get(3)) for d in root.all("DTM")}
    csh = root.first("CSH")
    backorder = bool(csh and csh.get(1) == "Y")
    cur = root.first("CUR")
    currency = cur.get(2) if cur else "USD"
    who = shared.parties(root)
    items = []
    hash_total = Decimal(0)
    for loop in root.loop("PO1"):
        po1 = loop.head
        ids, _ = shared.ids_from(po1, 6, 24)
        qty = shared.qty_int(po1.get(2))
        if qty is None:
            ctx.error(f"PO102 quantity {po1.get(2)!r} must be a whole number", po1, 2, "6")
            qty = 0
        hash_total += shared.dec(po1.get(2)) or 0
        po4 = loop.first("PO4")
        unit_size = shared.qty_int(po4.get(1)) if po4 else None
        price = shared.dec(po1.get(4))
        list_price = None
        for ctp in loop.all("CTP"):
            if ctp.get(2) in ("LPR", "SLP", "MSR") and shared.dec(ctp.get(3)) is not None:
                list_price = domain.Money(shared.dec(ctp.get(3)), currency)
        if not ids.any():
            ctx.error("PO1 line has no product identifier (BP/VN/EN/UP/IB)", po1, 6, "1")
        items.append(
            domain.PurchaseOrderItem(
                sequence=po1.get(1) or str(len(items) + 1),
                ids=ids,
                ordered_quantity=domain.Quantity(
                    qty, shared.X12_TO_UOM.get(po1.get(3), "Eaches"), unit_size
                ),
                back_order_allowed=backorder,
                net_cost=domain.Money(price, currency) if price is not None else None,
                list_price=list_price,
            )
        )
    shared.check_ctt(ctx, root, len(items), hash_total, "PO1 lines")
    notes = [m.get(1) for n9 in root.loop("N9") for m in n9.all("MSG")]
    delivery = (dtm["064"], dtm["063"]) if dtm.get("064") and dtm.get("063") else None
    ship = (dtm["037"], dtm["038"]) if dtm.get("037") and dtm.get("038") else None
    if "CR" not in refs:
        ctx.error("REF*CR (Amazon vendor code) is missing", tag="REF", severity="warning")
    order_type = shared.X12_TO_PO_TYPE.get(beg.get(2)) if beg else None
    tx.document = domain.PurchaseOrder(
        number=beg.get(3) if beg else "",
        date=shared.parse_dt(beg.get(5)) if beg else None,
        items=items,
        order_type=order_type,
        payment_method="Consignment" if order_type == "ConsignedOrder" else "Invoice",
        deal_code=refs.get("PD"),
        selling_party=domain.Party(refs["CR"]) if refs.get("CR") else None,
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
            shared.PO_TYPE_TO_X12.get(po.order_type or "RegularOrder", "NE"),
            po.number,
            "",
            shared.d8(po.date),
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
        body.append(["DTM", "064", shared.d8(po.delivery_window[0])])
        body.append(["DTM", "063", shared.d8(po.delivery_window[1])])
    if po.ship_window:
        body.append(["DTM", "037", shared.d8(po.ship_window[0])])
        body.append(["DTM", "038", shared.d8(po.ship_window[1])])
    if po.notes:
        body.append(["N9", "L1", "NOTES"])
        body += [["MSG", note[:264]] for note in po.notes]
    body += shared.party_segments("ST", po.ship_to_party)
    body += shared.party_segments("BY", po.buying_party)
    body += shared.party_segments("BT", po.bill_to_party)
    total = 0
    for item in po.items:
        q = item.ordered_quantity
        body.append(
            [
                "PO1",
                item.sequence,
                q.amount,
                shared.UOM_TO_X12[q.unit],
                shared.num(item.net_cost.amount) if item.net_cost else "",
                "PE" if item.net_cost else "",
                *shared.id_pairs(item.ids),
            ]
        )
        if item.list_price:
            body.append(["CTP", "", "SLP", shared.num(item.list_price.amount)])
        if q.unit == "Cases" and q.unit_size:
            body.append(["PO4", q.unit_size])
        total += q.amount
    body.append(["CTT", len(po.items), total])
    return "850", body
