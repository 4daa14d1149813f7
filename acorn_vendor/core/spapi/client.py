"""SpApiClient: the vendor retail procurement APIs behind one object.

client = SpApiClient(Credentials(client_id, client_secret, refresh_token), region="NA")
client.check_connection()
for po in client.iter_purchase_orders(createdAfter=since):
    ...
"""

from .apis import (
    ReportsApi,
    VendorInvoicesApi,
    VendorOrdersApi,
    VendorShipmentsApi,
    VendorTransactionStatusApi,
)
from .base import BaseClient


class SpApiClient(
    VendorOrdersApi,
    VendorShipmentsApi,
    VendorInvoicesApi,
    VendorTransactionStatusApi,
    ReportsApi,
    BaseClient,
):
    """Amazon SP-API client for one vendor group (refresh token) in one region.

    ``endpoint`` and ``token_url`` override the region host and the LWA URL (sandbox).
    Keyword-only extras: ``session``, ``token_cache`` (auth.TokenCache), ``journal``
    (journal.SubmissionJournal), ``rate_limiter``, ``rate_overrides`` ({operationId:
    (rate, burst)}), ``clock``/``sleep``/``now``/``rng`` (tests), ``max_retries``,
    ``backoff_base``, ``backoff_cap``, ``max_retry_after``.
    """
