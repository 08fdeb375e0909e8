"""Reliability suite: independent Streamlit caches per test, loopback servers, and counted results.

Counts (faults held, URLs tried, kills survived...) are recorded with `record_property` under names
starting with "reliability."; they travel back from pytest-xdist workers with the test reports (and
appear in --junitxml output) and are summed in a "reliability counts" table at the end of the run.
The table needs this conftest loaded in the process that prints the summary: always without xdist,
and with xdist when tests/reliability is named on the command line
(`python -m pytest tests/reliability -n 2`); a whole-suite xdist run only loads it in the workers.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
import streamlit as st

from tests.sources.conftest import refused_url, server  # noqa: F401  (the same loopback fixtures)

COUNT_PREFIX = "reliability."


@pytest.fixture(autouse=True)
def clear_streamlit_caches():
    """Streamlit caches live for the whole process: every test starts (and ends) with none."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def count(record_property):
    """`count("urls_tried", 600)`: add to a counter reported at the end of the run."""

    def add(name: str, value: int = 1) -> None:
        record_property(COUNT_PREFIX + name, int(value))

    return add


def pytest_terminal_summary(terminalreporter):
    totals: dict[str, int] = defaultdict(int)
    for outcome in ("passed",):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "call") != "call":
                continue
            for name, value in getattr(report, "user_properties", ()):
                if isinstance(name, str) and name.startswith(COUNT_PREFIX):
                    totals[name.removeprefix(COUNT_PREFIX)] += int(value)
    if totals:
        terminalreporter.section("reliability counts")
        for name in sorted(totals):
            terminalreporter.write_line(f"{name:<40} {totals[name]:>8,}")
