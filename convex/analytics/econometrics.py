"""Fast equivalents of statsmodels' unit-root, cointegration and Granger tests (Johansen's, from
the same moments, is in johansen.py).

statsmodels' `adfuller`/`coint` with their default AIC lag search fit one OLS per candidate lag
(~120-180 ms on 25 years of daily data), as does `VAR.select_order`. Here every candidate
regression of a search comes from one cross-product matrix: the candidates are nested (each adds
columns), so one Cholesky factor of the scaled, centred cross products gives every candidate's
residual sums of squares and cross products. tests/analytics/test_econometrics.py checks each
function against the statsmodels call it claims to equal; p-values and critical values come from
statsmodels' own MacKinnon tables.

Degenerate input never raises and never yields a number computed from rounding noise. Before any
system is solved, its conditioning is measured on the data (the eigenvalues of the scaled cross
products): exactly collinear regressors (a series that repeats a pattern, one series a lagged
copy of the other), a regressor that does not vary and an exact fit all return `Degenerate` with
the reason. Exact collinearity puts the condition number near 1e15 and any real design below
1e3, so the decision cannot flip with the CPU's BLAS kernel.

Gaps: the inputs are a window's rows in order, and a NaN marks a value that is missing or a
change that spans more than one period (the first row after a gap in the data). A lagged
regression then uses every row whose values and lags are all there and leaves out exactly the
rows whose lags reach across a gap, as statsmodels' `OLS(..., missing="drop")` on a lag matrix
built with the NaN does; a level series, which has no NaN at a gap, says where its steps span
more than a period with `gaps`. Without NaN or gaps every function is the statsmodels call it
names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import linalg, stats
from statsmodels.tsa.adfvalues import mackinnoncrit, mackinnonp

# statsmodels' threshold for "perfectly collinear" in coint().
_COLLINEAR_R2 = 1 - 100 * math.sqrt(np.finfo(np.double).eps)
# Largest condition number of the scaled cross-product matrix (the square of the design's) that
# is solved. Beyond it coefficients would carry fewer than 8 good digits.
MAX_CONDITION = 1e8
# A variable whose centred sum of squares is below this share of its raw one does not vary: what
# is left is rounding.
_CONSTANT_SHARE = 1e-12
# A residual sum of squares below this share of the total is an exact fit: the dependent
# variable is a combination of the regressors and a t or F statistic is 0/0.
_EXACT_FIT_SHARE = 1e-8


@dataclass(frozen=True)
class Degenerate:
    """A test that cannot be computed from this data, and why (safe to show to users)."""

    reason: str


@dataclass(frozen=True)
class UnitRootTest:
    statistic: float
    pvalue: float
    lag: int
    nobs: int
    # The lag search's upper bound (the lag itself when it was fixed).
    max_lag: int


COLLINEAR = "its regressors are collinear"
EXACT_FIT = "its regression fits exactly"


# --------------------------------------------------------------------------- least squares


@dataclass(frozen=True, eq=False)
class _Moments:
    """Raw cross products and sums of the variables of a design (one variable per row)."""

    cross: np.ndarray
    sums: np.ndarray
    nobs: int


@dataclass(frozen=True, eq=False)
class _NestedFits:
    """Every "first j columns" regression of one or more dependent variables on the same
    regressors, from one factorisation (all in the scaled units of `nested_fits`)."""

    factor: np.ndarray  # upper-triangular R with R'R = scaled cross products of the regressors
    projections: np.ndarray  # R^-T X'Y, one column per dependent variable
    total: np.ndarray  # Y'Y
    nobs: int
    constant: bool

    def residual_cross(self, used: int) -> np.ndarray:
        """Residual cross products Y'MY of the dependent variables on the first `used` regressors."""
        head = self.projections[:used]
        return self.total - head.T @ head

    def ssr(self, used: int, dependent: int = 0) -> float:
        return max(float(self.residual_cross(used)[dependent, dependent]), 0.0)

    def ssrs(self, dependent: int = 0) -> np.ndarray:
        """ssr(j) for j = 1 .. number of regressors."""
        column = self.projections[:, dependent]
        return np.maximum(self.total[dependent, dependent] - np.cumsum(column**2), 0.0)

    def first_tstat(self, used: int) -> float:
        """t-statistic of the first regressor's coefficient for the first dependent variable."""
        r = self.factor[:used, :used]
        coef = linalg.solve_triangular(r, self.projections[:used, 0])
        # Row 0 of R^-1 gives the coefficient's variance factor (R'R)^-1[0, 0].
        unit = np.zeros(used)
        unit[0] = 1.0
        row = linalg.solve_triangular(r, unit, trans="T")
        dof = self.nobs - used - (1 if self.constant else 0)
        sigma2 = self.ssr(used) / dof
        return float(coef[0] / math.sqrt(sigma2 * float(row @ row)))


