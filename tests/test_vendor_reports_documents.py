"""Reading Amazon's vendor report documents: every report type, nulls kept, fields Amazon adds
later reported but not stored, float forecasts, gzip, FATAL documents and bad values."""

import copy
import gzip
import io
import json
import subprocess
import sys

import pandas as pd
import pytest

from acorn_vendor.core.reports import cli
from acorn_vendor.core.reports.documents import (
    KEY_COLUMNS,
    ReportDocumentError,
    ReportFatalError,
    read_document,
)
from acorn_vendor.core.reports.report_types import REPORT_TYPES
from acorn_vendor.core.spapi_models import REPORT_SCHEMAS, load

from .conftest import ROOT


def example(report_type):
    """Amazon's own example document from the report's schema (a fresh copy)."""
    return copy.deepcopy(load(REPORT_SCHEMAS[report_type])["examples"][0])


def test_every_report_type_has_its_schema_vendored():
    assert set(REPORT_TYPES) == set(REPORT_SCHEMAS)


@pytest.mark.parametrize("report_type", sorted(REPORT_TYPES))
def test_amazon_example_of_each_report_type_reads_with_amazon_field_names(report_type):
    document = example(report_type)
    doc = read_document(document, expected_type=report_type)
    assert doc.report_type == report_type
    rtype = REPORT_TYPES[report_type]
    expected_rows = _count(document, rtype.rows)
    assert len(doc.rows) == expected_rows > 0
    assert len(doc.aggregate) == (_count(document, rtype.aggregate) if rtype.aggregate else 0)
    frame = doc.frame()
    assert list(frame.columns[: len(KEY_COLUMNS)]) == list(KEY_COLUMNS)
    assert len(frame) == expected_rows
    assert frame["asin"].notna().all()
    assert frame["period_start"].notna().all() or report_type == "GET_COUPON_PERFORMANCE_REPORT"


def _count(document, path):
    items = document[path[0]]
    for key in path[1:]:
        items = [child for item in items for child in item[key]]
    return len(items)


def test_nulls_in_required_fields_stay_null_never_zero():
    document = example("GET_VENDOR_INVENTORY_REPORT")
    row = document["inventoryByAsin"][0]
    row["openPurchaseOrderUnits"] = None
    row["netReceivedInventoryUnits"] = None
    row["sellableOnHandInventoryCost"] = None
    row["netReceivedInventoryCost"] = {"amount": None, "currencyCode": "USD"}
    doc = read_document(document)
    assert doc.rows[0]["openPurchaseOrderUnits"] is None
    assert doc.rows[0]["sellableOnHandInventoryCost"] is None
    frame = doc.frame()
    assert frame["openPurchaseOrderUnits"].dtype == "Int64"
    assert pd.isna(frame.loc[0, "openPurchaseOrderUnits"])
    assert pd.isna(frame.loc[0, "netReceivedInventoryCost"])
    assert frame.loc[1, "openPurchaseOrderUnits"] == 23
    assert doc.null_required[("inventoryByAsin", "openPurchaseOrderUnits")] == 1
    assert any("openPurchaseOrderUnits: required by the schema but null" in n for n in doc.notes())
    with pytest.raises(ReportDocumentError, match=r"openPurchaseOrderUnits"):
        read_document(document, strict=True)  # Amazon's full schema refuses what Amazon sends


def test_fields_amazon_adds_later_are_reported_not_stored():
    document = example("GET_VENDOR_SALES_REPORT")
    for row in document["salesByAsin"]:
        row["sourceableProductOutOfStockRate"] = 0.1
    document["newSection"] = []
    doc = read_document(document)
    assert "sourceableProductOutOfStockRate" not in doc.rows[0]
    assert "sourceableProductOutOfStockRate" not in doc.frame().columns
    assert doc.unknown_fields[("salesByAsin", "sourceableProductOutOfStockRate")] == len(doc.rows)
    assert doc.unknown_fields[("$", "newSection")] == 1


