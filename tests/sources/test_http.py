"""The shared HTTP layer: what is retried, how long it waits, and the rate limiter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from convex.sources.base import AccessDenied, BadPayload, RateLimited, SourceUnavailable, UnknownSymbol
from convex.sources.http import RateLimiter, retry_after_seconds

from .conftest import make_client
from .helpers import FakeClock


def get(http, server, path="/data.csv"):
    return http.get(server.url + path, source="test", symbol="SYM")


def test_success_is_one_request(http, server, sleeps):
    server.reply("/data.csv", 200, "ok")
    assert get(http, server).text == "ok"
    assert server.count() == 1 and sleeps == []


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried_then_succeed(http, server, sleeps, status):
    server.reply("/data.csv", status, "oops").reply("/data.csv", 200, "ok")
    assert get(http, server).text == "ok"
    assert server.count() == 2 and len(sleeps) == 1


@pytest.mark.parametrize(
    ("status", "error"), [(500, SourceUnavailable), (503, SourceUnavailable), (429, RateLimited)]
)
def test_retryable_errors_stop_at_the_attempt_limit(sleeps, server, status, error):
    http = make_client(sleeps, attempts=4)
    server.reply("/data.csv", status, "busy")
    with pytest.raises(error):
        get(http, server)
    assert server.count() == 4 and len(sleeps) == 3


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, BadPayload), (401, AccessDenied), (403, AccessDenied), (404, UnknownSymbol), (410, BadPayload)],
)
def test_client_errors_are_not_retried(http, server, sleeps, status, error):
    server.reply("/data.csv", status, "no")
    with pytest.raises(error):
        get(http, server)
    assert server.count() == 1 and sleeps == []


def test_backoff_is_exponential_without_retry_after(server, sleeps):
    http = make_client(sleeps, attempts=4)
    http.backoff_base = 0.5
    server.reply("/data.csv", 429, "Too Many Requests\r\n")
    with pytest.raises(RateLimited):
        get(http, server)
    assert sleeps == [0.5, 1.0, 2.0]


def test_retry_after_seconds_is_honoured(http, server, sleeps):
    server.reply("/data.csv", 429, "slow down", {"Retry-After": "7"}).reply("/data.csv", 200, "ok")
    assert get(http, server).text == "ok"
    assert sleeps == [7.0] and server.count() == 2


def test_retry_after_http_date_is_honoured(http, server, sleeps):
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=7), usegmt=True)
    server.reply("/data.csv", 429, "slow down", {"Retry-After": when}).reply("/data.csv", 200, "ok")
    assert get(http, server).text == "ok"
    assert len(sleeps) == 1 and 4 <= sleeps[0] <= 7


def test_retry_after_longer_than_we_wait_is_not_retried_early(http, server, sleeps):
    server.reply("/data.csv", 429, "come back tomorrow", {"Retry-After": "3600"})
    with pytest.raises(RateLimited) as caught:
        get(http, server)
    assert caught.value.retry_after == 3600.0
    assert server.count() == 1 and sleeps == []


def test_timeout_is_retried_and_typed(server, sleeps):
    http = make_client(sleeps, timeout=0.15, attempts=2)
    server.reply("/data.csv", 200, "late", mode="hang")
    with pytest.raises(SourceUnavailable, match=r"no answer within 0\.15 s"):
        get(http, server)
    assert server.count() == 2


def test_connection_refused_is_retried_and_typed(refused_url, sleeps):
    http = make_client(sleeps, attempts=3)
    with pytest.raises(SourceUnavailable, match="connection failed"):
        http.get(refused_url + "/x", source="test", symbol="SYM")
    assert len(sleeps) == 2


@pytest.mark.parametrize("mode", ["truncate", "drop"])
def test_broken_responses_are_retried_and_typed(http, server, sleeps, mode):
    server.reply("/data.csv", 200, "a,b\n" * 100, mode=mode)
    with pytest.raises(SourceUnavailable):
        get(http, server)
    assert server.count() == 3


def test_retry_after_parsing():
    assert retry_after_seconds("5") == 5.0
    assert retry_after_seconds("-3") == 0.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None


def test_rate_limiter_spaces_calls_with_a_fake_clock():
    clock = FakeClock()
    limiter = RateLimiter(0.5, clock=clock, sleep=clock.sleep)
    for _ in range(4):
        limiter.wait()
    assert clock.sleeps == [0.5, 0.5, 0.5]
    clock.now += 10  # after a quiet spell the next call goes at once
    limiter.wait()
    assert clock.sleeps == [0.5, 0.5, 0.5]
