"""An app replica on a shared PostgreSQL store (AppTest): it only reads, notices new data written by
the refresh worker without restarting, and asks the store nothing when a widget changes."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import streamlit as st

from convex.store import Store
from convex.store.postgres import PostgresDatabase
from convex.ui.data import VERSION_POLL_S
from tests.fakes import FakeSource, synthetic_series
from tests.ui.test_pages import metric_values, run


@pytest.fixture
def shared(pg_url, monkeypatch) -> Store:
    monkeypatch.setenv("CONVEX_DATABASE_URL", pg_url)
    monkeypatch.delenv("CONVEX_OFFLINE", raising=False)  # a replica could fetch, if it were allowed to
    st.cache_data.clear()
    st.cache_resource.clear()
    store = Store()
    week_ago = datetime.now(UTC) - timedelta(days=7)  # stale for every frequency
    for seed, metric_id in enumerate(("walcl", "tlt")):
        store.write_series(
            metric_id, synthetic_series(metric_id, years=4, seed=seed), provenance="live", source="test",
            fetched_at=week_ago,
        )  # fmt: skip
    yield store
    st.cache_resource.clear()


def test_a_replica_serves_stale_data_as_stored_and_never_fetches(shared, monkeypatch):
    from convex import sources

    fetched = FakeSource("refusing")
    for name in list(sources.SOURCE_CLASSES):
        monkeypatch.setitem(sources.SOURCE_CLASSES, name, lambda fetched=fetched: fetched)
    at = run(a="walcl", b="tlt")
    assert fetched.calls == [] and shared.attempts() == []
    assert any("the refresh worker has not updated it recently" in w.value for w in at.warning)
    assert shared.meta("tlt").fetched_at < datetime.now(UTC) - timedelta(days=6)  # nothing written


def test_new_data_from_the_worker_shows_without_a_restart_and_a_widget_change_asks_the_store_nothing(
    shared, monkeypatch
):
    at = run(a="walcl", b="tlt")
    before = metric_values(at)["20Y+ Treasury (TLT)"]

    queries = []
    real_connect = PostgresDatabase.connect
    monkeypatch.setattr(PostgresDatabase, "connect", lambda self: queries.append(1) or real_connect(self))
    at.selectbox(key="transform").select("Rebased").run()
    at.selectbox(key="spread").select("Ratio").run()
    assert not at.exception and queries == []  # widget changes are answered from the caches

    tlt = shared.read_series("tlt")
    tlt.iloc[-1] = tlt.iloc[-1] * 1.5  # the worker stores a revised last value
    Store().write_series("tlt", tlt, provenance="live", source="test")
    time.sleep(VERSION_POLL_S + 0.5)
    at.selectbox(key="transform").select("Level").run()
    assert not at.exception
    after = metric_values(at)["20Y+ Treasury (TLT)"]
    # One poll of the version, then the page reads again what it shows (a handful of rows).
    assert after != before and 0 < len(queries) <= 15, (before, after, len(queries))
    assert not any("has not updated it recently" in w.value and "TLT" in w.value for w in at.warning)
