"""Streaming envelope reader: interchanges (UNB..UNZ) → groups (UNG..UNE) → messages (UNH..UNT).

Only one message is held in memory at a time. Every problem becomes an :class:`Issue` on the
message or the interchange it belongs to; nothing here raises on bad input, so one broken
message never hides the good ones next to it.
"""

import io
import logging
import re
from dataclasses import dataclass, field

from . import syntax
from .issues import Issue
from .syntax import Segment

_logger = logging.getLogger(__name__)

_DATE6 = re.compile(r"\d{6}\Z")
_DATE8 = re.compile(r"\d{8}\Z")
_TIME4 = re.compile(r"([01]\d|2[0-3])[0-5]\d\Z")
_SERVICE = ("UNB", "UNG", "UNH", "UNT", "UNE", "UNZ")
_STOP_TAGS = frozenset(_SERVICE)
_NO_IDENT = [""] * 5  # UNH S009 padding: type, version, release, agency, association


@dataclass
class InterchangeHeader:
    """What UNB says (plus the UNA delimiters in force)."""

    syntax_id: str = ""
    syntax_version: str = ""
    sender: str = ""
    sender_qualifier: str = ""
    recipient: str = ""
    recipient_qualifier: str = ""
    date: str = ""
    time: str = ""
    control_ref: str = ""
    application_ref: str = ""
    test: bool = False
    una: bool = False
    delimiters: syntax.Delimiters = field(default=syntax.DEFAULT_DELIMITERS)
    segment: Segment = None
    offset: int = 0


class Message:
    """One UNH..UNT message with its segments (UNH and UNT included) and its problems.

    A clean message read from a :class:`~.syntax.TextBatch` keeps its body as ``texts``, the
    raw segment texts; its Segments are only made when something asks for ``segments``.
    """

    __slots__ = (
        "ref",
        "type",
        "version",
        "release",
        "agency",
        "association",
        "issues",
        "interchange",
        "group_ref",
        "offset",
        "index",
        "texts",
        "heads",
        "delims",
        "_segments",
        "_source",
    )

    def __init__(
        self,
        ref="",
        type="",  # noqa: A002 - the EDIFACT name
        version="",
        release="",
        agency="",
        association="",
        segments=None,
        issues=None,
        interchange=None,
        group_ref="",
        offset=0,
        index=0,  # 1-based rank in the interchange
    ):
        self.ref = ref
        self.type = type
        self.version = version
        self.release = release
        self.agency = agency
        self.association = association
        self._segments = [] if segments is None else segments
        self.issues = [] if issues is None else issues
        self.interchange = interchange
        self.group_ref = group_ref
        self.offset = offset
        self.index = index
        self.texts = None  # body texts, when read as text
        self.heads = None  # their first four characters (tag and separator)
        self.delims = None  # the delimiters ``texts`` were split with
        self._source = None  # (batch, index of the first body text) while segments are unmade

    def __repr__(self):
        return "Message(%s %s, %d issue(s))" % (self.ref, self.identifier, len(self.issues))

    @property
    def identifier(self):
        ident = "%s:%s:%s:%s" % (self.type, self.version, self.release, self.agency)
        return ident + (":" + self.association if self.association else "")

    @property
    def ok(self):
        issues = self.issues  # most messages have none: no generator for them
        return not issues or not any(i.severity == "error" for i in issues)

    @property
    def segments(self):
        source = self._source
        if source is not None:
            batch, first = source
            unh, unt = self._segments
            segs = [unh]
            for position, j in enumerate(range(first, first + len(self.texts)), 2):
                seg = batch[j]
                seg.position = position
                segs.append(seg)
            segs.append(unt)
            self._segments = segs
            self._source = None
        return self._segments

    @segments.setter
    def segments(self, value):
        self._segments = value
        self._source = self.texts = self.heads = None

    def drop_body(self):
        """Keep only UNH: what a streaming caller needs once the message is answered."""
        self._segments = self._segments[:1]
        self._source = self.texts = self.heads = None

    def plain_texts(self):
        """(body texts, delimiters) when every body segment is plain raw text, else None.

        Plain: read from raw text with no release character, with one set of delimiters, and
        not UNOY (whose raw text is the Latin-1 view of UTF-8 bytes). The fast-path readers work
        on these.
        """
        if self.texts is not None:
            return self.texts, self.delims
        ic = self.interchange
        if ic is not None and ic.syntax_id == "UNOY":
            return None
        body = self.body()
        delims = body[0]._delims if body else None
        if delims is None:
            return None
        rel = delims.release or None
        texts = []
        for seg in body:
            raw = seg.raw
            if raw is None or seg._delims is not delims or (rel is not None and rel in raw):
                return None
            texts.append(raw)
        return texts, delims

    def issue(self, code, text, segment=None, element=0, component=0, severity="error"):
        """Record a problem located in this message."""
        ic = self.interchange
        self.issues.append(
            Issue(
                code,
                text,
                severity=severity,
                interchange_ref=ic.control_ref if ic else "",
                group_ref=self.group_ref,
                message_ref=self.ref,
                segment_tag=segment.tag if segment is not None else "",
                position=segment.position if segment is not None else 0,
                element=element,
                component=component,
                offset=segment.offset if segment is not None else self.offset,
            )
        )

    def body(self):
        """Segments between UNH and UNT."""
        segs = self.segments
        start = 1 if segs and segs[0].tag == "UNH" else 0
        end = -1 if len(segs) > start and segs[-1].tag == "UNT" else len(segs)
        return segs[start:end]


