"""Johansen's trace test for a pair, from the moments econometrics.py builds (see its docstring
for how degenerate input and gaps are handled)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg

from convex.analytics.econometrics import (
    COLLINEAR,
    Degenerate,
    centred,
    lagged_moments,
    level_steps,
    nested_fits,
    var_lag_order,
    well_conditioned,
)


@dataclass(frozen=True)
class JohansenTest:
    """Johansen's trace test of "no cointegrating relation" for a pair (constant, `lags` lagged
    differences).

    Only the first test of the sequence is computed. The second ("at most one relation", whose
    rejection would mean both series are stationary) over-rejects in statsmodels' version for
    driftless data (24 % at a nominal 5 % on cointegrated pairs here; statsmodels issues 5355 and
    6168); whether each series is stationary is the ADF test's question anyway. The first is
    oversized too (11 % of independent driftless random walks of 1,000 points, against 6 % for
    Engle-Granger), so it is one voice of three, never the verdict alone.
    """

    trace: float
    critical_5pct: float
    lags: int
    nobs: int

    @property
    def relation(self) -> bool:
        """Whether "no cointegrating relation" is rejected at 5 %."""
        return self.trace > self.critical_5pct


def johansen_trace(
    a: np.ndarray, b: np.ndarray, max_lag: int, *, gaps: np.ndarray | None = None
) -> JohansenTest | Degenerate:
    """Johansen's trace statistic for "no cointegrating relation", with a constant and k lagged
    differences, k chosen as `vecm.select_order(..., maxlags=max_lag, deterministic="co").aic`
    chooses it; equal to `coint_johansen(np.column_stack([a, b]), 0, k).lr1[0]` for k >= 1.

    From the moments: the differences and the lagged levels, each regressed on a constant and
    the lagged differences, leave residual moments S00, S11 and S01; the statistic is
    -T sum log(1 - eigenvalues of S11^-1 S10 S00^-1 S01), a symmetric generalized eigenproblem
    solved only once both S00 and S11 are known to be well conditioned. With k = 0 statsmodels
    pairs the differences with the current rather than the lagged levels (statsmodels issue
    7459); this follows the textbook there too. `gaps` marks level steps that span more than one
    period: rows whose differences or lags use one are left out.
    """
    from statsmodels.tsa.coint_tables import c_sjt

    levels = centred(np.vstack([np.asarray(a, dtype=float), np.asarray(b, dtype=float)]), True)
    order = var_lag_order(levels, max_lag + 1, min_lag=1, gaps=gaps)
    if isinstance(order, Degenerate):
        return order
    lags = order - 1
    diffs = level_steps(levels, gaps)
    # Series 0, 1: the differences; 2, 3: the level before each difference.
    series = np.vstack([diffs, levels[:, :-1]])
    variables = [(s, j) for j in range(1, lags + 1) for s in (0, 1)] + [(0, 0), (1, 0), (2, 0), (3, 0)]
    moments = lagged_moments(series, variables, lags, diffs.shape[1])
    if moments.nobs <= 2 * lags + 3:
        return Degenerate(f"{moments.nobs} usable observations are too few for Johansen's test")
    fits = nested_fits(moments, 2 * lags, constant=True)
    if isinstance(fits, Degenerate):
        return fits
    residual = fits.residual_cross(2 * lags)
    s00, s01, s11 = residual[:2, :2], residual[:2, 2:], residual[2:, 2:]
    for block in (s00, s11):
        diagonal = np.sqrt(np.diag(block))
        if not well_conditioned(block / np.outer(diagonal, diagonal)):
            return Degenerate(COLLINEAR)
    eigenvalues = linalg.eigh(s01.T @ np.linalg.solve(s00, s01), s11, eigvals_only=True)
    eigenvalues = np.clip(eigenvalues, 0.0, 1.0 - 1e-15)
    trace = float(-fits.nobs * np.sum(np.log1p(-eigenvalues)))
    return JohansenTest(trace, float(c_sjt(2, 0)[1]), lags, fits.nobs)
