"""Segment order and loops of the transaction sets Acorn handles (the subset Amazon uses of
X12 4010, same order as the standard so other translators accept what we write).

A structure is a list of entries: ``(tag, min, max)`` for a segment or
``(tag, min, max, [children])`` for a loop started by segment ``tag``.
"""

import functools
import operator
from dataclasses import dataclass

from .standard_sets import STANDARD_STRUCTURES
from .syntax import (
    AK3_LOOP_TOO_MANY,
    AK3_MISSING,
    AK3_NOT_IN_SET,
    AK3_SEQUENCE,
    AK3_TOO_MANY,
    AK3_UNEXPECTED,
    AK3_UNRECOGNIZED,
    OTHER_KNOWN,
    SEGMENT_SPECS,
)

N1_LOOP = ("N1", 0, 200, [("N2", 0, 2), ("N3", 0, 2), ("N4", 0, 1), ("REF", 0, 12), ("PER", 0, 3)])

STRUCTURES = {
    "850": [
        ("BEG", 1, 1),
        ("CUR", 0, 1),
        ("REF", 0, 12),
        ("PER", 0, 3),
        ("FOB", 0, 99),
        ("CSH", 0, 5),
        ("DTM", 0, 10),
        ("PKG", 0, 200),
        ("N9", 0, 1000, [("DTM", 0, 10), ("MSG", 0, 1000)]),
        N1_LOOP,
        (
            "PO1",
            1,
            100000,
            [("CTP", 0, 10), ("PID", 0, 1000), ("PO4", 0, 1), ("REF", 0, 12), ("DTM", 0, 10)],
        ),
        ("CTT", 0, 1),
    ],
    "855": [
        ("BAK", 1, 1),
        ("CUR", 0, 1),
        ("REF", 0, 12),
        ("DTM", 0, 10),
        N1_LOOP,
        (
            "PO1",
            0,
            100000,
            [
                ("CTP", 0, 25),
                ("PID", 0, 1000),
                ("PO4", 0, 1),
                ("REF", 0, 12),
                ("DTM", 0, 10),
                ("ACK", 0, 104, [("DTM", 0, 10)]),
            ],
        ),
        ("CTT", 0, 1),
    ],
    "856": [
        ("BSN", 1, 1),
        ("DTM", 0, 10),
        (
            "HL",
            1,
            200000,
            [
                ("LIN", 0, 1),
                ("SN1", 0, 1),
                ("PRF", 0, 1),
                ("PO4", 0, 1),
                ("PID", 0, 200),
                ("TD1", 0, 20),
                ("TD5", 0, 12),
                ("TD3", 0, 12),
                ("REF", 0, 99999),
                ("MAN", 0, 99999),
                ("DTM", 0, 10),
                ("FOB", 0, 1),
                N1_LOOP,
            ],
        ),
        ("CTT", 0, 1),
    ],
    "810": [
        ("BIG", 1, 1),
        ("CUR", 0, 1),
        ("REF", 0, 12),
        N1_LOOP,
        ("ITD", 0, 999),
        ("DTM", 0, 10),
        (
            "IT1",
            0,
            200000,
            [
                ("TXI", 0, 10),
                ("CTP", 0, 25),
                ("PID", 0, 1000),
                ("PO4", 0, 1),
                ("REF", 0, 12),
                ("DTM", 0, 10),
                ("SAC", 0, 25, [("TXI", 0, 10)]),
            ],
        ),
        ("TDS", 1, 1),
        ("TXI", 0, 10),
        ("SAC", 0, 25, [("TXI", 0, 10)]),
        ("CTT", 0, 1),
    ],
    "846": [
        ("BIA", 1, 1),
        ("CUR", 0, 1),
        ("DTM", 0, 10),
        ("REF", 0, 99),
        N1_LOOP,
        (
            "LIN",
            1,
            10000000,
            [("PID", 0, 1000), ("DTM", 0, 10), ("REF", 0, 99), ("QTY", 0, 99999, [("DTM", 0, 10)])],
        ),
        ("CTT", 0, 1),
    ],
    "852": [
        ("XQ", 1, 1),
        ("N9", 0, 10),
        ("N1", 0, 10, [("N2", 0, 2), ("N3", 0, 2), ("N4", 0, 1)]),
        ("LIN", 0, 9999999, [("PO4", 0, 1), ("N9", 0, 10), ("ZA", 1, 99999, [("SDQ", 0, 99999)])]),
        ("CTT", 0, 1),
    ],
    "860": [
        ("BCH", 1, 1),
        ("CUR", 0, 1),
        ("REF", 0, 12),
        ("DTM", 0, 10),
        N1_LOOP,
        (
            "POC",
            0,
            100000,
            [("CTP", 0, 25), ("PID", 0, 1000), ("PO4", 0, 1), ("REF", 0, 12), ("DTM", 0, 10)],
        ),
        ("CTT", 0, 1),
    ],
    "820": [
        ("BPR", 1, 1),
        ("TRN", 0, 1),
        ("CUR", 0, 1),
        ("REF", 0, 99999),
        ("DTM", 0, 99999),
        ("N1", 0, 99999, [("N2", 0, 99999), ("N3", 0, 99999), ("N4", 0, 1), ("REF", 0, 99999)]),
        (
            "ENT",
            0,
            99999,
            [
                ("ADX", 0, 99999, [("REF", 0, 99999)]),
                ("RMR", 0, 99999, [("REF", 0, 99999), ("DTM", 0, 99999), ("ADX", 0, 99999)]),
            ],
        ),
    ],
    "812": [
        ("BCD", 1, 1),
        ("CUR", 0, 1),
        ("N9", 0, 999),
        ("DTM", 0, 999),
        ("N1", 1, 999, [("N2", 0, 1), ("N3", 0, 99999), ("N4", 0, 1)]),
        ("CDD", 0, 99999, [("LIN", 0, 1), ("PO4", 0, 1), ("DTM", 0, 99999)]),
    ],
    "997": [
        ("AK1", 1, 1),
        ("AK2", 0, 999999, [("AK3", 0, 999999, [("AK4", 0, 99)]), ("AK5", 1, 1)]),
        ("AK9", 1, 1),
    ],
}

