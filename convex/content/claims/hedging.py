"""Claims about beta and hedging: which position in A offsets B, and how much."""

from __future__ import annotations

from convex.content import words as w
from convex.content.claims.base import Claim, Context, is_significant, robust_sign, shortfall
from convex.metrics.formatting import beta_in_units
from convex.metrics.metric import Metric

HEDGE_EFFECTIVE = 0.5
HEDGE_PARTIAL = 0.2
# Sources whose series can be bought as they are; the rest are rates, indexes or statistics.
_INVESTABLE_SOURCES = ("yahoo", "coingecko")
_INVESTABLE_INDEXES = ("spx", "ixic", "dxy", "dcoilwtico", "dcoilbrenteu", "dhhngsp", "copper")


# --------------------------------------------------------------------------- beta and hedging


def beta_phrase(ctx: Context, details: str) -> str | None:
    """ "each +10 bp in the 10-Year Treasury Yield came with -1.7% in TLT on average (95% interval
    -2.0% to -1.4%; n=1,249)", or that the response is indistinguishable from zero; `details` go
    inside the parentheses."""
    reg = ctx.report.stats.regression
    if reg.beta is None:
        return None
    moves = beta_in_units(reg.beta, ctx.a, ctx.b)
    if moves is None:
        return f"{ctx.name_b}'s changes hardly responded to {ctx.name_a}'s (beta near zero; {details})"
    move_a, move_b = moves
    scale = move_b / reg.beta
    came = f"came with {w.change(ctx.b, move_b)} in {ctx.name_b} on average"
    phrase = f"each {w.change(ctx.a, move_a)} in {ctx.name_a} {came}"
    if reg.beta_ci_low is None or reg.beta_ci_high is None:
        return f"{phrase} ({details})"
    low, high = w.change(ctx.b, reg.beta_ci_low * scale), w.change(ctx.b, reg.beta_ci_high * scale)
    figures = f"(95% interval {low} to {high}; {details})"
    if reg.beta_indistinguishable_from_zero:
        return f"{phrase}, indistinguishable from zero {figures}"
    return f"{phrase} {figures}"


def beta_against_correlation(ctx: Context) -> str | None:
    """Why the beta's interval and the correlation's can disagree about zero on one page: they are
    different tests (Newey-West for the beta, Bartlett's effective n for the correlation)."""
    c, reg = ctx.report.stats.correlation, ctx.report.stats.regression
    if reg.beta_indistinguishable_from_zero is None or c.changes_ci_low is None or c.changes_ci_high is None:
        return None
    correlation_zero = not is_significant(c.changes_pvalue) or c.changes_ci_low <= 0 <= c.changes_ci_high
    if bool(reg.beta_indistinguishable_from_zero) == correlation_zero:
        return None
    wider, narrower = (
        ("beta's", "correlation's") if reg.beta_indistinguishable_from_zero else ("correlation's", "beta's")
    )
    return (
        f"The {wider} interval includes zero and the {narrower} does not: the beta's (Newey-West) also "
        "allows for changing volatility, the correlation's for autocorrelation only, so a relationship this "
        "close to the 5% line is borderline."
    )


def beta_label(ctx: Context) -> str:
    """ "beta 0.55, " when both changes are returns (a dimensionless hedge ratio), else ""."""
    beta = ctx.report.stats.regression.beta
    if beta is None or ctx.a.change != "pct" or ctx.b.change != "pct":
        return ""
    # Two decimals would print a small beta (bitcoin against M2: 0.0047) as "0.00".
    return f"beta {w.number(beta) if abs(beta) >= 0.1 else f'{beta:.2g}'}, "


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


def _kind(metric: Metric) -> str:
    """What a metric that cannot be held is: an index, a rate or a statistic."""
    if metric.domain == "Volatility" or metric.units in ("Index", "Index points"):
        return "an index"
    if metric.units in ("Percent", "Percentage points") and metric.domain != "Growth & Labor":
        return "a rate"
    return "a statistic"


def _long_position(ctx: Context) -> str:
    """Holding A, in words that fit what A is: a rate or a statistic cannot be held."""
    if _investable(ctx.a):
        return f"holding {ctx.name_a} long"
    return f"a beta-sized position that gains when {ctx.name_a} rises"


def _short_position(ctx: Context) -> str:
    if _investable(ctx.a):
        return f"shorting {ctx.name_a}"
    return f"a beta-sized position that gains when {ctx.name_a} falls"


def _out_of_sample(value: float | None) -> str:
    if value is None:
        return "out of sample it could not be measured"
    if value < 0:
        return f"out of sample it added variance (effectiveness {value * 100:+.1f}%)"
    return f"out of sample it removed {w.share(value)}"


