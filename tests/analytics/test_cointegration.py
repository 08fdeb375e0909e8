"""Unit roots and cointegration: statsmodels' default tests, and a verdict only when they agree."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.stattools import adfuller, coint
from statsmodels.tsa.vector_ar.vecm import coint_johansen, select_order

from convex.analytics.cointegration import VERDICTS, CointegrationStats, EngleGranger
from convex.analytics.pair_stats import DEFAULT_MAX_LAG, pair_statistics
from tests.analytics.pairs import ar1, daily_pair, walks
from tests.analytics.synthetic import business_days, cointegrated_pair, level_walk, price_walk


def statsmodels_coint(y0, y1):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return coint(y0, y1)


def test_every_test_equals_the_statsmodels_default_on_logs():
    a, b = cointegrated_pair(900, seed=4)
    aligned = daily_pair(a, b)
    s = pair_statistics(aligned)
    log_a, log_b = np.log(aligned.frame["a"].to_numpy()), np.log(aligned.frame["b"].to_numpy())
    for root, values in ((s.unit_roots.level_a, log_a), (s.unit_roots.level_b, log_b)):
        expected = adfuller(values, result_object=True)
        assert root.series == "log"
        assert root.lag == expected.lags and root.nobs == expected.nobs
        assert root.pvalue == pytest.approx(expected.pvalue, rel=1e-6)
    co = s.cointegration
    for ours, (y0, y1) in ((co.a_on_b, (log_a, log_b)), (co.b_on_a, (log_b, log_a))):
        statistic, pvalue, crit = statsmodels_coint(y0, y1)
        assert ours.statistic == pytest.approx(statistic, rel=1e-7)
        assert ours.pvalue == pytest.approx(pvalue, rel=1e-6)
    assert co.critical_value_5pct == pytest.approx(crit[1])
    levels = np.column_stack([log_a, log_b])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lags = select_order(levels, maxlags=DEFAULT_MAX_LAG["daily"], deterministic="co").aic
        johansen = coint_johansen(levels, 0, lags)
    assert co.johansen_lags == lags
    assert co.johansen_trace == pytest.approx(johansen.lr1[0], rel=1e-9)
    assert co.johansen_critical_5pct == johansen.cvt[0, 1]


def test_unit_roots_of_changes_are_tested_too():
    a, b = walks(600, 3)
    aligned = daily_pair(a, b)
    s = pair_statistics(aligned)
    changes = aligned.frame["a_chg"].dropna().to_numpy()
    assert s.unit_roots.changes_a.series == "changes"
    assert s.unit_roots.changes_a.pvalue == pytest.approx(
        adfuller(changes, result_object=True).pvalue, rel=1e-6
    )
    assert s.unit_roots.changes_a.stationary is True


def test_a_constructed_cointegrated_pair_is_cointegrated_by_all_three_tests():
    for seed in range(3):
        co = pair_statistics(daily_pair(*cointegrated_pair(1500, seed=seed))).cointegration
        assert co.verdict == "cointegrated" and co.cointegrated is True and co.rejections == 3


def test_independent_random_walks_are_mostly_not_cointegrated_and_never_on_one_test_alone():
    verdicts = [pair_statistics(daily_pair(*walks(1000, seed))).cointegration for seed in range(20)]
    assert sum(v.verdict in ("not_cointegrated", "not_applicable") for v in verdicts) >= 15
    assert sum(v.verdict == "cointegrated" for v in verdicts) <= 1
    assert all(v.cointegrated is (v.rejections == 3) for v in verdicts if v.verdict != "not_applicable")
    assert all(v.verdict in VERDICTS for v in verdicts)


def test_a_stationary_series_is_never_called_cointegrated():
    days = business_days("2001-01-02", 1200)
    # A "diff" metric that mean-reverts.
    spread = pd.Series(1.0 + ar1(1200, 0.3, np.random.default_rng(2), scale=0.05), index=days)
    co = pair_statistics(daily_pair(spread, price_walk(days, seed=3), change_a="diff")).cointegration
    assert co.verdict == "not_applicable" and co.cointegrated is False
    assert "stationary by the ADF test" in co.reason
    assert co.a_on_b.pvalue is None  # not tested


def test_mixed_evidence_is_its_own_verdict():
    def result(p_ab, p_ba, johansen):
        trace = 20.0 if johansen else 5.0
        a_on_b, b_on_a = EngleGranger(p_ab, -3.0, 1), EngleGranger(p_ba, -1.0, 1)
        return CointegrationStats(
            None, None, a_on_b, b_on_a, -3.34, trace, 15.49, 1, johansen, 500, "log", "log"
        )

    assert result(0.022, 0.829, False).rejections == 1
    assert result(0.01, 0.02, True).rejections == 3
    assert result(0.3, 0.4, False).rejections == 0


def test_diff_metrics_and_non_positive_prices_are_tested_on_raw_levels():
    days = business_days("2001-01-02", 300)
    rate = level_walk(days, seed=1, start=0.5, step=0.05)  # crosses zero
    price = price_walk(days, seed=2)
    s = pair_statistics(daily_pair(rate, price, change_a="diff"))
    assert s.unit_roots.level_a.series == "level" and s.unit_roots.level_b.series == "log"
    s2 = pair_statistics(daily_pair(price - 90.0, price))  # a "pct" series that goes negative
    assert s2.cointegration.input_a == "level"
