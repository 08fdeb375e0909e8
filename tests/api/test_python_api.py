"""The Python API (`import convex`) gives the figures the command line and the pages give, reads the
store only, and says what is wrong with an argument by name."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

import convex
import convex.sources
from convex.analytics.align import CHANGE_A, CHANGE_B
from convex.api.params import ParamError
from convex.cli import main
from convex.content import CandidateSeries
from convex.data.loaded import NoDataError
from convex.data.loader import Loader
from convex.jobs import screening
from convex.metrics.metric import InvalidFormulaError, UnknownMetricError
from convex.store import Store

from .helpers import UPLOAD_NAME, fill


@pytest.fixture
def store() -> Store:
    store = Store()
    store.upload_id = fill(store)  # type: ignore[attr-defined]
    return store


def cli_json(capsys, *args: str) -> dict:
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def plain(document: dict) -> dict:
    """What a JSON reader gets: the Python dictionary as it would arrive after json.dumps."""
    return json.loads(json.dumps(document, allow_nan=False))


# Weekly against daily with a publication lag, two daily markets, a formula, the offline samples on
# two exact dates, and an upload kept in the store.
PAIRS = [
    ("walcl", "tlt", "5Y"),
    ("spy", "gld", "3Y"),
    ("f:spy/tlt", "dgs10", "Max"),
    ("spx", "ixic", "2008-09-01..2009-03-31"),
    ("UPLOAD", "walcl", "1Y"),
]


@pytest.mark.parametrize(("a", "b", "lookback"), PAIRS)
def test_compare_gives_exactly_what_convex_stats_json_prints(backend, store, capsys, a, b, lookback):
    a = store.upload_id if a == "UPLOAD" else a
    printed = cli_json(capsys, "stats", a, b, "--lookback", lookback)
    result = convex.compare(a, b, lookback=lookback)
    assert plain(result.to_dict()) == printed
    # ...and those are real figures of this pair, not a shared mistake: checked against pandas.
    frame = result.aligned
    assert result.n == len(frame) > 20 and (result.start, result.end) == (frame.index[0], frame.index[-1])
    assert result.r == pytest.approx(frame[CHANGE_A].corr(frame[CHANGE_B]), abs=1e-12)
    assert printed["correlation"]["changes"] == pytest.approx(result.r, abs=1e-15)
    assert printed["regression"]["beta"] == result.beta and printed["summary"] == str(result.summary())


def test_the_window_can_be_given_as_two_dates_or_a_lookback_in_any_case(store):
    by_text = convex.compare("spy", "gld", dates="2022-03-01..2022-06-30")
    by_pair = convex.compare("spy", "gld", dates=(pd.Timestamp("2022-03-01"), "2022-06-30"))
    assert by_text.to_dict() == by_pair.to_dict() and by_text.lookback == "2022-03-01..2022-06-30"
    assert (by_text.start, by_text.end) == (pd.Timestamp("2022-03-01"), pd.Timestamp("2022-06-30"))
    assert convex.compare("spy", "gld", "max").lookback == "Max"


def test_scenario_gives_exactly_what_convex_scenario_json_prints(store, capsys):
    args = ("scenario", "walcl", "tlt", "--move=-1%", "--horizon", "13w", "--lookback", "Max")
    printed = cli_json(capsys, *args)
    result = convex.scenario("walcl", "tlt", move="-1%", horizon="13w", lookback="Max")
    assert plain(result.to_dict()) == printed
    assert (result.move, result.horizon) == (-0.01, 13)
    episodes = result.episodes
    assert len(episodes) == result.event_study.n_episodes and (episodes["a_move"] <= -0.01).all()
    # A bare number is in % for a metric that moves in %, as on the page: -1 is -1%.
    assert plain(convex.scenario("walcl", "tlt", -1, 13, "Max").to_dict()) == printed


def test_screen_is_the_screener_pages_ranking(store):
    # The candidates as the page reads them (convex/ui/related.py): every stored series, no fetching.
    stored = Loader(store, offline=True).stored()
    candidates = {
        i: CandidateSeries(s.series, s.metric, s.frequency, s.provenance) for i, s in stored.items()
    }
    # Read the day after the synthetic data end (2026-11-18): the screen ranks the present.
    day = pd.Timestamp("2026-11-19")
    page = screening.rank(screening.screen(candidates, "13W", "3Y"), candidates, screening.ScreenFilters(),
                          as_of=day)  # fmt: skip
    frame = convex.screen(as_of="2026-11-19")
    assert list(frame["a"]) == list(page.table["a"]) and list(frame["b"]) == list(page.table["b"])
    np.testing.assert_array_equal(frame["pvalue"].to_numpy(float), page.table["pvalue"].to_numpy(float))
    assert frame.attrs["tested"] == page.tested and frame.attrs["discoveries"] == page.discoveries
    # Each link opens the pair on the compare page on exactly both windows.
    first = frame.iloc[0]
    assert first["link"].startswith(f"./?a={first['a']}&b={first['b']}&dates=")


def test_series_is_the_stored_series_with_where_it_comes_from(store):
    whole = convex.series("tlt")
    pd.testing.assert_series_equal(whole, store.read_series("tlt").rename("tlt"), check_freq=False)
    assert whole.attrs["provenance"] == "live" and whole.attrs["stale"] is False
    assert whole.attrs["fetched_at"] == pd.Timestamp(store.meta("tlt").fetched_at)
    assert whole.attrs["age"] >= pd.Timedelta(0)
    part = convex.series("tlt", "2024-01-01", "2024-01-31")
    assert part.index.min() >= pd.Timestamp("2024-01-01") and part.index.max() <= pd.Timestamp("2024-01-31")
    assert part.equals(whole["2024-01-01":"2024-01-31"])
    ratio = convex.series("f:spy/tlt")
    assert ratio.attrs["name"] == "SPY / TLT" and ratio.attrs["provenance"] == "live"
    upload = convex.series(store.upload_id)
    assert upload.attrs["name"] == UPLOAD_NAME and upload.attrs["provenance"] == "import"


def test_list_metrics_is_the_catalog_with_what_is_stored(store):
    metrics = convex.list_metrics()
    assert metrics.loc["walcl", "provenance"] == "live" and pd.isna(metrics.loc["btc", "provenance"])
    assert set(convex.list_metrics(domain="rates")["domain"]) == {"Rates"}  # any case, as a link


@pytest.mark.parametrize(
    ("call", "error", "parameter"),
    [
        (lambda: convex.compare("walcl", "nope"), UnknownMetricError, None),
        (lambda: convex.compare("walcl", "f:walcl + tlt"), InvalidFormulaError, None),
        (lambda: convex.compare("walcl", "btc"), NoDataError, None),
        (lambda: convex.compare("walcl", "walcl"), ParamError, "b"),
        (lambda: convex.compare("walcl", "tlt", lookback="7Y"), ParamError, "lookback"),
        (lambda: convex.compare("walcl", "tlt", dates="2022-06-30..2022-03-01"), ParamError, "dates"),
        (lambda: convex.compare("walcl", "tlt", rolling_window=7), ParamError, "rolling_window"),
        (lambda: convex.compare("walcl", "tlt", stats_window="2W"), ParamError, "stats_window"),
        (lambda: convex.scenario("walcl", "tlt", move="-2bp"), ParamError, "move"),
        (lambda: convex.scenario("walcl", "tlt", horizon="21d"), ParamError, "horizon"),
        (lambda: convex.scenario("walcl", "tlt", horizon=253), ParamError, "horizon"),
        (lambda: convex.series("tlt", "2024-02-01", "2024-01-01"), ParamError, "end"),
        (lambda: convex.series("tlt", "not a date"), ParamError, "start"),
        (lambda: convex.series("x" * 300), ParamError, "metric"),
        (lambda: convex.screen("2W"), ParamError, "recent"),
        (lambda: convex.screen(frequencies=["hourly"]), ParamError, "freq"),
        (lambda: convex.screen(min_points=1), ParamError, "min_points"),
    ],
)
def test_a_wrong_argument_raises_an_error_naming_it(store, call, error, parameter):
    with pytest.raises(error) as raised:
        call()
    if parameter is not None:
        assert raised.value.parameter == parameter and str(raised.value).startswith(f"{parameter}: ")


def test_the_python_api_never_fetches_nor_writes(backend, store, monkeypatch):
    # On SQLite and on a PostgreSQL store shared by replicas alike.
    # Online, with sources that would answer: a page view would fetch what is missing or stale.
    monkeypatch.delenv("CONVEX_OFFLINE", raising=False)
    monkeypatch.setattr(convex.sources, "get_source", lambda name: pytest.fail(f"fetched from {name}"))
    before = (store.version(), store.all_meta(), store.attempts())
    convex.compare("walcl", "tlt")
    convex.series("spx")  # no data stored: the offline sample, not written into the store
    with pytest.raises(NoDataError):
        convex.series("btc")
    convex.screen()
    assert (store.version(), store.all_meta(), store.attempts()) == before


def test_a_result_shows_itself_in_a_notebook_with_user_text_escaped(store):
    result = convex.compare(store.upload_id, "spy", "1Y")
    summary = result.summary()
    assert repr(summary) == str(summary)
    # The synthetic data end 2026-11-18: read later than two weekdays after, they are the latest year held.
    assert re.match(
        rf"{re.escape(UPLOAD_NAME)} vs S&P 500 ETF \(SPY\) over the (last year|latest year held) \(", summary
    )
    page = result._repr_html_()
    assert html.escape(UPLOAD_NAME) in page and UPLOAD_NAME not in page  # & and ' escaped

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.cells: list[str] = []

        def handle_data(self, data):
            self.cells.append(data)

    parsed = Cells()
    parsed.feed(page)
    assert "Correlation of changes" in parsed.cells
    assert f"{result.correlation.n_changes:,}" in parsed.cells
    assert repr(result).startswith(f"<Comparison {store.upload_id} vs spy, 1Y: ")
