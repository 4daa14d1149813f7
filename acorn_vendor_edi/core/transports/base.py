"""The contract every EDI transport keeps, so the document log can treat them alike.

A transport never loses a file: ``send`` either returns a reference or raises
:class:`TransportError` (the caller keeps the document queued and retries); an inbound file
stays where it is until ``confirm`` (archived) or ``reject`` (moved aside with the reason).

Settings per kind (all plain strings/ints, as stored on the account):

- folder: ``in_dir``, ``out_dir``, ``archive_dir``, ``error_dir``
- sftp: ``host``, ``port``, ``username``, ``password`` or ``private_key`` (key file text) with
  ``private_key_passphrase``, ``host_key`` (the server's public key line(s) or ``SHA256:``
  fingerprint; required unless ``insecure_host_key``), ``in_dir``, ``out_dir``,
  ``archive_dir``, ``error_dir``, ``timeout`` (details in ``sftp.py``)
- as2: ``as2_from``, ``as2_to``, ``url`` (partner endpoint), ``private_key``/``certificate``
  (ours, PEM), ``partner_certificate`` (PEM), ``sign``, ``encrypt``, ``mdn`` ("sync"),
  ``mdn_signed``, ``spool_dir`` (where pushed messages wait), ``timeout`` (``as2.py``)
- soap: ``wsdl`` (default: the shipped ``van_mailbox.wsdl``), ``endpoint``, ``username``,
  ``password``, ``auth`` (basic/wsse), ``mailbox``, ``partner_mailbox``, ``timeout``
  (``soap.py``)
"""

from dataclasses import dataclass, field


class TransportError(Exception):
    """A file could not be moved; ``retryable`` says whether trying again may help."""

    def __init__(self, message, retryable=True):
        super().__init__(message)
        self.retryable = retryable


@dataclass
class Inbound:
    """One file waiting for Acorn; ``ref`` is what the transport needs to confirm it."""

    name: str
    data: bytes
    ref: str
    meta: dict = field(default_factory=dict)


class Transport:
    """Base class: subclasses implement the four operations for one kind of channel."""

    kind = None

    def __init__(self, settings):
        self.settings = dict(settings or {})

    def send(self, name, data):
        """Deliver ``data`` as file ``name``; return the transport's reference for it."""
        raise NotImplementedError

    def poll(self):
        """Files waiting for Acorn, oldest first, as :class:`Inbound` (not yet removed)."""
        raise NotImplementedError

    def confirm(self, inbound):
        """Acorn has stored ``inbound``: archive it so it is not polled again."""
        raise NotImplementedError

    def reject(self, inbound, reason):
        """Acorn could not store ``inbound``: move it aside, keeping ``reason`` beside it."""
        raise NotImplementedError

    def close(self):
        """Release connections; safe to call twice."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
