"""FRED: keyless CSV and the fredapi-based API mode, against the loopback server."""

from __future__ import annotations

from datetime import date

import fredapi.fred
import pandas as pd
import pytest

from convex.sources import fred
from convex.sources.base import AccessDenied, BadPayload, RateLimited, SourceUnavailable, UnknownSymbol
from convex.sources.fred import FredSource, parse_fred_csv
from convex.sources.http import USER_AGENT, RateLimiter

from . import payloads as p
from .helpers import FAKE_FRED_KEY, FakeClock, assert_contract, error_text

CSV_PATH = "/graph/fredgraph.csv"
API_PATH = "/fred/series/observations"


@pytest.fixture
def keyless(server, http, no_limit):
    return FredSource(api_key="", http=http, csv_url=server.url + CSV_PATH, limiter=no_limit)


@pytest.fixture
def keyed(server, http, no_limit):
    return FredSource(api_key=FAKE_FRED_KEY, http=http, api_root=server.url + "/fred", limiter=no_limit)


# ------------------------------------------------------------------ parse_fred_csv


@pytest.mark.parametrize(
    ("text", "symbol", "expected"),
    [
        (
            p.FRED_CSV_CURRENT,
            "WALCL",
            {"2024-01-03": 7681024.0, "2024-01-10": 7686710.0, "2024-01-17": 7673932.0},
        ),
        (p.FRED_CSV_LEGACY, "DGS10", {"2012-09-04": 1.57, "2012-09-05": 1.60}),
        (p.FRED_CSV_FREDAPI, "WALCL", {"2007-01-03": 874626.0, "2007-01-17": 859363.0}),
        (p.FRED_CSV_GAP, "UNRATE", {"2025-09-01": 4.4, "2025-11-01": 4.6}),
        (p.FRED_CSV_NEGATIVE, "DCOILWTICO", {"2020-04-17": 18.31, "2020-04-20": -36.98, "2020-04-21": 8.91}),
        (p.FRED_CSV_DUPLICATE_UNSORTED, "WALCL", {"2024-01-03": 1.0, "2024-01-10": 2.5, "2024-01-17": 3.0}),
    ],
    ids=["current", "legacy-dot", "fredapi", "gap", "negative", "duplicate-unsorted"],
)
def test_parse_fred_csv(text, symbol, expected):
    series = parse_fred_csv(text, symbol)
    assert_contract(series)
    assert series.to_dict() == {pd.Timestamp(k): v for k, v in expected.items()}
    assert series.name == symbol


def test_parse_fred_csv_filters_to_start():
    series = parse_fred_csv(p.FRED_CSV_CURRENT, "WALCL", start=date(2024, 1, 10))
    assert list(series.index.strftime("%Y-%m-%d")) == ["2024-01-10", "2024-01-17"]


def test_parse_fred_csv_rejects_another_series():
    with pytest.raises(BadPayload, match="holds series 'WALCL'"):
        parse_fred_csv(p.FRED_CSV_CURRENT, "DGS10")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (p.FRED_CSV_ALL_MISSING, "no observations"),
        (p.FRED_CSV_NON_NUMERIC, "non-numeric value 'n/a!'"),
        (p.FRED_CSV_WRONG_COLUMNS, "expected the columns"),
        (p.FRED_CSV_TRUNCATED, "truncated"),
        (p.FRED_CSV_HEADER_ONLY, "no observations"),
        (p.HTML_PAGE, "HTML page"),
        (p.ZIP_BYTES.decode("latin-1"), "ZIP archive"),
        ("", "empty"),
        ("observation_date,WALCL\n2023-02-30,1\n", "impossible date"),
    ],
    ids=[
        "all-missing",
        "non-numeric",
        "wrong-columns",
        "truncated",
        "header-only",
        "html",
        "zip",
        "empty",
        "bad-date",
    ],
)
def test_parse_fred_csv_bad_payloads(text, reason):
    with pytest.raises(BadPayload, match=reason) as caught:
        parse_fred_csv(text, "WALCL")
    assert str(caught.value).startswith("fred: WALCL: ")


# ------------------------------------------------------------------ keyless mode


def test_keyless_fetch_sends_id_and_start(keyless, server):
    server.reply(CSV_PATH, 200, p.FRED_CSV_CURRENT, {"Content-Type": "application/csv"})
    series = keyless.fetch("WALCL", date(2024, 1, 1))
    assert_contract(series)
    assert series.iloc[0] == 7681024.0
    request = server.requests[0]
    assert request.query == {"id": "WALCL", "cosd": "2024-01-01"}
    assert request.headers["User-Agent"] == USER_AGENT
    assert keyless.mode == "csv"


