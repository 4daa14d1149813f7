"""Each acknowledgement rule's outcome, and that quantities always add up."""

import pytest

from acorn_vendor.core.ack_rules import LineFacts, RuleSettings, allocate, decide


def facts(**kw):
    base = dict(
        sequence="1",
        ordered_units=100,
        product_known=True,
        available_units=1000,
        net_cost=10.0,
        expected_price=10.0,
        unit_cost=6.0,
        backorder_allowed=True,
    )
    return LineFacts(**{**base, **kw})


def check_total(decision, ordered=100):
    assert decision.accepted + decision.backordered + decision.rejected == ordered


def test_everything_in_order_is_accepted():
    decision = decide(facts(), RuleSettings())
    assert (decision.accepted, decision.backordered, decision.rejected) == (100, 0, 0)


def test_unknown_product_is_rejected_as_invalid_identifier():
    decision = decide(facts(product_known=False), RuleSettings())
    assert decision.rejected == 100
    assert decision.rejection_reason == "InvalidProductIdentifier"


def test_archived_product_is_rejected_as_obsolete():
    decision = decide(facts(product_active=False), RuleSettings())
    assert decision.rejection_reason == "ObsoleteProduct"
    check_total(decision)


def test_short_stock_backorders_when_amazon_allows_else_rejects():
    short = decide(facts(available_units=30), RuleSettings())
    assert (short.accepted, short.backordered, short.rejected) == (30, 70, 0)
    no_backorder = decide(facts(available_units=30, backorder_allowed=False), RuleSettings())
    assert (no_backorder.accepted, no_backorder.rejected) == (30, 70)
    assert no_backorder.rejection_reason == "TemporarilyUnavailable"
    assert "30 available" in no_backorder.reasons[0]


def test_stock_check_can_be_switched_off():
    decision = decide(facts(available_units=0), RuleSettings(check_stock=False))
    assert decision.accepted == 100


@pytest.mark.parametrize("net_cost, rejected", [(9.85, 0), (9.79, 100), (12.0, 0)])
def test_price_under_the_tolerance_is_rejected(net_cost, rejected):
    decision = decide(facts(net_cost=net_cost), RuleSettings(price_tolerance_pct=2.0))
    assert decision.rejected == rejected
    check_total(decision)


def test_minimum_margin():
    settings = RuleSettings(min_margin_pct=45.0, price_tolerance_pct=None)
    low = decide(facts(unit_cost=6.0), settings)  # 40 % margin
    assert low.rejected == 100 and "margin 40.0%" in low.reasons[0]
    assert decide(facts(unit_cost=5.0), settings).accepted == 100  # 50 %


def test_maximum_units_per_line():
    decision = decide(facts(), RuleSettings(max_units_per_line=60))
    assert (decision.accepted, decision.backordered) == (60, 40)


def test_two_lines_of_one_product_share_the_stock():
    lines = [
        ("P1", facts(sequence="1", available_units=120)),
        ("P1", facts(sequence="2", available_units=120)),
    ]
    first, second = allocate(lines, RuleSettings())
    assert first.accepted == 100
    assert second.accepted == 20
    check_total(second)
