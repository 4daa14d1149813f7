"""CONTRL (syntax and service report, ISO 9735 v3): read Amazon's, write ours.

Ours answers every inbound interchange: UCI with action 7 (acknowledged) or 4 (rejected), one
UCM per message (7 or 4), and for errors UCS (segment position) / UCD (element:component).
"""

from dataclasses import dataclass, field

from .writer import InterchangeWriter, MessageBuilder

ACKNOWLEDGED = "7"
REJECTED = "4"
RECEIVED = "8"
ACTIONS = {ACKNOWLEDGED: "accepted", REJECTED: "rejected", RECEIVED: "received"}


@dataclass
class ContrlError:
    code: str
    segment_tag: str = ""
    position: int = 0
    element: int = 0
    component: int = 0


@dataclass
class ContrlMessage:
    ref: str
    type: str
    action: str
    errors: list = field(default_factory=list)

    @property
    def accepted(self):
        return self.action == ACKNOWLEDGED


@dataclass
class ContrlReport:
    """What a CONTRL says about one of our interchanges."""

    interchange_ref: str
    sender: str
    recipient: str
    action: str
    errors: list = field(default_factory=list)
    messages: list = field(default_factory=list)

    @property
    def accepted(self):
        return self.action in (ACKNOWLEDGED, RECEIVED) and not any(
            m.action == REJECTED for m in self.messages
        )

    @property
    def status(self):
        return ACTIONS.get(self.action, "unknown action %s" % self.action)


def _int(value):
    return int(value) if value.isdigit() else 0


def parse_contrl(msg):
    """CONTRL message → ContrlReport (UCF groups are flattened into the message list)."""
    report = None
    current_msg = None
    current_pos = None
    for seg in msg.body():
        if seg.tag == "UCI":
            report = ContrlReport(
                interchange_ref=seg.get(1),
                sender=seg.get(2, 1),
                recipient=seg.get(3, 1),
                action=seg.get(4),
            )
            if seg.get(5):
                report.errors.append(
                    ContrlError(seg.get(5), seg.get(6), 0, _int(seg.get(7, 1)), _int(seg.get(7, 2)))
                )
        elif seg.tag == "UCM" and report is not None:
            current_msg = ContrlMessage(seg.get(1), seg.get(2, 1), seg.get(3))
            if seg.get(4):
                current_msg.errors.append(
                    ContrlError(seg.get(4), seg.get(5), 0, _int(seg.get(6, 1)), _int(seg.get(6, 2)))
                )
            report.messages.append(current_msg)
        elif seg.tag == "UCS" and current_msg is not None:
            current_pos = _int(seg.get(1))
            if seg.get(2):
                current_msg.errors.append(ContrlError(seg.get(2), "", current_pos))
        elif seg.tag == "UCD" and current_msg is not None:
            current_msg.errors.append(
                ContrlError(
                    seg.get(1), "", current_pos or 0, _int(seg.get(2, 1)), _int(seg.get(2, 2))
                )
            )
    return report


def _clean(value):
    """Echoed references may hold bytes the reader flagged; keep them printable Latin-1."""
    if not value:
        return value
    return "".join(ch if 0x20 <= ord(ch) <= 0xFF and ord(ch) != 0x7F else "?" for ch in value)[:35]


_SERVICE_TAGS = ("UNA", "UNB", "UNG", "UNH", "UNT", "UNE", "UNZ")


def _service_tag(tag):
    """0013 names a service segment only (a3); other tags are located by UCS instead."""
    return tag if tag in _SERVICE_TAGS else None


def build_contrl(result):
    """CONTRL message (a MessageBuilder) answering one read :class:`InterchangeResult`."""
    h = result.header
    b = MessageBuilder("CONTRL", version="D", release="3", agency="UN")
    ic_errors = [i for i in result.issues if i.severity == "error"]
    uci = [
        # Mandatory in UCI even when the UNB lacked them: a visible placeholder, not a blank;
        # qualifiers (0007) are an..4 whatever the inbound UNB held.
        _clean(h.control_ref)[:14] or "0",
        (_clean(h.sender) or "UNKNOWN", (_clean(h.sender_qualifier) or "")[:4] or None),
        (_clean(h.recipient) or "UNKNOWN", (_clean(h.recipient_qualifier) or "")[:4] or None),
        REJECTED if ic_errors else ACKNOWLEDGED,
    ]
    if ic_errors:
        first = ic_errors[0]
        uci += [
            first.code,
            _service_tag(first.segment_tag),
            (first.element or None, first.component or None) if first.element else None,
        ]
    b.add("UCI", *uci)
    for mres in result.messages:
        msg = mres.message
        errors = [i for i in mres.issues if i.severity == "error"]
        # S009 parts are mandatory in UCM; when the UNH lacked them, say so with placeholders.
        ident = (
            (_clean(msg.type) or "UNKNWN")[:6],
            (_clean(msg.version) or "0")[:3],
            (_clean(msg.release) or "0")[:3],
            (_clean(msg.agency) or "UN")[:2],
            _clean(msg.association)[:6] or None,
        )
        ucm = [_clean(msg.ref)[:14] or "0", ident, REJECTED if errors else ACKNOWLEDGED]
        top = [i for i in errors if not i.position]
        if top:
            ucm += [top[0].code, _service_tag(top[0].segment_tag)]
        b.add("UCM", *ucm)
        by_position = {}
        for issue in errors:
            if issue.position:
                by_position.setdefault(issue.position, []).append(issue)
        for position in sorted(by_position)[:999]:
            issues = by_position[position]
            seg_level = [i for i in issues if not i.element]
            b.add("UCS", str(position), seg_level[0].code if seg_level else None)
            for issue in [i for i in issues if i.element][:99]:
                b.add("UCD", issue.code, (issue.element, issue.component or None))
    return b


def contrl_interchange(result, control_ref, prepared=None, charset=None, **kwargs):
    """A whole interchange carrying the CONTRL for ``result``, addressed back to its sender."""
    h = result.header
    writer = InterchangeWriter(
        _clean(h.recipient) or "UNKNOWN",
        _clean(h.sender) or "UNKNOWN",
        control_ref,
        sender_qualifier=(_clean(h.recipient_qualifier) or "")[:4] or "14",
        recipient_qualifier=(_clean(h.sender_qualifier) or "")[:4] or "14",
        charset=charset or "UNOC",
        prepared=prepared,
        **kwargs,
    )
    writer.add(build_contrl(result))
    return writer.close()
