"""997 functional acknowledgements built from what the reader found (the 997 document itself,
written and read back, is ``documents/functional_ack_997.py``).

Amazon expects a 997 for every functional group it sends; a rejected transaction set is
listed with AK3/AK4 (segment/element errors) and AK5 codes, the group with AK9 counts.
"""

from .documents.functional_ack_997 import (
    ElementError,
    FunctionalAck,
    SegmentError,
    SetAck,
    render_997,
)
from .reader import parse
from .writer import Envelope, write_interchange


def build_997(group):
    """A FunctionalAck for one inbound GroupInfo (from ``X12Reader``)."""
    sets = []
    for tack in group.transactions:
        seg_errors = {}
        codes = []
        for issue in tack.issues + tack.noted:
            if issue.ak3:
                key = (issue.segment_id or "ST", issue.segment_position or 1)
                err = seg_errors.get(key)
                if err is None:
                    err = seg_errors[key] = SegmentError(key[0][:3], key[1], issue.ak3)
                elif err.code == "8" and issue.ak3 != "8":  # the segment error says more
                    err.code = issue.ak3
                if issue.ak4 and issue.element:
                    err.elements.append(ElementError(issue.element, issue.ak4, issue.value))
            if issue.ak5 and issue.ak5 not in codes:
                codes.append(issue.ak5)
        if tack.issues and not codes:
            codes.append("5")
        sets.append(
            SetAck(
                tack.set_id,
                tack.control,
                "R" if tack.issues else "E" if tack.noted else "A",
                codes[:5],
                list(seg_errors.values()),
            )
        )
    group_codes = [c for c in dict.fromkeys(group.ak9_codes)][:5]
    accepted = group.accepted
    if group_codes or accepted == 0 and group.received:
        status = "R"
    elif accepted < group.received:
        status = "P"
    elif any(s.status == "E" for s in sets):
        status = "E"  # every set accepted, some with segments noted
    else:
        status = "A"
    return FunctionalAck(
        group.functional_id,
        group.control,
        status,
        group.received,
        group.received,
        accepted,
        group_codes,
        sets,
    )


def acknowledge(source, env=None, **parse_kwargs):
    """Read an inbound file and return (997 interchange text, ParseResult).

    One 997 per functional group, except groups that are themselves 997s. Sender and receiver
    are swapped from the inbound ISA unless ``env`` is given.
    """
    result = parse(source, **parse_kwargs)
    sets = []
    first = None
    for inter in result.interchanges:
        for group in inter.groups:
            if group.functional_id == "FA" or not group.received and not group.issues:
                continue
            first = first or inter
            sets.append(build_997(group))
    if not sets:
        return "", result
    if env is None:
        env = Envelope(
            sender_id=first.receiver or "ACORN",
            receiver_id=first.sender or "AMAZON",
            sender_qualifier=first.receiver_qualifier or "ZZ",
            receiver_qualifier=first.sender_qualifier or "ZZ",
            interchange_control=int(first.control) if first.control.isdigit() else 1,
            usage=first.usage if first.usage in ("P", "T") else "P",
        )
    return write_interchange([render_997(fa, env) for fa in sets], env), result
