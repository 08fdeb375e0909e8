"""FRED's units and frequency aggregation, in FRED's order of processing: a series is aggregated to a
lower frequency first (average, end of period or sum), then put in the units asked for (change,
percent change, from a year ago, compounded annual rate).

FRED's formulas (fredhelp.stlouisfed.org, "What formulas are used to calculate growth rates?"), with
n the observations per year (daily 260 weekdays, weekly 52, monthly 12, quarterly 4):

    chg  x(t) - x(t-1)                 ch1  x(t) - x(t-n)
    pch  (x(t) / x(t-1) - 1) * 100     pc1  (x(t) / x(t-n) - 1) * 100
    pca  ((x(t) / x(t-1)) ** n - 1) * 100

Dating follows FRED's and the catalog's conventions: a week ends on Friday and is dated that day; a
month's or quarter's average or sum is dated the first day of the period (as FRED dates them, and as
the catalog dates M2 and CPI); an end-of-period value is dated the last day of its period, the day
it is the level of, so that aligning it with another series compares the same moment. A period the
data does not cover from start to end (the first or last, partly observed) has no value, as in FRED.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..metrics.metric import MARKET_CLOSE, Metric, Release
from .align import FREQUENCY_RANK, clean_series

# Units: FRED's code -> FRED's name.
UNITS = {
    "lin": "Levels",
    "chg": "Change",
    "ch1": "Change from Year Ago",
    "pch": "Percent Change",
    "pc1": "Percent Change from Year Ago",
    "pca": "Compounded Annual Rate of Change",
}
PERCENT_UNITS = ("pch", "pc1", "pca")
# Frequencies a series can be aggregated to: FRED's code -> the catalog's word.
FREQUENCIES = {"w": "weekly", "m": "monthly", "q": "quarterly"}
# Aggregation methods: FRED's code -> the catalog's word (a metric's `aggregation`).
AGGREGATIONS = {"avg": "average", "eop": "end", "sum": "sum"}
AGGREGATION_WORDS = {"avg": "average", "eop": "end of period", "sum": "sum"}
OBS_PER_YEAR = {"weekly": 52, "monthly": 12, "quarterly": 4}
# Daily series: FRED counts 260 weekdays a year; a series with values on weekends (crypto) 365 days.
DAILY_OBS_PER_YEAR = {"weekdays": 260, "every day": 365}
_PERIODS = {"weekly": "W-FRI", "monthly": "M", "quarterly": "Q"}
# How far an edge observation of a daily or weekly series may sit inside its period and still have
# the period covered (weekends and holidays; a week's level dated on its Wednesday).
_EDGE_DAYS = {"daily": 3, "weekly": 6}


@dataclass(frozen=True)
class FredView:
    """The units and frequency a page or command asks for; `frequency` None is as published,
    `aggregation` None each metric's own (the catalog's `aggregation`)."""

    units: str = "lin"
    frequency: str | None = None
    aggregation: str | None = None

    @property
    def as_published(self) -> bool:
        return self.units == "lin" and self.frequency is None


def aggregation_code(catalog_aggregation: str) -> str:
    """FRED's code for a metric's own aggregation ("average" -> "avg")."""
    return {word: code for code, word in AGGREGATIONS.items()}[catalog_aggregation]


def lowers(native: str, frequency_code: str | None) -> bool:
    """Whether aggregating a `native`-frequency series to `frequency_code` lowers its frequency (FRED
    aggregates only to lower frequencies; equal or higher is as published)."""
    return frequency_code is not None and FREQUENCY_RANK[FREQUENCIES[frequency_code]] > FREQUENCY_RANK[native]


def _covers(series: pd.Series, native: str, dated: str, periods: pd.PeriodIndex) -> tuple[bool, bool]:
    """Whether the data covers its first and its last period from start to end."""
    first, last = series.index[0], series.index[-1]
    start, end = periods[0].start_time, periods[-1].end_time.normalize()
    if dated == "start" and native in ("monthly", "quarterly"):
        native_end = (last.to_period(_PERIODS[native]).end_time).normalize()
        return first <= start, native_end >= end
    slack = pd.Timedelta(days=_EDGE_DAYS.get(native, 0))
    return first - slack <= start, last + slack >= end


def aggregate(
    series: pd.Series, frequency_code: str, how: str, *, native: str, dated: str = "end"
) -> pd.Series:
    """`series` (of `native` frequency, dated as `dated` says) aggregated to FRED's
    `frequency_code` by `how` ("avg", "eop", "sum"): each value in exactly one period, missing values
    ignored, a period the data covers only partly (the first or the last) left out."""
    series = clean_series(series)
    frequency = FREQUENCIES[frequency_code]
    if series.empty:
        return series
    periods = series.index.to_period(_PERIODS[frequency])
    grouped = series.groupby(periods)
    values = {"avg": grouped.mean, "sum": grouped.sum, "eop": grouped.last}[how]()
    first_covered, last_covered = _covers(series, native, dated, values.index)
    values = values.iloc[(0 if first_covered else 1) : (None if last_covered else -1)]
    if how == "eop" or frequency == "weekly":
        dates = values.index.end_time.normalize()
    else:
        dates = values.index.start_time
    return pd.Series(values.to_numpy(), index=pd.DatetimeIndex(dates, name="date"), name=series.name)


def daily_calendar(series: pd.Series) -> str:
    """ "every day" for a series with values on weekends (bitcoin), else "weekdays"."""
    weekends = (series.index.day_of_week >= 5).mean() if len(series) else 0.0
    return "every day" if weekends > 0.1 else "weekdays"


def obs_per_year(series: pd.Series, frequency: str) -> int:
    """FRED's n: observations per year at this frequency."""
    return DAILY_OBS_PER_YEAR[daily_calendar(series)] if frequency == "daily" else OBS_PER_YEAR[frequency]


