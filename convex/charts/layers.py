"""Layers a time chart adds to what it draws: recession shading and marked dates (where two windows
meet, the day a move started), each an entry of the chart's legend.

Their dates travel in the chart's own data, as extra columns on its first rows (`with_spans`,
`with_marks`), each row flagged (SHADED, MARKED) so that the legend names them only where a window
has any (axes.entries_of): one Arrow table per chart, and a spec that depends only on whether
shading and marks are on (the spec cache keys on that), never on the dates or the window, so a
new window only sends new data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import pandas as pd

from ..metrics.recessions import Recession, Recessions
from .axes import Key, key

RECESSION_COLOR = "#8c8c8c"
RECESSION_OPACITY = 0.22
MARK_COLOR = "#6a3d9a"
# Columns true on the rows that carry a recession or a marked date.
SHADED, MARKED = "shaded", "marked"


@dataclass(frozen=True)
class Extras:
    """What a time chart adds to its lines: the recessions to shade (None: shading is off) and
    dates to mark, each (date, what happened), all named `mark_label` in the legend."""

    recessions: Recessions | None = None
    marks: tuple[tuple[pd.Timestamp, str], ...] = ()
    mark_label: str = ""


NO_EXTRAS = Extras()


def decorate(data: pd.DataFrame, extras: Extras) -> tuple[pd.DataFrame, tuple[bool, str, bool, str]]:
    """The chart's data with the recessions and marks inside its dates, and what its spec needs to
    know of them: (shading on, the shading's legend entry, marks on, the marks' legend entry)."""
    spells = spells_for(extras.recessions, data["date"])
    marks = within(extras.marks, data["date"])
    if spells:
        data = with_spans(data, spells)
    if marks:
        data = with_marks(data, marks)
    shade, mark = extras.recessions is not None, bool(extras.marks)
    label = extras.recessions.label if shade else ""
    return data, (shade, label, mark, extras.mark_label if mark else "")


def extras_key(
    labels: list[str], colors: list[str], shade: bool, recession_label: str, mark: bool, mark_label: str,
    *, stack: bool,
) -> Key:  # fmt: skip
    """A time chart's legend: its own entries, then the shading and the marks where it draws them."""
    optional = ((recession_label, RECESSION_COLOR, SHADED),) if shade else ()
    optional += ((mark_label, MARK_COLOR, MARKED),) if mark else ()
    return key(tuple(labels), tuple(colors), stack=stack, optional=optional)


def extra_layers(legend_key: Key, shade: bool, recession_label: str, mark: bool, mark_label: str) -> list:
    layers = [recession_layer(legend_key, recession_label)] if shade else []
    return layers + ([mark_layer(legend_key, mark_label)] if mark else [])


def spells_for(recessions: Recessions | None, dates) -> list[Recession]:
    """The recessions a chart of these dates shades (cut to its first and last date); none when
    shading is off (`recessions` None)."""
    dates = pd.DatetimeIndex(pd.Series(dates).dropna())
    if recessions is None or not len(dates):
        return []
    return recessions.within(dates.min(), dates.max())


def _on_first_rows(data: pd.DataFrame, extra: pd.DataFrame) -> pd.DataFrame:
    """`data` with the columns of `extra` on its first rows and empty below; rows with nothing but
    them are added when `extra` is longer (marks skip rows without a date)."""
    data = data.reset_index(drop=True)
    if len(extra) > len(data):
        data = data.reindex(range(len(extra)))
    return pd.concat([data, extra.reset_index(drop=True).reindex(data.index)], axis=1)


def with_spans(data: pd.DataFrame, spells: Sequence[Recession]) -> pd.DataFrame:
    """`data` with the recessions to shade as columns recession_start and recession_end. The end is
    the day after the last day, so that a one-month recession covers its whole month."""
    extra = pd.DataFrame(
        {
            "recession_start": pd.DatetimeIndex([s.start for s in spells]),
            "recession_end": pd.DatetimeIndex([s.end + pd.Timedelta(days=1) for s in spells]),
            "recession_text": [f"{s.start:%b %Y} to {s.end:%b %Y}" for s in spells],
            SHADED: True,
        }
    )
    return _on_first_rows(data, extra)


def recession_layer(key: Key, label: str) -> alt.Chart:
    """Grey bars over the recessions in the data (`with_spans`), behind the lines."""
    bars = (
        alt.Chart()
        .transform_filter("isValid(datum.recession_start)")
        .mark_rect(opacity=RECESSION_OPACITY)
        .encode(
            x="recession_start:T",
            x2="recession_end:T",
            tooltip=[alt.Tooltip("recession_text:N", title=label)],
        )
    )
    return key.colored(bars, label)


def with_marks(data: pd.DataFrame, marks: Sequence[tuple[pd.Timestamp, str]]) -> pd.DataFrame:
    """`data` with marked dates (a date and what it is) as columns mark_date and mark_label (its
    words and date, for the tooltip)."""
    extra = pd.DataFrame(
        {
            "mark_date": pd.DatetimeIndex([d for d, _ in marks]),
            "mark_label": [f"{words}, {d:%a %Y-%m-%d}" for d, words in marks],
            MARKED: True,
        }
    )
    return _on_first_rows(data, extra)


def mark_layer(key: Key, label: str) -> alt.Chart:
    """A dashed vertical rule on each marked date (`with_marks`), named in the legend by `label`
    and in its tooltip by the mark's own words."""
    rules = (
        alt.Chart()
        .transform_filter("isValid(datum.mark_date)")
        .mark_rule(strokeDash=[6, 3], strokeWidth=1.6)
        .encode(x="mark_date:T", tooltip=[alt.Tooltip("mark_label:N", title=label)])
    )
    return key.colored(rules, label)


def within(marks: Sequence[tuple[pd.Timestamp, str]], dates) -> list[tuple[pd.Timestamp, str]]:
    """The marks inside the chart's dates (a mark outside would widen them)."""
    dates = pd.DatetimeIndex(pd.Series(dates).dropna())
    if not len(dates):
        return []
    return [(d, t) for d, t in marks if dates.min() <= d <= dates.max()]
