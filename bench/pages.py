"""AppTest-based page timings and chart sizes, for the compare page and the bare baseline script.

Everything here runs after `bench.data.prepare_environment` (offline, store in a temp folder) and
after the store was filled (`bench.data.fill_store`): streamlit is imported inside the functions.
The app is always `app.py` at the repository root (it navigates to the compare page by default).
"""

from __future__ import annotations

import time
from pathlib import Path

from bench import APP, BASELINE_APP
from bench.timing import Case

APP_TARGET = APP
BASELINE_TARGET = BASELINE_APP
TIMEOUT_S = 300
FROM, TO = "3Y", "Max"  # the timed lookback change
# Seconds the page's background work took after each untimed run (computing other choices ahead):
# the time a user must spend on a view before a first change finds that work done (see settle).
BACKGROUND_S: list[float] = []


class PageError(RuntimeError):
    """The script raised, or drew no chart: a timing of it would mean nothing."""


_SCRIPT_CACHE: list = []


def share_script_cache():
    """One compiled-script cache for every AppTest run, as `streamlit run` keeps one for its whole
    process; AppTest makes a new one per run, so every rerun would compile the page again (20-25 ms
    for the compare page) where a real server does not. Both the page and the baseline get it.
    Returns the cache (cleared by a cold run, whose real counterpart compiles in a new process)."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    if not _SCRIPT_CACHE:
        _SCRIPT_CACHE.append(ScriptCache())
        app_test.ScriptCache = local_script_runner.ScriptCache = lambda: _SCRIPT_CACHE[0]
    return _SCRIPT_CACHE[0]


def new_app(target: Path, query_params: dict[str, str] | None = None):
    from streamlit.testing.v1 import AppTest

    share_script_cache()
    at = AppTest.from_file(str(target), default_timeout=TIMEOUT_S)
    for key, value in (query_params or {}).items():
        at.query_params[key] = value
    return at


def check(at, target: Path) -> None:
    if at.exception:
        first = at.exception[0]
        raise PageError(f"{target.name} raised: {first.message}\n{''.join(first.stack_trace)}")
    if not at.get("vega_lite_chart"):
        texts = [m.value for m in at.info] + [m.value for m in at.warning]
        raise PageError(f"{target.name} drew no chart: {texts}")


def clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def set_lookback(at, value: str):
    return at.segmented_control(key="lookback").set_value(value)


def _select(key: str):
    return lambda at, value: at.selectbox(key=key).select(value)


def _tab(at, value: str):
    at.session_state["view"] = value  # a keyed st.tabs takes its open tab from session state
    return at


# The compare page's controls, each with its default and the value the timed rerun changes it to.
CONTROLS = {
    "lookback": (set_lookback, FROM, TO),
    "transform": (_select("transform"), "Level", "Rebased"),
    "spread": (_select("spread"), "Z-score", "Ratio"),
    "window": (_select("window"), "90D", "1Y"),
    "tab": (_tab, "Side by side", "Overlay"),
}


def timed_run(at) -> float:
    """Seconds of one `at.run()`: the only timed part of every page case. Before and after it, untimed,
    the page's background work (computing ahead, deferred rankings) is let finish, so that it never
    runs during another measurement (the baseline's, interleaved with ours)."""
    settle()
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    settle()
    return elapsed


def settle() -> float:
    """Wait for the page's background threads to be idle; the seconds that took."""
    from convex.ui.analysis import wait_idle

    start = time.perf_counter()
    wait_idle()
    return time.perf_counter() - start


def warm_rerun_case(target: Path, *, uncache: bool, control: str = "lookback") -> Case:
    """A rerun after one control changes from its default to another value, on an app that ran.

    Untimed: the first run (once), then a rerun with the control at its default. With `uncache`,
    every st cache (data and resource) is cleared before that rerun, which fills them again with
    everything that does not depend on the control: the timed rerun then misses exactly what a
    user's first change of that control misses, whatever the page caches. Without it, the changed
    view is already cached. Between the two runs, the page's background work is let finish, untimed
    (and its duration kept in BACKGROUND_S). The baseline script has only the lookback: it always
    changes that.
    """
    change, default, changed = CONTROLS[control]
    state: dict = {}

    def case() -> float:
        if "at" not in state:
            at = new_app(target)
            at.run()
            check(at, target)
            change(at, changed).run()  # cached from here on (unless forgotten)
            check(at, target)
            state["at"] = at
        at = state["at"]
        if uncache:
            clear_caches()
        change(at, default).run()
        check(at, target)
        BACKGROUND_S.append(settle())
        elapsed = timed_run(change(at, changed))
        check(at, target)
        return elapsed

    return case


def cold_run_case(target: Path) -> Case:
    """The first run of a fresh AppTest after every st cache was cleared (the store stays warm)."""

    def case() -> float:
        clear_caches()
        share_script_cache().clear()  # a new server process compiles the page on its first run
        at = new_app(target)
        elapsed = timed_run(at)
        check(at, target)
        return elapsed

    return case


def chart_sizes(at) -> tuple[int, int, int]:
    """(spec bytes, Arrow dataset bytes, charts) of every Vega-Lite chart the run drew."""
    spec = data = 0
    charts = at.get("vega_lite_chart")
    for chart in charts:
        proto = chart.proto
        spec += len(proto.spec.encode())
        data += sum(len(ds.data.data) for ds in proto.datasets)
        if proto.HasField("data"):  # unnamed data, if any chart still sends it this way
            data += len(proto.data.data)
    return spec, data, len(charts)


def chart_bytes(lookback: str = "Max") -> dict:
    """Chart bytes of one compare page view per tab (a fresh AppTest each), and of the baseline.

    The page draws only the open tab, so each view is opened through its URL parameter.
    """
    first = new_app(APP_TARGET, {"lookback": lookback})
    first.run()
    check(first, APP_TARGET)
    labels = [tab.label for tab in first.tabs]
    if not labels:
        raise PageError("the compare page shows no view tabs")
    per_view: dict[str, dict] = {}
    for label in labels:
        at = new_app(APP_TARGET, {"lookback": lookback, "view": label})
        at.run()
        check(at, APP_TARGET)
        spec, data, charts = chart_sizes(at)
        opened = [tab.label for tab in at.tabs if tab.children]
        if opened != [label]:
            raise PageError(f"asked for view {label!r}, the page drew {opened}")
        per_view[label] = {"spec": spec, "data": data, "total": spec + data, "charts": charts}
    default_name = labels[0]
    default_spec, default_data, _ = chart_sizes(first)
    baseline = new_app(BASELINE_TARGET, {"lookback": lookback})
    baseline.run()
    check(baseline, BASELINE_TARGET)
    b_spec, b_data, _ = chart_sizes(baseline)
    return {
        "default_view_name": default_name,
        "default_view": default_spec + default_data,
        "all_tabs": sum(v["total"] for v in per_view.values()),
        "per_view": per_view,
        "baseline_app": b_spec + b_data,
    }
