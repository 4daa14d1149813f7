"""The COPY text the report loader streams: nulls, escapes, UTC hours, chunks."""

import io
import json

from acorn_vendor.core.reports.copy_text import NULL, CopyStream, section_columns, text_column
from acorn_vendor.core.reports.documents import read_document


def test_nulls_stay_null_and_text_is_escaped():
    assert text_column([1, None, 3], "integer") == ["1", NULL, "3"]
    assert text_column([None, None], "number") is None  # all NULL: the stream repeats it
    assert text_column(["a\tb", "c\\d", None], "string") == ["a\\tb", "c\\\\d", NULL]
    assert text_column([0.1, 2.0], "number") == ["0.1", "2.0"]


def test_date_times_become_utc_hours_and_days():
    values = ["2026-02-15T23:00:00-05:00", "2026-02-16T04:00:00Z", None]
    assert text_column(values, "datetime", "datetime") == [
        "2026-02-16 04:00:00",
        "2026-02-16 04:00:00",
        NULL,
    ]
    assert text_column(values, "datetime", "date") == ["2026-02-16", "2026-02-16", NULL]


def test_stream_gives_every_row_once_in_chunks_with_the_constants_last():
    stream = CopyStream([["1", "2", "3"], None, ["x", "y", "z"]], ["K", "7"], chunk=2)
    text = "".join(iter(stream.read, ""))
    assert text.splitlines() == [
        f"{n}\t{NULL}\t{c}\tK\t7" for n, c in zip("123", "xyz", strict=True)
    ]
    assert stream.count == 3


def test_a_documents_columns_as_copy_text_keep_amazons_nulls():
    doc = read_document(
        json.dumps(
            {
                "reportSpecification": {
                    "reportType": "GET_VENDOR_TRAFFIC_REPORT",
                    "reportOptions": {"reportPeriod": "DAY"},
                    "dataStartTime": "2026-02-15",
                    "dataEndTime": "2026-02-15",
                    "marketplaceIds": ["ATVPDKIKX0DER"],
                },
                "trafficAggregate": [],
                "trafficByAsin": [
                    {
                        "startDate": "2026-02-15",
                        "endDate": "2026-02-15",
                        "asin": "B0A",
                        "glanceViews": 5,
                    },
                    {
                        "startDate": "2026-02-15",
                        "endDate": "2026-02-15",
                        "asin": "B0B",
                        "glanceViews": None,
                    },
                ],
            }
        )
    )
    wanted = [("period_start", "date"), ("asin", "text"), ("glanceViews", "text")]
    columns = section_columns(doc, "rows", wanted)
    assert columns == [["2026-02-15", "2026-02-15"], ["B0A", "B0B"], ["5", NULL]]
    out = io.StringIO("".join(iter(CopyStream(columns).read, "")))
    assert out.read() == f"2026-02-15\tB0A\t5\n2026-02-15\tB0B\t{NULL}\n"
