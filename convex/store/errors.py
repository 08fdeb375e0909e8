"""What can go wrong with the store itself (not with a source), as typed errors both databases raise.

Each error's text is for the operator (a terminal, a log): it names the store (a SQLite file, or a
PostgreSQL URL with its password masked) and what to do. Its `public` text is for a page's visitors:
what they can expect, naming no file, host or account.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from urllib.parse import unquote

# Query parameters of a database URL whose value is a secret (matched in any case, within the name).
SECRET_WORDS = ("pass", "secret", "token")


class StoreError(RuntimeError):
    """The store cannot do what was asked; str() is for the operator, `public` for visitors."""

    public = "The data store cannot be used just now."

    def __init__(self, message: str, *, public: str | None = None):
        super().__init__(message)
        if public is not None:
            self.public = public


class StoreUnavailable(StoreError):
    """The database does not answer (PostgreSQL down or unreachable, a SQLite file that cannot be
    opened or stays locked): it may come back by itself."""

    public = "The data store is unavailable."


class StoreUnusable(StoreError):
    """The store's configured place cannot hold a store (CONVEX_DATA_DIR is a file, say): the operator
    must change it."""

    public = "The data store is not configured correctly."


class StoreNotWritable(StoreError):
    """Writing is impossible now; what is stored can still be read."""


class StoreReadOnly(StoreNotWritable):
    public = "The store is read-only: showing stored data; refreshes are off."


class StoreFull(StoreNotWritable):
    public = "The data store's disk is full: showing stored data; new data cannot be stored."


class StoreDamaged(StoreError):
    """The SQLite file is not (or no longer) a readable database."""

    public = (
        "The data store is damaged and cannot be read: nothing can be shown until the site's operator "
        "replaces it."
    )


def masked(url: str) -> str:
    """A database URL without its secrets, for messages: the password of `user:password@` and the
    value of every query parameter whose name holds "pass", "secret" or "token" (in any case, even
    percent-encoded, as libpq decodes names too)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    # libpq reads credentials up to the first "@" that comes before any "/" (a "?" may be in them).
    at, slash = rest.find("@"), rest.find("/")
    credentials = ""
    if at >= 0 and (slash < 0 or at < slash):
        user, colon, _ = rest[:at].partition(":")
        credentials, rest = (f"{user}:***@" if colon else f"{user}@"), rest[at + 1 :]
    where, question, query = rest.partition("?")
    if not question:
        return f"{scheme}://{credentials}{rest}"
    params = []
    for param in query.split("&"):
        name, equals, _ = param.partition("=")
        secret = equals and any(word in unquote(name).lower() for word in SECRET_WORDS)
        params.append(f"{name}=***" if secret else param)
    return f"{scheme}://{credentials}{where}?{'&'.join(params)}"


# ------------------------------------------------------------------------------------- SQLite
def _primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF  # extended codes carry the primary in the low byte


# Primary result codes (sqlite3.h); matched by message too, for errors raised without a code.
_FULL, _READONLY, _CORRUPT, _NOTADB, _CANTOPEN, _IOERR, _BUSY, _LOCKED, _PERM = 13, 8, 11, 26, 14, 10, 5, 6, 3
_BY_MESSAGE = (
    ("database or disk is full", _FULL),
    ("attempt to write a readonly database", _READONLY),
    ("file is not a database", _NOTADB),
    ("database disk image is malformed", _CORRUPT),
    ("unable to open database file", _CANTOPEN),
    ("disk i/o error", _IOERR),
    ("database is locked", _BUSY),
)


