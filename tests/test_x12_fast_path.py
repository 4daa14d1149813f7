"""The fast-path reader of clean 856s agrees with the full path.

``fast_path.read_856`` checks the elements, the segment order and Amazon's rules and builds the
Shipment in one walk, and sends a set to the full path (Segments, loop tree, ``_AsnReader``,
which locate every problem) when it is not sure. These tests prove the shortcut changes no
answer: on the sample, on every single edit of it and on hypothesis-made variations (several
ASNs, small read chunks, bad characters), reading gives the same issues, documents, segments,
loop tree and 997 bookkeeping either way.
"""

import io
import os
import tempfile

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.configuration import set_hypothesis_home_dir

from acorn_vendor.core import domain
from acorn_vendor_edi.core import x12
from acorn_vendor_edi.core.x12 import fast_path

from . import x12_samples

set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "acorn-hypothesis"))

SAMPLE = x12.write([x12_samples.shipment()], x12_samples.env())


def _shapes():
    """Other shapes of ASN: items right under the order, a pallet of loose items, two POs and
    5010, and Amazon-rule problems the single edits cannot make."""
    po = x12_samples.purchase_order(lines=2)
    bare = x12_samples.shipment(po)
    bare.pallets, bare.cartons = [], []
    loose = x12_samples.shipment(po)
    loose.pallets[0].cartons = []
    loose.pallets[0].items = [domain.ContainerItem("1", domain.Quantity(10))]
    two = x12_samples.shipment(po)
    two.items[1].purchase_order_number = "OTHERPO1"
    two.items[1].lot = None
    two.cartons[0].items[0].lot = None
    prf_at_s = SAMPLE.replace("HL*1**S~\n", "HL*1**S~\nPRF*2JK3S9VC~\n").replace("SE*37", "SE*38")
    # Repeated segments where _AsnReader takes the first (MAN*GM, TD1, TD5, N3) or the last
    # (REF, DTM, LIN/SN1 are single): each copy differs, so taking the wrong one shows.
    twice = SAMPLE
    for old, new in (
        (
            "MAN*GM*006141410000010011~",
            f"MAN*GM*006141410000010011~MAN*GM*{x12_samples.sscc(501)}~",
        ),
        ("TD1*PLT94*1****G*250.5*LB~", "TD1*PLT94*1****G*250.5*LB~TD1*CTN25*3****G*9*KG~"),
        ("TD5**2*ABCD*M~", "TD5**2*ABCD*M~TD5**2*WXYZ*A~"),
        ("REF*BM*BOL9~", "REF*BM*BOL9~REF*BM*BOL10~"),
        ("DTM*036*20250630~", "DTM*036*20250630~DTM*036*20260101~"),
        ("DTM*011*20240304*1030~", "DTM*011*20240304*1030~DTM*011*20240305*1130~"),
    ):
        twice = twice.replace(old, new)
    twice = twice.replace("SE*37", "SE*43")
    return [
        twice,
        x12.write([bare], x12_samples.env()),
        x12.write([loose], x12_samples.env()),
        x12.write([two], x12_samples.env("5010")),
        prf_at_s,
        SAMPLE.replace("N3*1 Main St~\n", "N3*1 Main St~\nN3*2 Side St~\n").replace(
            "SE*37", "SE*38"
        ),
    ]


SHAPES = _shapes()
ENVELOPE = ("ISA", "GS", "ST", "SE", "GE", "IEA")
# Values that hit the rules: levels, parents, codes, qualifiers, counts, dates, numbers, SSCCs.
VALUES = [
    "",
    "0",
    "1",
    "2",
    "3",
    "4",
    "9",
    "10",
    "30",
    "-1",
    "6.0",
    "1.5",
    "+6",
    "X",
    "S",
    "O",
    "T",
    "P",
    "I",
    "GM",
    "BP",
    "VN",
    "EN",
    "UP",
    "IB",
    "LT",
    "SF",
    "ST",
    "EA",
    "CA",
    "00",
    "05",
    "011",
    "017",
    "036",
    "094",
    "BM",
    "CN",
    "BX",
    "LB",
    "KG",
    "M",
    "20240229",
    "20230229",
    "1261",
    x12_samples.sscc(77),
    x12_samples.sscc(77)[:-1] + "0",
    "00" + x12_samples.sscc(77),
    "12345",
    "HL",
    "N1",
    "REF",
    "DTM",
    "MAN",
    "PRF",
    "CTT",
    "LIN",
    "SN1",
    "ZZZ",
]


def _segments_of(tx):
    return [(seg.tag, seg.elements, seg.position, seg.raw) for seg in tx.segments]


def _tree_of(node):
    if node is None:
        return None
    return (
        node.tag,
        [(seg.tag, seg.position) for seg in node.segments],
        {tag: [_tree_of(child) for child in loops] for tag, loops in node.loops.items()},
    )


def _read(text, chunk_size):
    result = x12.parse(io.BytesIO(text.encode("utf-8", "surrogateescape")), chunk_size=chunk_size)
    sets = [
        (
            tx.set_id,
            tx.control,
            tx.issues,
            tx.document,
            _segments_of(tx),
            _tree_of(tx.tree),
            tx.ok,
        )
        for tx in result.transactions
    ]
    groups = [
        (g.control, g.received, g.accepted, g.transactions, g.issues)
        for inter in result.interchanges
        for g in inter.groups
    ]
    shortcuts = sum(tx._raw is not None for tx in result.transactions)
    return (result.issues, sets, groups), shortcuts


