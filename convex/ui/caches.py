"""Every cached load and computation of this process, cleared together after a refresh or an upload."""

from __future__ import annotations

from . import analysis, data, fred_controls, related


def clear_caches() -> None:
    """After a refresh: every cached load and computation (the store handle is kept)."""
    for cached in (
        *analysis.CACHED,
        *related.CACHED,
        data._version,
        data.load_metric,
        data._recent_loads,
        data._pairs_with_data,
        data._recessions,
        fred_controls._processed,
    ):
        cached.clear()
