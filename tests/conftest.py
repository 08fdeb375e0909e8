"""Test-wide guards: no test may reach the network, and every test gets its own store."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest

SHARED_REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class NetworkBlocked(RuntimeError):
    """A test tried to open a connection that is not on loopback."""


def _is_loopback(address) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name that is not localhost: resolving it would leave the machine


def _guarded_connect(self, address):
    if not _is_loopback(address):
        raise NetworkBlocked(f"test tried to connect to {address!r}: only loopback is allowed")
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    if not _is_loopback(address):
        raise NetworkBlocked(f"test tried to connect to {address!r}: only loopback is allowed")
    return _real_connect_ex(self, address)


def pytest_configure(config):
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
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
