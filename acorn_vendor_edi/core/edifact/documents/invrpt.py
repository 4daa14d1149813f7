"""INVRPT (outbound inventory report) <-> ``domain.InventoryAdvice``."""

from ..._vendor import domain
from ..writer import MessageBuilder
from . import shared


def render_invrpt(advice):
    b = MessageBuilder("INVRPT", association="EAN005")
    b.add("BGM", "35", advice.reference, "9")
    b.add(*shared.dtm("137", advice.date, True))
    for seg in shared.nad("SU", advice.selling_party, with_address=False):
        b.add(*seg)
    if advice.warehouse_id:
        b.add("NAD", "WH", (advice.warehouse_id, None, "92"))
    for n, item in enumerate(advice.items, 1):
        for seg in shared.id_segments(item.ids, n):
            b.add(*seg)
        b.add(*shared.qty("145", item.available))
    return b


def parse_invrpt(msg):
    body = msg.body()
    header = shared.header_segments(body)
    bgm = next((s for s in header if s.tag == "BGM"), None)
    parties = shared.header_parties(header)
    when = next(
        (shared.parse_dtm(s) for s in header if s.tag == "DTM" and s.get(1, 1) == "137"), None
    )
    wh = parties.get("WH")
    advice = domain.InventoryAdvice(
        reference=bgm.get(2) if bgm else "",
        date=when,
        selling_party=parties.get("SU") or domain.Party(""),
        items=[],
        warehouse_id=wh.party_id if wh else None,
    )
    for group in shared.segment_groups(body, "LIN"):
        ids = domain.ProductIds()
        available = domain.Quantity(0)
        for seg in group:
            if seg.tag in ("LIN", "PIA"):
                shared.read_ids(seg, ids)
            elif seg.tag == "QTY" and seg.get(1, 1) == "145":
                available = shared.quantity(seg)
        advice.items.append(domain.InventoryItem(ids, available))
    return advice
