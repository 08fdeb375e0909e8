"""The compare page's charts and the controls that change only them, in one st.fragment.

A change of the chart transform, the spread, the overlay's axes, the value axis, the shading or the
open tab reruns this part alone: about a dozen element messages instead of the page's 150, and the
statistics and text below are left as they are in the browser. The pickers, windows and settings
that change the statistics (lookback, dates, as-of day, FRED's units, rolling and statistics
windows) stay in the sidebar; a change there reruns the whole page, this part included. The share
link above the charts is part of the fragment, so that it always shows every control's value.
(AppTest reruns the whole script even for a fragment's widget: tests see the same page either way.)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import streamlit as st

from ..data.loaded import LoadedSeries
from ..metrics.recessions import Recessions
from . import analysis, asof_control, chart_controls, pair_charts
from .runs import page_run
from .url import share_api, share_url

VIEWS = list(pair_charts.TABS)


@dataclass(eq=False)
class ChartPart:
    """What the fragment draws from, made by the page's run and kept by Streamlit for the fragment's
    own reruns (the page's next run makes a new one)."""

    la: LoadedSeries
    lb: LoadedSeries
    choice: analysis.Choice  # its spread kind is the spread control's value when the page ran
    view: analysis.PairView  # the page's analysis for `choice`
    transforms: dict[str, str]  # the transform and spread options: words shown (and in the URL) -> kind
    spreads: dict[str, str]
    url_defaults: dict  # every URL parameter the share link may leave out, with its default
    aligned_words: str  # the aligned data's caption
    mechanical: str | None  # the info box of a pair linked by construction
    recessions: Recessions  # the table the shading control offers
    ids: tuple[str, str]
    span: str
    asof: str | None
    session_only: list[str]  # names of uploads that live only in this browser session
    marks: tuple = ()
    mark_label: str = ""
    split: object = None  # findings.split_of: two windows' correlations, drawn in the rolling chart
    units_note: str = ""
    # The view as last drawn (with the spread chosen here): the page's JSON download reads it.
    drawn: dict = field(default_factory=dict)

    def shown_view(self) -> analysis.PairView:
        return self.drawn.get("view", self.view)


def spread_from_state(spreads: dict[str, str], default: str) -> str:
    """The spread kind the control holds (its value in this session, else the link's, else the
    default), known before the control is drawn: the page's analysis computes that spread."""
    words = st.session_state.get("spread") or st.query_params.get("spread")
    return spreads.get(words, default)


@st.fragment
def draw(part: ChartPart) -> None:
    """Share link, aligned data's caption, chart controls, chart tabs and the notes under them."""
    with page_run():  # work done ahead in the background waits while this part runs, as for pages
        _draw(part)


def _draw(part: ChartPart) -> None:
    share_slot = st.empty()  # filled once every control has cleaned the URL, so the link is what is shown
    st.caption(part.aligned_words)
    if part.mechanical:
        st.info(part.mechanical, icon=":material/calculate:")
    transform, spread_kind, dual_axis, look = _controls(part)
    view = part.view
    if spread_kind != part.choice.spread_kind:  # the same analysis with another spread (cached)
        view = analysis.pair_view(part.la, part.lb, replace(part.choice, spread_kind=spread_kind))
    part.drawn["view"] = view
    views = st.tabs(VIEWS, key="view", bind="query-params")
    with share_slot:
        _share(part)
    options = pair_charts.ChartOptions(
        transform, dual_axis, spread_kind, look, part.marks, part.mark_label, part.split
    )
    for name, tab in zip(VIEWS, views, strict=True):
        with tab:
            if tab.open:
                pair_charts.TABS[name](view, options)
    thinned_note = pair_charts.display(view)[1]
    if thinned_note:
        st.caption(thinned_note)
    aligned = view.report.aligned
    chart_controls.recession_note(look, aligned.start, aligned.end)
    st.caption(part.units_note)


def _controls(part: ChartPart) -> tuple[str, str, bool, chart_controls.ChartLook]:
    """The controls beside the charts, in one row, each bound to the URL as it was in the sidebar."""
    first, second, third, fourth, fifth = st.columns([3, 3, 2, 3, 3], vertical_alignment="bottom")
    transform = part.transforms[
        first.selectbox(
            "Chart transform",
            list(part.transforms),
            key="transform",
            bind="query-params",
            help="Level: each series in its own units. Rebased: both start at 100. Z-score: standard "
            "deviations from the mean of the lookback. Change: change per period.",
        )
    ]
    spread_kind = part.spreads[
        second.selectbox(
            "Spread",
            list(part.spreads),
            key="spread",
            bind="query-params",
            help="Z-score: z of A minus z of B. Performance: both rebased to 100, A minus B, in points. "
            "Ratio: A / B (positive, price-like pairs). Residual: A's level beyond what a regression on "
            "B's level explains.",
        )
    ]
    look = chart_controls.controls(part.recessions, scale_at=third, shading_at=fifth)
    dual_axis = fourth.toggle(
        "Overlay on two axes",
        key="dual",
        bind="query-params",
        help="Each series on its own y axis in the overlay chart.",
    )
    return transform, spread_kind, dual_axis, look


def _share(part: ChartPart) -> None:
    a_id, b_id = part.ids
    choice = part.choice
    with st.popover("Share this view", icon=":material/share:"):
        st.caption("The address bar is the share link: opening it restores this exact view.")
        if part.asof:
            known_on = asof_control.known_on_words(part.asof)
            st.caption(
                f"{known_on}: the link, the API and the Python below show the pair as it was known then."
            )
        st.code(share_url(part.url_defaults), language=None, wrap_lines=True)
        api_address, snippet = share_api(
            a_id, b_id, part.span, choice.rolling_window, choice.stats_window, part.asof
        )
        st.caption(
            "The same figures for a program: this view's JSON from this deployment's API, and in Python "
            "(`import convex`, reading a store that holds the same data)."
        )
        st.code(api_address, language=None, wrap_lines=True)
        st.code(snippet, language="python")
        if part.session_only:
            st.warning(
                f"{' and '.join(part.session_only)} lives only in this browser session, so this link "
                "opens it here and nowhere else. To share it, tick “Keep it in this deployment's store” "
                "under Your data and use it again.",
                icon=":material/link_off:",
            )
