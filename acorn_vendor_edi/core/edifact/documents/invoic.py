"""INVOIC (outbound invoice / credit note) <-> ``domain.Invoice``."""

from decimal import Decimal

from ..._vendor import domain
from ..rules import compare_invoice
from ..syntax import num
from ..writer import MessageBuilder
from . import shared


def _tax_segments(tax, amount_qualifier="124"):
    rate = tax.rate * 100 if tax.rate is not None else None
    out = [
        (
            "TAX",
            "7",
            tax.tax_type or "VAT",
            None,
            None,
            (None, None, None, shared.fmt_num(rate.normalize()) if rate is not None else None),
        ),
        ("MOA", (amount_qualifier, shared.fmt_num(tax.amount.amount))),
    ]
    return out


def render_invoic(inv, purchase_orders=None, shipment=None):
    """Invoice → INVOIC (380 invoice, 381 credit note) with line and summary amounts.

    With ``purchase_orders`` ({number: PurchaseOrder}) prices are checked against the POs (and
    quantities against ``shipment``); a ValueError lists every mismatch.
    """
    if purchase_orders is not None:
        shared.refuse("INVOIC %s" % inv.number, compare_invoice(inv, purchase_orders, shipment))
    b = MessageBuilder("INVOIC", association="EAN008")
    b.add("BGM", "381" if inv.invoice_type == "CreditNote" else "380", inv.number, "9")
    b.add(*shared.dtm("137", inv.date))
    pos = inv.purchase_order_numbers()
    if len(pos) == 1:
        b.add("RFF", ("ON", pos[0]))
    if inv.shipment_id:
        b.add("RFF", ("AAK", inv.shipment_id))
    if inv.reference_number:
        b.add("RFF", ("IV", inv.reference_number))
    for role, party in (
        ("SU", inv.remit_to_party),
        ("IV", inv.bill_to_party),
        ("DP", inv.ship_to_party),
        ("SF", inv.ship_from_party),
    ):
        for seg in shared.nad(role, party):
            b.add(*seg)
    currency = inv.total.currency
    b.add("CUX", ("2", currency, "4"))
    if inv.payment_terms and inv.payment_terms.net_due_days is not None:
        b.add("PAT", "1", None, ("5", "3", "D", inv.payment_terms.net_due_days))
    for charge in inv.charges:
        b.add("ALC", "A" if charge.is_allowance else "C", None, None, None, (charge.charge_type,))
        b.add("MOA", ("204" if charge.is_allowance else "23", shared.fmt_num(charge.amount.amount)))
    lines_total = Decimal(0)
    for item in inv.items:
        for seg in shared.id_segments(item.ids, item.sequence):
            b.add(*seg)
        b.add(*shared.qty("47", item.quantity))
        amount = item.line_amount()
        lines_total += amount
        b.add("MOA", ("203", shared.fmt_num(amount)))
        b.add("PRI", ("AAA", shared.fmt_num(item.net_cost.amount)))
        if item.purchase_order_number:
            b.add("RFF", ("ON", item.purchase_order_number))
        for tax in item.taxes:
            for seg in _tax_segments(tax):
                b.add(*seg)
    b.add("UNS", "S")
    b.add("CNT", ("2", len(inv.items)))
    b.add("MOA", ("77", shared.fmt_num(inv.total.amount)))
    b.add("MOA", ("79", shared.fmt_num(lines_total)))
    tax_total = sum((t.amount.amount for t in inv.taxes), Decimal(0))
    tax_total += sum((t.amount.amount for i in inv.items for t in i.taxes), Decimal(0))
    b.add("MOA", ("176", shared.fmt_num(tax_total)))
    for tax in inv.taxes:
        for seg in _tax_segments(tax):
            b.add(*seg)
    return b


