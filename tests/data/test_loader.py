from datetime import UTC, date, datetime

import pandas as pd
import pytest

from convex.data.loaded import LoadedSeries, NoDataError
from convex.data.loader import Loader
from convex.metrics.catalog import catalog
from convex.sources.base import BadPayload, SourceUnavailable
from convex.store import Store
from tests.fakes import FakeClock, FakeSource, synthetic_series

# Loader and subscriptions over both store backends (SQLite, PostgreSQL).
pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def fred():
    return FakeSource(name="fred")


@pytest.fixture
def yahoo():
    return FakeSource(name="yahoo")


def make_loader(clock, offline=False, **sources):
    return Loader(Store(), sources=sources, offline=offline, clock=clock)


def test_nothing_stored_fetches_full_history_and_stores_live(clock, fred):
    fred.data["DGS10"] = synthetic_series("dgs10")
    loaded = make_loader(clock, fred=fred).load("dgs10")
    assert fred.calls == [("DGS10", date(1990, 1, 1))]
    assert loaded.provenance == "live" and not loaded.stale
    pd.testing.assert_series_equal(loaded.series, fred.data["DGS10"], check_names=False)


def test_fresh_data_is_served_without_fetching(clock, fred):
    fred.data["DGS10"] = synthetic_series("dgs10")
    loader = make_loader(clock, fred=fred)
    loader.load("dgs10")
    clock.advance(hours=2)
    loader.load("dgs10")
    assert len(fred.calls) == 1


def test_stale_data_refreshes_incrementally_and_applies_revisions(clock, fred):
    full = synthetic_series("dgs10", end="2026-11-18")
    fred.data["DGS10"] = full[full.index <= "2026-11-10"]
    loader = make_loader(clock, fred=fred)
    loader.load("dgs10")
    revised = full.copy()
    revised.loc["2026-11-09"] = 9.99  # a revision inside the overlap
    fred.data["DGS10"] = revised
    clock.advance(hours=7)
    loaded = loader.load("dgs10")
    _symbol, start = fred.calls[-1]
    assert start == date(2026, 10, 27)  # last stored date minus 14 days of overlap
    assert loaded.series.loc["2026-11-09"] == 9.99
    assert loaded.series.index[-1] == pd.Timestamp("2026-11-18")
    assert len(loaded.series) == len(full)
    outcome = loader.refresh("dgs10", force=True)
    assert outcome.status == "fresh" and outcome.new_points == 0


def test_refresh_reports_new_and_revised_points(clock, fred):
    full = synthetic_series("walcl")
    fred.data["WALCL"] = full.iloc[:-2]
    loader = make_loader(clock, fred=fred)
    loader.refresh("walcl")
    changed = full.copy()
    changed.iloc[-3] += 1000
    fred.data["WALCL"] = changed
    outcome = loader.refresh("walcl", force=True)
    assert (outcome.status, outcome.new_points, outcome.revised_points) == ("updated", 2, 1)


def test_failed_refresh_serves_stored_data_marked_stale(clock, fred):
    fred.data["DGS10"] = synthetic_series("dgs10")
    loader = make_loader(clock, fred=fred)
    loader.load("dgs10")
    clock.advance(days=1)
    fred.errors["DGS10"] = SourceUnavailable("fred", "DGS10", "no answer within 20 s")
    loaded = loader.load("dgs10")
    assert loaded.stale and "no answer within 20 s" in loaded.stale_reason
    assert "dgs10" in loaded.stale_reason  # the error names the metric
    assert len(loaded.series) == len(fred.data["DGS10"])
    # Within the cool-down the source is not hammered again, and the page still says why.
    calls = len(fred.calls)
    clock.advance(minutes=5)
    again = loader.load("dgs10")
    assert len(fred.calls) == calls and again.stale and "no answer" in again.stale_reason
    clock.advance(minutes=10)
    loader.load("dgs10")
    assert len(fred.calls) == calls + 1


def test_nothing_stored_and_source_down_raises_clear_no_data(clock, fred):
    fred.errors["WALCL"] = SourceUnavailable("fred", "WALCL", "connection failed")
    with pytest.raises(NoDataError) as info:
        make_loader(clock, fred=fred).load("walcl")
    assert info.value.metric_id == "walcl"
    assert "connection failed" in str(info.value) and "no offline sample" in str(info.value)


