"""LWA: token cached per account, refreshed before expiry and after a 401, one refresh at a
time under threads, typed errors for refused credentials, the headers Amazon expects."""

import logging
import re
import threading

import pytest

from acorn_vendor.core.spapi import (
    AuthenticationError,
    Credentials,
    ForbiddenError,
    MemoryTokenCache,
    SecretExpiredError,
    ServerError,
    SpApiClient,
    TokenCache,
)

from .test_spapi_fakes import FakeAmazon, FakeClock, Reply


@pytest.fixture
def fake():
    amazon = FakeAmazon(orders=3)
    yield amazon
    amazon.stop()


class WallClock:
    def __init__(self, t=1_800_000_000.0):
        self.t = t

    def __call__(self):
        return self.t


def test_token_is_exchanged_once_and_reused(fake):
    client = fake.client(token_cache=MemoryTokenCache())
    for _ in range(5):
        client.get_purchase_orders(limit=1)
    assert fake.token_calls == 1
    assert len(fake.calls("getPurchaseOrders")) == 5


def test_token_refreshed_60_seconds_before_expiry(fake):
    now = WallClock()
    client = fake.client(token_cache=MemoryTokenCache(), now=now)
    client.get_purchase_orders(limit=1)
    assert fake.token_calls == 1
    now.t += 3600 - 61  # 61 s left: still good
    client.get_purchase_orders(limit=1)
    assert fake.token_calls == 1
    now.t += 2  # 59 s left: refresh first
    client.get_purchase_orders(limit=1)
    assert fake.token_calls == 2
    tokens = [r.headers["x-amz-access-token"] for r in fake.calls("getPurchaseOrders")]
    assert tokens[0] == tokens[1] != tokens[2]


def test_401_drops_token_refreshes_and_retries_once(fake):
    client = fake.client(token_cache=MemoryTokenCache())
    client.get_purchase_orders(limit=1)
    fake.revoke_tokens()  # Amazon no longer accepts the cached token
    payload = client.get_purchase_orders(limit=1)
    assert payload["orders"]
    assert fake.token_calls == 2
    statuses = len(fake.calls("getPurchaseOrders"))
    assert statuses == 3  # ok, 401, ok


def test_second_401_is_an_authentication_error(fake):
    client = fake.client(token_cache=MemoryTokenCache())
    unauthorised = Reply(401, {"errors": [{"code": "Unauthorized", "message": "denied"}]})
    fake.script("getPurchaseOrders", unauthorised, unauthorised, unauthorised)
    with pytest.raises(AuthenticationError, match="re-authorise the app") as info:
        client.get_purchase_orders(limit=1)
    assert info.value.status == 401 and info.value.code == "Unauthorized"
    assert len(fake.calls("getPurchaseOrders")) == 2  # the original and exactly one retry
    assert fake.token_calls == 2


def test_403_about_the_token_refreshes_too_but_a_missing_role_does_not(fake):
    """Amazon answers 403, not 401, for a bad token where the model declares no 401."""
    client = fake.client(token_cache=MemoryTokenCache())
    expired = {
        "errors": [
            {
                "code": "Unauthorized",
                "message": "Access to requested resource is denied.",
                "details": "The access token you provided has expired.",
            }
        ]
    }
    fake.script("getPurchaseOrders", Reply(403, expired))
    assert client.get_purchase_orders(limit=1)["orders"]
    assert fake.token_calls == 2
    role = {
        "errors": [{"code": "Unauthorized", "message": "Access to requested resource is denied."}]
    }
    fake.script("getPurchaseOrders", Reply(403, role))
    with pytest.raises(ForbiddenError, match="role"):
        client.get_purchase_orders(limit=1)
    assert fake.token_calls == 2  # no pointless refresh for a missing role
    fake.script("getPurchaseOrders", Reply(403, expired), Reply(403, expired))
    with pytest.raises(AuthenticationError, match="has expired"):
        client.get_purchase_orders(limit=1)


def test_concurrent_threads_refresh_only_once(fake):
    fake.lwa_delay = 0.2  # a slow LWA makes the race window wide
    cache = MemoryTokenCache()
    clients = [fake.client(token_cache=cache) for _ in range(8)]
    barrier = threading.Barrier(8)
    tokens, errors = [], []

    def run(c):
        barrier.wait()
        try:
            tokens.append(c.auth.access_token())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert fake.token_calls == 1
    assert len(set(tokens)) == 1


