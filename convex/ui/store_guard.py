"""Every page runs through one guard (app.py): when the store cannot be used (convex/store/errors.py:
unavailable, damaged, misconfigured...), the page says so in one line that names no file, host or
account, and tries again by itself until the store answers; a store that cannot be written is said
in one line at the top of every page, which shows what is stored."""

from __future__ import annotations

import logging
import time

import streamlit as st

from ..store import StoreError
from . import data

# How often a page that could not use the store looks again (each look waits at most the page's
# database timeout, PAGE_TIMEOUT_S).
RETRY_S = 5
_FAILED_AT = "_store_failed_at"
log = logging.getLogger("convex.ui")


def run_page(page) -> None:
    """Run `page` (st.navigation's) with the store's trouble said at the top instead of an exception."""
    slot = st.empty()  # the page's first line: where the store's trouble is said
    try:
        problem = data.get_store().write_problem()
        if problem is not None:
            slot.info(problem.public, icon=":material/edit_off:")
        page.run()
    except StoreError as exc:
        unavailable(slot, exc)


def unavailable(slot, exc: StoreError) -> None:
    # The operator's text (the file, or the server with its password masked) goes to the server's log.
    log.warning("a page could not use the store: %s", exc)
    # A store handle whose database failed is not kept: the next try opens it again (a server that
    # is back, a damaged file moved away), as st.cache_resource never keeps a failed open.
    data._store.clear()
    slot.error(f"{exc.public} This page tries again every {RETRY_S} seconds.", icon=":material/cloud_off:")
    st.session_state[_FAILED_AT] = time.monotonic()
    _try_again()


@st.fragment(run_every=RETRY_S)
def _try_again() -> None:
    """Every RETRY_S seconds, a look at the store; once it answers, the whole page runs again."""
    if time.monotonic() - st.session_state.get(_FAILED_AT, 0.0) < RETRY_S / 2:
        return  # drawn by the run that just failed: no second wait in the same run
    try:
        data.get_store().version()
    except StoreError:
        data._store.clear()
        return
    st.rerun()
