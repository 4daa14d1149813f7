"""The monthly cross-check on hand-built months: missing and extra POs, accepted units per
ASIN, units per ASN, and a clean month giving nothing."""

import pandas as pd

from acorn_vendor.core.reports import cross_check

T = pd.Timestamp


def pos(numbers, day="2026-02-10"):
    return pd.DataFrame({"po_number": numbers, "po_date": [T(day)] * len(numbers)})


def lines(accepted):
    return pd.DataFrame(
        {
            "po_number": ["P1", "P1", "P2"],
            "asin": ["A", "B", "A"],
            "po_date": [T("2026-02-03"), T("2026-02-03"), T("2026-03-01")],
            "accepted_qty": accepted,
        }
    )


def test_a_clean_month_gives_no_difference():
    out = cross_check.run("2026-02", pos(["P1"]), pos(["P1"]), lines([5, 6, 7]), lines([5, 6, 7]))
    assert out.empty and list(out.columns) == list(cross_check.COLUMNS)


def test_a_po_deleted_in_acorn_and_an_extra_one_are_named():
    out = cross_check.purchase_orders(pos(["P1", "P3"]), pos(["P1", "P2"]), "2026-02")
    assert list(out["key"]) == ["P2", "P3"]
    assert list(out["message"]) == ["at Amazon, missing in Acorn", "in Acorn, unknown at Amazon"]
    # A PO of another month is not this month's business.
    assert cross_check.purchase_orders(pos([]), pos(["P9"], "2026-03-02"), "2026-02").empty


def test_accepted_units_per_asin_on_the_month_pos():
    out = cross_check.accepted_units(lines([5, 4, 7]), lines([5, 6, 9]), "2026-02")
    assert list(out["key"]) == ["B"]  # P2 (March) differs too, but in another month
    assert out.iloc[0]["difference"] == -2


def test_units_per_asn_against_units_received():
    shipments = pd.DataFrame(
        {
            "shipment_id": ["S1", "S2", "S3"],
            "asn_sent_at": [T("2026-02-02"), T("2026-02-05"), T("2026-02-07")],
            "asn_units": [10, 8, 4],
            "received_units": [10, 7, None],
        }
    )
    out = cross_check.received_units(shipments, "2026-02")
    assert list(out["key"]) == ["S2", "S3"]
    assert list(out["difference"]) == [1, 4]


def test_units_by_asin_flags_only_gaps_past_the_tolerance():
    received = {"B01": 100, "B02": 50, "B03": 10}
    shipped = {"B01": 101, "B02": 40, "B04": 5}  # B01 within 2 %, B02 short, B04 unknown
    invoiced = {"B01": 100, "B02": 50, "B03": 10}
    diffs = cross_check.units_by_asin(received, shipped, invoiced, tolerance=0.02)
    assert list(zip(diffs["check"], diffs["key"], diffs["difference"], strict=True)) == [
        ("shipped_vs_received", "B02", -10),
        ("shipped_vs_received", "B03", -10),
        ("shipped_vs_received", "B04", 5),
    ]
    assert cross_check.units_by_asin(received, received, received).empty


def test_invoices_due_in_the_month_against_what_remittances_settled():
    diffs = cross_check.invoiced_vs_paid(
        {"INV-1": 100.0, "INV-2": 200.0, "INV-3": 50.0},
        {"INV-1": 100.0, "INV-2": 150.0, "OTHER": 10.0},
    )
    assert list(diffs["key"]) == ["INV-2", "INV-3"]
    assert list(diffs["difference"]) == [50.0, 50.0]
    assert list(diffs["message"]) == ["paid other than invoiced", "not paid by its due date"]
    assert cross_check.invoiced_vs_paid({"INV-1": 100.0}, {"INV-1": 99.995}).empty


def test_receipts_synced_on_pos_against_the_inventory_report_past_the_tolerance():
    report = {"B01": 100, "B02": 50, "B03": 10}
    synced = {"B01": 101, "B02": 38, "B04": 2}  # B01 within 2 %, B02 short, B03 none, B04 extra
    diffs = cross_check.receipts_vs_report(report, synced, tolerance=0.02)
    assert list(zip(diffs["key"], diffs["acorn"], diffs["amazon"], strict=True)) == [
        ("B02", 38, 50),
        ("B03", 0, 10),
        ("B04", 2, 0),
    ]
    assert set(diffs["check"]) == {"receipts_vs_report"}
    assert cross_check.receipts_vs_report(report, report).empty
