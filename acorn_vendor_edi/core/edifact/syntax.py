"""EDIFACT syntax layer (ISO 9735 v3/v4): service string advice, release character, segments.

Bytes are decoded as Latin-1 first (a lossless 1:1 byte mapping, and the fastest decode), then
checked against the interchange's syntax identifier: UNOA/UNOB must stay in their restricted
repertoire, UNOC is Latin-1 as is, UNOY is re-decoded as UTF-8 per segment. Delimiters are
ASCII in every repertoire, so splitting before the charset check is safe.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .issues import Issue

# Syntax error codes (data element 0085, UN/EDIFACT D96A service code list), used by CONTRL.
ERR_SYNTAX_VERSION = "2"
ERR_NOT_RECIPIENT = "7"
ERR_INVALID_VALUE = "12"
ERR_MISSING = "13"
ERR_VALUE_NOT_SUPPORTED = "14"
ERR_NOT_SUPPORTED_HERE = "15"
ERR_TOO_MANY_CONSTITUENTS = "16"
ERR_UNSPECIFIED = "18"
ERR_INVALID_DECIMAL = "19"
ERR_INVALID_CHARACTER = "21"
ERR_INVALID_SERVICE_CHAR = "22"
ERR_DUPLICATE = "26"
ERR_REFS_DO_NOT_MATCH = "28"
ERR_COUNT_MISMATCH = "29"
ERR_GROUPS_AND_MESSAGES_MIXED = "30"
ERR_LOWER_LEVEL_EMPTY = "32"
ERR_SEGMENT_TOO_MANY = "35"
ERR_GROUP_TOO_MANY = "36"
ERR_INVALID_TYPE = "37"
ERR_TOO_LONG = "39"
ERR_TOO_SHORT = "40"

# Level A (UNOA): upper case letters, digits, space and a few punctuation marks.
UNOA_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-()/='+:?!\"%&*;<>")
# Level B (UNOB) adds lower case letters.
UNOB_CHARS = UNOA_CHARS | frozenset("abcdefghijklmnopqrstuvwxyz")
_UNOA_BAD = re.compile(r"[^A-Z0-9 .,\-()/='+:?!\"%&*;<>]")
_UNOB_BAD = re.compile(r"[^A-Za-z0-9 .,\-()/='+:?!\"%&*;<>]")
_LATIN1_BAD = re.compile(r"[\x00-\x1f\x7f]")

CHARSETS = {"UNOA": "ascii", "UNOB": "ascii", "UNOC": "latin-1", "UNOY": "utf-8"}
_TAG = re.compile(r"[A-Z][A-Z0-9]{2}\Z")
_GOOD_TAGS = set()  # tags already seen to match _TAG: a set lookup beats a regex per segment
_WS = "\r\n\t "
_WS_START = frozenset(_WS)


# Date/time formats (data element 2379): strptime pattern and number of digits.
DATE_FORMATS = {
    "102": ("%Y%m%d", 8),
    "203": ("%Y%m%d%H%M", 12),
    "204": ("%Y%m%d%H%M%S", 14),
    "101": ("%y%m%d", 6),
    "201": ("%y%m%d%H%M", 10),
}
_FOUR_DIGIT_YEAR = ("102", "203", "204")


def parse_date(value, fmt):
    """``value`` in date/time format ``fmt`` as ``datetime.strptime`` reads it (naive), or None.

    The usual value, exactly as many ASCII digits as a 102/203/204 format has, is built without
    strptime: strptime could only split those digits one way (tests/test_edifact_syntax proves
    both agree), and this costs a tenth.
    """
    pattern, size = DATE_FORMATS.get(fmt, (None, 0))
    if pattern is None:
        return None
    if fmt in _FOUR_DIGIT_YEAR and len(value) == size and value.isascii() and value.isdigit():
        try:
            return datetime(
                int(value[0:4]),
                int(value[4:6]),
                int(value[6:8]),
                int(value[8:10] or 0),
                int(value[10:12] or 0),
                int(value[12:14] or 0),
            )
        except ValueError:
            return None
    try:
        return datetime.strptime(value, pattern)
    except ValueError:
        return None


def num(value):
    """EDIFACT number (either decimal mark) → Decimal, or None."""
    if value in (None, ""):
        return None
    try:
        return Decimal(value.replace(",", "."))
    except InvalidOperation:
        return None


class EdifactSyntaxError(ValueError):
    """Raised by the writer for data that cannot be written (never by the reader)."""


@dataclass(frozen=True)
class Delimiters:
    """Service characters from UNA (defaults of ISO 9735 level A/B/C)."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    reserved: str = " "
    segment: str = "'"

    def una(self):
        return "UNA%s%s%s%s%s%s" % (
            self.component,
            self.element,
            self.decimal,
            self.release,
            self.reserved,
            self.segment,
        )

    @classmethod
    def from_una(cls, advice):
        """Build from the six characters after 'UNA'; ValueError when they clash."""
        if len(advice) != 6:
            raise ValueError("UNA needs 6 service characters, got %d" % len(advice))
        comp, elem, dec, rel, res, seg = advice
        used = [c for c in (comp, elem, rel, seg)]
        if len(set(used)) != 4 or any(c.isalnum() for c in used):
            raise ValueError("UNA service characters %r are ambiguous" % advice)
        if dec not in ".,":
            dec = "."
        return cls(comp, elem, dec, rel, res, seg)


