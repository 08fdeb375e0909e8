"""The pair analysis as readable plain text, for `convex stats A B`: one section per statistic,
each saying what was computed and how (lags chosen, corrections applied)."""

from __future__ import annotations

from convex.analytics.align import AlignedPair, lookback_label
from convex.analytics.metric_stats import MetricStats
from convex.analytics.pair_stats import PairStats
from convex.analytics.serialise import format_date
from convex.analytics.spreads import SpreadResult
from convex.metrics.formatting import PERIOD_WORD, format_pvalue, format_r, format_share, periods


def _number(value: float | None, digits: int = 4) -> str:
    if value is None:
        return "n/a"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.{digits}g}"


def _change(value: float | None, kind: str) -> str:
    if value is None:
        return "n/a"
    return f"{value:+.2%}" if kind == "pct" else f"{value:+,.4g}"


def _state_text(state: str | None, a: str, b: str) -> str:
    return {
        "both_up": f"both {a} and {b} up",
        "both_down": f"both {a} and {b} down",
        "a_up_b_down": f"{a} up while {b} down",
        "a_down_b_up": f"{a} down while {b} up",
        "flat": f"{a} or {b} unchanged",
    }.get(state or "", "n/a")


def _metric_block(name: str, m: MetricStats) -> list[str]:
    if m.insufficient:
        return [f"  {name}: {m.insufficient}"]
    kind = m.change
    changes = ", ".join(f"{c.label} {_change(c.change, kind)}" for c in m.changes)
    lines = [
        f"  {name}: {_number(m.latest_value)} on {format_date(m.latest_date)}"
        + (f" ({m.age_days} days old)" if m.age_days is not None else ""),
        f"    changes: {changes}",
        f"    {m.window} window ({m.n} obs): high {_number(m.high)}, low {_number(m.low)}, "
        f"mean {_number(m.mean)}, std {_number(m.std)}; latest at percentile "
        f"{_number(m.percentile_in_window, 3)} of the window, "
        f"{_number(m.percentile_in_history, 3)} of all history",
    ]
    extras = []
    if m.annualised_volatility is not None:
        # A "diff" metric's volatility is in its own units (e.g. percentage points of yield).
        volatility = (
            f"{m.annualised_volatility:.1%}" if kind == "pct" else f"{m.annualised_volatility:,.4g} units"
        )
        extras.append(f"annualised volatility {volatility}")
    if m.drawdown_window.max_drawdown is not None:
        extras.append(f"max drawdown {m.drawdown_window.max_drawdown:.1%} in the window")
    history = m.drawdown_history
    if history.max_drawdown is not None:
        span = (
            f" ({format_date(history.peak_date)} to {format_date(history.trough_date)})"
            if history.max_drawdown < 0
            else ""
        )
        extras.append(f"{history.max_drawdown:.1%} over all history{span}")
    if extras:
        lines.append("    " + "; ".join(extras))
    return lines


def _correlation_lines(s: PairStats, a: str, b: str, freq: str, lookback: str) -> list[str]:
    c, out = s.correlation, [f"Correlation ({lookback_label(lookback)})"]
    if c.insufficient:
        out.append(f"  levels: {c.insufficient}")
    elif c.levels_pvalue is None:
        out.append(f"  levels:  r {format_r(c.levels)} (n {c.n_levels}; {c.levels_interval_note})")
    else:
        out.append(
            f"  levels:  r {format_r(c.levels)} (95% CI {format_r(c.levels_ci_low)} to "
            f"{format_r(c.levels_ci_high)}, p {format_pvalue(c.levels_pvalue)}, n {c.n_levels}, "
            "adjusted for autocorrelation)"
        )
    if c.levels_possibly_spurious:
        out.append(
            "    possibly spurious: a level has a unit root and the pair is not shown to be cointegrated; "
            "trust the correlation of changes instead"
        )
    if c.changes_insufficient:
        out.append(f"  changes: {c.changes_insufficient}")
    else:
        out.append(
            f"  changes: r {format_r(c.changes)} (95% CI {format_r(c.changes_ci_low)} to "
            f"{format_r(c.changes_ci_high)}, p {format_pvalue(c.changes_pvalue)}, n {c.n_changes}, effective "
            f"n {c.n_changes_effective:,.0f} after autocorrelation to lag {c.autocorrelation_lags}); "
            f"Spearman {format_r(c.changes_spearman)}"
        )
    r = s.rolling_correlation
    if r.insufficient:
        out.append(f"  rolling ({r.window} periods): {r.insufficient}")
    else:
        out.append(
            f"  rolling correlation of changes over {periods(r.window, freq)}: latest {format_r(r.latest)}, "
            f"range {format_r(r.min)} to {format_r(r.max)}, mean {format_r(r.mean)}"
        )
    return out


