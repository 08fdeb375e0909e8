"""Statistics of a pair of aligned series over the chosen lookback.

Conventions used throughout:

* "Changes" are the per-aligned-period changes in `AlignedPair.frame` (returns for "pct"
  metrics, differences for "diff" metrics). Correlations of changes are the ones to trust;
  correlations of levels of trending series are often spurious, hence the flag.
* A statistic needs MIN_OBSERVATIONS points; with fewer, its `insufficient` says why and its
  numbers are None. Constant series, all-zero changes and NaNs give a reason, never an exception.
* Lead-lag: lag k pairs A's change at t with B's change at t+k, so k > 0 means A leads B.
* Rolling series (correlation, beta) and the regime labels use the aligned rows before the
  lookback as warm-up, so a value exists from the first date of a short window; every other
  statistic uses only rows inside the window.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import special, stats

from convex.analytics import econometrics
from convex.analytics.align import CHANGE_A, CHANGE_B, LEVEL_A, LEVEL_B, AlignedPair
from convex.analytics.serialise import SERIES_FIELD, JsonResult

MIN_OBSERVATIONS = 20
SIGNIFICANCE_LEVEL = 0.05
# Two-sided 95 % normal quantile, for the lead-lag band and Fisher-z intervals.
Z_95 = float(stats.norm.ppf(0.975))

DEFAULT_MAX_LAG = {"daily": 20, "weekly": 12, "monthly": 12, "quarterly": 8}
DEFAULT_ROLLING_WINDOW = {"daily": 63, "weekly": 26, "monthly": 12, "quarterly": 8}
# About one quarter: long enough that a regime (QE vs QT) is not one noisy week.
DEFAULT_REGIME_WINDOW = {"daily": 63, "weekly": 13, "monthly": 3, "quarterly": 2}

COMOVEMENT_STATES = ("both_up", "both_down", "a_up_b_down", "a_down_b_up", "flat")


def _too_few(n: int, what: str = "aligned points") -> str:
    return f"insufficient data: {n} {what}, need at least {MIN_OBSERVATIONS}"


# --------------------------------------------------------------------------- result types


@dataclass(frozen=True)
class CorrelationStats(JsonResult):
    levels: float | None
    levels_pvalue: float | None
    levels_ci_low: float | None
    levels_ci_high: float | None
    n_levels: int
    changes: float | None
    changes_pvalue: float | None
    changes_ci_low: float | None
    changes_ci_high: float | None
    changes_spearman: float | None
    changes_spearman_pvalue: float | None
    n_changes: int
    # True when neither level series is stationary (ADF p > 0.05) and they are not cointegrated:
    # a levels correlation then says little beyond "both trended".
    levels_possibly_spurious: bool | None
    adf_pvalue_a: float | None
    adf_pvalue_b: float | None
    adf_lag: int | None
    # "log" for positive price-like series, "level" otherwise: what the ADF and Engle-Granger
    # tests were run on.
    unit_root_input_a: str | None
    unit_root_input_b: str | None
    insufficient: str | None = None
    changes_insufficient: str | None = None
    spurious_check_insufficient: str | None = None


@dataclass(frozen=True, eq=False)
class RollingCorrelation(JsonResult):
    window: int
    series: pd.Series = field(metadata=SERIES_FIELD)
    latest: float | None
    mean: float | None
    min: float | None
    max: float | None
    insufficient: str | None = None


@dataclass(frozen=True)
class LeadLag(JsonResult):
    max_lag: int
    lags: tuple[int, ...]
    correlations: tuple[float | None, ...]
    n_pairs: tuple[int, ...]
    best_lag: int | None
    correlation: float | None
    # 1.96 / sqrt(n): a correlation inside this band is what independent noise gives 95 % of the
    # time at any single lag. With 2L+1 lags tried, one clearing it by a little is weak evidence.
    band: float | None
    significant: bool | None
    n: int
    insufficient: str | None = None
    # The band widened for the 2L+1 lags searched (Bonferroni at 5 %): a best lag outside it is
    # unlikely to be the luck of the search. Text claims a lead only when this holds.
    band_adjusted: float | None = None
    significant_adjusted: bool | None = None


@dataclass(frozen=True)
class GrangerDirection(JsonResult):
    cause: str
    effect: str
    max_lag: int
    # Smallest ssr F-test p-value over lags 1..max_lag, and the lag where it occurs.
    pvalue: float | None
    lag: int | None
    fstat: float | None
    # The smallest p-value times the number of lags tried (capped at 1): a guard against
    # reading significance into the best of many tests.
    pvalue_bonferroni: float | None
    significant: bool | None
    pvalues: tuple[float, ...] = ()
    insufficient: str | None = None


@dataclass(frozen=True)
class GrangerStats(JsonResult):
    a_to_b: GrangerDirection
    b_to_a: GrangerDirection
    n: int
    insufficient: str | None = None


@dataclass(frozen=True, eq=False)
class RegressionStats(JsonResult):
    """OLS of B's changes on A's changes: B_chg = alpha + beta * A_chg + e."""

    beta: float | None
    alpha: float | None
    r2: float | None
    # Share of B's change variance removed by holding -beta of A: 1 - Var(e) / Var(B_chg).
    hedge_effectiveness: float | None
    n: int
    beta_stderr: float | None
    beta_pvalue: float | None
    alpha_stderr: float | None
    residual_std: float | None
    rolling_window: int
    rolling_beta: pd.Series = field(metadata=SERIES_FIELD)
    rolling_beta_latest: float | None
    insufficient: str | None = None
    rolling_insufficient: str | None = None


@dataclass(frozen=True)
class CointegrationStats(JsonResult):
    """Engle-Granger both ways; H0 is "not cointegrated"."""

    pvalue: float | None
    pvalue_a_on_b: float | None
    pvalue_b_on_a: float | None
    statistic_a_on_b: float | None
    statistic_b_on_a: float | None
    critical_value_5pct: float | None
    cointegrated: bool | None
    lag: int | None
    n: int
    input_a: str | None
    input_b: str | None
    insufficient: str | None = None


@dataclass(frozen=True)
class Comovement(JsonResult):
    """How often the two move in the same direction, period by period.

    A period where either change is exactly zero is "flat": it is left out of the four shares
    (which therefore sum to 1 over the n_moving periods) and counted in n_flat. Rates that sit
    unchanged for weeks would otherwise count as neither up nor down anyway.
    """

    n: int
    n_moving: int
    n_flat: int
    both_up: float | None
    both_down: float | None
    a_up_b_down: float | None
    a_down_b_up: float | None
    b_up_when_a_up: float | None
    b_down_when_a_up: float | None
    b_up_when_a_down: float | None
    b_down_when_a_down: float | None
    # Change over the window from the level before its first counted change to the last level.
    a_change_over_window: float | None
    b_change_over_window: float | None
    # The state of the latest period and how many consecutive periods (back to `since`) share it;
    # counted over all aligned history, so a run that began before the window is not cut short.
    current_state: str | None
    current_run: int
    current_run_since: pd.Timestamp | None
    insufficient: str | None = None


@dataclass(frozen=True)
class RegimeCorrelation(JsonResult):
    regime: str
    correlation: float | None
    pvalue: float | None
    n: int
    mean_a_change: float | None
    mean_b_change: float | None
    insufficient: str | None = None


@dataclass(frozen=True)
class Regimes(JsonResult):
    """Correlation of changes while A is expanding vs contracting.

    A period is "expanding" when A's level is above its level `window` periods earlier (QE for
    the Fed balance sheet), "contracting" when below; equal or not yet known is unclassified.
    """

    window: int
    expanding: RegimeCorrelation
    contracting: RegimeCorrelation
    n: int
    n_unclassified: int
    current_regime: str | None
    current_regime_since: pd.Timestamp | None
    insufficient: str | None = None


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
    cointegration: CointegrationStats
    comovement: Comovement
    regimes: Regimes


# --------------------------------------------------------------------------- entry point


def pair_statistics(
    aligned: AlignedPair,
    *,
    max_lag: int | None = None,
    rolling_window: int | None = None,
    regime_window: int | None = None,
) -> PairStats:
    """Every pair statistic over the aligned window; see the module docstring for conventions.

    max_lag bounds both the lead-lag scan and the Granger tests (default per frequency,
    DEFAULT_MAX_LAG); rolling_window sizes the rolling correlation and beta
    (DEFAULT_ROLLING_WINDOW); regime_window is the trailing span that labels A as expanding or
    contracting (DEFAULT_REGIME_WINDOW). All are in aligned periods.
    """
    frequency = aligned.frequency
    max_lag = _positive_int("max_lag", max_lag, DEFAULT_MAX_LAG[frequency], minimum=1)
    rolling_window = _positive_int(
        "rolling_window", rolling_window, DEFAULT_ROLLING_WINDOW[frequency], minimum=3
    )
    regime_window = _positive_int("regime_window", regime_window, DEFAULT_REGIME_WINDOW[frequency], minimum=1)

    data = _PairData.build(aligned)
    unit_roots = _UnitRootInputs.build(data)
    cointegration = _cointegration(unit_roots)

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
        correlation=_correlation(data, unit_roots, cointegration),
        rolling_correlation=_rolling_correlation(data, rolling_window),
        lead_lag=_lead_lag(data, max_lag),
        granger=_granger(data, max_lag),
        regression=_regression(data, rolling_window),
        cointegration=cointegration,
        comovement=_comovement(data),
        regimes=_regimes(data, regime_window),
    )


@dataclass(frozen=True, eq=False)
class _PairData:
    """The aligned frame as plain arrays, taken out of pandas once."""

    names: tuple[str, str]
    change_a: str
    change_b: str
    dates: pd.DatetimeIndex  # window rows
    a: np.ndarray  # levels in the window
    b: np.ndarray
    a_chg_all: np.ndarray  # changes on every window row (NaN where undefined)
    b_chg_all: np.ndarray
    both: np.ndarray  # rows of the window where both changes exist
    a_chg: np.ndarray  # changes on those rows only
    b_chg: np.ndarray
    history: pd.DataFrame  # all aligned rows; the window is its tail
    offset: int  # position of the window's first row in the history

    @classmethod
    def build(cls, aligned: AlignedPair) -> _PairData:
        frame = aligned.frame
        values = frame.to_numpy(dtype=float)
        columns = list(frame.columns)
        a, b = values[:, columns.index(LEVEL_A)], values[:, columns.index(LEVEL_B)]
        a_chg_all, b_chg_all = values[:, columns.index(CHANGE_A)], values[:, columns.index(CHANGE_B)]
        both = np.isfinite(a_chg_all) & np.isfinite(b_chg_all)
        return cls(
            names=(aligned.name_a, aligned.name_b),
            change_a=aligned.change_a,
            change_b=aligned.change_b,
            dates=frame.index,
            a=a,
            b=b,
            a_chg_all=a_chg_all,
            b_chg_all=b_chg_all,
            both=both,
            a_chg=a_chg_all[both],
            b_chg=b_chg_all[both],
            history=aligned.history,
            offset=len(aligned.history) - len(frame),
        )

    def window_tail(self, series: pd.Series) -> pd.Series:
        """A series computed over the history, cut to the window's rows."""
        return series.iloc[self.offset :]


