"""Streaming X12 reader: interchanges -> groups -> transaction sets, checked as they go.

The file is read in chunks and each transaction set is handed to the caller as soon as its SE
is read, so a large file is never held in memory (only the current transaction set is).
Delimiters come from each ISA. Nothing here raises on bad input: every problem becomes an
``Issue`` saying what and where, and the envelope bookkeeping needed for a 997 is kept in
``GroupInfo``.

Segments of a set are kept as raw text until its SE. A clean 856 is then read in one walk
(``fast_path``); any other set, or an 856 that walk is unsure about, goes down the full path:
a ``Segment`` each, element checks, the loop tree (``structure.match``),
``documents.read_document``.
"""

import codecs
import functools
import io
import itertools
import logging
import re
from dataclasses import dataclass, field

from .._gc import fewer_collections
from . import syntax
from .documents import read_document
from .fast_path import READERS as FAST_PATH_READERS
from .issues import Issue
from .standard_sets import STANDARD_TAGS
from .structure import FUNCTIONAL_IDS, STRUCTURES, Segment, match

_logger = logging.getLogger(__name__)

CHUNK_SIZE = 1 << 16
_ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1)  # ISA01..ISA15


@dataclass
class Delimiters:
    element: str = "*"
    component: str = ">"
    segment: str = "~"
    repetition: str | None = None


@dataclass
class InterchangeInfo:
    control: str
    sender_qualifier: str
    sender: str
    receiver_qualifier: str
    receiver: str
    date: str
    time: str
    version: str
    usage: str
    delimiters: Delimiters
    groups: list = field(default_factory=list)
    issues: list = field(default_factory=list)


@dataclass
class TransactionAck:
    set_id: str
    control: str
    issues: list  # errors only
    noted: list = field(default_factory=list)  # segment warnings the 997 notes (AK5 E)

    @property
    def accepted(self):
        return not self.issues


@dataclass
class GroupInfo:
    functional_id: str
    control: str
    version: str
    sender: str
    receiver: str
    interchange: InterchangeInfo | None = None
    transactions: list = field(default_factory=list)  # TransactionAck (all, or errors only)
    received: int = 0
    accepted: int = 0
    issues: list = field(default_factory=list)  # group-level (GS/GE) problems

    @property
    def ak9_codes(self):
        return [i.ak9 for i in self.issues if i.ak9]


class Transaction:
    """One transaction set as read: its segments (ST first, SE last when present), the loop
    tree, the issues found and the domain document (None when the set could not be read).

    A set read in one pass (``fast_path``) keeps its raw segments and builds ``segments`` and
    ``tree`` only when asked for them.
    """

    __slots__ = (
        "set_id",
        "control",
        "interchange",
        "group",
        "issues",
        "document",
        "_segments",
        "_tree",
        "_raw",
    )

    def __init__(
        self, set_id, control, segments, interchange, group, issues=None, document=None, tree=None
    ):
        self.set_id = set_id
        self.control = control
        self._segments = segments
        self.interchange = interchange
        self.group = group
        self.issues = [] if issues is None else issues
        self.document = document
        self._tree = tree
        self._raw = None  # (items, element separator) while segments are not built

    @property
    def segments(self):
        if self._segments is None and self._raw is not None:
            self._segments = _build_segments(*self._raw, {}, ())[0]
        return self._segments

    @segments.setter
    def segments(self, value):
        self._segments = value

    @property
    def tree(self):
        if self._tree is None and self._raw is not None:
            self._tree = match(self.set_id, self.segments[1:-1])[0]
        return self._tree

    @tree.setter
    def tree(self, value):
        self._tree = value

    def __repr__(self):
        return f"Transaction({self.set_id!r}, {self.control!r}, {len(self.issues)} issues)"

    @property
    def version(self):
        return self.group.version if self.group else ""

    @property
    def ok(self):
        return not any(i.severity == "error" for i in self.issues)


def _text_stream(source, chunk_size):
    """Yield text chunks from a path, bytes, str or file object; bad UTF-8 bytes survive as
    surrogates so they can be reported where they are."""
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(bytes(source))
    elif isinstance(source, str):
        yield source
        return
    decoder = None
    while True:
        chunk = source.read(chunk_size)
        if not chunk:
            break
        if isinstance(chunk, str):
            yield chunk
            continue
        if decoder is None:
            decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
        yield decoder.decode(chunk)
    if decoder is not None:
        tail = decoder.decode(b"", final=True)
        if tail:
            yield tail