DEFAULT_DELIMITERS = Delimiters()


class Segment:
    """One segment: its tag, elements as lists of unescaped components, and where it was read.

    Element and component numbers are 1-based, like the directory (BGM02 is ``get(2)``).
    """

    __slots__ = ("tag", "_elements", "_parts", "offset", "position", "raw", "_delims")
    # The tokenizer hands out Segments and RawSegments side by side; these let the reader
    # treat both alike without wrapping every segment.
    una = False
    issue = None

    def __init__(self, tag, elements, offset=0, position=0, raw=None, delims=None):
        self.tag = tag
        self._elements = elements
        self._parts = None  # raw split on the element separator (tag first), made by get()
        self.offset = offset
        self.position = position
        self.raw = raw  # the segment as read (escaped), for the fast path
        self._delims = delims

    @property
    def elements(self):
        """Split on first use: validation mostly works on ``raw`` and never needs them."""
        els = self._elements
        if els is None:
            d = self._delims
            parts = self._parts
            if parts is None:
                parts = self.raw.split(d.element)
            comp = d.component
            els = self._elements = [e.split(comp) for e in parts[1:]]
        return els

    @elements.setter
    def elements(self, value):
        self._elements = value

    def get(self, element, component=1, default=""):
        """Element ``element``, component ``component`` (1-based), or ``default`` when empty.

        The hottest call of the reader: a segment read from raw text is only split on the
        element separator, and an element only on the component separator when asked for a
        component it has, so most calls build no list at all.
        """
        els = self._elements
        if els is None and element > 0 and component > 0:
            parts = self._parts
            if parts is None:
                parts = self._parts = self.raw.split(self._delims.element)
            if element >= len(parts):
                return default
            value = parts[element]
            comp = self._delims.component
            if comp in value:
                comps = value.split(comp)
                if component > len(comps):
                    return default
                value = comps[component - 1]
            elif component > 1:
                return default
            return value or default
        if els is None:
            els = self.elements
        try:
            return els[element - 1][component - 1] or default
        except IndexError:
            return default

    @property
    def segment(self):
        return self

    def components(self, element):
        """Components of element ``element`` (a list; do not modify it)."""
        if self._elements is None and element > 0:
            parts = self._parts
            if parts is None:
                parts = self._parts = self.raw.split(self._delims.element)
            if element >= len(parts):
                return []
            return parts[element].split(self._delims.component)
        try:
            return self.elements[element - 1]
        except IndexError:
            return []

    def __repr__(self):
        return "Segment(%s, %r)" % (self.tag, self.elements)

    def __eq__(self, other):
        return (
            isinstance(other, Segment)
            and self.tag == other.tag
            and _trim(self.elements) == _trim(other.elements)
        )

    __hash__ = None


