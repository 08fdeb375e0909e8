"""Chart builders: data in, a Vega-Lite spec (authored with Altair) and its data out. No streamlit.

Every time chart gets tooltips, a crosshair that follows the pointer and x-zoom (drag to pan,
wheel to zoom, double-click to reset). Statistics always use the full data; only what is drawn
is thinned (see `thin_for_display`).

Building a layered Altair chart costs 30-150 ms here, more than everything else on the page. The
spec of each chart depends only on its shape (its options) and its labels (names, units, titles),
never on the data, so it is built once per shape with placeholders for the labels, which each call
puts in (`_cached`); each view passes its data beside the spec (`ChartSpec`), which Streamlit sends
as Arrow.
"""

from __future__ import annotations

import inspect
import json
import re
from dataclasses import dataclass
from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd

MAX_POINTS = 1500
COLOR_A = "#1f4e79"
COLOR_B = "#d9711c"
BAND = "#9fb3c8"
HEIGHT = 260


def thin_for_display(frame: pd.DataFrame, max_points: int = MAX_POINTS) -> tuple[pd.DataFrame, str | None]:
    """At most `max_points` rows, by keeping the last row of each week, then of each month.

    Returns the rows to draw and a note saying what was thinned (None when nothing was).
    """
    if len(frame) <= max_points:
        return frame, None
    for period, label in (("W-FRI", "weekly"), ("M", "monthly"), ("Q", "quarterly"), ("Y", "yearly")):
        last_of_period = ~frame.index.to_period(period).duplicated(keep="last")
        if last_of_period.sum() <= max_points:
            thinned = frame[last_of_period]
            note = f"chart shows {label} points ({len(thinned):,} of {len(frame):,}); statistics use all"
            return thinned, note
    step = int(np.ceil(len(frame) / max_points))
    return frame.iloc[::-step][::-1], f"chart shows every {step}th point; statistics use all"


@dataclass(frozen=True)
class ChartSpec:
    """A Vega-Lite spec whose marks read the top-level data, and that data (a DataFrame, or the
    Arrow table a page made of it once to send it many times)."""

    spec: dict
    data: pd.DataFrame


def _spec(chart: alt.TopLevelMixin) -> dict:
    """The chart's spec without Altair's placeholder for the data it was built without."""

    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if not (k == "data" and v == {"name": "empty"})}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    # Validating against the Vega-Lite schema costs more than building the spec; tests/test_charts.py
    # validates every builder's output instead.
    spec = strip(chart.to_dict(validate=False))
    spec.get("datasets", {}).pop("empty", None)
    if not spec.get("datasets"):
        spec.pop("datasets", None)
    return spec


# A label (name, unit, title) in a spec built once per shape: "@@name_a@@" is the builder's argument
# name_a; quoted, as json.dumps wrote it into a Vega expression, it stands for json.dumps of the label.
_LABEL = re.compile(r'"@@(\w+)@@"|@@(\w+)@@')


def _cached(builder):
    """Cache a spec builder by the shape of its chart, not its labels: every str argument is a label
    that Altair only copies into the spec, so the spec is built once (tens to hundreds of ms of
    Altair) with a placeholder for each, and every caller gets a copy with its own labels put in.
    A builder that decides anything from a label's value takes that decision as an argument."""
    names = list(inspect.signature(builder).parameters)
    template = lru_cache(maxsize=256)(builder)

    def build(*args) -> dict:
        labels = {name: value for name, value in zip(names, args, strict=True) if isinstance(value, str)}
        shape = [f"@@{name}@@" if name in labels else value for name, value in zip(names, args, strict=True)]
        return _put_labels(template(*shape), labels)

    build.cache_info = template.cache_info
    build.direct = builder  # for tests: the spec built with the labels themselves
    return build


def _put_labels(node, labels: dict[str, str]):
    if isinstance(node, dict):
        return {key: _put_labels(value, labels) for key, value in node.items()}
    if isinstance(node, list):
        return [_put_labels(value, labels) for value in node]
    if isinstance(node, str) and "@@" in node:
        return _LABEL.sub(lambda m: json.dumps(labels[m[1]]) if m[1] else labels[m[2]], node)
    return node


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


def _x(title: str | None = None) -> alt.X:
    return alt.X("date:T", title=title, axis=alt.Axis(format="%b %Y", labelOverlap=True))


# Named, so that a chart's spec is the same on every rerun.
HOVER = alt.selection_point(
    name="hover", nearest=True, on="pointerover", fields=["date"], empty=False, clear="pointerout"
)
ZOOM = alt.selection_interval(name="zoom", bind="scales", encodings=["x"])
# Charts built without data read the data Streamlit attaches at the top level.
_BASE = alt.Chart()


