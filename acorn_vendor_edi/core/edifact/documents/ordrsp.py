"""ORDRSP (outbound acknowledgement) <-> ``domain.Acknowledgement``."""

from ..._vendor import domain
from ..rules import compare_acknowledgement
from ..writer import MessageBuilder
from . import shared


def _line_status(item):
    accepted = sum(a.quantity.amount for a in item.acknowledgements if a.code == "Accepted")
    if accepted == item.ordered_quantity.amount and len(item.acknowledgements) == 1:
        return shared.LINE_ACCEPTED
    if accepted == 0 and all(a.code == "Rejected" for a in item.acknowledgements):
        return shared.LINE_REJECTED
    return shared.LINE_CHANGED


def render_ordrsp(ack, number=None, currency=None, po=None):
    """Acknowledgement → ORDRSP. ``number`` is the response's own id (defaults to the PO).

    With ``po`` the acknowledgement is first checked against it (quantities, lines, cost) and
    a ValueError lists every mismatch, so a wrong ORDRSP never leaves the building.
    """
    if po is not None:
        shared.refuse(
            "ORDRSP for PO %s" % ack.purchase_order_number, compare_acknowledgement(ack, po)
        )
    statuses = [_line_status(i) for i in ack.items]
    if statuses and all(s == shared.LINE_REJECTED for s in statuses):
        function = shared.ACK_MESSAGE_FUNCTION["rejected"]
    elif all(s == shared.LINE_ACCEPTED for s in statuses):
        function = shared.ACK_MESSAGE_FUNCTION["accepted"]
    else:
        function = shared.ACK_MESSAGE_FUNCTION["changed"]
    b = MessageBuilder("ORDRSP", association="EAN005")
    b.add("BGM", "231", number or ack.purchase_order_number, function)
    b.add(*shared.dtm("137", ack.date))
    b.add("RFF", ("ON", ack.purchase_order_number))
    if ack.purchase_order_date:
        b.add(*shared.dtm("171", ack.purchase_order_date))
    for seg in shared.nad("SU", ack.selling_party, with_address=False):
        b.add(*seg)
    for seg in shared.nad("DP", ack.ship_to_party, with_address=False):
        b.add(*seg)
    currency = currency or next((i.net_cost.currency for i in ack.items if i.net_cost), None)
    if currency:
        b.add("CUX", ("2", currency, "9"))
    for item, status in zip(ack.items, statuses, strict=True):
        _ordrsp_line(b, item, status)
    b.add("UNS", "S")
    b.add("CNT", ("2", len(ack.items)))
    return b


def _ordrsp_line(b, item, status):
    segs = shared.id_segments(item.ids, item.sequence)
    lin = segs[0]
    b.add("LIN", lin[1], status, lin[3])
    for seg in segs[1:]:
        b.add(*seg)
    b.add(*shared.qty("21", item.ordered_quantity))
    by_code = {}
    for a in item.acknowledgements:
        by_code.setdefault(a.code, []).append(a)
    accepted = sum(a.quantity.amount for a in by_code.get("Accepted", []))
    backordered = sum(a.quantity.amount for a in by_code.get("Backordered", []))
    unit = item.ordered_quantity.unit
    b.add(*shared.qty("12", domain.Quantity(accepted, unit)))
    if backordered:
        b.add(*shared.qty("83", domain.Quantity(backordered, unit)))
    ship = next(
        (a.scheduled_ship_date for a in item.acknowledgements if a.scheduled_ship_date), None
    )
    deliver = next(
        (a.scheduled_delivery_date for a in item.acknowledgements if a.scheduled_delivery_date),
        None,
    )
    if ship:
        b.add(*shared.dtm("11", ship))
    if deliver:
        b.add(*shared.dtm("2", deliver))
    reasons = [a.rejection_reason for a in by_code.get("Rejected", []) if a.rejection_reason]
    if reasons:
        b.add("FTX", "ACD", None, None, (reasons[0],))
    if item.net_cost:
        b.add("PRI", ("AAA", shared.fmt_num(item.net_cost.amount)))
    if item.list_price:
        b.add("PRI", ("AAB", shared.fmt_num(item.list_price.amount)))


def parse_ordrsp(msg):
    body = msg.body()
    header = shared.header_segments(body)
    ack = domain.Acknowledgement(
        purchase_order_number="", selling_party=domain.Party(""), date=None, items=[]
    )
    currency = "EUR"
    prev = None
    for seg in header:
        if seg.tag == "DTM" and seg.get(1, 1) == "137":
            ack.date = shared.parse_dtm(seg)
        elif seg.tag == "DTM" and seg.get(1, 1) == "171" and prev == "RFF":
            value = shared.parse_dtm(seg)
            ack.purchase_order_date = value.date() if value else None
        elif seg.tag == "RFF" and seg.get(1, 1) == "ON":
            ack.purchase_order_number = seg.get(1, 2)
        elif seg.tag == "CUX":
            currency = seg.get(1, 2) or currency
        prev = seg.tag
    parties = shared.header_parties(header)
    ack.selling_party = parties.get("SU") or domain.Party("")
    ack.ship_to_party = parties.get("DP")
    for group in shared.segment_groups(body, "LIN", stop=("UNS",)):
        ack.items.append(_ordrsp_item(group, currency))
    return ack


def _ordrsp_item(group, currency):
    ids = domain.ProductIds()
    qtys = {}
    dates = {}
    reason = None
    unit = "Eaches"
    for seg in group:
        if seg.tag in ("LIN", "PIA"):
            shared.read_ids(seg, ids)
        elif seg.tag == "QTY":
            q = shared.quantity(seg)
            qtys[seg.get(1, 1)] = q.amount
            unit = q.unit
        elif seg.tag == "DTM":
            dates[seg.get(1, 1)] = shared.parse_dtm(seg)
        elif seg.tag == "FTX":
            reason = seg.get(4) or None
    net, listp = shared.line_prices(group, currency)
    ordered = qtys.get("21", 0)
    accepted, backordered = qtys.get("12", 0), qtys.get("83", 0)
    lines = []
    for code, amount in (
        ("Accepted", accepted),
        ("Backordered", backordered),
        ("Rejected", ordered - accepted - backordered),
    ):
        if amount > 0 or (code == "Accepted" and ordered == 0):
            rejected = code == "Rejected"
            lines.append(
                domain.ItemAcknowledgement(
                    code=code,
                    quantity=domain.Quantity(amount, unit),
                    scheduled_ship_date=None if rejected else dates.get("11"),
                    scheduled_delivery_date=None if rejected else dates.get("2"),
                    rejection_reason=reason if rejected else None,
                )
            )
    return domain.AcknowledgementItem(
        sequence=group[0].get(1),
        ids=ids,
        ordered_quantity=domain.Quantity(ordered, unit),
        acknowledgements=lines,
        net_cost=net,
        list_price=listp,
    )