def well_conditioned(gram: np.ndarray) -> bool:
    """Whether a symmetric cross-product matrix with unit diagonal is safe to solve: its
    condition number (largest over smallest eigenvalue) is at most MAX_CONDITION."""
    eigenvalues = np.linalg.eigvalsh(gram)
    return bool(eigenvalues[0] > eigenvalues[-1] / MAX_CONDITION)


def nested_fits(moments: _Moments, k: int, *, constant: bool) -> _NestedFits | Degenerate:
    """Factor the regressions of the variables after the first k on the first k (plus a
    constant when asked), from their moments.

    With a constant the cross products are centred (the constant absorbs the shift); callers
    shift each series by its mean first, so that centring here cancels nothing large. Every
    variable is then scaled to unit length: t and F statistics and likelihood comparisons are
    invariant to both. Refuses, with the reason, a variable that does not vary, collinear
    regressors and an exact fit.
    """
    cross = moments.cross
    if constant:
        cross = cross - np.outer(moments.sums, moments.sums) / moments.nobs
    spread = np.diag(cross)
    if not np.all(spread > _CONSTANT_SHARE * np.maximum(np.diag(moments.cross), 1e-300)):
        return Degenerate("a regressor or the dependent variable does not vary")
    scale = np.sqrt(spread)
    cross = cross / np.outer(scale, scale)
    gram = cross[:k, :k]
    if k and not well_conditioned(gram):
        return Degenerate(COLLINEAR)
    factor = np.linalg.cholesky(gram).T if k else np.zeros((0, 0))
    projections = (
        linalg.solve_triangular(factor, cross[:k, k:], trans="T") if k else np.zeros((0, len(cross)))
    )
    fits = _NestedFits(factor, projections, cross[k:, k:], moments.nobs, constant)
    if np.any(np.diag(fits.residual_cross(k)) <= _EXACT_FIT_SHARE * np.diag(fits.total)):
        return Degenerate(EXACT_FIT)
    return fits


def centred(values: np.ndarray, constant: bool) -> np.ndarray:
    """Shifted by the mean of the values that are there (a shift only: see nested_fits)."""
    values = np.asarray(values, dtype=float)
    if not constant:
        return values
    finite = np.isfinite(values)
    if finite.all():
        return values - values.mean(axis=-1, keepdims=True)
    count = np.maximum(finite.sum(axis=-1, keepdims=True), 1)
    return values - np.where(finite, values, 0.0).sum(axis=-1, keepdims=True) / count


def lagged_moments(series: np.ndarray, variables, first: int, last: int, *, rows=None) -> _Moments:
    """The moments, over t = first .. last - 1, of the variables series[s][t - j] for each
    (s, j) in `variables`: one design array, filled in place, and one matrix product.

    Rows where any variable is NaN (a gap among its lags) are left out, and so are those the
    boolean mask `rows` (one entry per t) excludes."""
    series = np.atleast_2d(series)
    design = np.empty((len(variables), last - first))
    for row, (s, j) in enumerate(variables):
        design[row] = series[s, first - j : last - j]
    dropped = np.zeros(last - first, dtype=bool) if rows is None else ~np.asarray(rows, dtype=bool)
    missing = ~np.isfinite(series)
    if missing.any():
        # A NaN at series[s][p] reaches row t = p + j through each variable (s, j): found from the
        # few NaN, without scanning the whole design.
        where = [np.flatnonzero(line) for line in missing]
        for s, j in variables:
            hit = where[s] + j - first
            dropped[hit[(hit >= 0) & (hit < last - first)]] = True
    if dropped.any():
        # A zeroed row adds nothing to the cross products or the sums: the moments of the rows
        # kept, without copying the design.
        design[:, dropped] = 0.0
    return _Moments(design @ design.T, design.sum(axis=1), int(last - first - np.count_nonzero(dropped)))


