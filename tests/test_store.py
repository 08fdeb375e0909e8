import sqlite3

import pandas as pd
import pytest

from convex import store as store_module
from convex.store import Store, default_data_dir


def _series(dates, values):
    return pd.Series(values, index=pd.DatetimeIndex(pd.to_datetime(dates), name="date"), dtype="float64")


def test_store_lives_in_convex_data_dir(data_dir):
    assert default_data_dir() == data_dir
    store = Store()
    assert store.path.parent == data_dir and store.path.exists()


def test_wal_mode_is_on():
    store = Store()
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_round_trip_keeps_values_and_metadata():
    store = Store()
    s = _series(["2024-01-03", "2024-01-10"], [7681024.0, 7686710.0])
    result = store.write_series("walcl", s, provenance="live", source="fred")
    assert result.total_points == 2 and result.new_points == 2
    back = store.read_series("walcl")
    pd.testing.assert_series_equal(back, s, check_names=False)
    meta = store.meta("walcl")
    assert meta.provenance == "live" and meta.source == "fred"
    assert meta.first_date == pd.Timestamp("2024-01-03") and meta.last_date == pd.Timestamp("2024-01-10")
    assert meta.points == 2 and meta.fetched_at is not None and meta.last_error is None


def test_first_release_dates_round_trip_and_are_replaced_whole():
    store = Store()
    assert store.read_release_dates("walcl") is None
    days = pd.to_datetime(["2024-01-03", "2024-01-10"])
    first = pd.Series(pd.to_datetime(["2024-01-04", "2024-01-18"]), index=days)
    store.write_release_dates("walcl", first)
    back = store.read_release_dates("walcl")
    assert back.to_dict() == first.to_dict()
    store.write_release_dates("walcl", first.iloc[:1])
    assert len(store.read_release_dates("walcl")) == 1
    assert store.read_release_dates("cpi") is None


def test_unknown_metric_reads_empty():
    store = Store()
    assert store.read_series("nothing").empty
    assert store.meta("nothing") is None


def test_upsert_revises_overlap_and_keeps_history():
    store = Store()
    store.write_series(
        "dgs10",
        _series(["2024-01-01", "2024-01-02", "2024-01-03"], [4.0, 4.1, 4.2]),
        provenance="live",
        source="fred",
    )
    result = store.write_series(
        "dgs10",
        _series(["2024-01-03", "2024-01-04"], [4.25, 4.3]),
        provenance="live",
        source="fred",
        replace=False,
    )
    assert result.new_points == 1 and result.revised_points == 1 and result.total_points == 4
    assert store.read_series("dgs10").tolist() == [4.0, 4.1, 4.25, 4.3]


def test_replace_swaps_the_whole_series():
    store = Store()
    store.write_series(
        "spx", _series(["2018-01-02", "2018-01-03"], [1.0, 2.0]), provenance="sample", source="sample"
    )
    store.write_series("spx", _series(["2024-01-02"], [4700.0]), provenance="live", source="yahoo")
    assert store.read_series("spx").tolist() == [4700.0]
    assert store.meta("spx").provenance == "live"


def test_exception_in_the_middle_of_a_write_leaves_old_data(monkeypatch):
    store = Store()
    old = _series(["2024-01-01", "2024-01-02"], [1.0, 2.0])
    store.write_series("tlt", old, provenance="live", source="yahoo")
    old_meta = store.meta("tlt")

    def exploding_rows(metric_id, series):
        yield metric_id, "2025-01-01", 10.0
        yield metric_id, "2025-01-02", 11.0
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store_module, "_rows", exploding_rows)
    with pytest.raises(RuntimeError):
        store.write_series(
            "tlt",
            _series(["2025-01-01", "2025-01-02", "2025-01-03"], [10.0, 11.0, 12.0]),
            provenance="live",
            source="yahoo",
        )
    pd.testing.assert_series_equal(store.read_series("tlt"), old, check_names=False)
    assert store.meta("tlt") == old_meta


def test_record_attempt_keeps_data_and_notes_error():
    store = Store()
    store.write_series("vix", _series(["2024-01-02"], [13.2]), provenance="live", source="cboe")
    store.record_attempt("vix", "cboe: vix (VIX): access refused (HTTP 403)")
    meta = store.meta("vix")
    assert meta.points == 1 and meta.last_error.endswith("(HTTP 403)")
    store.record_attempt("walcl", "fred: walcl (WALCL): connection failed")
    assert store.meta("walcl").points == 0 and not store.meta("walcl").has_data


def test_provenance_is_validated():
    with pytest.raises(ValueError):
        Store().write_series("x", _series(["2024-01-01"], [1.0]), provenance="guess", source="fred")


def test_all_meta_lists_every_metric():
    store = Store()
    store.write_series("a", _series(["2024-01-01"], [1.0]), provenance="live", source="fred")
    store.write_series(
        "b", _series(["2024-01-01"], [1.0]), provenance="import", source="fred", detail="b.csv"
    )
    metas = store.all_meta()
    assert set(metas) == {"a", "b"} and metas["b"].detail == "b.csv"
    assert metas["a"].to_dict()["first_date"] == "2024-01-01"


def test_a_store_written_before_the_coingecko_re_dating_is_migrated_once(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite3"
    store = Store(path)
    dates = pd.date_range("2023-06-22", periods=3, name="date")
    for metric_id, provenance in (("btc", "live"), ("eth", "import")):
        store.write_series(
            metric_id, pd.Series([1.0, 2.0, 3.0], index=dates), provenance=provenance, source="coingecko"
        )
    with sqlite3.connect(path) as conn:  # as if the store predated the migration
        conn.execute("DELETE FROM migrations")
    migrated = Store(path)
    assert list(migrated.read_series("btc").index) == list(dates - pd.Timedelta(days=1))
    assert migrated.meta("btc").last_date == pd.Timestamp("2023-06-23")
    assert list(migrated.read_series("eth").index) == list(dates)  # an imported file keeps its dates
    assert list(Store(path).read_series("btc").index) == list(dates - pd.Timedelta(days=1))  # once
