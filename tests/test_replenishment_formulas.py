"""Amazon's expected orders and our purchase suggestions on hand-built cases."""

import math
from datetime import date

import pandas as pd
import pytest

from acorn_vendor.core.replenishment.amazon_demand import (
    SOURCE_HISTORY,
    expected_orders,
    history_forecast,
    weekly_orders,
)
from acorn_vendor.core.replenishment.purchase_need import projection, round_quantity, suggestions

TODAY = date(2026, 3, 4)  # a Wednesday; the forecast starts on Sunday 2026-03-08
FIRST_WEEK = pd.Timestamp("2026-03-08")


def forecast(asin="B0A", weeks=26, mean=100.0, p70=112.0, p80=122.0, p90=138.0):
    return pd.DataFrame(
        {
            "asin": asin,
            "week_start": pd.date_range(FIRST_WEEK, periods=weeks, freq="7D"),
            "mean": mean,
            "p70": p70,
            "p80": p80,
            "p90": p90,
        }
    )


def amazon(asin="B0A", on_hand=0, open_po=0, unfilled=0, lead_days=0):
    return pd.DataFrame(
        {
            "sellable_on_hand": [on_hand],
            "open_po_units": [open_po],
            "unfilled_customer_orders": [unfilled],
            "lead_days": [lead_days],
        },
        index=pd.Index([asin], name="asin"),
    )


def ours(asin="B0A", on_hand=0, reserved=0, other=0, incoming=0, lead=21, min_qty=0, multiple=0):
    return pd.DataFrame(
        {
            "on_hand": [on_hand],
            "reserved_amazon": [reserved],
            "other_demand": [other],
            "incoming": [incoming],
            "lead_days": [lead],
            "min_qty": [min_qty],
            "multiple": [multiple],
        },
        index=pd.Index([asin], name="asin"),
    )


def test_one_week_at_p80_is_amazons_own_p80_and_weeks_combine_below_the_sum_of_p80s():
    orders = expected_orders(forecast(), amazon(), "p80")
    first, fifth = orders.iloc[0], orders.iloc[4]
    assert first["cumulative"] == pytest.approx(122.0)
    # Five weeks: Σ mean + z·sqrt(Σσ²) = 500 + 22·sqrt(5), not 5 × 122 = 610.
    assert fifth["cumulative"] == pytest.approx(500 + 22 * math.sqrt(5))
    assert 500 < fifth["cumulative"] < 610
    assert orders["orders"].sum() == pytest.approx(orders["cumulative"].iloc[-1])


def test_amazons_excess_units_do_not_cover_its_demand_and_unsellable_units_never_count():
    # Amazon's schema: unsellable units are apart from the sellable ones; unhealthy (excess)
    # units are among the sellable ones, marked for removal, so they cover nothing.
    plain = expected_orders(forecast(), amazon(on_hand=200, lead_days=14), "p80")
    stock = amazon(on_hand=300, lead_days=14).assign(unhealthy_units=100, unsellable=500)
    with_excess = expected_orders(forecast(), stock, "p80")
    pd.testing.assert_series_equal(with_excess["cumulative"], plain["cumulative"])
    assert with_excess.iloc[0]["cumulative"] == pytest.approx(300 + 22 * math.sqrt(3) - 200)
    # More excess than sellable units (a stale row): nothing below zero is made up; a
    # backorder (negative sellable) stays owed.
    worst = amazon(on_hand=50, lead_days=14).assign(unhealthy_units=80)
    assert expected_orders(forecast(), worst, "p80").iloc[0]["cumulative"] == pytest.approx(
        300 + 22 * math.sqrt(3)
    )
    owed = amazon(on_hand=-40, lead_days=14).assign(unhealthy_units=10)
    assert expected_orders(forecast(), owed, "p80").iloc[0]["cumulative"] == pytest.approx(
        300 + 22 * math.sqrt(3) + 40
    )


def test_amazons_stock_and_open_pos_are_netted_and_unfilled_orders_added():
    # Lead 14 days + 1 review week: each week's target covers three weeks.
    stock = amazon(on_hand=300, open_po=100, unfilled=20, lead_days=14)
    orders = expected_orders(forecast(), stock, "p80")
    held = 300 + 100 - 20
    assert orders.iloc[0]["cumulative"] == pytest.approx(max(0, 300 + 22 * math.sqrt(3) - held))
    assert orders.iloc[0]["orders"] == 0
    assert orders.iloc[1]["cumulative"] == pytest.approx(400 + 22 * math.sqrt(4) - held)