def _both(text, chunk_size=x12.reader.CHUNK_SIZE):
    """(answer with the fast path, answer on the full path, sets read by the fast path)."""
    fast, shortcuts = _read(text, chunk_size)
    real = dict(fast_path.READERS)
    fast_path.READERS.clear()
    try:
        generic, none = _read(text, chunk_size)
    finally:
        fast_path.READERS.update(real)
    assert none == 0
    return fast, generic, shortcuts


def test_sample_takes_one_pass_and_is_clean():
    fast, generic, shortcuts = _both(SAMPLE)
    assert shortcuts == 1 and fast == generic
    issues, [(_set, _control, tx_issues, doc, *_rest)], _groups = fast
    assert issues == [] and tx_issues == [] and doc.shipment_id == "ASN1000"
    assert [i.quantity.amount for i in doc.items] == [10, 20] and len(doc.pallets) == 1


def test_bench_interchange_takes_one_pass():
    docs = [x12_samples.shipment(serial=10000 + n * 10) for n in range(5)]
    for n, doc in enumerate(docs):
        doc.shipment_id = f"ASN{n:08d}"
    text = x12.write(docs, x12_samples.env())
    fast, generic, shortcuts = _both(text)
    assert shortcuts == 5 and fast == generic
    assert [t[3].shipment_id for t in fast[1]] == [doc.shipment_id for doc in docs]
    assert all(t[2] == [] for t in fast[1])


def _single_edits(text):
    """Every body segment dropped, doubled, and each of its elements (the tag too) set to each
    of VALUES."""
    segs = text.split("~")
    for i, seg in enumerate(segs):
        tag = seg.strip()[:3].rstrip("*")
        if tag in ("", *ENVELOPE):
            continue
        yield "~".join(segs[:i] + segs[i + 1 :])
        yield "~".join(segs[: i + 1] + [seg] + segs[i + 1 :])
        elements = seg.split("*")
        for el in range(1, len(elements)):  # a copy that differs in one element
            copy = "*".join(elements[:el] + ["1" + elements[el]] + elements[el + 1 :])
            yield "~".join(segs[: i + 1] + [copy] + segs[i + 1 :])
        for el in range(len(elements) + 1):
            for value in VALUES:
                new = elements + [""] * (el + 1 - len(elements))
                new[el] = ("\n" + value) if el == 0 else value
                yield "~".join(segs[:i] + ["*".join(new)] + segs[i + 1 :])


def test_every_single_edit_gives_the_same_answer_as_the_full_path():
    shortcuts = fallbacks = 0
    for text in _single_edits(SAMPLE):
        fast, generic, taken = _both(text)
        assert fast == generic, text
        shortcuts += taken
        fallbacks += 1 - taken
    assert shortcuts > 100 and fallbacks > 1000  # both paths were taken, many times


@pytest.mark.parametrize("shape", range(len(SHAPES)))
def test_other_shapes_give_the_same_answer_as_the_full_path(shape):
    fast, generic, shortcuts = _both(SHAPES[shape])
    assert fast == generic
    assert shortcuts == (shape != 4)  # PRF at the S level is an error: the full path says
    assert bool(fast[1][0][2]) == (shape == 4)
    for n, text in enumerate(_single_edits(SHAPES[shape])):
        if n % 5 == shape:  # a fifth of them: the sample's edits cover the rest
            fast, generic, _shortcuts = _both(text)
            assert fast == generic, text


def _mutate(text, data):
    segs = text.split("~")
    body = [i for i, seg in enumerate(segs) if seg.strip()[:3].rstrip("*") not in ("", *ENVELOPE)]
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.sampled_from(body))
        action = data.draw(st.sampled_from(["value", "value", "value", "drop", "copy", "char"]))
        if action == "drop":
            segs[i] = "\nREF*ZZ*X"
        elif action == "copy":
            segs[i] = segs[i] + "~" + segs[data.draw(st.sampled_from(body))]
        elif action == "char":
            at = data.draw(st.integers(0, len(segs[i])))
            bad = data.draw(st.sampled_from(["\x01", "\udc80", "\x7f", " ", "\t"]))
            segs[i] = segs[i][:at] + bad + segs[i][at:]
        else:
            elements = segs[i].split("*")
            el = data.draw(st.integers(1, max(1, len(elements))))
            while len(elements) <= el:
                elements.append("")
            elements[el] = data.draw(st.sampled_from(VALUES))
            segs[i] = "*".join(elements)
    return "~".join(segs)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_variations_give_the_same_answer_as_the_full_path(data):
    if data.draw(st.booleans()):
        docs = [
            x12_samples.shipment(serial=2000 + n * 10) for n in range(data.draw(st.integers(1, 3)))
        ]
        text = x12.write(docs, x12_samples.env())
    else:
        text = data.draw(st.sampled_from(SHAPES))
    text = _mutate(text, data)
    chunk_size = data.draw(st.sampled_from([7, 64, 333, x12.reader.CHUNK_SIZE]))
    fast, generic, _shortcuts = _both(text, chunk_size)
    assert fast == generic


@pytest.mark.parametrize("chunk_size", [1, 5, 50])
def test_small_chunks_still_take_one_pass(chunk_size):
    fast, generic, shortcuts = _both(SAMPLE, chunk_size)
    assert shortcuts == 1 and fast == generic