_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\udc80-\udcff]")


_WS = " \t\r\n"
_GS_SPECS = syntax._compile(
    "M ID 2/2, M AN 2/15, M AN 2/15, M DT 8/8, M TM 4/8, M N0 1/9, M ID 1/2, M AN 1/12"
)
_ENVELOPE = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})
_ENVELOPE_PREFIXES = frozenset(tag[:2] for tag in _ENVELOPE)


def _bad_chars(text, delims):
    for delim in (delims.element, delims.component, delims.repetition):
        if delim and ord(delim) < 32:  # control-character delimiters are legal
            text = text.replace(delim, "")
    found = _BAD_CHAR.search(text)
    return found.group() if found else None


@functools.lru_cache(maxsize=64)
def _allowed_bytes(element, component, repetition):
    """The ASCII bytes ``_bad_chars`` accepts with these delimiters."""
    text = "".join(map(chr, range(128)))
    for delim in (element, component, repetition):
        if delim and ord(delim) < 32:
            text = text.replace(delim, "")
    bad = set(_BAD_CHAR.findall(text))
    return bytes(c for c in range(128) if chr(c) not in bad)


def _clean(text, delims):
    """``_bad_chars(text, delims) is None``, at C speed for ASCII text."""
    if text.isascii():
        allowed = _allowed_bytes(delims.element, delims.component, delims.repetition)
        return not text.encode("ascii").translate(None, allowed)
    return _bad_chars(text, delims) is None


def _boundary(text, term, sep):
    """(position, tag) of the first IEA or ISA at a segment start in ``text``, or None: the
    tag follows the start of the text or a segment terminator, whitespace between, and is
    followed by an element separator or the end of the text."""
    end = len(text)
    iea, isa = text.find("IEA"), text.find("ISA")
    while iea >= 0 or isa >= 0:
        if isa < 0 or 0 <= iea < isa:
            pos, tag = iea, "IEA"
        else:
            pos, tag = isa, "ISA"
        if pos + 3 == end or text[pos + 3] == sep:
            j = pos - 1
            while j >= 0 and text[j] in _WS and text[j] != term:
                j -= 1
            if j < 0 or text[j] == term:
                return pos, tag
        if tag == "IEA":
            iea = text.find("IEA", pos + 1)
        else:
            isa = text.find("ISA", pos + 1)
    return None


def _batch(parts):
    return [raw for raw in map(str.strip, parts, itertools.repeat(_WS, len(parts))) if raw]


class _Buffer:
    """Text not yet tokenised, refilled chunk by chunk from the stream."""

    def __init__(self, stream, reader):
        self.stream = stream
        self.reader = reader
        self.text = ""
        self.eof = False

    def more(self):
        """Append the next chunk; False at the end of the data."""
        if self.eof:
            return False
        chunk = next(self.stream, None)
        if chunk is None:
            self.eof = True
            return False
        self.reader.bytes_read += len(chunk)
        self.text += chunk
        return True


