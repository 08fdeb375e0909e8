"""Format drift: generated payloads (CSV rows half right, half wrong; JSON charts with odd points)
through every parser. Each must end in a typed refusal (SourceError, or UnreadableFile for files)
or in a series that keeps the contract AND stores and reads back exactly: a payload a parser
accepts must never be one the store cannot hold."""

from __future__ import annotations

import json
import string
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convex.data.importers import UnreadableFile, read_series_bytes
from convex.sources.base import SourceError
from convex.sources.cboe import parse_cboe_csv
from convex.sources.coingecko import parse_coingecko_csv, parse_market_chart
from convex.sources.fred import parse_fred_csv
from convex.sources.yahoo import parse_yahoo_csv
from convex.store import Store
from tests.sources.helpers import assert_contract

EXAMPLES = 250
SETTINGS = dict(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

iso = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(lambda d: d.isoformat())
us = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)).map(
    lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}"
)
odd_dates = st.sampled_from(
    ["", "2024-02-30", "2024-13-01", "0000-01-01", "2024-1-1", "2024/01/02", "02/30/2024", "13/01/2024",
     "2024-01-02T00:00:00Z", "2024-01-02 23:59:59+05:00", "yesterday", "1e9", "NaN", "\ufeff2024-01-02"]
)  # fmt: skip
numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(
        ["", ".", "NaN", "null", "n/a", "#N/A", "inf", "-inf", "1e999", "1,5", "$12", "12%", " 3 "]
    ),
    st.text(alphabet=string.printable, max_size=8),
)
dates = st.one_of(iso, iso, us, odd_dates, st.text(alphabet=string.printable, max_size=12))


def rows(n_cols: int) -> st.SearchStrategy[list[list[str]]]:
    return st.lists(
        st.tuples(dates, st.lists(numbers, min_size=n_cols - 1, max_size=n_cols - 1)).map(
            lambda r: [r[0], *r[1]]
        ),
        max_size=30,
    )


def csv(header: list[str], body: list[list[str]], sep: str = ",") -> str:
    return "\n".join(sep.join(cells) for cells in [header, *body]) + "\n"


def refused_or_stored(parse, outcomes: dict, tmp_path, refusal=SourceError) -> None:
    """Count one payload as refused (a typed error) or parsed (and then it must store exactly)."""
    try:
        series = parse()
    except refusal:
        outcomes["refused"] += 1
        return
    survives_the_store(series, tmp_path)
    outcomes["parsed"] += 1


def survives_the_store(series: pd.Series, tmp_path) -> None:
    """A parsed series keeps the contract, and the store gives back exactly what was written."""
    assert_contract(series)
    store = Store(tmp_path / "fuzz.sqlite3")
    store.write_series("fuzz", series, provenance="import", source="test")
    back = store.read_series("fuzz")
    assert back.index.equals(series.index)
    assert np.array_equal(back.to_numpy(), series.to_numpy())


HEADERS = {
    "fred": (["observation_date", "WALCL"], lambda text: parse_fred_csv(text, "WALCL")),
    "fred old": (["DATE", "WALCL"], lambda text: parse_fred_csv(text, "WALCL")),
    "cboe": (["DATE", "OPEN", "HIGH", "LOW", "CLOSE"], lambda text: parse_cboe_csv(text, "VIX")),
    "coingecko": (
        ["snapped_at", "price", "market_cap", "total_volume"],
        lambda t: parse_coingecko_csv(t, "bitcoin"),
    ),
    "yahoo classic": (
        ["Date", "Open", "High", "Low", "Close", "Adj Close", "Volume"],
        lambda text: parse_yahoo_csv(text, "SPY"),
    ),
    "yahoo close": (["Date", "Close", "Volume"], lambda text: parse_yahoo_csv(text, "SPY")),
}


@pytest.mark.parametrize("layout", list(HEADERS))
def test_source_csv_parsers_refuse_or_give_a_storable_series(layout, tmp_path, count):
    header, parse = HEADERS[layout]
    outcomes = {"refused": 0, "parsed": 0}

    @settings(**SETTINGS)
    @given(body=rows(len(header)), sep=st.sampled_from([",", ",", ",", ";", "\t"]))
    def one(body, sep):
        refused_or_stored(lambda: parse(csv(header, body, sep)), outcomes, tmp_path)

    one()
    assert outcomes["parsed"] and outcomes["refused"], outcomes  # both paths were exercised
    count("payloads_fuzzed", sum(outcomes.values()))


def test_coingecko_market_chart_refuses_or_gives_a_storable_series(tmp_path, count):
    point = st.one_of(
        st.tuples(
            st.integers(min_value=-(10**14), max_value=10**14),
            st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.none(), st.just("1.5")),
        ).map(list),
        st.just([]),
        st.just(["x", 1]),
        st.just(None),
    )
    payload = st.one_of(
        st.fixed_dictionaries({"prices": st.lists(point, max_size=20)}).map(json.dumps),
        st.fixed_dictionaries({"prices": st.lists(point, max_size=20)}),
        st.sampled_from(['{"prices": "soon"}', "[]", "null", '{"status": {"error_code": 429}}', "{", ""]),
    )
    outcomes = {"refused": 0, "parsed": 0}

    @settings(**SETTINGS)
    @given(payload=payload)
    def one(payload):
        refused_or_stored(lambda: parse_market_chart(payload, "bitcoin"), outcomes, tmp_path)

    one()
    assert outcomes["parsed"] and outcomes["refused"], outcomes
    count("payloads_fuzzed", sum(outcomes.values()))


def test_imported_files_refuse_or_give_a_storable_series(tmp_path, count):
    header = st.sampled_from([h for h, _ in HEADERS.values()] + [["date", "value"], ["Date", "Price"]])
    outcomes = {"refused": 0, "parsed": 0}

    @settings(**SETTINGS)
    @given(data=st.data())
    def one(data):
        head = data.draw(header)
        body = data.draw(rows(len(head)))
        raw = csv(head, body).encode(data.draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1"])), "replace")
        refused_or_stored(
            lambda: read_series_bytes(raw, name="fuzz.csv").series, outcomes, tmp_path, UnreadableFile
        )

    one()
    assert outcomes["parsed"] and outcomes["refused"], outcomes
    count("payloads_fuzzed", sum(outcomes.values()))
