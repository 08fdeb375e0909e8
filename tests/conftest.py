"""Test-wide guards: no test may reach the network, and every test gets its own store."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from tests import netguard

SHARED_REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"


def pytest_configure(config):
    netguard.install()
    # Nothing under test may reach a live source, even by accident of configuration.
    os.environ["CONVEX_OFFLINE"] = "1"
    os.environ.pop("FRED_API_KEY", None)
    os.environ.pop("COINGECKO_API_KEY", None)
    # Every test chooses its store: SQLite in its own folder, or PostgreSQL through `backend`.
    os.environ.pop("CONVEX_DATABASE_URL", None)


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch) -> Path:
    """Each test gets an empty store of its own."""
    folder = tmp_path / "convex-data"
    monkeypatch.setenv("CONVEX_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def shared_real() -> Path:
    """The recorded real data beside the project; tests using it skip where it is absent."""
    if not SHARED_REAL.is_dir():
        pytest.skip("../shared/data/real is not present on this machine")
    return SHARED_REAL


@pytest.fixture(scope="session")
def postgres_server():
    """One throwaway PostgreSQL server per test process (bench/pgserver.py). Where it cannot start, the
    tests that need it fail under `make test` and CI (CONVEX_REQUIRE_POSTGRES=1), else skip."""
    from bench.pgserver import NoPostgres, postgres_server

    server = postgres_server()
    try:
        url = server.__enter__()
    except NoPostgres as exc:
        if os.environ.get("CONVEX_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required here: {exc}")
        pytest.skip(str(exc))
    yield url
    server.__exit__(None, None, None)


@pytest.fixture
def pg_url(postgres_server) -> str:
    """An empty schema of its own on the test server, as a store URL; dropped afterwards."""
    import psycopg

    from bench.pgserver import with_schema
    from convex.store.postgres import close_pools

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    url = with_schema(postgres_server, schema)
    yield url
    close_pools(url)
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, monkeypatch) -> str:
    """Run the test once on each store backend: `Store()` opens SQLite in the test's folder, or a
    PostgreSQL schema of the test's own (CONVEX_DATABASE_URL)."""
    if request.param == "postgres":
        monkeypatch.setenv("CONVEX_DATABASE_URL", request.getfixturevalue("pg_url"))
    return request.param


@pytest.fixture
def own_server():
    """A PostgreSQL server of the test's own, which it may stop and start again on the same port (what
    a database that goes away and comes back looks like): bench/pgserver.Cluster, removed afterwards."""
    from bench.pgserver import Cluster, NoPostgres
    from convex.store.postgres import close_pools

    try:
        cluster = Cluster()
    except NoPostgres as exc:
        if os.environ.get("CONVEX_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required here: {exc}")
        pytest.skip(str(exc))
    try:
        cluster.start()
        cluster.create_database()
        yield cluster
    finally:
        close_pools(cluster.url)
        cluster.remove()
