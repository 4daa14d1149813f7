"""What a deduction is about, finer than its remittance kind: a chargeback is an ASN accuracy
fee, a late PO, a missing carton content label, ... Each sub-kind has its own evidence and its
own assessment rule.

Read off the remittance line's kind and description (the sandbox and Vendor Central write
"ASN Accuracy: Late ASN") or off the chargeback export's issue type. Chargeback names are
Amazon's dashboard groups (finance.md §2); a type no pattern knows is ``other_chargeback``,
shown for review and assessed as needing evidence.
"""

import re

CHARGEBACK_SUB_KINDS = (
    "asn_accuracy",
    "po_on_time",
    "carton_content_label",
    "prep",
    "labelling",
    "other_chargeback",
)
SUB_KINDS = (
    "shortage",
    "price_claim",
    *CHARGEBACK_SUB_KINDS,
    "coop",
    "price_protection",
    "provision",
    "return",
    "other",
)
# Remittance line kind -> sub-kind, for kinds that say it all.
SUB_KIND_OF_LINE_KIND = {
    "shortage_claim": "shortage",
    "shortage_claim_reversal": "shortage",
    "revised_shortage_claim": "shortage",
    "price_claim": "price_claim",
    "coop": "coop",
    "price_protection": "price_protection",
    "provision": "provision",
    "provision_reversal": "provision",
    "return": "return",
}
# Chargeback type texts, first match wins (searched, case-insensitive). Carton content
# labels come before the general labelling rule.
CHARGEBACK_PATTERNS = (
    ("carton_content_label", r"carton\s*content|\bccl\b"),
    ("asn_accuracy", r"\basn\b|advance(?:d)?\s+ship"),
    ("po_on_time", r"on[-\s]?time|\bota\b|not\s+on\s+time|ship\s+window|late\s+(?:ship|deliver)"),
    ("prep", r"\bprep\b|preparation|sioc|bagg?ing|bubble|poly\s*bag|cap\s*seal"),
    ("labelling", r"label|barcode"),
)
_COMPILED = tuple(
    (name, re.compile(pattern, re.IGNORECASE)) for name, pattern in CHARGEBACK_PATTERNS
)


def chargeback_sub_kind(text):
    """The sub-kind of a chargeback from its type or description text."""
    for name, pattern in _COMPILED:
        if pattern.search(text or ""):
            return name
    return "other_chargeback"


def sub_kind_of(kind, description=""):
    """The sub-kind of a remittance deduction of ``kind`` described as ``description``."""
    if kind == "chargeback":
        return chargeback_sub_kind(description)
    return SUB_KIND_OF_LINE_KIND.get(kind, "other")
