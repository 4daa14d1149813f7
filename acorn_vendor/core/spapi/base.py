"""The client core: one HTTP chokepoint (``_request``) that validates, throttles,
authenticates, retries and maps errors; pagination; the no-double-submission protocol.

API groups (orders, shipments, ...) are mixins in ``apis/`` that only describe operations.
"""

import json
import logging
import random
import re
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote, urlsplit

from ..marketplaces import region_host
from ..spapi_models import PayloadInvalid, validate_request, validate_response
from . import operations
from .auth import Credentials, LwaAuth
from .call_stats import CallStats
from .dates import format_utc, parse_datetime, split_windows, utcnow
from .errors import (
    AuthenticationError,
    ForbiddenError,
    InvalidInputError,
    NetworkError,
    NotFoundError,
    ServerError,
    SpApiError,
    SubmissionUncertainError,
    ThrottledError,
)
from .journal import (
    ACCEPTED,
    SENDING,
    UNCERTAIN,
    MemoryJournal,
    SubmissionResult,
    keep_previous,
    new_record,
)
from .throttle import RateLimiter, backoff_delay, parse_retry_after
from .transport import DEFAULT_TIMEOUT, Transport

_logger = logging.getLogger(__name__)

# Per-account state shared by the clients of one process (Odoo builds one per job).
_SHARED = {}
_SHARED_LOCK = threading.Lock()


def _shared(kind, key, factory):
    with _SHARED_LOCK:
        value = _SHARED.get((kind, key))
        if value is None:
            value = _SHARED[(kind, key)] = factory()
        return value


def forget_pacing():
    """Drop the process's rate limiters: the next client starts with Amazon's full burst, as
    after a quiet spell (tests, each of which starts a fresh sandbox state)."""
    with _SHARED_LOCK:
        for key in [key for key in _SHARED if key[0] == "limiter"]:
            del _SHARED[key]


@dataclass(frozen=True)
class ApiResponse:
    status: int
    body: dict
    headers: dict
    request_id: str = None

    @property
    def payload(self):
        """The ``payload`` of retail (v1) answers; the body itself for unwrapped APIs."""
        if isinstance(self.body, dict) and "payload" in self.body:
            return self.body["payload"] or {}
        return self.body


