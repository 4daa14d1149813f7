"""Message-level checks: segment order and repeats against D.96A, and data element formats.

Every finding is recorded on the :class:`~.reader.Message` with the segment position and the
element/component number, so a CONTRL UCS/UCD can point at it.
"""

import re
import sys
from functools import cache, lru_cache

from . import syntax
from .element_directory import DIRECTORY
from .structure_tables import STRUCTURES


class Node:
    __slots__ = ("tag", "min", "max", "children")

    def __init__(self, tag, lo, hi):
        self.tag = tag
        self.min = lo
        self.max = hi
        self.children = []


@cache
def structure(msg_type):
    """Parsed structure of a message type, or None when the type is not known here."""
    text = STRUCTURES.get(msg_type)
    return None if text is None else parse_structure(text)


def parse_structure(text):
    """Nodes of a structure as written in ``structure_tables`` (``TAG min max``, indented)."""
    root = Node("UNH", 1, 1)
    stack = [(-1, root)]
    for line in text.strip("\n").splitlines():
        depth = (len(line) - len(line.lstrip(" "))) // 2
        tag, lo, hi = line.split()
        node = Node(tag, int(lo), int(hi))
        while stack[-1][0] >= depth:
            stack.pop()
        stack[-1][1].children.append(node)
        stack.append((depth, node))
    return root.children


@cache
def _known_tags(msg_type):
    tags = set()

    def walk(nodes):
        for n in nodes:
            tags.add(n.tag)
            walk(n.children)

    walk(structure(msg_type) or [])
    return frozenset(tags)


# Tag sequences already matched without a finding: real files repeat the same message shapes
# (one ORDERS per PO with N lines), so most messages skip the matcher entirely.
_CLEAN_SHAPES = {}
_CLEAN_SHAPES_MAX = 4096


@cache
def _shape_pattern(msg_type):
    """A regex over a body's tags, joined, that accepts only what the matcher finds clean.

    One C-level match instead of the matcher for a message whose shape is new; anything it
    refuses goes to the matcher, which locates the problem, so it only needs to be safe.
    """
    return shape_regex(msg_type, native=sys.version_info >= (3, 11))


def shape_regex(msg_type, native):
    """The pattern of ``_shape_pattern``; ``native`` uses atomic groups (Python 3.11+)."""
    return compile_shape(structure(msg_type), native)


def compile_shape(nodes, native):
    """The shape regex of a structure (see ``shape_regex``).

    The matcher (``_match``) is greedy and never backtracks: a tag goes to the first node from
    the current one that has it, a group's segments are taken before its parent's, and a tag
    past a node's maximum is a finding. Here every node refuses its own tag after its repeats,
    which leaves the pattern one way to go at each tag, the matcher's. Atomic groups and
    possessive repeats (Python 3.11+) only spare the engine from trying the others.
    tests/test_edifact_structure checks both forms on real and on ambiguous structures.
    """

    group, repeat = (
        ("(?>%s)", "(?:%s){%d,%d}+(?!%s)") if native else ("(?:%s)", "(?:%s){%d,%d}(?!%s)")
    )

    def level(nodes):
        out = []
        for node in nodes:
            unit = node.tag + (group % level(node.children) if node.children else "")
            out.append(repeat % (unit, node.min, node.max, node.tag))
        return "".join(out)

    return re.compile(level(nodes) + r"\Z")


def check_structure(msg):
    """Match the message body against its D.96A structure; issues go onto ``msg``."""
    nodes = structure(msg.type)
    if nodes is None:
        return False
    if msg.texts is not None:
        shape = (msg.type, *msg.heads)  # heads fix the tags: the same memo serves both
        if shape in _CLEAN_SHAPES:
            return True
        tags = [head[:3] for head in msg.heads]
    else:
        tags = [seg.tag for seg in msg.body()]
        shape = (msg.type, *tags)
        if shape in _CLEAN_SHAPES:
            return True
    before = len(msg.issues)
    if not _shape_pattern(msg.type).match("".join(tags)):
        at = _Where(msg)
        i = 0
        state = _Level(nodes)
        while i < len(tags):
            i = _match(state, tags, i, msg, at, top=True)
        state.finish(msg, at, len(tags))
    if len(msg.issues) == before:
        if len(_CLEAN_SHAPES) >= _CLEAN_SHAPES_MAX:
            _CLEAN_SHAPES.clear()
        _CLEAN_SHAPES[shape] = True
    return True


