"""Test-wide guards: no test may reach the network, and every test gets its own store."""

from __future__ import annotations

import os
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
