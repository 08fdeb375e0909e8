"""Child processes for test_store_concurrency: `python -m tests.reliability.store_worker
writer DB WID N` or `reader DB STOP_FILE` (DB: a SQLite path or a PostgreSQL URL). Each prints one
JSON line with what it did and any error (with its traceback), and exits 1 on an error."""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path

import numpy as np
import pandas as pd

from convex.store import Store

BASE = pd.Timestamp("2000-01-03")
LOG_BASE = pd.Timestamp("1980-01-01")


def version(wid: int, seq: int) -> pd.Series:
    """Write `seq` of writer `wid`: its length and every value say which write it is."""
    rows = 2_000 + 10 * seq + wid
    index = pd.DatetimeIndex(pd.date_range(BASE, periods=rows, freq="D").to_numpy(), name="date")
    values = wid * 10_000_000 + seq * 10_000 + np.arange(rows, dtype="float64")
    return pd.Series(values, index=index, dtype="float64")


def decode(series: pd.Series) -> tuple[int, int]:
    first = int(series.iloc[0])
    return first // 10_000_000, (first % 10_000_000) // 10_000


def log_point(wid: int, seq: int) -> pd.Series:
    n = wid * 1_000 + seq
    return pd.Series([float(n)], index=pd.DatetimeIndex([LOG_BASE + pd.Timedelta(days=n)], name="date"))


def whole(series: pd.Series, *, writer: int | None = None) -> str | None:
    """None if `series` is exactly one write (of `writer`, if given), else what is wrong."""
    if series.empty:
        return None
    wid, seq = decode(series)
    if writer is not None and wid != writer:
        return f"holds writer {wid}'s data, not writer {writer}'s"
    expected = version(wid, seq)
    if len(series) != len(expected) or not series.index.equals(expected.index):
        return f"write {wid}/{seq} has {len(series)} rows, not {len(expected)}"
    if not np.array_equal(series.to_numpy(), expected.to_numpy()):
        return f"write {wid}/{seq} has values from another write"
    return None


def log_ok(series: pd.Series) -> str | None:
    offsets = (series.index - LOG_BASE).days.to_numpy()
    if not np.array_equal(offsets.astype("float64"), series.to_numpy()):
        return "a log point's value does not match its date"
    return None


def writer(db: str, wid: int, n: int) -> dict:
    store = Store(db)
    writes = 0
    for seq in range(n):
        data = version(wid, seq)
        store.write_series(f"own_{wid}", data, provenance="import", source="test", detail=f"{wid}/{seq}")
        store.write_series("shared", data, provenance="import", source="test", detail=f"{wid}/{seq}")
        store.write_series(
            "log", log_point(wid, seq), provenance="live", source="test", replace=False, detail=f"{wid}"
        )
        store.record_attempt(f"own_{wid}", None)
        writes += 4
    return {"role": "writer", "wid": wid, "writes": writes}


def reader(db: str, stop_file: str) -> dict:
    store = Store(db)
    reads, problems, log_sizes = 0, [], []
    deadline = time.monotonic() + 600
    stop = Path(stop_file)
    while not stop.exists() and time.monotonic() < deadline:
        for metric in ("shared", "own_0", "own_1"):
            problem = whole(store.read_series(metric), writer=int(metric[-1]) if metric != "shared" else None)
            if problem:
                problems.append(f"{metric}: {problem}")
            store.meta(metric)
            reads += 1
        log = store.read_series("log")
        if log_ok(log):
            problems.append(f"log: {log_ok(log)}")
        if log_sizes and len(log) < log_sizes[-1]:
            problems.append(f"log shrank from {log_sizes[-1]} to {len(log)} points")
        log_sizes.append(len(log))
        store.all_meta()
        reads += 2
    return {"role": "reader", "reads": reads, "problems": problems[:20]}


def main(argv: list[str]) -> int:
    try:
        if argv[0] == "writer":
            result = writer(argv[1], int(argv[2]), int(argv[3]))
        else:
            result = reader(argv[1], argv[2])
        ok = not result.get("problems")
    except Exception as exc:  # report it: the test fails on any error
        result = {
            "role": argv[0],
            "error": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(),
        }
        ok = False
    print(json.dumps(result), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
