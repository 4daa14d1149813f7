"""The forecast backtest: past snapshots against Amazon's actual weekly orders."""

import pandas as pd
import pytest

from acorn_vendor.core.replenishment.backtest import backtest


def snapshot(generated_on, first_week, weeks, mean, spread=1.2):
    starts = pd.date_range(first_week, periods=weeks, freq="7D")
    return pd.DataFrame(
        {
            "generated_on": pd.Timestamp(generated_on),
            "asin": "B0A",
            "week_start": starts,
            "mean": mean,
            "p70": mean * 1.1,
            "p80": mean * spread,
            "p90": mean * 1.4,
        }
    )


def two_snapshots(first_weeks, second_weeks, units):
    """Forecasts of 100 a week made on 2026-01-01 and a week later, and Amazon's orders
    (``units``) in the weeks from 2026-01-04."""
    snaps = pd.concat(
        [
            snapshot("2026-01-01", "2026-01-04", first_weeks, 100.0),
            snapshot("2026-01-08", "2026-01-11", second_weeks, 100.0),
        ]
    )
    weeks = pd.date_range("2026-01-04", periods=len(units), freq="7D")
    return snaps, pd.DataFrame({"asin": "B0A", "week_start": weeks, "units": units})


def test_errors_by_horizon_and_quantile_on_a_hand_built_case():
    # Two snapshots a week apart; Amazon ordered 100, 80, 0 (no order), 125 in four weeks.
    snaps, actual = two_snapshots(3, 3, [100, 80, 0, 125])
    result = backtest(snaps, actual)
    mean = result.total[result.total["quantile"] == "mean"].set_index("horizon")
    # Horizon 1: weeks 01-04 (100) and 01-11 (80) -> errors 0 and 20.
    assert mean.loc[1, "mape"] == pytest.approx((0 + 20 / 80) / 2)
    assert mean.loc[1, "bias"] == pytest.approx(20 / 180)
    # Horizon 3: weeks 01-18 (0: counted apart) and 01-25 (125).
    assert mean.loc[3, "zero_weeks"] == 1
    assert mean.loc[3, "mape"] == pytest.approx(25 / 125)
    assert mean.loc[3, "bias"] == pytest.approx((100 + (100 - 125)) / 125)
    overall = result.overall.set_index("quantile")
    assert overall.loc["mean", "weeks"] == 6
    # The mean (100) and P80 (120) miss the week of 125; P90 (140) covers every week.
    assert overall.loc["mean", "coverage"] == pytest.approx(5 / 6)
    assert overall.loc["p80", "coverage"] == pytest.approx(5 / 6)
    assert overall.loc["p90", "coverage"] == 1
    assert overall.loc["p90", "bias"] > overall.loc["p80", "bias"] > overall.loc["mean", "bias"]
    assert set(result.by_product["asin"]) == {"B0A"}


def test_weeks_not_yet_passed_are_left_out():
    snaps = snapshot("2026-01-01", "2026-01-04", 26, 50.0)
    actual = pd.DataFrame(
        {"asin": "B0A", "week_start": [pd.Timestamp("2026-01-04")], "units": [50]}
    )
    result = backtest(snaps, actual)
    assert result.overall.set_index("quantile").loc["mean", "weeks"] == 1
    assert result.overall.set_index("quantile").loc["mean", "mape"] == 0


def test_snapshots_without_quantiles_are_refused():
    snaps = snapshot("2026-01-01", "2026-01-04", 2, 50.0).drop(columns=["p70"])
    with pytest.raises(ValueError, match="forecast snapshots lack columns p70"):
        backtest(snaps, pd.DataFrame(columns=["asin", "week_start", "units"]))
