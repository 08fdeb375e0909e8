"""The release calendar page's parts: each expected release as a link to its metric, and FRED's own
calendar offered with a key (asked once a day: two paced requests per metric)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..data.loaded import offline_mode
from ..jobs.calendar import ExpectedRelease, fred_schedules
from ..metrics.catalog import catalog
from ..metrics.formatting import day_text
from ..store import Store, utcnow

_ASKED = "_fred_calendar_asked"


@st.cache_resource(ttl=24 * 3600, max_entries=4, show_spinner=False)
def _schedules(day: str, weeks: int) -> tuple[dict, list[str]]:
    from ..sources import get_source

    return fred_schedules(get_source("fred"), catalog(), utcnow(), weeks)


def fred_schedules_offer(store: Store, weeks: int) -> dict | None:
    """FRED's release dates per metric when this server has a key and the user asked for them (never
    on a store replicas share, whose page views never fetch); None otherwise."""
    from ..sources import get_source

    if offline_mode() or store.shared or getattr(get_source("fred"), "mode", None) != "api":
        return None
    if not st.session_state.get(_ASKED):
        asked = st.button(
            "Ask FRED for its release calendar",
            icon=":material/event:",
            help="Two requests per metric, paced: about half a minute, then kept for the day.",
        )
        if asked:
            st.session_state[_ASKED] = True
            st.rerun()
        return None
    with st.spinner("Asking FRED for its release calendar…"):
        schedules, failed = _schedules(f"{pd.Timestamp(utcnow()):%Y-%m-%d}", weeks)
    for reason in failed:
        st.caption(f"FRED's calendar could not be read for one metric ({reason}); its rule is used.")
    return schedules


def releases_list(releases: tuple[ExpectedRelease, ...], bases: dict[str, str]) -> None:
    """One line per expected release, by due time, each a link to the metric's explorer."""
    if not releases:
        st.info("No release is expected in these weeks for the metrics stored here.", icon=":material/event:")
        return
    for r in releases:
        period = (
            ""
            if r.period is None
            else f" · value for {r.period:%b %Y}"
            if r.period.day == 1
            else (f" · value for {day_text(r.period)}")
        )
        overdue = " · :orange-badge[Overdue]" if r.overdue else ""
        st.page_link(
            "pages/metric.py",
            label=f"{r.due:%a %d %b %Y %H:%M} · {r.name}{period} ({bases[r.basis]}){overdue}",
            query_params={"metric": r.metric_id},
            icon=":material/event:",
        )
