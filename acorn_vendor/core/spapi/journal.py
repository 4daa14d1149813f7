"""The submission journal: what was sent to Amazon, so nothing is sent twice.

Every POST (acknowledgement, ASN, shipment, invoice) gets a client key from its natural keys
(PO numbers + ack date, shipment identifiers, invoice ids) plus a hash of the body. The
journal records the key as SENDING before the request, then ACCEPTED (with Amazon's
transactionId) or UNCERTAIN (sent, no answer). A definite refusal by Amazon removes it so a
corrected document can go. Subclass SubmissionJournal to persist it (Odoo side).
"""

import hashlib
import json
import threading
import time
from dataclasses import dataclass, replace

SENDING = "sending"
ACCEPTED = "accepted"
UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class SubmissionRecord:
    client_key: str
    operation: str
    natural_key: str
    body_hash: str
    state: str
    transaction_id: str = None
    updated_at: float = 0.0
    detail: str = ""

    def with_state(self, state, updated_at, **changes):
        return replace(self, state=state, updated_at=updated_at, **changes)


@dataclass(frozen=True)
class SubmissionResult:
    """What happened to a submission.

    ``resent``: an earlier attempt was uncertain and this call sent the document again.
    ``found_at_amazon``: an earlier uncertain attempt turned out to have arrived; nothing
    was sent now (``transaction_id`` is then unknown unless it was recorded).
    ``deduplicated``: the journal already had this exact document accepted; nothing sent.
    """

    client_key: str
    transaction_id: str = None
    resent: bool = False
    found_at_amazon: bool = False
    deduplicated: bool = False


class SubmissionJournal:
    """Storage for SubmissionRecords; ``claim`` must be atomic for concurrent senders."""

    def get(self, client_key):
        raise NotImplementedError

    def put(self, record):
        raise NotImplementedError

    def delete(self, client_key):
        raise NotImplementedError

    def claim(self, record, stale_after, replace_accepted=False):
        """Atomically store ``record`` (state SENDING) and return the previous record.

        Nothing is stored, and the previous record is returned, when another worker is
        sending right now (a SENDING record younger than ``stale_after`` seconds) or when
        the document was already ACCEPTED and ``replace_accepted`` is false.
        """
        raise NotImplementedError


class MemoryJournal(SubmissionJournal):
    def __init__(self):
        self._data = {}
        self._lock = threading.Lock()

    def get(self, client_key):
        with self._lock:
            return self._data.get(client_key)

    def put(self, record):
        with self._lock:
            self._data[record.client_key] = record

    def delete(self, client_key):
        with self._lock:
            self._data.pop(client_key, None)

    def claim(self, record, stale_after, replace_accepted=False):
        with self._lock:
            previous = self._data.get(record.client_key)
            if not keep_previous(previous, record, stale_after, replace_accepted):
                self._data[record.client_key] = record
            return previous

    def records(self):
        with self._lock:
            return list(self._data.values())


def keep_previous(previous, record, stale_after, replace_accepted=False):
    """The rule claim() applies: must the previous record stay as it is?"""
    if previous is None:
        return False
    if previous.state == SENDING:
        return record.updated_at - previous.updated_at < stale_after
    return previous.state == ACCEPTED and not replace_accepted


def body_hash(body):
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _join(values, limit=160):
    text = ",".join(sorted({str(v) for v in values if v not in (None, "")}))
    return text if len(text) <= limit else text[:limit] + "…"


def natural_key(operation, body):
    """A readable key naming what is submitted: documents Amazon identifies them by."""
    if operation == "submitAcknowledgement":
        acks = body.get("acknowledgements") or []
        pos = _join(a.get("purchaseOrderNumber") for a in acks)
        dates = _join(a.get("acknowledgementDate") for a in acks)
        return f"ack:{pos}@{dates}"
    if operation == "SubmitShipmentConfirmations":
        items = body.get("shipmentConfirmations") or []
        return "asn:" + _join(s.get("shipmentIdentifier") for s in items)
    if operation == "SubmitShipments":
        items = body.get("shipments") or []
        return "shipment:" + _join(s.get("vendorShipmentIdentifier") for s in items)
    if operation == "submitInvoices":
        items = body.get("invoices") or []
        return "invoice:" + _join(i.get("id") for i in items)
    return operation


def client_key(operation, body):
    return f"{natural_key(operation, body)}#{body_hash(body)[:16]}"


def new_record(operation, body, now=None):
    digest = body_hash(body)
    return SubmissionRecord(
        client_key=f"{natural_key(operation, body)}#{digest[:16]}",
        operation=operation,
        natural_key=natural_key(operation, body),
        body_hash=digest,
        state=SENDING,
        updated_at=time.time() if now is None else now,
    )
