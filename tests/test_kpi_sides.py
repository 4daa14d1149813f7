"""The comparison screen's rows on hand-built cases, each figure worked out in the comments."""

from datetime import date

import pandas as pd
import pytest

from acorn_vendor.core.reports import kpi, kpi_sides
from acorn_vendor.core.reports.periods import period_start

T = pd.Timestamp


def row(frame, kpi_name, **groups):
    rows = frame[frame["kpi"] == kpi_name]
    for column, wanted in groups.items():
        rows = rows[rows[column] == wanted]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_periods_are_whole_amazon_weeks_and_months():
    # A comparison from Wednesday 18 Feb starts with the week of Sunday 15 Feb, or February.
    assert period_start(date(2026, 2, 18), "WEEK") == date(2026, 2, 15)
    assert period_start(date(2026, 2, 18), "MONTH") == date(2026, 2, 1)
    ends = kpi_sides.period_end(pd.Series([T("2026-02-01")]), "month")
    assert list(ends) == [T("2026-02-28")]


def test_groups_come_from_the_asin_and_a_missing_brand_is_a_group_of_its_own():
    frame = pd.DataFrame({"asin": ["A", "B", None]})
    out = kpi_sides.with_groups(frame, {"account": 7}, brand_of={"A": "Oak"}, code_of={"B": "V1"})
    assert list(out["brand"]) == ["Oak", "", ""]
    assert list(out["vendor_code"]) == ["", "V1", ""]
    assert list(out["account"]) == [7, 7, 7]
    kept = kpi_sides.with_groups(frame.assign(vendor_code="PO1"), {}, code_of={"B": "V1"})
    assert list(kept["vendor_code"]) == ["PO1"] * 3, "the PO's own vendor code wins"


def test_a_pos_asns_are_judged_together_per_grouping():
    rows = pd.DataFrame(
        {
            "po_number": ["P1", "P1", "P2"],
            "brand": ["Oak", "Oak", "Elm"],
            "asn_sent_at": [T("2026-02-20"), T("2026-02-23"), T("2026-02-20")],
            "arrived_at": [T("2026-02-24"), T("2026-02-22"), T("2026-02-21")],
            "asn_units": [10, 5, 4],
            "received_units": [10, 4, 4],
        }
    )
    whole = kpi_sides.per_shipment(rows, [])
    assert list(whole["asn_units"]) == [15, 4]
    out = kpi.acorn_kpis(
        pd.DataFrame(columns=["po_date", "accepted_qty", "ordered_qty", "received_qty",
                              "last_receive_date"]),
        shipments=whole,
    )  # fmt: skip
    # P1: last ASN 23 Feb, last receipt 24 Feb: timely; 15 sent, 14 received: not accurate.
    # P2: sent 20 Feb, received 21 Feb, 4 = 4. Week of 22 Feb holds P1 only, 15 Feb P2 only.
    assert row(out, "asn_timeliness", period_start=T("2026-02-22"))["value"] == 1.0
    assert row(out, "asn_accuracy", period_start=T("2026-02-22"))["value"] == 0.0
    assert row(out, "asn_accuracy", period_start=T("2026-02-15"))["value"] == 1.0
    assert len(kpi_sides.per_shipment(rows, ["brand"])) == 2
    assert kpi_sides.per_shipment(rows.iloc[0:0], []) is None


def test_an_invoice_passes_first_time_only_if_every_line_did():
    rows = pd.DataFrame(
        {
            "invoice_id": [1, 1, 2],
            "submitted_at": [T("2026-02-16"), T("2026-02-16"), T("2026-02-17")],
            "accepted_first_time": [True, True, False],
        }
    )
    out = kpi_sides.per_invoice(rows, [])
    assert list(out["accepted_first_time"]) == [True, False]


def test_deductions_share_of_invoiced_value_and_defect_units_by_kind():
    invoiced = pd.DataFrame(
        {"invoice_date": [T("2026-02-16"), T("2026-02-18")], "amount": [600.0, 400.0]}
    )
    deductions = pd.DataFrame(
        {
            "date": [T("2026-02-17"), T("2026-02-19"), T("2026-02-20"), T("2026-02-20")],
            "kind": ["shortage_claim", "shortage_claim_reversal", "chargeback", "coop"],
            "amount": [-50.0, 10.0, -20.0, -40.0],
            "units": [5, 0, 2, 0],
        }
    )
    out = kpi_sides.finance_kpis(invoiced, deductions, freq="week")
    # (50 - 10 + 20 + 40) / (600 + 400): a reversal gives back what a claim took
    assert row(out, "deduction_share")["value"] == pytest.approx(0.1)
    assert row(out, "shortage_units")["value"] == 5
    assert row(out, "chargeback_units")["value"] == 2
    only_taken = kpi_sides.finance_kpis(invoiced.iloc[0:0], deductions)
    assert "deduction_share" not in set(only_taken["kpi"])


def amazon_frames():
    sales = pd.DataFrame(
        {
            "period_start": [T("2026-02-16")],
            "period_end": [T("2026-02-16")],
            "asin": ["A"],
            "shippedUnits": [100],
            "customerReturns": [4],
        }
    )
    inventory = pd.DataFrame(
        {
            "period_start": [T("2026-02-16")],
            "period_end": [T("2026-02-16")],
            "asin": ["A"],
            "vendorConfirmationRate": [0.75],
            "netReceivedInventoryUnits": [8],
            "unsellableOnHandInventoryUnits": [6],
        }
    )
    return [sales, inventory]