def test_forecast_units_are_floats_and_fractions_in_integer_fields_are_kept():
    document = example("GET_VENDOR_FORECASTING_REPORT")
    document["forecastByAsin"][0]["meanForecastUnits"] = 12.7
    document["forecastByAsin"][1]["p90ForecastUnits"] = 30  # an integer still reads as float
    doc = read_document(document)
    frame = doc.frame()
    assert frame["meanForecastUnits"].dtype == "Float64"
    assert frame.loc[0, "meanForecastUnits"] == pytest.approx(12.7)
    assert doc.rows[0]["meanForecastUnits"] == 12.7
    assert doc.aggregate == [] and doc.frame("aggregate").empty  # the forecast has none

    sales = example("GET_VENDOR_SALES_REPORT")
    sales["salesByAsin"][0]["shippedUnits"] = 2.5
    sales["salesByAsin"][1]["shippedUnits"] = 4.0
    doc = read_document(sales)
    assert doc.rows[0]["shippedUnits"] == 2.5
    assert any("salesByAsin[0].shippedUnits: 2.5 has a fraction" in w for w in doc.warnings)
    frame = doc.frame()
    assert frame.loc[0, "shippedUnits"] == 2.5  # never cut to 2
    assert frame.loc[1, "shippedUnits"] == 4


def test_gzip_and_plain_documents_read_the_same():
    document = example("GET_VENDOR_TRAFFIC_REPORT")
    raw = json.dumps(document).encode()
    plain = read_document(raw)
    zipped = read_document(gzip.compress(raw))
    assert plain.to_json() == zipped.to_json()
    with pytest.raises(ReportDocumentError, match="gzip: not a complete gzip file"):
        read_document(gzip.compress(raw)[:-20])


def test_fatal_document_raises_amazon_reason_and_a_hint():
    details = (
        "This report type requires the reportPeriod, distributorView, sellingProgram "
        "reportOption to be specified."
    )
    with pytest.raises(ReportFatalError) as caught:
        read_document(json.dumps({"errorDetails": details}).encode())
    assert caught.value.error_details == details
    assert "map of strings" in caught.value.hint


@pytest.mark.parametrize(
    "edit,where",
    [
        (lambda d: d["salesByAsin"][1].update(shippedUnits="12"), "$.salesByAsin[1].shippedUnits"),
        (
            lambda d: d["salesByAsin"][0].update(startDate="2021/06/06"),
            "$.salesByAsin[0].startDate",
        ),
        (
            lambda d: d["salesAggregate"][0].update(shippedCogs=12.5),
            "$.salesAggregate[0].shippedCogs",
        ),
        (lambda d: d.update(salesByAsin={}), "$.salesByAsin"),
        (lambda d: d["salesByAsin"].append("B00"), "$.salesByAsin[4]"),
    ],
)
def test_a_bad_value_fails_the_whole_document_naming_where(edit, where):
    document = example("GET_VENDOR_SALES_REPORT")
    edit(document)
    with pytest.raises(ReportDocumentError) as caught:
        read_document(document, source="sales.json")
    assert where in [w for w, _what in caught.value.problems]
    assert str(caught.value).startswith("sales.json cannot be read: ")


def test_not_json_and_wrong_report_type_are_named():
    with pytest.raises(ReportDocumentError, match="line 1 column 2"):
        read_document(b"{oops")
    with pytest.raises(ReportDocumentError, match="GET_VENDOR_SALES_REPORT was requested"):
        read_document(example("GET_VENDOR_TRAFFIC_REPORT"), expected_type="GET_VENDOR_SALES_REPORT")


def test_money_amounts_and_currency_columns():
    doc = read_document(example("GET_VENDOR_SALES_REPORT"))
    frame = doc.frame()
    assert doc.rows[0]["shippedCogs"] == {"amount": 50.0, "currencyCode": "USD"}
    assert frame.loc[0, "shippedCogs"] == pytest.approx(50.0)
    assert (frame["currency"] == "USD").all()
    assert frame["shippedUnits"].dtype == "Int64"
    mixed = example("GET_VENDOR_SALES_REPORT")
    mixed["salesByAsin"][0]["shippedCogs"]["currencyCode"] = "EUR"
    with pytest.raises(ReportDocumentError, match="currency"):
        read_document(mixed)


