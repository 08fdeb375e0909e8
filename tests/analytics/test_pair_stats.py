from __future__ import annotations

import contextlib
import io
import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.regression.rolling import RollingOLS
from statsmodels.tsa.stattools import adfuller, coint, grangercausalitytests

from convex.analytics import econometrics
from convex.analytics.align import align_pair
from convex.analytics.pair_stats import (
    COMOVEMENT_STATES,
    DEFAULT_MAX_LAG,
    DEFAULT_REGIME_WINDOW,
    DEFAULT_ROLLING_WINDOW,
    MIN_OBSERVATIONS,
    pair_statistics,
)
from tests.analytics.synthetic import (
    business_days,
    cointegrated_pair,
    lead_lag_pair,
    level_walk,
    price_walk,
    returns_to_prices,
    wednesdays,
)


def daily_pair(a: pd.Series, b: pd.Series, *, change_a="pct", change_b="pct", lookback="Max", **names):
    return align_pair(
        a, b, freq_a="daily", freq_b="daily", change_a=change_a, change_b=change_b, lookback=lookback, **names
    )


def walks(n: int, seed: int):
    days = business_days("2001-01-02", n)
    return price_walk(days, seed=seed), price_walk(days, seed=seed + 1000)


def correlated_prices(n: int, seed: int, rho: float):
    days = business_days("2001-01-02", n)
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 0.01, n)
    y = rho * x + math.sqrt(max(0.0, 1 - rho * rho)) * rng.normal(0, 0.01, n)
    return returns_to_prices(x, days), returns_to_prices(y, days, start=40.0)


def assert_json(stats_result) -> dict:
    out = stats_result.to_dict()
    json.dumps(out, allow_nan=False)
    json.dumps(stats_result.to_dict(include_series=True), allow_nan=False)
    return out


# --------------------------------------------------------------------------- correlation


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(min_value=MIN_OBSERVATIONS + 1, max_value=600),
    seed=st.integers(min_value=0, max_value=2**20),
    rho=st.floats(min_value=-0.99, max_value=0.99),
)
def test_correlations_equal_scipy(n, seed, rho):
    a, b = correlated_prices(n, seed, rho)
    aligned = daily_pair(a, b)
    c = pair_statistics(aligned).correlation
    frame = aligned.frame
    levels = stats.pearsonr(frame["a"], frame["b"])
    levels_ci = levels.confidence_interval(0.95)
    changes_frame = frame[["a_chg", "b_chg"]].dropna()
    changes = stats.pearsonr(changes_frame["a_chg"], changes_frame["b_chg"])
    changes_ci = changes.confidence_interval(0.95)
    spearman = stats.spearmanr(changes_frame["a_chg"], changes_frame["b_chg"])

    assert c.levels == pytest.approx(levels.statistic, abs=1e-12)
    assert c.levels_pvalue == pytest.approx(levels.pvalue, rel=1e-8, abs=1e-300)
    assert (c.levels_ci_low, c.levels_ci_high) == pytest.approx((levels_ci.low, levels_ci.high), abs=1e-10)
    assert c.changes == pytest.approx(changes.statistic, abs=1e-12)
    assert c.changes_pvalue == pytest.approx(changes.pvalue, rel=1e-8, abs=1e-300)
    assert (c.changes_ci_low, c.changes_ci_high) == pytest.approx(
        (changes_ci.low, changes_ci.high), abs=1e-10
    )
    assert c.changes_spearman == pytest.approx(spearman.statistic, abs=1e-12)
    assert c.changes_spearman_pvalue == pytest.approx(spearman.pvalue, rel=1e-8, abs=1e-300)
    assert c.n_levels == n and c.n_changes == n - 1


def test_fisher_interval_is_the_textbook_formula():
    a, b = correlated_prices(400, 3, 0.4)
    c = pair_statistics(daily_pair(a, b)).correlation
    z, half = np.arctanh(c.changes), 1.959963984540054 / math.sqrt(c.n_changes - 3)
    assert c.changes_ci_low == pytest.approx(math.tanh(z - half), abs=1e-12)
    assert c.changes_ci_high == pytest.approx(math.tanh(z + half), abs=1e-12)
    assert c.changes_ci_low < c.changes < c.changes_ci_high


