"""CoinGecko market_chart: days, the key header, parsing, and CoinGecko's error bodies."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from convex.sources.base import AccessDenied, BadPayload, RateLimited, UnknownSymbol
from convex.sources.coingecko import KEY_HEADER, CoinGeckoSource, parse_coingecko_csv, parse_market_chart

from . import payloads as p
from .helpers import FAKE_CG_KEY, assert_contract, error_text

PATH = "/api/v3/coins/bitcoin/market_chart"
TODAY = date(2025, 11, 20)


def make(server, http, api_key=""):
    return CoinGeckoSource(api_key=api_key, http=http, base_url=server.url + "/api/v3", today=lambda: TODAY)


def test_parse_market_chart_dates_each_midnight_snapshot_by_the_day_it_closes():
    series = parse_market_chart(p.CG_CHART, "bitcoin")
    assert_contract(series)
    assert series.to_dict() == {
        pd.Timestamp("2023-06-21"): 30_000.5,  # the snapshot at 00:00 UTC on the 22nd
        pd.Timestamp("2023-06-22"): 29_935.632,
        pd.Timestamp("2023-06-23"): 30_629.244,
        pd.Timestamp("2023-06-24"): 30_702.985,  # the intraday "now" point: the 24th so far
    }


def test_a_snapshot_near_midnight_is_that_midnights_and_a_running_price_its_own_days():
    midnight = p.MS_2023_06_22
    points = [
        [midnight - 30 * 60_000, 1.0],  # 23:30 on the 21st: the 21st's close
        [midnight + 5 * 60_000, 2.0],  # 00:05 on the 22nd: the 21st's close too, and later
        [midnight + 6 * 3_600_000, 3.0],  # 06:00 on the 22nd: a running price of the 22nd
        [midnight + p.DAY_MS, None],
    ]
    series = parse_market_chart(p.market_chart(points), "bitcoin")
    assert series.to_dict() == {pd.Timestamp("2023-06-21"): 2.0, pd.Timestamp("2023-06-22"): 3.0}


def test_parse_market_chart_filters_to_start():
    series = parse_market_chart(p.CG_CHART, "bitcoin", start=date(2023, 6, 23))
    assert list(series.index.day) == [23, 24]


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (p.CG_CHART_ALL_MISSING, "no observations"),
        (p.CG_CHART_NON_NUMERIC, "non-numeric price"),
        (p.CG_CHART_WRONG, "no 'prices'"),
        (p.CG_CHART_EMPTY, "no observations"),
        (p.CG_CHART_TRUNCATED, "unreadable JSON"),
        (p.HTML_PAGE, "HTML page"),
        ("", "empty"),
        ('{"prices": "soon"}', "not a list"),
        ('{"prices": [[1687392000000]]}', "not \\[milliseconds, value\\]"),
        ("[1, 2]", "JSON object"),
        ('{"prices": [[-62135593200000, 0.0]]}', "impossible date"),  # year 1, found by fuzzing
    ],
    ids=[
        "all-missing",
        "non-numeric",
        "no-prices",
        "empty-list",
        "truncated",
        "html",
        "empty",
        "prices-str",
        "short-point",
        "array",
        "year-one",
    ],
)
def test_parse_market_chart_bad_payloads(payload, reason):
    with pytest.raises(BadPayload, match=reason):
        parse_market_chart(payload, "bitcoin")


def test_parse_coingecko_csv_export():
    series = parse_coingecko_csv(p.CG_CSV, "bitcoin")
    assert_contract(series)
    # "2010-07-18 00:00:00 UTC": the close of the 17th.
    assert series.iloc[0] == 0.09 and series.index[0] == pd.Timestamp("2010-07-17")


def test_keyless_clamps_days_to_365_and_sends_no_key(server, http):
    server.reply(PATH, 200, p.CG_CHART)
    source = make(server, http)
    source.fetch("bitcoin", date(2015, 1, 1))
    request = server.requests[0]
    assert request.query == {"vs_currency": "usd", "days": "365", "interval": "daily"}
    assert KEY_HEADER not in {k.lower() for k in request.headers}
    assert source.days_for(None) == "365"
    assert source.days_for(date(2025, 11, 11)) == "10"


def test_key_sends_the_header_and_asks_for_more_days(server, http):
    server.reply(PATH, 200, p.CG_CHART)
    source = make(server, http, api_key=FAKE_CG_KEY)
    source.fetch("Bitcoin", date(2023, 6, 1))
    request = server.requests[0]
    assert request.query["days"] == str((TODAY - date(2023, 6, 1)).days + 1) == "904"
    assert request.headers[KEY_HEADER] == FAKE_CG_KEY
    assert source.days_for(None) == "max"


def test_key_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("COINGECKO_API_KEY", FAKE_CG_KEY)
    assert CoinGeckoSource().api_key == FAKE_CG_KEY


def test_429_body_is_rate_limited_and_retried(server, http, sleeps):
    server.reply(PATH, 429, p.CG_429, {"Retry-After": "3"}).reply(PATH, 200, p.CG_CHART)
    assert len(make(server, http).fetch("bitcoin")) == 4
    assert sleeps == [3.0]


def test_429_gives_up_at_the_limit(server, http):
    server.reply(PATH, 429, p.CG_429)
    with pytest.raises(RateLimited, match="coingecko: bitcoin: rate limited"):
        make(server, http).fetch("bitcoin")
    assert server.count() == 3


def test_range_limit_is_access_denied_with_a_clear_reason(server, http):
    server.reply(PATH, 401, p.CG_401_RANGE)
    with pytest.raises(AccessDenied, match="keyless CoinGecko is limited to 365 days") as caught:
        make(server, http, api_key=FAKE_CG_KEY).fetch("bitcoin", date(2015, 1, 1))
    assert server.count() == 1
    assert FAKE_CG_KEY not in error_text(caught.value)


def test_unknown_coin(server, http):
    server.reply("/api/v3/coins/not-a-coin/market_chart", 404, p.CG_404)
    with pytest.raises(UnknownSymbol, match="no coin with this id"):
        make(server, http).fetch("not-a-coin")
    assert server.count() == 1


def test_rate_limit_inside_a_200_answer():
    with pytest.raises(RateLimited):
        parse_market_chart(json.loads(p.CG_429), "bitcoin")


def test_invalid_coin_ids_never_reach_the_network(server, http):
    for bad in ["", "bit coin", "../x", "bitcoin?x=1"]:
        with pytest.raises(UnknownSymbol):
            make(server, http).fetch(bad)
    assert server.count() == 0
