"""Release dates are never early (issue 30): where the day a value was first published is known it
is used (the release calendar kept as data, ALFRED's stored dates first), and a month with no known
day falls back to a rule set at the upper bound of the recent lags."""

from __future__ import annotations

import pandas as pd
import pytest

from convex.analytics.align import align_pair
from convex.data.importers import read_series_file
from convex.data.loaded import LoadedSeries
from convex.metrics.catalog import catalog
from convex.metrics.release_calendar import release_calendars


def _loaded(metric_id: str, series: pd.Series, first_releases: pd.Series | None = None) -> LoadedSeries:
    metric = catalog().get(metric_id)
    return LoadedSeries(metric, series, "import", "file", None, False, None, metric.frequency, first_releases)


def _monthly(start: str, end: str) -> pd.Series:
    months = pd.date_range(start, end, freq="MS")
    return pd.Series(range(100, 100 + len(months)), index=months, dtype=float)


def test_a_cpi_month_is_available_on_the_day_it_was_released():
    release = _loaded("cpiaucsl", _monthly("2023-01-01", "2025-12-01")).dating.release
    months = pd.DatetimeIndex(["2024-01-01", "2025-09-01", "2025-11-01"])
    expected = [pd.Timestamp(d) for d in ("2024-02-13", "2025-10-24", "2025-12-18")]
    assert list(release.available(months)) == expected
    assert "first-release dates from the release calendar for" in release.words()


def test_no_cpi_or_unrate_value_is_used_before_its_release():
    calendar = release_calendars()["cpiaucsl"].released
    known = calendar[(calendar.index >= "2023-01-01") & (calendar.index <= "2025-12-01")]
    release = _loaded("cpiaucsl", _monthly("2023-01-01", "2025-12-01")).dating.release
    available = pd.Series(release.available(known.index), index=known.index)
    assert (available >= known).all()
    unrate = _loaded("unrate", _monthly("2023-01-01", "2025-12-01")).dating.release
    assert unrate.available(pd.DatetimeIndex(["2025-09-01"]))[0] == pd.Timestamp("2025-11-20")


def test_a_month_with_no_known_day_is_never_early_by_the_rule():
    # The rule's lag is the longest of the ordinary releases since 2017, so no such month, with its
    # known day hidden, would have been used before it.
    calendar = release_calendars()["cpiaucsl"].released
    ordinary = calendar["2017-01-01":"2025-08-01"]
    lags = (ordinary - ordinary.index).dt.days
    assert lags.max() <= catalog().get("cpiaucsl").release_days
    assert lags.min() == release_calendars()["cpiaucsl"].lowest


def test_stored_alfred_dates_take_precedence_over_the_calendar():
    stored = pd.Series([pd.Timestamp("2024-02-14")], index=pd.DatetimeIndex(["2024-01-01"]))
    release = _loaded("cpiaucsl", _monthly("2023-01-01", "2025-12-01"), stored).dating.release
    assert release.available(pd.DatetimeIndex(["2024-01-01", "2024-02-01"]))[0] == pd.Timestamp("2024-02-14")
    assert "from ALFRED and the release calendar" in release.words()


def test_the_issues_september_2025_cpi_enters_on_its_release_day(shared_real):
    cpi = read_series_file(shared_real / "fred/baeyunjae/CPIAUCSL.csv").series
    spy = read_series_file(shared_real / "yahoo/alitalbi/SPY.csv").series
    la, lb = _loaded("cpiaucsl", cpi), _loaded("spy", spy)
    aligned = align_pair(cpi, spy, freq_a="monthly", freq_b="daily", change_a="pct", change_b="pct",
                         dating_a=la.dating, dating_b=lb.dating, as_published=True)  # fmt: skip
    september = cpi[pd.Timestamp("2025-09-01")]
    rows = aligned.frame[aligned.frame["a"] == september]
    assert rows.index[0] >= pd.Timestamp("2025-10-24")  # not 13 Oct, as "about 42 days" had it


@pytest.mark.parametrize("metric_id", ["cpiaucsl", "cpilfesl", "unrate", "payems"])
def test_every_calendar_metric_is_in_the_catalog_with_a_release_rule(metric_id):
    assert catalog().get(metric_id).release is not None and metric_id in release_calendars()
