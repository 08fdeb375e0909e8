"""A store in PostgreSQL, shared by app replicas and one refresh worker: connections from a pool per
process, with short waits (a database that does not answer is StoreUnavailable within seconds: the
timeouts below), and the advisory locks processes take against each other."""

from __future__ import annotations

import contextlib
import functools
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from .access import HeldLock, LockBusy, WriteHealth
from .errors import StoreUnavailable, StoreUnusable, masked, postgres_error

# How long to wait for the database before the store counts as unavailable: a page view must say so
# soon; the CLI and the worker may wait longer, never a minute in silence.
PAGE_TIMEOUT_S = 4.0
CLI_TIMEOUT_S = 5.0
WORKER_TIMEOUT_S = 10.0
DEFAULT_TIMEOUT_S = WORKER_TIMEOUT_S
# libpq's own limit on one connection attempt (whole seconds; it takes at least 2).
CONNECT_TIMEOUT_S = 3
# A pool retries a lost server with growing pauses (1, 2, 4 s...) for this long, then gives up that
# attempt and the next request starts a new one at once: this bounds how long a pool takes to notice
# that the server is back.
RECONNECT_S = 8.0
# Connections one process keeps (Streamlit runs each session's script in its own thread).
POOL_SIZE = int(os.environ.get("CONVEX_DB_POOL_SIZE", "10"))
# Advisory locks are (class, key) pairs: this class is Convex's, the key names the lock and the
# schema, so that two deployments sharing a database in different schemas never collide.
LOCK_CLASS = 0x0C0E


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


# One pool per server, role and timeout, for the whole process: every Store on the same URL shares it.
_POOLS: dict[tuple[str, str, float], object] = {}


def _server(url: str) -> str:
    """host:port of a PostgreSQL URL, for messages (StoreUnusable when it is not a valid URL)."""
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(url)
    except ProgrammingError:
        # psycopg's message quotes the whole URL, password included: not repeated here.
        raise StoreUnusable(f"CONVEX_DATABASE_URL is not a valid PostgreSQL URL: {masked(url)}") from None
    return f"{info.get('host') or info.get('hostaddr') or 'localhost'}:{info.get('port') or 5432}"


class PostgresDatabase(WriteHealth):
    kind = "postgresql"
    shared = True  # replicas only read: one refresh worker fetches the sources

    def __init__(self, url: str, application_name: str = "convex", *, timeout: float = DEFAULT_TIMEOUT_S):
        from psycopg_pool import ConnectionPool

        super().__init__()
        self.url = url
        self.application_name = application_name
        self.timeout = timeout
        self.server = _server(url)
        key = (url, application_name, timeout)
        if key not in _POOLS:
            _POOLS[key] = ConnectionPool(
                url,
                min_size=1,
                max_size=POOL_SIZE,
                kwargs={
                    "autocommit": True,
                    "application_name": application_name,
                    "connect_timeout": CONNECT_TIMEOUT_S,
                },
                check=ConnectionPool.check_connection,  # a connection broken by a server restart is replaced
                timeout=timeout,
                reconnect_timeout=RECONNECT_S,
                name=f"convex:{application_name}",
                open=True,
            )
        self._pool = _POOLS[key]

    def __str__(self) -> str:
        return masked(self.url)

    @contextmanager
    def _translating(self) -> Iterator[None]:
        try:
            yield
        except Exception as exc:
            error = postgres_error(exc, self.server, str(self), self.timeout)
            if error is None:
                raise
            raise error from exc

    @contextmanager
    def connect(self) -> Iterator[_PgConnection]:
        with self._translating(), self._pool.connection() as conn:
            yield _PgConnection(conn)

    @contextmanager
    def transaction(self) -> Iterator[_PgConnection]:
        with self.noting_writes(), self._translating(), self._pool.connection() as conn, conn.transaction():
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

    def _lock_connection(self):
        import psycopg

        with self._translating():
            return psycopg.connect(
                self.url,
                autocommit=True,
                application_name=self.application_name,
                connect_timeout=CONNECT_TIMEOUT_S,
                # A server that vanishes without closing the connection is noticed within seconds.
                keepalives_idle=5,
                keepalives_interval=2,
                keepalives_count=3,
                tcp_user_timeout=int(self.timeout * 1000),
            )

    @contextmanager
    def exclusive(self, name: str, *, wait: bool) -> Iterator[HeldLock]:
        """Hold the advisory lock `name` on a connection of its own for as long as the block runs; the
        server releases it when that connection ends, a SIGKILLed holder included, and also when the
        server restarts or ends that session: `held()` then says so. While waiting (`wait`), a lost
        connection is made again."""
        import psycopg

        conn = self._lock_connection()
        try:
            while True:
                try:
                    with self._translating():
                        if conn.execute(f"SELECT pg_try_advisory_lock{self.lock_key(name)}").fetchone()[0]:
                            break
                except StoreUnavailable:
                    if not wait:
                        raise
                    conn.close()
                    time.sleep(1.0)
                    conn = self._lock_connection()
                    continue
                if not wait:
                    raise LockBusy(name)
                time.sleep(1.0)

            def still_granted() -> bool:
                # The session that took it is alive (any error: it is not) and still holds it.
                query = (
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    f"AND pid = pg_backend_pid() AND classid = {LOCK_CLASS} AND objsubid = 2 "
                    f"AND objid = hashtext(current_schema() || ':{name}')::oid"
                )
                try:
                    return conn.execute(query).fetchone()[0] > 0
                except psycopg.Error:
                    return False

            yield HeldLock(still_granted)
        finally:
            with contextlib.suppress(psycopg.Error):  # a session already gone has released it
                conn.execute(f"SELECT pg_advisory_unlock{self.lock_key(name)}")
            conn.close()

    def transaction_lock(self, conn: _PgConnection, name: str) -> None:
        """Serialise with every other transaction taking the same lock, until this one ends."""
        conn.execute(f"SELECT pg_advisory_xact_lock{self.lock_key(name)}")


def close_pools(url: str | None = None) -> None:
    """Close this process's PostgreSQL pools (those of `url`, or all)."""
    for key in [k for k in _POOLS if url is None or k[0] == url]:
        _POOLS.pop(key).close()
