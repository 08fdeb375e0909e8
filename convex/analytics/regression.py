"""Beta and hedge effectiveness: B's changes regressed on A's, B = alpha + beta A + e.

The beta's standard error, interval and p-value are Newey-West (HAC, statsmodels'
`cov_type="HAC"`), which allow for autocorrelated and heteroskedastic residuals. In-sample hedge
effectiveness is the R² of that regression, which flatters any hedge: the out-of-sample figure
estimates the hedge ratio on the trailing window only, applies it to the next period, and
measures the variance removed over those applications.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from convex.analytics.align import CHANGE_A, CHANGE_B
from convex.analytics.correlation import Z_95, rolling_window_reason
from convex.analytics.pair_data import (
    MIN_OBSERVATIONS,
    PairData,
    autocorrelation_lags,
    constant_reason,
    finite_or_none,
    rolling_moments,
    too_few,
)
from convex.analytics.serialise import SERIES_FIELD, JsonResult


@dataclass(frozen=True, eq=False)
class RegressionStats(JsonResult):
    beta: float | None
    alpha: float | None
    r2: float | None
    # Share of B's change variance removed by holding -beta of A: 1 - Var(e) / Var(B_chg).
    hedge_effectiveness: float | None
    n: int
    beta_stderr: float | None  # HAC
    beta_pvalue: float | None
    beta_ci_low: float | None  # 95 %
    beta_ci_high: float | None
    hac_lags: int
    alpha_stderr: float | None
    residual_std: float | None
    rolling_window: int
    rolling_beta: pd.Series = field(metadata=SERIES_FIELD)
    rolling_beta_latest: float | None
    # The trailing-window hedge applied one period ahead: 1 - Var(B - beta_{t-1} A) / Var(B).
    hedge_effectiveness_out_of_sample: float | None = None
    n_out_of_sample: int = 0
    insufficient: str | None = None
    rolling_insufficient: str | None = None

    @property
    def beta_indistinguishable_from_zero(self) -> bool | None:
        if self.beta_ci_low is None or self.beta_ci_high is None:
            return None
        return self.beta_ci_low <= 0.0 <= self.beta_ci_high


@dataclass(frozen=True)
class _Fit:
    alpha: float
    beta: float
    alpha_stderr: float
    beta_stderr: float
    r2: float
    residual_std: float


def newey_west_ols(x: np.ndarray, y: np.ndarray, lags: int) -> _Fit:
    """OLS of y on a constant and x with Newey-West (Bartlett kernel) standard errors, as
    `sm.OLS(y, add_constant(x)).fit(cov_type="HAC", cov_kwds={"maxlags": lags})` gives them.

    Computed on x and y divided by their largest magnitudes, so that no square overflows whatever
    the data's scale (a file of values near 1e300), and mapped back: OLS is equivariant to scaling.
    """
    sx, sy = _scale(x), _scale(y)
    fit = _newey_west_ols_scaled(x / sx, y / sy, lags)
    return _Fit(
        alpha=fit.alpha * sy,
        beta=fit.beta * (sy / sx),
        alpha_stderr=fit.alpha_stderr * sy,
        beta_stderr=fit.beta_stderr * (sy / sx),
        r2=fit.r2,
        residual_std=fit.residual_std * sy,
    )


def _scale(values: np.ndarray) -> float:
    largest = float(np.max(np.abs(values))) if len(values) else 0.0
    return largest if largest > 0 and np.isfinite(largest) else 1.0


def _newey_west_ols_scaled(x: np.ndarray, y: np.ndarray, lags: int) -> _Fit:
    """The fit with x centred, where the cross-product matrix is diagonal (x is not constant: the
    caller checks), so no inverse is taken; the intercept's variance is mapped back exactly."""
    n = len(x)
    x_mean, y_mean = float(x.mean()), float(y.mean())
    xc = x - x_mean
    sxx = float(xc @ xc)
    beta = float(xc @ (y - y_mean)) / sxx
    resid = (y - y_mean) - beta * xc
    scores = np.vstack([resid, xc * resid])  # the centred design's rows times the residual
    meat = scores @ scores.T
    for lag in range(1, lags + 1):
        weight = 1.0 - lag / (lags + 1.0)
        gamma = scores[:, lag:] @ scores[:, :-lag].T
        meat += weight * (gamma + gamma.T)
    bread = np.array([1.0 / n, 1.0 / sxx])
    cov = meat * np.outer(bread, bread)  # parameters (intercept at the mean of x, beta)
    var_alpha = cov[0, 0] - 2.0 * x_mean * cov[0, 1] + x_mean**2 * cov[1, 1]
    ssr, sst = float(resid @ resid), float((y - y_mean) @ (y - y_mean))
    return _Fit(
        alpha=y_mean - beta * x_mean,
        beta=beta,
        alpha_stderr=float(np.sqrt(max(var_alpha, 0.0))),
        beta_stderr=float(np.sqrt(max(cov[1, 1], 0.0))),
        r2=1.0 - ssr / sst if sst > 0 else 0.0,
        residual_std=float(np.sqrt(ssr / (n - 2))),
    )


