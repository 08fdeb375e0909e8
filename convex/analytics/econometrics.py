"""Fast equivalents of three statsmodels tests, for the interactive budget (~50 ms a pair).

On 25 years of daily data statsmodels' `adfuller`/`coint` cost 2-15 ms each with a fixed lag
(its OLS uses a pseudo-inverse) and `grangercausalitytests` to lag 12 ~70 ms per direction (one
full OLS pair per lag). These functions compute the same statistics from one cross-product
matrix each; tests/analytics/test_econometrics.py checks them against statsmodels on the same
data. p-values and critical values come from statsmodels' own MacKinnon tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats
from statsmodels.tsa.adfvalues import mackinnoncrit, mackinnonp

# Schwert's (1989) rule sizes the lag to the sample; past this the regression only grows while
# daily changes carry almost no autocorrelation beyond a month.
ADF_LAG_CAP = 24
# statsmodels' threshold for "perfectly collinear" in coint().
_COLLINEAR_R2 = 1 - 100 * math.sqrt(np.finfo(np.double).eps)
# A cross-product matrix of standardised columns with a condition number above this means some
# regressor is (nearly) a combination of others; the F-test is then meaningless.
_MAX_CONDITION = 1e10


@dataclass(frozen=True)
class UnitRootTest:
    statistic: float
    pvalue: float
    lag: int
    nobs: int


@dataclass(frozen=True)
class GrangerLag:
    """statsmodels' "ssr_ftest" for one lag: (F, p, df_denom, df_num)."""

    lag: int
    fstat: float
    pvalue: float
    df_denom: int
    df_num: int


