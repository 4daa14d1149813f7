"""The SOAP (VAN mailbox) transport through zeep against a SOAP server on loopback that
speaks the shipped WSDL: http.server + lxml, four operations, HTTP basic or WS-Security."""

import base64
import datetime
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from lxml import etree

from acorn_vendor_edi.core.transports import TransportError, make_transport
from acorn_vendor_edi.core.transports.soap import WSDL

NS = "urn:acorn:edi:van-mailbox:1"
ENV = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
X12 = b"ISA*00*          *00*          *ZZ*ACORN          *ZZ*AMAZON         *~IEA*1*000000001~"


class Fault(Exception):
    def __init__(self, code, text):
        super().__init__(text)
        self.code = code


class VanServer:
    """A VAN mailbox: documents per mailbox, pending until acknowledged."""

    def __init__(self, username="acorn", password="s3cret"):
        self.username, self.password = username, password
        self.docs = {}
        self.fault = None  # (code, text) answered to the next call
        self.http_status = None  # plain HTTP error without a SOAP body
        self.delay = 0
        self.calls = []
        van = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                body = WSDL.read_text().replace("http://localhost/van-mailbox", van.url).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):  # noqa: N802
                request = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(van.delay)
                if van.http_status:
                    self.send_response(van.http_status)
                    self.send_header("Content-Length", "4")
                    self.end_headers()
                    self.wfile.write(b"busy")
                    return
                status, body = van.answer(self.headers, request)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/xml; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out (test_timeout_is_bounded_and_retryable)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/van-mailbox"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def deposit(self, mailbox, name, content, created):
        doc_id = f"D{len(self.docs) + 1:06d}"
        self.docs[doc_id] = {
            "mailbox": mailbox,
            "name": name,
            "content": content,
            "created": created,
            "status": None,
            "reason": None,
        }
        return doc_id

    # ---- SOAP
    def _authenticated(self, headers, envelope):
        auth = headers.get("Authorization", "")
        if auth.startswith("Basic "):
            user, _, pwd = base64.b64decode(auth[6:]).decode().partition(":")
            return (user, pwd) == (self.username, self.password)
        token = envelope.find(f"{{{ENV}}}Header/{{{WSSE}}}Security/{{{WSSE}}}UsernameToken")
        if token is None:
            return False
        user = token.findtext(f"{{{WSSE}}}Username")
        pwd = token.findtext(f"{{{WSSE}}}Password")
        return (user, pwd) == (self.username, self.password)

    def answer(self, headers, request):
        try:
            envelope = etree.fromstring(request)
            if not self._authenticated(headers, envelope):
                raise Fault("Client", "authentication failed for this mailbox")
            if self.fault:
                code, text = self.fault
                self.fault = None
                raise Fault(code, text)
            call = envelope.find(f"{{{ENV}}}Body")[0]
            op = etree.QName(call).localname
            args = {etree.QName(c).localname: c.text for c in call}
            self.calls.append((op, args))
            result = getattr(self, "op_" + op)(**args)
        except Fault as fault:
            return 500, self._envelope(self._fault(fault))
        response = etree.Element(f"{{{NS}}}{op}Response", nsmap={None: NS})
        for key, value in result:
            if isinstance(value, list):
                child = etree.SubElement(response, f"{{{NS}}}{key}")
                for sub_key, sub_value in value:
                    etree.SubElement(child, f"{{{NS}}}{sub_key}").text = sub_value
            else:
                etree.SubElement(response, f"{{{NS}}}{key}").text = value
        return 200, self._envelope(response)

    def _fault(self, fault):
        element = etree.Element(f"{{{ENV}}}Fault")
        etree.SubElement(element, "faultcode").text = f"soapenv:{fault.code}"
        etree.SubElement(element, "faultstring").text = str(fault)
        return element

    def _envelope(self, content):
        env = etree.Element(f"{{{ENV}}}Envelope", nsmap={"soapenv": ENV})
        etree.SubElement(env, f"{{{ENV}}}Body").append(content)
        return etree.tostring(env, xml_declaration=True, encoding="utf-8")

    def _doc(self, id):  # noqa: A002
        if id not in self.docs:
            raise Fault("Client", f"no document {id}")
        return self.docs[id]

    def op_SendDocument(self, to, name, content):  # noqa: N802
        if to != "AMAZON":
            raise Fault("Client", f"unknown recipient mailbox {to}")
        created = datetime.datetime(2026, 3, 4, 12, 0, 0)
        return [("id", self.deposit(to, name, base64.b64decode(content), created))]

    def op_ListDocuments(self, mailbox):  # noqa: N802
        if mailbox != "ACORN":
            raise Fault("Client", f"unknown mailbox {mailbox}")
        return [
            (
                "document",
                [
                    ("id", doc_id),
                    ("name", doc["name"]),
                    ("size", str(len(doc["content"]))),
                    ("created", doc["created"].isoformat() + "Z"),
                ],
            )
            for doc_id, doc in self.docs.items()
            if doc["mailbox"] == mailbox and doc["status"] is None
        ]

    def op_GetDocument(self, id):  # noqa: N802,A002
        doc = self._doc(id)
        return [("name", doc["name"]), ("content", base64.b64encode(doc["content"]).decode())]

    def op_AckDocument(self, id, status, reason=None):  # noqa: N802,A002
        doc = self._doc(id)
        if doc["status"] is not None:
            raise Fault("Client", f"document {id} was already acknowledged")
        doc["status"], doc["reason"] = status, reason
        return [("ok", "true")]


