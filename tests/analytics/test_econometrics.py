"""The hand-written fast paths must equal statsmodels on the same data."""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.tsa.stattools import adfuller, coint, grangercausalitytests

from convex.analytics import econometrics


def statsmodels_granger(effect: np.ndarray, cause: np.ndarray, max_lag: int) -> dict[int, tuple]:
    """{lag: (F, p, df_denom, df_num)} for "cause Granger-causes effect", without its printing."""
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = grangercausalitytests(np.column_stack([effect, cause]), max_lag)
    return {lag: result[lag][0]["ssr_ftest"] for lag in result}


def random_walk(n: int, seed: int, *, scale: float = 1.0, level: float = 0.0) -> np.ndarray:
    return level + scale * np.cumsum(np.random.default_rng(seed).normal(size=n))


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=30, max_value=800),
    seed=st.integers(min_value=0, max_value=2**20),
    lag_share=st.floats(min_value=0.0, max_value=1.0),
    scale=st.sampled_from([1e-3, 1.0, 1e4]),
    level=st.sampled_from([0.0, 100.0, 8e6]),
)
def test_adf_equals_statsmodels_adfuller_with_fixed_lag(n, seed, lag_share, scale, level):
    x = random_walk(n, seed, scale=scale, level=level)
    lag = int(lag_share * econometrics.schwert_lag(n))
    # With a constant in the regression the statistic does not depend on the level, so
    # statsmodels gets the centred series: a level of 8e6 moving by 1e-3 makes its own
    # uncentred design rank-deficient (see the next test). Ours gets the raw series.
    expected = adfuller(x - x.mean(), maxlag=lag, autolag=None, result_object=False)
    ours = econometrics.adf_test(x, max_lag=lag, autolag=False)
    assert ours.statistic == pytest.approx(expected[0], rel=1e-7, abs=1e-9)
    assert ours.pvalue == pytest.approx(expected[1], rel=1e-6, abs=1e-12)
    assert ours.lag == expected[2]
    assert ours.nobs == expected[3]


def test_adf_stays_accurate_where_statsmodels_uncentred_design_loses_precision():
    x = 8e6 + 1e-3 * np.cumsum(np.random.default_rng(0).normal(size=30))
    shifted = adfuller(x - 8e6, maxlag=0, autolag=None, result_object=False)[0]
    assert econometrics.adf_test(x, max_lag=0, autolag=False).statistic == pytest.approx(shifted, rel=1e-9)
    assert econometrics.adf_test(x - 8e6, max_lag=0, autolag=False).statistic == pytest.approx(
        shifted, rel=1e-12
    )


def test_adf_on_a_stationary_series_rejects_and_on_a_random_walk_does_not():
    rng = np.random.default_rng(0)
    assert econometrics.adf_test(rng.normal(size=2000)).pvalue < 0.01
    assert econometrics.adf_test(random_walk(2000, 1)).pvalue > 0.05


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=30, max_value=800),
    seed=st.integers(min_value=0, max_value=2**20),
    lag_share=st.floats(min_value=0.0, max_value=1.0),
    beta=st.floats(min_value=-3.0, max_value=3.0),
    cointegrated=st.booleans(),
)
def test_engle_granger_equals_statsmodels_coint_with_fixed_lag(n, seed, lag_share, beta, cointegrated):
    rng = np.random.default_rng(seed)
    y1 = np.cumsum(rng.normal(size=n)) * 1e3 + 5e6
    noise = rng.normal(size=n) * 1e3 if cointegrated else np.cumsum(rng.normal(size=n)) * 1e3
    y0 = beta * y1 + noise
    lag = int(lag_share * econometrics.schwert_lag(n))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        statistic, pvalue, crit = coint(y0, y1, maxlag=lag, autolag=None)
    ours = econometrics.engle_granger(y0, y1, max_lag=lag, autolag=False)
    assert ours.statistic == pytest.approx(statistic, rel=1e-7, abs=1e-9)
    assert ours.pvalue == pytest.approx(pvalue, rel=1e-6, abs=1e-12)
    np.testing.assert_allclose(econometrics.engle_granger_critical_values(n), crit, rtol=1e-12)


