"""Read EDIFACT files into results (documents + issues) and answer them with CONTRL.

``iter_results`` streams: one message at a time, so a 10 MB file of ASNs never sits in memory
twice. ``read`` collects everything for the common small file.
"""

import logging
from dataclasses import dataclass, field

from .._gc import fewer_collections
from . import fast_path, reader, rules, syntax
from . import structure as checks
from .ack import parse_contrl
from .documents import PARSERS
from .documents.shared import parse_dtm_text
from .fast_path import READERS
from .issues import Issue
from .reader import EdifactReader
from .rules import check_amazon
from .structure import check_message, structure

_logger = logging.getLogger(__name__)
_D96A = ("D", "96A", "UN")
_CONTRL_VERSIONS = {("D", "3"), ("2", "2"), ("4", "1"), ("D", "4")}


@dataclass
class MessageResult:
    """A message, what it became (a domain object, a ContrlReport, or None) and its issues."""

    message: object
    document: object = None
    issues: list = field(default_factory=list)

    @property
    def ok(self):
        issues = self.issues  # most messages have none: no generator for them
        return not issues or not any(i.severity == "error" for i in issues)

    @property
    def ref(self):
        return self.message.ref

    @property
    def type(self):
        return self.message.type


@dataclass
class InterchangeResult:
    header: object
    issues: list = field(default_factory=list)
    messages: list = field(default_factory=list)

    @property
    def ok(self):
        return not any(i.severity == "error" for i in self.issues) and all(
            m.ok for m in self.messages
        )

    @property
    def control_ref(self):
        return self.header.control_ref if self.header else ""

    def all_issues(self):
        out = list(self.issues)
        for m in self.messages:
            out.extend(m.issues)
        return out

    def documents(self, msg_type=None):
        return [
            m.document
            for m in self.messages
            if m.ok and m.document is not None and (msg_type is None or m.type == msg_type)
        ]


def forget_memos():
    """Read the next file as if it were the first one this process sees.

    The reader remembers what files repeat: well-formed segment heads, clean segment texts and
    message shapes, dates, GTIN check digits and what recurring parties, products and
    quantities say. Answers never depend on it (the tests read every input cold and warm);
    speed does, and the benchmark measures files that repeat nothing this way.
    """
    reader._HEADS.clear()
    checks._CLEAN_SHAPES.clear()
    checks._CLEAN_SEGMENTS.clear()
    checks._valid_date.cache_clear()
    fast_path.forget()
    parse_dtm_text.cache_clear()
    rules.gtin_ok.cache_clear()


def validate_message(msg, amazon=True):
    """Structure, data elements and (with ``amazon``) Amazon's rules; issues land on ``msg``."""
    _validate(msg, amazon)


def _validate(msg, amazon):
    """``validate_message``; returns the document when the fast path built it."""
    if msg.type == "CONTRL":
        if (msg.version, msg.release) not in _CONTRL_VERSIONS:
            msg.issue(
                syntax.ERR_VALUE_NOT_SUPPORTED,
                "CONTRL version %s:%s (read as D:3)" % (msg.version, msg.release),
                msg.segments[0] if msg.segments else None,
                2,
                2,
                severity="warning",
            )
    elif structure(msg.type) is None:
        msg.issue(
            syntax.ERR_VALUE_NOT_SUPPORTED,
            "Message type %s is not handled (ORDERS, ORDRSP, DESADV, INVOIC, INVRPT, SLSRPT, "
            "CONTRL)" % msg.type,
            msg.segments[0] if msg.segments else None,
            2,
            1,
        )
        return None
    elif (msg.version, msg.release, msg.agency) != _D96A:
        msg.issue(
            syntax.ERR_VALUE_NOT_SUPPORTED,
            "Message version %s:%s:%s; only D:96A:UN is handled"
            % (msg.version, msg.release, msg.agency),
            msg.segments[0] if msg.segments else None,
            2,
            2,
        )
        return None
    check_message(msg)
    if amazon:
        one_pass = READERS.get(msg.type)
        plain = msg.plain_texts() if one_pass is not None else None
        document = one_pass(*plain) if plain is not None else None
        if document is None:
            check_amazon(msg)
        return document
    return None


def process_message(msg, amazon=True, parse=True):
    """Validate and, when it is clean, turn the message into its document. Never raises."""
    try:
        document = _validate(msg, amazon)
        if not (parse and msg.ok):
            document = None
        elif document is None:
            if msg.type == "CONTRL":
                document = parse_contrl(msg)
            else:
                document = PARSERS[msg.type](msg)
    except Exception as exc:  # the contract is: bad input never escapes as an exception
        _logger.exception("EDIFACT message %s could not be read", msg.ref)
        msg.issue(syntax.ERR_UNSPECIFIED, "Message could not be read: %s" % exc)
        document = None
    return MessageResult(msg, document, msg.issues)


def iter_results(
    source, amazon=True, parse=True, chunk_size=syntax.CHUNK_SIZE, keep_segments=False
):
    """Yield ``(interchange, MessageResult)`` as messages are read, then ``(interchange, None)``
    once the interchange is complete (its ``issues`` are final then)."""
    try:
        with fewer_collections():
            for ic in EdifactReader(source, chunk_size):
                for msg in ic.messages():
                    result = process_message(msg, amazon, parse)
                    if not keep_segments:
                        msg.drop_body()
                    yield ic, result
                yield ic, None
    except Exception as exc:  # pragma: no cover - last line of defence, logged
        _logger.exception("EDIFACT reader failed")
        ic = _Broken(exc)
        yield ic, None


class _Broken:
    def __init__(self, exc):
        self.header = None
        self.issues = [Issue(syntax.ERR_UNSPECIFIED, "File could not be read: %s" % exc)]


def read(source, amazon=True, parse=True, chunk_size=syntax.CHUNK_SIZE, keep_segments=True):
    """All interchanges of ``source`` (bytes, str or a binary file object) as results."""
    out = []
    current = None
    for ic, mres in iter_results(source, amazon, parse, chunk_size, keep_segments):
        if current is None or current[0] is not ic:
            current = (ic, InterchangeResult(ic.header))
            out.append(current[1])
        if mres is not None:
            current[1].messages.append(mres)
        else:
            current[1].issues = list(ic.issues)
    return out
