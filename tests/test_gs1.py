"""GS1 check digits and SSCC-18: known vectors from GS1's own examples."""

import pytest

from acorn_vendor.core import gs1


@pytest.mark.parametrize(
    "body, digit",
    [
        ("10614141123456789", "7"),  # SSCC in the GS1 General Specifications (AI 00 example)
        ("629104150021", "3"),  # EAN-13 6291041500213 (GS1 check digit calculator example)
        ("400638133393", "1"),  # EAN-13 4006381333931
        ("03600029145", "2"),  # UPC-A 036000291452
        ("0000000000000", "0"),
    ],
)
def test_check_digit_vectors(body, digit):
    assert gs1.check_digit(body) == digit
    assert gs1.is_valid_gs1(body + digit)
    wrong = str((int(digit) + 1) % 10)
    assert not gs1.is_valid_gs1(body + wrong)


def test_build_sscc_matches_gs1_example():
    assert gs1.build_sscc(1, "0614141", "123456789") == "106141411234567897"
    assert gs1.build_sscc(0, "0614141", 42) == "00614141000000042" + gs1.check_digit(
        "00614141000000042"
    )
    assert gs1.is_valid_sscc(gs1.build_sscc(9, "123456789012", 1234))


@pytest.mark.parametrize(
    "args, fragment",
    [
        ((10, "0614141", 1), "extension digit"),
        ((1, "06141", 1), "company prefix"),
        ((1, "0614141", "12345678901"), "does not fit"),
        ((1, "0614141", "12a"), "digits"),
    ],
)
def test_build_sscc_rejects_bad_input(args, fragment):
    with pytest.raises(ValueError, match=fragment):
        gs1.build_sscc(*args)


def test_validate_sscc_messages():
    assert gs1.validate_sscc("106141411234567897") == []
    assert gs1.validate_sscc("00106141411234567897") == []  # scanned with AI (00)
    assert "expected 7" in gs1.validate_sscc("106141411234567890")[0]
    assert "18 digits" in gs1.validate_sscc("1061414112345678")[0]
    assert "digits only" in gs1.validate_sscc("10614141123456789X")[0]
    assert gs1.validate_sscc(None) == ["SSCC must be text, got NoneType"]
    with pytest.raises(ValueError):
        gs1.check_digit("")


@pytest.mark.parametrize(
    "value",
    [
        "006141410000000012",
        "006141410000000013",
        "00006141410000000012",
        " 006141410000000012 ",
        "00614141000000001",
        "0061414100000000123",
        "00614141000000001X",
        "００６１４１４１００００００００１２",  # fullwidth digits: isdigit, not ASCII
        "006141410000000012\n",
        "",
        None,
        12,
    ],
)
def test_is_valid_sscc_agrees_with_validate_sscc(value):
    assert gs1.is_valid_sscc(value) == (not gs1.validate_sscc(value))


def test_is_valid_sscc_on_every_check_digit():
    for body in ("00614141000000001", "12345678901234567", "99999999999999999", "0" * 17):
        for digit in "0123456789":
            value = body + digit
            assert gs1.is_valid_sscc(value) == (not gs1.validate_sscc(value)), value


def test_digits_are_ascii_digits_only():
    with pytest.raises(ValueError):
        gs1.check_digit("1234\n")
    with pytest.raises(ValueError):
        gs1.check_digit("１２３")  # fullwidth
    assert gs1.validate_sscc("１" * 18) == [f"SSCC {'１' * 18!r} must contain digits only"]
