"""The buyer meeting pack: one workbook per account and period, read back with openpyxl."""

import io
from datetime import date, datetime

import openpyxl
import pandas as pd

from acorn_vendor.core.reports.buyer_pack import build_buyer_pack, top_movers


def daily_sales():
    rows = []
    for day in pd.date_range("2026-02-01", "2026-02-28"):
        early = day < pd.Timestamp("2026-02-15")
        rows += [
            {
                "period_start": day,
                "asin": "B0RISE0001",
                "product": "Riser",
                "shipped_units": 1 if early else 5,
            },
            {
                "period_start": day,
                "asin": "B0FALL0001",
                "product": "Faller",
                "shipped_units": 9 if early else 2,
            },
            {"period_start": day, "asin": "B0FLAT0001", "product": "Flat", "shipped_units": 3},
        ]
    return pd.DataFrame(rows)


def test_top_movers_compare_with_the_period_just_before():
    movers = top_movers(daily_sales(), date(2026, 2, 15), date(2026, 2, 28), top=5)
    assert list(movers["asin"]) == ["B0RISE0001", "B0FALL0001"]  # the flat one did not move
    assert list(movers["change"]) == [14 * 4, -14 * 7]
    assert list(movers["previous_units"]) == [14, 14 * 9]


def pack(**extra):
    sales = pd.DataFrame(
        {
            "week_start": [date(2026, 2, 15), date(2026, 2, 22)],
            "shipped_units": [70, 80],
            "shipped_revenue": [700.0, 800.5],
            "shipped_cogs": [420.0, None],  # not sent by Amazon: an empty cell, not 0
            "customer_returns": [1, 2],
        }
    )
    traffic = pd.DataFrame({"week_start": [date(2026, 2, 15)], "glance_views": [1234]})
    inventory = pd.DataFrame(
        {
            "asin": ["B0RISE0001"],
            "product": ["Riser"],
            "sellable_on_hand_inventory_units": [40],
            "unhealthy_inventory_units": [None],
            "sell_through_rate": [0.25],
        }
    )
    kpis = pd.DataFrame(
        {
            "period_start": [pd.Timestamp("2026-02-15")],
            "kpi": ["confirmation_rate"],
            "acorn": [0.8],
            "amazon": [0.875],
            "difference": [-0.075],
            "reason": ["Amazon counts procurable ASINs only"],
        }
    )
    movers = top_movers(daily_sales(), date(2026, 2, 15), date(2026, 2, 28))
    raw = build_buyer_pack(
        "Acorn US",
        date(2026, 2, 15),
        date(2026, 2, 28),
        sales,
        traffic,
        inventory,
        kpis,
        movers,
        **extra,
    )
    return openpyxl.load_workbook(io.BytesIO(raw))


def values(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_pack_has_every_sheet_with_the_figures_and_keeps_missing_values_empty():
    book = pack()
    assert book.sheetnames == [
        "Summary",
        "Sales",
        "Traffic",
        "Inventory health",
        "KPIs",
        "Top movers",
    ]
    sales = values(book["Sales"])
    assert sales[0][:5] == [
        "Amazon week (Sunday)",
        "Shipped units",
        "Shipped revenue",
        "Shipped COGS",
        "Customer returns",
    ]
    assert sales[1][:5] == [datetime(2026, 2, 15), 70, 700.0, 420.0, 1]
    assert sales[2][3] is None, "a missing COGS stays empty"
    assert book["Sales"]._charts, "the sales trend has a chart"
    summary = {row[0]: row[1] for row in values(book["Summary"]) if row[0]}
    assert summary["Shipped units"] == 150 and summary["Glance views"] == 1234
    assert summary["Shipped COGS"] == 420.0
    kpis = values(book["KPIs"])
    assert kpis[1][1:6] == [
        "confirmation_rate",
        0.8,
        0.875,
        -0.075,
        "Amazon counts procurable ASINs only",
    ]
    inventory = values(book["Inventory health"])
    assert inventory[1][0] == "B0RISE0001" and inventory[1][5] is None and inventory[1][7] == 0.25
    assert [row[0] for row in values(book["Top movers"])[1:]] == ["B0RISE0001", "B0FALL0001"]


def test_other_work_adds_sheets_through_the_hook():
    fill = pd.DataFrame({"ASIN": ["B0RISE0001"], "Can we fill": ["yes"]})

    def chart_sheet(book, formats):
        sheet = book.add_worksheet("Custom")
        sheet.write(0, 0, "made by a callable", formats["bold"])

    book = pack(extra_sheets=[("Can we fill", fill), chart_sheet])
    assert book.sheetnames[-2:] == ["Can we fill", "Custom"]
    assert values(book["Can we fill"]) == [["ASIN", "Can we fill"], ["B0RISE0001", "yes"]]
    assert book["Custom"]["A1"].value == "made by a callable"
