"""Unit roots of each series, and whether the pair is cointegrated.

Every test is the one a user re-running statsmodels' defaults gets: `adfuller` with its AIC lag
search, `coint` (Engle-Granger) in both orderings, and Johansen's trace test with its lag order
chosen by AIC. Each uses every row of the window, leaving out only the rows whose change or lags
reach across a gap in the data (econometrics.py); each series' changes are tested once, over
the window, and every statistic of the page that needs their verdict reads that one. A pair is
called cointegrated only when all three agree, and the question is only asked when its premise
holds: both levels have a unit root. A series the ADF test calls stationary is never said to be
cointegrated with anything.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from convex.analytics import econometrics
from convex.analytics.johansen import johansen_trace
from convex.analytics.pair_data import (
    MIN_OBSERVATIONS,
    SIGNIFICANCE_LEVEL,
    PairData,
    constant_reason,
    finite_or_none,
    too_few,
)
from convex.analytics.serialise import JsonResult

VERDICTS = ("cointegrated", "mixed", "not_cointegrated", "not_applicable")


@dataclass(frozen=True)
class UnitRoot(JsonResult):
    """One ADF test (constant, lag chosen by AIC among 0..max_lag); H0: unit root."""

    series: str  # "level", "log" or "changes"
    pvalue: float | None
    statistic: float | None
    lag: int | None
    max_lag: int | None
    nobs: int
    insufficient: str | None = None

    @property
    def stationary(self) -> bool | None:
        return None if self.pvalue is None else self.pvalue < SIGNIFICANCE_LEVEL


def unit_root(values: np.ndarray, series: str, name: str, gaps: np.ndarray | None = None) -> UnitRoot:
    """The ADF test of `values` (NaN where missing; `gaps`: level steps that span a gap)."""
    n = int(np.isfinite(values).sum())
    if n < MIN_OBSERVATIONS:
        return UnitRoot(series, None, None, None, None, n, too_few(n))
    test = econometrics.adf_test(values, gaps=gaps)
    if isinstance(test, econometrics.Degenerate):
        return UnitRoot(series, None, None, None, None, n, f"{name}'s unit-root test: {test.reason}")
    return UnitRoot(series, test.pvalue, finite_or_none(test.statistic), test.lag, test.max_lag, test.nobs)


@dataclass(frozen=True)
class UnitRoots(JsonResult):
    """ADF tests of each level (on logs for positive price-like series) and of each change."""

    level_a: UnitRoot
    level_b: UnitRoot
    changes_a: UnitRoot
    changes_b: UnitRoot


@dataclass(frozen=True, eq=False)
class _Levels:
    a: np.ndarray
    b: np.ndarray
    input_a: str
    input_b: str


def _unit_root_input(values: np.ndarray, change: str) -> tuple[np.ndarray, str]:
    # Prices grow multiplicatively: the log is the series whose unit root (or cointegration)
    # the usual theory is about.
    if change == "pct" and len(values) and (values > 0).all():
        return np.log(values), "log"
    return values, "level"


def _levels(data: PairData) -> _Levels:
    a, input_a = _unit_root_input(data.a, data.change_a)
    b, input_b = _unit_root_input(data.b, data.change_b)
    return _Levels(a, b, input_a, input_b)


def changes_unit_root(data: PairData, side: int) -> UnitRoot:
    """The ADF test of one series' changes over the window: every change it has, in order."""
    changes = data.a_chg_all if side == 0 else data.b_chg_all
    return unit_root(changes, "changes", data.names[side])


def unit_roots(data: PairData) -> UnitRoots:
    """The four ADF tests."""
    name_a, name_b = data.names
    inputs = _levels(data)
    return UnitRoots(
        level_a=unit_root(inputs.a, inputs.input_a, name_a, data.gaps),
        level_b=unit_root(inputs.b, inputs.input_b, name_b, data.gaps),
        changes_a=changes_unit_root(data, 0),
        changes_b=changes_unit_root(data, 1),
    )


@dataclass(frozen=True)
class EngleGranger(JsonResult):
    """`coint(y0, y1)`: the residual of y0 on y1 tested for a unit root; H0: no cointegration."""

    pvalue: float | None
    statistic: float | None
    lag: int | None
    insufficient: str | None = None