def lagged(series: pd.Series, periods: int, frequency: str) -> pd.Series:
    """The value `periods` observations earlier on the series' regular calendar (weekdays or every
    day for daily series, weeks, months, quarters): a missing observation there gives NaN, never
    the one before it."""
    if series.empty:
        return series
    if frequency == "daily":
        step = "D" if daily_calendar(series) == "every day" else "B"
        calendar = pd.date_range(series.index[0], series.index[-1], freq=step)
        return series.reindex(calendar).shift(periods).reindex(series.index)
    weekday = series.index[-1].day_name()[:3].upper()  # a weekly series' weeks end on its own day
    rule = {"weekly": f"W-{weekday}", "monthly": "M", "quarterly": "Q"}[frequency]
    by_period = pd.Series(series.to_numpy(), index=series.index.to_period(rule))
    by_period = by_period[~by_period.index.duplicated(keep="last")]
    full = by_period.reindex(pd.period_range(by_period.index[0], by_period.index[-1], freq=rule))
    shifted = full.shift(periods).reindex(series.index.to_period(rule))
    return pd.Series(shifted.to_numpy(), index=series.index, name=series.name)


def apply_units(series: pd.Series, units: str, frequency: str) -> pd.Series:
    """`series` (at `frequency`) in FRED's `units`; values without one (the first n, a gap, a
    division by zero) are left out. A daily change is from the previous observation."""
    series = clean_series(series)
    if units == "lin" or series.empty:
        return series
    n = obs_per_year(series, frequency)
    previous = series.shift(1) if frequency == "daily" else lagged(series, 1, frequency)
    year_ago = lagged(series, n, frequency)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = {
            "chg": lambda: series - previous,
            "ch1": lambda: series - year_ago,
            "pch": lambda: (series / previous - 1) * 100,
            "pc1": lambda: (series / year_ago - 1) * 100,
            "pca": lambda: ((series / previous) ** n - 1) * 100,
        }[units]()
    return out.replace([np.inf, -np.inf], np.nan).dropna().rename(series.name)


