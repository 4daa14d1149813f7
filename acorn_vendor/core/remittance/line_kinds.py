"""What a remittance line is, from its Invoice Number, description and sign.

Amazon does not label lines; vendors read the kind off the number's suffix (``…SC`` a
shortage claim, ``…VCBSINV`` a chargeback, ...). The rules below are the defaults from
finance.md §2 in order, first match wins. They are data: an account can store its own table
(``rules_from_settings``) where Amazon writes numbers differently. Where a source is unsure
(``SCR`` is the reversal per one source, the claim itself per another) the rule also looks at
the sign, and a line no rule recognises is ``other`` so that it goes to review, never booked.
"""

import re
from dataclasses import dataclass

KINDS = (
    "invoice",
    "credit_note",
    "shortage_claim",
    "shortage_claim_reversal",
    "revised_shortage_claim",
    "price_claim",
    "chargeback",
    "coop",
    "provision",
    "provision_reversal",
    "price_protection",
    "return",
    "other",
)
# Lines that settle the vendor's own documents; every other kind is a deduction or its reversal.
DOCUMENT_KINDS = ("invoice", "credit_note")
# Claims against one vendor invoice: their base_invoice_number is that invoice.
CLAIM_KINDS = ("shortage_claim", "shortage_claim_reversal", "revised_shortage_claim", "price_claim")


@dataclass(frozen=True)
class LineRule:
    """One row of the decoding table.

    ``number`` / ``description``: regular expressions (case-insensitive; ``number`` must match
    the whole Invoice Number, ``description`` is searched). ``sign``: "+" or "-" to apply only
    to lines of that sign, None for both. The named group ``base`` of ``number``, when present,
    is the vendor invoice the line refers to (claims) or what a reversal shares with its
    original (provisions). Deductions carry a sign rule so that a vendor invoice numbered
    like "…PC" is not read as a claim.
    """

    kind: str
    number: str = ""
    description: str = ""
    sign: str | None = None
    note: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Line rule kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.sign not in (None, "+", "-"):
            raise ValueError(f"Line rule sign {self.sign!r} must be '+', '-' or empty")
        if not self.number and not self.description:
            raise ValueError(f"Line rule for {self.kind} needs a number or description pattern")
        try:
            self.compiled()
        except re.error as exc:
            raise ValueError(f"Line rule for {self.kind}: bad pattern ({exc})") from None

    def compiled(self):
        return _compile(self.number, self.description)

    def matches(self, number, description, negative):
        if self.sign == "+" and negative or self.sign == "-" and not negative:
            return None
        number_re, description_re = self.compiled()
        found = number_re.fullmatch(number) if number_re is not None else None
        if number_re is not None and found is None:
            return None
        if description_re is not None and not description_re.search(description or ""):
            return None
        return found or True


_CACHE = {}


def _compile(number, description):
    key = (number, description)
    if key not in _CACHE:
        _CACHE[key] = (
            re.compile(number, re.IGNORECASE) if number else None,
            re.compile(description, re.IGNORECASE) if description else None,
        )
    return _CACHE[key]


_BASE = r"(?P<base>.+?)[-_ ]?"
_PROVISION = r"(?P<base>\d{6}_PROVISION_FOR_[A-Z_]*?RECEIVABLES?)"

