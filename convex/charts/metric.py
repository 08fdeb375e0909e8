"""The metric explorer's charts: one metric's history, in the header's units, with recession
shading; and, for a metric with vintages, its first releases against today's values."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .axes import titled, value_axis, wrapped, x_axis, y_scale
from .base import BASE, COLOR_A, COLOR_B, HEIGHT, ChartSpec, cached_spec, crosshair_layer, date_texts, spec_of
from .layers import NO_EXTRAS, Extras, decorate, extra_layers, extras_key
from .values import Shown


@cached_spec
def _history_spec(
    name: str, words: tuple[str, ...], prefix: str, suffix: str, log: bool, shade: bool,
    recession_label: str, mark: bool, mark_label: str,
) -> dict:  # fmt: skip
    tooltip = [alt.Tooltip("date_text:N", title="Date"), alt.Tooltip("value_text:N", title=name)]
    legend_key = extras_key([name], [COLOR_A], shade, recession_label, mark, mark_label, stack=True)
    base = BASE.encode(x=x_axis())
    line = base.mark_line(strokeWidth=1.6).encode(
        y=alt.Y("value:Q", title=None, scale=y_scale(log), axis=value_axis(prefix, suffix))
    )
    line = legend_key.colored(line, name)
    shading = extra_layers(legend_key, shade, recession_label, mark, mark_label)
    chart = alt.layer(*shading, line, crosshair_layer(base, tooltip)).properties(height=HEIGHT + 40)
    return spec_of(titled(chart, words, ""))


def history_chart(values: Shown, *, name: str, log: bool = False, extras: Extras = NO_EXTRAS) -> ChartSpec:
    """One metric's history (the explorer page), as `values.shown` drew it."""
    data = pd.DataFrame(
        {
            "date": values.values.index,
            "value": values.values.to_numpy(),
            "value_text": values.text.to_numpy(),
            "date_text": date_texts(values.values.index),
        }
    )
    data, decor = decorate(data, Extras(extras.recessions))  # the explorer marks no dates
    axis = values.axis
    return ChartSpec(_history_spec(name, wrapped(axis.words), axis.prefix, axis.suffix, log, *decor), data)


@cached_spec
def _revisions_spec(name: str, units: str) -> dict:
    tooltip = [
        alt.Tooltip("date_text:N", title="Date"),
        alt.Tooltip("first:Q", title="First release", format=",.4~f"),
        alt.Tooltip("latest:Q", title="Today", format=",.4~f"),
    ]
    base = BASE.encode(x=x_axis())
    lines = (
        base.transform_fold(["first", "latest"], as_=["which", "value"])
        .mark_line(strokeWidth=1.4)
        .encode(
            y=alt.Y("value:Q", title=units, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "which:N",
                title=None,
                scale=alt.Scale(domain=["first", "latest"], range=[COLOR_A, COLOR_B]),
                legend=alt.Legend(
                    orient="top", labelExpr="datum.value == 'first' ? 'First release' : 'Today'"
                ),
            ),
        )
    )
    return spec_of(alt.layer(lines, crosshair_layer(base, tooltip)).properties(height=HEIGHT, title=name))


def revisions_chart(frame: pd.DataFrame, *, name: str, units: str) -> ChartSpec:
    """Each period's first release against its value today (the explorer, for a metric with vintages)."""
    data = frame[["first", "latest"]].reset_index()
    data.columns = ["date", "first", "latest"]
    data["date_text"] = date_texts(data["date"])
    return ChartSpec(_revisions_spec(name, units), data)
