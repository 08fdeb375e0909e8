"""The compare page's time charts of a pair: side by side, overlay, spread band and rolling line.

Each takes the series as `values.shown` made them (drawn in the header's scale, each value's text
in its units) and what the chart adds (`layers.Extras`: recession shading, marked dates), and
returns a spec cached by shape (base.cached_spec) with its data. Every chart has one legend naming
each line, band, shading and marker, its units in its title, and date ticks chosen from its window.
"""

from __future__ import annotations

import dataclasses
import json

import altair as alt
import pandas as pd

from .axes import titled, value_axis, wrapped, x_axis, y_scale
from .base import (
    BAND,
    BASE,
    COLOR_A,
    COLOR_B,
    HEIGHT,
    HOVER,
    ChartSpec,
    cached_spec,
    crosshair_layer,
    date_texts,
    spec_of,
)
from .layers import NO_EXTRAS, Extras, decorate, extra_layers, extras_key
from .values import Shown

MEAN_COLOR = "#5c6b7a"


def pair_data(a: Shown, b: Shown) -> pd.DataFrame:
    """The rows the pair charts read: date, a and b as drawn, their texts and the date's."""
    index = a.values.index.union(b.values.index)
    return pd.DataFrame(
        {
            "date": index,
            "a": a.values.reindex(index).to_numpy(),
            "b": b.values.reindex(index).to_numpy(),
            "a_text": a.text.reindex(index).fillna("n/a").to_numpy(),
            "b_text": b.text.reindex(index).fillna("n/a").to_numpy(),
            "date_text": date_texts(index),
        }
    )


def _pair_tooltip(name_a: str, name_b: str) -> list:
    return [
        alt.Tooltip("date_text:N", title="Date"),
        alt.Tooltip("a_text:N", title=name_a),
        alt.Tooltip("b_text:N", title=name_b),
    ]


@cached_spec
def _side_by_side_spec(
    name_a: str, name_b: str, words_a: tuple[str, ...], words_b: tuple[str, ...], prefix_a: str,
    suffix_a: str, prefix_b: str, suffix_b: str, log_a: bool, log_b: bool, shade: bool,
    recession_label: str, mark: bool, mark_label: str,
) -> dict:  # fmt: skip
    tooltip = _pair_tooltip(name_a, name_b)
    legend_key = extras_key([], [], shade, recession_label, mark, mark_label, stack=False)

    def panel(column, name, words, prefix, suffix, log, color, *, params: bool) -> alt.LayerChart:
        base = BASE.encode(x=x_axis())
        y = alt.Y(f"{column}:Q", title=None, scale=y_scale(log), axis=value_axis(prefix, suffix))
        line = base.mark_line(color=color, strokeWidth=1.6).encode(y=y)
        # The dot is drawn on the hovered date only (see base.crosshair_layer).
        dot = base.transform_filter(HOVER).mark_circle(color=color, size=40).encode(y=f"{column}:Q")
        crosshair = crosshair_layer(base.encode(y=f"{column}:Q"), tooltip, params=params)
        extras = extra_layers(legend_key, shade, recession_label, mark, mark_label)
        chart = alt.layer(*extras, line, dot, crosshair).properties(height=int(HEIGHT / 1.3))
        return titled(chart, name, words)

    top = panel("a", name_a, words_a, prefix_a, suffix_a, log_a, COLOR_A, params=True)
    bottom = panel("b", name_b, words_b, prefix_b, suffix_b, log_b, COLOR_B, params=False)
    # Fitted to the page's width as every chart is (base.spec_of).
    return spec_of(alt.vconcat(top, bottom, spacing=12).resolve_scale(x="shared", color="shared"))


def side_by_side_chart(
    a: Shown, b: Shown, *, name_a: str, name_b: str, log_a: bool = False, log_b: bool = False,
    extras: Extras = NO_EXTRAS,
) -> ChartSpec:  # fmt: skip
    """Two stacked panels, each in its own units (its title says which), sharing the x axis,
    crosshair and zoom; `log_a`/`log_b` draw a panel on a log scale."""
    data, decor = decorate(pair_data(a, b), extras)
    spec = _side_by_side_spec(
        name_a, name_b, wrapped(a.axis.words), wrapped(b.axis.words), a.axis.prefix, a.axis.suffix,
        b.axis.prefix, b.axis.suffix, log_a, log_b, *decor,
    )  # fmt: skip
    return ChartSpec(spec, data)


