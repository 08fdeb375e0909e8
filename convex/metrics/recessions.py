"""US recessions as spells of dates: the NBER's peaks and troughs (`recessions.toml`, with its
source), or FRED's recession indicator (USREC, USRECD) where the store holds it, which then takes
precedence over the span it covers. Charts shade these spells.

A spell follows FRED's USREC: from the first day of the month after the peak to the last day of the
trough month, both included.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

RECESSIONS_PATH = Path(__file__).with_name("recessions.toml")
DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class Recession:
    """One recession: its first and last day, both included."""

    start: pd.Timestamp
    end: pd.Timestamp


@dataclass(frozen=True)
class Recessions:
    """Every recession known, in order, and where the dates come from."""

    spells: tuple[Recession, ...]
    source: str  # what the dates are, in words: "NBER US business-cycle peaks and troughs"
    url: str
    short: str  # the source in a legend: "NBER" or "FRED USREC"

    @property
    def label(self) -> str:
        """The legend entry of the shading."""
        return f"US recession ({self.short})"

    def within(self, first: pd.Timestamp, last: pd.Timestamp) -> list[Recession]:
        """The recessions overlapping [first, last], cut to it: what a chart of those dates shades
        (cut, so that the shading never widens the chart's dates)."""
        return [
            Recession(max(s.start, first), min(s.end, last))
            for s in self.spells
            if s.start <= last and s.end >= first
        ]


@dataclass(frozen=True)
class IndicatorSource:
    """FRED's recession indicator as the store keeps it: its id there, the FRED series a file may
    hold, and its page."""

    id: str
    symbols: tuple[str, ...]
    name: str
    url: str


@lru_cache(maxsize=1)
def _table() -> dict:
    with RECESSIONS_PATH.open("rb") as handle:
        return tomllib.load(handle)


def indicator_source() -> IndicatorSource:
    raw = _table()["indicator"]
    return IndicatorSource(raw["id"], tuple(raw["symbols"]), raw["name"], raw["url"])


def _month(text: str) -> pd.Timestamp:
    return pd.Timestamp(f"{text}-01")


@lru_cache(maxsize=1)
def nber_recessions() -> Recessions:
    """The NBER table as spells, FRED's way (see the module's docstring). The first cycle of the
    record has no peak: its spell starts with its trough month, where the record starts."""
    raw = _table()
    spells = []
    for peak, trough in raw["table"]["cycles"]:
        trough_month = _month(trough)
        start = _month(peak) + pd.offsets.MonthBegin(1) if peak else trough_month
        spells.append(Recession(start, trough_month + pd.offsets.MonthEnd(0)))
    return Recessions(tuple(spells), raw["source"], raw["url"], "NBER")


def _period_ends(dates: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The last day each observation of an indicator covers: its month for a monthly series dated
    the 1st (USREC), its quarter for a quarterly one, the day itself for a daily one (USRECD)."""
    if len(dates) > 1 and (dates.day == 1).all():
        spacing = float(np.median(np.diff(dates.to_numpy()).astype("timedelta64[D]").astype(float)))
        if 27 <= spacing <= 32:
            return dates + pd.offsets.MonthEnd(0)
        if 88 <= spacing <= 93:
            return dates + pd.offsets.QuarterEnd(0)
    return dates


def indicator_spells(indicator: pd.Series) -> tuple[Recession, ...]:
    """The runs of 1 in a 0/1 recession indicator (FRED's USREC or USRECD) as spells."""
    values = indicator.dropna()
    values = values[~values.index.duplicated(keep="last")].sort_index()
    if values.empty:
        return ()
    ends = _period_ends(values.index)
    inside = values.to_numpy() >= 0.5
    # A run starts where the indicator turns 1 and ends where it is 1 for the last time.
    edges = np.diff(np.r_[0, inside.astype(int), 0])
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return tuple(Recession(values.index[a], ends[b]) for a, b in zip(starts, stops, strict=True))


def recessions(indicator: pd.Series | None = None) -> Recessions:
    """The recessions to shade: the NBER table, or FRED's indicator (when given and not empty) over
    the span it covers, with the table before and after it."""
    table = nber_recessions()
    if indicator is None or indicator.dropna().empty:
        return table
    values = indicator.dropna().sort_index()
    covered = (values.index[0], _period_ends(values.index)[-1])
    outside = []
    for s in table.spells:
        if s.start < covered[0]:
            outside.append(Recession(s.start, min(s.end, covered[0] - DAY)))
        if s.end > covered[1]:
            outside.append(Recession(max(s.start, covered[1] + DAY), s.end))
    spells = sorted([*outside, *indicator_spells(values)], key=lambda s: s.start)
    source = indicator_source()
    return Recessions(
        _joined(spells),
        f"{source.name}, {covered[0]:%Y-%m-%d} to {covered[1]:%Y-%m-%d}; outside it, {table.source}",
        source.url,
        "FRED USREC",
    )


def _joined(spells: list[Recession]) -> tuple[Recession, ...]:
    """Spells that touch (one ends the day before the next starts) as one."""
    out: list[Recession] = []
    for s in spells:
        if out and s.start <= out[-1].end + DAY:
            out[-1] = Recession(out[-1].start, max(out[-1].end, s.end))
        else:
            out.append(s)
    return tuple(out)