class X12Reader:
    """Iterate the transaction sets of an X12 stream; ``issues`` collects envelope problems.

    ``keep_acks``: "all" keeps one small TransactionAck per set for the 997 (AK2 for each set),
    "errors" only those with errors (constant memory on huge files; the 997 then lists
    accepted sets only in AK9 counts).
    """

    def __init__(self, source, chunk_size=CHUNK_SIZE, keep_acks="all", parse_documents=True):
        self.source = source
        self.chunk_size = chunk_size
        self.keep_acks = keep_acks
        self.parse_documents = parse_documents
        self.issues = []
        self.interchanges = []
        self.transaction_count = 0
        self.bytes_read = 0

    # ---- tokenizer --------------------------------------------------------------------------
    def _segments(self):
        """Yield (raw segments, delimiters, clean): an ISA alone with ``clean`` None, else a
        batch of segments whose chunk is (or is not) free of invalid characters."""
        buf = _Buffer(_text_stream(self.source, self.chunk_size), self)
        self._seg_no = 0
        delims = None
        while True:
            if delims is None:
                delims = yield from self._interchange_start(buf)
            else:
                delims = yield from self._interchange_body(buf, delims)
            if delims is False:
                return

    def _interchange_start(self, buf):
        """Find and read the next ISA. Returns its delimiters, None to try again further on,
        or False when the data holds no more ISA."""
        start = buf.text.find("ISA")
        while (start < 0 or len(buf.text) - start < 128) and buf.more():
            start = buf.text.find("ISA")
        if start < 0:
            if buf.text.strip():
                self._seg_no += 1
                self._garbage(buf.text, self._seg_no, "no ISA segment found")
            return False
        if buf.text[:start].strip():
            self._seg_no += 1
            self._garbage(buf.text[:start], self._seg_no, "data before the ISA segment")
        buf.text = buf.text[start:]
        self._seg_no += 1
        found = self._read_isa(buf.text, self._seg_no)
        if found is None:
            buf.text = buf.text[3:]
            return None
        delims, isa_len = found
        yield [buf.text[: isa_len - 1]], delims, None
        buf.text = buf.text[isa_len:]
        return delims

    def _interchange_body(self, buf, delims):
        """Yield batches of segments up to IEA (then return None: look for the next ISA) or
        to the end of the data (return False). A batch is (raw segments, delimiters, clean);
        the IEA / next ISA is found with one search per chunk."""
        term, sep = delims.segment, delims.element
        while True:
            text = buf.text
            found = _boundary(text, term, sep)
            if found is not None:
                start, tag = found
                if tag == "ISA":  # a new interchange without IEA before it
                    cut, rest = start, start
                else:
                    cut = text.find(term, start)
                    if cut < 0 and buf.more():
                        continue  # the IEA is not complete yet
                    cut = len(text) if cut < 0 else cut
                    rest = cut + 1
                chunk = text[:cut]
                buf.text = text[rest:]
                yield _batch(chunk.split(term)), delims, _clean(chunk, delims)
                return None
            parts = text.split(term)
            buf.text = parts.pop()  # the incomplete tail waits for the next chunk
            if parts:
                # One scan per chunk for characters X12 text cannot hold; segments are only
                # examined one by one when the chunk has some.
                yield _batch(parts), delims, _clean(text, delims)
            if not buf.more():
                tail = buf.text.strip(_WS)
                buf.text = ""
                if tail:
                    yield [tail], delims, _clean(tail, delims)
                return False

    def _garbage(self, text, seg_no, what):
        sample = text.strip()[:20]
        self.issues.append(
            Issue(f"{what}: {sample!r} is not X12 (expected 'ISA')", file_segment=seg_no)
        )

    def _read_isa(self, buf, seg_no):
        """Delimiters from an ISA at buf[0]; ISA16 is the component separator and the character
        after it the segment terminator. Returns (delimiters, length incl. terminator)."""
        if len(buf) < 4:
            self.issues.append(Issue("file ends inside the ISA segment", file_segment=seg_no))
            return None
        sep = buf[3]
        if sep.isalnum() or sep in _WS:
            self.issues.append(
                Issue(f"ISA element separator {sep!r} is not a delimiter", file_segment=seg_no)
            )
            return None
        idx = 3
        for _ in range(15):
            idx = buf.find(sep, idx + 1, 200)
            if idx < 0:
                self.issues.append(
                    Issue(
                        "ISA segment is truncated: fewer than 16 elements",
                        file_segment=seg_no,
                        segment_id="ISA",
                    )
                )
                return None
        if idx + 2 >= len(buf):
            self.issues.append(
                Issue("file ends inside the ISA segment", file_segment=seg_no, segment_id="ISA")
            )
            return None
        component, terminator = buf[idx + 1], buf[idx + 2]
        if terminator in (sep, component) or terminator.isalnum():
            self.issues.append(
                Issue(
                    f"ISA has no valid segment terminator after ISA16 (found {terminator!r})",
                    file_segment=seg_no,
                    segment_id="ISA",
                )
            )
            return None
        length = idx + 3
        if length != 106:
            self.issues.append(
                Issue(
                    f"ISA is {length} characters long, X12 requires exactly 106",
                    file_segment=seg_no,
                    segment_id="ISA",
                )
            )
        elements = buf[4 : idx + 2].split(sep)
        repetition = None
        if (
            len(elements) > 11
            and elements[11] >= "00402"
            and len(elements[10]) == 1  # else ISA11 is reported as the wrong width
            and not elements[10].isalnum()
        ):
            repetition = elements[10]
        return Delimiters(sep, component, terminator, repetition), length

    # ---- envelopes --------------------------------------------------------------------------
    def __iter__(self):
        try:
            with fewer_collections():
                yield from self._iterate()
        except Exception as exc:  # the promise is: never an unhandled exception on bad input
            _logger.exception("X12 reader failed")
            self.issues.append(Issue(f"internal reader error: {exc!r}"))

    def _iterate(self):
        self._inter = self._group = self._tx = self._tx_issues = None
        self._fast, self._suspect, self._dirty = {}, [], False
        envelope, prefixes = _ENVELOPE, _ENVELOPE_PREFIXES
        for raws, delims, clean in self._segments():
            if clean is None:  # an ISA, numbered by the tokenizer
                done = self._segment(
                    self._seg_no, raws[0], raws[0].split(delims.element), delims, None
                )
                if done is not None:
                    yield done
                continue
            sep = delims.element
            base = self._seg_no  # raws[i] is file segment base + i + 1
            if clean:
                # The common case: runs of clean segments between envelope segments go into
                # the open transaction set as they are (checked when the set ends).
                marks = [i for i, raw in enumerate(raws) if raw[:2] in prefixes]
            else:
                marks = range(len(raws))
            start = 0
            for i in marks:
                raw = raws[i]
                elements = raw.split(sep)
                if clean and elements[0] not in envelope:
                    continue
                if start < i:
                    self._run(raws, start, i, base, delims)
                self._seg_no = base + i + 1
                done = self._segment(base + i + 1, raw, elements, delims, clean)
                if done is not None:
                    yield done
                start = i + 1
            if start < len(raws):
                self._run(raws, start, len(raws), base, delims)
            self._seg_no = base + len(raws)
        done = self._close_all(None)
        if done is not None:
            yield done

    def _run(self, raws, start, stop, base, delims):
        """Clean segments raws[start:stop], none of them an envelope segment."""
        if self._tx is not None:
            self._tx.extend(raws[start:stop])
            return
        sep = delims.element
        for i in range(start, stop):  # outside any set: each one is a problem
            self._seg_no = base + i + 1
            raw = raws[i]
            self._segment(base + i + 1, raw, raw.split(sep), delims, True)

    def _close_all(self, seg_no):
        """End whatever is open (a new ISA or the end of the data); returns a cut-off set."""
        done = None
        if self._tx is not None:
            done = self._finish_tx(complete=False)
        if self._group is not None:
            self._close_group(self._group, None, self._inter, seg_no)
            self._group = None
        if self._inter is not None:
            self._close_interchange(self._inter, None, seg_no)
            self._inter = None
        return done

    def _segment(self, seg_no, raw, elements, delims, clean):
        """Everything but a clean segment inside a set; returns a finished set or None."""
        tag = elements[0].strip(_WS)
        body = elements[1:]
        if clean is None:  # an ISA
            done = self._close_all(seg_no)
            self._inter = self._open_interchange(body, delims, seg_no)
            return done
        if self._inter is None:
            message = f"segment {tag[:3]!r} outside an interchange (no ISA)"
            self.issues.append(Issue(message, file_segment=seg_no))
            return None
        done = None
        if self._tx is not None:
            if tag == "SE":
                self._tx.append(Segment(tag, body, len(self._tx) + 1, raw))
                rx = self._fast.get(tag)
                if not clean or rx is None or rx.fullmatch(raw) is None:
                    self._suspect.append(self._tx[-1])
                return self._finish_tx(complete=True)
            if tag not in ("ST", "GE", "GS", "IEA"):
                self._add_to_tx(tag, body, raw, delims, clean)
                return None
            done = self._finish_tx(complete=False)
        self._envelope(tag, body, seg_no, raw if clean else None)
        return done

    def _add_to_tx(self, tag, body, raw, delims, clean):
        bad = None if clean else _bad_chars(raw, delims)
        if bad is not None:
            self._tx_issues.append(
                self._tx_issue(
                    self._inter,
                    self._group,
                    self._tx,
                    f"segment {tag[:3]!r} contains a character that is not valid text "
                    f"(\\x{ord(bad) & 0xFF:02x}); the file is not ASCII/UTF-8 X12",
                    segment_id=tag[:3],
                    segment_position=len(self._tx) + 1,
                    ak3=syntax.AK3_ELEMENT_ERRORS,
                    ak4=syntax.AK4_BAD_CHAR,
                    element=1,
                )
            )
        self._tx.append(Segment(tag, body, len(self._tx) + 1, raw))
        self._suspect.append(self._tx[-1])
        self._dirty = True

    def _envelope(self, tag, body, seg_no, raw=None):
        """ST, GS, GE, IEA and segments found outside any transaction set."""
        inter, group = self._inter, self._group
        if tag == "ST":
            if group is None:
                message = f"ST at file segment {seg_no} outside a GS/GE group"
                self._issue(inter, None, message, file_segment=seg_no)
                group = self._group = GroupInfo("", "", "", "", "", inter)
                inter.groups.append(group)
            self._tx = [Segment(tag, body, 1, raw)]
            self._tx_issues = []
            set_id = body[0] if body else ""
            self._fast = {}
            if set_id in STRUCTURES:
                sep = inter.delimiters.element
                component = inter.delimiters.component
                self._fast = syntax.fast_table(set_id, _known_tags(set_id), sep, component)
            rx = self._fast.get(tag)
            ok = raw is not None and rx is not None and rx.fullmatch(raw) is not None
            self._suspect = [] if ok else [self._tx[0]]
            self._dirty = False
            group.received += 1
        elif tag == "GS":
            if group is not None:
                self._close_group(group, None, inter, seg_no)
            self._group = self._open_group(body, inter, seg_no)
        elif tag == "GE":
            if group is None:
                self._issue(inter, None, "GE without a GS", file_segment=seg_no)
            else:
                self._close_group(group, body, inter, seg_no)
                self._group = None
        elif tag == "IEA":
            if group is not None:
                self._close_group(group, None, inter, seg_no)
                self._group = None
            self._close_interchange(inter, body, seg_no)
            self._inter = None
        else:
            message = f"segment {tag[:3]!r} outside a transaction set (ST/SE)"
            self._issue(inter, group, message, file_segment=seg_no)

    def _issue(self, inter, group, message, **kw):
        issue = Issue(
            message,
            interchange=inter.control if inter else None,
            group=group.control if group else None,
            **kw,
        )
        self.issues.append(issue)
        if group is not None:
            group.issues.append(issue)
        elif inter is not None:
            inter.issues.append(issue)
        return issue

    def _open_interchange(self, body, delims, seg_no):
        vals = (body + [""] * 16)[:16]
        inter = InterchangeInfo(
            control=vals[12].strip(),
            sender_qualifier=vals[4].strip(),
            sender=vals[5].strip(),
            receiver_qualifier=vals[6].strip(),
            receiver=vals[7].strip(),
            date=vals[8],
            time=vals[9],
            version=vals[11],
            usage=vals[14],
            delimiters=delims,
        )
        self.interchanges.append(inter)
        if len(body) != 16:
            self._issue(
                inter,
                None,
                f"ISA has {len(body)} elements, expected 16",
                segment_id="ISA",
                file_segment=seg_no,
            )
        for pos, width in enumerate(_ISA_WIDTHS, start=1):
            if len(vals[pos - 1]) != width:
                self._issue(
                    inter,
                    None,
                    f"ISA{pos:02d} must be {width} characters wide, got {len(vals[pos - 1])}",
                    segment_id="ISA",
                    element=pos,
                    file_segment=seg_no,
                )
        if not vals[12].isdigit():
            self._issue(
                inter,
                None,
                f"ISA13 control number {vals[12]!r} must be 9 digits",
                segment_id="ISA",
                element=13,
                file_segment=seg_no,
            )
        if vals[14] not in ("P", "T"):
            self._issue(
                inter,
                None,
                f"ISA15 usage {vals[14]!r} must be P or T",
                segment_id="ISA",
                element=15,
                file_segment=seg_no,
            )
        return inter

    def _close_interchange(self, inter, body, seg_no):
        if body is None:
            self._issue(
                inter,
                None,
                "interchange has no IEA trailer (file truncated?)",
                segment_id="IEA",
                file_segment=seg_no,
            )
            return
        count = body[0] if body else ""
        if count != str(len(inter.groups)):
            self._issue(
                inter,
                None,
                f"IEA01 says {count!r} groups, the interchange has {len(inter.groups)}",
                segment_id="IEA",
                element=1,
                file_segment=seg_no,
            )
        control = body[1] if len(body) > 1 else ""
        if control != inter.control:
            self._issue(
                inter,
                None,
                f"IEA02 {control!r} does not match ISA13 {inter.control!r}",
                segment_id="IEA",
                element=2,
                file_segment=seg_no,
            )

    def _open_group(self, body, inter, seg_no):
        vals = (body + [""] * 8)[:8]
        group = GroupInfo(vals[0], vals[5], vals[7], vals[1], vals[2], inter)
        inter.groups.append(group)
        for pos, (_req, kind, low, high) in enumerate(_GS_SPECS, start=1):
            value = vals[pos - 1]
            code = syntax.AK4_MISSING if not value else syntax.check_element(kind, low, high, value)
            if code:
                self._issue(
                    inter,
                    group,
                    f"GS{pos:02d} value {value!r} is invalid",
                    segment_id="GS",
                    element=pos,
                    file_segment=seg_no,
                    ak9="6" if pos == 6 else None,
                )
        return group

    def _close_group(self, group, body, inter, seg_no):
        if body is None:
            self._issue(
                inter,
                group,
                "functional group has no GE trailer",
                segment_id="GE",
                file_segment=seg_no,
                ak9="3",
            )
            return
        count = body[0] if body else ""
        if count != str(group.received):
            self._issue(
                inter,
                group,
                f"GE01 says {count!r} transaction sets, the group has {group.received}",
                segment_id="GE",
                element=1,
                file_segment=seg_no,
                ak9="5",
            )
        control = body[1] if len(body) > 1 else ""
        if control != group.control:
            self._issue(
                inter,
                group,
                f"GE02 {control!r} does not match GS06 {group.control!r}",
                segment_id="GE",
                element=2,
                file_segment=seg_no,
                ak9="4",
            )

    def _tx_issue(self, inter, group, segs, message, **kw):
        st = segs[0]
        return Issue(
            message,
            interchange=inter.control if inter else None,
            group=group.control if group else None,
            transaction=st.get(2) or None,
            set_id=st.get(1) or None,
            **kw,
        )

    def _finish_tx(self, complete):
        """Check the set just read (trailer, elements, segment order, Amazon's rules), turn it
        into a domain document and do the group's bookkeeping for the 997."""
        items, issues, inter, group = self._tx, self._tx_issues, self._inter, self._group
        flagged, fast, dirty = set(self._suspect), self._fast, self._dirty
        self._tx = self._tx_issues = None
        self._suspect = []
        st = items[0]
        set_id, control = st.get(1), st.get(2)
        self.transaction_count += 1

        def add(message, **kw):
            issues.append(self._tx_issue(inter, group, items, message, **kw))

        self._check_header_trailer(items, complete, add)
        tx = Transaction(set_id, control, None, inter, group, issues)
        sep = inter.delimiters.element
        quick = (
            FAST_PATH_READERS.get(set_id)
            if complete and not dirty and self.parse_documents
            else None
        )
        doc = quick(items[1:-1], sep, fast, inter.sender) if quick is not None else None
        if doc is not None:
            # Read in one pass: only ST and SE may still need their elements checked.
            ends = [s for s in (items[0], items[-1]) if s in flagged]
            self._check_elements(set_id, ends, add, inter.delimiters.component, tx.version)
            tx._raw = (items, sep)
            tx.document = doc
        else:
            segs, suspects = _build_segments(items, sep, fast, flagged)
            tx.segments = segs
            if set_id in STRUCTURES:
                component = inter.delimiters.component
                self._check_elements(set_id, suspects, add, component, tx.version)
                tree, gerrors = match(set_id, segs[1:-1] if complete else segs[1:])
                for err in gerrors:
                    add(
                        err.message,
                        segment_id=err.tag,
                        segment_position=err.position,
                        ak3=err.code,
                        severity=err.severity,
                    )
                tx.tree = tree
                if self.parse_documents:
                    read_document(tx)
        if group is not None:
            errors = [i for i in issues if i.severity == "error"]
            noted = [i for i in issues if i.severity == "warning" and i.ak3]
            if not errors:
                group.accepted += 1
            if self.keep_acks == "all" or errors or noted:
                group.transactions.append(TransactionAck(set_id, control, errors, noted))
        return tx

    def _check_header_trailer(self, segs, complete, add):
        """ST/SE checks; returns the body segments (ST and SE excluded)."""
        st = segs[0]
        set_id, control = st.get(1), st.get(2)
        group = self._group
        if not complete:
            message = (
                "transaction set has no SE trailer (truncated or a missing segment terminator)"
            )
            add(message, segment_id="SE", ak5="2")
            body = segs[1:]
        else:
            se = segs[-1]
            body = segs[1:-1]
            where = {"segment_id": "SE", "segment_position": se.position}
            if se.get(1) != str(len(segs)):
                message = f"SE01 says {se.get(1)!r} segments, the transaction set has {len(segs)}"
                add(message, element=1, ak5="4", **where)
            if se.get(2) != control:
                add(
                    f"SE02 {se.get(2)!r} does not match ST02 {control!r}",
                    element=2,
                    ak5="3",
                    **where,
                )
        if set_id not in STRUCTURES:
            known = ", ".join(sorted(STRUCTURES))
            message = f"transaction set {set_id!r} is not one Acorn reads ({known})"
            add(message, segment_id="ST", element=1, ak5="1")
        elif group is not None and group.functional_id not in ("", FUNCTIONAL_IDS[set_id]):
            message = (
                f"a {set_id} belongs in a {FUNCTIONAL_IDS[set_id]} group, not "
                f"{group.functional_id!r}"
            )
            add(message, segment_id="ST", element=1, ak5="6")
        if not (4 <= len(control) <= 9):
            message = f"ST02 control number {control!r} must be 4-9 characters"
            add(message, segment_id="ST", element=2, ak5="7")
        return body

    @staticmethod
    def _check_elements(set_id, segs, add, component=None, version=""):
        """Detailed element checks for the segments the compiled pattern did not vouch for;
        they say what is wrong and where."""
        in_set = _checked_tags(set_id)
        for seg in segs:
            tag = seg.tag
            if tag not in in_set:
                continue  # the structure check reports it; its elements mean nothing here
            for pos, code, msg in syntax.check_segment(
                set_id, tag, seg.elements, component, version
            ):
                value = seg.get(pos) if pos <= len(seg.elements) else None
                add(
                    msg,
                    segment_id=tag,
                    segment_position=seg.position,
                    element=pos,
                    ak3=syntax.AK3_ELEMENT_ERRORS,
                    ak4=code,
                    value=value,
                )


