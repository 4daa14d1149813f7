"""997 functional acknowledgement <-> ``FunctionalAck``: the document itself, written and read
back. Building one for what the reader found is ``x12.ack``."""

import re
from dataclasses import dataclass, field


@dataclass
class ElementError:
    position: int
    code: str  # AK403
    value: str | None = None


@dataclass
class SegmentError:
    segment_id: str
    position: int
    code: str  # AK304
    elements: list = field(default_factory=list)


@dataclass
class SetAck:
    set_id: str
    control: str
    status: str  # A accepted | E accepted, errors noted | R rejected
    codes: list = field(default_factory=list)  # AK502..
    segment_errors: list = field(default_factory=list)


@dataclass
class FunctionalAck:
    functional_id: str
    group_control: str
    status: str  # A | E | P partially accepted | R
    included: int
    received: int
    accepted: int
    codes: list = field(default_factory=list)  # AK905..
    sets: list = field(default_factory=list)

    @property
    def rejected_sets(self):
        return [s for s in self.sets if s.status == "R"]


def render_997(fa, env=None):
    """FunctionalAck -> (set_id, body). Values echoed from the inbound file (control numbers,
    segment IDs, bad values) are cut down to printable text without ``env``'s delimiters and to
    the sizes a 997 allows, so the 997 stays valid whatever came in."""
    bad = (
        "".join(filter(None, (env.element, env.component, env.segment, env.repetition)))
        if (env is not None)
        else ""
    )

    def echo(value, size=99):
        text = "".join(ch for ch in str(value or "") if " " <= ch <= "~" and ch not in bad)
        return text[:size].strip()

    def code(value, low, high, fill):
        text = re.sub(r"[^A-Za-z0-9]", "", str(value or ""))[:high]
        return text if len(text) >= low else (text + fill * low)[:low]

    group = re.sub(r"\D", "", str(fa.group_control or ""))[:9] or "0"
    body = [["AK1", code(fa.functional_id, 2, 2, "Z"), group]]
    for s in fa.sets:
        body.append(["AK2", code(s.set_id, 3, 3, "0"), code(s.control, 4, 9, "0")])
        for err in s.segment_errors[:99]:
            body.append(["AK3", code(err.segment_id, 2, 3, "Z"), err.position, "", err.code])
            for el in err.elements[:99]:
                body.append(["AK4", el.position, "", el.code, echo(el.value)])
        body.append(["AK5", s.status, *s.codes])
    body.append(["AK9", fa.status, fa.included, fa.received, fa.accepted, *fa.codes])
    return "997", body


def read_997(tx, ctx):
    root = tx.tree
    ak1 = root.first("AK1")
    ak9 = root.first("AK9")
    sets = []
    for loop in root.loop("AK2"):
        ak2 = loop.head
        errors = []
        for ak3_loop in loop.loop("AK3"):
            ak3 = ak3_loop.head
            elements = []
            for ak4 in ak3_loop.all("AK4"):
                pos = ak4.get(1).split(tx.interchange.delimiters.component)[0]
                elements.append(
                    ElementError(int(pos) if pos.isdigit() else 0, ak4.get(3), ak4.get(4) or None)
                )
            position = ak3.get(2)
            errors.append(
                SegmentError(
                    ak3.get(1), int(position) if position.isdigit() else 0, ak3.get(4), elements
                )
            )
        ak5 = loop.first("AK5")
        sets.append(
            SetAck(
                ak2.get(1),
                ak2.get(2),
                ak5.get(1) if ak5 else "",
                [ak5.get(i) for i in range(2, 7) if ak5 and ak5.get(i)],
                errors,
            )
        )

    def count(pos):
        value = ak9.get(pos) if ak9 else ""
        return int(value) if value.isdigit() else 0

    tx.document = FunctionalAck(
        ak1.get(1) if ak1 else "",
        ak1.get(2) if ak1 else "",
        ak9.get(1) if ak9 else "",
        count(2),
        count(3),
        count(4),
        [ak9.get(i) for i in range(5, 10) if ak9 and ak9.get(i)],
        sets,
    )
