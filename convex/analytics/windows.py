"""The window a view covers: a lookback back from the last common date ("3Y"), or two dates,
both included ("2020-03-02..2020-06-26"), which a link names to show an exact span."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from convex.analytics.serialise import format_date
from convex.metrics.formatting import day_text

LOOKBACKS: dict[str, pd.DateOffset | None] = {
    "90D": pd.DateOffset(days=90),
    "1Y": pd.DateOffset(years=1),
    "3Y": pd.DateOffset(years=3),
    "5Y": pd.DateOffset(years=5),
    "10Y": pd.DateOffset(years=10),
    "Max": None,
}

# A window of two dates, first and last included: "2020-03-02..2020-06-26", where a link names
# the exact span (an episode, a break) instead of a span back from the last common date.
_DATES = re.compile(r"(\d{4})-(\d{2})-(\d{2})\.\.(\d{4})-(\d{2})-(\d{2})")
DATES_YEARS = (1800, 2200)


def window_start(last: pd.Timestamp, lookback: str) -> pd.Timestamp | None:
    """Rows dated strictly after this are inside the lookback; None means keep everything."""
    if lookback not in LOOKBACKS:
        raise ValueError(f"lookback {lookback!r} is not one of {tuple(LOOKBACKS)}")
    offset = LOOKBACKS[lookback]
    return None if offset is None else last - offset


def date_window(text: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """(first, last) of a window written "YYYY-MM-DD..YYYY-MM-DD" with first before last and both
    real dates in DATES_YEARS; None for anything else."""
    match = _DATES.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        return None
    try:
        first = pd.Timestamp(int(match[1]), int(match[2]), int(match[3]))
        last = pd.Timestamp(int(match[4]), int(match[5]), int(match[6]))
    except ValueError:
        return None
    low, high = DATES_YEARS
    if not (low <= first.year and last.year <= high and first < last):
        return None
    return first, last


_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def day(text: str) -> pd.Timestamp | None:
    """A single date written "YYYY-MM-DD" (a real one, in DATES_YEARS); None for anything else."""
    match = _DAY.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        return None
    try:
        value = pd.Timestamp(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return value if DATES_YEARS[0] <= value.year <= DATES_YEARS[1] else None


def dates_text(first: pd.Timestamp, last: pd.Timestamp) -> str:
    return f"{first:%Y-%m-%d}..{last:%Y-%m-%d}"


def check_lookback(lookback: str) -> None:
    if lookback not in LOOKBACKS and date_window(lookback) is None:
        raise ValueError(
            f"lookback {lookback!r} is not one of {tuple(LOOKBACKS)} or a window YYYY-MM-DD..YYYY-MM-DD"
        )


def lookback_label(lookback: str) -> str:
    """ "lookback 3Y", or "dates 2 Mar 2020 to 26 Jun 2020" for a window of two dates."""
    window = date_window(lookback)
    if window is None:
        return f"lookback {lookback}"
    return f"dates {format_date(window[0])} to {format_date(window[1])}"


# A window holds what was asked of it when its dates span at least this share of the span asked:
# below it, labels say the span held, and comparisons that need the span asked do not rank it.
COMPLETE_SHARE = 0.9
# Calendar days in one native period, rounded up (a month can be 31 days, a quarter 92).
NATIVE_PERIOD_DAYS = {"daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92}
# A window ending more than this many periods of its frequency before the day it is read is old.
OLD_AFTER_PERIODS = 2
LOOKBACK_SPANS = {"90D": "90 days", "1Y": "year", "3Y": "3 years", "5Y": "5 years", "10Y": "10 years"}


def span_text(days: float) -> str:
    """A length of time in words: "12 days", "7 months", "2.6 years"."""
    if days < 45:
        return f"{round(days)} day{'s' if round(days) != 1 else ''}"
    if days < 365 * 1.5:
        months = max(2, round(days / 30.44))
        return f"{months} months"
    return f"{days / 365.25:.1f} years".replace(".0 years", " years")


def periods_since(last: pd.Timestamp, day: pd.Timestamp, frequency: str) -> float:
    """How many periods of `frequency` pass from `last` to `day`: weekdays for daily data (a Friday's
    close read on Monday is one period old, not three), else calendar days over a period's length."""
    if frequency == "daily":
        return float(np.busday_count(pd.Timestamp(last).date(), pd.Timestamp(day).date()))
    return (pd.Timestamp(day) - pd.Timestamp(last)).days / NATIVE_PERIOD_DAYS[frequency]


