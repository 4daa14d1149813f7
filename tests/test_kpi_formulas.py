"""KPI formulas on hand-built cases, each figure worked out by hand in the comments."""

import pandas as pd
import pytest

from acorn_vendor.core.reports import kpi

T = pd.Timestamp


def lines():
    return pd.DataFrame(
        [
            # PO1, Monday 16 Feb (Amazon week of Sunday 15 Feb), prepaid, window 20-25 Feb.
            dict(po_number="PO1", asin="A", po_date=T("2026-02-16"), ordered_qty=10,
                 accepted_qty=8, received_qty=8, last_receive_date=T("2026-02-24"),
                 delivery_window_start=T("2026-02-20"), delivery_window_end=T("2026-02-25"),
                 freight="prepaid"),
            dict(po_number="PO1", asin="B", po_date=T("2026-02-16"), ordered_qty=10,
                 accepted_qty=10, received_qty=7, last_receive_date=T("2026-02-27"),
                 delivery_window_start=T("2026-02-20"), delivery_window_end=T("2026-02-25"),
                 freight="prepaid"),
            # PO2 not acknowledged yet: out of confirmation, fill, on-time.
            dict(po_number="PO2", asin="A", po_date=T("2026-02-17"), ordered_qty=5,
                 accepted_qty=None, received_qty=0, last_receive_date=None,
                 delivery_window_start=T("2026-02-22"), delivery_window_end=T("2026-02-26"),
                 freight="prepaid"),
            # PO3, week of 1 March, collect: shipped inside the ship window, nothing received.
            dict(po_number="PO3", asin="A", po_date=T("2026-03-02"), ordered_qty=20,
                 accepted_qty=20, received_qty=0, last_receive_date=None,
                 delivery_window_start=T("2026-03-08"), delivery_window_end=T("2026-03-12"),
                 ship_window_start=T("2026-03-04"), ship_window_end=T("2026-03-08"),
                 shipped_at=T("2026-03-05"), freight="collect"),
        ]
    )  # fmt: skip


def value(frame, kpi_name, period, **groups):
    rows = frame[(frame["kpi"] == kpi_name) & (frame["period_start"] == T(period))]
    for column, wanted in groups.items():
        rows = rows[rows[column] == wanted]
    assert len(rows) == 1, rows
    return rows.iloc[0]["value"]


def test_acorn_purchase_order_kpis_by_amazon_week():
    out = kpi.acorn_kpis(lines(), freq="week")
    # accepted / ordered of acknowledged lines: (8 + 10) / (10 + 10)
    assert value(out, "confirmation_rate", "2026-02-15") == pytest.approx(0.9)
    assert value(out, "confirmation_rate", "2026-03-01") == pytest.approx(1.0)
    # received / accepted: (8 + 7) / 18
    assert value(out, "fill_rate", "2026-02-15") == pytest.approx(15 / 18)
    assert value(out, "fill_rate", "2026-03-01") == pytest.approx(0.0)
    # on time: line A arrived 24 Feb inside 20-25 Feb, line B 27 Feb too late: 8 / 18
    assert value(out, "on_time_rate", "2026-02-15") == pytest.approx(8 / 18)
    assert value(out, "otif", "2026-02-15") == pytest.approx(8 / 18)
    # PO3 shipped in its window (collect) but nothing received: on time, not in full
    assert value(out, "on_time_rate", "2026-03-01") == pytest.approx(1.0)
    assert value(out, "otif", "2026-03-01") == pytest.approx(0.0)
    # received in the week of 22 Feb: 8 + 7; lead time (8 × 8 days + 7 × 11 days) / 15
    assert value(out, "net_received_units", "2026-02-22") == 15
    assert value(out, "lead_time_days", "2026-02-22") == pytest.approx((64 + 77) / 15)


def test_acorn_kpis_per_product_and_per_month():
    per_asin = kpi.acorn_kpis(lines(), by=["asin"], freq="week")
    assert value(per_asin, "confirmation_rate", "2026-02-15", asin="A") == pytest.approx(0.8)
    assert value(per_asin, "fill_rate", "2026-02-15", asin="B") == pytest.approx(0.7)
    monthly = kpi.acorn_kpis(lines(), freq="month")
    assert value(monthly, "confirmation_rate", "2026-02-01") == pytest.approx(0.9)
    assert value(monthly, "lead_time_days", "2026-02-01") == pytest.approx(141 / 15)
    with pytest.raises(ValueError, match="brand"):
        kpi.acorn_kpis(lines(), by=["brand"])


