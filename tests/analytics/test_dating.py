"""Every observation dated when it was known: publication lags, gaps, aggregation, the window's end."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from convex.analytics import pair_report
from convex.analytics.align import align_pair
from convex.analytics.pair_stats import pair_statistics
from convex.analytics.sampling import aggregate_over_periods, sample_on_or_after
from convex.data.importers import read_series_file
from convex.data.loader import with_blanks
from convex.metrics.catalog import catalog
from convex.metrics.derived import combine_inputs
from convex.metrics.metric import Dating, Release

WALCL_RELEASE = Release(1, "16:30")  # Wednesday's level, published Thursday after the close


def planted_publication_lag(seed: int = 1):
    """A weekly level dated Wednesday and published Thursday evening; a daily price that reacts
    to each week's change at Friday's close, the first close after publication."""
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2010-01-04", "2019-12-31")
    wednesdays = days[days.day_of_week == 2]
    weekly_changes = rng.normal(0, 0.01, len(wednesdays))
    level = pd.Series(1e6 * np.exp(np.cumsum(weekly_changes)), index=wednesdays)
    daily = rng.normal(0, 0.004, len(days))
    for wednesday, change in zip(wednesdays, weekly_changes, strict=True):
        friday = wednesday + pd.Timedelta(days=2)
        if friday in days:
            daily[days.get_loc(friday)] += 0.8 * change
    price = pd.Series(100 * np.exp(np.cumsum(daily)), index=days)
    return level, price


def report(level, price, dating_a):
    return pair_report(level, price, freq_a="weekly", freq_b="daily", change_a="pct", change_b="pct",
                       lookback="Max", name_a="WALCL", name_b="TLT", dating_a=dating_a)  # fmt: skip


def test_as_published_recovers_a_planted_publication_lag_where_reference_dates_see_a_false_lead():
    level, price = planted_publication_lag()
    naive = report(level, price, Dating()).stats.lead_lag  # dated by the Wednesday the level refers to
    assert naive.best_lag == 1 and naive.significant_adjusted  # "WALCL leads TLT by a week": spurious
    published = report(level, price, Dating(release=WALCL_RELEASE))
    ll = published.stats.lead_lag
    assert ll.best_lag == 0 and ll.significant_adjusted and ll.correlation > 0.5
    assert "as published" in published.stats.predictive_method
    # Co-movement keeps the reference dates.
    assert published.aligned.frame.index.day_of_week.unique().tolist() == [2]


def test_as_published_pairs_each_value_with_the_first_close_on_or_after_its_release():
    level, price = planted_publication_lag()
    aligned = align_pair(level, price, freq_a="weekly", freq_b="daily", change_a="pct", change_b="pct",
                         dating_a=Dating(release=WALCL_RELEASE), as_published=True)  # fmt: skip
    fridays = level.index + pd.Timedelta(days=2)
    assert set(aligned.frame.index) <= set(fridays)
    expected, _ = sample_on_or_after(price, aligned.frame.index, pd.Timedelta(days=14))
    np.testing.assert_array_equal(aligned.frame["b"].to_numpy(), expected)
    np.testing.assert_array_equal(
        aligned.frame["a"].to_numpy(), level.reindex(aligned.frame.index - pd.Timedelta(days=2)).to_numpy()
    )


def test_alfred_first_release_dates_replace_the_rule_where_known():
    level, price = planted_publication_lag()
    # A shutdown delays two weekly releases until the third week's, which comes out on time.
    first = pd.Series(level.index + pd.Timedelta(days=1), index=level.index)
    late = first.index[100]
    first.iloc[100:102] = late + pd.Timedelta(days=15)
    release = WALCL_RELEASE.with_first_releases(first)
    aligned = align_pair(level, price, freq_a="weekly", freq_b="daily", change_a="pct", change_b="pct",
                         dating_a=Dating(release=release), as_published=True)  # fmt: skip
    friday = late + pd.Timedelta(days=16)
    # On that Friday only the latest of the three values is the current level; none is used earlier.
    assert aligned.frame.loc[friday, "a"] == level.iloc[102]
    assert not set(aligned.frame.index) & {d + pd.Timedelta(days=2) for d in level.index[100:103]} - {friday}
    assert "first-release dates from ALFRED" in aligned.describe()


def test_sample_on_or_after_equals_pandas_merge_asof_forward():
    rng = np.random.default_rng(3)
    series = pd.Series(rng.normal(size=200), index=pd.bdate_range("2020-01-01", periods=200, name="date"))
    dates = pd.DatetimeIndex(sorted(rng.choice(pd.date_range("2019-12-20", "2020-11-01"), 80, replace=False)))
    ours, _ = sample_on_or_after(series, dates, pd.Timedelta(days=3))
    expected = pd.merge_asof(pd.DataFrame({"date": dates}), series.rename("v").reset_index(), on="date",
                             direction="forward", tolerance=pd.Timedelta(days=3))["v"].to_numpy()  # fmt: skip
    np.testing.assert_array_equal(ours, expected)


def test_a_change_across_a_long_gap_is_not_a_one_period_change():
    weeks = pd.date_range("2010-01-06", periods=200, freq="W-WED")
    kept = weeks.delete(range(60, 82))  # five months missing
    rng = np.random.default_rng(4)
    a = pd.Series(np.exp(np.cumsum(rng.normal(0, 0.01, len(kept)))), index=kept)
    b = pd.Series(np.exp(np.cumsum(rng.normal(0, 0.01, len(kept)))), index=kept)
    aligned = align_pair(a, b, freq_a="weekly", freq_b="weekly", change_a="pct", change_b="pct")
    assert aligned.gap_changes_dropped == 1
    assert np.isnan(aligned.frame.loc[kept[60], "a_chg"])
    assert "1 change spanning more than one week is left out" in aligned.describe()
    assert pair_statistics(aligned).n_changes == len(kept) - 2


def test_a_monthly_average_is_compared_with_the_daily_series_averaged_over_the_same_month():
    days = pd.bdate_range("2015-01-01", "2019-12-31")
    months = pd.date_range("2015-01-01", "2019-12-01", freq="MS")
    rng = np.random.default_rng(5)
    price = pd.Series(np.exp(np.cumsum(rng.normal(0, 0.01, len(days)))), index=days)
    money = pd.Series(np.exp(np.cumsum(rng.normal(0, 0.003, len(months)))), index=months)
    aligned = align_pair(money, price, freq_a="monthly", freq_b="daily", change_a="pct", change_b="pct",
                         dating_a=catalog().get("m2sl").dating)  # fmt: skip
    by_month = price.groupby(price.index.to_period("M")).mean()
    np.testing.assert_allclose(
        aligned.frame["b"].to_numpy(), by_month.to_numpy()[: len(aligned.frame)], rtol=1e-12
    )
    assert "its average over the period each date starts" in aligned.describe()
    totals, _ = aggregate_over_periods(price, months, dated="start", how="sum")
    np.testing.assert_allclose(totals, price.groupby(price.index.to_period("M")).sum().to_numpy(), rtol=1e-12)


def test_the_window_says_how_long_before_today_it_ends_and_flags_an_old_one():
    days = pd.bdate_range("2020-01-01", "2022-06-30")
    a = pd.Series(np.arange(len(days), dtype=float) + 1, index=days)
    kwargs = dict(freq_a="daily", freq_b="daily", change_a="pct", change_b="pct")
    fresh = align_pair(a, a * 2, **kwargs, today=pd.Timestamp("2022-07-01"))
    assert fresh.days_before_today == 1 and not fresh.old
    stale = align_pair(a, a * 2, **kwargs, today=pd.Timestamp("2023-07-21"))
    assert stale.days_before_today == 386 and stale.old
    assert "which ends 386 days before 21 Jul 2023, old data." in stale.describe()


# --------------------------------------------------------------------------- real files


def real(shared_real, path: str) -> pd.Series:
    return read_series_file(shared_real / path).series


def test_re_dated_bitcoin_moves_with_stocks_the_same_day_and_stocks_no_longer_lead(shared_real):
    spy, btc = real(shared_real, "yahoo/alitalbi/SPY.csv"), real(shared_real, "coingecko/btc-usd-max.csv")
    cat = catalog()
    s = pair_report(spy, btc, freq_a="daily", freq_b="daily", change_a="pct", change_b="pct", lookback="3Y",
                    dating_a=cat.get("spy").dating, dating_b=cat.get("btc").dating).stats  # fmt: skip
    # Dated a day late, the same pair gave +0.04 same-day, "SPY leads by a day" and Granger p 2e-18.
    assert s.correlation.changes == pytest.approx(0.31, abs=0.02)
    assert s.lead_lag.best_lag == 0
    assert s.granger.a_to_b.pvalue > 0.05


def test_net_liquidity_keeps_the_weeks_without_reverse_repo_and_never_spans_a_gap(shared_real):
    cat = catalog()
    walcl, tga = (
        real(shared_real, "fred/matemadrigal/WALCL.csv"),
        real(shared_real, "fred/matemadrigal/WTREGEN.csv"),
    )
    rrp = with_blanks(cat.get("rrpontsyd"), real(shared_real, "fred/matemadrigal/RRPONTSYD.csv"))
    parts = {"walcl": (walcl, cat.get("walcl")), "wtregen": (tga, cat.get("wtregen")),
             "rrpontsyd": (rrp, cat.get("rrpontsyd"))}  # fmt: skip
    net = combine_inputs(cat.get("net_liquidity"), parts)
    assert len(net) >= 965  # every week from the reverse repo's first record on (663 before)
    spy = real(shared_real, "yahoo/alitalbi/SPY.csv")
    aligned = align_pair(net, spy, freq_a="weekly", freq_b="daily", change_a="pct", change_b="pct")
    dates = aligned.frame.index
    gaps = (dates[1:] - dates[:-1])[np.isfinite(aligned.frame["a_chg"].to_numpy()[1:])]
    assert gaps.max() <= pd.Timedelta(days=10)


def test_walcl_as_published_is_paired_with_the_friday_close(shared_real):
    walcl, tlt = real(shared_real, "fred/matemadrigal/WALCL.csv"), real(shared_real, "yahoo/alitalbi/TLT.csv")
    dating = catalog().get("walcl").dating
    aligned = align_pair(walcl, tlt, freq_a="weekly", freq_b="daily", change_a="pct", change_b="pct",
                         dating_a=dating, as_published=True, lookback="5Y")  # fmt: skip
    assert (aligned.frame.index.day_of_week == 4).all()  # Wednesday's level, known Thursday evening
    fridays_traded = aligned.frame.index.isin(tlt.index)
    np.testing.assert_array_equal(aligned.frame["b"].to_numpy()[fridays_traded],
                                  tlt.reindex(aligned.frame.index[fridays_traded]).to_numpy())  # fmt: skip


def test_m2_against_bitcoin_by_monthly_average(shared_real):
    m2, btc = (
        real(shared_real, "fred/bellingxu_processed/M2SL.csv"),
        real(shared_real, "coingecko/btc-usd-max.csv"),
    )
    aligned = align_pair(m2, btc, freq_a="monthly", freq_b="daily", change_a="pct", change_b="pct",
                         dating_a=catalog().get("m2sl").dating, lookback="3Y")  # fmt: skip
    month = aligned.frame.index[5]
    inside = btc[(btc.index >= month) & (btc.index < month + pd.offsets.MonthBegin(1))]
    assert aligned.frame.loc[month, "b"] == pytest.approx(inside.mean(), rel=1e-12)
