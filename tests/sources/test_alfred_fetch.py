"""Fetching vintages against the loopback server, in the formats FRED answers in: the real GDP
recordings (pyfredapi cassettes: `series/observations` over all of real time, `series/vintagedates`)
served whole, in pages or in chunks; and the two faults of the issue, on hand-made payloads in the
real formats (payloads.py says which): FRED's refusal of more than 2,000 vintage dates, met by
chunks, and ALFRED's keyless answer with its latest vintage for a day that has none, refused."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from convex.sources import alfred
from convex.sources.alfred import NoSuchVintage
from convex.sources.base import AccessDenied, BadPayload, UnknownSymbol
from convex.sources.fred import FredSource
from convex.sources.vintages import parse_fred_vintages_json

from . import payloads as p
from .cassettes import cassette_bodies
from .helpers import FAKE_FRED_KEY

OBSERVATIONS = "/fred/series/observations"
VINTAGEDATES = "/fred/series/vintagedates"
ALFRED = "/graph/alfredgraph.csv"
CASSETTES = "vintages/fred_api_cassettes__pyfredapi"
T = pd.Timestamp


@pytest.fixture
def keyed(server, http, no_limit):
    return FredSource(api_key=FAKE_FRED_KEY, http=http, api_root=server.url + "/fred", limiter=no_limit)


@pytest.fixture
def keyless(server, http, no_limit):
    return FredSource(api_key="", http=http, alfred_url=server.url + ALFRED, limiter=no_limit)


@pytest.fixture
def gdp(shared_real):
    """The real GDP answers of 3 Nov 2024: every release, and the vintage dates."""
    every = cassette_bodies(shared_real / CASSETTES / "test_get_series_all_releases__pandas.yaml")[0]
    dates = cassette_bodies(shared_real / CASSETTES / "test_get_series_vintagedates.yaml")[0]
    return every, dates


def _answer(table: pd.DataFrame, count: int | None = None) -> str:
    """A table as FRED's `series/observations` JSON (9999-12-31 for a period still in force)."""
    rows = [
        (f"{d:%Y-%m-%d}", f"{s:%Y-%m-%d}", "9999-12-31" if pd.isna(e) else f"{e:%Y-%m-%d}",
         "." if pd.isna(v) else repr(v))
        for d, s, e, v in table.itertuples(index=False)
    ]  # fmt: skip
    return p.alfred_json(*rows, count=count)


def _clip(table: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp | None) -> pd.DataFrame:
    """What FRED answers for real time [start, end]: the periods that meet it, clipped to it."""
    ends = table["realtime_end"].fillna(T("2262-01-01"))
    meets = (table["realtime_start"] <= (end if end is not None else T("2262-01-01"))) & (ends >= start)
    part = table[meets].copy()
    part["realtime_start"] = part["realtime_start"].clip(lower=start)
    if end is not None:
        part["realtime_end"] = part["realtime_end"].fillna(end).clip(upper=end)
    return part.reset_index(drop=True)


def test_every_release_in_one_request(keyed, server, gdp):
    every, _ = gdp
    server.reply(OBSERVATIONS, 200, every)
    table, how = keyed.vintages("GDP")
    whole, _ = parse_fred_vintages_json(every, "GDP")
    pd.testing.assert_frame_equal(table, whole)
    assert how == "one request over the whole real-time period"
    query = server.requests[0].query
    asked = (query["series_id"], query["realtime_start"], query["realtime_end"])
    assert asked == ("GDP", "1776-07-04", "9999-12-31")
    assert query["file_type"] == "json" and query["api_key"] == FAKE_FRED_KEY


def test_a_large_answer_comes_in_pages(keyed, server, gdp, monkeypatch):
    every, _ = gdp
    whole, _ = parse_fred_vintages_json(every, "GDP")
    monkeypatch.setattr(alfred, "PAGE_LIMIT", 1000)
    for offset in range(0, len(whole), 1000):
        server.reply(OBSERVATIONS, 200, _answer(whole.iloc[offset : offset + 1000], count=len(whole)))
    table, _ = keyed.vintages("GDP")
    pd.testing.assert_frame_equal(table, whole)
    assert [r.query["offset"] for r in server.requests] == ["0", "1000", "2000", "3000"]


