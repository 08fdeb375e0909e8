"""The pair's statistics as labelled tiles, each with a tooltip saying what it means and how."""

from __future__ import annotations

import streamlit as st

from ..analytics.report import PairReport
from ..content.claims import HEDGE_EFFECTIVE, HEDGE_PARTIAL
from ..content.summary import pair_summary
from ..content.words import md
from ..metrics.formatting import (
    PERIOD_WORD,
    PERIOD_WORDS,
    beta_in_units,
    format_change,
    format_effectiveness,
    format_number,
    format_pvalue,
    format_r,
    format_share,
    periods,
)
from ..metrics.metric import Metric

STATE_TEXT = {
    "both_up": "both up",
    "both_down": "both down",
    "a_up_b_down": "{a} up, {b} down",
    "a_down_b_up": "{a} down, {b} up",
    "flat": "one of them unchanged",
}


def _tile(column, label: str, value: str, help_text: str, caption: str | None = None) -> None:
    with column:
        st.metric(label, value, help=help_text, border=True)
        if caption:
            st.caption(caption)


def _dating_words(predictive_method: str | None) -> str:
    if predictive_method is None:
        return (
            "Every statistic pairs the values on the dates they refer to; neither series has a "
            "publication lag."
        )
    return (
        "Lead-lag and Granger pair each value with the first close after it was published, so no test "
        f"uses a figure before it was known ({predictive_method}). Every other statistic pairs the values "
        "on the dates they refer to."
    )


