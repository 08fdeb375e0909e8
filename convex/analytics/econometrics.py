"""Fast equivalents of statsmodels' unit-root, cointegration and Granger tests.

statsmodels' `adfuller`/`coint` with their default AIC lag search fit one OLS per candidate lag
(~120-180 ms on 25 years of daily data) and `grangercausalitytests` one OLS pair per lag. Here
every candidate regression of a test comes from one cross-product matrix: the candidates are
nested (each adds a column), so one Cholesky factor of the scaled, centred cross products gives
every candidate's residual sum of squares. tests/analytics/test_econometrics.py checks each
function against the statsmodels call it claims to equal; p-values and critical values come from
statsmodels' own MacKinnon tables.

Degenerate input never raises and never yields a number computed from rounding noise. Before any
system is solved, its conditioning is measured on the data (the eigenvalues of the scaled cross
products): exactly collinear regressors (a series that repeats a pattern, one series a lagged
copy of the other), a regressor that does not vary and an exact fit all return `Degenerate` with
the reason. Exact collinearity puts the condition number near 1e15 and any real design below
1e3, so the decision cannot flip with the CPU's BLAS kernel.
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


@dataclass(frozen=True)
class GrangerLag:
    """statsmodels' "ssr_ftest" for one lag: (F, p, df_denom, df_num)."""

    lag: int
    fstat: float
    pvalue: float
    df_denom: int
    df_num: int


COLLINEAR = "its regressors are collinear"
EXACT_FIT = "its regression fits exactly"


# --------------------------------------------------------------------------- least squares


@dataclass(frozen=True, eq=False)
class _NestedFits:
    """Every "first j columns" regression of one dependent variable, from one factorisation."""

    factor: np.ndarray  # upper-triangular R with R'R = scaled cross products of the regressors
    projections: np.ndarray  # R^-T X'y in the same scaling
    total: float  # y'y in the same scaling
    nobs: int
    constant: bool

    def ssr(self, used: int) -> float:
        """Residual sum of squares (in the scaled units) with the first `used` regressors."""
        return max(self.total - float(self.projections[:used] @ self.projections[:used]), 0.0)

    def ssrs(self) -> np.ndarray:
        """ssr(j) for j = 1 .. number of regressors."""
        return np.maximum(self.total - np.cumsum(self.projections**2), 0.0)

    def first_tstat(self, used: int) -> float:
        """t-statistic of the first regressor's coefficient with the first `used` regressors."""
        r = self.factor[:used, :used]
        coef = linalg.solve_triangular(r, self.projections[:used])
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


def _nested_fits(regressors_t: np.ndarray, y: np.ndarray, *, constant: bool) -> _NestedFits | Degenerate:
    """Factor the regression of y on the rows of `regressors_t` (plus a constant when asked).

    Columns are centred when a constant is in the model (it absorbs the shift; a level in
    millions beside a constant would otherwise be badly conditioned) and scaled to unit length;
    t and F statistics are invariant to both. Refuses, with the reason, a regressor that does
    not vary, collinear regressors and an exact fit.
    """
    xt = np.asarray(regressors_t, dtype=float)
    y = np.asarray(y, dtype=float)
    if constant:
        xt = xt - xt.mean(axis=1, keepdims=True)
        y = y - y.mean()
    norms = np.sqrt(np.einsum("it,it->i", xt, xt))
    y_norm = math.sqrt(float(y @ y))
    if not (np.all(norms > 0) and y_norm > 0):
        return Degenerate("a regressor or the dependent variable does not vary")
    scaled = np.vstack([xt / norms[:, None], y / y_norm])
    cross = scaled @ scaled.T
    k = xt.shape[0]
    gram = cross[:k, :k]
    if not well_conditioned(gram):
        return Degenerate(COLLINEAR)
    factor = np.linalg.cholesky(gram).T
    projections = linalg.solve_triangular(factor, cross[:k, k], trans="T")
    fits = _NestedFits(factor, projections, float(cross[k, k]), len(y), constant)
    if fits.ssr(k) <= _EXACT_FIT_SHARE * fits.total:
        return Degenerate(EXACT_FIT)
    return fits


# --------------------------------------------------------------------------- unit roots


# Schwert's (1989) rule sizes the lag to the sample; past this the regression only grows while
# daily changes carry almost no autocorrelation beyond a month.
ADF_LAG_CAP = 24


