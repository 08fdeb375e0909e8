"""Scenarios: the event study, local projections and the VAR forecast with its backtest, on data
of known shape, against statsmodels and a plain pandas loop."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.tsa.api import VAR

from convex.analytics.align import align_pair
from convex.analytics.forecast import backtest, fit_var, model_changes, var_forecast
from convex.analytics.pair_data import PairData
from convex.analytics.response import local_projections
from convex.analytics.scenarios import (
    RANDOM_DRAWS,
    default_move,
    event_study,
    latest_move,
    scenario_report,
)
from convex.content.scenario_text import scenario_text
from convex.metrics.catalog import catalog

DAYS = pd.bdate_range("2001-01-01", periods=5000)


def aligned_from_changes(da: np.ndarray, db: np.ndarray, index=DAYS):
    a = pd.Series(100 * np.cumprod(1 + da), index=index[: len(da)])
    b = pd.Series(100 * np.cumprod(1 + db), index=index[: len(db)])
    return align_pair(
        a, b, freq_a="daily", freq_b="daily", change_a="pct", change_b="pct", name_a="A", name_b="B"
    )


def planted_drops(seed: int = 0, drops: int = 12, horizon: int = 10):
    """A falls 8% in one day at known rows; B then falls 3% spread over the next `horizon` days."""
    rng = np.random.default_rng(seed)
    n = 3000
    da, db = rng.normal(0, 0.002, n), rng.normal(0, 0.001, n)
    rows = np.arange(200, 200 + 220 * drops, 220)
    for t in rows:
        da[t] = -0.08
        db[t + 1 : t + horizon + 1] += (0.97 ** (1 / horizon)) - 1
    return aligned_from_changes(da, db), rows


def reference_episodes(aligned, move: float, horizon: int) -> list[pd.Timestamp]:
    """The episodes by a plain pandas loop: every row whose trailing move reaches `move`, taken
    in order, each at least a horizon after the last."""
    frame = aligned.frame
    moves = frame["a"] / frame["a"].shift(horizon) - 1
    forward = frame["b"].shift(-horizon) / frame["b"] - 1
    taken: list[int] = []
    for i in range(len(frame)):
        ok = pd.notna(moves.iloc[i]) and pd.notna(forward.iloc[i]) and moves.iloc[i] <= move
        if ok and (not taken or i >= taken[-1] + horizon):
            taken.append(i)
    return [frame.index[i] for i in taken]


def test_the_event_study_finds_each_planted_drop_and_the_median_response():
    aligned, rows = planted_drops()
    e = event_study(PairData.build(aligned), -0.05, 10)
    assert [ep.signal for ep in e.episodes] == list(aligned.frame.index[rows])
    assert e.after_episodes.median == pytest.approx(-0.03, abs=0.005)
    assert e.after_episodes.hit_rate == 0.0 and e.unconditional.median == pytest.approx(0.0, abs=0.005)
    # No random set of 12 non-overlapping windows of B is as far from its usual median: the
    # smallest p a randomisation test of RANDOM_DRAWS draws can give.
    assert e.pvalue == pytest.approx(1 / (RANDOM_DRAWS + 1)) and e.insufficient is None
    assert e.paths.shape == (11, 13) and e.paths["median"].iloc[-1] == pytest.approx(-0.03, abs=0.005)
    assert (e.paths.iloc[0] == 0).all()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), move=st.floats(-0.08, -0.01), horizon=st.integers(1, 30))
def test_episodes_equal_a_plain_pandas_loop_and_never_overlap(seed, move, horizon):
    rng = np.random.default_rng(seed)
    aligned = aligned_from_changes(rng.normal(0, 0.01, 1500), rng.normal(0, 0.01, 1500))
    e = event_study(PairData.build(aligned), move, horizon)
    signals = [ep.signal for ep in e.episodes]
    assert signals == reference_episodes(aligned, move, horizon)
    rows = aligned.frame.index.get_indexer(signals)
    assert (np.diff(rows) >= horizon).all()
    assert all(ep.a_move <= move for ep in e.episodes)


def test_few_episodes_are_not_enough_evidence_and_the_text_says_so():
    aligned, _ = planted_drops(drops=5)
    report = scenario_report(aligned, -0.05, 10)
    assert report.event_study.insufficient == "5 episodes, need at least 8"
    assert report.event_study.pvalue is None
    text = scenario_text(report, catalog().get("spy"), catalog().get("tlt")).event_study
    assert text.startswith("Not enough evidence on what TLT did")


def test_local_projections_recover_a_planted_response_at_its_lag():
    """B moves half of A's move three days later: the response is 0.5 sd from horizon 3 on and
    zero before. Over ten samples the estimate centres on the truth and the 90% bands hold it
    about as often as they should (each sample can miss, as a band does one time in ten)."""
    estimates, covered, zero_covered = [], [], []
    for seed in range(10):
        rng = np.random.default_rng(seed)
        da, db = rng.normal(0, 0.01, 4000), rng.normal(0, 0.01, 4000)
        db[3:] += 0.5 * da[:-3]
        r = local_projections(PairData.build(aligned_from_changes(da, db)), 6)
        size = 0.5 * r.shock
        estimates.append(np.array(r.response[2:]) / r.shock)
        covered += [lo < size < hi for lo, hi in zip(r.low[2:], r.high[2:], strict=True)]
        zero_covered += [lo < 0 < hi for lo, hi in zip(r.low[:2], r.high[:2], strict=True)]
    assert np.mean(estimates) == pytest.approx(0.5, abs=0.02)
    assert np.mean(covered) >= 0.8 and np.mean(zero_covered) >= 0.8


def test_no_link_gives_no_difference_and_says_so():
    rng = np.random.default_rng(11)
    aligned = aligned_from_changes(rng.normal(0, 0.01, 5000), rng.normal(0, 0.01, 5000))
    report = scenario_report(aligned, -0.04, 21)
    assert report.event_study.pvalue > 0.05 and report.event_study.n_episodes >= 8
    text = scenario_text(report, catalog().get("spy"), catalog().get("tlt"))
    # Issue 30/31: absence of evidence is not said as evidence of absence, and the baseline is named.
    expected = "not distinguishable from TLT's usual change at the 5% level over 21 trading days"
    assert expected in text.event_study
    assert "no different" not in text.event_study and "any 21" not in text.event_study
    assert f"of {report.event_study.unconditional.n:,} non-overlapping windows" in text.event_study


@pytest.mark.parametrize("seed", range(5))
def test_a_model_never_claims_to_beat_no_change_on_a_random_walk(seed):
    rng = np.random.default_rng(100 + seed)
    aligned = aligned_from_changes(rng.normal(0, 0.01, 2500), rng.normal(0, 0.01, 2500))
    f = var_forecast(PairData.build(aligned), 21)
    assert f.backtest.beats_naive is False and f.backtest.origins >= 8
    text = scenario_text(scenario_report(aligned, -0.03, 21), catalog().get("spy"), catalog().get("tlt"))
    assert text.forecast_verdict.startswith("The model does not beat a no-change forecast of TLT")


def test_a_predictable_series_does_beat_no_change():
    rng = np.random.default_rng(5)
    n = 3000
    da, db = rng.normal(0, 0.01, n), rng.normal(0, 0.002, n)
    db[1:] += 0.8 * da[:-1]  # tomorrow's B is mostly today's A
    result = backtest(model_changes(PairData.build(aligned_from_changes(da, db))), 1, "pct", 4)
    assert result.beats_naive is True and result.pvalue < 0.01
    assert 0.7 < result.coverage_80 < 0.9 and 0.88 < result.coverage_95 <= 1.0


def test_the_var_equals_statsmodels():
    rng = np.random.default_rng(1)
    y = np.zeros((900, 2))
    shocks = rng.normal(size=(900, 2)) * [0.01, 0.02]
    for t in range(2, 900):
        y[t] = [0.001, 0] + np.array([[0.3, 0.1], [0.2, -0.2]]) @ y[t - 1] + 0.1 * y[t - 2] + shocks[t]
    ours, theirs = fit_var(y, 2), VAR(y).fit(2)
    np.testing.assert_allclose(ours.intercept, theirs.intercept, atol=1e-12)
    np.testing.assert_allclose(ours.coefs, theirs.coefs, atol=1e-12)
    np.testing.assert_allclose(ours.sigma_u, theirs.sigma_u, rtol=1e-10)
    np.testing.assert_allclose(ours.forecast(y, 6), theirs.forecast(y[-2:], 6), atol=1e-12)
    np.testing.assert_allclose(ours.ma_coefs(6), theirs.ma_rep(5), atol=1e-12)
    # One step: the cumulative variance is statsmodels' forecast MSE.
    assert ours.cumulative_variance(1, 1)[0] == pytest.approx(theirs.mse(1)[0][1, 1], rel=1e-10)
    assert ours.stable() == theirs.is_stable()


def test_non_stationary_changes_are_refused_with_a_reason():
    rng = np.random.default_rng(3)
    trend = np.cumsum(rng.normal(0, 0.001, 3000))  # changes that wander: a unit root in the changes
    aligned = aligned_from_changes(0.01 + trend, rng.normal(0, 0.01, 3000))
    report = scenario_report(aligned, 0.05, 10)
    assert "not stationary" in report.response.insufficient
    assert "not stationary" in report.forecast.insufficient
    text = scenario_text(report, catalog().get("spy"), catalog().get("tlt"))
    assert text.forecast_verdict.startswith("Not enough evidence for a forecast of TLT")


def test_the_default_move_is_a_latest_move_over_the_horizon():
    aligned, _ = planted_drops()
    a = aligned.history["a"]
    assert latest_move(aligned, 13) == pytest.approx(a.iloc[-1] / a.iloc[-14] - 1)


def test_walcl_and_tlt_as_published_on_real_files(shared_real):
    from convex.analytics.scenarios import scenario_alignment
    from convex.data.importers import read_series_file

    cat = catalog()
    walcl = read_series_file(shared_real / "fred/matemadrigal/WALCL.csv").series
    tlt = read_series_file(shared_real / "yahoo/alitalbi/TLT.csv").series
    aligned = scenario_alignment(
        walcl,
        tlt,
        freq_a="weekly",
        freq_b="daily",
        change_a="pct",
        change_b="pct",
        lookback="Max",
        name_a="Fed Balance Sheet",
        name_b="TLT",
        dating_a=cat.get("walcl").dating,
        dating_b=cat.get("tlt").dating,
    )
    report = scenario_report(aligned, -0.02, 13)
    e = report.event_study
    # Signals are Fridays: the first close after Thursday's 16:30 release.
    assert {ep.signal.day_of_week for ep in e.episodes} <= {4, 0}
    assert e.n_episodes >= 8 and e.pvalue is not None
    assert "as published" in report.method


def test_the_baseline_is_b_over_every_non_overlapping_window_of_the_sample():
    # Issue 30: not the leftover windows that miss an episode, but B's usual change.
    aligned, _ = planted_drops()
    e = event_study(PairData.build(aligned), -0.05, 10)
    b = aligned.frame["b"]
    forward = (b.shift(-10) / b - 1).iloc[10:-10:10]  # rows 10, 20, ...: B's next 10 days
    assert e.unconditional.n == len(forward.dropna())
    assert e.unconditional.median == pytest.approx(float(forward.median()), rel=1e-12)
    assert e.unconditional.hit_rate == pytest.approx(float((forward > 0).mean()))


def test_the_randomisation_test_holds_its_level_when_a_says_nothing():
    rejections = []
    for seed in range(40):
        rng = np.random.default_rng(1000 + seed)
        aligned = aligned_from_changes(rng.normal(0, 0.01, 2500), rng.normal(0.0003, 0.01, 2500))
        e = event_study(PairData.build(aligned), -0.04, 10)
        if e.pvalue is not None:
            rejections.append(e.pvalue < 0.05)
    assert len(rejections) >= 30
    assert np.mean(rejections) <= 0.15  # about 5% by chance; well below what a broken test gives


def test_the_default_move_is_the_latest_only_when_it_is_an_event():
    rng = np.random.default_rng(5)
    da, db = rng.normal(0, 0.01, 3000), rng.normal(0, 0.01, 3000)
    da[-13:] = 0.0005  # a quiet last stretch: a small rise, matched in much of the history
    aligned = aligned_from_changes(da, db)
    chosen = default_move(aligned, 13)
    assert chosen.rule == "quantile" and chosen.latest_share > 0.2
    assert chosen.move > chosen.latest > 0  # the 80th percentile rise, larger than the latest
    da[-13:] = -0.01  # a 12% fall over 13 days: rare
    chosen = default_move(aligned_from_changes(da, db), 13)
    assert chosen.rule == "latest" and chosen.move == pytest.approx((0.99**13) - 1)


# --------------------------------------------------------------------------- benchmarks of the forecast


def planted_link(seed: int):
    """B's change is 0.6 of A's the day before, on top of its own AR(1) and a drift: A's past
    helps forecast B beyond anything in B's own history."""
    rng = np.random.default_rng(seed)
    n = 3000
    da, shocks = rng.normal(0, 0.01, n), rng.normal(0, 0.004, n)
    db = np.zeros(n)
    for t in range(1, n):
        db[t] = 0.0003 + 0.4 * db[t - 1] + 0.6 * da[t - 1] + shocks[t]
    return aligned_from_changes(da, db)