def _unit_root_lines(s: PairStats, a: str, b: str) -> list[str]:
    out = ["Unit roots (ADF with a constant, lag chosen by AIC as statsmodels' adfuller does)"]
    roots = s.unit_roots
    for name, level, changes in ((a, roots.level_a, roots.changes_a), (b, roots.level_b, roots.changes_b)):
        parts = []
        for root in (level, changes):
            if root.insufficient:
                parts.append(f"{root.series}: {root.insufficient}")
            else:
                verdict = "stationary" if root.stationary else "unit root not rejected"
                parts.append(
                    f"{root.series}: p {format_pvalue(root.pvalue)} "
                    f"(lag {root.lag} of up to {root.max_lag}), {verdict}"
                )
        out.append(f"  {name}: " + "; ".join(parts))
    return out


def _lead_lag_lines(s: PairStats, a: str, b: str, freq: str) -> list[str]:
    ll = s.lead_lag
    out = [f"Lead-lag of changes (lag k pairs {a} at t with {b} at t+k; k > 0: {a} leads)"]
    if ll.insufficient:
        return [*out, f"  {ll.insufficient}"]
    lag = ll.best_lag or 0
    who = (
        "no lead: strongest at lag 0"
        if lag == 0
        else f"{a if lag > 0 else b} leads {b if lag > 0 else a} by {periods(abs(lag), freq)}"
    )
    verdict = "clears" if ll.significant else "does not clear"
    adjusted = "clears" if ll.significant_adjusted else "does not clear"
    tried = len(ll.lags)
    return [
        *out,
        f"  best lag {lag:+d} ({who}): r {format_r(ll.correlation)}; it {verdict} the noise band "
        f"+-{ll.band:.3f} (Bartlett, for these series' autocorrelation)",
        f"  ({tried} lags tried, -{ll.max_lag}..+{ll.max_lag}: about {0.05 * tried:.0f} would clear the band "
        f"by chance alone; it {adjusted} the band widened for that search, +-{ll.band_adjusted:.3f})",
    ]


def _granger_lines(s: PairStats) -> list[str]:
    g = s.granger
    if g.lag is None:
        return ["Granger causality of changes", f"  {g.insufficient}"]
    chosen = f"AIC chose {g.lag_by_aic}, so 1" if g.lag_by_aic == 0 else "chosen by AIC"
    out = [
        f"Granger causality of changes (ssr F-test at lag {g.lag}, {chosen}, of a VAR on both changes "
        f"up to lag {g.max_lag})"
    ]
    for d in (g.a_to_b, g.b_to_a):
        if d.insufficient:
            out.append(f"  {d.cause} -> {d.effect}: {d.insufficient}")
        else:
            out.append(
                f"  {d.cause} -> {d.effect}: F {d.fstat:.2f} on ({d.df_num}, {d.df_denom}) df, "
                f"p {format_pvalue(d.pvalue)}"
            )
    return out


def _regression_lines(s: PairStats, a: str, b: str, freq: str) -> list[str]:
    reg = s.regression
    out = [f"Regression of {b}'s changes on {a}'s changes"]
    if reg.insufficient:
        return [*out, f"  {reg.insufficient}"]
    zero = "; indistinguishable from zero" if reg.beta_indistinguishable_from_zero else ""
    out += [
        f"  beta {_number(reg.beta)} (Newey-West s.e. {_number(reg.beta_stderr, 2)} with {reg.hac_lags} "
        f"lags, 95% CI {_number(reg.beta_ci_low)} to {_number(reg.beta_ci_high)}, "
        f"p {format_pvalue(reg.beta_pvalue)}){zero}; alpha {_number(reg.alpha)}, R2 {reg.r2:.3f}, n {reg.n}",
        f"  hedging {b} with {_number(reg.beta)} x {a} removes {reg.hedge_effectiveness:.1%} of its change "
        "variance in sample",
    ]
    if reg.hedge_effectiveness_out_of_sample is not None:
        out.append(
            f"  out of sample (the trailing {periods(reg.rolling_window, freq)} beta applied to the next "
            f"{PERIOD_WORD[freq]}): {reg.hedge_effectiveness_out_of_sample:.1%} over "
            f"{reg.n_out_of_sample} periods"
        )
    if reg.rolling_beta_latest is not None:
        out.append(
            f"  rolling beta over {periods(reg.rolling_window, freq)}: "
            f"latest {_number(reg.rolling_beta_latest)}"
        )
    return out


