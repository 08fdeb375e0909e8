"""Formulas as metrics on the compare page: `?a=f:walcl-wtregen-rrpontsyd` in a link, or typed into
the sidebar's "Formula" field and used as A or B."""

from __future__ import annotations

import streamlit as st

from ..catalog import InvalidFormulaError, catalog
from ..formulas import PREFIX, is_formula_id
from . import use_metric

_KEPT = "_formulas"  # the formula ids this session has used, so the pickers can offer them
_TEXT = "_formula_text"
_PROBLEM = "_formula_problem"


def formula_options(keys: tuple[str, ...], notices: list[str]) -> list[str]:
    """The formula ids to offer beside the catalog: the link's (written the one canonical way, so
    the picker and the share link agree) and those used earlier in the session. A link whose
    formula cannot be used gets a notice that does not repeat it."""
    kept = st.session_state.setdefault(_KEPT, [])
    for key in keys:
        given = st.query_params.get_all(key)
        if not given or not is_formula_id(given[-1]):
            continue
        try:
            metric_id = catalog().get(given[-1]).id
        except InvalidFormulaError:
            del st.query_params[key]  # the picker keeps its metric, with this notice only
            notices.append(
                f"The link's “{key}” is a formula that cannot be used here (an unknown id, a character "
                "a formula cannot hold, or units that do not add up), so another metric is shown."
            )
            continue
        st.query_params[key] = metric_id
        if metric_id not in kept:
            kept.append(metric_id)
    return list(kept)


def _use(key: str) -> None:
    text = (st.session_state.get(_TEXT) or "").strip()
    try:
        metric = catalog().get(PREFIX + text)
    except InvalidFormulaError as exc:
        st.session_state[_PROBLEM] = str(exc.args[1])
        return
    st.session_state.pop(_PROBLEM, None)
    use_metric(key, metric.id, _KEPT)


def formula_field() -> None:
    """The sidebar's formula box: write `spy / tlt`, use it as A or as B."""
    with st.expander("Formula", icon=":material/function:"):
        st.text_input(
            "Formula over catalog ids",
            key=_TEXT,
            max_chars=200,
            placeholder="walcl - wtregen - rrpontsyd",
            help="Catalog ids with + - * /, numbers, brackets, log(x), exp(x), rebase(x), lag(x, n), "
            "pct(x, n) (percent change over n periods) and diff(x, n). Units must agree: millions and "
            "billions of USD are converted; adding a price to a yield is refused.",
        )
        left, right = st.columns(2)
        left.button("Use as A", on_click=_use, args=("a",), key="_formula_a", width="stretch")
        right.button("Use as B", on_click=_use, args=("b",), key="_formula_b", width="stretch")
        problem = st.session_state.get(_PROBLEM)
        if problem:
            st.error(problem, icon=":material/function:")
