"""Every pair ranked by how much its relationship changed; every filter bound to the URL."""

from __future__ import annotations

import streamlit as st

from convex import ui
from convex.jobs import screening
from convex.metrics.metric import DOMAINS, FREQUENCIES
from convex.ui import screener_panel
from convex.ui.url import whole_number

ui.ensure_app_navigation()

SHOWN = 200
# Bound pickers put the shown option in the URL: the options are the words, mapped to the windows.
RECENT_BY_WORDS = {words: key for key, words in screening.RECENT_WORDS.items()}
LONG_BY_WORDS = {words: key for key, words in screening.LONG_WORDS.items()}
MIN_POINTS_RANGE = (3, 500)


def valid_min_points(value: str) -> bool:
    return whole_number(value, *MIN_POINTS_RANGE) is not None


notices = ui.check_url(
    {
        "recent": list(RECENT_BY_WORDS),
        "long": list(LONG_BY_WORDS),
        "domain": DOMAINS,
        "freq": FREQUENCIES,
        "min": valid_min_points,
        "mechanical": None,
        "leads": None,
        "samples": None,
        "apart": None,
    },
    multi=["domain", "freq"],
)

with st.sidebar:
    st.subheader("Screen")
    recent = RECENT_BY_WORDS[
        st.selectbox("Recent window", list(RECENT_BY_WORDS), index=1, key="recent", bind="query-params")
    ]
    long = LONG_BY_WORDS[
        st.selectbox(
            "Compared with the window before it",
            list(LONG_BY_WORDS),
            index=1,
            key="long",
            bind="query-params",
        )
    ]
    domains = st.multiselect(
        "Domains (both metrics)", DOMAINS, key="domain", placeholder="Every domain", bind="query-params"
    )
    frequencies = st.multiselect(
        "Frequency of the pair", FREQUENCIES, key="freq", placeholder="Every frequency", bind="query-params"
    )
    min_points = st.number_input(
        "Minimum changes in each window",
        *MIN_POINTS_RANGE,
        value=screening.DEFAULT_MIN_POINTS,
        step=1,
        key="min",
        bind="query-params",
        help="Monthly pairs have about 3 changes in 13 weeks: choose a longer recent window for them.",
    )
    exclude = st.checkbox(
        "Exclude mechanically linked pairs",
        value=True,
        key="mechanical",
        bind="query-params",
        help="Pairs built from the same data (a derived metric and its inputs) or "
        "linked by a pricing identity the catalog lists",
    )
    with_samples = st.checkbox(
        "Rank offline samples beside stored data",
        value=False,
        key="samples",
        bind="query-params",
        help="The offline samples (real data shipped in Python packages, ending 2009-2019) are ranked "
        "only while nothing else is stored, unless this is ticked.",
    )
    with_apart = st.checkbox(
        "Rank old or short windows too",
        value=False,
        key="apart",
        bind="query-params",
        help="Pairs whose windows end more than two periods before today, or hold less than 90% of the "
        "changes asked of a window, are listed apart below the ranking unless this is ticked.",
    )
    leads_only = st.checkbox(
        "Only pairs whose lead-lag shifted",
        value=False,
        key="leads",
        bind="query-params",
        help="Shows only the pairs whose lead called in the recent window differs from the long one's; "
        "the ranking and the correction stay those of every pair the other filters keep.",
    )

for text in notices:
    st.warning(text, icon=":material/link_off:")

st.title("Divergence screener")
st.caption(
    f"Every pair of metrics with data, ranked by how much the correlation of their changes over the last "
    f"{screening.RECENT_WORDS[recent]} differs from the {screening.LONG_WORDS[long]} before it. Samples "
    "are labelled; each row opens the pair with both windows in view."
)

result, candidates = screener_panel.screen_with_progress(recent, long)
if len(candidates) < 2:
    st.info("The screen needs at least two metrics with data.", icon=":material/info:")
    st.page_link("pages/status.py", label="See what is stored, and refresh", icon=":material/database:")
    st.stop()

