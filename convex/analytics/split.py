"""A pair's window cut in two at a date, as the screener compares them: the correlation of changes
before the date and from it, each with its 95% interval at Bartlett's effective size, and the test of
their difference (the screener's Fisher z, `correlation.fisher_difference`).

A change belongs to the window of its date (the period it ends). The screener computes on its own
calendar (weeks ending Friday, month ends), so its figures can differ slightly from these, which are
on the page's aligned dates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from convex.analytics.align import CHANGE_A, CHANGE_B, AlignedPair
from convex.analytics.correlation import Pearson, fisher_difference, pearson
from convex.analytics.pair_data import MIN_OBSERVATIONS, autocorrelation_lags, bartlett_factor, finite_or_none
from convex.analytics.serialise import JsonResult


@dataclass(frozen=True)
class WindowCorrelation(JsonResult):
    first: pd.Timestamp | None  # the first and last date of a change in the window
    last: pd.Timestamp | None
    r: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    n_effective: float | None
    insufficient: str | None = None


@dataclass(frozen=True)
class SplitCorrelation(JsonResult):
    split: pd.Timestamp  # the first day of the later window
    before: WindowCorrelation
    after: WindowCorrelation
    change: float | None  # after minus before
    z: float | None
    pvalue: float | None


def _window(changes: pd.DataFrame, names: tuple[str, str]) -> WindowCorrelation:
    a, b = changes[CHANGE_A].to_numpy(), changes[CHANGE_B].to_numpy()
    factor = bartlett_factor(a, b, autocorrelation_lags(len(a))) if len(a) >= MIN_OBSERVATIONS else 1.0
    result: Pearson = pearson(a, b, names, "changes", factor=factor)
    dates = changes.index
    return WindowCorrelation(
        first=dates[0] if len(dates) else None,
        last=dates[-1] if len(dates) else None,
        r=finite_or_none(result.r),
        ci_low=finite_or_none(result.ci_low),
        ci_high=finite_or_none(result.ci_high),
        n=result.n,
        n_effective=finite_or_none(result.n_effective),
        insufficient=result.insufficient,
    )


def split_correlation(aligned: AlignedPair, split: pd.Timestamp) -> SplitCorrelation:
    """The correlation of changes dated before `split` and from it, and whether they differ."""
    frame = aligned.frame[[CHANGE_A, CHANGE_B]].dropna()
    names = (aligned.name_a, aligned.name_b)
    before = _window(frame[frame.index < split], names)
    after = _window(frame[frame.index >= split], names)
    z = pvalue = change = None
    if before.r is not None and after.r is not None:
        change = after.r - before.r
        z_value, p_value = fisher_difference(before.r, before.n_effective, after.r, after.n_effective)
        z, pvalue = finite_or_none(float(np.asarray(z_value))), finite_or_none(float(np.asarray(p_value)))
    return SplitCorrelation(split, before, after, change, z, pvalue)