class _Where:
    """The segment an issue points at, body index ``i`` (UNT past the end); the matcher works
    on tags, so a clean message read as text never has its Segments made."""

    __slots__ = ("msg", "body")

    def __init__(self, msg):
        self.msg = msg
        self.body = None

    def __call__(self, i):
        if self.body is None:
            self.body = self.msg.body()
        if i < len(self.body):
            return self.body[i]
        segs = self.msg.segments
        return segs[-1] if segs and segs[-1].tag == "UNT" else None


class _Level:
    __slots__ = ("nodes", "idx", "counts")

    def __init__(self, nodes):
        self.nodes = nodes
        self.idx = 0
        self.counts = [0] * len(nodes)

    def finish(self, msg, at, i):
        for k in range(self.idx, len(self.nodes)):
            node = self.nodes[k]
            if self.counts[k] < node.min:
                msg.issue(
                    syntax.ERR_MISSING,
                    "Mandatory segment %s is missing before this point" % node.tag,
                    at(i),
                )


def _match(level, tags, i, msg, at, top=False):
    nodes = level.nodes
    n = len(nodes)
    while i < len(tags):
        tag = tags[i]
        j = level.idx
        while j < n and nodes[j].tag != tag:
            j += 1
        if j == n:
            if not top:
                return i
            known = tag in _known_tags(msg.type)
            msg.issue(
                syntax.ERR_NOT_SUPPORTED_HERE,
                (
                    "Segment %s is out of order or in the wrong group for %s"
                    if known
                    else "Segment %s is not part of the D.96A %s message"
                )
                % (tag, msg.type),
                at(i),
            )
            return i + 1
        for k in range(level.idx, j):
            if level.counts[k] < nodes[k].min:
                msg.issue(
                    syntax.ERR_MISSING,
                    "Mandatory segment %s is missing before %s" % (nodes[k].tag, tag),
                    at(i),
                )
        level.idx = j
        node = nodes[j]
        level.counts[j] += 1
        if level.counts[j] > node.max:
            msg.issue(
                syntax.ERR_GROUP_TOO_MANY if node.children else syntax.ERR_SEGMENT_TOO_MANY,
                "%s %s repeats more than %d times"
                % ("Segment group of" if node.children else "Segment", tag, node.max),
                at(i),
            )
        i += 1
        if node.children:
            child = _Level(node.children)
            i = _match(child, tags, i, msg, at)
            child.finish(msg, at, i)
    return i


# -- data elements ----------------------------------------------------------------------------

# "element.component:format", a leading "M" marks it mandatory when the segment is present.
# Formats: an..N, anN, a..N, n..N, nN (numeric lengths exclude sign and decimal mark).
_SPECS = {
    "BGM": "1.1:an..3 1.4:an..35 2:an..35 3:an..3 4:an..3",
    "DTM": "M1.1:an..3 M1.2:an..35 M1.3:an..3",
    "RFF": "M1.1:an..3 1.2:an..35 1.3:an..6",
    "NAD": "M1:an..3 2.1:an..35 2.2:an..3 2.3:an..3 4.1:an..35 4.2:an..35 5.1:an..35 "
    "5.2:an..35 6:an..35 7:an..9 8:an..9 9:an..3",
    "CUX": "1.1:an..3 1.2:an..3 1.3:an..3 1.4:n..4",
    "LIN": "1:an..6 2:an..3 3.1:an..35 3.2:an..3",
    "PIA": "M1:an..3 M2.1:an..35 2.2:an..3 3.1:an..35 3.2:an..3",
    "QTY": "M1.1:an..3 M1.2:n..15 1.3:an..3",
    "PRI": "M1.1:an..3 1.2:n..15 1.3:an..3 1.4:an..3 1.5:n..9 1.6:an..3",
    "MOA": "M1.1:an..3 1.2:n..18 1.3:an..3 1.4:an..3",
    "CNT": "M1.1:an..3 M1.2:n..18",
    "UNS": "M1:a1",
    "LOC": "M1:an..3 2.1:an..25 2.2:an..3 2.3:an..3",
    "CPS": "M1:an..12 2:an..12 3:an..3",
    "PAC": "1:n..8 2.1:an..3 3.1:an..17",
    "PCI": "1:an..3",
    "GIN": "M1:an..3 M2.1:an..35 2.2:an..35",
    "TDT": "M1:an..3 2:an..17 3.1:an..3",
    "TAX": "M1:an..3 2.1:an..3 5.4:an..17",
    "PAT": "M1:an..3",
    "ALC": "M1:an..3",
    "UCI": "M1:an..14 M2.1:an..35 M3.1:an..35 M4:an..3 5:an..3 6:a3",
    "UCM": "M1:an..14 M2.1:an..6 M2.2:an..3 M2.3:an..3 M2.4:an..2 M3:an..3 4:an..3",
    "UCS": "M1:n..6 2:an..3",
    "UCD": "M1:an..3 M2.1:n..3 2.2:n..3",
}
_FMT = re.compile(r"([Mm]?)(\d+)(?:\.(\d+))?:(an|a|n)(\.\.)?(\d+)\Z")
_MANDATORY = {"": 0, "m": 1, "M": 2}  # m: when its composite is there


