"""Interchange writer: UNA/UNB/UNG?/UNH..UNT/UNZ with counts and control references filled in.

Messages are written as soon as they are added when an output stream is given, so a 10 MB
interchange never sits in memory as a whole.
"""

import io
from datetime import datetime, timezone

from . import syntax


class MessageBuilder:
    """Collects the body segments of one message; the writer adds UNH and UNT."""

    def __init__(self, msg_type, version="D", release="96A", agency="UN", association=""):
        self.identifier = [msg_type, version, release, agency] + (
            [association] if association else []
        )
        self.segments = []

    def add(self, tag, *elements):
        self.segments.append((tag, elements))
        return self

    @property
    def type(self):
        return self.identifier[0]


class InterchangeWriter:
    """Write one interchange. ``charset`` is the UNB syntax identifier (UNOA, UNOB, UNOC, UNOY).

    Values are checked against the charset before they are written: UNOA only takes upper
    case A-Z, digits and a few punctuation marks, so a German street name needs UNOC.
    """

    def __init__(
        self,
        sender,
        recipient,
        control_ref,
        *,
        sender_qualifier="14",
        recipient_qualifier="14",
        charset="UNOC",
        syntax_version="3",
        prepared=None,
        application_ref="",
        test=False,
        una=True,
        delimiters=syntax.DEFAULT_DELIMITERS,
        group=None,
        out=None,
        line_breaks=False,
    ):
        if charset not in syntax.CHARSETS:
            raise syntax.EdifactSyntaxError("Unknown syntax identifier %r" % charset)
        if not control_ref or len(str(control_ref)) > 14:
            raise syntax.EdifactSyntaxError(
                "Interchange control reference must have 1-14 characters"
            )
        self.charset = charset
        self.delims = delimiters
        self.control_ref = str(control_ref)
        self.group = group  # None or dict(ref=, type=, sender=, recipient=)
        self.message_count = 0
        self._out = out
        self._buffer = io.StringIO() if out is None else None
        self._eol = "\n" if line_breaks else ""
        self._message_refs = set()
        self._group_count = 0
        prepared = prepared or datetime.now(timezone.utc)
        head = []
        if una:
            head.append(self.delims.una() + self._eol)
        unb = [
            (charset, syntax_version),
            (sender, sender_qualifier),
            (recipient, recipient_qualifier),
            (prepared.strftime("%y%m%d"), prepared.strftime("%H%M")),
            self.control_ref,
            None,
            application_ref or None,
        ]
        if test:
            unb += [None, None, None, "1"]
        head.append(self._segment("UNB", unb))
        if group:
            head.append(
                self._segment(
                    "UNG",
                    [
                        group["type"],
                        (group.get("sender", sender), sender_qualifier),
                        (group.get("recipient", recipient), recipient_qualifier),
                        (prepared.strftime("%y%m%d"), prepared.strftime("%H%M")),
                        group["ref"],
                        "UN",
                        ("D", "96A"),
                    ],
                )
            )
        self._write("".join(head))

    def _segment(self, tag, elements):
        syntax.check_writable(tag, elements, self.charset)
        return syntax.format_segment(tag, elements, self.delims) + self._eol

    def _write(self, text):
        if self._out is None:
            self._buffer.write(text)
        elif isinstance(self._out, io.TextIOBase):
            self._out.write(text)
        else:
            self._out.write(text.encode(syntax.CHARSETS[self.charset]))

    def add(self, builder, ref=None):
        """Write one message; returns its message reference (UNH 0062)."""
        self.message_count += 1
        ref = str(ref if ref is not None else self.message_count)
        if ref in self._message_refs:
            raise syntax.EdifactSyntaxError(
                "Message reference %s used twice in one interchange" % ref
            )
        self._message_refs.add(ref)
        parts = [self._segment("UNH", [ref, builder.identifier])]
        for tag, elements in builder.segments:
            parts.append(self._segment(tag, elements))
        parts.append(self._segment("UNT", [str(len(builder.segments) + 2), ref]))
        self._write("".join(parts))
        return ref

    def close(self):
        """Write UNE/UNZ; returns the whole interchange as text when no stream was given."""
        tail = []
        if self.group:
            tail.append(self._segment("UNE", [str(self.message_count), self.group["ref"]]))
            count = 1
        else:
            count = self.message_count
        tail.append(self._segment("UNZ", [str(count), self.control_ref]))
        self._write("".join(tail))
        if self._buffer is not None:
            return self._buffer.getvalue()
        return None


def write_interchange(messages, sender, recipient, control_ref, **kwargs):
    """Shortcut: a list of :class:`MessageBuilder` → the interchange text."""
    writer = InterchangeWriter(sender, recipient, control_ref, **kwargs)
    for builder in messages:
        writer.add(builder)
    return writer.close()
