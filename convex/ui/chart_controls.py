"""The chart controls the compare page and the explorer share, bound to the URL: the value axis
(`scale=log`) and recession shading (`recessions=false` turns it off), and what the page says
about them: a log scale refused for a series that is not all positive, the shading's source."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ..charts import Shown
from ..metrics.recessions import Recessions
from .data import recessions as stored_recessions

SCALES = ["linear", "log"]


@dataclass(frozen=True)
class ChartLook:
    """How the time charts are drawn: on a log scale or not, and the recessions to shade (None:
    shading is off)."""

    log: bool
    recessions: Recessions | None


def controls(table: Recessions | None = None, *, scale_at=st, shading_at=st) -> ChartLook:
    """The two controls, where the page puts them (the explorer: in its sidebar; the compare page:
    beside its charts), shading the recessions of `table` (default: the stored ones)."""
    scale = scale_at.selectbox(
        "Value axis",
        SCALES,
        key="scale",
        bind="query-params",
        help="log: equal distances are equal percentage moves, for series that grew many times over "
        "(bitcoin, M2, the Fed's balance sheet). Only for series above zero in the window.",
    )
    table = stored_recessions() if table is None else table
    shade = shading_at.toggle(
        "Recession shading",
        value=True,
        key="recessions",
        bind="query-params",
        help=f"Grey bars over US recessions: {table.source}.",
    )
    return ChartLook(scale == "log", table if shade else None)


# Linear, no shading: what a chart is without the controls.
PLAIN = ChartLook(False, None)


def log_allowed(look: ChartLook, shown: Shown, name: str) -> bool:
    """Whether a chart may draw this series on a log scale; when asked and not, says why, with the
    series' lowest value and its date."""
    if not look.log:
        return False
    if shown.positive:
        return True
    values = shown.values.dropna()
    if values.empty:
        return False
    lowest = values.idxmin()
    st.caption(
        f"Log scale needs values above zero: {name} is {shown.text[lowest]} on {lowest:%Y-%m-%d} as drawn "
        f"({shown.axis.words}), so its axis stays linear."
    )
    return False


def recession_note(look: ChartLook, first, last) -> None:
    """Under the charts: which recessions are shaded and where their dates come from."""
    if look.recessions is None or first is None:
        return
    spells = look.recessions.within(first, last)
    if spells:
        dates = ", ".join(f"{s.start:%b %Y}–{s.end:%b %Y}" for s in spells)
        source = f"[{look.recessions.source}]({look.recessions.url})"
        st.caption(f"Grey bars: US recessions ({dates}); source: {source}.")
