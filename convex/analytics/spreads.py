"""Spread lines between the two aligned series, with a rolling mean and a +-2 std band.

Every spread is defined over the aligned window (rebasing and z-scoring use the window's first
row, mean and std), so the band is computed inside the window too and starts once `window`
points exist. `current_zscore` is the latest spread value measured against that rolling band:
(latest - rolling mean) / rolling std.

The residual spread is the exception: a band around it says the gap returns to an equilibrium,
which only cointegration supports. It is the residual of the cointegrating regression on the
same transform the test uses (logs for positive price-like series), with a band of its mean
+-2 sd over the window only when the pair is cointegrated; otherwise the line is drawn and the
reason there is no band is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm

from convex.analytics.align import LEVEL_A, LEVEL_B, AlignedPair
from convex.analytics.cointegration import CointegrationStats
from convex.analytics.pair_data import MIN_OBSERVATIONS
from convex.analytics.pair_stats import DEFAULT_ROLLING_WINDOW, MAX_ROLLING_WINDOW
from convex.analytics.serialise import SERIES_FIELD, JsonResult

SPREAD_KINDS = ("performance", "zscore", "ratio", "residual")
BAND_WIDTH = 2.0


@dataclass(frozen=True, eq=False)
class SpreadResult(JsonResult):
    kind: str
    units: str
    description: str
    window: int
    series: pd.Series = field(metadata=SERIES_FIELD)
    rolling_mean: pd.Series = field(metadata=SERIES_FIELD)
    upper_band: pd.Series = field(metadata=SERIES_FIELD)
    lower_band: pd.Series = field(metadata=SERIES_FIELD)
    current: float | None
    current_zscore: float | None
    # Only for "residual": the fit A = alpha + beta * B the residual comes from.
    alpha: float | None = None
    beta: float | None = None
    insufficient: str | None = None
    band_insufficient: str | None = None

    @property
    def available(self) -> bool:
        return self.insufficient is None


def spread_series(
    aligned: AlignedPair,
    kind: str,
    *,
    window: int | None = None,
    cointegration: CointegrationStats | None = None,
) -> SpreadResult:
    """One spread of the aligned pair; `window` (periods) sizes the rolling mean and band. The
    residual spread needs the pair's cointegration result for its transform and its band."""
    if kind not in SPREAD_KINDS:
        raise ValueError(f"spread kind {kind!r} is not one of {SPREAD_KINDS}")
    if window is None:
        window = DEFAULT_ROLLING_WINDOW[aligned.frequency]
    if isinstance(window, bool) or not isinstance(window, int | np.integer) or window < 2:
        raise ValueError(f"window must be an integer >= 2, got {window!r}")
    window = min(int(window), MAX_ROLLING_WINDOW[aligned.frequency])
    name_a, name_b = aligned.name_a, aligned.name_b
    a = aligned.frame[LEVEL_A]
    b = aligned.frame[LEVEL_B]
    builders = {"performance": _performance, "zscore": _zscore, "ratio": _ratio}
    logs = kind == "residual" and cointegration is not None and cointegration.input_a == "log"
    units, description = _LABELS[kind](name_a, name_b)
    if logs:
        units = f"log points of {name_a}"
        description = description.replace("level", "log level")

    def unavailable(reason: str) -> SpreadResult:
        empty = pd.Series(dtype="float64", index=pd.DatetimeIndex([], name="date"))
        return SpreadResult(
            kind, units, description, window, empty, empty, empty, empty, None, None, insufficient=reason
        )

    n = len(a)
    if n < MIN_OBSERVATIONS:
        return unavailable(f"insufficient data: {n} aligned points, need at least {MIN_OBSERVATIONS}")
    if kind == "residual":
        built = _residual(*_cointegration_inputs(a, b, cointegration), aligned)
    else:
        built = builders[kind](a, b, aligned)
    if isinstance(built, str):
        return unavailable(built)
    spread, alpha, beta = built
    spread = spread.rename(f"{kind}_spread")
    if kind == "residual":
        return _equilibrium_band(spread, window, units, description, alpha, beta, cointegration)

    roll = spread.rolling(window, min_periods=window)
    mean = roll.mean()
    std = roll.std(ddof=1)
    upper, lower = mean + BAND_WIDTH * std, mean - BAND_WIDTH * std
    current = float(spread.iloc[-1])
    band_reason = None
    zscore = None
    if n < window:
        band_reason = f"the band needs {window} points, the window has {n}"
    elif not std.iloc[-1] > 0:
        band_reason = "the spread did not move over the last rolling window"
    else:
        zscore = (current - float(mean.iloc[-1])) / float(std.iloc[-1])
    return SpreadResult(
        kind=kind,
        units=units,
        description=description,
        window=window,
        series=spread,
        rolling_mean=mean.rename("rolling_mean"),
        upper_band=upper.rename("upper_band"),
        lower_band=lower.rename("lower_band"),
        current=current,
        current_zscore=zscore,
        alpha=alpha,
        beta=beta,
        band_insufficient=band_reason,
    )