def _date_tooltip(title: str = "Date") -> alt.Tooltip:
    return alt.Tooltip("date:T", title=title, format="%Y-%m-%d")


def _crosshair(base: alt.Chart, tooltip: list, *, params: bool = True) -> alt.LayerChart:
    """Invisible points that catch the pointer, and a vertical rule on the hovered date.

    Both the hover and the zoom parameters live on the catcher points only: Vega-Lite rejects a
    parameter repeated on several views of a concatenation, and "nearest" needs point marks.
    """
    catcher = base.mark_point(size=60, opacity=0).encode(tooltip=tooltip)
    if params:
        catcher = catcher.add_params(HOVER, ZOOM)
    rule = base.mark_rule(color="#8a94a6", strokeWidth=1).encode(
        opacity=alt.condition(HOVER, alt.value(0.7), alt.value(0))
    )
    return alt.layer(catcher, rule)


def _pair_tooltip(name_a: str, name_b: str) -> list:
    return [
        _date_tooltip(),
        alt.Tooltip("a:Q", title=name_a, format=",.4~f"),
        alt.Tooltip("b:Q", title=name_b, format=",.4~f"),
    ]


def _pair_data(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"date": frame.index, "a": frame["a"].to_numpy(), "b": frame["b"].to_numpy()})


@_cached
def _side_by_side_spec(name_a: str, name_b: str, units_a: str, units_b: str) -> dict:
    tooltip = _pair_tooltip(name_a, name_b)

    def panel(column: str, name: str, units: str, color: str, *, params: bool) -> alt.LayerChart:
        base = _BASE.encode(x=_x())
        line = base.mark_line(color=color, strokeWidth=1.6).encode(
            y=alt.Y(f"{column}:Q", title=units, scale=alt.Scale(zero=False))
        )
        dot = base.mark_circle(color=color, size=40).encode(
            y=f"{column}:Q", opacity=alt.condition(HOVER, alt.value(1), alt.value(0))
        )
        crosshair = _crosshair(base.encode(y=f"{column}:Q"), tooltip, params=params)
        return alt.layer(line, dot, crosshair).properties(title=name, height=int(HEIGHT / 1.3))

    top = panel("a", name_a, units_a, COLOR_A, params=True)
    bottom = panel("b", name_b, units_b, COLOR_B, params=False)
    # Streamlit does not fit a concatenation of layers to the page; fit-x (padding included) does.
    fit = alt.AutoSizeParams(type="fit-x", contains="padding")
    return _spec(alt.vconcat(top, bottom, spacing=8).resolve_scale(x="shared").properties(autosize=fit))


def side_by_side_chart(
    frame: pd.DataFrame, *, name_a: str, name_b: str, units_a: str, units_b: str
) -> ChartSpec:
    """Two stacked panels, each in its own units, sharing the x axis, crosshair and zoom."""
    return ChartSpec(_side_by_side_spec(name_a, name_b, units_a, units_b), _pair_data(frame))


@_cached
def _overlay_spec(
    name_a: str, name_b: str, units_a: str, units_b: str, dual_axis: bool, same_units: bool
) -> dict:
    tooltip = _pair_tooltip(name_a, name_b)
    base = _BASE.encode(x=_x())
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
    return _spec(alt.layer(lines, _crosshair(base, tooltip)).properties(height=HEIGHT))


def overlay_chart(
    frame: pd.DataFrame, *, name_a: str, name_b: str, units_a: str, units_b: str, dual_axis: bool
) -> ChartSpec:
    """Both series on one chart: one shared axis, or one axis each when `dual_axis`."""
    spec = _overlay_spec(name_a, name_b, units_a, units_b, dual_axis, units_a == units_b)
    return ChartSpec(spec, _pair_data(frame))


@_cached
def _band_spec(value_title: str, value_label: str) -> dict:
    tooltip = [
        _date_tooltip(),
        alt.Tooltip("value:Q", title=value_label, format=",.4~f"),
        alt.Tooltip("mean:Q", title="Rolling mean", format=",.4~f"),
        alt.Tooltip("upper:Q", title="+2 sd", format=",.4~f"),
        alt.Tooltip("lower:Q", title="-2 sd", format=",.4~f"),
    ]
    base = _BASE.encode(x=_x())
    band = base.mark_area(color=BAND, opacity=0.35).encode(
        y=alt.Y("lower:Q", title=value_title, scale=alt.Scale(zero=False)), y2="upper:Q"
    )
    mean = base.mark_line(color="#5c6b7a", strokeDash=[4, 3], strokeWidth=1).encode(y="mean:Q")
    line = base.mark_line(color=COLOR_A, strokeWidth=1.6).encode(y="value:Q")
    return _spec(alt.layer(band, mean, line, _crosshair(base, tooltip)).properties(height=HEIGHT))