@pytest.mark.parametrize("seed", range(3))
def test_a_planted_effect_of_a_on_b_is_found_beyond_b_own_history(seed):
    report = scenario_report(planted_link(seed), -0.02, 1)
    e = report.event_study
    # The randomisation test's smallest p: no random set of windows matched the episodes.
    assert (
        e.pvalue == pytest.approx(1 / (RANDOM_DRAWS + 1))
        and e.after_episodes.median < -0.005 < e.unconditional.median
    )
    bt = report.forecast.backtest
    assert bt.beats_own and bt.beats_drift and bt.beats_naive and bt.adds_to_own_history
    assert bt.mae_model < 0.7 * bt.mae_own
    text = scenario_text(report, catalog().get("spy"), catalog().get("tlt")).forecast_verdict
    assert text.startswith("The model shows SPY adds to TLT's own history")


@pytest.mark.parametrize("seed", range(5))
def test_a_drifting_b_with_no_link_is_described_as_its_own_drift(seed):
    rng = np.random.default_rng(50 + seed)
    aligned = aligned_from_changes(rng.normal(0, 0.01, 3000), 0.003 + rng.normal(0, 0.006, 3000))
    report = scenario_report(aligned, -0.03, 10)
    bt = report.forecast.backtest
    assert bt.beats_naive  # B drifts up 3% in ten days: anything that knows its mean beats "no change"
    assert bt.adds_to_own_history is False
    text = scenario_text(report, catalog().get("spy"), catalog().get("tlt")).forecast_verdict
    assert text.startswith("The model beat a no-change forecast of TLT, but only by TLT's own drift")
    assert "SPY adds nothing measurable beyond TLT's own history" in text


