"""The metric explorer's charts: one metric's history, and its revisions."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .base import (
    BASE,
    COLOR_A,
    COLOR_B,
    HEIGHT,
    ChartSpec,
    cached_spec,
    crosshair_layer,
    date_tooltip,
    spec_of,
    x_axis,
)


@cached_spec
def _history_spec(name: str, units: str) -> dict:
    tooltip = [date_tooltip(), alt.Tooltip("value:Q", title=name, format=",.4~f")]
    base = BASE.encode(x=x_axis())
    line = base.mark_line(color=COLOR_A, strokeWidth=1.6).encode(
        y=alt.Y("value:Q", title=units, scale=alt.Scale(zero=False))
    )
    return spec_of(alt.layer(line, crosshair_layer(base, tooltip)).properties(height=HEIGHT + 40))


def history_chart(series: pd.Series, *, name: str, units: str) -> ChartSpec:
    """One metric's history (the explorer page)."""
    data = series.rename("value").reset_index()
    data.columns = ["date", "value"]
    return ChartSpec(_history_spec(name, units), data)


@cached_spec
def _revisions_spec(name: str, units: str) -> dict:
    tooltip = [
        date_tooltip(),
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
    return ChartSpec(_revisions_spec(name, units), data)
