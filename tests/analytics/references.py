"""statsmodels references for lagged regressions on series with NaN (a missing value, or the
change into or out of a missing period): the lag matrix by `lagmat`, the rows with a NaN dropped,
as `sm.OLS(..., missing="drop")` does. Without NaN each is the statsmodels function it names."""

from __future__ import annotations

import numpy as np
import statsmodels.api as sm
from statsmodels.tsa.adfvalues import mackinnonp
from statsmodels.tsa.tsatools import lagmat


def reference_adf(x: np.ndarray, max_lag: int, *, constant: bool = True, autolag: bool = True):
    """adfuller's regression on a series with NaN: every candidate lag on the rows the longest
    leaves, the chosen one refitted on all the rows it leaves. (statistic, p, lag, nobs)"""
    dx = np.diff(x)

    def design(lag: int):
        lagged = lagmat(dx, lag, trim="both", original="in")  # [dx_t, dx_t-1 .. dx_t-lag]
        regressors = np.column_stack([x[-len(lagged) - 1 : -1], lagged[:, 1:]])
        if constant:
            regressors = sm.add_constant(regressors, has_constant="add")
        return lagged[:, 0], regressors

    lag = max_lag
    if autolag:
        y, regressors = design(max_lag)
        keep = np.isfinite(y) & np.isfinite(regressors).all(axis=1)
        fixed = 2 if constant else 1
        aic = [sm.OLS(y[keep], regressors[keep, : fixed + p]).fit().aic for p in range(max_lag + 1)]
        lag = int(np.argmin(aic))
    y, regressors = design(lag)
    fit = sm.OLS(y, regressors, missing="drop").fit()
    statistic = float(fit.tvalues[1 if constant else 0])
    return (
        statistic,
        float(mackinnonp(statistic, regression="c" if constant else "n", N=1)),
        lag,
        int(fit.nobs),
    )


def reference_granger(effect: np.ndarray, cause: np.ndarray, lag: int) -> tuple[float, float]:
    """The ssr F-test of `cause` in the effect's regression, both fitted on the rows where the
    full lag matrix (both series, lags 0..lag) has no NaN."""
    full = np.column_stack(
        [
            lagmat(effect, lag, trim="both", original="in"),
            lagmat(cause, lag, trim="both", original="in")[:, 1:],
        ]
    )
    full = full[np.isfinite(full).all(axis=1)]
    unrestricted = sm.OLS(full[:, 0], sm.add_constant(full[:, 1:])).fit()
    restricted = sm.OLS(full[:, 0], sm.add_constant(full[:, 1 : lag + 1])).fit()
    fstat, pvalue, _ = unrestricted.compare_f_test(restricted)
    return float(fstat), float(pvalue)


def reference_var_order(y: np.ndarray, max_lag: int, min_lag: int = 0) -> int:
    """The AIC order of a VAR with a constant (statsmodels' select_order formula: log det of the
    ML residual covariance + 2 p m^2 / T), every order on the rows the longest leaves."""
    m = y.shape[1]
    full = np.column_stack([lagmat(y[:, s], max_lag, trim="both", original="in") for s in range(m)])
    full = full[np.isfinite(full).all(axis=1)]
    columns = max_lag + 1  # per series: lag 0 .. max_lag

    def lags(p: int) -> np.ndarray:
        return np.column_stack([full[:, s * columns + 1 : s * columns + 1 + p] for s in range(m)])

    aic = {}
    for p in range(min_lag, max_lag + 1):
        regressors = sm.add_constant(lags(p), has_constant="add") if p else np.ones((len(full), 1))
        resid = np.column_stack([sm.OLS(full[:, s * columns], regressors).fit().resid for s in range(m)])
        aic[p] = np.linalg.slogdet(resid.T @ resid / len(full))[1] + 2 * p * m * m / len(full)
    return min(aic, key=aic.get)
