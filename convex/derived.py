"""Derived metrics: combine input series into one, with units normalised explicitly."""

from __future__ import annotations

from functools import reduce

import pandas as pd

from .catalog import FREQUENCIES, Metric

# How old a higher-frequency input's last observation may be when sampled on a base date.
_ASOF_TOLERANCE = {
    "daily": pd.Timedelta(days=5),
    "weekly": pd.Timedelta(days=8),
    "monthly": pd.Timedelta(days=35),
    "quarterly": pd.Timedelta(days=95),
}


def combine_inputs(metric: Metric, parts: dict[str, tuple[pd.Series, Metric]]) -> pd.Series:
    """The derived series on the dates of its lowest-frequency input.

    Inputs at that frequency must have an observation on the date itself; higher-frequency inputs
    contribute their last observation on or before it (never a later one).
    """
    base_freq = max((m.frequency for _, m in parts.values()), key=FREQUENCIES.index)
    base_dates = reduce(
        pd.Index.intersection, [s.index for s, m in parts.values() if m.frequency == base_freq]
    )
    columns = {}
    for item in metric.inputs:
        series, source = parts[item.id]
        if source.frequency == base_freq:
            columns[item.id] = series.reindex(base_dates)
        else:
            tolerance = _ASOF_TOLERANCE[source.frequency]
            columns[item.id] = series.reindex(base_dates, method="ffill", tolerance=tolerance)
    frame = pd.DataFrame(columns).dropna()
    if metric.op == "ratio":
        numerator, denominator = (frame[i.id] for i in metric.inputs)
        result = (numerator / denominator).where(denominator != 0)
    else:
        result = sum(
            frame[i.id] * (parts[i.id][1].unit_scale / metric.unit_scale) * i.weight for i in metric.inputs
        )
    result = pd.Series(result, dtype="float64").dropna()
    result.name = metric.id
    result.index.name = "date"
    return result
