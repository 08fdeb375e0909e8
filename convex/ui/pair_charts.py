"""The compare page's chart tabs, one function per tab.

Each chart is built once per pair analysis (`analysis.PairView.kept`: data, lookback and rolling
window) and the options it depends on, its data already in Arrow form: a rerun that shows it again
only sends it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd
import pyarrow as pa
import streamlit as st

from .. import charts
from ..analytics.split import SplitCorrelation
from ..metrics.formatting import PERIOD_WORD, change_unit_label, format_change, format_r, periods
from .analysis import PairView
from .chart_controls import PLAIN, ChartLook, log_allowed
from .elements import chart
from .findings import levels as window_levels

SPREAD_LABELS = {
    "performance": "The performance spread",
    "zscore": "The z-score spread",
    "ratio": "The ratio spread",
    "residual": "The residual spread",
}


@dataclass(frozen=True)
class ChartOptions:
    """The page's chart settings besides the analysis' own (`analysis.Choice`): the transform, the
    overlay's axes, the spread, the value axis and shading (`look`), and dates to mark."""

    transform: str
    dual_axis: bool
    spread_kind: str
    look: ChartLook = PLAIN
    marks: tuple = ()
    mark_label: str = ""
    # Two windows' correlations (a screener's link), drawn across them in the rolling correlation.
    split: SplitCorrelation | None = None

    @property
    def extras(self) -> charts.Extras:
        return charts.Extras(self.look.recessions, self.marks, self.mark_label)


def _arrow_ready(spec: charts.ChartSpec) -> charts.ChartSpec:
    # What Streamlit does to a DataFrame on every send, done once: the same Arrow table.
    return replace(spec, data=pa.Table.from_pandas(spec.data))


def _draw(view: PairView, key: tuple, build: Callable[[], charts.ChartSpec]) -> None:
    chart(view.kept(("chart", *key), lambda: _arrow_ready(build())))


def display(view: PairView) -> tuple[pd.DataFrame, str | None]:
    """The aligned rows the pair charts draw, and the note saying how they were thinned (if so)."""
    return view.kept(("display",), lambda: charts.thin_for_display(view.report.aligned.frame))


def shown_pair(view: PairView, how: str) -> tuple[charts.Shown, charts.Shown]:
    """A and B as the charts draw them with this transform (thinned rows, the header's units)."""

    def build():
        frame = display(view)[0]
        period = PERIOD_WORD[view.report.aligned.frequency]
        return (
            charts.shown(frame["a"], view.metric_a, how, period),
            charts.shown(frame["b"], view.metric_b, how, period),
        )

    return view.kept(("shown", how), build)


def side_by_side(view: PairView, options: ChartOptions) -> None:
    how = options.transform
    a, b = shown_pair(view, how)
    log_a = log_allowed(options.look, a, view.metric_a.name)
    log_b = log_allowed(options.look, b, view.metric_b.name)
    extras = options.extras
    _draw(
        view,
        ("side", how, log_a, log_b, extras),
        lambda: charts.side_by_side_chart(
            a,
            b,
            name_a=view.metric_a.name,
            name_b=view.metric_b.name,
            log_a=log_a,
            log_b=log_b,
            extras=extras,
        ),
    )


def overlay(view: PairView, options: ChartOptions) -> None:
    how = "rebased" if options.transform == "level" and not options.dual_axis else options.transform
    if how != options.transform:
        st.caption(
            "One axis and two units: the overlay shows both rebased to 100. Turn on “Overlay on two "
            "axes” to see levels."
        )
    dual = options.dual_axis
    a, b = shown_pair(view, how)
    # One axis: a log scale only when both series can take it.
    log = log_allowed(options.look, a, view.metric_a.name) & log_allowed(options.look, b, view.metric_b.name)
    extras = options.extras
    _draw(
        view,
        ("overlay", how, dual, log, extras),
        lambda: charts.overlay_chart(
            a, b, name_a=view.metric_a.name, name_b=view.metric_b.name, dual_axis=dual, log=log, extras=extras
        ),
    )


