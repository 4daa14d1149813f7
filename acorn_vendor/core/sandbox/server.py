"""HTTP front of the sandbox: LWA token endpoint, the SP-API vendor operations at Amazon's
paths with Amazon's headers and error envelopes, and the /_sandbox admin endpoints."""

import json
import logging
import re
import secrets
import shutil
import socket
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from functools import cache, partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import jsonschema

from ..spapi_models import PayloadInvalid, load, operations, validate_response
from .chargebacks import export_chargebacks
from .common import ApiError, iso
from .config import SandboxConfig, normalise_fault
from .engine import VendorCentral
from .faults import FaultBook, TokenBuckets
from .store import SandboxClock, Store

_logger = logging.getLogger(__name__)

UNAUTHORIZED = "Access to requested resource is denied."
QUOTA = "You exceeded your quota for the requested resource."
INTERNAL = "We encountered an internal error. Please try again."
TOKEN_PATH = "/auth/o2/token"

# (method, path regex, operationId, engine call, success status)
ROUTES = [
    (
        "GET",
        r"/vendor/orders/v1/purchaseOrders",
        "getPurchaseOrders",
        lambda e, m, p, b, s: {"payload": e.list_orders(p)},
        200,
    ),
    (
        "GET",
        r"/vendor/orders/v1/purchaseOrders/(?P<id>[^/]+)",
        "getPurchaseOrder",
        lambda e, m, p, b, s: {"payload": e.get_order(m["id"])},
        200,
    ),
    (
        "POST",
        r"/vendor/orders/v1/acknowledgements",
        "submitAcknowledgement",
        lambda e, m, p, b, s: {"payload": {"transactionId": e.submit("acknowledgement", b)}},
        202,
    ),
    (
        "GET",
        r"/vendor/orders/v1/purchaseOrdersStatus",
        "getPurchaseOrdersStatus",
        lambda e, m, p, b, s: {"payload": e.list_status(p)},
        200,
    ),
    (
        "POST",
        r"/vendor/shipping/v1/shipmentConfirmations",
        "SubmitShipmentConfirmations",
        lambda e, m, p, b, s: {"payload": {"transactionId": e.submit("shipmentConfirmation", b)}},
        202,
    ),
    (
        "POST",
        r"/vendor/shipping/v1/shipments",
        "SubmitShipments",
        lambda e, m, p, b, s: {"payload": {"transactionId": e.submit("shipment", b)}},
        202,
    ),
    (
        "GET",
        r"/vendor/shipping/v1/shipments",
        "GetShipmentDetails",
        lambda e, m, p, b, s: {"payload": e.list_shipments(p)},
        200,
    ),
    (
        "GET",
        r"/vendor/shipping/v1/transportLabels",
        "GetShipmentLabels",
        lambda e, m, p, b, s: {"payload": e.list_labels(p)},
        200,
    ),
    (
        "POST",
        r"/vendor/payments/v1/invoices",
        "submitInvoices",
        lambda e, m, p, b, s: {"payload": {"transactionId": e.submit("invoice", b)}},
        202,
    ),
    (
        "GET",
        r"/vendor/transactions/v1/transactions/(?P<id>[^/]+)",
        "getTransaction",
        lambda e, m, p, b, s: {"payload": e.get_transaction(m["id"])},
        200,
    ),
    (
        "POST",
        r"/reports/2021-06-30/reports",
        "createReport",
        lambda e, m, p, b, s: e.create_report(b),
        202,
    ),
    (
        "GET",
        r"/reports/2021-06-30/reports",
        "getReports",
        lambda e, m, p, b, s: e.list_reports(p),
        200,
    ),
    (
        "GET",
        r"/reports/2021-06-30/reports/(?P<id>[^/]+)",
        "getReport",
        lambda e, m, p, b, s: e.get_report(m["id"]),
        200,
    ),
    (
        "DELETE",
        r"/reports/2021-06-30/reports/(?P<id>[^/]+)",
        "cancelReport",
        lambda e, m, p, b, s: e.cancel_report(m["id"]),
        200,
    ),
    (
        "GET",
        r"/reports/2021-06-30/documents/(?P<id>[^/]+)",
        "getReportDocument",
        lambda e, m, p, b, s: e.get_document(m["id"], s.url),
        200,
    ),
]
ROUTES = [(m, re.compile(r + "$"), op, fn, ok) for m, r, op, fn, ok in ROUTES]


