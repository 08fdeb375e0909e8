"""HTTP for every source, done once: timeouts, retries with backoff, rate limits, typed errors."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

import requests
from tenacity import Retrying, retry_if_exception
from urllib3.exceptions import NameResolutionError

from .base import (
    AccessDenied,
    BadPayload,
    RateLimited,
    SourceError,
    SourceUnavailable,
    UnknownSymbol,
    no_network,
    scrub_secrets,
)

USER_AGENT = "Convex/0.1 (+https://github.com/convex-app/convex)"


class _ScrubSecrets(logging.Filter):
    """urllib3 logs each request line at DEBUG, query string (and FRED's api_key) included."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub_secrets(str(record.msg))
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(scrub_secrets(a) if isinstance(a, str) else a for a in args)
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_ScrubSecrets())


class RateLimiter:
    """Spaces calls at least `min_interval` seconds apart, across threads."""

    def __init__(self, min_interval: float, *, clock=time.monotonic, sleep=time.sleep):
        self.min_interval = min_interval
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot = float("-inf")

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot)
            self._next_slot = slot + self.min_interval
        if slot > now:
            self._sleep(slot - now)


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is either a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def status_error(resp: requests.Response, source: str, symbol: str) -> SourceError | None:
    """The typed error an HTTP status means, or None for a success."""
    code = resp.status_code
    if code < 400:
        return None
    if code == 429:
        wait = retry_after_seconds(resp.headers.get("Retry-After"))
        return RateLimited(source, symbol, "rate limited (HTTP 429)", retry_after=wait)
    if code >= 500:
        return SourceUnavailable(source, symbol, f"server error (HTTP {code})")
    if code in (401, 403):
        return AccessDenied(source, symbol, f"access refused (HTTP {code})")
    if code == 404:
        return UnknownSymbol(source, symbol, "not found at the source (HTTP 404)")
    return BadPayload(source, symbol, f"request rejected (HTTP {code})")


ErrorHook = Callable[[requests.Response], SourceError | None]


def _host_unresolvable(exc: BaseException) -> bool:
    """Whether a requests error comes from a failed DNS lookup (urllib3 nests the cause)."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 8:
        if isinstance(current, NameResolutionError):
            return True
        current = getattr(current, "reason", None) or (
            current.args[0] if current.args and isinstance(current.args[0], BaseException) else None
        )
        seen += 1
    return False


@dataclass
class HttpClient:
    """One session, a timeout on every request, and retries where retrying can help."""

    # Pages wait on these: a dead source must fail within seconds, not minutes.
    timeout: float = 10.0
    max_attempts: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    session: requests.Session = field(default_factory=requests.Session)
    sleep: Callable[[float], None] = time.sleep  # injected by tests, so no test sleeps for real

    def __post_init__(self) -> None:
        # A new Session already carries "python-requests/x.y" (so setdefault would keep it); replace
        # that default, but keep a User-Agent the caller chose.
        current = str(self.session.headers.get("User-Agent", ""))
        if not current or current.startswith("python-requests"):
            self.session.headers["User-Agent"] = USER_AGENT

    def _wait(self, state) -> float:
        exc = state.outcome.exception()
        backoff = self.backoff_base * 2 ** (state.attempt_number - 1)
        asked = getattr(exc, "retry_after", None) or 0.0
        return min(self.backoff_max, max(backoff, asked))

    def _stop(self, state) -> bool:
        if state.attempt_number >= self.max_attempts:
            return True
        # A server that asks for a longer pause than we are willing to wait is not retried early
        # (that would only be refused again): the error, with its retry_after, goes to the caller.
        asked = getattr(state.outcome.exception(), "retry_after", None)
        return asked is not None and asked > self.backoff_max

    def retrying(self) -> Retrying:
        """The retry policy: retryable SourceErrors only, exponential backoff, Retry-After honoured."""
        return Retrying(
            stop=self._stop,
            retry=retry_if_exception(lambda e: isinstance(e, SourceError) and e.retryable),
            wait=self._wait,
            sleep=self.sleep,
            reraise=True,
        )

    def get(
        self,
        url: str,
        *,
        source: str,
        symbol: str,
        params: dict | None = None,
        headers: dict | None = None,
        limiter: RateLimiter | None = None,
        error_hook: ErrorHook | None = None,
    ) -> requests.Response:
        """GET `url`; return the response of a success or raise a typed SourceError.

        `error_hook` lets a source read its own error bodies (FRED says "series does not exist"
        with HTTP 400) before the generic status mapping applies.
        """

        def attempt() -> requests.Response:
            if limiter is not None:
                limiter.wait()
            failure: SourceError | None = None
            try:
                resp = self.session.get(url, params=params, headers=headers, timeout=self.timeout)
            except requests.Timeout:
                failure = SourceUnavailable(source, symbol, f"no answer within {self.timeout:g} s")
            except requests.RequestException as exc:
                if _host_unresolvable(exc):
                    # No DNS answer means no network (or a wrong host): retrying cannot help.
                    failure = no_network(source, symbol)
                else:
                    reason = (
                        "connection failed"
                        if isinstance(exc, requests.ConnectionError)
                        else "broken response"
                    )
                    failure = SourceUnavailable(source, symbol, reason)
            if failure is not None:
                # Raised outside the except block: requests' exception (its URL may carry an API key)
                # must not ride along as __context__, where `from None` would only hide it.
                raise failure
            error = (error_hook(resp) if error_hook and resp.status_code >= 400 else None) or status_error(
                resp, source, symbol
            )
            if error is not None:
                raise error
            return resp

        return self.retrying()(attempt)
