"""Compare two metrics: pickers bound to the URL, header, charts, statistics, text, downloads."""

from __future__ import annotations

import streamlit as st

from convex import ui
from convex.analytics.align import LOOKBACKS, lookback_label
from convex.analytics.fred_units import FredView
from convex.content.words import short_name
from convex.data.loaded import LoadedSeries, NoDataError
from convex.metrics.catalog import catalog
from convex.metrics.formatting import PERIOD_WORD, day_text, format_change, format_value
from convex.metrics.metric import FORMULA_DOMAIN
from convex.ui import (
    analysis,
    asof_control,
    chart_block,
    chart_controls,
    digest_signup,
    downloads,
    findings,
    formula_input,
    fred_controls,
    pair_charts,
    pair_panel,
    related,
    revisions_panel,
    scenario_panel,
    upload_input,
    windows,
)

ui.ensure_app_navigation()

DEFAULT_A, DEFAULT_B = catalog().featured[0]
DEFAULT_LOOKBACK = "3Y"
# Bound pickers put the shown option in the URL, so the options are short words, mapped here.
TRANSFORMS = {"Level": "level", "Rebased": "rebased", "Z-score": "zscore", "Change": "change"}
SPREADS = {"Z-score": "zscore", "Performance": "performance", "Ratio": "ratio", "Residual": "residual"}
ROLL_OPTIONS = ["Auto", "8", "12", "13", "20", "26", "52", "63", "126", "252"]
VIEWS = list(pair_charts.TABS)
# What a link may leave out: each control's default (the pickers are always written).
URL_DEFAULTS = {
    "a": None,
    "b": None,
    "lookback": DEFAULT_LOOKBACK,
    "dates": None,
    "transform": next(iter(TRANSFORMS)),
    "dual": False,
    "spread": next(iter(SPREADS)),
    "roll": ROLL_OPTIONS[0],
    "window": next(iter(ui.STATS_WINDOWS)),
    "view": VIEWS[0],
    "scale": chart_controls.SCALES[0],
    "recessions": True,
    **fred_controls.DEFAULTS,
    "split": None,
    "signal": None,
    "scenario": False,
    "move": None,
    "horizon": None,
    "asof": None,
}
# How many pairs with data a dead end offers.
OFFERED_PAIRS = 7


def open_pair_with_data_on_first_visit() -> None:
    """A first visit whose link names no pair opens the default pair or, when that has no data,
    the best featured pair that has some; the page then says why in one line (see below)."""
    if "a" in st.query_params or "b" in st.query_params or "a" in st.session_state:
        return
    missing = [r for r in (ui.try_load(DEFAULT_A), ui.try_load(DEFAULT_B)) if isinstance(r, NoDataError)]
    if not missing:
        return
    choice = next((p for p in ui.pairs_with_data() if p[:2] != (DEFAULT_A, DEFAULT_B)), None)
    if choice is not None:
        st.session_state.a, st.session_state.b = choice[:2]
        st.session_state.opened_instead = (*choice, missing[0].metric_id, missing[0].reason)


formula_notices: list[str] = []
options = (
    ui.metric_options()
    + formula_input.formula_options(("a", "b"), formula_notices)
    + upload_input.upload_options(("a", "b"), formula_notices)
)
open_pair_with_data_on_first_visit()
notices = ui.check_url(
    {
        "a": options,
        "b": options,
        "lookback": list(LOOKBACKS),
        "transform": list(TRANSFORMS),
        "spread": list(SPREADS),
        "roll": ROLL_OPTIONS,
        "window": list(ui.STATS_WINDOWS),
        "dual": None,
        "view": VIEWS,
        "scale": chart_controls.SCALES,
        "recessions": None,
        **fred_controls.URL_VALUES,
        "scenario": None,
        "move": scenario_panel.valid_move,
        "horizon": scenario_panel.valid_horizon,
        "dates": windows.valid_dates,
        "split": findings.valid_day,
        "signal": findings.valid_day,
        "asof": asof_control.valid_asof,
    },
    first_value=["lookback"],
)
# a and b explain themselves below (a formula that cannot be used has said so already)
notices = formula_notices + [n for n in notices if "“a”" not in n and "“b”" not in n]
for key, default in (("a", DEFAULT_A), ("b", DEFAULT_B)):
    notice = ui.sync_choice_with_url(key, options, default)
    if notice:
        notices.append(notice)


def swap() -> None:
    st.session_state.a, st.session_state.b = st.session_state.b, st.session_state.a
    ui.write_choice_to_url("a")
    ui.write_choice_to_url("b")


