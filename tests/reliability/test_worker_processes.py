"""The refresh worker as real processes on a real PostgreSQL server: two started together refresh each
metric once; SIGKILLed mid-write it leaves every series whole (old or new); page views made while it
runs never fetch from a source; a worker whose lock a server restart ended stops fetching, and the
worker that took the lock fetches alone.

The worker children fetch from synthetic sources: tests/childsite/sitecustomize.py (on PYTHONPATH for
the child only) blocks every non-loopback connection and swaps the source registry for
tests.fakes.SyntheticSource, sized and slowed by environment variables. No product code changes.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import zlib
from collections import Counter

import numpy as np
import pandas as pd
import psycopg
import pytest

from convex.metrics.catalog import catalog
from convex.store import Store
from tests.fakes import synthetic_walk

from .helpers import ROOT, app

pytestmark = pytest.mark.slow
KILLS = 20
CHILD_SITE = ROOT / "tests" / "childsite"  # loopback only, synthetic sources (see its docstring)


def fetchable() -> list[str]:
    return [m.id for m in catalog() if not m.is_derived]


def worker_env(url: str, *, rows: int = 500, delay: float = 0.0) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("FRED_API_KEY", "COINGECKO_API_KEY", "CONVEX_OFFLINE")
    }
    env.update(
        CONVEX_DATABASE_URL=url,
        PYTHONPATH=f"{CHILD_SITE}{os.pathsep}{ROOT}",
        CONVEX_TEST_SYNTHETIC_ROWS=str(rows),
        CONVEX_TEST_SYNTHETIC_DELAY=str(delay),
    )
    return env


def start_worker(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "convex", "worker", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_workers_started_together_refresh_each_metric_once(pg_url):
    Store(pg_url)  # migrated before the race, which test_store covers on its own
    env = worker_env(pg_url, delay=0.01)
    first, second = start_worker(env, "--once"), start_worker(env, "--once")
    results = [p.communicate(timeout=300) for p in (first, second)]
    codes = sorted(p.returncode for p in (first, second))
    assert codes == [0, 3], results
    loser = next(err for p, (_, err) in zip((first, second), results, strict=True) if p.returncode == 3)
    assert "another Convex refresh worker is running" in loser and "--wait" in loser
    attempts = Store(pg_url).attempts(limit=10_000)
    assert Counter(a.metric_id for a in attempts) == Counter(fetchable())
    assert {a.actor for a in attempts} == {"worker"}

    # With --wait, the second takes over when the first stops, and finds nothing due.
    store = Store(pg_url)
    with store.connection() as conn:
        conn.execute("UPDATE series_meta SET fetched_at = '2000-01-01T00:00:00+00:00'")
    first = start_worker(env, "--once")
    deadline = time.monotonic() + 60
    while not holds_lock(pg_url) and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    second = start_worker(env, "--once", "--wait")
    results = [p.communicate(timeout=300) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], results
    again = [a for a in store.attempts(limit=10_000) if a not in attempts]
    assert Counter(a.metric_id for a in again) == Counter(fetchable())


def holds_lock(url: str) -> bool:
    """Whether a worker holds the store's worker lock (an advisory lock) now."""
    with psycopg.connect(url, autocommit=True) as conn:
        query = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
        return bool(conn.execute(query).fetchone()[0])


def worker_backends(url: str) -> int:
    """Server sessions a worker opened that are still alive."""
    with psycopg.connect(url, autocommit=True) as conn:
        query = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'convex worker'"
        return conn.execute(query).fetchone()[0]


def writing(url: str) -> bool:
    """Whether a worker's write transaction is under way right now: PostgreSQL gives a transaction
    an id at its first write (here, the store version's bump) and keeps it until it ends."""
    with psycopg.connect(url, autocommit=True) as conn:
        query = (
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'convex worker' "
            "AND backend_xid IS NOT NULL"
        )
        return bool(conn.execute(query).fetchone()[0])


def new_version(metric_id: str, rows: int) -> pd.Series:
    metric = catalog().get(metric_id)
    return synthetic_walk(zlib.crc32(f"{metric.source}:{metric.symbol}".encode()), rows, 1)


def check_whole(store: Store, old: dict[str, pd.Series], rows: int) -> Counter:
    """Every series is exactly its old or its new version, and its metadata says which."""
    states: Counter = Counter()
    stored, metas = store.read_all(), store.all_meta()
    for metric_id, before in old.items():
        series, meta, new = stored[metric_id], metas[metric_id], new_version(metric_id, rows)
        if series.index.equals(before.index) and np.array_equal(series.to_numpy(), before.to_numpy()):
            assert (meta.provenance, meta.points, meta.detail) == ("import", len(before), "old"), metric_id
            states["old"] += 1
        elif series.index.equals(new.index) and np.array_equal(series.to_numpy(), new.to_numpy()):
            assert (meta.provenance, meta.points, meta.last_date) == ("live", rows, new.index[-1]), metric_id
            states["new"] += 1
        else:
            raise AssertionError(f"{metric_id}: neither its old nor its new version ({len(series)} rows)")
    return states


