"""Which units a shortage claim took, per ASIN, when the remittance gives only an amount.

Vendor Central's dispute form asks for a quantity per ASIN, the remittance line says only
how much was taken off an invoice. Three ways to find the units, best first:

1. ``received``: Amazon's own received quantities (getPurchaseOrdersStatus) show lines short
   of what was invoiced; those are the units claimed.
2. ``claim_amount``: one line's unit price times a whole number of its units is exactly the
   amount claimed (Amazon claims whole units at the invoiced price).
3. ``estimated``: otherwise the amount is spread over the dearest lines first; the user
   checks the quantities before filing.
"""

from dataclasses import dataclass
from decimal import Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class InvoicedLine:
    asin: str
    quantity: int
    unit_price: Decimal
    received: int | None = None  # by Amazon, when known


@dataclass(frozen=True)
class ClaimedUnits:
    asin: str
    quantity: int
    amount: Decimal
    basis: str  # received | claim_amount | estimated


def claimed_units(claim_amount, lines):
    """ClaimedUnits per ASIN for a claim of ``claim_amount`` (positive) on ``lines``."""
    claim = Decimal(claim_amount).copy_abs().quantize(CENT)
    lines = [line for line in lines if line.quantity > 0 and line.unit_price > 0]
    if claim == 0 or not lines:
        return []
    short = [
        ClaimedUnits(
            line.asin,
            line.quantity - line.received,
            (line.unit_price * (line.quantity - line.received)).quantize(CENT),
            "received",
        )
        for line in lines
        if line.received is not None and line.received < line.quantity
    ]
    if short:
        return short
    for line in lines:
        units = claim / line.unit_price
        if units == units.to_integral_value() and 1 <= units <= line.quantity:
            return [ClaimedUnits(line.asin, int(units), claim, "claim_amount")]
    out, rest = [], claim
    for line in sorted(lines, key=lambda ln: ln.unit_price, reverse=True):
        units = min(line.quantity, int(rest // line.unit_price))
        if units:
            out.append(ClaimedUnits(line.asin, units, line.unit_price * units, "estimated"))
            rest -= line.unit_price * units
    if rest > 0:
        cheapest = min(lines, key=lambda ln: ln.unit_price)
        taken = next((u for u in out if u.asin == cheapest.asin), None)
        if taken is None:
            out.append(ClaimedUnits(cheapest.asin, 1, rest, "estimated"))
        else:
            out[out.index(taken)] = ClaimedUnits(
                taken.asin, taken.quantity + 1, taken.amount + rest, "estimated"
            )
    return [ClaimedUnits(u.asin, u.quantity, u.amount.quantize(CENT), u.basis) for u in out]
