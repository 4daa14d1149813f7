"""Is Amazon's forecast any good? Past forecast snapshots against what Amazon then ordered.

Each snapshot (a forecast generated on one date) forecasts weeks 1..26 ahead; the horizon of
a row is the number of Amazon weeks (Sunday to Saturday) between the week the forecast was
generated in and the week forecast: 1 = next week, whatever the weekday of generation (a
week the forecast was generated in is left out: it had partly happened).
Per quantile and horizon, over every (snapshot, ASIN, week) whose week has passed:

- MAPE: mean of |forecast - actual| / actual over weeks Amazon ordered something (weeks with
  no order are counted apart: a percentage of zero means nothing);
- bias: Σ (forecast - actual) / Σ actual (positive: the forecast is too high);
- coverage: share of weeks where the actual stayed at or under the forecast, which a P80
  should meet four times in five: the evidence for choosing a service level.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

QUANTILES = ("mean", "p70", "p80", "p90")
MEASURES = ("weeks", "zero_weeks", "mape", "bias", "coverage", "forecast_units", "actual_units")


@dataclass
class Backtest:
    total: pd.DataFrame  # quantile, horizon, MEASURES
    by_product: pd.DataFrame  # asin, quantile, horizon, MEASURES
    overall: pd.DataFrame  # quantile, MEASURES (every horizon)


def _measures(frame, by):
    frame = frame.assign(
        ape=np.where(frame["actual"] > 0, (frame["error"]).abs() / frame["actual"], np.nan),
        zero=frame["actual"] <= 0,
        covered=frame["actual"] <= frame["forecast"] + 1e-9,
    )
    grouped = frame.groupby(list(by), sort=True)
    out = grouped.agg(
        weeks=("actual", "size"),
        zero_weeks=("zero", "sum"),
        mape=("ape", "mean"),
        error=("error", "sum"),
        coverage=("covered", "mean"),
        forecast_units=("forecast", "sum"),
        actual_units=("actual", "sum"),
    ).reset_index()
    out["bias"] = out["error"] / out["actual_units"].where(out["actual_units"] > 0)
    return out[[*by, *MEASURES]]


def backtest(snapshots, actual):
    """``snapshots``: generated_on, asin, week_start, mean, p70, p80, p90 (every snapshot);
    ``actual``: asin, week_start, units (Amazon's ordered units, 0 for weeks without an
    order: ``amazon_demand.weekly_orders``). Weeks absent from ``actual`` (not yet passed,
    or before the history) are left out."""
    needed = ("generated_on", "asin", "week_start", *QUANTILES)
    missing = [c for c in needed if c not in snapshots.columns]
    if missing:
        raise ValueError(f"forecast snapshots lack columns {', '.join(missing)}")
    rows = snapshots.assign(
        generated_on=pd.to_datetime(snapshots["generated_on"]),
        week_start=pd.to_datetime(snapshots["week_start"]),
    )
    facts = actual.assign(week_start=pd.to_datetime(actual["week_start"]))
    merged = rows.merge(facts[["asin", "week_start", "units"]], on=["asin", "week_start"])
    generated_week = merged["generated_on"] - pd.to_timedelta(
        (merged["generated_on"].dt.weekday + 1) % 7, unit="D"
    )
    merged["horizon"] = (merged["week_start"] - generated_week).dt.days // 7
    merged = merged[merged["horizon"] >= 1]
    long = merged.melt(
        id_vars=["asin", "horizon", "units"],
        value_vars=list(QUANTILES),
        var_name="quantile",
        value_name="forecast",
    ).rename(columns={"units": "actual"})
    long["actual"] = long["actual"].astype(float)
    long["forecast"] = pd.to_numeric(long["forecast"], errors="coerce").fillna(0.0)
    long["error"] = long["forecast"] - long["actual"]
    return Backtest(
        total=_measures(long, ("quantile", "horizon")),
        by_product=_measures(long, ("asin", "quantile", "horizon")),
        overall=_measures(long, ("quantile",)),
    )


def line_accuracy(result, quantile="mean"):
    """Per ASIN and weeks ahead, the ``quantile`` forecast's MAPE and bias: what the Amazon
    Demand lines show beside each coming week (how wrong Amazon has been that far ahead)."""
    rows = result.by_product[result.by_product["quantile"] == quantile]
    return rows[["asin", "horizon", "mape", "bias"]].rename(
        columns={"mape": "backtest_mape", "bias": "backtest_bias"}
    )


def product_accuracy(result, horizons, quantile="mean"):
    """Per ASIN, the ``quantile`` forecast's MAPE (mean over weeks compared) and bias over
    the first ``horizons`` weeks ahead: one figure a buyer can read beside an ASIN."""
    rows = result.by_product[
        (result.by_product["quantile"] == quantile) & (result.by_product["horizon"] <= horizons)
    ]
    if rows.empty:
        return pd.DataFrame(columns=["mape", "bias", "weeks"], index=pd.Index([], name="asin"))
    # Each horizon's MAPE is a mean over the weeks with an order: weigh it back by them.
    priced = rows["weeks"] - rows["zero_weeks"]
    grouped = (
        rows.assign(
            ape_sum=rows["mape"].fillna(0) * priced,
            priced=priced,
            error=rows["forecast_units"] - rows["actual_units"],
        )
        .groupby("asin")[["ape_sum", "priced", "error", "actual_units", "weeks"]]
        .sum()
    )
    return pd.DataFrame(
        {
            "mape": grouped["ape_sum"] / grouped["priced"].where(grouped["priced"] > 0),
            "bias": grouped["error"] / grouped["actual_units"].where(grouped["actual_units"] > 0),
            "weeks": grouped["weeks"],
        }
    )


def horizon_table(result):
    """The total backtest as a sheet: one row per weeks ahead, MAPE, bias and coverage of
    each quantile side by side, and the weeks compared."""
    total = result.total
    if total.empty:
        return pd.DataFrame(columns=["Weeks ahead"])
    wide = total.pivot(index="horizon", columns="quantile", values=["mape", "bias", "coverage"])
    names = {"mape": "MAPE", "bias": "bias", "coverage": "coverage"}
    wide.columns = [
        f"{names[measure]} {'mean' if q == 'mean' else q.upper()}" for measure, q in wide.columns
    ]
    order = [f"{names[m]} {'mean' if q == 'mean' else q.upper()}" for m in names for q in QUANTILES]
    wide = wide[[c for c in order if c in wide.columns]]
    weeks = total[total["quantile"] == "mean"].set_index("horizon")["weeks"]
    wide.insert(0, "Weeks compared", weeks.reindex(wide.index))
    return wide.reset_index().rename(columns={"horizon": "Weeks ahead"})