def _errors(code, message, details=""):
    return {"errors": [{"code": code, "message": message, "details": details}]}


def _inline(node, defs, stack=()):
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/definitions/"):
            name = ref.rsplit("/", 1)[-1]
            if name in stack:
                raise RecursionError(name)
            return _inline(defs[name], defs, stack + (name,))
        return {k: _inline(v, defs, stack) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, defs, stack) for v in node]
    return node


@cache
def _strict_validator(op, status):
    """The response schema with its $refs inlined: same rules as validate_response, about
    twice as fast, which matters when strict mode checks every response."""
    filename, _m, _p, operation = operations()[op]
    response = operation["responses"].get(str(status))
    if response is None or "schema" not in response:
        return None
    try:
        schema = _inline(response["schema"], load(filename).get("definitions", {}))
    except RecursionError:
        return None
    return jsonschema.Draft7Validator(schema)


def strict_check(op, status, body):
    """Raise PayloadInvalid when a response would not match the official model."""
    validator = _strict_validator(op, status)
    if validator is None:
        validate_response(op, status, body)
        return
    errors = list(validator.iter_errors(body))
    if errors:
        raise PayloadInvalid(
            f"{op} {status} response",
            [("$" + "".join(f"[{p!r}]" for p in e.absolute_path), e.message) for e in errors],
        )


def _declared(op, status):
    return str(status) in operations()[op][3]["responses"]


def _rate_header_declared(op, status):
    response = operations()[op][3]["responses"].get(str(status)) or {}
    return "x-amzn-RateLimit-Limit" in (response.get("headers") or {})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "AcornSandbox/1.0"
    sandbox = None  # set on the subclass made per server

    def setup(self):
        super().setup()
        # Headers and body go out in two writes; without NODELAY, Nagle plus the client's
        # delayed ACK cost 40 ms per keep-alive request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.sandbox._conn_lock:
            self.sandbox._connections.add(self.connection)

    def finish(self):
        with self.sandbox._conn_lock:
            self.sandbox._connections.discard(self.connection)
        super().finish()

    def log_message(self, fmt, *args):
        _logger.debug("%s %s", self.address_string(), fmt % args)

    def do_GET(self):
        self.sandbox.dispatch(self, "GET")

    def do_POST(self):
        self.sandbox.dispatch(self, "POST")

    def do_DELETE(self):
        self.sandbox.dispatch(self, "DELETE")

    def do_PUT(self):
        self.sandbox.dispatch(self, "PUT")


