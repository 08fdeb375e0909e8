"""Source faults end to end: every source x every fault of the fault matrix, through the loader and
through the compare page, with data already stored.

The fault matrix (tests/sources/test_fault_matrix.py) proves each fault becomes a typed SourceError.
Here the same faulty sources (the same loopback payloads and yfinance fakes) sit behind the loader
and behind the page: the stored data must be served, whole and untouched, marked stale with the
reason; the page must show it with a visible stale / "source failed" notice and no exception; and a
worse fetch (empty, or far shorter than what is stored) never replaces stored data.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
import yfinance

import convex.sources
from convex.data.loader import WORSE_FETCH_SHARE, Loader
from convex.metrics.catalog import catalog
from convex.sources.base import (
    AccessDenied,
    BadPayload,
    RateLimited,
    SourceUnavailable,
    UnknownSymbol,
)
from convex.sources.yahoo import YahooSource
from convex.store import Store
from tests.fakes import FakeSource, synthetic_series
from tests.sources.conftest import make_client
from tests.sources.test_fault_matrix import (
    ATTEMPTS,
    EXPECTED,
    FAULTS,
    HARNESSES,
    YAHOO,
    YAHOO_EXPECTED,
    _serve,
)
from tests.sources.test_yahoo import FakeDownload

from .helpers import STALE_AGE, fill_store, run_compare, today, warnings

# The fault matrix's sources, each with the catalog metric whose symbol it serves.
SOURCE_METRIC = {
    "fred_csv": "walcl",
    "fred_api": "dff",
    "coingecko": "btc",
    "coingecko_key": "btc",
    "cboe": "vix",
    "yahoo": "spy",
}
PARTNER = "gld"  # the other side of the pair on the page (run_compare's default): stored, fresh
TYPED_ERRORS = (SourceUnavailable, RateLimited, UnknownSymbol, AccessDenied, BadPayload)


class Recording:
    """Wraps a source and keeps every error its fetch raised (the loader never re-raises them)."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.raised: list[BaseException] = []
        self.calls = 0

    def fetch(self, symbol, start=None):
        self.calls += 1
        try:
            return self.inner.fetch(symbol, start)
        except BaseException as exc:
            self.raised.append(exc)
            raise


class Unexpected(FakeSource):
    """Any fetch from it is a test failure: shows up as an error on the page and in `calls`."""

    def fetch(self, symbol, start=None):
        self.calls.append((symbol, start))
        raise SourceUnavailable(self.name, symbol, "this test did not expect a fetch")


def faulty_source(kind: str, fault: str, server, refused_url: str, monkeypatch) -> tuple[Recording, type]:
    """The matrix's source `kind` answering with `fault`, and the SourceError type it must raise."""
    # Only the "timeout" fault needs a short timeout; elsewhere a loaded CI machine must not turn a
    # slow loopback answer into a different fault.
    http = make_client([], timeout=0.3 if fault == "timeout" else 5.0, attempts=ATTEMPTS)
    if kind == "yahoo":
        monkeypatch.setattr(yfinance, "download", FakeDownload(YAHOO[fault]))
        expected = YAHOO_EXPECTED.get(fault) or EXPECTED.get(fault, BadPayload)
        return Recording(YahooSource(http=http)), expected
    harness = HARNESSES[kind]
    return Recording(harness.make(_serve(harness, fault, server, refused_url), http)), harness.expect(fault)


def store_stale(metric_id: str, *, provenance: str = "live", years: float = 3) -> tuple[pd.Series, Store]:
    store = Store()
    source = catalog().get(metric_id).source
    written = fill_store({metric_id: source}, years=years, age=STALE_AGE, provenance=provenance, store=store)
    return written[metric_id], store


def assert_untouched(store: Store, metric_id: str, series: pd.Series, meta_before) -> None:
    pd.testing.assert_series_equal(store.read_series(metric_id), series, check_names=False, check_freq=False)
    meta = store.meta(metric_id)
    assert (meta.points, meta.first_date, meta.last_date, meta.fetched_at, meta.provenance) == (
        meta_before.points,
        meta_before.first_date,
        meta_before.last_date,
        meta_before.fetched_at,
        meta_before.provenance,
    )


