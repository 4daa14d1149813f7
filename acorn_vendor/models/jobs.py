"""How Acorn queues work in OCA queue_job: one channel, one identity key per piece of work,
and Amazon's transient errors turned into retries."""

from odoo.addons.queue_job.exception import RetryableJobError

from ..core.spapi import NetworkError, ServerError, ThrottledError

CHANNEL = "root.acorn"
# Errors worth another try later: the job is retried by its function's retry pattern.
RETRYABLE = (ThrottledError, NetworkError, ServerError)


def delay(record, key, description, **options):
    """``record.with_delay`` in Acorn's channel; a job with the same key already waiting
    absorbs this one (a cron that runs twice queues the work once). ``options`` go to
    with_delay (``eta``...)."""
    return record.with_delay(channel=CHANNEL, identity_key=key, description=description, **options)


def retry_later(exc, seconds=None):
    """The RetryableJobError for an Amazon error, waiting what Amazon asked if it said."""
    wait = seconds if seconds is not None else getattr(exc, "retry_after", None)
    return RetryableJobError(str(exc), seconds=wait)


def run_or_retry_later(work):
    """``work()`` in a queue job: throttling and outages become a retry, not a failure."""
    try:
        return work()
    except RETRYABLE as exc:
        raise retry_later(exc) from exc
