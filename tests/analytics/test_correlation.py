"""Correlation of levels and changes: equal to scipy's r, with Bartlett-adjusted uncertainty."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.tsa.stattools import acf

from convex.analytics.correlation import Z_95, correlation_pvalue
from convex.analytics.pair_data import (
    MIN_OBSERVATIONS,
    autocorrelation_lags,
    autocorrelations,
    bartlett_factor,
)
from convex.analytics.pair_stats import DEFAULT_ROLLING_WINDOW, pair_statistics
from tests.analytics.pairs import ar1, autocorrelated_prices, correlated_prices, daily_pair, walks
from tests.analytics.synthetic import business_days, cointegrated_pair, price_walk


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(min_value=MIN_OBSERVATIONS + 1, max_value=600),
    seed=st.integers(min_value=0, max_value=2**20),
    rho=st.floats(min_value=-0.99, max_value=0.99),
)
def test_correlations_equal_scipy_and_uncertainty_uses_the_bartlett_effective_size(n, seed, rho):
    a, b = correlated_prices(n, seed, rho)
    aligned = daily_pair(a, b)
    c = pair_statistics(aligned).correlation
    changes = aligned.frame[["a_chg", "b_chg"]].dropna().to_numpy()
    x, y = changes[:, 0], changes[:, 1]
    assert c.levels == pytest.approx(
        stats.pearsonr(aligned.frame["a"], aligned.frame["b"]).statistic, abs=1e-12
    )
    assert c.changes == pytest.approx(stats.pearsonr(x, y).statistic, abs=1e-12)
    assert c.changes_spearman == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)
    lags = autocorrelation_lags(len(x))
    factor = max(1.0, 1 + 2 * float(acf(x, nlags=lags, fft=False)[1:] @ acf(y, nlags=lags, fft=False)[1:]))
    n_eff = len(x) / factor
    assert c.autocorrelation_lags == lags
    assert c.n_changes_effective == pytest.approx(max(n_eff, 4.0), rel=1e-10)
    t = c.changes * math.sqrt((n_eff - 2) / (1 - c.changes**2))
    assert c.changes_pvalue == pytest.approx(2 * stats.t.sf(abs(t), n_eff - 2), rel=1e-6, abs=1e-300)
    z, half = math.atanh(c.changes), Z_95 / math.sqrt(n_eff - 3)
    assert (c.changes_ci_low, c.changes_ci_high) == pytest.approx((math.tanh(z - half), math.tanh(z + half)))
    assert c.n_levels == n and c.n_changes == n - 1


def test_autocorrelations_equal_statsmodels_acf():
    x = np.cumsum(np.random.default_rng(1).normal(size=300))
    np.testing.assert_allclose(autocorrelations(x, 10), acf(x, nlags=10, fft=False)[1:], rtol=1e-12)
    assert autocorrelation_lags(100) == 4 and autocorrelation_lags(6300) == 10


def test_the_factor_never_narrows_an_interval_and_white_noise_keeps_the_textbook_one():
    rng = np.random.default_rng(3)
    positive, negative = ar1(2000, 0.5, rng), ar1(2000, -0.5, rng)
    assert bartlett_factor(positive, negative, 8) == 1.0  # 1 + 2 sum < 1, floored
    assert bartlett_factor(positive, positive, 8) > 1.5
    # Changes with (almost) no autocorrelation: p and interval are about scipy's pearsonr.
    a, b = correlated_prices(2000, 3, 0.3)
    c = pair_statistics(daily_pair(a, b)).correlation
    changes = daily_pair(a, b).frame[["a_chg", "b_chg"]].dropna().to_numpy()
    naive = stats.pearsonr(changes[:, 0], changes[:, 1])
    assert c.n_changes_effective == pytest.approx(c.n_changes, rel=0.05)
    assert c.changes_ci_low == pytest.approx(naive.confidence_interval().low, abs=0.005)


def test_adjusted_intervals_keep_their_coverage_where_independent_ones_do_not():
    """Two independent series of AR(1) changes (phi 0.6): the naive 95 % test of r = 0 rejects far
    more than 5 % of the time; the Bartlett-adjusted one stays near 5 %."""
    naive = adjusted = 0
    runs = 200
    for seed in range(runs):
        a, b = autocorrelated_prices(300, seed, phi=0.6)
        c = pair_statistics(daily_pair(a, b)).correlation
        naive += correlation_pvalue(c.changes, c.n_changes) < 0.05
        adjusted += c.changes_pvalue < 0.05
    assert naive / runs > 0.12
    assert adjusted / runs < 0.09


def test_levels_of_random_walks_get_no_interval_and_stationary_levels_an_adjusted_one():
    c = pair_statistics(daily_pair(*walks(800, 2))).correlation
    assert c.levels is not None and c.levels_pvalue is None and c.levels_ci_low is None
    assert "unit root" in c.levels_interval_note
    # Stationary "levels": prices whose log is an AR(1) around a constant.
    days = business_days("2001-01-02", 800)
    rng = np.random.default_rng(4)
    a = pd.Series(100 * np.exp(ar1(800, 0.5, rng)), index=days)
    b = pd.Series(50 * np.exp(ar1(800, 0.5, rng)), index=days)
    s = pair_statistics(daily_pair(a, b))
    assert s.unit_roots.level_a.stationary and s.unit_roots.level_b.stationary
    assert s.correlation.levels_pvalue is not None and s.correlation.levels_interval_note is None
    assert s.correlation.levels_possibly_spurious is False


def test_independent_random_walks_get_the_spurious_flag():
    flags = [pair_statistics(daily_pair(*walks(1500, seed))).correlation.levels_possibly_spurious
             for seed in range(10)]  # fmt: skip
    assert sum(flags) >= 8


def test_a_stationary_series_against_a_trending_one_is_flagged():
    # The spurious-levels warning needs only one unit root (a trend against noise correlates
    # by accident just as well).
    days = business_days("2001-01-02", 1500)
    stationary = pd.Series(100 * np.exp(ar1(1500, 0.5, np.random.default_rng(5))), index=days)
    trending = price_walk(days, seed=6, vol=0.01)
    s = pair_statistics(daily_pair(stationary, trending))
    assert s.unit_roots.level_a.stationary and not s.unit_roots.level_b.stationary
    assert s.correlation.levels_possibly_spurious is True
    assert s.cointegration.verdict == "not_applicable"


def test_a_constructed_cointegrated_pair_is_not_flagged():
    for seed in range(3):
        s = pair_statistics(daily_pair(*cointegrated_pair(1500, seed=seed)))
        assert s.cointegration.cointegrated is True
        assert s.correlation.levels_possibly_spurious is False


def test_rolling_correlation_equals_pandas_and_defaults_per_frequency():
    a, b = correlated_prices(500, 8, 0.3)
    aligned = daily_pair(a, b)
    rc = pair_statistics(aligned).rolling_correlation
    assert rc.window == DEFAULT_ROLLING_WINDOW["daily"] == 63
    expected = aligned.frame["a_chg"].rolling(63).corr(aligned.frame["b_chg"])
    np.testing.assert_allclose(rc.series.to_numpy(), expected.to_numpy(), rtol=1e-9)
    assert rc.latest == pytest.approx(expected.iloc[-1])
    assert rc.min == pytest.approx(expected.min()) and rc.max == pytest.approx(expected.max())
    assert DEFAULT_ROLLING_WINDOW == {"daily": 63, "weekly": 26, "monthly": 12, "quarterly": 8}
