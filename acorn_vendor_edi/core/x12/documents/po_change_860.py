"""860 purchase order change <-> ``domain.PurchaseOrderChange``."""

from ..._vendor import domain
from . import shared


def render_860(change):
    body = [
        [
            "BCH",
            shared.PURPOSE_TO_X12[change.purpose],
            "SA",
            change.purchase_order_number,
            "",
            change.change_sequence or "",
            shared.d8(change.change_date),
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
                shared.UOM_TO_X12[qty.unit] if qty else "EA",
                shared.num(item.net_cost.amount) if item.net_cost else "",
                "PE" if item.net_cost else "",
                *shared.id_pairs(item.ids),
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
        ids, _ = shared.ids_from(poc, 8, 26)
        qty = shared.qty_int(poc.get(3))
        unit = shared.X12_TO_UOM.get(
            poc.get(5).split(tx.interchange.delimiters.component)[0]
            if tx.interchange
            else poc.get(5),
            "Eaches",
        )
        price = shared.dec(poc.get(6))
        items.append(
            domain.PurchaseOrderChangeItem(
                sequence=poc.get(1),
                change_code=poc.get(2),
                ids=ids,
                quantity=domain.Quantity(qty, unit) if qty is not None else None,
                quantity_change=shared.qty_int(poc.get(4)),
                net_cost=domain.Money(price) if price is not None else None,
            )
        )
    tx.document = domain.PurchaseOrderChange(
        purchase_order_number=bch.get(3) if bch else "",
        purpose=shared.X12_TO_PURPOSE.get(bch.get(1), "Change") if bch else "Change",
        change_date=shared.parse_dt(bch.get(6)) if bch else None,
        change_sequence=(bch.get(5) or None) if bch else None,
        items=items,
    )
