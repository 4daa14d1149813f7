"""The fast-path readers of clean ORDERS and DESADV agree with the full path.

``fast_path`` checks Amazon's rules and builds the document in one walk, and sends a message to
the generic rules and parsers (which locate every problem) when it is not sure. These tests
prove the shortcut changes no answer: on the samples, on every single edit of them and on
hypothesis-made variations, reading gives the same issues and the same document either way.
"""

import os
import tempfile

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.configuration import set_hypothesis_home_dir

from acorn_vendor_edi.core import edifact
from acorn_vendor_edi.core.edifact import documents, fast_path, rules
from tests.edifact_samples import AMAZON, T0, VENDOR, purchase_order, shipment

set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "acorn-hypothesis"))


def _text(builder):
    return edifact.write_interchange(
        [builder], VENDOR, AMAZON, "1001", prepared=T0, line_breaks=True
    )


PO = purchase_order()
SAMPLES = {
    "ORDERS": _text(edifact.render_orders(PO)),
    "DESADV": _text(edifact.render_desadv(shipment(PO))),
}
# Values that hit the rules: codes, qualifiers, counts, bad numbers, escapes, empties.
VALUES = [
    "",
    "0",
    "1",
    "2",
    "3",
    "5",
    "-1",
    "X",
    "21",
    "12",
    "11",
    "137",
    "ON",
    "BJ",
    "EN",
    "UP",
    "BP",
    "ZZ",
    "BY",
    "SU",
    "DP",
    "ST",
    "351",
    "220",
    "AAA",
    "AAB",
    "CS",
    "BX",
    "361",
    "4006381333931",
    "4006381333932",
    "A?+B",
    "AAD",
    "201",
    "PD",
    "VA",
    "94",
    "64",
    "340123450000000011",
    "340123450000000012",
]


def _both(text):
    """[(fast-path document, (issues, document) of ``read``, the same on the full path)].

    Where the fast path gave a document, the generic rules must find nothing in the
    message and the generic parser must build that very document.
    """
    out = []
    [result] = edifact.read(text, amazon=False, parse=False)
    taken = []
    for m in result.messages:
        msg = m.message
        plain = msg.plain_texts()
        doc = fast_path.READERS[msg.type](*plain) if plain is not None else None
        if doc is not None:
            before = len(msg.issues)
            rules.check_amazon(msg)
            assert msg.issues[before:] == [], text
            assert documents.PARSERS[msg.type](msg) == doc, text
        taken.append(doc)
    [fast] = edifact.read(text)
    real = dict(fast_path.READERS)
    fast_path.READERS.clear()
    try:
        [generic] = edifact.read(text)
    finally:
        fast_path.READERS.update(real)
    for doc, a, b in zip(taken, fast.messages, generic.messages, strict=True):
        out.append((doc, (_issues_of(a.issues), a.document), (_issues_of(b.issues), b.document)))
    return out


def _issues_of(issues):
    return [
        (i.code, i.text, i.severity, i.segment_tag, i.position, i.element, i.component)
        for i in issues
    ]


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_samples_take_one_pass_and_are_clean(kind):
    [(doc, (issues, document), generic)] = _both(SAMPLES[kind])
    assert doc is not None and doc == document
    assert issues == [] and (issues, document) == generic


def test_bench_interchange_takes_one_pass():
    w = []
    for k in range(1, 4):
        po = purchase_order(number="P%07d" % k)
        w += [
            edifact.render_desadv(shipment(po, "S%d" % k, serial_base=k * 5)),
            edifact.render_orders(po),
        ]
    text = edifact.write_interchange(w, VENDOR, AMAZON, "1001", prepared=T0, line_breaks=True)
    answers = _both(text)
    assert len(answers) == 6
    for doc, fast, generic in answers:
        assert doc is not None and fast == generic and fast[0] == [] and fast[1] == doc


def _single_edits(text):
    """Every body segment dropped, doubled, moved to the end of its message, and each of its
    components set to each of VALUES."""
    segs = text.split("'")
    for i, seg in enumerate(segs):
        tag = seg.strip()[:3]
        if tag in ("", "UNA", "UNB", "UNH", "UNT", "UNZ"):
            continue
        yield "'".join(segs[:i] + segs[i + 1 :])
        yield "'".join(segs[: i + 1] + [seg.strip()] + segs[i + 1 :])
        unt = next(k for k in range(i, len(segs)) if segs[k].strip()[:3] == "UNT")
        yield "'".join(segs[:i] + segs[i + 1 : unt] + [seg] + segs[unt:])
        elements = seg.split("+")
        for el in range(1, len(elements) + 1):
            comps = (elements[el] if el < len(elements) else "").split(":")
            for c in range(len(comps) + 1):
                for value in VALUES:
                    new_comps = comps + [""] * (c + 1 - len(comps))
                    new_comps[c] = value
                    new_elements = elements + [""] * (el + 1 - len(elements))
                    new_elements[el] = ":".join(new_comps)
                    yield "'".join(segs[:i] + ["+".join(new_elements)] + segs[i + 1 :])


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_every_single_edit_gives_the_same_answer_as_the_full_path(kind):
    shortcuts = fallbacks = 0
    for text in _single_edits(SAMPLES[kind]):
        for doc, fast, generic in _both(text):
            assert fast == generic, text
            shortcuts += doc is not None
            fallbacks += doc is None
    assert shortcuts and fallbacks  # both paths were taken


def _mutate(text, data):
    segs = text.split("'")
    body = [i for i, s in enumerate(segs) if s.strip()[:3] not in ("", "UNA", "UNB", "UNH")]
    body = [i for i in body if segs[i].strip()[:3] not in ("UNT", "UNZ")]
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.sampled_from(body))
        action = data.draw(st.sampled_from(["value", "value", "value", "drop", "copy"]))
        if action == "drop":
            segs[i] = segs[i][: len(segs[i]) - len(segs[i].lstrip())] + "FTX+AAI"
        elif action == "copy":
            segs[i] = segs[i] + "'" + segs[i].strip()
        else:
            elements = segs[i].split("+")
            el = data.draw(st.integers(1, max(1, len(elements))))
            while len(elements) <= el:
                elements.append("")
            comps = elements[el].split(":")
            c = data.draw(st.integers(0, len(comps)))
            while len(comps) <= c:
                comps.append("")
            comps[c] = data.draw(st.sampled_from(VALUES))
            elements[el] = ":".join(comps)
            segs[i] = "+".join(elements)
    return "'".join(segs)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(kind=st.sampled_from(sorted(SAMPLES)), data=st.data())
def test_variations_give_the_same_answer_as_the_full_path(kind, data):
    text = _mutate(SAMPLES[kind], data)
    for _doc, fast, generic in _both(text):
        assert fast == generic
