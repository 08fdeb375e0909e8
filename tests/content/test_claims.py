"""On data of known shape, the text claims what the statistics show and nothing more."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from convex.analytics import pair_report
from convex.content import domain_link, pair_content
from convex.content.claims import HEDGE_EFFECTIVE
from convex.metrics.catalog import catalog
from tests.content.synthetic import END, dates, from_changes, walk

CAT = catalog()
WALCL, ICSA = CAT.get("walcl"), CAT.get("icsa")  # weekly, pct
GLD, SPY = CAT.get("gld"), CAT.get("spy")  # daily, pct


def report(a_series, b_series, a, b, lookback="5Y"):
    return pair_report(
        a_series, b_series, freq_a=a.frequency, freq_b=b.frequency, change_a=a.change, change_b=b.change,
        lookback=lookback, today=pd.Timestamp(END),
    )  # fmt: skip


def content_for(a_series, b_series, a, b, lookback="5Y"):
    r = report(a_series, b_series, a, b, lookback)
    return pair_content(a, b, r), r


def answer(content, starts: str) -> str:
    for item in content.faq:
        if item.question.startswith(starts):
            return item.answer
    raise AssertionError(f"no question starting {starts!r}: {[i.question for i in content.faq]}")


def all_text(content) -> str:
    return "\n".join([content.why_it_matters, content.cross_asset, *(i.answer for i in content.faq)])


def planted_lead(index: pd.DatetimeIndex, lag: int, *, seed: int, strength: float = 0.8):
    """Changes with r_B[t] = strength * r_A[t - lag] + noise: A leads B by `lag` periods (B leads if < 0)."""
    n = len(index)
    rng = np.random.default_rng(seed)
    base = rng.normal(0.0, 0.01, n + 2 * abs(lag))
    offset = abs(lag)
    a = base[offset : offset + n]
    b = strength * base[offset - lag : offset - lag + n] + rng.normal(0.0, 0.004, n)
    return from_changes(index, a, "pct"), from_changes(index, b, "pct", start=50.0)


# --------------------------------------------------------------------------- lead-lag


def test_planted_lead_of_two_weeks_is_stated_with_the_right_direction():
    a, b = planted_lead(dates("weekly"), 2, seed=1)
    content, r = content_for(a, b, WALCL, ICSA)
    assert r.stats.lead_lag.best_lag == 2
    text = answer(content, "Does ")
    assert text.startswith("Fed Balance Sheet has led Initial Jobless Claims by 2 weeks")
    assert "Initial Jobless Claims has led" not in all_text(content)
    assert content.verdicts["lead"] == "a_leads_b"
    assert "Fed Balance Sheet leads Initial Jobless Claims by 2 weeks" in content.cross_asset


def test_planted_lead_of_b_over_a_is_stated_as_b_leading():
    a, b = planted_lead(dates("weekly"), -2, seed=2)
    content, r = content_for(a, b, WALCL, ICSA)
    assert r.stats.lead_lag.best_lag == -2
    assert answer(content, "Does ").startswith("Initial Jobless Claims has led Fed Balance Sheet by 2 weeks")
    assert content.verdicts["lead"] == "b_leads_a"


def test_swapping_the_pair_swaps_the_leader_but_not_the_claim():
    a, b = planted_lead(dates("weekly"), 2, seed=1)
    content, _ = content_for(b, a, ICSA, WALCL)
    assert content.verdicts["lead"] == "b_leads_a"
    assert answer(content, "Does ").startswith("Fed Balance Sheet has led Initial Jobless Claims by 2 weeks")


def test_daily_lead_is_counted_in_trading_days():
    a, b = planted_lead(dates("daily"), 3, seed=3)
    content, _ = content_for(a, b, GLD, SPY, lookback="3Y")
    assert answer(content, "Does ").startswith("GLD has led SPY by 3 trading days")


def test_no_lead_is_claimed_for_independent_walks():
    # A lead needs the best lag to clear the band corrected for all lags tried (5 % familywise),
    # so independent walks are called a lead about 1 time in 20, and the text always matches the verdict.
    index = dates("weekly")
    leads = 0
    for seed in range(40):
        a, b = walk(index, "pct", seed=seed), walk(index, "pct", seed=100 + seed)
        content, r = content_for(a, b, WALCL, ICSA)
        lead = answer(content, "Does ")
        if content.verdicts["lead"] in ("a_leads_b", "b_leads_a"):
            leads += 1
            assert "has led" in lead
            continue
        assert content.verdicts["lead"] in ("none", "together")
        assert "has led" not in all_text(content)
        assert " leads " not in content.cross_asset
        assert f"No significant lead within ±{r.stats.lead_lag.max_lag} weeks" in lead
    assert leads <= 4


def test_single_lag_significance_alone_is_not_called_a_lead():
    # Search seeds for a pair whose best non-zero lag clears the single-lag band by chance but
    # not the band corrected for the number of lags tried: the text must call it chance.
    index = dates("weekly")
    for seed in range(200):
        a, b = walk(index, "pct", seed=seed), walk(index, "pct", seed=500 + seed)
        r = report(a, b, WALCL, ICSA)
        ll = r.stats.lead_lag
        if ll.significant and ll.best_lag != 0 and not ll.significant_adjusted:
            break
    else:
        pytest.skip("no seed with a chance single-lag crossing")
    content = pair_content(WALCL, ICSA, r)
    assert content.verdicts["lead"] in ("none", "together")
    assert "not significant once the lags tried are allowed for" in answer(content, "Does ")


def test_contemporaneous_link_is_described_as_moving_together():
    a, b = planted_lead(dates("weekly"), 0, seed=4)
    content, _ = content_for(a, b, WALCL, ICSA)
    assert content.verdicts["lead"] == "together"
    assert "no other lag stands out beyond the same week" in answer(content, "Does ")


# --------------------------------------------------------------------------- Granger


def test_granger_says_helps_predict_for_a_planted_lead_and_never_causes():
    a, b = planted_lead(dates("weekly"), 2, seed=1)
    content, r = content_for(a, b, WALCL, ICSA)
    assert r.stats.granger.a_to_b.pvalue < 0.05
    text = answer(content, "Do past moves")
    assert "Past Fed Balance Sheet changes help predict Initial Jobless Claims" in text
    assert f"tested at a lag of {r.stats.granger.lag} week" in text
    assert "not causing" in text
    assert not re.search(r"\bcauses?\b", all_text(content))


def test_granger_without_adjusted_significance_does_not_say_helps_predict():
    index = dates("weekly")
    a, b = walk(index, "pct", seed=7), walk(index, "pct", seed=8)
    content, r = content_for(a, b, WALCL, ICSA)
    g = r.stats.granger
    assert g.a_to_b.pvalue >= 0.05 and g.b_to_a.pvalue >= 0.05
    assert "help predict" not in answer(content, "Do past moves").replace("do not help predict", "")
    assert content.verdicts["granger"] == "neither"


# --------------------------------------------------------------------------- correlation and spurious levels


def test_independent_random_walks_get_the_spurious_flag_explained():
    index = dates("weekly")
    for seed in range(50):
        a, b = walk(index, "pct", seed=seed), walk(index, "pct", seed=900 + seed)
        r = report(a, b, WALCL, ICSA, lookback="Max")
        if r.stats.correlation.levels_possibly_spurious and abs(r.stats.correlation.levels) > 0.3:
            break
    else:
        pytest.fail("no seed gave a flagged levels correlation")
    content = pair_content(WALCL, ICSA, r)
    text = answer(content, "How have")
    verdict = r.stats.cointegration.verdict
    assert verdict in ("not_cointegrated", "mixed")
    if verdict == "not_cointegrated":
        assert "not evidence on its own" in text and "no test finds the two cointegrated" in text
    else:
        assert "not reliable either way" in text and "the cointegration tests disagree" in text
    assert "the ADF test does not reject a unit root in Fed Balance Sheet (p " in text
    assert "Judge the relationship by the correlation of changes" in text
    # The cross-asset list says it in short (issue 31: said once, the reasoning in the answer).
    assert "not evidence of a link" in content.cross_asset
    assert "not evidence on its own" not in content.cross_asset
    assert "all the common history held (" in content.faq_window and "Over this window, " in text


def test_correlation_answer_quotes_figure_with_n_interval_and_lookback():
    a, b = planted_lead(dates("weekly"), 0, seed=5, strength=0.3)
    content, r = content_for(a, b, WALCL, ICSA, lookback="3Y")
    c = r.stats.correlation
    text = answer(content, "How have")
    expected = (
        f"Over this window, the correlation of weekly changes is {c.changes:+.2f} (n={c.n_changes}, "
        f"95% interval {c.changes_ci_low:+.2f} to {c.changes_ci_high:+.2f}"
    )
    assert text.startswith(expected)
    # The window is named once, above the answers.
    assert content.faq_window == (
        f"Answers over the last 3 years ({r.aligned.start.day} {r.aligned.start:%b %Y} to "
        f"{r.aligned.end.day} {r.aligned.end:%b %Y})."
    )


def test_curated_expected_sign_is_compared_with_the_data():
    # DGS10 vs TLT usually moves in opposite directions; plant the opposite and the text says so.
    dgs10, tlt = CAT.get("dgs10"), CAT.get("tlt")
    index = dates("daily")
    rng = np.random.default_rng(11)
    shocks = rng.normal(0.0, 1.0, len(index))
    y = walk(index, "diff", shocks=shocks)
    p = walk(index, "pct", shocks=0.9 * shocks + 0.3 * rng.normal(0.0, 1.0, len(index)))
    content, _ = content_for(y, p, dgs10, tlt, lookback="3Y")
    # Issue 31: a thesis is the usual view, with what this window says of it, said once.
    thesis = answer(content, "What links")
    assert thesis.startswith("The usual view: ") and "**Contradicted over this window**" in thesis
    content, _ = content_for(y, walk(index, "pct", shocks=-shocks), dgs10, tlt, lookback="3Y")
    assert "Borne out over this window (the usual negative link)" in answer(content, "What links")


# --------------------------------------------------------------------------- hedging


def daily_pair(beta: float, noise: float, seed: int):
    index = dates("daily")
    rng = np.random.default_rng(seed)
    a = rng.normal(0.0, 0.01, len(index))
    b = beta * a + rng.normal(0.0, noise, len(index))
    return from_changes(index, a, "pct"), from_changes(index, b, "pct", start=400.0)


def test_strong_negative_correlation_with_high_effectiveness_is_an_effective_hedge():
    a, b = daily_pair(-0.9, 0.003, seed=1)
    content, r = content_for(a, b, GLD, SPY, lookback="3Y")
    assert r.stats.regression.hedge_effectiveness >= HEDGE_EFFECTIVE
    assert content.verdicts["hedge"] == "hedge"
    text = answer(content, "Is GLD a hedge for SPY?")
    assert text.startswith("Yes: GLD has been an effective hedge for SPY")
    assert "holding GLD long" in text


def test_weak_negative_correlation_is_a_diversifier_not_a_hedge():
    a, b = daily_pair(-0.3, 0.01, seed=2)
    content, _ = content_for(a, b, GLD, SPY, lookback="3Y")
    assert content.verdicts["hedge"] == "diversifier"
    assert answer(content, "Is GLD").startswith("Not an effective hedge, but a diversifier")


def test_strong_positive_correlation_means_a_short_position_hedges():
    a, b = daily_pair(0.9, 0.003, seed=3)
    content, _ = content_for(a, b, GLD, SPY, lookback="3Y")
    assert content.verdicts["hedge"] == "short_hedge"
    text = answer(content, "Is GLD")
    assert text.startswith("Holding GLD long would have added to SPY's risk: the two moved")
    assert "shorting GLD has been an effective hedge for SPY" in text
    assert "Yes:" not in text


def test_uncorrelated_changes_are_explicitly_not_a_hedge():
    a, b = daily_pair(0.0, 0.01, seed=4)
    content, r = content_for(a, b, GLD, SPY, lookback="3Y")
    assert r.stats.correlation.changes_pvalue >= 0.05
    assert content.verdicts["hedge"] == "not_a_hedge"
    text = answer(content, "Is GLD")
    assert text.startswith(
        "No: over this window GLD's and SPY's daily changes were not distinguishable from unrelated"
    )
    assert "In sample, GLD's moves scaled by the beta accounted for " in text and "holding" not in text


def test_hedge_answer_states_its_verdict_without_repeating_the_bar():
    # Issue 31: the bar (50% effective, 20% partial) is the tile's help and the README's, not a
    # parenthesis in every hedge answer.
    a, b = daily_pair(-0.9, 0.003, seed=1)
    content, _ = content_for(a, b, GLD, SPY, lookback="3Y")
    text = answer(content, "Is GLD")
    assert text.startswith("Yes: GLD has been an effective hedge for SPY")
    assert "The bar used here" not in text


# --------------------------------------------------------------------------- divergence


def test_divergence_answer_uses_shares_current_run_and_regimes():
    a, b = daily_pair(-0.5, 0.01, seed=5)
    content, r = content_for(a, b, GLD, SPY, lookback="3Y")
    cm = r.stats.comovement
    text = answer(content, "What drives divergence")
    assert (
        f"GLD rose while SPY fell in {round(cm.a_up_b_down * 100)}% of the {cm.n_moving:,} trading days"
        in text
    )
    assert "The current run: " in text and "(since " in text
    assert "By regime, the correlation of daily changes was: while GLD was rising" in text
    # Without a curated note the domains' general drivers are background (the first section), not
    # an answer (issue 31); the answer is what this window measured.
    assert text.startswith("Over this window, GLD rose while SPY fell")
    drivers = domain_link("Commodities", "Equities").divergence
    assert drivers not in text and drivers[1:] in content.why_it_matters


# --------------------------------------------------------------------------- too little data


STATISTIC = re.compile(r"n=\d|interval|correlated at|[+-]0\.\d\d\b|\bp [<\d]|beta|R²|Granger p")


def test_ten_points_say_so_and_quote_no_statistic():
    index = dates("weekly", periods=10)
    a, b = walk(index, "pct", seed=1), walk(index, "pct", seed=2)
    content, _ = content_for(a, b, WALCL, ICSA, lookback="Max")
    assert set(content.verdicts.values()) == {"insufficient"}
    # Said once, in the cross-asset list: no FAQ of five identical answers (issue 31).
    assert [i for i in content.faq if not i.question.startswith("What links")] == []
    assert not STATISTIC.search(content.why_it_matters)
    assert not STATISTIC.search(content.cross_asset)
    assert (
        "Not enough data" in content.cross_asset and "only 9 weekly changes in common" in content.cross_asset
    )


def test_no_common_dates_say_so():
    a = walk(dates("weekly", periods=60), "pct", seed=1)
    b = walk(pd.date_range("2001-01-03", periods=60, freq="W-WED"), "pct", seed=2)
    content, _ = content_for(a, b, WALCL, ICSA, lookback="Max")
    assert "no dates in common" in content.cross_asset and content.faq == ()
    assert set(content.verdicts.values()) == {"insufficient"}


# --------------------------------------------------------------------------- words and markdown


@pytest.mark.parametrize(
    ("lookback", "words"),
    [
        ("90D", "the last 90 days"),
        ("1Y", "the last year"),
        ("3Y", "the last 3 years"),
        ("Max", "all the common history held"),
    ],
)
def test_lookback_words_name_the_windows_real_dates(lookback, words):
    a, b = daily_pair(-0.5, 0.01, seed=6)
    content, r = content_for(a, b, GLD, SPY, lookback=lookback)
    start, end = r.aligned.start, r.aligned.end
    assert content.faq_window == f"Answers over {words} ({start.day} {start:%b %Y} to {end.day} {end:%b %Y})."
    assert f"over {words} ({start.day} {start:%b %Y} to {end.day} {end:%b %Y})" in content.cross_asset


def test_a_window_that_ends_long_before_today_says_so_and_is_flagged_old():
    index = dates("weekly")
    a, b = walk(index, "pct", seed=1), walk(index, "pct", seed=2)
    r = pair_report(a, b, freq_a="weekly", freq_b="weekly", change_a="pct", change_b="pct", lookback="3Y",
                    today=index[-1] + pd.Timedelta(days=385))  # fmt: skip
    content = pair_content(WALCL, ICSA, r)
    today = index[-1] + pd.Timedelta(days=385)
    # Said once a page, in the data line (issue 31), not in every answer.
    assert f"), which ends 385 days before {today.day} {today:%b %Y}, old data." in content.cross_asset
    assert "days before" not in answer(content, "How have")
    assert f"which ends 385 days before {today.day} {today:%b %Y}, old data." in r.aligned.describe()


def test_dollar_signs_are_escaped_for_markdown():
    rrp, spy = CAT.get("rrpontsyd"), SPY
    index = dates("daily")
    content, _ = content_for(walk(index, "diff", seed=1), walk(index, "pct", seed=2), rrp, spy, lookback="1Y")
    assert "above \\$2 trillion" in content.why_it_matters
    assert re.search(r"SPY at \\\$\d", content.cross_asset)
    assert not re.search(r"(?<!\\)\$", all_text(content))


def test_to_dict_is_json_ready():
    a, b = daily_pair(-0.5, 0.01, seed=7)
    content, _ = content_for(a, b, GLD, SPY, lookback="1Y")
    out = content.to_dict()
    assert out["a"] == "gld" and out["b"] == "spy"
    assert [set(item) for item in out["faq"]] == [{"question", "answer"}] * len(content.faq)
    assert set(out["verdicts"]) == {"correlation", "lead", "granger", "hedge"}
