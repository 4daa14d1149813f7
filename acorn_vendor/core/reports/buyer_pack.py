"""The buyer meeting pack: one XLSX workbook per account and period, pure (xlsxwriter).

Sheets, in order: *Summary* (the period's totals), *Sales* (per Amazon
week: shipped units, revenue, COGS, returns, with a chart), *Traffic* (glance views per week,
with a chart), *Inventory health* (per ASIN at the period's end: sellable, unsellable, aged
90+, unhealthy, open PO units, sell-through), *KPIs* (Acorn's and Amazon's figure side by
side with the reason for a difference: the core's ``kpi.compare`` frame), *Top movers*
(ASINs whose shipped units grew or fell most against the previous period of the same
length), then whatever ``extra_sheets`` adds.

**Hook for other sheets** (e.g. replenishment's "can we fill"): ``extra_sheets`` is an
iterable whose items are either ``(title, DataFrame)``, written as a plain table with bold
headers, or a callable ``sheet(book, formats)`` that adds its own worksheet (charts and
all) to the xlsxwriter ``Workbook``; ``formats`` holds the pack's ``bold``, ``money``,
``rate``, ``day`` and ``units`` formats. Missing values stay empty cells, never 0.
"""

import io
import math
from datetime import date, datetime

import pandas as pd
import xlsxwriter

SALES_COLUMNS = {
    "week_start": "Amazon week (Sunday)",
    "shipped_units": "Shipped units",
    "shipped_revenue": "Shipped revenue",
    "shipped_cogs": "Shipped COGS",
    "customer_returns": "Customer returns",
}
TRAFFIC_COLUMNS = {"week_start": "Amazon week (Sunday)", "glance_views": "Glance views"}
INVENTORY_COLUMNS = {
    "asin": "ASIN",
    "product": "Product",
    "sellable_on_hand_inventory_units": "Sellable on hand",
    "unsellable_on_hand_inventory_units": "Unsellable on hand",
    "aged90_plus_days_sellable_inventory_units": "Aged 90+ days",
    "unhealthy_inventory_units": "Unhealthy",
    "open_purchase_order_units": "Open PO units",
    "sell_through_rate": "Sell-through",
}
KPI_COLUMNS = {
    "period_start": "Period",
    "kpi": "KPI",
    "acorn": "Acorn",
    "amazon": "Amazon",
    "difference": "Difference",
    "reason": "Why they differ",
}
MOVER_COLUMNS = {
    "asin": "ASIN",
    "product": "Product",
    "units": "Shipped units",
    "previous_units": "Previous period",
    "change": "Change",
}


def top_movers(sales, start, end, top=10):
    """ASINs by change of shipped units between [start, end] and the period of the same
    length just before: the ``top`` risers then the ``top`` fallers (``sales``: per-ASIN rows
    with ``period_start``, ``asin``, ``shipped_units`` and optionally ``product``)."""
    if sales is None or sales.empty:
        return pd.DataFrame(columns=list(MOVER_COLUMNS))
    days = pd.to_datetime(sales["period_start"])
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    before = start - (end - start) - pd.Timedelta(days=1)
    keys = ["asin", "product"] if "product" in sales.columns else ["asin"]

    def units(mask):
        return sales[mask].groupby(keys, dropna=False)["shipped_units"].sum(min_count=1)

    both = pd.concat(
        [units((days >= start) & (days <= end)), units((days >= before) & (days < start))],
        axis=1,
        keys=["units", "previous_units"],
    ).reset_index()
    both["change"] = both["units"].fillna(0) - both["previous_units"].fillna(0)
    both = both.sort_values(["change", "asin"], ascending=[False, True], kind="stable")
    risers = both[both["change"] > 0].head(top)
    fallers = both[both["change"] < 0].tail(top).iloc[::-1]
    out = pd.concat([risers, fallers], ignore_index=True)
    if "product" not in out.columns:
        out["product"] = None
    return out[list(MOVER_COLUMNS)]