def test_asn_invoice_and_return_kpis():
    shipments = pd.DataFrame(
        {
            "shipment_id": ["S1", "S2", "S3"],
            "asn_sent_at": [T("2026-02-20"), T("2026-02-25"), T("2026-03-01")],
            "arrived_at": [T("2026-02-24"), T("2026-02-24"), None],  # S3 not arrived: not judged
            "asn_units": [18, 10, 5],
            "received_units": [15, 10, 0],
        }
    )
    invoices = pd.DataFrame(
        {
            "invoice_id": ["I1", "I2", "I3"],
            "submitted_at": [T("2026-02-25"), T("2026-02-26"), T("2026-02-26")],
            "accepted_first_time": [True, False, True],
        }
    )
    returns = pd.DataFrame({"return_date": [T("2026-02-25")], "returned_units": [3]})
    out = kpi.acorn_kpis(lines(), shipments=shipments, invoices=invoices, returns=returns)
    assert value(out, "asn_timeliness", "2026-02-22") == pytest.approx(0.5)  # S2 sent late
    assert value(out, "asn_accuracy", "2026-02-22") == pytest.approx(0.5)  # S1 18 vs 15
    assert value(out, "first_pass_invoice_acceptance", "2026-02-22") == pytest.approx(2 / 3)
    assert value(out, "return_rate", "2026-02-22") == pytest.approx(3 / 15)


def sales_frame():
    return pd.DataFrame(
        {
            "period_start": [T("2026-02-15"), T("2026-02-16"), T("2026-02-15"), T("2026-02-16")],
            "period_end": [T("2026-02-15"), T("2026-02-16"), T("2026-02-15"), T("2026-02-16")],
            "asin": ["A", "A", "B", "B"],
            "brand": ["Acorn", "Acorn", "Acorn", "Acorn"],
            "shippedUnits": pd.array([40, 60, 0, None], dtype="Int64"),
            "customerReturns": pd.array([1, 3, 0, None], dtype="Int64"),
            "shippedRevenue": pd.array([400.0, 600.0, 0.0, None], dtype="Float64"),
        }
    )


def inventory_frame():
    return pd.DataFrame(
        {
            "period_start": [T("2026-02-15"), T("2026-02-16"), T("2026-02-15")],
            "period_end": [T("2026-02-15"), T("2026-02-16"), T("2026-02-15")],
            "asin": ["A", "A", "B"],
            "brand": ["Acorn"] * 3,
            "vendorConfirmationRate": pd.array([1.0, 0.5, None], dtype="Float64"),
            "netReceivedInventoryUnits": pd.array([30, 10, 5], dtype="Int64"),
            "unsellableOnHandInventoryUnits": pd.array([2, 6, 1], dtype="Int64"),
            "sellableOnHandInventoryUnits": pd.array([100, 90, 50], dtype="Int64"),
        }
    )


def test_amazon_counts_add_and_nulls_stay_out():
    out = kpi.amazon_kpis([sales_frame()], by=["asin"], freq="week")
    assert value(out, "shipped_units", "2026-02-15", asin="A") == 100
    assert value(out, "shipped_units", "2026-02-15", asin="B") == 0  # the null is not a 0
    assert value(out, "shipped_revenue", "2026-02-15", asin="A") == pytest.approx(1000.0)
    # return rate = customer returns / shipped units: (1 + 3) / 100
    assert value(out, "return_rate", "2026-02-15", asin="A") == pytest.approx(0.04)
    assert pd.isna(value(out, "return_rate", "2026-02-15", asin="B"))  # 0 / 0


