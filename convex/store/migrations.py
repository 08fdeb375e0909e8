"""The store's schema, as numbered migrations applied once per database, in order, under a lock.

Each migration is written once for both databases (sqlite's spelling; `db.ddl` translates the types
for PostgreSQL). A store records what it has applied in `migrations`; opening a store applies what
is missing, in one transaction that holds the migration lock, so that two processes opening a new
database at once apply each migration exactly once.
"""

from __future__ import annotations

import hashlib
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


def _signup_safety(conn, db) -> None:
    """Digest signups that cannot reset a subscriber or mail-bomb an address (jobs/subscriptions.py).

    A subscriber's confirmed pairs stay apart from the pairs a signup asks for (pending until its
    link is opened); the one token that both confirmed and unsubscribed, kept in clear, becomes a
    confirm token (pending rows) or an unsubscribe link (confirmed or unsubscribed rows), each stored
    only as its sha256; every signup is logged, by hashes, for the rate limits. Addresses are
    lower-cased (rows that differ only in case are merged, the active one kept)."""
    conn.execute(db.ddl(
        """CREATE TABLE subscribers_new (
            email           TEXT PRIMARY KEY,
            pairs           TEXT NOT NULL,
            pending_pairs   TEXT,
            confirm_hash    TEXT UNIQUE,
            confirm_sent_at TEXT,
            created_at      TEXT NOT NULL,
            confirmed_at    TEXT,
            unsubscribed_at TEXT
        )"""
    ))  # fmt: skip
    conn.execute(db.ddl(
        """CREATE TABLE unsubscribe_links (
            token_hash TEXT PRIMARY KEY,
            email      TEXT NOT NULL,
            created_at TEXT NOT NULL
        )"""
    ))  # fmt: skip
    conn.execute(db.ddl(
        """CREATE TABLE signup_requests (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            email_hash   TEXT NOT NULL,
            client_hash  TEXT NOT NULL,
            requested_at TEXT NOT NULL
        )"""
    ))  # fmt: skip
    conn.execute("CREATE INDEX signup_requests_by_email ON signup_requests (email_hash, requested_at)")
    conn.execute("CREATE INDEX signup_requests_by_client ON signup_requests (client_hash, requested_at)")

    rows = conn.execute(
        "SELECT email, pairs, token, created_at, confirmed_at, unsubscribed_at FROM subscribers"
    ).fetchall()
    kept: dict[str, tuple] = {}
    for row in rows:
        address = row[0].lower()
        if address not in kept or _standing(row) > _standing(kept[address]):
            kept[address] = row
    for row in rows:
        email, pairs, token, created_at, confirmed_at, unsubscribed_at = row
        # The same sha256 as subscriptions.token_hash, written out so that this migration never changes.
        token_hash = hashlib.sha256(token.encode("utf-8")).hexdigest()
        if confirmed_at is None and unsubscribed_at is None:
            # Never confirmed: its token only ever went out in a confirmation message. It stays that,
            # dated from the row's creation (the latest issue is not recorded), so it may expire early
            # but never lives longer than a new confirm link would.
            if row is kept[email.lower()]:
                conn.execute(
                    """INSERT INTO subscribers_new (email, pairs, pending_pairs, confirm_hash,
                           confirm_sent_at, created_at) VALUES (?, '[]', ?, ?, ?, ?)""",
                    (email.lower(), pairs, token_hash, created_at, created_at),
                )
            continue
        # Confirmed once: the token is in the unsubscribe link of every digest sent to it, which must
        # keep working; it no longer confirms anything.
        conn.execute(
            "INSERT INTO unsubscribe_links (token_hash, email, created_at) VALUES (?, ?, ?)",
            (token_hash, email.lower(), created_at),
        )
        if row is kept[email.lower()]:
            conn.execute(
                """INSERT INTO subscribers_new (email, pairs, created_at, confirmed_at, unsubscribed_at)
                   VALUES (?, ?, ?, ?, ?)""",
                (email.lower(), pairs, created_at, confirmed_at, unsubscribed_at),
            )
    conn.execute("DROP TABLE subscribers")
    conn.execute("ALTER TABLE subscribers_new RENAME TO subscribers")

    # Deliveries are keyed by address too: lower-case them, one per day and address.
    mixed = conn.execute(
        "SELECT day, email, sent_at FROM digests_sent WHERE email <> lower(email)"
    ).fetchall()
    for day, email, _ in mixed:
        conn.execute("DELETE FROM digests_sent WHERE day = ? AND email = ?", (day, email))
    for day, email, sent_at in mixed:
        conn.execute(
            "INSERT INTO digests_sent (day, email, sent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (day, email.lower(), sent_at),
        )


def _standing(row: tuple) -> tuple[bool, bool, str]:
    """Which of two old rows for one address to keep: the active one, else one ever confirmed, else the
    newest."""
    _, _, _, created_at, confirmed_at, unsubscribed_at = row
    return (confirmed_at is not None and unsubscribed_at is None, confirmed_at is not None, created_at)


def _upload_use(conn, db) -> None:
    """When each kept upload was last used: the least recently used go first when the kept uploads
    outgrow their quota (store/uploads.py)."""
    conn.execute("ALTER TABLE uploads ADD COLUMN last_used_at TEXT")
    conn.execute("UPDATE uploads SET last_used_at = created_at")


def _vintages(conn, db) -> None:
    """Vintages beside today's values (store/vintages.py): each observation with the real-time period
    it was in force, as ALFRED reports it (an open end is NULL, FRED's 9999-12-31; a NULL value is
    FRED's "." in that period), and per metric where its vintages came from and what they hold."""
    conn.execute(db.ddl(
        """CREATE TABLE vintages (
            metric_id      TEXT NOT NULL,
            date           TEXT NOT NULL,
            realtime_start TEXT NOT NULL,
            realtime_end   TEXT,
            value          REAL,
            PRIMARY KEY (metric_id, date, realtime_start)
        ) WITHOUT ROWID"""
    ))  # fmt: skip
    conn.execute(db.ddl(
        """CREATE TABLE vintage_sets (
            metric_id     TEXT PRIMARY KEY,
            kind          TEXT NOT NULL,
            origin        TEXT NOT NULL,
            detail        TEXT,
            rows_held     INTEGER NOT NULL,
            first_vintage TEXT NOT NULL,
            last_vintage  TEXT NOT NULL,
            updated_at    TEXT NOT NULL
        )"""
    ))  # fmt: skip


# Applied in this order, each once. Names are kept forever: a store records them.
MIGRATIONS: tuple[tuple[str, Callable], ...] = (
    ("0001_base_schema", _base_schema),
    ("coingecko_close_dates", _redate_coingecko_closes),  # named before migrations were numbered
    ("0003_series_as_blobs", _series_as_blobs),
    ("0004_attempts", _attempts),
    ("0005_signup_safety", _signup_safety),
    ("0006_upload_use", _upload_use),
    ("0007_vintages", _vintages),
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
