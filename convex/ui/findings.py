"""What a link was opened to show, marked on the compare page: where a screener row's two windows
meet (`split`: the first day of the recent window), with both windows' correlations in the rolling
correlation chart and the statistics; the day a scenario episode's move of A is known (`signal`),
on every chart. Both are dates in the URL, cleared with the link's dates."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..analytics.split import SplitCorrelation, split_correlation
from ..analytics.windows import day
from ..content.words import short_name
from ..metrics.formatting import format_pvalue, format_r
from ..metrics.metric import Metric
from .analysis import PairView

KEYS = ("split", "signal")
SPLIT_LABEL = "Where the windows meet"


def valid_day(text: str) -> bool:
    """For check_url: one date, YYYY-MM-DD."""
    return day(text) is not None


def from_url() -> dict[str, pd.Timestamp | None]:
    """The link's `split` and `signal` (check_url removed invalid ones), kept in session state so
    that the share link carries them."""
    found = {}
    for key in KEYS:
        given = st.query_params.get_all(key)
        value = given[-1] if given and valid_day(given[-1]) else None
        st.session_state[key] = value
        found[key] = day(value) if value else None
    return found


def clear() -> None:
    """With the link's dates: a lookback chosen instead leaves the link's marks behind."""
    for key in KEYS:
        st.session_state[key] = None
        if key in st.query_params:
            del st.query_params[key]


def marks(found: dict[str, pd.Timestamp | None], metric_a: Metric) -> tuple[tuple, str]:
    """The dates every chart marks and the legend's name for them."""
    if found["split"] is not None:
        return ((found["split"], "the recent window starts"),), SPLIT_LABEL
    if found["signal"] is not None:
        words = f"{short_name(metric_a)}'s move known (the signal)"
        return ((found["signal"], words),), words
    return (), ""


def split_of(view: PairView, split: pd.Timestamp | None) -> SplitCorrelation | None:
    """Both windows' correlations of changes, when the link names where they meet inside the window."""
    aligned = view.report.aligned
    if split is None or aligned.n < 2 or not (aligned.start < split <= aligned.end):
        return None
    return view.kept(("split", split), lambda: split_correlation(aligned, split))


def _window_words(w) -> str:
    if w.r is None:
        return f"n/a ({w.insufficient})"
    return f"{format_r(w.r)} (95% interval {format_r(w.ci_low)} to {format_r(w.ci_high)}, {w.n} changes)"


def levels(split: SplitCorrelation) -> list[tuple[pd.Timestamp, pd.Timestamp, float, str]]:
    """Each window's correlation drawn across it in the rolling correlation chart."""
    out = []
    for name, w in (("before", split.before), ("from", split.after)):
        if w.r is not None:
            out.append((w.first, w.last, w.r, f"{name} {split.split:%Y-%m-%d}: r = {format_r(w.r)}"))
    return out


def split_panel(split: SplitCorrelation | None, metric_a: Metric, metric_b: Metric) -> None:
    """The statistics' view of the two windows: each one's correlation of changes and the test of
    their difference, as the screener ranks them."""
    if split is None:
        return
    when = f"{split.split:%d %b %Y}"
    st.markdown(f"**Two windows, as the screener compared them** (they meet on {when})")
    left, right = st.columns(2)
    left.metric(f"Correlation of changes before {when}", format_r(split.before.r),
                help=_window_words(split.before))  # fmt: skip
    right.metric(
        f"Correlation of changes from {when}",
        format_r(split.after.r),
        f"{split.change:+.2f}" if split.change is not None else None,
        delta_color="off",
        help=_window_words(split.after),
    )
    test = (
        f"the difference has p = {format_pvalue(split.pvalue)} (Fisher z at Bartlett's effective sizes, as "
        "the screener tests it)"
        if split.pvalue is not None
        else "too few changes in a window to test the difference"
    )
    st.caption(
        f"{short_name(metric_a)} against {short_name(metric_b)}: before, {_window_words(split.before)}; "
        f"from {when}, {_window_words(split.after)}; {test}. Computed on this page's aligned dates; the "
        "screener's own calendar can give slightly different figures. The correlation over the whole "
        "window is below."
    )
