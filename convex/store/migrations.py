"""The store's schema, as numbered migrations applied once per database, in order, under a lock.

Each migration is written once for both databases (sqlite's spelling; `db.ddl` translates the types
for PostgreSQL). A store records what it has applied in `migrations`; opening a store applies what
is missing, in one transaction that holds the migration lock, so that two processes opening a new
database at once apply each migration exactly once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pandas as pd

from . import blobs
from .errors import StoreReadOnly

_BASE_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS observations (
        metric_id TEXT NOT NULL,
        date      TEXT NOT NULL,
        value     REAL NOT NULL,
        PRIMARY KEY (metric_id, date)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS series_meta (
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
    )""",
    """CREATE TABLE IF NOT EXISTS release_dates (
        metric_id TEXT NOT NULL,
        date      TEXT NOT NULL,
        released  TEXT NOT NULL,
        PRIMARY KEY (metric_id, date)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS digests (
        day      TEXT PRIMARY KEY,
        built_at TEXT NOT NULL,
        body     TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS subscribers (
        email           TEXT PRIMARY KEY,
        pairs           TEXT NOT NULL,
        token           TEXT NOT NULL UNIQUE,
        created_at      TEXT NOT NULL,
        confirmed_at    TEXT,
        unsubscribed_at TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS digests_sent (
        day     TEXT NOT NULL,
        email   TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        PRIMARY KEY (day, email)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS uploads (
        metric_id  TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        frequency  TEXT NOT NULL,
        change     TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
)


def _base_schema(conn, db) -> None:
    # IF NOT EXISTS: stores made before migrations were numbered already hold these tables.
    for statement in _BASE_SCHEMA:
        conn.execute(db.ddl(statement))


def _redate_coingecko_closes(conn, db) -> None:
    """CoinGecko's daily points were stored under the date of their 00:00 UTC snapshot; they are
    the close of the day before (sources/coingecko.close_dates). Series fetched from CoinGecko
    move back one day; imported files keep their dates (their layout is not recorded)."""
    ids = [row[0] for row in conn.execute(
        "SELECT metric_id FROM series_meta WHERE source = 'coingecko' AND provenance = 'live'"
    )]  # fmt: skip
    for metric_id in ids:
        rows = conn.execute(
            "SELECT date, value FROM observations WHERE metric_id = ?", (metric_id,)
        ).fetchall()
        conn.execute("DELETE FROM observations WHERE metric_id = ?", (metric_id,))
        conn.executemany(
            "INSERT INTO observations (metric_id, date, value) VALUES (?, ?, ?)",
            [(metric_id, _day_before(day), value) for day, value in rows],
        )
        first, last = conn.execute(
            "SELECT first_date, last_date FROM series_meta WHERE metric_id = ?", (metric_id,)
        ).fetchone()
        conn.execute(
            "UPDATE series_meta SET first_date = ?, last_date = ? WHERE metric_id = ?",
            (_day_before(first), _day_before(last), metric_id),
        )


def _day_before(day: str | None) -> str | None:
    return None if day is None else f"{pd.Timestamp(day) - pd.Timedelta(days=1):%Y-%m-%d}"


def _series_as_blobs(conn, db) -> None:
    """One row per series (see blobs.py) instead of one per date, and a store version that every
    write of a series bumps: what replicas watch to notice new data."""
    conn.execute(
        db.ddl("CREATE TABLE series (metric_id TEXT PRIMARY KEY, dates BLOB NOT NULL, vals BLOB NOT NULL)")
    )
    ids = [row[0] for row in conn.execute("SELECT DISTINCT metric_id FROM observations")]
    for metric_id in ids:
        rows = conn.execute(
            "SELECT date, value FROM observations WHERE metric_id = ? ORDER BY date", (metric_id,)
        ).fetchall()
        index = pd.DatetimeIndex([r[0] for r in rows], name="date")
        dates, values = blobs.encode(pd.Series([r[1] for r in rows], index=index, dtype="float64"))
        conn.execute(
            "INSERT INTO series (metric_id, dates, vals) VALUES (?, ?, ?)", (metric_id, dates, values)
        )
    conn.execute("DROP TABLE observations")
    conn.execute("ALTER TABLE series_meta ADD COLUMN version BIGINT NOT NULL DEFAULT 0")
    conn.execute(
        "CREATE TABLE store_version (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL)"
    )
    conn.execute("INSERT INTO store_version (id, version) VALUES (1, 1)")


def _attempts(conn, db) -> None:
    """Every attempt to fetch a metric, by whom (a page view, the CLI, the refresh worker) and how it
    ended: what the status page shows and what proves a replica never fetches."""
    conn.execute(db.ddl(
        """CREATE TABLE attempts (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            metric_id      TEXT NOT NULL,
            source         TEXT,
            actor          TEXT NOT NULL,
            started_at     TEXT NOT NULL,
            finished_at    TEXT NOT NULL,
            status         TEXT NOT NULL,
            new_points     INTEGER NOT NULL DEFAULT 0,
            revised_points INTEGER NOT NULL DEFAULT 0,
            error          TEXT
        )"""
    ))  # fmt: skip
    conn.execute("CREATE INDEX attempts_by_time ON attempts (started_at)")


# Applied in this order, each once. Names are kept forever: a store records them.
MIGRATIONS: tuple[tuple[str, Callable], ...] = (
    ("0001_base_schema", _base_schema),
    ("coingecko_close_dates", _redate_coingecko_closes),  # named before migrations were numbered
    ("0003_series_as_blobs", _series_as_blobs),
    ("0004_attempts", _attempts),
)


def pending(db) -> list[str]:
    """The migrations this database has not applied yet (one read, no lock)."""
    with db.connect() as conn:
        if not db.has_table(conn, "migrations"):
            return [name for name, _ in MIGRATIONS]
        applied = {row[0] for row in conn.execute("SELECT name FROM migrations")}
    return [name for name, _ in MIGRATIONS if name not in applied]


def migrate(db) -> list[str]:
    """Apply what is missing, all in one transaction under the migration lock; the names applied."""
    missing = pending(db)
    if not missing:
        return []
    if db.read_only:
        raise StoreReadOnly(
            f"the store {db} was made by an older Convex and must be upgraded ({', '.join(missing)}), "
            "but it cannot be written: make it writable once, or open it with the Convex that made it"
        )
    with db.transaction() as conn:
        db.transaction_lock(conn, "migrations")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        # Another process may have applied them since the read above: under the lock, read again.
        applied = {row[0] for row in conn.execute("SELECT name FROM migrations")}
        done = []
        for name, step in MIGRATIONS:
            if name in applied:
                continue
            step(conn, db)
            now = datetime.now(UTC).isoformat(timespec="seconds")
            conn.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (name, now))
            done.append(name)
    return done