def _unbroken(gaps: np.ndarray, span: int, first: int, last: int) -> np.ndarray:
    """For t = first .. last - 1: whether no step among the `span` before t (t - span + 1 .. t)
    spans a gap, i.e. whether rows t - span .. t are consecutive periods."""
    count = np.concatenate(([0], np.cumsum(np.asarray(gaps, dtype=bool))))
    t = np.arange(first, last)
    return count[t + 1] - count[t + 1 - span] == 0


def observed_span(values: np.ndarray) -> slice:
    """The rows from the first to the last at which every series has a value. Rows missing at
    either end (the first row of a history has no change) are no gap between observations:
    leaving them out changes no regression, and the rest takes the path without NaN."""
    finite = np.isfinite(values) if values.ndim == 1 else np.isfinite(values).all(axis=0)
    if finite.all():
        return slice(None)
    present = np.flatnonzero(finite)
    return slice(present[0], present[-1] + 1) if len(present) else slice(0, 0)


def level_steps(x: np.ndarray, gaps) -> np.ndarray:
    """Differences along the last axis, NaN where a step spans a gap (gaps[t]: x[t-1] -> x[t])."""
    steps = np.diff(x)
    if gaps is not None:
        steps[..., np.asarray(gaps, dtype=bool)[1:]] = np.nan
    return steps


def _lags(series: int, lags: int) -> list[tuple[int, int]]:
    return [(series, j) for j in range(1, lags + 1)]


# --------------------------------------------------------------------------- unit roots


