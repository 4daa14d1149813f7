"""Which of the sandbox's paid invoices the demo ships and invoices in Odoo for real, so that
their shortage claims can be judged on evidence (PO, delivery, cartons, ASN, BOL, POD).

Two bands of the Payments export (the sandbox's JSON form, ``/_sandbox/payments/export``):
claims whose dispute window is open today (the newest payment at least ``opens_days`` old:
the invoice was due on that payment's date) and this month's (the newest payment), at most
``per_band`` invoices each, oldest invoice number first so the same export picks the same.
"""

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class ClaimedInvoice:
    invoice_number: str
    purchase_order: str
    invoice_date: date
    paid_on: date
    band: str  # "disputable" or "this_month"


def _day(text):
    return date.fromisoformat(str(text)[:10])


def claimed_invoices(payments, today, *, opens_days=35, per_band=8):
    """The history invoices (``<PO>INV``) of ``payments`` whose payment also took a shortage
    claim (``<PO>INVSC``), in the two bands above; a band without such a payment is empty."""
    paid = []
    for payment in payments:
        lines = payment.get("lines") or []
        claimed = {
            line["invoice_number"].removesuffix("SC")
            for line in lines
            if line.get("kind") == "shortage_claim"
        }
        invoices = [
            line
            for line in lines
            if line.get("kind") == "invoice"
            and line["invoice_number"] in claimed
            and line["invoice_number"].endswith("INV")
        ]
        if invoices:
            paid.append((_day(payment["date"]), payment["number"], invoices))
    paid.sort(key=lambda entry: (entry[0], entry[1]))
    cutoff = today - timedelta(days=opens_days)
    bands = {
        "disputable": max((d for d, _n, _i in paid if d <= cutoff), default=None),
        "this_month": max((d for d, _n, _i in paid if cutoff < d <= today), default=None),
    }
    out = []
    for band, day in bands.items():
        if day is None:
            continue
        lines = sorted(
            (line for d, _n, invoices in paid if d == day for line in invoices),
            key=lambda line: line["invoice_number"],
        )
        out += [
            ClaimedInvoice(
                invoice_number=line["invoice_number"],
                purchase_order=line["invoice_number"].removesuffix("INV"),
                invoice_date=_day(line["invoice_date"]),
                paid_on=day,
                band=band,
            )
            for line in lines[:per_band]
        ]
    return out
