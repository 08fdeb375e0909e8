"""Pairs of known shape for the pair-statistics tests, aligned the way the app aligns them."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from convex.analytics.align import align_pair
from tests.analytics.synthetic import business_days, price_walk, returns_to_prices


def daily_pair(a: pd.Series, b: pd.Series, *, change_a="pct", change_b="pct", lookback="Max", **names):
    return align_pair(
        a, b, freq_a="daily", freq_b="daily", change_a=change_a, change_b=change_b, lookback=lookback, **names
    )


def walks(n: int, seed: int):
    days = business_days("2001-01-02", n)
    return price_walk(days, seed=seed), price_walk(days, seed=seed + 1000)


def correlated_prices(n: int, seed: int, rho: float):
    days = business_days("2001-01-02", n)
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 0.01, n)
    y = rho * x + math.sqrt(max(0.0, 1 - rho * rho)) * rng.normal(0, 0.01, n)
    return returns_to_prices(x, days), returns_to_prices(y, days, start=40.0)


def ar1(n: int, phi: float, rng: np.random.Generator, scale: float = 0.01) -> np.ndarray:
    out = np.zeros(n)
    shocks = rng.normal(0, scale, n)
    for t in range(1, n):
        out[t] = phi * out[t - 1] + shocks[t]
    return out


def autocorrelated_prices(n: int, seed: int, phi: float, rho: float = 0.0):
    """Prices whose returns are AR(1) with coefficient phi, correlated rho with each other."""
    rng = np.random.default_rng(seed)
    days = business_days("2001-01-02", n)
    common, own_a, own_b = ar1(n, phi, rng), ar1(n, phi, rng), ar1(n, phi, rng)
    a = math.sqrt(abs(rho)) * common + math.sqrt(1 - abs(rho)) * own_a
    b = math.copysign(math.sqrt(abs(rho)), rho) * common + math.sqrt(1 - abs(rho)) * own_b
    return returns_to_prices(a, days), returns_to_prices(b, days, start=40.0)


def assert_json(result) -> dict:
    out = result.to_dict()
    json.dumps(out, allow_nan=False)
    json.dumps(result.to_dict(include_series=True), allow_nan=False)
    return out