@dataclass(frozen=True)
class CointegrationStats(JsonResult):
    # cointegrated: all three tests reject "no cointegration" at 5 %; mixed: some do;
    # not_applicable: a level is stationary (or untestable), so the question does not arise.
    verdict: str | None
    cointegrated: bool | None
    a_on_b: EngleGranger
    b_on_a: EngleGranger
    critical_value_5pct: float | None  # Engle-Granger's, for this sample size
    johansen_trace: float | None
    johansen_critical_5pct: float | None
    johansen_lags: int | None
    johansen_relation: bool | None
    n: int
    input_a: str | None
    input_b: str | None
    reason: str | None = None  # why not_applicable, in words
    insufficient: str | None = None

    @property
    def rejections(self) -> int:
        """How many of the three tests reject "no cointegration" at 5 %."""
        tests = [self.a_on_b.pvalue, self.b_on_a.pvalue]
        return sum(p is not None and p < SIGNIFICANCE_LEVEL for p in tests) + bool(self.johansen_relation)


def _engle_granger(y0: np.ndarray, y1: np.ndarray, gaps: np.ndarray) -> EngleGranger:
    test = econometrics.engle_granger(y0, y1, gaps=gaps)
    if isinstance(test, econometrics.Degenerate):
        return EngleGranger(None, None, None, test.reason)
    return EngleGranger(test.pvalue, finite_or_none(test.statistic), test.lag)


def johansen_max_lag(n: int, wanted: int) -> int:
    """The longest lag the VAR behind Johansen's lag choice can search with rows to spare."""
    return max(1, min(wanted, (n - 2) // 3 - 2))


def cointegration(data: PairData, roots: UnitRoots, max_lag: int) -> CointegrationStats:
    levels = _levels(data)
    n = len(levels.a)
    none = EngleGranger(None, None, None)

    def empty(reason: str, verdict: str | None = None, words: str | None = None) -> CointegrationStats:
        return CointegrationStats(
            verdict, False if verdict else None, none, none, None, None, None, None, None, n,
            levels.input_a, levels.input_b, words, None if verdict else reason,
        )  # fmt: skip

    if n < MIN_OBSERVATIONS:
        return empty(too_few(n))
    reason = constant_reason(levels.a, levels.b, data.names, "levels")
    if reason:
        return empty(reason)
    stationary = [
        name for name, root in zip(data.names, (roots.level_a, roots.level_b), strict=True) if root.stationary
    ]
    untested = [root.insufficient for root in (roots.level_a, roots.level_b) if root.insufficient]
    if untested:
        return empty(untested[0])
    if stationary:
        which = " and ".join(stationary)
        words = (
            f"{which} {'is' if len(stationary) == 1 else 'are'} stationary by the ADF test, and "
            "cointegration is a relation between two series with a unit root"
        )
        return empty(words, "not_applicable", words)

    a_on_b = _engle_granger(levels.a, levels.b, data.gaps)
    b_on_a = _engle_granger(levels.b, levels.a, data.gaps)
    if any(t.statistic is None and t.pvalue == 0.0 for t in (a_on_b, b_on_a)):
        # statsmodels' convention for (almost) collinear levels: a statistic of -inf.
        return empty("the two levels are (almost) exact multiples of each other: linked by construction")
    johansen = johansen_trace(levels.a, levels.b, johansen_max_lag(n, max_lag), gaps=data.gaps)
    broken = [t.insufficient for t in (a_on_b, b_on_a) if t.insufficient]
    if isinstance(johansen, econometrics.Degenerate):
        broken.append(f"Johansen: {johansen.reason}")
    if broken:
        return empty(f"the cointegration tests cannot be computed: {broken[0]}")
    result = CointegrationStats(
        verdict=None,
        cointegrated=None,
        a_on_b=a_on_b,
        b_on_a=b_on_a,
        critical_value_5pct=econometrics.engle_granger_critical_values(n)[1],
        johansen_trace=johansen.trace,
        johansen_critical_5pct=johansen.critical_5pct,
        johansen_lags=johansen.lags,
        johansen_relation=johansen.relation,
        n=n,
        input_a=levels.input_a,
        input_b=levels.input_b,
    )
    verdict = {3: "cointegrated", 0: "not_cointegrated"}.get(result.rejections, "mixed")
    return replace(result, verdict=verdict, cointegrated=verdict == "cointegrated")