@dataclass
class GroupInfo:
    ref: str = ""
    message_type: str = ""
    segment: Segment = None
    count: int = 0


class RefSet:
    """Message references seen in one interchange, in constant memory for the usual 1, 2, 3...

    A run of consecutive numbers is kept as a range; only out-of-run references use a set.
    """

    __slots__ = ("lo", "hi", "others")

    def __init__(self):
        self.lo = self.hi = None
        self.others = set()

    def __contains__(self, ref):
        if (
            self.lo is not None
            and ref.isdigit()
            and not ref.startswith("0")
            and self.lo <= int(ref) <= self.hi
        ):
            return True
        return ref in self.others

    def add(self, ref):
        """Record ``ref``; False when it was already there."""
        if ref in self:
            return False
        if ref.isdigit() and not ref.startswith("0"):
            num = int(ref)
            if self.lo is None:
                self.lo = self.hi = num
                return True
            if num == self.hi + 1:
                self.hi = num
                while str(self.hi + 1) in self.others:
                    self.others.discard(str(self.hi + 1))
                    self.hi += 1
                return True
        self.others.add(ref)
        return True


class Interchange:
    """An interchange being read. Iterate :meth:`messages` once; then the trailer info is set."""

    def __init__(self, reader, header):
        self._reader = reader
        self.header = header
        self.issues = []
        self.message_count = 0
        self.group_count = 0
        self.groups = []
        self.trailer = None
        self.complete = False
        self.message_refs = RefSet()
        self._iter = None

    @property
    def control_ref(self):
        return self.header.control_ref if self.header else ""

    @property
    def ok(self):
        issues = self.issues  # most messages have none: no generator for them
        return not issues or not any(i.severity == "error" for i in issues)

    def issue(self, code, text, segment=None, element=0, component=0, severity="error"):
        self.issues.append(
            Issue(
                code,
                text,
                severity=severity,
                interchange_ref=self.control_ref,
                segment_tag=segment.tag if segment is not None else "",
                element=element,
                component=component,
                offset=segment.offset if segment is not None else -1,
            )
        )

    def messages(self):
        if self._iter is None:
            self._iter = self._reader._messages(self)
        return self._iter

    def drain(self):
        for _msg in self.messages():
            pass