@cached_spec
def _overlay_spec(
    name_a: str, name_b: str, subtitle: tuple[str, ...], prefix_a: str, suffix_a: str, prefix_b: str,
    suffix_b: str,
    dual_axis: bool, log: bool, shade: bool, recession_label: str, mark: bool, mark_label: str,
) -> dict:  # fmt: skip
    tooltip = _pair_tooltip(name_a, name_b)
    base = BASE.encode(x=x_axis())
    legend_key = extras_key(
        [name_a, name_b], [COLOR_A, COLOR_B], shade, recession_label, mark, mark_label, stack=True
    )
    if dual_axis:

        def line(column, name, prefix, suffix, color, orient):
            axis = value_axis(prefix, suffix, orient=orient, labelColor=color)
            drawn = base.mark_line(strokeWidth=1.6).encode(
                y=alt.Y(f"{column}:Q", title=None, scale=y_scale(log), axis=axis)
            )
            return legend_key.colored(drawn, name)

        lines = alt.layer(
            line("a", name_a, prefix_a, suffix_a, COLOR_A, "left"),
            line("b", name_b, prefix_b, suffix_b, COLOR_B, "right"),
        ).resolve_scale(y="independent")
    else:
        label = f"datum.which == 'a' ? {_quoted(name_a)} : {_quoted(name_b)}"
        lines = (
            base.transform_fold(["a", "b"], as_=["which", "value"])
            .transform_calculate(key=label)
            .mark_line(strokeWidth=1.6)
            .encode(
                y=alt.Y("value:Q", title=None, scale=y_scale(log), axis=value_axis(prefix_a, suffix_a)),
                color=alt.Color("key:N", scale=legend_key.scale, legend=legend_key.legend),
            )
        )
    extras = extra_layers(legend_key, shade, recession_label, mark, mark_label)
    chart = alt.layer(*extras, lines, crosshair_layer(base, tooltip)).properties(height=HEIGHT)
    return spec_of(titled(chart, subtitle, ""))


def _quoted(label: str) -> str:
    return json.dumps(label)


def overlay_chart(
    a: Shown, b: Shown, *, name_a: str, name_b: str, dual_axis: bool, log: bool = False,
    extras: Extras = NO_EXTRAS,
) -> ChartSpec:  # fmt: skip
    """Both series on one chart: one shared axis (in A's units, which the caller made B's too), or
    one axis each when `dual_axis`, A's on the left and B's on the right, labels in each colour."""
    data, decor = decorate(pair_data(a, b), extras)
    if dual_axis:
        names = (f"{name_a} (left axis)", f"{name_b} (right axis)")
        subtitle = (*wrapped("Left: " + a.axis.words), *wrapped("Right: " + b.axis.words))
    else:
        names = (name_a, name_b)
        same = a.axis.words == b.axis.words
        subtitle = wrapped(a.axis.words if same else f"{a.axis.words} · {b.axis.words}")
    # One axis labels both series' values only when they read alike ("$", "T"); else plain numbers.
    alike = dual_axis or a.axis == dataclasses.replace(b.axis, words=a.axis.words)
    prefix_a, suffix_a = (a.axis.prefix, a.axis.suffix) if alike else ("", "")
    spec = _overlay_spec(
        *names, subtitle, prefix_a, suffix_a, b.axis.prefix, b.axis.suffix, dual_axis, log, *decor
    )
    return ChartSpec(spec, data)


@cached_spec
def _band_spec(
    title: str, units: tuple[str, ...], value_label: str, band_label: str, shade: bool,
    recession_label: str, mark: bool, mark_label: str,
) -> dict:  # fmt: skip
    tooltip = [
        alt.Tooltip("date_text:N", title="Date"),
        alt.Tooltip("value_text:N", title=value_label),
        alt.Tooltip("mean_text:N", title="Its mean"),
        alt.Tooltip("band_text:N", title=band_label),
    ]
    labels, colors = [value_label, "Its mean", band_label], [COLOR_A, MEAN_COLOR, BAND]
    legend_key = extras_key(labels, colors, shade, recession_label, mark, mark_label, stack=True)
    base = BASE.encode(x=x_axis())
    band = base.mark_area(opacity=0.35).encode(
        y=alt.Y("lower:Q", title=None, scale=alt.Scale(zero=False), axis=value_axis()), y2="upper:Q"
    )
    mean = base.mark_line(strokeDash=[4, 3], strokeWidth=1).encode(y="mean:Q")
    line = base.mark_line(strokeWidth=1.6).encode(y="value:Q")
    band, mean = legend_key.colored(band, band_label), legend_key.colored(mean, "Its mean")
    line = legend_key.colored(line, value_label)
    extras = extra_layers(legend_key, shade, recession_label, mark, mark_label)
    chart = alt.layer(*extras, band, mean, line, crosshair_layer(base, tooltip)).properties(height=HEIGHT)
    return spec_of(titled(chart, title, units))


