from datetime import datetime, timedelta, timezone
from decimal import Decimal

from acorn_vendor.core import domain
from acorn_vendor.core.odoo_values import (
    PO_STATE_KEYS,
    PO_STATE_NAMES,
    PO_STATE_SELECTION,
    selection_of,
    to_decimal,
    to_decimal_or_none,
    to_naive_utc,
    to_utc,
)


def test_po_states_follow_amazons_enum_in_its_order():
    assert list(PO_STATE_KEYS) == list(domain.PO_STATES)
    assert PO_STATE_SELECTION == [
        ("new", "New"),
        ("acknowledged", "Acknowledged"),
        ("closed", "Closed"),
    ]
    assert all(PO_STATE_NAMES[key] == state for state, key in PO_STATE_KEYS.items())


def test_to_decimal_keeps_the_float_as_printed_and_rounds_on_request():
    assert to_decimal(0.1) == Decimal("0.1")
    assert to_decimal(14.199999999, 4) == Decimal("14.2")
    assert to_decimal(False) == 0
    assert to_decimal(None, 2) == 0


def test_a_measure_left_at_zero_is_unknown():
    assert to_decimal_or_none(0.0) is None
    assert to_decimal_or_none(False) is None
    assert to_decimal_or_none(1.25) == Decimal("1.25")


def test_datetimes_go_between_odoos_naive_utc_and_aware_utc():
    naive = datetime(2026, 3, 1, 12, 30)
    aware = to_utc(naive)
    assert aware.tzinfo is domain.UTC and aware.replace(tzinfo=None) == naive
    assert to_utc(False) is None
    paris = datetime(2026, 3, 1, 13, 30, tzinfo=timezone(timedelta(hours=1)))
    assert to_naive_utc(paris) == naive
    assert to_naive_utc(None) is False


def test_selection_labels_spell_amazons_acronyms_as_people_write_them():
    assert selection_of(["asn_accuracy", "po_on_time", "coop", "shortage_claim"]) == [
        ("asn_accuracy", "ASN accuracy"),
        ("po_on_time", "PO on time"),
        ("coop", "Co-op"),
        ("shortage_claim", "Shortage claim"),
    ]
