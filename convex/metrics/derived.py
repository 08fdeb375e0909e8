"""Derived metrics: a formula over input series on common dates, in the metric's own units."""

from __future__ import annotations

from functools import reduce

import pandas as pd

from convex.metrics.formulas import Unit, evaluate, formula_units, parse
from convex.metrics.metric import FREQUENCIES, Metric

# How old a higher-frequency input's last observation may be when sampled on a base date.
_ASOF_TOLERANCE = {
    "daily": pd.Timedelta(days=5),
    "weekly": pd.Timedelta(days=8),
    "monthly": pd.Timedelta(days=35),
    "quarterly": pd.Timedelta(days=95),
}


def aligned_inputs(parts: dict[str, tuple[pd.Series, Metric]]) -> pd.DataFrame:
    """The inputs on the dates of the lowest-frequency one, one column per id.

    Inputs at that frequency must have an observation on the date itself; higher-frequency inputs
    contribute their last observation on or before it (never a later one, and none after their
    own last date: an input that stopped is not carried forward). Dates where any input has no
    value are left out.
    """
    base_freq = max((m.frequency for _, m in parts.values()), key=FREQUENCIES.index)
    base_dates = reduce(
        pd.Index.intersection, [s.index for s, m in parts.values() if m.frequency == base_freq]
    )
    columns = {}
    for metric_id, (series, source) in parts.items():
        if source.frequency == base_freq:
            columns[metric_id] = series.reindex(base_dates)
        else:
            tolerance = _ASOF_TOLERANCE[source.frequency]
            sampled = series.reindex(base_dates, method="ffill", tolerance=tolerance)
            columns[metric_id] = sampled.where(base_dates <= series.index[-1]) if len(series) else sampled
    return pd.DataFrame(columns, index=base_dates).dropna()


def combine_inputs(metric: Metric, parts: dict[str, tuple[pd.Series, Metric]]) -> pd.Series:
    """The derived series: its formula over the aligned inputs, in the metric's own units (a
    result in millions of USD is given in billions when the metric says billions)."""
    tree = parse(metric.formula or "", parts)
    units_of = {i: m.units for i, (_, m) in parts.items()}.__getitem__
    result = evaluate(tree, aligned_inputs(parts), units_of)
    result = result * (formula_units(tree, units_of).scale / Unit.of(metric.units).scale)
    result = pd.Series(result, dtype="float64")
    result.name = metric.id
    result.index.name = "date"
    return result
