"""Sentences that state what the pair statistics show, and only that.

Every function takes the two metrics and the PairReport and returns a `Claim`: a long text for
the FAQ, a short one for the summary list, and a machine-readable verdict. A claim follows the
data, with these thresholds (all two-sided, 5 % level):

* Lead: "A leads B by k periods" only when the best lag k != 0 and its correlation clears the
  noise band widened for the number of lags tried (Bonferroni: z at 1 - 0.05 / (2 m) over
  sqrt(n) for m = 2L + 1 lags; LeadLag.significant_adjusted when the analytics provide it). The
  single-lag `significant` flag, which pure noise clears at one of 25 lags most of the time,
  never earns a lead claim on its own. A non-zero best lag that clears only the single-lag band
  is reported as likely chance; a significant lag-0 correlation as "moving together".
  Sign convention: best_lag k > 0 pairs A at t with B at t + k, so A leads B.
* Granger: "helps predict" only when the Bonferroni-adjusted p (smallest p times lags tried)
  is below 0.05; never "causes".
* Hedge: a significantly negative correlation of changes makes A a diversifier for B; hedge
  effectiveness (share of B's change variance removed by the regression hedge) of at least
  HEDGE_EFFECTIVE makes it "an effective hedge", at least HEDGE_PARTIAL "a partial hedge".
  A significantly positive correlation with the same effectiveness means a short position in A
  hedges B (positive beta), never that holding A does.
* A figure is always quoted with n and the lookback; with too little data the text says so and
  quotes no statistic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from statistics import NormalDist

import numpy as np

from convex.analytics.align import CHANGE_A, CHANGE_B, NATIVE_PERIOD_DAYS
from convex.analytics.comovement import comovement_codes
from convex.analytics.pair_data import MIN_OBSERVATIONS
from convex.analytics.report import PairReport
from convex.catalog import Metric
from convex.content import words as w
from convex.formatting import beta_in_units

SIGNIFICANCE = 0.05
HEDGE_EFFECTIVE = 0.5
HEDGE_PARTIAL = 0.2

_SAME_PERIOD = {
    "daily": "same-day",
    "weekly": "same-week",
    "monthly": "same-month",
    "quarterly": "same-quarter",
}
_NORMAL = NormalDist()
# Sources whose series can be bought as they are; the rest are rates, indexes or statistics.
_INVESTABLE_SOURCES = ("yahoo", "coingecko")
_INVESTABLE_INDEXES = ("spx", "ixic", "dxy", "dcoilwtico", "dcoilbrenteu", "dhhngsp", "copper")


@dataclass(frozen=True)
class Claim:
    text: str
    short: str
    verdict: str


@dataclass(frozen=True)
class Context:
    """The pair and its report, with the words every sentence needs (computed once each)."""

    a: Metric
    b: Metric
    report: PairReport

    @cached_property
    def name_a(self) -> str:
        return w.short_name(self.a)

    @cached_property
    def name_b(self) -> str:
        return w.short_name(self.b)

    @cached_property
    def frequency(self) -> str:
        return self.report.aligned.frequency

    @cached_property
    def lookback(self) -> str:
        """ "the last 3 years (8 Mar 2023 to 4 Mar 2026)", with how long ago that ends when it is
        more than a period before today, and a flag when it is old."""
        aligned = self.report.aligned
        words = w.lookback_words(aligned.lookback)
        if aligned.start is None or aligned.end is None:
            return words
        words += f" ({self.date(aligned.start)} to {self.date(aligned.end)}"
        age = aligned.days_before_today
        if age is not None and age > NATIVE_PERIOD_DAYS[self.frequency]:
            words += f", which ends {w.count(age)} days before today" + (", old data" if aligned.old else "")
        return words + ")"

    @cached_property
    def over(self) -> str:
        """ "Over the last 3 years"."""
        return f"Over {self.lookback}"

    @cached_property
    def changes(self) -> str:
        """ "weekly changes"."""
        return w.CHANGES_WORD[self.frequency]

    @property
    def period(self) -> str:
        return w.PERIOD_SINGULAR[self.frequency]

    @property
    def plural(self) -> str:
        return w.PERIOD_PLURAL[self.frequency]

    @cached_property
    def shortfall(self) -> str | None:
        return _shortfall(self)

    def periods(self, count: int) -> str:
        return w.periods(count, self.frequency)

    def date(self, value) -> str:
        return w.date_words(value, self.frequency)


# --------------------------------------------------------------------------- data shortfall


def shortfall(ctx: Context) -> str | None:
    """A plain statement when there is too little data to measure the relationship at all."""
    return ctx.shortfall


def _shortfall(ctx: Context) -> str | None:
    aligned, c = ctx.report.aligned, ctx.report.stats.correlation
    a, b = ctx.name_a, ctx.name_b
    if aligned.n == 0:
        return (
            f"{a} and {b} have no dates in common over {ctx.lookback}, so their relationship cannot be "
            "measured."
        )
    if c.changes_insufficient is None:
        return None
    if c.n_changes < MIN_OBSERVATIONS:
        return (
            f"Not enough data: {a} and {b} have only {w.counted(c.n_changes, ctx.changes[:-1])} in common "
            f"over {ctx.lookback}, and at least {MIN_OBSERVATIONS} are needed, so nothing is claimed about "
            "how they relate."
        )
    return (
        f"One of {a} and {b} did not move over {ctx.lookback}, so their changes cannot be correlated and "
        "nothing is claimed about how they relate."
    )


def _interval(low: float | None, high: float | None) -> str:
    return f"95% interval {w.signed_r(low)} to {w.signed_r(high)}"


def _significant(p: float | None) -> bool:
    return p is not None and math.isfinite(p) and p < SIGNIFICANCE


# --------------------------------------------------------------------------- notes against the data


def window_moves(ctx: Context) -> str | None:
    """ "Over the last 3 years Fed Balance Sheet changed -12.0% and TLT +4.1%"."""
    cm = ctx.report.stats.comovement
    if cm.a_change_over_window is None or cm.b_change_over_window is None:
        return None
    return (
        f"{ctx.over} {ctx.name_a} changed {w.change(ctx.a, cm.a_change_over_window)} and {ctx.name_b} "
        f"{w.change(ctx.b, cm.b_change_over_window)}"
    )


def note_evidence(ctx: Context, expected_sign: int | None) -> str | None:
    """The figures a hand-written note is read against, and, when the note states the usual sign
    of the relationship, whether this window bears it out."""
    c = ctx.report.stats.correlation
    if shortfall(ctx) or c.changes is None:
        return None  # the shortfall sentence says why nothing is measured
    moves = window_moves(ctx)
    figure = f"{ctx.changes} correlated {w.signed_r(c.changes)} ({w.pvalue(c.changes_pvalue)})"
    measured = f"{moves}; {figure}" if moves else figure
    measured = measured[0].lower() + measured[1:]
    if expected_sign is None:
        return f"Measured: {measured}."
    usual = "positive" if expected_sign > 0 else "negative"
    if not _significant(c.changes_pvalue):
        return f"Not measurable over this window: {measured}, not significant."
    if (c.changes > 0) == (expected_sign > 0):
        return f"Borne out over this window (the usual {usual} link): {measured}."
    return f"**Not borne out over this window**: the usual link is {usual}, but {measured}."


# --------------------------------------------------------------------------- correlation


# Below this share of n, the effective sample size is worth saying.
_EFFECTIVE_SHARE_SAID = 0.9


def correlation_figure(ctx: Context) -> str:
    """ "weekly changes correlated at -0.21 (n=156, 95% interval -0.36 to -0.05, p 0.008)", with the
    effective sample size when autocorrelation shrinks it noticeably (the interval and p use it)."""
    c = ctx.report.stats.correlation
    effective = ""
    if c.n_changes_effective is not None and c.n_changes_effective < _EFFECTIVE_SHARE_SAID * c.n_changes:
        effective = (
            f", worth about {w.count(round(c.n_changes_effective))} independent ones given autocorrelation"
        )
    return (
        f"{ctx.changes} correlated at {w.signed_r(c.changes)} (n={w.count(c.n_changes)}{effective}, "
        f"{_interval(c.changes_ci_low, c.changes_ci_high)}, {w.pvalue(c.changes_pvalue)})"
    )


def correlation(ctx: Context, expected_sign: int | None = None) -> Claim:
    gap = shortfall(ctx)
    if gap:
        return Claim(gap, gap, "insufficient")
    stats = ctx.report.stats
    c = stats.correlation
    r = float(c.changes)
    significant = _significant(c.changes_pvalue)
    sentences = [f"{ctx.over}, {correlation_figure(ctx)}: {w.strength(r)}."]
    if not significant:
        sentences.append("That is not significantly different from zero at the 5% level.")
    if not significant and expected_sign is not None:
        usual = "positive" if expected_sign > 0 else "negative"
        sentences.append(f"The usual {usual} relationship for this pair did not show up over this window.")
    if significant and expected_sign is not None and r != 0:
        if (r > 0) == (expected_sign > 0):
            sentences.append("That is the usual sign for this pair.")
        else:
            sentences.append(
                "That is the opposite of the usual sign for this pair: the textbook relationship has not "
                "held over this window."
            )
    if c.changes_spearman is not None:
        sentences.append(
            f"The rank (Spearman) correlation, less swayed by outliers, is {w.signed_r(c.changes_spearman)}."
        )
    rolling = stats.rolling_correlation
    if rolling.insufficient is None and rolling.min is not None and rolling.max is not None:
        latest = "" if rolling.latest is None else f"; the latest is {w.signed_r(rolling.latest)}"
        sentences.append(
            f"Over rolling {rolling.window}-{w.WINDOW_WORD[ctx.frequency]} windows it ranged from "
            f"{w.signed_r(rolling.min)} "
            f"to {w.signed_r(rolling.max)}{latest}."
        )
    levels = levels_sentence(ctx)
    if levels:
        sentences.append(levels)
    verdict = "positive" if significant and r > 0 else "negative" if significant else "uncorrelated"
    short = f"{w.sentence_case(correlation_figure(ctx))}; {w.strength(r)}"
    if not significant:
        short += ", not significant"
    return Claim(" ".join(sentences), short + ".", verdict)


def levels_sentence(ctx: Context, opening: str = "Levels correlated") -> str | None:
    """The levels correlation with the spurious-regression check or the cointegration result."""
    stats = ctx.report.stats
    c = stats.correlation
    if c.insufficient is not None or c.levels is None:
        return None
    if c.levels_pvalue is not None:
        text = (
            f"{opening} at {w.signed_r(c.levels)} (n={w.count(c.n_levels)}, "
            f"{_interval(c.levels_ci_low, c.levels_ci_high)}, allowing for autocorrelation)."
        )
    else:
        # A level with a unit root is not a sample of independent draws: no interval at any size.
        note = c.levels_interval_note.removeprefix("no interval or p-value: ")
        text = f"{opening} at {w.signed_r(c.levels)} (n={w.count(c.n_levels)}; no interval, as {note})."
    extra = spurious_sentence(ctx)
    if extra:
        return f"{text} {extra}"
    words = cointegration_sentence(ctx)
    return f"{text} {words}" if words else text


def _unit_root_words(ctx: Context) -> list[str]:
    roots = ctx.report.stats.unit_roots
    out = []
    for name, root in ((ctx.name_a, roots.level_a), (ctx.name_b, roots.level_b)):
        if root.stationary is False:
            out.append(f"{name} has a unit root (ADF {w.pvalue(root.pvalue)})")
        elif root.stationary:
            out.append(f"{name} is stationary (ADF {w.pvalue(root.pvalue)})")
    return out


def spurious_sentence(ctx: Context) -> str | None:
    c = ctx.report.stats.correlation
    if not c.levels_possibly_spurious:
        return None
    roots = "; ".join(_unit_root_words(ctx))
    return (
        f"That levels figure is probably spurious: {roots} over the window, and the two are not shown to be "
        "cointegrated, so unrelated trends can produce it. Judge the relationship by the correlation of "
        "changes."
    )


def cointegration_sentence(ctx: Context) -> str | None:
    """What the three cointegration tests found, in words, with their figures."""
    co = ctx.report.stats.cointegration
    if co.insufficient is not None or co.verdict is None:
        return None
    if co.verdict == "not_applicable":
        return f"Cointegration is not tested: {co.reason}."
    figures = (
        f"Engle-Granger {w.pvalue(co.a_on_b.pvalue)} with {ctx.name_a} on {ctx.name_b} and "
        f"{w.pvalue(co.b_on_a.pvalue)} the other way; Johansen's trace {w.number(co.johansen_trace)} against "
        f"{w.number(co.johansen_critical_5pct)} at 5%"
    )
    if co.verdict == "cointegrated":
        return (
            f"They are cointegrated by all three tests ({figures}): their levels have kept a stable long-run "
            "relationship, so gaps between them have tended to close."
        )
    if co.verdict == "mixed":
        return (
            f"The cointegration tests disagree ({figures}), so the pair is not called cointegrated: the "
            "evidence for a stable long-run relationship is mixed."
        )
    return f"They are not cointegrated ({figures})."


# --------------------------------------------------------------------------- lead-lag


def lead_lag(ctx: Context) -> Claim:
    gap = shortfall(ctx)
    if gap:
        return Claim(gap, gap, "insufficient")
    stats = ctx.report.stats
    ll, c = stats.lead_lag, stats.correlation
    a, b = ctx.name_a, ctx.name_b
    if ll.insufficient is not None or ll.best_lag is None or ll.correlation is None or ll.band is None:
        text = f"There are too few consecutive {ctx.changes} over {ctx.lookback} to test whether one leads."
        return Claim(text, text, "insufficient")
    if ll.max_lag < 1:
        text = (
            f"The {w.count(ll.n)} {ctx.changes} over {ctx.lookback} are too few to test leads: every lag "
            f"needs at least {MIN_OBSERVATIONS} pairs."
        )
        return Claim(text, text, "insufficient")
    tried = len(ll.lags)
    bar = ll.band_adjusted
    clears = bool(ll.significant_adjusted)
    window = f"±{ctx.periods(ll.max_lag)}"
    k, r = ll.best_lag, ll.correlation
    pairs = dict(zip(ll.lags, ll.n_pairs, strict=True)).get(k, ll.n)
    by_lag = dict(zip(ll.lags, ll.correlations, strict=True))
    r0 = by_lag.get(0)
    same = _SAME_PERIOD[ctx.frequency]
    same_text = "" if r0 is None else f" {w.sentence_case(same)} changes correlate at {w.signed_r(r0)}."
    if k != 0 and clears:
        leader, follower = (a, b) if k > 0 else (b, a)
        lead = ctx.periods(abs(k))
        text = (
            f"{leader} has led {follower} by {lead} over {ctx.lookback}: {leader}'s {ctx.changes} correlated "
            f"at {w.signed_r(r)} with {follower}'s {lead} later (n={w.count(pairs)}), beyond the "
            f"±{w.number(bar)} noise band that allows for the {tried} lags tried (lag {k:+d}, where a "
            f"positive lag means {a} moves first).{same_text}"
        )
        short = f"{leader} leads {follower} by {lead} (r {w.signed_r(r)} at lag {k:+d}, n={w.count(pairs)})."
        return Claim(text, short, "a_leads_b" if k > 0 else "b_leads_a")
    same_r = r0 if r0 is not None else c.changes
    together = _significant(c.changes_pvalue)
    if k == 0:
        detail = (
            f"the strongest correlation is at lag 0, where {same} changes correlate at {w.signed_r(r)} "
            f"(n={w.count(ll.n)})"
        )
        detail += (
            f"; {a} and {b} react in the same {ctx.period} rather than one leading."
            if together
            else ", itself not significant."
        )
    else:
        ahead = f"{(a if k > 0 else b)} {ctx.periods(abs(k))} ahead"
        if ll.significant:
            why = (
                f"clears the ±{w.number(ll.band)} band for a single lag but not the ±{w.number(bar)} band "
                f"for the {tried} lags tried, so it is likely chance"
            )
        else:
            why = f"is inside the ±{w.number(bar)} noise band for the {tried} lags tried"
        detail = f"the strongest lagged correlation, {w.signed_r(r)} with {ahead}, {why}."
        if together:
            detail += (
                f" {w.sentence_case(same)} changes do correlate, at {w.signed_r(same_r)} "
                f"(n={w.count(ll.n)}): {a} and {b} react in the same {ctx.period} rather than one leading."
            )
    text = f"No significant lead within {window} over {ctx.lookback}: {detail}"
    if together:
        return Claim(
            text, f"No significant lead within {window}; they react in the same {ctx.period}.", "together"
        )
    return Claim(text, f"No significant lead within {window}.", "none")


# --------------------------------------------------------------------------- Granger


def granger(ctx: Context) -> Claim:
    gap = shortfall(ctx)
    if gap:
        return Claim(gap, gap, "insufficient")
    g = ctx.report.stats.granger
    if g.lag is None:
        why = g.insufficient or "the regressions could not be estimated"
        text = f"Predictive power is not tested over {ctx.lookback}: {why}."
        return Claim(text, f"Not tested: {why}.", "insufficient")
    lag = ctx.periods(g.lag)
    chosen = (
        f"at a lag of {lag}, the shortest there is (AIC chose none)"
        if g.lag_by_aic == 0
        else f"at a lag of {lag}, chosen by AIC for both series' changes together"
    )
    names = {"a_to_b": (ctx.name_a, ctx.name_b), "b_to_a": (ctx.name_b, ctx.name_a)}
    sentences, shorts, predicts = [], [], []
    for key, direction in (("a_to_b", g.a_to_b), ("b_to_a", g.b_to_a)):
        cause, effect = names[key]
        if direction.insufficient is not None or direction.pvalue is None:
            sentences.append(f"Whether past {cause} changes help predict {effect} could not be tested.")
        elif direction.significant:
            predicts.append(key)
            sentences.append(
                f"Past {cause} changes help predict {effect}'s beyond what {effect}'s own past does "
                f"(Granger {w.pvalue(direction.pvalue)})."
            )
            shorts.append(f"past {cause} changes help predict {effect} ({w.pvalue(direction.pvalue)})")
        else:
            sentences.append(
                f"Past {cause} changes do not help predict {effect}'s ({w.pvalue(direction.pvalue)})."
            )
    if predicts:
        sentences.append("Predicting is not causing: both may answer to a common driver at different speeds.")
    verdict = {
        0: "neither",
        1: "a_predicts_b" if predicts == ["a_to_b"] else "b_predicts_a",
        2: "both",
    }[len(predicts)]
    figures = "; ".join(
        f"{d.cause} → {d.effect} {w.pvalue(d.pvalue)}" for d in (g.a_to_b, g.b_to_a) if d.pvalue is not None
    )
    short = (
        w.sentence_case("; ".join(shorts)) + "."
        if shorts
        else f"Neither helps predict the other ({figures}, lag {lag})."
    )
    text = f"{ctx.over}, tested {chosen}: " + " ".join(sentences)
    return Claim(text, short, verdict)


# --------------------------------------------------------------------------- beta and hedging


def beta_phrase(ctx: Context) -> str | None:
    """ "each +1 bp in the 10-Year Treasury Yield came with -0.17% in TLT (95% interval -0.20% to
    -0.14%)", or that the response is indistinguishable from zero."""
    reg = ctx.report.stats.regression
    if reg.beta is None:
        return None
    moves = beta_in_units(reg.beta, ctx.a, ctx.b)
    if moves is None:
        return f"{ctx.name_b}'s changes hardly responded to {ctx.name_a}'s (beta near zero)"
    move_a, move_b = moves
    scale = move_b / reg.beta
    came = f"came with {w.change(ctx.b, move_b)} in {ctx.name_b}"
    phrase = f"each {w.change(ctx.a, move_a)} in {ctx.name_a} {came}"
    if reg.beta_ci_low is None or reg.beta_ci_high is None:
        return phrase
    low, high = w.change(ctx.b, reg.beta_ci_low * scale), w.change(ctx.b, reg.beta_ci_high * scale)
    interval = f"95% interval {low} to {high}"
    if reg.beta_indistinguishable_from_zero:
        return f"{phrase}, indistinguishable from zero ({interval})"
    return f"{phrase} ({interval})"


