"""The two databases a store can live in: one SQLite file (the embedded default, for one user, here)
or a PostgreSQL server that several app replicas and one refresh worker share (postgres.py).

Both take the same SQL: `?` placeholders and `ON CONFLICT` upserts. What differs is spelled in each:
connecting (PostgreSQL through a pool), the write transaction, column types, the locks that
processes take against each other (a migration, the one refresh worker), and how each says that
it cannot be used (errors.py: unavailable, read-only, full, damaged).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from .access import HeldLock, LockBusy, WriteHealth
from .errors import (
    StoreError,
    StoreNotWritable,
    StoreReadOnly,
    StoreUnavailable,
    StoreUnusable,
    folder_error,
    masked,
    read_only,
    sqlite_error,
)
from .postgres import DEFAULT_TIMEOUT_S, PostgresDatabase

__all__ = ["HeldLock", "LockBusy", "PostgresDatabase", "SqliteDatabase", "masked", "open_database"]

# How long a SQLite writer waits for another to finish (writers queue, they never fail each other).
BUSY_TIMEOUT_S = 60.0


def is_database_url(location: object) -> bool:
    return isinstance(location, str) and location.split("://", 1)[0] in ("postgresql", "postgres")


def open_database(
    location: str | Path, application_name: str = "convex", *, timeout: float | None = None
) -> SqliteDatabase | PostgresDatabase:
    """The database at `location`: a PostgreSQL URL, else the path of a SQLite file."""
    if is_database_url(location):
        return PostgresDatabase(str(location), application_name, timeout=timeout or DEFAULT_TIMEOUT_S)
    return SqliteDatabase(Path(location).expanduser())


class SqliteDatabase(WriteHealth):
    kind = "sqlite"
    shared = False  # one machine's file: the app may fetch sources on a page view

    def __init__(self, path: Path):
        super().__init__()
        self.path = path
        self._read_uri: str | None = None  # set when the file is opened read-only
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise folder_error(self.path.parent, exc) from None
        if not _writable(self.path):
            self._open_read_only()
            return
        try:
            with self.connect() as conn:
                conn.execute("PRAGMA journal_mode=WAL")
        except StoreReadOnly:  # what os.access could not know (a file made read-only some other way)
            self._open_read_only()

    def _open_read_only(self) -> None:
        """Read the file without writing anything: read-only, and immutable when its folder cannot
        hold the WAL's shared-memory file (SQLite would otherwise refuse to read a WAL-mode file)."""
        if not self.path.exists():
            raise StoreUnusable(
                f"the store {self.path} does not exist and its folder cannot be written: make the folder "
                "writable, or set CONVEX_DATA_DIR to a writable folder"
            )
        self.read_only = True
        uri = f"file:{quote(str(self.path))}?mode=ro"
        for attempt in (uri, f"{uri}&immutable=1"):
            self._read_uri = attempt
            try:
                with self.connect() as conn:
                    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return
            except (StoreReadOnly, StoreUnavailable):
                if attempt != uri:
                    raise

    def __str__(self) -> str:
        return str(self.path)

    def not_writable(self) -> StoreNotWritable:
        return read_only(self.path, "its file or its folder cannot be written")

    def _translated(self, exc: sqlite3.Error) -> StoreError | None:
        return sqlite_error(exc, self.path)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        # One short-lived connection per operation: safe across Streamlit's threads and processes.
        try:
            if self._read_uri:
                conn = sqlite3.connect(self._read_uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            else:
                conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise (self._translated(exc) or exc) from exc
        try:
            conn.execute("PRAGMA synchronous=NORMAL")
            yield conn
        except sqlite3.Error as exc:
            error = self._translated(exc)
            if error is None:
                raise
            raise error from exc
        finally:
            conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            raise self.not_writable()
        with self.noting_writes(), self.connect() as conn:
            # IMMEDIATE takes the write lock up front, so two writers queue instead of deadlocking.
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                # SQLite may have rolled back already (a full disk does): then there is nothing to undo.
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
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
    def exclusive(self, name: str, *, wait: bool) -> Iterator[HeldLock]:
        """Hold the lock `name` between processes (a file lock beside the database, released when the
        holder exits, even by SIGKILL); LockBusy at once when `wait` is false and another holds it."""
        if self.read_only:
            raise self.not_writable()
        lock_path = Path(f"{self.path}.{name}.lock")
        try:
            handle = open(lock_path, "a+")  # noqa: SIM115 (closed below, after the lock is released)
        except OSError as exc:
            raise read_only(self.path, f"its lock file cannot be made: {exc.strerror or exc}") from None
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                raise LockBusy(name) from None

            def same_file() -> bool:
                # Held while the file locked is still the one at the lock's path: a lock file deleted
                # (and made again by another process) no longer excludes anyone.
                try:
                    return os.fstat(handle.fileno()).st_ino == os.stat(lock_path).st_ino
                except OSError:
                    return False

            try:
                yield HeldLock(same_file)
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _writable(path: Path) -> bool:
    """Whether this process may write the store file and make its journal files beside it. os.access
    knows permissions, read-only mounts and immutable files (even for root)."""
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)
