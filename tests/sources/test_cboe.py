"""CBOE daily history CSVs."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from convex.sources.base import AccessDenied, BadPayload, UnknownSymbol
from convex.sources.cboe import CboeSource, parse_cboe_csv

from . import payloads as p
from .helpers import assert_contract


def make(server, http):
    return CboeSource(http=http, base_url=server.url + "/daily_prices")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (p.CBOE_CSV_6, {"2020-03-13": 57.83, "2020-03-16": 82.69, "2020-03-17": 75.91}),
        (p.CBOE_CSV_2, {"1990-01-02": 17.24, "1990-01-03": 18.19}),
        (p.CBOE_CSV_SINGLE, {"2007-01-03": 87.63, "2007-01-04": 88.19, "2007-01-05": 90.17}),
        (p.CBOE_CSV_DUPLICATE_UNSORTED, {"2024-01-02": 13.2, "2024-01-04": 14.2}),
    ],
    ids=["6-decimals", "2-decimals", "single-column", "duplicate-unsorted"],
)
def test_parse_cboe_csv(text, expected):
    series = parse_cboe_csv(text, "VIX")
    assert_contract(series)
    assert series.to_dict() == {pd.Timestamp(k): v for k, v in expected.items()}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (p.CBOE_CSV_ALL_MISSING, "no observations"),
        (p.CBOE_CSV_NON_NUMERIC, "non-numeric value '13.2O'"),
        (p.CBOE_CSV_WRONG_COLUMNS, "expected a CSV starting with DATE"),
        (p.CBOE_CSV_TRUNCATED, "truncated"),
        ("DATE,OPEN,HIGH\n01/02/2024,1,2\n", "no CLOSE column"),
        ("DATE,OPEN,HIGH,LOW,CLOSE\n", "no observations"),
        ("DATE,OPEN,HIGH,LOW,CLOSE\n13/45/2024,1,1,1,1\n", "impossible date"),
        (p.HTML_PAGE, "HTML page"),
    ],
    ids=[
        "all-missing",
        "non-numeric",
        "wrong-columns",
        "truncated",
        "no-close",
        "header-only",
        "bad-date",
        "html",
    ],
)
def test_parse_cboe_csv_bad_payloads(text, reason):
    with pytest.raises(BadPayload, match=reason):
        parse_cboe_csv(text, "VIX")


def test_fetch_builds_the_history_url_and_filters_to_start(server, http):
    server.reply("/daily_prices/VIX_History.csv", 200, p.CBOE_CSV_6)
    series = make(server, http).fetch("^vix", date(2020, 3, 16))
    assert list(series) == [82.69, 75.91]
    assert server.requests[0].path == "/daily_prices/VIX_History.csv"


def test_cdn_403_is_access_denied_and_not_retried(server, http):
    server.reply("/daily_prices/VIX_History.csv", 403, p.CBOE_403_XML, {"Content-Type": "application/xml"})
    with pytest.raises(AccessDenied, match="cboe: VIX: access refused"):
        make(server, http).fetch("VIX")
    assert server.count() == 1


def test_missing_index_is_unknown(server, http):
    server.reply("/daily_prices/NOPE_History.csv", 404, p.CBOE_403_XML)
    with pytest.raises(UnknownSymbol):
        make(server, http).fetch("NOPE")


def test_invalid_symbols_never_reach_the_network(server, http):
    for bad in ["", "VIX/../x", "V I X"]:
        with pytest.raises(UnknownSymbol):
            make(server, http).fetch(bad)
    assert server.count() == 0