def spread(view: PairView, options: ChartOptions) -> None:
    kind = options.spread_kind
    result = view.report.spreads[kind]
    if result.insufficient:
        st.info(f"{SPREAD_LABELS[kind]} is not available for this pair: {result.insufficient}.")
        return

    band = (
        "the cointegrated pair's equilibrium band (mean ± 2 sd over the window)"
        if result.kind == "residual"
        else f"the rolling {result.window}-period band"
    )
    band_label = (
        "Equilibrium band (mean ± 2 sd)"
        if result.kind == "residual"
        else f"Band: rolling {periods(result.window, view.report.aligned.frequency)} mean ± 2 sd"
    )
    extras = options.extras

    def build() -> charts.ChartSpec:
        frame = charts.thin_for_display(charts.spread_frame(result))[0]
        return charts.band_chart(
            frame, title=SPREAD_LABELS[kind], units=result.units, value_label="Spread", band_label=band_label,
            extras=extras,
        )  # fmt: skip

    _draw(view, ("spread", kind, extras), build)
    z = (
        f"its current z-score against {band} is **{result.current_zscore:+.2f}**"
        if result.current_zscore is not None
        else result.band_insufficient
    )
    st.caption(f"{result.description}; {z}.")


def _rolling_line(
    view: PairView, series: pd.Series, options: ChartOptions, *, window: int, title: str, label: str, text,
    domain=None, levels=(), level_label: str = "",
):  # fmt: skip
    """A rolling statistic's line, titled with its window."""
    title = f"{title}, rolling {periods(window, view.report.aligned.frequency)}"
    extras = options.extras
    _draw(
        view,
        ("rolling", label, extras, tuple(levels)),
        lambda: charts.rolling_line_chart(
            charts.thin_for_display(series.to_frame())[0].iloc[:, 0], title=title, label=label, text=text,
            domain=domain, extras=extras, levels=list(levels), level_label=level_label,
        ),
    )  # fmt: skip


def rolling_correlation(view: PairView, options: ChartOptions) -> None:
    rc = view.report.stats.rolling_correlation
    if rc.insufficient:
        st.info(f"Rolling correlation: {rc.insufficient}.")
        return
    levels = window_levels(options.split) if options.split is not None else []
    _rolling_line(
        view, rc.series, options, window=rc.window, title="Correlation of changes", label="Correlation",
        text=format_r, domain=(-1, 1), levels=levels, level_label="Correlation over each window",
    )  # fmt: skip


def lead_lag(view: PairView, options: ChartOptions) -> None:
    ll = view.report.stats.lead_lag
    if ll.insufficient:
        st.info(f"Lead-lag: {ll.insufficient}.")
        return
    period = PERIOD_WORD[view.report.aligned.frequency]
    _draw(
        view,
        ("lead-lag",),
        lambda: charts.lead_lag_chart(
            list(ll.lags),
            list(ll.correlations),
            band=ll.band,
            band_adjusted=ll.band_adjusted,
            best_lag=ll.best_lag,
            period=period,
        ),
    )
    st.caption(
        f"A bar outside the dashed band (±{ll.band:.3f} = 1.96·√(f/n), with Bartlett's f = "
        f"{ll.autocorrelation_factor:.2f} for these series' autocorrelation) would be unusual at one "
        f"lag chosen in advance; with {len(ll.lags)} lags searched, about {0.05 * len(ll.lags):.0f} "
        "clear it by chance, so a lead is only called outside the solid band "
        f"(±{ll.band_adjusted:.3f})."
    )


def scatter_and_hedge(view: PairView, options: ChartOptions) -> None:
    aligned, reg, a, b = view.report.aligned, view.report.stats.regression, view.metric_a, view.metric_b
    _draw(
        view,
        ("scatter",),
        lambda: charts.scatter_chart(
            aligned.frame,
            name_a=a.name,
            name_b=b.name,
            units_a=change_unit_label(a),
            units_b=change_unit_label(b),
            beta=reg.beta,
            alpha=reg.alpha,
            pct_a=aligned.change_a == "pct",
            pct_b=aligned.change_b == "pct",
            text_a=lambda v: format_change(v, a),
            text_b=lambda v: format_change(v, b),
            period=PERIOD_WORD[aligned.frequency],
        ),
    )
    if reg.rolling_beta is not None and not reg.rolling_insufficient and len(reg.rolling_beta.dropna()):
        _rolling_line(
            view, reg.rolling_beta, options, window=reg.rolling_window, title="Beta", label="Beta",
            text=lambda v: f"{v:,.3f}",
        )  # fmt: skip


# The page's view tabs, in order, each with what it draws.
TABS: dict[str, Callable[[PairView, ChartOptions], None]] = {
    "Side by side": side_by_side,
    "Overlay": overlay,
    "Spread": spread,
    "Rolling correlation": rolling_correlation,
    "Lead-lag": lead_lag,
    "Scatter & hedge": scatter_and_hedge,
}
