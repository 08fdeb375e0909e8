"""Altair chart builders: data in, a Vega-Lite spec and its data out (ChartSpec). No streamlit.

base: what every chart shares; pair: the compare page's charts; metric: the explorer's history;
scenario: the scenario section's episode paths and forecast fan.
"""

from .base import ChartSpec, thin_for_display
from .metric import history_chart
from .pair import (
    band_chart,
    lead_lag_chart,
    overlay_chart,
    rolling_line_chart,
    scatter_chart,
    side_by_side_chart,
    spread_frame,
    transform_series,
    transform_units,
)
from .scenario import episode_paths_chart, fan_chart

__all__ = [
    "ChartSpec",
    "band_chart",
    "episode_paths_chart",
    "fan_chart",
    "history_chart",
    "lead_lag_chart",
    "overlay_chart",
    "rolling_line_chart",
    "scatter_chart",
    "side_by_side_chart",
    "spread_frame",
    "thin_for_display",
    "transform_series",
    "transform_units",
]
