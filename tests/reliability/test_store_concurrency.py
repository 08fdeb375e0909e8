"""Two processes writing and four reading the same store at once, on SQLite and on PostgreSQL: no
errors (busy timeouts and locks hold), no lost writes, and a reader never sees a half-written series."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import numpy as np
import pytest

from convex.store import Store

from .helpers import ROOT
from .store_worker import log_ok, version, whole

WRITERS, WRITES_EACH, READERS = 2, 50, 4


def spawn(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.store_worker", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def result(process: subprocess.Popen, timeout: float) -> dict:
    out, err = process.communicate(timeout=timeout)
    lines = [line for line in out.splitlines() if line.startswith("{")]
    assert lines, f"no result from a worker (exit {process.returncode}): {err[-2000:]}"
    report = json.loads(lines[-1])
    assert process.returncode == 0, report
    return report


@pytest.mark.usefixtures("backend")
def test_two_writers_and_four_readers_at_once(data_dir, tmp_path, count, backend):
    db = os.environ["CONVEX_DATABASE_URL"] if backend == "postgres" else str(data_dir / "convex.sqlite3")
    Store(db)  # created (and migrated) before anybody races to create it
    stop = tmp_path / "stop"
    readers = [spawn("reader", str(db), str(stop)) for _ in range(READERS)]
    writers = [spawn("writer", str(db), str(w), str(WRITES_EACH)) for w in range(WRITERS)]
    try:
        written = [result(w, timeout=600) for w in writers]
    finally:
        stop.touch()
    read = [result(r, timeout=120) for r in readers]

    assert sum(w["writes"] for w in written) == WRITERS * WRITES_EACH * 4
    assert all(r["reads"] > 0 for r in read), read
    if backend == "sqlite":
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.close()

    store = Store(db)
    last = WRITES_EACH - 1
    for wid in range(WRITERS):  # different metrics: each writer's last write, whole
        own = store.read_series(f"own_{wid}")
        assert whole(own, writer=wid) is None
        assert np.array_equal(own.to_numpy(), version(wid, last).to_numpy())
        meta = store.meta(f"own_{wid}")
        assert meta.points == len(own) and meta.detail == f"{wid}/{last}" and meta.last_error is None
    shared = store.read_series("shared")  # the same metric: last writer wins, whole
    assert whole(shared) is None
    winner = store.meta("shared").detail
    assert winner in {f"{w}/{last}" for w in range(WRITERS)}
    wid = int(winner.split("/")[0])
    assert np.array_equal(shared.to_numpy(), version(wid, last).to_numpy())
    log = store.read_series("log")  # upserts to one metric: every single write is there
    assert len(log) == WRITERS * WRITES_EACH and log_ok(log) is None
    assert store.meta("log").points == WRITERS * WRITES_EACH
    count(f"concurrent_writes_{backend}", sum(w["writes"] for w in written))
    count(f"concurrent_reads_{backend}", sum(r["reads"] for r in read))
