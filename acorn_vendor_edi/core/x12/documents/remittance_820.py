"""820 payment order/remittance advice <-> ``domain.Remittance``."""

from collections import OrderedDict
from decimal import Decimal

from ..._vendor import domain
from . import shared

# RMR02 holds 30 characters (4010); Vendor Central numbers can be longer
# ("260120_PROVISION_FOR_RECEIVABLES"). The whole number then rides in REF*IV's REF03
# (description, 80), RMR02 and REF02 keeping its first 30. [U] how Amazon writes them.
RMR02_MAX = 30


def _adx(seg):
    amount = shared.dec(seg.get(1)) or Decimal(0)
    return domain.Deduction(
        amount=-amount, reason_code=seg.get(2) or None, reference=seg.get(4) or None
    )


def read_820(tx, ctx):
    root = tx.tree
    bpr = root.first("BPR")
    trn = root.first("TRN")
    cur = root.first("CUR")
    currency = cur.get(2) if cur else "USD"
    who = OrderedDict(shared.party_from(n1) for n1 in root.loop("N1"))
    lines, deductions = [], []
    for ent in root.loop("ENT"):
        for adx in ent.loop("ADX"):
            deductions.append(_adx(adx.head))
        for rmr_loop in ent.loop("RMR"):
            rmr = rmr_loop.head
            refs = {r.get(1): r.get(2) for r in rmr_loop.all("REF")}
            full = [r.get(3) for r in rmr_loop.all("REF") if r.get(1) == "IV" and r.get(3)]
            dtm = {d.get(1): shared.parse_d8(d.get(2)) for d in rmr_loop.all("DTM")}
            lines.append(
                domain.RemittanceLine(
                    invoice_number=full[0] if full else rmr.get(2),
                    amount_paid=shared.dec(rmr.get(4)) or Decimal(0),
                    invoice_amount=shared.dec(rmr.get(5)),
                    discount_amount=shared.dec(rmr.get(6)),
                    invoice_date=dtm.get("003"),
                    purchase_order_number=refs.get("PO"),
                    deductions=[_adx(a) for a in rmr_loop.all("ADX")],
                    reference_qualifier=rmr.get(1) or "IV",
                )
            )
    amount = shared.dec(bpr.get(2)) if bpr else None
    remit = domain.Remittance(
        payment_reference=trn.get(2) if trn else "",
        payment_date=shared.parse_d8(bpr.get(16)) if bpr else None,
        amount=domain.Money(amount or Decimal(0), currency),
        payer=who.get("PR"),
        payee=who.get("PE"),
        payment_method=(bpr.get(4) or None) if bpr else None,
        credit_debit=bpr.get(3) if bpr else "C",
        lines=lines,
        deductions=deductions,
    )
    if amount is not None and lines and remit.lines_total() != amount:
        ctx.error(
            f"BPR02 payment {amount} differs from the remittance lines' total "
            f"{remit.lines_total()}",
            bpr,
            2,
            severity="warning",
        )
    tx.document = remit


def render_820(remit):
    body = [
        [
            "BPR",
            "I",
            shared.num(remit.amount.amount),
            remit.credit_debit,
            remit.payment_method or "ACH",
            *[""] * 11,
            shared.d8(remit.payment_date),
        ]
    ]
    body.append(["TRN", "1", remit.payment_reference])
    body.append(["CUR", "PR", remit.amount.currency])
    if remit.payer:
        body.append(
            [
                "N1",
                "PR",
                remit.payer.address.name if remit.payer.address else "",
                "92",
                remit.payer.party_id,
            ]
        )
    if remit.payee:
        body.append(
            [
                "N1",
                "PE",
                remit.payee.address.name if remit.payee.address else "",
                "92",
                remit.payee.party_id,
            ]
        )
    body.append(["ENT", 1])
    for d in remit.deductions:
        body.append(["ADX", shared.num(-d.amount), d.reason_code or "ZZ", "", d.reference or ""])
    for line in remit.lines:
        body.append(
            [
                "RMR",
                line.reference_qualifier or "IV",
                line.invoice_number[:RMR02_MAX],
                "PI",
                shared.num(line.amount_paid),
                shared.num(line.invoice_amount) if line.invoice_amount is not None else "",
                shared.num(line.discount_amount) if line.discount_amount is not None else "",
            ]
        )
        if len(line.invoice_number) > RMR02_MAX:
            body.append(["REF", "IV", line.invoice_number[:RMR02_MAX], line.invoice_number])
        if line.purchase_order_number:
            body.append(["REF", "PO", line.purchase_order_number])
        if line.invoice_date:
            body.append(["DTM", "003", shared.d8(line.invoice_date)])
        for d in line.deductions:
            body.append(
                ["ADX", shared.num(-d.amount), d.reason_code or "ZZ", "", d.reference or ""]
            )
    return "820", body