def _trim(elements):
    out = [list(e) for e in elements]
    for comps in out:
        while comps and comps[-1] == "":
            comps.pop()
    while out and not out[-1]:
        out.pop()
    return out


class RawSegment:
    """Tokenizer output: a segment, or garbage the tokenizer could not read as one."""

    __slots__ = ("segment", "issue", "delimiters", "una")

    def __init__(self, segment=None, issue=None, delimiters=DEFAULT_DELIMITERS, una=False):
        self.segment = segment
        self.issue = issue
        self.delimiters = delimiters
        self.una = una


def split_escaped(text, sep, release):
    """Split ``text`` on ``sep`` unless preceded by an odd run of ``release``."""
    if release not in text:
        return text.split(sep)
    out = []
    buf = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == release and i + 1 < n:
            buf.append(ch)
            buf.append(text[i + 1])
            i += 2
            continue
        if ch == sep:
            out.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    out.append("".join(buf))
    return out


def unescape(value, release):
    if release not in value:
        return value
    out = []
    i = 0
    n = len(value)
    while i < n:
        ch = value[i]
        if ch == release and i + 1 < n:
            out.append(value[i + 1])
            i += 2
        else:
            if ch != release:
                out.append(ch)
            i += 1
    return "".join(out)


def parse_segment_text(text, delims=DEFAULT_DELIMITERS, offset=0):
    """Turn the text of one segment (without terminator) into a :class:`Segment`."""
    rel = delims.release
    if rel in text:
        raw_elements = split_escaped(text, delims.element, rel)
        elements = [
            [unescape(c, rel) for c in split_escaped(e, delims.component, rel)]
            for e in raw_elements[1:]
        ]
        tag = unescape(raw_elements[0], rel)
    else:
        raw_elements = text.split(delims.element)
        comp = delims.component
        elements = [e.split(comp) for e in raw_elements[1:]]
        tag = raw_elements[0]
    return Segment(tag, elements, offset)


# Bytes read at a time. A message cut by a chunk's end is read segment by segment, so bigger chunks
# mean fewer of those; memory stays a few chunks, whatever the file size.
CHUNK_SIZE = 1 << 18


