"""The two databases a store can live in: one SQLite file (the embedded default, for one user) or a
PostgreSQL server that several app replicas and one refresh worker share.

Both take the same SQL: `?` placeholders and `ON CONFLICT` upserts. What differs is spelled here:
connecting (PostgreSQL through a pool), the write transaction, column types, and the locks that
processes take against each other (a migration, the one refresh worker).
"""

from __future__ import annotations

import fcntl
import functools
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_S = 60.0
# PostgreSQL connections one process keeps (Streamlit runs each session's script in its own thread).
POOL_SIZE = int(os.environ.get("CONVEX_DB_POOL_SIZE", "10"))
# PostgreSQL advisory locks are (class, key) pairs: this class is Convex's, the key names the lock
# and the schema, so that two deployments sharing a database in different schemas never collide.
LOCK_CLASS = 0x0C0E


class LockBusy(RuntimeError):
    """Another process holds the lock asked for."""


def is_database_url(location: object) -> bool:
    return isinstance(location, str) and location.split("://", 1)[0] in ("postgresql", "postgres")


def open_database(
    location: str | Path, application_name: str = "convex"
) -> SqliteDatabase | PostgresDatabase:
    """The database at `location`: a PostgreSQL URL, else the path of a SQLite file."""
    if is_database_url(location):
        return PostgresDatabase(str(location), application_name)
    return SqliteDatabase(Path(location))


def masked(url: str) -> str:
    """A database URL without its password, for messages."""
    scheme, _, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"


class SqliteDatabase:
    kind = "sqlite"
    shared = False  # one machine's file: the app may fetch sources on a page view

    def __init__(self, path: Path):
        self.path = path
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")

    def __str__(self) -> str:
        return str(self.path)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        # One short-lived connection per operation: safe across Streamlit's threads and processes.
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute("PRAGMA synchronous=NORMAL")
            yield conn
        finally:
            conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.connect() as conn:
            # IMMEDIATE takes the write lock up front, so two writers queue instead of deadlocking.
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def ddl(self, sql: str) -> str:
        return sql

    def has_table(self, conn: sqlite3.Connection, name: str) -> bool:
        query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        return conn.execute(query, (name,)).fetchone() is not None

    def transaction_lock(self, conn: sqlite3.Connection, name: str) -> None:
        """Nothing to add: a sqlite write transaction (BEGIN IMMEDIATE) already excludes every other."""

    @contextmanager
    def exclusive(self, name: str, *, wait: bool) -> Iterator[None]:
        """Hold the lock `name` between processes (a file lock beside the database, released when the
        holder exits, even by SIGKILL); LockBusy at once when `wait` is false and another holds it."""
        with open(f"{self.path}.{name}.lock", "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                raise LockBusy(name) from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


@functools.lru_cache(maxsize=512)
def _pg_sql(sql: str) -> str:
    # The store's SQL uses sqlite's `?`; psycopg's placeholder is `%s` (and a literal % is `%%`).
    return sql.replace("%", "%%").replace("?", "%s")


class _PgConnection:
    """A psycopg connection that takes the store's SQL as written for sqlite."""

    def __init__(self, conn):
        self._conn = conn

    def execute(self, sql: str, params=()):
        return self._conn.execute(_pg_sql(sql), params)

    def executemany(self, sql: str, rows):
        cursor = self._conn.cursor()
        cursor.executemany(_pg_sql(sql), list(rows))
        return cursor


# Translated from sqlite's spelling of the schema (see migrations.py).
_PG_TYPES = (
    ("BLOB", "BYTEA"),
    (" REAL", " DOUBLE PRECISION"),
    (" WITHOUT ROWID", ""),
    ("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY"),
)


# One pool per server and role, for the whole process: every Store on the same URL shares it.
_POOLS: dict[tuple[str, str], object] = {}


class PostgresDatabase:
    kind = "postgresql"
    shared = True  # replicas only read: one refresh worker fetches the sources

    def __init__(self, url: str, application_name: str = "convex"):
        from psycopg_pool import ConnectionPool

        self.url = url
        self.application_name = application_name
        key = (url, application_name)
        if key not in _POOLS:
            _POOLS[key] = ConnectionPool(
                url,
                min_size=1,
                max_size=POOL_SIZE,
                kwargs={"autocommit": True, "application_name": application_name},
                check=ConnectionPool.check_connection,  # a connection broken by a server restart is replaced
                timeout=BUSY_TIMEOUT_S,
                name=f"convex:{application_name}",
                open=True,
            )
        self._pool = _POOLS[key]

    def __str__(self) -> str:
        return masked(self.url)

    @contextmanager
    def connect(self) -> Iterator[_PgConnection]:
        with self._pool.connection() as conn:
            yield _PgConnection(conn)

    @contextmanager
    def transaction(self) -> Iterator[_PgConnection]:
        with self._pool.connection() as conn, conn.transaction():
            yield _PgConnection(conn)

    def ddl(self, sql: str) -> str:
        for sqlite_word, pg_word in _PG_TYPES:
            sql = sql.replace(sqlite_word, pg_word)
        return sql

    def has_table(self, conn: _PgConnection, name: str) -> bool:
        return conn.execute("SELECT to_regclass(?)", (name,)).fetchone()[0] is not None

    @staticmethod
    def lock_key(name: str) -> str:
        return f"({LOCK_CLASS}, hashtext(current_schema() || ':{name}'))"

    @contextmanager
    def exclusive(self, name: str, *, wait: bool) -> Iterator[None]:
        """Hold the advisory lock `name` on a connection of its own for as long as the block runs; the
        server releases it when that connection ends, a SIGKILLed holder included."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True, application_name=self.application_name) as conn:
            while not conn.execute(f"SELECT pg_try_advisory_lock{self.lock_key(name)}").fetchone()[0]:
                if not wait:
                    raise LockBusy(name)
                time.sleep(1.0)
            try:
                yield
            finally:
                conn.execute(f"SELECT pg_advisory_unlock{self.lock_key(name)}")

    def transaction_lock(self, conn: _PgConnection, name: str) -> None:
        """Serialise with every other transaction taking the same lock, until this one ends."""
        conn.execute(f"SELECT pg_advisory_xact_lock{self.lock_key(name)}")


def close_pools(url: str | None = None) -> None:
    """Close this process's PostgreSQL pools (those of `url`, or all)."""
    for key in [k for k in _POOLS if url is None or k[0] == url]:
        _POOLS.pop(key).close()