def hedge(ctx: Context) -> Claim:
    """Whether a position in A sized by the beta offset B's changes: the verdict from the sign of
    the correlation (robust_sign) and the share of B's variance removed in sample, beside what the
    same hedge did out of sample. For what cannot be held (an index, a rate, a statistic) the
    words are about A's moves offsetting B's, never about holding or shorting A."""
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
            f"Not a question of hedging: {mechanical}, so the two are linked by construction, and their "
            f"correlation of changes ({w.signed_r(c.changes)}) measures that arithmetic, not a market "
            "relationship."
        )
        return Claim(text, f"Linked by construction ({mechanical}), not a hedge.", "mechanical")
    he = max(0.0, reg.hedge_effectiveness)
    removed = w.share(he)
    removed_of = "essentially none" if removed == "0%" else removed
    only = "" if removed == "0%" else "only "
    variance = f"{b}'s {ctx.changes[:-1]} variance"
    holdable = _investable(ctx.a)
    together = f"{w.size_word(float(c.changes))} together"
    sign = robust_sign(ctx)
    if sign == -1:
        if he >= HEDGE_EFFECTIVE:
            verdict = "hedge"
            head = (
                f"Yes: {a} has been an effective hedge for {b} over this window."
                if holdable
                else f"As {_kind(ctx.a)}, not a holding, yes: {a}'s moves have offset most of {b}'s over "
                "this window."
            )
        elif he >= HEDGE_PARTIAL:
            verdict = "partial_hedge"
            head = (
                f"Partly: {a} has been a partial hedge for {b} over this window."
                if holdable
                else f"Partly: {a}'s moves have offset part of {b}'s over this window."
            )
        else:
            verdict = "diversifier"
            head = (
                f"Not an effective hedge, but a diversifier: {a} tended to move against {b}, too loosely "
                "to offset it."
            )
        body = f"In sample, {_long_position(ctx)} removed {removed_of} of {variance}"
    elif sign == 1 and he >= HEDGE_PARTIAL:
        effective = he >= HEDGE_EFFECTIVE
        verdict = "short_hedge" if effective else "short_partial_hedge"
        kind = "an effective" if effective else "a partial"
        head = (
            f"Holding {a} long would have added to {b}'s risk: the two moved {together}. Because the beta "
            f"is positive, {_short_position(ctx)} has been {kind} hedge for {b}."
            if holdable
            else f"{a}'s moves have gone {together} with {b}'s, so {_short_position(ctx)} has been {kind} "
            f"offset for {b}."
        )
        body = f"In sample, {_short_position(ctx)} removed {removed} of {variance}"
    elif sign == 1:
        verdict = "not_a_hedge"
        head = f"No: {a} and {b} moved {together}, too loosely for {_short_position(ctx)} to help much."
        body = f"In sample it would have removed {only}{removed_of} of {variance}"
    else:
        verdict = "not_a_hedge"
        head = f"No: over this window {a}'s and {b}'s {ctx.changes} were not distinguishable from unrelated."
        body = f"In sample, {a}'s moves scaled by the beta accounted for {only}{removed_of} of {variance}"
    out_of_sample = reg.hedge_effectiveness_out_of_sample
    sentences = [
        head,
        f"{body}; {_out_of_sample(out_of_sample)}, with the ratio estimated on the trailing "
        f"{ctx.periods(reg.rolling_window)} only and applied to the next {ctx.period}, over "
        f"{ctx.periods(reg.n_out_of_sample)}.",
    ]
    returns = ctx.a.change == "pct" and ctx.b.change == "pct"
    if holdable and _investable(ctx.b) and returns and verdict != "not_a_hedge":
        sentences.append(
            f"As a hedge ratio: about {w.number(abs(reg.beta))} dollars of {a} per dollar of {b}, before "
            "the cost of carrying the position."
        )
    note = _not_held_note(ctx.a, a, b)
    if note:
        sentences.append(note)
    if not _investable(ctx.b):
        sentences.append(
            f"{b} cannot be held either: this measures how much of its changes {a}'s account for, not a "
            "hedge anyone could hold."
        )
    short_words = {
        "hedge": f"{a} has been an effective hedge for {b}"
        if holdable
        else f"{a}'s moves offset most of {b}'s",
        "partial_hedge": f"{a} has been a partial hedge for {b}"
        if holdable
        else f"{a}'s moves offset part of {b}'s",
        "diversifier": f"{a} has diversified {b} but not hedged it",
        "short_hedge": f"{_short_position(ctx)} has hedged {b}",
        "short_partial_hedge": f"{_short_position(ctx)} has partly hedged {b}",
        "not_a_hedge": f"{a} has not offset {b}",
    }[verdict]
    held = "" if holdable else f" ({a} itself cannot be held)"
    short = (
        f"{w.sentence_case(short_words)}{held}: in sample the beta hedge removed {removed_of} of {variance}; "
        f"{_out_of_sample(out_of_sample)}."
    )
    return Claim(" ".join(sentences), short, verdict)