def beta_label(ctx: Context) -> str:
    """ "beta 0.55, " when both changes are returns (a dimensionless hedge ratio), else ""."""
    beta = ctx.report.stats.regression.beta
    if beta is None or ctx.a.change != "pct" or ctx.b.change != "pct":
        return ""
    return f"beta {w.number(beta)}, "


def _investable(metric: Metric) -> bool:
    return metric.source in _INVESTABLE_SOURCES or metric.id in _INVESTABLE_INDEXES or metric.domain == "FX"


def _not_held_note(metric: Metric, name: str, other: str) -> str | None:
    """Why a hedge "with" this metric is not a position you can simply hold, if it is not."""
    if _investable(metric):
        return None
    if metric.domain == "Volatility":
        return (
            f"{name} itself cannot be bought: futures and funds that track volatility lose value in calm "
            "markets as they roll (contango), so the index overstates what a real hedge would have delivered."
        )
    if metric.units in ("Percent", "Percentage points") and metric.domain != "Growth & Labor":
        return (
            f"{name} is a rate, not an asset: exposure comes through bonds or futures, whose prices move "
            "opposite to the rate."
        )
    return (
        f"{name} is an economic statistic, not an asset, so this measures whether its moves offset "
        f"{other}'s, not a hedge you could trade."
    )


