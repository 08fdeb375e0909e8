"""Revisions on the pages: the explorer's section for a metric with vintages (first release against
today for each period, the revision statistics, the latest periods' revisions), and the compare
page's note on whether the pair's figures differ on first releases."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..analytics.revisions import recent_revisions, revision_impact, revision_stats
from ..charts.metric import revisions_chart
from ..content.revisions import impact_sentence, revision_lines
from ..data.asof import first_published
from ..data.loaded import LoadedSeries
from ..data.vintage_refresh import wants_vintages
from ..metrics.formatting import format_share, format_value
from ..metrics.metric import Metric
from ..sources.vintages import revision_frame
from .analysis import pair_stats
from .data import CACHE_TTL_S, _loader, _store, store_location, store_version
from .elements import chart, markdown_table


@st.cache_resource(ttl=CACHE_TTL_S, max_entries=64, show_spinner=False)
def _vintages(metric_id: str, location: str, version: int):
    return _loader(_store(location)).vintages(metric_id)


@st.cache_resource(ttl=CACHE_TTL_S, max_entries=64, show_spinner=False)
def _frame(metric_id: str, location: str, version: int) -> pd.DataFrame | None:
    held = _vintages(metric_id, location, version)
    return None if held is None else revision_frame(held[0])


def vintages(metric_id: str):
    """(vintage table, what it is) of a metric with stored vintages, else None."""
    return _vintages(metric_id, store_location(), store_version())


def explorer_section(metric: Metric, start: pd.Timestamp | None) -> None:
    """The explorer's revisions: for a metric with vintages, each period's first release against
    today (from `start`, the lookback's), the revision statistics over every period and the latest
    periods' revisions; for a macro release without them, how to get them."""
    held = vintages(metric.id)
    if held is None:
        if wants_vintages(metric):
            st.caption(
                f"No vintages of {metric.name} are stored, so its revisions cannot be shown: a refresh with "
                "a FRED key fetches them, and `convex import` reads an ALFRED download (README: As known "
                "on a date)."
            )
        return
    frame = _frame(metric.id, store_location(), store_version())
    st.subheader("Revisions")
    st.caption(f"From {held[1].words}.")
    stats = revision_stats(frame)
    shown = frame if start is None else frame[frame.index > start]
    if len(shown):
        chart(revisions_chart(shown, name=f"{metric.name}: first release and today", units=metric.units))
    c1, c2, c3 = st.columns(3)
    largest_when = f"For {stats.largest_date:%Y-%m-%d}." if stats.largest_date is not None else None
    c1.metric(
        "Mean absolute revision",
        format_value(stats.mean_abs_revision, metric),
        help="Today's value minus the first release, in absolute value, over every period.",
    )
    c2.metric("Largest revision", format_value(stats.largest_revision, metric), help=largest_when)
    c3.metric(
        "Sign of the change revised",
        format_share(stats.sign_revised_share),
        help="Share of periods whose change from the period before has another sign today than when "
        "first published.",
    )
    for line in revision_lines(stats, metric):
        st.markdown(line)
    recent = recent_revisions(frame)
    table = pd.DataFrame(
        {
            "period": [f"{d:%Y-%m-%d}" for d in recent.index],
            "first published": [f"{d:%Y-%m-%d}" for d in recent["released"]],
            "first release": [format_value(v, metric) for v in recent["first"]],
            "today": [format_value(v, metric) for v in recent["latest"]],
            "revision": [format_value(v, metric) for v in recent["revision"]],
            "times revised": recent["revisions"].tolist(),
        }
    )
    st.markdown("**The latest periods' revisions**")
    st.markdown(markdown_table(table))


def pair_note(la: LoadedSeries, lb: LoadedSeries, lookback: str, rolling_window: int | None, stats) -> None:
    """On the compare page: the pair's correlation of changes and beta with the metrics that have
    vintages as first published, against today's figures (`stats`), said as a note when they differ
    materially and in a caption when not. Nothing for a view as known on a past day (its series are
    already the vintages in force then) or without vintages."""
    if la.as_of is not None or lb.as_of is not None:
        return
    parts, said = [], []
    for ls in (la, lb):
        held = vintages(ls.metric.id)
        if held is None:
            parts.append(ls)
            continue
        first, known = first_published(ls, held[0])
        parts.append(first)
        said.append((ls.metric.name, known, len(ls.series)))
    if not said:
        return
    impact = revision_impact(stats, pair_stats(parts[0], parts[1], lookback, rolling_window))
    sentence = impact_sentence(impact, said)
    if impact.material:
        st.warning(sentence, icon=":material/history_edu:")
    else:
        st.caption(sentence)