DEFAULT_RULES = (
    LineRule("revised_shortage_claim", _BASE + "SCRSC", sign="-", note="R7"),
    # [U] one source calls the claim itself SCR: a negative SCR is read as a claim.
    LineRule("shortage_claim_reversal", _BASE + "SCR", sign="+", note="R7; decided by sign"),
    LineRule("shortage_claim", _BASE + "SCR", sign="-", note="amazowl POD SOP; by sign"),
    LineRule("shortage_claim", _BASE + "SC", sign="-", note="R7, amalytix"),
    LineRule("price_claim", _BASE + "PC", sign="-", note="amalytix"),
    LineRule("chargeback", r"\d+VCBSINV", sign="-", note="R7"),
    LineRule("coop", r"\d{4}-\d{10}", sign="-", note="agreements: co-op, damage allowance"),
    LineRule("provision_reversal", _PROVISION + r"[-_]?R", sign="+", note="amalytix; -R"),
    LineRule("provision", _PROVISION, sign="-", note="amalytix"),
    LineRule("provision_reversal", r"(?P<base>\d{6}_PROVISION\w*?)-R", sign="+"),
    LineRule("provision", r"(?P<base>\d{6}_PROVISION\w*)", sign="-"),
    LineRule("price_protection", r"IPAP[A-Z]{2}\d+", sign="-", note="R7"),
    LineRule("return", r"VRET\w*", sign="-", note="return shipment request ids (amalytix)"),
    LineRule("return", description=r"\breturn", sign="-", note="payables: Product Returns"),
    LineRule("credit_note", description=r"credit", sign="-"),
)
# After the table: positive lines are the vendor's invoices; a negative line nobody
# recognises stays "other" (a credit note is found by its number when matching).


@dataclass(frozen=True)
class DecodedLine:
    kind: str
    base_invoice_number: str | None
    reversal_key: str | None  # shared by a deduction and its reversal (reconciliation)


def decode(number, description="", amount=None, rules=DEFAULT_RULES):
    """(kind, base invoice number, reversal key) of one remittance line.

    ``amount``: the invoice (or paid) amount; its sign settles rules that depend on it.
    """
    number = (number or "").strip()
    negative = amount is not None and amount < 0
    for rule in rules:
        found = rule.matches(number, description, negative)
        if found is None:
            continue
        base = None
        if found is not True and "base" in found.re.groupindex:
            base = found.group("base")
        invoice = base if rule.kind in CLAIM_KINDS else None
        return DecodedLine(rule.kind, invoice, _reversal_key(rule.kind, base, number))
    if not negative:
        return DecodedLine("invoice", number, None)
    return DecodedLine("other", None, None)


def _reversal_key(kind, base, number):
    if kind in ("shortage_claim", "shortage_claim_reversal", "revised_shortage_claim"):
        return f"shortage:{base}"
    if kind in ("provision", "provision_reversal"):
        return f"provision:{base}"
    if kind in ("price_claim", "chargeback", "coop", "price_protection", "return"):
        return f"{kind}:{number}"
    return None


def terms_discount(invoice_amount, discount, amount_paid, remaining=None):
    """The terms discount taken on a line, signed so that paid + discount settles the line.

    Exports show the discount as a positive number on invoices (paid = amount - discount);
    on a claim it may be the discount given back (paid = amount + discount). The figures of
    the line decide; when they do not (a claim paid in slices), the discount counts as shown.
    """
    if not discount:
        return discount
    if invoice_amount is None or amount_paid is None:
        return discount
    rest = remaining or 0
    if invoice_amount - discount - rest == amount_paid:
        return discount
    if invoice_amount + discount - rest == amount_paid:
        return -discount
    return discount


def rules_from_settings(rows):
    """A rule table from stored settings: a list of dicts with LineRule's fields."""
    rules = []
    for index, row in enumerate(rows or ()):
        if not isinstance(row, dict):
            raise ValueError(f"Line rule {index + 1}: expected an object, got {row!r}")
        unknown = set(row) - {"kind", "number", "description", "sign", "note"}
        if unknown:
            raise ValueError(
                f"Line rule {index + 1}: unknown field(s) {', '.join(sorted(unknown))}"
            )
        rules.append(
            LineRule(
                kind=row.get("kind", ""),
                number=row.get("number") or "",
                description=row.get("description") or "",
                sign=row.get("sign") or None,
                note=row.get("note") or "",
            )
        )
    return tuple(rules)


def rules_to_settings(rules=DEFAULT_RULES):
    return [{k: v for k, v in vars(rule).items() if v not in ("", None)} for rule in rules]