class EdifactReader:
    """Iterate the interchanges of a binary file object (or bytes/str), chunk by chunk.

    ``for ic in EdifactReader(fp): for msg in ic.messages(): ...`` — once ``messages()`` is
    exhausted, ``ic.issues`` holds the interchange-level problems (counts, references).
    """

    def __init__(self, source, chunk_size=syntax.CHUNK_SIZE):
        if isinstance(source, str):
            source = source.encode("latin-1", "replace")
        if isinstance(source, (bytes, bytearray, memoryview)):
            source = io.BytesIO(bytes(source))
        self._tokenizer = syntax.Tokenizer(source, chunk_size)
        self._batches = self._tokenizer.batches()
        self._batch = []
        self._i = 0
        self._clean = (None, None, False)  # (batch, precheck, batch free of what it finds)
        self._pending = None
        self._una = False
        self._delims = syntax.DEFAULT_DELIMITERS

    def _next(self):
        if self._pending is not None:
            raw, self._pending = self._pending, None
            return raw
        i = self._i
        batch = self._batch
        if i < len(batch):
            self._i = i + 1
            return batch[i]
        for batch in self._batches:
            if batch:
                self._batch = batch
                self._i = 1
                return batch[0]
        return None

    def _push(self, raw):
        self._pending = raw

    def _tokenizer_delims(self):
        return self._delims if self._una else self._tokenizer.delims

    def __iter__(self):
        while True:
            raw = self._next()
            if raw is None:
                return
            if raw.una:
                self._una = True
                self._delims = raw.delimiters
                continue
            seg = raw.segment
            if seg is not None and seg.tag == "UNB":
                ic = Interchange(self, _header(seg, self._tokenizer_delims(), self._una))
                self._una = False
                _check_unb(ic, seg)
                yield ic
                ic.drain()
                continue
            # Anything before a UNB: gather it into one headerless "interchange" with the issue.
            ic = Interchange(self, None)
            first = raw.issue or Issue(
                syntax.ERR_MISSING,
                "Expected UNB (interchange header) but found %s" % seg.tag,
                segment_tag=seg.tag,
                offset=seg.offset,
            )
            ic.issues.append(first)
            skipped = 0
            while True:
                raw = self._next()
                if raw is None:
                    break
                if raw.una or (raw.segment is not None and raw.segment.tag == "UNB"):
                    self._push(raw)
                    break
                skipped += 1
            if skipped:
                ic.issue(
                    syntax.ERR_UNSPECIFIED, "%d more segment(s) skipped before a UNB" % skipped
                )
            ic.complete = True
            ic._iter = iter(())
            yield ic

    # -- one interchange -------------------------------------------------------------------

    def _messages(self, ic):  # noqa: C901 - a flat state machine reads better than helpers
        header = ic.header
        charset = header.syntax_id
        precheck = syntax.precheck(charset, header.delimiters)
        group = None
        mode = None  # "messages" or "groups": ISO 9735 forbids mixing them
        index = 0
        while True:
            raw = self._next()
            if raw is None:
                ic.issue(
                    syntax.ERR_MISSING, "File ends before UNZ (interchange trailer); truncated?"
                )
                if group is not None:
                    ic.issue(syntax.ERR_MISSING, "Group %s has no UNE trailer" % group.ref)
                break
            if raw.issue is not None:
                raw.issue.interchange_ref = header.control_ref
                ic.issues.append(raw.issue)
                continue
            if raw.una:
                self._push(raw)
                ic.issue(syntax.ERR_MISSING, "UNA of a next interchange found before UNZ")
                break
            seg = raw.segment
            tag = seg.tag
            if tag == "UNH":
                if mode == "groups" and group is None:
                    ic.issue(
                        syntax.ERR_GROUPS_AND_MESSAGES_MIXED,
                        "Message outside a group in an interchange that uses groups",
                        seg,
                    )
                mode = mode or "messages"
                index += 1
                msg = self._read_message(ic, seg, group, charset, precheck, index)
                ic.message_count += 1
                if group is not None:
                    group.count += 1
                if not ic.message_refs.add(msg.ref):
                    msg.issue(
                        syntax.ERR_DUPLICATE,
                        "Message reference %s is used twice in this interchange" % msg.ref,
                        seg,
                        1,
                    )
                yield msg
                continue
            problem = syntax.charset_problem(seg, charset, header.delimiters)
            if problem:
                ic.issue(
                    syntax.ERR_INVALID_CHARACTER,
                    "Character %r is not allowed in %s" % (problem[2], charset),
                    seg,
                    problem[0],
                    problem[1],
                    severity=problem[3],
                )
            if tag == "UNG":
                if mode == "messages":
                    ic.issue(
                        syntax.ERR_GROUPS_AND_MESSAGES_MIXED,
                        "Group after ungrouped messages in the same interchange",
                        seg,
                    )
                mode = "groups"
                if group is not None:
                    ic.issue(syntax.ERR_MISSING, "Group %s has no UNE trailer" % group.ref, seg)
                group = GroupInfo(ref=seg.get(5), message_type=seg.get(1), segment=seg)
                ic.group_count += 1
                ic.groups.append(group)
                if not group.ref:
                    ic.issue(syntax.ERR_MISSING, "UNG has no group reference (0048)", seg, 5)
            elif tag == "UNE":
                if group is None:
                    ic.issue(syntax.ERR_NOT_SUPPORTED_HERE, "UNE without a UNG", seg)
                else:
                    _check_count(ic, seg, group.count, "messages in group %s" % group.ref)
                    if seg.get(2) != group.ref:
                        ic.issue(
                            syntax.ERR_REFS_DO_NOT_MATCH,
                            "UNE reference %r differs from UNG reference %r"
                            % (seg.get(2), group.ref),
                            seg,
                            2,
                        )
                    group = None
            elif tag == "UNZ":
                ic.trailer = seg
                expected = ic.group_count if mode == "groups" else ic.message_count
                what = "groups" if mode == "groups" else "messages"
                _check_count(ic, seg, expected, what + " in the interchange")
                if seg.get(2) != header.control_ref:
                    ic.issue(
                        syntax.ERR_REFS_DO_NOT_MATCH,
                        "UNZ reference %r differs from UNB reference %r"
                        % (seg.get(2), header.control_ref),
                        seg,
                        2,
                    )
                if group is not None:
                    ic.issue(syntax.ERR_MISSING, "Group %s has no UNE trailer" % group.ref, seg)
                if ic.message_count == 0:
                    ic.issue(syntax.ERR_LOWER_LEVEL_EMPTY, "Interchange contains no message", seg)
                break
            elif tag == "UNB":
                self._push(raw)
                ic.issue(syntax.ERR_MISSING, "Next UNB found before UNZ (interchange trailer)", seg)
                break
            elif tag == "UNT":
                ic.issue(syntax.ERR_NOT_SUPPORTED_HERE, "UNT without a UNH", seg)
            else:
                ic.issue(
                    syntax.ERR_NOT_SUPPORTED_HERE,
                    "Segment %s outside any message (between UNB and UNZ)" % tag,
                    seg,
                )
        ic.complete = True

    def _take_plain(self, msg, precheck, position):
        """Segment by segment, quick part: plain body segments with clean characters, straight
        from the batch (a message that could not be read as text, or cut by a chunk's end).

        Anything else (service segments, garbage, suspicious characters) stops it and goes
        through the per-segment code of :meth:`_read_message`.
        """
        batch, i = self._batch, self._i
        n = len(batch)
        append = msg.segments.append
        segment_class = Segment
        search = None
        if precheck is not None:
            # One charset scan over the whole batch instead of one per segment; segments are
            # only scanned one by one when the batch holds a suspicious character somewhere.
            if batch.__class__ is syntax.TextBatch:
                clean = batch.clean(precheck)
            else:
                clean_batch, clean_pattern, clean = self._clean
                if clean_batch is not batch or clean_pattern is not precheck:
                    raws = [s.raw for s in batch if s.__class__ is segment_class]
                    clean = not syntax.has_match(precheck, "".join(raws))
                    self._clean = (batch, precheck, clean)
            if not clean:
                search = precheck.search
        while i < n:
            seg = batch[i]
            if (
                seg.__class__ is not segment_class
                or seg.tag in _STOP_TAGS
                or (search is not None and search(seg.raw))
            ):
                break
            position += 1
            seg.position = position
            append(seg)
            i += 1
        self._i = i
        return position

    def _read_message(self, ic, unh, group, charset, precheck, index):
        ident = unh.components(2)
        padded = ident + _NO_IDENT
        msg = Message(
            ref=unh.get(1),
            type=padded[0],
            version=padded[1],
            release=padded[2],
            agency=padded[3],
            association=padded[4],
            interchange=ic.header,
            group_ref=group.ref if group else "",
            offset=unh.offset,
            index=index,
        )
        unh.position = 1
        msg.segments.append(unh)
        if not msg.ref:
            msg.issue(syntax.ERR_MISSING, "UNH has no message reference (0062)", unh, 1)
        if len(ident) < 4 or not all(ident[:4]):
            msg.issue(
                syntax.ERR_MISSING,
                "UNH message identifier (S009) is incomplete: %r" % ident,
                unh,
                2,
            )
        utf8 = charset == "UNOY"
        position = 1
        if not utf8 and self._pending is None and self._batch.__class__ is syntax.TextBatch:
            if self._read_as_text(msg, self._batch, precheck):
                return msg
        while True:
            if self._pending is None and not utf8:
                position = self._take_plain(msg, precheck, position)
            batch, i = self._batch, self._i
            if self._pending is None and i < len(batch):  # inlined _next
                raw = batch[i]
                self._i = i + 1
            else:
                raw = self._next()
            if raw is None:
                msg.issue(syntax.ERR_MISSING, "File ends inside the message (no UNT); truncated?")
                return msg
            if raw.issue is not None:
                iss = raw.issue
                iss.interchange_ref = ic.control_ref
                iss.message_ref = msg.ref
                iss.group_ref = msg.group_ref
                iss.position = position + 1
                msg.issues.append(iss)
                position += 1
                continue
            seg = raw.segment
            if raw.una or seg.tag in ("UNH", "UNB", "UNZ", "UNE", "UNG"):
                self._push(raw)
                msg.issue(
                    syntax.ERR_MISSING,
                    "Message %s has no UNT; %s found instead" % (msg.ref, seg.tag),
                    seg,
                )
                return msg
            position += 1
            seg.position = position
            if utf8 and not syntax.redecode_utf8(seg):
                msg.issue(syntax.ERR_INVALID_CHARACTER, "Bytes are not valid UTF-8 (UNOY)", seg)
            if precheck is None or seg.raw is None or precheck.search(seg.raw):
                problem = syntax.charset_problem(seg, charset, ic.header.delimiters)
            else:
                problem = None
            if problem:
                msg.issue(
                    syntax.ERR_INVALID_CHARACTER,
                    "Character %r is not allowed in %s" % (problem[2], charset),
                    seg,
                    problem[0],
                    problem[1],
                    severity=problem[3],
                )
            msg.segments.append(seg)
            if seg.tag == "UNT":
                _check_unt(msg, seg, position)
                return msg

    def _read_as_text(self, msg, batch, precheck):
        """Read as text: the message whole in ``batch``, its segments well formed and its
        characters clean, is kept as its segment texts (``msg.texts``); False leaves it to the
        segment-by-segment reading of the very same tokens. ``tests/test_edifact_messages_as_text``
        proves both give the same answers."""
        delims = batch.delims  # those of the interchange: a UNA ends the interchange before it
        i = self._i
        k = batch.find_unt(i)
        if k < 0:
            return False
        texts = batch.texts[i:k]
        heads = [t[:4] for t in texts]
        known = _heads(delims.element)
        if not known.issuperset(heads) and not _learn(known, texts, delims):
            return False
        if precheck is not None and not batch.clean(precheck):
            if syntax.has_match(precheck, "".join(batch.texts[i : k + 1])):
                return False
        unt = batch[k]
        position = len(texts) + 2
        unt.position = position
        msg._segments.append(unt)
        msg.texts = texts
        msg.heads = heads
        msg.delims = delims
        msg._source = (batch, i)
        self._i = k + 1
        _check_unt(msg, unt, position)
        return True


