"""The store when its database cannot be used: PostgreSQL down (a typed StoreUnavailable within the
timeout, and back by itself), a SQLite file that cannot be written (opened read-only), a full disk
(StoreFull, old data whole), a damaged file (StoreDamaged naming it), a data folder that is a file,
`~` in CONVEX_DATA_DIR, and database URLs with their secrets masked. Pages and the CLI on the same
faults: tests/reliability/test_store_faults.py."""

from __future__ import annotations

import sqlite3
import time
import uuid

import pandas as pd
import pytest

from convex.store import (
    Store,
    StoreDamaged,
    StoreFull,
    StoreReadOnly,
    StoreUnavailable,
    StoreUnusable,
    default_data_dir,
    default_location,
)
from convex.store.db import masked
from convex.store.postgres import PAGE_TIMEOUT_S
from tests.fakes import synthetic_series

from .faults import damage, fill_the_disk, unwritable

# A bound on how long a page view may wait for a database that does not answer: the page's timeout
# and room for a loaded machine; the pool's old timeout was 60 s.
UNAVAILABLE_WITHIN_S = 15.0


# ----------------------------------------------------------------------------------- masking
@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://me:secret@db:5432/convex", "postgresql://me:***@db:5432/convex"),
        ("postgresql://me@db/convex", "postgresql://me@db/convex"),
        ("postgresql://db/convex", "postgresql://db/convex"),
        ("postgres://me:p%40ss@db/convex", "postgres://me:***@db/convex"),
        # libpq reads credentials up to the first "@" before any "/": a "?" may be in a password.
        ("postgresql://me:a?b@db/convex", "postgresql://me:***@db/convex"),
        ("postgresql://me:a-much-longer-password@db?password=x", "postgresql://me:***@db?password=***"),
        ("postgresql://db/convex?password=hunter2", "postgresql://db/convex?password=***"),
        ("postgresql://db/convex?PASSWORD=hunter2&sslmode=require", "postgresql://db/convex?PASSWORD=***&sslmode=require"),
        ("postgresql://db/convex?sslmode=require&sslpassword=k3y", "postgresql://db/convex?sslmode=require&sslpassword=***"),
        ("postgresql://db/convex?Client_Secret=s&api_token=t", "postgresql://db/convex?Client_Secret=***&api_token=***"),
        ("postgresql://db/convex?pass%77ord=hunter2", "postgresql://db/convex?pass%77ord=***"),
        ("postgresql://me:pw@db/convex?password=x&options=-csearch_path%3Dt",
         "postgresql://me:***@db/convex?password=***&options=-csearch_path%3Dt"),
        ("postgresql://db/convex?sslmode=require&application_name=convex",
         "postgresql://db/convex?sslmode=require&application_name=convex"),
        ("/var/lib/convex/convex.sqlite3", "/var/lib/convex/convex.sqlite3"),
    ],
)  # fmt: skip
def test_a_database_url_is_shown_without_its_secrets(url, shown):
    assert masked(url) == shown


def test_an_invalid_database_url_is_a_clear_error_without_its_password():
    with pytest.raises(StoreUnusable, match="not a valid PostgreSQL URL") as caught:
        Store("postgresql://me:hunter2@[db/convex")
    assert "hunter2" not in str(caught.value) and "me:***@" in str(caught.value)


# ---------------------------------------------------------------------------------- data folder
def test_a_tilde_in_convex_data_dir_is_the_users_home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    name = f"convex-{uuid.uuid4().hex[:8]}"  # the folder setting is cached by its text
    monkeypatch.setenv("CONVEX_DATA_DIR", f"~/{name}")
    monkeypatch.chdir(tmp_path)
    assert default_data_dir() == tmp_path / "home" / name
    store = Store()
    assert store.path == tmp_path / "home" / name / "convex.sqlite3" and store.path.exists()
    assert not (tmp_path / "~").exists()  # no literal "~" folder where the process runs
    assert Store(f"~/{name}/other.sqlite3").path == tmp_path / "home" / name / "other.sqlite3"


@pytest.mark.parametrize("depth", ["itself", "a parent"])
def test_a_data_folder_that_is_a_file_is_named_in_a_clear_error(tmp_path, monkeypatch, depth):
    file = tmp_path / "data"
    file.write_text("not a folder")
    monkeypatch.setenv("CONVEX_DATA_DIR", str(file if depth == "itself" else file / "convex"))
    with pytest.raises(StoreUnusable) as caught:
        Store()
    message = str(caught.value)
    assert f"{file} is a file, not a folder" in message and "CONVEX_DATA_DIR" in message
    assert default_location().startswith(str(file))