# --------------------------------------------------------------------------- helpers


def _positive_int(name: str, value: int | None, default: int, *, minimum: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _finite_or_none(value: float | None) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def _constant_reason(x: np.ndarray, y: np.ndarray, names: tuple[str, str], what: str) -> str | None:
    for values, name in ((x, names[0]), (y, names[1])):
        if len(values) and np.ptp(values) == 0:
            return f"{name}'s {what} are all equal over the window"
    return None


def pearson_r(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson r of two equal-length arrays; NaN when either is constant."""
    xm = x - x.mean()
    ym = y - y.mean()
    denominator = math.sqrt(float(xm @ xm) * float(ym @ ym))
    if denominator == 0:
        return math.nan
    return max(-1.0, min(1.0, float(xm @ ym) / denominator))


def correlation_pvalue(r: float, n: int) -> float:
    """Two-sided p-value of r under independence (t-test with n - 2 df, as scipy's pearsonr)."""
    if abs(r) >= 1.0:
        return 0.0
    t = r * math.sqrt((n - 2) / (1.0 - r * r))
    return float(2.0 * special.stdtr(n - 2, -abs(t)))


def fisher_interval(r: float, n: int) -> tuple[float, float]:
    """95 % confidence interval of a correlation by the Fisher z transform."""
    if abs(r) >= 1.0:
        return r, r
    z = math.atanh(r)
    half = Z_95 / math.sqrt(n - 3)
    return math.tanh(z - half), math.tanh(z + half)


@dataclass(frozen=True)
class _Pearson:
    r: float | None = None
    pvalue: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int = 0
    insufficient: str | None = None


def _pearson(x: np.ndarray, y: np.ndarray, names: tuple[str, str], what: str) -> _Pearson:
    """Pearson r, p-value and 95 % Fisher-z interval; equal to scipy's pearsonr (see the tests).

    Computed directly because scipy's pearsonr costs ~0.4 ms of input checks per call.
    """
    n = len(x)
    if n < MIN_OBSERVATIONS:
        return _Pearson(n=n, insufficient=_too_few(n, what))
    reason = _constant_reason(x, y, names, what)
    if reason:
        return _Pearson(n=n, insufficient=reason)
    r = pearson_r(x, y)
    if not math.isfinite(r):
        return _Pearson(n=n, insufficient=f"the {what} give no finite correlation")
    low, high = fisher_interval(r, n)
    return _Pearson(r, correlation_pvalue(r, n), low, high, n)


# --------------------------------------------------------------------------- correlation


@dataclass(frozen=True)
class _UnitRootInputs:
    """The level series the ADF and Engle-Granger tests run on, and the ADF results."""

    a: np.ndarray
    b: np.ndarray
    input_a: str
    input_b: str
    lag: int
    adf_a: econometrics.UnitRootTest | None
    adf_b: econometrics.UnitRootTest | None
    insufficient: str | None

    @classmethod
    def build(cls, data: _PairData) -> _UnitRootInputs:
        a, input_a = _unit_root_input(data.a, data.change_a)
        b, input_b = _unit_root_input(data.b, data.change_b)
        n = len(a)
        lag = econometrics.schwert_lag(n)
        if n < MIN_OBSERVATIONS:
            return cls(a, b, input_a, input_b, lag, None, None, _too_few(n))
        reason = _constant_reason(a, b, data.names, "levels")
        if reason:
            return cls(a, b, input_a, input_b, lag, None, None, reason)
        adf_a, adf_b = _adf(a, lag), _adf(b, lag)
        for test, name in ((adf_a, data.names[0]), (adf_b, data.names[1])):
            if isinstance(test, econometrics.Degenerate):
                return cls(a, b, input_a, input_b, lag, None, None, f"{name}'s unit-root test: {test.reason}")
        return cls(a, b, input_a, input_b, lag, adf_a, adf_b, None)


def _unit_root_input(values: np.ndarray, change: str) -> tuple[np.ndarray, str]:
    # Prices grow multiplicatively: the log is the series whose unit root (or cointegration)
    # the usual theory is about.
    if change == "pct" and len(values) and (values > 0).all():
        return np.log(values), "log"
    return values, "level"


def _adf(values: np.ndarray, lag: int) -> econometrics.UnitRootTest | econometrics.Degenerate:
    return econometrics.adf_test(values, max_lag=lag, autolag=False)


def _spearman(x: np.ndarray, y: np.ndarray) -> tuple[float | None, float | None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = stats.spearmanr(x, y)
    return _finite_or_none(result.statistic), _finite_or_none(result.pvalue)


def _correlation(
    data: _PairData, unit_roots: _UnitRootInputs, cointegration: CointegrationStats
) -> CorrelationStats:
    levels = _pearson(data.a, data.b, data.names, "levels")
    chg = _pearson(data.a_chg, data.b_chg, data.names, "changes")
    spearman, spearman_p = _spearman(data.a_chg, data.b_chg) if chg.insufficient is None else (None, None)

    spurious: bool | None = None
    spurious_reason = unit_roots.insufficient
    adf_a, adf_b = unit_roots.adf_a, unit_roots.adf_b
    if spurious_reason is None:
        if cointegration.pvalue is None:
            spurious_reason = cointegration.insufficient
        else:
            spurious = bool(
                adf_a.pvalue > SIGNIFICANCE_LEVEL
                and adf_b.pvalue > SIGNIFICANCE_LEVEL
                and cointegration.pvalue > SIGNIFICANCE_LEVEL
            )

    return CorrelationStats(
        levels=levels.r,
        levels_pvalue=levels.pvalue,
        levels_ci_low=levels.ci_low,
        levels_ci_high=levels.ci_high,
        n_levels=levels.n,
        changes=chg.r,
        changes_pvalue=chg.pvalue,
        changes_ci_low=chg.ci_low,
        changes_ci_high=chg.ci_high,
        changes_spearman=spearman,
        changes_spearman_pvalue=spearman_p,
        n_changes=chg.n,
        levels_possibly_spurious=spurious,
        adf_pvalue_a=None if adf_a is None else adf_a.pvalue,
        adf_pvalue_b=None if adf_b is None else adf_b.pvalue,
        adf_lag=None if adf_a is None else unit_roots.lag,
        unit_root_input_a=unit_roots.input_a,
        unit_root_input_b=unit_roots.input_b,
        insufficient=levels.insufficient,
        changes_insufficient=chg.insufficient,
        spurious_check_insufficient=spurious_reason,
    )


def _cointegration(unit_roots: _UnitRootInputs) -> CointegrationStats:
    n = len(unit_roots.a)

    def empty(reason: str | None) -> CointegrationStats:
        return CointegrationStats(
            None, None, None, None, None, None, None, None, n, unit_roots.input_a, unit_roots.input_b, reason
        )

    if unit_roots.insufficient:
        return empty(unit_roots.insufficient)
    lag = unit_roots.lag
    a_on_b = econometrics.engle_granger(unit_roots.a, unit_roots.b, max_lag=lag, autolag=False)
    b_on_a = econometrics.engle_granger(unit_roots.b, unit_roots.a, max_lag=lag, autolag=False)
    for test in (a_on_b, b_on_a):
        if isinstance(test, econometrics.Degenerate):
            return empty(f"the cointegration test cannot be computed: {test.reason}")
    pvalue = min(a_on_b.pvalue, b_on_a.pvalue)
    if not math.isfinite(pvalue):
        return empty("the cointegration test gave no finite p-value")
    return CointegrationStats(
        pvalue=pvalue,
        pvalue_a_on_b=a_on_b.pvalue,
        pvalue_b_on_a=b_on_a.pvalue,
        statistic_a_on_b=_finite_or_none(a_on_b.statistic),
        statistic_b_on_a=_finite_or_none(b_on_a.statistic),
        critical_value_5pct=econometrics.engle_granger_critical_values(n)[1],
        cointegrated=pvalue < SIGNIFICANCE_LEVEL,
        lag=lag,
        n=n,
        input_a=unit_roots.input_a,
        input_b=unit_roots.input_b,
    )


# --------------------------------------------------------------------------- rolling


def _rolling_window_reason(window: int, usable: int, series: pd.Series) -> str | None:
    # The window itself may be short (8 quarters is the quarterly default): the 20-point minimum
    # applies to the changes the rolling line is drawn from, not to each window.
    if usable < MIN_OBSERVATIONS:
        return _too_few(usable, "changes")
    if series.notna().sum() == 0:
        return (
            f"insufficient data: {usable} changes, a {window}-period rolling window needs {window} in a row"
        )
    return None


def _rolling_correlation(data: _PairData, window: int) -> RollingCorrelation:
    a, b = data.history[CHANGE_A], data.history[CHANGE_B]
    with np.errstate(divide="ignore", invalid="ignore"):
        rolling = a.rolling(window, min_periods=window).corr(b)
    series = data.window_tail(rolling).replace([np.inf, -np.inf], np.nan).rename("rolling_correlation")
    reason = _rolling_window_reason(window, int(data.both.sum()), series)
    if reason:
        return RollingCorrelation(window, series.iloc[0:0], None, None, None, None, reason)
    values = series.to_numpy()
    return RollingCorrelation(
        window=window,
        series=series,
        latest=_finite_or_none(values[-1]),
        mean=float(np.nanmean(values)),
        min=float(np.nanmin(values)),
        max=float(np.nanmax(values)),
    )


# --------------------------------------------------------------------------- lead-lag


def lead_lag_max_lag(n: int, wanted: int) -> int:
    """Lags are capped at a quarter of the sample and so that every lag keeps MIN_OBSERVATIONS pairs."""
    return max(0, min(wanted, n // 4, n - MIN_OBSERVATIONS))


def lagged_correlation(a: np.ndarray, b: np.ndarray, k: int) -> tuple[float, int]:
    """Pearson correlation of a[t] with b[t + k] over the t where both exist, and the pair count."""
    total = len(a)
    if k >= 0:
        x, y = a[: total - k], b[k:]
    else:
        x, y = a[-k:], b[: total + k]
    ok = np.isfinite(x) & np.isfinite(y)
    count = int(np.count_nonzero(ok))
    if count < 2:
        return math.nan, count
    return pearson_r(x[ok], y[ok]), count


def _lead_lag(data: _PairData, wanted_lag: int) -> LeadLag:
    n = len(data.a_chg)
    max_lag = lead_lag_max_lag(n, wanted_lag)

    def empty(reason: str) -> LeadLag:
        return LeadLag(max_lag, (), (), (), None, None, None, None, n, reason)

    if n < MIN_OBSERVATIONS:
        return empty(_too_few(n, "changes"))
    lags = tuple(range(-max_lag, max_lag + 1))
    correlations: list[float | None] = []
    pairs: list[int] = []
    for k in lags:
        r, count = lagged_correlation(data.a_chg_all, data.b_chg_all, k)
        pairs.append(count)
        correlations.append(_finite_or_none(r) if count >= MIN_OBSERVATIONS else None)

    scored = [(abs(r), -abs(k), k, r) for k, r in zip(lags, correlations, strict=True) if r is not None]
    if not scored:
        return empty("the changes of one series are all equal at every lag")
    # Ties go to the smallest |k|: without evidence otherwise, "together" beats "leads".
    _, _, best_lag, best_r = max(scored)
    band = Z_95 / math.sqrt(n)
    band_adjusted = float(stats.norm.ppf(1 - SIGNIFICANCE_LEVEL / 2 / len(lags))) / math.sqrt(n)
    return LeadLag(
        max_lag=max_lag,
        lags=lags,
        correlations=tuple(correlations),
        n_pairs=tuple(pairs),
        best_lag=best_lag,
        correlation=best_r,
        band=band,
        significant=abs(best_r) > band,
        n=n,
        band_adjusted=band_adjusted,
        significant_adjusted=abs(best_r) > band_adjusted,
    )


# --------------------------------------------------------------------------- Granger


def _trailing_complete(data: _PairData) -> tuple[np.ndarray, np.ndarray]:
    """The run of consecutive periods at the end of the window where both changes exist.

    Granger regressions need an unbroken sequence: lagging across a gap would pair the wrong periods.
    """
    missing = np.flatnonzero(~data.both)
    start = int(missing[-1]) + 1 if missing.size else 0
    return data.a_chg_all[start:], data.b_chg_all[start:]


def _granger(data: _PairData, wanted_lag: int) -> GrangerStats:
    a, b = _trailing_complete(data)
    n = len(a)
    max_lag = econometrics.granger_max_lag(n, wanted_lag, MIN_OBSERVATIONS)
    name_a, name_b = data.names

    def empty(cause: str, effect: str, reason: str) -> GrangerDirection:
        return GrangerDirection(cause, effect, max_lag, None, None, None, None, None, (), reason)

    def both_empty(reason: str) -> GrangerStats:
        return GrangerStats(empty(name_a, name_b, reason), empty(name_b, name_a, reason), n, reason)

    if n < MIN_OBSERVATIONS or max_lag < 1:
        return both_empty(_too_few(n, "consecutive changes"))
    reason = _constant_reason(a, b, data.names, "changes")
    if reason:
        return both_empty(reason)
    tests = econometrics.granger_both_ways(a, b, max_lag)
    if isinstance(tests, econometrics.Degenerate):
        return both_empty(f"the Granger regressions cannot be estimated: {tests.reason}")
    a_to_b, b_to_a = tests

    def direction(tests: list[econometrics.GrangerLag], cause: str, effect: str) -> GrangerDirection:
        pvalues = tuple(t.pvalue for t in tests)
        if not all(math.isfinite(p) for p in pvalues):
            return empty(cause, effect, "the Granger regressions gave no finite p-value")
        best = min(tests, key=lambda t: (t.pvalue, t.lag))
        return GrangerDirection(
            cause=cause,
            effect=effect,
            max_lag=max_lag,
            pvalue=best.pvalue,
            lag=best.lag,
            fstat=best.fstat,
            pvalue_bonferroni=min(1.0, best.pvalue * len(tests)),
            significant=best.pvalue < SIGNIFICANCE_LEVEL,
            pvalues=pvalues,
        )

    return GrangerStats(direction(a_to_b, name_a, name_b), direction(b_to_a, name_b, name_a), n)


# --------------------------------------------------------------------------- regression


def _rolling_beta(data: _PairData, window: int) -> tuple[pd.Series, str | None]:
    a, b = data.history[CHANGE_A], data.history[CHANGE_B]
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = a.rolling(window, min_periods=window).cov(b) / a.rolling(window, min_periods=window).var()
    series = data.window_tail(beta).replace([np.inf, -np.inf], np.nan).rename("rolling_beta")
    reason = _rolling_window_reason(window, int(data.both.sum()), series)
    return (series.iloc[0:0], reason) if reason else (series, None)


def _regression(data: _PairData, window: int) -> RegressionStats:
    rolling, rolling_reason = _rolling_beta(data, window)
    a, b = data.a_chg, data.b_chg
    n = len(a)
    reason = _too_few(n, "changes") if n < MIN_OBSERVATIONS else _constant_reason(a, b, data.names, "changes")
    if reason:
        return RegressionStats(
            None, None, None, None, n, None, None, None, None, window, rolling, None, reason, rolling_reason
        )
    fit = sm.OLS(b, sm.add_constant(a, has_constant="add")).fit()
    hedge = 1.0 - float(np.var(fit.resid)) / float(np.var(b))
    latest = rolling.dropna()
    return RegressionStats(
        beta=float(fit.params[1]),
        alpha=float(fit.params[0]),
        r2=float(fit.rsquared),
        hedge_effectiveness=hedge,
        n=n,
        beta_stderr=float(fit.bse[1]),
        beta_pvalue=float(fit.pvalues[1]),
        alpha_stderr=float(fit.bse[0]),
        residual_std=float(np.sqrt(fit.scale)),
        rolling_window=window,
        rolling_beta=rolling,
        rolling_beta_latest=_finite_or_none(latest.iloc[-1]) if len(latest) else None,
        rolling_insufficient=rolling_reason,
    )


# --------------------------------------------------------------------------- co-movement

# A period's code is 3 * sign(A's change) + sign(B's change); the four codes below are the
# periods in which both moved, every other code has a zero change on one side ("flat").
STATE_BY_CODE = {4: "both_up", -4: "both_down", 2: "a_up_b_down", -2: "a_down_b_up"}
FLAT_CODE = 0


def comovement_codes(a_chg: np.ndarray, b_chg: np.ndarray) -> np.ndarray:
    """Each period's code (see STATE_BY_CODE); every flat period gets FLAT_CODE."""
    codes = 3 * np.sign(a_chg).astype(int) + np.sign(b_chg).astype(int)
    return np.where(np.isin(codes, list(STATE_BY_CODE)), codes, FLAT_CODE)


def comovement_states(a_chg: np.ndarray, b_chg: np.ndarray) -> list[str]:
    """Each period's state, one of COMOVEMENT_STATES ("flat" when either change is exactly zero)."""
    return [STATE_BY_CODE.get(int(code), "flat") for code in comovement_codes(a_chg, b_chg)]


def _run_at_end(labels: np.ndarray) -> tuple[int, int]:
    """(start position, length) of the run of equal labels that ends the array."""
    different = np.flatnonzero(labels != labels[-1])
    start = int(different[-1]) + 1 if different.size else 0
    return start, len(labels) - start


def _change_over_window(levels_history: np.ndarray, first: int, change: str) -> float | None:
    # Base: the level before the first counted change, as that change measures from it.
    base = float(levels_history[max(first - 1, 0)])
    last = float(levels_history[-1])
    if change == "diff":
        return last - base
    return last / base - 1.0 if base > 0 else None


def _comovement(data: _PairData) -> Comovement:
    a, b = data.a_chg, data.b_chg
    n = len(a)
    codes = comovement_codes(a, b)
    counts = {name: int(np.count_nonzero(codes == code)) for code, name in STATE_BY_CODE.items()}
    n_moving = sum(counts.values())
    n_flat = n - n_moving

    history = data.history
    h_a, h_b = history[CHANGE_A].to_numpy(), history[CHANGE_B].to_numpy()
    h_both = np.isfinite(h_a) & np.isfinite(h_b)
    state, run, since = None, 0, None
    if h_both.any():
        h_codes = comovement_codes(h_a[h_both], h_b[h_both])
        start, run = _run_at_end(h_codes)
        state = STATE_BY_CODE.get(int(h_codes[-1]), "flat")
        since = history.index[h_both][start]

    a_change = b_change = None
    if n:
        first = data.offset + int(np.argmax(data.both))
        a_change = _change_over_window(history[LEVEL_A].to_numpy(), first, data.change_a)
        b_change = _change_over_window(history[LEVEL_B].to_numpy(), first, data.change_b)

    if n_moving < MIN_OBSERVATIONS:
        reason = _too_few(n_moving, "periods in which both series moved")
        return Comovement(
            n, n_moving, n_flat, None, None, None, None, None, None, None, None,
            a_change, b_change, state, run, since, reason,
        )  # fmt: skip

    def share(count: int, of: int) -> float | None:
        return count / of if of else None

    a_up_total = counts["both_up"] + counts["a_up_b_down"]
    a_down_total = counts["both_down"] + counts["a_down_b_up"]
    return Comovement(
        n=n,
        n_moving=n_moving,
        n_flat=n_flat,
        both_up=counts["both_up"] / n_moving,
        both_down=counts["both_down"] / n_moving,
        a_up_b_down=counts["a_up_b_down"] / n_moving,
        a_down_b_up=counts["a_down_b_up"] / n_moving,
        b_up_when_a_up=share(counts["both_up"], a_up_total),
        b_down_when_a_up=share(counts["a_up_b_down"], a_up_total),
        b_up_when_a_down=share(counts["a_down_b_up"], a_down_total),
        b_down_when_a_down=share(counts["both_down"], a_down_total),
        a_change_over_window=a_change,
        b_change_over_window=b_change,
        current_state=state,
        current_run=run,
        current_run_since=since,
    )


# --------------------------------------------------------------------------- regimes


def regime_labels(levels: np.ndarray, window: int) -> np.ndarray:
    """+1 where the level is above its value `window` periods earlier, -1 below, 0 equal or unknown."""
    labels = np.zeros(len(levels), dtype=int)
    if len(levels) > window:
        labels[window:] = np.sign(levels[window:] - levels[:-window]).astype(int)
    return labels


def _regimes(data: _PairData, window: int) -> Regimes:
    history_labels = regime_labels(data.history[LEVEL_A].to_numpy(), window)
    labels = history_labels[data.offset :][data.both]
    name_a = data.names[0]

    def regime(label: int, name: str) -> RegimeCorrelation:
        rows = labels == label
        a, b = data.a_chg[rows], data.b_chg[rows]
        result = _pearson(a, b, data.names, f"changes while {name_a} is {name}")
        return RegimeCorrelation(
            regime=name,
            correlation=result.r,
            pvalue=result.pvalue,
            n=len(a),
            mean_a_change=float(a.mean()) if len(a) else None,
            mean_b_change=float(b.mean()) if len(b) else None,
            insufficient=result.insufficient,
        )

    expanding = regime(1, "expanding")
    contracting = regime(-1, "contracting")
    n = len(labels)
    current_name, since = None, None
    if len(history_labels) and history_labels[-1] != 0:
        start, _ = _run_at_end(history_labels)
        current_name = "expanding" if history_labels[-1] > 0 else "contracting"
        since = data.history.index[start]
    reason = None
    if expanding.insufficient and contracting.insufficient:
        reason = (
            "insufficient data: neither regime has enough periods"
            if n >= MIN_OBSERVATIONS
            else _too_few(n, "changes")
        )
    return Regimes(
        window=window,
        expanding=expanding,
        contracting=contracting,
        n=n,
        n_unclassified=n - expanding.n - contracting.n,
        current_regime=current_name,
        current_regime_since=since,
        insufficient=reason,
    )
