"""Test doubles shared by the store, loader, CLI and page tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd

from convex.metrics.catalog import catalog
from convex.sources.base import SourceError


@dataclass
class FakeSource:
    """A source that answers from a dict of series, or raises a queued error."""

    name: str = "fake"
    min_interval: float = 0.0
    data: dict[str, pd.Series] = field(default_factory=dict)
    errors: dict[str, SourceError] = field(default_factory=dict)
    calls: list[tuple[str, date | None]] = field(default_factory=list)

    def fetch(self, symbol: str, start: date | None = None) -> pd.Series:
        self.calls.append((symbol, start))
        if symbol in self.errors:
            raise self.errors[symbol]
        series = self.data[symbol]
        return series[series.index >= pd.Timestamp(start)] if start else series


class FakeClock:
    def __init__(self, now: datetime | None = None):
        self.now = now or datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


def synthetic_series(
    metric_id: str, *, end: str = "2026-11-18", years: float = 5, seed: int = 0, start: str | None = None
) -> pd.Series:
    """A plausible series for a catalog metric on its native calendar (random walk, fixed seed)."""
    metric = catalog().get(metric_id)
    freq = {"daily": "B", "weekly": "W-WED", "monthly": "MS", "quarterly": "QS"}[metric.frequency]
    first = pd.Timestamp(start) if start else pd.Timestamp(end) - pd.DateOffset(days=int(365.25 * years))
    # Real data carries no `freq` on its index; neither does this.
    index = pd.DatetimeIndex(pd.date_range(first, end, freq=freq).to_numpy(), name="date")
    rng = np.random.default_rng(seed)
    steps = rng.normal(0.0003, 0.01, len(index))
    values = 100 * np.exp(np.cumsum(steps)) if metric.change == "pct" else 3 + np.cumsum(steps * 5)
    return pd.Series(values, index=index, name=metric_id, dtype="float64")


class SyntheticSource:
    """A source that answers for any symbol: a business-day random walk from 1990, fixed by the symbol
    and `generation` (so a test can tell which fetch a stored series came from). `rows` caps its
    length; `delay` seconds pass before each answer; every call is counted, and with `log` (a file
    path) also appended to that file as "<wall-clock time> <source> <symbol>" when it starts (how a
    test counts the fetches of a child process)."""

    min_interval = 0.0

    def __init__(
        self, name: str, *, rows: int = 2_000, generation: int = 0, delay: float = 0.0, log: str | None = None
    ):
        self.name, self.rows, self.generation, self.delay, self.log = name, rows, generation, delay, log
        self.calls: list[str] = []

    def fetch(self, symbol: str, start: date | None = None) -> pd.Series:
        import time
        import zlib

        self.calls.append(symbol)
        if self.log:
            with open(self.log, "a") as handle:
                handle.write(f"{time.time():.6f} {self.name} {symbol}\n")
        time.sleep(self.delay)
        series = synthetic_walk(zlib.crc32(f"{self.name}:{symbol}".encode()), self.rows, self.generation)
        return series[series.index >= pd.Timestamp(start)] if start else series


def synthetic_walk(seed: int, rows: int, generation: int) -> pd.Series:
    index = pd.DatetimeIndex(pd.bdate_range("1990-01-01", periods=rows).to_numpy(), name="date")
    steps = np.random.default_rng([seed, generation]).normal(0.0002, 0.01, rows)
    return pd.Series(100 * np.exp(np.cumsum(steps)) + generation, index=index, dtype="float64")
