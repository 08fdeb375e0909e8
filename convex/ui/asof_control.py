"""A page as known on a day (`?asof=2022-06-15`): the day from the link or typed, checked strictly
(api/params.asof_day), kept in session state for the share link, and said at the top of the page
with how each series was made (data/asof.py)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..api.params import ParamError, asof_day
from ..data.loaded import LoadedSeries
from ..metrics.formatting import day_text

ASOF_KEY = "asof"
_TYPED = "_asof_typed"
_TYPED_PROBLEM = "_asof_typed_problem"


def valid_asof(value: str) -> bool:
    """For check_url: a real day YYYY-MM-DD from 1900 to today."""
    try:
        asof_day(value)
    except ParamError:
        return False
    return True


def asof_from_url() -> str | None:
    """The link's `asof` (check_url has removed an invalid one), kept in session state so the share
    link carries it."""
    given = st.query_params.get_all(ASOF_KEY)
    value = given[-1] if given and valid_asof(given[-1]) else None
    st.session_state[ASOF_KEY] = value
    return value


def _typed(key: str) -> None:
    value = (st.session_state.get(key) or "").strip()
    if not value:
        clear_asof()
    elif valid_asof(value):
        st.session_state[ASOF_KEY] = value
        st.query_params[ASOF_KEY] = value
        st.session_state.pop(_TYPED_PROBLEM, None)
    else:
        st.session_state[_TYPED_PROBLEM] = "Write a day from 1900 to today as YYYY-MM-DD: 2022-06-15."


def clear_asof() -> None:
    st.session_state[ASOF_KEY] = None
    st.session_state.pop(_TYPED_PROBLEM, None)
    if ASOF_KEY in st.query_params:
        del st.query_params[ASOF_KEY]


def asof_control(asof: str | None) -> None:
    """The sidebar field that sets the day the page is as known on (Enter applies it), and the way
    back to today's data."""
    with st.expander("As known on a date", expanded=asof is not None, icon=":material/history_edu:"):
        key = f"{_TYPED}_{asof or ''}"  # a new field per day, so a link's day is what it shows
        st.text_input(
            "Day",
            value=asof or "",
            key=key,
            on_change=_typed,
            args=(key,),
            placeholder="2022-06-15",
            max_chars=10,
            help="Show every series as it was published then: the vintage in force on that day where "
            "vintages are stored (else first releases, or today's values published by then, as the page "
            "says), market data ending that day. Enter applies it.",
        )
        problem = st.session_state.pop(_TYPED_PROBLEM, None)
        if problem:
            st.error(problem, icon=":material/error:")
        if asof is not None:
            st.button("Back to today's data", on_click=clear_asof, icon=":material/undo:")


def known_on_words(asof: str) -> str:
    return f"As known on {day_text(pd.Timestamp(asof))}"


def asof_banner(asof: str, loaded: list[LoadedSeries]) -> None:
    """"As known on 15 Jun 2022", and how each series shown was made."""
    lines = [f"- {_plain(ls.as_of.words)}." for ls in loaded if ls.as_of is not None]
    st.info(f"**{known_on_words(asof)}**\n\n" + "\n".join(lines), icon=":material/history_edu:")


_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_{}[]<>()#+!|$~:"})


def _plain(text: str) -> str:
    """Text as itself in markdown (a file's name may hold _ or *): every markup character escaped."""
    return text.translate(_MARKDOWN)