def _cell(value):
    """A value xlsxwriter writes as it is; missing -> None (an empty cell, never 0)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def write_table(sheet, frame, columns, formats, first_row=0):
    """``frame``'s ``columns`` (name -> header) as a table from ``first_row``; returns the
    number of data rows. Columns the frame lacks stay empty."""
    for c, header in enumerate(columns.values()):
        sheet.write(first_row, c, header, formats["bold"])
        sheet.set_column(c, c, max(12, len(header) + 2))
    frame = frame if frame is not None else pd.DataFrame()
    for r, values in enumerate(frame.to_dict("records"), first_row + 1):
        for c, name in enumerate(columns):
            value = _cell(values.get(name))
            if value is None:
                sheet.write_blank(r, c, None)
            elif isinstance(value, datetime):
                sheet.write_datetime(r, c, value, formats["day"])
            else:
                sheet.write(r, c, value, _format_for(name, formats))
    return len(frame)


def _format_for(name, formats):
    name = name.lower()
    if name.startswith("share"):
        return formats["rate"]
    if "rate" in name or name in ("acorn", "amazon", "difference"):
        return formats["number"]
    if any(word in name for word in ("revenue", "cogs", "cost", "amount", "disputed")):
        return formats["money"]
    return None


def _line_chart(book, sheet_name, rows, series, title):
    chart = book.add_chart({"type": "line"})
    for column, name in series:
        chart.add_series(
            {
                "name": name,
                "categories": [sheet_name, 1, 0, rows, 0],
                "values": [sheet_name, 1, column, rows, column],
            }
        )
    chart.set_title({"name": title})
    chart.set_x_axis({"date_axis": True, "num_format": "yyyy-mm-dd"})
    return chart


def build_buyer_pack(
    account,
    start,
    end,
    sales=None,
    traffic=None,
    inventory=None,
    kpis=None,
    movers=None,
    extra_sheets=(),
):
    """The pack as XLSX bytes. ``sales``/``traffic``: per-week frames (``SALES_COLUMNS``,
    ``TRAFFIC_COLUMNS``); ``inventory``: per ASIN (``INVENTORY_COLUMNS``); ``kpis``: the
    core's ``compare`` frame; ``movers``: ``top_movers``; ``extra_sheets``: see the module
    docstring."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    formats = {
        "bold": book.add_format({"bold": True}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "money": book.add_format({"num_format": "#,##0.00"}),
        "number": book.add_format({"num_format": "0.000"}),
        "rate": book.add_format({"num_format": "0.0%"}),
        "units": book.add_format({"num_format": "#,##0"}),
        "day": book.add_format({"num_format": "yyyy-mm-dd"}),
    }
    summary = book.add_worksheet("Summary")
    summary.write(0, 0, f"Buyer meeting pack: {account}", formats["title"])
    summary.write(1, 0, "Period", formats["bold"])
    summary.write(1, 1, f"{start} – {end}")
    summary.set_column(0, 0, 26)
    summary.set_column(1, 1, 24)
    totals = [
        (header, sales[name].sum(min_count=1) if sales is not None and name in sales else None)
        for name, header in SALES_COLUMNS.items()
        if name != "week_start"
    ]
    totals.append(
        (
            "Glance views",
            traffic["glance_views"].sum(min_count=1) if traffic is not None else None,
        )
    )
    for r, (label, value) in enumerate(totals, 3):
        summary.write(r, 0, label, formats["bold"])
        value = _cell(value)
        if value is None:
            summary.write_blank(r, 1, None)
        else:
            summary.write(r, 1, value)

    for title, frame, columns, chart in (
        ("Sales", sales, SALES_COLUMNS, [(1, "Shipped units"), (4, "Customer returns")]),
        ("Traffic", traffic, TRAFFIC_COLUMNS, [(1, "Glance views")]),
        ("Inventory health", inventory, INVENTORY_COLUMNS, None),
        ("KPIs", kpis, KPI_COLUMNS, None),
        ("Top movers", movers, MOVER_COLUMNS, None),
    ):
        sheet = book.add_worksheet(title)
        rows = write_table(sheet, frame, columns, formats)
        if chart and rows:
            sheet.insert_chart(1, len(columns) + 1, _line_chart(book, title, rows, chart, title))
    for extra in extra_sheets:
        if callable(extra):
            extra(book, formats)
        else:
            title, frame = extra
            sheet = book.add_worksheet(title)
            write_table(sheet, frame, {c: c for c in frame.columns}, formats)
    book.close()
    return out.getvalue()
