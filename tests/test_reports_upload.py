"""A report document uploaded by hand: its period and marketplace read from the document."""

from datetime import date, datetime

import pytest

from acorn_vendor.core.reports.documents import ReportDocumentError, read_document
from acorn_vendor.core.reports.upload import check_marketplace, uploaded_window


def _doc(report_type, spec, section, rows=()):
    spec = {"reportType": report_type, **spec}
    return read_document({"reportSpecification": spec, section: list(rows)}, source="up.json")


def test_a_period_report_covers_the_days_its_specification_names():
    doc = _doc(
        "GET_VENDOR_INVENTORY_REPORT",
        {
            "reportOptions": {
                "reportPeriod": "DAY",
                "distributorView": "MANUFACTURING",
                "sellingProgram": "RETAIL",
            },
            "dataStartTime": "2026-11-01",
            "dataEndTime": "2026-11-15",
            "marketplaceIds": ["ATVPDKIKX0DER"],
        },
        "inventoryByAsin",
    )
    assert uploaded_window(doc, "up.json") == {
        "period_start": date(2026, 11, 1),
        "period_end": date(2026, 11, 15),
    }
    check_marketplace(doc, "ATVPDKIKX0DER", "up.json")
    with pytest.raises(
        ReportDocumentError, match=r"marketplaceIds: the document is for ATVPDKIKX0DER"
    ):
        check_marketplace(doc, "A1F83G8C2ARO7P", "up.json")


def test_a_real_time_report_covers_utc_hours_and_a_bad_date_is_named():
    spec = {"dataStartTime": "2026-12-01T10:00:00-05:00", "dataEndTime": "2026-12-01T20:00:00Z"}
    doc = _doc("GET_VENDOR_REAL_TIME_SALES_REPORT", spec, "reportData")
    assert uploaded_window(doc, "rt.json") == {
        "hours_start": datetime(2026, 12, 1, 15, 0),
        "hours_end": datetime(2026, 12, 1, 20, 0),
    }
    doc.specification["dataEndTime"] = "2026-12-01T09:00:00Z"
    with pytest.raises(ReportDocumentError, match="dataEndTime: ends before dataStartTime"):
        uploaded_window(doc, "rt.json")
    doc.specification["dataStartTime"] = "last Tuesday"
    with pytest.raises(ReportDocumentError, match="dataStartTime: 'last Tuesday' is not an ISO"):
        uploaded_window(doc, "rt.json")


def test_a_document_without_dates_or_marketplace_is_taken_as_it_is():
    doc = _doc(
        "GET_VENDOR_FORECASTING_REPORT",
        {"reportOptions": {"sellingProgram": "RETAIL"}},
        "forecastByAsin",
    )
    assert uploaded_window(doc, "f.json") == {}
    check_marketplace(doc, "ATVPDKIKX0DER", "f.json")
