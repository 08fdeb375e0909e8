"""No network at all: every source says so, in the same words, and does not retry."""

from __future__ import annotations

import socket
from datetime import date

import pytest
import requests
from urllib3.exceptions import NameResolutionError

from convex.sources.base import NO_NETWORK, SourceUnavailable
from convex.sources.cboe import CboeSource
from convex.sources.coingecko import CoinGeckoSource
from convex.sources.fred import FredSource
from convex.sources.http import HttpClient
from convex.sources.yahoo import YahooSource

from .test_yahoo import FakeDownload


class UnresolvableSession(requests.Session):
    """What requests raises when DNS has no answer: a ConnectionError around urllib3's
    NameResolutionError (checked against a real offline run of each source)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def get(self, url, **kwargs):
        self.calls += 1
        cause = NameResolutionError("api.example", None, socket.gaierror(-3, "Temporary failure"))
        raise requests.ConnectionError(cause)


def offline_client(session: UnresolvableSession) -> HttpClient:
    return HttpClient(session=session, backoff_base=0.0, sleep=lambda _: None)


def fetch_offline(name: str) -> tuple[SourceUnavailable, int]:
    session = UnresolvableSession()
    http = offline_client(session)
    if name == "yahoo":
        # yfinance, offline, logs only "possibly delisted; no timezone found".
        download = FakeDownload("YFTzMissingError('$SPY: possibly delisted; no timezone found')")
        source, symbol = YahooSource(http=http, download=download, resolves=lambda: False), "SPY"
    else:
        source, symbol = {
            "fred keyless": (FredSource(api_key="", http=http), "WALCL"),
            "fred api": (FredSource(api_key="k" * 32, http=http), "WALCL"),
            "coingecko": (CoinGeckoSource(api_key="", http=http), "bitcoin"),
            "cboe": (CboeSource(http=http), "VIX"),
        }[name]
    with pytest.raises(SourceUnavailable) as caught:
        source.fetch(symbol, date(2024, 1, 1))
    calls = len(download.calls) if name == "yahoo" else session.calls
    return caught.value, calls


@pytest.mark.parametrize("name", ["fred keyless", "fred api", "yahoo", "coingecko", "cboe"])
def test_no_network_gets_the_same_words_from_every_source_and_is_not_retried(name):
    error, calls = fetch_offline(name)
    assert error.reason == NO_NETWORK
    assert not error.retryable
    assert calls == 1


def test_yahoo_says_blocked_not_offline_when_its_host_resolves():
    download = FakeDownload("YFTzMissingError('$SPY: possibly delisted; no timezone found')")
    source = YahooSource(http=offline_client(UnresolvableSession()), download=download, resolves=lambda: True)
    with pytest.raises(SourceUnavailable) as caught:
        source.fetch("SPY")
    assert caught.value.reason != NO_NETWORK and "unreachable or rate-limiting" in caught.value.reason