def test_real_time_sales_keep_negative_units_and_take_the_currency_from_the_options():
    document = example("GET_VENDOR_REAL_TIME_SALES_REPORT")
    document["reportData"][0]["orderedUnits"] = -2  # more cancellations than orders
    frame = read_document(document).frame()
    assert frame.loc[0, "orderedUnits"] == -2
    assert (frame["currency"] == "USD").all()
    assert str(frame["period_start"].dt.tz) == "UTC"


def test_promotions_and_coupons_are_flattened_per_asin():
    promotions = read_document(example("GET_PROMOTION_PERFORMANCE_REPORT"))
    row = promotions.rows[0]
    assert row["promotionId"] == "16913551269" and row["asin"] == "B08755Z2ND"
    assert "includedProducts" not in row and "includedProducts" not in promotions.aggregate[0]
    coupons = read_document(example("GET_COUPON_PERFORMANCE_REPORT"))
    assert [r["asin"] for r in coupons.rows] == ["B08XJWMYR5", "B07Z7XTQKZ"]
    assert coupons.rows[1]["couponId"] == coupons.aggregate[0]["couponId"]
    assert coupons.rows[1]["campaignId"] == "AMZHYHN65T7OH"


def test_unknown_enum_value_is_kept_with_a_warning():
    document = example("GET_PROMOTION_PERFORMANCE_REPORT")
    document["promotions"][0]["type"] = "PRIME_EXCLUSIVE"
    doc = read_document(document)
    assert doc.aggregate[0]["type"] == "PRIME_EXCLUSIVE"
    assert any("PRIME_EXCLUSIVE" in w for w in doc.warnings)


def test_cli_json_prints_exactly_the_four_keys(tmp_path):
    path = tmp_path / "inventory.json.gz"
    document = example("GET_VENDOR_INVENTORY_REPORT")
    document["inventoryByAsin"][0]["openPurchaseOrderUnits"] = None
    path.write_bytes(gzip.compress(json.dumps(document).encode()))
    out = io.StringIO()
    assert cli.main(["parse", str(path), "--json"], out=out) == 0
    printed = json.loads(out.getvalue())
    assert list(printed) == ["report_type", "options", "rows", "aggregate"]
    assert printed["rows"][0]["openPurchaseOrderUnits"] is None
    assert printed["rows"][0]["netReceivedInventoryCost"] == {
        "amount": 2345.5,
        "currencyCode": "USD",
    }
    assert printed["options"]["reportPeriod"] == "WEEK"
    assert len(printed["aggregate"]) == 2


def test_cli_summary_and_errors(tmp_path, capsys):
    good = tmp_path / "traffic.json"
    good.write_text(json.dumps(example("GET_VENDOR_TRAFFIC_REPORT")))
    out = io.StringIO()
    assert cli.main(["parse", str(good)], out=out) == 0
    assert "GET_VENDOR_TRAFFIC_REPORT" in out.getvalue() and "rows: 2" in out.getvalue()
    fatal = tmp_path / "fatal.json"
    fatal.write_text(
        json.dumps({"errorDetails": "For reportPeriod WEEK, dataStartTime must be a Sunday."})
    )
    assert cli.main(["parse", str(fatal)]) == 1
    assert "Sunday" in capsys.readouterr().err
    assert cli.main(["parse", str(tmp_path / "missing.json")]) == 2


def test_the_acorn_command_runs_reports_parse(tmp_path):
    path = tmp_path / "traffic.json"
    path.write_text(json.dumps(example("GET_VENDOR_TRAFFIC_REPORT")))
    done = subprocess.run(
        [sys.executable, str(ROOT / "acorn"), "reports", "parse", str(path), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["report_type"] == "GET_VENDOR_TRAFFIC_REPORT"
