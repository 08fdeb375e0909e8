"""Store safety: `python -m convex import` and `python -m convex refresh` killed (SIGKILL) in the
middle of writing, many times, at random points; the store must always open clean
(`PRAGMA integrity_check` is ok) with every series either its old or its new version, whole.

The kill is aimed at the write itself: the test watches the store's WAL file, and once the writing
process has started to fill it (the write transaction is under way), waits a random part of the
measured write time and kills. A kill that finds the old version after the WAL had grown landed
mid-transaction; one that finds the new version landed after the commit.

Refresh runs without network: tests/childsite/sitecustomize.py (on PYTHONPATH for the child process
only) blocks every non-loopback connection and points FredSource's keyless CSV URL at a loopback
server in this test process, so `python -m convex refresh walcl` really downloads, parses and
writes, from 127.0.0.1. No product code is changed for this.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from convex.store import Store

from .helpers import ROOT

IMPORT_KILLS = 30
REFRESH_KILLS = 10
IMPORT_ROWS = 200_000
REFRESH_ROWS = 95_000  # FRED dates must start in 1990 (the loader's history start) and end by 2262

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Version:
    name: str
    series: pd.Series
    provenance: str
    detail: str | None


def make_series(rows: int, *, start: str, seed: int) -> pd.Series:
    index = pd.DatetimeIndex(pd.date_range(start, periods=rows, freq="D").to_numpy(), name="date")
    values = 1000 + np.cumsum(np.random.default_rng(seed).normal(size=rows)) * 1.000000123456789
    return pd.Series(values, index=index, dtype="float64")


def csv_text(series: pd.Series, header: str) -> str:
    lines = [header, *(f"{d:%Y-%m-%d},{v!r}" for d, v in zip(series.index, series.tolist(), strict=True))]
    return "\n".join(lines) + "\n"


def wal_size(db: Path) -> int:
    try:
        return os.path.getsize(f"{db}-wal")
    except FileNotFoundError:
        return 0


@dataclass
class Kill:
    killed: bool  # the process was still running when SIGKILL was sent
    wal_grew: bool  # the write transaction had started filling the WAL
    returncode: int | None
    stderr: str
    window: float | None = None  # uninterrupted runs: seconds from the WAL growing to the exit


def run_and_kill(cmd: list[str], env: dict, db: Path, delay: float | None, *, timeout: float = 180) -> Kill:
    """Start `cmd`; once the WAL grows, wait `delay` s and SIGKILL (delay None: let it finish).
    Returns what happened."""
    base = wal_size(db)
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr_chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: stderr_chunks.append(process.stderr.read()), daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    grew = False
    try:
        while process.poll() is None and time.monotonic() < deadline:
            if wal_size(db) != base:
                grew = True
                break
            time.sleep(0.001)
        grew_at = time.monotonic()
        if grew and delay is not None:
            time.sleep(delay)
            still_running = process.poll() is None
            if still_running:
                process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            reader.join(timeout=10)
            return Kill(
                still_running, True, process.returncode, b"".join(stderr_chunks).decode(errors="replace")
            )
        process.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    window = time.monotonic() - grew_at if grew else None
    reader.join(timeout=10)
    return Kill(False, grew, process.returncode, b"".join(stderr_chunks).decode(errors="replace"), window)


def read_state(db: Path, metric_id: str):
    """Open the store after a kill: integrity first, then the series and its metadata."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    store = Store(db)
    return store.read_series(metric_id), store.meta(metric_id)


def which_version(db: Path, metric_id: str, candidates: list[Version]) -> Version:
    series, meta = read_state(db, metric_id)
    for version in candidates:
        expected = version.series
        same_dates = len(series) == len(expected) and series.index.equals(expected.index)
        if same_dates and np.array_equal(series.to_numpy(), expected.to_numpy()):
            assert meta.points == len(expected)
            assert meta.first_date == expected.index[0] and meta.last_date == expected.index[-1]
            assert (meta.provenance, meta.detail) == (version.provenance, version.detail)
            return version
    raise AssertionError(
        f"{metric_id} is neither of {[v.name for v in candidates]}: {len(series)} rows, meta {meta}"
    )


def assert_bystander_intact(db: Path, bystander: pd.Series) -> None:
    series, meta = read_state(db, "gld")
    assert series.index.equals(bystander.index) and np.array_equal(series.to_numpy(), bystander.to_numpy())
    assert meta.points == len(bystander)


def child_env(data_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("FRED_API_KEY", "COINGECKO_API_KEY")}
    env.update(CONVEX_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT), **extra)
    return env