FUNCTIONAL_IDS = {
    "850": "PO",
    "855": "PR",
    "856": "SH",
    "810": "IN",
    "846": "IB",
    "852": "PD",
    "860": "PC",
    "997": "FA",
    "812": "CD",
    "820": "RA",
}


class Segment:
    """One segment of a transaction set: ``elements[0]`` is element 01 (the tag excluded)."""

    __slots__ = ("tag", "elements", "position", "raw")

    def __init__(self, tag, elements, position, raw=None):
        self.tag = tag
        self.elements = elements
        self.position = position  # in the transaction set, ST = 1
        self.raw = raw  # the segment as read (for memoised checks)

    def get(self, pos, default=""):
        """Element ``pos`` (1-based) or ``default`` when absent/empty."""
        try:
            return self.elements[pos - 1] or default
        except IndexError:
            return default

    def __repr__(self):
        return f"Segment({self.tag!r}, {self.elements!r}, {self.position})"


class Node:
    """One loop instance; the transaction body is the root node (``tag`` = set id)."""

    __slots__ = ("tag", "segments", "loops")

    def __init__(self, tag, segments=None, loops=None):
        self.tag = tag
        self.segments = [] if segments is None else segments
        self.loops = {} if loops is None else loops

    def __repr__(self):
        return f"Node({self.tag!r}, {len(self.segments)} segments, loops={list(self.loops)})"

    def first(self, tag):
        for seg in self.segments:
            if seg.tag == tag:
                return seg
        return None

    def all(self, tag):
        return [seg for seg in self.segments if seg.tag == tag]

    def loop(self, tag):
        return self.loops.get(tag, [])

    @property
    def head(self):
        return self.segments[0] if self.segments else None


@dataclass
class GrammarError:
    segment: Segment | None
    tag: str
    position: int
    code: str  # AK304
    message: str
    loop: str | None = None
    severity: str = "error"  # "warning": a segment Amazon does not use, not read (AK5 E)


