"""Deciding, for every remittance line, what it settles, or why a person must look at it.

Input: parsed payments and the account's open Amazon invoices and credit notes. Output: per
line, the document and the amount to reconcile (partial when Amazon short-paid), or the
deduction kind, or a To Review reason with its fix. A remembered manual mapping (the user's
earlier answers in To Review) is applied first. Lines join documents by number in one pandas
merge; amounts are compared in exact integer minor units, never floats.

Nothing unsure is booked: a payment is bookable only when none of its lines is to review and
its lines explain its amount.
"""

from dataclasses import dataclass, field
from decimal import Decimal

import pandas

from .line_kinds import DOCUMENT_KINDS, KINDS

REVIEW_REASONS = {
    "unknown_invoice": (
        "{number} is not an open Amazon {what} of this account",
        "Match it by hand to the right invoice (Acorn remembers the mapping), or post the "
        "missing invoice first",
    ),
    "amount_above_open": (
        "{number} settles {settled} but only {open} is still open on {document}",
        "Look for a double payment or an unposted credit note; reconcile by hand",
    ),
    "wrong_sign": (
        "{number} settles {settled} on {document}, the wrong direction for a {what}",
        "Check the line in Vendor Central; match it by hand",
    ),
    "currency_mismatch": (
        "{number} is paid in {currency}, {document} is in {document_currency}",
        "Check the account's currency and the invoice's; match it by hand",
    ),
    "unknown_kind": (
        "{number} ({description}) is no line kind Acorn knows",
        "Map it to an invoice or a kind; add a decoding rule to the account if it recurs",
    ),
    "hidden_lines": (
        "Amazon does not display this payment's lines: {gap} {currency} is unexplained",
        "Ask Amazon (Contact Us) for the remittance details or enter the lines by hand; "
        "check the ordering codes set up in Vendor Central",
    ),
    "lines_do_not_add_up": (
        "The lines add up to {lines_total}, not the payment's {amount} (gap {gap})",
        "Export the payment again; a line may be missing from the file",
    ),
    "no_lines": (
        "The file holds no lines for this payment",
        "Export the payment with its invoices (select it, Export to a Spreadsheet)",
    ),
    "voided": (
        "Amazon voided this payment ({void_reason})",
        "Nothing to book; the invoices stay open until Amazon pays again",
    ),
}


@dataclass(frozen=True)
class OpenDocument:
    """An open Amazon invoice or credit note of the account (amounts positive)."""

    number: str
    kind: str  # invoice | credit_note
    residual: Decimal
    currency: str
    amount: Decimal | None = None
    ref: object = None  # the caller's id, e.g. an account.move id


@dataclass(frozen=True)
class Review:
    code: str
    message: str
    fix: str


def review(code, **values):
    template, fix = REVIEW_REASONS[code]
    return Review(code, template.format(**values), fix)


@dataclass
class LineDecision:
    line: object  # PaymentLine
    index: int  # position in payment.lines
    status: str = "deduction"  # matched | deduction | to_review
    kind: str = ""
    document: OpenDocument | None = None
    amount: Decimal = Decimal(0)  # settled: + on an invoice, - on a credit note or deduction
    partial: bool = False  # the document stays open after this line
    review: Review | None = None


@dataclass
class PaymentDecision:
    payment: object  # Payment
    lines: list = field(default_factory=list)
    reviews: list = field(default_factory=list)  # payment-level reasons

    @property
    def bookable(self):
        return not self.reviews and all(d.status != "to_review" for d in self.lines)

    @property
    def to_review(self):
        return [d for d in self.lines if d.status == "to_review"]


def normalise_number(number):
    """Invoice numbers compared as Amazon and Odoo may spell them: case and spaces aside."""
    return "".join(str(number or "").split()).upper()


def _minor_units(values):
    places = 2
    for value in values:
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int):
            places = max(places, min(-exponent, 6))
    return places


def payment_reviews(payment):
    """Reasons that hold the whole payment back, whatever its lines."""
    values = {
        "gap": payment.gap,
        "currency": payment.currency,
        "lines_total": payment.lines_total,
        "amount": payment.amount,
        "void_reason": payment.void_reason or "no reason given",
    }
    reasons = []
    if "void" in (payment.status or "").lower() or payment.void_reason:
        reasons.append(review("voided", **values))
    if payment.lines_hidden:
        reasons.append(review("hidden_lines", **values))
    elif not payment.lines:
        reasons.append(review("no_lines", **values))
    elif payment.gap:
        reasons.append(review("lines_do_not_add_up", **values))
    return reasons