def _rolling_beta_all(data: PairData, window: int) -> pd.Series:
    """The trailing-window beta at every aligned row of the history."""
    history = data.history
    cov, var_a, _ = rolling_moments(history[CHANGE_A].to_numpy(), history[CHANGE_B].to_numpy(), window)
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = cov / var_a
    beta[~np.isfinite(beta)] = np.nan
    return pd.Series(beta, index=history.index)


def _out_of_sample(data: PairData, beta_all: pd.Series) -> tuple[float | None, int]:
    # Each window row hedged with the beta estimated up to the row before it.
    ahead = data.window_tail(beta_all.shift(1)).to_numpy()
    a, b = data.a_chg_all, data.b_chg_all
    ok = np.isfinite(ahead) & np.isfinite(a) & np.isfinite(b)
    count = int(ok.sum())
    if count < MIN_OBSERVATIONS or np.var(b[ok]) == 0:
        return None, count
    hedged = b[ok] - ahead[ok] * a[ok]
    return 1.0 - float(np.var(hedged)) / float(np.var(b[ok])), count


def regression(data: PairData, window: int) -> RegressionStats:
    beta_all = _rolling_beta_all(data, window)
    rolling = data.window_tail(beta_all).rename("rolling_beta")
    rolling_reason = rolling_window_reason(window, int(data.both.sum()), rolling)
    if rolling_reason:
        rolling = rolling.iloc[0:0]
    a, b = data.a_chg, data.b_chg
    n = len(a)
    lags = autocorrelation_lags(n)
    reason = too_few(n, "changes") if n < MIN_OBSERVATIONS else constant_reason(a, b, data.names, "changes")
    if reason:
        return RegressionStats(
            None, None, None, None, n, None, None, None, None, lags, None, None, window, rolling, None,
            insufficient=reason, rolling_insufficient=rolling_reason,
        )  # fmt: skip
    fit = newey_west_ols(a, b, lags)
    latest = rolling.dropna()
    out_of_sample, n_out = _out_of_sample(data, beta_all)
    return RegressionStats(
        beta=fit.beta,
        alpha=fit.alpha,
        r2=fit.r2,
        hedge_effectiveness=fit.r2,  # 1 - Var(e)/Var(B): with a constant, exactly R²
        n=n,
        beta_stderr=fit.beta_stderr,
        beta_pvalue=float(2.0 * special.ndtr(-abs(fit.beta / fit.beta_stderr)))
        if fit.beta_stderr > 0
        else 0.0,
        beta_ci_low=fit.beta - Z_95 * fit.beta_stderr,
        beta_ci_high=fit.beta + Z_95 * fit.beta_stderr,
        hac_lags=lags,
        alpha_stderr=fit.alpha_stderr,
        residual_std=fit.residual_std,
        rolling_window=window,
        rolling_beta=rolling,
        rolling_beta_latest=finite_or_none(latest.iloc[-1]) if len(latest) else None,
        hedge_effectiveness_out_of_sample=out_of_sample,
        n_out_of_sample=n_out,
        rolling_insufficient=rolling_reason,
    )