def _find(entries, tag, start):
    for idx in range(start, len(entries)):
        if entries[idx][0] == tag:
            return idx
    return None


_PLANS = {}
_TAG = operator.attrgetter("tag")
_PLAN_LIMIT = 512


def match(set_id, segments):
    """Fit ``segments`` (ST and SE excluded) to the set's structure -> (root Node, errors).

    The fit depends only on the sequence of segment tags, so it is computed once per distinct
    sequence (files repeat a few shapes thousands of times) and replayed on the segments.
    """
    layout, error_specs = plan(set_id, tuple(map(_TAG, segments)))
    errors = [
        GrammarError(
            segments[idx] if idx is not None else None,
            tag,
            position,
            code,
            message,
            severity=severity,
        )
        for idx, tag, position, code, message, severity in error_specs
    ]
    return _build(layout, segments), errors


def plan(set_id, tags):
    """(layout, error specs) of a sequence of segment tags, computed once per sequence."""
    found = _PLANS.get((set_id, tags))
    if found is None:
        if len(_PLANS) >= _PLAN_LIMIT:
            _PLANS.clear()
        found = _PLANS[(set_id, tags)] = _plan(set_id, tags)
    return found


def _plan(set_id, tags):
    probe = [Segment(tag, [], idx + 2) for idx, tag in enumerate(tags)]
    root, errors = _match(set_id, probe)
    if any(err.segment is not None and err.code in _OUT_OF_PLACE for err in errors):
        root, errors = _without_unused(set_id, probe, root, errors)
    specs = [
        (
            err.segment.position - 2 if err.segment is not None else None,
            err.tag,
            err.position,
            err.code,
            err.message,
            err.severity,
        )
        for err in errors
    ]
    return _layout(root), specs


def _layout(node):
    return (
        node.tag,
        [seg.position - 2 for seg in node.segments],
        [(tag, [_layout(child) for child in children]) for tag, children in node.loops.items()],
    )


def _build(layout, segments):
    tag, indexes, loops = layout
    own = [segments[i] for i in indexes]
    if not loops:  # most nodes (HL levels below the order) have no loops of their own
        return Node(tag, own, {})
    return Node(
        tag,
        own,
        {loop_tag: [_build(child, segments) for child in children] for loop_tag, children in loops},
    )


def _match(set_id, segments):
    return _fit(STRUCTURES[set_id], segments, set_id)


def _fit(structure, segments, root_tag):
    errors = []
    root = Node(root_tag)
    known = _tags(structure)
    end_pos = (segments[-1].position + 1) if segments else 2
    stack = []
    index = _level(structure, segments, 0, root, stack, errors, known, end_pos)
    for seg in segments[index:]:  # only reached when a parent-level tag stopped the walk
        errors.append(
            GrammarError(
                seg,
                seg.tag,
                seg.position,
                AK3_SEQUENCE,
                f"segment {seg.tag} is not in its proper place",
            )
        )
    return root, errors


# Codes of the segments the fit steps over: not read into the tree.
_OUT_OF_PLACE = frozenset((AK3_UNRECOGNIZED, AK3_NOT_IN_SET, AK3_SEQUENCE))


def _without_unused(set_id, probe, root, errors):
    """The fit without the segments X12 4010 allows where they are but Amazon's guide does
    not use: they become warnings (AK3 code 2) and are not read. Only when the standard's own
    fit finds nothing the new fit misses (the segments do not break the structure) and Acorn
    can check their elements; else the fit is returned as it was."""
    standard = STANDARD_STRUCTURES.get(set_id)
    if standard is None:
        return root, errors
    std_root, std_errors = _fit(standard, probe, set_id)
    misplaced = {err.segment.position for err in std_errors if err.segment is not None}
    used = _paths(set_id)
    unused = [
        seg
        for path, seg in _placed(std_root, ())
        if path not in used and seg.position not in misplaced and seg.tag in SEGMENT_SPECS
    ]
    if not unused:
        return root, errors
    dropped = {seg.position for seg in unused}
    kept_root, kept_errors = _match(set_id, [seg for seg in probe if seg.position not in dropped])
    if not _error_keys(std_errors) <= _error_keys(kept_errors):
        return root, errors
    notes = [
        GrammarError(
            seg,
            seg.tag,
            seg.position,
            AK3_UNEXPECTED,
            f"segment {seg.tag} is allowed here by X12 4010 but Amazon's guide does not use it;"
            " it was not read",
            severity="warning",
        )
        for seg in unused
    ]
    return kept_root, sorted(kept_errors + notes, key=operator.attrgetter("position"))


