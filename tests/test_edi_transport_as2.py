"""AS2 between two partners on loopback: A sends a signed and encrypted X12 interchange, B's
As2Receiver (behind a real HTTP server) stores it and answers a signed MDN that A verifies."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from acorn_vendor_edi.core.transports import TransportError, make_transport
from acorn_vendor_edi.core.transports.as2 import As2Receiver
from acorn_vendor_edi.core.transports.testing import self_signed_identity as _identity

X12 = (
    b"ISA*00*          *00*          *ZZ*ACORN          *ZZ*AMAZON         *260304*1200*U*00401"
    b"*000000001*0*P*>~GS*PR*ACORN*AMAZON*20260304*1200*1*X*004010~ST*855*0001~"
    b"BAK*00*AC*PO12345*20260304~SE*3*0001~GE*1*1~IEA*1*000000001~"
)


@pytest.fixture(scope="module")
def ids():
    return {name: _identity(name) for name in ("ACORN", "AMAZON", "MALLORY")}


def settings_a(ids, url, **over):
    key, cert = ids["ACORN"]
    values = {
        "as2_from": "ACORN",
        "as2_to": "AMAZON",
        "url": url,
        "private_key": key,
        "certificate": cert,
        "partner_certificate": ids["AMAZON"][1],
        "timeout": 10,
    }
    values.update(over)
    return values


def settings_b(ids, spool, **over):
    key, cert = ids["AMAZON"]
    values = {
        "as2_from": "AMAZON",
        "as2_to": "ACORN",
        "private_key": key,
        "certificate": cert,
        "partner_certificate": ids["ACORN"][1],
        "spool_dir": str(spool),
    }
    values.update(over)
    return values


class PartnerB:
    """Partner B: an HTTP server on 127.0.0.1 handing every POST to an As2Receiver."""

    def __init__(self, receiver):
        self.receiver = receiver
        self.received = []
        self.mangle_request = None  # bytes -> bytes, to tamper with what arrives
        self.mangle_mdn = None
        self.mangle_headers = None
        self.http_status = None
        partner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if partner.http_status:
                    self.send_response(partner.http_status)
                    self.end_headers()
                    self.wfile.write(b"AS2 gateway busy")
                    return
                if partner.mangle_request:
                    body = partner.mangle_request(body)
                headers = dict(self.headers.items())
                if partner.mangle_headers:
                    headers = partner.mangle_headers(headers)
                inbound, headers, mdn = partner.receiver.handle(headers, body)
                partner.received.append(inbound)
                if partner.mangle_mdn:
                    mdn = partner.mangle_mdn(mdn)
                self.send_response(200)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(mdn)))
                self.end_headers()
                self.wfile.write(mdn)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/as2"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def partner_b(ids, tmp_path):
    server = PartnerB(As2Receiver(settings_b(ids, tmp_path / "spool_b")))
    yield server
    server.stop()


def test_signed_encrypted_round_trip_with_signed_mdn(ids, partner_b, tmp_path):
    with make_transport("as2", settings_a(ids, partner_b.url)) as a:
        message_id = a.send("855_PO12345.x12", X12)
    [inbound] = partner_b.received
    assert inbound.data == X12
    assert inbound.name == "855_PO12345.x12"
    assert inbound.meta["message_id"] == message_id
    assert inbound.meta["signed"] and inbound.meta["encrypted"]
    assert inbound.meta["as2_from"] == "ACORN"

    # B's side of the contract: poll what the receiver spooled, then confirm it.
    b = make_transport("as2", settings_b(ids, tmp_path / "spool_b"))
    [polled] = b.poll()
    assert (polled.name, polled.data, polled.ref) == (inbound.name, X12, inbound.ref)
    assert b.poll()[0].ref == polled.ref  # stays queued until confirmed
    archived = b.confirm(polled)
    assert archived.endswith("archive/" + polled.ref.rsplit("/", 1)[1])
    assert b.poll() == []
    b.close()


def test_reject_keeps_the_reason(ids, partner_b, tmp_path):
    with make_transport("as2", settings_a(ids, partner_b.url)) as a:
        a.send("bad.x12", b"ISA*not really~")
    b = make_transport("as2", settings_b(ids, tmp_path / "spool_b"))
    [polled] = b.poll()
    moved = b.reject(polled, "ISA segment too short")
    assert open(moved, "rb").read() == b"ISA*not really~"
    assert "ISA segment too short" in open(moved + ".reason").read()
    assert b.poll() == []


def test_tampered_message_gets_a_negative_mdn(ids, partner_b):
    def flip(body):
        middle = len(body) // 2
        return body[:middle] + bytes([body[middle] ^ 0xFF]) + body[middle + 1 :]

    partner_b.mangle_request = flip
    with make_transport("as2", settings_a(ids, partner_b.url)) as a:
        with pytest.raises(TransportError, match="not accepted: MDN processed/Error") as err:
            a.send("855.x12", X12)
    assert not err.value.retryable
    assert partner_b.received == [None]
    assert partner_b.receiver.spool.pending() == []


def test_unsigned_message_is_refused(ids, partner_b):
    with make_transport("as2", settings_a(ids, partner_b.url, sign="0")) as a:
        with pytest.raises(TransportError, match="insufficient-message-security"):
            a.send("855.x12", X12)
    assert partner_b.received == [None]


def test_message_signed_by_someone_else_is_refused(ids, partner_b):
    """Mallory holds B's certificate and claims to be ACORN: B verifies with ACORN's cert."""
    key, cert = ids["MALLORY"]
    with make_transport(
        "as2", settings_a(ids, partner_b.url, private_key=key, certificate=cert)
    ) as m:
        with pytest.raises(
            TransportError, match="not accepted: MDN processed/Error: authentication-failed"
        ):
            m.send("855.x12", X12)
    assert partner_b.received == [None]


def test_wrong_partner_certificate_is_an_error(ids, partner_b):
    """A encrypts for, and verifies the MDN with, a certificate that is not B's."""
    cfg = settings_a(ids, partner_b.url, partner_certificate=ids["MALLORY"][1])
    with make_transport("as2", cfg) as a:
        # B cannot decrypt and refuses; its signed MDN does not verify with the wrong cert.
        with pytest.raises(TransportError, match="Failed to verify message signature") as err:
            a.send("855.x12", X12)
    assert not err.value.retryable
    assert partner_b.received == [None]


