"""Synthetic series and reports for the content tests (no files, no network)."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from convex.analytics import pair_report
from convex.analytics.report import PairReport
from convex.metrics.catalog import catalog
from convex.metrics.metric import FREQUENCIES

END = "2025-06-13"
YEARS = 7
_DATES = {
    "daily": lambda: pd.bdate_range(end=END, periods=252 * YEARS, name="date"),
    "weekly": lambda: pd.date_range(end=END, periods=52 * YEARS, freq="W-WED", name="date"),
    "monthly": lambda: pd.date_range(end=END, periods=12 * YEARS, freq="MS", name="date"),
    "quarterly": lambda: pd.date_range(end=END, periods=4 * YEARS, freq="QS", name="date"),
}
# Lookbacks cycled over the (frequency, change) combinations so every wording gets exercised.
_LOOKBACK_CYCLE = ("3Y", "Max", "1Y", "90D", "5Y", "10Y")


def dates(frequency: str, periods: int | None = None) -> pd.DatetimeIndex:
    index = _DATES[frequency]()
    return index if periods is None else index[-periods:]


def walk(
    index: pd.DatetimeIndex, change: str, *, seed: int = 0, shocks: np.ndarray | None = None
) -> pd.Series:
    """A price-like geometric walk ("pct") or a rate-like arithmetic walk ("diff")."""
    rng = np.random.default_rng(seed)
    steps = rng.normal(0.0, 1.0, len(index)) if shocks is None else np.asarray(shocks, dtype=float)
    if change == "pct":
        return pd.Series(100.0 * np.exp(np.cumsum(0.01 * steps)), index=index)
    return pd.Series(3.0 + np.cumsum(0.05 * steps), index=index)


def from_changes(
    index: pd.DatetimeIndex, changes: np.ndarray, change: str, start: float = 100.0
) -> pd.Series:
    """Levels whose per-period changes are exactly `changes` (the first one is dropped)."""
    changes = np.asarray(changes, dtype=float)
    if change == "pct":
        return pd.Series(start * np.cumprod(np.concatenate([[1.0], 1.0 + changes[1:]])), index=index)
    return pd.Series(start + np.cumsum(np.concatenate([[0.0], changes[1:]])), index=index)


def catalog_kinds() -> list[tuple[str, str]]:
    """Every (frequency, change) that a catalog metric has."""
    return sorted({(m.frequency, m.change) for m in catalog()}, key=lambda k: (FREQUENCIES.index(k[0]), k[1]))


@cache
def combo_report(freq_a: str, change_a: str, freq_b: str, change_b: str) -> PairReport:
    """One PairReport per combination of kinds, reused by every catalog pair of that combination."""
    kinds = catalog_kinds()
    position = kinds.index((freq_a, change_a)) * len(kinds) + kinds.index((freq_b, change_b))
    lookback = _LOOKBACK_CYCLE[position % len(_LOOKBACK_CYCLE)]
    a = walk(dates(freq_a), change_a, seed=position)
    b = walk(dates(freq_b), change_b, seed=1000 + position)
    return pair_report(
        a, b, freq_a=freq_a, freq_b=freq_b, change_a=change_a, change_b=change_b,
        lookback=lookback, today=pd.Timestamp(END),
    )  # fmt: skip