def _build_segments(items, sep, fast, flagged):
    """The set's Segments from its items (the raw text of a clean segment, else a Segment),
    and those that need their elements checked in detail: a clean segment the compiled
    pattern ``fast[tag]`` does not vouch for, or a Segment in ``flagged``."""
    segs = []
    suspects = []
    make = Segment
    for pos, item in enumerate(items, 1):
        if item.__class__ is str:
            elements = item.split(sep)
            tag = elements[0]
            seg = make(tag, elements[1:], pos, item)
            rx = fast.get(tag)
            if rx is None or rx.fullmatch(item) is None:
                suspects.append(seg)
        else:
            seg = item
            if seg in flagged:
                suspects.append(seg)
        segs.append(seg)
    return segs, suspects


@functools.cache
def _known_tags(set_id):
    def walk(entries):
        for entry in entries:
            yield entry[0]
            if len(entry) == 4:
                yield from walk(entry[3])

    return frozenset(walk(STRUCTURES[set_id])) | {"ST", "SE"}


@functools.cache
def _checked_tags(set_id):
    """Segments whose elements are checked in a set: Amazon's, and those the standard allows
    (accepted with a warning when they pass)."""
    return _known_tags(set_id) | STANDARD_TAGS.get(set_id, frozenset())


@dataclass
class ParseResult:
    interchanges: list
    transactions: list
    issues: list  # every issue: envelope and transaction level

    @property
    def ok(self):
        return not any(i.severity == "error" for i in self.issues)

    @property
    def errors(self):
        return [i for i in self.issues if i.severity == "error"]

    def documents(self, set_id=None):
        return [
            t.document
            for t in self.transactions
            if t.document is not None and t.ok and (set_id is None or t.set_id == set_id)
        ]


def parse(source, **kwargs):
    """Read a whole X12 file (path-like objects are opened) into a ParseResult."""
    if hasattr(source, "__fspath__"):
        with open(source, "rb") as fh:
            return parse(fh, **kwargs)
    reader = X12Reader(source, **kwargs)
    transactions = list(reader)
    issues = list(reader.issues)
    for tx in transactions:
        issues.extend(tx.issues)
    return ParseResult(reader.interchanges, transactions, issues)