def test_offline_sample_when_source_down(clock, yahoo):
    yahoo.errors["^GSPC"] = SourceUnavailable("yahoo", "^GSPC", "connection failed")
    loader = make_loader(clock, yahoo=yahoo)
    loaded = loader.load("spx")
    assert loaded.provenance == "sample" and "arch" in loaded.detail
    assert loaded.series.index[-1] == pd.Timestamp("2018-12-31")
    assert loader.store.meta("spx").provenance == "sample"


def test_live_data_replaces_the_sample(clock, yahoo):
    yahoo.errors["^GSPC"] = SourceUnavailable("yahoo", "^GSPC", "connection failed")
    loader = make_loader(clock, yahoo=yahoo)
    loader.load("spx")
    del yahoo.errors["^GSPC"]
    yahoo.data["^GSPC"] = synthetic_series("spx", years=30)
    clock.advance(minutes=11)
    loaded = loader.load("spx")
    assert loaded.provenance == "live"
    assert yahoo.calls[-1][1] == date(1990, 1, 1)  # a full fetch, not an increment on the sample
    pd.testing.assert_series_equal(loaded.series, yahoo.data["^GSPC"], check_names=False)


def test_offline_mode_never_fetches(clock, fred):
    loader = make_loader(clock, offline=True, fred=fred)
    with pytest.raises(NoDataError, match="offline mode"):
        loader.load("walcl")
    loaded = loader.load("unrate")
    assert loaded.provenance == "sample" and loaded.frequency == "quarterly"
    assert loader.refresh("walcl").status == "offline"
    assert fred.calls == []


def test_offline_mode_serves_stored_data_with_its_age(clock, fred):
    fred.data["DGS10"] = synthetic_series("dgs10")
    make_loader(clock, fred=fred).load("dgs10")
    clock.advance(days=3)
    loaded = make_loader(clock, offline=True, fred=fred).load("dgs10")
    assert loaded.provenance == "live" and loaded.stale and "offline" in loaded.stale_reason
    assert loaded.age(clock()).days == 3
    assert len(fred.calls) == 1


def test_worse_fetch_never_replaces_imported_history(clock):
    coingecko = FakeSource(name="coingecko")
    loader = make_loader(clock, coingecko=coingecko)
    history = synthetic_series("btc", years=10)
    loader.store.write_series("btc", history, provenance="import", source="coingecko", detail="btc.csv")
    coingecko.data["bitcoin"] = history.iloc[-365:]
    loaded = loader.load("btc")
    assert loaded.provenance == "import" and len(loaded.series) == len(history)
    assert loaded.stale and "far fewer" in loaded.stale_reason


def test_empty_answer_on_refresh_keeps_stored_data(clock, fred):
    fred.data["DGS10"] = synthetic_series("dgs10")
    loader = make_loader(clock, fred=fred)
    loader.load("dgs10")
    clock.advance(days=1)
    fred.errors["DGS10"] = BadPayload("fred", "DGS10", "the answer held no observations")
    loaded = loader.load("dgs10")
    assert len(loaded.series) == len(fred.data["DGS10"]) and loaded.stale


def test_derived_net_liquidity_normalises_units(clock, fred):
    dates = pd.DatetimeIndex(["2024-01-03", "2024-01-10"], name="date")
    fred.data["WALCL"] = pd.Series([8_000_000.0, 8_100_000.0], index=dates)  # millions
    fred.data["WTREGEN"] = pd.Series([700_000.0, 750_000.0], index=dates)  # millions
    fred.data["RRPONTSYD"] = pd.Series(  # billions, daily
        [650.0, 640.0], index=pd.DatetimeIndex(["2024-01-03", "2024-01-10"], name="date")
    )
    loaded = make_loader(clock, fred=fred).load("net_liquidity")
    assert loaded.series.tolist() == [8000 - 700 - 650, 8100 - 750 - 640]
    assert loaded.provenance == "live" and "walcl" in loaded.detail