# Heads (first four characters) of segment texts known to make a body segment's token: a tag
# and the element separator ("LIN+"), or a bare tag; never a service segment. A set per separator.
_HEADS = {}


def _heads(element):
    known = _HEADS.get(element)
    if known is None:
        known = _HEADS[element] = set()
    return known


def _learn(known, texts, delims):
    """Add the new heads of ``texts`` to ``known``; False when one is no body segment's."""
    element = delims.element
    for text in texts:
        head = text[:4]
        if head in known:
            continue
        tag = text[:3]
        if not (
            (head[3:] == element or len(text) == 3)
            and syntax._TAG.match(tag)
            and tag not in _STOP_TAGS
        ):
            return False
        if len(known) >= 4096:
            known.clear()
        known.add(head)
    return True


def _check_unt(msg, seg, position):
    count = seg.get(1)
    if not count.isdigit():
        msg.issue(syntax.ERR_INVALID_VALUE, "UNT segment count %r" % count, seg, 1)
    elif int(count) != position:
        msg.issue(
            syntax.ERR_COUNT_MISMATCH,
            "UNT says %s segments, message has %d" % (count, position),
            seg,
            1,
        )
    if seg.get(2) != msg.ref:
        msg.issue(
            syntax.ERR_REFS_DO_NOT_MATCH,
            "UNT reference %r differs from UNH reference %r" % (seg.get(2), msg.ref),
            seg,
            2,
        )


