"""AS2 transport (RFC 4130) with pyas2lib: S/MIME signed and encrypted messages over HTTP(S),
answered by a signed synchronous MDN that proves the partner received exactly what we sent.

Settings (our side is ``as2_from``, the partner ``as2_to``):

- ``as2_from``, ``as2_to``: the AS2 identifiers agreed with the partner;
- ``url``: the partner's AS2 endpoint (sending only);
- ``private_key``: our RSA private key, PEM (the certificate may follow in the same text),
  ``private_key_pass`` when it is encrypted; ``certificate``: our certificate, PEM. The key
  signs what we send and the MDNs we return, and decrypts what we receive;
- ``partner_certificate``: the partner's certificate, PEM: encrypts what we send, verifies
  the signatures of its messages and MDNs; ``partner_ca``: its issuing CA chain, PEM, when it
  is not self-signed. Expired or untrusted certificates are refused;
- ``sign`` / ``encrypt`` (both on by default): sign and encrypt outbound messages, and refuse
  inbound ones that are not signed / encrypted; ``digest_alg`` (sha256), ``enc_alg``
  (aes_256_cbc; also tripledes_192_cbc, aes_128_cbc, aes_192_cbc), ``compress`` (off);
- ``mdn``: ``sync`` (default; the only mode: Amazon and VANs answer on the same connection),
  ``mdn_signed`` (on): ask for, and insist on, a signed MDN;
- ``content_type``: MIME type of the payload (by default application/EDI-X12 for X12,
  application/EDIFACT for EDIFACT, else application/edi-consent); ``subject``;
- ``timeout``: seconds for the HTTP exchange (60);
- ``spool_dir``: where :class:`As2Receiver` stores what partners push to us; ``poll`` reads
  it, ``confirm`` moves a file to ``spool_dir/archive``, ``reject`` to ``spool_dir/error``.

Receiving is push-based: an HTTP endpoint (an Odoo controller) hands the request to
:meth:`As2Receiver.handle`, which verifies and decrypts it, stores the payload durably in the
spool *before* answering, and returns the MDN to send back.
"""

import hashlib
import json
import logging
import os
import re
import time
from pathlib import Path

from .base import Inbound, TransportError
from .base import Transport as BaseTransport

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 60
_FALSE = ("0", "false", "no", "off")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _flag(settings, key, default=True):
    value = settings.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in _FALSE


def _pem(value):
    if not value:
        return None
    return value.encode() if isinstance(value, str) else bytes(value)


def _content_type(data):
    head = data.lstrip()[:3]
    if head == b"ISA":
        return "application/EDI-X12"
    if head in (b"UNA", b"UNB"):
        return "application/EDIFACT"
    return "application/edi-consent"


def _one_line(value):
    """HTTP header values must not be folded over several lines."""
    return " ".join(str(value).split())


def _raw(headers, body):
    """Headers and body as the single MIME text pyas2lib parses."""
    lines = "".join(f"{k}: {_one_line(v)}\r\n" for k, v in headers.items())
    return lines.encode("utf-8") + b"\r\n" + body


def _as2lib():
    from ._oscrypto import import_pyas2lib

    return import_pyas2lib()


class _Agreement:
    """Our organization and the partner as pyas2lib objects, built from the settings."""

    def __init__(self, settings):
        as2 = _as2lib()
        s = settings
        missing = [k for k in ("as2_from", "as2_to", "partner_certificate") if not s.get(k)]
        if not s.get("private_key"):
            missing.append("private_key")
        if missing:
            raise TransportError(f"as2 needs {', '.join(missing)}", retryable=False)
        if (s.get("mdn") or "sync").lower() != "sync":
            raise TransportError(
                f"as2 mdn {s.get('mdn')!r} is not supported: only synchronous MDNs ('sync')",
                retryable=False,
            )
        key = _pem(s["private_key"]) + b"\n" + (_pem(s.get("certificate")) or b"")
        partner_cert = _pem(s["partner_certificate"])
        self.signed_mdn = _flag(s, "mdn_signed")
        try:
            self.org = as2.Organization(
                as2_name=s["as2_from"],
                sign_key=key,
                sign_key_pass=s.get("private_key_pass") or None,
                decrypt_key=key,
                decrypt_key_pass=s.get("private_key_pass") or None,
            )
            self.partner = as2.Partner(
                as2_name=s["as2_to"],
                verify_cert=partner_cert,
                verify_cert_ca=_pem(s.get("partner_ca")),
                encrypt_cert=partner_cert,
                encrypt_cert_ca=_pem(s.get("partner_ca")),
                sign=_flag(s, "sign"),
                encrypt=_flag(s, "encrypt"),
                compress=_flag(s, "compress", default=False),
                digest_alg=s.get("digest_alg") or "sha256",
                enc_alg=s.get("enc_alg") or "aes_256_cbc",
                mdn_mode="SYNC",
                mdn_digest_alg=(s.get("digest_alg") or "sha256") if self.signed_mdn else None,
            )
            # Fail now, with the reason, rather than at the first message.
            self.partner.load_verify_cert()
        except Exception as exc:  # pyas2lib, oscrypto and pyOpenSSL each raise their own
            raise TransportError(f"as2 settings: {exc}", retryable=False) from exc


