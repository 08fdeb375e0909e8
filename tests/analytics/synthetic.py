"""Synthetic series of known shape for the analytics tests (no files, no network)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def business_days(start: str, periods: int) -> pd.DatetimeIndex:
    return pd.bdate_range(start, periods=periods, name="date")


def price_walk(index: pd.DatetimeIndex, *, seed: int, start: float = 100.0, vol: float = 0.01) -> pd.Series:
    """A geometric random walk: positive, price-like, non-stationary."""
    rng = np.random.default_rng(seed)
    return pd.Series(start * np.exp(np.cumsum(rng.normal(0.0, vol, len(index)))), index=index)


def level_walk(index: pd.DatetimeIndex, *, seed: int, start: float = 0.0, step: float = 1.0) -> pd.Series:
    """An arithmetic random walk: a rate-like "diff" series that can cross zero."""
    rng = np.random.default_rng(seed)
    return pd.Series(start + np.cumsum(rng.normal(0.0, step, len(index))), index=index)


def returns_to_prices(returns: np.ndarray, index: pd.DatetimeIndex, start: float = 100.0) -> pd.Series:
    """Prices whose simple returns are exactly `returns` (the first return is dropped)."""
    factors = np.concatenate([[1.0], 1.0 + np.asarray(returns[1:])])
    return pd.Series(start * np.cumprod(factors), index=index)


def lead_lag_pair(
    n: int, lag: int, *, seed: int, strength: float = 0.8, sign: float = 1.0
) -> tuple[pd.Series, pd.Series]:
    """Two price series whose returns satisfy r_B[t] = sign * strength * r_A[t - lag] + noise.

    For lag > 0, A leads B by `lag` periods; for lag < 0, B leads A.
    """
    index = business_days("2001-01-02", n)
    rng = np.random.default_rng(seed)
    base = rng.normal(0.0, 0.01, n + 2 * abs(lag))
    noise = rng.normal(0.0, 0.004, n)
    offset = abs(lag)
    a_returns = base[offset : offset + n]
    b_returns = sign * strength * base[offset - lag : offset - lag + n] + noise
    return returns_to_prices(a_returns, index), returns_to_prices(b_returns, index, start=50.0)


def cointegrated_pair(n: int, *, seed: int) -> tuple[pd.Series, pd.Series]:
    """log B = 0.5 + 0.8 log A + stationary AR(1) noise: cointegrated in logs by construction."""
    index = business_days("2001-01-02", n)
    rng = np.random.default_rng(seed)
    log_a = np.log(100.0) + np.cumsum(rng.normal(0.0, 0.01, n))
    noise = np.zeros(n)
    shocks = rng.normal(0.0, 0.01, n)
    for t in range(1, n):
        noise[t] = 0.5 * noise[t - 1] + shocks[t]
    log_b = 0.5 + 0.8 * log_a + noise
    return pd.Series(np.exp(log_a), index=index), pd.Series(np.exp(log_b), index=index)


def wednesdays(start: str, end: str) -> pd.DatetimeIndex:
    return pd.date_range(start, end, freq="W-WED", name="date")