def test_engle_granger_of_identical_series_follows_statsmodels_collinear_convention():
    x = random_walk(300, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        statistic, pvalue, _ = coint(x, 2 * x + 1, maxlag=3, autolag=None)
    ours = econometrics.engle_granger(x, 2 * x + 1, max_lag=3, autolag=False)
    assert ours.statistic == statistic == -np.inf
    assert ours.pvalue == pvalue == 0.0


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(min_value=40, max_value=1500),
    seed=st.integers(min_value=0, max_value=2**20),
    max_lag=st.integers(min_value=1, max_value=12),
    planted=st.integers(min_value=0, max_value=5),
    strength=st.floats(min_value=0.0, max_value=1.0),
    scale=st.sampled_from([1e-4, 1.0, 1e5]),
)
def test_granger_both_ways_equals_statsmodels_grangercausalitytests(
    n, seed, max_lag, planted, strength, scale
):
    max_lag = min(max_lag, (n - 2) // 3 - 1)
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n) * scale
    b = rng.normal(size=n)
    if planted:
        b[planted:] += strength * a[:-planted] / scale
    a_to_b, b_to_a = econometrics.granger_both_ways(a, b, max_lag)
    for ours, expected in (
        (a_to_b, statsmodels_granger(b, a, max_lag)),
        (b_to_a, statsmodels_granger(a, b, max_lag)),
    ):
        assert [t.lag for t in ours] == list(range(1, max_lag + 1))
        for test in ours:
            fstat, pvalue, df_denom, df_num = expected[test.lag]
            assert test.fstat == pytest.approx(fstat, rel=1e-7, abs=1e-10)
            assert test.pvalue == pytest.approx(pvalue, rel=1e-6, abs=1e-12)
            assert test.df_denom == df_denom
            assert test.df_num == df_num


def test_granger_finds_a_planted_lag_in_the_right_direction():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=500), rng.normal(size=500)
    y[2:] += 0.5 * x[:-2]
    x_to_y, y_to_x = econometrics.granger_both_ways(x, y, 6)
    expected = statsmodels_granger(y, x, 6)
    assert [t.pvalue for t in x_to_y] == pytest.approx([expected[lag][1] for lag in range(1, 7)], rel=1e-6)
    assert x_to_y[1].pvalue < 1e-10  # the planted lag-2 effect
    assert min(t.pvalue for t in y_to_x) > 1e-3


@pytest.mark.parametrize(("n", "expected"), [(0, 0), (20, 4), (100, 12), (300, 16), (1300, 23), (6300, 24)])
def test_schwert_lag_rule_and_caps(n, expected):
    assert econometrics.schwert_lag(n) == expected


# --------------------------------------------------------------------------- degenerate input
# Each case below once reached a matrix inverse whose result depends on the CPU's BLAS kernel
# (noise on one machine, a negative variance and a crash on another). They must come back as a
# reason, on every machine, decided from the data.


def weekly_pattern(n: int) -> np.ndarray:
    """A level that repeats itself exactly every 7 observations."""
    return 4.0 + 0.01 * (np.arange(n) % 7)


def degenerate_inputs() -> dict[str, np.ndarray]:
    return {
        "constant": np.full(300, 4.25),
        "repeating pattern": weekly_pattern(300),
        "repeating pattern, fractional steps": 100.0 + np.tile([0.1, 0.35, -0.2, 0.05, 0.4], 60),
        "exact linear trend": 2.0 + 0.5 * np.arange(300),
    }


@pytest.mark.parametrize("name", list(degenerate_inputs()))
@pytest.mark.parametrize("autolag", [True, False])
def test_adf_on_degenerate_input_gives_a_reason_never_a_number_or_an_exception(name, autolag):
    x = degenerate_inputs()[name]
    result = econometrics.adf_test(x, autolag=autolag)
    assert isinstance(result, econometrics.Degenerate), f"{name}: a statistic from a degenerate regression"
    assert result.reason


def test_the_degenerate_decision_is_taken_from_the_data_with_a_wide_margin():
    # The repeated pattern's lagged changes are exactly collinear: their scaled cross products
    # have a condition number many orders beyond the threshold, so rounding differences between
    # BLAS kernels cannot move it across; real data sit many orders below.
    regressors_t, _ = econometrics._adf_design(weekly_pattern(300), 16)
    xt = regressors_t - regressors_t.mean(axis=1, keepdims=True)
    xt /= np.linalg.norm(xt, axis=1, keepdims=True)
    assert np.linalg.cond(xt @ xt.T) > 1e4 * econometrics.MAX_CONDITION
    regressors_t, _ = econometrics._adf_design(random_walk(300, 3), 16)
    xt = regressors_t - regressors_t.mean(axis=1, keepdims=True)
    xt /= np.linalg.norm(xt, axis=1, keepdims=True)
    assert np.linalg.cond(xt @ xt.T) < econometrics.MAX_CONDITION / 1e4


