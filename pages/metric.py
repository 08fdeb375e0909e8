"""One metric explored: history, statistics, provenance, and its strongest relationships."""

from __future__ import annotations

import streamlit as st

from convex import charts, ui
from convex.analytics.align import LOOKBACKS
from convex.analytics.fred_units import FredView
from convex.data.loaded import NoDataError
from convex.metrics.formatting import PERIOD_WORD, format_change, format_value
from convex.ui import (
    analysis,
    asof_control,
    chart_controls,
    formula_input,
    fred_controls,
    related,
    revisions_panel,
    upload_input,
    windows,
)

ui.ensure_app_navigation()

DEFAULT_METRIC = "walcl"

formula_notices: list[str] = []
options = (
    ui.metric_options()
    + formula_input.formula_options(("metric",), formula_notices)
    + upload_input.upload_options(("metric",), formula_notices)
)
notices = ui.check_url(
    {
        "metric": options,
        "lookback": list(LOOKBACKS),
        "window": list(ui.STATS_WINDOWS),
        "scale": chart_controls.SCALES,
        "recessions": None,
        **fred_controls.URL_VALUES,
        "asof": asof_control.valid_asof,
    },
    first_value=["lookback"],
)
notices = formula_notices + [n for n in notices if "“metric”" not in n]
notice = ui.sync_choice_with_url("metric", options, DEFAULT_METRIC)
if notice:
    notices.append(notice)

with st.sidebar:
    st.subheader("Explore")
    ui.metric_picker("Metric", "metric", options)
    lookback, notices = windows.lookback_control("5Y", notices)
    window = st.selectbox(
        "Statistics window",
        list(ui.STATS_WINDOWS),
        key="window",
        bind="query-params",
    )
    look = chart_controls.controls()
    fred_view = fred_controls.controls()
    asof = asof_control.asof_from_url()
    asof_control.asof_control(asof)

for text in notices:
    st.warning(text, icon=":material/link_off:")

metric = ui.metric(st.session_state.metric)
st.title(metric.name)
st.markdown(f":gray-badge[{ui.describe_metric(metric)}] :gray-badge[{metric.units}]")
st.write(metric.description)

loaded = ui.try_load(metric.id, asof)
if isinstance(loaded, NoDataError):
    st.info(f"No data for {metric.name}: {loaded.reason}.", icon=":material/info:")
    st.page_link("pages/status.py", label="See what is stored, and refresh", icon=":material/database:")
    ui.footer([metric])
    st.stop()

published = loaded
(loaded,), units_refused = fred_controls.apply([published], fred_view)
if units_refused:
    st.warning(units_refused, icon=":material/functions:")
    fred_view = FredView()
metric = loaded.metric  # its units and frequency as chosen
if asof:  # said at the top: every figure below is the metric as known on that day
    asof_control.asof_banner(asof, [loaded])
mstats = analysis.metric_statistics(loaded, window)
c1, c2, c3 = st.columns(3)
one = mstats.change_over("1 period")
c1.metric(
    "Latest",
    format_value(mstats.latest_value, metric),
    format_change(one.change, metric) if one.change is not None else None,
    help=f"As of {mstats.latest_date:%Y-%m-%d}; the change is over the last {PERIOD_WORD[loaded.frequency]}.",
)
c2.metric(
    "Percentile in all history",
    f"{mstats.percentile_in_history:.0f}",
    help=f"Share of all {mstats.n_history:,} observations at or below the latest value.",
)
dd = mstats.drawdown_history
c3.metric(
    "Max drawdown, all history",
    f"{dd.max_drawdown * 100:.1f}%" if dd.max_drawdown is not None else "n/a",
    help="Largest fall from a running peak (price-like metrics only)."
    + (
        f" Peak {dd.peak_date:%Y-%m-%d}, trough {dd.trough_date:%Y-%m-%d}."
        if dd.peak_date is not None
        else ""
    ),
)
if metric.is_derived:
    origin = loaded.detail
elif loaded.provenance == "live":
    origin = f"[{metric.source_name}, {metric.symbol}]({metric.source_url})"
else:
    origin = ui.data_origin(loaded)
words = ui.freshness_of(loaded).words()
st.markdown(f"{ui.freshness_badges(loaded)} · {words[0].upper()}{words[1:]} · {origin}")
if loaded.stale:
    st.warning(
        f"Showing stored data fetched {ui.humanize_age(loaded.fetched_at)}; {loaded.stale_reason}.",
        icon=":material/history:",
    )

start = ui.lookback_start(loaded.series, lookback)
history = loaded.series[loaded.series.index > start] if start is not None else loaded.series
thinned, note = charts.thin_for_display(history.to_frame("value"))
drawn = charts.shown(thinned["value"], metric, "level", PERIOD_WORD[loaded.frequency])
log = chart_controls.log_allowed(look, drawn, metric.name)
ui.chart(charts.history_chart(drawn, name=metric.name, log=log, extras=charts.Extras(look.recessions)))
if note:
    st.caption(note)
if len(history):
    chart_controls.recession_note(look, history.index[0], history.index[-1])
st.caption(fred_controls.units_note(fred_view, [loaded], [published]))

ui.metric_stats_panel(metric, mstats)
if not asof:  # a view as known on a past day shows that vintage; revisions are today's knowledge
    revisions_panel.explorer_section(metric, start)

st.subheader("Strongest relationships")
if asof:  # rankings of today's data would not be the metric as known then
    st.caption("They rank today's data: left out of a view as known on a past day.")
else:
    related.strongest_relationships_section(metric)

ui.footer([metric], {metric.id: loaded})
