"""The units Amazon is expected to order from us, per ASIN and week.

Amazon's forecast is a *sell-out* forecast (its customers), not a PO forecast. Amazon buys to
keep an order-up-to level: the demand over its inbound lead time plus a review week, at a
service level, net of what it holds (sellable on hand), what is on its way (open PO units)
and what it owes customers (unfilled orders). Expected orders placed in week ``k`` are the
growth of that target (usable on hand: sellable less Amazon's excess, ``usable_on_hand``):

    cover        = ceil(averageVendorLeadTimeDays / 7 + review weeks)
    target(k)    = Q_level(demand of weeks 1 .. k - 1 + cover)
    cumulative_k = max(0, target(k) - (usable on hand + open PO units - unfilled orders))
    orders_k     = cumulative_k - cumulative_{k-1}

``cumulative_1`` is analytics.md §3's ``Q_A`` (the next cycle's order). Quantiles do not add
up week over week (the P80 of five weeks is less than the sum of five weekly P80s), so
``Q_level`` of a run of weeks is ``Σ mean + z · sqrt(Σ σ_w²)``, with each week's spread read
from its own quantile, ``σ_w = (P_w - mean_w) / z``: for one week it gives back Amazon's own
quantile exactly.

Without a forecast (a new account, a program Amazon does not forecast), ``history_forecast``
turns Amazon's past POs into weekly expected orders, seasonality-aware, stating its source.
"""

import math

import numpy as np
import pandas as pd

from ..reports.kpi import bucket

# Service level -> (forecast column, z of the standard normal at that level).
SERVICE_LEVELS = {
    "mean": ("mean", 0.0),
    "p70": ("p70", 0.5244),
    "p80": ("p80", 0.8416),
    "p90": ("p90", 1.2816),
}
FORECAST_COLUMNS = ("asin", "week_start", "mean", "p70", "p80", "p90")
STOCK_COLUMNS = ("sellable_on_hand", "open_po_units", "unfilled_customer_orders", "lead_days")
# Optional: Amazon's excess ("unhealthy") units, part of the sellable on hand (WEEK rows only).
UNHEALTHY = "unhealthy_units"
REVIEW_WEEKS = 1
DEFAULT_AMAZON_LEAD_DAYS = 14  # when the inventory report has no lead time for the ASIN
RECENT_WEEKS = 13
SOURCE_FORECAST = "forecast"
SOURCE_HISTORY = "history"


def level_label(level):
    """'p80' -> 'P80', 'mean' -> 'mean': how sentences name a service level."""
    return "mean" if level == "mean" else level.upper()


def _check_columns(frame, columns, what):
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lacks columns {', '.join(missing)}")


def _levels(asins, service_level):
    """asin -> level from one level or a mapping (per-product overrides), checked."""
    if isinstance(service_level, str):
        levels = pd.Series(service_level, index=asins)
    else:
        levels = pd.Series([service_level.get(a) for a in asins], index=asins)
    bad = sorted({str(v) for v in levels if v not in SERVICE_LEVELS})
    if bad:
        raise ValueError(
            f"unknown service level {', '.join(bad)}; choose one of {', '.join(SERVICE_LEVELS)}"
        )
    return levels


