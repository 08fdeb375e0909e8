"""Freshness as a fact (issue 29): when each metric's next value is due, and whether it is stale."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from convex.metrics.catalog import catalog
from convex.metrics.freshness import freshness, next_value_due

CAT = catalog()


@pytest.mark.parametrize(
    ("metric_id", "last", "due"),
    [
        ("walcl", "2026-03-04", "2026-03-12 16:30"),  # Wednesday level, H.4.1 on Thursday at 16:30
        ("spy", "2026-02-20", "2026-02-23 16:00"),  # a Friday close: Monday's close is next
        ("btc", "2026-02-21", "2026-02-22 16:00"),  # crypto: every day
    ],
)
def test_the_next_value_is_due_by_the_catalogs_rule(metric_id, last, due):
    assert next_value_due(CAT.get(metric_id), pd.Timestamp(last)) == pd.Timestamp(due)


def test_cpi_is_due_its_release_days_after_the_next_month():
    cpi = CAT.get("cpiaucsl")
    expected = pd.Timestamp("2026-02-01") + pd.Timedelta(days=cpi.release_days)
    assert next_value_due(cpi, pd.Timestamp("2026-01-01")).normalize() == expected


def test_the_issues_balance_sheet_nine_months_on_is_stale_and_says_so():
    walcl = CAT.get("walcl")
    state = freshness(walcl, pd.Timestamp("2026-03-04"), datetime(2026, 12, 6, 12, tzinfo=UTC))
    assert state.stale and state.age_days == 277
    assert state.words() == "latest 4 Mar 2026, 277 days old: stale (the next value was due 12 Mar 2026)"


def test_a_value_not_yet_due_is_not_stale_and_a_holiday_is_within_the_grace():
    walcl = CAT.get("walcl")
    thursday_noon = datetime(2026, 3, 12, 17, tzinfo=UTC)  # 13:00 in New York: before 16:30
    assert not freshness(walcl, pd.Timestamp("2026-03-04"), thursday_noon).stale
    friday = datetime(2026, 3, 13, 22, tzinfo=UTC)  # a holiday moved H.4.1 to Friday: not stale yet
    assert not freshness(walcl, pd.Timestamp("2026-03-04"), friday).stale
    assert freshness(walcl, pd.Timestamp("2026-03-04"), datetime(2026, 3, 16, 12, tzinfo=UTC)).stale
