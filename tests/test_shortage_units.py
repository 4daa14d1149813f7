"""The units a shortage claim took, per ASIN: from Amazon's received quantities, from the
amount when it is whole units of one line, else estimated over the dearest lines."""

from decimal import Decimal

from acorn_vendor.core.deductions.shortage_units import InvoicedLine, claimed_units

LINES = [
    InvoicedLine("B0JAR", 24, Decimal("4.70")),
    InvoicedLine("B0POT", 10, Decimal("12.60")),
]


def _units(result):
    return [(u.asin, u.quantity, u.amount, u.basis) for u in result]


def test_amazons_short_receipt_names_the_units():
    lines = [
        InvoicedLine("B0JAR", 24, Decimal("4.70"), received=24),
        InvoicedLine("B0POT", 10, Decimal("12.60"), received=7),
    ]
    assert _units(claimed_units(Decimal("-37.80"), lines)) == [
        ("B0POT", 3, Decimal("37.80"), "received")
    ]


def test_whole_units_of_one_line_are_taken_from_the_amount():
    # Amazon received everything (a false claim): the amount is 4 jars.
    assert _units(claimed_units(Decimal("18.80"), LINES)) == [
        ("B0JAR", 4, Decimal("18.80"), "claim_amount")
    ]


def test_an_amount_of_no_whole_units_is_estimated_and_adds_up():
    result = claimed_units(Decimal("30.00"), LINES)
    assert {u.basis for u in result} == {"estimated"}
    assert sum(u.amount for u in result) == Decimal("30.00")
    assert result[0].asin == "B0POT" and result[0].quantity == 2


def test_nothing_to_claim_gives_nothing():
    assert claimed_units(Decimal("0"), LINES) == []
    assert claimed_units(Decimal("5"), []) == []
