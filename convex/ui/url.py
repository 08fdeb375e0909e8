"""The URL as the page's state: what a link may hold, notices for what it cannot use, formulas and
uploads a link names, redraws that keep a view's notices, and the share link of a view."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlencode, urlsplit

import streamlit as st

from ..api import share

# Numbers in a link: ASCII digits only (str.isdigit and float accept "²", "１２", "1_000", " 1e3 ").
_WHOLE = re.compile(r"[0-9]{1,9}", re.ASCII)
_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,12}(?:\.[0-9]{0,12})?|\.[0-9]{1,12})", re.ASCII)


def whole_number(text: object, low: int, high: int) -> int | None:
    """A whole number from a link, if it is written in ASCII digits and within [low, high]."""
    if not (isinstance(text, str) and _WHOLE.fullmatch(text)):
        return None
    value = int(text)
    return value if low <= value <= high else None


def decimal_number(text: object) -> float | None:
    """A plain decimal number from a link ("-2", "0.5"): no exponent, no inf or nan, ASCII only."""
    return float(text) if isinstance(text, str) and _DECIMAL.fullmatch(text) else None


def sanitize_choice(value: object, allowed: Iterable[str]) -> str | None:
    """A URL value if it is exactly one of `allowed`, else None. Never echoes what it got."""
    return value if isinstance(value, str) and value in set(allowed) else None


def check_url(
    allowed: dict[str, Iterable[str] | None], *, first_value: Iterable[str] = (), multi: Iterable[str] = ()
) -> list[str]:
    """Notices for URL parameters the page cannot use; unknown parameters are removed.

    `allowed` maps each parameter to its valid values (None: "true"/"false"; a callable: whether a
    value is valid, and an invalid one is removed so its widget starts empty). A repeated parameter
    is resolved as its widget does: the last value, or for the keys in `first_value` (Streamlit's
    button groups) the first non-empty one; the keys in `multi` (multiselects) repeat by design,
    and each value must be valid (the widget drops the others). The notices name only our own
    parameters and never repeat the value that was given: the URL is untrusted.
    """
    notices = []
    unknown = [key for key in st.query_params if key not in allowed]
    for key in unknown:
        del st.query_params[key]
    if unknown:
        count = len(unknown)
        notices.append(f"{count} unrecognised link parameter{'s were' if count > 1 else ' was'} ignored.")
    first_value, multi = set(first_value), set(multi)
    for key, values in allowed.items():
        given = st.query_params.get_all(key)
        if not given:
            continue
        if key in multi:
            if any(v and v not in set(values or ()) for v in given):
                notices.append(f"Some of the link's values for “{key}” are not valid here and were left out.")
            continue
        used = ([v for v in given if v] or given)[0] if key in first_value else given[-1]
        if callable(values):
            valid = values(used)
            if not valid:
                del st.query_params[key]
        else:
            valid = used.lower() in ("true", "false") if values is None else used in set(values)
        if not valid:
            notices.append(f"The link's value for “{key}” is not valid here, so the default is used.")
        elif len(given) > 1:
            which = "first non-empty" if key in first_value else "last"
            notices.append(f"The link repeats “{key}”; its {which} value is used.")
    return notices


_REDRAW = "_redraw"  # set when a part of the page asks for the same view to be drawn again
_VIEW_NOTICES = "_view_notices"


def redraw() -> None:
    """Draw the same view again (a part computed in the background is ready): its link notices
    are shown again, so the redrawn page reads as if it had been complete at once."""
    st.session_state[_REDRAW] = True
    st.rerun()


def view_notices(notices: list[str]) -> list[str]:
    """The notices of this view: those its link just gave, or on a redraw the ones it showed."""
    if st.session_state.pop(_REDRAW, False):
        return st.session_state.get(_VIEW_NOTICES, [])
    st.session_state[_VIEW_NOTICES] = notices
    return notices


def offered_from_url(keys, offered: str, notices: list[str], *, kind, resolve, unusable: str) -> list[str]:
    """The metrics of one kind (formulas, uploads) to offer beside the catalog: those this session
    used (`offered`, a session list) and each of `keys` whose URL value is of that `kind` and that
    `resolve` turns into the id to show (None: it cannot be used here: the value is removed and
    the notice `unusable`, formatted with the key, never repeats it)."""
    kept = st.session_state.setdefault(offered, [])
    for key in keys:
        given = st.query_params.get_all(key)
        if not given or not kind(given[-1]) or given[-1] in kept:
            continue
        metric_id = resolve(given[-1])
        if metric_id is None:
            del st.query_params[key]  # the picker keeps its metric, with the notice only
            notices.append(unusable.format(key=key))
            continue
        st.query_params[key] = metric_id
        if metric_id not in kept:
            kept.append(metric_id)
    return list(kept)


def use_metric(key: str, metric_id: str, offered: str) -> None:
    """Put a formula or an upload in picker `key` (A or B) and the URL, and keep offering it in
    this session (`offered`: the session list the page adds to the pickers' options)."""
    kept = st.session_state.setdefault(offered, [])
    if metric_id not in kept:
        kept.append(metric_id)
    st.session_state[key] = metric_id
    st.query_params[key] = metric_id


def share_url(defaults: dict[str, object]) -> str:
    """The address of this exact view, from the page's own choices.

    `defaults` maps each URL parameter to the value a link may leave out (None: always written),
    as Streamlit keeps the address bar. Read from the widgets, not st.query_params: the latter lags
    one run behind a choice made in the browser.
    """
    base = (st.context.url or "").split("?", 1)[0]
    params = {}
    for key, default in defaults.items():
        value = st.session_state.get(key)
        if value is not None and value != default:
            params[key] = str(value).lower() if isinstance(value, bool) else str(value)
    query = urlencode(params, safe=":/*()")  # a formula id reads as written: a=f:spy/tlt
    return f"{base}?{query}" if query else base


def share_api(
    a: str, b: str, window: str, roll: int | None, stats_window: str, asof: str | None = None
) -> tuple[str, str]:
    """This view's address on the deployment's JSON API (/api/v1/compare, beside the app on the same
    server) and three lines of Python that compute the same figures from a store."""
    parts = urlsplit(st.context.url or "")
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return (
        share.api_url(origin, a, b, window, roll, stats_window, asof),
        share.python_snippet(a, b, window, roll, stats_window, asof),
    )
