"""The screen of every pair the app can serve: its windows, filters and the links to each pair.

Between the store and the views: it turns the stored series (CandidateSeries, samples included
and labelled) into the screener's inputs, applies the user's filters and builds the compare-page
link that shows each break. The statistics are convex.analytics.screener's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

import pandas as pd

from convex.analytics.align import dates_text
from convex.analytics.pair_stats import MAX_ROLLING_WINDOW
from convex.analytics.screener import RankedScreen, Screen, ScreenSeries, rank_screen, screen_pairs
from convex.analytics.windows import COMPLETE_SHARE, OLD_AFTER_PERIODS, periods_since, span_text
from convex.content.related import CandidateSeries
from convex.metrics.formatting import day_text
from convex.store import utcnow

RECENT_WINDOWS = {
    "4W": pd.DateOffset(weeks=4),
    "13W": pd.DateOffset(weeks=13),
    "26W": pd.DateOffset(weeks=26),
    "1Y": pd.DateOffset(years=1),
}
RECENT_WORDS = {"4W": "4 weeks", "13W": "13 weeks", "26W": "26 weeks", "1Y": "1 year"}
LONG_WINDOWS = {
    "1Y": pd.DateOffset(years=1),
    "3Y": pd.DateOffset(years=3),
    "5Y": pd.DateOffset(years=5),
    "10Y": pd.DateOffset(years=10),
}
LONG_WORDS = {"1Y": "1 year", "3Y": "3 years", "5Y": "5 years", "10Y": "10 years"}
DEFAULT_RECENT, DEFAULT_LONG = "13W", "3Y"
DEFAULT_MIN_POINTS = 12
# The compare page's rolling-correlation windows (in periods: pages/compare.py's ROLL_OPTIONS
# without Auto, checked by tests/test_digest.py) a link may ask for.
ROLL_OPTIONS = ("8", "12", "13", "20", "26", "52", "63", "126", "252")
_PERIODS_PER_WEEK = {"daily": 5.0, "weekly": 1.0, "monthly": 12 / 52, "quarterly": 4 / 52}
_WEEKS = {"4W": 4, "13W": 13, "26W": 26, "1Y": 52}


def screen_inputs(candidates: Mapping[str, CandidateSeries]) -> list[ScreenSeries]:
    return [
        ScreenSeries(i, c.series, c.frequency, c.metric.change, c.metric.aggregation)
        for i, c in candidates.items()
    ]


def screen(
    candidates: Mapping[str, CandidateSeries],
    recent: str = DEFAULT_RECENT,
    long: str = DEFAULT_LONG,
    progress: Callable[[float, str], None] | None = None,
) -> Screen:
    return screen_pairs(
        screen_inputs(candidates), recent=RECENT_WINDOWS[recent], long=LONG_WINDOWS[long], progress=progress
    )


@dataclass(frozen=True)
class ScreenFilters:
    domains: tuple[str, ...] = ()  # empty: every domain
    frequencies: tuple[str, ...] = ()  # the pair's (coarser) frequency; empty: every one
    min_points: int = DEFAULT_MIN_POINTS
    exclude_mechanical: bool = True
    # Offline samples beside live or imported data: None ranks them only while nothing else is stored.
    include_samples: bool | None = None
    # Pairs whose windows end long before the day of the screen, or hold too little of them.
    include_set_apart: bool = False


def rank(
    screen_result: Screen,
    candidates: Mapping[str, CandidateSeries],
    filters: ScreenFilters,
    *,
    as_of: pd.Timestamp | None = None,
) -> RankedScreen:
    """The filtered pairs ranked, BH over exactly them, with names, domains, provenance and the
    mechanical links the catalog knows. Only the present is ranked: a pair whose windows end more
    than OLD_AFTER_PERIODS periods of its frequency before `as_of` (today by default), or hold less
    than COMPLETE_SHARE of the changes asked of either window, is set apart with the reason
    (RankedScreen.set_apart), never ranked as this week's news; offline samples are ranked beside
    other data only when asked (ScreenFilters.include_samples)."""
    table = screen_result.table
    if not len(table):
        return rank_screen(table)
    as_of = (as_of if as_of is not None else pd.Timestamp(utcnow().date())).normalize()
    metric = {i: c.metric for i, c in candidates.items()}
    sample = {i: c.provenance == "sample" for i, c in candidates.items()}
    table = table.assign(
        name_a=table["a"].map(lambda i: metric[i].name),
        name_b=table["b"].map(lambda i: metric[i].name),
        domain_a=table["a"].map(lambda i: metric[i].domain),
        domain_b=table["b"].map(lambda i: metric[i].domain),
        sample_a=table["a"].map(sample),
        sample_b=table["b"].map(sample),
        mechanical=[
            metric[a].mechanical_link(metric[b]) for a, b in zip(table["a"], table["b"], strict=True)
        ],
        apart=_set_apart_reasons(table, as_of, screen_result),
    )
    table = table.assign(sample=table["sample_a"] | table["sample_b"])
    with_samples = filters.include_samples
    if with_samples is None:
        with_samples = all(sample.values())  # nothing but samples stored: they are all there is

    def keep(t: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=t.index)
        if filters.domains:
            ok &= t["domain_a"].isin(filters.domains) & t["domain_b"].isin(filters.domains)
        if filters.frequencies:
            ok &= t["frequency"].isin(filters.frequencies)
        if filters.exclude_mechanical:
            ok &= t["mechanical"].isna()
        if not with_samples:
            ok &= ~t["sample"]
        return ok

    kept = table[keep(table)]
    apart = kept[kept["apart"].notna()] if not filters.include_set_apart else kept.iloc[:0]
    ranked = rank_screen(kept.drop(index=apart.index), min_points=filters.min_points)
    return replace(
        ranked,
        set_apart=apart.sort_values("end", ascending=False).reset_index(drop=True),
        samples_left_out=0 if with_samples else int(table["sample"].sum()),
    )


def _set_apart_reasons(table: pd.DataFrame, as_of: pd.Timestamp, screened: Screen) -> pd.Series:
    """Why each pair is not ranked as of `as_of` (None: it is): its windows end more than
    OLD_AFTER_PERIODS periods of its frequency before it (weekdays for daily pairs), or the dates the
    pair holds span less than COMPLETE_SHARE of a window (as the pair page's Window says it)."""
    reasons = []
    for frequency, first, end in zip(table["frequency"], table["first"], table["end"], strict=True):
        first, end = pd.Timestamp(first), pd.Timestamp(end)
        if periods_since(end, as_of, frequency) > OLD_AFTER_PERIODS:
            age = int((as_of - end).days)
            reasons.append(f"ends {day_text(end)}, {age:,} days before {day_text(as_of)}")
            continue
        split = end - screened.recent
        reason = None
        for name, start, stop in (("long", split - screened.long, split), ("recent", split, end)):
            held, asked = (stop - max(first, start)).days, (stop - start).days
            if held < COMPLETE_SHARE * asked:
                held_words = span_text(max(held, 0)) if held > 0 else "nothing"
                since = day_text(first)
                reason = f"the {name} window holds {held_words} of its {span_text(asked)} (data from {since})"
                break
        reasons.append(reason)
    return pd.Series(reasons, index=table.index, dtype=object)


def window_dates(end: pd.Timestamp, recent: str, long: str) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
    """The first and last date of each of a pair's windows: the recent one ends on `end` (its last
    common date), the long one on the day the recent one starts (screener: (start, end] windows)."""
    split = end - RECENT_WINDOWS[recent]
    day = pd.Timedelta(days=1)
    return {"recent": (split + day, end), "long": (split - LONG_WINDOWS[long] + day, split)}


def compare_params(
    a: str, b: str, frequency: str, recent: str, long: str, end: pd.Timestamp
) -> dict[str, str]:
    """The compare-page view that shows a break: exactly the two windows' dates, where they meet
    (`split`, the recent window's first day: marked, with each window's correlation), the rolling
    correlation over about the recent window's length (never beyond the frequency's longest)."""
    spans = window_dates(end, recent, long)
    periods = _WEEKS[recent] * _PERIODS_PER_WEEK[frequency]
    offered = [o for o in ROLL_OPTIONS if int(o) <= MAX_ROLLING_WINDOW[frequency]]
    roll = min(offered, key=lambda o: abs(int(o) - periods))
    dates = dates_text(spans["long"][0], spans["recent"][1])
    split = f"{spans['recent'][0]:%Y-%m-%d}"
    return {"a": a, "b": b, "dates": dates, "split": split, "view": "Rolling correlation", "roll": roll}


def lead_lag_params(a: str, b: str, end: pd.Timestamp, recent: str, long: str, window: str) -> dict[str, str]:
    """The compare page's lead-lag view on exactly one of the pair's windows ("recent" or "long")."""
    first, last = window_dates(end, recent, long)[window]
    return {"a": a, "b": b, "dates": dates_text(first, last), "view": "Lead-lag"}


def compare_link(params: Mapping[str, str], base: str = "./") -> str:
    return f"{base}?{urlencode(params)}"
