"""What the EDI document log decides, without Odoo: read an inbound file into messages and
the functional acknowledgement it needs, say what to do with each message, render outbound
documents in the account's standard, and match Amazon's 997/CONTRL to what we sent.

The Odoo model (``acorn.edi.document``) stores, links and queues; every decision that can be
made from the bytes and the trading-partner profile is made here and tested with pytest.
"""

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timezone

from . import edifact, x12
from ._vendor import domain

STANDARDS = ("x12", "edifact")
X12_CONTROL_MAX = 999_999_999  # ISA13 is nine digits
EDIFACT_CONTROL_MAX = 99_999_999_999_999  # UNB 0020 is up to 14 characters

# What the log does with each inbound message type.
KIND_PURCHASE_ORDER = "purchase_order"
KIND_PO_CHANGE = "po_change"
KIND_FUNCTIONAL_ACK = "functional_ack"
KIND_REMITTANCE = "remittance"
KIND_OTHER = "other"
_KINDS = {
    "850": KIND_PURCHASE_ORDER,
    "ORDERS": KIND_PURCHASE_ORDER,
    "860": KIND_PO_CHANGE,
    "ORDCHG": KIND_PO_CHANGE,
    "997": KIND_FUNCTIONAL_ACK,
    "CONTRL": KIND_FUNCTIONAL_ACK,
    "820": KIND_REMITTANCE,
}
# Outbound documents per standard: (X12 set, EDIFACT message).
OUTBOUND_TYPES = {
    "acknowledgement": ("855", "ORDRSP"),
    "shipment_confirmation": ("856", "DESADV"),
    "invoice": ("810", "INVOIC"),
}


class ExchangeError(ValueError):
    """An outbound document cannot be rendered; the message says what to fix."""


@dataclass
class Profile:
    """The trading-partner profile of an account, as the envelope needs it."""

    standard: str = "x12"
    version: str = "4010"  # X12 4010 | 5010
    sender_id: str = "ACORN"
    sender_qualifier: str = "ZZ"
    receiver_id: str = "AMAZON"
    receiver_qualifier: str = "ZZ"
    test: bool = True


@dataclass
class InboundMessage:
    """One transaction set / message of an inbound file."""

    set_id: str  # 850, 860, 997, ORDERS, CONTRL...
    control: str  # ST02 / UNH 0062
    group_control: str = ""  # GS06 (X12)
    interchange_control: str = ""
    document: object = None
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors and self.document is not None

    @property
    def kind(self):
        return _KINDS.get(self.set_id, KIND_OTHER)


@dataclass
class InboundFile:
    """An inbound file read: who sent it, its control reference, its messages and problems."""

    standard: str | None
    sender: str = ""
    sender_qualifier: str = ""
    receiver: str = ""
    control: str = ""  # ISA13 / UNB 0020 of the first interchange
    test: bool = False
    messages: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # envelope problems (no message to pin them on)
    interchange_count: int = 0
    _results: object = None  # the codec's own result, for the acknowledgement

    @property
    def ok(self):
        return not self.errors and all(m.ok for m in self.messages)

    @property
    def key(self):
        """What makes an interchange unique: its sender and its control reference."""
        return (self.sender_qualifier, self.sender.strip(), self.control)

    def all_errors(self):
        out = list(self.errors)
        for m in self.messages:
            out.extend(m.errors)
        return out

    @property
    def needs_acknowledgement(self):
        """Every inbound group / interchange gets a 997 / CONTRL, except acknowledgements."""
        if self.standard is None or not self.interchange_count:
            return False
        return any(m.kind != KIND_FUNCTIONAL_ACK for m in self.messages) or bool(self.errors)


def detect_standard(data):
    """'x12' (starts with ISA), 'edifact' (UNA/UNB) or None, ignoring a BOM and blanks."""
    head = bytes(data[:512]).lstrip(b"\xef\xbb\xbf \t\r\n\x00")
    if head[:3] == b"ISA":
        return "x12"
    if head[:3] in (b"UNA", b"UNB"):
        return "edifact"
    return None


