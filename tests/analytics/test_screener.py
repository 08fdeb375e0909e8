"""The screener: pairwise correlations equal pandas', planted breaks top the screen, independent
pairs do not pass beyond the false-discovery rate, gaps are never one period; planted leads are
found as the pair page finds them, and lead-lag shifts of independent pairs stay within the
stated chance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from convex.analytics.align import align_pair, dates_text
from convex.analytics.lead_lag import lead_lag
from convex.analytics.pair_data import PairData, autocorrelation_lags, bartlett_factor
from convex.analytics.screener import (
    SCREEN_MAX_LAG,
    ScreenSeries,
    _changes,
    _period_values,
    lagged_correlations,
    pairwise_correlation,
    rank_screen,
    screen_pairs,
)

RECENT, LONG = pd.DateOffset(weeks=13), pd.DateOffset(years=3)
DAYS = pd.bdate_range("2019-01-01", "2026-11-27")


def prices(changes: np.ndarray, index=DAYS) -> pd.Series:
    return pd.Series(100 * np.cumprod(1 + changes), index=index[: len(changes)])


def daily(i: int, changes: np.ndarray) -> ScreenSeries:
    return ScreenSeries(f"m{i}", prices(changes), "daily", "pct")


def windows(index: pd.DatetimeIndex):
    end = index[-1]
    split = end - RECENT
    return (index > split), (index > split - LONG) & (index <= split)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), missing=st.floats(0, 0.4), columns=st.integers(2, 6))
def test_pairwise_correlation_equals_pandas_pairwise_complete_corr(seed, missing, columns):
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 0.01, (120, columns)) + rng.normal(0, 0.01, (120, 1))
    x[rng.random(x.shape) < missing] = np.nan
    r, n = pairwise_correlation(x, x)
    frame = pd.DataFrame(x)
    expected = frame.corr(min_periods=8).to_numpy()
    counts = frame.notna().astype(int).T @ frame.notna().astype(int)
    np.testing.assert_allclose(r, expected, atol=1e-10, equal_nan=True)
    np.testing.assert_array_equal(n, counts.to_numpy())


def planted(seed: int, breaks: int = 3, others: int = 20):
    """`others` independent daily series and `breaks` pairs that moved together (r 0.8) for
    years and stopped in the last 13 weeks."""
    rng = np.random.default_rng(seed)
    n = len(DAYS)
    recent, _ = windows(DAYS)
    items = [daily(i, rng.normal(0, 0.01, n)) for i in range(others)]
    pairs = []
    for k in range(breaks):
        common = rng.normal(0, 0.01, n)
        a = common + rng.normal(0, 0.005, n)
        b = np.where(recent, rng.normal(0, 0.011, n), common + rng.normal(0, 0.005, n))
        items += [daily(100 + 2 * k, a), daily(101 + 2 * k, b)]
        pairs.append((f"m{100 + 2 * k}", f"m{101 + 2 * k}"))
    return items, pairs


def test_planted_breaks_top_the_screen_and_pass_the_correction():
    items, pairs = planted(seed=1)
    ranked = rank_screen(screen_pairs(items, recent=RECENT, long=LONG).table)
    top = set(zip(ranked.table["a"][:3], ranked.table["b"][:3], strict=True))
    assert top == set(pairs)
    assert ranked.table["passes"][:3].all()
    assert (ranked.table["r_long"][:3] > 0.7).all() and (ranked.table["change"][:3] < -0.5).all()


def test_independent_pairs_do_not_pass_beyond_the_false_discovery_rate():
    """No relationship changed anywhere: over ten screens of 190 pairs, about 5% have a raw p
    below 0.05 (as the table says), and BH's discoveries stay rare: under the global null, BH at
    5% makes any discovery in at most about 5% of screens (more with dependent tests)."""
    raw, any_discovery, tested = 0, 0, 0
    for seed in range(10):
        items, _ = planted(seed, breaks=0, others=20)
        ranked = rank_screen(screen_pairs(items, recent=RECENT, long=LONG).table)
        raw += ranked.below_threshold
        tested += ranked.tested
        any_discovery += ranked.discoveries > 0
        assert ranked.expected_by_chance == pytest.approx(0.05 * ranked.tested)
    assert tested == 1900
    assert 0.02 < raw / tested < 0.09
    assert any_discovery <= 2


def test_the_effective_sizes_are_bartletts_as_the_pair_page_computes_them():
    rng = np.random.default_rng(3)
    n = len(DAYS)
    e = rng.normal(0, 0.01, (n, 2))
    ar = np.zeros((n, 2))
    for t in range(1, n):  # autocorrelated changes, 0.5 at lag 1
        ar[t] = 0.5 * ar[t - 1] + e[t]
    items = [daily(0, ar[:, 0]), daily(1, ar[:, 1])]
    row = screen_pairs(items, recent=RECENT, long=LONG).table.iloc[0]
    _, long_rows = windows(DAYS)
    changes = pd.DataFrame({i.id: i.series.pct_change() for i in items})[long_rows]
    a, b = changes["m0"].to_numpy(), changes["m1"].to_numpy()
    assert row["n_long"] == len(a)
    assert row["r_long"] == pytest.approx(np.corrcoef(a, b)[0, 1], abs=1e-12)
    assert row["factor_long"] == pytest.approx(bartlett_factor(a, b, autocorrelation_lags(len(a))), rel=1e-9)


def test_a_gap_is_never_counted_as_one_period():
    weeks = pd.date_range("2020-01-01", "2026-11-25", freq="W-WED")
    values = pd.Series(np.arange(len(weeks), dtype=float) + 100, index=weeks)
    gapped = values.drop(weeks[100:122])  # five months without data
    frame = _period_values(gapped.to_frame("w"), "weekly", "end")
    changes = _changes(frame, np.array([False]), "weekly")["w"].dropna()
    assert len(changes) == len(gapped) - 2  # the first value and the first one after the gap
    assert (changes == 1.0).all()
    days = pd.bdate_range("2024-01-01", periods=40)
    d = pd.Series(np.arange(40.0) + 1, index=days).drop(days[10:20])  # two weeks missing
    dc = _changes(d.to_frame("d"), np.array([False]), "daily")["d"]
    assert dc.notna().sum() == 40 - 10 - 2 and dc[days[20]] != dc[days[20]]  # NaN across the gap


def test_a_monthly_average_is_compared_with_the_others_average_over_the_month():
    rng = np.random.default_rng(5)
    spy = prices(rng.normal(0, 0.01, len(DAYS)))
    months = pd.date_range("2019-01-01", "2026-11-01", freq="MS")
    cpi = pd.Series(100 * np.cumprod(1 + rng.normal(0, 0.003, len(months))), index=months)
    items = [ScreenSeries("spy", spy, "daily", "pct"), ScreenSeries("cpi", cpi, "monthly", "pct", "average")]
    row = screen_pairs(items, recent=pd.DateOffset(years=1), long=LONG).table.iloc[0]
    assert row["frequency"] == "monthly"
    spy_avg = spy.resample("ME").mean().pct_change()
    cpi_m = cpi.resample("ME").last().pct_change()
    end = spy.index[-1]
    split = end - pd.DateOffset(years=1)
    keep = (spy_avg.index > split - LONG) & (spy_avg.index <= split)
    assert row["r_long"] == pytest.approx(spy_avg[keep].corr(cpi_m[keep]), abs=1e-12)


def test_the_spread_z_is_the_latest_gap_of_z_scored_levels_in_its_own_sds():
    rng = np.random.default_rng(7)
    items = [daily(0, rng.normal(0, 0.01, len(DAYS))), daily(1, rng.normal(0, 0.01, len(DAYS)))]
    row = screen_pairs(items, recent=RECENT, long=LONG).table.iloc[0]
    recent, long_rows = windows(DAYS)
    logs = np.log(pd.DataFrame({i.id: i.series for i in items}))[recent | long_rows]
    z = (logs - logs.mean()) / logs.std(ddof=0)
    gap = z["m0"] - z["m1"]
    assert row["spread_z"] == pytest.approx((gap.iloc[-1] - gap.mean()) / gap.std(ddof=0), rel=1e-9)


def test_ranking_corrects_exactly_the_kept_pairs():
    items, _ = planted(seed=2, breaks=2, others=8)
    table = screen_pairs(items, recent=RECENT, long=LONG).table
    ranked = rank_screen(table, keep=lambda t: t["a"] != "m0", min_points=10)
    kept = table[table["a"] != "m0"]
    _, q, _, _ = multipletests(kept["pvalue"], method="fdr_bh")
    assert len(ranked.table) == len(kept) == ranked.tested
    assert sorted(ranked.table["qvalue"]) == pytest.approx(sorted(q))
    assert ranked.table["pvalue"].is_monotonic_increasing
    assert ranked.discoveries == int((ranked.table["qvalue"] <= 0.05).sum())


def test_too_few_changes_in_a_window_gives_no_test():
    months = pd.date_range("2015-01-01", "2026-11-01", freq="MS")
    rng = np.random.default_rng(9)
    items = [
        ScreenSeries("a", pd.Series(100 + rng.normal(0, 1, len(months)).cumsum(), months), "monthly", "diff"),
        ScreenSeries("b", pd.Series(100 + rng.normal(0, 1, len(months)).cumsum(), months), "monthly", "diff"),
    ]
    row = screen_pairs(items, recent=RECENT, long=LONG).table.iloc[0]
    assert row["n_recent"] < 8 and np.isnan(row["r_recent"]) and np.isnan(row["pvalue"])
    assert rank_screen(pd.DataFrame([row]), min_points=1).tested == 0


# --------------------------------------------------------------------------- lead-lag shifts
@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), missing=st.floats(0, 0.3), max_lag=st.integers(1, 5))
def test_lagged_correlations_equal_pandas_shifted_pairwise_corr(seed, missing, max_lag):
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, (90, 3))
    y = np.column_stack([np.roll(x[:, 0], 2), rng.normal(0, 1, 90), x[:, 1]])
    x[rng.random(x.shape) < missing] = np.nan
    lags, r, n = lagged_correlations(x, y, max_lag)
    assert sorted(lags) == list(range(-max_lag, max_lag + 1)) and lags[0] == 0
    for index, k in enumerate(lags):
        for i in range(3):
            for j in range(3):
                pair = pd.DataFrame({"x": x[:, i], "y": pd.Series(y[:, j]).shift(-k)})
                expected = pair.corr(min_periods=8).loc["x", "y"]
                np.testing.assert_allclose(r[index, i, j], expected, atol=1e-10, equal_nan=True)
                assert n[index, i, j] == pair.dropna().shape[0]


def lead_planted(seed: int, lag: int = 3):
    """B follows A by `lag` days in the last 13 weeks and moves with it on the same day before."""
    rng = np.random.default_rng(seed)
    total = len(DAYS)
    recent, _ = windows(DAYS)
    a = rng.normal(0, 0.01, total)
    noise = rng.normal(0, 0.006, total)
    b = np.where(recent, np.roll(a, lag) + noise, a + noise)
    return [daily(0, a), daily(1, b)]


@pytest.mark.parametrize("seed", range(5))
def test_a_lead_planted_in_the_recent_window_is_found_and_flagged(seed):
    row = screen_pairs(lead_planted(seed), recent=RECENT, long=LONG).table.iloc[0]
    assert row["lead_recent"] == 3  # m0 (A) leads m1 (B) by 3 days
    assert row["lead_long"] == 0 and row["lead_r_long"] > 0.7  # together, before
    assert row["lead_shift"]
    swapped = screen_pairs(lead_planted(seed)[::-1], recent=RECENT, long=LONG).table.iloc[0]
    assert swapped["a"] == "m1" and swapped["lead_recent"] == -3


def test_the_screens_lead_is_the_pair_pages_lead_on_the_same_window():
    """Gap-free daily series: the screen's calendar is the pair's aligned dates, so the lag, its r
    and whether it is called are lead_lag's on the recent window, searched over the same lags."""
    for seed in range(6):
        items = lead_planted(seed, lag=seed % 3)
        row = screen_pairs(items, recent=RECENT, long=LONG).table.iloc[0]
        end = DAYS[-1]
        window = dates_text(end - RECENT + pd.Timedelta(days=1), end)
        aligned = align_pair(
            items[0].series, items[1].series, freq_a="daily", freq_b="daily", change_a="pct",
            change_b="pct", lookback=window,
        )  # fmt: skip
        ll = lead_lag(PairData.build(aligned), SCREEN_MAX_LAG["daily"])
        assert row["n_recent"] == ll.n
        assert row["lead_r_recent"] == pytest.approx(ll.correlation, abs=1e-10)
        expected = ll.best_lag if ll.significant_adjusted else None
        assert (None if np.isnan(row["lead_recent"]) else row["lead_recent"]) == expected


def test_independent_pairs_show_lead_shifts_about_as_often_as_the_stated_chance():
    """The flag is a screen: with no lead anywhere it still fires in about 1 pair in 10 (a call in
    either window), which is what the page says to expect."""
    searched, shifts, bound = 0, 0, 0.0
    for seed in range(10):
        items, _ = planted(seed, breaks=0, others=20)
        ranked = rank_screen(screen_pairs(items, recent=RECENT, long=LONG).table)
        searched += ranked.lead_searched
        shifts += ranked.lead_shifts
        bound += ranked.lead_shifts_by_chance
    assert searched == 1900
    # About the stated share (1 - 0.95^2, just under 10 %): within three binomial standard errors.
    rate = bound / searched
    assert abs(shifts / searched - rate) < 3 * np.sqrt(rate * (1 - rate) / searched)
