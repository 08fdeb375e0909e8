"""The compare page's charts of the pair's changes: lead-lag bars with their noise bands, and the
scatter of B's changes against A's with the hedge line and the latest period. Every band, line and
marker is named in the chart's legend."""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd

from .axes import entries_of, key, legend, titled, value_axis
from .base import BASE, COLOR_A, COLOR_B, HEIGHT, MAX_POINTS, ChartSpec, cached_spec, date_texts, spec_of

BAND_COLOR = "#b03a2e"


@cached_spec
def _lead_lag_spec(period: str, band_label: str, adjusted_label: str) -> dict:
    bars = BASE.mark_bar().encode(
        x=alt.X("lag:O", title=f"Lag k in {period}s (k > 0: A leads B)"),
        y=alt.Y("correlation:Q", title=None),
        color=alt.condition("datum.best", alt.value(COLOR_B), alt.value(COLOR_A)),
        opacity=alt.condition("datum.outside", alt.value(1.0), alt.value(0.45)),
        tooltip=[
            alt.Tooltip("lag:O", title="Lag"),
            alt.Tooltip("correlation:Q", format="+.3f"),
            alt.Tooltip("outside:N", title="Outside the single-lag band"),
        ],
    )
    dashes = alt.Scale(domain=[band_label, adjusted_label], range=[[5, 4], [1, 0]])
    entries = entries_of((band_label, adjusted_label))
    bands = legend(entries=entries, symbolStrokeColor=BAND_COLOR, symbolType="stroke")

    def rule(expression: str, label: str) -> alt.Chart:
        return (
            BASE.transform_calculate(y=expression, band_kind=json.dumps(label))
            .mark_rule(color=BAND_COLOR)
            .encode(y="max(y):Q", strokeDash=alt.StrokeDash("band_kind:N", scale=dashes, legend=bands))
        )

    rules = [rule("datum.band", band_label), rule("-datum.band", band_label)]
    rules += [rule("datum.band_adjusted", adjusted_label), rule("-datum.band_adjusted", adjusted_label)]
    chart = alt.layer(bars, *rules).properties(height=HEIGHT)
    return spec_of(titled(chart, "Correlation of changes at each lag", ""))


def lead_lag_chart(
    lags: list[int],
    correlations: list[float | None],
    *,
    band: float,
    band_adjusted: float,
    best_lag: int | None,
    period: str,
) -> ChartSpec:
    """Correlation at each lead/lag as bars; dashed: the single-lag noise band, solid: the band
    widened for the number of lags searched (both named in the legend with their widths)."""
    data = pd.DataFrame({"lag": lags, "correlation": correlations})
    data["best"] = data["lag"] == best_lag
    data["outside"] = data["correlation"].abs() > band
    data["band"], data["band_adjusted"] = band, band_adjusted
    band_label = f"Noise band at one lag (±{band:.3f})"
    adjusted_label = f"Band for {len(lags)} lags searched (±{band_adjusted:.3f})"
    return ChartSpec(_lead_lag_spec(period, band_label, adjusted_label), data)


@cached_spec
def _scatter_spec(
    name_a: str, name_b: str, units_a: str, units_b: str, pct_a: bool, pct_b: bool, points_label: str,
    fit_label: str, latest_label: str,
) -> dict:  # fmt: skip
    tooltip = [
        alt.Tooltip("date_text:N", title="Period ending"),
        alt.Tooltip("a_text:N", title=f"{name_a} change"),
        alt.Tooltip("b_text:N", title=f"{name_b} change"),
    ]
    legend_key = key((points_label, fit_label, latest_label), (COLOR_A, BAND_COLOR, COLOR_B), stack=True)
    zoom = alt.selection_interval(name="scatter_zoom", bind="scales")
    points = (
        BASE.mark_circle(size=22, opacity=0.45)
        .encode(
            # Percent changes are fractions (0.01 = 1%): the axes say so in percent.
            x=alt.X("a_chg:Q", title=f"{name_a}: {units_a}", axis=alt.Axis(format=".1%" if pct_a else ",~g",
                                                                          titleLimit=0)),
            y=alt.Y("b_chg:Q", title=None, axis=value_axis(format=".1%" if pct_b else ",~g")),
            tooltip=tooltip,
        )
        .add_params(zoom)
    )  # fmt: skip
    fit = BASE.mark_line(strokeWidth=2).encode(x="a_chg:Q", y="fit:Q", order="a_chg:Q")
    latest = (
        BASE.transform_filter("datum.latest")
        .mark_point(size=160, filled=True, shape="diamond", opacity=1)
        .encode(x="a_chg:Q", y="b_chg:Q", tooltip=tooltip)
    )
    points, fit = legend_key.colored(points, points_label), legend_key.colored(fit, fit_label)
    latest = legend_key.colored(latest, latest_label)
    chart = alt.layer(points, fit, latest).properties(height=HEIGHT + 60)
    # B's name and units head the chart; A's are the x axis' title.
    return spec_of(titled(chart, f"{name_b}: {units_b}", ""))


def scatter_chart(
    changes: pd.DataFrame,
    *,
    name_a: str,
    name_b: str,
    units_a: str,
    units_b: str,
    pct_a: bool,
    pct_b: bool,
    beta: float | None,
    alpha: float | None,
    text_a,
    text_b,
    period: str = "period",
    max_points: int = MAX_POINTS,
) -> ChartSpec:
    """B's changes against A's, the fitted line, and the latest period highlighted; `text_a` and
    `text_b` write a change in each metric's units (tooltips)."""
    data = changes[["a_chg", "b_chg"]].dropna()
    data = data.assign(latest=data.index == data.index[-1]) if len(data) else data.assign(latest=False)
    if len(data) > max_points:
        keep = np.unique(np.r_[np.linspace(0, len(data) - 1, max_points).astype(int), len(data) - 1])
        data = data.iloc[keep]
    data = data.assign(fit=alpha + beta * data["a_chg"] if beta is not None and alpha is not None else np.nan)
    data = data.reset_index()
    data.columns = ["date", *data.columns[1:]]
    data["date_text"] = date_texts(data["date"])
    data["a_text"], data["b_text"] = data["a_chg"].map(text_a), data["b_chg"].map(text_b)
    points_label = f"Each {period}'s changes"
    fit_label = f"Hedge line (β = {beta:.3g})" if beta is not None else "Hedge line (not fitted)"
    latest_label = f"Latest {period} (◆)"
    labels = (points_label, fit_label, latest_label)
    spec = _scatter_spec(name_a, name_b, units_a, units_b, pct_a, pct_b, *labels)
    return ChartSpec(spec, data)
