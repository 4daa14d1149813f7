"""Typed SP-API failures, worded for the person who runs the vendor's operations.

The Odoo side maps these to user messages and job retries, so each kind says what to do:
fix data (InvalidInputError), fix the account (Authentication/SecretExpired/Forbidden),
wait (Throttled/Server/Network) or look before resending (SubmissionUncertainError).
"""


class SpApiError(Exception):
    """Any failure talking to Amazon; carries what Amazon said about it."""

    def __init__(
        self, message, *, status=None, code=None, request_id=None, operation=None, details=None
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.request_id = request_id
        self.operation = operation
        self.details = details

    def __str__(self):
        if self.request_id:
            return f"{self.message} [Amazon request id {self.request_id}]"
        return self.message


class AuthenticationError(SpApiError):
    """Amazon refused the credentials: invalid_grant, invalid_client, revoked access token."""


class SecretExpiredError(AuthenticationError):
    """The LWA client secret is no longer accepted (expired after 180 days, or rotated)."""


class ForbiddenError(SpApiError):
    """Authenticated, but the app or vendor group lacks the role for this operation (403)."""


class ThrottledError(SpApiError):
    """Amazon kept answering 429 QuotaExceeded; ``retry_after`` is a safe wait in seconds."""

    def __init__(self, message, *, retry_after=None, **kw):
        super().__init__(message, **kw)
        self.retry_after = retry_after


class InvalidInputError(SpApiError):
    """The request does not match Amazon's model or Amazon rejected it as invalid (400).

    ``field`` is the JSON path of the offending value when known, e.g.
    ``$['acknowledgements'][0]['sellingParty']``.
    """

    def __init__(self, message, *, field=None, **kw):
        super().__init__(message, **kw)
        self.field = field


class NotFoundError(SpApiError):
    """Amazon has no such resource (404 / ResourceNotFound)."""


class ServerError(SpApiError):
    """Amazon failed on its side (5xx) even after retries."""


class NetworkError(SpApiError):
    """No HTTP answer at all: DNS failure, connection refused or reset, timeout.

    ``sent`` is False when the request certainly never reached Amazon (DNS, refused,
    connect timeout) and True when it may have been received.
    """

    def __init__(self, message, *, sent=True, **kw):
        super().__init__(message, **kw)
        self.sent = sent


class SubmissionUncertainError(SpApiError):
    """A submission may or may not be at Amazon; it will not be resent blindly.

    ``client_key`` names the journal entry; submitting the same document again first asks
    Amazon whether it has it (or refuses, for invoices, unless forced).
    """

    def __init__(self, message, *, client_key=None, **kw):
        super().__init__(message, **kw)
        self.client_key = client_key


class ReportFailedError(SpApiError):
    """A report ended FATAL; ``details`` holds Amazon's errorDetails when it gave any."""