def test_derived_without_an_input_names_it(clock, fred):
    fred.errors["WALCL"] = SourceUnavailable("fred", "WALCL", "connection failed")
    with pytest.raises(NoDataError, match="input walcl"):
        make_loader(clock, fred=fred).load("net_liquidity")


def test_derived_ratio_on_common_dates(clock, yahoo):
    spy = synthetic_series("spy", seed=1)
    tlt = synthetic_series("tlt", seed=2).iloc[5:]
    yahoo.data.update({"SPY": spy, "TLT": tlt})
    loaded = make_loader(clock, yahoo=yahoo).load("spy_tlt_ratio")
    common = spy.index.intersection(tlt.index)
    pd.testing.assert_series_equal(
        loaded.series, (spy / tlt).loc[common], check_names=False, check_freq=False
    )


def test_stored_reads_everything_in_one_go_without_fetching(clock, fred, yahoo):
    loader = make_loader(clock, fred=fred, yahoo=yahoo)
    for metric_id, seed in (("walcl", 1), ("wtregen", 2), ("rrpontsyd", 3), ("spy", 4)):
        loader.store.write_series(metric_id, synthetic_series(metric_id, seed=seed), provenance="live",
                                  source="test")  # fmt: skip
    loader.store.write_series("spx", synthetic_series("spx"), provenance="sample", source="sample")
    stored = loader.stored()
    assert set(stored) == {"walcl", "wtregen", "rrpontsyd", "spy", "spx", "net_liquidity"}
    assert stored["spx"].provenance == "sample" and stored["spx"].frequency == "daily"
    pd.testing.assert_series_equal(stored["net_liquidity"].series, loader.load("net_liquidity").series)
    assert fred.calls == [] and yahoo.calls == []


def test_store_version_changes_with_every_write(clock):
    store = make_loader(clock).store
    before = store.version()
    store.write_series("dgs10", synthetic_series("dgs10", years=1), provenance="live", source="fred")
    after = store.version()
    clock.advance(minutes=1)
    store.record_attempt("dgs10", "fred: dgs10 (DGS10): server error (HTTP 503)", at=clock())
    assert before != after != store.version()


def test_seed_samples_stores_every_packaged_sample_where_nothing_is_stored(clock, fred):
    from convex.sources.sample import SAMPLES

    loader = make_loader(clock, offline=True)
    loader.store.write_series("spx", synthetic_series("spx"), provenance="live", source="yahoo")
    loader.store.record_attempt("vix", "cboe: vix (VIX): no network", at=clock())
    seeded = loader.seed_samples()
    assert set(seeded) == set(SAMPLES) - {"spx"}  # the live series is never overwritten
    metas = loader.store.all_meta()
    assert metas["spx"].provenance == "live"
    assert all(metas[i].provenance == "sample" and metas[i].has_data for i in seeded)
    # The failed attempt before the seeding still paces the retries.
    assert metas["vix"].last_error == "cboe: vix (VIX): no network"
    assert loader.seed_samples() == []


def test_pairs_with_data_put_live_pairs_before_sample_pairs(clock):
    loader = make_loader(clock, offline=True)
    loader.seed_samples()
    for metric_id in ("walcl", "wtregen", "rrpontsyd", "spy"):
        loader.store.write_series(metric_id, synthetic_series(metric_id), provenance="live", source="t")
    pairs = [("spx", "vix"), ("walcl", "tlt"), ("net_liquidity", "spy"), ("spx", "spy")]
    assert loader.pairs_with_data(pairs) == [
        ("net_liquidity", "spy", "live"),  # derived: from its stored inputs
        ("spx", "vix", "sample"),
        ("spx", "spy", "sample"),  # the less trustworthy side decides
    ]


def test_a_blank_that_means_zero_is_read_as_zero_on_every_weekday(clock, fred):
    days = pd.to_datetime(["2013-01-02", "2013-01-08", "2013-01-09"])  # no operations in between
    fred.data["RRPONTSYD"] = pd.Series([5.0, 7.0, 2.0], index=days)
    loaded = make_loader(clock, fred=fred).load("rrpontsyd")
    assert list(loaded.series.index) == list(pd.bdate_range("2013-01-02", "2013-01-09"))
    assert loaded.series["2013-01-03":"2013-01-07"].tolist() == [0.0, 0.0, 0.0]
    assert loaded.series["2013-01-08"] == 7.0
    walcl = make_loader(
        clock, fred=FakeSource(name="fred", data={"WALCL": pd.Series([1.0, 2.0], index=days[:2])})
    )
    assert len(walcl.load("walcl").series) == 2  # a blank that is unknown stays a gap