def render(report: PairReport, metric_a: Metric, metric_b: Metric) -> None:
    s, aligned = report.stats, report.aligned
    a, b = metric_a.name, metric_b.name
    freq = aligned.frequency
    kinds = f"{'% changes' if aligned.change_a == 'pct' else 'changes'} of {a}, " + (
        f"{'% changes' if aligned.change_b == 'pct' else 'changes'} of {b}"
    )
    dropped = (
        f" ({aligned.gap_changes_dropped:,} changes spanning more than one {PERIOD_WORD[freq]} left out)"
        if aligned.gap_changes_dropped
        else ""
    )
    st.markdown(f"**How {a} and {b} move together** · {freq} data, n = {aligned.n:,}{dropped}")
    # The relationship in one line, from the same figures as the tiles and the text below it: a
    # reader who stops here is not misled (convex/content/summary.py).
    st.markdown(md(pair_summary(report, (metric_a, metric_b))))
    st.caption(_dating_words(s.predictive_method))

    c = s.correlation
    row = st.columns(4)
    effective = f" · effective n {c.n_changes_effective:,.0f}" if c.n_changes_effective is not None else ""
    _tile(
        row[0],
        "Correlation of changes",
        format_r(c.changes) if not c.changes_insufficient else "n/a",
        f"Pearson correlation of {freq} {kinds}, period by period. This is the number to trust: it is "
        "not fooled by two series that merely trend. The 95% interval and p-value allow for "
        f"autocorrelation: Bartlett's effective sample size, n / (1 + 2 Σ ρA ρB) over lags 1-"
        f"{c.autocorrelation_lags}.",
        c.changes_insufficient
        or f"95% interval {format_r(c.changes_ci_low)} to {format_r(c.changes_ci_high)} · "
        f"p {format_pvalue(c.changes_pvalue)} · Spearman {format_r(c.changes_spearman)} · n {c.n_changes:,}"
        f"{effective}",
    )
    roots = s.unit_roots
    adf = ", ".join(
        f"{name} {format_pvalue(root.pvalue)} (lag {root.lag})"
        for name, root in ((a, roots.level_a), (b, roots.level_b))
        if root.pvalue is not None
    )
    spurious = (
        " · ⚠ possibly spurious: a unit root and no cointegration" if c.levels_possibly_spurious else ""
    )
    interval = (
        f" · 95% interval {format_r(c.levels_ci_low)} to {format_r(c.levels_ci_high)}"
        if c.levels_ci_low is not None
        else " · no interval (a unit root)"
    )
    _tile(
        row[1],
        "Correlation of levels",
        format_r(c.levels) if not c.insufficient else "n/a",
        "Pearson correlation of the two levels. Two series that trend correlate strongly even when "
        "unrelated: flagged as possibly spurious when either level has a unit root (ADF, lag by AIC) and "
        "the pair is not cointegrated. A levels correlation gets an interval only when both levels are "
        "stationary.",
        c.insufficient or f"ADF p: {adf}{interval}{spurious}",
    )
    ll = s.lead_lag
    # Tile values stay a few characters wide (a number, "None"): the words go in the caption, so
    # that nothing is cut off in a quarter of a laptop screen.
    if ll.insufficient:
        lead_value, lead_caption = "n/a", ll.insufficient
    else:
        lag = ll.best_lag or 0
        searched = f"{len(ll.lags)} lags searched (±{periods(ll.max_lag, freq)})"
        if ll.significant_adjusted and lag != 0:
            leader, follower = (a, b) if lag > 0 else (b, a)
            lead_value = f"{lag:+d}"
            lead_caption = (
                f"{leader} leads {follower} by {periods(abs(lag), freq)} (r {format_r(ll.correlation)}; "
                f"outside ±{ll.band_adjusted:.3f}, the noise band for {searched})"
            )
        else:
            lead_value = "None" if lag or not ll.significant_adjusted else "0"
            lead_caption = (
                f"no reliable lead: best lag {lag:+d} (r {format_r(ll.correlation)}) is inside "
                f"±{ll.band_adjusted:.3f}, the noise band for {searched}"
                if not ll.significant_adjusted
                else f"changes move together in the same {PERIOD_WORD[freq]} (r {format_r(ll.correlation)})"
            )
    _tile(
        row[2],
        f"Lead of A over B, {PERIOD_WORDS[freq]}",
        lead_value,
        f"Correlation of {a}'s change at t with {b}'s change at t+k, for every k in the searched range; "
        f"k > 0 means {a} (A) leads. The best lag is called a lead only when its |r| clears the noise band "
        "widened for the number of lags searched (Bonferroni at 5%); a single-lag band would let about one "
        "lag in twenty through by chance. Both bands allow for autocorrelation (Bartlett): 1.96 √(f/n), "
        "f = 1 + 2 Σ ρA ρB.",
        lead_caption,
    )
    reg = s.regression
    moves = None if reg.insufficient else beta_in_units(reg.beta, metric_a, metric_b)
    if reg.insufficient:
        beta_value, beta_caption = "n/a", reg.insufficient
    elif moves is None:
        beta_value, beta_caption = "≈ 0", f"{b} hardly moved with {a}"
    else:
        move_a, move_b = moves
        beta_value = format_change(move_b, metric_b)
        beta_caption = (
            f"in {b} per {format_change(move_a, metric_a)} in {a} (beta {format_number(reg.beta, 3)})"
        )
    if not reg.insufficient:
        beta_caption += (
            f" · 95% interval {format_number(reg.beta_ci_low, 3)} to {format_number(reg.beta_ci_high, 3)}"
            + (" (includes zero)" if reg.beta_indistinguishable_from_zero else "")
            + f" · hedge effectiveness {format_effectiveness(reg.hedge_effectiveness)} in sample, "
            f"{format_effectiveness(reg.hedge_effectiveness_out_of_sample)} out of sample"
        )
    _tile(
        row[3],
        "Hedge ratio (beta)",
        beta_value,
        f"Slope of {b}'s changes on {a}'s changes (OLS), shown as the move of {b} that came with a round "
        f"move of {a}; its interval uses Newey-West (HAC) errors with {reg.hac_lags} lags. Hedge "
        f"effectiveness is the share of {b}'s variance removed by holding -beta of {a}: in sample (= R²), "
        "and out of sample with the beta of the trailing rolling window applied to the next period "
        "(negative when the hedge added variance). The text calls a hedge effective from "
        f"{HEDGE_EFFECTIVE:.0%} removed and partial from {HEDGE_PARTIAL:.0%}.",
        beta_caption,
    )

    row = st.columns(4)
    co = s.cointegration
    verdict_words = {
        "cointegrated": "Yes",
        "mixed": "Mixed",
        "not_cointegrated": "No",
        "not_applicable": "Not tested",
    }
    if co.insufficient:
        coint_caption = co.insufficient
    elif co.verdict == "not_applicable":
        coint_caption = co.reason
    else:
        coint_caption = (
            f"Engle-Granger {a} on {b} p {format_pvalue(co.a_on_b.pvalue)}, {b} on {a} "
            f"p {format_pvalue(co.b_on_a.pvalue)} · Johansen trace {format_number(co.johansen_trace, 1)} "
            f"vs {format_number(co.johansen_critical_5pct, 1)} at 5%"
        )
    _tile(
        row[0],
        "Cointegrated?",
        verdict_words.get(co.verdict, "n/a"),
        "Do the levels share a long-run equilibrium their gap returns to? Three tests on logs for prices "
        "and quantities: Engle-Granger in both orderings and Johansen's trace test, each with its lag chosen "
        "by AIC. Yes only when all three reject no cointegration at 5%; asked only when both levels have a "
        "unit root.",
        coint_caption,
    )
    g = s.granger
    for column, direction, cause, effect, label in (
        (row[1], g.a_to_b, a, b, "A → B"),
        (row[2], g.b_to_a, b, a, "B → A"),
    ):
        _tile(
            column,
            f"Granger p, {label}",
            format_pvalue(direction.pvalue) if not direction.insufficient else "n/a",
            f"Do past changes of {cause} help predict {effect}'s changes beyond {effect}'s own past? One "
            "F-test at one lag, chosen in advance by AIC for a VAR on both changes (statsmodels' "
            "select_order), the p the text below uses. Tested only when both change series are "
            "stationary. Predictive, not causal.",
            direction.insufficient
            or f"does {cause} help predict {effect}? F-test at lag {direction.lag} "
            f"({periods(direction.lag, freq)})",
        )
    cm = s.comovement
    together = None if cm.both_up is None else cm.both_up + cm.both_down
    _tile(
        row[3],
        "Moved the same way",
        format_share(together),
        "Share of periods in which both rose or both fell. Periods where either was unchanged are left out.",
        cm.insufficient
        or f"both up {format_share(cm.both_up)} · both down {format_share(cm.both_down)} · "
        f"{a} up/{b} down {format_share(cm.a_up_b_down)} · {a} down/{b} up {format_share(cm.a_down_b_up)}",
    )

    row = st.columns(4)
    state = STATE_TEXT.get(cm.current_state or "", "n/a").format(a=a, b=b)
    _tile(
        row[0],
        f"Current run, {PERIOD_WORDS[freq]}",
        f"{cm.current_run:,}" if cm.current_state else "n/a",
        "How many consecutive periods, up to the latest, the pair has moved in the same pattern.",
        f"{state} since {cm.current_run_since:%Y-%m-%d}" if cm.current_run_since is not None else None,
    )
    rg = s.regimes
    for column, regime, word in (
        (row[1], rg.expanding, "expanding"),
        (row[2], rg.contracting, "contracting"),
    ):
        _tile(
            column,
            f"Correlation, A {word}",
            format_r(regime.correlation) if not regime.insufficient else "n/a",
            f"Correlation of changes only over periods when {a} was {word} (at the start of the period, its "
            f"level above/below its level {periods(rg.window, freq)} before), e.g. QE versus QT for the Fed "
            "balance sheet. The p-value allows for autocorrelation.",
            regime.insufficient or f"{a} {word}: n {regime.n:,} · p {format_pvalue(regime.pvalue)}",
        )
    rc = s.rolling_correlation
    _tile(
        row[3],
        "Rolling correlation, latest",
        format_r(rc.latest) if not rc.insufficient else "n/a",
        f"Correlation of changes over the last {periods(rc.window, freq)}, and its range over the lookback.",
        rc.insufficient or f"range {format_r(rc.min)} to {format_r(rc.max)} · mean {format_r(rc.mean)}",
    )
    st.caption("Every statistic, with the data behind it, is in the JSON download below.")