def _header(seg, delims, una):
    return InterchangeHeader(
        syntax_id=seg.get(1, 1),
        syntax_version=seg.get(1, 2),
        sender=seg.get(2, 1),
        sender_qualifier=seg.get(2, 2),
        recipient=seg.get(3, 1),
        recipient_qualifier=seg.get(3, 2),
        date=seg.get(4, 1),
        time=seg.get(4, 2),
        control_ref=seg.get(5, 1),
        application_ref=seg.get(7, 1),
        test=seg.get(11) == "1",
        una=una,
        delimiters=delims,
        segment=seg,
        offset=seg.offset,
    )


def _check_unb(ic, seg):
    h = ic.header
    if h.syntax_id not in syntax.CHARSETS:
        ic.issue(
            syntax.ERR_SYNTAX_VERSION,
            "Syntax identifier %r not supported (UNOA, UNOB, UNOC or UNOY)" % h.syntax_id,
            seg,
            1,
            1,
        )
    if h.syntax_version not in ("1", "2", "3", "4"):
        ic.issue(syntax.ERR_SYNTAX_VERSION, "Syntax version %r" % h.syntax_version, seg, 1, 2)
    if not h.sender:
        ic.issue(syntax.ERR_MISSING, "UNB has no sender identification", seg, 2, 1)
    if not h.recipient:
        ic.issue(syntax.ERR_MISSING, "UNB has no recipient identification", seg, 3, 1)
    if not (_DATE6.match(h.date) or (h.syntax_version == "4" and _DATE8.match(h.date))):
        ic.issue(syntax.ERR_INVALID_VALUE, "UNB date %r is not YYMMDD" % h.date, seg, 4, 1)
    if not _TIME4.match(h.time):
        ic.issue(syntax.ERR_INVALID_VALUE, "UNB time %r is not HHMM" % h.time, seg, 4, 2)
    if not h.control_ref:
        ic.issue(syntax.ERR_MISSING, "UNB has no interchange control reference", seg, 5)
    elif len(h.control_ref) > 14:
        ic.issue(syntax.ERR_TOO_LONG, "UNB control reference longer than 14", seg, 5)
    problem = syntax.charset_problem(seg, h.syntax_id, h.delimiters)
    if problem:
        ic.issue(
            syntax.ERR_INVALID_CHARACTER,
            "Character %r is not allowed in %s" % (problem[2], h.syntax_id),
            seg,
            problem[0],
            problem[1],
            severity=problem[3],
        )


def _check_count(ic, seg, actual, what):
    count = seg.get(1)
    if not count.isdigit():
        ic.issue(syntax.ERR_INVALID_VALUE, "%s count %r is not a number" % (seg.tag, count), seg, 1)
    elif int(count) != actual:
        ic.issue(
            syntax.ERR_COUNT_MISMATCH,
            "%s says %s %s, found %d" % (seg.tag, count, what, actual),
            seg,
            1,
        )
