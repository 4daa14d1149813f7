"""When a deduction can be disputed: its window per kind, and where today stands in it.

Amazon's rules (finance.md §3, several marked uncertain there) are data in ``DeadlineRules``,
with today's published values as defaults, so that an account can change them when Amazon
does. Every date of a window is inclusive: ``opens`` is the first day a dispute is accepted,
``file_before`` the last day one is still worth filing (shortage disputes after day 40 almost
never win), ``closes`` the last day Amazon accepts a first dispute and ``hard_limit`` the last
day it accepts any (a re-dispute included).
"""

import calendar
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta

STATES = ("not_open", "open", "closing", "expired")

# Which rule a deduction follows, by remittance line kind or by sub-kind. Kinds missing here
# (provisions, reversals, price protection, returns, other) have no dispute window.
RULE_FOR_KIND = {
    "shortage_claim": "shortage",
    "revised_shortage_claim": "shortage",
    "shortage": "shortage",
    "price_claim": "price_claim",
    "chargeback": "chargeback",
    "asn_accuracy": "chargeback",
    "po_on_time": "chargeback",
    "carton_content_label": "chargeback",
    "prep": "chargeback",
    "labelling": "chargeback",
    "coop": "coop",
}


@dataclass(frozen=True)
class DeadlineRules:
    """Dispute rules in days, years and counts (defaults: finance.md §3).

    Shortages: the window opens ``shortage_opens_days`` after the invoice due date (Amazon
    keeps matching receipts until then), is worth filing until ``shortage_file_before_days``,
    allows ``shortage_disputes`` disputes (one, then one re-dispute bundling up to
    ``shortage_redispute_bundle``) and closes ``shortage_limit_years`` after the due date.
    Price claims: ``price_claim_days`` from the due date, one dispute. Chargebacks:
    ``chargeback_days`` from the notice, ``chargeback_disputes`` disputes, the next within
    ``chargeback_redispute_days`` of Amazon's answer, none after ``chargeback_limit_years``.
    Co-op: any number of disputes within ``coop_limit_years`` of the notice.
    ``closing_days``: a window whose worthwhile part ends this many days from today, or
    sooner, is closing.
    """

    shortage_opens_days: int = 35
    shortage_file_before_days: int = 40
    shortage_disputes: int = 2
    shortage_redispute_bundle: int = 10
    shortage_limit_years: int = 2
    price_claim_days: int = 30
    price_claim_disputes: int = 1
    chargeback_days: int = 30
    chargeback_disputes: int = 2
    chargeback_redispute_days: int = 30
    chargeback_limit_years: int = 2
    coop_limit_years: int = 2
    closing_days: int = 7

    def __post_init__(self):
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(
                    f"Deadline rule {field.name} must be a whole number of 0 or more, not {value!r}"
                )
        if self.shortage_file_before_days < self.shortage_opens_days:
            raise ValueError(
                f"Deadline rules: shortage disputes are worth filing until day "
                f"{self.shortage_file_before_days}, before they open (day "
                f"{self.shortage_opens_days})"
            )
        for name in ("shortage_disputes", "price_claim_disputes", "chargeback_disputes"):
            if getattr(self, name) < 1:
                raise ValueError(f"Deadline rule {name} must allow at least one dispute")


DEFAULT_RULES = DeadlineRules()


def rules_from_settings(values):
    """DeadlineRules from a mapping of stored settings; missing or empty keys keep their
    default, unknown keys are an error (a typo must not silently keep a default)."""
    known = {field.name for field in fields(DeadlineRules)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"Unknown deadline rule settings: {', '.join(unknown)}")
    given = {key: value for key, value in values.items() if value is not None and value != ""}
    return replace(DEFAULT_RULES, **given)


@dataclass(frozen=True)
class DisputeWindow:
    """When one deduction can be disputed (dates inclusive, see the module docstring).

    ``disputes_allowed``: None for no limit. ``redispute_days``: a further dispute must come
    within this many days of Amazon's answer (None: any time until ``hard_limit``).
    ``bundle_limit``: how many disputes one re-dispute may bundle (0: no bundling rule)."""

    rule: str
    opens: date
    file_before: date
    closes: date
    hard_limit: date
    disputes_allowed: int | None
    redispute_days: int | None = None
    bundle_limit: int = 0
    closing_days: int = 7


