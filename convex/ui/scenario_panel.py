"""The "Scenarios & forecasts" section: controls bound to the URL, sentences, charts, episodes.

It computes only while its expander is open (the rest of the page never waits for it), once per
choice of data and settings, shared across sessions. The expander and its body are one st.fragment:
opening or closing it, or changing its move or horizon, reruns the section alone, not the page above.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import streamlit as st

from ..analytics.align import align_pair, dates_text, lower_frequency, reference_date
from ..analytics.cointegration import unit_roots
from ..analytics.pair_data import PairData
from ..analytics.scenarios import (
    DEFAULT_HORIZON,
    ScenarioReport,
    default_move,
    scenario_alignment,
    scenario_report,
)
from ..charts.scenario import episode_paths_chart, fan_chart
from ..content.related import RelatedPair
from ..content.scenario_text import scenario_text
from ..content.words import short_name
from ..data.loaded import LoadedSeries, pair_options
from ..jobs.screening import compare_link
from ..metrics.formatting import PERIOD_WORDS, format_change, periods
from ..metrics.metric import Metric
from .data import cached_by_identity, store_location
from .elements import chart, markdown_table
from .pickers import pair_label
from .runs import page_run
from .url import decimal_number, whole_number
from .windows import window_params

# The longest horizon a link or the input may ask for: a year of trading days.
MAX_HORIZON = 252


@cached_by_identity(max_entries=64)
def _scenario(
    la: LoadedSeries, lb: LoadedSeries, lookback: str, move: float | None, horizon: int, location: str
):
    aligned = scenario_alignment(la.series, lb.series, lookback=lookback, **pair_options(la, lb))
    default = default_move(aligned, horizon) if move is None else None
    if default is not None:
        move = default.move
    if move is None or move == 0:
        return None
    roots = None
    if aligned.as_published:
        # One unit-root verdict per series on the page: the model reads the table's, which is on
        # the dates the values refer to (without a publication lag the two alignments are one).
        reference = align_pair(la.series, lb.series, lookback=lookback, **pair_options(la, lb))
        roots = unit_roots(PairData.build(reference))
    return scenario_report(aligned, move, horizon, default=default, roots=roots)


def valid_move(text: str) -> bool:
    """A move from a link: a plain, non-zero decimal number."""
    value = decimal_number(text)
    return value is not None and value != 0


def valid_horizon(text: str) -> bool:
    return whole_number(text, 1, MAX_HORIZON) is not None


def _move_in_units(metric: Metric, shown: float | None) -> float | None:
    if shown is None:
        return None
    return shown / 100 if metric.change == "pct" else shown


def _move_label(metric: Metric) -> str:
    return (
        f"Move of {short_name(metric)} over the horizon ({'%' if metric.change == 'pct' else metric.units})"
    )


@st.fragment
def section(
    la: LoadedSeries, lb: LoadedSeries, lookback: str, related: Callable[[], list[RelatedPair]], shown: dict
) -> None:
    """The expander, with the section inside while it is open; `shown["report"]` is the report drawn
    (None while closed), which the page's JSON download reads when it is asked for."""
    with (
        page_run(),  # work done ahead in the background waits while this part runs, as for pages
        st.expander(
            f"When {short_name(la.metric)} moved like this, what did {short_name(lb.metric)} do "
            "— and where next",
            key="scenario",
            on_change="rerun",
            bind="query-params",
            icon=":material/timeline:",
        ) as box,
    ):
        shown["report"] = render(la, lb, lookback, related()) if box.open else None


def render(
    la: LoadedSeries, lb: LoadedSeries, lookback: str, related: list[RelatedPair]
) -> ScenarioReport | None:
    """The section's body (inside the open expander); returns the report for downloads."""
    metric_a, metric_b = la.metric, lb.metric
    frequency = lower_frequency(la.frequency, lb.frequency)
    c1, c2 = st.columns(2)
    shown_move = c1.number_input(
        _move_label(metric_a),
        value=None,
        step=0.5,
        key="move",
        bind="query-params",
        placeholder="latest move",
        help="Episodes are the past windows of this length in which A moved at least this much in this "
        "direction (negative: a fall). Empty: A's move over the latest window.",
    )
    horizon = c2.number_input(
        f"Horizon ({PERIOD_WORDS[frequency]})",
        value=None,
        min_value=1,
        max_value=MAX_HORIZON,
        step=1,
        key="horizon",
        bind="query-params",
        placeholder=f"{DEFAULT_HORIZON[frequency]}",
        help="How many aligned periods A's move spans, and B's outcome after it.",
    )
    horizon = int(horizon) if horizon else DEFAULT_HORIZON[frequency]
    with st.spinner("Finding episodes, fitting the response and the forecast…"):
        report = _scenario(la, lb, lookback, _move_in_units(metric_a, shown_move), horizon, store_location())
    if report is None:
        st.info(
            f"{short_name(metric_a)} has no move over the latest {periods(horizon, frequency)} to "
            "start from: enter a move."
        )
        return None
    _show(report, la, metric_b)
    _related_scenarios(report, metric_a, lookback, related)
    return report


def _scale(metric: Metric) -> float:
    return 100.0 if metric.change == "pct" else 1.0


def _units(metric: Metric) -> str:
    return "%" if metric.change == "pct" else metric.units


