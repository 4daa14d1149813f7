"""Login with Amazon (LWA): refresh-token grant, cached access tokens.

Access tokens live one hour. They are cached per account (token URL + client id + hash of
the refresh token) in a pluggable cache so the Odoo side can persist them, refreshed 60 s
before expiry, and only one thread refreshes a given account at a time.
"""

import hashlib
import logging
import threading
import time
from dataclasses import dataclass, field

from ..marketplaces import LWA_TOKEN_URL
from .errors import (
    AuthenticationError,
    NetworkError,
    SecretExpiredError,
    ServerError,
    SpApiError,
)

_logger = logging.getLogger(__name__)

REFRESH_MARGIN = 60.0


@dataclass(frozen=True)
class Credentials:
    """One app + one vendor group's authorisation. ``repr`` never shows the secrets."""

    client_id: str
    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)

    def __post_init__(self):
        missing = [
            n for n in ("client_id", "client_secret", "refresh_token") if not getattr(self, n)
        ]
        if missing:
            raise AuthenticationError(
                "SP-API credentials incomplete: missing "
                + ", ".join(missing)
                + " (LWA client id and secret from the app, refresh token from Vendor Central"
                " self-authorisation)"
            )


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_at: float  # wall clock, seconds since the epoch


class TokenCache:
    """Where access tokens are kept; subclass to persist them (e.g. on the Odoo account)."""

    def get(self, key):
        """Return the AccessToken stored under ``key`` or None."""
        raise NotImplementedError

    def set(self, key, token):
        """Store an AccessToken, or forget ``key`` when ``token`` is None."""
        raise NotImplementedError


class MemoryTokenCache(TokenCache):
    def __init__(self):
        self._data = {}
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            return self._data.get(key)

    def set(self, key, token):
        with self._lock:
            if token is None:
                self._data.pop(key, None)
            else:
                self._data[key] = token


# Shared by every client of the process: Odoo builds a client per job, tokens outlive them.
DEFAULT_TOKEN_CACHE = MemoryTokenCache()
_LOCKS = {}
_LOCKS_GUARD = threading.Lock()


def _lock_for(key):
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, threading.Lock())


def cache_key(token_url, client_id, refresh_token):
    digest = hashlib.sha256(refresh_token.encode()).hexdigest()[:24]
    return f"lwa|{token_url}|{client_id}|{digest}"


class LwaAuth:
    """Hands out a valid access token, exchanging the refresh token when needed."""

    def __init__(
        self,
        credentials,
        transport,
        token_url=None,
        cache=None,
        now=time.time,
        sleep=time.sleep,
        retries=2,
    ):
        self.credentials = credentials
        self.transport = transport
        self.token_url = token_url or LWA_TOKEN_URL
        self.cache = cache if cache is not None else DEFAULT_TOKEN_CACHE
        self.now = now
        self.sleep = sleep
        self.retries = retries
        self.key = cache_key(self.token_url, credentials.client_id, credentials.refresh_token)
        self.refresh_count = 0

    def _fresh(self, entry):
        return entry is not None and entry.expires_at - self.now() > REFRESH_MARGIN

    def access_token(self):
        entry = self.cache.get(self.key)
        if self._fresh(entry):
            return entry.token
        with _lock_for(self.key):
            entry = self.cache.get(self.key)  # another thread may have refreshed meanwhile
            if self._fresh(entry):
                return entry.token
            entry = self._exchange()
            self.cache.set(self.key, entry)
            return entry.token

    def refresh(self):
        """Exchange the refresh token now, whatever the cache holds: a connection test must
        prove the credentials, not a token cached before they were changed or expired."""
        with _lock_for(self.key):
            entry = self._exchange()
            self.cache.set(self.key, entry)
            return entry.token

    def invalidate(self, token):
        """Forget ``token`` after Amazon refused it (unless another thread replaced it)."""
        with _lock_for(self.key):
            entry = self.cache.get(self.key)
            if entry is not None and entry.token == token:
                self.cache.set(self.key, None)

    def _exchange(self):
        creds = self.credentials
        form = {
            "grant_type": "refresh_token",
            "refresh_token": creds.refresh_token,
            "client_id": creds.client_id,
            "client_secret": creds.client_secret,
        }
        # The exchange changes nothing at Amazon, so outages and throttling are retried.
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                resp = self.transport.send(
                    "POST",
                    self.token_url,
                    what="LWA token exchange",
                    headers={"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"},
                    data=form,
                )
            except NetworkError:
                if last:
                    raise
                self.sleep(0.5 * 2**attempt)
                continue
            if (resp.status_code >= 500 or resp.status_code == 429) and not last:
                self.sleep(0.5 * 2**attempt)
                continue
            break
        try:
            body = resp.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        if resp.status_code == 200 and body.get("access_token"):
            self.refresh_count += 1
            expires_in = float(body.get("expires_in") or 3600)
            _logger.info("LWA access token refreshed for client %s", creds.client_id)
            return AccessToken(body["access_token"], self.now() + expires_in)
        raise lwa_error(resp.status_code, body, self.token_url)


def lwa_error(status, body, token_url):
    """Turn an OAuth2 error answer of the LWA endpoint into a typed error."""
    code = body.get("error") or ""
    desc = body.get("error_description") or ""
    said = f" (Amazon said: {desc})" if desc else ""
    kw = {"status": status, "code": code or None, "operation": "LWA token exchange"}
    if code == "invalid_grant":
        return AuthenticationError(
            "Amazon refused the refresh token (invalid_grant): re-authorise the app in Vendor"
            f" Central for this vendor group and paste the new refresh token{said}.",
            **kw,
        )
    if code == "invalid_client":
        return SecretExpiredError(
            "Amazon refused the app's client id/secret (invalid_client): the LWA client secret"
            " has probably expired or been rotated (Amazon requires a new one every 180 days);"
            f" copy the current secret from the app in Solution Provider Portal{said}.",
            **kw,
        )
    if code in ("unauthorized_client", "invalid_scope", "access_denied"):
        return AuthenticationError(
            f"Amazon refused this app for the vendor group ({code}): check that the app is"
            f" authorised in Vendor Central and has the Vendor roles{said}.",
            **kw,
        )
    if status >= 500:
        return ServerError(
            f"Amazon's login service ({token_url}) failed with HTTP {status}; retry later{said}.",
            **kw,
        )
    if status in (400, 401, 403):
        return AuthenticationError(
            f"Amazon's login service refused the token request (HTTP {status}"
            f"{', ' + code if code else ''}): check client id, secret and refresh token{said}.",
            **kw,
        )
    return SpApiError(
        f"Unexpected answer from Amazon's login service {token_url}: HTTP {status}{said}.", **kw
    )
