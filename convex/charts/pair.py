"""The compare page's charts of a pair: side by side, overlay, spread band, rolling line, lead-lag and
scatter, and the transforms they draw (level, rebased, z-score, change)."""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd

from .base import (
    BAND,
    BASE,
    COLOR_A,
    COLOR_B,
    HEIGHT,
    HOVER,
    MAX_POINTS,
    ChartSpec,
    cached_spec,
    crosshair_layer,
    date_tooltip,
    spec_of,
    x_axis,
)


def transform_series(series: pd.Series, transform: str, change: str) -> pd.Series:
    """The series as the chart transform asks: level, rebased to 100, z-score or change."""
    series = series.dropna()
    match transform:
        case "rebased":
            first = series.iloc[0] if len(series) else np.nan
            if first == 0 or not np.isfinite(first):
                return series * np.nan
            return 100 * series / first
        case "zscore":
            std = series.std()
            return (series - series.mean()) / std if std and np.isfinite(std) else series * 0
        case "change":
            return series.pct_change() * 100 if change == "pct" else series.diff()
    return series


def transform_units(units: str, transform: str, change: str) -> str:
    return {
        "rebased": "Rebased (start = 100)",
        "zscore": "Z-score (std devs from mean)",
        "change": "% change per period" if change == "pct" else f"Change per period ({units})",
    }.get(transform, units)


def _pair_tooltip(name_a: str, name_b: str) -> list:
    return [
        date_tooltip(),
        alt.Tooltip("a:Q", title=name_a, format=",.4~f"),
        alt.Tooltip("b:Q", title=name_b, format=",.4~f"),
    ]


def _pair_data(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"date": frame.index, "a": frame["a"].to_numpy(), "b": frame["b"].to_numpy()})


@cached_spec
def _side_by_side_spec(name_a: str, name_b: str, units_a: str, units_b: str) -> dict:
    tooltip = _pair_tooltip(name_a, name_b)

    def panel(column: str, name: str, units: str, color: str, *, params: bool) -> alt.LayerChart:
        base = BASE.encode(x=x_axis())
        line = base.mark_line(color=color, strokeWidth=1.6).encode(
            y=alt.Y(f"{column}:Q", title=units, scale=alt.Scale(zero=False))
        )
        dot = base.mark_circle(color=color, size=40).encode(
            y=f"{column}:Q", opacity=alt.condition(HOVER, alt.value(1), alt.value(0))
        )
        crosshair = crosshair_layer(base.encode(y=f"{column}:Q"), tooltip, params=params)
        return alt.layer(line, dot, crosshair).properties(title=name, height=int(HEIGHT / 1.3))

    top = panel("a", name_a, units_a, COLOR_A, params=True)
    bottom = panel("b", name_b, units_b, COLOR_B, params=False)
    # Streamlit does not fit a concatenation of layers to the page; fit-x (padding included) does.
    fit = alt.AutoSizeParams(type="fit-x", contains="padding")
    return spec_of(alt.vconcat(top, bottom, spacing=8).resolve_scale(x="shared").properties(autosize=fit))


def side_by_side_chart(
    frame: pd.DataFrame, *, name_a: str, name_b: str, units_a: str, units_b: str
) -> ChartSpec:
    """Two stacked panels, each in its own units, sharing the x axis, crosshair and zoom."""
    return ChartSpec(_side_by_side_spec(name_a, name_b, units_a, units_b), _pair_data(frame))


