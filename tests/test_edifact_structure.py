"""The shape regex only accepts tag sequences the structure matcher finds nothing wrong with.

``structure._shape_pattern`` lets a message whose shape is new skip the matcher. It must never
accept a body the matcher would flag: these tests build tag sequences near the real ones
(segments dropped, doubled, moved, inserted from the message's own tags and from others') and
check, for both forms of the pattern (with atomic groups, and without for Python 3.10), that
an accepted sequence is clean for the matcher and that both forms agree.
"""

import os
import tempfile

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.configuration import set_hypothesis_home_dir

from acorn_vendor_edi.core import edifact
from acorn_vendor_edi.core.edifact import structure
from acorn_vendor_edi.core.edifact.reader import InterchangeHeader, Message
from acorn_vendor_edi.core.edifact.syntax import Segment
from tests.edifact_samples import AMAZON, T0, VENDOR, builders

set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "acorn-hypothesis"))

BUILDERS = builders()


def _tags(kind):
    text = edifact.write_interchange([BUILDERS[kind]], VENDOR, AMAZON, "1", prepared=T0)
    [result] = edifact.read(text, amazon=False, parse=False)
    return [s.tag for s in result.messages[0].message.body()]


SAMPLE_TAGS = {kind: _tags(kind) for kind in BUILDERS}
OTHER_TAGS = ["BGM", "DTM", "UNS", "CNT", "LIN", "QTY", "NAD", "FTX", "ZZZ", "MOA", "RFF"]


def _matcher_clean(kind, tags, nodes=None):
    """True when the matcher itself finds nothing in a body of these tags."""
    segments = [Segment("UNH", [])] + [Segment(t, []) for t in tags] + [Segment("UNT", [])]
    msg = Message(type=kind, segments=segments, interchange=InterchangeHeader())
    at = structure._Where(msg)
    state = structure._Level(nodes or structure.structure(kind))
    i = 0
    while i < len(tags):
        i = structure._match(state, tags, i, msg, at, top=True)
    state.finish(msg, at, len(tags))
    return not msg.issues


def _verdicts(kind, tags):
    joined = "".join(tags)
    native = bool(structure.shape_regex(kind, native=True).match(joined))
    plain = bool(structure.shape_regex(kind, native=False).match(joined))
    return native, plain


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_real_shapes_are_accepted(kind):
    tags = SAMPLE_TAGS[kind]
    assert _matcher_clean(kind, tags)
    assert _verdicts(kind, tags) == (True, True)


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_every_single_change_of_a_real_shape(kind):
    tags = SAMPLE_TAGS[kind]
    alphabet = sorted(structure._known_tags(kind)) + ["ZZZ"]
    variants = []
    for i in range(len(tags)):
        variants.append(tags[:i] + tags[i + 1 :])
        variants.append(tags[: i + 1] + tags[i:])
        variants.append(tags[:i] + tags[i + 1 :] + [tags[i]])
        variants.extend(tags[:i] + [t] + tags[i:] for t in alphabet)
        variants.extend(tags[:i] + [tags[i]] * n + tags[i + 1 :] for n in range(3, 13))
    accepted = refused = 0
    for variant in variants:
        native, plain = _verdicts(kind, variant)
        assert native == plain, variant
        if native:
            assert _matcher_clean(kind, variant), variant
        accepted += native
        refused += not native
    assert accepted and refused


@settings(
    max_examples=int(os.environ.get("ACORN_FUZZ_EXAMPLES", 300)),
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@given(kind=st.sampled_from(sorted(BUILDERS)), data=st.data())
def test_random_changes_of_real_shapes(kind, data):
    tags = list(SAMPLE_TAGS[kind])
    alphabet = sorted(structure._known_tags(kind)) + OTHER_TAGS
    for _ in range(data.draw(st.integers(1, 6))):
        action = data.draw(st.sampled_from(["insert", "drop", "copy", "repeat"]))
        i = data.draw(st.integers(0, max(0, len(tags) - 1)))
        if action == "insert" or not tags:
            tags.insert(i, data.draw(st.sampled_from(alphabet)))
        elif action == "drop":
            del tags[i]
        elif action == "copy":
            tags.insert(data.draw(st.integers(0, len(tags))), tags[i])
        else:
            j = data.draw(st.integers(i, min(len(tags), i + 6)))
            tags[j:j] = tags[i:j] * data.draw(st.integers(1, 3))
    native, plain = _verdicts(kind, tags)
    assert native == plain
    if native:
        assert _matcher_clean(kind, tags), tags


# Small grammars where a tag can go to more than one node: where backtracking would accept
# what the greedy matcher flags, unless every node refuses its own tag past its repeats.
GRAMMARS = [
    "AAA 0 1\nBBB 0 1\nAAA 0 1\n",
    "AAA 0 2\n  BBB 0 1\nBBB 0 1\n",
    "AAA 1 1\nBBB 0 3\n  CCC 0 1\n  BBB 0 1\nCCC 0 2\n",
    "AAA 0 1\n  BBB 0 2\n    CCC 0 1\n  CCC 0 1\nCCC 0 1\nBBB 0 1\n",
    "BBB 1 2\n  AAA 1 1\nAAA 0 1\n  BBB 0 1\n",
]


@settings(max_examples=400, deadline=None, database=None, derandomize=True)
@given(
    grammar=st.sampled_from(GRAMMARS),
    tags=st.lists(st.sampled_from(["AAA", "BBB", "CCC"]), max_size=8),
)
def test_ambiguous_grammars(grammar, tags):
    nodes = structure.parse_structure(grammar)
    joined = "".join(tags)
    native = bool(structure.compile_shape(nodes, native=True).match(joined))
    plain = bool(structure.compile_shape(nodes, native=False).match(joined))
    assert native == plain
    if native:
        assert _matcher_clean("XXXXXX", tags, nodes), tags


def test_ambiguous_grammars_need_the_refusals():
    """The cases the refusals are for: without them the pattern would accept these."""
    nodes = structure.parse_structure(GRAMMARS[0])
    assert not _matcher_clean("XXXXXX", ["AAA", "AAA"], nodes)
    assert not structure.compile_shape(nodes, native=True).match("AAAAAA")
    nodes = structure.parse_structure(GRAMMARS[1])
    assert not _matcher_clean("XXXXXX", ["AAA", "BBB", "BBB"], nodes)
    assert not structure.compile_shape(nodes, native=True).match("AAABBBBBB")
    assert structure.compile_shape(nodes, native=True).match("AAABBBAAA")