class Tokenizer:
    """Cut a byte stream into segments, chunk by chunk; never reads the whole file.

    UNA may appear before any UNB and changes the delimiters from there on. Whitespace
    between segments (CR/LF from "one segment per line" files) is skipped.
    """

    def __init__(self, stream, chunk_size=CHUNK_SIZE):
        self.stream = stream
        self.chunk_size = chunk_size
        self.delims = DEFAULT_DELIMITERS
        self.bytes_read = 0
        self.eof = False

    def _read(self):
        data = self.stream.read(self.chunk_size)
        if isinstance(data, str):
            data = data.encode("latin-1", "replace")
        if not data:
            self.eof = True
            return ""
        self.bytes_read += len(data)
        return data.decode("latin-1")

    def __iter__(self):
        for batch in self.batches():
            yield from batch

    def batches(self):  # noqa: C901 - one tight loop keeps the hot path fast
        """Lists of tokens: :class:`Segment` for segments, :class:`RawSegment` for UNA/garbage."""
        buf = ""
        base = 0  # file offset of buf[0]
        pos = 0
        while True:
            # Skip inter-segment whitespace.
            n = len(buf)
            while pos < n and buf[pos] in _WS:
                pos += 1
            if pos >= n or (n - pos < 9 and not self.eof):
                if self.eof:
                    return
                base += pos
                buf = buf[pos:] + self._read()
                pos = 0
                continue
            if buf.startswith("UNA", pos):
                advice = buf[pos + 3 : pos + 9]
                offset = base + pos
                try:
                    self.delims = Delimiters.from_una(advice)
                except ValueError as exc:
                    yield [
                        RawSegment(
                            issue=Issue(
                                ERR_INVALID_SERVICE_CHAR,
                                "Service string advice (UNA) is unusable: %s" % exc,
                                segment_tag="UNA",
                                offset=offset,
                            )
                        )
                    ]
                    self.delims = DEFAULT_DELIMITERS
                else:
                    yield [RawSegment(Segment("UNA", [[advice]], offset), None, self.delims, True)]
                pos += 9
                continue
            term = self.delims.segment
            rel = self.delims.release
            # Fast path: split every segment up to the last terminator before anything that
            # needs care (a release character or a possible UNA) in one C-level call.
            limit = buf.rfind(term, pos)
            for special in (rel, "UNA"):
                if limit <= pos:
                    break
                at = buf.find(special, pos, limit)
                if at >= 0:
                    limit = buf.rfind(term, pos, at)
            if limit > pos:
                yield self._bulk(buf, pos, limit, base)
                pos = limit + 1
                continue
            idx = buf.find(term, pos)
            while idx > 0 and buf[idx - 1] == rel:
                # Terminator is escaped when preceded by an odd run of release characters.
                j = idx - 1
                while j >= pos and buf[j] == rel:
                    j -= 1
                if (idx - 1 - j) % 2 == 0:
                    break
                idx = buf.find(term, idx + 1)
            if idx < 0:
                if self.eof:
                    text = buf[pos:]
                    yield [
                        RawSegment(
                            issue=Issue(
                                ERR_MISSING,
                                "File ends inside a segment (truncated?): %r" % _preview(text),
                                segment_tag=text[:3],
                                offset=base + pos,
                            )
                        )
                    ]
                    return
                base += pos
                buf = buf[pos:] + self._read()
                pos = 0
                continue
            text = buf[pos:idx]
            offset = base + pos
            pos = idx + 1
            if "\n" in text or "\r" in text:
                text = text.replace("\r", "").replace("\n", "")
            seg = parse_segment_text(text, self.delims, offset)
            seg.raw = text
            if not _TAG.match(seg.tag):
                yield [
                    RawSegment(
                        issue=Issue(
                            ERR_INVALID_VALUE,
                            "Not a segment (bad tag %r): %r" % (seg.tag[:10], _preview(text)),
                            segment_tag=seg.tag[:3] if _TAG.match(seg.tag[:3]) else "",
                            offset=offset,
                        ),
                        delimiters=self.delims,
                    )
                ]
                continue
            yield [seg]


def _bulk_segments(self, buf, pos, limit, base):
    """Tokens of ``buf[pos:limit]``, which holds no release character and no UNA.

    The usual file (one terminator, maybe one line break after each, nothing else between
    segments) becomes a :class:`TextBatch`: the texts and nothing more, so that the reader
    can take clean messages as text. Anything else is cut into tokens here.
    """
    d = self.delims
    chunk = buf[pos:limit]
    newlines = "\n" in chunk or "\r" in chunk
    offset = base + pos
    sep, step = d.segment, 1
    if newlines:
        # "One segment per line" files: when every terminator is followed by the same line
        # break, split on both at once instead of stripping each segment.
        n_terms = chunk.count(sep)
        for brk in ("\r\n", "\n"):
            if chunk.count(sep + brk) == n_terms:
                sep, step = sep + brk, 1 + len(brk)
                break
        if step > 1:
            head = len(chunk) - len(chunk.lstrip(_WS))  # stripped from the first segment anyway
            breaks = chunk.count("\n") + chunk.count("\r")
            lead = chunk[:head].count("\n") + chunk[:head].count("\r")
            newlines = breaks - lead - n_terms * (step - 1) > 0
    if not newlines and chunk[:1] not in _WS_START and (sep + " ") not in chunk:
        if (sep + "\t") not in chunk:
            return TextBatch(chunk, sep, offset, d)
    out = []
    append = out.append
    for text in chunk.split(sep):
        start = offset
        offset += len(text) + step
        if text[:1] in _WS_START:
            stripped = text.lstrip(_WS)
            start += len(text) - len(stripped)
            text = stripped
        if newlines and ("\n" in text or "\r" in text):
            text = text.replace("\r", "").replace("\n", "")
        append(_token(text, start, d))
    return out