def _issue_text(issue):
    return str(issue)


def read_file(data):
    """Bytes of an inbound file -> InboundFile. Never raises: problems become errors."""
    standard = detect_standard(data)
    if standard == "x12":
        return _read_x12(data)
    if standard == "edifact":
        return _read_edifact(data)
    sample = bytes(data[:20])
    what = "the file is empty" if not data.strip() else f"it starts with {sample!r}"
    return InboundFile(
        None,
        errors=[f"ERROR file: neither X12 (ISA) nor EDIFACT (UNA/UNB): {what}"],
    )


def _read_x12(data):
    result = x12.parse(bytes(data), keep_acks="all")
    inbound = InboundFile("x12", _results=result, interchange_count=len(result.interchanges))
    if result.interchanges:
        first = result.interchanges[0]
        inbound.sender = first.sender or ""
        inbound.sender_qualifier = first.sender_qualifier or ""
        inbound.receiver = first.receiver or ""
        inbound.control = first.control or ""
        inbound.test = first.usage == "T"
    pinned = set()
    for tx in result.transactions:
        errors = [_issue_text(i) for i in tx.issues if i.severity == "error"]
        pinned.update(id(i) for i in tx.issues)
        inbound.messages.append(
            InboundMessage(
                tx.set_id,
                tx.control,
                tx.group.control if tx.group else "",
                tx.interchange.control if tx.interchange else "",
                tx.document if not errors else None,
                errors,
            )
        )
    inbound.errors = [
        _issue_text(i) for i in result.issues if i.severity == "error" and id(i) not in pinned
    ]
    if not result.interchanges and not inbound.errors:
        inbound.errors.append("ERROR file: no X12 interchange found")
    return inbound


def _read_edifact(data):
    results = edifact.read(bytes(data), keep_segments=False)
    inbound = InboundFile("edifact", _results=results)
    headed = [r for r in results if r.header is not None]
    inbound.interchange_count = len(headed)
    if headed:
        h = headed[0].header
        inbound.sender = h.sender or ""
        inbound.sender_qualifier = h.sender_qualifier or ""
        inbound.receiver = h.recipient or ""
        inbound.control = h.control_ref or ""
        inbound.test = bool(h.test)
    for result in results:
        control = result.control_ref
        inbound.errors += [_issue_text(i) for i in result.issues if i.severity == "error"]
        for mres in result.messages:
            errors = [_issue_text(i) for i in mres.issues if i.severity == "error"]
            inbound.messages.append(
                InboundMessage(
                    mres.type,
                    mres.ref,
                    "",
                    control,
                    mres.document if not errors else None,
                    errors,
                )
            )
    if not results and not inbound.errors:
        inbound.errors.append("ERROR file: no EDIFACT interchange found")
    return inbound


# ---------------------------------------------------------------------------------- controls


def next_control(last, standard):
    """The control number after ``last``; ISA13 wraps after nine digits (never 0)."""
    top = X12_CONTROL_MAX if standard == "x12" else EDIFACT_CONTROL_MAX
    value = int(last or 0) + 1
    return 1 if value > top else value


def format_control(number, standard):
    return f"{int(number):09d}" if standard == "x12" else str(int(number))


def _x12_envelope(profile, control, timestamp=None):
    return x12.Envelope(
        sender_id=profile.sender_id,
        receiver_id=profile.receiver_id,
        sender_qualifier=profile.sender_qualifier or "ZZ",
        receiver_qualifier=profile.receiver_qualifier or "ZZ",
        interchange_control=int(control),
        version="5010" if profile.version in ("5010", "005010") else "4010",
        usage="T" if profile.test else "P",
        timestamp=timestamp,
    )


