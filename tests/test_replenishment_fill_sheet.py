"""The buyer pack's "can we fill" sheet: verdicts on hand-built cases, and the XLSX it writes."""

import io

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from acorn_vendor.core.replenishment.amazon_demand import expected_orders
from acorn_vendor.core.replenishment.backtest import backtest, product_accuracy
from acorn_vendor.core.replenishment.fill_sheet import backtest_sheet, can_we_fill, fill_sheet
from acorn_vendor.core.replenishment.purchase_need import suggestions

from .test_replenishment_backtest import two_snapshots
from .test_replenishment_formulas import TODAY, forecast


def _ours(rows):
    return pd.DataFrame(
        rows,
        index=pd.Index(["B0A", "B0B", "B0C"], name="asin"),
        columns=["on_hand", "lead_days", "min_qty"],
    ).assign(reserved_amazon=0, other_demand=0, incoming=0, multiple=0)


def test_verdicts_say_who_we_can_fill_and_who_runs_short_before_a_receipt():
    plan = pd.concat([forecast(asin) for asin in ("B0A", "B0B", "B0C")])
    amazon = pd.DataFrame(
        {"sellable_on_hand": 0, "open_po_units": 0, "unfilled_customer_orders": 0, "lead_days": 0},
        index=pd.Index(["B0A", "B0B", "B0C"], name="asin"),
    )
    orders = expected_orders(plan, amazon, "mean")
    # Amazon orders 100 a week: B0A holds 2,000; B0B 250 with a 14-day lead (the receipt
    # comes before week 3's orders: covered if ordered in time); B0C 150, 42 days away.
    ours = _ours([[2000, 14, 0], [250, 14, 0], [150, 42, 100]])
    result = suggestions(orders, ours, TODAY)
    sheet = can_we_fill(orders, result, ours, TODAY, {"B0A": "Skillet"}).set_index("asin")
    assert sheet.loc["B0A", "verdict"] == "yes"
    assert sheet.loc["B0B", "verdict"] == "yes, if ordered by 2026-03-08"
    # By 2026-04-15 Amazon has ordered weeks 1-6 (600) against 150: 450 short.
    assert sheet.loc["B0C", "verdict"] == "short until 2026-04-15"
    assert sheet.loc["B0C", "short_units"] == 450
    assert sheet.index[0] == "B0C"  # the short first

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats = {"bold": book.add_format({"bold": True}), "units": None, "day": None}
    fill_sheet(sheet.reset_index())(book, formats)
    book.close()
    cells = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["Can we fill"]
    assert cells["A1"].value == "ASIN" and cells["N1"].value == "Can we fill?"
    assert cells["A2"].value == "B0C" and cells["N2"].value == "short until 2026-04-15"
    assert cells["K2"].value == 450
    assert cells["L2"].value is None  # no backtest given: no error made up


def test_the_sheets_carry_the_forecasts_error_per_asin_and_by_weeks_ahead():
    # Amazon forecast 100 a week twice; it then ordered 100 and 80 (each one week ahead;
    # 80 also two weeks ahead, from the first snapshot).
    snaps, actual = two_snapshots(2, 1, [100, 80])
    accuracy = backtest(snaps, actual)
    one = product_accuracy(accuracy, 1).loc["B0A"]
    assert one["mape"] == pytest.approx((0 + 20 / 80) / 2) and one["bias"] == pytest.approx(
        20 / 180
    )
    two = product_accuracy(accuracy, 2).loc["B0A"]  # adds week 01-11 seen two weeks ahead
    assert two["mape"] == pytest.approx((0 + 20 / 80 + 20 / 80) / 3)

    plan = forecast("B0A")
    orders = expected_orders(plan, None, "mean")
    ours = _ours([[150, 0, 0], [0, 0, 0], [0, 0, 0]]).loc[["B0A"]]
    result = suggestions(orders, ours, TODAY)  # horizon 1 week (0 days lead + review)
    row = can_we_fill(orders, result, ours, TODAY, accuracy=accuracy).iloc[0]
    assert row["forecast_mape"] == pytest.approx(one["mape"])
    assert row["forecast_bias"] == pytest.approx(one["bias"])

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats = {"bold": None, "rate": book.add_format({"num_format": "0.0%"})}
    backtest_sheet(accuracy)(book, formats)
    book.close()
    cells = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["Forecast backtest"]
    assert [cells["A1"].value, cells["B1"].value, cells["C1"].value] == [
        "Weeks ahead",
        "Weeks compared",
        "MAPE mean",
    ]
    assert cells["A2"].value == 1 and cells["B2"].value == 2
    assert cells["C2"].value == pytest.approx(0.125)
    assert cells["C2"].number_format == "0.0%"
