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


class PageError(RuntimeError):
    """The script raised, or drew no chart: a timing of it would mean nothing."""


def new_app(target: Path, query_params: dict[str, str] | None = None):
    from streamlit.testing.v1 import AppTest

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


def timed_run(at) -> float:
    """Seconds of one `at.run()`: the only timed part of every page case."""
    start = time.perf_counter()
    at.run()
    return time.perf_counter() - start


def warm_rerun_case(target: Path, *, uncache_report: bool) -> Case:
    """A rerun after the lookback changes FROM -> TO, on an app that has already run.

    Untimed: the first run (once), then a rerun back at FROM. With `uncache_report`, every
    st cache (data and resource) is cleared before that FROM rerun, which fills them again with everything
    that does not depend on the lookback (data, candidates, ...): the timed rerun at TO then misses
    exactly what a user's first change to that lookback misses (the pair report, ...), whatever the
    page caches. Without it, TO's results are already cached.
    """
    state: dict = {}

    def case() -> float:
        if "at" not in state:
            at = new_app(target)
            at.run()
            check(at, target)
            set_lookback(at, TO).run()  # TO's report is cached from here on (unless forgotten)
            check(at, target)
            state["at"] = at
        at = state["at"]
        if uncache_report:
            clear_caches()
        set_lookback(at, FROM).run()
        check(at, target)
        elapsed = timed_run(set_lookback(at, TO))
        check(at, target)
        return elapsed

    return case


def cold_run_case(target: Path) -> Case:
    """The first run of a fresh AppTest after every st cache was cleared (the store stays warm)."""

    def case() -> float:
        clear_caches()
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