def _items(text):
    for item in text.split():
        mand, el, comp, kind, var, size = _FMT.match(item).groups()
        yield (int(el) - 1, int(comp or 1) - 1), (_MANDATORY[mand], kind, bool(var), int(size))


@cache
def _spec(tag):
    """(element, component, mandatory, kind, variable, size) of each checked component: the
    directory's, made stricter where Amazon's rules (``_SPECS``) are."""
    merged = dict(_items(DIRECTORY.get(tag, "")))
    for key, (mand, kind, var, size) in _items(_SPECS.get(tag, "")):
        if key in merged:
            their_mand, their_kind, their_var, their_size = merged[key]
            mand = max(mand, their_mand)
            kind = their_kind if kind == "an" else kind  # n or a is stricter than an
            var = var and their_var
            size = min(size, their_size)
        merged[key] = (mand, kind, var, size)
    return tuple((el, comp, *rest) for (el, comp), rest in sorted(merged.items()))


@cache
def _constituents(tag):
    """(number of elements, {element: number of components}) the directory allows a segment,
    or None for a segment it does not list."""
    text = DIRECTORY.get(tag)
    if text is None:
        return None
    components = {}
    for item in text.split():
        el, _, comp = item.split(":")[0].lstrip("Mm").partition(".")
        components[int(el) - 1] = max(components.get(int(el) - 1, 1), int(comp or 1))
    return max(components) + 1, components


def _check_constituents(msg, seg):
    """Elements and components past those the directory allows are refused."""
    allowed = _constituents(seg.tag)
    if allowed is None:
        return
    n_elements, components = allowed
    for e_idx, comps in enumerate(seg.elements):
        if e_idx >= n_elements:
            if any(comps):
                msg.issue(
                    syntax.ERR_TOO_MANY_CONSTITUENTS,
                    "%s has %d data elements, at most %d" % (seg.tag, e_idx + 1, n_elements),
                    seg,
                    e_idx + 1,
                )
            continue
        most = components[e_idx]
        if len(comps) > most and any(comps[most:]):
            msg.issue(
                syntax.ERR_TOO_MANY_CONSTITUENTS,
                "%s element %d has %d components, at most %d"
                % (seg.tag, e_idx + 1, len(comps), most),
                seg,
                e_idx + 1,
                most + 1,
            )


_NUM = re.compile(r"-?(\d*)(?:[.,](\d*))?\Z")
_DATE_FORMATS = syntax.DATE_FORMATS


def check_elements(msg, seg):
    """Check the data elements of one segment against its format (and DTM values)."""
    els = seg.elements
    n_els = len(els)
    _check_constituents(msg, seg)
    for e_idx, c_idx, mandatory, kind, var, size in _spec(seg.tag):
        comps = els[e_idx] if e_idx < n_els else ()
        value = comps[c_idx] if c_idx < len(comps) else ""
        if not value:
            if mandatory == 2 and (c_idx == 0 or comps) or mandatory == 1 and any(comps):
                msg.issue(
                    syntax.ERR_MISSING, "Mandatory data element is empty", seg, e_idx + 1, c_idx + 1
                )
            continue
        if kind == "an":
            length = len(value)
        elif kind == "n":
            m = _NUM.match(value)
            digits = (m.group(1) or "") + (m.group(2) or "") if m else ""
            if not digits:
                msg.issue(
                    syntax.ERR_INVALID_TYPE, "%r is not a number" % value, seg, e_idx + 1, c_idx + 1
                )
                continue
            length = len(digits)
        else:
            if any(ch.isdigit() for ch in value):
                msg.issue(
                    syntax.ERR_INVALID_TYPE,
                    "%r must not contain digits" % value,
                    seg,
                    e_idx + 1,
                    c_idx + 1,
                )
            length = len(value)
        if length > size:
            msg.issue(
                syntax.ERR_TOO_LONG,
                "%r is %d characters long, at most %d allowed" % (value, length, size),
                seg,
                e_idx + 1,
                c_idx + 1,
            )
        elif not var and length < size:
            msg.issue(
                syntax.ERR_TOO_SHORT,
                "%r is %d characters long, exactly %d needed" % (value, length, size),
                seg,
                e_idx + 1,
                c_idx + 1,
            )
    if seg.tag == "DTM":
        check_dtm(msg, seg)