def _show(report: ScenarioReport, la: LoadedSeries, metric_b: Metric) -> None:
    metric_a = la.metric
    text = scenario_text(report, metric_a, metric_b)
    b, frequency = short_name(metric_b), report.frequency
    st.markdown(f"**{text.forecast_verdict}**")
    st.caption(f"Aligned as: {report.method}.")
    st.markdown("##### What B did after such moves")
    st.write(text.event_study)
    e = report.event_study
    if e.paths is not None:
        chart(
            episode_paths_chart(
                e.paths,
                scale=_scale(metric_b),
                step_title=f"{PERIOD_WORDS[frequency].capitalize()} after A's move",
                value_title=f"{b}, change since the signal ({_units(metric_b)})",
            )
        )
    if e.episodes:
        # One Markdown table (its links open each episode), not st.dataframe, which loads a data grid
        # (about 40% of the time from the click to the section drawn), nor st.table, which draws
        # each of its cells as an element of its own (bench/README).
        st.markdown(markdown_table(_episodes_table(report, la, metric_b)))
        st.caption(
            "Episode: the pair on that episode's dates (a new tab), from the date of A's starting value to "
            "the end of B's window, both rebased to 100, the day A's move is known marked."
        )
    st.markdown("##### Response over horizons (local projections)")
    st.write(text.response)
    r = report.response
    if not r.insufficient:
        frame = pd.DataFrame(
            {"value": r.response, "low_90": r.low, "high_90": r.high}, index=list(r.horizons)
        )
        if metric_b.change == "pct":  # log changes, as the % changes they are
            frame = np.expm1(frame)
        chart(
            fan_chart(
                frame,
                scale=_scale(metric_b),
                x_title=f"Horizon ({PERIOD_WORDS[frequency]})",
                value_title=f"{b}'s cumulative change ({_units(metric_b)})",
                line_label="Response",
            )
        )
    st.markdown("##### Forecast")
    st.write(text.forecast)
    f = report.forecast
    if not f.insufficient:
        frame = pd.DataFrame(
            {
                "value": f.change,
                "low_95": f.low_95,
                "high_95": f.high_95,
                "low_80": f.low_80,
                "high_80": f.high_80,
            },
            index=range(1, f.steps + 1),
        )
        frame = pd.concat([pd.DataFrame(0.0, index=[0], columns=frame.columns), frame])
        chart(
            fan_chart(
                frame,
                scale=_scale(metric_b),
                x_title=f"{PERIOD_WORDS[frequency].capitalize()} ahead",
                value_title=f"{b}'s cumulative change ({_units(metric_b)})",
                line_label="Forecast",
            )
        )
        bt = f.backtest
        if bt is not None and not bt.insufficient:
            st.caption(
                f"Backtest: {bt.origins} forecasts from origins spread over the second half of the window, "
                "each refitted on the data before it; 80% bands held the outcome "
                f"{bt.coverage_80:.0%} of the time, 95% bands {bt.coverage_95:.0%}. Outcomes of nearby "
                "origins overlap; the p-value allows for it (Newey-West)."
            )


def episode_link(
    la: LoadedSeries, b_id: str, start: pd.Timestamp, signal: pd.Timestamp, end: pd.Timestamp
) -> str:
    """The compare page on one episode's dates, both series rebased to 100 where A's move starts,
    the day A's move is known (`signal`, where B's outcome starts) marked on every chart. Episodes
    are dated as published; the page is dated by reference dates, so the window opens on the date
    of A's starting value (a Wednesday level published on Friday opens on the Wednesday)."""
    first = reference_date(la.series.index, la.dating.release, start)
    dates = dates_text(first, end)
    return compare_link(
        {"a": la.metric.id, "b": b_id, "dates": dates, "signal": f"{signal:%Y-%m-%d}", "transform": "Rebased",
         "view": "Overlay"}
    )  # fmt: skip


def _episodes_table(report: ScenarioReport, la: LoadedSeries, metric_b: Metric) -> pd.DataFrame:
    metric_a = la.metric
    rows = [
        {
            "Open": f"[Episode]({episode_link(la, metric_b.id, e.start, e.signal, e.end)})",
            "A's move starts": e.start.date(),
            "Signal (A's move known)": e.signal.date(),
            "B's window ends": e.end.date(),
            f"{short_name(metric_a)} move": format_change(e.a_move, metric_a),
            f"{short_name(metric_b)} next": format_change(e.b_move, metric_b),
        }
        for e in report.event_study.episodes
    ]
    return pd.DataFrame(rows)


def _related_scenarios(
    report: ScenarioReport, metric_a: Metric, lookback: str, related: list[RelatedPair]
) -> None:
    if not related:
        return
    st.markdown("**The same scenario on related comparisons**")
    e = report.event_study
    for pair in related:
        params = {
            "a": pair.a_id,
            "b": pair.b_id,
            **window_params(lookback),
            "scenario": "true",
            "horizon": e.horizon,
        }
        if pair.a_id == metric_a.id:  # the same move of the same A
            params["move"] = e.move * _scale(metric_a)
        st.page_link(
            "pages/compare.py",
            label=pair_label(pair.a_id, pair.b_id),
            query_params=params,
            icon=":material/timeline:",
        )