def _long_position(ctx: Context) -> str:
    """Holding A, in words that fit what A is: a rate or a statistic cannot be held."""
    if _investable(ctx.a):
        return f"holding {ctx.name_a} long"
    return f"a position that gains when {ctx.name_a} rises"


def _short_position(ctx: Context) -> str:
    if _investable(ctx.a):
        return f"shorting {ctx.name_a}"
    return f"a position that gains when {ctx.name_a} falls"


def hedge(ctx: Context) -> Claim:
    gap = shortfall(ctx)
    if gap:
        return Claim(gap, gap, "insufficient")
    stats = ctx.report.stats
    c, reg = stats.correlation, stats.regression
    a, b = ctx.name_a, ctx.name_b
    if reg.insufficient is not None or reg.hedge_effectiveness is None or reg.beta is None:
        text = f"The hedge regression of {b} on {a} could not be estimated over {ctx.lookback}."
        return Claim(text, text, "insufficient")
    mechanical = ctx.a.mechanical_link(ctx.b)
    if mechanical:
        text = (
            f"Not a question of hedging: {mechanical}, so the two are linked by construction. Their "
            f"{correlation_figure(ctx)} measure that arithmetic, not a market relationship."
        )
        return Claim(text, f"Linked by construction ({mechanical}), not a hedge.", "mechanical")
    r = float(c.changes)
    he = max(0.0, reg.hedge_effectiveness)
    removed = w.share(he)
    # "removed 4% of" / "removed essentially none of"
    removed_of = "essentially none" if removed == "0%" else removed
    only = "" if removed == "0%" else "only "
    variance = f"{b}'s {ctx.changes[:-1]} variance"
    figure = correlation_figure(ctx)
    significant = _significant(c.changes_pvalue)
    if significant and r < 0:
        if he >= HEDGE_EFFECTIVE:
            verdict, head = "hedge", f"Yes: {a} has been an effective hedge for {b} over {ctx.lookback}."
        elif he >= HEDGE_PARTIAL:
            verdict = "partial_hedge"
            head = f"Partly: {a} has been a partial hedge for {b} over {ctx.lookback}."
        else:
            verdict = "diversifier"
            head = (
                f"Not an effective hedge, but a diversifier: over {ctx.lookback} {a} tended to move against "
                f"{b}, too loosely to offset it."
            )
        body = f"Their {figure}; {_long_position(ctx)} sized by the beta removed {removed_of} of {variance}."
    elif significant and r > 0 and he >= HEDGE_PARTIAL:
        effective = he >= HEDGE_EFFECTIVE
        verdict = "short_hedge" if effective else "short_partial_hedge"
        kind = "an effective" if effective else "a partial"
        head = (
            f"Not when held long: {a} and {b} move together, so owning {a} adds to {b}'s risk. Because the "
            f"beta is positive, a short position in {a} has been {kind} hedge for {b}."
        )
        body = f"Their {figure}; {_short_position(ctx)} sized by the beta removed {removed} of {variance}."
    elif significant and r > 0:
        verdict = "not_a_hedge"
        head = f"No: {a} and {b} tend to move together, so owning {a} adds to {b}'s risk."
        body = (
            f"Their {figure}, too loosely for a short position in {a} to help: it would have removed "
            f"{only}{removed_of} of {variance}."
        )
    else:
        verdict = "not_a_hedge"
        head = f"No: over {ctx.lookback} {a} neither offset nor amplified {b}'s moves."
        body = (
            f"Their {figure}, not significantly different from zero, and a beta-sized position in {a} would "
            f"have removed {only}{removed_of} of {variance}."
        )
    sentences = [head, body]
    out_of_sample = reg.hedge_effectiveness_out_of_sample
    if out_of_sample is not None:
        sentences.append(
            f"Out of sample, the same hedge with its ratio estimated on the trailing "
            f"{ctx.periods(reg.rolling_window)} only and applied to the next {ctx.period} removed "
            f"{w.share(max(0.0, out_of_sample))} of the variance over {ctx.periods(reg.n_out_of_sample)}"
            + (" (it added variance)" if out_of_sample < 0 else "")
            + "."
        )
    phrase = beta_phrase(ctx)
    if phrase:
        sentences.append(f"On average, {phrase} ({beta_label(ctx)}n={w.count(reg.n)}).")
    if _investable(ctx.a) and _investable(ctx.b) and ctx.a.change == "pct" and ctx.b.change == "pct":
        if verdict != "not_a_hedge":
            sentences.append(
                f"As a hedge ratio: about {w.number(abs(reg.beta))} dollars of {a} per dollar of {b}."
            )
    else:
        note = _not_held_note(ctx.a, a, b)
        if note:
            sentences.append(note)
    sentences.append(
        f"(The bar used here: a hedge needs a significantly negative correlation of changes, an effective "
        f"one also removes at least {w.share(HEDGE_EFFECTIVE)} of the variance, a partial one at least "
        f"{w.share(HEDGE_PARTIAL)}.)"
    )
    short_words = {
        "hedge": f"{a} has been an effective hedge for {b}",
        "partial_hedge": f"{a} has been a partial hedge for {b}",
        "diversifier": f"{a} has diversified {b} but not hedged it",
        "short_hedge": f"a short position in {a} has hedged {b}",
        "short_partial_hedge": f"a short position in {a} has partly hedged {b}",
        "not_a_hedge": f"{a} has not been a hedge for {b}",
    }[verdict]
    short = f"{w.sentence_case(short_words)}; the beta hedge removed {removed_of} of {variance}."
    return Claim(" ".join(sentences), short, verdict)


