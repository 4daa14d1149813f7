"""The SP-API client against the Acorn sandbox (acorn_vendor/core/sandbox) over loopback:
listing, the acknowledgement → transaction → PO state round trip, ASN and invoice,
uncertain submissions, reports, and every sandbox fault kind the client must survive.

Uses the ``sandbox`` / ``sandbox_factory`` fixtures of tests/conftest.py (frozen sandbox
clock, strict responses, throttling off unless a test turns it on).
"""

import random
import time
from datetime import timedelta

import pytest

from acorn_vendor.core.sandbox.testing import (
    acknowledgement_for,
    asn_for,
    invoice_for,
    now_iso,
)
from acorn_vendor.core.spapi import (
    AuthenticationError,
    Credentials,
    ForbiddenError,
    MemoryJournal,
    MemoryTokenCache,
    ReportFailedError,
    SecretExpiredError,
    SpApiClient,
    SubmissionUncertainError,
)
from acorn_vendor.core.spapi.throttle import RateLimiter
from acorn_vendor.core.spapi_models import validate_report, validate_response


def make_client(sb, **kw):
    kw.setdefault("token_cache", MemoryTokenCache())
    kw.setdefault("journal", MemoryJournal())
    kw.setdefault("validate_responses", "strict")
    kw.setdefault("backoff_base", 0.01)
    kw.setdefault("rng", random.Random(3))
    kw.setdefault("rate_limiter", RateLimiter())  # sandbox ports get reused between tests
    return SpApiClient(Credentials(**sb.credentials), endpoint=sb.url, token_url=sb.token_url, **kw)


def new_order(client, sb):
    now = sb.now()
    for order in client.iter_purchase_orders(
        createdAfter=now - timedelta(days=3), createdBefore=now, purchaseOrderState="New"
    ):
        return client.get_purchase_order(order["purchaseOrderNumber"])
    pytest.fail("the sandbox has no New purchase order in the last 3 days")


