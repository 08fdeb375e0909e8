"""get_source and the package's re-exports."""

from __future__ import annotations

import subprocess
import sys

import pytest

import convex.sources as sources
from convex.sources import base, get_source

from .helpers import FAKE_CG_KEY, FAKE_FRED_KEY


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("fred", sources.FredSource),
        ("yahoo", sources.YahooSource),
        ("coingecko", sources.CoinGeckoSource),
        ("cboe", sources.CboeSource),
    ],
)
def test_get_source(name, cls):
    source = get_source(name)
    assert isinstance(source, cls) and source.name == name
    assert callable(source.fetch)


def test_unknown_source_name():
    with pytest.raises(ValueError, match="unknown source 'sample'"):
        get_source("sample")


def test_keys_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("FRED_API_KEY", FAKE_FRED_KEY)
    monkeypatch.setenv("COINGECKO_API_KEY", FAKE_CG_KEY)
    assert get_source("fred").mode == "api"
    assert get_source("coingecko").api_key == FAKE_CG_KEY
    # Registered as secrets: an error text that somehow carried them is scrubbed.
    err = base.BadPayload("fred", "X", f"echo {FAKE_FRED_KEY} and {FAKE_CG_KEY}")
    assert FAKE_FRED_KEY not in str(err) and FAKE_CG_KEY not in str(err)


def test_without_keys():
    assert get_source("fred").mode == "csv"
    assert get_source("coingecko").api_key is None


def test_error_types_are_re_exported():
    for name in [
        "SourceError",
        "SourceUnavailable",
        "RateLimited",
        "UnknownSymbol",
        "AccessDenied",
        "BadPayload",
    ]:
        assert getattr(sources, name) is getattr(base, name)
        assert name in sources.__all__


def test_importing_the_sources_does_not_import_yfinance():
    """yfinance (and curl_cffi) load only when Yahoo is actually used: app start-up stays quick."""
    code = "import sys, convex.sources; print('yfinance' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"
