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


class Cluster:
    """A throwaway cluster in a temporary folder that can be stopped and started again on the same
    port (what the store-fault tests do to a database that goes away and comes back)."""

    def __init__(self):
        self.bin = bindir()
        self.folder = Path(tempfile.mkdtemp(prefix="convex-pg-"))
        self.prefix = _as_server_user(self.folder)
        self.data, self.log = self.folder / "data", self.folder / "server.log"
        initdb = [self.bin / "initdb", "-D", self.data, "-A", "trust", "-U", USER, "-E", "UTF8", "--no-sync"]
        subprocess.run([*self.prefix, *initdb], check=True, capture_output=True, text=True)
        self.port = free_port()
        self.url = f"postgresql://{USER}@127.0.0.1:{self.port}/{USER}"

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c max_connections=200"
        command = [self.bin / "pg_ctl", "-D", self.data, "-o", options, "-l", self.log, "-w", "start"]
        subprocess.run([*self.prefix, *command], check=True, capture_output=True, text=True)

    def create_database(self) -> None:
        """The empty database `convex` that `url` names (once, after the first start)."""
        import psycopg

        with psycopg.connect(self.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {USER}")

    def stop(self) -> None:
        """Fast shutdown: every session is ended (as in a server restart), then the server stops."""
        command = [self.bin / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"]
        subprocess.run([*self.prefix, *command], capture_output=True)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[str]:
    """A running server with an empty database `convex`; its URL. Stopped (fast) and removed on exit.
    Its folder is made directly in the system's temporary folder, which the server's user can reach."""
    configured = os.environ.get("CONVEX_TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    cluster = Cluster()
    cluster.start()
    try:
        cluster.create_database()
        yield cluster.url
    finally:
        cluster.stop()


def with_schema(url: str, schema: str) -> str:
    """The same database, with `schema` first on the search path (created by the caller)."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