def _token(text, start, d):
    """The Segment of one segment text (no release character in it), or a RawSegment issue."""
    tag = text[:3]
    if (text[3:4] == d.element or len(text) == 3) and (
        tag in _GOOD_TAGS
        or (_TAG.match(tag) and (len(_GOOD_TAGS) >= 512 or not _GOOD_TAGS.add(tag)))
    ):
        return Segment(tag, None, start, 0, text, d)
    if text:
        tag = text.split(d.element, 1)[0]
        return RawSegment(
            issue=Issue(
                ERR_INVALID_VALUE,
                "Not a segment (bad tag %r): %r" % (tag[:10], _preview(text)),
                segment_tag=tag[:3] if _TAG.match(tag[:3]) else "",
                offset=start,
            ),
            delimiters=d,
        )
    return RawSegment(issue=Issue(ERR_INVALID_VALUE, "Empty segment", offset=start), delimiters=d)


class TextBatch:
    """Segment texts of a bulk chunk, each made a token only when indexed.

    Every text starts right after a separator (the terminator, plus the line break when each
    terminator has one), so its offset in the file is a sum of lengths. The reader takes clean
    messages from ``texts`` without a Segment per segment (see ``reader._read_message``).
    """

    __slots__ = ("chunk", "texts", "sep", "step", "offset", "delims", "_at", "_clean")

    def __init__(self, chunk, sep, offset, delims):
        self.chunk = chunk
        self.texts = chunk.split(sep)
        self.sep = sep
        self.step = len(sep)
        self.offset = offset
        self.delims = delims
        self._at = (0, 0)  # (index, where that text starts in chunk): the reader goes forward
        self._clean = (None, False)

    def start(self, i):
        """Where text ``i`` starts in ``chunk`` (``len(texts)``: past the end and a separator)."""
        known, at = self._at
        if i != known:
            if i == known + 1:
                at += len(self.texts[known]) + self.step
            elif i > known:
                at += sum(map(len, self.texts[known:i])) + (i - known) * self.step
            else:
                at -= sum(map(len, self.texts[i:known])) + (known - i) * self.step
            self._at = (i, at)
        return at

    def clean(self, pattern):
        """True when no text holds a character ``pattern`` (a charset precheck) finds."""
        known, clean = self._clean
        if known is not pattern:
            clean = not has_match(pattern, "".join(self.texts))
            self._clean = (pattern, clean)
        return clean

    def __len__(self):
        return len(self.texts)

    def __getitem__(self, i):
        return _token(self.texts[i], self.offset + self.start(i), self.delims)

    def __iter__(self):
        return (self[i] for i in range(len(self.texts)))

    def find_unt(self, i):
        """Index of the first text from ``i`` on that is a UNT segment, or -1."""
        if i < 1:
            return -1  # the UNH is in an earlier batch: segment by segment
        step = self.step
        start = self.start(i)
        at = self.chunk.find(self.sep + "UNT" + self.delims.element, start - step)
        if at < 0:
            return -1
        k = i + self.chunk.count(self.sep, start, at + step)
        self._at = (k, at + step)
        return k


Tokenizer._bulk = _bulk_segments


def _preview(text, size=40):
    text = text.strip()
    return text if len(text) <= size else text[:size] + "..."


_PRECHECK = {
    "UNOA": "A-Z0-9 .,\\-()/='+:?!\"%&*;<>",
    "UNOB": "A-Za-z0-9 .,\\-()/='+:?!\"%&*;<>",
}


def has_match(pattern, text):
    """``pattern.search(text)``, sped up for the Latin-1 control-character check."""
    if pattern is _LATIN1_BAD and text.isprintable():
        return False  # every control character is unprintable
    return pattern.search(text) is not None


