"""LWA token endpoint, access-token checks, rate limits and every fault kind."""

import time
from datetime import timedelta

import pytest
import requests

from acorn_vendor.core.sandbox.testing import SandboxSession

WEEK = {"createdAfter": "2026-02-20T00:00:00Z", "createdBefore": "2026-02-27T00:00:00Z", "limit": 5}


def token(sb, **override):
    form = {"grant_type": "refresh_token", **sb.credentials, **override}
    return requests.post(sb.token_url, data=form, timeout=5)


def test_token_endpoint_success_and_oauth_errors(sandbox):
    resp = token(sandbox)
    assert resp.status_code == 200
    body = resp.json()
    assert body["access_token"].startswith("Atza|") and body["token_type"] == "bearer"
    assert (
        body["expires_in"] == 3600 and body["refresh_token"] == sandbox.credentials["refresh_token"]
    )
    bad_client = token(sandbox, client_secret="wrong")
    assert bad_client.status_code == 401 and bad_client.json()["error"] == "invalid_client"
    bad_grant = token(sandbox, refresh_token="Atzr|unknown")
    assert bad_grant.status_code == 400 and bad_grant.json()["error"] == "invalid_grant"
    missing = requests.post(sandbox.token_url, data={"client_id": "x"}, timeout=5)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    grantless = token(
        sandbox, grant_type="client_credentials", scope="sellingpartnerapi::notifications"
    )
    assert grantless.status_code == 200 and "refresh_token" not in grantless.json()


def test_access_token_required_and_expires(sandbox_factory):
    sb = sandbox_factory(token_ttl=600)
    session = SandboxSession(sb)
    assert token(sb).json()["expires_in"] == 600
    missing = session.call("getPurchaseOrders", WEEK, token="")
    # getPurchaseOrders declares no 401, so Amazon's Unauthorized comes as 403 there.
    assert missing.status_code == 403
    assert missing.json()["errors"][0]["code"] == "Unauthorized"
    assert "x-amzn-RequestId" in missing.headers
    forged = session.call("getPurchaseOrder", token="Atza|forged", purchaseOrderNumber="X")
    assert forged.status_code == 401
    assert "revoked, malformed or invalid" in forged.json()["errors"][0]["details"]
    stale = session.token
    sb.advance(601)
    expired = session.call("getTransaction", token=stale, transactionId="x" * 20)
    assert expired.status_code == 401
    assert "expired" in expired.json()["errors"][0]["details"]


def test_success_headers(sandbox):
    session = SandboxSession(sandbox)
    resp = session.call("getPurchaseOrders", WEEK)
    assert resp.headers["x-amzn-RateLimit-Limit"] == "10.0"
    assert len(resp.headers["x-amzn-RequestId"]) == 36
    assert resp.headers["Content-Type"] == "application/json"


def test_token_bucket_honours_documented_burst_and_rate(sandbox_factory):
    sb = sandbox_factory(throttle=True)
    session = SandboxSession(sb)
    codes = [session.call("getPurchaseOrders", WEEK).status_code for _ in range(12)]
    assert codes[:10] == [200] * 10 and codes[10:] == [429, 429]
    throttled = session.call("getPurchaseOrders", WEEK)
    assert throttled.json()["errors"][0] == {
        "code": "QuotaExceeded",
        "message": "You exceeded your quota for the requested resource.",
        "details": "",
    }
    assert "x-amzn-RateLimit-Limit" not in throttled.headers
    # Another operation has its own bucket; getTransaction's burst is 20.
    assert session.call("getTransaction", transactionId="y" * 20).status_code == 404
    sb.advance(0.25)  # 10 per second: two tokens back
    assert [session.call("getPurchaseOrders", WEEK).status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]
    assert sb.stats()["throttled"] >= 3


def test_throttle_fault_drains_the_bucket(sandbox_factory):
    sb = sandbox_factory(throttle=True)
    session = SandboxSession(sb)
    body = {
        "reportType": "GET_VENDOR_TRAFFIC_REPORT",
        "marketplaceIds": ["ATVPDKIKX0DER"],
        "reportOptions": {"reportPeriod": "DAY"},
        "dataStartTime": "2026-02-01T00:00:00Z",
        "dataEndTime": "2026-02-01T23:00:00Z",
    }
    sb.set_faults({"kind": "throttle", "operation": "createReport"})
    assert session.call("createReport", body=body).status_code == 429
    sb.advance(30)  # createReport refills at 0.0167/s: not yet one token
    assert session.call("createReport", body=body).status_code == 429
    sb.advance(31)
    assert session.call("createReport", body=body).status_code == 202


