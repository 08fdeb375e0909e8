"""B's response over horizons to a change of A: local projections (Jordà 2005).

For h = 1..H: B's cumulative change over the next h periods (t+1 .. t+h) regressed on A's change
at t, with a constant and `lags` of both changes (B's own up to t, A's before t) as controls, by
statsmodels OLS with Newey-West (HAC) errors over h + the usual lag rule (the h-period sums
overlap, so their errors are autocorrelated by construction). The response is shown to a one
standard deviation change of A, in B's change units (log changes for % metrics), with a 90% band.
Only stationary changes are used (forecast.stationarity_problem); otherwise it refuses. Each
horizon's regression uses every row whose controls and outcome are all there: the rows whose lags
or outcome window reach across a gap in the data are left out (statsmodels' missing="drop").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from scipy import stats as sps

from convex.analytics.cointegration import UnitRoots
from convex.analytics.econometrics import Degenerate, var_lag_order, well_conditioned
from convex.analytics.forecast import MAX_VAR_LAG, model_changes, stationarity_problem
from convex.analytics.pair_data import PairData, autocorrelation_lags
from convex.analytics.serialise import JsonResult

BAND_LEVEL = 0.90


@dataclass(frozen=True)
class Response(JsonResult):
    horizons: tuple[int, ...]
    response: tuple[float, ...]  # B's cumulative change after h periods per one-sd change of A
    low: tuple[float, ...]
    high: tuple[float, ...]
    shock: float | None  # one standard deviation of A's change (model units)
    lags: int | None
    insufficient: str | None = None

    @property
    def significant_horizons(self) -> tuple[int, ...]:
        return tuple(
            h for h, lo, hi in zip(self.horizons, self.low, self.high, strict=True) if lo > 0 or hi < 0
        )


def _refused(reason: str) -> Response:
    return Response((), (), (), (), None, None, reason)


def local_projections(
    data: PairData, horizon: int, max_lag: int = MAX_VAR_LAG, *, roots: UnitRoots | None = None
) -> Response:
    """`roots`: the unit-root verdicts the page shows (forecast.stationarity_problem)."""
    problem = stationarity_problem(data, roots)
    if problem:
        return _refused(problem)
    y = model_changes(data)
    lags = var_lag_order(y.T, max_lag)
    if isinstance(lags, Degenerate):
        return _refused(lags.reason)
    lags = max(lags, 1)
    a, b = y[:, 0], y[:, 1]
    n = len(y)
    rows = np.arange(lags, n - horizon)
    controls = [b[rows - j] for j in range(lags)] + [a[rows - j] for j in range(1, lags + 1)]
    design = sm.add_constant(np.column_stack([a[rows], *controls]), has_constant="add")
    complete = np.isfinite(design).all(axis=1)
    rows, design = rows[complete], design[complete]
    if len(rows) < 10 * (2 * lags + 2):
        return _refused(f"{len(rows)} usable periods are too few for {horizon} horizons")
    scale = np.sqrt((design**2).sum(axis=0))
    if not well_conditioned((design / scale).T @ (design / scale)):
        return _refused("the lagged changes are collinear")
    shock = float(np.nanstd(a, ddof=1))
    z = float(sps.norm.ppf(0.5 + BAND_LEVEL / 2))
    # B's sums over t+1 .. t+h from running totals; an outcome window holding a gap is left out.
    cumulative = np.concatenate(([0.0], np.cumsum(np.nan_to_num(b, nan=0.0))))
    missing = np.concatenate(([0], np.cumsum(~np.isfinite(b))))
    response, low, high = [], [], []
    for h in range(1, horizon + 1):
        target = cumulative[rows + h + 1] - cumulative[rows + 1]
        kept = missing[rows + h + 1] == missing[rows + 1]
        fit = sm.OLS(target[kept], design[kept]).fit(
            cov_type="HAC", cov_kwds={"maxlags": h + autocorrelation_lags(int(kept.sum()))}
        )
        beta, se = float(fit.params[1]) * shock, float(fit.bse[1]) * shock
        response.append(beta)
        low.append(beta - z * se)
        high.append(beta + z * se)
    return Response(tuple(range(1, horizon + 1)), tuple(response), tuple(low), tuple(high), shock, lags)