@lru_cache(maxsize=8192)
def _valid_date(value, fmt):
    """Dates repeat a lot within a file, so each (value, format) is parsed once."""
    if fmt in ("718", "719"):
        parts = value.split("-")
        single = "102" if fmt == "718" else "203"
        return len(parts) == 2 and all(_valid_date(p, single) for p in parts)
    size = _DATE_FORMATS[fmt][1]
    return len(value) == size and value.isdigit() and syntax.parse_date(value, fmt) is not None


def check_dtm(msg, seg):
    comps = seg.components(1)
    component = _dtm_problem(comps)
    if component == 2:
        value, fmt = comps[1], comps[2]
        msg.issue(
            syntax.ERR_INVALID_VALUE,
            "DTM %s: %r is not a valid %s for format %s"
            % (seg.get(1, 1), value, "period" if fmt in ("718", "719") else "date", fmt),
            seg,
            1,
            2,
        )
    elif component == 3:
        msg.issue(
            syntax.ERR_VALUE_NOT_SUPPORTED,
            "DTM date format %r is not supported (use 102, 203, 204, 718 or 719)" % comps[2],
            seg,
            1,
            3,
        )


def _dtm_problem(comps):
    """The component of C507 that is wrong (2: the value, 3: the format), or None."""
    n = len(comps)
    value = comps[1] if n > 1 else ""
    fmt = comps[2] if n > 2 else ""
    if not value:
        return None
    if fmt in _DATE_FORMATS or fmt in ("718", "719"):
        return None if _valid_date(value, fmt) else 2
    return 3 if fmt else None


def _component_pattern(kind, var, size, mandatory, comp, elem):
    lo = 1 if mandatory else 0
    if kind == "n":
        whole = size - 4 if size >= 6 else size
        core = r"-?\d{1,%d}" % whole + (r"(?:\.\d{1,4})?" if size >= 6 else "")
        return core if mandatory else "(?:%s)?" % core
    # Never a line break: raw texts have none, and _every_tag joins texts with them.
    cls = r"[^\d%s%s\n]" % (comp, elem) if kind == "a" else r"[^%s%s\n]" % (comp, elem)
    if var:
        return "%s{%d,%d}" % (cls, lo, size)
    return "%s{%d}" % (cls, size) if mandatory else "(?:%s{%d})?" % (cls, size)


def _fast_pattern(tag, comp, elem):
    """A regex that only matches segments the element check would find nothing wrong with.

    It is conservative (a miss just means the precise check runs), and it turns the check of
    a typical segment into one C-level match over the raw text.
    """
    source = _fast_source(tag, comp, elem)
    return None if source is None else re.compile(source + r"\Z")


def _fast_source(tag, comp, elem):
    """The text of ``_fast_pattern`` without its end anchor, or None (no element rules)."""
    spec = _spec(tag)
    if not spec:
        return None
    c, e = re.escape(comp), re.escape(elem)
    by_element = {}
    for e_idx, c_idx, mandatory, kind, var, size in spec:
        by_element.setdefault(e_idx, {})[c_idx] = (kind, var, size, mandatory)
    closed = tag in DIRECTORY  # no element or component past the directory's
    rest = "" if closed else "(?:%s.*)?" % e
    for e_idx in range(max(by_element), -1, -1):
        comps = by_element.get(e_idx)
        if comps is None:
            element, required = r"[^%s\n]*" % e, False
        else:
            tail = "" if closed else r"(?:%s[^%s\n]*)?" % (c, e)
            for c_idx in range(max(comps), -1, -1):
                kind_spec = comps.get(c_idx)
                if kind_spec is None:
                    part, must = r"[^%s%s\n]*" % (c, e), False
                else:
                    kind, var, size, must = kind_spec
                    part = _component_pattern(kind, var, size, must, c, e)
                if c_idx == 0:
                    tail = part + tail
                else:
                    tail = "(?:%s%s%s)%s" % (c, part, tail, "" if must else "?")
            element = tail
            required = 0 in comps and comps[0][3] == 2
            if 0 in comps and comps[0][3] == 1:  # mandatory only in a composite that is there
                element = "(?:%s)?" % element
        rest = "(?:%s%s%s)%s" % (e, element, rest, "" if required else "?")
    return re.escape(tag) + rest