# --------------------------------------------------------------------------- divergence and regimes


_STATE_WORDS = {
    "both_up": "both rising",
    "both_down": "both falling",
    "a_up_b_down": "{a} up, {b} down",
    "a_down_b_up": "{a} down, {b} up",
}


def current_run(ctx: Context) -> str | None:
    cm = ctx.report.stats.comovement
    if cm.current_state is None or cm.current_run < 1:
        return None
    if cm.current_state == "flat":
        return f"In the latest {ctx.period} at least one of them did not change."
    state = _STATE_WORDS[cm.current_state].format(a=ctx.name_a, b=ctx.name_b)
    return (
        f"The current run: {ctx.periods(cm.current_run)} of {state} (since {ctx.date(cm.current_run_since)})."
    )


def _recent_counts(ctx: Context) -> tuple[int, int, int] | None:
    """(periods, A up & B down, A down & B up) over the last rolling window of the lookback."""
    frame = ctx.report.aligned.frame
    window = ctx.report.stats.rolling_window
    columns = list(frame.columns)
    values = frame.to_numpy(dtype=float)
    a_chg, b_chg = values[:, columns.index(CHANGE_A)], values[:, columns.index(CHANGE_B)]
    both = np.isfinite(a_chg) & np.isfinite(b_chg)
    if int(both.sum()) < 2 * window:
        return None
    codes = comovement_codes(a_chg[both][-window:], b_chg[both][-window:])
    return window, int(np.count_nonzero(codes == 2)), int(np.count_nonzero(codes == -2))