class SandboxServer:
    """A running local Vendor Central. Use start_sandbox() to make one."""

    def __init__(self, cfg, db_path, host="127.0.0.1", port=0):
        self.cfg = cfg
        self.db_path = str(db_path)
        self.store = Store(self.db_path)
        self.clock = SandboxClock(self.store, speed=cfg.clock_speed, frozen=cfg.frozen_clock)
        self.engine = VendorCentral(self.store, cfg, self.clock)
        try:
            self.engine.initialise()
        except BaseException:
            self.store.close()
            raise
        self.buckets = TokenBuckets(cfg.rate_limits, enabled=cfg.throttle, frozen=cfg.frozen_clock)
        self.faults = FaultBook()
        self._stats = {"requests": {}, "throttled": 0, "strict_failures": 0}
        self._stats_lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"sandbox": self})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.host, self.port = self.httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self.token_url = self.url + TOKEN_PATH
        self._thread = None
        self._connections = set()
        self._conn_lock = threading.Lock()
        with self.store.lock:
            self.store.set_meta("url", self.url)
        if cfg.faults:
            self.set_faults(*cfg.faults)

    # ---- Python API ------------------------------------------------------------------

    @property
    def credentials(self):
        return {
            "client_id": self.cfg.client_id,
            "client_secret": self.cfg.client_secret,
            "refresh_token": self.cfg.refresh_token,
        }

    def start(self):
        self._thread = threading.Thread(
            target=self.httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"acorn-sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()
        _logger.info("Acorn sandbox listening on %s (db %s)", self.url, self.db_path)
        return self

    def serve_forever(self):
        self.httpd.serve_forever()

    @property
    def running(self):
        return self._thread is not None

    def stop(self):
        if getattr(self, "_closed", False):
            return
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self.httpd.server_close()
        with self._conn_lock:  # keep-alive connections would outlive the server otherwise
            for conn in list(self._connections):
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        with self.store.lock:
            self.clock.save()
            self.store.close()
            self._closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def now(self):
        return datetime.fromtimestamp(self.clock.now(), timezone.utc)

    def advance(self, seconds):
        """Move sandbox time forward (transactions, receipts, reports and tokens follow)."""
        now = self.clock.advance(float(seconds))
        self.buckets.advance(float(seconds))
        self.engine.tick(force=True)
        return datetime.fromtimestamp(now, timezone.utc)

    def set_faults(self, *faults, replace=True):
        """Activate faults (dicts or 'kind:operation:count:seconds' strings)."""
        normal = [normalise_fault(f) for f in faults]
        ongoing = []
        for fault in normal:
            kind = fault["kind"]
            if kind == "throttle":
                self.buckets.drain(fault["operation"])
            elif kind == "expire_tokens":
                with self.store.lock:
                    self.store.x(
                        "UPDATE tokens SET expires = ? WHERE expires > ?",
                        (self.clock.now() - 1, self.clock.now() - 1),
                    )
            elif kind == "revoke_refresh_token":
                with self.store.lock:
                    self.store.x("UPDATE tokens SET revoked = 1")
                ongoing.append(fault)
            else:
                ongoing.append(fault)
        self.faults.set(ongoing, replace=replace)
        return self.faults.active()

    def clear_faults(self):
        self.faults.clear()

    def reset(self):
        """Forget everything and regenerate the history from the configuration."""
        with self.store.lock:
            self.store.wipe()
            self.clock = SandboxClock(
                self.store, speed=self.cfg.clock_speed, frozen=self.cfg.frozen_clock
            )
            self.engine = VendorCentral(self.store, self.cfg, self.clock)
            self.engine.initialise()
            self.store.set_meta("url", self.url)
        self.faults.clear()
        self.buckets.reset()
        with self._stats_lock:
            self._stats = {"requests": {}, "throttled": 0, "strict_failures": 0}

    def stats(self):
        with self.store.lock:
            pos = {
                r[0]: r[1]
                for r in self.store.q(
                    "SELECT state, COUNT(*) FROM pos WHERE created <= ? GROUP BY state",
                    (self.clock.now(),),
                )
            }
            txs = {
                r[0]: r[1]
                for r in self.store.q("SELECT status, COUNT(*) FROM transactions GROUP BY status")
            }
            reports = self.store.one("SELECT COUNT(*) FROM reports")[0]
            lines = self.store.one("SELECT COUNT(*) FROM items")[0]
        with self._stats_lock:
            requests = {k: dict(v) for k, v in self._stats["requests"].items()}
            throttled = self._stats["throttled"]
            strict = self._stats["strict_failures"]
        return {
            "now": iso(self.clock.now()),
            "epoch": iso(self.engine.epoch),
            "purchaseOrders": pos,
            "orderLines": lines,
            "transactions": txs,
            "reports": reports,
            "requests": requests,
            "throttled": throttled,
            "faultsFired": dict(self.faults.fired),
            "activeFaults": self.faults.active(),
            "strictFailures": strict,
        }

    def status(self):
        return {
            "url": self.url,
            "token_url": self.token_url,
            "db": self.db_path,
            "seed": self.cfg.seed,
            "marketplace": self.cfg.marketplace,
            "marketplaceId": self.cfg.marketplace_info.marketplace_id,
            "vendorCodes": list(self.cfg.vendor_codes),
            "now": iso(self.clock.now()),
            "credentials": self.credentials,
        }

    # ---- HTTP pipeline ---------------------------------------------------------------

    def _count(self, op, status):
        with self._stats_lock:
            per = self._stats["requests"].setdefault(op, {})
            per[str(status)] = per.get(str(status), 0) + 1

    def dispatch(self, req, method):
        request_id = str(uuid.uuid4())
        parts = urlsplit(req.path)
        path = parts.path.rstrip("/") or "/"
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        try:
            if path == TOKEN_PATH and method == "POST":
                return self._token(req, request_id)
            if path == "/_sandbox/payments/export" and method == "GET":
                return self._file_export(req, params, request_id, self.engine.export_payments)
            if path == "/_sandbox/invoices/open" and method == "GET":
                return self._file_export(req, params, request_id, self.engine.export_open_invoices)
            if path == "/_sandbox/reports/document" and method == "POST":
                return self._report_now(req, request_id)
            if path == "/_sandbox/chargebacks/export" and method == "GET":
                return self._file_export(
                    req, params, request_id, partial(export_chargebacks, self.engine)
                )
            if path == "/_sandbox/disputes" or path.startswith(
                ("/_sandbox/disputes/", "/_sandbox/shortages/")
            ):
                return self._disputes(req, method, path, request_id)
            if path.startswith("/_sandbox/"):
                return self._admin(req, method, path, params, request_id)
            for m, regex, op, fn, ok in ROUTES:
                match = regex.match(path)
                if match and m == method:
                    return self._api(req, op, fn, ok, match, params, request_id)
            self._send_json(
                req,
                404,
                {
                    "errors": [
                        {
                            "code": "NotFound",
                            "message": f"No sandbox resource at {method} {path}",
                            "details": "",
                        }
                    ]
                },
                request_id,
            )
        except (BrokenPipeError, ConnectionResetError):
            _logger.debug("Client went away (%s %s)", method, path)
        except Exception:
            req.close_connection = True
            if getattr(self, "_closed", False):  # request raced with stop()
                return
            _logger.exception("Sandbox failure on %s %s", method, path)
            self._send_json(req, 500, _errors("InternalFailure", INTERNAL), request_id)

    def _read_body(self, req):
        length = int(req.headers.get("Content-Length") or 0)
        return req.rfile.read(length) if length > 0 else b""

    def _send(self, req, status, data, headers, request_id):
        req.send_response(status)
        req.send_header("x-amzn-RequestId", request_id)
        for key, value in headers.items():
            req.send_header(key, value)
        req.send_header("Content-Length", str(len(data)))
        req.end_headers()
        req.wfile.write(data)

    def _send_json(self, req, status, body, request_id, headers=None):
        data = json.dumps(body).encode()
        self._send(
            req, status, data, {"Content-Type": "application/json", **(headers or {})}, request_id
        )

    def _token(self, req, request_id):
        raw = self._read_body(req)
        ctype = req.headers.get("Content-Type", "")
        try:
            if "json" in ctype:
                form = {k: str(v) for k, v in json.loads(raw or b"{}").items()}
            else:
                form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        except ValueError:
            form = {}

        def fail(status, error, description):
            self._count("lwaToken", status)
            self._send_json(
                req, status, {"error": error, "error_description": description}, request_id
            )

        grant = form.get("grant_type")
        if not grant:
            return fail(
                400, "invalid_request", "The request is missing a required parameter : grant_type"
            )
        if grant not in ("refresh_token", "client_credentials"):
            return fail(400, "unsupported_grant_type", f"Unsupported grant_type {grant}")
        if (
            form.get("client_id") != self.cfg.client_id
            or form.get("client_secret") != self.cfg.client_secret
        ):
            return fail(401, "invalid_client", "Client authentication failed")
        if self.faults.take({"expire_client_secret"}, "token"):
            return fail(
                401,
                "invalid_client",
                "Client authentication failed: the client secret has expired; rotate "
                "it in the Solution Provider Portal",
            )
        if grant == "refresh_token":
            if not form.get("refresh_token"):
                return fail(
                    400,
                    "invalid_request",
                    "The request is missing a required parameter : refresh_token",
                )
            if form["refresh_token"] != self.cfg.refresh_token or self.faults.take(
                {"revoke_refresh_token"}, "token"
            ):
                return fail(
                    400,
                    "invalid_grant",
                    "The request has an invalid grant parameter : refresh_token",
                )
        elif not form.get("scope"):
            return fail(400, "invalid_scope", "The request is missing the scope parameter")
        token = "Atza|" + secrets.token_urlsafe(48)
        with self.store.lock:
            self.store.x(
                "INSERT INTO tokens (token, expires) VALUES (?, ?)",
                (token, self.clock.now() + self.cfg.token_ttl),
            )
        body = {"access_token": token, "token_type": "bearer", "expires_in": self.cfg.token_ttl}
        if grant == "refresh_token":
            body["refresh_token"] = self.cfg.refresh_token
        self._count("lwaToken", 200)
        self._send_json(req, 200, body, request_id)

    def _auth_error(self, token):
        if not token:
            return "The access token is missing; send it in the x-amz-access-token header."
        with self.store.lock:
            row = self.store.one("SELECT expires, revoked FROM tokens WHERE token = ?", (token,))
        if row is None or row["revoked"]:
            return "The access token you provided is revoked, malformed or invalid."
        if row["expires"] <= self.clock.now():
            return "The access token you provided has expired."
        return None

    def _api(self, req, op, fn, ok, match, params, request_id):
        rate = {"x-amzn-RateLimit-Limit": self.buckets.rate_header(op)}
        raw = self._read_body(req) if req.command in ("POST", "PUT") else b""
        try:
            self._gate(req, op, params)
            body = self._parse_body(req, raw)
            # One request at a time on the shared SQLite connection: a read must never run
            # inside another thread's write transaction.
            with self.store.lock:
                result = fn(self.engine, match.groupdict(), params, body, self)
        except ApiError as exc:
            return self._reply(req, op, exc.status, {"errors": exc.errors}, rate, request_id)
        except Exception:
            _logger.exception("Sandbox failure in %s", op)
            return self._reply(req, op, 500, _errors("InternalFailure", INTERNAL), rate, request_id)
        if op == "cancelReport":
            self._count(op, ok)
            return self._send(req, ok, b"", rate, request_id)
        self._reply(req, op, ok, result, rate, request_id)

    def _reply(self, req, op, status, body, rate, request_id):
        headers = rate if _rate_header_declared(op, status) else {}
        if self.cfg.strict:
            try:
                strict_check(op, status, body)
            except PayloadInvalid as exc:
                _logger.error("Sandbox response failed its own model check: %s", exc)
                with self._stats_lock:
                    self._stats["strict_failures"] += 1
                status, headers = 500, {}
                body = _errors(
                    "InternalFailure", "Sandbox response failed the model check", str(exc)[:2000]
                )
        self._count(op, status)
        self._send_json(req, status, body, request_id, headers)

    def _throttled(self):
        with self._stats_lock:
            self._stats["throttled"] += 1
        return ApiError(429, "QuotaExceeded", QUOTA)

    def _gate(self, req, op, params):
        """Auth, faults and rate limits, in the order Amazon's front door applies them."""
        problem = self._auth_error(req.headers.get("x-amz-access-token"))
        if problem:
            raise ApiError(
                401 if _declared(op, 401) else 403, "Unauthorized", UNAUTHORIZED, problem
            )
        slow = self.faults.take({"slow"}, op)
        if slow:
            time.sleep(slow["seconds"])
        fault = self.faults.take({"500", "503", "429", "missing_role"}, op)
        if fault:
            kind = fault["kind"]
            if kind == "500":
                raise ApiError(500, "InternalFailure", INTERNAL)
            if kind == "503":
                raise ApiError(
                    503, "ServiceUnavailable", "Service temporarily unavailable. Please try again."
                )
            if kind == "429":
                raise self._throttled()
            raise ApiError(
                403,
                "Unauthorized",
                UNAUTHORIZED,
                "The application is not authorized for this operation: the selling "
                "partner did not grant the Amazon Vendor role it needs.",
            )
        if not self.buckets.take(op):
            raise self._throttled()
        if params.get("nextToken") and self.faults.take({"page_token_once"}, op):
            raise ApiError(
                400,
                "InvalidInput",
                "Invalid Input",
                "Transient paging failure; retry the same request.",
            )

    def _parse_body(self, req, raw):
        if req.command not in ("POST", "PUT"):
            return None
        if len(raw) > self.cfg.max_body_bytes:
            raise ApiError(
                413,
                "RequestEntityTooLarge",
                f"The request body is larger than {self.cfg.max_body_bytes} bytes",
            )
        ctype = req.headers.get("Content-Type", "")
        if "json" not in ctype:
            raise ApiError(
                415,
                "UnsupportedMediaType",
                f"Content-Type {ctype or '(none)'} is not supported; send application/json",
            )
        try:
            return json.loads(raw or b"null")
        except ValueError as exc:
            raise ApiError(
                400, "InvalidInput", "The request body is not valid JSON", str(exc)
            ) from None

    def _file_export(self, req, params, request_id, export):
        """A file Vendor Central lets vendors download: the Payments XLSX/CSV
        (sandbox/payments.py), the chargeback list (sandbox/chargebacks.py)."""
        try:
            with self.store.lock:
                content, ctype, name = export(params)
        except ApiError as exc:
            return self._send_json(req, exc.status, {"errors": exc.errors}, request_id)
        except ValueError as exc:
            return self._send_json(req, 400, {"error": str(exc)}, request_id)
        headers = {"Content-Type": ctype, "Content-Disposition": f'attachment; filename="{name}"'}
        return self._send(req, 200, content, headers, request_id)

    def _report_now(self, req, request_id):
        """A report's document at once, outside the rate limits (engine.report_now)."""
        try:
            body = json.loads(self._read_body(req) or b"{}")
            with self.store.lock:
                content = self.engine.report_now(body)
        except ApiError as exc:
            return self._send_json(req, exc.status, {"errors": exc.errors}, request_id)
        except ValueError as exc:
            return self._send_json(req, 400, {"error": str(exc)}, request_id)
        headers = {"Content-Type": "application/octet-stream"}
        return self._send(req, 200, content, headers, request_id)

    def _disputes(self, req, method, path, request_id):
        """The dispute desk (sandbox/disputes.py): POST a dispute, GET a case or all, GET an
        invoice's shortage detail."""
        case = path[len("/_sandbox/disputes/") :] if path != "/_sandbox/disputes" else None
        try:
            with self.store.lock:
                if path.startswith("/_sandbox/shortages/") and method == "GET":
                    invoice = unquote(path[len("/_sandbox/shortages/") :])
                    return self._send_json(
                        req, 200, self.engine.shortage_detail(invoice), request_id
                    )
                if method == "POST" and case is None:
                    body = self._parse_body(req, self._read_body(req))
                    return self._send_json(req, 201, self.engine.file_dispute(body), request_id)
                if method == "GET":
                    answer = self.engine.dispute(case) if case else self.engine.list_disputes()
                    return self._send_json(req, 200, answer, request_id)
        except ApiError as exc:
            return self._send_json(req, exc.status, {"errors": exc.errors}, request_id)
        return self._send_json(
            req, 405, {"errors": [{"code": "MethodNotAllowed", "message": method}]}, request_id
        )

    def _admin(self, req, method, path, params, request_id):
        raw = self._read_body(req) if method in ("POST", "PUT") else b""
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return self._send_json(req, 400, {"error": "Body is not valid JSON"}, request_id)
        doc = re.match(r"/_sandbox/documents/(?P<id>[^/]+)$", path)
        try:
            if doc and method == "GET":
                content, reason = self.engine.download(
                    doc["id"], params.get("expires"), params.get("signature")
                )
                if content is None:
                    xml = (
                        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied'
                        f"</Code><Message>{reason}</Message></Error>"
                    ).encode()
                    return self._send(
                        req, 403, xml, {"Content-Type": "application/xml"}, request_id
                    )
                return self._send(
                    req, 200, content, {"Content-Type": "application/octet-stream"}, request_id
                )
            if path == "/_sandbox/status" and method == "GET":
                return self._send_json(req, 200, self.status(), request_id)
            if path == "/_sandbox/stats" and method == "GET":
                return self._send_json(req, 200, self.stats(), request_id)
            if path == "/_sandbox/faults":
                if method == "GET":
                    return self._send_json(req, 200, {"faults": self.faults.active()}, request_id)
                if method == "DELETE":
                    self.clear_faults()
                    return self._send_json(req, 200, {"faults": []}, request_id)
                if method == "POST":
                    faults = body.get("faults", [body] if body.get("kind") else [])
                    active = self.set_faults(*faults, replace=bool(body.get("replace", False)))
                    return self._send_json(req, 200, {"faults": active}, request_id)
            if path == "/_sandbox/advance-clock" and method == "POST":
                seconds = float(body.get("seconds") or 0)
                if body.get("to"):
                    target = datetime.fromisoformat(str(body["to"]).replace("Z", "+00:00"))
                    if target.tzinfo is None:
                        target = target.replace(tzinfo=timezone.utc)
                    seconds = target.timestamp() - self.clock.now()
                if body.get("speed") is not None:
                    self.clock.set_speed(float(body["speed"]))
                now = self.advance(seconds)
                return self._send_json(
                    req, 200, {"now": iso(now.timestamp()), "speed": self.clock.speed}, request_id
                )
            if path == "/_sandbox/reset" and method == "POST":
                self.reset()
                return self._send_json(
                    req, 200, {"reset": True, "now": iso(self.clock.now())}, request_id
                )
        except ValueError as exc:
            return self._send_json(req, 400, {"error": str(exc)}, request_id)
        self._send_json(req, 404, {"error": f"No admin endpoint {method} {path}"}, request_id)


def start_sandbox(db_path=None, host="127.0.0.1", port=0, seed=1, **config):
    """Start a sandbox in a background thread and return the running SandboxServer.

    db_path None uses a fresh temporary file (removed on stop)."""
    cfg = config.pop("config", None) or SandboxConfig.from_kwargs(seed=seed, **config)
    tmpdir = None
    if db_path is None:
        tmpdir = tempfile.mkdtemp(prefix="acorn-sandbox-")
        db_path = Path(tmpdir) / "sandbox.sqlite"
    server = SandboxServer(cfg, db_path, host=host, port=port).start()
    if tmpdir is not None:
        original_stop = server.stop

        def stop():
            original_stop()
            shutil.rmtree(tmpdir, ignore_errors=True)

        server.stop = stop
    return server
