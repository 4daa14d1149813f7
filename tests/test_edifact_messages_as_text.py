"""Messages read as text give the answers of the segment-by-segment reading, segment for segment.

A clean message whole in one chunk is kept as its segment texts
(``EdifactReader._read_as_text``) and its Segments are only made when asked for. These tests
read the same bytes with reading as text on and off, and compare everything a caller can see:
the issues with their positions and byte offsets, the documents, and the Segments themselves.
"""

import io
import os
import tempfile

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.configuration import set_hypothesis_home_dir

from acorn_vendor_edi.core import edifact
from acorn_vendor_edi.core.edifact import fast_path, reader, structure, syntax
from tests.edifact_samples import AMAZON, T0, VENDOR, purchase_order, shipment
from tests.test_edifact_fast_path import SAMPLES, VALUES, _single_edits

set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "acorn-hypothesis"))


def _interchange(n=3, **kw):
    builders = []
    for k in range(1, n + 1):
        po = purchase_order(number="P%07d" % k)
        builders += [
            edifact.render_desadv(shipment(po, "S%d" % k, serial_base=k * 5)),
            edifact.render_orders(po),
        ]
    return edifact.write_interchange(builders, VENDOR, AMAZON, "1001", prepared=T0, **kw)


LINES = _interchange(line_breaks=True)
FLAT = _interchange(line_breaks=False)


def _answer(data, chunk, as_text):
    """Everything ``read`` tells, with Segments as (tag, elements, offset, position)."""
    real = reader.EdifactReader._read_as_text
    if not as_text:
        reader.EdifactReader._read_as_text = lambda *_args: False
    try:
        results = edifact.read(io.BytesIO(data), chunk_size=chunk)
    finally:
        reader.EdifactReader._read_as_text = real
    out = []
    taken = 0
    for result in results:
        out.append(("interchange", [i.as_dict() for i in result.issues]))
        for m in result.messages:
            taken += m.message.texts is not None
            segs = [(s.tag, s.elements, s.offset, s.position) for s in m.message.segments]
            out.append((m.ref, m.type, [i.as_dict() for i in m.issues], m.document, segs))
    return out, taken


def _same(text, chunks=(64, 1 << 16)):
    data = text.encode("latin-1", "replace") if isinstance(text, str) else text
    read_as_text = 0
    for chunk in chunks:
        as_text, taken = _answer(data, chunk, True)
        by_segment, none = _answer(data, chunk, False)
        assert none == 0
        assert as_text == by_segment, (text, chunk)
        read_as_text += taken
    return read_as_text


@pytest.mark.parametrize(
    "text", [LINES, FLAT, LINES.replace("'\n", "'\r\n")], ids=["lf", "flat", "crlf"]
)
def test_clean_files_are_read_as_text_with_the_same_answers(text):
    assert _same(text, chunks=(1 << 16,)) == 6  # every message took it
    assert _same(text, chunks=(200, 1000))  # and some did across small chunks


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_every_single_edit_reads_the_same_both_ways(kind):
    taken = 0
    for text in _single_edits(SAMPLES[kind]):
        taken += _same(text, chunks=(1 << 16,))
    assert taken  # messages were read as text, and refused where the edit needed care


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_cold_and_warm_memos_give_the_same_answers(kind):
    """Every memo (heads, clean texts, shapes, readings, dates) forgotten before each edit,
    then every edit read again with all the others remembered."""
    texts = [t.encode("latin-1") for t in _single_edits(SAMPLES[kind])]
    cold = []
    for text in texts:
        edifact.forget_memos()
        cold.append(_answer(text, 1 << 16, True)[0])
    assert (
        reader._HEADS
        and structure._CLEAN_SHAPES
        and fast_path._memos(syntax.DEFAULT_DELIMITERS).lin
    )
    warm = [_answer(text, 1 << 16, True)[0] for text in texts]
    assert cold == warm


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace("LIN+2+", "LINX+2+"),  # a head the reader has not seen
        lambda t: t.replace("PCI+33E'", "PCI+33E''", 1),  # an empty segment
        lambda t: t.replace("UNT+", "UNH+99+ORDERS:D:96A:UN'\nUNT+", 1),  # UNH inside a message
        lambda t: t.replace("FTX+PUR+++Bitte", "FTX+PUR+++Bi\x01tte"),  # a control character
        lambda t: t.replace("'\nQTY", "'\n QTY"),  # a space before a segment
        lambda t: t.replace("'\nPIA", "'\r\nPIA", 1),  # mixed line breaks
        lambda t: t.replace("BGM+220+P0000002", "BGM+220+P?+0000002"),  # a release character
        lambda t: t.replace("UNT+", "UNT", 1),  # a bare UNT
    ],
)
def test_anything_unusual_reads_the_same_both_ways(edit):
    text = edit(LINES)
    assert text != LINES
    _same(text, chunks=(64, 500, 1 << 16))


@settings(
    max_examples=int(os.environ.get("ACORN_FUZZ_EXAMPLES", 60)),
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@given(
    cut=st.integers(0, len(LINES)),
    junk=st.text(alphabet="UNHTZBCPSLIGQ0123456789+:'?\n\r \x00é", max_size=12)
    | st.sampled_from(VALUES),
    span=st.integers(0, 30),
    chunk=st.sampled_from([16, 333, 1 << 16]),
)
def test_spliced_junk_reads_the_same_both_ways(cut, junk, span, chunk):
    _same(LINES[:cut] + junk + LINES[cut + span :], chunks=(chunk,))


def test_forget_memos_forgets_every_memo():
    _answer(LINES.encode("latin-1"), 1 << 16, True)
    edifact.forget_memos()
    memos = fast_path._memos(syntax.DEFAULT_DELIMITERS)
    assert not any(getattr(memos, name) for name in memos.__slots__)
    assert not any(reader._HEADS.values())
    assert not structure._CLEAN_SHAPES and not any(structure._CLEAN_SEGMENTS.values())
    assert structure._valid_date.cache_info().currsize == 0