def band_chart(frame: pd.DataFrame, *, value_title: str, value_label: str) -> ChartSpec:
    """A line with its rolling mean and a +-2 standard deviation band.

    `frame` has columns value, mean, upper, lower indexed by date.
    """
    data = frame[["value", "mean", "upper", "lower"]].reset_index()
    data.columns = ["date", "value", "mean", "upper", "lower"]
    return ChartSpec(_band_spec(value_title, value_label), data)


@_cached
def _rolling_spec(title: str, label: str, domain: tuple[float, float] | None) -> dict:
    tooltip = [_date_tooltip(), alt.Tooltip("value:Q", title=label, format=".3f")]
    base = _BASE.encode(x=_x())
    scale = alt.Scale(domain=list(domain)) if domain else alt.Scale(zero=False)
    line = base.mark_line(color=COLOR_A, strokeWidth=1.6).encode(y=alt.Y("value:Q", title=title, scale=scale))
    zero = base.mark_rule(color="#444", strokeWidth=1).encode(y=alt.datum(0))
    return _spec(alt.layer(zero, line, _crosshair(base, tooltip)).properties(height=HEIGHT))


def rolling_line_chart(
    series: pd.Series, *, title: str, label: str, domain: tuple[float, float] | None = None
) -> ChartSpec:
    """A rolling statistic over time with a zero line (rolling correlation, rolling beta)."""
    data = series.dropna().rename("value").reset_index()
    data.columns = ["date", "value"]
    return ChartSpec(_rolling_spec(title, label, domain), data)


@_cached
def _lead_lag_spec(period: str) -> dict:
    bars = _BASE.mark_bar().encode(
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
            _BASE.transform_calculate(y=expression)
            .mark_rule(color="#b03a2e", strokeDash=dash)
            .encode(y="max(y):Q")
        )

    rules = [rule("datum.band", [5, 4]), rule("-datum.band", [5, 4])]
    rules += [rule("datum.band_adjusted", [1, 0]), rule("-datum.band_adjusted", [1, 0])]
    return _spec(alt.layer(bars, *rules).properties(height=HEIGHT))


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


@_cached
def _scatter_spec(name_a: str, name_b: str, units_a: str, units_b: str, pct_a: bool, pct_b: bool) -> dict:
    tooltip = [
        _date_tooltip("Period ending"),
        alt.Tooltip("a_chg:Q", title=f"{name_a} change", format=".2%" if pct_a else ",.4~f"),
        alt.Tooltip("b_chg:Q", title=f"{name_b} change", format=".2%" if pct_b else ",.4~f"),
    ]
    zoom = alt.selection_interval(name="scatter_zoom", bind="scales")
    points = (
        _BASE.mark_circle(size=22, opacity=0.45, color=COLOR_A)
        .encode(
            # Percent changes are fractions (0.01 = 1%): the axes say so in percent.
            x=alt.X("a_chg:Q", title=f"{name_a}: {units_a}", axis=alt.Axis(format=".1%" if pct_a else ",~g")),
            y=alt.Y("b_chg:Q", title=f"{name_b}: {units_b}", axis=alt.Axis(format=".1%" if pct_b else ",~g")),
            tooltip=tooltip,
        )
        .add_params(zoom)
    )
    fit = _BASE.mark_line(color="#b03a2e", strokeWidth=2).encode(x="a_chg:Q", y="fit:Q", order="a_chg:Q")
    latest = (
        _BASE.transform_filter("datum.latest")
        .mark_point(size=160, color=COLOR_B, filled=True, shape="diamond")
        .encode(x="a_chg:Q", y="b_chg:Q", tooltip=tooltip)
    )
    return _spec(alt.layer(points, fit, latest).properties(height=HEIGHT + 60))


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


@_cached
def _history_spec(name: str, units: str) -> dict:
    tooltip = [_date_tooltip(), alt.Tooltip("value:Q", title=name, format=",.4~f")]
    base = _BASE.encode(x=_x())
    line = base.mark_line(color=COLOR_A, strokeWidth=1.6).encode(
        y=alt.Y("value:Q", title=units, scale=alt.Scale(zero=False))
    )
    return _spec(alt.layer(line, _crosshair(base, tooltip)).properties(height=HEIGHT + 40))


def history_chart(series: pd.Series, *, name: str, units: str) -> ChartSpec:
    """One metric's history (the explorer page)."""
    data = series.rename("value").reset_index()
    data.columns = ["date", "value"]
    return ChartSpec(_history_spec(name, units), data)


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
