"""The screener's cached computation and its table, for pages/screener.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from ..analytics.screener import FDR, SCREEN_MAX_LAG, RankedScreen
from ..jobs import screening
from ..metrics.formatting import periods
from .data import store_location, store_version
from .related import candidates as stored_candidates

SCREENS_KEPT = 8


# The screens computed so far, shared by every session. Not an st.cache function: the progress
# bar is drawn while a screen computes, and Streamlit would replay those calls on a cache hit.
@st.cache_resource(show_spinner=False)
def _screens() -> dict:
    return {}


def screen_with_progress(recent: str, long: str):
    """The screen for these windows at the store's version, with a progress bar while a new one
    is computed (new data is a new version, so a kept screen is never stale for its data)."""
    version, location = store_version(), store_location()
    candidates = stored_candidates(version, location)
    kept, key = _screens(), (recent, long, version, location)
    if key not in kept:
        bar = st.progress(0.0, text="Screening every pair…")

        def progress(done: float, what: str) -> None:
            bar.progress(min(max(done, 0.0), 1.0), text=f"Screening {what}…")

        kept[key] = screening.screen(candidates, recent, long, progress=progress)
        while len(kept) > SCREENS_KEPT:
            kept.pop(next(iter(kept)))
        bar.empty()
    return kept[key], candidates


def summary(ranked: RankedScreen, screened: int, metrics: int, end: pd.Timestamp, min_points: int) -> str:
    """One line with every count the multiple-testing correction needs, and one for lead-lag shifts."""
    shown = len(ranked.table)
    return (
        f"{screened:,} pairs from {metrics} metrics with data, each over windows ending on its last "
        f"common date (the newest {end:%Y-%m-%d}); {shown:,} pass "
        f"the filters with at least {min_points} changes in each window and {ranked.tested:,} of them "
        f"have a test. {ranked.below_threshold:,} have p < {FDR:g} before correction, where about "
        f"{ranked.expected_by_chance:,.0f} would by chance alone if no relationship had changed; "
        f"**{ranked.discoveries:,} pass Benjamini-Hochberg at a {FDR:.0%} false-discovery rate**.\n\n"
        f"Lead-lag: {ranked.lead_shifts:,} of the {ranked.lead_searched:,} pairs whose lead could be "
        f"searched in both windows changed their lead, where about {ranked.lead_shifts_by_chance:,.0f} "
        "would by chance if no pair had a relationship at any lag: a shift is a screen, not a finding."
    )


def lead_words(lead: float, lead_r: float, frequency: str) -> str:
    """ "A by 3 trading days", "same period", "none" (searched, no lead called), "—" (not searched)."""
    if not np.isfinite(lead_r):
        return "—"
    if not np.isfinite(lead):
        return "none"
    if lead == 0:
        return "same period"
    return f"{'A' if lead > 0 else 'B'} by {periods(int(abs(lead)), frequency)}"


def table(
    ranked: RankedScreen, recent: str, long: str, limit: int, *, lead_shifts_only: bool = False
) -> pd.DataFrame:
    t = ranked.table
    if lead_shifts_only:
        t = t[t["lead_shift"]]
    t = t.head(limit)
    rows = list(zip(t["a"], t["b"], t["frequency"], t["end"], strict=True))
    return pd.DataFrame(
        {
            "Open": [
                screening.compare_link(screening.compare_params(a, b, f, recent, long, e))
                for a, b, f, e in rows
            ],
            "A": named(t, "a"),
            "B": named(t, "b"),
            "Pair": named(t, "a") + " vs " + named(t, "b"),
            "Frequency": t["frequency"],
            f"r, {screening.LONG_WORDS[long]} before": t["r_long"],
            f"r, last {screening.RECENT_WORDS[recent]}": t["r_recent"],
            "Change": t["change"],
            "p": t["pvalue"],
            "q (BH)": t["qvalue"],
            "Lead before": [
                lead_words(k, r, f)
                for k, r, f in zip(t["lead_long"], t["lead_r_long"], t["frequency"], strict=True)
            ],
            "Lead recent": [
                lead_words(k, r, f)
                for k, r, f in zip(t["lead_recent"], t["lead_r_recent"], t["frequency"], strict=True)
            ],
            "Lead-lag": [
                screening.compare_link(screening.lead_lag_params(a, b, e, recent, long, "recent"))
                for a, b, _, e in rows
            ],
            "Spread z": t["spread_z"],
            "Ends": t["end"].dt.date,
            "Changes (recent)": t["n_recent"].astype(int),
            "Changes (long)": t["n_long"].astype(int),
        }
    )


def named(t: pd.DataFrame, side: str) -> pd.Series:
    """Metric names, " (sample)" on the one that is an offline sample (never on its partner)."""
    return t[f"name_{side}"] + t[f"sample_{side}"].map({True: " (sample)", False: ""})


def set_apart_table(ranked: RankedScreen) -> pd.DataFrame:
    """The pairs the filters keep that the ranking leaves out, with why (stale, or short windows)."""
    t = ranked.set_apart
    return pd.DataFrame({"A": named(t, "a"), "B": named(t, "b"), "Ends": t["end"].dt.date, "Why": t["apart"]})


def column_order(recent: str, long: str) -> list[str]:
    """The columns shown, those that matter first (a phone shows the first few, the rest scroll):
    the pair, how much its correlation changed, the corrected q-value, the link; then the evidence.
    A and B stay in the table (its download) but are shown as the pair."""
    return [
        "Pair", "Change", "q (BH)", "Open",
        f"r, {screening.LONG_WORDS[long]} before", f"r, last {screening.RECENT_WORDS[recent]}", "p",
        "Lead before", "Lead recent", "Lead-lag", "Spread z", "Frequency", "Ends", "Changes (recent)",
        "Changes (long)",
    ]  # fmt: skip


def lag_words() -> str:
    return ", ".join(periods(k, f) for f, k in SCREEN_MAX_LAG.items())


def column_config(recent: str, long: str) -> dict:
    r = st.column_config.NumberColumn
    return {
        # Pinned and of medium width: a phone still shows the change, q and the link beside it.
        "Pair": st.column_config.TextColumn(
            "Pair", pinned=True, width="medium", help="A vs B, as the compare page opens them"
        ),
        "Open": st.column_config.LinkColumn(
            "Open",
            display_text="Compare",
            help="The pair on the compare page on exactly both windows' dates, with the rolling correlation",
        ),
        f"r, {screening.LONG_WORDS[long]} before": r(
            format="%+.2f",
            help="Correlation of changes over the long window, which ends where the recent one starts",
        ),
        f"r, last {screening.RECENT_WORDS[recent]}": r(
            format="%+.2f", help="Correlation of changes over the recent window"
        ),
        "Change": r(format="%+.2f", help="Recent r minus long r"),
        "p": r(
            format="%.2g",
            help="Two-sided test of the difference of Fisher z's, each at its Bartlett "
            "effective sample size (autocorrelation-adjusted)",
        ),
        "q (BH)": r(format="%.2g", help="Benjamini-Hochberg adjusted p over the pairs in this table"),
        "Lead before": st.column_config.TextColumn(
            help="Which metric led in the long window: A's changes against B's up to "
            f"{lag_words()} earlier or later, a lead called only outside the band the pair page "
            "uses (Bonferroni over the lags searched, Bartlett-adjusted). none: searched, no lead; "
            "—: too few changes to search"
        ),
        "Lead recent": st.column_config.TextColumn(help="The same, over the recent window"),
        "Lead-lag": st.column_config.LinkColumn(
            "Lead-lag",
            display_text="Recent",
            help="The pair's lead-lag view on exactly the recent window's dates",
        ),
        "Spread z": r(
            format="%+.1f",
            help="Today's gap between the two z-scored levels, in standard "
            "deviations of that gap over both windows",
        ),
    }
