"""The store: every series with its metadata, in one SQLite file (the embedded default) or in a
PostgreSQL database that app replicas and one refresh worker share (`CONVEX_DATABASE_URL`).

A series is one row (see blobs.py) written with its metadata in one transaction, so a failure or a
kill in the middle of a write leaves the previous version whole, and a reader sees either version,
never half of one. Every write of a series also bumps the store's version, one number that
replicas read to notice new data.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from platformdirs import user_cache_dir

from . import blobs
from .db import LockBusy, open_database
from .errors import (
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreNotWritable,
    StoreReadOnly,
    StoreUnavailable,
    StoreUnusable,
)
from .logs import Attempt, Logs
from .migrations import migrate
from .times import _iso, _parse_ts, utcnow
from .uploads import KeptUploads, UploadQuota, UploadTooLarge
from .vintages import Vintages, VintageSet

__all__ = [
    "PROVENANCES",
    "Attempt",
    "LockBusy",
    "SeriesMeta",
    "Store",
    "StoreDamaged",
    "StoreError",
    "StoreFull",
    "StoreNotWritable",
    "StoreReadOnly",
    "StoreUnavailable",
    "StoreUnusable",
    "UploadQuota",
    "UploadTooLarge",
    "VintageSet",
    "WriteResult",
    "default_data_dir",
    "utcnow",
]

PROVENANCES = ("live", "import", "sample")


def default_data_dir() -> Path:
    """`$CONVEX_DATA_DIR`, else the per-user cache folder."""
    return _data_dir(os.environ.get("CONVEX_DATA_DIR"))


def default_location() -> str:
    """`$CONVEX_DATABASE_URL` (a PostgreSQL URL) when set, else the SQLite file in the data folder."""
    return os.environ.get("CONVEX_DATABASE_URL") or _sqlite_location(os.environ.get("CONVEX_DATA_DIR"))


# Keyed by the setting they read: pages ask for the location many times a run.
@lru_cache(maxsize=16)
def _data_dir(configured: str | None) -> Path:
    # `~/x` is the user's folder x, as a shell would read it (a quoted setting keeps the tilde).
    return Path(configured).expanduser() if configured else Path(user_cache_dir("convex"))


@lru_cache(maxsize=16)
def _sqlite_location(data_dir: str | None) -> str:
    return str(_data_dir(data_dir) / "convex.sqlite3")


@dataclass(frozen=True)
class SeriesMeta:
    metric_id: str
    provenance: str | None
    source: str | None
    detail: str | None
    first_date: pd.Timestamp | None
    last_date: pd.Timestamp | None
    points: int
    fetched_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None

    @property
    def has_data(self) -> bool:
        return self.points > 0

    def to_dict(self) -> dict:
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, pd.Timestamp):
                out[key] = value.date().isoformat()
            elif isinstance(value, datetime):
                out[key] = _iso(value)
        return out


@dataclass(frozen=True)
class WriteResult:
    new_points: int
    revised_points: int
    total_points: int


_META_COLUMNS = (
    "metric_id, provenance, source, detail, first_date, last_date, points, fetched_at, last_attempt_at, "
    "last_error"
)


class Store(KeptUploads, Logs, Vintages):
    """The store at `location`: a PostgreSQL URL or a SQLite file path (default: see
    `default_location`), created and migrated on first use.

    A store that cannot be used raises a StoreError (errors.py): StoreUnavailable when its database
    does not answer within `timeout` seconds, StoreReadOnly or StoreFull when a write is impossible,
    StoreDamaged when its file is not a database. A SQLite file that cannot be written is opened
    read-only: it is read as usual, and every write raises StoreReadOnly."""

    def __init__(
        self,
        location: Path | str | None = None,
        *,
        application_name: str = "convex",
        timeout: float | None = None,
    ):
        self.db = open_database(location or default_location(), application_name, timeout=timeout)
        migrate(self.db)

    @property
    def shared(self) -> bool:
        """Whether app replicas share this store (PostgreSQL): page views then only read it, and one
        refresh worker fetches the sources."""
        return self.db.shared

    @property
    def kind(self) -> str:
        """"sqlite" or "postgresql"."""
        return self.db.kind

    @property
    def read_only(self) -> bool:
        """Whether this store was opened read-only (its SQLite file or folder cannot be written)."""
        return self.db.read_only

    def write_problem(self) -> StoreNotWritable | None:
        """Why this store cannot be written now (opened read-only, or a recent write found the disk
        full or the file read-only), or None."""
        return self.db.write_problem()

    def require_writable(self) -> None:
        """StoreReadOnly at once for a store opened read-only (before any work that would write)."""
        if self.db.read_only:
            raise self.db.not_writable()

    @property
    def path(self) -> Path:
        """The SQLite file (AttributeError for a PostgreSQL store)."""
        return self.db.path

    @property
    def location(self) -> str:
        """Where the store is, for messages (a URL's password masked)."""
        return str(self.db)

    def transaction(self):
        """One write transaction (for the tables other modules own, e.g. subscriptions)."""
        return self.db.transaction()

    def connection(self):
        return self.db.connect()

    def exclusive(self, name: str, *, wait: bool = False):
        """Hold the lock `name` against every other process using this store (LockBusy when another
        holds it and `wait` is false)."""
        return self.db.exclusive(name, wait=wait)

    @contextmanager
    def _series_write(self, *, bump: bool = True) -> Iterator[tuple[object, int]]:
        """A write transaction that changes series data: it bumps the store version first, which also
        makes every such transaction wait for the one before it (on PostgreSQL, the row lock). A
        write no cached computation depends on (a user's upload) leaves the version as it is."""
        with self.db.transaction() as conn:
            statement = "UPDATE store_version SET version = version + 1 RETURNING version"
            if not bump:
                statement = "SELECT version FROM store_version"
            version = conn.execute(statement).fetchone()[0]
            yield conn, version

    # ------------------------------------------------------------------ reads
    def read_series(self, metric_id: str) -> pd.Series:
        with self.db.connect() as conn:
            return _read_series(conn, metric_id)

    def read_all(self) -> dict[str, pd.Series]:
        """Every stored series in one query (cross-metric rankings read the whole store)."""
        with self.db.connect() as conn:
            rows = conn.execute("SELECT metric_id, dates, vals FROM series ORDER BY metric_id").fetchall()
        return {metric_id: blobs.decode(dates, values, metric_id) for metric_id, dates, values in rows}

    def version(self) -> int:
        """Changes whenever any series or its metadata does; a cheap cache key for the whole store."""
        with self.db.connect() as conn:
            return conn.execute("SELECT version FROM store_version").fetchone()[0]

    def meta(self, metric_id: str) -> SeriesMeta | None:
        with self.db.connect() as conn:
            row = conn.execute(
                f"SELECT {_META_COLUMNS} FROM series_meta WHERE metric_id = ?", (metric_id,)
            ).fetchone()
        return _meta_from_row(row) if row else None

    def all_meta(self) -> dict[str, SeriesMeta]:
        with self.db.connect() as conn:
            rows = conn.execute(f"SELECT {_META_COLUMNS} FROM series_meta ORDER BY metric_id").fetchall()
        return {row[0]: _meta_from_row(row) for row in rows}

    # ----------------------------------------------------------------- writes
    def write_series(
        self,
        metric_id: str,
        series: pd.Series,
        *,
        provenance: str,
        source: str,
        detail: str | None = None,
        replace: bool = True,
        fetched_at: datetime | None = None,
        bump_version: bool = True,
    ) -> WriteResult:
        """Store `series` for `metric_id` in one transaction.

        `replace=True` swaps the whole series; `replace=False` upserts, so values on dates already
        stored are revised and older history is kept (incremental refresh).
        """
        if provenance not in PROVENANCES:
            raise ValueError(f"provenance must be one of {PROVENANCES}")
        now = fetched_at or utcnow()
        with self._series_write(bump=bump_version) as (conn, version):
            before = _read_series(conn, metric_id)
            overlap = series.index.intersection(before.index)
            revised = int((series.loc[overlap] != before.loc[overlap]).sum())
            new_points = len(series.index.difference(before.index))
            kept = before.iloc[:0] if replace else before[~before.index.isin(series.index)]
            merged = pd.concat([kept, series]).sort_index() if len(kept) else series
            dates, values = blobs.encode(merged)
            conn.execute(
                """INSERT INTO series (metric_id, dates, vals) VALUES (?, ?, ?)
                   ON CONFLICT(metric_id) DO UPDATE SET dates = excluded.dates, vals = excluded.vals""",
                (metric_id, dates, values),
            )
            conn.execute(
                """INSERT INTO series_meta (metric_id, provenance, source, detail, first_date, last_date,
                       points, fetched_at, last_attempt_at, last_error, version)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)
                   ON CONFLICT(metric_id) DO UPDATE SET provenance = excluded.provenance,
                       source = excluded.source, detail = excluded.detail,
                       first_date = excluded.first_date, last_date = excluded.last_date,
                       points = excluded.points, fetched_at = excluded.fetched_at,
                       last_attempt_at = excluded.last_attempt_at, last_error = NULL,
                       version = excluded.version""",
                (
                    metric_id,
                    provenance,
                    source,
                    detail,
                    *_span(merged),
                    len(merged),
                    _iso(now),
                    _iso(now),
                    version,
                ),
            )
        return WriteResult(new_points=new_points, revised_points=revised, total_points=len(merged))

    def read_release_dates(self, metric_id: str) -> pd.Series | None:
        """When each observation was first published (ALFRED), or None when not stored."""
        with self.db.connect() as conn:
            rows = conn.execute(
                "SELECT date, released FROM release_dates WHERE metric_id = ? ORDER BY date", (metric_id,)
            ).fetchall()
        if not rows:
            return None
        dates, released = _as_dates([r[0] for r in rows]), _as_dates([r[1] for r in rows])
        return pd.Series(released.rename(None), index=dates, name="first_release")

    def write_release_dates(self, metric_id: str, first_releases: pd.Series) -> None:
        """Replace the first-release dates of `metric_id` in one transaction."""
        rows = [
            (metric_id, f"{day:%Y-%m-%d}", f"{released:%Y-%m-%d}") for day, released in first_releases.items()
        ]
        with self._series_write() as (conn, _):
            conn.execute("DELETE FROM release_dates WHERE metric_id = ?", (metric_id,))
            conn.executemany("INSERT INTO release_dates (metric_id, date, released) VALUES (?, ?, ?)", rows)


def _as_dates(dates: list[str]) -> pd.DatetimeIndex:
    # ISO dates parse straight into datetime64 (several times faster than pd.to_datetime on text).
    return pd.DatetimeIndex(np.array(dates, dtype="datetime64[D]").astype("datetime64[us]"), name="date")


def _span(series: pd.Series) -> tuple[str | None, str | None]:
    if series.empty:
        return None, None
    return f"{series.index[0]:%Y-%m-%d}", f"{series.index[-1]:%Y-%m-%d}"


def _read_series(conn, metric_id: str) -> pd.Series:
    row = conn.execute("SELECT dates, vals FROM series WHERE metric_id = ?", (metric_id,)).fetchone()
    return blobs.empty(metric_id) if row is None else blobs.decode(row[0], row[1], metric_id)


def _meta_from_row(row: tuple) -> SeriesMeta:
    (metric_id, provenance, source, detail, first, last, points, fetched, attempt, error) = row
    return SeriesMeta(
        metric_id=metric_id,
        provenance=provenance,
        source=source,
        detail=detail,
        first_date=pd.Timestamp(first) if first else None,
        last_date=pd.Timestamp(last) if last else None,
        points=points or 0,
        fetched_at=_parse_ts(fetched),
        last_attempt_at=_parse_ts(attempt),
        last_error=error,
    )
