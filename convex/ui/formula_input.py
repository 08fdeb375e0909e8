"""Formulas as metrics on the compare page: `?a=f:walcl-wtregen-rrpontsyd` in a link, or typed into
the sidebar's "Formula" field and used as A or B."""

from __future__ import annotations

import streamlit as st

from ..data.uploads import is_upload_id
from ..metrics.catalog import catalog
from ..metrics.formulas import PREFIX, formula_text, is_formula_id
from ..metrics.metric import InvalidFormulaError
from .pickers import metric_options
from .url import offered_from_url, use_metric

_KEPT = "_formulas"  # the formula ids this session has used, so the pickers can offer them
_TEXT = "_formula_text"
_PROBLEM = "_formula_problem"
_NAME = "_formula_name"


def formula_options(keys: tuple[str, ...], notices: list[str]) -> list[str]:
    """Formula ids to offer beside the catalog: the link's, written the one canonical way (so the
    picker and the share link agree), and those used earlier in the session."""
    return offered_from_url(
        keys,
        _KEPT,
        notices,
        kind=is_formula_id,
        resolve=_canonical,
        unusable="The link's “{key}” is a formula that cannot be used here (an unknown id, a character "
        "a formula cannot hold, or units that do not add up), so another metric is shown.",
    )


def _canonical(metric_id: str) -> str | None:
    try:
        return catalog().get(metric_id).id
    except InvalidFormulaError:
        return None


def _use(key: str) -> None:
    text = (st.session_state.get(_TEXT) or "").strip()
    name = (st.session_state.get(_NAME) or "").strip()
    text = f"{name}={text}" if name else text
    try:
        metric = catalog().get(PREFIX + text)
    except InvalidFormulaError as exc:
        st.session_state[_PROBLEM] = str(exc.args[1])
        return
    st.session_state.pop(_PROBLEM, None)
    use_metric(key, metric.id, _KEPT)


def _search(text: str) -> str | None:
    """The catalog metric typed text names: its id, name or label, else the first label holding it."""
    wanted = text.strip().lower()
    metrics = [catalog().get(i) for i in metric_options()]
    exact = next((m.id for m in metrics if wanted in (m.id, m.name.lower(), m.label.lower())), None)
    return exact or next((m.id for m in metrics if wanted and wanted in m.label.lower()), None)


def picked(key: str) -> None:
    """A picker's choice: a metric from its list, or text typed into its search box and entered:
    a metric it names (as the list's search would find it) or else a formula (`spy / tlt`, with or
    without `f:`). A formula that cannot be used leaves the picker as it was and says why under
    the Formula box."""
    value = st.session_state.get(key)
    if value in catalog() or value in st.session_state.get(_KEPT, []) or is_upload_id(value):
        st.query_params[key] = value
        return
    text = formula_text(value) if is_formula_id(value) else str(value or "")
    found = None if is_formula_id(value) else _search(text)
    if found is not None:  # a search the list would have answered: "gold" is Gold (GLD)
        st.session_state[key] = found
        st.query_params[key] = found
        return
    try:
        metric = catalog().get(PREFIX + text)
    except InvalidFormulaError as exc:
        st.session_state[_PROBLEM] = f"{key.upper()}: {exc.args[1]}"
        st.session_state[key] = st.query_params.get(key)  # the link holds the last choice that worked
        return
    st.session_state.pop(_PROBLEM, None)
    use_metric(key, metric.id, _KEPT)


def formula_field() -> None:
    """The sidebar's formula box: write `spy / tlt`, use it as A or as B."""
    with st.expander("Formula", icon=":material/function:", expanded=bool(st.session_state.get(_PROBLEM))):
        st.text_input(
            "Formula over catalog ids",
            key=_TEXT,
            max_chars=200,
            placeholder="walcl - wtregen - rrpontsyd",
            help="Catalog ids with + - * /, numbers, brackets, log(x), exp(x), rebase(x), lag(x, n), "
            "pct(x, n) (percent change over n periods) and diff(x, n). Units must agree: millions and "
            "billions of USD are converted; adding a price to a yield is refused.",
        )
        st.text_input(
            "Name (optional)",
            key=_NAME,
            max_chars=40,
            placeholder="Net liquidity",
            help="What the page calls it; kept in the link with the formula.",
        )
        left, right = st.columns(2)
        left.button("Use as A", on_click=_use, args=("a",), key="_formula_a", width="stretch")
        right.button("Use as B", on_click=_use, args=("b",), key="_formula_b", width="stretch")
        problem = st.session_state.get(_PROBLEM)
        if problem:
            st.error(problem, icon=":material/function:")
