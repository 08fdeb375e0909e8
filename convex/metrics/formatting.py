"""Numbers as people read them, in each metric's units. Pure; used by pages, content and CLI."""

from __future__ import annotations

import math
from dataclasses import dataclass

from convex.metrics.metric import Metric

_USD_SCALES = {"Millions of USD": 1e6, "Billions of USD": 1e9}
# Dollar amounts are written in the largest of these they reach: "$6.63T".
_USD_SIZES = ((1e12, "T", "Trillions"), (1e9, "B", "Billions"), (1e6, "M", "Millions"))
# One period of each frequency, in words: "over the last trading day", "a 26-week window".
PERIOD_WORD = {"daily": "trading day", "weekly": "week", "monthly": "month", "quarterly": "quarter"}
PERIOD_WORDS = {"daily": "trading days", "weekly": "weeks", "monthly": "months", "quarterly": "quarters"}
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(value) -> str:
    """ "8 Mar 2023": the one way a day is written in labels and text (a date or a Timestamp)."""
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


def _is_missing(value: float | None) -> bool:
    return value is None or not math.isfinite(value)


def _compact_usd(dollars: float) -> str:
    for size, suffix, _ in _USD_SIZES:
        if abs(dollars) >= size:
            return f"${dollars / size:,.2f}{suffix}"
    return f"${dollars:,.0f}"


def format_value(value: float | None, metric: Metric) -> str:
    """A level in the metric's units: "$6.55T", "4.12%", "3.05 pp", "$89.12", "4,512.3"."""
    if _is_missing(value):
        return "n/a"
    units = metric.units
    if units in _USD_SCALES:
        return _compact_usd(value * _USD_SCALES[units])
    if units == "Percent":
        return f"{value:,.2f}%"
    if units == "Percentage points":
        return f"{value:,.2f} pp"
    if units.startswith("USD") or units == "USD":
        return f"${value:,.2f}" if abs(value) >= 1 else f"${value:,.4f}"
    if units == "Volatility points":
        return f"{value:,.2f}"
    if units == "Ratio":
        return f"{value:,.4f}"
    return f"{value:,.2f}" if abs(value) < 1e5 else f"{value:,.0f}"


def format_change(value: float | None, metric: Metric) -> str:
    """A change: `pct` metrics give a fraction (0.012 -> "+1.20%"), `diff` metrics a difference
    in their own units."""
    if _is_missing(value):
        return "n/a"
    if metric.change == "pct":
        # Past +1,000% (bitcoin from its first days) the decimals say nothing and the digits need grouping.
        return f"{value * 100:+,.0f}%" if abs(value) >= 10 else f"{value * 100:+.2f}%"
    units = metric.units
    if units in ("Percent", "Percentage points"):
        # Market rates move in basis points; macro rates such as unemployment in points.
        if metric.domain == "Growth & Labor":
            return f"{value:+,.2f} pp"
        return f"{value * 100:+,.0f} bp"
    if units in _USD_SCALES:
        text = _compact_usd(abs(value) * _USD_SCALES[units])
        return ("+" if value >= 0 else "-") + text
    if units == "Volatility points":
        return f"{value:+,.2f} pts"
    if units.startswith("USD"):
        return f"{value:+,.2f} $"
    return f"{value:+,.2f}"


@dataclass(frozen=True)
class AxisUnits:
    """How a chart's value axis reads values of a metric in the units its header and tooltips use:
    values are drawn multiplied by `factor`, labelled `prefix` + number + `suffix` ("$6.6T"), and
    `words` names the units once, in the chart's title."""

    factor: float
    prefix: str
    suffix: str
    words: str


def level_axis_units(metric: Metric, largest: float) -> AxisUnits:
    """A level's axis, in the scale `format_value` writes the largest value drawn (`largest`,
    absolute): the Fed's balance sheet in millions of USD reads "$6.6T" on a "Trillions of USD" axis."""
    units = metric.units
    if units in _USD_SCALES:
        dollars = abs(largest) * _USD_SCALES[units] if math.isfinite(largest) else 0.0
        for size, suffix, word in _USD_SIZES:
            if dollars >= size:
                return AxisUnits(_USD_SCALES[units] / size, "$", suffix, f"{word} of USD")
        return AxisUnits(_USD_SCALES[units], "$", "", "USD")
    if units == "Percent":
        return AxisUnits(1.0, "", "%", units)
    if units == "Percentage points":
        return AxisUnits(1.0, "", " pp", units)
    if units.startswith("USD"):
        return AxisUnits(1.0, "$", "", units)
    return AxisUnits(1.0, "", "", units)


