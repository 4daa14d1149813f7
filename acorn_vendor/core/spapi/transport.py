"""The only place that touches the network: one requests.Session, timeouts, and the
translation of socket-level failures into NetworkError with a "was it sent?" verdict.

That verdict matters for submissions: a refused connection never reached Amazon and can be
retried, a read timeout may have reached Amazon and must not be resent blindly.
"""

import logging
import platform
import sys
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from .errors import NetworkError

_logger = logging.getLogger(__name__)

ACORN_VERSION = "18.0.1.0.0"
DEFAULT_TIMEOUT = (5, 30)


def user_agent(app="Acorn", version=ACORN_VERSION):
    """``AppName/Version (Language=Python/3.x; Platform=...)`` as Amazon asks."""
    py = "%d.%d.%d" % sys.version_info[:3]
    plat = f"{platform.system()}/{platform.release()}" if platform.system() else "unknown"
    return f"{app}/{version} (Language=Python/{py}; Platform={plat})"


def _never_connected(exc):
    """True when a requests.ConnectionError happened before any byte was sent."""
    seen = set()
    stack = [exc]
    while stack:
        err = stack.pop()
        if err is None or id(err) in seen:
            continue
        seen.add(id(err))
        if isinstance(err, (NewConnectionError, ConnectTimeoutError)):
            return True
        stack.extend([getattr(err, "reason", None), err.__cause__, err.__context__])
        stack.extend(a for a in getattr(err, "args", ()) if isinstance(a, BaseException))
    return False


class Transport:
    """Sends HTTP requests; raises NetworkError when no HTTP answer came back."""

    def __init__(self, session=None, timeout=DEFAULT_TIMEOUT, agent=None):
        self.session = session or requests.Session()
        self.timeout = timeout
        self.user_agent = agent or user_agent()

    def send(self, method, url, *, what, headers=None, params=None, data=None, timeout=None):
        timeout = timeout or self.timeout
        all_headers = {"User-Agent": self.user_agent}
        all_headers.update(headers or {})
        host = urlsplit(url).netloc
        try:
            return self.session.request(
                method, url, headers=all_headers, params=params, data=data, timeout=timeout
            )
        except requests.ConnectTimeout as exc:
            reason, sent = f"no connection within {_connect(timeout)} s", False
            err = exc
        except requests.ReadTimeout as exc:
            reason, sent = f"no answer within {_read(timeout)} s", True
            err = exc
        except requests.ConnectionError as exc:
            sent = not _never_connected(exc)
            reason = (
                "connection reset or closed before Amazon answered"
                if sent
                else "could not connect (DNS failure or connection refused)"
            )
            err = exc
        except requests.RequestException as exc:
            reason, sent, err = f"HTTP client error: {exc.__class__.__name__}", True, exc
        _logger.warning("%s %s to %s failed: %s (%s)", method, what, host, reason, err)
        raise NetworkError(
            f"Could not reach Amazon at {host} for {what}: {reason}.",
            operation=what,
            sent=sent,
        ) from err


def _connect(timeout):
    return timeout[0] if isinstance(timeout, tuple) else timeout


def _read(timeout):
    return timeout[1] if isinstance(timeout, tuple) else timeout
