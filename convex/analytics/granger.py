"""Granger causality of changes: does one series' past help predict the other's changes?

One test per direction, at one lag chosen in advance by a stated rule, not the best of many:
the lag order of a VAR on the two change series with the smallest AIC (statsmodels'
`VAR(...).select_order(L).aic`, L the frequency's default), at least 1; then the ssr F-test
that `grangercausalitytests` reports at that lag. Both use every row of the window whose
changes and lags are all there: only the rows whose lags reach across a gap in the data are left
out (econometrics.py). The regression assumes stationary inputs, so the test is refused, with the
reason, when the ADF test does not call both change series stationary: the verdict the page's
unit-root table shows, passed in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convex.analytics import econometrics
from convex.analytics.cointegration import UnitRoots
from convex.analytics.pair_data import (
    MIN_OBSERVATIONS,
    SIGNIFICANCE_LEVEL,
    PairData,
    constant_reason,
    too_few,
)
from convex.analytics.serialise import JsonResult
from convex.metrics.formatting import format_pvalue


@dataclass(frozen=True)
class GrangerDirection(JsonResult):
    cause: str
    effect: str
    lag: int | None
    fstat: float | None
    pvalue: float | None
    df_num: int | None
    df_denom: int | None
    significant: bool | None
    insufficient: str | None = None


@dataclass(frozen=True)
class GrangerStats(JsonResult):
    a_to_b: GrangerDirection
    b_to_a: GrangerDirection
    n: int  # rows of the window with both changes (the regressions use those whose lags are there)
    lag: int | None  # the lag both tests use
    lag_by_aic: int | None  # what AIC chose (0 means no lags at all; the test then uses 1)
    max_lag: int
    insufficient: str | None = None


def usable_rows(both: np.ndarray, lag: int) -> int:
    """Rows t >= lag whose changes at t - lag .. t all exist: the rows a regression on `lag`
    lags of both series can use (n - lag without gaps)."""
    missing = np.concatenate(([0], np.cumsum(~both)))
    return int(np.count_nonzero(missing[lag + 1 :] == missing[: len(both) - lag]))


def granger_max_lag(both: np.ndarray, wanted: int) -> int:
    """Largest lag <= wanted whose unrestricted regression keeps MIN_OBSERVATIONS residual
    degrees of freedom (at lag p: the usable rows, 2p + 1 parameters)."""
    lag = max(0, min(wanted, (len(both) - 1 - MIN_OBSERVATIONS) // 3))
    while lag > 0 and usable_rows(both, lag) - (2 * lag + 1) < MIN_OBSERVATIONS:
        lag -= 1
    return lag


def granger(data: PairData, roots: UnitRoots, wanted_lag: int) -> GrangerStats:
    """`roots` holds the unit-root verdicts the page shows; the changes' must both be stationary."""
    a, b = data.paired_changes()
    n = int(data.both.sum())
    max_lag = granger_max_lag(data.both, wanted_lag)
    name_a, name_b = data.names

    def empty(cause: str, effect: str, reason: str) -> GrangerDirection:
        return GrangerDirection(cause, effect, None, None, None, None, None, None, reason)

    def both_empty(reason: str, lag_by_aic: int | None = None) -> GrangerStats:
        a_to_b, b_to_a = empty(name_a, name_b, reason), empty(name_b, name_a, reason)
        return GrangerStats(a_to_b, b_to_a, n, None, lag_by_aic, max_lag, reason)

    if n < MIN_OBSERVATIONS or max_lag < 1:
        return both_empty(too_few(n, "changes"))
    reason = constant_reason(a, b, data.names, "changes")
    if reason:
        return both_empty(reason)
    for root, name in ((roots.changes_a, name_a), (roots.changes_b, name_b)):
        if root.insufficient:
            return both_empty(f"the stationarity of {name}'s changes cannot be tested ({root.insufficient})")
        if not root.stationary:
            return both_empty(
                f"the ADF test does not reject a unit root in {name}'s changes "
                f"(p {format_pvalue(root.pvalue)}), and a Granger regression on changes that persistent "
                "would be unreliable"
            )
    order = econometrics.var_lag_order(np.vstack([a, b]), max_lag)
    if isinstance(order, econometrics.Degenerate):
        return both_empty(f"the Granger regressions cannot be estimated: {order.reason}")
    lag = max(order, 1)

    def direction(effect: np.ndarray, cause: np.ndarray, cause_name: str, effect_name: str):
        test = econometrics.granger_test(effect, cause, lag)
        if isinstance(test, econometrics.Degenerate):
            return empty(
                cause_name, effect_name, f"the Granger regressions cannot be estimated: {test.reason}"
            )
        return GrangerDirection(
            cause=cause_name,
            effect=effect_name,
            lag=lag,
            fstat=test.fstat,
            pvalue=test.pvalue,
            df_num=test.df_num,
            df_denom=test.df_denom,
            significant=test.pvalue < SIGNIFICANCE_LEVEL,
        )

    a_to_b = direction(b, a, name_a, name_b)
    b_to_a = direction(a, b, name_b, name_a)
    return GrangerStats(a_to_b, b_to_a, n, lag, order, max_lag)