def kill_campaign(kind, cmd_for, env, db, metric_id, versions, next_version, kills, count, after=None):
    """Calibrate with one uninterrupted run (how long from the WAL starting to grow to the exit),
    then SIGKILL `kills` runs at random points of that window. `next_version(current)` gives the
    version the next run writes; `after(version)` may reset the store after a committed run."""
    rng = random.Random(int.from_bytes(os.urandom(4), "little"))
    current = which_version(db, metric_id, versions)
    target = next_version(current)
    calibration = run_and_kill(cmd_for(target), env, db, None)
    assert calibration.returncode == 0, calibration.stderr[-2000:]
    assert calibration.wal_grew and calibration.window
    current = which_version(db, metric_id, versions)
    assert current is target
    if after:
        current = after(current)
    bystander = Store(db).read_series("gld")
    window = calibration.window
    mid_write = after_commit = finished = 0
    while mid_write + after_commit < kills and finished < kills // 2:
        target = next_version(current)
        # A series is one row: its transaction spans a few milliseconds once the WAL grows, so most
        # kills land early in that window, some anywhere until the exit.
        delay = rng.choice([0.0, rng.uniform(0, 0.002), rng.uniform(0, 0.01), rng.uniform(0, window)])
        outcome = run_and_kill(cmd_for(target), env, db, delay)
        found = which_version(db, metric_id, [current, target])
        assert_bystander_intact(db, bystander)
        if not outcome.killed:
            # It finished before the kill was sent: not a kill.
            assert outcome.returncode == 0 and found is target, outcome.stderr[-2000:]
            finished += 1
        elif found is current:
            assert outcome.wal_grew
            mid_write += 1
        else:
            after_commit += 1
        current = found
        if after and current is target:
            current = after(current)
    survived = mid_write + after_commit
    count(f"kills_survived_{kind}", survived)
    count(f"kills_mid_write_{kind}", mid_write)
    count(f"kills_after_commit_{kind}", after_commit)
    return survived, mid_write


def test_import_killed_mid_write_leaves_old_or_new_whole(tmp_path, data_dir, count):
    db = data_dir / "convex.sqlite3"
    store = Store(db)
    versions = []
    for i, seed in enumerate((1, 2), start=1):
        series = make_series(IMPORT_ROWS, start="1800-01-01" if i == 1 else "1801-06-01", seed=seed)
        (tmp_path / f"v{i}.csv").write_text(csv_text(series, "date,value"))
        versions.append(Version(f"v{i}", series, "import", f"v{i}.csv"))
    v1, v2 = versions
    store.write_series("spy", v2.series, provenance="import", source="yahoo", detail="v2.csv")
    store.write_series(
        "gld", make_series(3_000, start="2010-01-01", seed=9), provenance="live", source="yahoo"
    )
    del store

    def cmd_for(version: Version) -> list[str]:
        # The two versions are different walks: --replace, or the import refuses them as another series.
        return [sys.executable, "-m", "convex", "import", "spy", str(tmp_path / version.detail), "--replace"]

    survived, mid_write = kill_campaign(
        "import",
        cmd_for,
        child_env(data_dir, CONVEX_OFFLINE="1"),
        db,
        "spy",
        versions,
        lambda current: v1 if current is v2 else v2,
        IMPORT_KILLS,
        count,
    )
    assert survived >= IMPORT_KILLS, survived
    assert mid_write >= IMPORT_KILLS // 3, f"only {mid_write} kills landed inside the write transaction"


# --------------------------------------------------------------------------------- refresh
CHILD_SITE = ROOT / "tests" / "childsite"  # loopback only; FRED CSV from CONVEX_TEST_FRED_CSV_URL


class CsvServer:
    """Serves one fixed body on every GET, from 127.0.0.1."""

    def __init__(self, body: bytes):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/csv")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client was killed

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/graph/fredgraph.csv"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_refresh_killed_mid_write_leaves_old_or_new_whole(tmp_path, data_dir, count):
    db = data_dir / "convex.sqlite3"
    old = Version("imported", make_series(90_000, start="1990-01-01", seed=3), "import", "old.csv")
    new = Version("refreshed", make_series(REFRESH_ROWS, start="1990-01-01", seed=4) + 0.5, "live", None)
    new.series.name = "WALCL"
    store = Store(db)
    store.write_series("walcl", old.series, provenance="import", source="fred", detail="old.csv")
    store.write_series(
        "gld", make_series(3_000, start="2010-01-01", seed=9), provenance="live", source="yahoo"
    )
    server = CsvServer(csv_text(new.series, "observation_date,WALCL").encode())
    env = child_env(data_dir, CONVEX_TEST_FRED_CSV_URL=server.url)
    env.pop("CONVEX_OFFLINE", None)
    env["PYTHONPATH"] = f"{CHILD_SITE}{os.pathsep}{ROOT}"

    def restore_old(current: Version) -> Version:
        # A refresh that committed leaves live data (the next one would be incremental): put the
        # imported version back, so that every run is a full replacing write.
        Store(db).write_series("walcl", old.series, provenance="import", source="fred", detail="old.csv")
        return old

    try:
        survived, mid_write = kill_campaign(
            "refresh",
            lambda version: [sys.executable, "-m", "convex", "refresh", "walcl"],
            env,
            db,
            "walcl",
            [old, new],
            lambda current: new,
            REFRESH_KILLS,
            count,
            after=restore_old,
        )
    finally:
        server.close()
    assert survived >= REFRESH_KILLS, survived
    assert mid_write >= REFRESH_KILLS // 3, f"only {mid_write} kills landed inside the write transaction"