def test_a_series_against_itself_correlates_one_everywhere():
    a = price_walk(business_days("2001-01-02", 500), seed=3)
    s = pair_statistics(daily_pair(a, a.copy()))
    assert s.correlation.levels == pytest.approx(1.0, abs=1e-12)
    assert s.correlation.changes == pytest.approx(1.0, abs=1e-12)
    assert s.correlation.changes_spearman == pytest.approx(1.0, abs=1e-12)
    assert s.lead_lag.best_lag == 0
    assert s.lead_lag.correlation == pytest.approx(1.0, abs=1e-12)
    assert s.regression.beta == pytest.approx(1.0)
    assert s.regression.r2 == pytest.approx(1.0)
    assert s.regression.hedge_effectiveness == pytest.approx(1.0)
    assert s.cointegration.pvalue == 0.0 and s.cointegration.cointegrated is True
    assert s.correlation.levels_possibly_spurious is False
    assert s.comovement.a_up_b_down == 0.0 and s.comovement.a_down_b_up == 0.0
    assert s.granger.a_to_b.insufficient is not None  # A's lags are B's lags: no test, a reason
    assert_json(s)


def test_unit_root_and_cointegration_p_values_equal_statsmodels_on_logs():
    a, b = walks(800, 7)
    aligned = daily_pair(a, b)
    s = pair_statistics(aligned)
    log_a, log_b = np.log(aligned.frame["a"].to_numpy()), np.log(aligned.frame["b"].to_numpy())
    lag = econometrics.schwert_lag(len(log_a))
    assert s.correlation.adf_lag == lag == s.cointegration.lag
    assert s.correlation.unit_root_input_a == "log" == s.cointegration.input_b
    assert s.correlation.adf_pvalue_a == pytest.approx(
        adfuller(log_a, maxlag=lag, autolag=None, result_object=False)[1], rel=1e-6
    )
    assert s.correlation.adf_pvalue_b == pytest.approx(
        adfuller(log_b, maxlag=lag, autolag=None, result_object=False)[1], rel=1e-6
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a_on_b = coint(log_a, log_b, maxlag=lag, autolag=None)
        b_on_a = coint(log_b, log_a, maxlag=lag, autolag=None)
    assert s.cointegration.pvalue_a_on_b == pytest.approx(a_on_b[1], rel=1e-6)
    assert s.cointegration.pvalue_b_on_a == pytest.approx(b_on_a[1], rel=1e-6)
    assert s.cointegration.statistic_a_on_b == pytest.approx(a_on_b[0], rel=1e-7)
    assert s.cointegration.pvalue == min(s.cointegration.pvalue_a_on_b, s.cointegration.pvalue_b_on_a)
    assert s.cointegration.critical_value_5pct == pytest.approx(a_on_b[2][1])


def test_diff_metrics_and_non_positive_prices_are_tested_on_raw_levels():
    days = business_days("2001-01-02", 300)
    rate = level_walk(days, seed=1, start=0.5, step=0.05)  # crosses zero
    price = price_walk(days, seed=2)
    s = pair_statistics(daily_pair(rate, price, change_a="diff"))
    assert s.correlation.unit_root_input_a == "level"
    assert s.correlation.unit_root_input_b == "log"
    oil = price - 90.0  # a "pct" series that goes negative
    s2 = pair_statistics(daily_pair(oil, price))
    assert s2.cointegration.input_a == "level"


def test_independent_random_walks_get_the_spurious_flag():
    flags = []
    for seed in range(10):
        s = pair_statistics(daily_pair(*walks(1500, seed)))
        c = s.correlation
        expected = c.adf_pvalue_a > 0.05 and c.adf_pvalue_b > 0.05 and s.cointegration.pvalue > 0.05
        assert c.levels_possibly_spurious is expected
        flags.append(c.levels_possibly_spurious)
    # Each test has a 5 % size; at least 8 of 10 independent pairs must be flagged.
    assert sum(flags) >= 8


def test_a_constructed_cointegrated_pair_is_found_cointegrated_and_not_flagged():
    for seed in range(3):
        a, b = cointegrated_pair(1500, seed=seed)
        s = pair_statistics(daily_pair(a, b))
        assert s.cointegration.pvalue < 0.05
        assert s.cointegration.cointegrated is True
        assert s.correlation.levels_possibly_spurious is False


# --------------------------------------------------------------------------- lead-lag


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
    assert ll.band == pytest.approx(1.959963984540054 / math.sqrt(ll.n))
    z_adjusted = stats.norm.ppf(1 - 0.05 / 2 / len(ll.lags))
    assert ll.band_adjusted == pytest.approx(z_adjusted / math.sqrt(ll.n))


def test_searching_many_lags_of_noise_rarely_claims_a_lead():
    """Independent returns: the best of 41 lags often clears the single-lag band by chance, but
    the band widened for the search holds about 95% of the time."""
    single, adjusted = 0, 0
    for seed in range(60):
        rng = np.random.default_rng(seed)
        index = business_days("2010-01-04", 500)
        a = returns_to_prices(rng.normal(0, 0.01, 500), index)
        b = returns_to_prices(rng.normal(0, 0.01, 500), index, start=50.0)
        ll = pair_statistics(daily_pair(a, b), max_lag=20).lead_lag
        single += bool(ll.significant)
        adjusted += bool(ll.significant_adjusted)
    assert single >= 20  # most searches find some lag outside 1.96/sqrt(n)
    assert adjusted <= 8  # about 5% expected: 3 of 60


def test_every_lag_correlation_equals_pandas_shifted_corr():
    a, b = lead_lag_pair(300, 3, seed=11, strength=0.5)
    aligned = daily_pair(a, b)
    ll = pair_statistics(aligned, max_lag=7).lead_lag
    a_chg, b_chg = aligned.frame["a_chg"], aligned.frame["b_chg"]
    assert ll.lags == tuple(range(-7, 8))
    for k, r, pairs in zip(ll.lags, ll.correlations, ll.n_pairs, strict=True):
        # corr(A[t], B[t+k]): shift B back by k.
        shifted = b_chg.shift(-k)
        assert r == pytest.approx(a_chg.corr(shifted), abs=1e-12)
        assert pairs == int((a_chg.notna() & shifted.notna()).sum())
    assert ll.best_lag == 3


def test_lead_lag_on_a_weekly_alignment_counts_in_weeks():
    days = pd.bdate_range("2005-01-03", "2015-12-31")
    rng = np.random.default_rng(2)
    weeks = wednesdays("2005-01-05", "2015-12-30")
    weekly_returns = rng.normal(0, 0.02, len(weeks))
    walcl = returns_to_prices(weekly_returns, weeks, start=1e6)
    # TLT's weekly return follows WALCL's with a 2-week delay.
    tlt_weekly = np.r_[0, 0, 0.9 * weekly_returns[:-2]] + rng.normal(0, 0.005, len(weeks))
    tlt_at_wednesdays = returns_to_prices(tlt_weekly, weeks, start=90.0)
    tlt = tlt_at_wednesdays.reindex(days, method="ffill").dropna()
    aligned = align_pair(walcl, tlt, freq_a="weekly", freq_b="daily", change_a="pct", change_b="pct")
    s = pair_statistics(aligned)
    assert s.max_lag == DEFAULT_MAX_LAG["weekly"]
    assert s.lead_lag.best_lag == 2


def test_lead_lag_max_lag_is_capped_by_data_length():
    a, b = walks(60, 1)
    ll = pair_statistics(daily_pair(a, b), max_lag=50).lead_lag
    assert ll.max_lag == 59 // 4
    assert min(ll.n_pairs) >= MIN_OBSERVATIONS


# --------------------------------------------------------------------------- Granger


def test_granger_in_pair_statistics_equals_statsmodels_smallest_p_value_both_ways():
    a, b = lead_lag_pair(600, 2, seed=5, strength=0.3)
    aligned = daily_pair(a, b)
    g = pair_statistics(aligned, max_lag=6).granger
    changes = aligned.frame[["a_chg", "b_chg"]].dropna().to_numpy()

    def smallest(effect_first: np.ndarray) -> tuple[float, int]:
        with contextlib.redirect_stdout(io.StringIO()):
            result = grangercausalitytests(effect_first, 6)
        pvalues = {lag: result[lag][0]["ssr_ftest"][1] for lag in result}
        best = min(pvalues, key=pvalues.get)
        return pvalues[best], best

    p_ab, lag_ab = smallest(changes[:, [1, 0]])  # does A cause B: B first
    p_ba, lag_ba = smallest(changes[:, [0, 1]])
    assert g.a_to_b.pvalue == pytest.approx(p_ab, rel=1e-6, abs=1e-300)
    assert g.a_to_b.lag == lag_ab
    assert g.b_to_a.pvalue == pytest.approx(p_ba, rel=1e-6)
    assert g.b_to_a.lag == lag_ba
    assert g.a_to_b.significant is True
    assert g.a_to_b.pvalue_bonferroni == pytest.approx(min(1.0, 6 * p_ab))
    assert g.a_to_b.cause == "A" and g.a_to_b.effect == "B"


def test_granger_skips_a_gap_in_changes_by_using_the_unbroken_tail():
    days = business_days("2001-01-02", 200)
    a, b = price_walk(days, seed=1), price_walk(days, seed=2)
    a.iloc[50] = -1.0  # two undefined pct changes (into and out of a non-positive level)
    aligned = daily_pair(a, b)
    g = pair_statistics(aligned, max_lag=3).granger
    assert g.n == 200 - 52
    assert g.a_to_b.pvalue is not None


# --------------------------------------------------------------------------- regression


def test_regression_equals_statsmodels_ols_and_hedge_effectiveness_is_variance_removed():
    a, b = correlated_prices(700, 9, -0.6)
    aligned = daily_pair(a, b)
    reg = pair_statistics(aligned).regression
    changes = aligned.frame[["a_chg", "b_chg"]].dropna()
    fit = sm.OLS(changes["b_chg"].to_numpy(), sm.add_constant(changes["a_chg"].to_numpy())).fit()
    assert reg.beta == pytest.approx(fit.params[1], rel=1e-10)
    assert reg.alpha == pytest.approx(fit.params[0], rel=1e-8, abs=1e-15)
    assert reg.r2 == pytest.approx(fit.rsquared, rel=1e-10)
    assert reg.beta_stderr == pytest.approx(fit.bse[1], rel=1e-10)
    assert reg.n == len(changes)
    hedged = changes["b_chg"] - reg.beta * changes["a_chg"]
    assert reg.hedge_effectiveness == pytest.approx(1 - hedged.var() / changes["b_chg"].var(), rel=1e-10)
    assert reg.hedge_effectiveness == pytest.approx(reg.r2, rel=1e-10)
    assert reg.beta < 0


def test_rolling_beta_equals_statsmodels_rolling_ols_and_warms_up_before_the_window():
    a, b = correlated_prices(900, 4, 0.5)
    aligned = daily_pair(a, b, lookback="1Y")
    reg = pair_statistics(aligned, rolling_window=40).regression
    history = aligned.history[["a_chg", "b_chg"]].iloc[1:]
    expected = (
        RollingOLS(history["b_chg"], sm.add_constant(history["a_chg"]), window=40).fit().params["a_chg"]
    )
    expected = expected.reindex(aligned.frame.index)
    assert list(reg.rolling_beta.index) == list(aligned.frame.index)
    np.testing.assert_allclose(reg.rolling_beta.to_numpy(), expected.to_numpy(), rtol=1e-9)
    assert reg.rolling_beta.notna().all()  # the warm-up came from before the lookback
    assert reg.rolling_beta_latest == pytest.approx(expected.iloc[-1])


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


# --------------------------------------------------------------------------- co-movement


@settings(max_examples=30, deadline=None)
@given(
    signs_a=st.lists(st.sampled_from([-1, 0, 1]), min_size=1, max_size=120),
    seed=st.integers(min_value=0, max_value=2**16),
)
def test_comovement_shares_sum_to_one_and_match_a_plain_count(signs_a, seed):
    n = len(signs_a) + 1
    rng = np.random.default_rng(seed)
    signs_b = rng.choice([-1, 0, 1], size=n - 1)
    days = business_days("2020-01-01", n)
    a = pd.Series(np.r_[0, np.cumsum(signs_a)].astype(float), index=days)
    b = pd.Series(np.r_[0, np.cumsum(signs_b)].astype(float), index=days)
    cm = pair_statistics(daily_pair(a, b, change_a="diff", change_b="diff")).comovement
    moving = [(sa, sb) for sa, sb in zip(signs_a, signs_b, strict=True) if sa and sb]
    assert cm.n == n - 1
    assert cm.n_moving == len(moving)
    assert cm.n_flat == n - 1 - len(moving)
    if len(moving) < MIN_OBSERVATIONS:
        assert cm.insufficient is not None and cm.both_up is None
    else:
        shares = (cm.both_up, cm.both_down, cm.a_up_b_down, cm.a_down_b_up)
        assert sum(shares) == pytest.approx(1.0)
        assert cm.both_up == pytest.approx(moving.count((1, 1)) / len(moving))
        assert cm.a_up_b_down == pytest.approx(moving.count((1, -1)) / len(moving))
        a_up = [m for m in moving if m[0] == 1]
        if a_up:
            assert cm.b_down_when_a_up == pytest.approx(sum(m[1] == -1 for m in a_up) / len(a_up))
    # The current run, counted by hand from the end.
    states = [
        {(1, 1): "both_up", (-1, -1): "both_down", (1, -1): "a_up_b_down", (-1, 1): "a_down_b_up"}.get(
            (sa, sb), "flat"
        )
        for sa, sb in zip(signs_a, signs_b, strict=True)
    ]
    run = 1
    while run < len(states) and states[-run - 1] == states[-1]:
        run += 1
    assert cm.current_state == states[-1] and cm.current_state in COMOVEMENT_STATES
    assert cm.current_run == run
    assert cm.current_run_since == days[n - run]


def test_walcl_expands_while_tlt_falls_is_said_with_numbers():
    weeks = wednesdays("2018-01-03", "2019-12-25")
    n = len(weeks)
    rng = np.random.default_rng(1)
    walcl_returns = rng.normal(0, 0.01, n)
    tlt_returns = rng.normal(0, 0.01, n)
    walcl_returns[-6:] = 0.004  # six weeks of balance-sheet growth ...
    tlt_returns[-6:] = -0.01  # ... while bonds fall
    walcl = returns_to_prices(walcl_returns, weeks, start=4e6)
    tlt = returns_to_prices(tlt_returns, weeks, start=120.0).reindex(
        pd.bdate_range(weeks[0], weeks[-1]), method="ffill"
    )
    aligned = align_pair(walcl, tlt, freq_a="weekly", freq_b="daily", change_a="pct", change_b="pct",
                         name_a="WALCL", name_b="TLT")  # fmt: skip
    cm = pair_statistics(aligned).comovement
    assert cm.current_state == "a_up_b_down"
    assert cm.current_run >= 6
    assert cm.current_run_since <= weeks[-6]
    assert 0 <= cm.b_down_when_a_up <= 1
    out = cm.to_dict()
    for key in ("both_up", "both_down", "a_up_b_down", "a_down_b_up", "current_state", "current_run"):
        assert key in out


def test_comovement_change_over_window_starts_from_the_level_before_the_first_change():
    days = business_days("2015-01-01", 600)
    a, b = price_walk(days, seed=1), level_walk(days, seed=2, start=3.0, step=0.02)
    aligned = daily_pair(a, b, change_b="diff", lookback="1Y")
    cm = pair_statistics(aligned).comovement
    first = aligned.frame.index[0]
    before = aligned.history.index[aligned.history.index.get_loc(first) - 1]
    assert cm.a_change_over_window == pytest.approx(a.iloc[-1] / a[before] - 1)
    assert cm.b_change_over_window == pytest.approx(b.iloc[-1] - b[before])


# --------------------------------------------------------------------------- regimes


def test_regime_counts_add_up_and_correlations_match_a_plain_split():
    a, b = correlated_prices(800, 12, 0.4)
    aligned = daily_pair(a, b, lookback="1Y")
    window = 20
    rg = pair_statistics(aligned, regime_window=window).regimes
    history = aligned.history
    trailing = np.sign(history["a"] - history["a"].shift(window)).reindex(aligned.frame.index)
    changes = aligned.frame[["a_chg", "b_chg"]].dropna()
    labels = trailing.reindex(changes.index)
    assert rg.expanding.n + rg.contracting.n + rg.n_unclassified == rg.n == len(changes)
    for result, label in ((rg.expanding, 1.0), (rg.contracting, -1.0)):
        rows = changes[labels == label]
        assert result.n == len(rows)
        if result.n >= MIN_OBSERVATIONS:
            assert result.correlation == pytest.approx(rows["a_chg"].corr(rows["b_chg"]), abs=1e-12)
            assert result.mean_b_change == pytest.approx(rows["b_chg"].mean())
        else:
            assert result.correlation is None and result.insufficient
    assert rg.n_unclassified == 0  # the window's rows all have a trailing history
    expected_now = "expanding" if trailing.iloc[-1] > 0 else "contracting"
    assert rg.current_regime == expected_now


def test_regimes_separate_qe_and_qt_correlations():
    # B moves with A while A expands, against it while A contracts.
    days = business_days("2001-01-02", 1200)
    rng = np.random.default_rng(3)
    drift = np.where((np.arange(1200) // 200) % 2 == 0, 0.004, -0.004)
    a_returns = drift + rng.normal(0, 0.002, 1200)
    shock = a_returns - drift
    b_returns = np.where(drift > 0, 1.0, -1.0) * shock + rng.normal(0, 0.001, 1200)
    aligned = daily_pair(returns_to_prices(a_returns, days), returns_to_prices(b_returns, days))
    rg = pair_statistics(aligned, regime_window=20).regimes
    assert rg.expanding.correlation > 0.5
    assert rg.contracting.correlation < -0.5
    assert DEFAULT_REGIME_WINDOW["weekly"] == 13


# --------------------------------------------------------------------------- insufficient data


def all_reasons(s) -> dict[str, str | None]:
    return {
        "correlation": s.correlation.insufficient,
        "changes": s.correlation.changes_insufficient,
        "rolling": s.rolling_correlation.insufficient,
        "lead_lag": s.lead_lag.insufficient,
        "granger_ab": s.granger.a_to_b.insufficient,
        "granger_ba": s.granger.b_to_a.insufficient,
        "regression": s.regression.insufficient,
        "cointegration": s.cointegration.insufficient,
        "comovement": s.comovement.insufficient,
        "expanding": s.regimes.expanding.insufficient,
    }


@pytest.mark.parametrize("n", [0, 1, 2, 5, 19])
def test_fewer_than_twenty_points_gives_insufficient_data_not_numbers(n):
    days = business_days("2020-01-01", max(n, 1))[:n]
    a, b = price_walk(days, seed=1), price_walk(days, seed=2)
    s = pair_statistics(daily_pair(a, b))
    reasons = all_reasons(s)
    assert all(reason and "insufficient data" in reason for reason in reasons.values()), reasons
    assert s.correlation.levels is None and s.correlation.changes is None
    assert s.lead_lag.best_lag is None and s.regression.beta is None
    assert s.cointegration.pvalue is None and s.granger.a_to_b.pvalue is None
    assert s.correlation.levels_possibly_spurious is None
    assert_json(s)


def test_twenty_points_is_enough_for_a_levels_correlation():
    days = business_days("2020-01-01", 20)
    s = pair_statistics(daily_pair(price_walk(days, seed=1), price_walk(days, seed=2)))
    assert s.correlation.levels is not None
    assert s.correlation.changes is None  # 19 changes


def test_a_constant_series_gives_reasons_not_exceptions():
    days = business_days("2020-01-01", 300)
    a = price_walk(days, seed=1)
    flat = pd.Series(5.0, index=days)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning from a 0/0 either
        s = pair_statistics(daily_pair(a, flat, change_b="diff"))
    assert s.correlation.levels is None and "all equal" in s.correlation.insufficient
    assert "all equal" in s.correlation.changes_insufficient
    assert s.regression.beta is None and s.regression.insufficient
    assert s.cointegration.pvalue is None and s.cointegration.insufficient
    assert s.granger.a_to_b.pvalue is None and s.granger.a_to_b.insufficient
    assert s.lead_lag.best_lag is None and s.lead_lag.insufficient
    assert s.comovement.n_flat == 299 and s.comovement.insufficient
    assert s.comovement.current_state == "flat"
    assert_json(s)


def test_all_zero_changes_in_both_series_give_reasons():
    days = business_days("2020-01-01", 100)
    s = pair_statistics(daily_pair(pd.Series(1.0, index=days), pd.Series(2.0, index=days)))
    reasons = all_reasons(s)
    assert all(reasons.values()), reasons
    assert_json(s)


def test_nans_in_the_input_are_dropped_before_alignment():
    days = business_days("2020-01-01", 300)
    a, b = price_walk(days, seed=1), price_walk(days, seed=2)
    a_holes = a.copy()
    a_holes.iloc[::7] = np.nan
    s = pair_statistics(daily_pair(a_holes, b))
    assert s.n == 300 - len(a.iloc[::7])
    assert s.correlation.changes is not None
    assert_json(s)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values_a=st.lists(st.one_of(st.floats(-1e6, 1e6), st.just(0.0), st.just(float("nan"))), max_size=80),
    values_b=st.lists(st.one_of(st.floats(-1e3, 1e3), st.just(1.0)), max_size=80),
    change_a=st.sampled_from(["pct", "diff"]),
    change_b=st.sampled_from(["pct", "diff"]),
    lookback=st.sampled_from(["90D", "1Y", "Max"]),
)
def test_any_input_gives_results_or_reasons_never_an_exception(
    values_a, values_b, change_a, change_b, lookback
):
    a = pd.Series(values_a, index=business_days("2020-01-01", len(values_a)), dtype=float)
    b = pd.Series(values_b, index=business_days("2020-01-01", len(values_b)), dtype=float)
    aligned = daily_pair(a, b, change_a=change_a, change_b=change_b, lookback=lookback)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        s = pair_statistics(aligned)
    out = assert_json(s)
    for name, reason in all_reasons(s).items():
        assert reason is None or isinstance(reason, str), name
    assert out["comovement"]["n"] == s.comovement.n


# --------------------------------------------------------------------------- output shape


def test_to_dict_has_every_key_the_cli_and_page_rely_on():
    out = assert_json(pair_statistics(daily_pair(*correlated_prices(300, 1, 0.5))))
    required = [
        "correlation.levels",
        "correlation.changes",
        "correlation.changes_spearman",
        "correlation.changes_pvalue",
        "lead_lag.best_lag",
        "lead_lag.correlation",
        "lead_lag.significant",
        "regression.beta",
        "regression.r2",
        "regression.hedge_effectiveness",
        "cointegration.pvalue",
        "granger.a_to_b.pvalue",
        "granger.b_to_a.pvalue",
        "comovement.both_up",
        "comovement.both_down",
        "comovement.a_up_b_down",
        "comovement.a_down_b_up",
        "comovement.current_state",
        "comovement.current_run",
        "comovement.current_run_since",
    ]
    for dotted in required:
        node = out
        for part in dotted.split("."):
            assert part in node, dotted
            node = node[part]
        assert node is not None, dotted
    assert "series" not in out["rolling_correlation"]  # series only on request
    full = pair_statistics(daily_pair(*correlated_prices(300, 1, 0.5))).to_dict(include_series=True)
    assert len(full["rolling_correlation"]["series"]["values"]) == 300


@pytest.mark.parametrize(("name", "value"), [("max_lag", 0), ("rolling_window", 2), ("regime_window", -1)])
def test_invalid_windows_are_argument_errors(name, value):
    with pytest.raises(ValueError):
        pair_statistics(daily_pair(*walks(50, 1)), **{name: value})


def test_quarterly_defaults_give_a_rolling_line_from_short_windows():
    quarters = pd.date_range("1990-01-01", "2024-10-01", freq="QS", name="date")
    gdp = price_walk(quarters, seed=1, start=1e4, vol=0.01)
    spx = price_walk(pd.bdate_range("1990-01-01", "2024-12-31"), seed=2)
    aligned = align_pair(gdp, spx, freq_a="quarterly", freq_b="daily", change_a="pct", change_b="pct")
    s = pair_statistics(aligned)
    assert aligned.frequency == "quarterly" and s.rolling_window == 8 and s.max_lag == 8
    assert s.rolling_correlation.insufficient is None
    assert s.rolling_correlation.series.notna().sum() == aligned.n - 8
    assert s.regression.rolling_insufficient is None
    assert s.regimes.window == DEFAULT_REGIME_WINDOW["quarterly"]


def test_comovement_states_name_each_period():
    from convex.analytics.pair_stats import comovement_states

    a = np.array([0.1, -0.2, 0.3, -0.1, 0.0, 0.2])
    b = np.array([0.5, -0.1, -0.4, 0.2, 0.3, 0.0])
    assert comovement_states(a, b) == ["both_up", "both_down", "a_up_b_down", "a_down_b_up", "flat", "flat"]
