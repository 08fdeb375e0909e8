"""Altair chart builders: data in, a Vega-Lite spec and its data out (ChartSpec). No streamlit.

base: what every chart shares; axes: date ticks, value labels, legends; layers: recession shading
and marked dates; values: a series as drawn (in the header's units); pair: the compare page's time
charts; changes: its lead-lag and scatter; metric: the explorer's history; scenario: the scenario
section's episode paths and forecast fan.
"""

from .base import ChartSpec, thin_for_display
from .changes import lead_lag_chart, scatter_chart
from .layers import Extras
from .metric import history_chart
from .pair import band_chart, overlay_chart, rolling_line_chart, side_by_side_chart, spread_frame
from .scenario import episode_paths_chart, fan_chart
from .values import Shown, shown, transform_series

__all__ = [
    "ChartSpec",
    "Extras",
    "Shown",
    "band_chart",
    "episode_paths_chart",
    "fan_chart",
    "history_chart",
    "lead_lag_chart",
    "overlay_chart",
    "rolling_line_chart",
    "scatter_chart",
    "shown",
    "side_by_side_chart",
    "spread_frame",
    "thin_for_display",
    "transform_series",
]
