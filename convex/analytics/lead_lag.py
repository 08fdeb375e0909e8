"""Lead-lag: the correlation of A's change at t with B's change at t + k, for k in -L..L.

k > 0 means A leads B. A correlogram of autocorrelated series is noisier than 1.96/sqrt(n)
suggests: Bartlett's formula widens the band by sqrt(1 + 2 sum rho_a rho_b). With 2L + 1 lags
searched, about one in twenty clears a single-lag band by chance, so a lead is only called when
the best lag clears the band widened for the search (Bonferroni at 5 %).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from convex.analytics.correlation import Z_95, pearson_r
from convex.analytics.pair_data import MIN_OBSERVATIONS, SIGNIFICANCE_LEVEL, PairData, finite_or_none, too_few
from convex.analytics.serialise import JsonResult


@dataclass(frozen=True)
class LeadLag(JsonResult):
    max_lag: int
    lags: tuple[int, ...]
    correlations: tuple[float | None, ...]
    n_pairs: tuple[int, ...]
    best_lag: int | None
    correlation: float | None
    # 1.96 sqrt(factor / n): what independent noise stays inside 95 % of the time at any single
    # lag, for series as autocorrelated as these.
    band: float | None
    significant: bool | None
    n: int
    insufficient: str | None = None
    # The band widened for the 2L+1 lags searched: a best lag outside it is unlikely to be the
    # luck of the search. Text claims a lead only when this holds.
    band_adjusted: float | None = None
    significant_adjusted: bool | None = None
    # Bartlett's variance factor 1 + 2 sum rho_a rho_b behind both bands.
    autocorrelation_factor: float | None = None


def lead_lag_max_lag(n: int, wanted: int) -> int:
    """Lags are capped at a quarter of the sample and so that every lag keeps MIN_OBSERVATIONS pairs."""
    return max(0, min(wanted, n // 4, n - MIN_OBSERVATIONS))


def lagged_correlation(a: np.ndarray, b: np.ndarray, k: int) -> tuple[float, int]:
    """Pearson correlation of a[t] with b[t + k] over the t where both exist, and the pair count."""
    total = len(a)
    if k >= 0:
        x, y = a[: total - k], b[k:]
    else:
        x, y = a[-k:], b[: total + k]
    ok = np.isfinite(x) & np.isfinite(y)
    count = int(np.count_nonzero(ok))
    if count < 2:
        return math.nan, count
    return pearson_r(x[ok], y[ok]), count


def lead_lag(data: PairData, wanted_lag: int) -> LeadLag:
    n = len(data.a_chg)
    max_lag = lead_lag_max_lag(n, wanted_lag)

    def empty(reason: str) -> LeadLag:
        return LeadLag(max_lag, (), (), (), None, None, None, None, n, reason)

    if n < MIN_OBSERVATIONS:
        return empty(too_few(n, "changes"))
    lags = tuple(range(-max_lag, max_lag + 1))
    correlations: list[float | None] = []
    pairs: list[int] = []
    for k in lags:
        r, count = lagged_correlation(data.a_chg_all, data.b_chg_all, k)
        pairs.append(count)
        correlations.append(finite_or_none(r) if count >= MIN_OBSERVATIONS else None)

    scored = [(abs(r), -abs(k), k, r) for k, r in zip(lags, correlations, strict=True) if r is not None]
    if not scored:
        return empty("the changes of one series are all equal at every lag")
    # Ties go to the smallest |k|: without evidence otherwise, "together" beats "leads".
    _, _, best_lag, best_r = max(scored)
    factor = data.changes_factor()
    scale = math.sqrt(factor / n)
    band = Z_95 * scale
    band_adjusted = float(stats.norm.ppf(1 - SIGNIFICANCE_LEVEL / 2 / len(lags))) * scale
    return LeadLag(
        max_lag=max_lag,
        lags=lags,
        correlations=tuple(correlations),
        n_pairs=tuple(pairs),
        best_lag=best_lag,
        correlation=best_r,
        band=band,
        significant=abs(best_r) > band,
        n=n,
        band_adjusted=band_adjusted,
        significant_adjusted=abs(best_r) > band_adjusted,
        autocorrelation_factor=factor,
    )