def test_a_worker_sigkilled_mid_write_leaves_every_series_whole(pg_url, count):
    rows = 40_000  # business days from 1990: each write is a 480 KB series
    store = Store(pg_url)
    old = {m: synthetic_walk(zlib.crc32(m.encode()), rows // 2, 0) for m in fetchable()}

    def reset() -> None:
        metas = store.all_meta()
        for metric_id, series in old.items():
            if metric_id not in metas or metas[metric_id].provenance != "import":
                store.write_series(metric_id, series, provenance="import", source="test", detail="old")

    reset()
    env = worker_env(pg_url, rows=rows)
    rng = random.Random(int.from_bytes(os.urandom(4), "little"))
    in_transaction = 0
    for _ in range(KILLS):
        worker = start_worker(env, "--once")
        deadline = time.monotonic() + 120
        while not writing(pg_url) and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.0005)
        time.sleep(rng.choice([0.0, rng.uniform(0, 0.002), rng.uniform(0, 0.02), rng.uniform(0, 0.2)]))
        in_transaction += writing(pg_url)
        assert worker.poll() is None, "the worker's pass ended before the kill"
        worker.send_signal(signal.SIGKILL)
        worker.communicate(timeout=60)
        # Until the server has ended the dead worker's sessions (a transaction under way is rolled
        # back, or was committed if its COMMIT had arrived): the check then reads a settled store.
        deadline = time.monotonic() + 30
        while worker_backends(pg_url) and time.monotonic() < deadline:
            time.sleep(0.01)
        states = check_whole(Store(pg_url), old, rows)
        assert states["old"] and states["old"] + states["new"] == len(old)
        reset()
    count("worker_kills_survived", KILLS)
    count("worker_kills_inside_a_write_transaction", in_transaction)
    assert in_transaction >= KILLS // 3, f"only {in_transaction} kills found a write transaction open"


PAGE_FETCHES: list[str] = []


class Refusing:
    """A source no page view may use."""

    min_interval = 0.0

    def __init__(self, name: str):
        self.name = name

    def fetch(self, symbol, start=None):
        PAGE_FETCHES.append(symbol)
        raise AssertionError(f"a page view fetched {self.name}:{symbol}")


def test_page_views_while_the_worker_runs_never_fetch(pg_url, monkeypatch):
    import functools

    import streamlit as st

    from convex import sources

    monkeypatch.setenv("CONVEX_DATABASE_URL", pg_url)
    monkeypatch.delenv("CONVEX_OFFLINE", raising=False)  # pages could fetch if they wanted to
    for name in list(sources.SOURCE_CLASSES):
        monkeypatch.setitem(sources.SOURCE_CLASSES, name, functools.partial(Refusing, name))
    PAGE_FETCHES.clear()
    worker = start_worker(worker_env(pg_url, delay=0.05), "--interval", "0.5")
    try:
        seen_running = 0
        for params in ({"a": "walcl", "b": "tlt"}, {"a": "spy", "b": "gld"}, {"a": "dgs10", "b": "btc"}) * 2:
            st.cache_resource.clear()
            at = app(None, params)
            at.run()
            assert not at.exception, [e.value for e in at.exception]
            for page in ("pages/metric.py", "pages/status.py"):
                at = app(page, {"metric": params["a"]})
                at.run()
                assert not at.exception, [e.value for e in at.exception]
            seen_running += worker.poll() is None
    finally:
        worker.send_signal(signal.SIGTERM)  # finishes the metric under way, then exits
        _, err = worker.communicate(timeout=120)
    assert worker.returncode == 0, err[-2000:]
    assert seen_running == 6 and PAGE_FETCHES == []
    attempts = Store(pg_url).attempts(limit=10_000)
    assert attempts and {a.actor for a in attempts} == {"worker"}


def fetch_log(path) -> list[tuple[float, str]]:
    """(wall-clock time, symbol) of each fetch a worker started (tests.fakes.SyntheticSource's log)."""
    if not path.exists():
        return []
    return [(float(t), symbol) for t, _, symbol in (line.split() for line in path.read_text().splitlines())]


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.05)


def test_a_worker_whose_lock_a_server_restart_ended_never_fetches_beside_the_one_that_took_it(
    own_server, tmp_path
):
    url = own_server.url
    Store(url)  # migrated before the workers start
    logs = {name: tmp_path / f"fetches-{name}.log" for name in ("a", "b")}

    def worker(name: str) -> subprocess.Popen:
        # Fetches of 0.3 s: a pass over the catalog outlasts the whole scenario.
        env = worker_env(url, delay=0.3) | {"CONVEX_TEST_FETCH_LOG": str(logs[name])}
        return start_worker(env, "--interval", "0.5")

    first = worker("a")
    try:
        wait_for(lambda: len(fetch_log(logs["a"])) >= 2, 60, "worker A fetches")
        # A is frozen (as by a long pause of its host) while the server restarts: the restart ends A's
        # session, and the lock with it. B starts after the restart and takes the free lock; A resumes.
        first.send_signal(signal.SIGSTOP)
        frozen_at = time.time()
        own_server.stop()
        own_server.start()
        second = worker("b")
        try:
            wait_for(lambda: len(fetch_log(logs["b"])) >= 2, 60, "worker B fetches")
            first.send_signal(signal.SIGCONT)
            _, a_err = first.communicate(timeout=60)
            time.sleep(1.0)  # B goes on fetching: it holds the lock
            assert second.poll() is None, second.communicate()[1][-2000:]
        finally:
            second.send_signal(signal.SIGTERM)
            _, b_err = second.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.send_signal(signal.SIGCONT)
            first.kill()
            first.communicate()
    assert first.returncode == 3, a_err[-3000:]
    assert "lost its lock" in a_err and "another Convex refresh worker is running" in a_err
    assert "Traceback" not in a_err
    assert second.returncode == 0, b_err[-3000:]
    a_fetches, b_fetches = fetch_log(logs["a"]), fetch_log(logs["b"])
    # A fetch A started before it was frozen may end (and be stored) after: a fetch it started after
    # the loss would be one of those two workers fetching at once.
    assert [f for f in a_fetches if f[0] >= frozen_at] == []
    assert len(b_fetches) >= 3
