"""The metric explorer's chart: one metric's history."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .base import (
    BASE,
    COLOR_A,
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