def schwert_lag(n: int, *, cap: int = ADF_LAG_CAP) -> int:
    """ceil(12 * (n/100)^(1/4)) lags (the rule statsmodels uses as its autolag ceiling), capped.

    Also kept below n/5 so that a short sample keeps most of its rows for the regression, and
    below adfuller's own limit of n/2 - 2.
    """
    if n <= 0:
        return 0
    rule = math.ceil(12.0 * (n / 100.0) ** 0.25)
    return max(0, min(rule, cap, n // 5, n // 2 - 2))


def default_max_lag(nobs: int, *, deterministic: int) -> int:
    """statsmodels' adfuller default: ceil(12 * (nobs/100)^(1/4)), at most nobs/2 - terms - 1."""
    if nobs <= 0:
        return -1
    return min(nobs // 2 - deterministic - 1, math.ceil(12.0 * (nobs / 100.0) ** 0.25))


def _adf_design(x: np.ndarray, lag: int) -> tuple[np.ndarray, np.ndarray]:
    """(regressors one per row, dependent): dx[t] on x[t-1], dx[t-1..t-lag], rows from lag on."""
    dx = np.diff(x)
    nobs = len(dx) - lag
    regressors_t = np.empty((lag + 1, nobs))
    regressors_t[0] = x[lag:-1]
    for j in range(1, lag + 1):
        regressors_t[j] = dx[lag - j : lag - j + nobs]
    return regressors_t, dx[lag:]


def adf_test(
    x: np.ndarray, *, max_lag: int | None = None, autolag: bool = True, constant: bool = True
) -> UnitRootTest | Degenerate:
    """Augmented Dickey-Fuller test, H0: unit root, as
    `adfuller(x, maxlag=max_lag, regression="c" or "n", autolag="AIC" or None)` computes it.

    With autolag the lag is the one of 0..max_lag with the smallest AIC, every candidate fitted
    on the rows the longest lag leaves, and the chosen lag is then re-fitted on all the rows it
    leaves (as statsmodels does). max_lag defaults to statsmodels' rule.
    """
    x = np.asarray(x, dtype=float)
    deterministic = 1 if constant else 0
    limit = default_max_lag(len(x), deterministic=deterministic)
    if max_lag is None:
        max_lag = limit
    if max_lag < 0 or max_lag > len(x) // 2 - deterministic - 1:
        return Degenerate(f"{len(x)} observations are too few for the test's lags")
    if np.ptp(x) == 0:
        return Degenerate("the series is constant")
    regressors_t, dx = _adf_design(x, max_lag)
    fits = _nested_fits(regressors_t, dx, constant=constant)
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
            regressors_t, dx = _adf_design(x, lag)
            fits = _nested_fits(regressors_t, dx, constant=constant)
            if isinstance(fits, Degenerate):
                return fits
    statistic = fits.first_tstat(lag + 1)
    regression = "c" if constant else "n"
    return UnitRootTest(statistic, float(mackinnonp(statistic, regression=regression, N=1)), lag,
                        fits.nobs, max_lag)  # fmt: skip


def engle_granger(
    y0: np.ndarray, y1: np.ndarray, *, max_lag: int | None = None, autolag: bool = True
) -> UnitRootTest | Degenerate:
    """Engle-Granger test of y0 on y1 (with a constant), H0: no cointegration, as
    `coint(y0, y1, maxlag=max_lag, autolag="aic" or None)` computes it."""
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
    residual_test = adf_test(resid, max_lag=max_lag, autolag=autolag, constant=False)
    if isinstance(residual_test, Degenerate):
        return Degenerate(f"the residuals' unit-root regression is degenerate: {residual_test.reason}")
    statistic = residual_test.statistic
    pvalue = float(mackinnonp(statistic, regression="c", N=2))
    return UnitRootTest(statistic, pvalue, residual_test.lag, residual_test.nobs, residual_test.max_lag)


def engle_granger_critical_values(nobs: int) -> tuple[float, float, float]:
    """1 %, 5 %, 10 % critical values as `coint` reports them for nobs observations."""
    crit = mackinnoncrit(N=2, regression="c", nobs=nobs - 1)
    return float(crit[0]), float(crit[1]), float(crit[2])


# --------------------------------------------------------------------------- Granger


def granger_max_lag(n: int, wanted: int, min_df: int) -> int:
    """Largest lag <= wanted whose unrestricted regression keeps min_df residual degrees of freedom.

    At lag p the regression has n - p rows and 2p + 1 parameters.
    """
    return max(0, min(wanted, (n - 1 - min_df) // 3))


def granger_both_ways(
    a: np.ndarray, b: np.ndarray, max_lag: int
) -> tuple[list[GrangerLag], list[GrangerLag]] | Degenerate:
    """ssr F-tests for "a Granger-causes b" and "b Granger-causes a", lags 1..max_lag, as
    `grangercausalitytests` computes them.

    Both directions share one design: a constant, then the pairs (a lag j, b lag j) for
    j = 1..L (zero where a lag reaches before the start), then a and b themselves. At lag p every
    unrestricted regression uses the first 2p + 1 columns, on the rows from p on, exactly as
    statsmodels trims them; the cross products of those rows are those of all rows minus those
    of the first p rows. F is invariant to affine changes of either series, so both are
    standardised first.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    n = len(a)
    if len(b) != n:
        return Degenerate("the two series differ in length")
    if max_lag < 1 or n - 3 * max_lag - 1 < 1:
        return Degenerate("not enough observations for this many lags")
    a_std, b_std = a.std(), b.std()
    if a_std == 0 or b_std == 0:
        return Degenerate("a series is constant")
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
    grams = (design_t @ design_t.T)[None, :, :] - dropped  # index p - 1

    # Lag p's regressors are the first 2p + 1 columns on rows p..n-1: a leading block of the
    # largest lag's regressors with rows added, so it is no worse conditioned than that one.
    regressors_full = grams[lags - 1, : 2 * lags + 1, : 2 * lags + 1]
    scale = np.sqrt(np.diag(regressors_full))
    if not well_conditioned(regressors_full / np.outer(scale, scale)):
        return Degenerate("the lagged changes are collinear (a series repeats a pattern or copies the other)")

    # Every lag's regressions are solved in one batched call: lag p's normal equations are
    # embedded in a full-size system whose unused rows and columns are the identity, so their
    # coefficients come out as zero and the used ones are exactly lag p's.
    p_values = np.arange(1, lags + 1)
    ssr_u_a, ssr_u_b = _batched_ssr(grams, np.arange(2 * lags + 1), 2 * p_values + 1, (col_a, col_b))
    if np.any(ssr_u_a <= _EXACT_FIT_SHARE * grams[:, col_a, col_a]) or np.any(
        ssr_u_b <= _EXACT_FIT_SHARE * grams[:, col_b, col_b]
    ):
        return Degenerate("a series is an exact combination of the lagged changes")
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
