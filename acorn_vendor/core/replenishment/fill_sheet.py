"""The buyer meeting's "can we fill" sheet: Amazon's expected orders against our capacity.

Per ASIN: what Amazon is expected to order over the supplier's horizon, what we hold after
open orders, the supplier's lead time and minimum, and a verdict:

- *yes*: our stock covers Amazon's expected orders over the horizon;
- *yes, if ordered by <date>*: a purchase placed by then arrives before we run short;
- *short until <date>*: Amazon is expected to order more than we hold before a purchase
  placed today can arrive; the sheet says by how many units.

``fill_sheet`` returns a writer for the buyer pack's ``extra_sheets`` hook
(``core/reports/buyer_pack.py``: a callable ``sheet(book, formats)``).
"""

from datetime import timedelta

import pandas as pd

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
    "verdict": "Can we fill?",
}


def can_we_fill(orders, suggestions, our_stock, today, products=None):
    """One row per ASIN of ``suggestions`` (``purchase_need.suggestions``), with ``orders``
    (``amazon_demand.expected_orders``) for the units Amazon orders before a receipt and
    ``our_stock`` for the supplier's lead time and minimum; ``products``: asin -> name."""
    rows = []
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
                "verdict": verdict,
            }
        )
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    order = frame["short_units"].rank(ascending=False, method="first")
    return frame.assign(_order=order).sort_values(["_order", "asin"]).drop(columns="_order")


def fill_sheet(frame, title="Can we fill"):
    """A writer for the buyer pack's hook: the table, short ASINs first, in red."""

    def sheet(book, formats):
        sheet = book.add_worksheet(title[:31])
        bold = formats.get("bold")
        units = formats.get("units")
        day = formats.get("day")
        short = book.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
        for col, label in enumerate(COLUMNS.values()):
            sheet.write(0, col, label, bold)
        for line, record in enumerate(frame.to_dict("records"), start=1):
            for col, key in enumerate(COLUMNS):
                value = record[key]
                if key == "receipt_date":
                    sheet.write_datetime(line, col, pd.Timestamp(value).to_pydatetime(), day)
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