def test_the_backtest_benchmarks_equal_statsmodels_at_every_origin():
    """The whole backtest again with statsmodels: VAR(select_order().aic), AutoReg with
    ar_select_order(ic="aic") on B alone, B's mean, and the Diebold-Mariano p of each."""
    import statsmodels.api as sm
    from scipy import stats
    from statsmodels.tsa.ar_model import AutoReg, ar_select_order

    rng = np.random.default_rng(9)
    n, steps, max_lag = 500, 3, 4
    y = np.zeros((n, 2))
    for t in range(1, n):
        mean = np.array([0.3 * y[t - 1, 0], 0.002 + 0.2 * y[t - 1, 1] + 0.3 * y[t - 1, 0]])
        y[t] = mean + rng.normal(0, 0.01, 2)
    result = backtest(y, steps, "diff", max_lag)
    first = n // 2
    step = -(-(n - steps - first) // 40)
    errors = {"model": [], "naive": [], "drift": [], "own": []}
    for origin in range(first, n - steps + 1, step):
        history, actual = y[:origin], float(np.sum(y[origin : origin + steps, 1]))
        lag = VAR(history).select_order(max_lag).selected_orders["aic"]
        var = VAR(history).fit(lag)
        if lag:
            forecast = var.forecast(history[len(history) - lag :], steps)
        else:  # a constant-only VAR forecasts its means
            forecast = np.tile(var.params[0], (steps, 1))
        own_lags = ar_select_order(history[:, 1], max_lag, ic="aic", trend="c").ar_lags
        own = AutoReg(history[:, 1], max(own_lags) if own_lags else 0, trend="c").fit()
        errors["model"].append(forecast[:, 1].sum() - actual)
        errors["naive"].append(-actual)
        errors["drift"].append(steps * history[:, 1].mean() - actual)
        errors["own"].append(float(np.sum(own.forecast(steps))) - actual)
    absolute = {name: np.abs(values) for name, values in errors.items()}
    assert result.origins == len(absolute["model"]) and result.skipped == 0
    for name, mae in (("model", result.mae_model), ("naive", result.mae_naive), ("drift", result.mae_drift),
                      ("own", result.mae_own)):  # fmt: skip
        assert mae == pytest.approx(absolute[name].mean(), rel=1e-9)
    overlap = -(-steps // step) - 1
    pvalues = {"naive": result.pvalue, "drift": result.pvalue_drift, "own": result.pvalue_own}
    for name, pvalue in pvalues.items():
        difference = absolute["model"] - absolute[name]
        fit = sm.OLS(difference, np.ones(len(difference))).fit(cov_type="HAC", cov_kwds={"maxlags": overlap})
        assert pvalue == pytest.approx(stats.norm.cdf(fit.params[0] / fit.bse[0]), rel=1e-6)
