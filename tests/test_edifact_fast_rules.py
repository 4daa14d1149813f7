"""The one-pass "clean" checks of Amazon's rules agree with the generic checks.

``check_amazon`` first asks a one-pass check whether an ORDERS or DESADV message is clean and
only runs the generic checks (which locate every problem) when it is not sure. These tests
prove the shortcut never hides a problem: on the samples and on hypothesis-made variations of
them, ``check_amazon`` reports exactly the issues of the generic checks.
"""

import os
import tempfile

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.configuration import set_hypothesis_home_dir

from acorn_vendor_edi.core import edifact as e
from acorn_vendor_edi.core.edifact import documents, rules
from tests.edifact_samples import AMAZON, T0, VENDOR, purchase_order, shipment

set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "acorn-hypothesis"))


def _text(builder):
    return e.write_interchange([builder], VENDOR, AMAZON, "1001", prepared=T0, line_breaks=True)


PO = purchase_order()
SAMPLES = {
    "ORDERS": _text(e.render_orders(PO)),
    "DESADV": _text(e.render_desadv(shipment(PO))),
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
    "340123450000000011",
    "340123450000000012",
]


def _both(text):
    """[(fast-path answer, issues of check_amazon, issues of the generic checks)] per message."""
    out = []
    for path in ("shortcut", "generic"):
        [result] = e.read(text, amazon=False, parse=False)
        for k, mres in enumerate(result.messages):
            msg = mres.message
            before = len(msg.issues)
            if path == "shortcut":
                rules.check_amazon(msg)
                out.append([rules._FAST_CLEAN[msg.type](msg.body()), msg.issues[before:]])
            else:
                rules._check_amazon(msg, msg.body())
                out[k].append(msg.issues[before:])
    return [(fast, _issues_of(a), _issues_of(b)) for fast, a, b in out]


def _issues_of(issues):
    return [
        (i.code, i.text, i.severity, i.segment_tag, i.position, i.element, i.component)
        for i in issues
    ]


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_samples_take_the_shortcut_and_are_clean(kind):
    [(fast, issues, generic)] = _both(SAMPLES[kind])
    assert fast is True
    assert issues == generic == []


def test_bench_interchange_takes_the_shortcut():
    w = []
    for k in range(1, 4):
        po = purchase_order(number="P%07d" % k)
        w += [e.render_desadv(shipment(po, "S%d" % k, serial_base=k * 5)), e.render_orders(po)]
    text = e.write_interchange(w, VENDOR, AMAZON, "1001", prepared=T0, line_breaks=True)
    answers = _both(text)
    assert len(answers) == 6 and all(fast is True and not a and not b for fast, a, b in answers)


def _single_edits(text):
    """Every body segment dropped, doubled, and each of its components set to each of VALUES."""
    segs = text.split("'")
    for i, seg in enumerate(segs):
        tag = seg.strip()[:3]
        if tag in ("", "UNA", "UNB", "UNH", "UNT", "UNZ"):
            continue
        yield "'".join(segs[:i] + segs[i + 1 :])
        yield "'".join(segs[: i + 1] + [seg.strip()] + segs[i + 1 :])
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
def test_every_single_edit_reports_the_same_issues_as_the_generic_checks(kind):
    shortcuts = fallbacks = 0
    for text in _single_edits(SAMPLES[kind]):
        for fast, issues, generic in _both(text):
            assert issues == generic, text
            if fast:
                assert generic == [], text
            shortcuts += bool(fast)
            fallbacks += not fast
    assert shortcuts and fallbacks  # both roads were taken


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
def test_variations_report_the_same_issues_as_the_generic_checks(kind, data):
    text = _mutate(SAMPLES[kind], data)
    for fast, issues, generic in _both(text):
        assert issues == generic
        if fast:
            assert generic == []


def _documents(text):
    out = []
    for mres in e.read(text, amazon=False, parse=False)[0].messages:
        try:
            out.append(documents.PARSERS[mres.message.type](mres.message))
        except Exception as exc:  # the generic parsers may raise on broken input; so must we
            out.append(type(exc))
    return out


@pytest.mark.parametrize(("kind", "name"), [("DESADV", "_package_level_raw")])
def test_raw_readers_build_the_same_documents_as_the_generic_ones(monkeypatch, kind, name):
    """The one-walk readers over raw text against the generic readers, on every single edit."""
    texts = list(_single_edits(SAMPLES[kind]))
    raw_taken = []
    real = getattr(documents, name)

    def spy(*args):
        out = real(*args)
        raw_taken.append(out is not None)
        return out

    monkeypatch.setattr(documents, name, spy)
    fast = [_documents(t) for t in texts]
    assert any(raw_taken) and not all(raw_taken)  # both roads were taken
    monkeypatch.setattr(documents, name, lambda *args: None)
    generic = [_documents(t) for t in texts]
    for text, a, b in zip(texts, fast, generic, strict=True):
        assert a == b, text
