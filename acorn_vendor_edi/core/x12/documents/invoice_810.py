"""810 invoice <-> ``domain.Invoice``."""

from decimal import Decimal

from ..._vendor import domain
from . import shared


def _tax_segments(taxes):
    return [
        [
            "TXI",
            shared.TAX_TO_X12.get(t.tax_type, "ZZ"),
            shared.num(t.amount.amount),
            shared.num(t.rate * 100) if t.rate is not None else "",
        ]
        for t in taxes
    ]


def _sac_segments(charges):
    out = []
    for c in charges:
        code = shared.CHARGE_TO_X12.get(c.charge_type, "ZZZZ")
        seg = ["SAC", "A" if c.is_allowance else "C", code, "", "", shared.cents(c.amount.amount)]
        if code == "ZZZZ" or c.description:
            seg += [""] * 9 + [(c.description or c.charge_type)[:80]]
        out.append(seg)
        out += _tax_segments(c.taxes)
    return out


def render_810(inv):
    pos = inv.purchase_order_numbers()
    body = [
        [
            "BIG",
            shared.d8(inv.date),
            inv.number,
            "",
            pos[0] if len(pos) == 1 else "",
            "",
            "",
            "CR" if inv.invoice_type == "CreditNote" else "",
        ]
    ]
    body.append(["CUR", "SE", inv.total.currency])
    if inv.shipment_id:
        body.append(["REF", "SI", inv.shipment_id])
    if inv.reference_number:
        body.append(["REF", "VN", inv.reference_number])
    body += shared.party_segments("RI", inv.remit_to_party, "ZZ")
    body += shared.party_segments("BT", inv.bill_to_party)
    body += shared.party_segments("ST", inv.ship_to_party)
    body += shared.party_segments("SF", inv.ship_from_party, "ZZ")
    if inv.payment_terms:
        pt = inv.payment_terms
        body.append(
            [
                "ITD",
                shared.TERMS_TO_X12.get(pt.terms_type, "01"),
                "3",
                shared.num(pt.discount_percent) if pt.discount_percent is not None else "",
                "",
                pt.discount_due_days if pt.discount_due_days is not None else "",
                "",
                pt.net_due_days if pt.net_due_days is not None else "",
            ]
        )
    qty_total = 0
    for item in inv.items:
        q = item.quantity
        body.append(
            [
                "IT1",
                item.sequence,
                q.amount,
                shared.UOM_TO_X12[q.unit],
                shared.num(item.net_cost.amount),
                "",
                *shared.id_pairs(item.ids),
            ]
        )
        qty_total += q.amount
        body += _tax_segments(item.taxes)
        if len(pos) > 1 and item.purchase_order_number:
            body.append(["REF", "PO", item.purchase_order_number])
        body += _sac_segments(item.charges)
    body.append(["TDS", shared.cents(inv.total.amount)])
    body += _tax_segments(inv.taxes)
    body += _sac_segments(inv.charges)
    body.append(["CTT", len(inv.items), qty_total])
    return "810", body


def _taxes_from(segs, currency):
    out = []
    for txi in segs:
        rate = shared.dec(txi.get(3))
        out.append(
            domain.TaxDetail(
                shared.X12_TO_TAX.get(txi.get(1), "MutuallyDefined"),
                domain.Money(shared.dec(txi.get(2)) or Decimal(0), currency),
                rate / 100 if rate is not None else None,
            )
        )
    return out


def _charges_from(loops, currency):
    out = []
    for loop in loops:
        sac = loop.head
        amount = shared.from_cents(sac.get(5)) or Decimal(0)
        kind = shared.X12_TO_CHARGE.get(sac.get(2)) or sac.get(15) or sac.get(2)
        out.append(
            domain.Charge(
                kind,
                domain.Money(amount, currency),
                sac.get(1) == "A",
                description=sac.get(15) or None,
                taxes=_taxes_from(loop.all("TXI"), currency),
            )
        )
    return out


def read_810(tx, ctx):
    root = tx.tree
    big = root.first("BIG")
    cur = root.first("CUR")
    currency = cur.get(2) if cur else "USD"
    refs = {r.get(1): r.get(2) for r in root.all("REF")}
    who = shared.parties(root)
    items = []
    qty_total = Decimal(0)
    header_po = big.get(4) if big else ""
    for loop in root.loop("IT1"):
        it1 = loop.head
        ids, _ = shared.ids_from(it1, 6, 24)
        price = shared.dec(it1.get(4))
        if price is None:
            ctx.error("IT104 unit price is missing", it1, 4, "1")
            price = Decimal(0)
        qty_total += shared.dec(it1.get(2)) or 0
        line_refs = {r.get(1): r.get(2) for r in loop.all("REF")}
        items.append(
            domain.InvoiceItem(
                sequence=shared.qty_int(it1.get(1)) or len(items) + 1,
                ids=ids,
                quantity=domain.Quantity(
                    shared.qty_int(it1.get(2)) or 0, shared.X12_TO_UOM.get(it1.get(3), "Eaches")
                ),
                net_cost=domain.Money(price, currency),
                purchase_order_number=line_refs.get("PO") or header_po or None,
                taxes=_taxes_from(loop.all("TXI"), currency),
                charges=_charges_from(loop.loop("SAC"), currency),
            )
        )
    tds = root.first("TDS")
    total = shared.from_cents(tds.get(1)) if tds else None
    terms = None
    itd = root.first("ITD")
    if itd is not None:
        terms = domain.PaymentTerms(
            shared.X12_TO_TERMS.get(itd.get(1), "Basic"),
            shared.dec(itd.get(3)),
            shared.qty_int(itd.get(5)),
            shared.qty_int(itd.get(7)),
        )
    inv = domain.Invoice(
        number=big.get(2) if big else "",
        date=shared.parse_dt(big.get(1)) if big else None,
        remit_to_party=who.get("RI") or domain.Party(""),
        total=domain.Money(total or Decimal(0), currency),
        items=items,
        invoice_type="CreditNote" if big and big.get(7) == "CR" else "Invoice",
        reference_number=refs.get("VN"),
        ship_to_party=who.get("ST"),
        ship_from_party=who.get("SF"),
        bill_to_party=who.get("BT"),
        payment_terms=terms,
        taxes=_taxes_from(root.all("TXI"), currency),
        charges=_charges_from(root.loop("SAC"), currency),
        shipment_id=refs.get("SI"),
    )
    shared.check_ctt(ctx, root, len(items), qty_total, "IT1 lines")
    if tds is not None and total is not None and total != inv.computed_total():
        ctx.error(
            f"TDS01 {tds.get(1)} (= {total}) differs from lines + charges - allowances + "
            f"taxes = {inv.computed_total()} (TDS carries 2 implied decimals)",
            tds,
            1,
        )
    tx.document = inv