_FAST = {}


def _fast_patterns(comp, elem):
    """tag -> fast pattern (or None when the tag has no element rules), per delimiter pair."""
    key = (comp, elem)
    table = _FAST.get(key)
    if table is None:
        table = _FAST[key] = {}
    return table


def check_message(msg):
    """Structure plus element checks; returns False when the message type is unknown."""
    known = check_structure(msg)
    ic = msg.interchange
    delims = ic.delimiters if ic else syntax.DEFAULT_DELIMITERS
    comp, elem, rel = delims.component, delims.element, delims.release
    if ic is not None and ic.syntax_id == "UNOY":
        for seg in msg.body():  # raw holds UTF-8 bytes: lengths differ, use the precise check
            check_elements(msg, seg)
        return known
    table = _fast_patterns(comp, elem)
    clean = _clean_segments(comp, elem)
    texts = msg.texts
    if texts is not None:
        fresh = [raw for raw in texts if raw not in clean]
        if fresh and _all_pass(fresh, comp, elem):
            if len(clean) + len(fresh) > _CLEAN_SEGMENTS_MAX:
                clean.clear()
            clean.update(fresh)
            return known
        body = None  # one fails: the loop below locates the problem
    else:
        body = msg.body()
        texts = [seg.raw for seg in body]
    for k, raw in enumerate(texts):
        if raw is not None and rel not in raw:
            if raw in clean:
                continue
            if _passes(raw, table, comp, elem):
                if len(clean) >= _CLEAN_SEGMENTS_MAX:
                    clean.clear()
                clean.add(raw)
                continue
        if body is None:
            body = msg.body()
        check_elements(msg, body[k])
    return known


def _all_pass(texts, comp, elem):
    """``_passes`` for each of ``texts`` (no release character, no line break), in one match."""
    if not _every_tag(comp, elem).match("\n".join(texts)):
        return False
    return all(
        _dtm_problem(_dtm_components(raw, comp, elem)) is None
        for raw in texts
        if raw.startswith("DTM")
    )


@lru_cache(maxsize=16)
def _every_tag(comp, elem):
    """Every segment's fast pattern as alternatives, for texts joined by line breaks."""
    specified = sorted(set(_SPECS) | set(DIRECTORY))
    alternatives = [_fast_source(tag, comp, elem) for tag in specified]
    alternatives.append("(?!%s)[^\n]*" % "|".join(specified))  # the tags with no element rules
    one = "(?:%s)" % "|".join(alternatives)
    return re.compile(r"%s(?:\n%s)*\Z" % (one, one))


def _passes(raw, table, comp, elem):
    """True when the element checks find nothing in ``raw`` (no release character in it)."""
    tag = raw[:3]
    pattern = table.get(tag, False)
    if pattern is False:
        pattern = table[tag] = _fast_pattern(tag, comp, elem)
    if pattern is not None and not pattern.match(raw):
        return False
    return tag != "DTM" or _dtm_problem(_dtm_components(raw, comp, elem)) is None


def _dtm_components(raw, comp, elem):
    """``Segment.components(1)`` of a raw DTM text with no release character."""
    parts = raw.split(elem, 2)
    return parts[1].split(comp) if len(parts) > 1 else []


# Segment texts the element checks passed, per delimiter pair: files repeat the same codes,
# products, parties and dates, so most segments are a set lookup instead of a regex match.
_CLEAN_SEGMENTS = {}
_CLEAN_SEGMENTS_MAX = 16384


def _clean_segments(comp, elem):
    key = (comp, elem)
    clean = _CLEAN_SEGMENTS.get(key)
    if clean is None:
        clean = _CLEAN_SEGMENTS[key] = set()
    return clean
