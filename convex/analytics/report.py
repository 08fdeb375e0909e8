"""The whole pair analysis in one call, as JSON for the CLI and as readable plain text."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from convex.analytics.align import AlignedPair, align_pair
from convex.analytics.metric_stats import MetricStats, metric_statistics
from convex.analytics.pair_stats import PairStats, pair_statistics
from convex.analytics.serialise import format_date
from convex.analytics.spreads import SPREAD_KINDS, SpreadResult, spread_series
from convex.formatting import PERIOD_WORD, format_pvalue, format_r, format_share, periods

_PAIR_KEYS_FROM_ALIGNMENT = ("name_a", "name_b", "frequency", "lookback", "n")


def full_report_dict(
    aligned: AlignedPair,
    stats: PairStats,
    *,
    metric_a: MetricStats | None = None,
    metric_b: MetricStats | None = None,
    spreads: dict[str, SpreadResult] | None = None,
    include_series: bool = False,
) -> dict:
    """aligned.to_dict() (a, b, frequency, n, start, end, method, ...) plus every pair statistic.

    Nested keys follow the result types: correlation.changes, lead_lag.best_lag,
    granger.a_to_b.pvalue, comovement.current_run, ...
    """
    out = aligned.to_dict(include_series=include_series)
    pair = stats.to_dict(include_series=include_series)
    for key in _PAIR_KEYS_FROM_ALIGNMENT:
        pair.pop(key, None)
    out.update(pair)
    if metric_a is not None:
        out["metric_a"] = metric_a.to_dict()
    if metric_b is not None:
        out["metric_b"] = metric_b.to_dict()
    if spreads is not None:
        out["spreads"] = {
            kind: spread.to_dict(include_series=include_series) for kind, spread in spreads.items()
        }
    return out


@dataclass(frozen=True, eq=False)
class PairReport:
    aligned: AlignedPair
    stats: PairStats
    metric_a: MetricStats
    metric_b: MetricStats
    spreads: dict[str, SpreadResult] = field(default_factory=dict)

    def to_dict(self, *, include_series: bool = False) -> dict:
        return full_report_dict(
            self.aligned,
            self.stats,
            metric_a=self.metric_a,
            metric_b=self.metric_b,
            spreads=self.spreads,
            include_series=include_series,
        )

    def render_text(self) -> str:
        return render_text(self.stats, self.aligned, self.metric_a, self.metric_b, spreads=self.spreads)


def pair_report(
    a: pd.Series,
    b: pd.Series,
    *,
    freq_a: str,
    freq_b: str,
    change_a: str,
    change_b: str,
    lookback: str = "Max",
    name_a: str = "A",
    name_b: str = "B",
    metric_window: str = "90D",
    today: pd.Timestamp | None = None,
    max_lag: int | None = None,
    rolling_window: int | None = None,
    regime_window: int | None = None,
    spread_kinds: tuple[str, ...] = SPREAD_KINDS,
) -> PairReport:
    """Align, compute every pair statistic, each metric's own statistics and the spreads."""
    aligned = align_pair(
        a, b, freq_a=freq_a, freq_b=freq_b, change_a=change_a, change_b=change_b,
        lookback=lookback, name_a=name_a, name_b=name_b,
    )  # fmt: skip
    stats = pair_statistics(
        aligned, max_lag=max_lag, rolling_window=rolling_window, regime_window=regime_window
    )
    return PairReport(
        aligned=aligned,
        stats=stats,
        metric_a=metric_statistics(a, frequency=freq_a, change=change_a, window=metric_window, today=today),
        metric_b=metric_statistics(b, frequency=freq_b, change=change_b, window=metric_window, today=today),
        spreads={kind: spread_series(aligned, kind, window=rolling_window) for kind in spread_kinds},
    )


# --------------------------------------------------------------------------- formatting


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


