"""Charts of the scenario section: episode paths, the response over horizons, the forecast fan.

Same contract as every chart (convex.charts.base): a Vega-Lite spec (Altair) and its data, no streamlit.
Values are changes shown in percent for % metrics (`scale` 100) and in the metric's units otherwise.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .base import BAND, BASE, COLOR_A, COLOR_B, HEIGHT, ChartSpec, cached_spec, spec_of


@cached_spec
def _paths_spec(step_title: str, value_title: str) -> dict:
    x = alt.X("step:Q", title=step_title)
    y = alt.Y("value:Q", title=value_title)
    tooltip = [
        alt.Tooltip("episode:N", title="Episode (signal date)"),
        alt.Tooltip("step:Q", title="Step"),
        alt.Tooltip("value:Q", title=value_title, format=",.2f"),
    ]
    episodes = (
        BASE.transform_filter("datum.episode != 'median'")
        .mark_line(color=BAND, strokeWidth=1, opacity=0.7)
        .encode(x=x, y=y, detail="episode:N", tooltip=tooltip)
    )
    median = (
        BASE.transform_filter("datum.episode == 'median'")
        .mark_line(color=COLOR_B, strokeWidth=3)
        .encode(x=x, y=y, tooltip=tooltip)
    )
    zero = BASE.mark_rule(color="#444", strokeWidth=1).encode(y=alt.datum(0))
    return spec_of(alt.layer(zero, episodes, median).properties(height=HEIGHT))


def episode_paths_chart(paths: pd.DataFrame, *, scale: float, step_title: str, value_title: str) -> ChartSpec:
    """Each episode's path of B rebased to 0 (thin) and the median path (bold)."""
    data = (paths * scale).reset_index().melt(id_vars="step", var_name="episode", value_name="value")
    return ChartSpec(_paths_spec(step_title, value_title), data)


@cached_spec
def _fan_spec(x_title: str, value_title: str, levels: tuple[str, ...], line_label: str) -> dict:
    x = alt.X("step:Q", title=x_title)
    layers = [BASE.mark_rule(color="#444", strokeWidth=1).encode(y=alt.datum(0))]
    for level, opacity in zip(levels, (0.25, 0.45), strict=False):
        layers.append(
            BASE.mark_area(color=COLOR_A, opacity=opacity).encode(
                x=x, y=alt.Y(f"low_{level}:Q", title=value_title), y2=f"high_{level}:Q"
            )
        )
    tooltip = [alt.Tooltip("step:Q", title=x_title), alt.Tooltip("value:Q", title=line_label, format=",.2f")]
    tooltip += [
        alt.Tooltip(f"{side}_{level}:Q", title=f"{level}% band {side}", format=",.2f")
        for level in levels
        for side in ("low", "high")
    ]
    layers.append(
        BASE.mark_line(color=COLOR_B, strokeWidth=2.5, point=True).encode(x=x, y="value:Q", tooltip=tooltip)
    )
    return spec_of(alt.layer(*layers).properties(height=HEIGHT))


def fan_chart(
    frame: pd.DataFrame, *, scale: float, x_title: str, value_title: str, line_label: str
) -> ChartSpec:
    """A line over steps with its bands: columns value and low_<level>/high_<level> (e.g. 80,
    95; the widest first), indexed by step."""
    levels = tuple(
        sorted({c.split("_", 1)[1] for c in frame.columns if c.startswith("low_")}, key=int, reverse=True)
    )
    data = (frame * scale).rename_axis("step").reset_index()
    return ChartSpec(_fan_spec(x_title, value_title, levels, line_label), data)
