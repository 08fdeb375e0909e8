"""Beta with Newey-West uncertainty, rolling beta, and in- and out-of-sample hedge effectiveness."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from statsmodels.regression.rolling import RollingOLS

from convex.analytics.pair_data import autocorrelation_lags
from convex.analytics.pair_stats import pair_statistics
from tests.analytics.pairs import autocorrelated_prices, correlated_prices, daily_pair


def test_beta_equals_statsmodels_ols_with_hac_errors_and_hedge_effectiveness_is_variance_removed():
    a, b = autocorrelated_prices(700, 9, phi=0.4, rho=-0.6)
    aligned = daily_pair(a, b)
    reg = pair_statistics(aligned).regression
    changes = aligned.frame[["a_chg", "b_chg"]].dropna()
    lags = autocorrelation_lags(len(changes))
    fit = sm.OLS(changes["b_chg"].to_numpy(), sm.add_constant(changes["a_chg"].to_numpy())).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags}
    )
    assert reg.hac_lags == lags
    assert reg.beta == pytest.approx(fit.params[1], rel=1e-10)
    assert reg.beta_stderr == pytest.approx(fit.bse[1], rel=1e-10)
    assert reg.alpha == pytest.approx(fit.params[0], rel=1e-9, abs=1e-15)
    assert reg.alpha_stderr == pytest.approx(fit.bse[0], rel=1e-9)
    assert reg.residual_std == pytest.approx(np.sqrt(fit.scale), rel=1e-10)
    assert reg.beta_pvalue == pytest.approx(fit.pvalues[1], rel=1e-8, abs=1e-300)
    assert (reg.beta_ci_low, reg.beta_ci_high) == pytest.approx(tuple(fit.conf_int(0.05)[1]), rel=1e-10)
    assert reg.r2 == pytest.approx(fit.rsquared, rel=1e-10)
    hedged = changes["b_chg"] - reg.beta * changes["a_chg"]
    assert reg.hedge_effectiveness == pytest.approx(1 - hedged.var() / changes["b_chg"].var(), rel=1e-10)
    assert reg.beta < 0 and reg.beta_indistinguishable_from_zero is False


def test_hac_errors_are_wider_than_iid_ones_for_autocorrelated_residuals():
    a, b = autocorrelated_prices(1500, 2, phi=0.7, rho=0.3)
    aligned = daily_pair(a, b)
    reg = pair_statistics(aligned).regression
    changes = aligned.frame[["a_chg", "b_chg"]].dropna()
    iid = sm.OLS(changes["b_chg"].to_numpy(), sm.add_constant(changes["a_chg"].to_numpy())).fit()
    assert reg.beta_stderr > 1.2 * iid.bse[1]


def test_a_beta_whose_interval_spans_zero_is_indistinguishable_from_zero():
    reg = pair_statistics(daily_pair(*correlated_prices(200, 5, 0.0))).regression
    assert reg.beta_ci_low < 0 < reg.beta_ci_high
    assert reg.beta_indistinguishable_from_zero is True


def test_out_of_sample_hedge_applies_the_trailing_beta_to_the_next_period():
    a, b = correlated_prices(900, 4, 0.5)
    aligned = daily_pair(a, b, lookback="1Y")
    window = 40
    reg = pair_statistics(aligned, rolling_window=window).regression
    history = aligned.history[["a_chg", "b_chg"]]
    hedged, unhedged = [], []
    for date in aligned.frame.index:
        position = history.index.get_loc(date)
        past = history.iloc[position - window : position].dropna()
        now = history.iloc[position]
        if len(past) < window or now.isna().any():
            continue
        beta = np.cov(past["a_chg"], past["b_chg"])[0, 1] / past["a_chg"].var()
        hedged.append(now["b_chg"] - beta * now["a_chg"])
        unhedged.append(now["b_chg"])
    expected = 1 - np.var(hedged) / np.var(unhedged)
    assert reg.n_out_of_sample == len(hedged)
    assert reg.hedge_effectiveness_out_of_sample == pytest.approx(expected, rel=1e-9)
    assert reg.hedge_effectiveness_out_of_sample < reg.hedge_effectiveness + 0.05


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
    assert reg.rolling_beta.notna().all()
    assert reg.rolling_beta_latest == pytest.approx(expected.iloc[-1])
