"""A local Amazon EDI trading partner: the EDI counterpart of the SP-API sandbox.

It reads each new file Acorn wrote to its outbound folder and answers it the way Amazon does,
in Acorn's inbound folder: a 997 (X12) or CONTRL (EDIFACT) that accepts every functional
group it could read, or rejects, segment by segment, what breaks the rules. It never answers
acknowledgements (997, CONTRL, TA1), and a small state file in its own folder remembers what
it answered, so running it again (by hand, from a cron, with ``--watch``) answers nothing twice.

For demos and tests only: nothing here talks to Amazon.
"""

import contextlib
import dataclasses
import hashlib
import json
import os
import time
from dataclasses import dataclass, field

from . import exchange
from .transports import folder

STATE_FILE = "partner_state.json"
LOCK_FILE = "partner.lock"


@dataclass
class Answer:
    """What the partner did with one of Acorn's files."""

    name: str  # the file in Acorn's outbound folder
    reply: str = ""  # the acknowledgement written into Acorn's inbound folder ("" = none)
    set_id: str = ""  # 997 | CONTRL
    accepted: bool = False  # every group / message accepted
    groups: int = 0
    errors: list = field(default_factory=list)  # what broke the rules, or why not answered
    skipped: str = ""  # why nothing was sent back (an acknowledgement, not addressed to us...)

    def line(self):
        if self.skipped:
            return f"{self.name}: not answered ({self.skipped})"
        verdict = "accepted" if self.accepted else "REJECTED"
        text = f"{self.name}: {self.set_id} {self.reply} {verdict}"
        return text + "".join(f"\n    {e}" for e in self.errors)


def partner_profile(profile):
    """Acorn's profile seen from Amazon's side: sender and receiver swapped."""
    return dataclasses.replace(
        profile,
        sender_id=profile.receiver_id,
        sender_qualifier=profile.receiver_qualifier,
        receiver_id=profile.sender_id,
        receiver_qualifier=profile.sender_qualifier,
    )


def _only_ta1(data):
    """An X12 interchange holding TA1s and no functional group: an acknowledgement too."""
    text = bytes(data).lstrip(b"\xef\xbb\xbf \t\r\n\x00").decode("latin-1")
    if len(text) < 106:
        return False
    element, term = text[3], text[105]
    tags = {s.strip().split(element)[0] for s in text.split(term)}
    return "TA1" in tags and "GS" not in tags


class Partner:
    """Amazon's side of a folder pair. ``out_dir`` is where Acorn writes (the partner reads),
    ``in_dir`` is Acorn's inbox (the partner writes); ``profile`` is Acorn's own profile
    (exchange.Profile: Acorn is the sender, Amazon the receiver). ``state_dir`` holds the
    partner's state file; by default ``partner`` next to ``out_dir``."""

    def __init__(self, out_dir, in_dir, profile, state_dir=None, clock=None):
        self.out_dir = os.path.abspath(os.path.expanduser(str(out_dir)))
        self.in_dir = os.path.abspath(os.path.expanduser(str(in_dir)))
        self.profile = profile
        self.own = partner_profile(profile)
        self.state_dir = os.path.abspath(
            os.path.expanduser(
                str(state_dir or os.path.join(os.path.dirname(self.out_dir), "partner"))
            )
        )
        self.clock = clock
        self.transport = folder.Transport(
            {
                "in_dir": self.out_dir,
                "out_dir": self.in_dir,
                "archive_dir": os.path.join(self.state_dir, "archive"),
                "error_dir": os.path.join(self.state_dir, "error"),
            }
        )

    # ------------------------------------------------------------------ state

    @property
    def state_path(self):
        return os.path.join(self.state_dir, STATE_FILE)

    def load_state(self):
        try:
            with open(self.state_path, encoding="utf-8") as fh:
                state = json.load(fh)
        except FileNotFoundError:
            state = {}
        except (OSError, ValueError) as exc:
            raise folder.TransportError(
                f"partner state {self.state_path} is unreadable ({exc}); move it aside to start "
                "afresh (every file still in the outbound folder is then answered again)",
                retryable=False,
            ) from exc
        state.setdefault("control", 0)
        state.setdefault("answered", {})
        return state

    def _save_state(self, state):
        tmp = self.state_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(state, fh, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.state_path)

    @contextlib.contextmanager
    def _locked(self):
        """One partner run at a time over a folder pair (a cron and a CLI may overlap)."""
        os.makedirs(self.state_dir, exist_ok=True)
        with open(os.path.join(self.state_dir, LOCK_FILE), "a+") as fh:
            try:
                import fcntl
            except ImportError:  # pragma: no cover - not POSIX
                yield
                return
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # ------------------------------------------------------------------ answering

    def answer(self, name, data, control):
        """(Answer, Outbound or None) for one of Acorn's files; ``control`` numbers the reply."""
        inbound = exchange.read_file(data)
        out = Answer(name)
        if inbound.standard is None:
            out.skipped = "; ".join(inbound.errors) or "not EDI"
            out.errors = list(inbound.errors)
            return out, None
        if inbound.messages and all(
            m.kind == exchange.KIND_FUNCTIONAL_ACK for m in inbound.messages
        ):
            out.skipped = "an acknowledgement is never acknowledged"
            return out, None
        if inbound.standard == "x12" and not inbound.messages and _only_ta1(data):
            out.skipped = "a TA1 is never acknowledged"
            return out, None
        expected = (self.profile.receiver_id or "").strip()
        if inbound.interchange_count and inbound.receiver.strip() != expected:
            out.skipped = f"addressed to {inbound.receiver.strip()!r}, not to {expected!r}"
            return out, None
        timestamp = self.clock() if self.clock else None
        ack = exchange.acknowledgement_for(inbound, self.own, control, timestamp)
        if ack is None:
            out.skipped = "nothing in it to acknowledge"
            out.errors = inbound.all_errors()
            return out, None
        out.set_id = ack.set_id
        out.errors = inbound.all_errors()
        out.accepted = inbound.ok
        out.groups = len(ack.set_controls)
        return out, ack

    def run_once(self):
        """Answer every file of the outbound folder not answered before; returns the Answers
        of this run (files seen before are not reported again)."""
        with self._locked():
            state = self.load_state()
            answered = state["answered"]
            results = []
            for item in self.transport.poll():
                digest = hashlib.sha256(item.data).hexdigest()
                if answered.get(item.name, {}).get("sha256") == digest:
                    continue
                control = exchange.next_control(state["control"], self.profile.standard)
                out, ack = self.answer(item.name, item.data, control)
                if ack is not None:
                    out.reply = self.transport.send(ack.filename, ack.data)
                    state["control"] = control
                answered[item.name] = {
                    "sha256": digest,
                    "reply": out.reply,
                    "accepted": out.accepted,
                    "skipped": out.skipped,
                    "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                }
                self._save_state(state)  # after each reply: a crash answers at most one twice
                results.append(out)
            return results

    def watch(self, seconds, report=print, rounds=None):
        """run_once every ``seconds`` until interrupted (or ``rounds`` runs, for tests)."""
        done = 0
        while rounds is None or done < rounds:
            for answer in self.run_once():
                report(answer.line())
            done += 1
            if rounds is None or done < rounds:
                time.sleep(seconds)