def divergence(ctx: Context) -> Claim:
    gap = shortfall(ctx)
    if gap:
        return Claim(gap, gap, "insufficient")
    cm = ctx.report.stats.comovement
    a, b = ctx.name_a, ctx.name_b
    sentences = []
    short = ""
    if cm.insufficient is None and cm.both_up is not None and cm.both_down is not None:
        same = cm.both_up + cm.both_down
        sentences.append(
            f"{ctx.over}, {a} rose while {b} fell in {w.share(cm.a_up_b_down)} of the "
            f"{w.count(cm.n_moving)} {ctx.plural} in which both moved, and fell while {b} rose in "
            f"{w.share(cm.a_down_b_up)}; they moved the same way in {w.share(same)}."
        )
        short = f"Same direction in {w.share(same)} of {w.count(cm.n_moving)} {ctx.plural}"
        if cm.n_flat:
            sentences.append(f"In {ctx.periods(cm.n_flat)} at least one of them was unchanged.")
    else:
        sentences.append(
            f"{ctx.over} too few {ctx.plural} had both of them moving (n={w.count(cm.n_moving)}) to count "
            "how often they diverged."
        )
    recent = _recent_counts(ctx)
    if recent and cm.insufficient is None:
        window, up_down, down_up = recent
        sentences.append(
            f"In the last {ctx.periods(window)}, {a} rose while {b} fell in {up_down} and fell while {b} "
            f"rose in {down_up}."
        )
    if cm.a_change_over_window is not None and cm.b_change_over_window is not None:
        sentences.append(
            f"Over the whole window {a} changed {w.change(ctx.a, cm.a_change_over_window)} and {b} "
            f"{w.change(ctx.b, cm.b_change_over_window)}."
        )
    run = current_run(ctx)
    if run:
        sentences.append(run)
        short = f"{short}; {run[0].lower()}{run[1:]}" if short else run
    regime = regimes(ctx)
    if regime.text:
        sentences.append(regime.text)
    return Claim(" ".join(sentences), (short.rstrip(".") + ".") if short else "", "measured")


