"""What we must buy from our own suppliers to fill the orders Amazon is expected to place.

Per product (keyed by ASIN), over the supplier's horizon ``H = ceil((lead days + review
days) / 7)`` weeks::

    available = on hand - reserved for open Amazon sale orders - other demand + incoming
    need      = Amazon's expected orders up to week H (at the service level) - available
    quantity  = 0 when need <= 0, else need rounded up to the multiple, at least the minimum

Amazon's expected orders already are the service-level quantile of the cumulative orders
(``amazon_demand``), so no safety stock is added on top. Amazon POs already in Odoo as sale
orders are the *reserved* units: the forecast side nets them through Amazon's open PO units,
so they are never counted twice. The order date is the first week our stock would run short,
less the supplier's lead time (today when that is past).
"""

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd

from .amazon_demand import SOURCE_HISTORY, level_label, stock_out_risk

OUR_STOCK_COLUMNS = (
    "on_hand",
    "reserved_amazon",
    "other_demand",
    "incoming",
    "lead_days",
    "min_qty",
    "multiple",
)
REVIEW_DAYS = 7


def round_quantity(need, min_qty=0.0, multiple=0.0):
    """``need`` rounded up to ``multiple`` and raised to ``min_qty``; 0 when nothing is needed."""
    if need <= 0:
        return 0.0
    if multiple and multiple > 0:
        need = math.ceil(round(need / multiple, 9)) * multiple
    else:
        need = math.ceil(round(need, 9))
    if min_qty and need < min_qty:
        need = min_qty
        if multiple and multiple > 0:
            need = math.ceil(round(need / multiple, 9)) * multiple
    return float(need)


def _units(value):
    return f"{value:,.0f}"


def suggestions(orders, our_stock, today, review_days=REVIEW_DAYS, notes=None):
    """One suggestion per ASIN of ``our_stock`` (indexed by asin, ``OUR_STOCK_COLUMNS``; a
    ``supplier`` column names the supplier in the sentence when present).

    ``orders``: ``amazon_demand.expected_orders``. ``notes``: asin -> where a history-based
    forecast came from. Returns a DataFrame indexed by asin: horizon_weeks, level, source,
    amazon_orders, available, need, quantity, shortage_week (first week short, or NaT),
    order_date (date or None), risk (of running short before a receipt ordered today),
    explanation."""
    missing = [c for c in OUR_STOCK_COLUMNS if c not in our_stock.columns]
    if missing:
        raise ValueError(f"our stock lacks columns {', '.join(missing)}")
    notes = notes or {}
    stock = our_stock.copy()
    numbers = list(OUR_STOCK_COLUMNS)
    stock[numbers] = stock[numbers].apply(pd.to_numeric, errors="coerce").fillna(0.0)
    negative = stock.index[stock["lead_days"] < 0]
    if len(negative):
        raise ValueError(f"negative supplier lead time for ASIN {negative[0]}")
    stock["available"] = (
        stock["on_hand"] - stock["reserved_amazon"] - stock["other_demand"] + stock["incoming"]
    )
    stock["horizon_weeks"] = np.maximum(
        1, np.ceil((stock["lead_days"] + review_days) / 7.0)
    ).astype(int)

    weekly = orders[orders["asin"].isin(stock.index)].copy()
    weekly["available"] = weekly["asin"].map(stock["available"])
    weekly["horizon_weeks"] = weekly["asin"].map(stock["horizon_weeks"])
    weekly["short"] = weekly["cumulative"] > weekly["available"] + 1e-9
    last = weekly.groupby("asin").tail(1).set_index("asin")
    within = weekly[weekly["week"] <= weekly["horizon_weeks"]]
    at_horizon = within.groupby("asin").tail(1).set_index("asin")
    shortage = weekly[weekly["short"]].groupby("asin")["week_start"].min()

    out = pd.DataFrame(index=stock.index)
    out["horizon_weeks"] = stock["horizon_weeks"]
    out["level"] = last["level"].reindex(out.index)
    out["source"] = last["source"].reindex(out.index)
    out["amazon_orders"] = at_horizon["cumulative"].reindex(out.index).fillna(0.0)
    out["available"] = stock["available"]
    out["need"] = out["amazon_orders"] - out["available"]
    out["quantity"] = [
        round_quantity(need, lo, mult)
        for need, lo, mult in zip(out["need"], stock["min_qty"], stock["multiple"], strict=True)
    ]
    out["shortage_week"] = shortage.reindex(out.index)
    receipt = at_horizon.reindex(out.index)
    out["risk"] = stock_out_risk(
        out["available"],
        receipt["cumulative_mean"].fillna(0.0),
        receipt["cumulative_sigma"].fillna(0.0),
    )
    # Plain records, not pandas rows: 5,000 ``iterrows`` and ``loc`` took 1.7 s of CPU.
    order_dates, sentences = [], []
    terms = stock.to_dict("index")
    for asin, row in zip(out.index, out.to_dict("records"), strict=True):
        ours = terms[asin]
        order_date = None
        if row["quantity"] > 0:
            order_date = today
            if pd.notna(row["shortage_week"]):
                latest = row["shortage_week"].date() - timedelta(days=int(ours["lead_days"]))
                order_date = max(today, latest)
        order_dates.append(order_date)
        sentences.append(_explain(row, ours, order_date, notes.get(asin)))
    out["order_date"] = order_dates
    out["explanation"] = sentences
    return out


