"""Putting two series on common dates without peeking into the future.

Rules (from the issue):

* Same frequency: inner join on dates. A 7-day crypto series against a 5-day market keeps the
  days both traded.
* Different frequencies: the rows are the lower-frequency series' own observation dates; the
  other series is sampled at each with its last observation on or before that date. A sample
  older than the tolerance (two native periods of the lower frequency, at least a week) does not
  count, so a long gap in one series never passes off a stale value as current; such dates are
  dropped, never filled.
* Changes per aligned period follow each metric's change kind and are computed before a lookback
  cut, so the first row inside the window still has its change. A change between two aligned
  dates further apart than one period of the aligned frequency (beyond holiday tolerance,
  MAX_PERIOD_DAYS) is not a one-period change: it is left out, and counted.
* Average and total series (a monthly average dated the 1st) are compared with the other series
  aggregated the same way over the same period: its average over each period (its total, for a
  flow), not its value on one day.
* "As published" (as_published=True): a series with a publication lag is dated by the first day
  whose close can reflect it (its Release), and the other series is sampled at its first
  observation on or after that day: no value is used before it was released. Lead-lag and
  Granger use this alignment; co-movement uses the dates the values refer to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from convex.analytics.sampling import (
    aggregate_over_periods,
    inner_join_keeps_enough,
    overlap_counts,
    sample_as_of,
    sample_on_or_after,
    trades_every_day,
)
from convex.analytics.serialise import NOT_SERIALISED, JsonResult, format_date
from convex.analytics.windows import (  # noqa: F401 (re-exported: the window is part of aligning)
    DATES_YEARS,
    LOOKBACKS,
    NATIVE_PERIOD_DAYS,
    Window,
    check_lookback,
    date_window,
    dates_text,
    lookback_label,
    window_start,
)
from convex.metrics.metric import AT_THE_CLOSE, CHANGE_KINDS, FREQUENCIES, Dating, Release

_PERIOD = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter"}

FREQUENCY_RANK = {name: rank for rank, name in enumerate(FREQUENCIES)}
STALE_AFTER_PERIODS = 2
# The longest gap between two aligned dates that is still one period: a long weekend or an
# exchange closure (9/11 closed US markets for four days), a week that ends on a holiday.
MAX_PERIOD_DAYS = {"daily": 7, "weekly": 10, "monthly": 35, "quarterly": 100}
# Column names every consumer relies on.
LEVEL_A, LEVEL_B, CHANGE_A, CHANGE_B = "a", "b", "a_chg", "b_chg"
FRAME_COLUMNS = (LEVEL_A, LEVEL_B, CHANGE_A, CHANGE_B)


def as_of_tolerance(frequency: str) -> pd.Timedelta:
    """How old an as-of sample may be and still stand for a date of this frequency.

    Two native periods, but never less than a week: a daily series skips weekends and
    multi-day holidays without being stale.
    """
    check_frequency(frequency)
    return pd.Timedelta(days=max(7, STALE_AFTER_PERIODS * NATIVE_PERIOD_DAYS[frequency]))


def lower_frequency(freq_a: str, freq_b: str) -> str:
    return freq_a if FREQUENCY_RANK[freq_a] >= FREQUENCY_RANK[freq_b] else freq_b


def clean_series(series: pd.Series) -> pd.Series:
    """Float values on a sorted, unique, tz-naive, midnight DatetimeIndex; non-finite dropped.

    Sources already deliver this shape; analytics re-checks because a NaN or a duplicate date
    reaching a join would silently change results. Each step is skipped when it has nothing to
    do, which is the usual case.
    """
    if not isinstance(series, pd.Series):
        raise TypeError(f"expected a pandas Series, got {type(series).__name__}")
    index = series.index
    if not isinstance(index, pd.DatetimeIndex):
        index = pd.DatetimeIndex(pd.to_datetime(index))
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    if not index.is_normalized:
        index = index.normalize()
    if series.dtype == "float64":
        values = series.to_numpy()
    else:
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    keep = np.isfinite(values) & ~index.isna()
    if not keep.all():
        values, index = values[keep], index[keep]
    cleaned = pd.Series(values, index=index, name=series.name, copy=False)
    if not index.is_monotonic_increasing or index.has_duplicates:
        cleaned = cleaned[~index.duplicated(keep="last")].sort_index()
    cleaned.index.name = "date"
    return cleaned


def compute_changes(series: pd.Series, change: str) -> pd.Series:
    """Change per observation: simple return (0.01 = +1 %) for "pct", first difference for "diff".

    A percent change from a zero or negative base has no meaning (oil at -37 USD), so those
    periods are NaN rather than a huge or sign-flipped number. The first observation is NaN.
    """
    check_change(change)
    return pd.Series(
        change_values(series.to_numpy(dtype="float64"), change), index=series.index, name=series.name
    )


def change_values(values: np.ndarray, change: str) -> np.ndarray:
    """compute_changes on a plain array."""
    out = np.full(len(values), np.nan)
    if len(values) < 2:
        return out
    previous, current = values[:-1], values[1:]
    with np.errstate(all="ignore"):
        if change == "diff":
            out[1:] = current - previous
        else:
            out[1:] = np.where(previous > 0, current / previous - 1.0, np.nan)
    # A change that overflows (a base of 1e-300) is as undefined as one from a zero base.
    out[~np.isfinite(out)] = np.nan
    return out


@dataclass(frozen=True, eq=False)
class AlignedPair(JsonResult):
    """Two series on common dates, with their levels and changes per aligned period."""

    frame: pd.DataFrame = field(metadata=NOT_SERIALISED)
    frequency: str
    lookback: str
    change_a: str
    change_b: str
    name_a: str
    name_b: str
    method: str
    # Every aligned row before the lookback cut: rolling statistics warm up on it so that a
    # rolling value exists from the first day of a short window.
    history: pd.DataFrame = field(default=None, repr=False, metadata=NOT_SERIALISED)  # type: ignore[assignment]
    tolerance_days: int | None = None
    stale_dates_dropped: int = 0
    # Changes across a gap longer than one period, left out (in the window).
    gap_changes_dropped: int = 0
    as_published: bool = False
    as_of: pd.Timestamp | None = None  # the day the window's age is measured from

    def __post_init__(self) -> None:
        if self.history is None:
            object.__setattr__(self, "history", self.frame)

    @property
    def n(self) -> int:
        return len(self.frame)

    @property
    def start(self) -> pd.Timestamp | None:
        return self.frame.index[0] if self.n else None

    @property
    def end(self) -> pd.Timestamp | None:
        return self.frame.index[-1] if self.n else None

    @property
    def window(self) -> Window:
        """The span asked and the span held (see analytics/windows.py)."""
        return Window(self.lookback, self.start, self.end, self.n, self.frequency, self.as_of)

    @property
    def days_before_today(self) -> int | None:
        """How long before `today` the window ends."""
        return self.window.days_before

    @property
    def old(self) -> bool:
        """The window ends more than OLD_AFTER_PERIODS periods of its slower series before today."""
        return self.window.old

    def describe(self) -> str:
        if not self.n:
            return f"No common dates for {self.name_a} and {self.name_b}. Method: {self.method}."
        points = "point" if self.n == 1 else "points"
        window = self.window
        age = window.age_words()
        text = (
            f"Aligned {self.frequency}: {self.n:,} {points} over {window.words()}"
            f"{f', which {age}' if age else ''}. {self.method}."
        )
        if self.tolerance_days is not None:
            text += f" No sample older than {self.tolerance_days} days or after a series' last value is used"
            if self.stale_dates_dropped:
                dates = "date" if self.stale_dates_dropped == 1 else "dates"
                text += f"; {self.stale_dates_dropped:,} {dates} dropped for lack of a fresh sample"
            text += "."
        if self.gap_changes_dropped:
            count = self.gap_changes_dropped
            text += (
                f" {count:,} change{'s' if count != 1 else ''} spanning more than one "
                f"{_PERIOD[self.frequency]} {'are' if count != 1 else 'is'} left out."
            )
        return text

    def to_dict(self, *, include_series: bool = False) -> dict:
        out: dict[str, object] = {
            "a": self.name_a,
            "b": self.name_b,
            "frequency": self.frequency,
            "n": self.n,
            "start": format_date(self.start),
            "end": format_date(self.end),
            **super().to_dict(include_series=include_series),
            "description": self.describe(),
        }
        out.pop("name_a")
        out.pop("name_b")
        if include_series:
            frame = self.frame
            out["data"] = {
                "dates": [format_date(d) for d in frame.index],
                **{
                    column: [None if not np.isfinite(v) else float(v) for v in frame[column].to_numpy()]
                    for column in FRAME_COLUMNS
                },
            }
        return out


@dataclass(frozen=True)
class _Side:
    """One series and what the alignment needs to know about it."""

    series: pd.Series
    frequency: str
    change: str
    name: str
    aggregation: str
    dated: str
    release: Release | None


def align_pair(
    a: pd.Series,
    b: pd.Series,
    *,
    freq_a: str,
    freq_b: str,
    change_a: str,
    change_b: str,
    lookback: str = "Max",
    name_a: str = "A",
    name_b: str = "B",
    dating_a: Dating = AT_THE_CLOSE,
    dating_b: Dating = AT_THE_CLOSE,
    as_published: bool = False,
    today: pd.Timestamp | None = None,
) -> AlignedPair:
    """Align two series (see the module docstring for the rules) and cut to a lookback: a span
    back from the last common date (LOOKBACKS) or two dates, both included (date_window).

    dating_* say what one value summarises, which end of its period its date labels and when it
    is published (used only as_published). `today` lets the window say how long ago it ends.
    """
    for frequency in (freq_a, freq_b):
        check_frequency(frequency)
    for change in (change_a, change_b):
        check_change(change)
    check_lookback(lookback)
    side_a = _Side(
        clean_series(a), freq_a, change_a, name_a, dating_a.aggregation, dating_a.dated, dating_a.release
    )
    side_b = _Side(
        clean_series(b), freq_b, change_b, name_b, dating_b.aggregation, dating_b.dated, dating_b.release
    )
    if as_published:
        side_a, side_b = _published(side_a), _published(side_b)
    frequency = lower_frequency(freq_a, freq_b)
    joined = _joined(side_a, side_b, frequency, as_published)
    dates, a_values, b_values = joined.dates, joined.a_values, joined.b_values
    a_changes, b_changes = change_values(a_values, change_a), change_values(b_values, change_b)
    spans = spans_more_than_a_period(dates, frequency)
    a_changes[spans], b_changes[spans] = np.nan, np.nan
    history = pd.DataFrame(
        {LEVEL_A: a_values, LEVEL_B: b_values, CHANGE_A: a_changes, CHANGE_B: b_changes},
        index=pd.DatetimeIndex(dates, name="date"),
    )
    window = date_window(lookback)
    if window is not None:
        # Nothing after the window's last date: the history, warm-up included, ends with it.
        known = np.asarray(history.index <= window[1])
        history, spans = history[known], spans[known]
    frame, in_window = history, np.ones(len(history), dtype=bool)
    if len(history):
        start = window[0] - pd.Timedelta(days=1) if window else window_start(history.index[-1], lookback)
        if start is not None:
            in_window = np.asarray(history.index > start)
            frame = history[in_window]
    return AlignedPair(
        frame=frame,
        frequency=frequency,
        lookback=lookback,
        change_a=change_a,
        change_b=change_b,
        name_a=name_a,
        name_b=name_b,
        method=joined.method,
        history=history,
        tolerance_days=None if joined.tolerance is None else joined.tolerance.days,
        stale_dates_dropped=joined.dropped,
        gap_changes_dropped=int(np.count_nonzero(spans & in_window)),
        as_published=as_published,
        as_of=None if window else today,  # two chosen dates are as old as they were chosen to be
    )


def reference_date(dates: pd.DatetimeIndex, release: Release | None, published: pd.Timestamp) -> pd.Timestamp:
    """The date of the value an "as published" row dated `published` carries: the latest of the
    series' own `dates` available by then (itself without a publication lag)."""
    if release is None or not len(dates):
        return published
    position = int(np.searchsorted(release.available(dates), published, side="right")) - 1
    return dates[max(position, 0)]


