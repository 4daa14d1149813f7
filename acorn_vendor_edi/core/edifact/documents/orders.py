"""ORDERS (inbound purchase order) <-> ``domain.PurchaseOrder``."""

from ..._vendor import domain
from ..writer import MessageBuilder
from . import shared


def parse_orders(msg):
    body = msg.body()
    header = shared.header_segments(body)
    bgm = next((s for s in header if s.tag == "BGM"), None)
    po = domain.PurchaseOrder(
        number=bgm.get(2) if bgm else "",
        date=None,
        items=[],
        order_type=shared.ORDER_TYPES.get(bgm.get(1, 1) if bgm else "", "RegularOrder"),
    )
    window = {}
    for seg in header:
        if seg.tag == "DTM":
            window[seg.get(1, 1)] = shared.parse_dtm(seg)
        elif seg.tag == "RFF" and seg.get(1, 1) == "PD":
            po.deal_code = seg.get(1, 2)
        elif seg.tag == "CUX" and seg.get(1, 1) == "2":
            po.currency = seg.get(1, 2)
        elif seg.tag == "FTX":
            text = " ".join(c for c in seg.components(4) if c)
            if text:
                po.notes.append(text)
    order_header(po, window, shared.header_parties(header))
    currency = po.currency or "EUR"
    for group in shared.segment_groups(body, "LIN", stop=("UNS",)):
        item = domain.PurchaseOrderItem(
            sequence=group[0].get(1), ids=domain.ProductIds(), ordered_quantity=domain.Quantity(0)
        )
        for seg in group:
            if seg.tag in ("LIN", "PIA"):
                shared.read_ids(seg, item.ids)
            elif seg.tag == "QTY" and seg.get(1, 1) == "21":
                item.ordered_quantity = shared.quantity(seg)
        item.net_cost, item.list_price = shared.line_prices(group, currency)
        po.items.append(item)
    return po


def order_header(po, window, parties):
    """A PurchaseOrder's dates and parties from its header DTMs (by qualifier) and NADs (by
    role); the fast path shares it."""
    po.date = window.get("137")
    if "64" in window or "63" in window:
        start = window.get("64") or window.get("63")
        po.delivery_window = (start, window.get("63") or start)
    elif "2" in window:
        po.delivery_window = (window["2"], window["2"])
    po.buying_party = parties.get("BY")
    po.selling_party = parties.get("SU")
    po.ship_to_party = parties.get("DP") or parties.get("ST")
    po.bill_to_party = parties.get("IV")


def render_orders(po):
    """PurchaseOrder → ORDERS (for tests and the sandbox: Amazon is the one who sends these)."""
    b = MessageBuilder("ORDERS", association="EAN008")
    b.add("BGM", shared.ORDER_TYPE_CODES.get(po.order_type, "220"), po.number, "9")
    b.add(*shared.dtm("137", po.date))
    if po.delivery_window:
        b.add(*shared.dtm("64", po.delivery_window[0]))
        b.add(*shared.dtm("63", po.delivery_window[1]))
    for note in po.notes:
        b.add("FTX", "PUR", None, None, [note[i : i + 70] for i in range(0, len(note), 70)][:5])
    if po.deal_code:
        b.add("RFF", ("PD", po.deal_code))
    for role, party in (
        ("BY", po.buying_party),
        ("SU", po.selling_party),
        ("DP", po.ship_to_party),
        ("IV", po.bill_to_party),
    ):
        for seg in shared.nad(role, party):
            b.add(*seg)
    if po.currency:
        b.add("CUX", ("2", po.currency, "9"))
    for item in po.items:
        for seg in shared.id_segments(item.ids, item.sequence):
            b.add(*seg)
        b.add(*shared.qty("21", item.ordered_quantity))
        if item.net_cost:
            b.add("PRI", ("AAA", shared.fmt_num(item.net_cost.amount)))
        if item.list_price:
            b.add("PRI", ("AAB", shared.fmt_num(item.list_price.amount)))
    b.add("UNS", "S")
    b.add("CNT", ("2", len(po.items)))
    return b