def _explain(row, stock, order_date, note):
    """The sentence a buyer reads beside the suggested quantity (``row`` and ``stock``:
    dicts of the suggestion and of our stock and supplier terms)."""
    if not isinstance(row["level"], str):
        head = "No forecast and no Amazon PO history: Amazon's demand is unknown"
    else:
        head = (
            f"Amazon expected to order {_units(row['amazon_orders'])} in the next "
            f"{row['horizon_weeks']} weeks at {level_label(row['level'])}"
        )
        if row["source"] == SOURCE_HISTORY:
            head += f" (from {note or 'Amazon PO history'})"
    parts = [head, f"{_units(row['available'])} on hand after open orders"]
    if stock["incoming"]:
        parts[-1] += f" (incl. {_units(stock['incoming'])} incoming)"
    supplier = stock.get("supplier")
    lead = f"supplier lead time {stock['lead_days']:.0f} days"
    parts.append(f"{lead} ({supplier})" if supplier and isinstance(supplier, str) else lead)
    if row["quantity"] > 0:
        terms = []
        if stock["min_qty"]:
            terms.append(f"minimum {_units(stock['min_qty'])}")
        if stock["multiple"] and stock["multiple"] > 1:
            terms.append(f"multiple {_units(stock['multiple'])}")
        order = f"order {_units(row['quantity'])}"
        if terms:
            order += f" ({', '.join(terms)})"
        if isinstance(order_date, date):
            order += f" by {order_date.isoformat()}"
        parts.append(order)
    else:
        parts.append("nothing to order")
    return "; ".join(parts) + "."


def projection(orders, available):
    """Per ASIN and week, our projected stock if nothing more is bought (``available`` less
    Amazon's cumulative expected orders), the weeks of cover left, and the risk of running
    short by that week. ``available``: asin -> units after open orders."""
    frame = orders.copy()
    frame["available"] = frame["asin"].map(available).fillna(0.0)
    frame["projected_stock"] = frame["available"] - frame["cumulative"]
    frame["risk"] = stock_out_risk(
        frame["available"], frame["cumulative_mean"], frame["cumulative_sigma"]
    )
    short = frame["projected_stock"] < 0
    first_short = frame["week"].where(short).groupby(frame["asin"]).transform("min")
    horizon = frame.groupby("asin")["week"].transform("max")
    cover = (first_short - 1).fillna(horizon)
    frame["weeks_of_cover"] = np.maximum(0, cover - frame["week"] + 1)
    return frame
