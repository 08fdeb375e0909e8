"""The token bucket behind the HTTP API's 429: a burst, then a steady rate, per client, bounded memory."""

from __future__ import annotations

import pytest

from convex.api.ratelimit import RateLimit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_gets_its_burst_then_one_request_per_refill():
    clock = Clock()
    limit = RateLimit(per_minute=60, burst=3, clock=clock)
    assert [limit.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limit.take("a") == pytest.approx(1.0)  # a token a second: the next in one second
    assert limit.take("b") == 0.0  # another client has its own bucket
    clock.now += 0.5
    assert limit.take("a") == pytest.approx(0.5)
    clock.now += 0.5
    assert limit.take("a") == 0.0 and limit.take("a") == pytest.approx(1.0)
    clock.now += 3600
    assert [limit.take("a") for _ in range(4)][:3] == [0.0, 0.0, 0.0]  # refilled up to the burst only


def test_the_oldest_clients_are_forgotten_first_and_start_full():
    clock = Clock()
    limit = RateLimit(per_minute=1, burst=1, max_clients=2, clock=clock)
    assert limit.take("a") == 0.0 and limit.take("a") > 0
    limit.take("b")
    limit.take("c")  # "a" was seen least recently: dropped
    assert limit.take("a") == 0.0


def test_the_environment_sets_the_numbers(monkeypatch):
    monkeypatch.setenv("CONVEX_API_RATE_PER_MINUTE", "120")
    monkeypatch.setenv("CONVEX_API_BURST", "5")
    limit = RateLimit.from_environment()
    assert (limit.per_second, limit.burst) == (2.0, 5)
    monkeypatch.setenv("CONVEX_API_BURST", "lots")  # unreadable: the default, not a crash
    assert RateLimit.from_environment().burst == 30
