"""The store on both backends (SQLite file, PostgreSQL schema): round trips, upserts, whole writes,
the store version, migrations applied once, and the attempt log."""

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from convex import store as store_module
from convex.store import Attempt, Store, default_data_dir, default_location
from convex.store.migrations import _BASE_SCHEMA, MIGRATIONS

both = pytest.mark.usefixtures("backend")
ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def _series(dates, values):
    return pd.Series(values, index=pd.DatetimeIndex(pd.to_datetime(dates), name="date"), dtype="float64")


def test_store_lives_in_convex_data_dir(data_dir):
    assert default_data_dir() == data_dir
    store = Store()
    assert store.path.parent == data_dir and store.path.exists() and not store.shared


def test_the_location_follows_its_settings(data_dir, monkeypatch, tmp_path):
    assert default_location() == str(data_dir / "convex.sqlite3")
    monkeypatch.setenv("CONVEX_DATA_DIR", str(tmp_path / "other"))
    assert default_location() == str(tmp_path / "other" / "convex.sqlite3")
    monkeypatch.setenv("CONVEX_DATABASE_URL", "postgresql://convex@127.0.0.1/convex")
    assert default_location() == "postgresql://convex@127.0.0.1/convex"
    monkeypatch.delenv("CONVEX_DATABASE_URL")
    monkeypatch.setenv("CONVEX_DATA_DIR", str(data_dir))
    assert default_location() == str(data_dir / "convex.sqlite3")


def test_wal_mode_is_on():
    store = Store()
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_database_url_opens_postgresql_and_its_password_is_never_shown(pg_url, monkeypatch):
    monkeypatch.setenv("CONVEX_DATABASE_URL", pg_url)
    store = Store()
    assert store.shared and store.db.kind == "postgresql"
    assert (
        store_module.db.masked("postgresql://me:secret@db:5432/convex")
        == "postgresql://me:***@db:5432/convex"
    )


@both
def test_round_trip_keeps_values_and_metadata():
    store = Store()
    s = _series(["2024-01-03", "2024-01-10"], [7681024.0, 7686710.0])
    result = store.write_series("walcl", s, provenance="live", source="fred")
    assert result.total_points == 2 and result.new_points == 2
    back = store.read_series("walcl")
    pd.testing.assert_series_equal(back, s, check_names=False)
    assert back.index.dtype == "datetime64[us]" and back.name == "walcl"
    meta = store.meta("walcl")
    assert meta.provenance == "live" and meta.source == "fred"
    assert meta.first_date == pd.Timestamp("2024-01-03") and meta.last_date == pd.Timestamp("2024-01-10")
    assert meta.points == 2 and meta.fetched_at is not None and meta.last_error is None