with st.sidebar:
    st.subheader("Compare")
    ui.metric_picker("Metric A", "a", options, on_change=formula_input.picked)
    ui.metric_picker("Metric B", "b", options, on_change=formula_input.picked)
    st.button("⇄ Swap A and B", on_click=swap)
    formula_input.formula_field()
    upload_input.upload_field()
    lookback, notices = windows.lookback_control(
        DEFAULT_LOOKBACK,
        notices,
        "Statistics and charts use the aligned data dated after the last common date minus this span.",
        on_change=lambda: (windows.clear_dates(), findings.clear()),
    )
    dates = windows.dates_from_url()
    opened_to_show = findings.from_url()
    windows.dates_control(dates)
    asof = asof_control.asof_from_url()
    asof_control.asof_control(asof)
    # Exact dates, when set, take the lookback's place everywhere the window is used.
    span = dates or lookback
    fred_view = fred_controls.controls()
    roll = st.selectbox(
        "Rolling window (periods)",
        ROLL_OPTIONS,
        key="roll",
        bind="query-params",
        help="Window of the rolling correlation, rolling beta and spread band. Auto: 63 trading days, "
        "26 weeks, 12 months or 8 quarters. At most 252 trading days, 104 weeks, 60 months or 20 "
        "quarters: a longer choice is cut to that, and the charts name the window used.",
    )
    stats_window = st.selectbox(
        "Statistics window",
        list(ui.STATS_WINDOWS),
        key="window",
        bind="query-params",
        help="Window of each metric's own statistics panel (90D: the last 90 days).",
    )

for notice in ui.view_notices(notices):
    st.warning(notice, icon=":material/link_off:")

a_id, b_id = st.session_state.a, st.session_state.b
metric_a, metric_b = ui.metric(a_id), ui.metric(b_id)


def offer_pairs(reason: str) -> None:
    """No dead end: say why, and link to pairs that do have data."""
    st.info(reason, icon=":material/info:")
    offered = [p for p in ui.pairs_with_data() if set(p[:2]) != {a_id, b_id}][:OFFERED_PAIRS]
    if offered:
        st.markdown("**Pairs with data on this machine:**")
    for a, b, provenance in offered:
        st.page_link(
            "pages/compare.py",
            label=ui.pair_label(a, b, provenance),
            query_params={"a": a, "b": b},
            icon=":material/compare_arrows:",
        )
    st.page_link("pages/status.py", label="See what is stored, and refresh", icon=":material/database:")


if a_id == b_id:
    st.title(metric_a.name)
    offer_pairs(
        f"Metric A and metric B are both {metric_a.name}. Pick a different metric for one of them "
        "in the sidebar, or open one of the pairs below."
    )
    st.page_link(
        "pages/metric.py",
        label=f"Explore {short_name(metric_a)} on its own",
        query_params={"metric": a_id},
        icon=":material/query_stats:",
    )
    st.stop()

st.title(f"{metric_a.name} vs {metric_b.name}")
instead = st.session_state.get("opened_instead")
if instead is not None and instead[:2] == (a_id, b_id):
    _, _, provenance, missing_id, why = instead
    default_names = f"{catalog().get(DEFAULT_A).name} vs {catalog().get(DEFAULT_B).name}"
    kind = "offline sample data" if provenance == "sample" else "stored data"
    st.info(
        f"The default pair, {default_names}, has no data here ({catalog().get(missing_id).name}: {why}), "
        f"so this pair, which has {kind}, opened instead.",
        icon=":material/swap_horiz:",
    )
    st.page_link(
        "pages/compare.py",
        label=f"Open {ui.pair_label(DEFAULT_A, DEFAULT_B)} anyway",
        query_params={"a": DEFAULT_A, "b": DEFAULT_B},
        icon=":material/arrow_forward:",
    )
session_only = upload_input.session_only((a_id, b_id))
for mine in (m for m in (metric_a, metric_b) if m.source == "upload"):
    kept = "kept in this browser session only" if mine.id in session_only else "kept in the store"
    st.info(
        f"{mine.name} is a series you uploaded ({mine.frequency}, compared by "
        f"{'percent changes' if mine.change == 'pct' else 'differences'}; {kept}). The texts below make no "
        "claims about it from curated notes; only its numbers speak.",
        icon=":material/upload_file:",
    )
for formula in (m for m in (metric_a, metric_b) if m.domain == FORMULA_DOMAIN):
    st.info(
        f"{formula.name} is a formula you wrote ({formula.units}, {formula.frequency}), computed by Convex "
        f"from {', '.join(catalog().get(i.id).name for i in formula.inputs)} on the dates of its slowest "
        "input. The texts below make no claims about it from curated notes; only its numbers speak.",
        icon=":material/function:",
    )
loaded: dict[str, LoadedSeries] = {}
missing: list[NoDataError] = []
for metric_id in (a_id, b_id):
    result = ui.try_load(metric_id, asof)
    if isinstance(result, NoDataError):
        missing.append(result)
    else:
        loaded[metric_id] = result
if missing:
    reasons = " ".join(f"{catalog().get(e.metric_id).name}: {e.reason}." for e in missing)
    offer_pairs(f"No data to compare yet. {reasons}")
    st.stop()

published = [loaded[a_id], loaded[b_id]]
# FRED's units and frequency, when chosen, apply to everything below: header, charts, statistics.
(la, lb), units_refused = fred_controls.apply(published, fred_view)
if units_refused:
    st.warning(units_refused, icon=":material/functions:")
