"""Each decoding rule of remittance lines, the sign rules where sources disagree, the terms
discount, and a rule table stored as settings."""

from decimal import Decimal

import pytest

from acorn_vendor.core.remittance.line_kinds import (
    DEFAULT_RULES,
    KINDS,
    LineRule,
    decode,
    rules_from_settings,
    rules_to_settings,
    terms_discount,
)

CASES = [
    # number, description, amount, kind, base invoice
    ("VC17410", "Invoice", 100, "invoice", "VC17410"),
    ("VC17413SC", "Shortage claim", -877, "shortage_claim", "VC17413"),
    ("INV123-SC", "", -5, "shortage_claim", "INV123"),
    ("VC16890SCR", "", 120, "shortage_claim_reversal", "VC16890"),
    ("VC16890SCR", "", -120, "shortage_claim", "VC16890"),  # [U] the claim itself, by sign
    ("VC16890SCRSC", "", -60, "revised_shortage_claim", "VC16890"),
    ("VC17002PC", "Price claim", -45, "price_claim", "VC17002"),
    ("1520811216VCBSINV", "", -112, "chargeback", None),
    ("6268-1490026100", "Damage allowance", -1204, "coop", None),
    ("260807_PROVISION_FOR_AGED_RECEIVABLE", "", -2000, "provision", None),
    ("260807_PROVISION_FOR_AGED_RECEIVABLE-R", "", 2000, "provision_reversal", None),
    ("260807_PROVISION_FOR_RECEIVABLESR", "", 2000, "provision_reversal", None),
    ("IPAPUS1234567", "", -310, "price_protection", None),
    ("VRET12345", "", -40, "return", None),
    ("A1B2C3", "Product Returns", -40, "return", None),
    ("CN-0042", "Credit memo", -99, "credit_note", None),
    ("VC1HPA26", "DFP for AR Invoice", -10, "other", None),  # [U] unknown in finance.md
    ("ABC12PC", "", 500, "invoice", "ABC12PC"),  # a vendor invoice, not a price claim
]


@pytest.mark.parametrize("number,description,amount,kind,base", CASES)
def test_each_default_rule(number, description, amount, kind, base):
    decoded = decode(number, description, Decimal(amount))
    assert (decoded.kind, decoded.base_invoice_number) == (kind, base)


def test_every_kind_has_a_default_rule_or_fallback():
    covered = {rule.kind for rule in DEFAULT_RULES} | {"invoice", "other"}
    assert covered == set(KINDS)


def test_claim_and_its_reversal_share_a_key():
    keys = {decode(n, "", Decimal(a)).reversal_key for n, a in [("X1SC", -5), ("X1SCR", 5)]}
    assert keys == {"shortage:X1"}
    provision = decode("260807_PROVISION_FOR_RECEIVABLES", "", Decimal(-1))
    reversal = decode("260807_PROVISION_FOR_RECEIVABLES-R", "", Decimal(1))
    assert provision.reversal_key == reversal.reversal_key


def test_terms_discount_sign_follows_the_line_figures():
    amount, paid = Decimal("1000.00"), Decimal("980.00")
    assert terms_discount(amount, Decimal("20.00"), paid) == Decimal("20.00")
    # A claim showing the discount given back: -877.82 + 17.91 = -859.91 paid.
    claim = terms_discount(Decimal("-877.82"), Decimal("17.91"), Decimal("-859.91"))
    assert claim == Decimal("-17.91")
    # Paid in slices: the figures do not tell, the discount counts as shown.
    assert terms_discount(amount, Decimal("20"), Decimal("500"), Decimal("100")) == 20


def test_rule_table_from_settings_overrides_the_defaults():
    rows = [{"kind": "coop", "number": r"COOP-\d+", "sign": "-"}] + rules_to_settings()
    rules = rules_from_settings(rows)
    assert decode("COOP-77", "", Decimal(-1), rules).kind == "coop"
    assert decode("COOP-77", "", Decimal(-1)).kind == "other"
    for bad in (
        [{"kind": "bonus", "number": "B"}],
        [{"kind": "coop"}],
        [{"kind": "coop", "number": "("}],
        [{"kind": "coop", "number": "X", "colour": "red"}],
    ):
        with pytest.raises(ValueError):
            rules_from_settings(bad)
    with pytest.raises(ValueError):
        LineRule("coop", "X", sign="?")


def test_every_deduction_kind_is_booked_to_a_known_role_and_setting():
    from acorn_vendor.core.remittance.booking import DEFAULT_ACCOUNT_ROLES, KIND_ACCOUNTS, ROLES

    deductions = set(KINDS) - {"invoice", "credit_note", "other"}
    assert deductions | {"terms_discount"} == set(KIND_ACCOUNTS)
    assert set(DEFAULT_ACCOUNT_ROLES.values()) <= set(ROLES)
    assert {setting for setting, _role in KIND_ACCOUNTS.values()} == {
        "shortage", "price_claim", "chargeback", "return", "coop", "price_protection",
        "terms_discount", "provision",
    }  # fmt: skip
