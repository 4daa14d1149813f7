"""EDIFACT syntax layer: escaping, UNA, the fast element check agreeing with the precise one."""

import os
import tempfile
from datetime import datetime

import hypothesis.strategies as st
from hypothesis import given, settings
from hypothesis.configuration import set_hypothesis_home_dir

from acorn_vendor_edi.core.edifact import structure, syntax
from acorn_vendor_edi.core.edifact.reader import InterchangeHeader, Message

# Keep hypothesis' caches out of the repository (no .hypothesis/ next to the sources).
set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "acorn-hypothesis"))
DELIMS = syntax.DEFAULT_DELIMITERS
VALUE = st.text(alphabet="AZ09az.,-:+?'Ü ", max_size=8)


def test_escape_and_split_round_trip_with_release_runs():
    for value in ["A?B", "A??'", "x'y+z:w", "?", "??", ""]:
        text = syntax.format_segment("FTX", ["AAA", None, None, (value, value)])
        seg = syntax.parse_segment_text(text[:-1])
        assert seg.get(4, 1, default="") == value and seg.get(4, 2, default="") == value


def test_una_validation():
    assert syntax.Delimiters.from_una(":+.? '").element == "+"
    assert syntax.Delimiters.from_una("^|,! ~").decimal == ","
    for bad in [":+.?", "::.? '", "A+.? '"]:
        try:
            syntax.Delimiters.from_una(bad)
        except ValueError:
            continue
        raise AssertionError("accepted %r" % bad)


def _message(raw_segments):
    msg = Message(ref="1", type="ORDERS", interchange=InterchangeHeader(syntax_id="UNOC"))
    for n, text in enumerate(raw_segments, 2):
        seg = syntax.parse_segment_text(text, DELIMS)
        seg.raw = text
        seg.position = n
        msg.segments.append(seg)
    return msg


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(
    st.sampled_from(sorted(structure._SPECS)),
    st.lists(st.lists(VALUE, max_size=4), max_size=7),
)
def test_fast_element_check_never_hides_a_finding(tag, elements):
    """Whenever the one-regex fast path accepts a segment, the precise check agrees."""
    text = syntax.format_segment(tag, [tuple(e) for e in elements])[:-1]
    if "?" in text:
        return  # the fast path is never used for segments with release characters
    pattern = structure._fast_pattern(tag, ":", "+")
    precise = _message([text])
    structure.check_elements(precise, precise.segments[0])
    if pattern.match(text):
        assert precise.issues == [], (text, [str(i) for i in precise.issues])


def test_fast_and_precise_agree_on_typical_segments():
    good = [
        "QTY+21:24",
        "QTY+21:24:PCE",
        "DTM+137:20240301:102",
        "NAD+BY+5450534000000::9",
        "MOA+203:1234.5",
        "PRI+AAA:12.5",
        "CNT+2:1",
        "UNS+S",
        "UCD+12+1:2",
        "BGM+220+X+9",
    ]
    bad = ["QTY+21", "QTY+21:2x", "QTY+ABCD:1", "UNS+1", "DTM+137", "CNT+2:1.2.3", "PIA+5"]
    for text in good:
        assert structure._fast_pattern(text[:3], ":", "+").match(text), text
    for text in bad:
        msg = _message([text])
        structure.check_elements(msg, msg.segments[0])
        assert msg.issues, text
        assert not structure._fast_pattern(text[:3], ":", "+").match(text), text


def _tokens(data, chunk):
    return [
        (t.tag, t.elements) if t.issue is None and not t.una else ("!", str(t.issue))
        for t in syntax.Tokenizer(__import__("io").BytesIO(data), chunk)
    ]


def test_line_breaks_anywhere_give_the_same_segments():
    base = "UNA:+.? 'UNB+UNOC:3+A:14+B:14+240101:1200+1'UNH+1+ORDERS:D:96A:UN'BGM+220+P?'1+9'"
    base += "DTM+137:20240101:102'UNT+3+1'UNZ+1+1'"
    expected = _tokens(base.encode(), 1 << 16)
    head, body = base[:9], base[9:]
    variants = [
        head + body.replace("'", "'\n"),
        head + "\r\n" + body.replace("'", "'\r\n"),
        head + body.replace("'", "'\n\n"),
        head + body.replace("BGM+", "BGM\n+").replace("DTM+137", "DTM+1\n37"),
        head + "\n" + body.replace("'U", "'\nU"),
    ]
    for text in variants:
        for chunk in (3, 16, 1 << 16):
            assert _tokens(text.encode(), chunk) == expected, (text, chunk)


@settings(max_examples=500, deadline=None, database=None, derandomize=True)
@given(
    st.sampled_from(["102", "203", "204"]),
    st.lists(st.sampled_from("0123456789"), min_size=6, max_size=15).map("".join)
    | st.datetimes().map(lambda t: t.strftime("%Y%m%d%H%M%S"))
    | st.text(alphabet="0123456789 +-٣", max_size=15),
)
def test_digit_dates_agree_with_strptime(fmt, value):
    pattern = {"102": "%Y%m%d", "203": "%Y%m%d%H%M", "204": "%Y%m%d%H%M%S"}[fmt]
    value = value[: {"102": 8, "203": 12, "204": 14}[fmt]] if value.isdigit() else value
    try:
        expected = datetime.strptime(value, pattern)
    except ValueError:
        expected = None
    assert syntax.parse_date(value, fmt) == expected, value


def test_digit_dates_examples():
    assert syntax.parse_date("20240229", "102") == datetime(2024, 2, 29)
    assert syntax.parse_date("20230229", "102") is None
    assert syntax.parse_date("202403012400", "203") is None
    assert syntax.parse_date("20240301235960", "204") is None
    assert syntax.parse_date("2024031", "102") == datetime(2024, 3, 1)  # strptime's leniency, kept
    assert syntax.parse_date("240301", "101") == datetime(2024, 3, 1)
    assert syntax.parse_date("20240301", "999") is None


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(sorted(structure._SPECS) + ["FTX", "ZZZ"]),
            st.lists(st.lists(VALUE, max_size=4), max_size=6),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_all_texts_in_one_match_agree_with_each_on_its_own(segments):
    """``_all_pass`` (one regex over texts joined by line breaks) accepts exactly when every
    text passes on its own: no text's pattern may run on into the next one."""
    texts = [syntax.format_segment(tag, [tuple(e) for e in els])[:-1] for tag, els in segments]
    texts = [t for t in texts if "?" not in t]  # texts with release characters never get here
    if not texts:
        return
    table = structure._fast_patterns(":", "+")
    each = all(structure._passes(t, table, ":", "+") for t in texts)
    assert structure._all_pass(texts, ":", "+") == each, texts


def test_one_match_does_not_run_on_into_the_next_text():
    ok = "PCI+33E"
    bad = "QTY+12:X"  # the quantity is no number
    table = structure._fast_patterns(":", "+")
    assert structure._passes(ok, table, ":", "+") and not structure._passes(bad, table, ":", "+")
    assert not structure._all_pass([ok, bad], ":", "+")
    assert not structure._all_pass(["NAD+SU+1::9+X", "QTY+12:X"], ":", "+")  # NAD03 is free
