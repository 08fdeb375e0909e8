"""The compare page's work done ahead: the views one change of a control leads to are computed in
the background once a view is drawn, newest first, never more than a few waiting."""

from __future__ import annotations

import threading

import pytest
import streamlit as st

from convex.ui import analysis
from convex.ui.analysis import NewestFirst
from tests.ui.test_pages import run, store  # noqa: F401 (the store fixture)


def test_jobs_run_newest_first_and_old_waiting_ones_are_dropped():
    queue, ran, dropped = NewestFirst(kept=2, name="test-newest"), [], []
    started, release = threading.Event(), threading.Event()

    def blocker():
        started.set()
        release.wait(5)
        ran.append("blocker")

    queue.submit(blocker)
    assert started.wait(5)
    for i in range(5):
        queue.submit(lambda i=i: ran.append(i), lambda i=i: dropped.append(i))
    release.set()
    queue.wait_idle()
    assert ran == ["blocker", 4, 3] and dropped == [0, 1, 2]


def test_a_job_that_raises_does_not_stop_the_next():
    queue, ran = NewestFirst(kept=4, name="test-raises"), []
    queue.submit(lambda: 1 / 0)
    queue.submit(lambda: ran.append("next"))
    queue.wait_idle()
    assert ran == ["next"]


@pytest.fixture
def counted_analyses(monkeypatch):
    """Every pair analysis computed (pair_core), with the thread it ran in."""
    analysis.wait_idle()  # nothing left from an earlier test
    st.cache_resource.clear()
    calls: list[tuple[str, str]] = []
    original = analysis.pair_core

    def counted(*args, **kwargs):
        calls.append((kwargs["lookback"], threading.current_thread().name))
        return original(*args, **kwargs)

    monkeypatch.setattr(analysis, "pair_core", counted)
    return calls


def test_every_other_lookback_is_computed_ahead_so_a_first_change_computes_nothing(store, counted_analyses):  # noqa: F811
    at = run(a="spy", b="tlt")
    analysis.wait_idle()
    ahead = [lookback for lookback, thread in counted_analyses if thread.startswith("convex-ahead")]
    assert sorted(ahead) == sorted(lk for lk in analysis.LOOKBACKS if lk != "3Y")
    seen = len(counted_analyses)
    at.segmented_control(key="lookback").set_value("Max").run()
    assert not at.exception and "over all the common history held (" in " ".join(c.value for c in at.caption)
    page_calls = [c for c in counted_analyses[seen:] if not c[1].startswith("convex-ahead")]
    assert page_calls == []
