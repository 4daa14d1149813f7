"""The buyer meeting's "can we fill" sheet: Amazon's expected orders against our capacity.

Per ASIN: what Amazon is expected to order over the supplier's horizon, what we hold after
open orders, the supplier's lead time and minimum, and a verdict:

- *yes*: our stock covers Amazon's expected orders over the horizon;
- *yes, if ordered by <date>*: a purchase placed by then arrives before we run short;
- *short until <date>*: Amazon is expected to order more than we hold before a purchase
  placed today can arrive; the sheet says by how many units.

Beside each ASIN, how wrong Amazon's mean forecast has been over that horizon (MAPE and
bias from the backtest), so the buyer reads the verdict with its uncertainty; and a second
sheet, the backtest in total by weeks ahead (``backtest_sheet``).

``fill_sheet`` and ``backtest_sheet`` return writers for the buyer pack's ``extra_sheets``
hook (``core/reports/buyer_pack.py``: a callable ``sheet(book, formats)``).
"""

from datetime import timedelta

import pandas as pd

from .backtest import horizon_table, product_accuracy

COLUMNS = {
    "asin": "ASIN",
    "product": "Product",
    "level": "Service level",
    "amazon_orders": "Amazon expected (horizon)",
    "horizon_weeks": "Horizon (weeks)",
    "available": "Ours after open orders",
    "lead_days": "Supplier lead time (days)",
    "min_qty": "Supplier minimum",
    "quantity": "To order",
    "receipt_date": "Earliest receipt",
    "short_units": "Short before receipt",
    "forecast_mape": "Forecast MAPE (horizon)",
    "forecast_bias": "Forecast bias (horizon)",
    "verdict": "Can we fill?",
}
RATES = ("forecast_mape", "forecast_bias")


def can_we_fill(orders, suggestions, our_stock, today, products=None, accuracy=None):
    """One row per ASIN of ``suggestions`` (``purchase_need.suggestions``), with ``orders``
    (``amazon_demand.expected_orders``) for the units Amazon orders before a receipt and
    ``our_stock`` for the supplier's lead time and minimum; ``products``: asin -> name;
    ``accuracy``: a ``backtest.Backtest`` (its MAPE and bias over each ASIN's horizon)."""
    rows = []
    errors = {}
    if accuracy is not None:
        for weeks in set(suggestions["horizon_weeks"]):
            errors[int(weeks)] = product_accuracy(accuracy, int(weeks))
    for asin, row in suggestions.iterrows():
        lead = float(our_stock.at[asin, "lead_days"])
        receipt = today + timedelta(days=int(lead))
        weeks = orders[(orders["asin"] == asin) & (orders["week_start"] <= pd.Timestamp(receipt))]
        before = float(weeks["cumulative"].iloc[-1]) if len(weeks) else 0.0
        short = max(0.0, before - row["available"])
        if short > 0:
            verdict = f"short until {receipt.isoformat()}"
        elif row["quantity"] > 0 and row["order_date"] is not None:
            verdict = f"yes, if ordered by {row['order_date'].isoformat()}"
        else:
            verdict = "yes"
        rows.append(
            {
                "asin": asin,
                "product": (products or {}).get(asin, ""),
                "level": str(row["level"]).upper() if isinstance(row["level"], str) else "",
                "amazon_orders": round(float(row["amazon_orders"])),
                "horizon_weeks": int(row["horizon_weeks"]),
                "available": round(float(row["available"])),
                "lead_days": lead,
                "min_qty": float(our_stock.at[asin, "min_qty"]),
                "quantity": float(row["quantity"]),
                "receipt_date": receipt,
                "short_units": round(short),
                "forecast_mape": _error(errors, row["horizon_weeks"], asin, "mape"),
                "forecast_bias": _error(errors, row["horizon_weeks"], asin, "bias"),
                "verdict": verdict,
            }
        )
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    order = frame["short_units"].rank(ascending=False, method="first")
    return frame.assign(_order=order).sort_values(["_order", "asin"]).drop(columns="_order")


def _error(errors, weeks, asin, measure):
    table = errors.get(int(weeks))
    if table is None or asin not in table.index or pd.isna(table.at[asin, measure]):
        return None
    return float(table.at[asin, measure])


def fill_sheet(frame, title="Can we fill"):
    """A writer for the buyer pack's hook: the table, short ASINs first, in red."""

    def sheet(book, formats):
        sheet = book.add_worksheet(title[:31])
        bold = formats.get("bold")
        units = formats.get("units")
        day = formats.get("day")
        rate = formats.get("rate")
        short = book.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
        for col, label in enumerate(COLUMNS.values()):
            sheet.write(0, col, label, bold)
        for line, record in enumerate(frame.to_dict("records"), start=1):
            for col, key in enumerate(COLUMNS):
                value = record[key]
                if key == "receipt_date":
                    sheet.write_datetime(line, col, pd.Timestamp(value).to_pydatetime(), day)
                elif key in RATES:
                    if value is None or pd.isna(value):
                        sheet.write_blank(line, col, None)
                    else:
                        sheet.write_number(line, col, value, rate)
                elif isinstance(value, (int, float)):
                    sheet.write_number(line, col, value, units)
                else:
                    sheet.write(line, col, value)
            if record["short_units"] > 0:
                sheet.write(line, len(COLUMNS) - 1, record["verdict"], short)
        sheet.set_column(0, 0, 13)
        sheet.set_column(1, 1, 34)
        sheet.set_column(2, len(COLUMNS) - 2, 14)
        sheet.set_column(len(COLUMNS) - 1, len(COLUMNS) - 1, 28)
        sheet.freeze_panes(1, 2)
        return sheet

    return sheet


def backtest_sheet(accuracy, title="Forecast backtest"):
    """A writer for the buyer pack's hook: Amazon's forecast against its POs in total, one
    row per weeks ahead, MAPE, bias and coverage of each quantile (evidence for the level)."""
    table = horizon_table(accuracy)

    def sheet(book, formats):
        sheet = book.add_worksheet(title[:31])
        for col, label in enumerate(table.columns):
            sheet.write(0, col, label, formats.get("bold"))
        for line, values in enumerate(table.itertuples(index=False), start=1):
            for col, value in enumerate(values):
                if pd.isna(value):
                    sheet.write_blank(line, col, None)
                else:
                    sheet.write_number(
                        line, col, float(value), formats.get("rate") if col > 1 else None
                    )
        sheet.set_column(0, len(table.columns) - 1, 14)
        sheet.freeze_panes(1, 1)
        return sheet

    return sheet