def test_more_than_2000_vintages_are_fetched_in_chunks_and_stitched(keyed, server, gdp, monkeypatch):
    every, listed = gdp
    whole, _ = parse_fred_vintages_json(every, "GDP")
    days = [T(d) for d in json.loads(listed)["vintage_dates"]]
    # FRED's limit is 2,000 vintage dates; GDP has 393, so the limit is lowered to 150 to need chunks.
    monkeypatch.setattr(alfred, "MAX_VINTAGES_PER_REQUEST", 150)
    starts = [days[0], days[150], days[300]]
    ends = [days[150] - pd.Timedelta(days=1), days[300] - pd.Timedelta(days=1), None]
    server.reply(OBSERVATIONS, 400, p.FRED_JSON_TOO_MANY_VINTAGES)
    for start, end in zip(starts, ends, strict=True):
        server.reply(OBSERVATIONS, 200, _answer(_clip(whole, start, end)))
    server.reply(VINTAGEDATES, 200, listed)
    table, how = keyed.vintages("GDP")
    pd.testing.assert_frame_equal(table, whole)
    assert how == "393 vintage dates fetched in 3 chunks of at most 150"
    asked = [(r.query["realtime_start"], r.query.get("realtime_end")) for r in server.requests]
    chunks = [
        (f"{start:%Y-%m-%d}", "9999-12-31" if end is None else f"{end:%Y-%m-%d}")
        for start, end in zip(starts, ends, strict=True)
    ]
    # The refused request, the vintage dates (from the same real-time start), then each chunk.
    assert [r.path for r in server.requests] == [OBSERVATIONS, VINTAGEDATES] + [OBSERVATIONS] * 3
    assert asked[:1] + asked[2:] == [("1776-07-04", "9999-12-31"), *chunks]


def test_vintage_dates_are_read_in_pages(keyed, server, monkeypatch):
    """A list longer than FRED's page (count says how long) is read page by page (hand-made answers)."""
    monkeypatch.setattr(alfred, "MAX_VINTAGES_PER_REQUEST", 2)
    server.reply(OBSERVATIONS, 400, p.FRED_JSON_TOO_MANY_VINTAGES)
    row = ("2024-01-01", "2024-02-13", "9999-12-31", "1.0")
    server.reply(OBSERVATIONS, 200, p.alfred_json(row))
    first = '{"count":3,"offset":0,"limit":10000,"vintage_dates":["2024-02-13","2024-03-12"]}'
    server.reply(VINTAGEDATES, 200, first)
    server.reply(VINTAGEDATES, 200, '{"count":3,"offset":10000,"limit":10000,"vintage_dates":["2024-04-10"]}')
    table, how = keyed.vintages("X")
    assert how == "3 vintage dates fetched in 2 chunks of at most 2" and len(table) == 1
    assert [r.query["offset"] for r in server.requests if r.path == VINTAGEDATES] == ["0", "10000"]


def test_new_vintages_are_asked_from_a_day_on(keyed, server, gdp):
    every, _ = gdp
    whole, _ = parse_fred_vintages_json(every, "GDP")
    server.reply(OBSERVATIONS, 200, _answer(_clip(whole, T("2024-09-26"), None)))
    table, _ = keyed.vintages("GDP", since=T("2024-09-26"))
    assert table["realtime_start"].min() == T("2024-09-26")
    assert server.requests[0].query["realtime_start"] == "2024-09-26"


def test_other_refusals_are_not_met_by_chunks(keyed, keyless, server):
    server.reply(OBSERVATIONS, 400, p.FRED_JSON_UNKNOWN)
    with pytest.raises(UnknownSymbol):
        keyed.vintages("NOPE")
    assert server.count(VINTAGEDATES) == 0
    with pytest.raises(AccessDenied, match="need a FRED API key"):
        keyless.vintages("GDP")
    server.routes.clear()
    server.reply(VINTAGEDATES, 200, '{"vintage_dates":[]}')
    server.reply(OBSERVATIONS, 400, p.FRED_JSON_TOO_MANY_VINTAGES)
    with pytest.raises(BadPayload, match="lists no vintage dates"):
        keyed.vintages("DFF")


def test_keyless_one_vintage_checks_the_day_alfred_answers_with(keyless, server):
    rows = [("2024-01-01", "309.685"), ("2024-02-01", ".")]
    server.reply(ALFRED, 200, p.alfred_csv("CPIAUCSL", "2024-02-13", *rows))
    table = keyless.vintage("CPIAUCSL", T("2024-02-13"))
    assert table["realtime_start"].tolist() == [T("2024-02-13")] and table["value"].tolist() == [309.685]
    assert server.requests[0].query == {"id": "CPIAUCSL", "vintage_date": "2024-02-13"}
    # A day without a vintage: ALFRED answers 200 with its latest vintage, under that vintage's day.
    server.routes.clear()
    server.reply(ALFRED, 200, p.alfred_csv("CPIAUCSL", "2026-09-11", ("2024-01-01", "309.698")))
    with pytest.raises(NoSuchVintage) as silent:
        keyless.vintage("CPIAUCSL", T("2024-02-14"))
    assert (silent.value.asked, silent.value.answered) == (T("2024-02-14"), T("2026-09-11"))
    assert "no vintage on 2024-02-14" in str(silent.value)
    for body, reason in [
        (p.alfred_csv("PAYEMS_CHG", "2024-02-13", ("2024-01-01", "353")), "other units"),
        ("observation_date,CPIAUCSL\n2024-01-01,309.685\n", "no SERIES_YYYYMMDD column"),
        (p.alfred_csv("UNRATE", "2024-02-13", ("2024-01-01", "3.7")), "not 'CPIAUCSL'"),
        (p.HTML_PAGE, "HTML"),
    ]:
        server.routes.clear()
        server.reply(ALFRED, 200, body)
        with pytest.raises(BadPayload, match=reason):
            keyless.vintage("CPIAUCSL", T("2024-02-13"))