# ------------------------------------------------------------------------------ the loader
@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("kind", list(SOURCE_METRIC))
def test_loader_serves_stored_data_stale_with_the_reason(
    kind, fault, server, refused_url, monkeypatch, count
):
    metric_id = SOURCE_METRIC[kind]
    stored, store = store_stale(metric_id)
    meta_before = store.meta(metric_id)
    source, expected = faulty_source(kind, fault, server, refused_url, monkeypatch)

    loaded = Loader(store, sources={source.name: source}, offline=False).load(metric_id)

    assert source.calls == 1 and len(source.raised) == 1
    error = source.raised[0]
    assert type(error) is expected, repr(error)
    assert loaded.stale and loaded.provenance == "live"
    assert loaded.stale_reason == f"the last refresh failed: {error}"
    assert str(error).startswith(f"{source.name}: {metric_id} (")  # names the metric and the source
    pd.testing.assert_series_equal(loaded.series, stored, check_names=False, check_freq=False)
    assert_untouched(store, metric_id, stored, meta_before)
    assert store.meta(metric_id).last_error == str(error)

    # Within the retry pause, the next load neither fetches again nor forgets why the data is stale.
    again = Loader(store, sources={source.name: source}, offline=False).load(metric_id)
    assert source.calls == 1
    assert again.stale and again.stale_reason == loaded.stale_reason
    count("faults_held_loader")


# ------------------------------------------------------------------------------- the page
@pytest.fixture
def online(monkeypatch):
    """Pages may fetch (CONVEX_OFFLINE unset), but only from the sources a test hands them."""
    monkeypatch.delenv("CONVEX_OFFLINE", raising=False)
    sources: dict[str, object] = {}
    unexpected = {name: Unexpected(name=name) for name in ("fred", "yahoo", "coingecko", "cboe")}
    monkeypatch.setattr(convex.sources, "get_source", lambda name: sources.get(name) or unexpected[name])
    yield sources
    for fake in unexpected.values():
        assert fake.calls == [], f"unexpected fetch from {fake.name}: {fake.calls}"


def assert_page_shows_stale(at, metric_id: str, reason: str) -> None:
    name = catalog().get(metric_id).name
    assert at.title[0].value.startswith(name)
    assert any(m.label == name for m in at.metric), "the stored data is shown"
    notices = [w for w in warnings(at) if w.startswith(f"{name}: showing stored data")]
    assert len(notices) == 1, warnings(at)
    assert reason in notices[0]
    badges = " ".join(m.value for m in at.markdown)
    assert "source failed" in badges


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("kind", list(SOURCE_METRIC))
def test_compare_page_shows_stored_data_with_a_source_failed_notice(
    kind, fault, server, refused_url, monkeypatch, online, count
):
    metric_id = SOURCE_METRIC[kind]
    stored, store = store_stale(metric_id, years=1.5)
    fill_store({PARTNER: "yahoo"}, years=1.5, store=store)  # fresh: the page must not fetch it
    source, expected = faulty_source(kind, fault, server, refused_url, monkeypatch)
    online[source.name] = source

    at = run_compare(metric_id)

    assert source.calls == 1 and type(source.raised[0]) is expected
    reason = str(source.raised[0])
    assert_page_shows_stale(at, metric_id, f"the last refresh failed: {reason}")
    pd.testing.assert_series_equal(store.read_series(metric_id), stored, check_names=False, check_freq=False)
    count("faults_held_page")


@pytest.mark.parametrize("error_type", TYPED_ERRORS)
def test_nothing_stored_and_no_sample_is_a_reason_not_an_exception(error_type, online, count):
    # walcl has no offline sample: the page must say why there is nothing to compare.
    fill_store({PARTNER: "yahoo"})
    online["fred"] = FakeSource(
        name="fred", errors={"WALCL": error_type("fred", "WALCL", "it broke (HTTP 4xx)")}
    )
    at = run_compare("walcl")
    infos = [i.value for i in at.info]
    assert any("No data to compare yet" in i and "it broke (HTTP 4xx)" in i for i in infos), infos
    assert not at.metric
    assert not Store().meta("walcl").has_data
    count("faults_held_page_nothing_stored")


# ------------------------------------------------------------------- worse fetches
def _short(series: pd.Series, share: float) -> pd.Series:
    return series.iloc[-max(0, int(len(series) * share)) :] if share else series.iloc[:0]


