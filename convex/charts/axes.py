"""Axes and legends that read: date ticks chosen from the window a chart spans (days and weeks for
a short window, months, then years), each label once and the last one inside the chart; value
labels in the units the page's header uses ("$6.6T", "4%"), with the units in words in a title,
never a cut axis title; one legend for every line, band, shading and marker of a chart.

What depends on the data drawn (the ticks, the legend's entries, whether it stacks) is a Vega
expression of it, so that a chart's spec is the same for every window and the browser redraws the
chart it has instead of building a new one; the rest is decided from plain values (a prefix, a
flag) that the spec cache (base.cached_spec) keys on.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass

import altair as alt

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


# The days a chart's x axis spans: its scale's domain (every chart names its date scale "x"), so the
# ticks follow the window drawn, and a zoom, without a new spec for each window (a new spec makes
# the browser build the chart anew: ~170 ms of a lookback change; bench/README).
_DAYS = "span(domain('x')) / 864e5"


def _by_window(choices: list[str]) -> str:
    """A Vega expression: the choice of the first row of _DATE_TICKS whose window holds the x axis'."""
    expression = choices[-1]
    for (longest, *_), choice in zip(reversed(_DATE_TICKS[:-1]), reversed(choices[:-1]), strict=True):
        expression = f"{_DAYS} <= {longest} ? {choice} : {expression}"
    return expression


def _label(interval: str, step: int, label: str, first_label: str) -> str:
    # Months on a window of about a year read "Jan 2024, Feb, Mar...": the year on January too.
    january = " || utcmonth(datum.value) == 0" if (interval, step) == ("month", 1) else ""
    first, other = json.dumps(first_label), json.dumps(label)
    return f"(datum.index == 0{january} ? utcFormat(datum.value, {first}) : utcFormat(datum.value, {other}))"


TICK_COUNT = _by_window([f"{{interval: '{row[1]}', step: {row[2]}}}" for row in _DATE_TICKS])
TICK_LABEL = _by_window([_label(*row[1:]) for row in _DATE_TICKS])


def x_axis(title: str | None = None) -> alt.X:
    """The date axis: UTC (a date is a day wherever the reader is), ticks and labels from the row of
    _DATE_TICKS for the window it spans (Vega expressions over its domain), labels that never
    repeat, the first and last flush with the chart's edges so none is clipped."""
    return alt.X(
        "date:T",
        title=title,
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(
            tickCount={"expr": TICK_COUNT},
            labelExpr=TICK_LABEL,
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


def legend(*, entries: str | None = None, **options) -> alt.Legend:
    """A legend above the chart, untitled, labels never cut. A legend row does not wrap: given its
    `entries` (a Vega expression of the labels it shows, `entries_of`), they stack, one a line, when
    the chart is narrower than they are in one row, so a phone never clips them."""
    stacked = {"columns": {"expr": f"width < {_row_pixels(entries)} ? 1 : 0"}} if entries else {}
    return alt.Legend(orient="top", title=None, labelLimit=0, direction="horizontal", **stacked, **options)


def entries_of(labels, optional: tuple[tuple[str, str], ...] = ()) -> str:
    """A Vega expression: `labels`, then each (label, flag) of `optional` whose flag column is true
    on some row of the chart's data (Streamlit names it "source"). A shading or a mark is named in
    the legend only where the chart draws it, and the spec stays the same for every window."""
    if not optional:
        return json.dumps(list(labels))
    (label, flag), rest = optional[0], optional[1:]
    with_it, without = entries_of([*labels, label], rest), entries_of(labels, rest)
    return f"(indata('source', {json.dumps(flag)}, true) ? {with_it} : {without})"


# Pixels around a legend: Vega's default space to its chart, Streamlit's theme's padding.
LEGEND_OFFSET, LEGEND_PADDING = 18, 8
# Pixels of a legend entry: its symbol and gap, and each character of its label (11 px font).
ENTRY_PIXELS, CHARACTER_PIXELS = 36, 6.5


def _row_pixels(entries: str) -> str:
    """A Vega expression: the width in pixels of a legend row holding these entries, rounded up to
    50 (the estimate can fall short: a phone's explorer chart, 306 px unrounded, clipped its title);
    0 for a row short enough for any screen (under 300 px)."""
    pixels = f"({ENTRY_PIXELS} * length({entries}) + {CHARACTER_PIXELS} * length(join({entries}, '')))"
    return f"({pixels} < 300 ? 0 : ceil({pixels} / 50) * 50)"


def key(
    labels: tuple[str, ...], colors: tuple[str, ...], *, stack: bool = False,
    optional: tuple[tuple[str, str, str], ...] = (),
) -> Key:  # fmt: skip
    """The legend of `labels`, each drawn in its colour, then of each `optional` (label, colour,
    flag) that the chart's data flags (`entries_of`); `stack`: one entry a line on a narrow chart."""
    entries = entries_of(labels, tuple((label, flag) for label, _, flag in optional))
    values = {"values": {"expr": entries}} if optional else {}
    if optional and not labels:  # a legend that may be empty: no room for it then
        for name, pixels in (("offset", LEGEND_OFFSET), ("padding", LEGEND_PADDING)):
            values[name] = {"expr": f"length({entries}) > 0 ? {pixels} : 0"}
    symbols = legend(entries=entries if stack else None, symbolType="square", symbolOpacity=1, **values)
    domain = [*labels, *(label for label, _, _ in optional)]
    return Key(alt.Scale(domain=domain, range=[*colors, *(color for _, color, _ in optional)]), symbols)


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
