"""Live data sources: one module per source, one contract (see base.py)."""

from __future__ import annotations

from .base import (
    AccessDenied,
    BadPayload,
    RateLimited,
    Source,
    SourceError,
    SourceUnavailable,
    UnknownSymbol,
)
from .cboe import CboeSource
from .coingecko import CoinGeckoSource
from .fred import FredSource
from .yahoo import YahooSource

SOURCE_CLASSES = {
    "fred": FredSource,
    "yahoo": YahooSource,
    "coingecko": CoinGeckoSource,
    "cboe": CboeSource,
}


def get_source(name: str) -> Source:
    """A source with default settings (API keys from the environment: FRED_API_KEY,
    COINGECKO_API_KEY). Raises ValueError for a name that is not a live source."""
    try:
        cls = SOURCE_CLASSES[name]
    except KeyError:
        raise ValueError(f"unknown source {name!r}; expected one of {', '.join(SOURCE_CLASSES)}") from None
    return cls()


__all__ = [
    "SOURCE_CLASSES",
    "AccessDenied",
    "BadPayload",
    "CboeSource",
    "CoinGeckoSource",
    "FredSource",
    "RateLimited",
    "Source",
    "SourceError",
    "SourceUnavailable",
    "UnknownSymbol",
    "YahooSource",
    "get_source",
]
