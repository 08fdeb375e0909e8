"""The aligned pair as plain arrays, and the conventions every pair statistic shares.

* "Changes" are the per-aligned-period changes in `AlignedPair.frame` (returns for "pct"
  metrics, differences for "diff" metrics).
* A statistic needs MIN_OBSERVATIONS points; with fewer, its `insufficient` says why and its
  numbers are None. Constant series, all-zero changes and NaNs give a reason, never an exception.
* Successive changes of macro and market series are autocorrelated, so the independent-draws
  formulas overstate the evidence. Intervals and p-values of correlations use Bartlett's
  effective sample size; regression standard errors are Newey-West (HAC). Both look back
  `autocorrelation_lags(n)` periods, the Newey-West rule of thumb floor(4 (n/100)^(2/9)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from convex.analytics.align import (
    CHANGE_A,
    CHANGE_B,
    LEVEL_A,
    LEVEL_B,
    AlignedPair,
    spans_more_than_a_period,
)

MIN_OBSERVATIONS = 20
SIGNIFICANCE_LEVEL = 0.05


def too_few(n: int, what: str = "aligned points") -> str:
    return f"insufficient data: {n} {what}, need at least {MIN_OBSERVATIONS}"


def finite_or_none(value: float | None) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def constant_reason(x: np.ndarray, y: np.ndarray, names: tuple[str, str], what: str) -> str | None:
    for values, name in ((x, names[0]), (y, names[1])):
        if len(values) and np.ptp(values) == 0:
            return f"{name}'s {what} are all equal over the window"
    return None


def positive_int(name: str, value: int | None, default: int, *, minimum: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


# --------------------------------------------------------------------------- autocorrelation


def autocorrelation_lags(n: int) -> int:
    """Newey and West's (1994) rule of thumb, floor(4 (n/100)^(2/9)): how far back the
    autocorrelation corrections look."""
    return math.floor(4.0 * (max(n, 1) / 100.0) ** (2.0 / 9.0))


def autocorrelations(x: np.ndarray, max_lag: int) -> np.ndarray:
    """Sample autocorrelations at lags 1..max_lag, as `statsmodels.tsa.stattools.acf` (the
    usual biased estimator: every lag's sum divided by the same n times the variance)."""
    centred = np.asarray(x, dtype=float) - np.mean(x)
    denominator = float(centred @ centred)
    if denominator == 0 or max_lag < 1:
        return np.zeros(max(max_lag, 0))
    return np.array([float(centred[k:] @ centred[:-k]) / denominator for k in range(1, max_lag + 1)])


def bartlett_factor(a: np.ndarray, b: np.ndarray, max_lag: int) -> float:
    """1 + 2 sum_k rho_a(k) rho_b(k), at least 1: how much autocorrelation in both series
    inflates the variance of their sample correlation (Bartlett 1935), so that the effective
    sample size is n / factor. Floored at 1 so that it never narrows an interval."""
    factor = 1.0 + 2.0 * float(autocorrelations(a, max_lag) @ autocorrelations(b, max_lag))
    return max(1.0, factor)


def rolling_moments(a: np.ndarray, b: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Trailing-window covariance of a and b and each one's variance (ddof 1) at every row, NaN
    until `window` consecutive rows have both values: what pandas' rolling(window).cov/var give,
    from running sums instead of per-window loops."""
    ok = np.isfinite(a) & np.isfinite(b)
    x, y = np.where(ok, a, 0.0), np.where(ok, b, 0.0)
    # Shifting by the means keeps the running sums small (no cancellation in the differences).
    if ok.any():
        x, y = np.where(ok, x - x[ok].mean(), 0.0), np.where(ok, y - y[ok].mean(), 0.0)

    def windowed(values: np.ndarray) -> np.ndarray:
        total = np.concatenate(([0.0], np.cumsum(values)))
        out = np.full(len(values), np.nan)
        if len(values) >= window:
            out[window - 1 :] = total[window:] - total[:-window]
        return out

    count = windowed(ok.astype(float))
    sx, sy = windowed(x), windowed(y)
    sxx, syy, sxy = windowed(x * x), windowed(y * y), windowed(x * y)
    full = count == window
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = np.where(full, (sxy - sx * sy / window) / (window - 1), np.nan)
        var_a = np.where(full, (sxx - sx * sx / window) / (window - 1), np.nan)
        var_b = np.where(full, (syy - sy * sy / window) / (window - 1), np.nan)
    return cov, np.maximum(var_a, 0.0), np.maximum(var_b, 0.0)


# --------------------------------------------------------------------------- the pair


@dataclass(frozen=True, eq=False)
class PairData:
    """The aligned frame as plain arrays, taken out of pandas once."""

    names: tuple[str, str]
    change_a: str
    change_b: str
    frequency: str
    dates: pd.DatetimeIndex  # window rows
    a: np.ndarray  # levels in the window
    b: np.ndarray
    a_chg_all: np.ndarray  # changes on every window row (NaN where undefined)
    b_chg_all: np.ndarray
    # Rows whose step from the row before spans more than one period (a gap in the data): a
    # level series' difference there is not a one-period change.
    gaps: np.ndarray
    both: np.ndarray  # rows of the window where both changes exist
    a_chg: np.ndarray  # changes on those rows only
    b_chg: np.ndarray
    history: pd.DataFrame  # all aligned rows; the window is its tail
    offset: int  # position of the window's first row in the history

    @classmethod
    def build(cls, aligned: AlignedPair) -> PairData:
        frame = aligned.frame
        values = frame.to_numpy(dtype=float)
        columns = list(frame.columns)
        a, b = values[:, columns.index(LEVEL_A)], values[:, columns.index(LEVEL_B)]
        a_chg_all, b_chg_all = values[:, columns.index(CHANGE_A)], values[:, columns.index(CHANGE_B)]
        both = np.isfinite(a_chg_all) & np.isfinite(b_chg_all)
        return cls(
            names=(aligned.name_a, aligned.name_b),
            change_a=aligned.change_a,
            change_b=aligned.change_b,
            frequency=aligned.frequency,
            dates=frame.index,
            a=a,
            b=b,
            a_chg_all=a_chg_all,
            b_chg_all=b_chg_all,
            gaps=spans_more_than_a_period(frame.index, aligned.frequency),
            both=both,
            a_chg=a_chg_all[both],
            b_chg=b_chg_all[both],
            history=aligned.history,
            offset=len(aligned.history) - len(frame),
        )

    def window_tail(self, series: pd.Series) -> pd.Series:
        """A series computed over the history, cut to the window's rows."""
        return series.iloc[self.offset :]

    def paired_changes(self) -> tuple[np.ndarray, np.ndarray]:
        """Both changes on every window row, in order, NaN on the rows where either is missing.

        What lagged regressions of the pair take: every gap is marked by a NaN on the first row
        after it (a change spanning more than one period is left out), so a row whose lags
        reach across a gap has a NaN among them and is dropped, and every other row is used.
        """
        return np.where(self.both, self.a_chg_all, np.nan), np.where(self.both, self.b_chg_all, np.nan)

    def changes_factor(self) -> float:
        """The Bartlett factor of the two change series over the window (1 with too few)."""
        if len(self.a_chg) < MIN_OBSERVATIONS:
            return 1.0
        return bartlett_factor(self.a_chg, self.b_chg, autocorrelation_lags(len(self.a_chg)))