def test_engle_granger_on_degenerate_input_gives_reasons():
    walk = random_walk(300, 4)
    assert isinstance(econometrics.engle_granger(np.full(300, 2.0), walk), econometrics.Degenerate)
    assert isinstance(econometrics.engle_granger(walk, np.full(300, 2.0)), econometrics.Degenerate)
    # Residuals that repeat a pattern exactly: y0 = y1 + pattern, with y1 made orthogonal to the
    # pattern so that the cointegrating slope is 1 and the residual is the pattern itself.
    pattern = weekly_pattern(300) - weekly_pattern(300).mean()
    y1 = walk - walk.mean()
    y1 -= (y1 @ pattern) / (pattern @ pattern) * pattern
    result = econometrics.engle_granger(y1 + pattern, y1)
    assert isinstance(result, econometrics.Degenerate), result


@pytest.mark.parametrize(
    "case",
    ["constant", "identical", "lagged copy", "repeating pattern", "pattern with short lags", "too short"],
)
def test_granger_on_degenerate_input_gives_a_reason(case):
    rng = np.random.default_rng(5)
    x = rng.normal(size=200)
    pattern = np.diff(weekly_pattern(201))
    a, b, lags = {
        "constant": (x, np.ones(200), 3),
        "identical": (x, x, 3),
        "lagged copy": (x[1:], x[:-1], 3),
        "repeating pattern": (x, pattern, 8),
        # With fewer lags than the period the pattern is not collinear but predicted exactly.
        "pattern with short lags": (x, pattern, 6),
        "too short": (x[:10], x[:10], 4),
    }[case]
    result = econometrics.granger_both_ways(a, b, lags)
    assert isinstance(result, econometrics.Degenerate), result
    assert result.reason


# --------------------------------------------------------------------------- AIC lag selection


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=30, max_value=1500),
    seed=st.integers(min_value=0, max_value=2**20),
    ar=st.sampled_from([0.0, 0.5, -0.4, 0.9]),
    scale=st.sampled_from([1e-3, 1.0, 1e4]),
)
def test_adf_with_aic_lag_equals_statsmodels_default_adfuller(n, seed, ar, scale):
    # Autocorrelated changes, so that the AIC search has a lag to find.
    rng = np.random.default_rng(seed)
    shocks = rng.normal(size=n)
    changes = np.zeros(n)
    for t in range(1, n):
        changes[t] = ar * changes[t - 1] + shocks[t]
    x = scale * np.cumsum(changes)
    expected = adfuller(x - x.mean(), result_object=True)
    ours = econometrics.adf_test(x)
    assert ours.lag == expected.lags
    assert ours.nobs == expected.nobs
    assert ours.statistic == pytest.approx(expected.statistic, rel=1e-7, abs=1e-9)
    assert ours.pvalue == pytest.approx(expected.pvalue, rel=1e-6, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(min_value=40, max_value=1500),
    seed=st.integers(min_value=0, max_value=2**20),
    beta=st.floats(min_value=-3.0, max_value=3.0),
    cointegrated=st.booleans(),
)
def test_engle_granger_with_aic_lag_equals_statsmodels_default_coint(n, seed, beta, cointegrated):
    rng = np.random.default_rng(seed)
    y1 = np.cumsum(rng.normal(size=n))
    noise = np.zeros(n)
    shocks = rng.normal(size=n)
    for t in range(1, n):
        noise[t] = (0.6 if cointegrated else 1.0) * noise[t - 1] + shocks[t]
    y0 = beta * y1 + noise
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        statistic, pvalue, _ = coint(y0, y1)
    ours = econometrics.engle_granger(y0, y1)
    assert ours.statistic == pytest.approx(statistic, rel=1e-7, abs=1e-9)
    assert ours.pvalue == pytest.approx(pvalue, rel=1e-6, abs=1e-12)