filters = screening.ScreenFilters(
    tuple(domains), tuple(frequencies), int(min_points), exclude, with_samples or None, with_apart
)
ranked = screening.rank(result, candidates, filters)
st.markdown(screener_panel.summary(ranked, len(result.table), len(candidates), result.end, int(min_points)))
if not len(ranked.table):
    st.info(
        "No pair passes these filters: widen the domains or frequencies, or lower the minimum number "
        "of changes.",
        icon=":material/filter_alt_off:",
    )
else:
    shown = screener_panel.table(ranked, recent, long, SHOWN, lead_shifts_only=leads_only)
    listed = ranked.lead_shifts if leads_only else len(ranked.table)
    if not len(shown):
        st.info("No pair's lead-lag shifted between the two windows.", icon=":material/filter_alt_off:")
    else:
        st.dataframe(
            shown,
            hide_index=True,
            column_config=screener_panel.column_config(recent, long),
            column_order=screener_panel.column_order(recent, long),
            height=560,
        )
    if listed > SHOWN:
        st.caption(f"The {SHOWN} smallest p-values of {listed:,} pairs.")
    st.download_button(
        "Download the screen (CSV)",
        data=lambda: ranked.table.to_csv(index=False),
        file_name=f"convex-screen-{recent}-{long}.csv",
        mime="text/csv",
        on_click="ignore",
    )

apart = ranked.set_apart
if apart is not None and len(apart):
    heading = f"{len(apart):,} pairs set apart: their windows end long before today or hold too little"
    with st.expander(heading):
        st.caption("Not ranked and not in the Benjamini-Hochberg correction: a window that ended long ago is "
                   "not this week's news, and one that holds a fraction of its span is not the comparison "
                   "asked for. Tick “Rank old or short windows too” to rank them.")  # fmt: skip
        st.dataframe(screener_panel.set_apart_table(ranked), hide_index=True)
if ranked.samples_left_out:
    st.caption(
        f"{ranked.samples_left_out:,} pairs with an offline sample are not ranked beside stored data; "
        "tick “Rank offline samples beside stored data” to include them."
    )

with st.expander("How the screen is computed"):
    st.markdown(
        "- Every series is put on one calendar per frequency (weekdays; weeks ending Friday; month and "
        "quarter ends), each period holding its last value (for a pair whose coarser metric is an average, "
        "the other's average over the period). A pair is screened at its coarser frequency; changes are "
        "taken only between consecutive periods. The compare page aligns on the series' own dates, so its "
        "figures can differ slightly.\n"
        "- The two windows do not overlap: the long one ends where the recent one starts, and the recent one "
        "ends on the pair's last common date (the earlier of its two series' last dates, shown as Ends).\n"
        "- The test compares the two Fisher z's, each with the variance of Bartlett's effective sample size "
        "n / (1 + 2 Σ ρA(k) ρB(k)), so autocorrelated changes do not pass for more data than they are.\n"
        "- Benjamini-Hochberg (statsmodels `multipletests`) runs over exactly the pairs the filters keep. It "
        "controls the false-discovery rate for independent or positively dependent tests; pairs sharing a "
        "metric are dependent, so read the count as a guide.\n"
        "- Lead-lag: in each window, the lag (A's change against B's that many periods later, or earlier) "
        "with the largest |r|, searched up to "
        f"{screener_panel.lag_words()}, is a lead only outside the band the pair page "
        "uses (1.96·√(f/n) widened by Bonferroni for the lags searched, f Bartlett's factor); the pair page "
        "searches more lags. A shift is a lead called in one window and not the same in the other. Each "
        "window calls a lead by chance at most 5% of the time, so about one pair in ten shows a shift with "
        "no relationship at all: the summary line gives that count. Open “Lead-lag · Recent” to see the lags "
        "of the recent window."
    )
