"""The journal entry one Amazon payment becomes, as plain data.

Per payment: the outstanding-receipts line for what Amazon paid (what the bank statement line
of the deposit matches), one receivable line per invoice or credit note it settles (partial
where short-paid), one line per deduction on the account its kind is configured to, and the
terms discount taken. Accounts are named by role; the Odoo side maps roles to accounts of the
Vendor Central account and turns the plan into one account.payment / account.move.

Every plan balances by construction: a line settles paid + discount, so cash + discounts =
documents + deductions, to the cent (Decimal throughout). Only bookable payments get a plan.
"""

from dataclasses import dataclass, field
from decimal import Decimal

ROLES = (
    "outstanding_receipts",
    "receivable",
    "deductions_pending",
    "contra_revenue",
    "holdback",
)
# Lines on these roles are reconciled later: invoices, claims with their reversals, provisions.
RECONCILABLE_ROLES = ("receivable", "deductions_pending", "holdback")
# kind -> (the account setting that may override it, default role); finance.md §5's
# suggested mapping. The one table of which account a kind is booked to: the Odoo side reads
# the setting ``remittance_<setting>_account_id`` of the Vendor Central account.
KIND_ACCOUNTS = {
    "shortage_claim": ("shortage", "deductions_pending"),
    "shortage_claim_reversal": ("shortage", "deductions_pending"),
    "revised_shortage_claim": ("shortage", "deductions_pending"),
    "price_claim": ("price_claim", "deductions_pending"),
    "chargeback": ("chargeback", "deductions_pending"),
    "return": ("return", "deductions_pending"),
    "coop": ("coop", "contra_revenue"),
    "price_protection": ("price_protection", "contra_revenue"),
    "terms_discount": ("terms_discount", "contra_revenue"),
    "provision": ("provision", "holdback"),
    "provision_reversal": ("provision", "holdback"),
}
DEFAULT_ACCOUNT_ROLES = {kind: role for kind, (_setting, role) in KIND_ACCOUNTS.items()}


class NotBookable(ValueError):
    """The payment has lines (or a gap) a person must review first."""

    def __init__(self, decision):
        reasons = [r.message for r in decision.reviews] + [
            f"{d.line.invoice_number}: {d.review.message}" for d in decision.to_review
        ]
        super().__init__(
            f"Payment {decision.payment.number} is not booked: " + "; ".join(reasons[:5])
        )
        self.reasons = reasons


@dataclass
class JournalLine:
    role: str
    debit: Decimal
    credit: Decimal
    label: str
    kind: str = ""
    document: object = None  # OpenDocument to reconcile with (receivable lines)
    reconcile_key: str | None = None  # deductions: shared with their reversal
    line_indexes: tuple = ()  # positions in payment.lines this journal line books
    partner: str = "amazon"

    @property
    def balance(self):
        return self.debit - self.credit


@dataclass
class BookingPlan:
    payment_number: str
    date: object
    currency: str
    memo: str
    lines: list = field(default_factory=list)

    @property
    def total_debit(self):
        return sum((line.debit for line in self.lines), Decimal(0))

    @property
    def total_credit(self):
        return sum((line.credit for line in self.lines), Decimal(0))

    @property
    def balanced(self):
        return self.total_debit == self.total_credit

    def by_role(self):
        totals = {}
        for line in self.lines:
            totals[line.role] = totals.get(line.role, Decimal(0)) + line.balance
        return totals


def _journal_line(role, balance, label, **extra):
    debit = balance if balance > 0 else Decimal(0)
    credit = -balance if balance < 0 else Decimal(0)
    return JournalLine(role, debit, credit, label, **extra)


def plan_booking(decision, account_roles=None):
    """The BookingPlan of one PaymentDecision; NotBookable when anything is unsure."""
    if not decision.bookable:
        raise NotBookable(decision)
    roles = {**DEFAULT_ACCOUNT_ROLES, **(account_roles or {})}
    unknown = sorted({r for r in roles.values() if r not in ROLES})
    if unknown:
        raise ValueError(f"Unknown account role(s) {', '.join(unknown)}; roles are {ROLES}")
    payment = decision.payment
    plan = BookingPlan(
        payment.number, payment.date, payment.currency, f"Amazon payment {payment.number}"
    )
    plan.lines.append(_journal_line("outstanding_receipts", payment.amount, plan.memo))
    per_document = {}
    discount = Decimal(0)
    for item in decision.lines:
        discount += item.line.discount_taken
        if item.status == "matched":
            key = (item.document.kind, item.document.number)
            amount, indexes, document = per_document.get(key, (Decimal(0), (), item.document))
            per_document[key] = (amount + item.amount, indexes + (item.index,), document)
            continue
        line = item.line
        plan.lines.append(
            _journal_line(
                roles[item.kind],
                -item.amount,
                f"{line.invoice_number} {line.description}".strip(),
                kind=item.kind,
                reconcile_key=line.reversal_key,
                line_indexes=(item.index,),
            )
        )
    for (kind, number), (amount, indexes, document) in per_document.items():
        plan.lines.append(
            _journal_line(
                "receivable",
                -amount,
                number,
                kind=kind,
                document=document,
                line_indexes=indexes,
            )
        )
    if discount:
        plan.lines.append(
            _journal_line(
                roles["terms_discount"],
                discount,
                f"Terms discount, Amazon payment {payment.number}",
                kind="terms_discount",
            )
        )
    if not plan.balanced:  # cannot happen when the lines add up (bookable); guard anyway
        raise ValueError(
            f"Payment {payment.number}: plan does not balance "
            f"({plan.total_debit} debit, {plan.total_credit} credit)"
        )
    return plan


def plan_bookings(decisions, account_roles=None):
    """(plans for the bookable payments, decisions left to review)."""
    plans, held = [], []
    for decision in decisions:
        if decision.bookable:
            plans.append(plan_booking(decision, account_roles))
        else:
            held.append(decision)
    return plans, held


def open_by_reconcile_key(plans, role):
    """What stays open per reconcile key on a role across plans (0 when a provision and its
    reversal, or a claim and its reversal, cancel out)."""
    totals = {}
    for plan in plans:
        for line in plan.lines:
            if line.role == role and line.reconcile_key:
                totals[line.reconcile_key] = (
                    totals.get(line.reconcile_key, Decimal(0)) + line.balance
                )
    return totals