def _difference_pvalue(r1: float, n1: float, r2: float, n2: float) -> float | None:
    """Two-sided p of equal correlations in two independent samples (Fisher z; n may be effective)."""
    if n1 <= 3 or n2 <= 3 or abs(r1) >= 1 or abs(r2) >= 1:
        return None
    z = (math.atanh(r1) - math.atanh(r2)) / math.sqrt(1 / (n1 - 3) + 1 / (n2 - 3))
    return 2 * (1 - _NORMAL.cdf(abs(z)))


def regimes(ctx: Context) -> Claim:
    rg = ctx.report.stats.regimes
    a = ctx.name_a
    if shortfall(ctx) or rg.insufficient is not None:
        return Claim("", "", "insufficient")
    view = f"{ctx.periods(rg.window)} earlier"

    def measured(regime, label: str) -> str:
        if regime.insufficient is None and regime.correlation is not None:
            return f"{label}, {w.signed_r(regime.correlation)} (n={w.count(regime.n)})"
        return f"{label}, too few {ctx.plural} to measure (n={w.count(regime.n)})"

    # Balance sheets and money stocks expand and contract; prices and rates rise and fall.
    up, down = ("expanding", "contracting") if ctx.a.domain == "Liquidity" else ("rising", "falling")
    rising = measured(
        rg.expanding, f"while {a} was {up} (above its level {view}, as known when each {ctx.period} began)"
    )
    falling = measured(rg.contracting, f"while it was {down}")
    text = f"By regime, the correlation of {ctx.changes} was: {rising}; {falling}."
    e, k = rg.expanding, rg.contracting
    c = ctx.report.stats.correlation
    # Each regime keeps the window's autocorrelation: its effective size shrinks by the same factor.
    shrink = (c.n_changes_effective / c.n_changes) if c.n_changes_effective and c.n_changes else 1.0
    if e.correlation is not None and k.correlation is not None:
        p = _difference_pvalue(e.correlation, e.n * shrink, k.correlation, k.n * shrink)
        if p is not None and p < SIGNIFICANCE:
            text += f" The difference is statistically significant ({w.pvalue(p)})."
        elif p is not None:
            text += f" The difference is within noise ({w.pvalue(p)})."
    if rg.current_regime:
        word = up if rg.current_regime == "expanding" else down
        text += f" {a} has been {word} on that view since {ctx.date(rg.current_regime_since)}."
    return Claim(text, text, "measured")


# --------------------------------------------------------------------------- where they stand


def standing(ctx: Context) -> str | None:
    """Latest values and where they sit in each metric's own history."""
    parts = []
    for metric, stats in ((ctx.a, ctx.report.metric_a), (ctx.b, ctx.report.metric_b)):
        if stats.insufficient is not None or stats.latest_value is None:
            continue
        text = f"{w.short_name(metric)} at {w.value(metric, stats.latest_value)}"
        if stats.latest_date is not None:
            text += f" ({w.date_words(stats.latest_date, metric.frequency)})"
        if stats.percentile_in_history is not None:
            since = (
                f" since {w.date_words(stats.history_start, metric.frequency)}"
                if stats.history_start is not None
                else ""
            )
            text += (
                f", with {w.share(stats.percentile_in_history / 100)} of its history{since} at or below that "
                "level"
            )
        parts.append(text)
    if not parts:
        return None
    return "; ".join(parts) + "."