def test_tampered_mdn_is_not_trusted(ids, partner_b):
    partner_b.mangle_mdn = lambda mdn: mdn.replace(b"processed", b"processeD", 1)
    with make_transport("as2", settings_a(ids, partner_b.url)) as a:
        with pytest.raises(TransportError, match="Failed to verify message signature"):
            a.send("855.x12", X12)
    # B did store the message: A will resend, and B answers duplicate-document, not a copy.
    assert len(partner_b.receiver.spool.pending()) == 1


def test_unsigned_mdn_is_refused_when_a_signed_one_was_asked(ids, partner_b):
    """Someone in between strips the signed-receipt request: B answers an unsigned MDN,
    which A must not take as proof of delivery."""
    partner_b.mangle_headers = lambda h: {
        k: v for k, v in h.items() if k.lower() != "disposition-notification-options"
    }
    with make_transport("as2", settings_a(ids, partner_b.url)) as a:
        with pytest.raises(TransportError, match="Expected signed MDN but unsigned MDN"):
            a.send("855.x12", X12)
    # Where the agreement says MDNs are unsigned, the same answer is accepted.
    with make_transport("as2", settings_a(ids, partner_b.url, mdn_signed="0")) as a:
        assert a.send("855.x12", X12)


def test_duplicate_message_is_stored_once(ids, partner_b):
    with make_transport("as2", settings_a(ids, partner_b.url)) as a:
        a.send("855.x12", X12)
        # Resend the very same AS2 message (same Message-ID), as a retry after a lost MDN would.
        import requests

        from acorn_vendor_edi.core.transports.as2 import _as2lib

        as2 = _as2lib()
        msg = as2.Message(a.agreement.org, a.agreement.partner)
        msg.build(X12, filename="855.x12")
        headers = {k: " ".join(str(v).split()) for k, v in msg.headers.items()}
        body = msg.content
        for _ in range(2):
            response = requests.post(partner_b.url, data=body, headers=headers, timeout=10)
            assert response.status_code == 200
        assert b"duplicate-document" in response.content
    assert len(partner_b.receiver.spool.pending()) == 2  # the first send and this one, once


def test_http_errors_and_server_down(ids, partner_b):
    partner_b.http_status = 503
    with make_transport("as2", settings_a(ids, partner_b.url)) as a:
        with pytest.raises(TransportError, match="HTTP 503") as err:
            a.send("855.x12", X12)
    assert err.value.retryable
    partner_b.http_status = 404
    with make_transport("as2", settings_a(ids, partner_b.url)) as a:
        with pytest.raises(TransportError, match="HTTP 404") as err:
            a.send("855.x12", X12)
    assert not err.value.retryable

    partner_b.stop()
    partner_b.stop = lambda: None
    with make_transport("as2", settings_a(ids, partner_b.url, timeout=3)) as a:
        with pytest.raises(TransportError, match="POST to .* failed") as err:
            a.send("855.x12", X12)
    assert err.value.retryable


def test_bad_settings_are_clear(ids, tmp_path):
    with pytest.raises(TransportError, match="as2 needs as2_to, partner_certificate"):
        make_transport("as2", {"as2_from": "A", "private_key": "x", "url": "http://h/"}).send(
            "a", b"x"
        )
    cfg = settings_a(ids, "http://127.0.0.1:9/", partner_certificate="not a certificate")
    with pytest.raises(TransportError, match="as2 settings"):
        make_transport("as2", cfg).send("a", b"x")
    expired = _identity("OLD", days=-1)
    with pytest.raises(TransportError, match="as2 settings: .*[Cc]ertificate"):
        As2Receiver(settings_b(ids, tmp_path, partner_certificate=expired[1]))
    with pytest.raises(TransportError, match="only synchronous"):
        As2Receiver(settings_b(ids, tmp_path, mdn="async"))