@cached_spec
def _overlay_spec(
    name_a: str, name_b: str, units_a: str, units_b: str, dual_axis: bool, same_units: bool
) -> dict:
    tooltip = _pair_tooltip(name_a, name_b)
    base = BASE.encode(x=x_axis())
    if dual_axis:
        line_a = base.mark_line(color=COLOR_A, strokeWidth=1.6).encode(
            y=alt.Y("a:Q", title=f"{name_a} ({units_a})", scale=alt.Scale(zero=False),
                    axis=alt.Axis(titleColor=COLOR_A))
        )  # fmt: skip
        line_b = base.mark_line(color=COLOR_B, strokeWidth=1.6).encode(
            y=alt.Y("b:Q", title=f"{name_b} ({units_b})", scale=alt.Scale(zero=False),
                    axis=alt.Axis(titleColor=COLOR_B, orient="right"))
        )  # fmt: skip
        lines = alt.layer(line_a, line_b).resolve_scale(y="independent")
    else:
        label = f"datum.which == 'a' ? {json.dumps(name_a)} : {json.dumps(name_b)}"
        title = units_a if same_units else "Value"
        lines = (
            base.transform_fold(["a", "b"], as_=["which", "value"])
            .transform_calculate(series=label)
            .mark_line(strokeWidth=1.6)
            .encode(
                y=alt.Y("value:Q", title=title, scale=alt.Scale(zero=False)),
                color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top"),
                                scale=alt.Scale(domain=[name_a, name_b], range=[COLOR_A, COLOR_B])),
            )
        )  # fmt: skip
    return spec_of(alt.layer(lines, crosshair_layer(base, tooltip)).properties(height=HEIGHT))


def overlay_chart(
    frame: pd.DataFrame, *, name_a: str, name_b: str, units_a: str, units_b: str, dual_axis: bool
) -> ChartSpec:
    """Both series on one chart: one shared axis, or one axis each when `dual_axis`."""
    spec = _overlay_spec(name_a, name_b, units_a, units_b, dual_axis, units_a == units_b)
    return ChartSpec(spec, _pair_data(frame))


@cached_spec
def _band_spec(value_title: str, value_label: str) -> dict:
    tooltip = [
        date_tooltip(),
        alt.Tooltip("value:Q", title=value_label, format=",.4~f"),
        alt.Tooltip("mean:Q", title="Rolling mean", format=",.4~f"),
        alt.Tooltip("upper:Q", title="+2 sd", format=",.4~f"),
        alt.Tooltip("lower:Q", title="-2 sd", format=",.4~f"),
    ]
    base = BASE.encode(x=x_axis())
    band = base.mark_area(color=BAND, opacity=0.35).encode(
        y=alt.Y("lower:Q", title=value_title, scale=alt.Scale(zero=False)), y2="upper:Q"
    )
    mean = base.mark_line(color="#5c6b7a", strokeDash=[4, 3], strokeWidth=1).encode(y="mean:Q")
    line = base.mark_line(color=COLOR_A, strokeWidth=1.6).encode(y="value:Q")
    return spec_of(alt.layer(band, mean, line, crosshair_layer(base, tooltip)).properties(height=HEIGHT))


def band_chart(frame: pd.DataFrame, *, value_title: str, value_label: str) -> ChartSpec:
    """A line with its rolling mean and a +-2 standard deviation band.

    `frame` has columns value, mean, upper, lower indexed by date.
    """
    data = frame[["value", "mean", "upper", "lower"]].reset_index()
    data.columns = ["date", "value", "mean", "upper", "lower"]
    return ChartSpec(_band_spec(value_title, value_label), data)


@cached_spec
def _rolling_spec(title: str, label: str, domain: tuple[float, float] | None) -> dict:
    tooltip = [date_tooltip(), alt.Tooltip("value:Q", title=label, format=".3f")]
    base = BASE.encode(x=x_axis())
    scale = alt.Scale(domain=list(domain)) if domain else alt.Scale(zero=False)
    line = base.mark_line(color=COLOR_A, strokeWidth=1.6).encode(y=alt.Y("value:Q", title=title, scale=scale))
    zero = base.mark_rule(color="#444", strokeWidth=1).encode(y=alt.datum(0))
    return spec_of(alt.layer(zero, line, crosshair_layer(base, tooltip)).properties(height=HEIGHT))


def rolling_line_chart(
    series: pd.Series, *, title: str, label: str, domain: tuple[float, float] | None = None
) -> ChartSpec:
    """A rolling statistic over time with a zero line (rolling correlation, rolling beta)."""
    data = series.dropna().rename("value").reset_index()
    data.columns = ["date", "value"]
    return ChartSpec(_rolling_spec(title, label, domain), data)


