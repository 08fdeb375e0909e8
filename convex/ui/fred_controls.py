"""FRED's units and frequency on a page: the controls (`units`, `freq`, `agg` in the URL, FRED's own
codes: `?units=pc1&freq=m&agg=avg`), the series as they ask (cached per data and choice), and the
line that says which units the charts and statistics use."""

from __future__ import annotations

from dataclasses import astuple

import streamlit as st

from ..analytics.fred_units import AGGREGATION_WORDS, AGGREGATIONS, FREQUENCIES, UNITS, FredView, lowers
from ..analytics.fred_units import processed as processed_series
from ..data.loaded import LoadedSeries
from ..metrics.formatting import PERIOD_WORD
from .data import cached_by_identity, store_location

# What each control may hold in the URL (check_url), and the value a link leaves out.
URL_VALUES = {"units": list(UNITS), "freq": list(FREQUENCIES), "agg": list(AGGREGATIONS)}
DEFAULTS = {"units": "lin", "freq": None, "agg": None}
_WORDS = {
    "units": UNITS,
    "freq": {None: "As published", **{code: word.capitalize() for code, word in FREQUENCIES.items()}},
    "agg": {None: "Each metric's own", **{c: word.capitalize() for c, word in AGGREGATION_WORDS.items()}},
}
_HELP = {
    "units": "FRED's units, applied after any change of frequency: the charts and every statistic then use "
    "them. Levels: each series as published.",
    "freq": "Aggregate each series to a lower frequency first (FRED's order: aggregation, then units). A "
    "series already at this frequency or lower stays as published.",
    "agg": "How a period's values become one: average, end of period or sum. Each metric's own: the "
    "catalog's (an average for M2 or CPI, the last close for a price).",
}
_LABELS = {"units": "Units", "freq": "Frequency", "agg": "Aggregation"}


def _from_url(key: str) -> None:
    """Put the link's value (check_url removed an invalid one) in the control's state."""
    given = st.query_params.get_all(key)
    st.session_state[key] = given[-1] if given and given[-1] in URL_VALUES[key] else DEFAULTS[key]


def _to_url(key: str) -> None:
    value = st.session_state.get(key)
    if value == DEFAULTS[key]:
        if key in st.query_params:
            del st.query_params[key]
    else:
        st.query_params[key] = value


def controls() -> FredView:
    """The three controls (call inside the sidebar), read from and written to the URL."""
    for key in DEFAULTS:
        _from_url(key)
    chosen = any(st.session_state[key] != DEFAULTS[key] for key in DEFAULTS)
    with st.expander("Units and frequency (FRED)", expanded=chosen, icon=":material/functions:"):
        for key, label in _LABELS.items():
            st.selectbox(
                label, list(_WORDS[key]), format_func=_WORDS[key].get, key=key, on_change=_to_url,
                args=(key,), help=_HELP[key], disabled=key == "agg" and st.session_state.freq is None,
            )  # fmt: skip
    return FredView(st.session_state.units, st.session_state.freq, st.session_state.agg)


@cached_by_identity(max_entries=64, hash_funcs={FredView: astuple})
def _processed(loaded: LoadedSeries, view: FredView, location: str) -> LoadedSeries:
    parts = processed_series(loaded.series, loaded.metric, loaded.frequency, loaded.dating.release, view)
    return loaded if parts is None else loaded.processed_as(*parts)


def processed(loaded: LoadedSeries, view: FredView) -> LoadedSeries:
    """`loaded` as the view asks (itself as published); made once per data and choice."""
    return loaded if view.as_published else _processed(loaded, view, store_location())


def apply(published: list[LoadedSeries], view: FredView) -> tuple[list[LoadedSeries], str | None]:
    """The page's series as the view asks, or, when that leaves one of them without a value (a
    change from a year ago of less than a year of data), all as published and a notice saying why:
    the series on a page are always in the same units."""
    shown = [processed(ls, view) for ls in published]
    empty = [(now, before) for now, before in zip(shown, published, strict=True) if now.series.empty]
    if not empty:
        return shown, None
    now, before = empty[0]
    s = before.series
    return published, (
        f"{before.metric.name} has no values as {now.metric.processing}: its {len(s):,} observations "
        f"({s.index[0]:%Y-%m-%d} to {s.index[-1]:%Y-%m-%d}) are too few, so the page shows the series as "
        "published."
    )


def units_note(view: FredView, shown: list[LoadedSeries], originals: list[LoadedSeries]) -> str:
    """Which units the charts and statistics use, in one line."""
    if view.as_published or not any(s.metric.processing for s in shown):
        kinds = "; ".join(
            f"{s.metric.name} in {s.metric.units}, compared by "
            f"{'% changes' if s.metric.change == 'pct' else 'differences'}"
            for s in shown
        )
        return f"Units: each series as published ({kinds}); FRED's: “Units and frequency” in the sidebar."
    parts = []
    for now, before in zip(shown, originals, strict=True):
        what = now.metric.processing or "as published"
        if view.frequency and not lowers(before.frequency, view.frequency):
            what += f" (already {before.frequency})"
        parts.append(f"{now.metric.name}: {what}")
    period = PERIOD_WORD[shown[0].frequency] if len(shown) == 1 else "period"
    return (
        f"Units in the charts and every statistic: {'; '.join(parts)}, in FRED's order (aggregation, then "
        f"units); the statistics compare their changes per {period}."
    )