def test_keyless_without_start_asks_for_all_history(keyless, server):
    server.reply(CSV_PATH, 200, p.FRED_CSV_LEGACY)
    keyless.fetch("DGS10")
    assert server.requests[0].query == {"id": "DGS10"}


def test_keyless_unknown_series_json_body(keyless, server):
    server.reply(CSV_PATH, 400, p.FRED_JSON_UNKNOWN)
    with pytest.raises(UnknownSymbol, match="fred: NOPE: FRED has no series"):
        keyless.fetch("NOPE")
    assert server.count() == 1


def test_keyless_several_ids_give_a_zip(keyless, server):
    server.reply(CSV_PATH, 200, p.ZIP_BYTES, {"Content-Type": "application/zip"})
    with pytest.raises(BadPayload, match="ZIP archive"):
        keyless.fetch("WALCL")


def test_invalid_ids_never_reach_the_network(keyless, server):
    for bad in ["", "WAL CL", "WALCL&api_key=x", "../etc", "X" * 65]:
        with pytest.raises(UnknownSymbol):
            keyless.fetch(bad)
    assert server.count() == 0


# ------------------------------------------------------------------ API mode (fredapi)


def test_keyed_fetch_uses_fredapi_through_our_client(keyed, server, monkeypatch):
    def no_urlopen(*args, **kwargs):
        raise AssertionError("fredapi's own urlopen must not be used")

    monkeypatch.setattr(fredapi.fred, "urlopen", no_urlopen)
    server.reply(API_PATH, 200, p.FRED_XML)
    series = keyed.fetch("DFF", date(2023, 1, 1))
    assert_contract(series)
    assert series.to_dict() == {
        pd.Timestamp("2023-01-01"): 4.33,
        pd.Timestamp("2023-01-03"): 4.33,
        pd.Timestamp("2023-01-04"): 4.33,
    }
    request = server.requests[0]
    assert request.query["series_id"] == "DFF"
    assert request.query["observation_start"] == "2023-01-01"
    assert request.query["api_key"] == FAKE_FRED_KEY
    assert request.headers["User-Agent"] == USER_AGENT
    assert keyed.mode == "api"


def test_key_comes_from_the_environment(monkeypatch, server, http, no_limit):
    monkeypatch.setenv("FRED_API_KEY", FAKE_FRED_KEY)
    source = FredSource(http=http, api_root=server.url + "/fred", limiter=no_limit)
    assert source.mode == "api"
    monkeypatch.delenv("FRED_API_KEY")
    assert FredSource().mode == "csv"


@pytest.mark.parametrize(
    ("body", "error", "reason"),
    [
        (p.FRED_XML_UNKNOWN, UnknownSymbol, "no series"),
        (p.FRED_JSON_UNKNOWN, UnknownSymbol, "no series"),
        (p.FRED_XML_BAD_KEY, AccessDenied, "not registered"),
        (p.FRED_JSON_BAD_KEY, AccessDenied, "not registered"),
        (p.FRED_JSON_NO_KEY, AccessDenied, "api_key is not set"),
        (
            '{"error_code":400,"error_message":"Bad Request.  Variable observation_start is not valid."}',
            BadPayload,
            "observation_start",
        ),
    ],
    ids=["xml-unknown", "json-unknown", "xml-bad-key", "json-bad-key", "no-key", "other-400"],
)
def test_keyed_error_bodies(keyed, server, sleeps, body, error, reason):
    server.reply(API_PATH, 400, body)
    with pytest.raises(error, match=reason) as caught:
        keyed.fetch("DFF")
    assert server.count() == 1 and sleeps == []  # a 400 is never retried
    assert FAKE_FRED_KEY not in error_text(caught.value)


def test_keyed_429_is_retried_with_retry_after(keyed, server, sleeps):
    server.reply(API_PATH, 429, p.FRED_JSON_429, {"Retry-After": "2"}).reply(API_PATH, 200, p.FRED_XML)
    assert len(keyed.fetch("DFF")) == 3
    assert sleeps == [2.0] and server.count() == 2