def change_axis_units(metric: Metric, largest: float) -> AxisUnits:
    """A change's axis, in the units `format_change` writes it: percent for `pct` metrics (the
    change a fraction), basis points or percentage points for rates, the level's scale otherwise."""
    if metric.change == "pct":
        return AxisUnits(100.0, "", "%", "Percent change")
    if metric.units in ("Percent", "Percentage points"):
        if metric.domain == "Growth & Labor":
            return AxisUnits(1.0, "", " pp", "Change in percentage points")
        return AxisUnits(100.0, "", " bp", "Change in basis points")
    if metric.units == "Volatility points":
        return AxisUnits(1.0, "", " pts", "Change in volatility points")
    level = level_axis_units(metric, largest)
    return AxisUnits(level.factor, level.prefix, level.suffix, f"Change in {level.words}")


def beta_in_units(beta: float, metric_a: Metric, metric_b: Metric) -> tuple[float, float] | None:
    """A beta as (move of A, move of B that came with it), A's move a round unit (1 %, 1 bp, 1
    point) grown tenfold until B's response spans at least five of the last digits format_change
    prints (so "+0.9 bp" is not printed as "+1 bp", nor its interval as "+1 bp to +1 bp"); None
    when even 1,000 units move B by less than that."""
    unit = unit_move(metric_a)
    # 0.05% of a price; 5 bp of a rate, 0.05 of a point or a percentage point otherwise.
    smallest = 5e-4 if metric_b.change == "pct" else 5e-2
    for _ in range(3):
        if abs(beta * unit) >= smallest:
            return unit, beta * unit
        unit *= 10
    return (unit, beta * unit) if abs(beta * unit) >= smallest else None


def unit_move(metric: Metric) -> float:
    """A typical one-unit move of the metric's changes, for stating a beta: 1 %, 1 bp, 1 point."""
    if metric.change == "pct":
        return 0.01
    if metric.units in ("Percent", "Percentage points"):
        return 0.1 if metric.domain == "Growth & Labor" else 0.01
    return 1.0


def change_unit_label(metric: Metric) -> str:
    """What a change of this metric is measured in, for axis titles and tables."""
    if metric.change == "pct":
        return "% change"
    if metric.units in ("Percent", "Percentage points"):
        return "change in percentage points"
    return f"change in {metric.units}"


def format_number(value: float | None, digits: int = 2) -> str:
    return "n/a" if _is_missing(value) else f"{value:,.{digits}f}"


def format_pvalue(p: float | None) -> str:
    if _is_missing(p):
        return "n/a"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def format_share(share: float | None) -> str:
    """ "42%"; never a rounded "100%" or "0%" that the share is not ("over 99%", "under 1%")."""
    if _is_missing(share):
        return "n/a"
    printed = f"{share * 100:.0f}"
    if printed == "100" and share < 1:
        return "over 99%"
    if printed == "0" and share > 0:
        return "under 1%"
    return f"{printed}%"


def format_effectiveness(share: float | None) -> str:
    """A hedge's share of variance removed: "49%"; one that added variance keeps its sign and a
    decimal, so it never reads as "0%" or "-0%": "-0.4% (added variance)"."""
    if _is_missing(share) or share >= 0:
        return format_share(share)
    return f"{share * 100:+.1f}% (added variance)"


def periods(count: int, frequency: str) -> str:
    """ "1 week", "3 weeks", "12 trading days"."""
    return f"{count:,} {PERIOD_WORD[frequency] if count == 1 else PERIOD_WORDS[frequency]}"


def format_r(r: float | None) -> str:
    """A correlation as "+0.45"; "-0.00" never appears."""
    if _is_missing(r):
        return "n/a"
    text = f"{r:+.2f}"
    return "0.00" if text in ("+0.00", "-0.00") else text
