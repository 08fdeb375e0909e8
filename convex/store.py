"""The embedded store: one SQLite file (WAL) of observations and per-metric metadata.

Every write is a single transaction, so a failure or a kill in the middle of it leaves the
previous version of the series whole. Readers never block writers (WAL), and concurrent writers
wait for each other (busy timeout) instead of failing.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from platformdirs import user_cache_dir

PROVENANCES = ("live", "import", "sample")
BUSY_TIMEOUT_S = 60.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS observations (
    metric_id TEXT NOT NULL,
    date      TEXT NOT NULL,
    value     REAL NOT NULL,
    PRIMARY KEY (metric_id, date)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS series_meta (
    metric_id       TEXT PRIMARY KEY,
    provenance      TEXT,
    source          TEXT,
    detail          TEXT,
    first_date      TEXT,
    last_date       TEXT,
    points          INTEGER NOT NULL DEFAULT 0,
    fetched_at      TEXT,
    last_attempt_at TEXT,
    last_error      TEXT
);
CREATE TABLE IF NOT EXISTS release_dates (
    metric_id TEXT NOT NULL,
    date      TEXT NOT NULL,
    released  TEXT NOT NULL,
    PRIMARY KEY (metric_id, date)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS digests (
    day      TEXT PRIMARY KEY,
    built_at TEXT NOT NULL,
    body     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS subscribers (
    email           TEXT PRIMARY KEY,
    pairs           TEXT NOT NULL,
    token           TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    confirmed_at    TEXT,
    unsubscribed_at TEXT
);
CREATE TABLE IF NOT EXISTS digests_sent (
    day     TEXT NOT NULL,
    email   TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (day, email)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS uploads (
    metric_id  TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    frequency  TEXT NOT NULL,
    change     TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS migrations (
    name       TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL
);
"""


def _redate_coingecko_closes(conn: sqlite3.Connection) -> None:
    """CoinGecko's daily points were stored under the date of their 00:00 UTC snapshot; they are
    the close of the day before (sources/coingecko.close_dates). Series fetched from CoinGecko
    move back one day; imported files keep their dates (their layout is not recorded)."""
    ids = [row[0] for row in conn.execute(
        "SELECT metric_id FROM series_meta WHERE source = 'coingecko' AND provenance = 'live'"
    )]  # fmt: skip
    for metric_id in ids:
        rows = conn.execute(
            "SELECT date(date, '-1 day'), value FROM observations WHERE metric_id = ?", (metric_id,)
        ).fetchall()
        conn.execute("DELETE FROM observations WHERE metric_id = ?", (metric_id,))
        conn.executemany(
            "INSERT INTO observations (metric_id, date, value) VALUES (?, ?, ?)",
            [(metric_id, day, value) for day, value in rows],
        )
        conn.execute(
            "UPDATE series_meta SET first_date = date(first_date, '-1 day'), last_date = date(last_date, "
            "'-1 day') WHERE metric_id = ?",
            (metric_id,),
        )


# Applied once per store, in order, each in one transaction with its record.
_MIGRATIONS = (("coingecko_close_dates", _redate_coingecko_closes),)


def default_data_dir() -> Path:
    """`$CONVEX_DATA_DIR`, else the per-user cache folder."""
    configured = os.environ.get("CONVEX_DATA_DIR")
    return Path(configured) if configured else Path(user_cache_dir("convex"))


def utcnow() -> datetime:
    return datetime.now(UTC)


def _iso(ts: datetime | None) -> str | None:
    return ts.astimezone(UTC).isoformat(timespec="seconds") if ts else None