def test_keyed_429_gives_up_at_the_limit(keyed, server):
    server.reply(API_PATH, 429, p.FRED_JSON_429)
    with pytest.raises(RateLimited):
        keyed.fetch("DFF")
    assert server.count() == 3


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (p.FRED_XML_ALL_MISSING, "no observations"),
        (p.FRED_XML_NON_NUMERIC, "unreadable observations"),
        (p.FRED_XML_WRONG, "unreadable observations|no observations"),
        (p.FRED_XML_EMPTY, "no observations"),
        (p.FRED_XML[:300], "unreadable XML"),
        (p.HTML_PAGE, "HTML page"),
        ("", "empty"),
    ],
    ids=["all-missing", "non-numeric", "wrong-elements", "no-observations", "truncated", "html", "empty"],
)
def test_keyed_bad_payloads(keyed, server, body, reason):
    server.reply(API_PATH, 200, body)
    with pytest.raises(BadPayload, match=reason):
        keyed.fetch("DFF")


def test_an_error_that_echoes_the_key_is_scrubbed(keyed, server):
    body = (
        '{"error_code":400,"error_message":"Bad Request. The value for variable api_key '
        f'({FAKE_FRED_KEY}) is not registered."}}'
    )
    server.reply(API_PATH, 400, body)
    with pytest.raises(AccessDenied) as caught:
        keyed.fetch("DFF")
    text = error_text(caught.value)
    assert FAKE_FRED_KEY not in text and "***" in text
    assert FAKE_FRED_KEY not in error_text(caught.value.for_metric("fed_funds"))


# ------------------------------------------------------------------ the shared rate limiter


def test_one_limiter_for_the_whole_module():
    assert FRED_LIMITER_INTERVAL == 0.5
    keyless, keyed = FredSource(api_key=""), FredSource(api_key=FAKE_FRED_KEY)
    assert keyless.limiter is keyed.limiter is fred.FRED_LIMITER


FRED_LIMITER_INTERVAL = fred.FRED_LIMITER.min_interval


def test_rate_limiter_spaces_requests_across_both_modes(server, http):
    clock = FakeClock()
    limiter = RateLimiter(0.5, clock=clock, sleep=clock.sleep)
    server.reply(CSV_PATH, 200, p.FRED_CSV_CURRENT).reply(API_PATH, 200, p.FRED_XML)
    keyless = FredSource(api_key="", http=http, csv_url=server.url + CSV_PATH, limiter=limiter)
    keyed = FredSource(api_key=FAKE_FRED_KEY, http=http, api_root=server.url + "/fred", limiter=limiter)
    keyless.fetch("WALCL")
    keyed.fetch("DFF")
    keyless.fetch("WALCL")
    keyed.fetch("DFF")
    assert clock.sleeps == [0.5, 0.5, 0.5]  # at most 2 requests a second
    assert server.count() == 4


def test_retries_also_wait_for_the_limiter(server, http):
    clock = FakeClock()
    limiter = RateLimiter(0.5, clock=clock, sleep=clock.sleep)
    server.reply(CSV_PATH, 503, "busy").reply(CSV_PATH, 200, p.FRED_CSV_CURRENT)
    FredSource(api_key="", http=http, csv_url=server.url + CSV_PATH, limiter=limiter).fetch("WALCL")
    assert clock.sleeps == [0.5]


def test_a_refused_connection_keeps_no_trace_of_the_key(refused_url, http, no_limit):
    """requests' exception holds the URL with api_key=...; it must not even be chained."""
    source = FredSource(api_key=FAKE_FRED_KEY, http=http, api_root=refused_url + "/fred", limiter=no_limit)
    with pytest.raises(SourceUnavailable) as caught:
        source.fetch("DFF")
    assert caught.value.__context__ is None and caught.value.__cause__ is None
    assert FAKE_FRED_KEY not in error_text(caught.value)


# ------------------------------------------------------------------ ALFRED first releases


def test_first_releases_are_the_first_vintage_of_each_date(keyed, server):
    server.reply(API_PATH, 200, p.ALFRED_JSON)
    first = keyed.first_releases("WALCL")
    assert first.to_dict() == {
        pd.Timestamp("2002-12-18"): pd.Timestamp("2002-12-19"),
        pd.Timestamp("2002-12-25"): pd.Timestamp("2002-12-27"),
        pd.Timestamp("2003-01-01"): pd.Timestamp("2003-01-09"),  # the first vintage with a value
    }
    query = server.requests[0].query
    assert query["series_id"] == "WALCL" and query["file_type"] == "json"
    assert query["realtime_start"] == "1776-07-04" and query["realtime_end"] == "9999-12-31"


def test_first_releases_need_a_key_and_a_readable_answer(keyless, keyed, server):
    with pytest.raises(AccessDenied, match="API key"):
        keyless.first_releases("WALCL")
    assert server.requests == []
    server.reply(API_PATH, 200, p.FRED_XML_WRONG)
    with pytest.raises(BadPayload):
        keyed.first_releases("WALCL")
