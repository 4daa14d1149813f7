"""X12 820 remittance advices as the same payments the Payments export gives.

Amazon's 820 names each settled document in an RMR segment with the number Vendor Central
shows (``…SC``, ``…VCBSINV``, agreements; finance.md §4, an assumption to verify), so an 820
decodes with the export's rules and imports through the same matching and booking. A payment
keeps the export's keys (number, date, amount; per line number and amount paid): the same
payment read from both sources is imported once, and an 820 brings the lines an export hid.

Line-level ADX adjustments are informational (RMR04 is already net of them: the invoice stays
short-paid and open); payment-level ADX adjustments become lines of their own.
"""

from decimal import Decimal

from .line_kinds import DEFAULT_RULES, decode
from .payments_export import Payment, PaymentLine

QUALIFIER_DESCRIPTIONS = {"IV": "", "CM": "Credit note"}


def _line(number, paid, rules, invoice_amount=None, discount=None, day=None, description=""):
    sign = invoice_amount if invoice_amount is not None else paid
    decoded = decode(number, description, sign, rules)
    return PaymentLine(
        invoice_number=number,
        amount_paid=paid,
        invoice_date=day,
        description=description,
        invoice_amount=invoice_amount,
        discount=discount or Decimal(0),
        kind=decoded.kind,
        base_invoice_number=decoded.base_invoice_number,
        reversal_key=decoded.reversal_key,
    )


def payment_from_remittance(remittance, rules=DEFAULT_RULES):
    """The core Payment of one ``domain.Remittance`` (an 820 read by the EDI add-on)."""
    if not remittance.payment_reference:
        raise ValueError("The 820 has no payment number (TRN02)")
    if remittance.payment_date is None:
        raise ValueError(f"820 {remittance.payment_reference}: no payment date (BPR16)")
    amount = remittance.amount.amount
    if remittance.credit_debit == "D":
        amount = -amount
    lines = [
        _line(
            line.invoice_number,
            line.amount_paid,
            rules,
            line.invoice_amount,
            line.discount_amount,
            line.invoice_date,
            QUALIFIER_DESCRIPTIONS.get(line.reference_qualifier, ""),
        )
        for line in remittance.lines
    ]
    for adjustment in remittance.deductions:
        number = adjustment.reference or f"ADX-{adjustment.reason_code or 'ZZ'}"
        lines.append(
            _line(number, -adjustment.amount, rules, description=adjustment.description or "")
        )
    return Payment(
        number=remittance.payment_reference.strip(),
        date=remittance.payment_date,
        currency=remittance.amount.currency or "USD",
        amount=amount,
        lines=lines,
        payment_type=remittance.payment_method or "",
    )
