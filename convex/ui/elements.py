"""What several pages draw the same way: provenance badges and ages, the sources footer, one
metric's statistics, a chart, the pair's text sections."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from ..analytics.windows import window_start
from ..charts import ChartSpec
from ..content.words import md
from ..data.loaded import LoadedSeries
from ..metrics.catalog import catalog
from ..metrics.formatting import format_change, format_number, format_value
from ..metrics.freshness import Freshness, freshness
from ..metrics.metric import Metric
from ..store import utcnow


def humanize_age(then: datetime | None, now: datetime | None = None) -> str:
    if then is None:
        return "unknown time"
    seconds = max(0.0, ((now or utcnow()) - then).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def provenance_badge(loaded: LoadedSeries) -> tuple[str, str]:
    """A short label and a colour for where the data comes from and how fresh it is."""
    if loaded.provenance == "sample":
        return f"Offline sample · {loaded.detail.split(' (')[0]}", "orange"
    if loaded.provenance == "import":
        return f"Imported file · {loaded.detail or ''}".rstrip(" ·"), "violet"
    age = humanize_age(loaded.fetched_at)
    if loaded.stale:
        return f"Stored {age} · source failed" if "failed" in (
            loaded.stale_reason or ""
        ) else f"Stored {age}", "red"
    return f"Live · fetched {age}", "green"


def freshness_of(loaded: LoadedSeries) -> Freshness:
    """When the loaded metric's next value is due and whether it is stale, as of now (or as of the
    end of the day it is shown as known on)."""
    now = utcnow() if loaded.as_of is None else loaded.as_of.moment
    return freshness(loaded.metric, loaded.last_date, now)


def freshness_badges(loaded: LoadedSeries) -> str:
    """The provenance badge, and a stale badge with the observation's age when the next value
    should have come and did not (convex/metrics/freshness.py)."""
    label, color = provenance_badge(loaded)
    badges = f":{color}-badge[{label}]"
    state = freshness_of(loaded)
    if state.stale:
        badges += f" :orange-badge[Stale · latest {state.age_days:,} days old]"
    return badges


def freshness_caption(loaded: LoadedSeries) -> str:
    """ "Latest 4 Mar 2026, 277 days old: stale (the next value was due 12 Mar 2026) · imported
    file WALCL.csv": the observation's age and where the data came from, beside every value."""
    words = freshness_of(loaded).words()
    return f"{words[0].upper()}{words[1:]} · {data_origin(loaded)}"


def data_origin(loaded: LoadedSeries) -> str:
    """Where the numbers shown came from, in a few words: the live source, or the file or package
    they were read from instead."""
    m = loaded.metric
    if loaded.provenance == "sample":
        return f"offline sample from {loaded.detail}"
    if loaded.provenance == "import" and not m.is_derived:
        return f"imported file {loaded.detail or ''}".rstrip()
    return m.source_name


def footer(metrics: Iterable[Metric], loaded: dict[str, LoadedSeries] | None = None) -> None:
    """Each metric's source; where the data shown came from elsewhere (an offline sample, an
    imported file), that first, and the live source it stands in for after it."""
    st.divider()
    lines = []
    for m in metrics:
        shown = (loaded or {}).get(m.id)
        if m.source == "upload":
            line = f"- **{m.name}**: {shown.detail if shown is not None else 'a file you uploaded'}"
        elif m.is_derived:
            inputs = ", ".join(catalog().get(i.id).name for i in m.inputs)
            line = f"- **{m.name}**: computed by Convex from {inputs} ({m.symbol})"
            if shown is not None and shown.provenance != "live":
                line += f"; {shown.detail}"
        elif shown is not None and shown.provenance != "live":
            line = (
                f"- **{m.name}**: {data_origin(shown)}; its live source is "
                f"[{m.source_name}, {m.symbol}]({m.source_url})"
            )
        else:
            line = f"- **{m.name}**: [{m.source_name}, {m.symbol}]({m.source_url})"
        lines.append(line)
    st.caption("Data sources\n" + "\n".join(lines))
    st.caption(
        "Convex is information, not financial advice. Statistics describe the past and can change "
        "as data are revised."
    )


STATS_WINDOWS = {
    "90D": "90-Day",
    "1Y": "1-Year",
    "3Y": "3-Year",
    "5Y": "5-Year",
    "10Y": "10-Year",
    "Max": "Full-History",
}


def _format_spread(value: float | None, metric: Metric) -> str:
    """A dispersion in the metric's units; a spread of percent levels is in percentage points."""
    if value is None:
        return "n/a"
    if metric.units == "Percent":
        return f"{value:,.2f} pp"
    return format_value(value, metric)