class _Spool:
    """The folder where received payloads wait for Acorn: ``<seq>_<name>`` plus a ``.json``
    beside it; ``archive/`` and ``error/`` below it; ``.seen/`` remembers message ids."""

    def __init__(self, path):
        if not path:
            raise TransportError("as2 spool_dir is empty", retryable=False)
        self.root = Path(path)

    def _seen_path(self, message_id):
        return self.root / ".seen" / hashlib.sha256(message_id.encode()).hexdigest()

    def seen(self, message_id):
        return bool(message_id) and self._seen_path(message_id).exists()

    def store(self, name, data, meta):
        """Write payload and metadata durably (fsync, then atomic rename)."""
        (self.root / ".seen").mkdir(parents=True, exist_ok=True)
        stem = f"{time.time_ns():020d}_{_SAFE.sub('_', name or 'as2.edi')[:120]}"
        final = self.root / stem
        for path, content in (
            (final.with_name(stem + ".json"), json.dumps(meta, indent=1).encode()),
            (final, data),
        ):
            tmp = path.with_name("." + path.name + ".tmp")
            with open(tmp, "wb") as fh:
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        self._seen_path(meta["message_id"]).write_text(stem)
        return final

    def pending(self):
        if not self.root.is_dir():
            return []
        found = []
        for path in sorted(self.root.iterdir()):
            if not path.is_file() or path.name.startswith(".") or path.suffix == ".json":
                continue
            meta_path = path.with_name(path.name + ".json")
            meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
            found.append(
                Inbound(
                    name=meta.get("filename") or path.name.split("_", 1)[-1],
                    data=path.read_bytes(),
                    ref=str(path),
                    meta=meta,
                )
            )
        return found

    def move(self, inbound, folder, reason=None):
        source = Path(inbound.ref)
        target_dir = self.root / folder
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / source.name
        if reason is not None:
            target.with_name(target.name + ".reason").write_text(f"{inbound.name}: {reason}\n")
        meta = source.with_name(source.name + ".json")
        if meta.exists():
            os.replace(meta, target.with_name(target.name + ".json"))
        os.replace(source, target)
        return str(target)