@lru_cache(maxsize=64)
def precheck(charset, delims):
    """One regex over the whole raw segment; None when the charset has no restriction."""
    if charset in _PRECHECK:
        extra = "".join(re.escape(c) for c in (delims.component, delims.element, delims.release))
        return re.compile("[^%s%s]" % (_PRECHECK[charset], extra))
    if charset in ("UNOC", "UNOY"):
        return _LATIN1_BAD
    return None


def charset_problem(segment, charset, delims=DEFAULT_DELIMITERS):
    """First character the charset forbids: (element, component, char, severity), or None.

    Lower case in UNOA is common practice among trading partners, so it is only a warning;
    anything outside level B (accents, control characters, bytes >= 0x80) is an error.
    """
    raw = segment.raw
    if raw is not None:
        pre = precheck(charset, delims)
        if pre is None or not pre.search(raw):
            return None
    if charset == "UNOA" or charset == "UNOB":
        checks = (
            ((_UNOB_BAD, "error"), (_UNOA_BAD, "warning"))
            if charset == "UNOA"
            else ((_UNOB_BAD, "error"),)
        )
    elif charset in ("UNOC", "UNOY"):
        checks = ((_LATIN1_BAD, "error"),)
    else:
        return None
    for bad, severity in checks:
        for e_idx, comps in enumerate(segment.elements, 1):
            for c_idx, value in enumerate(comps, 1):
                m = bad.search(value)
                if m:
                    return e_idx, c_idx, m.group(0), severity
    return None


def redecode_utf8(segment):
    """UNOY: the Latin-1 view of the bytes becomes real UTF-8 text; False when it is not UTF-8."""
    try:
        segment.elements = [
            [c.encode("latin-1").decode("utf-8") for c in comps] for comps in segment.elements
        ]
    except UnicodeError:
        return False
    return True


# -- writing ----------------------------------------------------------------------------------


def escape(value, delims=DEFAULT_DELIMITERS):
    """Put the release character before every service character in ``value``."""
    rel = delims.release
    specials = (rel, delims.component, delims.element, delims.segment)
    if not any(s in value for s in specials):
        return value
    out = []
    for ch in value:
        if ch in specials:
            out.append(rel)
        out.append(ch)
    return "".join(out)


def format_segment(tag, elements, delims=DEFAULT_DELIMITERS):
    """Render one segment. Elements are str/None or sequences of components; trailing empties go."""
    parts = [tag]
    for el in elements:
        if el is None:
            parts.append("")
        elif isinstance(el, (list, tuple)):
            comps = ["" if c is None else escape(str(c), delims) for c in el]
            while comps and comps[-1] == "":
                comps.pop()
            parts.append(delims.component.join(comps))
        else:
            parts.append(escape(str(el), delims))
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return delims.element.join(parts) + delims.segment


def check_writable(tag, elements, charset):
    """Raise :class:`EdifactSyntaxError` when a value uses characters the charset lacks."""
    if charset == "UNOA":
        allowed = UNOA_CHARS
    elif charset == "UNOB":
        allowed = UNOB_CHARS
    else:
        allowed = None
    for e_idx, el in enumerate(elements, 1):
        comps = el if isinstance(el, (list, tuple)) else [el]
        for c_idx, value in enumerate(comps, 1):
            if value is None:
                continue
            value = str(value)
            if allowed is not None:
                bad = [ch for ch in value if ch not in allowed]
            elif charset == "UNOC":
                bad = [ch for ch in value if ord(ch) > 0xFF or ord(ch) < 0x20 or ord(ch) == 0x7F]
            else:
                bad = [ch for ch in value if ord(ch) < 0x20]
            if bad:
                raise EdifactSyntaxError(
                    "%s element %02d.%d: character %r is not allowed in %s (value %r)"
                    % (tag, e_idx, c_idx, bad[0], charset, value)
                )