@dataclass
class Outbound:
    """An outbound interchange ready to send, with the numbers its 997/CONTRL will quote."""

    standard: str
    set_id: str
    control: str  # ISA13 / UNB 0020
    group_control: str  # GS06 (X12); empty for EDIFACT
    set_controls: list
    text: str
    filename: str
    summary: str = ""

    @property
    def data(self):
        return self.text.encode("utf-8" if self.standard == "x12" else "latin-1", "replace")


def acknowledgement_for(inbound, profile, control, timestamp=None):
    """The 997 / CONTRL(s) answering ``inbound``, or None when nothing can be answered (no
    interchange was found, or the file only holds acknowledgements)."""
    if not inbound.needs_acknowledgement:
        return None
    if inbound.standard == "x12":
        return _x12_acknowledgement(inbound, profile, control, timestamp)
    texts = []
    for result in inbound._results:
        if result.header is None or all(m.type == "CONTRL" for m in result.messages):
            continue
        ref = format_control(control, "edifact")
        texts.append(
            edifact.contrl_interchange(
                result, ref, prepared=timestamp, test=profile.test, charset="UNOC"
            )
        )
    if not texts:
        return None
    ctl = format_control(control, "edifact")
    return Outbound("edifact", "CONTRL", ctl, "", ["1"], "".join(texts), f"CONTRL_{ctl}.edi")


# TA1 note codes (I18) for envelope problems, by ISA element; IEA problems by IEA element.
_TA1_ISA = {
    1: "010", 2: "011", 3: "012", 4: "013", 5: "005", 6: "006", 7: "007", 8: "008",
    9: "014", 10: "015", 11: "016", 12: "017", 13: "018", 14: "019", 15: "020", 16: "027",
}  # fmt: skip
_TA1_IEA = {1: "021", 2: "001"}


def _digits(value, width):
    return "".join(ch for ch in str(value or "") if ch.isdigit()).rjust(width, "0")[-width:]


def _echo_stamp(value, fmt, fallback):
    """ISA09/ISA10 echoed in TA1 when they are a real date/time, else ``fallback`` (the
    TA1 must hold a valid one even when the inbound ISA did not)."""
    text = str(value or "")
    try:
        datetime.strptime(text, fmt)
    except ValueError:
        return fallback
    return text


def ta1_segments(inbound):
    """TA1 (interchange acknowledgement) for each inbound interchange whose envelope (ISA/IEA)
    is wrong: the 997 speaks of groups and sets only, TA1 says what is wrong with the ISA."""
    out = []
    for inter in inbound._results.interchanges:
        errors = [i for i in inter.issues if i.severity == "error"]
        if not errors:
            continue
        first = errors[0]
        if first.segment_id == "IEA":
            note = _TA1_IEA.get(first.element, "023")
        else:
            note = _TA1_ISA.get(first.element, "024")
        now = datetime.now(timezone.utc)
        out.append(
            ["TA1", _digits(inter.control, 9),
             _echo_stamp(inter.date, "%y%m%d", now.strftime("%y%m%d")),
             _echo_stamp(inter.time, "%H%M", now.strftime("%H%M")), "R", note]
        )  # fmt: skip
    return out


def _x12_acknowledgement(inbound, profile, control, timestamp):
    result = inbound._results
    groups = [
        x12.build_997(group)
        for inter in result.interchanges
        for group in inter.groups
        if group.functional_id != "FA" and (group.received or group.issues)
    ]
    ta1 = ta1_segments(inbound)
    if not groups and not ta1:
        return None
    env = _x12_envelope(profile, control, timestamp)
    text = x12.write_interchange([x12.render_997(fa, env) for fa in groups], env)
    if ta1:
        term = env.segment + ("\n" if env.line_break else "")
        isa, rest = text.split(term, 1)
        lines = [env.element.join(str(v) for v in seg) for seg in ta1]
        text = term.join([isa, *lines, rest])
    rejected = sum(1 for fa in groups if fa.status != "A")
    ctl = format_control(control, "x12")
    return Outbound(
        "x12",
        "997",
        ctl,
        str(int(control)),
        [f"{n:04d}" for n in range(1, len(groups) + 1)],
        text,
        f"997_{ctl}.edi",
        f"{len(groups)} group(s), {rejected} not fully accepted, {len(ta1)} TA1",
    )