@pytest.mark.parametrize("provenance", ["import", "sample"])
@pytest.mark.parametrize("share", [0.0, 0.01, 0.2, WORSE_FETCH_SHARE - 0.01])
def test_a_worse_full_fetch_never_replaces_what_is_stored(provenance, share, count):
    stored, store = store_stale("dgs10", provenance=provenance, years=4)
    meta_before = store.meta("dgs10")
    fred = FakeSource(name="fred", data={"DGS10": _short(stored * 1.01, share)})
    loader = Loader(store, sources={"fred": fred}, offline=False)

    outcome = loader.refresh("dgs10")
    assert outcome.status == "stale"
    assert "kept the stored data" in outcome.reason
    assert_untouched(store, "dgs10", stored, meta_before)

    loaded = loader.load("dgs10")
    assert loaded.stale and "kept the stored data" in loaded.stale_reason
    assert loaded.provenance == provenance
    pd.testing.assert_series_equal(loaded.series, stored, check_names=False, check_freq=False)
    count("worse_fetches_refused")


def test_a_full_fetch_at_least_half_as_long_replaces_imported_data():
    stored, store = store_stale("dgs10", provenance="import", years=4)
    fetched = stored.iloc[len(stored) // 2 :] * 1.01
    fred = FakeSource(name="fred", data={"DGS10": fetched})
    outcome = Loader(store, sources={"fred": fred}, offline=False).refresh("dgs10")
    assert outcome.status == "updated"
    pd.testing.assert_series_equal(store.read_series("dgs10"), fetched, check_names=False, check_freq=False)
    assert store.meta("dgs10").provenance == "live"


@pytest.mark.parametrize("returned", ["empty", "one point", "only the overlap"])
def test_an_incremental_refresh_never_loses_live_history(returned, count):
    stored, store = store_stale("dgs10", years=4)
    answer = {
        "empty": stored.iloc[:0],
        "one point": stored.iloc[-1:] + 0.5,
        "only the overlap": stored.iloc[-5:] + 0.25,
    }[returned]
    fred = FakeSource(name="fred", data={"DGS10": answer})
    loader = Loader(store, sources={"fred": fred}, offline=False)
    loader.refresh("dgs10")
    after = store.read_series("dgs10")
    assert after.index.equals(stored.index), "no stored date may be lost"
    expected = stored.copy()
    expected.loc[answer.index] = answer.to_numpy()
    pd.testing.assert_series_equal(after, expected, check_names=False, check_freq=False)
    assert store.meta("dgs10").points == len(stored)
    count("worse_fetches_refused")


def test_the_page_shows_a_refused_worse_fetch_as_stale(online, count):
    stored, store = store_stale("dgs10", provenance="import", years=4)
    fill_store({PARTNER: "yahoo"}, store=store)
    online["fred"] = FakeSource(name="fred", data={"DGS10": stored.iloc[-10:] * 1.01})
    at = run_compare("dgs10")
    name = catalog().get("dgs10").name
    notices = [w for w in warnings(at) if w.startswith(f"{name}: showing stored data")]
    assert len(notices) == 1 and "kept the stored data" in notices[0], warnings(at)
    pd.testing.assert_series_equal(store.read_series("dgs10"), stored, check_names=False, check_freq=False)
    count("worse_fetches_refused")


def test_stale_data_is_retried_after_the_pause_and_recovers(count):
    """After a failure the loader waits, then tries again; a good answer clears the stale mark."""
    from tests.fakes import FakeClock

    clock = FakeClock(datetime.now(UTC))
    stored, store = store_stale("dgs10", years=2)
    fred = FakeSource(name="fred", errors={"DGS10": RateLimited("fred", "DGS10", "rate limited (HTTP 429)")})
    loader = Loader(store, sources={"fred": fred}, offline=False, clock=clock)
    assert loader.load("dgs10").stale
    clock.advance(minutes=11)
    fred.errors.clear()
    newer = synthetic_series(
        "dgs10", years=2, seed=0, end=(today() + pd.Timedelta(days=3)).strftime("%Y-%m-%d")
    )
    fred.data["DGS10"] = newer
    loaded = loader.load("dgs10")
    assert not loaded.stale and loaded.stale_reason is None
    assert len(fred.calls) == 2
    assert store.meta("dgs10").last_error is None
    assert loaded.series.index[0] == stored.index[0], "incremental: old history kept"
