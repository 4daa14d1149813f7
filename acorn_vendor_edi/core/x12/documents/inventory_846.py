"""846 inventory inquiry/advice <-> ``domain.InventoryAdvice``."""

from decimal import Decimal

from ..._vendor import domain
from . import shared


def render_846(advice):
    body = [["BIA", "00", "MM", advice.reference, shared.d8(advice.date), shared.hm(advice.date)]]
    body += shared.party_segments("SU", advice.selling_party, "ZZ")
    if advice.warehouse_id:
        body.append(["N1", "ZZ", "", "92", advice.warehouse_id])
    total = 0
    for item in advice.items:
        body.append(["LIN", "", *shared.id_pairs(item.ids)])
        amount = 0 if item.is_obsolete else item.available.amount
        body.append(["QTY", "33", amount, shared.UOM_TO_X12[item.available.unit]])
        total += amount
    body.append(["CTT", len(advice.items), total])
    return "846", body


def read_846(tx, ctx):
    root = tx.tree
    bia = root.first("BIA")
    who = shared.parties(root)
    items = []
    total = Decimal(0)
    for loop in root.loop("LIN"):
        ids, _ = shared.ids_from(loop.head, 2, 30)
        qty = next((q.head for q in loop.loop("QTY") if q.head.get(1) == "33"), None)
        amount = shared.qty_int(qty.get(2)) if qty else 0
        total += amount or 0
        items.append(
            domain.InventoryItem(
                ids,
                domain.Quantity(
                    amount or 0, shared.X12_TO_UOM.get(qty.get(3)[:2] if qty else "EA", "Eaches")
                ),
            )
        )
    shared.check_ctt(ctx, root, len(items), total, "LIN lines")
    warehouse = who.get("ZZ")
    tx.document = domain.InventoryAdvice(
        reference=bia.get(3) if bia else "",
        date=shared.parse_dt(bia.get(4), bia.get(5)) if bia else None,
        selling_party=who.get("SU") or domain.Party(""),
        items=items,
        warehouse_id=warehouse.party_id if warehouse else None,
    )