def _parse_ts(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


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


def _rows(metric_id: str, series: pd.Series) -> Iterator[tuple[str, str, float]]:
    dates = series.index.strftime("%Y-%m-%d")
    for day, value in zip(dates, series.to_numpy(dtype="float64"), strict=True):
        yield metric_id, day, float(value)


class Store:
    """The SQLite store at `path` (a file), created on first use."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path else default_data_dir() / "convex.sqlite3"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
            applied = {row[0] for row in conn.execute("SELECT name FROM migrations")}
        for name, migrate in _MIGRATIONS:
            if name in applied:
                continue
            with self._transaction() as conn:
                # Another process may have applied it since the read above: the write lock decides.
                if conn.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone():
                    continue
                migrate(conn)
                conn.execute(
                    "INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (name, _iso(utcnow()))
                )

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # One short-lived connection per operation: safe across Streamlit's threads and processes.
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute("PRAGMA synchronous=NORMAL")
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as conn:
            # IMMEDIATE takes the write lock up front, so two writers queue instead of deadlocking.
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def transaction(self):
        """One write transaction (for the tables other modules own, e.g. subscriptions)."""
        return self._transaction()

    def connection(self):
        return self._connect()

    # ------------------------------------------------------------------ reads
    def read_series(self, metric_id: str) -> pd.Series:
        with self._connect() as conn:
            return _read_series(conn, metric_id)

    def read_all(self) -> dict[str, pd.Series]:
        """Every stored series in one query (cross-metric rankings read the whole store)."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT metric_id, date, value FROM observations ORDER BY metric_id, date"
            ).fetchall()
        out: dict[str, pd.Series] = {}
        start = 0
        for end in range(1, len(rows) + 1):
            if end == len(rows) or rows[end][0] != rows[start][0]:
                chunk = rows[start:end]
                out[chunk[0][0]] = _as_series([r[1] for r in chunk], [r[2] for r in chunk], chunk[0][0])
                start = end
        return out

    def version(self) -> tuple:
        """Changes whenever any series or its metadata does; a cheap cache key for the whole store."""
        with self._connect() as conn:
            query = "SELECT COUNT(*), SUM(points), MAX(fetched_at), MAX(last_attempt_at), MAX(last_date)"
            return conn.execute(query + " FROM series_meta").fetchone()

    def meta(self, metric_id: str) -> SeriesMeta | None:
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM series_meta WHERE metric_id = ?", (metric_id,)).fetchone()
        return _meta_from_row(row) if row else None

    def all_meta(self) -> dict[str, SeriesMeta]:
        with self._connect() as conn:
            rows = conn.execute("SELECT * FROM series_meta ORDER BY metric_id").fetchall()
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
    ) -> WriteResult:
        """Store `series` for `metric_id` in one transaction.

        `replace=True` swaps the whole series; `replace=False` upserts, so values on dates already
        stored are revised and older history is kept (incremental refresh).
        """
        if provenance not in PROVENANCES:
            raise ValueError(f"provenance must be one of {PROVENANCES}")
        now = fetched_at or utcnow()
        with self._transaction() as conn:
            # Only the stored dates the new series can touch are needed to count what changed.
            first = f"{series.index[0]:%Y-%m-%d}" if len(series) else None
            before = _read_series(conn, metric_id, since=first)
            overlap = series.index.intersection(before.index)
            revised = int((series.loc[overlap] != before.loc[overlap]).sum())
            new_points = len(series.index.difference(before.index))
            if replace:
                conn.execute("DELETE FROM observations WHERE metric_id = ?", (metric_id,))
            conn.executemany(
                "INSERT OR REPLACE INTO observations (metric_id, date, value) VALUES (?, ?, ?)",
                _rows(metric_id, series),
            )
            first, last, points = conn.execute(
                "SELECT MIN(date), MAX(date), COUNT(*) FROM observations WHERE metric_id = ?", (metric_id,)
            ).fetchone()
            conn.execute(
                """INSERT INTO series_meta (metric_id, provenance, source, detail, first_date, last_date,
                       points, fetched_at, last_attempt_at, last_error)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
                   ON CONFLICT(metric_id) DO UPDATE SET provenance = excluded.provenance,
                       source = excluded.source, detail = excluded.detail,
                       first_date = excluded.first_date, last_date = excluded.last_date,
                       points = excluded.points, fetched_at = excluded.fetched_at,
                       last_attempt_at = excluded.last_attempt_at, last_error = NULL""",
                (metric_id, provenance, source, detail, first, last, points, _iso(now), _iso(now)),
            )
        return WriteResult(new_points=new_points, revised_points=revised, total_points=points)

    def read_release_dates(self, metric_id: str) -> pd.Series | None:
        """When each observation was first published (ALFRED), or None when not stored."""
        with self._connect() as conn:
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
        with self._transaction() as conn:
            conn.execute("DELETE FROM release_dates WHERE metric_id = ?", (metric_id,))
            conn.executemany("INSERT INTO release_dates (metric_id, date, released) VALUES (?, ?, ?)", rows)

    def write_upload(
        self, metric_id: str, name: str, frequency: str, change: str, series: pd.Series, detail: str
    ) -> None:
        """Keep a user's uploaded series, then how to read it: an upload exists for readers once
        its row in `uploads` does, and by then its series is whole."""
        self.write_series(metric_id, series, provenance="import", source="upload", detail=detail)
        with self._transaction() as conn:
            conn.execute(
                """INSERT INTO uploads (metric_id, name, frequency, change, created_at) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT(metric_id) DO UPDATE SET name = excluded.name,
                   frequency = excluded.frequency, change = excluded.change""",
                (metric_id, name, frequency, change, _iso(utcnow())),
            )

    def read_upload(self, metric_id: str) -> tuple[str, str, str] | None:
        """(name, frequency, change) of a stored upload, or None."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT name, frequency, change FROM uploads WHERE metric_id = ?", (metric_id,)
            ).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def write_digest(self, day: str, body: str, *, built_at: datetime | None = None) -> None:
        """Keep the day's digest (JSON), replacing an earlier build of the same day."""
        with self._transaction() as conn:
            conn.execute(
                """INSERT INTO digests (day, built_at, body) VALUES (?, ?, ?)
                   ON CONFLICT(day) DO UPDATE SET built_at = excluded.built_at, body = excluded.body""",
                (day, _iso(built_at or utcnow()), body),
            )

    def read_digests(self, limit: int = 30) -> list[tuple[str, datetime, str]]:
        """The latest digests, newest first: (day, built at, JSON body)."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT day, built_at, body FROM digests ORDER BY day DESC LIMIT ?", (limit,)
            ).fetchall()
        return [(day, _parse_ts(built), body) for day, built, body in rows]

    def record_attempt(self, metric_id: str, error: str | None, *, at: datetime | None = None) -> None:
        """Note a fetch attempt that stored nothing: when, and why it failed (None: no error)."""
        with self._transaction() as conn:
            conn.execute(
                """INSERT INTO series_meta (metric_id, last_attempt_at, last_error) VALUES (?, ?, ?)
                   ON CONFLICT(metric_id) DO UPDATE SET last_attempt_at = excluded.last_attempt_at,
                       last_error = excluded.last_error""",
                (metric_id, _iso(at or utcnow()), error),
            )


def _as_dates(dates: list[str]) -> pd.DatetimeIndex:
    # ISO dates parse straight into datetime64 (several times faster than pd.to_datetime on text),
    # at pandas' default resolution so stored and fetched series compare and join alike.
    return pd.DatetimeIndex(np.array(dates, dtype="datetime64[D]").astype("datetime64[us]"), name="date")


def _as_series(dates: list[str], values: list[float], name: str) -> pd.Series:
    return pd.Series(np.array(values, dtype="float64"), index=_as_dates(dates), name=name)


def _read_series(conn: sqlite3.Connection, metric_id: str, since: str | None = None) -> pd.Series:
    rows = conn.execute(
        "SELECT date, value FROM observations WHERE metric_id = ? AND date >= ? ORDER BY date",
        (metric_id, since or ""),
    ).fetchall()
    return _as_series([r[0] for r in rows], [r[1] for r in rows], metric_id)


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
