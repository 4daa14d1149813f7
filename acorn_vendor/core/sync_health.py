"""Why a sync failed, what fixes it, and whether an account's data is fresh enough.

The Odoo side records one sync run per piece of work; this module decides, without the
ORM, which kind of failure an exception is (so the run can show its fix), how long a failing
streak is, and how an age compares with the lag Amazon's data normally has.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from .spapi.errors import (
    AuthenticationError,
    ForbiddenError,
    NetworkError,
    SecretExpiredError,
    ServerError,
    SubmissionUncertainError,
    ThrottledError,
)

# Failure kinds, most specific first: (key, label, what to do).
FAILURE_KINDS = (
    (
        "secret_expired",
        "Expired client secret",
        "Amazon refused the app's LWA client secret: they expire every 180 days. Rotate it: "
        "in Solution Provider Portal open the app, choose 'Rotate secret' (or View > "
        "'Generate new secret'), copy the new secret into the account's SP-API Credentials "
        "tab, set 'Client Secret Expires' 180 days ahead, then press Test connection. The old "
        "secret keeps working for 7 days after a rotation.",
    ),
    (
        "credentials",
        "Bad credentials",
        "Amazon refused the credentials (client id, secret or refresh token). Press Test "
        "connection on the account: it exchanges the refresh token and shows Amazon's answer. "
        "A revoked or wrong refresh token: authorise the app again in Vendor Central "
        "(Integration > API Integration) and paste the new refresh token; a wrong or expired "
        "secret: rotate it in Solution Provider Portal as described for expired secrets.",
    ),
    (
        "role",
        "Missing role",
        "Amazon knows the app but denies this API: the app lacks the Selling Partner role, or "
        "this vendor group never granted it. Add the role named below to the app in Solution "
        "Provider Portal (Develop apps > Edit app), then authorise the app again in Vendor "
        "Central so the refresh token carries it, and press Test connection.",
    ),
    (
        "throttling",
        "Throttled by Amazon",
        "Amazon answered 429 (too many requests) until Acorn gave up. Nothing to fix by hand: "
        "Acorn paces every operation at Amazon's documented rate, retries a 429 up to five "
        "times with growing waits (honouring Retry-After), and the queue job tries again "
        "later. If it persists, another application is using the same quota: look for it, or "
        "sync less often.",
    ),
    (
        "network",
        "Network or Amazon outage",
        "No answer, or Amazon failed on its side (5xx). Acorn retried at once with growing "
        "waits (0.5 s to 30 s, five times); the queue job is then tried again on its retry "
        "schedule and the scheduled sync runs again in 10 minutes. Check the server's "
        "internet access and Amazon's status page if several runs fail in a row.",
    ),
    (
        "other",
        "Other",
        "Read the error below. Data Amazon refused names its field; a problem inside Acorn "
        "is in the server log with the same time.",
    ),
)
FAILURE_LABELS = {key: label for key, label, _fix in FAILURE_KINDS}
FAILURE_FIXES = {key: fix for key, _label, fix in FAILURE_KINDS}

# Amazon's Selling Partner role behind each operation family (role names as Amazon's
# developer documentation gives them for the Vendor Retail Procurement and Reports APIs).
ROLE_BY_PREFIX = (
    ("createReport", "Brand Analytics (vendor reports)"),
    ("getReport", "Brand Analytics (vendor reports)"),
    ("getPurchaseOrders", "the Vendor Retail Procurement orders role"),
    ("getPurchaseOrder", "the Vendor Retail Procurement orders role"),
    ("submitAcknowledgement", "the Vendor Retail Procurement orders role"),
    ("submitShipment", "the Vendor Retail Procurement shipments role"),
    ("getShipment", "the Vendor Retail Procurement shipments role"),
    ("submitInvoices", "the Vendor Retail Procurement invoices role"),
    ("getTransaction", "the Vendor Retail Procurement transaction status role (NA and EU)"),
)


def classify(exc):
    """The failure kind of an exception raised while talking to Amazon."""
    if isinstance(exc, SecretExpiredError):
        return "secret_expired"
    if isinstance(exc, AuthenticationError):
        return "credentials"
    if isinstance(exc, ForbiddenError):
        return "role"
    if isinstance(exc, ThrottledError):
        return "throttling"
    if isinstance(exc, (NetworkError, ServerError, SubmissionUncertainError)):
        return "network"
    if getattr(exc, "retryable", False):  # an EDI transport that is down says so
        return "network"
    return "other"


def role_for(operation):
    """The role to grant for a denied operation, or None when unknown."""
    for prefix, role in ROLE_BY_PREFIX:
        if operation and operation.startswith(prefix):
            return role
    return None


def fix_for(kind, operation=None):
    """What a person does about a failure of ``kind`` (the role named when known)."""
    text = FAILURE_FIXES.get(kind, FAILURE_FIXES["other"])
    if kind == "role":
        role = role_for(operation)
        if role:
            text += f" Role for {operation}: {role}."
    return text


def failing_streak(states):
    """How many runs failed in a row, ``states`` newest first ('failed'/'success')."""
    streak = 0
    for state in states:
        if state != "failed":
            break
        streak += 1
    return streak


@dataclass(frozen=True)
class Freshness:
    """How old one kind of data is against the lag it normally has."""

    kind: str
    label: str
    state: str  # fresh, late, stale, never
    data_until: datetime | None  # the moment the data reaches
    age: timedelta | None
    lag: timedelta
    stale_after: timedelta

    @property
    def age_hours(self):
        return None if self.age is None else self.age.total_seconds() / 3600

    def sentence(self, label=None):
        """The age in words, under ``label`` when one screen row names the data apart."""
        label = label or self.label
        lag = _hours(self.lag)
        if self.age is None:
            return f"{label}: never loaded (expected within {lag})."
        return (
            f"{label}: {_hours(self.age)} old (normally within {lag}, "
            f"stale after {_hours(self.stale_after)})."
        )


def freshness(kind, label, data_until, now, lag, stale_after):
    """Compare the time the data reaches (``data_until``) with ``now``: fresh within the
    expected ``lag``, late up to ``stale_after``, then stale; never when nothing loaded."""
    if data_until is None:
        return Freshness(kind, label, "never", None, None, lag, stale_after)
    age = max(now - data_until, timedelta(0))
    state = "fresh" if age <= lag else "late" if age <= stale_after else "stale"
    return Freshness(kind, label, state, data_until, age, lag, stale_after)


def _hours(delta):
    hours = delta.total_seconds() / 3600
    if hours >= 48:
        return f"{hours / 24:.0f} days"
    if hours >= 1:
        return f"{hours:.0f} h"
    return f"{max(delta.total_seconds() / 60, 0):.0f} min"


# Data kinds whose freshness an account shows: (key, label, expected lag h, stale after h).
# Vendor reports arrive 36-72 h after their period ends; Amazon pays (remittances) weekly;
# PO status is read every 10 minutes, as the orders are.
DATA_KINDS = (
    ("purchase_orders", "Purchase orders", 1, 3),
    ("po_status", "PO status (Amazon's receipts)", 1, 3),
    ("transactions", "Submission status", 1, 6),
    ("reports", "Vendor reports", 72, 96),
    ("remittances", "Remittances", 168, 216),
)
DATA_KIND_LABELS = {key: label for key, label, _lag, _stale in DATA_KINDS}