def render_text(
    pair_stats: PairStats,
    aligned: AlignedPair,
    metric_stats_a: MetricStats | None = None,
    metric_stats_b: MetricStats | None = None,
    *,
    spreads: dict[str, SpreadResult] | None = None,
) -> str:
    """A plain-text report for `python -m convex stats A B`."""
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

    c = s.correlation
    out.append(f"Correlation (lookback {aligned.lookback})")
    if c.insufficient:
        out.append(f"  levels: {c.insufficient}")
    else:
        out.append(
            f"  levels:  r {format_r(c.levels)} "
            f"(95% CI {format_r(c.levels_ci_low)} to {format_r(c.levels_ci_high)}, "
            f"p {format_pvalue(c.levels_pvalue)}, n {c.n_levels})"
        )
        if c.levels_possibly_spurious:
            out.append(
                "    possibly spurious: neither level is stationary "
                f"(ADF p {a} {format_pvalue(c.adf_pvalue_a)}, "
                f"{b} {format_pvalue(c.adf_pvalue_b)}) and they are not cointegrated "
                f"(p {format_pvalue(s.cointegration.pvalue)}); trust the correlation of changes instead"
            )
        elif c.levels_possibly_spurious is False:
            out.append(
                f"    unit roots: ADF p {a} {format_pvalue(c.adf_pvalue_a)}, "
                f"{b} {format_pvalue(c.adf_pvalue_b)}; "
                f"cointegration p {format_pvalue(s.cointegration.pvalue)}"
            )
    if c.changes_insufficient:
        out.append(f"  changes: {c.changes_insufficient}")
    else:
        out.append(
            f"  changes: r {format_r(c.changes)} "
            f"(95% CI {format_r(c.changes_ci_low)} to {format_r(c.changes_ci_high)}, "
            f"p {format_pvalue(c.changes_pvalue)}, n {c.n_changes}); Spearman {format_r(c.changes_spearman)}"
        )
    r = s.rolling_correlation
    if r.insufficient:
        out.append(f"  rolling ({r.window} periods): {r.insufficient}")
    else:
        out.append(
            f"  rolling correlation of changes over {periods(r.window, freq)}: latest {format_r(r.latest)}, "
            f"range {format_r(r.min)} to {format_r(r.max)}, mean {format_r(r.mean)}"
        )
    out.append("")

    ll = s.lead_lag
    out.append(f"Lead-lag of changes (lag k pairs {a} at t with {b} at t+k; k > 0: {a} leads)")
    if ll.insufficient:
        out.append(f"  {ll.insufficient}")
    else:
        lag = ll.best_lag or 0
        who = (
            "no lead: strongest at lag 0"
            if lag == 0
            else f"{a if lag > 0 else b} leads {b if lag > 0 else a} by {periods(abs(lag), freq)}"
        )
        verdict = "clears" if ll.significant else "does not clear"
        tried = len(ll.lags)
        out.append(
            f"  best lag {lag:+d} ({who}): r {format_r(ll.correlation)}; it {verdict} the noise band "
            f"+-{ll.band:.3f}"
        )
        adjusted = "clears" if ll.significant_adjusted else "does not clear"
        out.append(
            f"  ({tried} lags tried, -{ll.max_lag}..+{ll.max_lag}: about {0.05 * tried:.0f} would clear the "
            f"band by chance alone; it {adjusted} the band widened for that search, +-{ll.band_adjusted:.3f})"
        )
    out.append("")

    g = s.granger
    out.append("Granger causality of changes (ssr F-test, smallest p over lags)")
    for d in (g.a_to_b, g.b_to_a):
        if d.insufficient:
            out.append(f"  {d.cause} -> {d.effect}: {d.insufficient}")
        else:
            out.append(
                f"  {d.cause} -> {d.effect}: p {format_pvalue(d.pvalue)} at lag {d.lag} of 1..{d.max_lag} "
                f"(x{d.max_lag} for multiple lags: {format_pvalue(d.pvalue_bonferroni)})"
            )
    out.append("")

    reg = s.regression
    out.append(f"Regression of {b}'s changes on {a}'s changes")
    if reg.insufficient:
        out.append(f"  {reg.insufficient}")
    else:
        out.append(
            f"  beta {_number(reg.beta)} (se {_number(reg.beta_stderr, 2)}), alpha {_number(reg.alpha)}, "
            f"R2 {reg.r2:.3f}, n {reg.n}"
        )
        out.append(
            f"  hedging {b} with {_number(reg.beta)} x {a} removes {reg.hedge_effectiveness:.1%} "
            "of its change variance"
        )
        if reg.rolling_beta_latest is not None:
            out.append(
                f"  rolling beta over {periods(reg.rolling_window, freq)}: "
                f"latest {_number(reg.rolling_beta_latest)}"
            )
    out.append("")

    co = s.cointegration
    out.append("Cointegration (Engle-Granger, both orderings)")
    if co.insufficient:
        out.append(f"  {co.insufficient}")
    else:
        verdict = "cointegrated" if co.cointegrated else "not cointegrated"
        out.append(
            f"  p {format_pvalue(co.pvalue)} ({a} on {b} {format_pvalue(co.pvalue_a_on_b)}, {b} on {a} "
            f"{format_pvalue(co.pvalue_b_on_a)}; {co.input_a} of {a}, {co.input_b} of {b}, "
            f"lag {co.lag}): {verdict}"
        )
    out.append("")

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
