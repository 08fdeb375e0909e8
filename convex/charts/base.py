"""What every chart shares: a spec and its data (ChartSpec), thinning for display, the crosshair and
zoom, and the cache of specs by shape. Chart builders: data in, a Vega-Lite spec (authored with Altair)
and its data out. No streamlit.

Every time chart gets tooltips (the date and each value written in its metric's units), a
crosshair that follows the pointer and x-zoom (drag to pan, wheel to zoom, double-click to reset);
axes and legends are in axes.py, recession shading and marked dates in layers.py. Statistics
always use the full data; only what is drawn is thinned (see `thin_for_display`).

Building a layered Altair chart costs 30-150 ms here, more than everything else on the page. The
spec of each chart depends only on its shape (its options) and its labels (names, units, titles),
never on the data, so it is built once per shape with placeholders for the labels, which each call
puts in (`cached_spec`); each view passes its data beside the spec (`ChartSpec`), which Streamlit sends
as Arrow.
"""

from __future__ import annotations

import inspect
import json
import re
from dataclasses import dataclass
from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd

MAX_POINTS = 1500
COLOR_A = "#1f4e79"
COLOR_B = "#d9711c"
BAND = "#9fb3c8"
HEIGHT = 260


def thin_for_display(frame: pd.DataFrame, max_points: int = MAX_POINTS) -> tuple[pd.DataFrame, str | None]:
    """At most `max_points` rows, by keeping the last row of each week, then of each month.

    Returns the rows to draw and a note saying what was thinned (None when nothing was).
    """
    if len(frame) <= max_points:
        return frame, None
    for period, label in (("W-FRI", "weekly"), ("M", "monthly"), ("Q", "quarterly"), ("Y", "yearly")):
        last_of_period = ~frame.index.to_period(period).duplicated(keep="last")
        if last_of_period.sum() <= max_points:
            thinned = frame[last_of_period]
            note = f"chart shows {label} points ({len(thinned):,} of {len(frame):,}); statistics use all"
            return thinned, note
    step = int(np.ceil(len(frame) / max_points))
    return frame.iloc[::-step][::-1], f"chart shows every {step}th point; statistics use all"


_WEEKDAYS = np.array(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])


def date_texts(dates) -> np.ndarray:
    """Each date as a tooltip writes it ("Fri 2024-03-01"), "n/a" for none. (Vectorised: strftime
    over a chart's rows was 4% of the server's CPU under 20 sessions; bench/README.)"""
    index = pd.DatetimeIndex(dates)
    days = index.to_numpy(dtype="datetime64[D]")
    weekdays = _WEEKDAYS[(days.astype(np.int64) + 3) % 7]  # 1 Jan 1970 was a Thursday
    texts = np.char.add(np.char.add(weekdays, " "), np.datetime_as_string(days, unit="D")).astype(object)
    texts[index.isna()] = "n/a"
    return texts


# Streamlit draws a chart on a canvas when it lists more than 2,000 marks drawn one per row: an SVG
# that large costs the browser more than a canvas. The crosshair's rule and dots are drawn for the
# hovered date only (crosshair_layer), so Streamlit no longer counts them; they are counted here as
# the marks per row they were, which keeps the renderer Streamlit chose before (measured: the
# side-by-side chart at 10 years, 520 weekly rows, as an SVG of 1,725 nodes took 768 -> 965 ms from
# a click to the page settled; bench/README).
PER_ROW_MARKS = frozenset({"point", "circle", "square", "rule", "tick", "bar", "rect", "text"})
CANVAS_ABOVE = 2_000


@dataclass(frozen=True)
class ChartSpec:
    """A Vega-Lite spec whose marks read the top-level data, and that data (a DataFrame, or the
    Arrow table a page made of it once to send it many times)."""

    spec: dict
    data: pd.DataFrame

    def as_drawn(self) -> dict:
        """The spec, on a canvas when it draws more than CANVAS_ABOVE marks one per row."""
        per_row = sum(1 for view in views_of(self.spec) if _drawn_per_row(view))
        if "usermeta" in self.spec or len(self.data) * per_row <= CANVAS_ABOVE:
            return self.spec
        return {**self.spec, "usermeta": {"embedOptions": {"renderer": "canvas"}}}


def views_of(node):
    """Every single view (a dict with a mark) of a spec, through its layers and concatenations."""
    if isinstance(node, dict):
        if "mark" in node:
            yield node
        for value in node.values():
            yield from views_of(value)
    elif isinstance(node, list):
        for value in node:
            yield from views_of(value)


def _drawn_per_row(view: dict) -> bool:
    """A mark per row of the chart's data (or per hovered row: see CANVAS_ABOVE), not a line, an area
    or the few rows a recession or marked date is carried on (a filter of their own)."""
    mark = view["mark"]["type"] if isinstance(view["mark"], dict) else view["mark"]
    filters = [t["filter"] for t in view.get("transform", []) if "filter" in t]
    return mark in PER_ROW_MARKS and all(f == {"param": HOVER.name, "empty": False} for f in filters)