def match_payments(payments, documents, mapping=None, kind_overrides=None):
    """A PaymentDecision per payment, in the order given.

    ``documents``: OpenDocument of the account. ``mapping``: remembered answers, line number
    -> document number. ``kind_overrides``: line number -> kind. Payments are applied in date
    order, so the open amount one uses is no longer open for the next.
    """
    mapping = {normalise_number(k): normalise_number(v) for k, v in (mapping or {}).items()}
    overrides = {normalise_number(k): v for k, v in (kind_overrides or {}).items()}
    wrong = sorted({kind for kind in overrides.values() if kind not in KINDS})
    if wrong:
        raise ValueError(f"Unknown line kind(s) {', '.join(wrong)}; kinds are {', '.join(KINDS)}")
    decisions = [PaymentDecision(p, reviews=payment_reviews(p)) for p in payments]
    order = sorted(range(len(payments)), key=lambda i: (payments[i].date, i))
    rows = []
    for position in order:
        decision = decisions[position]
        for index, line in enumerate(decision.payment.lines):
            number = normalise_number(line.invoice_number)
            line_decision = LineDecision(line, index, kind=overrides.get(number, line.kind))
            decision.lines.append(line_decision)
            rows.append((position, index, mapping.get(number, number), line.settled))
    by_number = {}
    for document in documents:
        by_number.setdefault(normalise_number(document.number), document)
    _join(decisions, rows, by_number)
    return decisions


def _join(decisions, rows, by_number):
    if not rows:
        return
    amounts = [row[3] for row in rows] + [d.residual for d in by_number.values()]
    scale = Decimal(10) ** _minor_units(amounts)
    lines = pandas.DataFrame(
        {
            "payment": [r[0] for r in rows],
            "line": [r[1] for r in rows],
            "number": [r[2] for r in rows],
            "settled": [int(r[3] * scale) for r in rows],
        }
    )
    docs = pandas.DataFrame(
        {
            "number": list(by_number),
            "doc_kind": [d.kind for d in by_number.values()],
            "residual": [int(d.residual * scale) for d in by_number.values()],
        }
    )
    joined = lines.merge(docs, on="number", how="left", sort=False)
    found = joined["doc_kind"].notna()
    # What a line takes off its document: + for invoices, - settled for credit notes.
    joined["takes"] = joined["settled"].where(
        joined["doc_kind"] != "credit_note", -joined["settled"]
    )
    joined["taken_before"] = 0
    joined.loc[found, "taken_before"] = (
        joined[found].groupby("number")["takes"].cumsum() - joined.loc[found, "takes"]
    )
    for row in joined.itertuples(index=False):
        decision = decisions[row.payment].lines[row.line]
        payment = decisions[row.payment].payment
        if isinstance(row.doc_kind, str):
            document = by_number[row.number]
            _document_line(decision, payment, document, row, scale)
        else:
            _unmatched_line(decision)


def _document_line(decision, payment, document, row, scale):
    line = decision.line
    open_before = Decimal(int(row.residual) - int(row.taken_before)) / scale
    what = "credit note" if document.kind == "credit_note" else "invoice"
    values = {
        "number": line.invoice_number,
        "settled": line.settled,
        "open": max(open_before, Decimal(0)),
        "document": document.number,
        "what": what,
        "currency": line.currency or payment.currency,
        "document_currency": document.currency,
    }
    decision.document = document
    decision.kind = document.kind
    decision.amount = line.settled
    currency = line.currency or payment.currency
    if currency.upper() != document.currency.upper() or (
        payment.currency.upper() != document.currency.upper()
    ):
        return _to_review(decision, "currency_mismatch", values)
    if row.takes <= 0:
        return _to_review(decision, "wrong_sign", values)
    if int(row.takes) > int(row.residual) - int(row.taken_before):
        return _to_review(decision, "amount_above_open", values)
    decision.status = "matched"
    decision.partial = int(row.takes) < int(row.residual) - int(row.taken_before)
    return None


def _unmatched_line(decision):
    line = decision.line
    values = {
        "number": line.invoice_number,
        "description": line.description or "no description",
        "what": "credit note" if decision.kind == "credit_note" else "invoice",
    }
    if decision.kind in DOCUMENT_KINDS:
        return _to_review(decision, "unknown_invoice", values)
    if decision.kind == "other":
        return _to_review(decision, "unknown_kind", values)
    decision.status = "deduction"
    decision.amount = line.settled
    return None


def _to_review(decision, code, values):
    decision.status = "to_review"
    decision.review = review(code, **values)
