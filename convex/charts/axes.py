"""Axes and legends that read: date ticks chosen from the window a chart spans (days and weeks for
a short window, months, then years), each label once and the last one inside the chart; value
labels in the units the page's header uses ("$6.6T", "4%"), with the units in words in a title,
never a cut axis title; one legend for every line, band, shading and marker of a chart.

Everything here decides a chart's shape from plain values (a window's length, a prefix), so that the
spec cache (base.cached_spec) keys on them.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from typing import NamedTuple

import altair as alt
import pandas as pd

# Date ticks: (longest window in days, tick interval, step, label format, the first label's format).
# About six to twelve ticks: every label fits a phone's width once Vega drops overlapping ones, and
# no two ticks share a label. The first label carries the year on windows of days and weeks.
_DATE_TICKS = (
    (12, "day", 1, "%b %-d", "%b %-d, %Y"),
    (25, "day", 3, "%b %-d", "%b %-d, %Y"),
    (70, "week", 1, "%b %-d", "%b %-d, %Y"),
    (140, "week", 2, "%b %-d", "%b %-d, %Y"),
    (420, "month", 1, "%b", "%b %Y"),
    (800, "month", 3, "%b %Y", "%b %Y"),
    (1500, "month", 6, "%b %Y", "%b %Y"),
    (3300, "year", 1, "%Y", "%Y"),
    (7000, "year", 2, "%Y", "%Y"),
    (18000, "year", 5, "%Y", "%Y"),
    (None, "year", 10, "%Y", "%Y"),
)


class DateTicks(NamedTuple):
    """A date axis' ticks: one every `step` `interval`s, labelled `label` (the first `first_label`)."""

    interval: str
    step: int
    label: str
    first_label: str


def date_ticks(first: pd.Timestamp | None, last: pd.Timestamp | None) -> DateTicks:
    """The ticks of a chart of dates first..last."""
    days = (last - first).days if first is not None and last is not None else 0
    for longest, interval, step, label, first_label in _DATE_TICKS:
        if longest is None or days <= longest:
            return DateTicks(interval, step, label, first_label)
    raise AssertionError("the last row has no limit")


def date_ticks_of(dates) -> DateTicks:
    dates = pd.DatetimeIndex(pd.Series(dates).dropna())
    return date_ticks(dates.min(), dates.max()) if len(dates) else date_ticks(None, None)


def x_axis(ticks: DateTicks, title: str | None = None) -> alt.X:
    """The date axis: UTC (a date is a day wherever the reader is), ticks every `step` intervals,
    labels that never repeat, the first and last flush with the chart's edges so none is clipped.
    Months on a window of about a year read "Jan 2024, Feb, Mar...": the year on January and on
    the first label."""
    interval, step, label, first_label = ticks
    with_year = (
        "datum.index == 0 || utcmonth(datum.value) == 0"
        if interval == "month" and step == 1
        else ("datum.index == 0")
    )
    expression = (
        f"{with_year} ? utcFormat(datum.value, {json.dumps(first_label)})"
        f" : utcFormat(datum.value, {json.dumps(label)})"
    )
    return alt.X(
        "date:T",
        title=title,
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(
            tickCount={"interval": interval, "step": step},
            labelExpr=expression,
            labelOverlap=True,
            labelFlush=True,
            labelFlushOffset=2,
            labelPadding=4,
        ),
    )


def value_axis(prefix: str | None = None, suffix: str | None = None, **options) -> alt.Axis:
    """A value axis without a title (the units are in the chart's title), its labels in the
    header's units: Vega's own label (its precision chosen from the tick step) with the metric's
    prefix and suffix, the sign before a prefix ("−$1.2T"). Without either, Vega's labels. (Either
    given, even empty, makes the same spec: a cached spec holds placeholders for them.)"""
    if prefix is None and suffix is None:
        return alt.Axis(title=None, **options)
    prefix, suffix = prefix or "", suffix or ""
    expression = (
        "(datum.value < 0 ? '\u2212' : '') + "
        f"{json.dumps(prefix)} + replace(replace(datum.label, '\u2212', ''), '-', '') + {json.dumps(suffix)}"
    )
    return alt.Axis(title=None, labelExpr=expression, **options)


def y_scale(log: bool, **options) -> alt.Scale:
    """A value scale: logarithmic when asked (the caller checked every value is positive), else
    linear without forcing zero in."""
    return alt.Scale(type="log", **options) if log else alt.Scale(zero=False, **options)


@dataclass(frozen=True)
class Key:
    """One legend for a chart's lines, bands, shading and markers: every layer colours itself by
    its own entry (`colored`), all from one scale, so Vega-Lite draws a single legend."""

    scale: alt.Scale
    legend: alt.Legend

    def colored(self, chart, label: str):
        """`chart` drawn in the colour of `label`, which the legend names. (A constant field, not
        a datum: Vega-Lite's schema gives a datum no scale or legend.)"""
        return chart.transform_calculate(key=json.dumps(label)).encode(
            color=alt.Color("key:N", scale=self.scale, legend=self.legend)
        )


def legend(*, row: int = 0, **options) -> alt.Legend:
    """A legend above the chart, untitled, labels never cut. A legend row does not wrap: when the
    chart is narrower than its entries in one row (`row` pixels, `legend_row`), they stack, one a
    line, so a phone never clips them."""
    stacked = {"columns": {"expr": f"width < {row} ? 1 : 0"}} if row else {}
    return alt.Legend(orient="top", title=None, labelLimit=0, direction="horizontal", **stacked, **options)


def key(labels: tuple[str, ...], colors: tuple[str, ...], *, row: int = 0) -> Key:
    """The legend of `labels`, each drawn in its colour."""
    symbols = legend(row=row, symbolType="square", symbolOpacity=1)
    return Key(alt.Scale(domain=list(labels), range=list(colors)), symbols)


# Pixels of a legend entry: its symbol and gap, and each character of its label (11 px font).
ENTRY_PIXELS, CHARACTER_PIXELS = 36, 6.5


def legend_row(*labels: str) -> int:
    """The width in pixels of a legend with these entries in one row, rounded up to 50 (the spec
    cache keys on it); 0 for a legend short enough for any screen (under 300 px)."""
    width = sum(ENTRY_PIXELS + CHARACTER_PIXELS * len(label) for label in labels if label)
    return 0 if width < 300 else int(-(-width // 50) * 50)


def titled(chart, title: str | tuple[str, ...], subtitle: str | tuple[str, ...]):
    """A chart titled with what it shows, its units as the subtitle, so that no axis title is cut.
    A title does not wrap: text that may be long comes as its lines (`wrapped`, a tuple: for the
    spec cache each line is a label, as a str is, and their number is part of the chart's shape).
    A chart without a title of its own is titled with its units (Vega draws no subtitle under an
    empty title)."""
    params = {
        "text": list(title) if isinstance(title, tuple) else title,
        "subtitle": list(subtitle) if isinstance(subtitle, tuple) else subtitle,
        "anchor": "start", "fontSize": 13, "subtitleFontSize": 11,
    }  # fmt: skip
    return chart.properties(title=alt.TitleParams(**params))


# Characters a title line holds on a phone (about 330 px at 11-13 px type).
LINE_CHARACTERS = 44


def wrapped(text: str, width: int = LINE_CHARACTERS) -> tuple[str, ...]:
    """`text` as lines of at most `width` characters, broken at spaces."""
    return tuple(textwrap.wrap(text, width)) or ("",)
