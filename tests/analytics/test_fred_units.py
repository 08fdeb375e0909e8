"""FRED's units and frequency aggregation against pandas on real recorded files (skipped without
../shared): aggregation first (average, end of period, sum; periods the data covers only partly left
out), then units (FRED's formulas, a year ago on the series' own calendar, a gap never bridged)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from convex.analytics.fred_units import (
    FredView,
    aggregate,
    apply_units,
    describe,
    process,
    processed,
)
from convex.data.loaded import LoadedSeries
from convex.metrics.catalog import catalog


def read(shared_real, path: str) -> pd.Series:
    frame = pd.read_csv(shared_real / path, index_col=0, parse_dates=True)
    return pd.to_numeric(frame.iloc[:, 0], errors="coerce").dropna().astype(float)


def assert_same(ours: pd.Series, theirs: pd.Series) -> None:
    theirs = theirs.dropna()
    assert len(ours) > 10
    assert list(ours.index) == list(pd.DatetimeIndex(theirs.index))
    np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=1e-12, atol=1e-9)


def test_weekly_walcl_to_monthly_average_sum_and_end_of_period(shared_real):
    walcl = read(shared_real, "fred/matemadrigal/WALCL.csv")  # Wednesdays, 2007-01-03 to 2025-11-12
    assert walcl.index[-1] == pd.Timestamp("2025-11-12")  # November is not complete: left out
    expected = walcl.resample("MS").mean()[:"2025-10"]
    assert_same(aggregate(walcl, "m", "avg", native="weekly"), expected)
    assert_same(aggregate(walcl, "m", "sum", native="weekly"), walcl.resample("MS").sum()[:"2025-10"])
    assert_same(aggregate(walcl, "m", "eop", native="weekly"), walcl.resample("ME").last()[:"2025-10"])
    quarters = aggregate(walcl, "q", "avg", native="weekly")
    assert_same(quarters, walcl.resample("QS").mean()[:"2025-07"])  # Q4 2025 partly observed


def test_daily_yields_to_weeks_ending_friday(shared_real):
    dgs10 = read(shared_real, "fred/huhng24/DGS10.csv")
    ours = aggregate(dgs10, "w", "avg", native="daily")
    theirs = dgs10.resample("W-FRI").mean()
    first_friday, last = theirs.index[0], dgs10.index[-1]
    # The first week is kept only if the data starts by its Monday; the last only if it reaches Friday.
    theirs = theirs[theirs.index - pd.Timedelta(days=4) >= dgs10.index[0] - pd.Timedelta(days=3)]
    theirs = theirs[theirs.index <= last + pd.Timedelta(days=3)]
    assert ours.index[0] >= first_friday and (ours.index.day_of_week == 4).all()
    assert_same(ours, theirs)


def test_monthly_m2_to_quarterly_averages_dated_the_first_day(shared_real):
    m2 = read(shared_real, "fred/bellingxu_processed/M2SL.csv")  # monthly, dated the 1st
    ours = aggregate(m2, "q", "avg", native="monthly", dated="start")
    counts = m2.resample("QS").count()
    theirs = m2.resample("QS").mean()[counts == 3]  # a quarter needs its three months
    assert_same(ours, theirs)


def test_percent_change_from_a_year_ago_never_bridges_a_gap(shared_real):
    cpi = read(shared_real, "fred/baeyunjae/CPIAUCSL.csv")  # October 2025 was never published
    assert pd.Timestamp("2025-10-01") not in cpi.index
    months = cpi.reindex(pd.date_range(cpi.index[0], cpi.index[-1], freq="MS"))
    assert_same(apply_units(cpi, "pc1", "monthly"), (months / months.shift(12) - 1) * 100)
    assert_same(apply_units(cpi, "chg", "monthly"), months - months.shift(1))
    assert_same(apply_units(cpi, "ch1", "monthly"), months - months.shift(12))
    assert_same(apply_units(cpi, "pch", "monthly"), (months / months.shift(1) - 1) * 100)
    assert_same(apply_units(cpi, "pca", "monthly"), ((months / months.shift(1)) ** 12 - 1) * 100)
    assert pd.Timestamp("2025-11-01") not in apply_units(cpi, "chg", "monthly").index


def test_daily_year_ago_is_260_weekdays_or_365_days_for_a_seven_day_series(shared_real):
    dgs10 = read(shared_real, "fred/huhng24/DGS10.csv")
    year_ago = dgs10.shift(freq="364D").reindex(dgs10.index)  # 260 weekdays = 52 weeks = 364 days
    assert_same(apply_units(dgs10, "pc1", "daily"), (dgs10 / year_ago - 1) * 100)
    assert_same(apply_units(dgs10, "pch", "daily"), (dgs10 / dgs10.shift(1) - 1) * 100)
    btc = pd.read_csv(shared_real / "coingecko/btc-usd-max.csv", parse_dates=["snapped_at"])
    btc = btc.set_index(btc["snapped_at"].dt.tz_localize(None).dt.normalize())["price"].astype(float)
    btc = btc[~btc.index.duplicated(keep="last")]
    year_ago = btc.shift(freq="365D").reindex(btc.index)
    assert_same(apply_units(btc, "pc1", "daily"), (btc / year_ago - 1) * 100)


def test_fred_order_is_aggregation_then_units(shared_real):
    walcl = read(shared_real, "fred/matemadrigal/WALCL.csv")
    view = FredView("pc1", "m", "avg")
    ours, frequency = process(walcl, view, native="weekly", dated="end", aggregation="end")
    assert frequency == "monthly"
    months = walcl.resample("MS").mean()[:"2025-10"]
    assert_same(ours, (months / months.shift(12) - 1) * 100)
    # The other order differs: units first, then the average of weekly year-ago changes.
    other = ((walcl / walcl.shift(52) - 1) * 100).resample("MS").mean()[:"2025-10"].dropna()
    assert not np.allclose(ours.to_numpy(), other.reindex(ours.index).to_numpy())


def loaded(metric_id: str, series: pd.Series) -> LoadedSeries:
    metric = catalog().get(metric_id)
    return LoadedSeries(metric, series, "import", None, None, False, None, metric.frequency)


def parts_of(ls: LoadedSeries) -> tuple:
    return ls.series, ls.metric, ls.frequency, ls.dating.release


def in_view(ls: LoadedSeries, view: FredView) -> LoadedSeries:
    parts = processed(ls.series, ls.metric, ls.frequency, ls.dating.release, view)
    return ls if parts is None else ls.processed_as(*parts)


def test_a_processed_series_says_what_it_is_and_is_never_dated_before_it_is_known(shared_real):
    walcl = loaded("walcl", read(shared_real, "fred/matemadrigal/WALCL.csv"))
    view = FredView("pc1", "m", "avg")
    out = in_view(walcl, view)
    m = out.metric
    assert (out.frequency, m.frequency, m.units, m.change) == ("monthly", "monthly", "Percent", "diff")
    assert (m.aggregation, m.dated) == ("average", "start")
    assert (
        m.processing == describe(view, "weekly", "end") == "Percent Change from Year Ago of monthly averages"
    )
    # Known when the month's last Wednesday is published (Thursday, 16:30: after the close).
    published = walcl.dating.release.available(walcl.series.index)
    last_known = (
        pd.Series(published, index=walcl.series.index).groupby(walcl.series.index.to_period("M")).max()
    )
    known = out.dating.release.available(out.series.index)
    assert (known >= last_known.reindex(out.series.index.to_period("M")).to_numpy()).all()
    assert m.release_at == walcl.metric.release_at
    # As published, nothing changes; FRED's levels of the native frequency are as published too.
    assert processed(*parts_of(walcl), FredView()) is None
    assert processed(*parts_of(walcl), FredView("lin", "w")) is None


def test_a_metric_cannot_be_aggregated_to_a_higher_frequency(shared_real):
    cpi = loaded("cpiaucsl", read(shared_real, "fred/baeyunjae/CPIAUCSL.csv"))
    out = in_view(cpi, FredView("pc1", "w", None))
    assert out.frequency == "monthly" and out.metric.processing == "Percent Change from Year Ago"
    before = cpi.metric  # only what the units change differs: frequency, dating and release stay
    assert dataclasses.replace(out.metric, processing="", units=before.units, change=before.change) == before


@pytest.mark.parametrize("units", ["chg", "ch1", "pch", "pc1", "pca"])
def test_every_unit_on_a_short_series_is_empty_or_finite(units):
    series = pd.Series([1.0, 2.0, 0.0, 4.0], index=pd.date_range("2024-01-01", periods=4, freq="MS"))
    out = apply_units(series, units, "monthly")
    assert np.isfinite(out.to_numpy()).all()
