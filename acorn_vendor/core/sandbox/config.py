"""Sandbox configuration: one dataclass, every knob documented in the package docstring."""

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..marketplaces import marketplace

FAULT_KINDS = {
    "429": "answer 429 QuotaExceeded",
    "throttle": "empty the operation's token bucket once; it refills at the documented rate",
    "500": "answer 500 InternalFailure",
    "503": "answer 503 ServiceUnavailable",
    "slow": "delay the response by `seconds` (real time)",
    "expire_tokens": "expire every access token issued so far (once)",
    "revoke_refresh_token": "LWA answers invalid_grant and issued access tokens stop working",
    "expire_client_secret": "LWA answers invalid_client (secret expired)",
    "missing_role": "answer 403 Unauthorized: the application lacks the Vendor role",
    "page_token_once": "a request carrying a nextToken fails once with 400 InvalidInput",
}


@dataclass
class SandboxConfig:
    seed: int = 1
    marketplace: str = "US"
    vendor_codes: tuple = ("ACRN1", "ACRN2")
    pos_per_day: float = 50.0
    history_days: int = 730
    lines_min: int = 1
    lines_max: int = 20
    catalogue: object = None  # path or dict, see catalogue.load_catalogue
    start_time: object = None  # datetime or ISO string: the sandbox clock when the db is created
    frozen_clock: bool = False  # time moves only through advance()
    clock_speed: float = 1.0  # sandbox seconds per real second
    token_ttl: int = 3600
    client_id: str = ""
    client_secret: str = ""
    refresh_token: str = ""
    transaction_delay: float = 60.0  # seconds a submission stays Processing
    report_queue_seconds: float = 30.0
    report_processing_seconds: float = 60.0
    shortage_rate: float = 0.05  # share of received lines short-received
    change_rate: float = 0.05  # share of POs where Amazon cancels a line before ack
    close_after_days: int = 14  # open POs close this long after the delivery window ends
    throttle: bool = True  # token buckets at the documented rate/burst
    rate_limits: dict = field(default_factory=dict)  # operationId -> (rate, burst)
    strict: bool = False  # validate each response against the models, 500 if it fails
    faults: list = field(default_factory=list)
    document_url_ttl: int = 300
    max_body_bytes: int = 10 * 1024 * 1024
    payments: dict = field(default_factory=dict)  # see sandbox/payments.py PAYMENT_DEFAULTS
    # The selling programs the simulated vendor sells in: reports of the others have no rows.
    selling_programs: tuple = ("RETAIL",)

    def __post_init__(self):
        self.marketplace_info = marketplace(self.marketplace)
        if isinstance(self.vendor_codes, str):
            self.vendor_codes = tuple(c.strip() for c in self.vendor_codes.split(",") if c.strip())
        self.vendor_codes = tuple(self.vendor_codes)
        if not self.vendor_codes:
            raise ValueError("SandboxConfig.vendor_codes needs at least one vendor code")
        if not 1 <= self.lines_min <= self.lines_max:
            raise ValueError(
                f"SandboxConfig lines_min={self.lines_min} / lines_max={self.lines_max}: "
                "need 1 <= lines_min <= lines_max"
            )
        if self.pos_per_day < 0 or self.history_days < 0:
            raise ValueError("SandboxConfig pos_per_day and history_days must not be negative")
        if self.start_time is not None:
            self.start_time = parse_start(self.start_time)
        self.faults = [normalise_fault(f) for f in self.faults]
        tag = "%08x" % (abs(hash_seed(self.seed)) & 0xFFFFFFFF)
        self.client_id = self.client_id or f"amzn1.application-oa2-client.sandbox{tag}"
        self.client_secret = self.client_secret or f"amzn1.oa2-cs.v1.sandbox-secret-{tag}"
        self.refresh_token = self.refresh_token or f"Atzr|IwEBISandboxRefreshToken-{tag}"

    @classmethod
    def from_kwargs(cls, **kwargs):
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(kwargs) - names)
        if unknown:
            raise TypeError(
                f"Unknown sandbox setting(s) {', '.join(unknown)}; "
                f"valid: {', '.join(sorted(names))}"
            )
        return cls(**kwargs)


def hash_seed(seed):
    """A stable (process-independent) integer from the seed."""
    value = 1469598103934665603
    for ch in str(seed).encode():
        value = ((value ^ ch) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return value


def parse_start(value):
    if isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"Sandbox start_time {value!r} is not an ISO-8601 date-time") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def normalise_fault(fault):
    """Accept a dict or the short form 'kind[:operation[:count[:seconds]]]'."""
    if isinstance(fault, str):
        parts = fault.split(":")
        fault = {"kind": parts[0]}
        if len(parts) > 1 and parts[1]:
            fault["operation"] = parts[1]
        if len(parts) > 2 and parts[2]:
            fault["count"] = int(parts[2])
        if len(parts) > 3 and parts[3]:
            fault["seconds"] = float(parts[3])
    if not isinstance(fault, dict) or fault.get("kind") not in FAULT_KINDS:
        raise ValueError(
            f"Unknown sandbox fault {fault!r}; kinds are: "
            + ", ".join(f"{k} ({v})" for k, v in FAULT_KINDS.items())
        )
    out = {
        "kind": fault["kind"],
        "operation": fault.get("operation") or "*",
        "count": None if fault.get("count") is None else int(fault["count"]),
        "seconds": float(fault.get("seconds") or 0.0),
    }
    if out["kind"] == "slow" and out["seconds"] <= 0:
        out["seconds"] = 2.0
    return out


def parse_faults_arg(text):
    """CLI --faults: a JSON list, a path to a JSON file, or comma-separated short forms."""
    text = text.strip()
    if text.startswith("["):
        return [normalise_fault(f) for f in json.loads(text)]
    if text.endswith(".json"):
        with open(text, encoding="utf-8") as fh:
            return [normalise_fault(f) for f in json.load(fh)]
    return [normalise_fault(part) for part in text.split(",") if part.strip()]
