"""X12 writer: envelopes (ISA/GS/ST ... SE/GE/IEA) with control numbers and counts."""

from dataclasses import dataclass, field
from datetime import datetime, timezone

from .structure import FUNCTIONAL_IDS


class X12WriteError(ValueError):
    """A value cannot be written (it contains a delimiter, or a required value is missing)."""


@dataclass
class Envelope:
    """Who sends to whom, and the numbering of one outbound interchange."""

    sender_id: str
    receiver_id: str = "AMAZON"
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"
    interchange_control: int = 1
    group_control: int | None = None  # defaults to the interchange control number
    first_transaction_control: int = 1
    version: str = "4010"  # 4010 | 5010
    usage: str = "P"  # P production | T test
    timestamp: datetime | None = None  # default: now, UTC
    element: str = "*"
    component: str = ">"
    segment: str = "~"
    repetition: str = "^"  # 5010 only; 4010 writes ISA11 = U
    line_break: bool = True
    ack_requested: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def gs_version(self):
        return "005010" if self.version == "5010" else "004010"


def _clean(value, env, where):
    if value is None:
        return ""
    text = str(value)
    for delim in (env.element, env.segment, env.component):
        if delim in text:
            raise X12WriteError(f"{where}: value {text!r} contains the delimiter {delim!r}")
    return text


def format_segment(seg, env, where=""):
    """['TAG', e1, e2, ...] -> 'TAG*e1*e2' with trailing empty elements dropped."""
    values = [_clean(v, env, f"{where}{seg[0]}{i:02d}") for i, v in enumerate(seg)]
    while len(values) > 1 and values[-1] == "":
        values.pop()
    return env.element.join(values)


def write_interchange(transactions, env):
    """Serialise ``transactions`` — a list of (set_id, body segments without ST/SE) — into one
    interchange, one GS group per functional ID in first-seen order. Returns text."""
    stamp = (env.timestamp or datetime.now(timezone.utc)).astimezone(timezone.utc)
    term = env.segment + ("\n" if env.line_break else "")
    out = []
    isa11 = env.repetition if env.version == "5010" else "U"
    isa12 = "00501" if env.version == "5010" else "00401"
    control = f"{int(env.interchange_control):09d}"
    if len(control) != 9:
        raise X12WriteError(f"interchange control number {env.interchange_control} > 9 digits")
    isa = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        env.sender_qualifier.ljust(2)[:2],
        env.sender_id.ljust(15)[:15],
        env.receiver_qualifier.ljust(2)[:2],
        env.receiver_id.ljust(15)[:15],
        stamp.strftime("%y%m%d"),
        stamp.strftime("%H%M"),
        isa11,
        isa12,
        control,
        "1" if env.ack_requested else "0",
        env.usage,
        env.component,
    ]
    if len(env.sender_id) > 15 or len(env.receiver_id) > 15:
        raise X12WriteError("ISA06/ISA08 sender/receiver IDs are at most 15 characters")
    out.append(env.element.join(isa))
    groups = {}
    for set_id, body in transactions:
        groups.setdefault(FUNCTIONAL_IDS[set_id], []).append((set_id, body))
    gcontrol = env.group_control if env.group_control is not None else env.interchange_control
    tcontrol = env.first_transaction_control
    for offset, (fid, sets) in enumerate(groups.items()):
        gnum = str(int(gcontrol) + offset)
        out.append(
            format_segment(
                [
                    "GS",
                    fid,
                    env.sender_id,
                    env.receiver_id,
                    stamp.strftime("%Y%m%d"),
                    stamp.strftime("%H%M"),
                    gnum,
                    "X",
                    env.gs_version,
                ],
                env,
            )
        )
        for set_id, body in sets:
            st_control = f"{tcontrol:04d}"
            tcontrol += 1
            out.append(format_segment(["ST", set_id, st_control], env))
            where = f"{set_id} {st_control} "
            for seg in body:
                out.append(format_segment(seg, env, where))
            out.append(format_segment(["SE", str(len(body) + 2), st_control], env))
        out.append(format_segment(["GE", str(len(sets)), gnum], env))
    out.append(format_segment(["IEA", str(len(groups)), control], env))
    return term.join(out) + term
