"""The window a view covers: a lookback back from the last common date ("3Y"), or two dates,
both included ("2020-03-02..2020-06-26"), which a link names to show an exact span."""

from __future__ import annotations

import re

import pandas as pd

from convex.analytics.serialise import format_date

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
