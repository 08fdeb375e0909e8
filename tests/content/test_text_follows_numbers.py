"""The prose never outruns the numbers on the page for the window shown (issue 13's cases)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from convex.analytics import pair_report
from convex.content import pair_content
from convex.content.claims import Context, cointegration_sentence
from convex.metrics.catalog import catalog
from tests.content.synthetic import END, dates, from_changes, walk

CAT = catalog()


def content_for(a_series, b_series, a, b, lookback="3Y"):
    report = pair_report(
        a_series, b_series, freq_a=a.frequency, freq_b=b.frequency, change_a=a.change, change_b=b.change,
        lookback=lookback, today=pd.Timestamp(END), name_a=a.name, name_b=b.name,
    )  # fmt: skip
    return pair_content(a, b, report), report


def answer(content, starts: str) -> str:
    return next(item.answer for item in content.faq if item.question.startswith(starts))


def all_text(content) -> str:
    return "\n".join([content.why_it_matters, content.cross_asset, *(i.answer for i in content.faq)])


def test_a_qt_window_in_which_bonds_rose_states_the_thesis_beside_the_moves():
    walcl, tlt = CAT.get("walcl"), CAT.get("tlt")
    rng = np.random.default_rng(1)
    weeks, days = dates("weekly"), dates("daily")
    balance = from_changes(weeks, -0.003 + 0.001 * rng.normal(size=len(weeks)), "pct", start=8e6)  # all QT
    bonds = from_changes(days, 0.0004 + 0.01 * rng.normal(size=len(days)), "pct", start=90.0)  # rising
    content, report = content_for(balance, bonds, walcl, tlt)
    cm = report.stats.comovement
    assert cm.a_change_over_window < 0 < cm.b_change_over_window
    why = content.why_it_matters
    assert "lifts bond prices" not in why and "hands that duration back" not in why
    assert "The thesis:" in why and "Background (a general view of their domains, not a finding here)" in why
    # The pair's own view is said once, in the FAQ, beside what this window measured (issue 31).
    thesis = answer(content, "What links")
    # curated.toml gives Fed purchases and long bonds a positive link (purchases held yields down).
    assert "over this window (the usual positive link): weekly changes correlated +" in thesis
    moves = answer(content, "What drives")
    assert f"Fed Balance Sheet changed -{abs(cm.a_change_over_window) * 100:.2f}%" in moves
    assert f"TLT +{cm.b_change_over_window * 100:.2f}%" in moves


def test_a_yield_is_never_held_and_a_pricing_identity_is_never_a_hedge():
    dgs10, tlt, spy = CAT.get("dgs10"), CAT.get("tlt"), CAT.get("spy")
    index = dates("daily")
    rng = np.random.default_rng(2)
    shocks = rng.normal(size=len(index))
    yields = walk(index, "diff", shocks=shocks)
    stocks = walk(index, "pct", shocks=-0.95 * shocks + 0.3 * rng.normal(size=len(index)))
    content, _ = content_for(yields, stocks, dgs10, spy)
    text = all_text(content)
    assert "holding 10-Year Treasury Yield long" not in text and "shorting 10-Year Treasury Yield" not in text
    assert "a beta-sized position that gains when 10-Year Treasury Yield" in text
    assert "10-Year Treasury Yield is a rate, not an asset" in text
    # The 30-year yield prices TLT's bonds: an identity, not a hedge.
    dgs30 = CAT.get("dgs30")
    bonds = walk(index, "pct", shocks=-0.95 * shocks + 0.3 * rng.normal(size=len(index)))
    content, _ = content_for(yields, bonds, dgs30, tlt)
    assert content.verdicts["hedge"] == "mechanical"
    hedge = answer(content, "Is 30-Year Treasury Yield a hedge")
    assert hedge.startswith("Not a question of hedging") and "linked by construction" in hedge
    assert "linked by construction" in content.why_it_matters
    assert "costs it about 16%" not in all_text(content)


def test_every_beta_in_text_carries_its_interval_and_a_null_beta_is_called_so():
    gld, spy = CAT.get("gld"), CAT.get("spy")
    index = dates("daily")
    rng = np.random.default_rng(3)
    a = rng.normal(0, 0.01, len(index))
    linked, _ = content_for(
        from_changes(index, a, "pct"),
        from_changes(index, 0.5 * a + rng.normal(0, 0.01, len(index)), "pct"),
        gld,
        spy,
    )
    assert "95% interval" in linked.cross_asset.split("**Beta**")[1].split("\n")[0]
    unrelated, report = content_for(from_changes(index, a, "pct"), walk(index, "pct", seed=9), gld, spy)
    reg = report.stats.regression
    assert reg.beta_ci_low < 0 < reg.beta_ci_high
    assert "indistinguishable from zero" in unrelated.cross_asset.split("**Beta**")[1].split("\n")[0]


def test_history_percentiles_say_when_history_starts():
    gld, spy = CAT.get("gld"), CAT.get("spy")
    index = dates("daily")
    content, report = content_for(walk(index, "pct", seed=1), walk(index, "pct", seed=2), gld, spy)
    start = report.metric_a.history_start
    assert f"of its history since {start:%-d %b %Y}" in content.cross_asset


def test_a_curated_sign_contradicted_by_the_window_is_marked_not_borne_out():
    dxy, gld = CAT.get("dxy"), CAT.get("gld")  # the note: a stronger dollar has meant weaker gold
    index = dates("daily")
    rng = np.random.default_rng(4)
    shocks = rng.normal(size=len(index))
    content, _ = content_for(
        walk(index, "pct", shocks=shocks),
        walk(index, "pct", shocks=shocks + 0.5 * rng.normal(size=len(index))),
        dxy,
        gld,
    )
    assert "**Contradicted over this window**: the usual link is negative" in answer(content, "What links")
    content, _ = content_for(
        walk(index, "pct", shocks=shocks),
        walk(index, "pct", shocks=-shocks + 0.5 * rng.normal(size=len(index))),
        dxy,
        gld,
    )
    assert "Borne out over this window (the usual negative link)" in answer(content, "What links")


def test_cointegration_words_follow_the_three_tests():
    walcl, tlt = CAT.get("walcl"), CAT.get("tlt")
    balance, bonds = walk(dates("weekly"), "pct", seed=1), walk(dates("daily"), "pct", seed=2)
    _, report = content_for(balance, bonds, walcl, tlt)
    co = report.stats.cointegration
    for verdict, words in (("mixed", "disagree"), ("cointegrated", "cointegrated by all three tests"),
                           ("not_cointegrated", "They are not cointegrated")):  # fmt: skip
        stats = dataclasses.replace(report.stats, cointegration=dataclasses.replace(co, verdict=verdict))
        ctx = Context(walcl, tlt, dataclasses.replace(report, stats=stats))
        assert words in cointegration_sentence(ctx)


@pytest.mark.parametrize(
    ("lag", "verdict"),
    [
        (2, "The view has 2-Year Treasury Yield moving first: borne out over this window"),
        (-2, "The view has 2-Year Treasury Yield moving first: **contradicted over this window**"),
        (0, "The view has 2-Year Treasury Yield moving first: not borne out over this window"),
    ],
)
def test_a_thesis_of_who_moves_first_is_tested_on_the_lead_lag_search(lag, verdict):
    # curated.toml: the 2-year yield "moves ahead of the Fed" (leader dgs2). Plant each case.
    dgs2, dff = CAT.get("dgs2"), CAT.get("dff")
    index = dates("daily")
    rng = np.random.default_rng(7)
    base = rng.normal(0.0, 0.01, len(index) + 4)
    a = base[2 : 2 + len(index)]
    b = 0.8 * base[2 - lag : 2 - lag + len(index)] + rng.normal(0.0, 0.004, len(index))
    two_year, funds = from_changes(index, a, "diff", start=4.0), from_changes(index, b, "diff", start=4.0)
    content, report = content_for(two_year, funds, dgs2, dff)
    ll = report.stats.lead_lag
    assert (ll.best_lag, bool(ll.significant_adjusted)) == ((lag, True) if lag else (0, True))
    thesis = answer(content, "What links")
    assert thesis.startswith("The usual view: ") and verdict in thesis
    assert f"at lag {ll.best_lag:+d}" in thesis and f"±{ll.band_adjusted:.2f} noise band" in thesis