def default_max_lag(nobs: int, *, deterministic: int) -> int:
    """statsmodels' adfuller default: ceil(12 * (nobs/100)^(1/4)), at most nobs/2 - terms - 1."""
    if nobs <= 0:
        return -1
    return min(nobs // 2 - deterministic - 1, math.ceil(12.0 * (nobs / 100.0) ** 0.25))


def _adf_variables(lag: int) -> list[tuple[int, int]]:
    """The ADF regression of dx[t] (series 1) on the level before it (series 0, x[t]) and
    `lag` lagged changes, as lagged_moments variables: regressors first, dependent last."""
    return [(0, 0), *_lags(1, lag), (1, 0)]


def adf_test(
    x: np.ndarray,
    *,
    max_lag: int | None = None,
    autolag: bool = True,
    constant: bool = True,
    gaps: np.ndarray | None = None,
) -> UnitRootTest | Degenerate:
    """Augmented Dickey-Fuller test, H0: unit root, as
    `adfuller(x, maxlag=max_lag, regression="c" or "n", autolag="AIC" or None)` computes it.

    With autolag the lag is the one of 0..max_lag with the smallest AIC, every candidate fitted
    on the rows the longest lag leaves, and the chosen lag is then re-fitted on all the rows it
    leaves (as statsmodels does). max_lag defaults to statsmodels' rule, on the number of
    one-period steps plus one (len(x) without gaps).

    NaN in x (a missing value) and gaps[t] (the step from x[t-1] to x[t] spans more than one
    period) leave out the rows whose change or lags use them (see the module's docstring).
    """
    x = np.asarray(x, dtype=float)
    span = observed_span(x)
    x, gaps = x[span], None if gaps is None else np.asarray(gaps)[span]
    deterministic = 1 if constant else 0
    dx = level_steps(x, gaps)
    size = int(np.isfinite(dx).sum()) + 1
    limit = default_max_lag(size, deterministic=deterministic)
    if max_lag is None:
        max_lag = limit
    too_few = Degenerate(f"{size} observations are too few for the test's lags")
    if max_lag < 0 or max_lag > size // 2 - deterministic - 1:
        return too_few
    if np.ptp(x[np.isfinite(x)]) == 0:
        return Degenerate("the series is constant")
    series = np.vstack([centred(x, constant)[:-1], centred(dx, constant)])  # x[t]: the level before dx[t]
    n = len(dx)
    moments = lagged_moments(series, _adf_variables(max_lag), max_lag, n)
    if moments.nobs <= max_lag + 1 + deterministic:
        return too_few
    fits = nested_fits(moments, max_lag + 1, constant=constant)
    if isinstance(fits, Degenerate):
        return fits
    lag = max_lag
    if autolag:
        # AIC = n log(SSR / n) + 2 k + constants common to every candidate (same n).
        counts = np.arange(1, max_lag + 2) + deterministic
        with np.errstate(divide="ignore"):
            aic = fits.nobs * np.log(fits.ssrs()) + 2 * counts
        lag = int(np.argmin(aic))
        if lag != max_lag:
            # The chosen lag again, on all the rows it leaves.
            fits = nested_fits(
                lagged_moments(series, _adf_variables(lag), lag, n), lag + 1, constant=constant
            )
            if isinstance(fits, Degenerate):
                return fits
    statistic = fits.first_tstat(lag + 1)
    regression = "c" if constant else "n"
    return UnitRootTest(statistic, float(mackinnonp(statistic, regression=regression, N=1)), lag,
                        fits.nobs, max_lag)  # fmt: skip


def engle_granger(
    y0: np.ndarray,
    y1: np.ndarray,
    *,
    max_lag: int | None = None,
    autolag: bool = True,
    gaps: np.ndarray | None = None,
) -> UnitRootTest | Degenerate:
    """Engle-Granger test of y0 on y1 (with a constant), H0: no cointegration, as
    `coint(y0, y1, maxlag=max_lag, autolag="aic" or None)` computes it. The levels regression
    uses every row; `gaps` (steps that span more than one period) reach the residuals' ADF."""
    y0 = np.asarray(y0, dtype=float)
    y1 = np.asarray(y1, dtype=float)
    centred1 = y1 - y1.mean()
    centred0 = y0 - y0.mean()
    spread1 = float(centred1 @ centred1)
    total = float(centred0 @ centred0)
    if spread1 == 0 or total == 0:
        return Degenerate("a series is constant")
    slope = float(centred1 @ centred0) / spread1
    resid = centred0 - slope * centred1
    if 1.0 - float(resid @ resid) / total >= _COLLINEAR_R2:
        # statsmodels' convention: (almost) identical series count as cointegrated.
        return UnitRootTest(-math.inf, 0.0, 0, len(y0) - 1, 0)
    residual_test = adf_test(resid, max_lag=max_lag, autolag=autolag, constant=False, gaps=gaps)
    if isinstance(residual_test, Degenerate):
        return Degenerate(f"the residuals' unit-root regression is degenerate: {residual_test.reason}")
    statistic = residual_test.statistic
    pvalue = float(mackinnonp(statistic, regression="c", N=2))
    return UnitRootTest(statistic, pvalue, residual_test.lag, residual_test.nobs, residual_test.max_lag)


def engle_granger_critical_values(nobs: int) -> tuple[float, float, float]:
    """1 %, 5 %, 10 % critical values as `coint` reports them for nobs observations."""
    crit = mackinnoncrit(N=2, regression="c", nobs=nobs - 1)
    return float(crit[0]), float(crit[1]), float(crit[2])


# --------------------------------------------------------------------------- VAR lags, Granger


@dataclass(frozen=True)
class GrangerTest:
    """statsmodels' "ssr_ftest" at one lag: does `cause` help predict `effect`?"""

    lag: int
    fstat: float
    pvalue: float
    df_denom: int
    df_num: int


def var_lag_order(
    series_t: np.ndarray, max_lag: int, *, min_lag: int = 0, gaps: np.ndarray | None = None
) -> int | Degenerate:
    """The lag order of a VAR with a constant that minimises AIC among min_lag..max_lag, every
    order fitted on the rows the longest leaves, as `VAR(y).select_order(max_lag).aic` chooses
    it (min_lag 0) and `vecm.select_order(y, max_lag - 1, "co")` before its "- 1" (min_lag 1).
    Rows with NaN among their lags, or (for levels) a step among them that `gaps` marks, are
    left out.

    AIC = log det(residual covariance) + 2 p m^2 / T, plus terms every order shares.
    """
    return var_lag_orders(series_t, max_lag, min_lag=min_lag, gaps=gaps)[0]


def var_lag_orders(
    series_t: np.ndarray,
    max_lag: int,
    subsets: list[tuple[int, ...]] | None = None,
    *,
    min_lag: int = 0,
    gaps: np.ndarray | None = None,
) -> list[int | Degenerate]:
    """var_lag_order of a VAR on each subset of the series (one subset of all when None), from
    one set of moments: every order of every subset on the same rows, those where every series'
    lags are there. A one-series subset is an autoregression (ar_select_order's AIC choice)."""
    y = np.atleast_2d(np.asarray(series_t, dtype=float))
    span = observed_span(y)
    y, gaps = centred(y[:, span], True), None if gaps is None else np.asarray(gaps)[span]
    m, n = y.shape
    subsets = [tuple(range(m))] if subsets is None else subsets
    too_few = Degenerate(f"{n} observations are too few for a VAR of {max_lag} lags")
    if max_lag < max(min_lag, 1) or n - max_lag <= min(len(subset) for subset in subsets) * max_lag + 1:
        return [too_few] * len(subsets)
    variables = [(s, j) for j in range(1, max_lag + 1) for s in range(m)] + [(s, 0) for s in range(m)]
    rows = None if gaps is None else _unbroken(gaps, max_lag, max_lag, n)
    moments = lagged_moments(y, variables, max_lag, n, rows=rows)
    return [_aic_order(moments, subset, m, max_lag, min_lag) for subset in subsets]


def _aic_order(
    moments: _Moments, subset: tuple[int, ...], m: int, max_lag: int, min_lag: int
) -> int | Degenerate:
    """The AIC order of the VAR on `subset` of the m series whose lagged_moments (variables
    (s, j) for j = 1..max_lag, s = 0..m-1, then each (s, 0)) are given."""
    k = len(subset)
    if moments.nobs <= k * max_lag + 1:
        return Degenerate(f"{moments.nobs} usable observations are too few for a VAR of {max_lag} lags")
    if k < m:
        index = [j * m + s for j in range(max_lag) for s in subset] + [max_lag * m + s for s in subset]
        moments = _Moments(moments.cross[np.ix_(index, index)], moments.sums[index], moments.nobs)
    fits = nested_fits(moments, k * max_lag, constant=True)
    if isinstance(fits, Degenerate):
        return fits
    # Scaling the dependent variables shifts every order's log-determinant by the same amount.
    nobs = fits.nobs
    best, best_aic = min_lag, math.inf
    for p in range(min_lag, max_lag + 1):
        sign, logdet = np.linalg.slogdet(fits.residual_cross(p * k) / nobs)
        if sign <= 0:
            return Degenerate("the residuals of the two equations are collinear")
        aic = logdet + 2.0 * p * k * k / nobs
        if aic < best_aic:
            best, best_aic = p, aic
    return best


def granger_test(effect: np.ndarray, cause: np.ndarray, lag: int) -> GrangerTest | Degenerate:
    """The ssr F-test that `grangercausalitytests(np.column_stack([effect, cause]), lag)`
    reports for `lag`: effect on a constant and its own lags 1..lag (restricted), then also the
    cause's lags (unrestricted), on the rows from `lag` on (both on the rows where every lag of
    both series is there)."""
    if len(cause) != len(effect):
        return Degenerate("the two series differ in length")
    span = observed_span(np.vstack([effect, cause]))
    effect = centred(np.asarray(effect, dtype=float)[span], True)
    cause = centred(np.asarray(cause, dtype=float)[span], True)
    n = len(effect)
    too_few = Degenerate("not enough observations for this many lags")
    if lag < 1 or n - lag - (2 * lag + 1) < 1:
        return too_few
    # Regressors: the effect's lags (series 0), then the cause's (series 1); the effect last.
    variables = [*_lags(0, lag), *_lags(1, lag), (0, 0)]
    moments = lagged_moments(np.vstack([effect, cause]), variables, lag, n)
    df_denom = moments.nobs - (2 * lag + 1)
    if df_denom < 1:
        return too_few
    fits = nested_fits(moments, 2 * lag, constant=True)
    if isinstance(fits, Degenerate):
        reason = "the lagged changes are collinear (a series repeats a pattern or copies the other)"
        return Degenerate(reason if fits.reason == COLLINEAR else fits.reason)
    restricted, unrestricted = fits.ssr(lag), fits.ssr(2 * lag)
    fstat = (restricted - unrestricted) / unrestricted / lag * df_denom
    return GrangerTest(lag, float(fstat), float(stats.f.sf(fstat, lag, df_denom)), df_denom, lag)