def snake(name):
    """camelCase → snake_case, keeping acronyms together: isPOChanged → is_po_changed."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def _json(resp):
    if not resp.content:
        return {}
    try:
        return resp.json()
    except ValueError:
        return {"raw": resp.text[:500]}


def _first_error(body):
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, dict):  # DF 2021-12-28 wraps the list in an object
        errors = errors.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return errors[0].get("code"), errors[0].get("message") or "", errors
    return None, "", errors


def _token_refused(status, answer):
    """A 403 that is about the access token (expired/revoked), not about a missing role."""
    if status != 403:
        return False
    _code, message, errors = _first_error(answer)
    details = " ".join(str(e.get("details") or "") for e in errors or [] if isinstance(e, dict))
    return "access token" in f"{message} {details}".lower()


_FIELD_PATTERNS = (
    re.compile(r"element '([^']+)'"),
    re.compile(r"\b(?:parameter|field|property) '?([A-Za-z_][\w.\[\]]*)'?"),
    re.compile(r"^([A-Za-z_]\w*) (?:cannot|must|is)\b"),
)


def _field_from_message(message):
    for pattern in _FIELD_PATTERNS:
        m = pattern.search(message or "")
        if m:
            return m.group(1)
    return None


def _integer(spec, value, bad):
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad("expected a whole number")
    if "minimum" in spec and value < spec["minimum"]:
        raise bad(f"minimum is {spec['minimum']}")
    if "maximum" in spec and value > spec["maximum"]:
        raise bad(f"maximum is {spec['maximum']}")
    return str(value)


class BaseClient:
    """Holds the account (credentials, host) and the machinery every operation shares."""

    def __init__(
        self,
        credentials,
        region="NA",
        endpoint=None,
        token_url=None,
        timeout=DEFAULT_TIMEOUT,
        *,
        session=None,
        token_cache=None,
        journal=None,
        rate_limiter=None,
        rate_overrides=None,
        rate_safety=0.95,
        clock=time.monotonic,
        sleep=time.sleep,
        now=time.time,
        rng=None,
        max_retries=5,
        backoff_base=0.5,
        backoff_cap=30.0,
        max_retry_after=60.0,
        submission_stale_after=600.0,
        user_agent=None,
        validate_responses=None,
        stats=None,
    ):
        if isinstance(credentials, dict):
            credentials = Credentials(**credentials)
        self.credentials = credentials
        self.region = (region or "NA").upper()
        self.endpoint = (endpoint or region_host(self.region)).rstrip("/")
        self.transport = Transport(session=session, timeout=timeout, agent=user_agent)
        self.auth = LwaAuth(
            credentials, self.transport, token_url, cache=token_cache, now=now, sleep=sleep
        )
        account = (self.endpoint, self.auth.key)
        if rate_limiter is None:
            if clock is time.monotonic and sleep is time.sleep:
                rate_limiter = _shared("limiter", account, RateLimiter)
            else:
                rate_limiter = RateLimiter(clock=clock, sleep=sleep)
        self.limiter = rate_limiter
        self.journal = (
            journal if journal is not None else _shared("journal", account, MemoryJournal)
        )
        self.rate_overrides = dict(rate_overrides or {})
        # Pace a little under the announced rate: at exactly Amazon's rate, network jitter
        # alone makes Amazon's bucket come up a fraction of a token short (429).
        self.rate_safety = rate_safety
        self._clock = clock
        self._sleep = sleep
        self._now = now
        self._rng = rng or random.Random()
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_retry_after = max_retry_after
        self.submission_stale_after = submission_stale_after
        # None: trust Amazon; "warn": log answers that break the model; "strict": raise.
        self.validate_responses = validate_responses
        # What this client asked of Amazon (a sync run passes its own to record it).
        self.stats = stats if stats is not None else CallStats()

    @property
    def host(self):
        return urlsplit(self.endpoint).netloc

    # ------------------------------------------------------------------ parameters

    def _op(self, key):
        return operations.get(key)

    def _limits(self, op):
        rate, burst = self.rate_overrides.get(op.key, (op.rate, op.burst))
        return rate * self.rate_safety, burst

    def _validate_body(self, op, body):
        try:
            validate_request(op.operation_id, body)
        except PayloadInvalid as exc:
            path, msg = exc.errors[0]
            more = f" (and {len(exc.errors) - 1} more problems)" if len(exc.errors) > 1 else ""
            raise InvalidInputError(
                f"Not sent to Amazon: the {op.operation_id} document does not match Amazon's"
                f" model at {path}: {msg}{more}.",
                field=path,
                operation=op.operation_id,
                details=exc.errors,
            ) from None

    def _query(self, op, params):
        names = {p["name"] for p in op.parameters if p.get("in") == "query"}
        aliases = {snake(n): n for n in names}
        out = {}
        for given, value in (params or {}).items():
            if value is None:
                continue
            name = given if given in names else aliases.get(given)
            if name is None:
                raise InvalidInputError(
                    f"{op.operation_id} has no filter {given!r}; valid filters: "
                    + ", ".join(sorted(names)),
                    field=given,
                    operation=op.operation_id,
                )
            out[name] = self._format_param(op, op.parameter(name), value)
        return out

    def _format_param(self, op, spec, value):
        name, typ = spec["name"], spec.get("type")

        def bad(why):
            return InvalidInputError(
                f"{op.operation_id}: filter {name}={value!r} is invalid: {why}.",
                field=name,
                operation=op.operation_id,
            )

        if spec.get("format") == "date-time":
            try:
                return format_utc(value)
            except ValueError:
                raise bad("expected a date-time such as 2026-01-31T00:00:00Z") from None
        if typ == "array":
            items = list(value) if isinstance(value, (list, tuple, set)) else [value]
            allowed = (spec.get("items") or {}).get("enum")
            for item in items:
                if allowed and item not in allowed:
                    raise bad(f"{item!r} is not one of {', '.join(allowed)}")
            if "maxItems" in spec and len(items) > spec["maxItems"]:
                raise bad(f"at most {spec['maxItems']} values")
            return ",".join(str(i) for i in items)
        if typ == "integer":
            return _integer(spec, value, bad)
        if typ == "boolean" or spec.get("format") == "boolean":
            if isinstance(value, bool):
                return "true" if value else "false"
            if str(value).lower() in ("true", "false"):
                return str(value).lower()
            raise bad("expected true or false")
        if spec.get("enum") and value not in spec["enum"]:
            raise bad(f"expected one of {', '.join(spec['enum'])}")
        return str(value)

    def _path(self, op, path_params):
        path = op.path
        for spec in op.parameters:
            if spec.get("in") != "path":
                continue
            value = (path_params or {}).get(spec["name"])
            if value in (None, ""):
                raise InvalidInputError(
                    f"{op.operation_id} needs {spec['name']}.",
                    field=spec["name"],
                    operation=op.operation_id,
                )
            path = path.replace("{%s}" % spec["name"], quote(str(value), safe=""))
        return path

    # ------------------------------------------------------------------ the chokepoint

    def _request(self, key, *, path=None, params=None, body=None):
        """Call one operation; return an ApiResponse or raise a typed SpApiError.

        Retries (bounded, exponential backoff with full jitter, Retry-After honoured):
        429 and 503 always; 500/502/504 and network failures only for GETs, or when the
        request certainly never left. A POST that may have reached Amazon is never resent
        here: it raises SubmissionUncertainError.
        """
        op = operations.get(key)
        if body is not None:
            self._validate_body(op, body)
        query = self._query(op, params)
        url = self.endpoint + self._path(op, path)
        data = json.dumps(body, separators=(",", ":")) if body is not None else None
        rate, burst = self._limits(op)
        attempt = 0
        reauthorised = False
        while True:
            self.limiter.acquire(op.key, rate, burst)
            token = self.auth.access_token()
            headers = {"x-amz-access-token": token, "Accept": "application/json"}
            if data is not None:
                headers["Content-Type"] = "application/json"
            try:
                resp = self.transport.send(
                    op.method, url, what=op.operation_id, headers=headers, params=query, data=data
                )
            except NetworkError as exc:
                self.stats.count_call(None)
                if exc.sent and not op.idempotent:
                    raise SubmissionUncertainError(
                        f"{op.operation_id}: the document was sent to {self.host} but no answer"
                        f" came back ({exc.message}). Amazon may or may not have it; it will"
                        " not be resent blindly.",
                        operation=op.operation_id,
                    ) from exc
                if attempt < self.max_retries:
                    self._sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                raise
            status = resp.status_code
            self.stats.count_call(status)
            request_id = resp.headers.get("x-amzn-RequestId")
            limit = resp.headers.get("x-amzn-RateLimit-Limit")
            if limit is not None:
                self.limiter.observe_limit(op.key, rate, burst, limit, self.rate_safety)
            if 200 <= status < 300:
                answer = _json(resp)
                if self.validate_responses:
                    self._check_response(op, status, answer, request_id)
                return ApiResponse(status, answer, dict(resp.headers), request_id)
            answer = _json(resp)
            if (status == 401 or _token_refused(status, answer)) and not reauthorised:
                # Amazon answers 403 (not 401) for a bad token on operations whose model
                # declares no 401, e.g. getPurchaseOrders.
                _logger.info("%s got %s: refreshing the access token once", op.operation_id, status)
                reauthorised = True
                self.auth.invalidate(token)
                continue
            if status == 429:
                self.limiter.drain(op.key, rate, burst)
            retryable = status in (429, 503) or (op.idempotent and status in (500, 502, 504))
            retry_after = parse_retry_after(resp.headers.get("Retry-After"), self._now)
            if retryable and attempt < self.max_retries:
                if retry_after is None or retry_after <= self.max_retry_after:
                    wait = retry_after if retry_after is not None else self._backoff(attempt)
                    _logger.info(
                        "%s got HTTP %s; retry %d/%d in %.2f s",
                        op.operation_id,
                        status,
                        attempt + 1,
                        self.max_retries,
                        wait,
                    )
                    self._sleep(wait)
                    attempt += 1
                    continue
            if not op.idempotent and status >= 500 and status != 503:
                code, message, _ = _first_error(answer)
                raise SubmissionUncertainError(
                    f"{op.operation_id}: Amazon answered HTTP {status} ({code or 'no code'}:"
                    f" {message or 'no message'}) after receiving the document; it may or may"
                    " not have been stored, so it will not be resent blindly.",
                    status=status,
                    code=code,
                    request_id=request_id,
                    operation=op.operation_id,
                )
            raise self._api_error(op, status, answer, request_id, attempt + 1, retry_after)

    def _check_response(self, op, status, answer, request_id):
        try:
            validate_response(op.operation_id, status, answer)
        except PayloadInvalid as exc:
            # A submission Amazon accepted stays accepted, whatever the answer looks like.
            if self.validate_responses != "strict" or not op.idempotent:
                _logger.warning("Amazon's answer breaks the model: %s", exc)
                return
            raise SpApiError(
                f"Amazon's answer to {op.operation_id} does not match Amazon's own model: {exc}",
                status=status,
                request_id=request_id,
                operation=op.operation_id,
                details=exc.errors,
            ) from None

    def _backoff(self, attempt):
        return backoff_delay(attempt, self._rng, self.backoff_base, self.backoff_cap)

    def _api_error(self, op, status, answer, request_id, attempts, retry_after):
        code, message, errors = _first_error(answer)
        said = f"{code or 'no code'}: {message}" if message else (code or "no details")
        extra = errors[0].get("details") if errors and isinstance(errors[0], dict) else None
        if extra and isinstance(extra, str) and extra not in said:
            said = f"{said} {extra}"
        kw = {
            "status": status,
            "code": code,
            "request_id": request_id,
            "operation": op.operation_id,
            "details": errors,
        }
        name = op.operation_id
        if status == 401:
            return AuthenticationError(
                f"Amazon refused the access token for {name} twice (HTTP 401, {said}): the"
                " authorisation was revoked, or the refresh token belongs to another region"
                f" than {self.host}; re-authorise the app in Vendor Central.",
                **kw,
            )
        if status == 403 and _token_refused(status, answer):
            return AuthenticationError(
                f"Amazon refused the access token for {name} twice (HTTP 403, {said}):"
                " the authorisation was revoked; re-authorise the app in Vendor Central.",
                **kw,
            )
        if status == 403:
            return ForbiddenError(
                f"Amazon denied {name} (HTTP 403, {said}): the app lacks the Selling Partner"
                " role for this API, or this vendor group did not grant it. Add the role in"
                " Solution Provider Portal, then re-authorise the app in Vendor Central.",
                **kw,
            )
        if status == 404:
            return NotFoundError(f"Amazon has no such resource for {name} ({said}).", **kw)
        if status == 429:
            wait = retry_after if retry_after is not None else self.backoff_cap
            return ThrottledError(
                f"Amazon throttled {name} (HTTP 429, {said}) after {attempts} attempt(s);"
                f" try again in {wait:.0f} s.",
                retry_after=wait,
                **kw,
            )
        if status in (400, 413, 415, 422):
            return InvalidInputError(
                f"Amazon rejected the {name} request as invalid (HTTP {status}, {said}).",
                field=_field_from_message(message),
                **kw,
            )
        if status >= 500:
            return ServerError(
                f"Amazon's {name} failed on Amazon's side (HTTP {status}, {said}) after"
                f" {attempts} attempt(s); try again later.",
                **kw,
            )
        return SpApiError(f"Unexpected HTTP {status} from Amazon for {name} ({said}).", **kw)

    # ------------------------------------------------------------------ pagination

    def _paginate(self, key, params, items_key, transient_retries=2):
        """Yield every item of every page, following ``pagination.nextToken``.

        Amazon sometimes answers a mid-paging request with a spurious 400 InvalidInput that
        succeeds when repeated (selling-partner-api-models#2085), hence the small retry.
        """
        params = dict(params or {})
        token = None
        seen = set()
        while True:
            if token:
                params["nextToken"] = token
            for retry in range(transient_retries + 1):
                try:
                    payload = self._request(key, params=params).payload
                    break
                except InvalidInputError:
                    if not token or retry == transient_retries:
                        raise
                    self._sleep(self._backoff(retry))
            yield from payload.get(items_key) or []
            token = (payload.get("pagination") or {}).get("nextToken") or payload.get("nextToken")
            if not token:
                return
            if token in seen:
                raise SpApiError(
                    f"{key}: Amazon returned the same nextToken twice; stopped paging to avoid"
                    " a loop.",
                    operation=key,
                )
            seen.add(token)

    def _windowed(self, key, filters, pairs, items_key, unique_field):
        """Page through a date-filtered list, splitting ranges longer than 7 days.

        ``pairs`` are the (after, before) filter names Amazon caps at 7 days. A missing end
        means "now". Items are deduplicated by ``unique_field``: windows share boundaries.
        """
        params = self._query(operations.get(key), filters)
        windows = [(None, None)]
        split_pair = None
        for after, before in pairs:
            if after in params:
                end = params.get(before) or format_utc(utcnow())
                windows = split_windows(params[after], end)
                split_pair = (after, before)
                break
        seen = set()
        for start, end in windows:
            page_params = dict(params)
            if split_pair:
                page_params[split_pair[0]] = format_utc(start)
                page_params[split_pair[1]] = format_utc(end)
            for item in self._paginate(key, page_params, items_key):
                ident = item.get(unique_field)
                if ident is not None:
                    if ident in seen:
                        continue
                    seen.add(ident)
                yield item

    def _check_window(self, key, params, pairs, iterator_name):
        for after, before in pairs:
            if after in params and before in params:
                span = parse_datetime(params[before]) - parse_datetime(params[after])
                if span.total_seconds() > 7 * 86400:
                    raise InvalidInputError(
                        f"{key}: Amazon refuses {after}..{before} ranges over 7 days"
                        f" ({span.days} days asked); use {iterator_name}(), which splits the"
                        " range into 7-day calls.",
                        field=after,
                        operation=key,
                    )

    # ------------------------------------------------------------------ submissions

    def _submit(self, key, body, verify=None, force=False, no_read_reason=None):
        """Send a document once. See journal.py for the states.

        ``verify(body)`` asks Amazon whether an earlier uncertain attempt arrived and returns
        True/False; None means Amazon offers no read for it and the resend is refused unless
        ``force``.
        """
        op = operations.get(key)
        self._validate_body(op, body)
        record = new_record(op.operation_id, body, now=self._now())
        stale = self.submission_stale_after
        previous = self.journal.claim(record, stale, replace_accepted=force)
        resent = False
        if previous is not None:
            if keep_previous(previous, record, stale, replace_accepted=force):
                if previous.state == SENDING:
                    raise SubmissionUncertainError(
                        f"{previous.natural_key}: this exact document is being sent right now"
                        " by another worker; not sending it twice.",
                        client_key=record.client_key,
                        operation=op.operation_id,
                    )
                _logger.info("%s already accepted by Amazon; not resent", record.natural_key)
                return SubmissionResult(
                    record.client_key, previous.transaction_id, deduplicated=True
                )
            if previous.state in (UNCERTAIN, SENDING) and not force:
                found = self._verify_uncertain(op, body, record, previous, verify, no_read_reason)
                if found:
                    return SubmissionResult(
                        record.client_key, previous.transaction_id, found_at_amazon=True
                    )
            resent = previous.state != ACCEPTED or force
        try:
            resp = self._request(key, body=body)
        except SubmissionUncertainError as exc:
            self.journal.put(record.with_state(UNCERTAIN, self._now(), detail=exc.message[:500]))
            exc.client_key = record.client_key
            exc.message += (
                f" Submitting the same document again (client key {record.client_key}) will"
                " first check with Amazon."
            )
            raise
        except SpApiError:
            # Amazon answered no (or nothing left the machine): this attempt is not there.
            if previous is not None and previous.state == ACCEPTED:
                self.journal.put(previous)  # a forced resend failed; the original stands
            else:
                self.journal.delete(record.client_key)
            raise
        except BaseException:
            self.journal.put(record.with_state(UNCERTAIN, self._now(), detail="interrupted"))
            raise
        transaction_id = (resp.payload or {}).get("transactionId")
        self.journal.put(record.with_state(ACCEPTED, self._now(), transaction_id=transaction_id))
        _logger.info(
            "%s accepted by Amazon, transaction %s%s",
            record.natural_key,
            transaction_id,
            " (resent)" if resent else "",
        )
        return SubmissionResult(record.client_key, transaction_id, resent=resent)

    def _verify_uncertain(self, op, body, record, previous, verify, no_read_reason):
        if verify is None:
            self.journal.put(previous)
            raise SubmissionUncertainError(
                f"{record.natural_key}: an earlier {op.operation_id} got no answer from Amazon,"
                f" and {no_read_reason or 'Amazon offers no way to look it up'}. Not resending"
                " automatically: check Vendor Central, then resend with force=True if it is"
                " missing.",
                client_key=record.client_key,
                operation=op.operation_id,
            )
        try:
            found = verify(body)
        except BaseException:
            self.journal.put(previous)
            raise
        if found:
            _logger.info("%s was already at Amazon; not resent", record.natural_key)
            self.journal.put(previous.with_state(ACCEPTED, self._now()))
            return True
        _logger.info("%s not found at Amazon; resending", record.natural_key)
        return False

    # ------------------------------------------------------------------ health

    def check_connection(self):
        """Token exchange plus one cheap call; returns a one-line summary or raises."""
        self.auth.refresh()
        now = utcnow()
        payload = self._request(
            "getPurchaseOrders",
            params={
                "limit": 1,
                "createdAfter": now - timedelta(hours=24),
                "createdBefore": now,
                "includeDetails": False,
            },
        ).payload
        orders = payload.get("orders") or []
        more = bool((payload.get("pagination") or {}).get("nextToken"))
        if not orders:
            seen = "no purchase order created in the last 24 h"
        elif more:
            seen = "more than one purchase order created in the last 24 h"
        else:
            seen = "1 purchase order created in the last 24 h"
        return (
            f"Connected to {self.host} (region {self.region}): Login with Amazon accepted the"
            f" credentials and the Vendor Orders API answered ({seen})."
        )