def band_chart(
    frame: pd.DataFrame, *, title: str, units: str, value_label: str, band_label: str,
    extras: Extras = NO_EXTRAS,
) -> ChartSpec:  # fmt: skip
    """A line with its rolling mean and a +-2 standard deviation band (`band_label` says which).

    `frame` has columns value, mean, upper, lower indexed by date.
    """
    data = frame[["value", "mean", "upper", "lower"]].reset_index()
    data.columns = ["date", "value", "mean", "upper", "lower"]
    data["date_text"] = date_texts(data["date"])
    for column in ("value", "mean"):
        data[f"{column}_text"] = data[column].map(_number)
    data["band_text"] = [f"{_number(lo)} to {_number(hi)}" for lo, hi in zip(data["lower"], data["upper"],
                                                                            strict=True)]  # fmt: skip
    data, decor = decorate(data, extras)
    spec = _band_spec(title, wrapped(units), value_label, band_label, *decor)
    return ChartSpec(spec, data)


def _number(value: float) -> str:
    """A spread's value: four significant digits, thousands separated."""
    return "n/a" if pd.isna(value) else f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"


@cached_spec
def _rolling_spec(
    title: str, subtitle: str, label: str, domain: tuple[float, float] | None, shade: bool,
    recession_label: str, mark: bool, mark_label: str, levels: bool, level_label: str,
) -> dict:  # fmt: skip
    tooltip = [alt.Tooltip("date_text:N", title="Date"), alt.Tooltip("value_text:N", title=label)]
    labels, colors = [label], [COLOR_A]
    if levels:
        labels, colors = [*labels, level_label], [*colors, COLOR_B]
    legend_key = extras_key(labels, colors, shade, recession_label, mark, mark_label, stack=True)
    base = BASE.encode(x=x_axis())
    y_values = alt.Scale(domain=list(domain)) if domain else alt.Scale(zero=False)
    line = base.mark_line(strokeWidth=1.6).encode(
        y=alt.Y("value:Q", title=None, scale=y_values, axis=value_axis())
    )
    zero = base.mark_rule(color="#444", strokeWidth=1).encode(y=alt.datum(0))
    layers = [*extra_layers(legend_key, shade, recession_label, mark, mark_label), zero]
    layers.append(legend_key.colored(line, label))
    if levels:
        # One statistic over each window, drawn across it (a screener's two windows).
        segments = (
            BASE.transform_filter("isValid(datum.level_start)")
            .mark_rule(strokeWidth=3)
            .encode(
                x="level_start:T", x2="level_end:T", y="level:Q",
                tooltip=[alt.Tooltip("level_text:N", title=level_label)],
            )
        )  # fmt: skip
        layers.append(legend_key.colored(segments, level_label))
    chart = alt.layer(*layers, crosshair_layer(base, tooltip)).properties(height=HEIGHT)
    return spec_of(titled(chart, title, subtitle))


def rolling_line_chart(
    series: pd.Series, *, title: str, label: str, text, subtitle: str = "",
    domain: tuple[float, float] | None = None, extras: Extras = NO_EXTRAS,
    levels: list[tuple[pd.Timestamp, pd.Timestamp, float, str]] = (), level_label: str = "",
) -> ChartSpec:  # fmt: skip
    """A rolling statistic over time with a zero line (rolling correlation, rolling beta), each value
    written by `text`; `levels` draws one value over each of some windows (first day, last day,
    value, its words), named `level_label` in the legend."""
    data = series.dropna().rename("value").reset_index()
    data.columns = ["date", "value"]
    data["date_text"] = date_texts(data["date"])
    data["value_text"] = data["value"].map(text)
    if levels:
        extra = pd.DataFrame(
            {
                "level_start": pd.DatetimeIndex([lv[0] for lv in levels]),
                "level_end": pd.DatetimeIndex([lv[1] for lv in levels]),
                "level": [lv[2] for lv in levels],
                "level_text": [lv[3] for lv in levels],
            }
        )
        data = pd.concat([data, extra.reindex(data.index)], axis=1) if len(data) >= len(extra) else data
    data, decor = decorate(data, extras)
    drawn_levels = bool(levels) and "level_start" in data
    spec = _rolling_spec(title, subtitle, label, domain, *decor, drawn_levels, level_label)
    return ChartSpec(spec, data)


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
