"""Both sides on sandbox data: the KPIs Acorn computes from the POs it can see (Vendor Orders'
getPurchaseOrdersStatus through the SP-API client) agree with the sandbox's inventory report
where the definitions agree, and ``compare`` states why where they cannot."""

import random
from datetime import datetime, timezone

import pandas as pd
import pytest

from acorn_vendor.core.reports import cross_check, kpi
from acorn_vendor.core.reports.documents import read_document
from acorn_vendor.core.sandbox.testing import SandboxSession
from acorn_vendor.core.spapi import Credentials, SpApiClient
from acorn_vendor.core.spapi.auth import MemoryTokenCache
from acorn_vendor.core.spapi.throttle import RateLimiter

US = "ATVPDKIKX0DER"
WEEKS = ("2026-02-15", "2026-02-28")  # two Amazon weeks before the pinned 2026-03-04


@pytest.fixture(scope="module")
def sides(tmp_path_factory):
    from acorn_vendor.core.sandbox import start_sandbox

    from .conftest import SANDBOX_TEST_CONFIG

    path = tmp_path_factory.mktemp("sides") / "vc.sqlite"
    with start_sandbox(db_path=path, **{**SANDBOX_TEST_CONFIG, "pos_per_day": 12}) as sb:
        client = SpApiClient(
            Credentials(**sb.credentials),
            endpoint=sb.url,
            token_url=sb.token_url,
            token_cache=MemoryTokenCache(),
            rate_limiter=RateLimiter(),
            rng=random.Random(1),
        )
        statuses = list(
            client.iter_purchase_orders_status(
                createdAfter=datetime(2026, 2, 1, tzinfo=timezone.utc),
                createdBefore=datetime(2026, 3, 4, 12, tzinfo=timezone.utc),
            )
        )
        session = SandboxSession(sb)
        body = {
            "reportType": "GET_VENDOR_INVENTORY_REPORT",
            "marketplaceIds": [US],
            "reportOptions": {
                "reportPeriod": "WEEK",
                "distributorView": "MANUFACTURING",
                "sellingProgram": "RETAIL",
            },
            "dataStartTime": f"{WEEKS[0]}T00:00:00Z",
            "dataEndTime": f"{WEEKS[1]}T00:00:00Z",
        }
        report_id = session.ok("createReport", body=body)["reportId"]
        sb.advance(120)
        document_id = session.ok("getReport", reportId=report_id)["reportDocumentId"]
        inventory = read_document(session.download_report(document_id), strict=True)
    lines = kpi.po_lines_from_status(statuses)
    return lines, inventory


def _pair(sides, by, frames):
    lines, _inventory = sides
    acorn = kpi.acorn_kpis(lines, by=by, freq="week")
    amazon = kpi.amazon_kpis(frames, by=by, freq="week")
    both = kpi.compare(acorn, amazon, by=by)
    weeks = pd.to_datetime(list(WEEKS))
    return both[(both["period_start"] >= weeks[0]) & (both["period_start"] <= weeks[1])]


def test_per_asin_week_confirmation_received_units_and_lead_time_agree(sides):
    _lines, inventory = sides
    both = _pair(sides, ["asin"], [inventory.frame("rows")])
    checked = 0
    for name, tolerance in (
        ("confirmation_rate", 5e-5),
        ("net_received_units", 0),
        ("lead_time_days", 5e-3),
    ):
        rows = both[(both["kpi"] == name) & both["amazon"].notna()]
        assert len(rows) >= 10, f"too few {name} figures to compare"
        # No PO line received: Amazon says 0, Acorn has no figure.
        missing = rows["acorn"].isna() & (rows["amazon"] != 0)
        gaps = rows[(rows["difference"].abs() > tolerance) | missing]
        assert gaps.empty, gaps.to_string()
        checked += len(rows)
    assert checked > 60


def test_account_fill_rate_agrees_with_the_aggregate_receive_fill_rate(sides):
    _lines, inventory = sides
    both = _pair(sides, [], [inventory.frame("aggregate")])
    fill = both[both["kpi"] == "fill_rate"]
    assert len(fill) == 2 and fill["amazon"].notna().all()
    assert (fill["difference"].abs() <= 5e-5).all(), fill.to_string()
    assert (fill["amazon"] < 1).any()  # shortages exist, so the check is not 1 == 1


def test_compare_names_kpis_only_one_side_has(sides):
    _lines, inventory = sides
    both = _pair(sides, [], [inventory.frame("aggregate")])
    sell_through = both[both["kpi"] == "sell_through_rate"]
    assert (sell_through["reason"] == "only Amazon reports this").all()


def test_a_difference_carries_its_reason():
    acorn = pd.DataFrame(
        {"period_start": [pd.Timestamp("2026-02-15")], "kpi": ["confirmation_rate"], "value": [0.9]}
    )
    amazon = acorn.assign(value=[0.95], note=["Amazon's vendorConfirmationRate"])
    row = kpi.compare(acorn, amazon).iloc[0]
    assert row["difference"] == pytest.approx(-0.05)
    assert "procurable" in row["reason"]


def test_cross_check_of_the_sandbox_month_names_a_po_deleted_in_acorn(sides):
    lines, _inventory = sides
    amazon_pos = lines[["po_number", "po_date"]].drop_duplicates()
    clean = cross_check.run("2026-02", amazon_pos, amazon_pos, lines, lines)
    assert clean.empty
    february = lines[(lines["po_date"] >= "2026-02-01") & (lines["accepted_qty"] > 0)]
    deleted = february["po_number"].iloc[0]
    acorn_pos = amazon_pos[amazon_pos["po_number"] != deleted]
    acorn_lines = lines[lines["po_number"] != deleted]
    found = cross_check.run("2026-02", acorn_pos, amazon_pos, acorn_lines, lines)
    assert deleted in set(found[found["check"] == "purchase_orders"]["key"])
    lost = lines[(lines["po_number"] == deleted) & lines["accepted_qty"].fillna(0).gt(0)]
    assert len(lost) and set(lost["asin"]) <= set(found[found["check"] == "accepted_units"]["key"])
