"""The compiled fast path never accepts a segment that the detailed element check rejects."""

from hypothesis import given, settings
from hypothesis import strategies as st

from acorn_vendor_edi.core.x12 import syntax
from acorn_vendor_edi.core.x12.structure import STRUCTURES

PIECES = [
    "",
    "0",
    "00",
    "7",
    "12",
    "-3",
    "1.5",
    ".5",
    "5.",
    "20240229",
    "20240230",
    "20241340",
    "20240304",
    "1030",
    "2460",
    "EA",
    "BP",
    "VN",
    "LT",
    "XX",
    "GM",
    "00",
    "NE",
    "QQ",
    "IA",
    "A" * 23,
    "9" * 16,
    "1" * 31,
    "B0748G1A01",
    "ok text",
    "0001",
    "S",
    "I",
]
TAGS = sorted(syntax.SEGMENT_SPECS)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    set_id=st.sampled_from(sorted(STRUCTURES)),
    tag=st.sampled_from(TAGS),
    values=st.lists(st.sampled_from(PIECES), max_size=28),
)
def test_fast_path_agrees_with_detailed_check(set_id, tag, values):
    raw = "*".join([tag, *values])
    if syntax.fast_ok(set_id, tag, raw, "*"):
        assert list(syntax.check_segment(set_id, tag, raw.split("*")[1:])) == []


def test_fast_path_accepts_ordinary_segments():
    assert syntax.fast_ok("850", "PO1", "PO1*1*10*EA*13.5*PE*BP*B0748G1A01*VN*SKU-1", "*")
    assert syntax.fast_ok("856", "DTM", "DTM*011*20240304*1030", "*")
    assert not syntax.fast_ok("856", "DTM", "DTM*011*20240230*1030", "*")  # no 30 February
    assert not syntax.fast_ok("850", "BEG", "BEG*00*QQ*X**20240101", "*")
    assert not syntax.fast_ok("850", "PO1", "PO1*1*10*EA*13.5*PE*BP", "*")