def _published(side: _Side) -> _Side:
    """The series dated by the first day whose close can reflect each value."""
    if side.release is None:
        return side
    series = side.series.copy()
    series.index = side.release.available(series.index)
    if not series.index.is_monotonic_increasing or series.index.has_duplicates:
        # Values first published together (a delayed release): at that day only the latest
        # dated one is the current level.
        series = series.sort_index(kind="stable")
        series = series[~series.index.duplicated(keep="last")]
    return _Side(series, side.frequency, side.change, side.name, side.aggregation, side.dated, side.release)


@dataclass(frozen=True, eq=False)
class _Joined:
    dates: pd.DatetimeIndex
    a_values: np.ndarray
    b_values: np.ndarray
    method: str
    tolerance: pd.Timedelta | None = None
    dropped: int = 0


def _joined(a: _Side, b: _Side, frequency: str, as_published: bool) -> _Joined:
    """The two series on common dates: an inner join where their dates coincide, else one
    sampled on the other's dates."""
    if a.frequency == b.frequency:
        # Positions in A of B's dates (-1 where A has no such date): both indexes are sorted, so
        # the matches come out in date order.
        in_a = a.series.index.get_indexer(b.series.index)
        common_b = np.flatnonzero(in_a >= 0)
        if inner_join_keeps_enough(a.series, b.series, len(common_b)):
            dates = b.series.index[common_b]
            method = f"Dates common to both series (inner join of {frequency} dates)"
            method += _every_day_words(a, b) + _published_words(a, b, as_published)
            return _Joined(dates, a.series.to_numpy()[in_a[common_b]], b.series.to_numpy()[common_b], method)
    a_is_reference = _a_sets_the_dates(a.series, b.series, a.frequency, b.frequency)
    reference, sampled = (a, b) if a_is_reference else (b, a)
    tolerance = as_of_tolerance(frequency)
    dates = reference.series.index
    why = "" if a.frequency != b.frequency else ", their dates do not coincide"
    if as_published:
        values, dropped = sample_on_or_after(sampled.series, dates, tolerance)
        how = f"first observation on or after each date{why}"
    elif reference.aggregation != "end" and sampled.frequency != reference.frequency:
        mean_or_sum = "sum" if sampled.aggregation == "sum" else "mean"
        values, dropped = aggregate_over_periods(
            sampled.series, dates, dated=reference.dated, how=mean_or_sum
        )
        word = "total" if mean_or_sum == "sum" else "average"
        period = "the period each date starts" if reference.dated == "start" else "the period each date ends"
        how = f"its {word} over {period}, as {reference.name} is a {frequency} {reference.aggregation}"
        tolerance = None
    else:
        values, dropped = sample_as_of(sampled.series, dates, as_of_tolerance(frequency))
        how = f"last observation on or before each date{why}"
    keep = ~np.isnan(values)
    ref_values, sampled_kept = reference.series.to_numpy()[keep], values[keep]
    a_values, b_values = (ref_values, sampled_kept) if a_is_reference else (sampled_kept, ref_values)
    method = f"{sampled.name} sampled on {reference.name}'s {frequency} dates ({how})"
    method += _published_words(a, b, as_published)
    return _Joined(dates[keep], a_values, b_values, method, tolerance, dropped)