def test_a_higher_service_level_expects_more_orders_and_a_product_overrides_the_account():
    both = pd.concat([forecast("B0A"), forecast("B0B")])
    levels = {}
    for level in ("mean", "p70", "p80", "p90"):
        orders = expected_orders(both, None, level)
        levels[level] = orders.groupby("asin")["cumulative"].last()["B0A"]
    assert levels["mean"] == pytest.approx(2600)
    assert levels["mean"] < levels["p70"] < levels["p80"] < levels["p90"]
    mixed = expected_orders(both, None, {"B0A": "p70", "B0B": "p90"})
    last = mixed.groupby("asin")["cumulative"].last()
    assert last["B0A"] == pytest.approx(levels["p70"])
    assert last["B0B"] == pytest.approx(levels["p90"])


def test_zero_stock_orders_amazons_demand_over_the_supplier_horizon():
    orders = expected_orders(forecast(), amazon(), "p80")
    out = suggestions(orders, ours(on_hand=0, lead=21), TODAY).loc["B0A"]
    assert out["horizon_weeks"] == 4  # 21 days lead + 7 days review
    expected = 400 + 22 * math.sqrt(4)
    assert out["amazon_orders"] == pytest.approx(expected)
    assert out["quantity"] == math.ceil(expected)
    assert out["order_date"] == TODAY  # short in week 1: order now
    assert out["explanation"].startswith(
        f"Amazon expected to order {expected:,.0f} in the next 4 weeks at P80; "
        "0 on hand after open orders; supplier lead time 21 days; order"
    )


def test_long_lead_time_looks_further_ahead_and_dates_the_order_from_the_shortage():
    orders = expected_orders(forecast(), amazon(), "mean")
    short = suggestions(orders, ours(on_hand=1000, lead=14), TODAY).loc["B0A"]
    long = suggestions(orders, ours(on_hand=1000, lead=84), TODAY).loc["B0A"]
    assert short["quantity"] == 0 and short["order_date"] is None
    assert short["explanation"].endswith("nothing to order.")
    assert long["horizon_weeks"] == 13
    assert long["quantity"] == 1300 - 1000
    # 1,000 units last ten weeks of 100: short in week 11, starting 2026-05-17; 84 days before.
    assert long["shortage_week"] == pd.Timestamp("2026-05-17")
    assert long["order_date"] == TODAY  # 2026-02-22 is past: order today
    mid = suggestions(orders, ours(on_hand=1000, lead=28), TODAY).loc["B0A"]
    assert mid["quantity"] == 0  # five weeks of demand are covered


def test_order_date_is_the_shortage_week_less_the_lead_time():
    orders = expected_orders(forecast(), amazon(), "mean")
    out = suggestions(orders, ours(on_hand=550, lead=7), TODAY, review_days=35).loc["B0A"]
    assert out["quantity"] == 50  # 6 weeks (7 + 35 days) = 600 against 550
    assert out["shortage_week"] == pd.Timestamp("2026-04-12")  # week 6
    assert out["order_date"] == date(2026, 4, 5)


def test_minimum_and_multiple_round_the_quantity_up():
    assert round_quantity(37, min_qty=100, multiple=12) == 108
    assert round_quantity(130, min_qty=100, multiple=12) == 132
    assert round_quantity(0.2) == 1
    assert round_quantity(0, min_qty=100) == 0
    assert round_quantity(-5, min_qty=100) == 0
    orders = expected_orders(forecast(), amazon(), "mean")
    out = suggestions(
        orders, ours(on_hand=363, reserved=0, lead=21, min_qty=100, multiple=12), TODAY
    ).loc["B0A"]
    assert out["need"] == pytest.approx(37)
    assert out["quantity"] == 108
    assert "(minimum 100, multiple 12)" in out["explanation"]


def test_open_sale_orders_other_demand_and_incoming_change_what_is_available():
    orders = expected_orders(forecast(), amazon(), "mean")
    stock = ours(on_hand=500, reserved=200, other=50, incoming=120, lead=21)
    out = suggestions(orders, stock, TODAY).loc["B0A"]
    assert out["available"] == 500 - 200 - 50 + 120
    assert out["quantity"] == 400 - 370
    assert "370 on hand after open orders (incl. 120 incoming)" in out["explanation"]


