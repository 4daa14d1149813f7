"""Amazon Selling Partner API client for Vendor Central retail procurement (pure Python).

Public API: SpApiClient, Credentials, the error classes, SubmissionResult, and the
pluggable TokenCache / SubmissionJournal bases for persistence on the Odoo side.
"""

from .auth import Credentials, MemoryTokenCache, TokenCache
from .client import SpApiClient
from .errors import (
    AuthenticationError,
    ForbiddenError,
    InvalidInputError,
    NetworkError,
    NotFoundError,
    ReportFailedError,
    SecretExpiredError,
    ServerError,
    SpApiError,
    SubmissionUncertainError,
    ThrottledError,
)
from .journal import MemoryJournal, SubmissionJournal, SubmissionRecord, SubmissionResult

__all__ = [
    "AuthenticationError",
    "Credentials",
    "ForbiddenError",
    "InvalidInputError",
    "MemoryJournal",
    "MemoryTokenCache",
    "NetworkError",
    "NotFoundError",
    "ReportFailedError",
    "SecretExpiredError",
    "ServerError",
    "SpApiClient",
    "SpApiError",
    "SubmissionJournal",
    "SubmissionRecord",
    "SubmissionResult",
    "SubmissionUncertainError",
    "ThrottledError",
    "TokenCache",
]