def spec_of(chart: alt.TopLevelMixin) -> dict:
    """The chart's spec without Altair's placeholder for the data it was built without."""

    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if not (k == "data" and v == {"name": "empty"})}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    # Validating against the Vega-Lite schema costs more than building the spec; tests/test_charts.py
    # validates every builder's output instead.
    spec = strip(chart.to_dict(validate=False))
    # The chart's height is its plot's: legends and titles above it add to the height, never take
    # from it (Streamlit's default, "fit", squeezes the plot under a legend of several rows).
    spec.setdefault("autosize", {"type": "fit-x", "contains": "padding"})
    # Room around the chart for the tops of titles and the ends of axis labels, which a chart's
    # own bounds would cut (checked in a browser: tests/e2e/test_charts_browser.py).
    spec.setdefault("padding", {"left": 4, "top": 8, "right": 8, "bottom": 4})
    spec.get("datasets", {}).pop("empty", None)
    if not spec.get("datasets"):
        spec.pop("datasets", None)
    return spec


# A label (name, unit, title) in a spec built once per shape: "@@name_a@@" is the builder's argument
# name_a; quoted, as json.dumps wrote it into a Vega expression, it stands for json.dumps of the label.
_LABEL = re.compile(r'"@@(\w+)@@"|@@(\w+)@@')


def cached_spec(builder):
    """Cache a spec builder by the shape of its chart, not its labels: every str argument is a label
    that Altair only copies into the spec, and so is every line of a tuple of str (a title's lines:
    their number is the shape), so the spec is built once (tens to hundreds of ms of Altair) with a
    placeholder for each, and every caller gets a copy with its own labels put in. (Under 20 sessions
    the units' lines were part of the shape: a new pair rebuilt its charts, a fifth of the server's
    CPU.) A builder that decides anything from a label's value takes that decision as an argument."""
    names = list(inspect.signature(builder).parameters)
    template = lru_cache(maxsize=256)(builder)

    def build(*args) -> dict:
        labels, shape = {}, []
        for name, value in zip(names, args, strict=True):
            if isinstance(value, str):
                labels[name] = value
                shape.append(f"@@{name}@@")
            elif _lines(value):
                keys = [f"{name}_{i}" for i in range(len(value))]
                labels.update(zip(keys, value, strict=True))
                shape.append(tuple(f"@@{k}@@" for k in keys))
            elif "@@" in repr(value):
                return builder(*args)  # shape text that looks like a placeholder: not from a template
            else:
                shape.append(value)
        return _put_labels(template(*shape), labels)

    build.cache_info, build.cache_clear = template.cache_info, template.cache_clear
    build.direct = builder  # for tests: the spec built with the labels themselves
    return build


def _lines(value) -> bool:
    """A plain tuple of str (not a named tuple, whose values may decide the shape)."""
    return type(value) is tuple and len(value) > 0 and all(isinstance(v, str) for v in value)


def _put_labels(node, labels: dict[str, str]):
    if isinstance(node, dict):
        return {key: _put_labels(value, labels) for key, value in node.items()}
    if isinstance(node, list):
        return [_put_labels(value, labels) for value in node]
    if isinstance(node, str) and "@@" in node:
        return _LABEL.sub(lambda m: _label(m, labels), node)
    return node


def _label(match: re.Match, labels: dict[str, str]) -> str:
    """A placeholder's label; text that only looks like one (a shape argument's text) stays."""
    name = match[1] or match[2]
    if name not in labels:
        return match[0]
    return json.dumps(labels[name]) if match[1] else labels[name]


# Named, so that a chart's spec is the same on every rerun.
HOVER = alt.selection_point(
    name="hover", nearest=True, on="pointerover", fields=["date"], empty=False, clear="pointerout"
)
ZOOM = alt.selection_interval(name="zoom", bind="scales", encodings=["x"])
# Charts built without data read the data Streamlit attaches at the top level.
BASE = alt.Chart()


def crosshair_layer(base: alt.Chart, tooltip: list, *, params: bool = True) -> alt.LayerChart:
    """Invisible points that catch the pointer, and a vertical rule on the hovered date.

    Both the hover and the zoom parameters live on the catcher points only: Vega-Lite rejects a
    parameter repeated on several views of a concatenation, and "nearest" needs point marks. The rule
    is drawn for the hovered date only (a filter, not an opacity per date): a mark per date that
    nobody sees costs the browser a node per date on every rerun.
    """
    catcher = base.mark_point(size=60, opacity=0).encode(tooltip=tooltip)
    if params:
        catcher = catcher.add_params(HOVER, ZOOM)
    rule = base.transform_filter(HOVER).mark_rule(color="#8a94a6", strokeWidth=1, opacity=0.7)
    return alt.layer(catcher, rule)