def add_years(day, years):
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    year = day.year + years
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return day.replace(year=year)


def dispute_window(kind, *, due_date=None, notice_date=None, rules=DEFAULT_RULES):
    """The dispute window of a deduction of ``kind`` (line kind or sub-kind), or None when
    the kind has no dispute rule. Shortages and price claims count from the invoice
    ``due_date``; chargebacks and co-op from the ``notice_date`` (the day Amazon raised it).
    A missing anchor date is an error naming it."""
    rule = RULE_FOR_KIND.get(kind)
    if rule is None:
        return None
    anchor_name = "due_date" if rule in ("shortage", "price_claim") else "notice_date"
    anchor = due_date if anchor_name == "due_date" else notice_date
    if anchor is None:
        raise ValueError(f"A {kind} deduction's dispute window needs its {anchor_name}")
    common = {"rule": rule, "closing_days": rules.closing_days}
    if rule == "shortage":
        limit = add_years(anchor, rules.shortage_limit_years)
        return DisputeWindow(
            opens=anchor + timedelta(days=rules.shortage_opens_days),
            file_before=anchor + timedelta(days=rules.shortage_file_before_days),
            closes=limit,
            hard_limit=limit,
            disputes_allowed=rules.shortage_disputes,
            bundle_limit=rules.shortage_redispute_bundle,
            **common,
        )
    if rule == "price_claim":
        closes = anchor + timedelta(days=rules.price_claim_days)
        return DisputeWindow(
            opens=anchor,
            file_before=closes,
            closes=closes,
            hard_limit=closes,
            disputes_allowed=rules.price_claim_disputes,
            **common,
        )
    if rule == "chargeback":
        closes = anchor + timedelta(days=rules.chargeback_days)
        return DisputeWindow(
            opens=anchor,
            file_before=closes,
            closes=closes,
            hard_limit=max(closes, add_years(anchor, rules.chargeback_limit_years)),
            disputes_allowed=rules.chargeback_disputes,
            redispute_days=rules.chargeback_redispute_days,
            **common,
        )
    limit = add_years(anchor, rules.coop_limit_years)
    return DisputeWindow(
        opens=anchor,
        file_before=limit,
        closes=limit,
        hard_limit=limit,
        disputes_allowed=None,
        **common,
    )


def next_dispute_closes(window, disputes_filed=0, *, answered_on=None):
    """The last day the next dispute can be filed, or None when no further dispute can be:
    the allowed number is used up, or a dispute still waits for Amazon's answer."""
    if window.disputes_allowed is not None and disputes_filed >= window.disputes_allowed:
        return None
    if disputes_filed == 0:
        return window.closes
    if answered_on is None:
        return None
    if window.redispute_days is None:
        return window.hard_limit
    return min(answered_on + timedelta(days=window.redispute_days), window.hard_limit)


def window_state(window, today, disputes_filed=0, *, answered_on=None):
    """Where ``today`` stands for the next dispute of a deduction.

    ``not_open``: too early, or a dispute filed waits for Amazon's answer (``answered_on``
    None) before the next may follow. ``open``: fileable with time to spare. ``closing``:
    fileable, but the worthwhile part ends within ``window.closing_days`` or has passed
    (a shortage after day 40). ``expired``: no further dispute can be filed, because the
    window closed or every allowed dispute is used."""
    if window.disputes_allowed is not None and disputes_filed >= window.disputes_allowed:
        return "expired"
    if disputes_filed and answered_on is None:
        return "not_open" if today <= window.hard_limit else "expired"
    closes = next_dispute_closes(window, disputes_filed, answered_on=answered_on)
    if today > closes:
        return "expired"
    if disputes_filed == 0:
        if today < window.opens:
            return "not_open"
        worth_until = window.file_before
    else:
        worth_until = closes
    if today >= worth_until - timedelta(days=window.closing_days):
        return "closing"
    return "open"
