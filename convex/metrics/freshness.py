"""When a metric's next value is due, and whether what is stored is stale.

From the catalog's frequency and release rule: the value after the last one stored is dated one
period later (the next weekday for a daily series, the next day for crypto, which trades every day;
a week, a month or a quarter later) and published `release_days` after its date at `release_at`
New York time (a market close at 16:00). A metric is stale when that moment has passed by more than
a grace (a period's slack for holidays and release delays: two days for daily data, three for
weekly, ten for monthly, thirty for quarterly) and nothing newer is stored: a source that stopped,
or a file imported long ago, shows its age instead of passing for current data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from .formatting import day_text
from .metric import MARKET_CLOSE, Metric

NEW_YORK = ZoneInfo("America/New_York")
GRACE = {
    "daily": timedelta(days=2),
    "weekly": timedelta(days=3),
    "monthly": timedelta(days=10),
    "quarterly": timedelta(days=30),
}
_NEXT = {
    "weekly": pd.DateOffset(weeks=1),
    "monthly": pd.DateOffset(months=1),
    "quarterly": pd.DateOffset(months=3),
}


@dataclass(frozen=True)
class Freshness:
    """How current a metric's stored data is, as of `now` (New York time, naive)."""

    last: pd.Timestamp  # the last observation stored
    next_due: pd.Timestamp  # when the value after it should have been published (New York time)
    now: pd.Timestamp
    frequency: str

    @property
    def age_days(self) -> int:
        """Days from the last observation's date to now."""
        return int((self.now.normalize() - self.last.normalize()).days)

    @property
    def stale(self) -> bool:
        return self.now > self.next_due + GRACE[self.frequency]

    def words(self) -> str:
        """ "latest 4 Mar 2026, 277 days old: stale (the next value was due 12 Mar 2026)" or
        "latest 4 Dec 2026; next due 11 Dec 2026"."""
        latest = f"latest {day_text(self.last)}"
        if self.stale:
            due = day_text(self.next_due)
            return f"{latest}, {self.age_days:,} days old: stale (the next value was due {due})"
        return f"{latest}; next due {day_text(self.next_due)}"


def next_period(metric: Metric, last: pd.Timestamp) -> pd.Timestamp:
    """The date of the value after the one dated `last` (the next weekday for a daily series, the next
    day for crypto; a week, a month or a quarter later)."""
    last = pd.Timestamp(last).normalize()
    if metric.frequency == "daily":
        every_day = metric.source == "coingecko"
        return last + (pd.Timedelta(days=1) if every_day else pd.offsets.BDay(1))
    return last + _NEXT[metric.frequency]


def release_time(metric: Metric) -> pd.Timedelta:
    """The time of day a value is published, New York time (the close for a value with no lag)."""
    at = metric.release_at if metric.release_days or metric.release_at > MARKET_CLOSE else MARKET_CLOSE
    hours, minutes = (int(part) for part in at.split(":"))
    return pd.Timedelta(hours=hours, minutes=minutes)


def next_value_due(metric: Metric, last: pd.Timestamp) -> pd.Timestamp:
    """When the value after `last` should be published, New York time (naive)."""
    return next_period(metric, last) + pd.Timedelta(days=metric.release_days) + release_time(metric)


def freshness(metric: Metric, last: pd.Timestamp, now: datetime) -> Freshness:
    """The freshness of a metric whose last stored observation is dated `last`, at `now` (aware UTC,
    or naive UTC as the store keeps times)."""
    moment = pd.Timestamp(now)
    moment = (moment.tz_localize("UTC") if moment.tzinfo is None else moment).tz_convert(NEW_YORK)
    due = next_value_due(metric, last)
    return Freshness(pd.Timestamp(last), due, moment.tz_localize(None), metric.frequency)
