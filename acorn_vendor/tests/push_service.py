"""A browser vendor's push service on loopback, for web push tests.

It holds a subscription's private key as the phone would, so each push Odoo sends is read
back the way the phone reads it (RFC 8291, aes128gcm) and checked for the VAPID header.
"""

import base64
import json
import os
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hkdf(salt, ikm, info, length):
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


class PushService:
    """Start with ``with PushService() as service:``; ``service.keys`` and
    ``service.endpoint`` make a mail.push.device; ``service.received`` lists the pushes
    read (dicts with ``authorization`` and the decrypted ``payload``)."""

    def __init__(self):
        self._private = ec.generate_private_key(ec.SECP256R1())
        self._public = self._private.public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint
        )
        self._auth = os.urandom(16)
        self.keys = json.dumps({"p256dh": _b64(self._public), "auth": _b64(self._auth)})
        self.received = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                service.received.append(
                    {
                        "authorization": self.headers.get("Authorization", ""),
                        "encoding": self.headers.get("Content-Encoding"),
                        "payload": json.loads(service.decrypt(body)),
                    }
                )
                self.send_response(201)
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self._server.server_port}/push/phone"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def decrypt(self, body):
        """One aes128gcm record: salt, record size, the sender's key, then the cipher."""
        salt, _size, key_length = struct.unpack("!16sLB", body[:21])
        sender = body[21 : 21 + key_length]
        shared = self._private.exchange(
            ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender)
        )
        secret = _hkdf(self._auth, shared, b"WebPush: info\x00" + self._public + sender, 32)
        key = _hkdf(salt, secret, b"Content-Encoding: aes128gcm\x00", 16)
        nonce = _hkdf(salt, secret, b"Content-Encoding: nonce\x00", 12)
        plain = AESGCM(key).decrypt(nonce, body[21 + key_length :], None)
        return plain.rstrip(b"\x00")[:-1]  # the last record ends with 0x02 (and padding)