def wait_for_requests(sb, operation, count, timeout=5.0):
    """The sandbox finishes a slowed request after the client gave up; wait for it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = sum(sb.stats()["requests"].get(operation, {}).values())
        if done >= count:
            return
        time.sleep(0.05)
    pytest.fail(f"sandbox never finished {operation}")


def test_check_connection_and_three_weeks_of_orders(sandbox):
    client = make_client(sandbox)
    assert client.check_connection().startswith(f"Connected to {client.host}")
    now = sandbox.now()
    orders = list(
        client.iter_purchase_orders(createdAfter=now - timedelta(days=21), createdBefore=now)
    )
    numbers = [o["purchaseOrderNumber"] for o in orders]
    assert len(numbers) == len(set(numbers)) > 60
    gets = sandbox.stats()["requests"]["getPurchaseOrders"]
    assert sum(gets.values()) >= 1 + 3  # check + three 7-day windows
    assert {o["purchaseOrderState"] for o in orders} >= {"New", "Closed"}


def test_acknowledge_then_transaction_success_then_po_acknowledged(sandbox):
    client = make_client(sandbox)
    order = new_order(client, sandbox)
    result = client.submit_acknowledgement(acknowledgement_for(order, now_iso(sandbox)))
    assert result.transaction_id and not result.resent
    assert client.get_transaction(result.transaction_id)["status"] == "Processing"
    sandbox.advance(61)
    status = client.get_transaction(result.transaction_id)
    assert status["status"] == "Success", status
    assert client.get_purchase_order(order["purchaseOrderNumber"])["purchaseOrderState"] == (
        "Acknowledged"
    )


def test_uncertain_ack_found_at_amazon_is_not_resent(sandbox):
    client = make_client(sandbox, timeout=(2, 0.3))
    order = new_order(client, sandbox)
    body = acknowledgement_for(order, now_iso(sandbox))
    sandbox.set_faults(
        {"kind": "slow", "operation": "submitAcknowledgement", "count": 1, "seconds": 0.8}
    )
    with pytest.raises(SubmissionUncertainError):
        client.submit_acknowledgement(body)
    wait_for_requests(sandbox, "submitAcknowledgement", 1)
    sandbox.advance(61)  # Amazon processed what it got
    result = client.submit_acknowledgement(body)
    assert result.found_at_amazon and not result.resent
    assert sum(sandbox.stats()["requests"]["submitAcknowledgement"].values()) == 1


def test_asn_and_invoice_accepted(sandbox):
    client = make_client(sandbox)
    order = new_order(client, sandbox)
    ack = client.submit_acknowledgement(acknowledgement_for(order, now_iso(sandbox)))
    sandbox.advance(61)
    assert client.get_transaction(ack.transaction_id)["status"] == "Success"
    asn = client.submit_shipment_confirmations(asn_for(order, "ASN-IT-1", now_iso(sandbox)))
    invoice = client.submit_invoices(invoice_for(order, "INV-IT-1", now_iso(sandbox)))
    sandbox.advance(61)
    for tx in (asn.transaction_id, invoice.transaction_id):
        assert client.wait_for_transaction(tx, poll_interval=1, timeout=5)["status"] == "Success"
    again = client.submit_invoices(invoice_for(order, "INV-IT-1", now_iso(sandbox, -122)))
    assert not again.deduplicated  # a different body (date) is a different document


def test_uncertain_invoice_refused_then_forced(sandbox):
    client = make_client(sandbox, timeout=(2, 0.3))
    order = new_order(client, sandbox)
    body = invoice_for(order, "INV-IT-2", now_iso(sandbox))
    sandbox.set_faults({"kind": "slow", "operation": "submitInvoices", "count": 1, "seconds": 0.8})
    with pytest.raises(SubmissionUncertainError):
        client.submit_invoices(body)
    with pytest.raises(SubmissionUncertainError, match="force=True"):
        client.submit_invoices(body)
    wait_for_requests(sandbox, "submitInvoices", 1)
    assert client.submit_invoices(body, force=True).resent


def test_faults_the_client_rides_through(sandbox):
    client = make_client(sandbox)
    now = sandbox.now()
    window = {"createdAfter": now - timedelta(days=7), "createdBefore": now, "limit": 10}
    sandbox.set_faults(
        "503:getPurchaseOrders:2", "500:getPurchaseOrders:1", "429:getPurchaseOrders:2"
    )
    assert client.get_purchase_orders(**window)["orders"]
    sandbox.set_faults({"kind": "page_token_once", "operation": "getPurchaseOrders", "count": 1})
    assert len(list(client.iter_purchase_orders(**window))) > 10
    client.get_purchase_orders(**window)
    sandbox.set_faults({"kind": "expire_tokens", "count": 1})
    before = client.auth.refresh_count
    assert client.get_purchase_orders(**window)["orders"]  # 403 "expired" → refresh → retry
    assert client.auth.refresh_count == before + 1


def test_faults_that_need_a_person(sandbox):
    sandbox.set_faults({"kind": "missing_role", "operation": "getPurchaseOrders", "count": 1})
    with pytest.raises(ForbiddenError, match="Vendor role"):
        make_client(sandbox).get_purchase_orders(limit=1)
    sandbox.set_faults({"kind": "expire_client_secret", "count": 1})
    with pytest.raises(SecretExpiredError, match="client secret"):
        make_client(sandbox).check_connection()
    sandbox.set_faults({"kind": "revoke_refresh_token", "count": 1})
    with pytest.raises(AuthenticationError, match="re-authorise"):
        make_client(sandbox).check_connection()


def test_client_pacing_keeps_the_throttling_sandbox_happy(sandbox_factory):
    # The sandbox's buckets refill in real time only when its clock is not frozen.
    sb = sandbox_factory(
        throttle=True, frozen_clock=False, rate_limits={"getTransaction": (50.0, 5)}
    )
    client = make_client(sb, rate_overrides={"getTransaction": (50.0, 5)})
    order = new_order(client, sb)
    tx = client.submit_acknowledgement(acknowledgement_for(order, now_iso(sb))).transaction_id
    for _ in range(25):
        client.get_transaction(tx)
    stats = sb.stats()
    throttled = stats["requests"]["getTransaction"].get("429", 0)
    assert stats["requests"]["getTransaction"]["200"] == 25
    assert throttled <= 2  # network jitter at the exact same rate, each retried


def test_vendor_report_done_and_fatal(sandbox):
    client = make_client(sandbox)
    options = {
        "reportPeriod": "WEEK",
        "distributorView": "MANUFACTURING",
        "sellingProgram": "RETAIL",
    }
    report_id = client.create_report(
        "GET_VENDOR_SALES_REPORT",
        "ATVPDKIKX0DER",
        data_start_time="2026-02-15",  # a Sunday
        data_end_time="2026-02-21",  # the Saturday after
        report_options=options,
    )
    sandbox.advance(120)
    document = client.fetch_report(report_id, poll_interval=1, timeout=5)
    validate_report("GET_VENDOR_SALES_REPORT", document)
    assert document["reportSpecification"]["reportOptions"]["reportPeriod"] == "WEEK"
    bad = client.create_report(
        "GET_VENDOR_SALES_REPORT",
        "ATVPDKIKX0DER",
        data_start_time="2026-02-15",
        data_end_time="2026-02-21",
        report_options={"reportPeriod": "WEEK"},
    )
    sandbox.advance(120)
    with pytest.raises(ReportFailedError) as info:
        client.fetch_report(bad, poll_interval=1, timeout=5)
    assert info.value.details


def test_a_thousand_pos_over_sixty_days_in_seven_day_calls(sandbox_factory):
    sb = sandbox_factory(pos_per_day=20, history_days=60, lines_max=2, strict=False)
    client = make_client(sb, validate_responses=None)
    now = sb.now()
    orders = list(
        client.iter_purchase_orders(createdAfter=now - timedelta(days=60), createdBefore=now)
    )
    numbers = {o["purchaseOrderNumber"] for o in orders}
    assert len(numbers) == len(orders) >= 1000
    calls = sum(sb.stats()["requests"]["getPurchaseOrders"].values())
    # 60 days are 9 windows of at most 7 days; pages hold 100 POs, so more calls than
    # windows proves the nextToken pages were followed.
    assert calls >= max(9, -(-len(orders) // 100)) + 1
    for order in orders[::97]:  # a sample against Amazon's model, client-side too
        validate_response("getPurchaseOrder", 200, {"payload": order})


def test_token_refreshed_before_it_expires(sandbox_factory):
    sb = sandbox_factory(token_ttl=300)
    client = make_client(sb, now=lambda: sb.now().timestamp())  # the client reads Amazon's time
    client.get_purchase_orders(limit=1)
    first = client.auth.refresh_count
    sb.advance(100)  # 200 s left: still fresh
    client.get_purchase_orders(limit=1)
    assert client.auth.refresh_count == first
    sb.advance(150)  # 50 s left, inside the 60 s margin: refreshed before Amazon refuses it
    client.get_purchase_orders(limit=1)
    assert client.auth.refresh_count == first + 1
    assert sb.stats()["requests"]["getPurchaseOrders"].get("403", 0) == 0