class As2Receiver:
    """Accept AS2 messages pushed by the partner; an HTTP endpoint calls :meth:`handle`."""

    def __init__(self, settings):
        self.settings = dict(settings or {})
        self.agreement = _Agreement(self.settings)
        self.spool = _Spool(self.settings.get("spool_dir"))

    def handle(self, headers, body):
        """Process one HTTP POST. Returns ``(inbound or None, mdn_headers, mdn_body)``: the
        stored payload when it was accepted, and the MDN to answer with (an empty dict and
        body when the partner asked for none). A negative MDN says why it was refused."""
        as2 = _as2lib()
        agreement = self.agreement
        message = as2.Message()

        def find_org(as2_id):
            return agreement.org if as2_id == agreement.org.as2_name else None

        def find_partner(as2_id):
            return agreement.partner if as2_id == agreement.partner.as2_name else None

        def find_message(message_id, _partner_id):
            return self.spool.seen(message_id)

        status, (exc, _tb), mdn = message.parse(
            _raw(dict(headers), body), find_org, find_partner, find_message
        )
        inbound = None
        if status == "processed":
            data = message.content
            data = data.encode() if isinstance(data, str) else data
            filename = message.payload.get_filename() if message.payload else None
            meta = {
                "message_id": message.message_id,
                "as2_from": message.sender.as2_name,
                "as2_to": message.receiver.as2_name,
                "filename": filename or f"{message.message_id}.edi",
                "signed": message.signed,
                "encrypted": message.encrypted,
                "mic": message.mic.decode() if message.mic else None,
                "digest_alg": message.digest_alg,
                "received": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            try:
                path = self.spool.store(meta["filename"], data, meta)
            except OSError as err:
                _logger.error("AS2 message %s could not be stored: %s", message.message_id, err)
                if mdn is not None:  # never confirm what we could not keep
                    mdn.build(
                        message=message,
                        status="processed/Error",
                        detailed_status="unexpected-processing-error",
                    )
            else:
                inbound = Inbound(meta["filename"], data, str(path), meta)
        else:
            _logger.warning("AS2 message %s refused: %s (%s)", message.message_id, status, exc)
        if mdn is None:
            return inbound, {}, b""
        mdn_headers = {k: _one_line(v) for k, v in mdn.headers.items()}
        return inbound, mdn_headers, mdn.content


class Transport(BaseTransport):
    """AS2: ``send`` posts one message and checks its MDN; ``poll`` reads the receiver's spool."""

    kind = "as2"

    def __init__(self, settings):
        super().__init__(settings)
        self.timeout = float(self.settings.get("timeout") or DEFAULT_TIMEOUT)
        self._agreement = None
        self._session = None

    @property
    def agreement(self):
        if self._agreement is None:
            self._agreement = _Agreement(self.settings)
        return self._agreement

    def _spool(self):
        return _Spool(self.settings.get("spool_dir"))

    def send(self, name, data):
        import requests

        as2 = _as2lib()
        url = self.settings.get("url")
        if not url:
            raise TransportError("as2 url (the partner's endpoint) is empty", retryable=False)
        agreement = self.agreement
        message = as2.Message(agreement.org, agreement.partner)
        try:
            message.build(
                bytes(data),
                filename=name,
                subject=self.settings.get("subject") or name,
                content_type=self.settings.get("content_type") or _content_type(data),
                disposition_notification_to=agreement.org.as2_name,
            )
        except Exception as exc:  # pyas2lib raises bare AS2Exception/ImproperlyConfigured/...
            raise TransportError(f"as2: cannot build the message: {exc}", False) from exc
        headers = {k: _one_line(v) for k, v in message.headers.items()}
        if self._session is None:
            self._session = requests.Session()
        try:
            response = self._session.post(
                url, data=message.content, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise TransportError(f"as2 POST to {url} failed: {exc}", retryable=True) from exc
        where = f"as2 partner {agreement.partner.as2_name} ({url})"
        if response.status_code >= 300:
            raise TransportError(
                f"{where} answered HTTP {response.status_code}: {response.text[:300]}",
                retryable=response.status_code >= 500 or response.status_code in (408, 429),
            )
        return self._check_mdn(where, message, response)

    def _check_mdn(self, where, message, response):
        as2 = _as2lib()
        if not response.content:
            raise TransportError(
                f"{where} returned no MDN for message {message.message_id}", retryable=False
            )

        def find_message(message_id, _recipient):
            if message_id != message.message_id:
                raise TransportError(
                    f"the MDN is for message {message_id}, not {message.message_id}"
                )
            return message

        mdn = as2.Mdn()
        status, detail = mdn.parse(_raw(dict(response.headers), response.content), find_message)
        if status == "processed" or (
            status == "processed/Warning" and detail == "duplicate-document"
        ):
            return message.message_id
        raise TransportError(
            f"{where}: message {message.message_id} not accepted: MDN {status}"
            + (f": {detail}" if detail else ""),
            retryable=False,
        )

    def poll(self):
        return self._spool().pending()

    def confirm(self, inbound):
        try:
            return self._spool().move(inbound, "archive")
        except OSError as exc:
            raise TransportError(f"as2 spool: archiving {inbound.ref}: {exc}") from exc

    def reject(self, inbound, reason):
        try:
            return self._spool().move(inbound, "error", reason=reason)
        except OSError as exc:
            raise TransportError(f"as2 spool: moving {inbound.ref} aside: {exc}") from exc

    def close(self):
        if self._session is not None:
            self._session.close()
            self._session = None