def _every_day_words(a: _Side, b: _Side) -> str:
    crypto = [side for side in (a, b) if side.frequency == "daily" and trades_every_day(side.series)]
    if len(crypto) != 1:
        return ""
    every_day, other = crypto[0], (b if crypto[0] is a else a)
    # A rate with weekend values (the effective fed funds rate) is a daily fixing, not a close.
    price = every_day.change == "pct"
    how = "by its close at 24:00 UTC, a few hours after the New York close" if price else "at those dates"
    verb = "trades" if price else "has a value"
    return f"; {every_day.name} {verb} every day and is compared on {other.name}'s trading days, {how}"


def _published_words(a: _Side, b: _Side, as_published: bool) -> str:
    lagged = [side for side in (a, b) if side.release is not None]
    if not as_published or not lagged:
        return ""
    parts = [
        f"{side.name} dated by the first close after its release ({side.release.words()})" for side in lagged
    ]
    return "; as published: " + "; ".join(parts)


def spans_more_than_a_period(dates: pd.DatetimeIndex, frequency: str) -> np.ndarray:
    """Rows whose change would span more than one period (see MAX_PERIOD_DAYS)."""
    out = np.zeros(len(dates), dtype=bool)
    if len(dates) > 1:
        # On the datetime64 values: pandas' index arithmetic costs more than the rest of a build.
        out[1:] = np.diff(dates.values) > np.timedelta64(MAX_PERIOD_DAYS[frequency], "D")
    return out


def _a_sets_the_dates(a: pd.Series, b: pd.Series, freq_a: str, freq_b: str) -> bool:
    if freq_a != freq_b:
        return FREQUENCY_RANK[freq_a] > FREQUENCY_RANK[freq_b]
    # Same nominal frequency, different dating: the sparser series sets the dates, so the
    # other is sampled (never up-sampled); on a tie A does.
    count_a, count_b = overlap_counts(a, b)
    return count_a <= count_b


def check_frequency(frequency: str) -> None:
    if frequency not in FREQUENCY_RANK:
        raise ValueError(f"frequency {frequency!r} is not one of {FREQUENCIES}")


def check_change(change: str) -> None:
    if change not in CHANGE_KINDS:
        raise ValueError(f"change {change!r} is not one of {CHANGE_KINDS}")