def metric_stats_table(metric: Metric, stats) -> pd.DataFrame:
    """One metric's statistics as rows of (statistic, value) for display."""
    rows = [("Latest", f"{format_value(stats.latest_value, metric)} on {stats.latest_date:%Y-%m-%d}")]
    for item in stats.changes:
        reason = item.insufficient or "not enough history"
        rows.append(
            (
                f"Change, {item.label}",
                format_change(item.change, metric) if item.change is not None else f"n/a ({reason})",
            )
        )
    rows += [
        ("High", f"{format_value(stats.high, metric)} on {stats.high_date:%Y-%m-%d}"),
        ("Low", f"{format_value(stats.low, metric)} on {stats.low_date:%Y-%m-%d}"),
        ("Mean", format_value(stats.mean, metric)),
        ("Standard deviation", _format_spread(stats.std, metric)),
        ("Latest within the range (0 = low, 100 = high)", format_number(stats.range_position, 0)),
        ("Percentile of latest, window", format_number(stats.percentile_in_window, 0)),
        ("Percentile of latest, all history", format_number(stats.percentile_in_history, 0)),
    ]
    if stats.frequency == "daily":
        vol = stats.annualised_volatility
        unit = "%" if stats.change == "pct" else f" {metric.units.lower()}"
        scale = 100 if stats.change == "pct" else 1
        rows.append(
            (
                "Annualised volatility of changes",
                f"{vol * scale:,.2f}{unit}" if vol is not None else f"n/a ({stats.volatility_insufficient})",
            )
        )
    if stats.change == "pct":
        dd = stats.drawdown_window
        rows.append(
            (
                "Maximum drawdown, window",
                f"{dd.max_drawdown * 100:.1f}%" if dd.max_drawdown is not None else "n/a",
            )
        )
    rows.append(("Observations in window", f"{stats.n:,}"))
    return pd.DataFrame(rows, columns=["Statistic", "Value"])


def _built(key: tuple, build):
    return build()


def markdown_table(frame: pd.DataFrame) -> str:
    """A plain table as one Markdown text (GitHub's table syntax), for one st.markdown to draw.

    st.table draws each cell as a Markdown element of its own: a statistics panel was 32-34 of them
    for the browser to build again on every rerun (bench/README). Cells are Markdown here too: made safe
    (`content.words.md`), on one line, a "|" written as its character reference so that it cannot
    end the cell, whatever backslashes stand before it.
    """

    def cell(value) -> str:
        return md(" ".join(str(value).split())).replace("|", "&#124;") or " "

    lines = [[cell(c) for c in frame.columns], ["---"] * frame.shape[1]]
    lines += [[cell(v) for v in row] for row in frame.itertuples(index=False)]
    return "\n".join(f"| {' | '.join(line)} |" for line in lines)


def metric_stats_panel(metric: Metric, stats, kept=_built) -> None:
    """One metric's statistics. `kept(key, build)` may keep the table made for these statistics
    (as `analysis.PairView.kept` does), so that a rerun only sends it."""
    st.markdown(f"**{STATS_WINDOWS[stats.window]} Statistics · {metric.name}**")
    if stats.insufficient:
        st.info(f"{metric.name}: {stats.insufficient}")
        return
    table = kept(
        ("statistics table", metric.id, stats.window),
        lambda: markdown_table(metric_stats_table(metric, stats)),
    )
    st.markdown(table)
    for note in stats.notes:
        st.caption(note)


_NARROW_SIDEBAR = Path(__file__).with_name("narrow_sidebar.js")


@functools.lru_cache(maxsize=1)
def narrow_sidebar_script() -> str:
    """The script as the page sends it (tests tell it from anything a link could bring)."""
    return f"<script>{_NARROW_SIDEBAR.read_text()}</script>"


def close_sidebar_after_changes_on_narrow_screens() -> None:
    """On a phone the sidebar covers the page: after a control in it changes the view, close it
    (narrow_sidebar.js, our own script, run once per page load)."""
    with st.sidebar:
        st.html(narrow_sidebar_script(), unsafe_allow_javascript=True)


def chart(spec: ChartSpec) -> None:
    """Draw a chart: its cached Vega-Lite spec, with its data sent beside it as Arrow."""
    st.vega_lite_chart(spec.data, spec.as_drawn(), width="stretch")


def pair_content_sections(content) -> None:
    """The pair's text sections and FAQ (content.PairContent), all built from the numbers."""
    st.subheader("About this pair")
    st.markdown(content.why_it_matters)
    st.subheader("Cross-asset analysis")
    st.markdown(content.cross_asset)
    if not content.faq:
        return
    st.subheader("FAQ")
    if content.faq_window:
        st.caption(content.faq_window)
    for item in content.faq:
        with st.expander(item.question):
            st.markdown(item.answer)


def lookback_start(series: pd.Series, lookback: str) -> pd.Timestamp | None:
    return window_start(series.index[-1], lookback) if len(series) else None
