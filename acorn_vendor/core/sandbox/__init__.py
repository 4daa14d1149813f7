"""Acorn sandbox: a local Amazon Vendor Central that behaves like the real SP-API.

Amazon's own sandbox only replays canned responses. This one keeps state in a SQLite file,
generates purchase orders deterministically from a seed, applies what vendors submit
(acknowledgements, ASNs, routing requests, invoices) with Amazon's business rules, moves POs
through their life as sandbox time passes, produces the vendor analytics reports, and can
inject the faults integrations meet in production.

Python::

    from acorn_vendor.core.sandbox import start_sandbox, SandboxConfig
    with start_sandbox(db_path="vc.sqlite", port=0, seed=1, pos_per_day=20,
                       history_days=30) as sb:
        sb.url, sb.token_url, sb.credentials     # SP-API base URL, LWA URL, LWA credentials
        sb.advance(3600)                         # move sandbox time (never sleep in tests)
        sb.set_faults("503:getPurchaseOrders:2") # or dicts, see FAULT_KINDS
        sb.stats(); sb.reset()

Command line: ``./acorn sandbox serve|reset|status`` (see cli.py).

Endpoints: ``POST /auth/o2/token`` (LWA, form-encoded, refresh_token or client_credentials
grant); Vendor Orders v1, Vendor Shipments v1, Vendor Invoices v1, Vendor Transaction Status
v1 and Reports 2021-06-30 (createReport, getReports, getReport, cancelReport,
getReportDocument) at Amazon's paths; pre-signed GZIP document URLs under
``/_sandbox/documents/``; admin: ``GET /_sandbox/status``, ``GET /_sandbox/stats``,
``GET|POST|DELETE /_sandbox/faults`` (POST ``{"faults": [...], "replace": false}``),
``POST /_sandbox/advance-clock`` (``{"seconds": N}`` or ``{"to": iso}``, optional
``"speed"``), ``POST /_sandbox/reset``.

Configuration (SandboxConfig fields, also keyword arguments of start_sandbox):

- ``seed`` (1): same seed, same start_time and same settings give the same purchase orders.
- ``marketplace`` ("US"): country code from core.marketplaces; sets currency, marketplace id
  and the built-in fulfilment centres (US, DE and UK built in; others need a catalogue).
- ``vendor_codes`` (ACRN1, ACRN2): the vendor group's codes (sellingParty.partyId); the first
  gets 70% of POs.
- ``pos_per_day`` (50), ``history_days`` (730), ``lines_min``/``lines_max`` (1/20): volume.
  History is generated on first start; later days are generated as sandbox time reaches them.
- ``catalogue`` (None): path or dict ``{"products": [{asin, ean, sku, title, net_cost,
  list_price, case_size, daily_demand, backorder_allowed}], "fulfilment_centres": [{code,
  name, address_line1, city, state, postal_code, country}]}``; default: 30 housewares items.
- ``start_time`` (None = now): the sandbox clock when the database is created; POs before
  it are history (already acknowledged/received/closed), later ones wait for the vendor.
- ``frozen_clock`` (False) / ``clock_speed`` (1.0): time moves only via advance(), or runs
  faster than real time. With a frozen clock the token buckets also refill only through
  advance(), which keeps throttling tests deterministic.
- ``token_ttl`` (3600): LWA expires_in. ``client_id``/``client_secret``/``refresh_token``:
  derived from the seed when empty.
- ``transaction_delay`` (60 s): how long a submission stays Processing before Success or
  Failure (business rules run then, in submission order).
- ``report_queue_seconds`` (30) / ``report_processing_seconds`` (60): IN_QUEUE, IN_PROGRESS,
  then DONE (or FATAL with an errorDetails document for bad reportOptions/periods, by the
  rules of ``core/reports/periods.py``). Every vendor report type is served.
- ``shortage_rate`` (0.05): share of received lines short-received.
  ``change_rate`` (0.05): share of POs where Amazon cancels a line before acknowledgement.
  ``close_after_days`` (14): open POs close this long after their delivery window.
- ``throttle`` (True) with ``rate_limits`` ({operationId: (rate, burst)}): token buckets at
  the documented rate/burst per operation; 429 QuotaExceeded when empty.
- ``strict`` (False): validate every response against the official model; a failing one
  becomes a 500 InternalFailure naming the problem (and is counted in stats).
- ``faults`` ([]): active at start, same forms as set_faults().
- ``document_url_ttl`` (300 s), ``max_body_bytes`` (10 MiB).

Auth failures answer ``Unauthorized`` ("Access to requested resource is denied.", details
saying missing / revoked-malformed-invalid / expired) with 401 where the operation's model
declares 401 and 403 where it does not (getPurchaseOrders, submitAcknowledgement, ...), so
every response stays valid against the models.

Behaviour worth knowing: getPurchaseOrders/getPurchaseOrdersStatus without any date filter
look at the last 7 days (created); sortOrder defaults to DESC; a nextToken must come with
the same filters. Schema errors in submissions are answered synchronously (400 InvalidInput,
one error per problem, naming the document); business-rule errors arrive asynchronously in
getTransaction (Failure, one error per problem, codes such as
ACKNOWLEDGED_QUANTITY_EXCEEDS_ORDERED, BACKORDER_NOT_ALLOWED, PRICE_EXCEEDS_PO_COST,
PO_NOT_ACKNOWLEDGED, SHIPPED_DATE_IN_FUTURE, SHIPPED_QUANTITY_EXCEEDS_ACCEPTED,
SHIP_TO_MISMATCH, DUPLICATE_SHIPMENT_IDENTIFIER, INVOICED_QUANTITY_EXCEEDS_SHIPPED,
NET_COST_MISMATCH, DUPLICATE_INVOICE_NUMBER, INVOICE_TOTAL_MISMATCH, INVALID_PO_NUMBER,
ITEM_NOT_ON_PO). Documents in one submission are applied independently: valid ones are
applied even when another fails.
"""

from .config import FAULT_KINDS, SandboxConfig
from .faults import RATE_LIMITS
from .server import SandboxServer, start_sandbox

__all__ = ["FAULT_KINDS", "RATE_LIMITS", "SandboxConfig", "SandboxServer", "start_sandbox"]