def process(
    series: pd.Series, view: FredView, *, native: str, dated: str, aggregation: str
) -> tuple[pd.Series, str]:
    """`series` as `view` asks, FRED's order (aggregation, then units), and the frequency it ends at.
    `aggregation` is the metric's own (the catalog's word), used when the view names none."""
    frequency = native
    if lowers(native, view.frequency):
        how = view.aggregation or aggregation_code(aggregation)
        series = aggregate(series, view.frequency, how, native=native, dated=dated)
        frequency = FREQUENCIES[view.frequency]
    return apply_units(series, view.units, frequency), frequency


def describe(view: FredView, native: str, aggregation: str) -> str:
    """What `view` did to a series of this frequency, in words: "Percent Change from Year Ago of
    monthly averages"; "" when it is as published."""
    parts = [] if view.units == "lin" else [UNITS[view.units]]
    if lowers(native, view.frequency):
        how = view.aggregation or aggregation_code(aggregation)
        kind = {"avg": "averages", "eop": "end-of-period values", "sum": "sums"}[how]
        parts.append(f"{'of ' if parts else ''}{FREQUENCIES[view.frequency]} {kind}")
    return " ".join(parts)


def _publication_days(dates: pd.DatetimeIndex, release: Release | None) -> pd.DatetimeIndex:
    """The day each value dated `dates` is published (its date for a value known at its close)."""
    if release is None:
        return dates
    after_close = pd.Timedelta(days=1 if release.at > MARKET_CLOSE else 0)
    return release.available(dates) - after_close


def _release(
    inputs: pd.DatetimeIndex, release: Release | None, dates: pd.DatetimeIndex, frequency: str
) -> tuple[int, str]:
    """(days, at) of a release rule under which every aggregated value, dated `dates`, is known no
    earlier than the last value it aggregates (dated `inputs`, published by `release`): the longest
    such delay in the data, so that the "as published" alignment never uses a value before it
    exists."""
    at = release.at if release is not None else MARKET_CLOSE
    published = pd.Series(_publication_days(inputs, release), index=inputs)
    periods = _PERIODS[frequency]
    last_published = published.groupby(published.index.to_period(periods)).max()
    when = last_published.reindex(dates.to_period(periods)).to_numpy()
    delays = (pd.DatetimeIndex(when) - dates).days
    return (max(0, int(np.nanmax(delays))) if len(delays) else 0), at


def processed(
    series: pd.Series, metric: Metric, frequency: str, release: Release | None, view: FredView
) -> tuple[pd.Series, Metric, str] | None:
    """A metric's data (`series` at `frequency`, published as `release` says) as `view` asks (FRED's
    order: aggregation, then units): the new series, a metric that says what it now is (frequency,
    units, how it changes, what a value summarises, when it is known, and `processing` in words), and
    its frequency. None when the view leaves it as published."""
    if view.as_published or (view.units == "lin" and not lowers(frequency, view.frequency)):
        return None
    out, now = process(series, view, native=frequency, dated=metric.dated, aggregation=metric.aggregation)
    changes = {}
    if now != frequency:
        how = view.aggregation or aggregation_code(metric.aggregation)
        inputs = clean_series(series).index
        days, at = _release(inputs, release, out.index, now) if len(out) else (0, MARKET_CLOSE)
        changes = dict(
            frequency=now, aggregation=AGGREGATIONS[how], release_days=days, release_at=at,
            dated="end" if how == "eop" or now == "weekly" else "start",
        )  # fmt: skip
    if view.units != "lin":
        changes.update(change="diff", units="Percent" if view.units in PERCENT_UNITS else metric.units)
    changes["processing"] = describe(view, frequency, metric.aggregation)
    return out, dataclasses.replace(metric, **changes), now