def all_spreads(
    aligned: AlignedPair, *, window: int | None = None, cointegration: CointegrationStats | None = None
) -> dict[str, SpreadResult]:
    return {
        kind: spread_series(aligned, kind, window=window, cointegration=cointegration)
        for kind in SPREAD_KINDS
    }


def _cointegration_inputs(
    a: pd.Series, b: pd.Series, cointegration: CointegrationStats | None
) -> tuple[pd.Series, pd.Series]:
    """The levels on the transform the cointegration test ran on."""
    if cointegration is None:
        return a, b
    return (
        np.log(a) if cointegration.input_a == "log" else a,
        np.log(b) if cointegration.input_b == "log" else b,
    )


def _equilibrium_band(
    spread: pd.Series,
    window: int,
    units: str,
    description: str,
    alpha: float | None,
    beta: float | None,
    cointegration: CointegrationStats | None,
) -> SpreadResult:
    """The residual with a band of its mean +-2 sd over the window, only for a cointegrated pair."""
    empty = pd.Series(np.nan, index=spread.index)
    current = float(spread.iloc[-1])
    if cointegration is None or not cointegration.cointegrated:
        reason = _no_equilibrium_reason(cointegration)
        return SpreadResult("residual", units, description, window, spread, empty, empty, empty, current,
                            None, alpha, beta, band_insufficient=reason)  # fmt: skip
    mean, std = float(spread.mean()), float(spread.std(ddof=1))
    if not std > 0:
        return SpreadResult("residual", units, description, window, spread, empty, empty, empty, current,
                            None, alpha, beta, band_insufficient="the residual does not move")  # fmt: skip
    level = pd.Series(mean, index=spread.index)
    return SpreadResult(
        "residual", units, description, window, spread, level.rename("rolling_mean"),
        (level + BAND_WIDTH * std).rename("upper_band"), (level - BAND_WIDTH * std).rename("lower_band"),
        current, (current - mean) / std, alpha, beta,
    )  # fmt: skip


def _no_equilibrium_reason(cointegration: CointegrationStats | None) -> str:
    if cointegration is None:
        return "no band: whether the pair is cointegrated was not tested"
    if cointegration.insufficient:
        return f"no band: cointegration could not be tested ({cointegration.insufficient})"
    if cointegration.verdict == "not_applicable":
        return f"no band: {cointegration.reason}"
    words = (
        "the cointegration tests disagree" if cointegration.verdict == "mixed" else "it is not cointegrated"
    )
    return (
        f"no band: {words}, so the residual has no equilibrium to return to and a band around it would "
        "suggest a mean reversion the data do not support"
    )


_Built = tuple[pd.Series, float | None, float | None] | str

_LABELS = {
    "performance": lambda a, b: (
        "points",
        f"{a} minus {b}, both rebased to 100 at the window start",
    ),
    "zscore": lambda a, b: (
        "standard deviations",
        f"z-score of {a} minus z-score of {b} (mean and std over the window)",
    ),
    "ratio": lambda a, b: (f"{a} / {b}", f"{a} divided by {b}"),
    "residual": lambda a, b: (
        f"{a} units",
        f"residual of regressing {a}'s level on {b}'s level: the part of {a} that {b} does not explain",
    ),
}


def _performance(a: pd.Series, b: pd.Series, aligned: AlignedPair) -> _Built:
    a0, b0 = float(a.iloc[0]), float(b.iloc[0])
    if a0 <= 0 or b0 <= 0:
        return "rebasing to 100 needs both series positive at the window start"
    return a / a0 * 100.0 - b / b0 * 100.0, None, None


def _zscore(a: pd.Series, b: pd.Series, aligned: AlignedPair) -> _Built:
    std_a, std_b = a.std(ddof=1), b.std(ddof=1)
    for std, name in ((std_a, aligned.name_a), (std_b, aligned.name_b)):
        if not std > 0:
            return f"{name} is constant over the window"
    return (a - a.mean()) / std_a - (b - b.mean()) / std_b, None, None


def _ratio(a: pd.Series, b: pd.Series, aligned: AlignedPair) -> _Built:
    if aligned.change_a != "pct" or aligned.change_b != "pct":
        return "a ratio is only shown for two price-like (pct) series"
    if (a <= 0).any() or (b <= 0).any():
        return "a ratio needs both series positive throughout the window"
    return a / b, None, None


def _residual(a: pd.Series, b: pd.Series, aligned: AlignedPair) -> _Built:
    if not b.std(ddof=1) > 0:
        return f"{aligned.name_b} is constant over the window"
    fit = sm.OLS(a.to_numpy(), sm.add_constant(b.to_numpy(), has_constant="add")).fit()
    resid = pd.Series(fit.resid, index=a.index)
    return resid, float(fit.params[0]), float(fit.params[1])