@both
def test_values_round_trip_bit_for_bit_over_a_long_history():
    store = Store()
    index = pd.date_range("1900-01-01", "2099-12-31", freq="7D", name="date")
    s = pd.Series([1 / 3, -0.0, 1e308, 5e-324] * (len(index) // 4) + [2.5] * (len(index) % 4), index=index)
    store.write_series("long", s, provenance="import", source="test")
    back = store.read_series("long")
    assert back.index.equals(s.index) and back.to_numpy().tobytes() == s.to_numpy().tobytes()
    assert set(store.read_all()) == {"long"} and store.read_all()["long"].equals(back)


@both
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


@both
def test_unknown_metric_reads_empty():
    store = Store()
    assert store.read_series("nothing").empty
    assert store.meta("nothing") is None


@both
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
    assert store.meta("dgs10").points == 4 and store.meta("dgs10").last_date == pd.Timestamp("2024-01-04")


@both
def test_replace_swaps_the_whole_series():
    store = Store()
    store.write_series(
        "spx", _series(["2018-01-02", "2018-01-03"], [1.0, 2.0]), provenance="sample", source="sample"
    )
    store.write_series("spx", _series(["2024-01-02"], [4700.0]), provenance="live", source="yahoo")
    assert store.read_series("spx").tolist() == [4700.0]
    assert store.meta("spx").provenance == "live"


@both
def test_exception_in_the_middle_of_a_write_leaves_old_data(monkeypatch):
    store = Store()
    old = _series(["2024-01-01", "2024-01-02"], [1.0, 2.0])
    store.write_series("tlt", old, provenance="live", source="yahoo")
    old_meta, old_version = store.meta("tlt"), store.version()

    def exploding_span(series):  # runs after the new series row is written, before its metadata
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store_module, "_span", exploding_span)
    with pytest.raises(RuntimeError):
        store.write_series(
            "tlt",
            _series(["2025-01-01", "2025-01-02", "2025-01-03"], [10.0, 11.0, 12.0]),
            provenance="live",
            source="yahoo",
        )
    pd.testing.assert_series_equal(store.read_series("tlt"), old, check_names=False)
    assert store.meta("tlt") == old_meta and store.version() == old_version


@both
def test_every_write_of_a_series_or_its_metadata_bumps_the_version_and_nothing_else_does():
    store = Store()
    seen = [store.version()]
    store.write_series("vix", _series(["2024-01-02"], [13.2]), provenance="live", source="cboe")
    seen.append(store.version())
    store.record_attempt("vix", "cboe: access refused (HTTP 403)")
    seen.append(store.version())
    store.write_release_dates(
        "vix", pd.Series(pd.to_datetime(["2024-01-03"]), index=pd.to_datetime(["2024-01-02"]))
    )
    seen.append(store.version())
    assert seen == sorted(set(seen)), seen  # strictly increasing
    store.read_series("vix"), store.meta("vix"), store.all_meta(), store.read_all()
    store.write_digest("2024-01-02", "{}")
    assert store.version() == seen[-1]


@both
def test_record_attempt_keeps_data_and_notes_error():
    store = Store()
    store.write_series("vix", _series(["2024-01-02"], [13.2]), provenance="live", source="cboe")
    store.record_attempt("vix", "cboe: vix (VIX): access refused (HTTP 403)")
    meta = store.meta("vix")
    assert meta.points == 1 and meta.last_error.endswith("(HTTP 403)")
    store.record_attempt("walcl", "fred: walcl (WALCL): connection failed")
    assert store.meta("walcl").points == 0 and not store.meta("walcl").has_data


@both
def test_the_attempt_log_keeps_every_attempt_newest_first_and_prunes_old_ones():
    store = Store()
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    for minutes, status in ((0, "updated"), (5, "failed"), (60 * 24 * 40, "fresh")):
        started = now - timedelta(minutes=minutes)
        error = "fred: walcl (WALCL): rate limited (HTTP 429)" if status == "failed" else None
        store.log_attempt(Attempt("walcl", "fred", "worker", started, started, status, 3, 1, error))
    log = store.attempts()
    assert [a.status for a in log] == ["updated", "failed", "fresh"] and log[1].error.endswith("(HTTP 429)")
    assert log[0].new_points == 3 and log[0].actor == "worker" and log[0].started_at == now
    store.prune_attempts(now=now)
    assert [a.status for a in store.attempts()] == ["updated", "failed"]


@both
def test_provenance_is_validated():
    with pytest.raises(ValueError):
        Store().write_series("x", _series(["2024-01-01"], [1.0]), provenance="guess", source="fred")


@both
def test_all_meta_lists_every_metric():
    store = Store()
    store.write_series("a", _series(["2024-01-01"], [1.0]), provenance="live", source="fred")
    store.write_series(
        "b", _series(["2024-01-01"], [1.0]), provenance="import", source="fred", detail="b.csv"
    )
    metas = store.all_meta()
    assert set(metas) == {"a", "b"} and metas["b"].detail == "b.csv"
    assert metas["a"].to_dict()["first_date"] == "2024-01-01"


@both
def test_an_upload_is_stored_whole_with_how_to_read_it():
    store = Store()
    s = _series(["2024-01-01", "2024-01-02", "2024-01-03"], [1.0, 2.0, 3.0])
    store.write_upload("u:0123456789ab", "fund", "daily", "pct", s, "uploaded file fund.csv")
    assert store.read_upload("u:0123456789ab") == ("fund", "daily", "pct")
    assert store.read_series("u:0123456789ab").tolist() == [1.0, 2.0, 3.0]
    # Issue 28: an id is one file read one way, so a second write of it (by anyone) changes nothing.
    assert not store.write_upload("u:0123456789ab", "phishing", "weekly", "diff", s * 2, "x.csv")
    assert store.read_upload("u:0123456789ab") == ("fund", "daily", "pct")
    assert store.read_series("u:0123456789ab").tolist() == [1.0, 2.0, 3.0]


@both
def test_keeping_an_upload_does_not_change_the_store_version():
    store = Store()
    spy = _series(["2024-01-01", "2024-01-02"], [1.0, 2.0])
    store.write_series("spy", spy, provenance="live", source="t")
    before = store.version()
    s = _series(["2024-01-01", "2024-01-02", "2024-01-03"], [1.0, 2.0, 3.0])
    assert store.write_upload("u:0123456789ab", "fund", "daily", "pct", s, "uploaded file fund.csv")
    assert store.version() == before  # every user's cached computations stay valid


@both
def test_kept_uploads_stay_within_their_quota_least_recently_used_first_out():
    from datetime import timedelta

    from convex.store.uploads import UploadQuota, stored_bytes

    store = Store()
    s = _series([f"2024-01-{d:02d}" for d in range(1, 29)], [float(d) for d in range(1, 29)])
    quota = UploadQuota(count=3, bytes=10 * stored_bytes(s))
    ids = [f"u:{i:012x}" for i in range(5)]
    start = store_module.utcnow()
    for i in ids[:3]:
        assert store.write_upload(i, "fund", "daily", "pct", s, "f.csv", quota=quota)
    with store.transaction() as conn:  # written a day apart, the second used most recently
        for n, i in enumerate(ids[:3]):
            conn.execute("UPDATE uploads SET last_used_at = ?, created_at = ? WHERE metric_id = ?",
                         (store_module._iso(start - timedelta(days=10 - n)),) * 2 + (i,))  # fmt: skip
    store.touch_upload(ids[1], now=start)
    store.write_upload(ids[3], "fund", "daily", "pct", s, "f.csv", quota=quota)
    kept = [i for i in ids if store.read_upload(i) is not None]
    assert kept == [ids[1], ids[2], ids[3]]  # the least recently used (ids[0]) went, series and all
    assert store.read_series(ids[0]).empty and store.meta(ids[0]) is None
    small = UploadQuota(count=10, bytes=2 * stored_bytes(s))  # bytes bound: two fit, not three
    store.write_upload(ids[4], "fund", "daily", "pct", s, "f.csv", quota=small)
    # ids[2] and ids[1] go (ids[1] was used before ids[3] was kept)
    assert [i for i in ids if store.read_upload(i) is not None] == [ids[3], ids[4]]
    with pytest.raises(store_module.UploadTooLarge):
        store.write_upload("u:0000000000ff", "big", "daily", "pct", s, "f.csv", quota=UploadQuota(10, 10))


@both
def test_migrations_are_recorded_once_and_a_second_open_applies_nothing():
    store = Store()
    with store.connection() as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM migrations ORDER BY name")]
    assert sorted(names) == sorted(name for name, _ in MIGRATIONS)
    assert store_module.migrate(Store().db) == []


def test_a_store_written_before_series_were_blobs_is_migrated_once(tmp_path):
    """A SQLite file as stores were before migrations were numbered: one row per date, and the
    CoinGecko closes not yet re-dated. Opening it re-dates them, then moves every series to one row."""
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        for statement in _BASE_SCHEMA:
            conn.execute(statement)
        conn.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        for metric_id, provenance in (("btc", "live"), ("eth", "import")):
            conn.executemany(
                "INSERT INTO observations VALUES (?, ?, ?)",
                [(metric_id, f"2023-06-{22 + i}", float(i + 1)) for i in range(3)],
            )
            conn.execute(
                "INSERT INTO series_meta (metric_id, provenance, source, first_date, last_date, points) "
                "VALUES (?, ?, 'coingecko', '2023-06-22', '2023-06-24', 3)",
                (metric_id, provenance),
            )
    conn.close()
    dates = pd.date_range("2023-06-22", periods=3, name="date")
    migrated = Store(path)
    assert list(migrated.read_series("btc").index) == list(dates - pd.Timedelta(days=1))
    assert migrated.read_series("btc").tolist() == [1.0, 2.0, 3.0]
    assert migrated.meta("btc").last_date == pd.Timestamp("2023-06-23")
    assert list(migrated.read_series("eth").index) == list(dates)  # an imported file keeps its dates
    assert list(Store(path).read_series("btc").index) == list(dates - pd.Timedelta(days=1))  # once
    with sqlite3.connect(path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert "observations" not in tables and {"series", "store_version", "attempts"} <= tables


def test_processes_opening_a_new_postgresql_store_at_once_apply_each_migration_once(pg_url):
    code = "import sys; from convex.store import Store; Store(sys.argv[1]).version()"
    runs = [
        subprocess.Popen([sys.executable, "-c", code, pg_url], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    errors = [p.communicate(timeout=120)[1] for p in runs]
    assert [p.returncode for p in runs] == [0] * 4, errors
    with Store(pg_url).connection() as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM migrations")]
    assert sorted(names) == sorted(name for name, _ in MIGRATIONS)
