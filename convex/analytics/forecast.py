"""B's next periods from a small VAR on the pair's changes, with bands and a track record.

The model is statsmodels' `VAR(y).fit(p)` with p chosen by AIC (`select_order(max_lag).aic`),
on both changes (log changes for % metrics, so that a cumulative change compounds); p = 0 is a
constant-only model, which AIC picks when the past says nothing. It is fitted here by least
squares from the moments (tests/analytics/test_scenarios.py checks coefficients, forecasts and
their covariance against statsmodels) because the backtest refits it at every origin and
statsmodels takes ~0.4 s a fit on 25 years of daily data. Bands are statsmodels'
`forecast_interval`'s (normal, no parameter uncertainty), summed over the steps for the
cumulative change: Var(sum of h steps) = sum_j Psi_(h-j) Sigma_u Psi_(h-j)', Psi_k = Phi_0 + .. + Phi_k.

Every fit uses all the rows of the window, in order, with NaN on the rows where a change is
missing or spans a gap in the data: the rows whose lags reach across a gap are left out (see
econometrics.py), never the rows before the last gap.

The track record is a rolling-origin backtest over the second half of the window: at up to
MAX_ORIGINS origins the lag is chosen and the model refitted on the data before it, and its
cumulative forecast over the horizon is compared, at the same origins, with three forecasts that
use nothing of A: no change, B's drift (its average change before the origin) and B's own
autoregression (lag by AIC, fitted like the VAR). An origin whose inputs or outcome cross a gap is
skipped, and counted. "Beats" a benchmark needs a lower mean absolute error and a one-sided
Diebold-Mariano p below 5%, its variance Newey-West over the periods that successive outcomes
share. Beating no change alone says B drifts; A adds something only when the VAR beats B's own
autoregression and its drift.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from scipy import stats as sps

from convex.analytics.cointegration import UnitRoots, changes_unit_root
from convex.analytics.econometrics import (
    Degenerate,
    observed_span,
    var_lag_order,
    var_lag_orders,
    well_conditioned,
)
from convex.analytics.pair_data import SIGNIFICANCE_LEVEL, PairData
from convex.analytics.serialise import JsonResult

MIN_ORIGINS = 8
MAX_ORIGINS = 40
MAX_VAR_LAG = 8
Z = {80: float(sps.norm.ppf(0.9)), 95: float(sps.norm.ppf(0.975))}


def model_changes(data: PairData) -> np.ndarray:
    """Both change series on every window row, as the model sees them: log changes for %
    metrics (shape n x 2), a row of NaN where either is missing or spans a gap."""
    columns = []
    for changes, kind in zip(data.paired_changes(), (data.change_a, data.change_b), strict=True):
        with np.errstate(all="ignore"):
            columns.append(np.log1p(changes) if kind == "pct" else changes)
    y = np.column_stack(columns)
    y[~np.isfinite(y).all(axis=1)] = np.nan
    return y


def stationarity_problem(data: PairData, roots: UnitRoots | None = None) -> str | None:
    """Why the changes cannot be modelled, from the unit-root test of each series' changes:
    `roots`, the verdicts the page shows, when given (one verdict per series on a page), else
    the same test on these changes."""
    for side, name in enumerate(data.names):
        if roots is not None:
            root = roots.changes_a if side == 0 else roots.changes_b
        else:
            root = changes_unit_root(data, side)
        if root.insufficient:
            return root.insufficient
        if not root.stationary:
            return (
                f"{name}'s changes are not stationary (ADF p {root.pvalue:.2f}), so a model of the "
                "changes would extrapolate a trend that may not be there"
            )
    return None


@dataclass(frozen=True, eq=False)
class VarFit:
    lag: int
    intercept: np.ndarray  # (m,)
    coefs: np.ndarray  # (lag, m, m): coefs[j - 1] multiplies y[t - j]
    sigma_u: np.ndarray  # (m, m), dof-adjusted as statsmodels' sigma_u
    nobs: int

    def stable(self) -> bool:
        """All roots of the VAR outside the unit circle (statsmodels' is_stable)."""
        if self.lag == 0:
            return True
        m = len(self.intercept)
        companion = np.zeros((m * self.lag, m * self.lag))
        companion[:m] = np.concatenate(list(self.coefs), axis=1)
        companion[m:, :-m] = np.eye(m * (self.lag - 1))
        return bool(np.max(np.abs(np.linalg.eigvals(companion))) < 1)

    def forecast(self, history: np.ndarray, steps: int) -> np.ndarray:
        """Point forecasts of the next `steps` rows (steps x m), as VARResults.forecast."""
        m = len(self.intercept)
        past = list(history[len(history) - self.lag :]) if self.lag else []
        out = np.empty((steps, m))
        for s in range(steps):
            value = self.intercept.copy()
            for j in range(1, self.lag + 1):
                value += self.coefs[j - 1] @ past[-j]
            out[s] = value
            past.append(value)
        return out

    def ma_coefs(self, steps: int) -> np.ndarray:
        """Phi_0 .. Phi_(steps - 1) of the moving-average form (VARResults.ma_rep)."""
        m = len(self.intercept)
        phis = np.zeros((steps, m, m))
        phis[0] = np.eye(m)
        for i in range(1, steps):
            for j in range(1, min(i, self.lag) + 1):
                phis[i] += self.coefs[j - 1] @ phis[i - j]
        return phis

    def cumulative_variance(self, steps: int, series: int) -> np.ndarray:
        """Variance of the forecast error of the sum of steps 1..h, for h = 1..steps."""
        psi = np.cumsum(self.ma_coefs(steps), axis=0)
        per_step = np.einsum("kij,jl,kil->ki", psi, self.sigma_u, psi)[:, series]
        # Sum over j = 1..h of Psi_(h-j): the h-th total uses psi[0..h-1].
        return np.cumsum(per_step)


def fit_var(y: np.ndarray, lag: int) -> VarFit | Degenerate:
    """OLS of each row of y (n x m) on a constant and its `lag` previous rows, on the rows
    where those are all there (a NaN row marks a gap)."""
    y = y[observed_span(y.T)]
    n, m = y.shape
    rows = n - lag
    if rows <= m * lag + 1:
        return Degenerate(f"{n} observations are too few for a VAR of {lag} lags")
    design = np.ones((rows, 1 + m * lag))
    for j in range(1, lag + 1):
        design[:, 1 + (j - 1) * m : 1 + j * m] = y[lag - j : n - j]
    target = y[lag:]
    # Row t is complete when rows t - lag .. t are all there (a running count of the missing).
    missing = np.concatenate(([0], np.cumsum(~np.isfinite(y).all(axis=1))))
    complete = missing[lag + 1 :] == missing[: n - lag]
    if not complete.all():
        design, target, rows = design[complete], target[complete], int(complete.sum())
        if rows <= m * lag + 1:
            return Degenerate(f"{rows} usable observations are too few for a VAR of {lag} lags")
    scale = np.sqrt((design**2).sum(axis=0))
    if np.any(scale == 0):
        return Degenerate("a lagged change does not vary")
    scaled = design / scale
    if not well_conditioned(scaled.T @ scaled):
        return Degenerate("the lagged changes are collinear")
    beta, *_ = np.linalg.lstsq(scaled, target, rcond=None)
    beta = beta / scale[:, None]
    resid = target - design @ beta
    sigma_u = resid.T @ resid / (rows - (m * lag + 1))
    coefs = (
        np.stack([beta[1 + (j - 1) * m : 1 + j * m].T for j in range(1, lag + 1)])
        if lag
        else np.zeros((0, m, m))
    )
    return VarFit(lag, beta[0], coefs, sigma_u, rows)


def choose_and_fit(y: np.ndarray, max_lag: int) -> VarFit | Degenerate:
    lag = var_lag_order(y.T, max_lag)
    return lag if isinstance(lag, Degenerate) else fit_var(y, lag)


@dataclass(frozen=True)
class CumulativeForecast:
    change: np.ndarray  # B's forecast cumulative change after 1..steps periods
    bands: dict[int, tuple[np.ndarray, np.ndarray]]  # level -> (low, high)


def cumulative_forecast(fit: VarFit, history: np.ndarray, steps: int, change_b: str) -> CumulativeForecast:
    mean = np.cumsum(fit.forecast(history, steps)[:, 1])
    sd = np.sqrt(fit.cumulative_variance(steps, 1))
    to_change = np.expm1 if change_b == "pct" else (lambda v: v)
    bands = {level: (to_change(mean - z * sd), to_change(mean + z * sd)) for level, z in Z.items()}
    return CumulativeForecast(to_change(mean), bands)


@dataclass(frozen=True)
class Backtest(JsonResult):
    """The VAR's cumulative forecasts of B against forecasts that use nothing of A, at the same
    origins. Each p is one-sided Diebold-Mariano: the VAR's absolute errors smaller than the
    benchmark's."""

    origins: int
    skipped: int  # origins whose inputs or outcome cross a gap in the data
    mae_model: float | None
    mae_naive: float | None  # no change
    mae_drift: float | None  # B's average change before the origin, times the horizon
    mae_own: float | None  # B's own autoregression, lag by AIC
    coverage_80: float | None
    coverage_95: float | None
    pvalue: float | None  # against no change
    pvalue_drift: float | None
    pvalue_own: float | None
    beats_naive: bool | None
    beats_drift: bool | None
    beats_own: bool | None
    insufficient: str | None = None

    @property
    def adds_to_own_history(self) -> bool | None:
        """Whether A adds anything beyond B's own history: the VAR beats both B's drift and B's
        own autoregression."""
        if self.beats_drift is None or self.beats_own is None:
            return None
        return self.beats_drift and self.beats_own


def _no_backtest(origins: int, skipped: int, reason: str) -> Backtest:
    return Backtest(origins, skipped, *([None] * 12), reason)


def _cumulative_point_forecast(fit: VarFit, history: np.ndarray, steps: int, series: int) -> float:
    """A fit's cumulative forecast of one series over `steps`, in model units."""
    return float(np.sum(fit.forecast(history, steps)[:, series]))


def backtest(y: np.ndarray, steps: int, change_b: str, max_lag: int) -> Backtest:
    n = len(y)
    first = n // 2
    span = n - steps - first
    if span <= 0:
        return _no_backtest(0, 0, "too few observations for a backtest")
    step = max(1, -(-span // MAX_ORIGINS))
    to_change = np.expm1 if change_b == "pct" else (lambda v: v)
    errors: dict[str, list[float]] = {"model": [], "naive": [], "drift": [], "own": []}
    inside: dict[int, list[bool]] = {80: [], 95: []}
    skipped = 0
    for origin in range(first, n - steps + 1, step):
        history, outcome = y[:origin], y[origin : origin + steps, 1]
        # The VAR's lag and B's own autoregression's, from one set of moments (the same rows).
        lags = var_lag_orders(history.T, max_lag, [(0, 1), (1,)])
        if any(isinstance(lag, Degenerate) for lag in lags):
            continue
        fit, own = fit_var(history, lags[0]), fit_var(history[:, [1]], lags[1])
        if isinstance(fit, Degenerate) or isinstance(own, Degenerate):
            continue
        inputs = history[origin - max(fit.lag, own.lag) :]
        if not (np.isfinite(inputs).all() and np.isfinite(outcome).all()):
            skipped += 1
            continue
        forecast = cumulative_forecast(fit, history, steps, change_b)
        actual = float(to_change(np.sum(outcome)))
        errors["model"].append(forecast.change[-1] - actual)
        errors["naive"].append(-actual)
        errors["drift"].append(float(to_change(steps * np.nanmean(history[:, 1]))) - actual)
        own_forecast = _cumulative_point_forecast(own, history[:, [1]], steps, 0)
        errors["own"].append(float(to_change(own_forecast)) - actual)
        for level, (low, high) in forecast.bands.items():
            inside[level].append(low[-1] <= actual <= high[-1])
    origins = len(errors["model"])
    if origins < MIN_ORIGINS:
        return _no_backtest(origins, skipped, f"{origins} backtest origins, need at least {MIN_ORIGINS}")
    absolute = {name: np.abs(values) for name, values in errors.items()}
    overlap = -(-steps // step) - 1
    pvalues = {
        name: _less_than_zero_pvalue(absolute["model"] - absolute[name], overlap)
        for name in ("naive", "drift", "own")
    }
    mae = {name: float(values.mean()) for name, values in absolute.items()}
    beats = {name: bool(mae["model"] < mae[name] and pvalues[name] < SIGNIFICANCE_LEVEL) for name in pvalues}
    return Backtest(
        origins=origins,
        skipped=skipped,
        mae_model=mae["model"],
        mae_naive=mae["naive"],
        mae_drift=mae["drift"],
        mae_own=mae["own"],
        coverage_80=float(np.mean(inside[80])),
        coverage_95=float(np.mean(inside[95])),
        pvalue=pvalues["naive"],
        pvalue_drift=pvalues["drift"],
        pvalue_own=pvalues["own"],
        beats_naive=beats["naive"],
        beats_drift=beats["drift"],
        beats_own=beats["own"],
    )


def _less_than_zero_pvalue(difference: np.ndarray, overlap: int) -> float:
    """One-sided p of a mean below zero (Diebold-Mariano): Newey-West variance over the
    `overlap` lags by which successive outcomes share periods."""
    if np.ptp(difference) == 0:
        return 1.0
    fit = sm.OLS(difference, np.ones(len(difference))).fit(cov_type="HAC", cov_kwds={"maxlags": overlap})
    return float(sps.norm.cdf(fit.params[0] / fit.bse[0]))


@dataclass(frozen=True)
class Forecast(JsonResult):
    steps: int
    lag: int | None
    change: tuple[float, ...]  # B's cumulative change after 1..steps periods
    low_80: tuple[float, ...]
    high_80: tuple[float, ...]
    low_95: tuple[float, ...]
    high_95: tuple[float, ...]
    backtest: Backtest | None
    insufficient: str | None = None


def _refused(steps: int, reason: str) -> Forecast:
    return Forecast(steps, None, (), (), (), (), (), None, reason)


def var_forecast(
    data: PairData, steps: int, max_lag: int = MAX_VAR_LAG, *, roots: UnitRoots | None = None
) -> Forecast:
    """B's cumulative change over the next 1..steps periods, its 80% and 95% bands, and the
    model's backtest against no change, B's drift and B's own autoregression. `roots`: see
    stationarity_problem."""
    problem = stationarity_problem(data, roots)
    if problem:
        return _refused(steps, problem)
    y = model_changes(data)
    fit = choose_and_fit(y, max_lag)
    if isinstance(fit, Degenerate):
        return _refused(steps, fit.reason)
    if not fit.stable():
        return _refused(steps, "the fitted VAR is not stable (a root on or inside the unit circle)")
    if fit.lag and not np.isfinite(y[len(y) - fit.lag :]).all():
        return _refused(steps, f"the window's last {fit.lag} periods cross a gap in the data: no inputs to "
                        "forecast from")  # fmt: skip
    forecast = cumulative_forecast(fit, y, steps, data.change_b)

    def values(array: np.ndarray) -> tuple[float, ...]:
        return tuple(float(v) for v in array)

    return Forecast(
        steps=steps,
        lag=fit.lag,
        change=values(forecast.change),
        low_80=values(forecast.bands[80][0]),
        high_80=values(forecast.bands[80][1]),
        low_95=values(forecast.bands[95][0]),
        high_95=values(forecast.bands[95][1]),
        backtest=backtest(y, steps, data.change_b, max_lag),
    )
