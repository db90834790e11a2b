"""Back-channel logout tokens POSTed to applications (OpenID Connect Back-Channel
Logout 1.0 §2.5), with a short timeout and a bounded retry of its own; the stream
retries the record beyond that, and then gives it to the on-failure queue."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode, urlsplit

from .logs import count, logger


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # The token goes to the registered address only, never where a redirect points.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects())


class HttpLogoutDelivery:
    def __init__(self, timeout_seconds: float = 5.0, attempts: int = 2,
                 pause_seconds: float = 0.5) -> None:
        self._timeout = timeout_seconds
        self._attempts = attempts
        self._pause = pause_seconds

    def deliver(self, uri: str, logout_token: str) -> bool:
        """True when the application answered: 2xx took it; 4xx refused it (logged: a
        retry would be refused again). False after the attempts failed (5xx, network)."""
        # https, or http to the loopback in local runs only (core/clients.py).
        request = urllib.request.Request(  # noqa: S310
            uri, data=urlencode({"logout_token": logout_token}).encode(), method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Cache-Control": "no-store", "User-Agent": "backup-codes-logout/1"})
        host = urlsplit(uri).netloc
        for attempt in range(1, self._attempts + 1):
            status = self._post(request)
            if status is not None and status < 500:
                outcome = "delivered" if 200 <= status < 300 else "refused"
                logger.info("back-channel logout", extra={"host": host, "status": status,
                                                          "outcome": outcome})
                count("BackchannelLogout", outcome=outcome)
                return True
            if attempt < self._attempts:
                time.sleep(self._pause * attempt)
        logger.warning("back-channel logout failed", extra={"host": host,
                                                            "attempts": self._attempts})
        count("BackchannelLogout", outcome="failed")
        return False

    def _post(self, request: urllib.request.Request) -> int | None:
        try:
            with _OPENER.open(request, timeout=self._timeout) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)
        except (urllib.error.URLError, TimeoutError, OSError):
            return None
