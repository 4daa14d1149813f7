"""Sync health: failures classified from the real client's errors against the sandbox's
faults, each with its fix; call and 429 counts; failing streaks; freshness against lag."""

from datetime import datetime, timedelta, timezone

import pytest

from acorn_vendor.core import notification_events, sync_health
from acorn_vendor.core.spapi import SpApiError
from acorn_vendor.core.spapi.call_stats import CallStats

from .test_prevalidation_agrees_with_sandbox import make_client

WEEK = {
    "createdAfter": datetime(2026, 2, 20, tzinfo=timezone.utc),
    "createdBefore": datetime(2026, 2, 27, tzinfo=timezone.utc),
}


def failure_of(client):
    with pytest.raises(SpApiError) as caught:
        list(client.iter_purchase_orders(**WEEK))
    return caught.value


@pytest.mark.parametrize(
    ("fault", "kind", "in_fix"),
    [
        ("missing_role:getPurchaseOrders", "role", "Vendor Retail Procurement orders role"),
        ("expire_client_secret", "secret_expired", "Rotate"),
        ("revoke_refresh_token", "credentials", "Test connection"),
        ("503:getPurchaseOrders:9", "network", "retry schedule"),
        ("429:getPurchaseOrders:9", "throttling", "429"),
    ],
)
def test_each_sandbox_fault_is_classified_with_its_fix(sandbox, fault, kind, in_fix):
    sandbox.set_faults(fault)
    exc = failure_of(make_client(sandbox))
    assert sync_health.classify(exc) == kind
    fix = sync_health.fix_for(kind, exc.operation)
    assert in_fix.lower() in fix.lower()


def test_other_errors_are_other_and_unknown_roles_add_nothing():
    assert sync_health.classify(ValueError("bad row")) == "other"
    assert sync_health.role_for("someNewOperation") is None
    assert sync_health.fix_for("role", "someNewOperation") == sync_health.FAILURE_FIXES["role"]
    assert "Brand Analytics" in sync_health.fix_for("role", "createReport")


def test_call_stats_count_every_request_and_each_429(sandbox):
    client = make_client(sandbox)
    stats = client.stats = CallStats()
    sandbox.set_faults("429:getPurchaseOrders:2")
    orders = list(client.iter_purchase_orders(**WEEK))
    assert orders, "the sandbox has history in that week"
    # The sandbox's own count of what it answered agrees: every request counted (the two
    # 429s retried, then the pages), the LWA token exchange not.
    answered = sandbox.stats()["requests"]["getPurchaseOrders"]
    assert stats.throttled == answered["429"] == 2
    assert stats.calls == sum(answered.values()) >= 3


def test_a_client_without_a_run_keeps_its_own_counts(sandbox):
    client = make_client(sandbox)
    list(client.iter_purchase_orders(**WEEK))
    assert client.stats.calls >= 1 and client.stats.throttled == 0


def test_failing_streak_counts_only_the_newest_failures():
    assert sync_health.failing_streak([]) == 0
    assert sync_health.failing_streak(["failed", "failed", "success", "failed"]) == 2
    assert sync_health.failing_streak(["success", "failed"]) == 0


def test_freshness_against_the_expected_lag():
    now = datetime(2026, 3, 10, 12)
    lag, stale = timedelta(hours=72), timedelta(hours=96)
    fresh = sync_health.freshness(
        "reports", "Vendor reports", now - timedelta(hours=40), now, lag, stale
    )
    late = sync_health.freshness(
        "reports", "Vendor reports", now - timedelta(hours=80), now, lag, stale
    )
    old = sync_health.freshness(
        "reports", "Vendor reports", now - timedelta(days=5), now, lag, stale
    )
    never = sync_health.freshness("reports", "Vendor reports", None, now, lag, stale)
    assert [f.state for f in (fresh, late, old, never)] == ["fresh", "late", "stale", "never"]
    assert old.sentence() == (
        "Vendor reports: 5 days old (normally within 3 days, stale after 4 days)."
    )
    assert never.sentence() == "Vendor reports: never loaded (expected within 3 days)."
    assert fresh.age_hours == 40
    # A screen row naming the data apart (an EDI account's orders) keeps the same figures.
    assert old.sentence("Orders by EDI") == (
        "Orders by EDI: 5 days old (normally within 3 days, stale after 4 days)."
    )


def test_every_event_is_one_line_with_its_threshold():
    keys = [event.key for event in notification_events.EVENTS]
    assert len(keys) == len(set(keys))
    assert notification_events.BY_KEY["sync_failing"].default == 3
    assert notification_events.BY_KEY["po_arrived"].threshold is None
    assert dict(notification_events.SELECTION)["data_stale"] == "Data stale"
