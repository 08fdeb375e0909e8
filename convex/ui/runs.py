"""Page runs of this process: counted while they last (work done ahead waits for them), and every page
run through app.py's navigation."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import streamlit as st

# Page runs under way in this process, and when the last one ended: work done ahead waits while
# pages run and for a moment after (a run's last messages are still being sent), see analysis.py.
_RUNS = [0, 0.0]
_RUNS_LOCK = threading.Lock()
QUIET_S = 0.05


@contextmanager
def page_run():
    """Count a page's run (app.py wraps each one) for as long as it lasts, st.stop included."""
    with _RUNS_LOCK:
        _RUNS[0] += 1
    try:
        yield
    finally:
        with _RUNS_LOCK:
            _RUNS[0] -= 1
            _RUNS[1] = time.monotonic()


def pages_busy() -> bool:
    """Whether a page is running in this process, or one ended less than QUIET_S ago."""
    return _RUNS[0] > 0 or time.monotonic() - _RUNS[1] < QUIET_S


def ensure_app_navigation() -> None:
    """Run every page through app.py's navigation.

    A server whose first visitor opens a page's own address (/metric) runs that page file on its
    own, with Streamlit's older automatic pages/ navigation, before app.py has had a chance to
    register `st.navigation`. Turn that mode off and rerun: the rerun goes through app.py.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