# ---------------------------------------------------------------------------------- PostgreSQL
def test_postgresql_down_is_store_unavailable_within_the_timeout_and_back_by_itself(own_server):
    password_url = own_server.url.replace("convex@", "convex:hunter2@") + "?sslpassword=k3y"
    store = Store(password_url, timeout=PAGE_TIMEOUT_S)  # the server trusts loopback: any password
    store.write_series("tlt", synthetic_series("tlt", years=1), provenance="live", source="test")
    own_server.stop()
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as caught:
        store.read_series("tlt")
    waited = time.monotonic() - started
    assert PAGE_TIMEOUT_S - 0.5 <= waited < UNAVAILABLE_WITHIN_S, waited
    message = str(caught.value)
    assert f"PostgreSQL at 127.0.0.1:{own_server.port} is not answering" in message
    assert "hunter2" not in message and "k3y" not in message and "convex:***@" in message
    assert "127.0.0.1" not in caught.value.public and "PostgreSQL" in caught.value.public
    with pytest.raises(StoreUnavailable):  # a new store handle on a server that is down: the same
        Store(password_url, timeout=PAGE_TIMEOUT_S, application_name="another")

    own_server.start()
    # The same handle reads again, without a restart of anything (the pool reconnects).
    deadline = time.monotonic() + UNAVAILABLE_WITHIN_S
    while True:
        try:
            assert len(store.read_series("tlt")) > 200
            break
        except StoreUnavailable:
            assert time.monotonic() < deadline, "the store did not come back"


def test_a_postgresql_server_that_refuses_writes_is_store_read_only(pg_url):
    # A hot standby refuses writes; so does every transaction of a session started with
    # default_transaction_read_only, which is how this test makes the server refuse them.
    Store(pg_url).write_series("tlt", synthetic_series("tlt", years=1), provenance="live", source="test")
    refusing = pg_url.replace("options=", "options=-cdefault_transaction_read_only%3Don%20")
    store = Store(refusing)
    with pytest.raises(StoreReadOnly, match="accepts no writes"):
        store.write_series("tlt", synthetic_series("tlt", years=2), provenance="live", source="test")
    assert len(store.read_series("tlt")) == len(synthetic_series("tlt", years=1))
    assert isinstance(store.write_problem(), StoreReadOnly)


# ---------------------------------------------------------------------------------- SQLite
def stored_store() -> tuple[Store, pd.Series]:
    store = Store()
    series = synthetic_series("tlt", years=3)
    store.write_series("tlt", series, provenance="live", source="test")
    return store, series


def test_a_full_disk_is_store_full_naming_the_file_and_keeps_the_old_data(monkeypatch):
    store, series = stored_store()
    version, meta = store.version(), store.meta("tlt")
    fill_the_disk(monkeypatch)
    with pytest.raises(StoreFull) as caught:
        store.write_series("tlt", synthetic_series("tlt", years=30, seed=1), provenance="live", source="test")
    message = str(caught.value)
    assert f"the disk holding {store.path} is full" in message and "CONVEX_DATA_DIR" in message
    assert str(store.path) not in caught.value.public
    pd.testing.assert_series_equal(store.read_series("tlt"), series, check_names=False)
    assert store.meta("tlt") == meta and store.version() == version
    assert isinstance(store.write_problem(), StoreFull) and not store.read_only


def test_a_store_that_cannot_be_written_opens_read_only_and_serves_what_it_holds(data_dir, monkeypatch):
    _, series = stored_store()
    with unwritable(data_dir, monkeypatch):
        store = Store()
        assert store.read_only and isinstance(store.write_problem(), StoreReadOnly)
        pd.testing.assert_series_equal(store.read_series("tlt"), series, check_names=False)
        assert set(store.all_meta()) == {"tlt"} and store.version() >= 1
        with pytest.raises(StoreReadOnly) as caught:
            store.write_series("tlt", series.iloc[:10], provenance="live", source="test")
        assert str(store.path) in str(caught.value) and "export" in str(caught.value)
        assert caught.value.public == "The store is read-only: showing stored data; refreshes are off."
        assert sorted(p.name for p in data_dir.iterdir()) == ["convex.sqlite3"]  # nothing written beside it
    pd.testing.assert_series_equal(Store().read_series("tlt"), series, check_names=False)


def test_a_read_only_store_made_by_an_older_convex_says_it_needs_an_upgrade(data_dir, monkeypatch):
    with sqlite3.connect(data_dir.parent / "old.sqlite3") as conn:  # no migration applied yet
        conn.execute("CREATE TABLE observations (metric_id TEXT, date TEXT, value REAL)")
    data_dir.mkdir()
    (data_dir.parent / "old.sqlite3").rename(data_dir / "convex.sqlite3")
    with unwritable(data_dir, monkeypatch), pytest.raises(StoreReadOnly, match="must be upgraded"):
        Store()


def test_a_read_only_folder_without_a_store_is_a_clear_error(data_dir, monkeypatch):
    data_dir.mkdir()
    (data_dir / "readme.txt").write_text("the store would go here")
    with unwritable(data_dir, monkeypatch), pytest.raises(StoreUnusable, match="does not exist"):
        Store()


@pytest.mark.parametrize("how", ["truncated", "garbage"])
def test_a_damaged_file_is_store_damaged_naming_the_file_and_what_to_do(how):
    store, _ = stored_store()
    for seed, metric_id in enumerate(("spy", "gld", "walcl")):  # a file of several pages to cut short
        store.write_series(metric_id, synthetic_series(metric_id, years=20, seed=seed), provenance="live",
                           source="test")  # fmt: skip
    damage(store.path, how)
    with pytest.raises(StoreDamaged) as caught:
        damaged = Store()  # a garbage file fails on open; a truncated one may open and fail on a read
        damaged.read_all()
    message = str(caught.value)
    assert str(store.path) in message and "move it away" in message and "refresh --all" in message
    assert str(store.path) not in caught.value.public
