"""Co-movement counts and regimes of A, on data of known shape."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convex.analytics.align import align_pair
from convex.analytics.comovement import COMOVEMENT_STATES, comovement_states
from convex.analytics.pair_data import MIN_OBSERVATIONS
from convex.analytics.pair_stats import DEFAULT_REGIME_WINDOW, pair_statistics
from tests.analytics.pairs import correlated_prices, daily_pair
from tests.analytics.synthetic import business_days, level_walk, price_walk, returns_to_prices, wednesdays


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


def test_comovement_change_over_window_starts_from_the_level_on_the_windows_first_date():
    # Issue 29: one base for every change over a window, the first date the window states (as the
    # rebased chart starts there), not the point before it.
    days = business_days("2015-01-01", 600)
    a, b = price_walk(days, seed=1), level_walk(days, seed=2, start=3.0, step=0.02)
    aligned = daily_pair(a, b, change_b="diff", lookback="1Y")
    cm = pair_statistics(aligned).comovement
    first = aligned.frame.index[0]
    assert cm.a_change_over_window == pytest.approx(a.iloc[-1] / a[first] - 1)
    assert cm.b_change_over_window == pytest.approx(b.iloc[-1] - b[first])


# --------------------------------------------------------------------------- regimes


def test_regime_counts_add_up_and_correlations_match_a_plain_split():
    a, b = correlated_prices(800, 12, 0.4)
    aligned = daily_pair(a, b, lookback="1Y")
    window = 20
    rg = pair_statistics(aligned, regime_window=window).regimes
    history = aligned.history
    # Each period's regime is known when it starts: the state at the end of the period before.
    state = np.sign(history["a"] - history["a"].shift(window))
    labels = state.shift(1).reindex(aligned.frame.index)
    changes = aligned.frame[["a_chg", "b_chg"]].dropna()
    labels = labels.reindex(changes.index)
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
    expected_now = "expanding" if state.iloc[-1] > 0 else "contracting"
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


def test_a_regime_label_never_contains_the_change_it_labels():
    # A jumps up at one period only: with the period's own closing level in its label, that
    # jump would always sit in "expanding"; known beforehand, it was labelled by the past.
    days = business_days("2001-01-02", 300)
    a_returns = np.zeros(300)
    a_returns[1:] = -0.001
    a_returns[150] = 0.2
    aligned = daily_pair(returns_to_prices(a_returns, days), price_walk(days, seed=1))
    from convex.analytics.regimes import regime_labels

    labels = regime_labels(aligned.history["a"].to_numpy(), 5)
    assert labels[150] == -1  # before the jump A had been falling
    assert labels[151] == 1


def test_comovement_states_name_each_period():
    a = np.array([0.1, -0.2, 0.3, -0.1, 0.0, 0.2])
    b = np.array([0.5, -0.1, -0.4, 0.2, 0.3, 0.0])
    assert comovement_states(a, b) == ["both_up", "both_down", "a_up_b_down", "a_down_b_up", "flat", "flat"]