COINTEGRATION_WORDS = {
    "cointegrated": "cointegrated: all three tests reject no cointegration at 5%",
    "mixed": "mixed evidence, so not called cointegrated",
    "not_cointegrated": "not cointegrated: no test rejects no cointegration at 5%",
}


def _cointegration_lines(s: PairStats, a: str, b: str) -> list[str]:
    co = s.cointegration
    out = ["Cointegration (Engle-Granger both orderings and Johansen's trace test, lags by AIC)"]
    if co.insufficient:
        return [*out, f"  {co.insufficient}"]
    if co.verdict == "not_applicable":
        return [*out, f"  {co.reason}"]
    return [
        *out,
        f"  {a} on {b}: p {format_pvalue(co.a_on_b.pvalue)} (lag {co.a_on_b.lag}); {b} on {a}: "
        f"p {format_pvalue(co.b_on_a.pvalue)} (lag {co.b_on_a.lag}); "
        f"{co.input_a} of {a}, {co.input_b} of {b}",
        f"  Johansen trace {co.johansen_trace:.2f} against {co.johansen_critical_5pct:.2f} at 5% "
        f"({co.johansen_lags} lagged differences)",
        f"  {COINTEGRATION_WORDS[co.verdict]}",
    ]


def render_text(
    pair_stats: PairStats,
    aligned: AlignedPair,
    metric_stats_a: MetricStats | None = None,
    metric_stats_b: MetricStats | None = None,
    *,
    spreads: dict[str, SpreadResult] | None = None,
) -> str:
    """A plain-text report for `convex stats A B`."""
    s = pair_stats
    a, b = aligned.name_a, aligned.name_b
    freq = aligned.frequency
    out: list[str] = [f"{a} vs {b}", "=" * len(f"{a} vs {b}"), aligned.describe(), ""]

    if metric_stats_a is not None or metric_stats_b is not None:
        out.append("Latest")
        for name, m in ((a, metric_stats_a), (b, metric_stats_b)):
            if m is not None:
                out.extend(_metric_block(name, m))
        out.append("")
    for section in (
        _correlation_lines(s, a, b, freq, aligned.lookback),
        _unit_root_lines(s, a, b),
        _lead_lag_lines(s, a, b, freq),
        _granger_lines(s),
        _regression_lines(s, a, b, freq),
        _cointegration_lines(s, a, b),
    ):
        out.extend([*section, ""])

    cm = s.comovement
    out.append(
        f"Co-movement per {PERIOD_WORD[freq]} "
        f"({cm.n_moving} periods where both moved, {cm.n_flat} flat left out)"
    )
    if cm.insufficient:
        out.append(f"  {cm.insufficient}")
    else:
        out.append(
            f"  both up {format_share(cm.both_up)}, both down {format_share(cm.both_down)}, "
            f"{a} up & {b} down {format_share(cm.a_up_b_down)}, "
            f"{a} down & {b} up {format_share(cm.a_down_b_up)}"
        )
        out.append(
            f"  when {a} rose, {b} fell {format_share(cm.b_down_when_a_up)} of the time; "
            f"when {a} fell, {b} rose {format_share(cm.b_up_when_a_down)} of the time"
        )
    out.append(
        f"  over the window {a} {_change(cm.a_change_over_window, aligned.change_a)}, "
        f"{b} {_change(cm.b_change_over_window, aligned.change_b)}"
    )
    if cm.current_state is not None:
        out.append(
            f"  now: {_state_text(cm.current_state, a, b)} for {periods(cm.current_run, freq)} "
            f"(since {format_date(cm.current_run_since)})"
        )
    out.append("")

    rg = s.regimes
    out.append(f"Regimes of {a} (level vs {periods(rg.window, freq)} earlier)")
    for regime in (rg.expanding, rg.contracting):
        if regime.insufficient:
            out.append(f"  {regime.regime} (n {regime.n}): {regime.insufficient}")
        else:
            out.append(
                f"  {regime.regime} (n {regime.n}): correlation of changes {format_r(regime.correlation)}, "
                f"mean {b} change {_change(regime.mean_b_change, aligned.change_b)} per {PERIOD_WORD[freq]}"
            )
    if rg.current_regime:
        out.append(f"  now {a} is {rg.current_regime} (since {format_date(rg.current_regime_since)})")

    if spreads:
        out.append("")
        out.append("Spreads (current value; z against the rolling band)")
        for kind, spread in spreads.items():
            if spread.insufficient:
                out.append(f"  {kind}: {spread.insufficient}")
            else:
                z = "n/a" if spread.current_zscore is None else f"{spread.current_zscore:+.2f}"
                out.append(f"  {kind}: {_number(spread.current)} {spread.units} (z {z})")
    return "\n".join(out).rstrip() + "\n"
