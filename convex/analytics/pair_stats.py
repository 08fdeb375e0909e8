"""Every statistic of a pair of aligned series over the chosen lookback, in one call.

Each statistic lives in its own module (correlation, lead_lag, granger, regression,
cointegration, comovement, regimes); pair_data holds the conventions they share. Rolling series
(correlation, beta) and the regime labels use the aligned rows before the lookback as warm-up,
so a value exists from the first date of a short window; every other statistic uses only rows
inside the window.
"""

from __future__ import annotations

from dataclasses import dataclass

from convex.analytics.align import AlignedPair
from convex.analytics.cointegration import CointegrationStats, UnitRoots, cointegration, unit_roots
from convex.analytics.comovement import Comovement, comovement
from convex.analytics.correlation import (
    CorrelationStats,
    RollingCorrelation,
    correlation_stats,
    rolling_correlation,
)
from convex.analytics.fragility import ReleaseFragility, release_fragility
from convex.analytics.granger import GrangerStats, granger
from convex.analytics.lead_lag import LeadLag, lead_lag
from convex.analytics.pair_data import PairData, positive_int
from convex.analytics.regimes import Regimes, regimes
from convex.analytics.regression import RegressionStats, regression
from convex.analytics.serialise import JsonResult

DEFAULT_MAX_LAG = {"daily": 20, "weekly": 12, "monthly": 12, "quarterly": 8}
DEFAULT_ROLLING_WINDOW = {"daily": 63, "weekly": 26, "monthly": 12, "quarterly": 8}
# The longest rolling window at each frequency, in its own periods: a year of trading days, two
# years of weeks, five of months or quarters. A window asked for beyond it (252 on a weekly pair
# would be five years) is cut to it; every chart and sentence states the window used.
MAX_ROLLING_WINDOW = {"daily": 252, "weekly": 104, "monthly": 60, "quarterly": 20}
# About one quarter: long enough that a regime (QE vs QT) is not one noisy week.
DEFAULT_REGIME_WINDOW = {"daily": 63, "weekly": 13, "monthly": 3, "quarterly": 2}


@dataclass(frozen=True)
class PairStats(JsonResult):
    name_a: str
    name_b: str
    frequency: str
    lookback: str
    n: int
    n_changes: int
    max_lag: int
    rolling_window: int
    regime_window: int
    correlation: CorrelationStats
    rolling_correlation: RollingCorrelation
    lead_lag: LeadLag
    granger: GrangerStats
    regression: RegressionStats
    unit_roots: UnitRoots
    cointegration: CointegrationStats
    comovement: Comovement
    regimes: Regimes
    # How the pair was aligned for lead-lag and Granger when that differs from the rest ("as
    # published"); None when they share the alignment.
    predictive_method: str | None = None
    # Lead-lag and Granger again with unknown release days at the earliest the data allow, and which
    # calls that changes (analytics/fragility.py); None when release days are not a range.
    release_fragility: ReleaseFragility | None = None


def pair_statistics(
    aligned: AlignedPair,
    *,
    max_lag: int | None = None,
    rolling_window: int | None = None,
    regime_window: int | None = None,
    published: AlignedPair | None = None,
    published_earliest: AlignedPair | None = None,
) -> PairStats:
    """Every pair statistic over the aligned window.

    max_lag bounds the lead-lag scan and the lag searches of the Granger and Johansen tests
    (default per frequency, DEFAULT_MAX_LAG); rolling_window sizes the rolling correlation and
    beta and the out-of-sample hedge (DEFAULT_ROLLING_WINDOW, at most MAX_ROLLING_WINDOW);
    regime_window is the trailing span that labels A as expanding or contracting
    (DEFAULT_REGIME_WINDOW). All are in aligned periods.

    `published`, the same pair aligned "as published", is what lead-lag and Granger (statements
    about one series predicting the other) run on; without it they use `aligned`.
    `published_earliest`, aligned as published with unknown release days at their earliest, is
    where they run again to tell a fragile call (analytics/fragility.py).
    """
    frequency = aligned.frequency
    max_lag = positive_int("max_lag", max_lag, DEFAULT_MAX_LAG[frequency], minimum=1)
    rolling_window = min(
        positive_int("rolling_window", rolling_window, DEFAULT_ROLLING_WINDOW[frequency], minimum=3),
        MAX_ROLLING_WINDOW[frequency],
    )
    regime_window = positive_int("regime_window", regime_window, DEFAULT_REGIME_WINDOW[frequency], minimum=1)

    data = PairData.build(aligned)
    # One unit-root verdict per series on the page: Granger reads the table's, even when it runs
    # on the "as published" rows (the same changes, dated a release later).
    roots = unit_roots(data)
    predictive = data if published is None else PairData.build(published)
    coint = cointegration(data, roots, max_lag)
    level_roots = (roots.level_a.stationary, roots.level_b.stationary)
    both_stationary = None if None in level_roots else all(level_roots)
    lead, causality = lead_lag(predictive, max_lag), granger(predictive, roots, max_lag)
    fragility = None
    if published_earliest is not None:
        earliest = PairData.build(published_earliest)
        fragility = release_fragility(
            lead, causality, lead_lag(earliest, max_lag), granger(earliest, roots, max_lag)
        )
    return PairStats(
        name_a=aligned.name_a,
        name_b=aligned.name_b,
        frequency=frequency,
        lookback=aligned.lookback,
        n=aligned.n,
        n_changes=len(data.a_chg),
        max_lag=max_lag,
        rolling_window=rolling_window,
        regime_window=regime_window,
        correlation=correlation_stats(
            data,
            levels_stationary=both_stationary,
            possibly_spurious=_possibly_spurious(level_roots, coint),
            spurious_reason=_spurious_reason(roots, coint),
        ),
        rolling_correlation=rolling_correlation(data, rolling_window),
        lead_lag=lead,
        granger=causality,
        predictive_method=None if published is None else published.method,
        release_fragility=fragility,
        regression=regression(data, rolling_window),
        unit_roots=roots,
        cointegration=coint,
        comovement=comovement(data),
        regimes=regimes(data, regime_window),
    )


def _possibly_spurious(
    level_roots: tuple[bool | None, bool | None], coint: CointegrationStats
) -> bool | None:
    """Either level has a unit root and the pair is not shown to be cointegrated."""
    if None in level_roots:
        return None
    if all(level_roots):
        return False
    if coint.insufficient:
        return None
    return coint.cointegrated is not True


def _spurious_reason(roots: UnitRoots, coint: CointegrationStats) -> str | None:
    for root in (roots.level_a, roots.level_b):
        if root.insufficient:
            return root.insufficient
    return coint.insufficient
