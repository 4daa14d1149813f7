"""Dispute windows per deduction kind and the state of each at its edges: the 35th and 40th
day of a shortage, the 2-year limit, price claims and chargebacks 30 days out, the second
chargeback dispute, co-op without a count, and rules changed as settings."""

from datetime import date, timedelta

import pytest

from acorn_vendor.core.deductions.deadlines import (
    DEFAULT_RULES,
    DeadlineRules,
    add_years,
    dispute_window,
    next_dispute_closes,
    rules_from_settings,
    window_state,
)

DUE = date(2026, 3, 10)
NOTICE = date(2026, 5, 4)


def day(anchor, n):
    return anchor + timedelta(days=n)


def test_shortage_window_from_the_due_date():
    window = dispute_window("shortage_claim", due_date=DUE)
    assert window.rule == "shortage"
    assert window.opens == day(DUE, 35)
    assert window.file_before == day(DUE, 40)
    assert window.closes == window.hard_limit == date(2028, 3, 10)
    assert window.disputes_allowed == 2  # one dispute, one re-dispute
    assert window.bundle_limit == 10


@pytest.mark.parametrize(
    "n, state",
    [(0, "not_open"), (34, "not_open"), (35, "closing"), (40, "closing"), (41, "closing")],
)
def test_shortage_opens_on_day_35_and_is_closing_until_it_is_filed(n, state):
    window = dispute_window("shortage", due_date=DUE)
    assert window_state(window, day(DUE, n), 0) == state


def test_shortage_with_a_short_warning_is_open_then_closing_before_day_40():
    window = dispute_window("shortage", due_date=DUE, rules=DeadlineRules(closing_days=3))
    assert window_state(window, day(DUE, 36), 0) == "open"
    assert window_state(window, day(DUE, 37), 0) == "closing"
    assert window_state(window, day(DUE, 40), 0) == "closing"


def test_shortage_two_year_hard_limit_is_the_last_day():
    window = dispute_window("revised_shortage_claim", due_date=DUE)
    assert window_state(window, date(2028, 3, 10), 0) == "closing"
    assert window_state(window, date(2028, 3, 11), 0) == "expired"


def test_shortage_re_dispute_after_the_answer_until_the_limit_then_none():
    window = dispute_window("shortage", due_date=DUE)
    answered = day(DUE, 70)
    assert window_state(window, day(DUE, 60), 1) == "not_open"  # waits for Amazon
    assert window_state(window, day(DUE, 80), 1, answered_on=answered) == "open"
    assert next_dispute_closes(window, 1, answered_on=answered) == date(2028, 3, 10)
    assert window_state(window, date(2028, 3, 11), 1, answered_on=answered) == "expired"
    assert window_state(window, day(DUE, 80), 2, answered_on=answered) == "expired"


def test_leap_day_due_date_limit_falls_on_28_february():
    assert add_years(date(2024, 2, 29), 2) == date(2026, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    window = dispute_window("shortage", due_date=date(2024, 2, 29))
    assert window_state(window, date(2026, 2, 28), 0) == "closing"
    assert window_state(window, date(2026, 3, 1), 0) == "expired"


def test_price_claim_30_days_from_due_date_one_dispute():
    window = dispute_window("price_claim", due_date=DUE)
    assert (window.opens, window.closes) == (DUE, day(DUE, 30))
    assert window_state(window, day(DUE, -1), 0) == "not_open"
    assert window_state(window, DUE, 0) == "open"
    assert window_state(window, day(DUE, 23), 0) == "closing"
    assert window_state(window, day(DUE, 30), 0) == "closing"
    assert window_state(window, day(DUE, 31), 0) == "expired"
    assert window_state(window, day(DUE, 5), 1, answered_on=day(DUE, 4)) == "expired"


@pytest.mark.parametrize("kind", ["chargeback", "asn_accuracy", "po_on_time", "prep"])
def test_chargeback_30_days_from_notice(kind):
    window = dispute_window(kind, notice_date=NOTICE)
    assert window.rule == "chargeback"
    assert (window.opens, window.closes) == (NOTICE, day(NOTICE, 30))
    assert window_state(window, day(NOTICE, 22), 0) == "open"
    assert window_state(window, day(NOTICE, 30), 0) == "closing"
    assert window_state(window, day(NOTICE, 31), 0) == "expired"


def test_second_chargeback_dispute_within_30_days_of_the_refusal_and_no_third():
    window = dispute_window("chargeback", notice_date=NOTICE)
    refused = day(NOTICE, 45)  # after the first window closed: the second has its own
    assert window_state(window, day(NOTICE, 40), 1) == "not_open"
    assert window_state(window, day(NOTICE, 46), 1, answered_on=refused) == "open"
    assert next_dispute_closes(window, 1, answered_on=refused) == day(refused, 30)
    assert window_state(window, day(refused, 30), 1, answered_on=refused) == "closing"
    assert window_state(window, day(refused, 31), 1, answered_on=refused) == "expired"
    assert window_state(window, day(NOTICE, 50), 2, answered_on=day(NOTICE, 49)) == "expired"
    assert next_dispute_closes(window, 2, answered_on=day(NOTICE, 49)) is None


def test_second_chargeback_dispute_ends_at_the_retention_limit():
    window = dispute_window("chargeback", notice_date=NOTICE)
    late_answer = date(2028, 4, 20)
    assert next_dispute_closes(window, 1, answered_on=late_answer) == date(2028, 5, 4)
    assert window_state(window, date(2028, 5, 5), 1, answered_on=late_answer) == "expired"


def test_coop_any_number_of_disputes_within_two_years():
    window = dispute_window("coop", notice_date=NOTICE)
    assert window.disputes_allowed is None
    assert window_state(window, day(NOTICE, 1), 0) == "open"
    assert window_state(window, day(NOTICE, 90), 7, answered_on=day(NOTICE, 80)) == "open"
    assert window_state(window, date(2028, 5, 4), 0) == "closing"
    assert window_state(window, date(2028, 5, 5), 3, answered_on=day(NOTICE, 80)) == "expired"


@pytest.mark.parametrize("kind", ["provision", "provision_reversal", "return", "other"])
def test_kinds_without_a_dispute_rule_have_no_window(kind):
    assert dispute_window(kind, due_date=DUE, notice_date=NOTICE) is None


def test_missing_anchor_date_is_named():
    with pytest.raises(ValueError, match="shortage_claim.*due_date"):
        dispute_window("shortage_claim", notice_date=NOTICE)
    with pytest.raises(ValueError, match="asn_accuracy.*notice_date"):
        dispute_window("asn_accuracy", due_date=DUE)


def test_rules_changed_as_settings_move_the_window():
    rules = rules_from_settings({"shortage_opens_days": 30, "shortage_file_before_days": 45})
    window = dispute_window("shortage", due_date=DUE, rules=rules)
    assert (window.opens, window.file_before) == (day(DUE, 30), day(DUE, 45))
    assert rules_from_settings({"chargeback_days": None}) == DEFAULT_RULES
    with pytest.raises(ValueError, match="chargback_days"):
        rules_from_settings({"chargback_days": 20})


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"chargeback_days": -1}, "chargeback_days must be a whole number"),
        ({"price_claim_days": "30"}, "price_claim_days must be a whole number"),
        ({"chargeback_disputes": 0}, "at least one dispute"),
        ({"shortage_opens_days": 41}, "before they open"),
    ],
)
def test_bad_rules_are_refused_with_the_setting_named(settings, message):
    with pytest.raises(ValueError, match=message):
        rules_from_settings(settings)