@pytest.mark.parametrize(
    "kind,status,code",
    [
        ("429", 429, "QuotaExceeded"),
        ("500", 500, "InternalFailure"),
        ("503", 503, "ServiceUnavailable"),
        ("missing_role", 403, "Unauthorized"),
    ],
)
def test_error_faults_fire_count_times(sandbox, kind, status, code):
    session = SandboxSession(sandbox)
    sandbox.set_faults(f"{kind}:getPurchaseOrders:2")
    first = session.call("getPurchaseOrders", WEEK)
    assert first.status_code == status and first.json()["errors"][0]["code"] == code
    assert session.call("getPurchaseOrders", WEEK).status_code == status
    assert session.call("getPurchaseOrders", WEEK).status_code == 200
    assert session.call("getPurchaseOrdersStatus", WEEK).status_code == 200
    assert sandbox.stats()["faultsFired"][kind] == 2


def test_slow_fault(sandbox):
    session = SandboxSession(sandbox)
    sandbox.set_faults(
        {"kind": "slow", "operation": "getPurchaseOrders", "count": 1, "seconds": 0.3}
    )
    started = time.perf_counter()
    assert session.call("getPurchaseOrders", WEEK).status_code == 200
    assert time.perf_counter() - started >= 0.3
    with pytest.raises(requests.Timeout):
        sandbox.set_faults("slow:getPurchaseOrders:1:0.5")
        session.http.get(
            sandbox.url + "/vendor/orders/v1/purchaseOrders",
            params=WEEK,
            headers={"x-amz-access-token": session.token},
            timeout=0.2,
        )


def test_token_faults(sandbox):
    session = SandboxSession(sandbox)
    sandbox.set_faults("expire_tokens")
    expired = session.call("getPurchaseOrder", purchaseOrderNumber="X")
    assert expired.status_code == 401 and "expired" in expired.json()["errors"][0]["details"]
    session.refresh()
    assert session.call("getPurchaseOrders", WEEK).status_code == 200

    sandbox.set_faults("expire_client_secret:token:1")
    resp = token(sandbox)
    assert resp.status_code == 401 and resp.json()["error"] == "invalid_client"
    assert token(sandbox).status_code == 200

    sandbox.set_faults("revoke_refresh_token")
    resp = token(sandbox)
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_grant"
    revoked = session.call("getPurchaseOrder", purchaseOrderNumber="X")
    assert revoked.status_code == 401
    sandbox.clear_faults()
    assert token(sandbox).status_code == 200


def test_page_token_fails_once(sandbox):
    session = SandboxSession(sandbox)
    first = session.ok("getPurchaseOrders", WEEK)["payload"]
    next_token = first["pagination"]["nextToken"]
    sandbox.set_faults("page_token_once:getPurchaseOrders:1")
    assert session.call("getPurchaseOrders", WEEK).status_code == 200  # no token: unaffected
    failed = session.call("getPurchaseOrders", dict(WEEK, nextToken=next_token))
    assert failed.status_code == 400
    assert failed.json()["errors"][0] == {
        "code": "InvalidInput",
        "message": "Invalid Input",
        "details": "Transient paging failure; retry the same request.",
    }
    retry = session.call("getPurchaseOrders", dict(WEEK, nextToken=next_token))
    assert retry.status_code == 200


def test_admin_endpoints(sandbox):
    admin = sandbox.url + "/_sandbox"
    faults = requests.post(admin + "/faults", json={"faults": ["503:getReport:1"]}, timeout=5)
    assert faults.json()["faults"][0]["kind"] == "503"
    assert requests.get(admin + "/faults", timeout=5).json()["faults"][0]["count"] == 1
    assert requests.delete(admin + "/faults", timeout=5).json() == {"faults": []}
    bad = requests.post(admin + "/faults", json={"faults": ["melt"]}, timeout=5)
    assert bad.status_code == 400 and "melt" in bad.json()["error"]
    before = sandbox.now()
    moved = requests.post(admin + "/advance-clock", json={"seconds": 7200}, timeout=5).json()
    assert moved["now"] == (before + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    stats = requests.get(admin + "/stats", timeout=5).json()
    assert stats["purchaseOrders"]["Closed"] > 0 and stats["now"] == moved["now"]
    status = requests.get(admin + "/status", timeout=5).json()
    assert status["credentials"] == sandbox.credentials and status["url"] == sandbox.url
    SandboxSession(sandbox).ok("getPurchaseOrders", WEEK)
    assert requests.post(admin + "/reset", timeout=5).json()["reset"] is True
    after = requests.get(admin + "/stats", timeout=5).json()
    assert after["requests"] == {} and after["now"] == "2026-03-04T12:00:00Z"
    assert requests.get(admin + "/nothing", timeout=5).status_code == 404
