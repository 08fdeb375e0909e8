"""Every source x every fault -> a typed SourceError that names the source and the symbol, never
shows an API key, and is retried exactly when retrying can help."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
import yfinance

from convex.sources.base import (
    AccessDenied,
    BadPayload,
    RateLimited,
    SourceError,
    SourceUnavailable,
    UnknownSymbol,
)
from convex.sources.cboe import CboeSource
from convex.sources.coingecko import CoinGeckoSource
from convex.sources.fred import FredSource
from convex.sources.http import RateLimiter
from convex.sources.yahoo import YahooSource

from . import payloads as p
from .conftest import make_client
from .helpers import FAKE_CG_KEY, FAKE_FRED_KEY, assert_contract, error_text
from .test_yahoo import FakeDownload, empty_frame, yf_frame

ATTEMPTS = 2
FAULTS = [
    "400", "bad_key", "401", "403", "404", "429", "429_retry_after", "500", "503", "html",
    "truncated_stream", "truncated_body", "wrong_columns", "all_missing", "non_numeric", "empty",
    "malformed", "zip", "refused", "timeout",
]  # fmt: skip
RETRIED = {"429", "429_retry_after", "500", "503", "truncated_stream", "refused", "timeout"}
EXPECTED = {
    "400": BadPayload, "bad_key": AccessDenied, "401": AccessDenied, "403": AccessDenied,
    "404": UnknownSymbol, "429": RateLimited, "429_retry_after": RateLimited,
    "500": SourceUnavailable, "503": SourceUnavailable, "truncated_stream": SourceUnavailable,
    "refused": SourceUnavailable, "timeout": SourceUnavailable,
}  # fmt: skip
STATUS = {"400": 400, "bad_key": 400, "401": 401, "403": 403, "404": 404, "429": 429, "429_retry_after": 429,
          "500": 500, "503": 503}  # fmt: skip


@dataclass
class Harness:
    name: str
    symbol: str
    path: str
    make: Callable  # (base_url, http) -> source
    bodies: dict[str, bytes | str]
    expected: dict[str, type] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)

    def expect(self, fault: str) -> type:
        return self.expected.get(fault) or EXPECTED.get(fault, BadPayload)


def _fred(key: str):
    def make(url, http):
        limiter = RateLimiter(0.0)
        if key:
            return FredSource(api_key=key, http=http, api_root=url + "/fred", limiter=limiter)
        return FredSource(api_key="", http=http, csv_url=url + "/graph/fredgraph.csv", limiter=limiter)

    return make


def _coingecko(key: str):
    return lambda url, http: CoinGeckoSource(api_key=key, http=http, base_url=url + "/api/v3")


COMMON = {
    "401": "Unauthorized",
    "403": "<html><body><h1>403 Forbidden</h1></body></html>",
    "404": p.HTML_404,
    "429": "Too Many Requests\r\n",
    "500": "Internal Server Error",
    "503": "<html><body><h1>503 Service Unavailable</h1></body></html>",
    "html": p.HTML_PAGE,
    "empty": "",
    "zip": p.ZIP_BYTES,
}

HARNESSES = {
    "fred_csv": Harness(
        "fred",
        "WALCL",
        "/graph/fredgraph.csv",
        _fred(""),
        {
            **COMMON,
            "normal": p.FRED_CSV_CURRENT,
            "400": p.FRED_JSON_UNKNOWN,
            "bad_key": p.FRED_JSON_BAD_KEY,
            "429": p.FRED_JSON_429,
            "truncated_body": p.FRED_CSV_TRUNCATED,
            "wrong_columns": p.FRED_CSV_WRONG_COLUMNS,
            "all_missing": p.FRED_CSV_ALL_MISSING,
            "non_numeric": p.FRED_CSV_NON_NUMERIC,
            "malformed": "observation_date;WALCL\n2024-01-03;7681024\n",
        },
        expected={"400": UnknownSymbol},
    ),
    "fred_api": Harness(
        "fred",
        "DFF",
        "/fred/series/observations",
        _fred(FAKE_FRED_KEY),
        {
            **COMMON,
            "normal": p.FRED_XML,
            "400": p.FRED_XML_UNKNOWN,
            "bad_key": p.FRED_XML_BAD_KEY,
            "401": '<?xml version="1.0"?><error code="401" message="Unauthorized"/>',
            "429": p.FRED_JSON_429,
            "truncated_body": p.FRED_XML[:300],
            "wrong_columns": p.FRED_XML_WRONG,
            "all_missing": p.FRED_XML_ALL_MISSING,
            "non_numeric": p.FRED_XML_NON_NUMERIC,
            "malformed": "this is not XML at all",
        },
        expected={"400": UnknownSymbol},
    ),
    "coingecko": Harness(
        "coingecko",
        "bitcoin",
        "/api/v3/coins/bitcoin/market_chart",
        _coingecko(""),
        {
            **COMMON,
            "normal": p.CG_CHART,
            "400": p.CG_400,
            "bad_key": p.CG_401_KEY,
            "401": p.CG_401_RANGE,
            "404": p.CG_404,
            "429": p.CG_429,
            "truncated_body": p.CG_CHART_TRUNCATED,
            "wrong_columns": p.CG_CHART_WRONG,
            "all_missing": p.CG_CHART_ALL_MISSING,
            "non_numeric": p.CG_CHART_NON_NUMERIC,
            "malformed": '{"prices": "soon"}',
        },
        statuses={"bad_key": 401},
    ),
    "cboe": Harness(
        "cboe",
        "VIX",
        "/daily_prices/VIX_History.csv",
        lambda url, http: CboeSource(http=http, base_url=url + "/daily_prices"),
        {
            **COMMON,
            "normal": p.CBOE_CSV_6,
            "400": "Bad Request",
            "bad_key": p.CBOE_403_XML,
            "403": p.CBOE_403_XML,
            "truncated_body": p.CBOE_CSV_TRUNCATED,
            "wrong_columns": p.CBOE_CSV_WRONG_COLUMNS,
            "all_missing": p.CBOE_CSV_ALL_MISSING,
            "non_numeric": p.CBOE_CSV_NON_NUMERIC,
            "malformed": "DATE;OPEN;HIGH;LOW;CLOSE\n01/02/2024;1;1;1;1\n",
        },
        statuses={"bad_key": 403},
    ),
}
HARNESSES["coingecko_key"] = Harness(**{**HARNESSES["coingecko"].__dict__, "make": _coingecko(FAKE_CG_KEY)})

# What yfinance hands back for each fault: a logged error text (the frame is then empty) or a frame.
YAHOO = {
    "normal": yf_frame(),
    "400": "YFPricesMissingError('$SPY: Data doesn\\'t exist for startDate = 1704067200, "
    "endDate = 1706745600')",
    "bad_key": "HTTPError('401 Client Error: Unauthorized for url: https://query2.finance.yahoo.com/v1/test/getcrumb')",
    "401": "HTTPError('401 Client Error: Unauthorized')  Invalid Crumb",
    "403": "HTTPError('403 Client Error: Forbidden')",
    "404": "YFPricesMissingError('$SPY: No data found, symbol may be delisted')",
    "429": "YFRateLimitError('Too Many Requests. Rate limited. Try after a while.')",
    "429_retry_after": "YFRateLimitError('Too Many Requests. Rate limited. Try after a while.')",
    "500": "HTTPError('500 Server Error: Internal Server Error')",
    "503": "HTTPError('503 Server Error: Service Unavailable')",
    "html": "JSONDecodeError('Expecting value: line 1 column 1 (char 0)')",
    "truncated_stream": "Failed to perform, curl: (18) transfer closed with 4096 bytes remaining to read",
    "truncated_body": "JSONDecodeError('Unterminated string starting at: line 1 column 9000 (char 8999)')",
    "wrong_columns": yf_frame().drop(columns=["Adj Close", "Close"], level=0),
    "all_missing": yf_frame(adj=(np.nan,) * 3, close=(np.nan,) * 3),
    "non_numeric": yf_frame(adj=("1.0", "n/a!", "3.0")),
    "empty": empty_frame(),
    "malformed": pd.DataFrame({("Close", "SPY"): [1.0, 2.0]}, index=["yesterday", "today"]),
    "zip": None,
    "refused": "Failed to perform, curl: (7) Failed to connect to query2.finance.yahoo.com port 443: "
    "Couldn't connect to server",
    "timeout": "Failed to perform, curl: (28) Operation timed out after 10002 milliseconds "
    "with 0 bytes received",
}
YAHOO_EXPECTED = {"400": UnknownSymbol}

SOURCES = [*HARNESSES, "yahoo"]


def _serve(harness: Harness, fault: str, server, refused_url: str) -> str:
    if fault == "refused":
        return refused_url
    headers = {"Retry-After": "2"} if fault == "429_retry_after" else {}
    body = harness.bodies.get(fault.removesuffix("_retry_after"), "")
    if fault == "truncated_stream":
        server.reply(harness.path, 200, harness.bodies["normal"], mode="truncate")
    elif fault == "timeout":
        server.reply(harness.path, 200, harness.bodies["normal"], mode="hang")
    else:
        status = harness.statuses.get(fault) or STATUS.get(fault, 200)
        server.reply(harness.path, status, body, headers)
    return server.url


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("kind", SOURCES)
def test_fault_matrix(kind, fault, server, refused_url, sleeps, monkeypatch):
    http = make_client(sleeps, timeout=0.15, attempts=ATTEMPTS)
    if kind == "yahoo":
        download = FakeDownload(YAHOO[fault])
        monkeypatch.setattr(yfinance, "download", download)
        source, name, symbol = YahooSource(http=http), "yahoo", "SPY"
        expected = YAHOO_EXPECTED.get(fault) or EXPECTED.get(fault, BadPayload)
    else:
        harness = HARNESSES[kind]
        source = harness.make(_serve(harness, fault, server, refused_url), http)
        name, symbol, expected = harness.name, harness.symbol, harness.expect(fault)

    with pytest.raises(SourceError) as caught:
        source.fetch(symbol)
    err = caught.value

    assert type(err) is expected, str(err)
    assert (err.source, err.symbol) == (name, symbol)
    assert str(err).startswith(f"{name}: {symbol}: ")
    retried = fault in RETRIED
    assert len(sleeps) == (ATTEMPTS - 1 if retried else 0)
    if fault == "429_retry_after" and kind != "yahoo":
        assert sleeps == [2.0]
    if kind == "yahoo":
        assert len(download.calls) == (ATTEMPTS if retried else 1)
    elif fault != "refused":
        assert server.count(harness.path) == (ATTEMPTS if retried else 1)
    text = error_text(err.for_metric("some_metric"))
    assert FAKE_FRED_KEY not in text and FAKE_CG_KEY not in text
    assert "some_metric" in str(err)


@pytest.mark.parametrize("kind", SOURCES)
def test_matrix_sources_read_their_normal_payload(kind, server, sleeps, monkeypatch):
    http = make_client(sleeps)
    if kind == "yahoo":
        monkeypatch.setattr(yfinance, "download", FakeDownload(YAHOO["normal"]))
        series = YahooSource(http=http).fetch("SPY")
    else:
        harness = HARNESSES[kind]
        server.reply(harness.path, 200, harness.bodies["normal"])
        series = harness.make(server.url, http).fetch(harness.symbol)
    assert_contract(series)
    assert sleeps == []
