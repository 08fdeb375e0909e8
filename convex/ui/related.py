"""Rankings across every stored metric: related comparisons on the compare page, strongest
relationships in the explorer, and the candidates both rank (what the screener screens too).

Ranking related pairs aligns about two hundred pairs (0.4-1 s over 25 years of data): on a page's
first view it is computed in the background while the rest of the page is drawn, and the section
waits for it (RELATED_WAIT_S), or shows it once it is ready (see `analysis.later`).
"""

from __future__ import annotations

import streamlit as st

from ..api.settings import env_number
from ..content import CandidateSeries, related_pairs, strongest_relationships
from ..content.words import short_name
from ..data.loader import Loader
from ..metrics.catalog import catalog
from ..metrics.formatting import day_text, format_pvalue
from ..metrics.freshness import freshness
from ..metrics.metric import Metric
from ..store import StoreError, utcnow
from .analysis import later
from .data import _store, store_location, store_version
from .pickers import pair_label
from .url import redraw

RELATED_LOOKBACK = "3Y"
# How long the section, near the end of the page, waits for a ranking still being computed. A ranking
# not ready by then is drawn by a second run of the whole page once it is (`_ranking`), which made a
# fresh server's first view complete in the browser after 7.3 s instead of 6.3 s (medians of 8), so
# the wait covers a first ranking (0.4-1 s, 183 pairs over 25 years) and defers only a slower one.
# CONVEX_RELATED_WAIT_S sets it (0 to 30 seconds).
RELATED_WAIT_S = min(env_number("CONVEX_RELATED_WAIT_S", 2.0, 0.0), 30.0)


# Keyed on the store's version, so no TTL: a new version is a new entry, an old one is never stale.
@st.cache_resource(max_entries=2, show_spinner=False)
def candidates(version: int, location: str) -> dict[str, CandidateSeries]:
    """Every metric with stored data (derived ones from their inputs), read without fetching."""
    stored = Loader(_store(location), offline=True).stored()
    return {i: CandidateSeries(ls.series, ls.metric, ls.frequency, ls.provenance) for i, ls in stored.items()}


@st.cache_resource(max_entries=2, show_spinner=False)
def _known_correlations(version: int, location: str) -> dict:
    """Correlations of candidate pairs computed so far for this version of the data: a new pair's
    ranking shares every pair it has in common with earlier rankings (those sharing one metric)."""
    return {}


@st.cache_resource(max_entries=64, show_spinner=False)
def _related(a_id: str, b_id: str, lookback: str, version: int, location: str):
    known = _known_correlations(version, location)
    return related_pairs(a_id, b_id, candidates(version, location), lookback=lookback, known=known)


@st.cache_resource(max_entries=64, show_spinner=False)
def _strongest(metric_id: str, version: int, location: str):
    known = _known_correlations(version, location)
    return strongest_relationships(metric_id, candidates(version, location), lookback="3Y", known=known)


CACHED = (candidates, _known_correlations, _related, _strongest)


def related_pairs_for(a_id: str, b_id: str):
    """Six pairs that share a metric or the domain pair, ranked over a fixed 3 years so that the
    ranking (the costly part) does not change, or recompute, with the page's lookback."""
    with st.spinner("Ranking related pairs…"):
        return _related(a_id, b_id, RELATED_LOOKBACK, store_version(), store_location())


def related_comparisons_section(a_id: str, b_id: str, lookback: str) -> None:
    st.subheader("Related comparisons")
    args = (a_id, b_id, RELATED_LOOKBACK, store_version(), store_location())
    key = ("related", *args)
    related = later(key, lambda: _related(*args), wait_s=0)  # the ranking if ready, else started
    if related is None:
        with st.spinner("Ranking related pairs…"):  # shown once the wait has lasted half a second
            related = later(key, None, wait_s=RELATED_WAIT_S)
    if related is None:
        _ranking(key)
        return
    if not related:
        st.caption("No other pair with data shares a metric or a domain pair with this one yet.")
        return
    stored = candidates(store_version(), store_location())
    for pair in related:
        st.page_link(
            "pages/compare.py",
            label=pair_label(pair.a_id, pair.b_id),
            query_params={"a": pair.a_id, "b": pair.b_id, "lookback": lookback},
            icon=":material/compare_arrows:",
        )
        st.caption(" · ".join([pair.reason, *stale_notes((pair.a_id, pair.b_id), stored)]))


@st.fragment(run_every=0.5)
def _ranking(key: tuple) -> None:
    """While the ranking computes: say so, and redraw the page once it is ready (the page then reads
    like any view whose ranking was cached)."""
    try:
        ready = later(key, None, wait_s=0) is not None
    except StoreError as exc:  # a fragment's own run is not the page's: its guard is not around it
        st.caption(f"Related pairs cannot be ranked now: {exc.public}")
        return
    if ready:
        redraw()
    st.caption("Ranking related pairs…")


def stale_notes(ids, stored: dict[str, CandidateSeries]) -> list[str]:
    """ "SPY: stale, latest 23 Feb 2026" for each of `ids` whose next value should have come and
    did not (convex/metrics/freshness.py): a ranking is only as current as its data."""
    now, notes = utcnow(), []
    for metric_id in ids:
        found = stored.get(metric_id)
        if found is None or not len(found.series):
            continue
        state = freshness(found.metric, found.series.index[-1], now)
        if state.stale:
            notes.append(f"{short_name(found.metric)}: stale, latest {day_text(state.last)}")
    return notes


def strongest_relationships_section(metric: Metric) -> None:
    with st.spinner("Ranking relationships…"):
        found = _strongest(metric.id, store_version(), store_location())
    if not found:
        st.caption("No other metric with data has enough history in common with this one.")
        return
    st.caption("Catalog metrics with data, ranked by the correlation of changes over the last 3 years.")
    stored = candidates(store_version(), store_location())
    for rel in found:
        st.page_link(
            "pages/compare.py",
            label=f"{short_name(catalog().get(rel.metric_id))}: r {rel.correlation:+.2f}",
            query_params={"a": metric.id, "b": rel.metric_id},
            icon=":material/compare_arrows:",
            help=f"{rel.frequency} changes, n = {rel.n}, 95% interval {rel.ci_low:+.2f} to "
            f"{rel.ci_high:+.2f}, p = {format_pvalue(rel.pvalue)}",
        )
        notes = [] if rel.significant else [f"not significant (p {format_pvalue(rel.pvalue)})"]
        if rel.provenance == "sample":
            notes.append("offline sample data")
        notes += stale_notes((rel.metric_id,), stored)
        if notes:
            st.caption(" · ".join(notes))
