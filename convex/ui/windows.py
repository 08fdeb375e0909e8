"""The page's window: a lookback back from the last common date, or two dates from a link or the
date picker, which then take its place. Both live in the URL (`lookback`, `dates`)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from ..analytics.align import DATES_YEARS, LOOKBACKS, date_window, dates_text

DATES_KEY = "dates"


def lookback_control(
    default: str, notices: list[str], help_text: str | None = None, on_change=None
) -> tuple[str, list[str]]:
    """The lookback picker, bound to the URL, and the page's link notices.

    A link whose `lookback` is empty (`?lookback=`) clears even a required button group (Streamlit
    registers it as clearable, and seeds it from the URL the session was opened with): use the
    default and put it in the picker on an immediate rerun. That rerun sees a URL already cleaned
    of what this run's notices report, so they are carried over to it.
    """
    carried = st.session_state.pop("_carried_notices", [])
    restored = st.session_state.pop("_lookback_restore", None)
    if restored is not None:
        st.session_state.lookback = restored
    value = st.segmented_control(
        "Lookback", list(LOOKBACKS), default=default, required=True, key="lookback",
        bind="query-params", help=help_text, on_change=on_change,
    )  # fmt: skip
    if date_window(st.query_params.get(DATES_KEY, "")) is not None:
        st.caption("Not in use: exact dates are in force (below). Picking a lookback goes back to it.")
    if value is None:
        st.session_state._lookback_restore = default
        st.session_state._carried_notices = notices
        st.rerun()
    return value, carried + [n for n in notices if n not in carried]


def valid_dates(value: str) -> bool:
    """For check_url: `dates` must be two dates, first before last (align.date_window)."""
    return date_window(value) is not None


def dates_from_url() -> str | None:
    """The link's `dates` ("2020-03-02..2020-06-26"; check_url has removed an invalid one), kept
    in session state so the share link carries it."""
    given = st.query_params.get_all(DATES_KEY)
    value = given[-1] if given and valid_dates(given[-1]) else None
    st.session_state[DATES_KEY] = value
    return value


def window_params(span: str) -> dict[str, str]:
    """The link parameter that restores a window: `dates` for two dates, else `lookback`."""
    return {"dates": span} if date_window(span) else {"lookback": span}


def clear_dates() -> None:
    st.session_state[DATES_KEY] = None
    if DATES_KEY in st.query_params:
        del st.query_params[DATES_KEY]


def _picked(key: str) -> None:
    picked = st.session_state.get(key) or ()
    if len(picked) == 2 and picked[0] < picked[1]:
        value = dates_text(pd.Timestamp(picked[0]), pd.Timestamp(picked[1]))
        st.session_state[DATES_KEY] = value
        st.query_params[DATES_KEY] = value


def _typed(key: str) -> None:
    value = (st.session_state.get(key) or "").strip()
    if valid_dates(value):
        st.session_state[DATES_KEY] = value
        st.query_params[DATES_KEY] = value
        st.session_state.pop(_TYPED_PROBLEM, None)
    elif value:
        st.session_state[_TYPED_PROBLEM] = (
            "Write two dates, the first before the last: 2020-03-02..2020-06-26."
        )


_TYPED_PROBLEM = "_dates_typed_problem"


def dates_control(dates: str | None) -> None:
    """The date picker that sets `dates`, a text field where the same dates can be typed (Enter
    applies them), and the way back to the lookback when they are set."""
    window = date_window(dates) if dates else None
    # One picker per window: a new window from a link starts a new picker showing it, while a
    # half-picked range (one date so far) stays as it is until both ends exist.
    key = f"_dates_picker_{dates or ''}"
    with st.expander("Exact dates", expanded=window is not None, icon=":material/date_range:"):
        typed_key = f"_dates_typed_{dates or ''}"
        st.text_input(
            "Dates, typed",
            value=dates or "",
            key=typed_key,
            on_change=_typed,
            args=(typed_key,),
            placeholder="2020-03-02..2020-06-26",
            max_chars=22,
            help="Two dates, first and last included, as YYYY-MM-DD..YYYY-MM-DD; Enter applies them.",
        )
        problem = st.session_state.pop(_TYPED_PROBLEM, None)
        if problem:
            st.error(problem, icon=":material/error:")
        st.date_input(
            "First and last date",
            value=tuple(d.date() for d in window) if window else (),
            key=key,
            min_value=date(DATES_YEARS[0], 1, 1),
            max_value=date(DATES_YEARS[1], 12, 31),
            on_change=_picked,
            args=(key,),
            format="YYYY-MM-DD",
            help="Statistics and charts use only the aligned data dated from the first to the last date, "
            "both included. Picking a lookback goes back to it.",
        )
        if window is not None:
            st.caption(f"Showing {window[0]:%d %b %Y} to {window[1]:%d %b %Y} instead of the lookback.")
            st.button("Use the lookback instead", on_click=clear_dates, icon=":material/undo:")
