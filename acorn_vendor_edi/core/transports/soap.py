"""SOAP web-service transport (zeep) for VANs that offer a mailbox over SOAP instead of files.

The operations are those of ``van_mailbox.wsdl`` beside this module (shipped, used when no
``wsdl`` is given): ``SendDocument(to, name, content)`` -> id, ``ListDocuments(mailbox)`` ->
documents (id, name, size, created), ``GetDocument(id)`` -> name, content, and
``AckDocument(id, status accepted|rejected, reason)``.

Settings:

- ``wsdl``: URL or file path of the VAN's WSDL (default: the shipped one);
- ``endpoint``: the service URL, overriding the WSDL's address (required with the shipped
  WSDL, whose address is a placeholder);
- ``username``, ``password``; ``auth``: ``basic`` (HTTP basic, default) or ``wsse``
  (WS-Security UsernameToken in the SOAP header);
- ``mailbox``: our mailbox, listed by ``poll``; ``partner_mailbox``: where ``send`` delivers;
- ``timeout``: seconds for loading the WSDL and for each call (30).

Errors: a SOAP fault whose code is ``Client`` (the request is wrong: bad credentials, unknown
mailbox) is not retryable; ``Server`` faults, HTTP 5xx, timeouts and refused connections are.
"""

import base64
from pathlib import Path

from .base import Inbound, TransportError
from .base import Transport as BaseTransport

WSDL = Path(__file__).with_name("van_mailbox.wsdl")
DEFAULT_TIMEOUT = 30
_RETRY_HTTP = (408, 429)


class Transport(BaseTransport):
    """A VAN mailbox over SOAP; the zeep client is built on first use."""

    kind = "soap"

    def __init__(self, settings):
        super().__init__(settings)
        self.timeout = float(self.settings.get("timeout") or DEFAULT_TIMEOUT)
        self.wsdl = self.settings.get("wsdl") or str(WSDL)
        self.endpoint = self.settings.get("endpoint") or ""
        if not self.settings.get("wsdl") and not self.endpoint:
            raise TransportError(
                "soap needs endpoint (the VAN's service URL) with the shipped WSDL",
                retryable=False,
            )
        auth = (self.settings.get("auth") or "basic").lower()
        if auth not in ("basic", "wsse"):
            raise TransportError(f"soap auth {auth!r}: expected basic or wsse", retryable=False)
        self.auth = auth
        self._client = None
        self._service = None
        self._session = None

    @property
    def where(self):
        return self.endpoint or self.wsdl

    def _connect(self):
        if self._service is not None:
            return self._service
        import requests
        import zeep
        from zeep.wsse.username import UsernameToken

        session = requests.Session()
        username, password = self.settings.get("username"), self.settings.get("password")
        wsse = None
        if username and self.auth == "basic":
            session.auth = (username, password or "")
        elif username:
            wsse = UsernameToken(username, password or "")
        transport = zeep.Transport(
            session=session, timeout=self.timeout, operation_timeout=self.timeout
        )
        try:
            client = zeep.Client(self.wsdl, transport=transport, wsse=wsse)
            if self.endpoint:
                binding = next(iter(client.wsdl.bindings))
                service = client.create_service(binding, self.endpoint)
            else:
                service = client.service
        except Exception as exc:
            session.close()
            raise self._error("loading the WSDL", exc) from exc
        self._session, self._client, self._service = session, client, service
        return service

    def _error(self, what, exc):
        import requests
        import zeep.exceptions as zx

        if isinstance(exc, TransportError):
            return exc
        prefix = f"soap {self.where}: {what}"
        if isinstance(exc, zx.Fault):
            code = str(exc.code or "")
            client_fault = code.rsplit(":", 1)[-1].rsplit("}", 1)[-1].startswith("Client")
            return TransportError(
                f"{prefix}: SOAP fault {code}: {exc.message}", retryable=not client_fault
            )
        if isinstance(exc, zx.TransportError):
            status = exc.status_code or 0
            return TransportError(
                f"{prefix}: HTTP {status}: {' '.join((exc.message or '').split())[:300]}",
                retryable=status >= 500 or status in _RETRY_HTTP,
            )
        if isinstance(exc, requests.RequestException):
            return TransportError(f"{prefix}: {exc}", retryable=True)
        if isinstance(exc, (zx.ValidationError, TypeError, ValueError)):
            return TransportError(f"{prefix}: invalid request or answer: {exc}", False)
        if isinstance(exc, (zx.Error, OSError)):
            return TransportError(f"{prefix}: {exc}", retryable=True)
        return TransportError(f"{prefix}: unexpected {type(exc).__name__}: {exc}", False)

    def _call(self, operation, **kwargs):
        service = self._connect()
        try:
            return getattr(service, operation)(**kwargs)
        except Exception as exc:
            raise self._error(operation, exc) from exc

    def _setting(self, key):
        value = self.settings.get(key)
        if not value:
            raise TransportError(f"soap setting {key} is empty", retryable=False)
        return value

    def send(self, name, data):
        return str(
            self._call("SendDocument", to=self._setting("partner_mailbox"), name=name, content=data)
        )

    def poll(self):
        listed = self._call("ListDocuments", mailbox=self._setting("mailbox")) or []
        if not isinstance(listed, list):  # zeep unwraps a single-element response
            listed = getattr(listed, "document", listed) or []
        found = []
        for index, doc in enumerate(listed):
            got = self._call("GetDocument", id=doc.id)
            content = got.content
            if isinstance(content, str):
                content = base64.b64decode(content)
            created = getattr(doc, "created", None)
            found.append(
                Inbound(
                    name=got.name or doc.name,
                    data=content,
                    ref=str(doc.id),
                    meta={
                        "size": getattr(doc, "size", None),
                        "created": created.isoformat() if created else None,
                        "order": index,
                    },
                )
            )
        found.sort(key=lambda i: (i.meta["created"] or "", i.meta["order"]))
        return found

    def confirm(self, inbound):
        self._ack(inbound, "accepted")
        return inbound.ref

    def reject(self, inbound, reason):
        self._ack(inbound, "rejected", reason=str(reason)[:4000])
        return inbound.ref

    def _ack(self, inbound, status, reason=None):
        kwargs = {"id": inbound.ref, "status": status}
        if reason is not None:
            kwargs["reason"] = reason
        ok = self._call("AckDocument", **kwargs)
        if ok is False:
            raise TransportError(
                f"soap {self.where}: the VAN did not take the {status} acknowledgement of "
                f"document {inbound.ref}"
            )

    def close(self):
        session = self._session
        self._session = self._client = self._service = None
        if session is not None:
            session.close()
