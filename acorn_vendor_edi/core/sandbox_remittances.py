"""The simulated Amazon's 820s: the sandbox's payments as remittance advices.

Amazon pays EDI vendors with an 820 per payment besides the Vendor Central Payments export.
The sandbox's payments (``GET /_sandbox/payments/export?format=json``: every line, the ones
the export hides included) become ``domain.Remittance`` documents, one RMR per line with the
number the export shows, which ``exchange.as_partner`` writes as Amazon would send them.
For demos and tests only.
"""

from datetime import date
from decimal import Decimal

from ._vendor import domain


def remittances_from_sandbox(payload, payer="AMAZON", payee=None):
    """domain.Remittance per payment of the sandbox's JSON payments export."""
    out = []
    for payment in payload.get("payments") or []:
        lines = [
            domain.RemittanceLine(
                invoice_number=line["invoice_number"],
                amount_paid=Decimal(line["amount_paid"]),
                invoice_amount=Decimal(line["invoice_amount"]),
                discount_amount=Decimal(line["discount"]),
                invoice_date=date.fromisoformat(line["invoice_date"]),
                reference_qualifier="CM" if line.get("kind") == "credit_note" else "IV",
            )
            for line in payment["lines"]
        ]
        out.append(
            domain.Remittance(
                payment_reference=payment["number"],
                payment_date=date.fromisoformat(payment["date"]),
                amount=domain.Money(Decimal(payment["amount"]), payment["currency"]),
                payer=domain.Party(payer, domain.Address("Amazon.com Services LLC", "", "US")),
                payee=domain.Party(payee) if payee else None,
                payment_method="ACH",
                lines=lines,
            )
        )
    return out
