"""A throwaway PostgreSQL server on loopback, for the tests and the load test: Debian's `postgresql`
binaries, a cluster in a temporary folder (trust authentication, 127.0.0.1 only), stopped at the end.

    with postgres_server() as url:   # postgresql://convex@127.0.0.1:PORT/convex
        ...

As root, the server runs as the `postgres` user (initdb refuses root). `CONVEX_TEST_DATABASE_URL`
names a server to use instead of starting one.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

USER = "convex"


class NoPostgres(RuntimeError):
    """PostgreSQL's server programs are not installed (Debian: apt-get install postgresql)."""


def bindir() -> Path:
    """Where initdb and pg_ctl are: the newest Debian install, else the PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    initdb = found[-1] if found else shutil.which("initdb")
    if not initdb:
        raise NoPostgres("PostgreSQL's server is not installed: apt-get install postgresql")
    return Path(initdb).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(folder: Path) -> list[str]:
    if os.geteuid() != 0:
        return []
    shutil.chown(folder, "postgres", "postgres")
    return ["runuser", "-u", "postgres", "--"]


@contextmanager
def postgres_server() -> Iterator[str]:
    """A running server with an empty database `convex`; its URL. Stopped (fast) and removed on exit.
    Its folder is made directly in the system's temporary folder, which the server's user can reach."""
    configured = os.environ.get("CONVEX_TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    bin_ = bindir()
    folder = Path(tempfile.mkdtemp(prefix="convex-pg-"))
    prefix = _as_server_user(folder)
    data, log = folder / "data", folder / "server.log"
    run = dict(check=True, capture_output=True, text=True)
    initdb = [bin_ / "initdb", "-D", data, "-A", "trust", "-U", USER, "-E", "UTF8", "--no-sync"]
    subprocess.run([*prefix, *initdb], **run)
    port = free_port()
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c max_connections=200"
    subprocess.run([*prefix, bin_ / "pg_ctl", "-D", data, "-o", options, "-l", log, "-w", "start"], **run)
    try:
        import psycopg

        with psycopg.connect(f"postgresql://{USER}@127.0.0.1:{port}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {USER}")
        yield f"postgresql://{USER}@127.0.0.1:{port}/{USER}"
    finally:
        subprocess.run(
            [*prefix, bin_ / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"], capture_output=True
        )


def with_schema(url: str, schema: str) -> str:
    """The same database, with `schema` first on the search path (created by the caller)."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