def schwert_lag(n: int, *, cap: int = ADF_LAG_CAP) -> int:
    """ceil(12 * (n/100)^(1/4)) lags (the rule statsmodels uses as its autolag ceiling), capped.

    Also kept below n/5 so that a short sample keeps most of its rows for the regression, and
    below adfuller's own limit of n/2 - 2.
    """
    if n <= 0:
        return 0
    rule = math.ceil(12.0 * (n / 100.0) ** 0.25)
    return max(0, min(rule, cap, n // 5, n // 2 - 2))


def _first_coef_tstat(y: np.ndarray, regressors_t: np.ndarray, *, constant: bool) -> float:
    """t-statistic of the first regressor's coefficient in OLS of y on the regressors (+ constant).

    `regressors_t` holds one regressor per row (so each is contiguous in memory). Columns are
    centred (only when a constant is in the model: the constant absorbs the shift) and the normal
    equations are scaled to unit diagonal; t-statistics are invariant to both, and the
    cross-product matrix of a level in millions next to a constant would otherwise be badly
    conditioned.
    """
    xt = regressors_t
    if constant:
        xt = xt - xt.mean(axis=1, keepdims=True)
        y = y - y.mean()
    gram = xt @ xt.T
    scale = np.sqrt(np.diag(gram)).copy()
    scale[scale == 0] = 1.0
    inverse = np.linalg.inv(gram / np.outer(scale, scale))
    coef = inverse @ ((xt @ y) / scale)
    resid = y - (coef / scale) @ xt
    k = xt.shape[0] + (1 if constant else 0)
    sigma2 = float(resid @ resid) / (len(y) - k)
    return float(coef[0] / math.sqrt(sigma2 * inverse[0, 0]))


def adf_statistic(x: np.ndarray, lag: int, *, constant: bool = True) -> tuple[float, int]:
    """ADF t-statistic and nobs, as `adfuller(x, maxlag=lag, autolag=None)` computes them.

    Regression of dx[t] on x[t-1], dx[t-1..t-lag] (and a constant) for t = lag .. len(dx)-1.
    """
    x = np.asarray(x, dtype=float)
    dx = np.diff(x)
    nobs = len(dx) - lag
    regressors_t = np.empty((lag + 1, nobs))
    regressors_t[0] = x[lag:-1]
    for j in range(1, lag + 1):
        regressors_t[j] = dx[lag - j : lag - j + nobs]
    return _first_coef_tstat(dx[lag:], regressors_t, constant=constant), nobs


def adf_test(x: np.ndarray, lag: int) -> UnitRootTest:
    """Augmented Dickey-Fuller with a constant and a fixed lag; H0: unit root."""
    statistic, nobs = adf_statistic(x, lag, constant=True)
    return UnitRootTest(statistic, float(mackinnonp(statistic, regression="c", N=1)), lag, nobs)


def engle_granger(y0: np.ndarray, y1: np.ndarray, lag: int) -> UnitRootTest:
    """Engle-Granger test of y0 on y1 as `coint(y0, y1, maxlag=lag, autolag=None)`; H0: no cointegration."""
    y0 = np.asarray(y0, dtype=float)
    y1 = np.asarray(y1, dtype=float)
    centred1 = y1 - y1.mean()
    centred0 = y0 - y0.mean()
    slope = float(centred1 @ centred0) / float(centred1 @ centred1)
    resid = centred0 - slope * centred1
    total = float(centred0 @ centred0)
    r2 = 1.0 - float(resid @ resid) / total if total > 0 else 1.0
    if r2 >= _COLLINEAR_R2:
        # statsmodels' convention: (almost) identical series count as cointegrated.
        return UnitRootTest(-math.inf, 0.0, lag, len(y0) - 1 - lag)
    statistic, nobs = adf_statistic(resid, lag, constant=False)
    return UnitRootTest(statistic, float(mackinnonp(statistic, regression="c", N=2)), lag, nobs)


def engle_granger_critical_values(nobs: int) -> tuple[float, float, float]:
    """1 %, 5 %, 10 % critical values as `coint` reports them."""
    crit = mackinnoncrit(N=2, regression="c", nobs=nobs - 1)
    return float(crit[0]), float(crit[1]), float(crit[2])


def granger_max_lag(n: int, wanted: int, min_df: int) -> int:
    """Largest lag <= wanted whose unrestricted regression keeps min_df residual degrees of freedom.

    At lag p the regression has n - p rows and 2p + 1 parameters.
    """
    return max(0, min(wanted, (n - 1 - min_df) // 3))


def granger_ftests(y: np.ndarray, x: np.ndarray, max_lag: int) -> list[GrangerLag]:
    """Does x Granger-cause y? The "ssr_ftest" of
    `grangercausalitytests(np.column_stack([y, x]), max_lag)` for every lag 1..max_lag."""
    x_to_y, _ = granger_both_ways(x, y, max_lag)
    return x_to_y


def granger_both_ways(
    a: np.ndarray, b: np.ndarray, max_lag: int
) -> tuple[list[GrangerLag], list[GrangerLag]]:
    """ssr F-tests for "a Granger-causes b" and "b Granger-causes a", lags 1..max_lag.

    Both directions share one design: a constant, then the pairs (a lag j, b lag j) for
    j = 1..L (zero where a lag reaches before the start), then a and b themselves. At lag p every
    unrestricted regression uses the first 2p + 1 columns, on the rows from p on, exactly as
    statsmodels trims them; the cross products of those rows are those of all rows minus those
    of the first p rows. F is invariant to affine changes of either series, so both are
    standardised first to keep the normal equations well conditioned.

    Raises ValueError if a series is constant, the sample is too short, or the regressors are
    collinear (e.g. one series a lagged copy of the other).
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    n = len(a)
    if len(b) != n:
        raise ValueError("the two series differ in length")
    if max_lag < 1 or n - 3 * max_lag - 1 < 1:
        raise ValueError("not enough observations for this many lags")
    a_std, b_std = a.std(), b.std()
    if a_std == 0 or b_std == 0:
        raise ValueError("a series is constant")
    a = (a - a.mean()) / a_std
    b = (b - b.mean()) / b_std
    lags = max_lag
    width = 2 * lags + 3
    col_a, col_b = width - 2, width - 1
    design_t = np.zeros((width, n))
    design_t[0] = 1.0
    for j in range(1, lags + 1):
        design_t[2 * j - 1, j:] = a[:-j]
        design_t[2 * j, j:] = b[:-j]
    design_t[col_a] = a
    design_t[col_b] = b
    head = design_t[:, :lags]
    # Cross products of the rows lag p drops (the first p), for every p at once.
    dropped = np.cumsum(np.einsum("it,jt->tij", head, head), axis=0)
    gram_all = design_t @ design_t.T

    regressors_full = (
        gram_all[: 2 * lags + 1, : 2 * lags + 1] - dropped[lags - 1, : 2 * lags + 1, : 2 * lags + 1]
    )
    if np.linalg.cond(regressors_full) > _MAX_CONDITION:
        raise ValueError("the lagged regressors are collinear")

    # Every lag's regressions are solved in one batched call: lag p's normal equations are
    # embedded in a full-size system whose unused rows and columns are the identity, so their
    # coefficients come out as zero and the used ones are exactly lag p's.
    grams = gram_all[None, :, :] - dropped  # index p - 1
    p_values = np.arange(1, lags + 1)
    ssr_u_a, ssr_u_b = _batched_ssr(grams, np.arange(2 * lags + 1), 2 * p_values + 1, (col_a, col_b))
    own_a = np.r_[0, np.arange(1, 2 * lags, 2)]
    own_b = np.r_[0, np.arange(2, 2 * lags + 1, 2)]
    (ssr_r_a,) = _batched_ssr(grams, own_a, p_values + 1, (col_a,))
    (ssr_r_b,) = _batched_ssr(grams, own_b, p_values + 1, (col_b,))
    df_denom = (n - p_values) - (2 * p_values + 1)
    f_a_to_b = (ssr_r_b - ssr_u_b) / ssr_u_b / p_values * df_denom
    f_b_to_a = (ssr_r_a - ssr_u_a) / ssr_u_a / p_values * df_denom
    return _granger_results(f_a_to_b, p_values, df_denom), _granger_results(f_b_to_a, p_values, df_denom)


def _batched_ssr(
    grams: np.ndarray, columns: np.ndarray, used: np.ndarray, targets: tuple[int, ...]
) -> list[np.ndarray]:
    """For each stacked cross-product matrix i, the SSR of each target regressed on the first
    used[i] of `columns`."""
    size = len(columns)
    inside = np.arange(size)[None, :] < used[:, None]  # (batch, size)
    both_inside = inside[:, :, None] & inside[:, None, :]
    system = grams[:, columns[:, None], columns[None, :]]
    system = np.where(both_inside, system, np.eye(size)[None, :, :])
    rhs = grams[:, columns[:, None], np.asarray(targets)[None, :]] * inside[:, :, None]
    coef = np.linalg.solve(system, rhs)
    explained = np.einsum("bkt,bkt->bt", coef, rhs)
    return [grams[:, t, t] - explained[:, i] for i, t in enumerate(targets)]


def _granger_results(fstats: np.ndarray, df_num: np.ndarray, df_denom: np.ndarray) -> list[GrangerLag]:
    pvalues = stats.f.sf(fstats, df_num, df_denom)
    return [
        GrangerLag(int(p), float(f), float(pv), int(d), int(p))
        for p, f, pv, d in zip(df_num, fstats, pvalues, df_denom, strict=True)
    ]