def render_outbound(kind, documents, profile, control, timestamp=None, purchase_order=None):
    """Acknowledgements, shipments or invoices (domain objects; one or a list) as one
    interchange of the account's standard. Raises ExchangeError saying what is wrong."""
    x12_set, edifact_type = OUTBOUND_TYPES[kind]
    if not isinstance(documents, (list, tuple)):
        documents = [documents]
    if not documents:
        raise ExchangeError(f"nothing to write: the {x12_set}/{edifact_type} has no document")
    sets = [str(n) for n in range(1, len(documents) + 1)]
    try:
        if profile.standard == "x12":
            env = _x12_envelope(profile, control, timestamp)
            text = x12.write(list(documents), env)
            ctl = format_control(control, "x12")
            return Outbound(
                "x12",
                x12_set,
                ctl,
                str(int(control)),
                [f"{int(n):04d}" for n in sets],
                text,
                f"{x12_set}_{ctl}.edi",
            )
        builders = []
        for document in documents:
            if kind == "acknowledgement":
                builders.append(edifact.render_ordrsp(document, po=purchase_order))
            elif kind == "shipment_confirmation":
                builders.append(edifact.render_desadv(document))
            else:
                builders.append(edifact.render_invoic(document))
        ctl = format_control(control, "edifact")
        text = edifact.write_interchange(
            builders,
            profile.sender_id,
            profile.receiver_id,
            ctl,
            sender_qualifier=profile.sender_qualifier or "14",
            recipient_qualifier=profile.receiver_qualifier or "14",
            test=profile.test,
            prepared=timestamp,
        )
        return Outbound("edifact", edifact_type, ctl, "", sets, text, f"{edifact_type}_{ctl}.edi")
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ExchangeError(f"cannot write the {x12_set}/{edifact_type}: {exc}") from exc


# ---------------------------------------------------------------------------------- 997 / CONTRL


@dataclass
class AckOutcome:
    """What one inbound acknowledgement says about one of our interchanges / groups."""

    standard: str
    interchange_control: str = ""  # EDIFACT: our UNB 0020 quoted in UCI
    group_control: str = ""  # X12: our GS06 quoted in AK1
    accepted: bool = True
    errors: list = field(default_factory=list)


def ack_outcomes(message):
    """An inbound 997 (FunctionalAck) or CONTRL (ContrlReport) -> AckOutcome list."""
    doc = message.document
    if isinstance(doc, x12.FunctionalAck):
        errors = []
        for s in doc.sets:
            if s.status in ("A", "E"):
                continue
            text = f"{s.set_id} {s.control} rejected"
            if s.codes:
                text += f" (AK5 {', '.join(s.codes)})"
            for err in s.segment_errors:
                text += f"; {err.segment_id} at {err.position}: AK304 {err.code}"
                for el in err.elements:
                    text += f", element {el.position} AK403 {el.code}"
            errors.append(text)
        if doc.status in ("R",) and not errors:
            errors.append(f"group {doc.group_control} rejected (AK9 {', '.join(doc.codes) or 'R'})")
        accepted = doc.status in ("A", "E") or (doc.status == "P" and not errors)
        return [
            AckOutcome(
                "x12",
                group_control=str(int(doc.group_control or 0)),
                accepted=accepted,
                errors=errors,
            )
        ]
    if isinstance(doc, edifact.ContrlReport):
        errors = [
            f"interchange error {e.code}" + (f" at {e.segment_tag}" if e.segment_tag else "")
            for e in doc.errors
        ]
        for m in doc.messages:
            if not m.accepted:
                details = ", ".join(
                    f"{e.code} at segment {e.position or e.segment_tag or '?'}"
                    + (f" element {e.element}" if e.element else "")
                    for e in m.errors
                )
                errors.append(f"{m.type} {m.ref} rejected" + (f": {details}" if details else ""))
        return [
            AckOutcome(
                "edifact",
                interchange_control=str(doc.interchange_ref),
                accepted=doc.accepted,
                errors=errors,
            )
        ]
    return []