if asof:  # said at the top: every figure below is computed from the data as known on that day
    asof_control.asof_banner(asof, [la, lb])
spread_kind = chart_block.spread_from_state(SPREADS, next(iter(SPREADS.values())))
choice = analysis.Choice(span, stats_window, None if roll == "Auto" else int(roll), spread_kind)
view = analysis.pair_view(la, lb, choice)
report = view.report
aligned = report.aligned


# ---------------------------------------------------------------- header
def metric_header(ls: LoadedSeries, mstats) -> None:
    m = ls.metric
    st.markdown(f":gray-badge[{ui.describe_metric(m)}] {ui.freshness_badges(ls)}")
    if mstats.insufficient:
        st.info(f"{m.name}: {mstats.insufficient}")
        return
    one = mstats.change_over("1 period")
    st.metric(
        m.name,
        format_value(mstats.latest_value, m),
        format_change(one.change, m) if one.change is not None else None,
        help=f"{m.description} Units: {m.units}. The change is over the last {PERIOD_WORD[ls.frequency]}.",
    )
    caption = ui.freshness_caption(ls)
    if dates:  # the header shows each metric as it stood on the chosen dates' last day
        caption = f"On {day_text(mstats.latest_date)}, the last of the chosen dates · {caption}"
    st.caption(caption)
    if ls.stale:
        st.warning(
            f"{m.name}: showing stored data fetched {ui.humanize_age(ls.fetched_at)}; {ls.stale_reason}.",
            icon=":material/history:",
        )
    if ls.provenance == "sample":
        st.info(
            f"{m.name}: no live or stored data, so this is the offline sample shipped in {ls.detail}. "
            f"It ends {ls.last_date:%b %Y} and is not live data.",
            icon=":material/inventory_2:",
        )


left, right = st.columns(2)
with left:
    metric_header(la, report.metric_a)
with right:
    metric_header(lb, report.metric_b)

mechanical = metric_a.mechanical_link(metric_b)
mechanical_words = mechanical and (
    f"{metric_a.name} and {metric_b.name} are linked by construction ({mechanical}): their relationship "
    "is arithmetic or a pricing identity, not a market finding."
)
if aligned.n < 2:
    st.caption(aligned.describe())
    if mechanical_words:
        st.info(mechanical_words, icon=":material/calculate:")
    st.warning(
        f"{metric_a.name} and {metric_b.name} have too few common dates ({lookback_label(span)}) to "
        "compare. Try a longer lookback or other dates.",
        icon=":material/date_range:",
    )
    ui.footer([metric_a, metric_b], loaded)
    st.stop()

# ---------------------------------------------------------------- charts
# The charts and their own controls rerun alone when one of those changes (convex/ui/chart_block.py).
marks, mark_label = findings.marks(opened_to_show, metric_a)
split = findings.split_of(view, opened_to_show["split"])
part = chart_block.ChartPart(
    la, lb, choice, view, TRANSFORMS, SPREADS, URL_DEFAULTS, aligned.describe(), mechanical_words,
    chart_controls.stored_recessions(), (a_id, b_id), span, asof, [ui.metric(i).name for i in session_only],
    marks, mark_label, split,
    fred_controls.units_note(fred_view if not units_refused else FredView(), [la, lb], published),
)  # fmt: skip
chart_block.draw(part)

# ------------------------------------------------------------ statistics
st.subheader("Statistics")
findings.split_panel(split, metric_a, metric_b)
left, right = st.columns(2)
with left:
    ui.metric_stats_panel(metric_a, report.metric_a, view.kept)
with right:
    ui.metric_stats_panel(metric_b, report.metric_b, view.kept)
revisions_panel.pair_note(la, lb, span, None if roll == "Auto" else int(roll), report.stats)
pair_panel.render(report, metric_a, metric_b)

# ------------------------------------------------------------ text sections
ui.pair_content_sections(view.content)

# ------------------------------------------------------ scenarios & forecasts
st.subheader("Scenarios & forecasts")
scenario_shown: dict = {}  # the section's report, once drawn (its own reruns redraw it alone)
scenario_panel.section(la, lb, span, lambda: related.related_pairs_for(a_id, b_id), scenario_shown)
if asof:  # rankings of today's data would not be the pair as known then
    st.caption("Related comparisons rank today's data: they are left out of a view as known on a past day.")
else:
    related.related_comparisons_section(a_id, b_id, lookback)

# ------------------------------------------------------------ downloads
st.subheader("Download")
# The JSON holds the spread drawn: the chart part's own control may have changed it since this run.
downloads.pair_downloads(
    a_id, b_id, la, lb, report, lambda: scenario_shown.get("report"), drawn=lambda: part.shown_view().report
)
if a_id in catalog() and b_id in catalog():  # the digest follows catalog pairs
    digest_signup.signup_box(a_id, b_id)

ui.footer([metric_a, metric_b], loaded)

# The view is drawn: the views one change of a control leads to are computed ahead.
analysis.precompute_views(la, lb, choice)
