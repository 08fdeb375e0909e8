"""Charts of the scenario section: episode paths, the response over horizons, the forecast fan.

Same contract as every chart (convex.charts.base): a Vega-Lite spec (Altair) and its data, no
streamlit. Values are changes shown in percent for % metrics (`scale` 100) and in the metric's units
otherwise.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .axes import key, titled
from .base import BAND, BASE, COLOR_B, HEIGHT, ChartSpec, cached_spec, spec_of

EPISODES, MEDIAN = "Each episode", "Median of the episodes"


@cached_spec
def _paths_spec(step_title: str, value_title: str) -> dict:
    x = alt.X("step:Q", title=step_title)
    y = alt.Y("value:Q", title=None)
    legend_key = key((EPISODES, MEDIAN), (BAND, COLOR_B))
    tooltip = [
        alt.Tooltip("episode:N", title="Episode (signal date)"),
        alt.Tooltip("step:Q", title="Step"),
        alt.Tooltip("value:Q", title=value_title, format=",.2f"),
    ]
    episodes = (
        BASE.transform_filter("datum.episode != 'median'")
        .mark_line(strokeWidth=1, opacity=0.7)
        .encode(x=x, y=y, detail="episode:N", tooltip=tooltip)
    )
    median = (
        BASE.transform_filter("datum.episode == 'median'")
        .mark_line(strokeWidth=3)
        .encode(x=x, y=y, tooltip=tooltip)
    )
    episodes, median = legend_key.colored(episodes, EPISODES), legend_key.colored(median, MEDIAN)
    zero = BASE.mark_rule(color="#444", strokeWidth=1).encode(y=alt.datum(0))
    return spec_of(titled(alt.layer(zero, episodes, median).properties(height=HEIGHT), value_title, ""))


def episode_paths_chart(paths: pd.DataFrame, *, scale: float, step_title: str, value_title: str) -> ChartSpec:
    """Each episode's path of B rebased to 0 (thin) and the median path (bold)."""
    data = (paths * scale).reset_index().melt(id_vars="step", var_name="episode", value_name="value")
    return ChartSpec(_paths_spec(step_title, value_title), data)


@cached_spec
def _fan_spec(x_title: str, value_title: str, levels: tuple[str, ...], line_label: str) -> dict:
    x = alt.X("step:Q", title=x_title)
    bands = [f"{level}% band" for level in levels]
    shades = ["#a9c4de", "#6f9cc6"][: len(levels)]
    legend_key = key((*bands, line_label), (*shades, COLOR_B))
    layers = [BASE.mark_rule(color="#444", strokeWidth=1).encode(y=alt.datum(0))]
    for level, band in zip(levels, bands, strict=True):
        area = BASE.mark_area(opacity=0.6).encode(
            x=x, y=alt.Y(f"low_{level}:Q", title=None), y2=f"high_{level}:Q"
        )
        layers.append(legend_key.colored(area, band))
    tooltip = [alt.Tooltip("step:Q", title=x_title), alt.Tooltip("value:Q", title=line_label, format=",.2f")]
    tooltip += [
        alt.Tooltip(f"{side}_{level}:Q", title=f"{level}% band {side}", format=",.2f")
        for level in levels
        for side in ("low", "high")
    ]
    line = BASE.mark_line(strokeWidth=2.5, point=alt.OverlayMarkDef(color=COLOR_B)).encode(
        x=x, y="value:Q", tooltip=tooltip
    )
    layers.append(legend_key.colored(line, line_label))
    return spec_of(titled(alt.layer(*layers).properties(height=HEIGHT), value_title, ""))


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