class _KeyedFred(FakeSource):
    """FRED in API mode: answers first-release dates too, or fails them."""

    mode = "api"

    def __init__(self, data, first=None, error=None):
        super().__init__(name="fred", data=data)
        self.first, self.error, self.release_calls = first, error, []

    def first_releases(self, symbol):
        self.release_calls.append(symbol)
        if self.error:
            raise self.error
        return self.first


def test_first_release_dates_are_stored_on_refresh_and_date_the_series(clock):
    walcl = synthetic_series("walcl", years=1)
    # Thursdays after each Wednesday, except one release delayed by a week.
    first = pd.Series(walcl.index + pd.Timedelta(days=1), index=walcl.index)
    first.iloc[10] += pd.Timedelta(days=7)
    source = _KeyedFred({"WALCL": walcl}, first=first)
    loaded = make_loader(clock, fred=source).load("walcl")
    assert source.release_calls == ["WALCL"]
    release = loaded.dating.release
    assert release.known_count == len(walcl)
    available = release.available(walcl.index)
    # 16:30 is after the close: the Friday after the (delayed) Thursday.
    assert available[10] == walcl.index[10] + pd.Timedelta(days=9)
    assert available[11] == walcl.index[11] + pd.Timedelta(days=2)
    assert "ALFRED" in release.words()


def test_first_release_dates_are_not_fetched_for_daily_or_keyless_or_again_without_new_dates(clock):
    days = synthetic_series("rrpontsyd", years=0.2)
    daily = _KeyedFred({"RRPONTSYD": days}, first=pd.Series(days.index, index=days.index))
    make_loader(clock, fred=daily).load("rrpontsyd")
    assert daily.release_calls == []  # FRED refuses more than 2,000 vintages
    walcl = synthetic_series("walcl", years=1)
    keyless = FakeSource(name="fred", data={"WALCL": walcl})
    assert make_loader(clock, fred=keyless).load("walcl").dating.release.known_count == 0
    first = pd.Series(walcl.index + pd.Timedelta(days=1), index=walcl.index)
    keyed = make_loader(clock, fred=(source := _KeyedFred({"WALCL": walcl}, first=first)))
    keyed.refresh("walcl", force=True)  # no new dates, but none stored yet
    keyed.refresh("walcl", force=True)  # nothing new since
    assert source.release_calls == ["WALCL"]
    assert keyed.load("walcl").dating.release.known_count == len(walcl)


def test_a_failed_first_release_fetch_keeps_the_rule_and_the_data(clock):
    walcl = synthetic_series("walcl", years=1)
    source = _KeyedFred({"WALCL": walcl}, error=BadPayload("fred", "WALCL", "too many vintages"))
    outcome = make_loader(clock, fred=source).refresh("walcl")
    assert outcome.status == "updated"
    loaded = make_loader(clock, fred=source).load("walcl")
    assert loaded.dating.release.known_count == 0
    assert loaded.dating.release.available(walcl.index[:1])[0] == walcl.index[0] + pd.Timedelta(days=2)


def test_a_revision_with_the_same_dates_written_in_the_same_second_is_new_data():
    from convex.ui.data import data_version

    series = synthetic_series("tlt", years=2, seed=1)
    revised = series.copy()
    revised.iloc[100] += 0.01
    now = datetime(2026, 12, 6, 3, 0, 0, tzinfo=UTC)

    def loaded(values):
        return LoadedSeries(catalog().get("tlt"), values, "live", None, now, False, None, "daily")

    assert loaded(series).fingerprint != loaded(revised).fingerprint
    assert data_version(loaded(series)) != data_version(loaded(revised))
    assert data_version(loaded(series.copy())) == data_version(loaded(series))
