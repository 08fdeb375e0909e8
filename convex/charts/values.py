"""A series as a chart draws it: transformed as the page asks (level, rebased, z-score, change), in
the scale of the page's header (the Fed's balance sheet in trillions), with each value written in
its metric's units for the tooltip ("$6.63T", "+1.20%", "-12 bp"), as the header and the
statistics write them (convex.metrics.formatting)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..metrics.formatting import (
    AxisUnits,
    change_axis_units,
    format_change,
    format_value,
    level_axis_units,
)
from ..metrics.metric import Metric

TRANSFORM_WORDS = {
    "rebased": "Rebased (start = 100)",
    "zscore": "Z-score (standard deviations from the mean)",
}


def transform_series(series: pd.Series, transform: str, change: str) -> pd.Series:
    """The series as the chart transform asks: level, rebased to 100, z-score, or its change per
    period (a fraction for `pct` metrics, a difference otherwise)."""
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
            return series.pct_change() if change == "pct" else series.diff()
    return series


def _largest(values: pd.Series) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.abs().max()) if len(finite) else 0.0


@dataclass(frozen=True)
class Shown:
    """What a chart draws of one series: `values` in the axis' scale, `text` each value in its
    metric's units (tooltips), and how the axis reads (`axis`: prefix, suffix, units in words)."""

    values: pd.Series
    text: pd.Series
    axis: AxisUnits

    @property
    def positive(self) -> bool:
        """Whether a log scale can draw it: every value above zero."""
        finite = self.values.dropna()
        return bool(len(finite)) and bool((finite > 0).all())


def shown(series: pd.Series, metric: Metric, transform: str = "level", period: str = "period") -> Shown:
    """`series` of `metric` as the chart `transform` draws it; `period` names one step of a change
    ("week")."""
    values = transform_series(series, transform, metric.change)
    if transform == "change":
        axis = change_axis_units(metric, _largest(values))
        axis = AxisUnits(axis.factor, axis.prefix, axis.suffix, f"{axis.words} per {period}")
        text = values.map(lambda v: format_change(v, metric))
    elif transform == "rebased":
        axis = AxisUnits(1.0, "", "", TRANSFORM_WORDS[transform])
        text = values.map(lambda v: f"{v:,.1f}" if np.isfinite(v) else "n/a")
    elif transform == "zscore":
        axis = AxisUnits(1.0, "", "", TRANSFORM_WORDS[transform])
        text = values.map(lambda v: f"{v:+.2f} sd" if np.isfinite(v) else "n/a")
    else:
        axis = level_axis_units(metric, _largest(values))
        text = values.map(lambda v: format_value(v, metric))
    if metric.processing:  # FRED's units chosen on the page: they name what is drawn
        same = axis.words in metric.processing  # "Percent" in "Percent Change from Year Ago"
        processed = metric.processing if same else f"{metric.processing} · {axis.words}"
        axis = AxisUnits(axis.factor, axis.prefix, axis.suffix, processed)
    return Shown(values * axis.factor, text.astype(str), axis)
