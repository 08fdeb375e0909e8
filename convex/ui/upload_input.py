"""The user's own series on the compare page: a CSV uploaded in the sidebar's "Your data" box, named
by its content (`u:…`). It lives in the user's session; kept in the store on request, a link naming
it works on this deployment (and on every replica sharing its store)."""

from __future__ import annotations

import streamlit as st

from ..data.loaded import NoDataError, loaded_upload
from ..data.loader import Loader
from ..data.uploads import UploadError, is_upload_id, read_upload
from ..metrics.metric import CHANGE_KINDS, FREQUENCIES
from ..store import StoreError, UploadTooLarge
from .data import get_store, session_series
from .url import offered_from_url, use_metric

_KEPT = "_uploads"
_PROBLEM = "_upload_problem"
_KEEP = "_upload_keep"
_NOTICE = "_upload_notice"
_CHANGE_WORDS = {"pct": "percent changes", "diff": "differences"}
# What one session may hold in memory of its own uploads (kept uploads are bounded by the store).
MAX_SESSION_UPLOADS = 5
MAX_SESSION_MB = 5  # about three files of 100,000 daily rows (16 bytes a row)


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
        found = Loader(get_store(), offline=True).upload(metric_id).id
    except NoDataError:
        return None
    get_store().touch_upload(found)  # opened from a link: used, so among the last to be evicted
    return found


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
    frequency = st.session_state.get(f"_upload_frequency_{upload.key}") or upload.frequency
    change = st.session_state.get(f"_upload_change_{upload.key}") or upload.change
    metric_id = upload.metric_id(frequency, change)
    problem, kept = None, False
    if st.session_state.get(_KEEP):
        # A stored upload is never overwritten: the same id is the same file read the same way.
        try:
            get_store().write_upload(metric_id, upload.name, frequency, change, upload.series, upload.detail)
            Loader(get_store(), offline=True).upload(metric_id)  # the catalog knows it from now on
            kept = True
        except UploadTooLarge as exc:
            st.session_state[_PROBLEM] = f"{upload.name} cannot be kept: {exc}. Use it without keeping it."
            return
        except StoreError as exc:
            # A callback runs before the page, outside the page's guard: said here, and used all the same.
            problem = f"It could not be kept in the store ({exc.public}); it is used in this session only."
    if kept:
        session_series().pop(metric_id, None)
    else:
        held = session_series()
        held[metric_id] = loaded_upload(upload, frequency, change)
        let_go = _within_session_quota(held, in_use={st.session_state.get(k) for k in ("a", "b", "metric")})
        if let_go:
            st.session_state[_NOTICE] = (
                f"This session keeps at most {MAX_SESSION_UPLOADS} uploads and {MAX_SESSION_MB} MB of them: "
                f"{', '.join(let_go)} (the earliest) {'was' if len(let_go) == 1 else 'were'} let go."
            )
    if problem:
        st.session_state[_PROBLEM] = problem
    else:
        st.session_state.pop(_PROBLEM, None)
    use_metric(key, metric_id, _KEPT)


def _within_session_quota(held: dict, in_use: set) -> list[str]:
    """Let the session's earliest uploads go, those not on screen first, until it holds at most
    MAX_SESSION_UPLOADS of at most MAX_SESSION_MB together; the names of those let go. The newest
    (the one just added) always stays."""
    size = {i: int(ls.series.memory_usage(index=True, deep=True)) for i, ls in held.items()}
    let_go = []
    for metric_id in sorted(list(held)[:-1], key=lambda i: i in in_use):
        if len(held) <= MAX_SESSION_UPLOADS and sum(size[i] for i in held) <= MAX_SESSION_MB * 1_000_000:
            break
        let_go.append(held.pop(metric_id).metric.name)
    return let_go



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
                key=f"_upload_frequency_{upload.key}",
            )
            right.selectbox(
                "Changes",
                CHANGE_KINDS,
                index=CHANGE_KINDS.index(upload.change),
                key=f"_upload_change_{upload.key}",
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
        notice = st.session_state.pop(_NOTICE, None)
        if notice:
            st.info(notice, icon=":material/info:")


def session_only(metric_ids) -> list[str]:
    """The given ids that are uploads held only by this session (a link naming them opens nowhere
    else)."""
    held = session_series()
    return [i for i in dict.fromkeys(metric_ids) if i in held]
