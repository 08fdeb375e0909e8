"""Statistics of one metric on its own: the "90-Day Statistics" panel and the explorer page.

Units: for a "pct" metric every change is a simple return (0.012 = +1.2 %); for a "diff" metric
it is a difference in the metric's own units. Volatility and drawdown are fractions too
(0.15 = 15 %). Percentiles are 0-100.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from convex.analytics.align import (
    LOOKBACKS,
    NATIVE_PERIOD_DAYS,
    as_of_tolerance,
    check_change,
    check_frequency,
    clean_series,
    compute_changes,
    window_start,
)
from convex.analytics.serialise import JsonResult, format_date
from convex.metrics.metric import PERIODS_PER_YEAR

# An annualised volatility from fewer changes than this is too noisy to show.
MIN_VOLATILITY_CHANGES = 20

# (label, how far back, length in days used to decide whether the horizon is shorter than one
# native period of the metric: a "1 week" change of a monthly series does not exist).
CHANGE_HORIZONS: tuple[tuple[str, pd.DateOffset, int], ...] = (
    ("1 week", pd.DateOffset(weeks=1), 7),
    ("1 month", pd.DateOffset(months=1), 31),
    ("3 months", pd.DateOffset(months=3), 92),
    ("1 year", pd.DateOffset(years=1), 366),
)
CHANGE_LABELS = ("1 period", "1 week", "1 month", "3 months", "YTD", "1 year")


@dataclass(frozen=True)
class PeriodChange(JsonResult):
    """Change from a base observation to the latest one."""

    label: str
    change: float | None
    base_date: pd.Timestamp | None = None
    base_value: float | None = None
    insufficient: str | None = None


@dataclass(frozen=True)
class Drawdown(JsonResult):
    """Largest fall from a running peak, as a fraction (-0.35 = 35 % below the peak)."""

    max_drawdown: float | None
    peak_date: pd.Timestamp | None = None
    trough_date: pd.Timestamp | None = None
    insufficient: str | None = None


@dataclass(frozen=True)
class MetricStats(JsonResult):
    frequency: str
    change: str
    window: str
    latest_value: float | None
    latest_date: pd.Timestamp | None
    # Calendar days from the latest observation to `today`; None when no `today` was given.
    age_days: int | None
    changes: tuple[PeriodChange, ...]
    window_start: pd.Timestamp | None
    n: int
    high: float | None
    high_date: pd.Timestamp | None
    low: float | None
    low_date: pd.Timestamp | None
    mean: float | None
    std: float | None
    # Where the latest value sits between the window's low (0) and high (100).
    range_position: float | None
    # Share of the window's values at or below the latest value, 0-100.
    percentile_in_window: float | None
    percentile_in_history: float | None
    annualised_volatility: float | None
    volatility_insufficient: str | None
    drawdown_window: Drawdown
    drawdown_history: Drawdown
    n_history: int
    insufficient: str | None = None
    # The first observation that "all history" (percentile, drawdown) starts from.
    history_start: pd.Timestamp | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def change_over(self, label: str) -> PeriodChange:
        for item in self.changes:
            if item.label == label:
                return item
        raise KeyError(f"no change labelled {label!r}; have {CHANGE_LABELS}")


def percentile_in_history(series: pd.Series, value: float | None = None) -> float | None:
    """Share (0-100) of all observations at or below `value` (default: the latest observation)."""
    values = clean_series(series).to_numpy()
    if values.size == 0:
        return None
    target = values[-1] if value is None else float(value)
    return _percentile_of(values, target)


def _percentile_of(values: np.ndarray, value: float) -> float:
    """Share (0-100) of values at or below `value` (scipy's "weak" percentile of score).

    Clipped because scipy computes count * (100 / n), which can land a hair above 100.
    """
    return float(np.clip(stats.percentileofscore(values, value, kind="weak"), 0.0, 100.0))


def metric_statistics(
    series: pd.Series,
    *,
    frequency: str,
    change: str,
    window: str = "90D",
    today: pd.Timestamp | None = None,
) -> MetricStats:
    """Latest value, changes over standard horizons, and the window's statistics."""
    check_frequency(frequency)
    check_change(change)
    if window not in LOOKBACKS:
        raise ValueError(f"window {window!r} is not one of {tuple(LOOKBACKS)}")
    levels = clean_series(series)
    if levels.empty:
        return _empty(frequency, change, window)

    latest_date = levels.index[-1]
    latest_value = float(levels.iloc[-1])
    changes_all = compute_changes(levels, change)
    start = window_start(latest_date, window)
    in_window = levels if start is None else levels[levels.index > start]
    window_changes = (changes_all if start is None else changes_all[changes_all.index > start]).dropna()
    values = in_window.to_numpy()

    high_at, low_at = int(np.argmax(values)), int(np.argmin(values))
    high, low = float(values[high_at]), float(values[low_at])
    range_position = None
    if high > low:
        range_position = 100.0 * float(np.clip((latest_value - low) / (high - low), 0.0, 1.0))
    notes: list[str] = []
    if frequency != "daily" and len(values) < 3:
        notes.append(f"a {window} window holds only {len(values)} {frequency} observation(s)")

    volatility, volatility_reason = _annualised_volatility(window_changes, frequency)
    age = None if today is None else int((pd.Timestamp(today).normalize() - latest_date).days)

    return MetricStats(
        frequency=frequency,
        change=change,
        window=window,
        latest_value=latest_value,
        latest_date=latest_date,
        age_days=age,
        changes=_horizon_changes(levels, frequency, change),
        window_start=in_window.index[0],
        n=len(values),
        high=high,
        high_date=in_window.index[high_at],
        low=low,
        low_date=in_window.index[low_at],
        mean=float(values.mean()),
        std=float(values.std(ddof=1)) if len(values) >= 2 else None,
        range_position=range_position,
        percentile_in_window=_percentile_of(values, latest_value),
        percentile_in_history=_percentile_of(levels.to_numpy(), latest_value),
        annualised_volatility=volatility,
        volatility_insufficient=volatility_reason,
        drawdown_window=max_drawdown(in_window, change),
        drawdown_history=max_drawdown(levels, change),
        n_history=len(levels),
        notes=tuple(notes),
        history_start=levels.index[0],
    )


def max_drawdown(levels: pd.Series, change: str) -> Drawdown:
    """Deepest fall from a running peak; only for price-like ("pct") series with positive values."""
    if change != "pct":
        return Drawdown(None, insufficient="drawdown applies to price-like (pct) series only")
    if len(levels) < 2:
        return Drawdown(None, insufficient="fewer than 2 observations")
    values = levels.to_numpy(dtype=float)
    if (values <= 0).any():
        return Drawdown(None, insufficient="the series has zero or negative values")
    running_peak = np.maximum.accumulate(values)
    drawdowns = values / running_peak - 1.0
    trough = int(np.argmin(drawdowns))
    if drawdowns[trough] == 0:
        return Drawdown(0.0, levels.index[trough], levels.index[trough])
    peak = int(np.argmax(values[: trough + 1]))
    return Drawdown(float(drawdowns[trough]), levels.index[peak], levels.index[trough])


def daily_periods_per_year(index: pd.DatetimeIndex) -> float:
    """Observations a year for a daily series: 252 for a 5-day market, 365 for crypto's 7-day week.

    Read off the share of weekend dates, so a window with a holiday or two still counts as 252.
    """
    if len(index) == 0:
        return float(PERIODS_PER_YEAR["daily"])
    weekend_share = float(np.mean(index.day_of_week >= 5))
    return 365.0 if weekend_share > 0.2 else float(PERIODS_PER_YEAR["daily"])


def _annualised_volatility(changes: pd.Series, frequency: str) -> tuple[float | None, str | None]:
    if frequency != "daily":
        return None, f"annualised volatility is shown for daily series only (this one is {frequency})"
    if len(changes) < MIN_VOLATILITY_CHANGES:
        return None, f"insufficient data: {len(changes)} changes, need {MIN_VOLATILITY_CHANGES}"
    return float(changes.std(ddof=1) * math.sqrt(daily_periods_per_year(changes.index))), None


def _change_between(base: float, latest: float, change: str) -> float | None:
    if change == "diff":
        return latest - base
    if base <= 0:
        return None
    return latest / base - 1.0


def _horizon_changes(levels: pd.Series, frequency: str, change: str) -> tuple[PeriodChange, ...]:
    latest_date, latest = levels.index[-1], float(levels.iloc[-1])
    tolerance = as_of_tolerance(frequency)
    out: list[PeriodChange] = []

    if len(levels) >= 2:
        base_date, base = levels.index[-2], float(levels.iloc[-2])
        out.append(_period_change("1 period", base_date, base, latest, change))
    else:
        out.append(PeriodChange("1 period", None, insufficient="only one observation"))

    def as_of(target: pd.Timestamp, label: str) -> PeriodChange:
        position = levels.index.searchsorted(target, side="right") - 1
        if position < 0:
            return PeriodChange(label, None, insufficient=f"the data start after {format_date(target)}")
        base_date = levels.index[position]
        if target - base_date > tolerance:
            return PeriodChange(
                label,
                None,
                insufficient=f"no observation within {tolerance.days} days before {format_date(target)}",
            )
        return _period_change(label, base_date, float(levels.iloc[position]), latest, change)

    horizons = {label: (offset, days) for label, offset, days in CHANGE_HORIZONS}
    for label in ("1 week", "1 month", "3 months"):
        offset, days = horizons[label]
        if days < NATIVE_PERIOD_DAYS[frequency]:
            out.append(PeriodChange(label, None, insufficient=f"shorter than one {frequency} period"))
        else:
            out.append(as_of(latest_date - offset, label))
    # Year to date: against the last observation of the previous calendar year.
    out.append(as_of(pd.Timestamp(year=latest_date.year - 1, month=12, day=31), "YTD"))
    offset, _ = horizons["1 year"]
    out.append(as_of(latest_date - offset, "1 year"))
    return tuple(out)


def _period_change(
    label: str, base_date: pd.Timestamp, base: float, latest: float, change: str
) -> PeriodChange:
    value = _change_between(base, latest, change)
    if value is None:
        return PeriodChange(label, None, base_date, base, "a percent change from a zero or negative base")
    return PeriodChange(label, value, base_date, base)


def _empty(frequency: str, change: str, window: str) -> MetricStats:
    reason = "no observations"
    return MetricStats(
        frequency=frequency,
        change=change,
        window=window,
        latest_value=None,
        latest_date=None,
        age_days=None,
        changes=tuple(PeriodChange(label, None, insufficient=reason) for label in CHANGE_LABELS),
        window_start=None,
        n=0,
        high=None,
        high_date=None,
        low=None,
        low_date=None,
        mean=None,
        std=None,
        range_position=None,
        percentile_in_window=None,
        percentile_in_history=None,
        annualised_volatility=None,
        volatility_insufficient=reason,
        drawdown_window=Drawdown(None, insufficient=reason),
        drawdown_history=Drawdown(None, insufficient=reason),
        n_history=0,
        insufficient=reason,
    )
