from __future__ import annotations

import json

import pandas as pd

from convex.analytics import (
    align_pair,
    full_report_dict,
    metric_statistics,
    pair_report,
    pair_statistics,
    render_text,
)
from tests.analytics.synthetic import business_days, lead_lag_pair, price_walk, returns_to_prices, wednesdays


def walcl_tlt():
    weeks = wednesdays("2008-01-02", "2020-12-30")
    walcl = price_walk(weeks, seed=3, start=1e6, vol=0.01)
    tlt = price_walk(pd.bdate_range("2008-01-01", "2020-12-31"), seed=4, start=90.0)
    return walcl, tlt


def test_full_report_dict_has_alignment_facts_and_statistics():
    walcl, tlt = walcl_tlt()
    aligned = align_pair(walcl, tlt, freq_a="weekly", freq_b="daily", change_a="pct", change_b="pct",
                         name_a="WALCL", name_b="TLT")  # fmt: skip
    out = full_report_dict(aligned, pair_statistics(aligned))
    json.dumps(out, allow_nan=False)
    assert out["a"] == "WALCL" and out["b"] == "TLT"
    assert out["frequency"] == "weekly"
    assert out["n"] == aligned.n
    assert out["start"] == "2008-01-02" and out["end"] == "2020-12-30"
    assert out["granger"]["a_to_b"]["cause"] == "WALCL"
    for key in ("correlation", "lead_lag", "granger", "regression", "cointegration", "comovement", "regimes"):
        assert isinstance(out[key], dict)


def test_pair_report_end_to_end_text_and_json():
    walcl, tlt = walcl_tlt()
    report = pair_report(
        walcl, tlt, freq_a="weekly", freq_b="daily", change_a="pct", change_b="pct",
        name_a="WALCL", name_b="TLT", lookback="10Y", today=pd.Timestamp("2021-01-04"),
    )  # fmt: skip
    out = report.to_dict()
    json.dumps(out, allow_nan=False)
    json.dumps(report.to_dict(include_series=True), allow_nan=False)
    assert set(out["spreads"]) == {"performance", "zscore", "ratio", "residual"}
    assert out["metric_a"]["latest_date"] == "2020-12-30"
    assert out["metric_b"]["age_days"] == 4
    text = report.render_text()
    for phrase in ("WALCL vs TLT", "TLT sampled on WALCL's weekly dates", "Correlation", "Lead-lag",
                   "Granger", "Regression of TLT's changes on WALCL's changes", "Cointegration",
                   "Co-movement per week", "Regimes of WALCL", "Spreads", "now:"):  # fmt: skip
        assert phrase in text, phrase
    # Two independent random walks: the levels correlation is called out.
    assert report.stats.correlation.levels_possibly_spurious is True
    assert "possibly spurious" in text


def test_render_text_states_who_leads():
    a, b = lead_lag_pair(500, 3, seed=2)
    aligned = align_pair(a, b, freq_a="daily", freq_b="daily", change_a="pct", change_b="pct",
                         name_a="SPY", name_b="QQQ")  # fmt: skip
    text = render_text(pair_statistics(aligned), aligned)
    assert "best lag +3 (SPY leads QQQ by 3 trading days)" in text


def test_render_text_with_insufficient_data_shows_reasons():
    days = business_days("2020-01-01", 8)
    a, b = price_walk(days, seed=1), returns_to_prices([0.0] * 8, days)
    aligned = align_pair(a, b, freq_a="daily", freq_b="daily", change_a="pct", change_b="pct")
    text = render_text(
        pair_statistics(aligned),
        aligned,
        metric_statistics(a, frequency="daily", change="pct"),
        metric_statistics(b, frequency="daily", change="pct"),
    )
    assert text.count("insufficient data") >= 5


def test_render_text_gives_a_diff_metrics_volatility_in_its_own_units():
    days = business_days("2020-01-01", 300)
    rate = pd.Series(4.0 + 0.01 * pd.Series(range(300)).mod(7).to_numpy(), index=days)
    price = price_walk(days, seed=1)
    report = pair_report(rate, price, freq_a="daily", freq_b="daily", change_a="diff", change_b="pct",
                         name_a="DGS10", name_b="TLT")  # fmt: skip
    text = report.render_text()
    rate_block = text.split("  DGS10:")[1].split("  TLT:")[0]
    assert (
        "annualised volatility" in rate_block
        and "units" in rate_block
        and "%" not in rate_block.split("volatility")[1]
    )