@cached_spec
def _lead_lag_spec(period: str) -> dict:
    bars = BASE.mark_bar().encode(
        x=alt.X("lag:O", title=f"Lag k in {period}s (k > 0: A leads B)"),
        y=alt.Y("correlation:Q", title="Correlation of changes"),
        color=alt.condition("datum.best", alt.value(COLOR_B), alt.value(COLOR_A)),
        opacity=alt.condition("datum.outside", alt.value(1.0), alt.value(0.45)),
        tooltip=[
            alt.Tooltip("lag:O", title="Lag"),
            alt.Tooltip("correlation:Q", format=".3f"),
            alt.Tooltip("outside:N", title="Outside the single-lag band"),
        ],
    )

    def rule(expression: str, dash: list[int]) -> alt.Chart:
        return (
            BASE.transform_calculate(y=expression)
            .mark_rule(color="#b03a2e", strokeDash=dash)
            .encode(y="max(y):Q")
        )

    rules = [rule("datum.band", [5, 4]), rule("-datum.band", [5, 4])]
    rules += [rule("datum.band_adjusted", [1, 0]), rule("-datum.band_adjusted", [1, 0])]
    return spec_of(alt.layer(bars, *rules).properties(height=HEIGHT))


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
    widened for the number of lags searched."""
    data = pd.DataFrame({"lag": lags, "correlation": correlations})
    data["best"] = data["lag"] == best_lag
    data["outside"] = data["correlation"].abs() > band
    data["band"], data["band_adjusted"] = band, band_adjusted
    return ChartSpec(_lead_lag_spec(period), data)


@cached_spec
def _scatter_spec(name_a: str, name_b: str, units_a: str, units_b: str, pct_a: bool, pct_b: bool) -> dict:
    tooltip = [
        date_tooltip("Period ending"),
        alt.Tooltip("a_chg:Q", title=f"{name_a} change", format=".2%" if pct_a else ",.4~f"),
        alt.Tooltip("b_chg:Q", title=f"{name_b} change", format=".2%" if pct_b else ",.4~f"),
    ]
    zoom = alt.selection_interval(name="scatter_zoom", bind="scales")
    points = (
        BASE.mark_circle(size=22, opacity=0.45, color=COLOR_A)
        .encode(
            # Percent changes are fractions (0.01 = 1%): the axes say so in percent.
            x=alt.X("a_chg:Q", title=f"{name_a}: {units_a}", axis=alt.Axis(format=".1%" if pct_a else ",~g")),
            y=alt.Y("b_chg:Q", title=f"{name_b}: {units_b}", axis=alt.Axis(format=".1%" if pct_b else ",~g")),
            tooltip=tooltip,
        )
        .add_params(zoom)
    )
    fit = BASE.mark_line(color="#b03a2e", strokeWidth=2).encode(x="a_chg:Q", y="fit:Q", order="a_chg:Q")
    latest = (
        BASE.transform_filter("datum.latest")
        .mark_point(size=160, color=COLOR_B, filled=True, shape="diamond")
        .encode(x="a_chg:Q", y="b_chg:Q", tooltip=tooltip)
    )
    return spec_of(alt.layer(points, fit, latest).properties(height=HEIGHT + 60))


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
    max_points: int = MAX_POINTS,
) -> ChartSpec:
    """B's changes against A's, the fitted line, and the latest period highlighted."""
    data = changes[["a_chg", "b_chg"]].dropna()
    data = data.assign(latest=data.index == data.index[-1]) if len(data) else data.assign(latest=False)
    if len(data) > max_points:
        keep = np.unique(np.r_[np.linspace(0, len(data) - 1, max_points).astype(int), len(data) - 1])
        data = data.iloc[keep]
    data = data.assign(fit=alpha + beta * data["a_chg"] if beta is not None and alpha is not None else np.nan)
    data = data.reset_index()
    data.columns = ["date", *data.columns[1:]]
    return ChartSpec(_scatter_spec(name_a, name_b, units_a, units_b, pct_a, pct_b), data)


def spread_frame(spread) -> pd.DataFrame:
    """A SpreadResult's lines as the columns `band_chart` draws."""
    return pd.DataFrame(
        {
            "value": spread.series,
            "mean": spread.rolling_mean,
            "upper": spread.upper_band,
            "lower": spread.lower_band,
        }
    )
