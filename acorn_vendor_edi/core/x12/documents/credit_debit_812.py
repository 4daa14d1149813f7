"""812 credit/debit adjustment <-> ``domain.CreditDebitAdjustment``."""

from decimal import Decimal

from ..._vendor import domain
from . import shared


def render_812(adj):
    body = [
        [
            "BCD",
            shared.d8(adj.date),
            adj.adjustment_number,
            "I",
            shared.cents(adj.amount.amount),
            adj.credit_debit,
            shared.d8(adj.invoice_date),
            adj.invoice_number or "",
            "",
            "",
            adj.purchase_order_number or "",
        ]
    ]
    body.append(["CUR", "BY", adj.amount.currency])
    for role, party in adj.parties or [("VN", domain.Party("UNKNOWN"))]:
        body.append(["N1", role, party.address.name if party.address else "", "92", party.party_id])
    for line in adj.lines:
        body.append(
            [
                "CDD",
                line.reason_code,
                line.credit_debit,
                "",
                shared.cents(line.amount),
                "",
                "",
                line.quantity if line.quantity is not None else "",
                "EA" if line.quantity is not None else "",
                shared.num(line.unit_price) if line.unit_price is not None else "",
            ]
        )
        if line.ids.any():
            body.append(["LIN", "", *shared.id_pairs(line.ids)])
    return "812", body


def read_812(tx, ctx):
    root = tx.tree
    bcd = root.first("BCD")
    cur = root.first("CUR")
    currency = cur.get(2) if cur else "USD"
    lines = []
    for loop in root.loop("CDD"):
        cdd = loop.head
        lin = loop.first("LIN")
        ids = shared.ids_from(lin, 2, 30)[0] if lin else domain.ProductIds()
        lines.append(
            domain.AdjustmentLine(
                reason_code=cdd.get(1),
                credit_debit=cdd.get(2),
                amount=shared.from_cents(cdd.get(4)) or 0,
                ids=ids,
                quantity=shared.qty_int(cdd.get(7)),
                unit_price=shared.dec(cdd.get(9)),
            )
        )
    adj = domain.CreditDebitAdjustment(
        adjustment_number=bcd.get(2) if bcd else "",
        date=shared.parse_d8(bcd.get(1)) if bcd else None,
        credit_debit=bcd.get(5) if bcd else "",
        amount=domain.Money(
            shared.from_cents(bcd.get(4)) or Decimal(0) if bcd else Decimal(0), currency
        ),
        invoice_number=(bcd.get(7) or None) if bcd else None,
        purchase_order_number=(bcd.get(10) or None) if bcd else None,
        invoice_date=shared.parse_d8(bcd.get(6)) if bcd else None,
        parties=[shared.party_from(n1) for n1 in root.loop("N1")],
        lines=lines,
    )
    signed = sum(
        (ln.amount if ln.credit_debit == adj.credit_debit else -ln.amount for ln in lines),
        Decimal(0),
    )
    if lines and signed != adj.amount.amount:
        ctx.error(f"BCD04 {adj.amount.amount} differs from the CDD lines' total {signed}", bcd, 4)
    tx.document = adj
