"""Lead-lag: planted lags found with the right sign, and bands that allow for autocorrelation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from convex.analytics.align import align_pair
from convex.analytics.pair_data import MIN_OBSERVATIONS
from convex.analytics.pair_stats import DEFAULT_MAX_LAG, pair_statistics
from tests.analytics.pairs import autocorrelated_prices, daily_pair, walks
from tests.analytics.synthetic import business_days, lead_lag_pair, returns_to_prices, wednesdays


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lag=st.integers(min_value=-8, max_value=8),
    sign=st.sampled_from([1.0, -1.0]),
    seed=st.integers(min_value=0, max_value=2**20),
)
def test_a_planted_lag_is_found_with_the_right_sign_convention(lag, sign, seed):
    a, b = lead_lag_pair(400, lag, seed=seed, sign=sign)
    ll = pair_statistics(daily_pair(a, b), max_lag=10).lead_lag
    assert ll.best_lag == lag  # A leads B by k  <=>  best_lag == +k
    assert math.copysign(1.0, ll.correlation) == sign
    assert ll.significant is True and ll.significant_adjusted is True
    scale = math.sqrt(ll.autocorrelation_factor / ll.n)
    assert ll.band == pytest.approx(1.959963984540054 * scale)
    assert ll.band_adjusted == pytest.approx(stats.norm.ppf(1 - 0.05 / 2 / len(ll.lags)) * scale)


def test_searching_many_lags_of_autocorrelated_noise_rarely_claims_a_lead():
    """Independent series whose changes are AR(1) (phi 0.5): the plain 1.96/sqrt(n) band, widened
    for the search, would still call leads far too often; Bartlett's band holds."""
    plain, adjusted = 0, 0
    for seed in range(60):
        a, b = autocorrelated_prices(500, seed, phi=0.5)
        ll = pair_statistics(daily_pair(a, b), max_lag=20).lead_lag
        plain_band = stats.norm.ppf(1 - 0.05 / 2 / len(ll.lags)) / math.sqrt(ll.n)
        plain += abs(ll.correlation) > plain_band
        adjusted += bool(ll.significant_adjusted)
    assert plain >= 8
    assert adjusted <= 6  # about 5 % expected: 3 of 60


def test_every_lag_correlation_equals_pandas_shifted_corr():
    a, b = lead_lag_pair(300, 3, seed=11, strength=0.5)
    aligned = daily_pair(a, b)
    ll = pair_statistics(aligned, max_lag=7).lead_lag
    a_chg, b_chg = aligned.frame["a_chg"], aligned.frame["b_chg"]
    assert ll.lags == tuple(range(-7, 8))
    for k, r, pairs in zip(ll.lags, ll.correlations, ll.n_pairs, strict=True):
        shifted = b_chg.shift(-k)  # corr(A[t], B[t+k]): shift B back by k
        assert r == pytest.approx(a_chg.corr(shifted), abs=1e-12)
        assert pairs == int((a_chg.notna() & shifted.notna()).sum())
    assert ll.best_lag == 3


def test_lead_lag_on_a_weekly_alignment_counts_in_weeks():
    days = pd.bdate_range("2005-01-03", "2015-12-31")
    rng = np.random.default_rng(2)
    weeks = wednesdays("2005-01-05", "2015-12-30")
    weekly_returns = rng.normal(0, 0.02, len(weeks))
    walcl = returns_to_prices(weekly_returns, weeks, start=1e6)
    tlt_weekly = np.r_[0, 0, 0.9 * weekly_returns[:-2]] + rng.normal(0, 0.005, len(weeks))
    tlt = returns_to_prices(tlt_weekly, weeks, start=90.0).reindex(days, method="ffill").dropna()
    s = pair_statistics(
        align_pair(walcl, tlt, freq_a="weekly", freq_b="daily", change_a="pct", change_b="pct")
    )
    assert s.max_lag == DEFAULT_MAX_LAG["weekly"]
    assert s.lead_lag.best_lag == 2


def test_lead_lag_max_lag_is_capped_by_data_length():
    ll = pair_statistics(daily_pair(*walks(60, 1)), max_lag=50).lead_lag
    assert ll.max_lag == 59 // 4
    assert min(ll.n_pairs) >= MIN_OBSERVATIONS


def test_noise_band_of_white_noise_is_the_textbook_one():
    rng = np.random.default_rng(9)
    days = business_days("2001-01-02", 2000)
    a, b = (
        returns_to_prices(rng.normal(0, 0.01, 2000), days),
        returns_to_prices(rng.normal(0, 0.01, 2000), days),
    )
    ll = pair_statistics(daily_pair(a, b)).lead_lag
    assert ll.band == pytest.approx(1.96 / math.sqrt(ll.n), rel=0.05)
