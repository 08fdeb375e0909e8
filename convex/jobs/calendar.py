"""The release calendar: when the catalog's metrics publish their next values, in the coming weeks.

For each metric with a publication lag (the macro releases and the Fed's weekly data; daily market
data come every trading day and are counted apart), the periods after its last stored value and the
moment each is due, New York time:

- from **FRED's release calendar** (with a key: the dates of the metric's release, future ones
  included; FRED gives no period for them);
- else from **the release calendar kept as data** (convex/metrics/releases.toml: CPI's schedule, the
  delayed Employment Situation months) where it has the period;
- else from **the catalog's rule** (metrics/freshness.py: one period after the last value, published
  `release_days` later at `release_at`), which is an upper bound of recent lags for CPI and payrolls.

A value due before now and not stored is listed as overdue. A metric with nothing stored is not
listed (without its last period the next ones are unknown), but counted, unless FRED's calendar is
given for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from convex.metrics.freshness import NEW_YORK, next_period, release_time
from convex.metrics.metric import Metric
from convex.metrics.release_calendar import release_calendars

DEFAULT_WEEKS = 4
MAX_WEEKS = 26
BASES = {
    "fred": "FRED's release calendar",
    "calendar": "the release calendar kept as data",
    "rule": "the catalog's release rule (an upper bound)",
}
# Periods looked at past the last stored value: a monthly release lags at most ~4 months.
_MAX_STEPS = 400


@dataclass(frozen=True)
class ExpectedRelease:
    metric_id: str
    name: str
    period: pd.Timestamp | None  # the date of the value due (None: FRED's calendar gives no period)
    due: pd.Timestamp  # New York time, naive
    basis: str  # a key of BASES
    overdue: bool  # due before now and not stored


@dataclass(frozen=True)
class Calendar:
    now: pd.Timestamp  # New York time, naive
    until: pd.Timestamp
    releases: tuple[ExpectedRelease, ...]  # by due time
    daily: int  # metrics published every trading day, not listed
    unknown: tuple[str, ...] = ()  # listed metrics with nothing stored and no FRED calendar


def now_in_new_york(now: datetime) -> pd.Timestamp:
    moment = pd.Timestamp(now)
    moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment
    return moment.tz_convert(NEW_YORK).tz_localize(None)


def listed(metric: Metric) -> bool:
    """Metrics the calendar lists: those published with a lag, not daily closes."""
    return not metric.is_derived and metric.frequency != "daily" and metric.release is not None


def expected_releases(
    metrics: Iterable[Metric],
    last_dates: Mapping[str, pd.Timestamp | None],
    now: datetime,
    *,
    weeks: int = DEFAULT_WEEKS,
    schedules: Mapping[str, Iterable[pd.Timestamp]] | None = None,
) -> Calendar:
    """What is due from now to `weeks` ahead (and overdue), for `metrics` whose last stored values
    are `last_dates` (None: nothing stored); `schedules`: FRED's release dates per metric id."""
    moment = now_in_new_york(now)
    until = moment + pd.Timedelta(weeks=weeks)
    calendars = release_calendars()
    releases: list[ExpectedRelease] = []
    daily, unknown = 0, []
    for metric in metrics:
        if metric.is_derived:
            continue
        if not listed(metric):
            daily += metric.frequency == "daily"
            continue
        if schedules is not None and metric.id in schedules:
            releases += [
                ExpectedRelease(metric.id, metric.name, None, day + release_time(metric), "fred", False)
                for day in schedules[metric.id]
                if moment.normalize() <= day <= until
            ]
            continue
        known = calendars.get(metric.id)
        last = last_dates.get(metric.id)
        if last is None:
            unknown.append(metric.id)
            continue
        period = pd.Timestamp(last)
        for _ in range(_MAX_STEPS):
            period = next_period(metric, period)
            day = known.released.get(period) if known is not None else None
            basis = "calendar" if day is not None else "rule"
            due = (
                day if day is not None else period + pd.Timedelta(days=metric.release_days)
            ) + release_time(metric)
            if due > until:
                break
            releases.append(ExpectedRelease(metric.id, metric.name, period, due, basis, due < moment))
    ordered = tuple(sorted(releases, key=lambda r: (r.due, r.name)))
    return Calendar(moment, until, ordered, daily, tuple(unknown))


def fred_schedules(source, metrics: Iterable[Metric], now: datetime, weeks: int) -> tuple[dict, list[str]]:
    """FRED's release dates of each listed FRED metric, from today to `weeks` ahead, through `source`
    (a FredSource with a key: two paced requests per metric); the metrics it failed for, with why."""
    from convex.sources.base import SourceError

    moment = now_in_new_york(now).normalize()
    schedules, failed = {}, []
    for metric in metrics:
        if metric.source != "fred" or not listed(metric):
            continue
        try:
            found = source.release_schedule(metric.symbol, moment, moment + pd.Timedelta(weeks=weeks))
        except SourceError as exc:
            failed.append(str(exc.for_metric(metric.id)))
            continue
        schedules[metric.id] = found.dates
    return schedules, failed
