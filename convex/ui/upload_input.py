"""The user's own series on the compare page: a CSV uploaded in the sidebar's "Your data" box, named
by its content (`u:…`). It lives in the user's session; kept in the store on request, a link naming
it works on this deployment (and on every replica sharing its store)."""

from __future__ import annotations

import streamlit as st

from ..data.loaded import NoDataError, loaded_upload
from ..data.loader import Loader
from ..data.uploads import UploadError, is_upload_id, read_upload
from ..metrics.metric import CHANGE_KINDS, FREQUENCIES
from ..store import StoreError
from .caches import clear_caches
from .data import get_store, session_series
from .url import offered_from_url, use_metric

_KEPT = "_uploads"
_PROBLEM = "_upload_problem"
_KEEP = "_upload_keep"
_CHANGE_WORDS = {"pct": "percent changes", "diff": "differences"}


def upload_options(keys: tuple[str, ...], notices: list[str]) -> list[str]:
    """Upload ids to offer beside the catalog: the link's, when the store holds them, and those of
    this session."""
    return offered_from_url(
        keys,
        _KEPT,
        notices,
        kind=is_upload_id,
        resolve=_stored,
        unusable="The link's “{key}” is an uploaded series that this deployment does not hold (an upload "
        "lives in the session it was uploaded in, or in this deployment's store when its uploader chose to "
        "keep it there), so another metric is shown.",
    )


def _stored(metric_id: str) -> str | None:
    try:
        return Loader(get_store(), offline=True).upload(metric_id).id
    except NoDataError:
        return None


def _use(key: str) -> None:
    file = st.session_state.get("_upload_file")
    if file is None:
        st.session_state[_PROBLEM] = "Choose a CSV file first."
        return
    try:
        upload = read_upload(file.name, file.getvalue())
    except UploadError as exc:
        st.session_state[_PROBLEM] = str(exc)
        return
    frequency = st.session_state.get(f"_upload_frequency_{upload.id}") or upload.frequency
    change = st.session_state.get(f"_upload_change_{upload.id}") or upload.change
    problem, kept = None, False
    if st.session_state.get(_KEEP):
        try:
            get_store().write_upload(upload.id, upload.name, frequency, change, upload.series, upload.detail)
            Loader(get_store(), offline=True).upload(upload.id)  # the catalog knows it, as uploaded now
            kept = True
        except StoreError as exc:
            # A callback runs before the page, outside the page's guard: said here, and used all the same.
            problem = f"It could not be kept in the store ({exc.public}); it is used in this session only."
    if kept:
        clear_caches()  # the upload may have been read before with another frequency or change
        session_series().pop(upload.id, None)
    else:
        session_series()[upload.id] = loaded_upload(upload, frequency, change)
    if problem:
        st.session_state[_PROBLEM] = problem
    else:
        st.session_state.pop(_PROBLEM, None)
    use_metric(key, upload.id, _KEPT)


def upload_field() -> None:
    """A CSV (FRED, Yahoo, CoinGecko, Cboe or date,value), its inferred frequency and change kind
    (shown, and editable), used as A or as B."""
    with st.expander("Your data", icon=":material/upload_file:"):
        file = st.file_uploader(
            "CSV file (up to 20 MB)",
            type=["csv", "txt"],
            key="_upload_file",
            help="The layouts `convex import` reads: a FRED, Yahoo, CoinGecko or Cboe download, or two "
            "columns date,value. It stays in this browser session unless you keep it in the store below.",
        )
        if file is not None:
            try:
                upload = read_upload(file.name, file.getvalue())
            except UploadError as exc:
                st.error(str(exc), icon=":material/error:")
                return
            st.caption(
                f"{len(upload.series):,} values from {upload.series.index[0]:%Y-%m-%d} to "
                f"{upload.series.index[-1]:%Y-%m-%d}; looks {upload.frequency}, compared by "
                f"{_CHANGE_WORDS[upload.change]}."
            )
            left, right = st.columns(2)
            left.selectbox(
                "Frequency",
                FREQUENCIES,
                index=FREQUENCIES.index(upload.frequency),
                key=f"_upload_frequency_{upload.id}",
            )
            right.selectbox(
                "Changes",
                CHANGE_KINDS,
                index=CHANGE_KINDS.index(upload.change),
                key=f"_upload_change_{upload.id}",
                format_func=_CHANGE_WORDS.get,
            )
        st.checkbox(
            "Keep it in this deployment's store",
            key=_KEEP,
            help="Then a link naming it opens it for anyone using this deployment. Otherwise it lives only "
            "in this browser session and its link opens nowhere else.",
        )
        left, right = st.columns(2)
        left.button("Use as A", on_click=_use, args=("a",), key="_upload_a", width="stretch")
        right.button("Use as B", on_click=_use, args=("b",), key="_upload_b", width="stretch")
        problem = st.session_state.get(_PROBLEM)
        if problem:
            st.error(problem, icon=":material/error:")


def session_only(metric_ids) -> list[str]:
    """The given ids that are uploads held only by this session (a link naming them opens nowhere
    else)."""
    held = session_series()
    return [i for i in dict.fromkeys(metric_ids) if i in held]