# ---------------------------------------------------------------------------------- 860


def apply_change(po, change):
    """A PurchaseOrder with an 860/ORDCHG applied: the next version of the PO, as Amazon's
    getPurchaseOrder would show it after the change (so it imports like any SP-API change).
    Returns (new PurchaseOrder, list of problems that were skipped)."""
    if change.purchase_order_number != po.number:
        raise ExchangeError(f"the change is for PO {change.purchase_order_number}, not {po.number}")
    items = [
        domain.PurchaseOrderItem(
            i.sequence, i.ids, i.ordered_quantity, i.back_order_allowed, i.net_cost, i.list_price
        )
        for i in po.items
    ]
    state = po.state
    problems = []
    if change.purpose == "Cancel":
        state = "Closed"
    for ch in change.items:
        code = (ch.change_code or "").upper()
        line = next((i for i in items if i.sequence == str(ch.sequence)), None)
        if code == "CF":
            state = "Closed"
            continue
        if code in ("NC", "CT"):
            continue
        if code == "AI":
            if line is not None:
                problems.append(f"line {ch.sequence}: added, but the PO already has it")
                continue
            if ch.quantity is None:
                problems.append(f"line {ch.sequence}: added without a quantity")
                continue
            items.append(
                domain.PurchaseOrderItem(
                    str(ch.sequence),
                    ch.ids,
                    ch.quantity,
                    net_cost=ch.net_cost
                    and domain.Money(ch.net_cost.amount, po.currency or ch.net_cost.currency),
                )
            )
            continue
        if line is None:
            problems.append(f"line {ch.sequence}: change {code} for a line the PO does not have")
            continue
        if code == "DI":
            items.remove(line)
            continue
        if ch.quantity is not None:
            line.ordered_quantity = domain.Quantity(
                ch.quantity.amount, ch.quantity.unit, line.ordered_quantity.unit_size
            )
        elif ch.quantity_change is not None and code in ("QD", "QI"):
            delta = abs(ch.quantity_change) * (-1 if code == "QD" else 1)
            amount = max(line.ordered_quantity.amount + delta, 0)
            line.ordered_quantity = domain.Quantity(
                amount, line.ordered_quantity.unit, line.ordered_quantity.unit_size
            )
        if ch.net_cost is not None:
            currency = line.net_cost.currency if line.net_cost else (po.currency or "USD")
            line.net_cost = domain.Money(ch.net_cost.amount, currency)
    new = dataclasses.replace(po, items=items, state=state, changed_date=change.change_date)
    return new, problems


def as_partner(profile, documents, control, timestamp=None):
    """``documents`` (e.g. 850s) written as Amazon would send them to the account of
    ``profile``: envelope sender and receiver swapped. For the demo and tests."""
    if profile.standard == "x12":
        env = x12.Envelope(
            sender_id=profile.receiver_id,
            receiver_id=profile.sender_id,
            sender_qualifier=profile.receiver_qualifier or "ZZ",
            receiver_qualifier=profile.sender_qualifier or "ZZ",
            interchange_control=int(control),
            usage="T" if profile.test else "P",
            timestamp=timestamp,
        )
        return x12.write(list(documents), env).encode("utf-8")
    builders = [edifact.render_orders(doc) for doc in documents]
    text = edifact.write_interchange(
        builders,
        profile.receiver_id,
        profile.sender_id,
        str(control),
        sender_qualifier=profile.receiver_qualifier or "14",
        recipient_qualifier=profile.sender_qualifier or "14",
        test=profile.test,
        prepared=timestamp,
    )
    return text.encode("latin-1")