def test_screen_rows_put_both_sides_the_defect_parts_and_a_reason_side_by_side():
    lines = pd.DataFrame(
        {
            "po_number": ["P1"],
            "asin": ["A"],
            "po_date": [T("2026-02-16")],
            "ordered_qty": [10],
            "accepted_qty": [8.0],
            "received_qty": [8],
            "last_receive_date": [T("2026-02-20")],
        }
    )
    deductions = pd.DataFrame(
        {"date": [T("2026-02-17")], "kind": ["chargeback"], "amount": [-5.0], "units": [5],
         "asin": ["A"]}
    )  # fmt: skip
    acorn = pd.concat(
        [kpi.acorn_kpis(lines, by=["asin"]), kpi_sides.finance_kpis(None, deductions, ["asin"])]
    )
    amazon = kpi.amazon_kpis(amazon_frames(), by=["asin"])
    defects = kpi_sides.defect_rows(amazon, acorn, by=["asin"])
    out = kpi_sides.side_by_side(acorn, amazon, by=["asin"], freq="week", defects=defects)
    conf = row(out, "confirmation_rate")
    # 8 / 10 against Amazon's 75 %: the reason is stated, the labels and unit are there
    assert conf["acorn"] == pytest.approx(0.8) and conf["amazon"] == pytest.approx(0.75)
    assert "procurable" in conf["reason"] and conf["unit"] == "rate"
    assert conf["acorn_note"].startswith("accepted / ordered")
    assert conf["period_end"] == T("2026-02-21")
    # (4 returns + 6 unsellable + 0 shortages + 5 chargebacks) / 100 shipped
    assert row(out, "defect_rate")["acorn"] == pytest.approx(0.15)
    assert row(out, "defect_chargebacks")["acorn"] == pytest.approx(0.05)
    assert row(out, "defect_unsellable_on_hand")["acorn"] == pytest.approx(0.06)
    assert "no vendor defect metric" in row(out, "defect_rate")["reason"]
    # return rate stays apart: Amazon's customer returns / shipped units
    assert row(out, "return_rate")["amazon"] == pytest.approx(0.04)
    assert row(out, "shipped_units")["reason"] == "only Amazon reports this"
    order = list(out["kpi"])
    assert (
        order.index("confirmation_rate")
        < order.index("defect_rate")
        < order.index("defect_shortages")
    )


def test_figures_show_in_their_unit():
    assert kpi_sides.display(0.8125, "rate") == "81.2 %"
    assert kpi_sides.display(-0.05, "rate", signed=True) == "-5.0 pts"
    assert kpi_sides.display(12.34, "days") == "12.3 days"
    assert kpi_sides.display(1234.5, "money", "USD") == "1,234.50 USD"
    assert kpi_sides.display(3, "units", signed=True) == "+3"
    assert kpi_sides.display(float("nan"), "units") == ""
    assert kpi_sides.display(-0.004, "days", signed=True) == "0.0 days"
    assert kpi_sides.display(0.00001, "rate", signed=True) == "0.0 pts"


def test_a_difference_within_amazons_rounding_needs_no_reason():
    keys = {"period_start": [T("2026-02-15")], "kpi": ["confirmation_rate"]}
    acorn = pd.DataFrame({**keys, "value": [2 / 3], "note": ["mine"]})
    amazon = pd.DataFrame({**keys, "value": [0.6667], "note": ["Amazon's"]})
    out = kpi_sides.side_by_side(acorn, amazon)
    assert out["reason"].iloc[0] == ""  # Amazon sent 4 decimals
    out = kpi_sides.side_by_side(acorn, amazon.assign(value=[0.6665]))
    assert "procurable" in out["reason"].iloc[0]


def test_a_po_still_on_its_way_is_not_unfilled_or_late():
    lines = pd.DataFrame(
        {
            "po_number": ["P1", "P2"],
            "asin": ["A", "A"],
            "po_date": [T("2026-02-16"), T("2026-02-17")],
            "ordered_qty": [10, 10],
            "accepted_qty": [10.0, 10.0],
            "received_qty": [10, 0],
            "last_receive_date": [T("2026-02-20"), None],
            "delivery_window_start": [T("2026-02-19"), T("2026-02-25")],
            "delivery_window_end": [T("2026-02-21"), T("2026-02-27")],
        }
    )
    # On 22 Feb P2's window is still open: only P1 is judged, received in full on time.
    early = kpi.acorn_kpis(lines, as_of=T("2026-02-22"))
    assert row(early, "fill_rate")["value"] == 1.0
    assert row(early, "otif")["value"] == 1.0
    assert row(early, "confirmation_rate")["value"] == 1.0, "confirmation counts both"
    # After 27 Feb P2 is due and nothing came: half filled.
    late = kpi.acorn_kpis(lines, as_of=T("2026-03-01"))
    assert row(late, "fill_rate")["value"] == 0.5
    assert row(late, "on_time_rate")["value"] == 0.5