def test_amazon_rates_one_row_as_given_several_weighted_and_levels_last_day():
    daily = kpi.amazon_kpis([inventory_frame()], by=["asin"], freq="week")
    # Two days of A: (1.0 × 30 + 0.5 × 10) / 40 received units
    assert value(daily, "confirmation_rate", "2026-02-15", asin="A") == pytest.approx(35 / 40)
    note = daily[(daily["kpi"] == "confirmation_rate") & (daily["asin"] == "A")]["note"].iloc[0]
    assert "2 rows combined weighted by netReceivedInventoryUnits" in note
    assert value(daily, "net_received_units", "2026-02-15", asin="A") == 40
    assert value(daily, "unsellable_on_hand_units", "2026-02-15", asin="A") == 6  # last day
    one = inventory_frame().iloc[[1]]
    single = kpi.amazon_kpis([one], by=["asin"], freq="week")
    assert value(single, "confirmation_rate", "2026-02-15", asin="A") == pytest.approx(0.5)
    by_brand = kpi.amazon_kpis([inventory_frame()], by=["brand"], freq="week")
    assert value(by_brand, "unsellable_on_hand_units", "2026-02-15", brand="Acorn") == 6


def test_defect_rate_names_its_parts_and_keeps_return_rate_apart():
    amazon = kpi.amazon_kpis([sales_frame(), inventory_frame()], by=["asin"], freq="week")
    extra = pd.DataFrame(
        {"asin": ["A"], "period_start": [T("2026-02-15")], "kpi": ["shortage_units"], "value": [5]}
    )
    out = kpi.defect_rate(amazon, extra, by=["asin"])
    row = out[out["asin"] == "A"].iloc[0]
    # (4 customer returns + 6 unsellable + 5 short + 0 chargebacks) / 100 shipped
    assert row["defect_units"] == 15
    assert row["defect_rate"] == pytest.approx(0.15)
    assert row["part_customer_returns"] == pytest.approx(0.04)
    assert row["part_unsellable_on_hand"] == pytest.approx(0.06)
    assert row["part_shortages"] == pytest.approx(0.05)
    assert row["part_chargebacks"] == 0
    assert value(amazon, "return_rate", "2026-02-15", asin="A") == pytest.approx(0.04)


def test_comparison_states_the_reason_for_each_difference():
    acorn = kpi.acorn_kpis(lines(), by=["asin"], freq="week")
    amazon = kpi.amazon_kpis([inventory_frame()], by=["asin"], freq="week")
    both = kpi.compare(acorn, amazon, by=["asin"])
    row = both[
        (both["kpi"] == "confirmation_rate")
        & (both["asin"] == "A")
        & (both["period_start"] == T("2026-02-15"))
    ].iloc[0]
    assert row["acorn"] == pytest.approx(0.8) and row["amazon"] == pytest.approx(0.875)
    assert row["difference"] == pytest.approx(-0.075)
    assert "procurable" in row["reason"]
    otif = both[both["kpi"] == "otif"]
    assert (otif["reason"] == "Amazon's reports do not give this").all()
    same = kpi.compare(acorn, acorn.assign(note=""), by=["asin"])
    assert (same["reason"] == "").all() and (same["difference"].fillna(0) == 0).all()


def test_bucket_weeks_start_on_sunday_and_months_on_the_first():
    days = pd.Series([T("2026-02-28 23:00"), T("2026-03-01 01:00"), T("2026-03-07")])
    assert list(kpi.bucket(days, "week")) == [T("2026-02-22"), T("2026-03-01"), T("2026-03-01")]
    assert list(kpi.bucket(days, "month")) == [T("2026-02-01"), T("2026-03-01"), T("2026-03-01")]
    with pytest.raises(ValueError, match="freq"):
        kpi.bucket(days, "quarter")


def test_vendor_code_groups_have_no_amazon_side():
    lines_by_code = lines().assign(vendor_code=["ACRN1", "ACRN1", "ACRN2", "ACRN2"])
    acorn = kpi.acorn_kpis(lines_by_code, by=["vendor_code"], freq="month")
    amazon = kpi.amazon_kpis([], by=["vendor_code"], freq="month")
    both = kpi.compare(acorn, amazon, by=["vendor_code"])
    assert (both["reason"] == "Amazon's reports have no split by vendor code").all()
    assert value(acorn, "confirmation_rate", "2026-02-01", vendor_code="ACRN1") == 0.9


def test_a_metric_from_two_views_or_programs_is_refused():
    retail = sales_frame().assign(selling_program="RETAIL")
    business = sales_frame().assign(selling_program="BUSINESS")
    with pytest.raises(ValueError, match="shippedUnits is in report frames 0 and 1"):
        kpi.amazon_kpis([retail, business], by=["asin"])
    with pytest.raises(ValueError, match="mixes selling_programs"):
        kpi.amazon_kpis([pd.concat([retail, business])], by=["asin"])
