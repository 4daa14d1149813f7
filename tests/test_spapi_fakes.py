"""A scriptable fake of Amazon (LWA + SP-API) on loopback, shared by the test_spapi_* files,
plus tests of the fake itself so the other tests can trust it.

It speaks real HTTP on 127.0.0.1: tokens must be exchanged and presented, POST bodies are
checked against the official models, getPurchaseOrders pages and refuses > 7-day ranges,
and per-path scripts inject 401/429/5xx answers or slow responses (read timeouts).
"""

import base64
import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from acorn_vendor.core.spapi import Credentials, MemoryJournal, MemoryTokenCache, SpApiClient
from acorn_vendor.core.spapi.dates import format_utc, parse_datetime
from acorn_vendor.core.spapi.throttle import RateLimiter
from acorn_vendor.core.spapi_models import PayloadInvalid, operations, validate_request

UTC = timezone.utc
T0 = datetime(2026, 3, 1, tzinfo=UTC)


@dataclass
class Seen:
    t: float
    method: str
    path: str
    query: dict
    headers: dict
    body: object
    operation: str = None


@dataclass
class Reply:
    status: int = 200
    body: object = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    raw: bytes = None


class FakeClock:
    """Monotonic clock + sleep that only advance when slept on (for bucket/backoff tests)."""

    def __init__(self, start=1000.0):
        self.t = start
        self.sleeps = []
        self._lock = threading.Lock()

    def __call__(self):
        return self.t

    def sleep(self, seconds):
        with self._lock:
            self.sleeps.append(seconds)
            self.t += max(0.0, seconds)


def _match(method, path):
    """operationId for a request, from the models' path templates."""
    for op_id, (_f, m, template, _op) in operations().items():
        if m != method:
            continue
        parts, actual = template.strip("/").split("/"), path.strip("/").split("/")
        if len(parts) == len(actual) and all(
            p.startswith("{") or p == a for p, a in zip(parts, actual, strict=True)
        ):
            return op_id
    return None


def _error(code, message, details=""):
    return {"errors": [{"code": code, "message": message, "details": details}]}


def make_order(i, created, details=True):
    number = f"{i:08X}"  # 8-character alphanumeric, like Amazon's
    order = {"purchaseOrderNumber": number, "purchaseOrderState": "New"}
    if details:
        order["orderDetails"] = {
            "purchaseOrderDate": format_utc(created),
            "purchaseOrderStateChangedDate": format_utc(created),
            "purchaseOrderType": "RegularOrder",
            "paymentMethod": "Invoice",
            "buyingParty": {"partyId": "AMZN-US"},
            "sellingParty": {"partyId": "ACRN1"},
            "shipToParty": {"partyId": "ABE2"},
            "billToParty": {"partyId": "AMZN-US"},
            "shipWindow": f"{format_utc(created + timedelta(days=2))}--"
            f"{format_utc(created + timedelta(days=6))}",
            "items": [
                {
                    "itemSequenceNumber": str(n),
                    "amazonProductIdentifier": f"B0{i:08d}",
                    "vendorProductIdentifier": f"40000000{i:05d}",
                    "orderedQuantity": {"amount": 12 * n, "unitOfMeasure": "Eaches"},
                    "isBackOrderAllowed": n % 2 == 0,
                    "netCost": {"currencyCode": "USD", "amount": f"{3 + n}.25"},
                    "listPrice": {"currencyCode": "USD", "amount": f"{6 + n}.99"},
                }
                for n in (1, 2)
            ],
        }
    return order


