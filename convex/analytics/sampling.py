"""How one series is read on another's dates: the last value on or before each date, the first
on or after it ("as published"), or its average or total over each period."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Within-frequency joins that keep fewer than this share of the sparser series' dates mean the
# two series date their observations differently (Wednesday vs Saturday weeks, month start vs
# month end): an inner join would throw most of the data away.
MIN_INNER_JOIN_SHARE = 0.5


def sample_as_of(
    series: pd.Series, dates: pd.DatetimeIndex, tolerance: pd.Timedelta
) -> tuple[np.ndarray, int]:
    """The series' last value on or before each date, NaN where none is within the tolerance and
    for every date after the series' last one: the tolerance bridges holidays inside a series, never
    carries its last value past its end (a series that stopped does not "not change").

    Same result as `pd.merge_asof(direction="backward", tolerance=tolerance)` on the dates up to the
    series' last one (the tests check), at a tenth of the cost. Also returns how many dates inside
    the series' own span found no fresh value (real gaps, as opposed to dates outside it).
    """
    out = np.full(len(dates), np.nan)
    if series.empty or dates.empty:
        return out, 0
    position = series.index.searchsorted(dates, side="right") - 1
    found = position >= 0
    sample_dates = series.index[position[found]]
    fresh = np.zeros(len(dates), dtype=bool)
    fresh[found] = (dates[found] - sample_dates) <= tolerance
    inside_span = (dates >= series.index[0]) & (dates <= series.index[-1])
    fresh &= inside_span
    out[fresh] = series.to_numpy()[position[fresh]]
    stale = int(np.count_nonzero(~fresh & inside_span))
    return out, stale


def overlap_counts(a: pd.Series, b: pd.Series) -> tuple[int, int]:
    if a.empty or b.empty:
        return 0, 0
    first, last = max(a.index[0], b.index[0]), min(a.index[-1], b.index[-1])
    count_a = int(np.count_nonzero((a.index >= first) & (a.index <= last)))
    count_b = int(np.count_nonzero((b.index >= first) & (b.index <= last)))
    return count_a, count_b


def inner_join_keeps_enough(a: pd.Series, b: pd.Series, common: int) -> bool:
    count_a, count_b = overlap_counts(a, b)
    sparser = min(count_a, count_b)
    if sparser == 0:
        return True  # nothing overlaps: the inner join honestly gives no rows
    return common >= MIN_INNER_JOIN_SHARE * sparser


def sample_on_or_after(
    series: pd.Series, dates: pd.DatetimeIndex, tolerance: pd.Timedelta
) -> tuple[np.ndarray, int]:
    """The series' first value on or after each date, NaN where none is within the tolerance;
    as `pd.merge_asof(direction="forward", tolerance=tolerance)`. Also counts the dates inside
    the series' span that found none."""
    out = np.full(len(dates), np.nan)
    if series.empty or dates.empty:
        return out, 0
    position = series.index.searchsorted(dates, side="left")
    found = position < len(series)
    sample_dates = series.index[position[found]]
    fresh = np.zeros(len(dates), dtype=bool)
    fresh[found] = (sample_dates - dates[found]) <= tolerance
    out[fresh] = series.to_numpy()[position[fresh]]
    inside_span = (dates >= series.index[0] - tolerance) & (dates <= series.index[-1])
    return out, int(np.count_nonzero(~fresh & inside_span))


def aggregate_over_periods(
    series: pd.Series, dates: pd.DatetimeIndex, *, dated: str, how: str
) -> tuple[np.ndarray, int]:
    """The series' average ("mean") or total ("sum") over each period that `dates` label:
    [date, next date) when a date labels its period's start, (previous date, date] when its end.
    The first period of "end" dating and the last of "start" dating are a typical period long.
    NaN where a period holds no observation; also counts those inside the series' span."""
    out = np.full(len(dates), np.nan)
    if series.empty or len(dates) < 2:
        return out, 0
    typical = (dates[1:] - dates[:-1]).median()
    if dated == "start":
        starts, ends = dates, dates[1:].append(pd.DatetimeIndex([dates[-1] + typical]))
        lo = series.index.searchsorted(starts, side="left")
        hi = series.index.searchsorted(ends, side="left")
    else:
        starts = pd.DatetimeIndex([dates[0] - typical]).append(dates[:-1])
        lo = series.index.searchsorted(starts, side="right")
        hi = series.index.searchsorted(dates, side="right")
    totals = np.concatenate(([0.0], np.cumsum(series.to_numpy())))
    counts = hi - lo
    has = counts > 0
    sums = totals[hi] - totals[lo]
    out[has] = sums[has] / counts[has] if how == "mean" else sums[has]
    inside_span = (dates >= series.index[0]) & (dates <= series.index[-1])
    return out, int(np.count_nonzero(~has & inside_span))


def trades_every_day(series: pd.Series) -> bool:
    """Whether a daily series has weekend observations (crypto), not just weekdays."""
    return bool(len(series) and np.mean(series.index.day_of_week >= 5) > 0.1)
