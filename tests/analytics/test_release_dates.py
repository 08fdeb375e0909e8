"""Release dates are never early (issue 30): where the day a value was first published is known it
is used (the release calendar kept as data, ALFRED's stored dates first), and a month with no known
day falls back to a rule set at the upper bound of the recent lags."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from convex.analytics.align import align_pair
from convex.analytics.fragility import lead_call
from convex.analytics.lead_lag import lead_lag
from convex.analytics.pair_data import PairData
from convex.analytics.report import pair_core, pair_report
from convex.content import pair_content
from convex.content.summary import pair_summary
from convex.data.importers import read_series_file
from convex.data.loaded import LoadedSeries, pair_options
from convex.metrics.catalog import catalog
from convex.metrics.release_calendar import release_calendars
from tests.fakes import synthetic_series


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


# --------------------------------------------------------------------------- the range of release dates


def test_the_earliest_dating_moves_only_the_values_whose_day_is_not_known():
    release = _loaded("unrate", _monthly("2023-01-01", "2025-12-01")).dating.release
    calendar = release_calendars()["unrate"]
    assert (release.days, release.lowest_days) == (41, calendar.lowest) and calendar.lowest < 41
    earliest = release.earliest()
    months = pd.DatetimeIndex(["2024-03-01", "2025-09-01"])  # a rule month and a delayed, known one
    lowest = pd.Timestamp("2024-03-01") + pd.Timedelta(days=calendar.lowest)
    assert list(earliest.published(months)) == [lowest, pd.Timestamp("2025-11-20")]
    assert list(release.published(months)) == [pd.Timestamp("2024-04-11"), pd.Timestamp("2025-11-20")]
    assert earliest.earliest() == earliest  # one end of the range, not a ratchet


def _lead_pair(seed: int = 3):
    """UNRATE-like months and a daily B that moves, 35 days after each month's date, by that month's
    change: inside the range of release days (31 to 41), so the call depends on which end is used."""
    months = pd.date_range("2005-01-01", "2024-12-01", freq="MS")
    rng = np.random.default_rng(seed)
    unrate = pd.Series(5 + np.cumsum(rng.normal(0, 0.2, len(months))), index=months)
    days = pd.bdate_range("2005-01-03", "2025-03-31")
    b = synthetic_series("spy", years=21, seed=seed).reindex(days, method="ffill").bfill()
    moves = pd.Series(0.0, index=days)
    for month, change in unrate.diff().dropna().items():
        when = days.searchsorted(month + pd.Timedelta(days=35))
        if when < len(days):
            moves.iloc[when] += -0.08 * change
    return unrate, b * np.exp(moves.cumsum())


def test_a_lead_that_changes_within_the_range_of_release_dates_is_fragile_and_said_so():
    unrate, spy = _lead_pair()
    la, lb = _loaded("unrate", unrate), _loaded("spy", spy)
    report = pair_report(la.series, lb.series, lookback="Max", **pair_options(la, lb))
    fragility = report.stats.release_fragility
    assert fragility is not None
    # The same tests on the pair aligned with every unknown day at the shortest lag.
    earliest = align_pair(la.series, lb.series, **{**pair_options(la, lb), "dating_a": la.dating.earliest()},
                          as_published=True)  # fmt: skip
    assert fragility.lead_lag == lead_lag(PairData.build(earliest), report.stats.max_lag)
    # By the rule (41 days) the move comes in the month the value is dated by, a same-period
    # correlation, no lead; at the earliest (31 days) the value comes first: a lead, so fragile.
    assert (lead_call(report.stats.lead_lag), lead_call(fragility.lead_lag)) == (None, 1)
    assert fragility.lead_fragile
    content = pair_content(la.metric, lb.metric, report)
    lead_answer = next(i.answer for i in content.faq if i.question.startswith("Does "))
    assert "Fragile: with each value whose release day is not known dated at the earliest" in lead_answer
    assert "(Unemployment Rate's 31 rather than 41 days after its date), Unemployment Rate leads SPY" in (
        lead_answer.replace("S&P 500 ETF (SPY)", "SPY")
    )
    assert "no robust lead" in pair_summary(report) and content.verdicts["lead"] == "fragile"
    assert "- **Lead-lag**: Fragile: no significant lead" in content.cross_asset


def test_a_pair_whose_release_days_are_all_known_is_never_fragile():
    cpi = _loaded("cpiaucsl", _monthly("1990-01-01", "2024-12-01"))  # every CPI day is known
    assert cpi.dating.release.lowest_days is not None
    spy = _loaded("spy", pd.Series(1.0 + np.arange(9000.0), pd.bdate_range("1990-01-01", periods=9000)))
    _, stats = pair_core(cpi.series, spy.series, **pair_options(cpi, spy))
    assert stats.predictive_method is not None
    # Known days do not move: the earliest dating gives the rule's figures over these months.
    assert stats.release_fragility is not None and not stats.release_fragility.fragile
    assert stats.release_fragility.lead_lag == stats.lead_lag


def test_each_as_published_row_carries_the_value_reference_date_names():
    from convex.analytics.align import reference_date
    from convex.analytics.published import value_dates

    loaded = _loaded("cpiaucsl", _monthly("2023-01-01", "2025-12-01"))
    release, months = loaded.dating.release, loaded.series.index
    rows = pd.bdate_range("2023-03-01", "2026-02-27")
    expected = [reference_date(months, release, day) for day in rows]
    assert list(value_dates(rows, months, release)) == expected
    # October 2025 was never published and September came late (24 Oct): on 23 Oct 2025 the
    # latest CPI out is August's.
    assert value_dates(pd.DatetimeIndex(["2025-10-23", "2025-10-24"]), months, release).tolist() == [
        pd.Timestamp("2025-08-01"), pd.Timestamp("2025-09-01")]  # fmt: skip