@dataclass(frozen=True)
class Window:
    """The span a figure is computed over: the span asked (a lookback or two dates) and the span the
    data hold (first and last date, periods), and how long before the day it is read it ends. Every
    label that names a span, an age or a date is made from this, never from the span asked alone."""

    asked: str  # a LOOKBACKS key or "YYYY-MM-DD..YYYY-MM-DD"
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    periods: int
    frequency: str
    as_of: pd.Timestamp | None = None  # the day it is read (today, a digest's day); None: chosen dates

    @property
    def chosen(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        return date_window(self.asked)

    @property
    def asked_days(self) -> float | None:
        """The length asked, in days (None for all history)."""
        if self.chosen is not None:
            return float((self.chosen[1] - self.chosen[0]).days)
        offset = LOOKBACKS.get(self.asked)
        if offset is None or self.last is None:
            return None
        return float((self.last - (self.last - offset)).days)

    @property
    def held_days(self) -> float:
        if self.first is None or self.last is None:
            return 0.0
        return float((self.last - self.first).days)

    @property
    def complete(self) -> bool:
        """Whether the dates held span what was asked (to COMPLETE_SHARE, a period of slack)."""
        asked = self.asked_days
        if asked is None:
            return self.periods > 0
        return self.held_days + NATIVE_PERIOD_DAYS[self.frequency] >= COMPLETE_SHARE * asked

    @property
    def days_before(self) -> int | None:
        """How many days before the day it is read the window ends."""
        if self.last is None or self.as_of is None:
            return None
        return int((self.as_of - self.last).days)

    @property
    def old(self) -> bool:
        if self.last is None or self.as_of is None:
            return False
        return periods_since(self.last, self.as_of, self.frequency) > OLD_AFTER_PERIODS

    def dates(self) -> str:
        """ "8 Mar 2023 to 4 Mar 2026" (the dates held)."""
        if self.first is None or self.last is None:
            return "no common dates"
        return f"{day_text(self.first)} to {day_text(self.last)}"

    def words(self) -> str:
        """The span as held: "the last 5 years (8 Mar 2021 to 4 Mar 2026)" when it holds what was
        asked ("the latest 5 years held (...)" when they ended more than two periods before the day it
        is read; "all the common history held (...)" for Max), else "7 months held (16 Jul 2025 to
        23 Feb 2026) of the 5 years asked"."""
        if self.first is None:
            return "no dates in common" if self.asked == "Max" and self.chosen is None else (
                f"no common dates in {self._asked_words()}")
        if self.complete:
            return f"{self._asked_words()} ({self.dates()})"
        return f"{span_text(self.held_days)} held ({self.dates()}) of {self._asked_words(asked=True)}"

    def age_words(self) -> str | None:
        """ "ends 277 days before 6 Dec 2026" when it ends more than a period before the day it
        is read (", old data" past two periods); None when it is current (or chosen dates, whose age is the
        user's choice)."""
        age = self.days_before
        if age is None or periods_since(self.last, self.as_of, self.frequency) <= 1:
            return None
        return f"ends {age:,} days before {day_text(self.as_of)}" + (", old data" if self.old else "")

    def _asked_words(self, *, asked: bool = False) -> str:
        if self.chosen is not None:
            first, last = self.chosen
            return f"the chosen {day_text(first)} to {day_text(last)}" if asked else "the chosen dates"
        if self.asked == "Max":
            # All the dates both series have in the store, which may begin after either's history.
            return "all the common history held"
        span = LOOKBACK_SPANS.get(self.asked, self.asked)
        if asked:
            return f"the {span} asked"
        # "The last year" of data that ended long ago is not the last year: say whose.
        return f"the latest {span} held" if self.old else f"the last {span}"
