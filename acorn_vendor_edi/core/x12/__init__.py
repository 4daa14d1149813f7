"""ANSI X12 (4010, 856 also 5010) codec for Amazon Vendor Central.

Read: ``parse(file_or_bytes)`` -> ParseResult (documents + issues), or ``X12Reader`` to stream
transaction sets from a large file. Write: ``write(documents, Envelope(...))``. Acknowledge:
``acknowledge(file)`` -> 997 text. Documents are the shared ``acorn_vendor.core.domain`` objects.
"""

from .ack import acknowledge, build_997
from .documents import read_document, render
from .documents.functional_ack_997 import FunctionalAck, SetAck, render_997
from .issues import Issue
from .reader import ParseResult, Transaction, X12Reader, parse
from .rules import check_acknowledgement, check_invoice, validate_shipment
from .writer import Envelope, X12WriteError, write_interchange


def write(documents, env):
    """Domain objects -> one X12 interchange (text). 856s use ``env.version`` (4010/5010)."""
    return write_interchange(
        [
            render_997(doc, env) if isinstance(doc, FunctionalAck) else render(doc, env.version)
            for doc in documents
        ],
        env,
    )


__all__ = [
    "Envelope",
    "FunctionalAck",
    "Issue",
    "ParseResult",
    "SetAck",
    "Transaction",
    "X12Reader",
    "X12WriteError",
    "acknowledge",
    "build_997",
    "check_acknowledgement",
    "check_invoice",
    "parse",
    "read_document",
    "render",
    "render_997",
    "validate_shipment",
    "write",
    "write_interchange",
]
