"""The pages' clock in AppTest: the day after the synthetic data end (tests/fakes.py), as a user reads
current data. Windows, ages and the screener's present are read from this day, so what the tests
assert does not change with the date the suite runs on; a test about old data sets its own day."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from convex.jobs import screening
from convex.ui import analysis, elements, related

THE_DAY_AFTER_THE_DATA = datetime(2026, 11, 19, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def day_after_the_data(monkeypatch):
    for module in (screening, analysis, elements, related):
        monkeypatch.setattr(module, "utcnow", lambda: THE_DAY_AFTER_THE_DATA)
