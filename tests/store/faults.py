"""A SQLite store that cannot be written, whose disk is full, or whose file is damaged: made as
genuinely as this machine allows, and each helper says what it simulates. Shared by the store tests
and the page and CLI tests (tests/reliability/test_store_faults.py)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _can_write_in(folder: Path) -> bool:
    probe = folder / ".write-probe"
    try:
        probe.write_text("x")
    except OSError:
        return False
    probe.unlink()
    return True


@contextmanager
def unwritable(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The store's folder and every file in it cannot be written by this process, for the block; how
    ("immutable", "permissions" or "simulated").

    Tests run as root here, and root ignores permission bits, so: the files and the folder are made
    immutable (chattr +i: not even root may write them, and os.access says so, as on a read-only
    mount). Where chattr cannot (another file system, no CAP_LINUX_IMMUTABLE), a user other than root
    gets read-only permission bits. Failing both, it is simulated: the store's own writability check
    (convex.store.db._writable, which asks os.access) is patched to answer as on a read-only mount;
    SQLite then really opens the file read-only (mode=ro) and refuses writes itself."""
    files = sorted(p for p in folder.iterdir() if p.is_file())
    how = None
    if shutil.which("chattr"):
        done = subprocess.run(["chattr", "+i", *map(str, files), str(folder)], capture_output=True)
        if done.returncode == 0 and not _can_write_in(folder):
            how = "immutable"
        elif done.returncode == 0:
            subprocess.run(["chattr", "-i", *map(str, files), str(folder)], capture_output=True)
    modes = {p: p.stat().st_mode for p in (*files, folder)}
    if how is None and os.geteuid() != 0:
        for path in files:
            path.chmod(0o444)
        folder.chmod(0o555)
        how = "permissions"
    if how is None:
        import convex.store.db

        monkeypatch.setattr(convex.store.db, "_writable", lambda path: False)
        how = "simulated"
    try:
        yield how
    finally:
        if how == "immutable":
            subprocess.run(["chattr", "-i", *map(str, files), str(folder)], check=True)
        elif how == "permissions":
            for path, mode in modes.items():
                path.chmod(mode)


def fill_the_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, SQLite finds the disk full: every connection opened is capped at the pages its
    file already has (PRAGMA max_page_count), so a write that needs more room fails with SQLITE_FULL,
    the error SQLite raises on a full disk, from SQLite itself. (A real full disk needs a small file
    system of its own: tests/reliability/test_store_faults.py mounts one where it may.)"""
    real_connect = sqlite3.connect

    def capped(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {max(pages, 2)}")
        return conn

    monkeypatch.setattr(sqlite3, "connect", capped)


def damage(path: Path, how: str) -> None:
    """A store file damaged as files really get damaged: cut short (a copy that stopped, a full disk
    during a copy) or overwritten with something that is not a database."""
    if how == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
    elif how == "garbage":
        path.write_bytes(b"<html>not a database</html>\n" * 200)
    else:
        raise ValueError(how)
    for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