def parse_invoic(msg):
    body = msg.body()
    header = shared.header_segments(body)
    bgm = next((s for s in header if s.tag == "BGM"), None)
    currency = next((s.get(1, 2) for s in header if s.tag == "CUX"), "") or "EUR"
    parties = shared.header_parties(header)
    inv = domain.Invoice(
        number=bgm.get(2) if bgm else "",
        date=None,
        remit_to_party=parties.get("SU") or domain.Party(""),
        total=domain.Money(Decimal(0), currency),
        invoice_type="CreditNote" if bgm and bgm.get(1, 1) == "381" else "Invoice",
        bill_to_party=parties.get("IV") or parties.get("BY"),
        ship_to_party=parties.get("DP"),
        ship_from_party=parties.get("SF"),
    )
    header_po = _invoic_heading(inv, header, currency)
    for group in shared.segment_groups(body, "LIN", stop=("UNS",)):
        item = domain.InvoiceItem(
            sequence=int(group[0].get(1) or 0),
            ids=domain.ProductIds(),
            quantity=domain.Quantity(0),
            net_cost=domain.Money(Decimal(0), currency),
            purchase_order_number=header_po,
        )
        tax = None
        for seg in group:
            if seg.tag in ("LIN", "PIA"):
                shared.read_ids(seg, item.ids)
            elif seg.tag == "QTY" and seg.get(1, 1) == "47":
                item.quantity = shared.quantity(seg)
            elif seg.tag == "PRI" and seg.get(1, 1) == "AAA":
                item.net_cost = domain.Money(num(seg.get(1, 2)) or Decimal(0), currency)
            elif seg.tag == "RFF" and seg.get(1, 1) == "ON":
                item.purchase_order_number = seg.get(1, 2)
            elif seg.tag == "TAX":
                tax = _read_tax(seg, currency)
                item.taxes.append(tax)
            elif seg.tag == "MOA" and tax is not None and seg.get(1, 1) == "124":
                tax.amount = domain.Money(num(seg.get(1, 2)) or Decimal(0), currency)
        inv.items.append(item)
    uns = next((k for k, s in enumerate(body) if s.tag == "UNS"), len(body))
    tax = None
    for seg in body[uns:]:
        if seg.tag == "MOA" and seg.get(1, 1) == "77":
            inv.total = domain.Money(num(seg.get(1, 2)) or Decimal(0), currency)
        elif seg.tag == "TAX":
            tax = _read_tax(seg, currency)
            inv.taxes.append(tax)
        elif seg.tag == "MOA" and tax is not None and seg.get(1, 1) == "124":
            tax.amount = domain.Money(num(seg.get(1, 2)) or Decimal(0), currency)
    return inv


def _invoic_heading(inv, header, currency):
    """Dates, references, terms and header charges; returns the header PO number."""
    header_po = None
    pending_charge = None
    for seg in header:
        tag = seg.tag
        if tag == "DTM" and seg.get(1, 1) == "137":
            inv.date = shared.parse_dtm(seg)
        elif tag == "RFF":
            qual, value = seg.get(1, 1), seg.get(1, 2)
            if qual == "ON":
                header_po = value
            elif qual == "AAK":
                inv.shipment_id = value
            elif qual == "IV":
                inv.reference_number = value
        elif tag == "PAT" and seg.get(3, 4).isdigit():
            inv.payment_terms = domain.PaymentTerms(net_due_days=int(seg.get(3, 4)))
        elif tag == "ALC":
            pending_charge = domain.Charge(
                seg.get(5, 1), domain.Money(Decimal(0), currency), is_allowance=seg.get(1) == "A"
            )
            inv.charges.append(pending_charge)
        elif tag == "MOA" and pending_charge is not None:
            pending_charge.amount = domain.Money(num(seg.get(1, 2)) or Decimal(0), currency)
            pending_charge = None
    return header_po


def _read_tax(seg, currency):
    rate = num(seg.get(5, 4))
    return domain.TaxDetail(
        tax_type=seg.get(2, 1) or "VAT",
        amount=domain.Money(Decimal(0), currency),
        rate=(rate / 100) if rate is not None else None,
    )