def sqlite_error(exc: BaseException, path: Path) -> StoreError | None:
    """The store error a sqlite3 error stands for, or None when it is not about the store itself
    (a constraint, a bug in a query)."""
    if not isinstance(exc, sqlite3.Error):
        return None
    code = _primary_code(exc)
    if code is None:
        code = next((c for text, c in _BY_MESSAGE if text in str(exc).lower()), None)
    cause = str(exc)
    if code == _FULL or (code in (_IOERR, _CANTOPEN) and _no_room_beside(path)):
        # On a full disk SQLite may also fail to make the files it needs beside the store (a disk I/O
        # error sizing the WAL's shared memory): then even reading fails.
        unreadable = "SHM" in (getattr(exc, "sqlite_errorname", None) or "") or code == _CANTOPEN
        return StoreFull(
            f"the disk holding {path} is full ({cause}): free space, or set CONVEX_DATA_DIR to a folder "
            "on another disk; the store keeps the data it had",
            public="The data store's disk is full: nothing can be shown until space is freed."
            if unreadable
            else None,
        )
    if code in (_READONLY, _PERM):
        return read_only(path, cause)
    if code in (_CORRUPT, _NOTADB):
        return StoreDamaged(
            f"the store file {path} is damaged ({cause}): move it away (mv {path} {path}.damaged) and "
            "start Convex again, which makes a new store; `convex refresh --all` then fetches the data "
            "again (imported files must be imported again)"
        )
    if code == _CANTOPEN:
        return StoreUnavailable(
            f"the store file {path} cannot be opened ({cause}): check that it and its folder exist and "
            "can be read, or set CONVEX_DATA_DIR"
        )
    if code == _IOERR:
        return StoreUnavailable(f"reading or writing the store file {path} failed ({cause}): check its disk")
    if code in (_BUSY, _LOCKED):
        return StoreUnavailable(
            f"the store file {path} stayed locked by another process ({cause}): try again, or stop the "
            "process that holds it"
        )
    return None


def _no_room_beside(path: Path) -> bool:
    """Whether the disk holding `path` has (next to) no room left."""
    try:
        return shutil.disk_usage(path.parent).free < 1 << 20
    except OSError:
        return False


def read_only(path: Path, cause: str) -> StoreReadOnly:
    return StoreReadOnly(
        f"the store {path} is read-only ({cause}): `convex status`, `export`, `stats` and `scenario` "
        "still read it; to refresh or import, make the file and its folder writable, or set "
        "CONVEX_DATA_DIR to a writable folder"
    )


def folder_error(folder: Path, exc: OSError) -> StoreError:
    """The store's folder cannot be made or used."""
    if isinstance(exc, FileExistsError | NotADirectoryError):
        # The folder itself, or the first of its parents, that is a file.
        file = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), folder)
        return StoreUnusable(
            f"the store's folder {folder} cannot be made: {file} is a file, not a folder; move it, or set "
            "CONVEX_DATA_DIR to a folder (Convex creates it)"
        )
    return StoreUnusable(
        f"the store's folder {folder} cannot be created ({exc.strerror or exc}): create it, or set "
        "CONVEX_DATA_DIR to a folder this user can write"
    )


# --------------------------------------------------------------------------------- PostgreSQL
def postgres_error(exc: BaseException, server: str, url: str, wait_s: float) -> StoreError | None:
    """The store error a psycopg (or pool) error stands for, or None when it is about a query, not
    the database. `server` is host:port, `url` the masked URL."""
    import psycopg
    from psycopg import errors
    from psycopg_pool import PoolTimeout

    if isinstance(exc, errors.DiskFull):
        return StoreFull(
            f"the disk of PostgreSQL at {server} is full ({exc}): free space on the database server",
            public="The data store's disk is full: new data cannot be stored.",
        )
    if isinstance(exc, errors.ReadOnlySqlTransaction):
        return StoreReadOnly(
            f"PostgreSQL at {server} accepts no writes ({exc}): point CONVEX_DATABASE_URL at the "
            "primary server"
        )
    if isinstance(exc, PoolTimeout):
        cause = f"no connection within {wait_s:g} s"
    elif isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        cause = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    else:
        return None
    return StoreUnavailable(
        f"the store is unavailable: PostgreSQL at {server} is not answering ({cause}); start it, or check "
        f"CONVEX_DATABASE_URL ({url})",
        public="The data store is unavailable (its PostgreSQL database is not answering).",
    )