def expected_orders(forecast, stock=None, service_level="p70", review_weeks=REVIEW_WEEKS):
    """Weekly expected Amazon orders, one row per ASIN and forecast week.

    ``forecast``: asin, week_start, mean, p70, p80, p90 (one snapshot; a ``source`` column,
    ``forecast`` or ``history``, is kept when present: history rows are already orders, so
    Amazon's stock is not netted from them again). ``stock``: indexed by asin, columns
    ``STOCK_COLUMNS`` (missing ASINs hold nothing and wait ``DEFAULT_AMAZON_LEAD_DAYS``) and
    optionally ``UNHEALTHY``: see ``usable_on_hand``.
    ``service_level``: one of ``SERVICE_LEVELS`` or a mapping asin -> level.

    Returns asin, week (1..n), week_start, level, source, mean, at_level (the week's own
    quantile), orders, cumulative (orders placed up to that week), cumulative_mean and
    cumulative_sigma (the same at the mean, and its spread: the stock-out risk reads them).
    """
    _check_columns(forecast, FORECAST_COLUMNS, "forecast")
    frame = forecast.copy()
    frame["week_start"] = pd.to_datetime(frame["week_start"])
    if "source" not in frame:
        frame["source"] = SOURCE_FORECAST
    frame = frame.sort_values(["asin", "week_start"], kind="stable").reset_index(drop=True)
    if frame[["asin", "week_start"]].duplicated().any():
        raise ValueError("forecast has two rows for one ASIN and week (mixed snapshots?)")
    if frame.empty:
        return frame.assign(week=[], level=[], at_level=[], orders=[], cumulative=[])
    for column in ("mean", "p70", "p80", "p90"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").fillna(0.0).clip(lower=0)
    asins = frame["asin"].unique()
    levels = _levels(asins, service_level)
    frame["level"] = frame["asin"].map(levels)
    z = frame["level"].map({k: v[1] for k, v in SERVICE_LEVELS.items()}).to_numpy(float)
    mean = frame["mean"].to_numpy(float)
    at_level = mean.copy()
    for level, (column, _z) in SERVICE_LEVELS.items():
        chosen = (frame["level"] == level).to_numpy()
        at_level[chosen] = frame.loc[chosen, column].to_numpy(float)
    at_level = np.maximum(at_level, mean)  # a quantile below the mean is a typo, not a level
    frame["at_level"] = at_level
    sigma = np.divide(at_level - mean, z, out=np.zeros_like(mean), where=z > 0)

    group = frame.groupby("asin", sort=False)
    position = group.cumcount().to_numpy()
    size = group["asin"].transform("size").to_numpy()
    first = np.arange(len(frame)) - position
    cum_mean = group["mean"].cumsum().to_numpy(float)
    cum_var = pd.Series(sigma**2).groupby(frame["asin"], sort=False).cumsum().to_numpy(float)

    stock = _stock(stock, asins)
    history = (frame["source"] == SOURCE_HISTORY).to_numpy()
    lead_weeks = frame["asin"].map(stock["lead_days"]).to_numpy(float) / 7.0
    cover = np.maximum(1, np.ceil(lead_weeks + review_weeks)).astype(int)
    cover[history] = 1  # history rows are orders already: week k needs weeks 1..k
    position_held = (
        frame["asin"]
        .map(usable_on_hand(stock) + stock["open_po_units"] - stock["unfilled_customer_orders"])
        .to_numpy(float)
    )
    position_held[history] = 0.0

    reach = first + np.minimum(position + cover, size) - 1
    target_mean = cum_mean[reach]
    target_sigma = np.sqrt(cum_var[reach])
    cumulative = np.maximum(0.0, target_mean + z * target_sigma - position_held)
    frame["cumulative"] = cumulative
    frame["cumulative"] = frame.groupby("asin", sort=False)["cumulative"].cummax()
    frame["orders"] = frame["cumulative"] - frame.groupby("asin", sort=False)["cumulative"].shift(
        fill_value=0.0
    )
    frame["cumulative_mean"] = np.maximum(0.0, target_mean - position_held)
    frame["cumulative_sigma"] = target_sigma
    frame["week"] = position + 1
    return frame[
        [
            "asin",
            "week",
            "week_start",
            "level",
            "source",
            "mean",
            "at_level",
            "orders",
            "cumulative",
            "cumulative_mean",
            "cumulative_sigma",
        ]
    ]


def usable_on_hand(stock):
    """Amazon's on hand that covers its coming demand: the sellable units less the excess
    ("unhealthy") among them. Unsellable units are never in the sellable figure (Amazon's
    schema counts them apart); unhealthy units are sellable units beyond Amazon's forecast
    demand, which it marks for removal rather than sale (analytics.md §3: subtract them as
    excess). Backorders (negative sellable) are kept: Amazon owes those units."""
    sellable = stock["sellable_on_hand"]
    unhealthy = stock[UNHEALTHY] if UNHEALTHY in stock else 0.0
    return sellable - np.minimum(np.maximum(unhealthy, 0.0), np.maximum(sellable, 0.0))


def _stock(stock, asins):
    """Amazon's stock per ASIN with every column, missing ASINs holding nothing."""
    columns = [*STOCK_COLUMNS, UNHEALTHY]
    empty = pd.DataFrame(index=pd.Index(asins, name="asin"), columns=columns)
    if stock is None:
        stock = empty
    else:
        _check_columns(stock, STOCK_COLUMNS, "Amazon stock")
        stock = stock.reindex(asins).reindex(columns=columns)
    stock = stock[columns].apply(pd.to_numeric, errors="coerce")
    defaults = {
        "sellable_on_hand": 0.0,
        "open_po_units": 0.0,
        "unfilled_customer_orders": 0.0,
        UNHEALTHY: 0.0,
    }
    stock = stock.fillna({**defaults, "lead_days": DEFAULT_AMAZON_LEAD_DAYS})
    return stock.astype(float)


def weekly_orders(po_lines, until=None):
    """Amazon's ordered units per ASIN and Amazon week (Sunday start), weeks without an
    order as 0, from each ASIN's first ordered week up to the week before ``until``'s.

    ``po_lines``: asin, po_date, units (cancelled lines count 0 units)."""
    _check_columns(po_lines, ("asin", "po_date", "units"), "PO lines")
    if po_lines.empty:
        return pd.DataFrame(columns=["asin", "week_start", "units"])
    lines = po_lines.assign(week_start=bucket(po_lines["po_date"], "week"))
    weekly = lines.groupby(["asin", "week_start"], as_index=False)["units"].sum()
    last = weekly["week_start"].max()
    if until is not None:
        last = bucket(pd.Series([pd.Timestamp(until)]), "week").iloc[0] - pd.Timedelta(days=7)
    parts = []
    for asin, rows in weekly.groupby("asin", sort=False):
        weeks = pd.date_range(rows["week_start"].min(), last, freq="7D")
        if not len(weeks):
            continue
        units = rows.set_index("week_start")["units"].reindex(weeks, fill_value=0)
        parts.append(pd.DataFrame({"asin": asin, "week_start": weeks, "units": units.to_numpy()}))
    if not parts:
        return pd.DataFrame(columns=["asin", "week_start", "units"])
    return pd.concat(parts, ignore_index=True)


def history_forecast(weekly, first_week, weeks=26):
    """Expected orders per ASIN for ``weeks`` weeks from ``first_week`` out of Amazon's past
    orders (``weekly_orders``), in the forecast's shape, with the source stated.

    A year and a quarter of history or more: the same weeks last year (three-week average)
    times the trend (last 13 weeks against the same 13 weeks a year before). Less: the last
    13 weeks' average, flat. The quantiles come from the spread of the last 13 weeks, so the
    chosen service level still means something."""
    _check_columns(weekly, ("asin", "week_start", "units"), "weekly orders")
    first_week = pd.Timestamp(first_week)
    future = pd.date_range(first_week, periods=weeks, freq="7D")
    rows, notes = [], {}
    for asin, past in weekly.groupby("asin", sort=False):
        series = past.set_index(pd.to_datetime(past["week_start"]))["units"].astype(float)
        series = series[series.index < first_week]
        if series.empty:
            continue
        full = series.reindex(
            pd.date_range(series.index.min(), first_week - pd.Timedelta(days=7), freq="7D"),
            fill_value=0.0,
        )
        recent = full.iloc[-RECENT_WEEKS:]
        level = recent.mean()
        spread = recent.std(ddof=1) if len(recent) > 1 else math.sqrt(max(level, 0.0))
        spread = 0.0 if math.isnan(spread) else spread
        year_ago = full.shift(52)
        seasonal = len(full) >= 52 + RECENT_WEEKS and year_ago.iloc[-RECENT_WEEKS:].sum() > 0
        if seasonal:
            trend = recent.sum() / year_ago.iloc[-RECENT_WEEKS:].sum()
            smooth = full.rolling(3, center=True, min_periods=1).mean()
            means = [trend * smooth.get(week - pd.Timedelta(weeks=52), level) for week in future]
            notes[asin] = (
                f"Amazon's PO history: the same weeks last year × the trend of the last "
                f"{RECENT_WEEKS} weeks ({trend:.2f})"
            )
        else:
            means = [level] * weeks
            notes[asin] = (
                f"Amazon's PO history: the average of the last {len(recent)} weeks "
                f"(under a year and a quarter of history, no season)"
            )
        scale = spread / level if level > 0 else 0.0
        for week, mean in zip(future, means, strict=True):
            mean = max(0.0, float(mean))
            sigma = mean * scale
            rows.append(
                {
                    "asin": asin,
                    "week_start": week,
                    "mean": mean,
                    "p70": mean + SERVICE_LEVELS["p70"][1] * sigma,
                    "p80": mean + SERVICE_LEVELS["p80"][1] * sigma,
                    "p90": mean + SERVICE_LEVELS["p90"][1] * sigma,
                    "source": SOURCE_HISTORY,
                }
            )
    frame = pd.DataFrame(rows, columns=[*FORECAST_COLUMNS, "source"])
    return frame, notes


def stock_out_risk(available, cumulative_mean, cumulative_sigma):
    """Probability that Amazon orders more than ``available`` by then (normal approximation
    of the cumulative orders); arrays in, array out."""
    available = np.asarray(available, float)
    mean = np.asarray(cumulative_mean, float)
    sigma = np.asarray(cumulative_sigma, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (available - mean) / (sigma * math.sqrt(2.0))
    erf = np.vectorize(math.erf, otypes=[float])
    risk = 0.5 * (1.0 - erf(np.nan_to_num(score, nan=0.0, posinf=50.0, neginf=-50.0)))
    exact = sigma <= 0
    risk[exact] = (mean[exact] > available[exact]).astype(float)
    return risk