@pytest.fixture
def van():
    server = VanServer()
    yield server
    server.stop()


def settings(van, **over):
    values = {
        "endpoint": van.url,
        "username": "acorn",
        "password": "s3cret",
        "mailbox": "ACORN",
        "partner_mailbox": "AMAZON",
        "timeout": 5,
    }
    values.update(over)
    return values


@pytest.mark.parametrize(
    "variant",
    [{}, {"auth": "wsse"}, {"wsdl": "served"}],
    ids=["shipped-wsdl-basic-auth", "ws-security", "wsdl-from-the-van"],
)
def test_round_trip(van, variant):
    if variant.get("wsdl"):
        variant = {"wsdl": van.url + "?wsdl", "endpoint": ""}
    payload = X12 + "é\x00\xff".encode()  # any bytes survive base64
    with make_transport("soap", settings(van, **variant)) as soap:
        ref = soap.send("855_PO12345.x12", payload)
        assert van.docs[ref]["content"] == payload
        assert (van.docs[ref]["mailbox"], van.docs[ref]["name"]) == ("AMAZON", "855_PO12345.x12")

        later = van.deposit("ACORN", "850_2.x12", b"second", datetime.datetime(2026, 3, 5))
        first = van.deposit("ACORN", "850_1.x12", b"first", datetime.datetime(2026, 3, 4))
        got = soap.poll()
        assert [(i.name, i.data, i.ref) for i in got] == [
            ("850_1.x12", b"first", first),
            ("850_2.x12", b"second", later),
        ]
        assert got[0].meta["size"] == 5
        assert [i.ref for i in soap.poll()] == [first, later]  # queued until acknowledged

        soap.confirm(got[0])
        soap.reject(got[1], "IEA01 says 2 groups, found 1")
        assert van.docs[first]["status"] == "accepted"
        assert van.docs[later]["status"] == "rejected"
        assert van.docs[later]["reason"] == "IEA01 says 2 groups, found 1"
        assert soap.poll() == []


def test_client_faults_are_not_retryable(van):
    with make_transport("soap", settings(van, password="wrong")) as soap:
        with pytest.raises(TransportError, match="SOAP fault .*authentication failed") as err:
            soap.poll()
    assert not err.value.retryable
    with make_transport("soap", settings(van, partner_mailbox="NOBODY")) as soap:
        with pytest.raises(TransportError, match="unknown recipient mailbox NOBODY") as err:
            soap.send("855.x12", X12)
        assert not err.value.retryable
        # An acknowledgement the VAN refuses (already acknowledged) surfaces as well.
        doc = van.deposit("ACORN", "850.x12", X12, datetime.datetime(2026, 3, 4))
        [inbound] = soap.poll()
        soap.confirm(inbound)
        with pytest.raises(TransportError, match=f"document {doc} was already acknowledged"):
            soap.confirm(inbound)
    assert [d for d in van.docs.values() if d["mailbox"] == "AMAZON"] == []


def test_server_faults_and_http_errors_are_retryable(van):
    with make_transport("soap", settings(van)) as soap:
        van.fault = ("Server", "mailbox store unavailable, try later")
        with pytest.raises(TransportError, match="SOAP fault .*Server: mailbox store") as err:
            soap.send("855.x12", X12)
        assert err.value.retryable
        assert van.docs == {}  # nothing half-delivered

        van.http_status = 503
        with pytest.raises(TransportError, match="HTTP 503") as err:
            soap.poll()
        assert err.value.retryable
        van.http_status = None
        assert soap.send("855.x12", X12)  # the same client recovers


def test_timeout_is_bounded_and_retryable(van):
    van.delay = 2
    with make_transport("soap", settings(van, timeout=0.5)) as soap:
        started = time.monotonic()
        with pytest.raises(TransportError, match="[Tt]imed? ?out") as err:
            soap.poll()
    assert err.value.retryable
    assert time.monotonic() - started < 2


def test_server_down_is_retryable(van):
    url = van.url
    van.stop()
    van.stop = lambda: None
    with make_transport("soap", settings(van, endpoint=url)) as soap:
        with pytest.raises(TransportError, match="SendDocument") as err:
            soap.send("855.x12", X12)
    assert err.value.retryable
    with make_transport("soap", {"wsdl": url + "?wsdl", "mailbox": "ACORN", "timeout": 2}) as soap:
        with pytest.raises(TransportError, match="loading the WSDL") as err:
            soap.poll()
    assert err.value.retryable


def test_bad_settings_are_clear(van):
    with pytest.raises(TransportError, match="needs endpoint"):
        make_transport("soap", {})
    with pytest.raises(TransportError, match="expected basic or wsse"):
        make_transport("soap", settings(van, auth="kerberos"))
    with make_transport("soap", settings(van, mailbox="")) as soap:
        with pytest.raises(TransportError, match="mailbox is empty"):
            soap.poll()
