"""Acknowledgement rules: what to answer Amazon for each PO line, decided from plain facts.

The Odoo side gathers the facts (stock by the ship window, prices, product status) and
applies the decisions; the decisions themselves are pure so every rule is tested here.
Amazon's rejection reasons: TemporarilyUnavailable, InvalidProductIdentifier, ObsoleteProduct.
"""

from dataclasses import dataclass, field


@dataclass
class RuleSettings:
    """Per-account rule settings; ``None`` switches a rule off."""

    check_stock: bool = True
    price_tolerance_pct: float | None = 2.0  # Amazon's net cost vs our expected price
    min_margin_pct: float | None = None  # (net cost - our cost) / net cost
    max_units_per_line: int | None = None
    backorder_shortfall: bool = True  # short stock: backorder the rest when Amazon allows


@dataclass
class LineFacts:
    sequence: str
    ordered_units: int
    product_known: bool
    product_active: bool = True
    available_units: float = 0.0  # on hand + incoming - reserved, by the ship window
    net_cost: float = 0.0  # what Amazon pays per each
    expected_price: float | None = None  # pricelist price per each
    unit_cost: float | None = None  # our cost per each
    backorder_allowed: bool = False


@dataclass
class LineDecision:
    sequence: str
    accepted: int = 0
    backordered: int = 0
    rejected: int = 0
    rejection_reason: str | None = None
    reasons: list = field(default_factory=list)  # why, in words, for the chatter


def decide(facts, settings):
    """One decision per line; quantities always add up to the ordered units."""
    ordered = max(int(facts.ordered_units), 0)
    decision = LineDecision(facts.sequence)
    if not facts.product_known:
        decision.rejected = ordered
        decision.rejection_reason = "InvalidProductIdentifier"
        decision.reasons.append("no product matches Amazon's identifiers")
        return decision
    if not facts.product_active:
        decision.rejected = ordered
        decision.rejection_reason = "ObsoleteProduct"
        decision.reasons.append("the product is archived (discontinued)")
        return decision
    if settings.price_tolerance_pct is not None and facts.expected_price:
        gap = (facts.net_cost - facts.expected_price) / facts.expected_price * 100.0
        if gap < -settings.price_tolerance_pct:
            decision.rejected = ordered
            decision.rejection_reason = "TemporarilyUnavailable"
            decision.reasons.append(
                f"Amazon's net cost {facts.net_cost:.2f} is {-gap:.1f}% under the expected "
                f"{facts.expected_price:.2f} (tolerance {settings.price_tolerance_pct:g}%)"
            )
            return decision
    if settings.min_margin_pct is not None and facts.unit_cost is not None and facts.net_cost:
        margin = (facts.net_cost - facts.unit_cost) / facts.net_cost * 100.0
        if margin < settings.min_margin_pct:
            decision.rejected = ordered
            decision.rejection_reason = "TemporarilyUnavailable"
            decision.reasons.append(
                f"margin {margin:.1f}% is under the minimum {settings.min_margin_pct:g}%"
            )
            return decision
    acceptable = ordered
    if settings.max_units_per_line is not None and acceptable > settings.max_units_per_line:
        acceptable = settings.max_units_per_line
        decision.reasons.append(f"capped at {settings.max_units_per_line} units per line")
    if settings.check_stock:
        available = max(int(facts.available_units), 0)
        if available < acceptable:
            decision.reasons.append(
                f"{available} available by the ship window for {acceptable} wanted"
            )
            acceptable = available
    decision.accepted = acceptable
    rest = ordered - acceptable
    if rest and settings.backorder_shortfall and facts.backorder_allowed:
        decision.backordered = rest
    elif rest:
        decision.rejected = rest
        decision.rejection_reason = "TemporarilyUnavailable"
    return decision


def allocate(lines, settings):
    """Decide lines in order, drawing shared stock per product: two lines of the same
    product never both count the same units. ``lines`` is [(product_key, LineFacts)]."""
    used = {}
    decisions = []
    for product_key, facts in lines:
        already = used.get(product_key, 0)
        facts.available_units = max(facts.available_units - already, 0)
        decision = decide(facts, settings)
        used[product_key] = already + decision.accepted
        decisions.append(decision)
    return decisions