def _error_keys(errors):
    """What an error is about, whatever fit found it: the segment, or the missing tag."""
    return {(err.position, err.tag) if err.segment is not None else err.tag for err in errors}


@functools.cache
def _paths(set_id):
    """The places (loop tags, then the segment's) Amazon's structure has for a set."""
    return frozenset(_entry_paths(STRUCTURES[set_id], ()))


def _entry_paths(entries, where):
    for entry in entries:
        path = (*where, entry[0])
        yield path  # a loop's first segment has the loop's place
        if len(entry) == 4:
            yield from _entry_paths(entry[3], path)


def _placed(node, where):
    """(path, segment) of every segment in a fitted tree, paths as in ``_entry_paths``; a
    loop's first segment has the loop's path, whether the other structure makes it a loop or
    a single segment."""
    for index, seg in enumerate(node.segments):
        yield (where if where and index == 0 else (*where, seg.tag)), seg
    for tag, children in node.loops.items():
        for child in children:
            yield from _placed(child, (*where, tag))


def _tags(structure):
    out = set()
    for entry in structure:
        out.add(entry[0])
        if len(entry) == 4:
            out |= _tags(entry[3])
    return out


def _level(entries, segs, i, node, stack, errors, known, end_pos):
    frame = [entries, 0]
    counts = {}
    stack.append(frame)
    try:
        while i < len(segs):
            seg = segs[i]
            j = _find(entries, seg.tag, frame[1])
            if j is not None:
                _missing(entries, frame[1], j, counts, seg.position, errors, seg.tag)
                frame[1] = j
                entry = entries[j]
                counts[j] = counts.get(j, 0) + 1
                if counts[j] == entry[2] + 1:
                    code = AK3_LOOP_TOO_MANY if len(entry) == 4 else AK3_TOO_MANY
                    errors.append(
                        GrammarError(
                            seg,
                            seg.tag,
                            seg.position,
                            code,
                            f"{seg.tag} occurs more than {entry[2]} times",
                        )
                    )
                if len(entry) == 4:
                    child = Node(seg.tag, [seg])
                    node.loops.setdefault(seg.tag, []).append(child)
                    i = _level(entry[3], segs, i + 1, child, stack, errors, known, end_pos)
                else:
                    node.segments.append(seg)
                    i += 1
                continue
            if _in_parents(stack, seg.tag):
                break
            if seg.tag in known:
                code, what = AK3_SEQUENCE, "is not in its proper place"
            elif seg.tag in SEGMENT_SPECS or seg.tag in OTHER_KNOWN:
                code, what = AK3_NOT_IN_SET, "is not used in this transaction set"
            else:
                code, what = AK3_UNRECOGNIZED, "is not an X12 segment Acorn knows"
            errors.append(
                GrammarError(seg, seg.tag, seg.position, code, f"segment {seg.tag} {what}")
            )
            i += 1
        position = segs[i].position if i < len(segs) else end_pos
        _missing(entries, frame[1], len(entries), counts, position, errors, None)
        return i
    finally:
        stack.pop()


def _in_parents(stack, tag):
    for entries, k in reversed(stack[:-1]):
        if _find(entries, tag, k) is not None:
            return True
    return False


def _missing(entries, start, stop, counts, position, errors, before):
    for idx in range(start, stop):
        entry = entries[idx]
        if entry[1] and counts.get(idx, 0) < entry[1]:
            where = f" before {before}" if before else ""
            errors.append(
                GrammarError(
                    None,
                    entry[0],
                    position,
                    AK3_MISSING,
                    f"mandatory segment {entry[0]} is missing{where}",
                )
            )
            counts[idx] = entry[1]
