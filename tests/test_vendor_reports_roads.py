"""The reader's two roads agree: flat reports are checked column by column (fast), nested ones
and ``careful=True`` row by row. On Amazon's examples edited by hypothesis (values replaced by
nulls, wrong types, fractions, unknown fields, new enum values, other currencies) both give
the same rows, columns and notes, or both refuse the document; every problem the fast road
names, the careful road names too. Random bytes never escape as anything but
ReportDocumentError."""

import copy
import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acorn_vendor.core.reports.documents import ReportDocumentError, read_document
from acorn_vendor.core.reports.report_types import REPORT_TYPES
from acorn_vendor.core.spapi_models import REPORT_SCHEMAS, load

EXAMPLES = int(os.environ.get("ACORN_FUZZ_EXAMPLES", "150"))
FLAT = sorted(n for n, rt in REPORT_TYPES.items() if len(rt.rows) == 1)
ODD_VALUES = [
    None,
    0,
    -3,
    2.5,
    7.0,
    "12",
    "2021-13-40",
    "2021-06-06",
    "2022-04-20T20:00:00Z",
    True,
    [],
    {"amount": 1.5, "currencyCode": "EUR"},
    {"amount": None, "currencyCode": "USD"},
    {"amount": "1", "currencyCode": "USD"},
    "NEW_ENUM_VALUE",
]


def example(name):
    return copy.deepcopy(load(REPORT_SCHEMAS[name])["examples"][0])


@st.composite
def edited_documents(draw):
    name = draw(st.sampled_from(FLAT))
    document = example(name)
    array = document[REPORT_TYPES[name].rows[0]]
    for _ in range(draw(st.integers(1, 6))):
        row = draw(st.sampled_from(array))
        field = draw(st.sampled_from(sorted(row) + ["brandNewField"]))
        row[field] = draw(st.sampled_from(ODD_VALUES))
    return name, document


def outcome(document, careful):
    try:
        doc = read_document(copy.deepcopy(document), careful=careful)
    except ReportDocumentError as exc:
        return "error", {where for where, _what in exc.problems}
    return "ok", (
        doc.rows,
        doc.aggregate,
        {k: v for k, v in doc.columns["rows"].items()},
        dict(doc.unknown_fields),
        dict(doc.null_required),
        sorted(doc.warnings),
    )


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited_documents())
def test_fast_and_careful_roads_agree(case):
    _name, document = case
    fast = outcome(document, careful=False)
    careful = outcome(document, careful=True)
    assert fast[0] == careful[0]
    if fast[0] == "ok":
        assert fast[1] == careful[1]
    else:
        assert fast[1] and fast[1] <= careful[1]


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_random_bytes_give_a_clear_error(data):
    try:
        read_document(data)
    except ReportDocumentError as exc:
        assert str(exc).startswith("document cannot be read: ")


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.sampled_from(sorted(REPORT_TYPES)),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
        max_leaves=12,
    ),
)
def test_any_json_in_a_section_gives_a_clear_error_or_a_document(name, junk):
    document = example(name)
    document[REPORT_TYPES[name].rows[0]] = junk
    try:
        read_document(json.dumps(document).encode())
    except ReportDocumentError as exc:
        assert exc.problems