def test_cache_is_per_account_and_pluggable(fake):
    class Recording(TokenCache):
        def __init__(self):
            self.data, self.writes = {}, []

        def get(self, key):
            return self.data.get(key)

        def set(self, key, token):
            self.writes.append(key)
            if token is None:
                self.data.pop(key, None)
            else:
                self.data[key] = token

    cache = Recording()
    a = fake.client(token_cache=cache)
    a.get_purchase_orders(limit=1)
    other = Credentials(fake.credentials.client_id, "fake-secret", "Atzr|another-vendor-group")
    b = SpApiClient(other, endpoint=fake.url, token_url=fake.token_url, token_cache=cache)
    assert a.auth.key != b.auth.key
    assert fake.credentials.refresh_token not in a.auth.key  # only a hash of it
    assert a.auth.key.startswith(f"lwa|{fake.token_url}|{fake.credentials.client_id}|")
    # a second client of the same account finds the token in the cache
    fake.client(token_cache=cache).get_purchase_orders(limit=1)
    assert fake.token_calls == 1
    assert cache.writes == [a.auth.key]


def test_headers_token_and_user_agent(fake):
    fake.client().get_purchase_orders(limit=1)
    seen = fake.calls("getPurchaseOrders")[0].headers
    assert seen["x-amz-access-token"].startswith("Atza|")
    assert re.fullmatch(
        r"Acorn/[\w.]+ \(Language=Python/3\.\d+\.\d+; Platform=[^)]+\)", seen["User-Agent"]
    )
    assert "Authorization" not in seen and "X-Amz-Date" not in seen  # no SigV4


def test_invalid_grant_says_to_reauthorise(fake):
    creds = Credentials(fake.credentials.client_id, "fake-secret", "Atzr|revoked")
    client = SpApiClient(creds, endpoint=fake.url, token_url=fake.token_url)
    with pytest.raises(AuthenticationError) as info:
        client.check_connection()
    assert not isinstance(info.value, SecretExpiredError)
    assert info.value.code == "invalid_grant"
    assert "re-authorise the app in Vendor Central" in str(info.value)


def test_invalid_client_is_an_expired_secret(fake):
    creds = Credentials(fake.credentials.client_id, "old-secret", fake.credentials.refresh_token)
    client = SpApiClient(creds, endpoint=fake.url, token_url=fake.token_url)
    with pytest.raises(SecretExpiredError, match="client secret"):
        client.check_connection()


def test_lwa_hiccup_is_retried_and_outage_is_a_server_error(fake):
    clock = FakeClock()
    fake.lwa_script.append(Reply(503, {"error": "server_error"}))
    assert fake.client(clock=clock, sleep=clock.sleep).auth.access_token()
    assert fake.token_calls == 2 and clock.sleeps == [0.5]
    fake.lwa_script.extend([Reply(503, {"error": "server_error"})] * 3)
    with pytest.raises(ServerError, match="login service"):
        fake.client(clock=clock, sleep=clock.sleep).auth.access_token()
    assert fake.token_calls == 5  # 1 + 2 retries


def test_secrets_never_logged_or_shown(fake, caplog):
    caplog.set_level(logging.DEBUG)
    client = fake.client(token_cache=MemoryTokenCache())
    client.get_purchase_orders(limit=1)
    fake.revoke_tokens()
    client.get_purchase_orders(limit=1)
    text = caplog.text + repr(fake.credentials) + repr(client.credentials)
    assert "fake-secret" not in text and "fake-refresh" not in text
    assert not any(t in text for t in fake.valid_tokens)


def test_missing_credentials_named():
    with pytest.raises(AuthenticationError, match="missing client_secret, refresh_token"):
        Credentials("amzn1.application-oa2-client.x", "", "")


def test_check_connection_exchanges_the_token_even_when_one_is_cached(sandbox):
    """A cached token must not hide credentials that stopped working."""
    from acorn_vendor.core.spapi import AuthenticationError, Credentials, SpApiClient

    client = SpApiClient(
        Credentials(**sandbox.credentials), endpoint=sandbox.url, token_url=sandbox.token_url
    )
    client.check_connection()
    sandbox.set_faults("expire_client_secret")
    with pytest.raises(AuthenticationError) as err:
        client.check_connection()
    assert "secret" in str(err.value).lower()
