"""The events a notification rule can subscribe to: one line each.

``threshold`` is the meaning of the rule's number for that event (None: no number) and
its default. Adding an event (a finance deadline, say) is one line here plus one
``account._acorn_notify(event, record, occurrence, subject, body)`` where it happens.
"""

from collections import namedtuple

Event = namedtuple("Event", "key label threshold default")

EVENTS = (
    Event("po_arrived", "New PO arrived", None, 0),
    Event("ack_due", "Acknowledgement due soon", "Hours before Amazon's deadline", 4),
    Event("ack_overdue", "Acknowledgement overdue", None, 0),
    Event("transaction_failed", "Submission failed at Amazon", None, 0),
    Event("asn_rejected", "ASN rejected", None, 0),
    Event("invoice_rejected", "Invoice rejected", None, 0),
    Event("edi_ack_missing", "997/CONTRL missing", None, 0),
    Event("sync_failing", "Sync failing", "Failed runs in a row", 3),
    Event("data_stale", "Data stale", None, 0),
    Event("secret_expiring", "Client secret expiring", "Days before it expires", 14),
)
BY_KEY = {event.key: event for event in EVENTS}
SELECTION = [(event.key, event.label) for event in EVENTS]