def history(weeks, asin="B0A", base=50.0, season=True):
    """Weekly orders: a summer peak each year when ``season``, growing 10% a year."""
    starts = pd.date_range(end=FIRST_WEEK - pd.Timedelta(days=7), periods=weeks, freq="7D")
    units = []
    for i, week in enumerate(starts):
        peak = 2.0 if season and week.month in (6, 7) else 1.0
        units.append(base * peak * (1 + 0.1 * i / 52))
    return pd.DataFrame({"asin": asin, "week_start": starts, "units": units})


def test_without_a_forecast_po_history_gives_seasonal_expected_orders_and_says_so():
    frame, notes = history_forecast(history(120), FIRST_WEEK, weeks=26)
    assert "same weeks last year" in notes["B0A"]
    by_week = frame.set_index("week_start")["mean"]
    assert by_week[pd.Timestamp("2026-06-28")] > 1.6 * by_week[pd.Timestamp("2026-03-15")]
    orders = expected_orders(frame, amazon(on_hand=10_000), "mean")
    # History rows are Amazon's orders already: Amazon's own stock is not netted again.
    assert orders.iloc[0]["cumulative"] == pytest.approx(frame.iloc[0]["mean"])
    assert (orders["source"] == SOURCE_HISTORY).all()
    out = suggestions(orders, ours(lead=21), TODAY, notes=notes).loc["B0A"]
    assert "(from Amazon's PO history: the same weeks last year" in out["explanation"]


def test_short_history_is_a_flat_average_without_season():
    frame, notes = history_forecast(history(10, season=False), FIRST_WEEK, weeks=4)
    assert "no season" in notes["B0A"]
    assert frame["mean"].nunique() == 1
    assert frame["p80"].iloc[0] > frame["mean"].iloc[0]  # the history's spread gives the level


def test_weekly_orders_buckets_by_amazon_week_and_fills_empty_weeks():
    lines = pd.DataFrame(
        {
            "asin": ["B0A", "B0A", "B0A"],
            "po_date": pd.to_datetime(["2026-02-01 09:00", "2026-02-07 23:00", "2026-02-17 00:00"]),
            "units": [10, 5, 7],
        }
    )
    weekly = weekly_orders(lines, until=TODAY)
    assert weekly["week_start"].dt.strftime("%m-%d").tolist() == [
        "02-01",
        "02-08",
        "02-15",
        "02-22",
    ]
    assert weekly["units"].tolist() == [15, 0, 7, 0]


def test_no_forecast_and_no_history_says_demand_is_unknown():
    orders = expected_orders(forecast("B0B"), None, "mean")
    out = suggestions(orders, ours("B0A", on_hand=5), TODAY).loc["B0A"]
    assert out["quantity"] == 0
    assert out["explanation"].startswith("No forecast and no Amazon PO history")


def test_projection_counts_weeks_of_cover_and_the_risk_rises_as_stock_runs_down():
    orders = expected_orders(forecast(), amazon(), "p80")
    frame = projection(orders, pd.Series({"B0A": 450.0}))
    first = frame.iloc[0]
    assert first["projected_stock"] == pytest.approx(450 - 122)
    assert first["weeks_of_cover"] == 4  # week 5 is the first short at P80 (≈549 > 450)
    assert frame["risk"].is_monotonic_increasing
    assert frame.iloc[0]["risk"] < 0.01 and frame.iloc[5]["risk"] > 0.9


def test_bad_input_says_what_is_wrong():
    with pytest.raises(ValueError, match="unknown service level p95"):
        expected_orders(forecast(), None, "p95")
    with pytest.raises(ValueError, match="forecast lacks columns p90"):
        expected_orders(forecast().drop(columns="p90"), None, "p80")
    with pytest.raises(ValueError, match="two rows for one ASIN and week"):
        expected_orders(pd.concat([forecast(), forecast()]), None, "p80")
    orders = expected_orders(forecast(), None, "p80")
    with pytest.raises(ValueError, match="negative supplier lead time for ASIN B0A"):
        suggestions(orders, ours(lead=-1), TODAY)
