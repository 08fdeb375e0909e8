"""One plain sentence per scenario result, each backed by the number it states.

The forecast's track record comes first, and it says whether A adds anything beyond B's own
history: the model is credited only when it beats B's own autoregression and B's drift in the
backtest. One that beats only "no change" is described as B's drift; one that does not beat "no
change" says so. Too few episodes or a refused model get a "not enough evidence" line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convex.analytics.forecast import Backtest
from convex.analytics.scenarios import EVENT_SHARE, RANDOM_DRAWS, ScenarioReport
from convex.content.words import short_name
from convex.metrics.formatting import format_change, format_pvalue, format_share, periods
from convex.metrics.metric import Metric

SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class ScenarioText:
    forecast_verdict: str
    event_study: str
    response: str
    forecast: str

    def lines(self) -> list[str]:
        return [self.forecast_verdict, self.event_study, self.response, self.forecast]


def move_words(move: float, horizon: int, frequency: str, metric: Metric) -> str:
    size = format_change(abs(move), metric).lstrip("+")
    return f"{'fell' if move < 0 else 'rose'} {size} or more in {periods(horizon, frequency)}"


def _as_change(value: float, metric: Metric) -> float:
    """Model units (log changes for % metrics) as the change the page prints."""
    return float(np.expm1(value)) if metric.change == "pct" else value


def _record(bt: Backtest, metric_b: Metric) -> str:
    """The backtest's mean absolute errors with each benchmark's p, as a sentence."""
    b = short_name(metric_b)

    def mae(value: float) -> str:
        return format_change(value, metric_b).lstrip("+")

    left_out = ""
    if bt.skipped:
        left_out = f"; {bt.skipped} more left out as {'its' if bt.skipped == 1 else 'their'} data cross a gap"
    return (
        f"Mean absolute error {mae(bt.mae_model)} against {mae(bt.mae_own)} for {b}'s own "
        f"autoregression (p {format_pvalue(bt.pvalue_own)}), {mae(bt.mae_drift)} for its average "
        f"change (p {format_pvalue(bt.pvalue_drift)}) and {mae(bt.mae_naive)} for “no change” "
        f"(p {format_pvalue(bt.pvalue)}), over {bt.origins} backtest forecasts{left_out} (one-sided "
        "Diebold-Mariano p-values)."
    )


def forecast_verdict(report: ScenarioReport, metric_a: Metric, metric_b: Metric) -> str:
    f, a, b = report.forecast, short_name(metric_a), short_name(metric_b)
    if f.insufficient:
        return f"Not enough evidence for a forecast of {b}: {f.insufficient}."
    bt = f.backtest
    if bt is None or bt.insufficient:
        why = bt.insufficient if bt else "no backtest"
        return f"The forecast of {b} has no track record here ({why}): treat it as untested."
    record = _record(bt, metric_b)
    if bt.adds_to_own_history:
        naive = " and “no change”" if bt.beats_naive else " (though not “no change”)"
        return (
            f"The model shows {a} adds to {b}'s own history: its forecasts beat {b}'s own "
            f"autoregression and its average change{naive} in the backtest. {record}"
        )
    if bt.beats_naive:
        as_well = " or ".join(
            what
            for what, beaten in ((f"{b}'s own average change", bt.beats_drift),
                                 ("its own past changes (an autoregression)", bt.beats_own))
            if not beaten
        )  # fmt: skip
        return (
            f"The model beat a no-change forecast of {b}, but only by {b}'s own drift: a forecast from "
            f"{as_well} does as well, so {a} adds nothing measurable beyond {b}'s own history. {record}"
        )
    return (
        f"The model does not beat a no-change forecast of {b}, and {a} adds nothing measurable beyond "
        f"{b}'s own history. {record} Read its forecast as no better than assuming no change."
    )


def event_study_words(report: ScenarioReport, metric_a: Metric, metric_b: Metric) -> str:
    e, a, b = report.event_study, short_name(metric_a), short_name(metric_b)
    when = f"{a} {move_words(e.move, e.horizon, report.frequency, metric_a)}"
    chosen = default_move_words(report, metric_a)
    if e.insufficient:
        return (
            f"Not enough evidence on what {b} did after {a} moved like this: {e.insufficient} (when "
            f"{when}).{chosen}"
        )
    after, usual = e.after_episodes, e.unconditional
    span = periods(e.horizon, report.frequency)
    test = (
        f"a randomisation test of the median against {RANDOM_DRAWS:,} random sets of "
        f"{e.n_episodes} non-overlapping windows of {span}: p {format_pvalue(e.pvalue)}"
    )
    if e.pvalue < SIGNIFICANCE:
        verdict = f"{'lower' if after.median < usual.median else 'higher'} than {b}'s usual change"
    else:
        verdict = f"not distinguishable from {b}'s usual change at the 5% level"
    return (
        f"In {e.n_episodes} episodes since {e.first_signal:%Y} when {when}, {b}'s median change over "
        f"the next {span} was {format_change(after.median, metric_b)} "
        f"(IQR {format_change(after.q25, metric_b)} to {format_change(after.q75, metric_b)}; "
        f"up in {format_share(after.hit_rate)}), {verdict} over {span}: median "
        f"{format_change(usual.median, metric_b)}, up in {format_share(usual.hit_rate)} of "
        f"{usual.n:,} non-overlapping windows ({test}).{chosen}"
    )


def default_move_words(report: ScenarioReport, metric_a: Metric) -> str:
    """Why the move is the one used, when the user gave none ("" otherwise)."""
    d = report.default_move
    if d is None:
        return ""
    a, span = short_name(metric_a), periods(report.event_study.horizon, report.frequency)
    latest = format_change(d.latest, metric_a)
    if d.rule == "latest":
        return (
            f" The move is {a}'s latest over {span} ({latest}), matched or exceeded in "
            f"{format_share(d.latest_share)} of the history: rare enough to be an event."
        )
    level = f"{1 - EVENT_SHARE:.0%}" if d.move > 0 else f"{EVENT_SHARE:.0%}"
    return (
        f" {a}'s latest move over {span} ({latest}) is matched or exceeded in "
        f"{format_share(d.latest_share)} of the history, too common to be an event, so the move is "
        f"{a}'s {level} quantile ({format_change(d.move, metric_a)})."
    )


def response_words(report: ScenarioReport, metric_a: Metric, metric_b: Metric) -> str:
    r, a, b = report.response, short_name(metric_a), short_name(metric_b)
    if r.insufficient and r.insufficient == report.forecast.insufficient:
        return "No response over horizons, for the same reason as the forecast."
    if r.insufficient:
        return f"No response over horizons: {r.insufficient}."
    shock = format_change(_as_change(r.shock, metric_a), metric_a).lstrip("+")
    significant = r.significant_horizons
    if not significant:
        return (
            f"After a one-standard-deviation change of {a} ({shock}), {b}'s cumulative change is "
            "indistinguishable from zero at every horizon from 1 to "
            f"{periods(len(r.horizons), report.frequency)} (90% bands, Newey-West errors)."
        )
    peak = max(significant, key=lambda h: abs(r.response[h - 1]))
    return (
        f"After a one-standard-deviation rise of {a} ({shock}), {b}'s cumulative change differs from "
        f"zero at {len(significant)} of {len(r.horizons)} horizons (90% bands); the largest is "
        f"{format_change(_as_change(r.response[peak - 1], metric_b), metric_b)} after "
        f"{periods(peak, report.frequency)}."
    )


def forecast_words(report: ScenarioReport, metric_b: Metric) -> str:
    f, b = report.forecast, short_name(metric_b)
    if f.insufficient:
        return "No forecast, for the reason in the section's first line."

    def shown(value: float) -> str:
        return format_change(value, metric_b)

    return (
        f"Over the next {periods(f.steps, report.frequency)}, a VAR({f.lag}) on both changes forecasts "
        f"{b} {shown(f.change[-1])} (80% band {shown(f.low_80[-1])} to {shown(f.high_80[-1])}, 95% "
        f"{shown(f.low_95[-1])} to {shown(f.high_95[-1])})."
    )


def scenario_text(report: ScenarioReport, metric_a: Metric, metric_b: Metric) -> ScenarioText:
    return ScenarioText(
        forecast_verdict=forecast_verdict(report, metric_a, metric_b),
        event_study=event_study_words(report, metric_a, metric_b),
        response=response_words(report, metric_a, metric_b),
        forecast=forecast_words(report, metric_b),
    )