class FakeAmazon:
    def __init__(self, *, token_ttl=3600, orders=0, start=T0, spacing=timedelta(hours=1)):
        self.token_ttl = token_ttl
        self.credentials = Credentials(
            "amzn1.application-oa2-client.fake", "fake-secret", "Atzr|fake-refresh"
        )
        self.lock = threading.Lock()
        self.valid_tokens = set()
        self.token_calls = 0
        self.lwa_script = deque()
        self.lwa_delay = 0.0
        self.requests = []
        self.scripts = defaultdict(deque)
        self.routes = {}
        self.invalid_bodies = []
        self.rate_limit = None  # (rate, burst) enforced server-side with 429s
        self._bucket = None
        self.ratelimit_header = None
        self.orders = [make_order(i, start + i * spacing) for i in range(orders)]
        self.created = {
            o["purchaseOrderNumber"]: start + i * spacing for i, o in enumerate(self.orders)
        }
        self.route("getPurchaseOrders", self._get_purchase_orders)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            wbufsize = 1 << 16  # one write per answer: no Nagle / delayed-ACK stalls
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                reply = fake.dispatch(self.command, self.path, dict(self.headers), raw)
                if reply.delay:
                    time.sleep(reply.delay)
                data = reply.raw
                if data is None:
                    data = b"" if reply.body is None else json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    if "Content-Type" not in reply.headers:
                        self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_DELETE = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.token_url = self.url + "/auth/o2/token"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    # -------------------------------------------------------------- scripting

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def route(self, operation_id, fn):
        self.routes[operation_id] = fn

    def script(self, operation_id, *replies):
        self.scripts[operation_id].extend(replies)

    def revoke_tokens(self):
        with self.lock:
            self.valid_tokens.clear()

    def client(self, **kw):
        """A client with private token cache, journal and buckets: the OS may hand a later
        fake the same port, and the process-wide defaults are keyed by URL."""
        kw.setdefault("timeout", (2, 5))
        kw.setdefault("token_cache", MemoryTokenCache())
        kw.setdefault("journal", MemoryJournal())
        kw.setdefault(
            "rate_limiter",
            RateLimiter(kw.get("clock", time.monotonic), kw.get("sleep", time.sleep)),
        )
        return SpApiClient(self.credentials, endpoint=self.url, token_url=self.token_url, **kw)

    def calls(self, operation_id):
        return [r for r in self.requests if r.operation == operation_id]

    # -------------------------------------------------------------- serving

    def dispatch(self, method, raw_path, headers, raw):
        split = urlsplit(raw_path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        if split.path == "/auth/o2/token":
            return self._token(raw)
        op = _match(method, split.path)
        body = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
        seen = Seen(time.monotonic(), method, split.path, query, headers, body, op)
        with self.lock:
            self.requests.append(seen)
            authorised = headers.get("x-amz-access-token") in self.valid_tokens
        if not authorised:
            return Reply(
                401,
                _error(
                    "Unauthorized",
                    "Access to requested resource is denied.",
                    "The access token you provided is revoked, malformed or invalid.",
                ),
                {"x-amzn-RequestId": "req-401"},
            )
        if method == "POST" and op:
            try:
                validate_request(op, body)
            except PayloadInvalid as exc:
                self.invalid_bodies.append((op, str(exc)))
                return Reply(400, _error("InvalidInput", str(exc)))
        throttled = self._throttle()
        if throttled:
            return throttled
        with self.lock:
            scripted = self.scripts[op].popleft() if self.scripts.get(op) else None
        if scripted is not None:
            scripted.headers.setdefault("x-amzn-RequestId", f"req-{len(self.requests)}")
            return scripted
        handler = self.routes.get(op)
        if handler is None:
            return Reply(404, _error("ResourceNotFound", f"No route for {method} {split.path}"))
        reply = handler(seen)
        if self.ratelimit_header and 200 <= reply.status < 300:
            reply.headers.setdefault("x-amzn-RateLimit-Limit", self.ratelimit_header)
        reply.headers.setdefault("x-amzn-RequestId", f"req-{len(self.requests)}")
        return reply

    def _throttle(self):
        if not self.rate_limit:
            return None
        rate, burst = self.rate_limit
        with self.lock:
            now = time.monotonic()
            if self._bucket is None:
                self._bucket = [float(burst), now]
            tokens, stamp = self._bucket
            tokens = min(burst, tokens + (now - stamp) * rate)
            if tokens < 1:
                self._bucket = [tokens, now]
                return Reply(
                    429,
                    _error("QuotaExceeded", "You exceeded your quota for the requested resource."),
                    {"x-amzn-RequestId": "req-429"},
                )
            self._bucket = [tokens - 1, now]
        return None

    def _token(self, raw):
        with self.lock:
            self.token_calls += 1
            scripted = self.lwa_script.popleft() if self.lwa_script else None
        if self.lwa_delay:
            time.sleep(self.lwa_delay)
        if scripted is not None:
            return scripted
        form = dict(parse_qsl(raw.decode()))
        creds = self.credentials
        if form.get("grant_type") != "refresh_token":
            return Reply(400, {"error": "unsupported_grant_type"})
        if form.get("client_id") != creds.client_id or form.get("client_secret") != (
            creds.client_secret
        ):
            return Reply(
                401,
                {"error": "invalid_client", "error_description": "Client authentication failed"},
            )
        if form.get("refresh_token") != creds.refresh_token:
            return Reply(
                400,
                {"error": "invalid_grant", "error_description": "The request has an invalid grant"},
            )
        with self.lock:
            token = f"Atza|fake-{self.server.server_address[1]}-{id(self)}-{self.token_calls}"
            self.valid_tokens.add(token)
        return Reply(
            200,
            {
                "access_token": token,
                "refresh_token": creds.refresh_token,
                "token_type": "bearer",
                "expires_in": self.token_ttl,
            },
        )

    def _get_purchase_orders(self, seen):
        q = seen.query
        for after, before in (("createdAfter", "createdBefore"), ("changedAfter", "changedBefore")):
            if after in q and before in q:
                span = parse_datetime(q[before]) - parse_datetime(q[after])
                if span > timedelta(days=7):
                    return Reply(400, _error("InvalidInput", "Date range must not exceed 7 days"))
        lo = parse_datetime(q["createdAfter"]) if "createdAfter" in q else None
        hi = parse_datetime(q["createdBefore"]) if "createdBefore" in q else None
        matching = [
            o
            for o in self.orders
            if (lo is None or self.created[o["purchaseOrderNumber"]] >= lo)
            and (hi is None or self.created[o["purchaseOrderNumber"]] <= hi)
        ]
        offset = int(base64.b64decode(q["nextToken"]).decode()) if "nextToken" in q else 0
        limit = int(q.get("limit", 100))
        page = matching[offset : offset + limit]
        if q.get("includeDetails") == "false":
            page = [{k: o[k] for k in ("purchaseOrderNumber", "purchaseOrderState")} for o in page]
        payload = {"orders": page}
        if offset + limit < len(matching):
            token = base64.b64encode(str(offset + limit).encode()).decode()
            payload["pagination"] = {"nextToken": token}
        return Reply(200, {"payload": payload})


@pytest.fixture
def fake():
    amazon = FakeAmazon()
    yield amazon
    amazon.stop()


# ------------------------------------------------------------------ documents


def ack_body(po="2JK3S9VC", when="2026-03-02T10:00:00Z"):
    return {
        "acknowledgements": [
            {
                "purchaseOrderNumber": po,
                "sellingParty": {"partyId": "ACRN1"},
                "acknowledgementDate": when,
                "items": [
                    {
                        "itemSequenceNumber": "1",
                        "amazonProductIdentifier": "B000000001",
                        "orderedQuantity": {"amount": 10, "unitOfMeasure": "Eaches"},
                        "netCost": {"currencyCode": "USD", "amount": "4.25"},
                        "itemAcknowledgements": [
                            {
                                "acknowledgementCode": "Accepted",
                                "acknowledgedQuantity": {"amount": 8, "unitOfMeasure": "Eaches"},
                            },
                            {
                                "acknowledgementCode": "Backordered",
                                "acknowledgedQuantity": {"amount": 2, "unitOfMeasure": "Eaches"},
                                "scheduledShipDate": "2026-03-09T00:00:00Z",
                            },
                        ],
                    }
                ],
            }
        ]
    }


def asn_body(shipment_id="ASN-0001"):
    party = {"partyId": "ACRN1"}
    return {
        "shipmentConfirmations": [
            {
                "shipmentIdentifier": shipment_id,
                "shipmentConfirmationType": "Original",
                "shipmentConfirmationDate": "2026-03-03T08:00:00Z",
                "shippedDate": "2026-03-03T07:30:00Z",
                "sellingParty": party,
                "shipFromParty": {"partyId": "WH01"},
                "shipToParty": {"partyId": "ABE2"},
                "shippedItems": [
                    {
                        "itemSequenceNumber": "001",
                        "amazonProductIdentifier": "B000000001",
                        "shippedQuantity": {"amount": 8, "unitOfMeasure": "Eaches"},
                        "itemDetails": {"purchaseOrderNumber": "2JK3S9VC"},
                    }
                ],
            }
        ]
    }


def shipments_body(vsid="VS-0001", kind="New"):
    return {
        "shipments": [
            {
                "vendorShipmentIdentifier": vsid,
                "transactionType": kind,
                "transactionDate": "2026-03-03T08:00:00Z",
                "sellingParty": {"partyId": "ACRN1"},
                "shipFromParty": {"partyId": "WH01"},
                "shipToParty": {"partyId": "ABE2"},
            }
        ]
    }


def invoice_body(invoice_id="INV-0001"):
    return {
        "invoices": [
            {
                "invoiceType": "Invoice",
                "id": invoice_id,
                "date": "2026-03-04T00:00:00Z",
                "remitToParty": {
                    "partyId": "ACRN1",
                    "address": {
                        "name": "Acorn Foods Inc.",
                        "addressLine1": "1 Main St",
                        "city": "Springfield",
                        "postalOrZipCode": "12345",
                        "countryCode": "US",
                    },
                },
                "invoiceTotal": {"currencyCode": "USD", "amount": "34.00"},
                "items": [
                    {
                        "itemSequenceNumber": 1,
                        "amazonProductIdentifier": "B000000001",
                        "invoicedQuantity": {"amount": 8, "unitOfMeasure": "Eaches"},
                        "netCost": {"currencyCode": "USD", "amount": "4.25"},
                        "purchaseOrderNumber": "2JK3S9VC",
                    }
                ],
            }
        ]
    }


def accepted(seen=None, tx="tx-0001"):
    return Reply(202, {"payload": {"transactionId": tx}})


# ------------------------------------------------------------------ tests of the fake


def test_documents_used_by_the_tests_match_amazons_models():
    validate_request("submitAcknowledgement", ack_body())
    validate_request("SubmitShipmentConfirmations", asn_body())
    validate_request("SubmitShipments", shipments_body())
    validate_request("submitInvoices", invoice_body())


def test_fake_refuses_requests_without_a_valid_token(fake):
    resp = requests.get(fake.url + "/vendor/orders/v1/purchaseOrders", timeout=5)
    assert resp.status_code == 401
    assert resp.json()["errors"][0]["code"] == "Unauthorized"


def test_fake_pages_and_refuses_ranges_over_seven_days():
    amazon = FakeAmazon(orders=5)
    try:
        token = requests.post(
            amazon.token_url,
            data={
                "grant_type": "refresh_token",
                "refresh_token": amazon.credentials.refresh_token,
                "client_id": amazon.credentials.client_id,
                "client_secret": amazon.credentials.client_secret,
            },
            timeout=5,
        ).json()["access_token"]
        url = amazon.url + "/vendor/orders/v1/purchaseOrders"
        headers = {"x-amz-access-token": token}
        page = requests.get(url, params={"limit": 2}, headers=headers, timeout=5).json()
        assert len(page["payload"]["orders"]) == 2
        assert page["payload"]["pagination"]["nextToken"]
        wide = {"createdAfter": "2026-01-01T00:00:00Z", "createdBefore": "2026-01-09T00:00:00Z"}
        assert requests.get(url, params=wide, headers=headers, timeout=5).status_code == 400
    finally:
        amazon.stop()


def test_fake_rejects_bodies_that_break_the_model(fake):
    client = fake.client()
    client.auth.access_token()
    token = next(iter(fake.valid_tokens))
    bad = ack_body()
    del bad["acknowledgements"][0]["sellingParty"]
    resp = requests.post(
        fake.url + "/vendor/orders/v1/acknowledgements",
        json=bad,
        headers={"x-amz-access-token": token},
        timeout=5,
    )
    assert resp.status_code == 400
    assert fake.invalid_bodies and "sellingParty" in fake.invalid_bodies[0][1]
