"""Claims about beta and hedging: which position in A offsets B, and how much."""

from __future__ import annotations

from convex.content import words as w
from convex.content.claims.base import Claim, Context, is_significant, shortfall
from convex.content.claims.correlation import correlation_figure
from convex.metrics.formatting import beta_in_units
from convex.metrics.metric import Metric

HEDGE_EFFECTIVE = 0.5
HEDGE_PARTIAL = 0.2
# Sources whose series can be bought as they are; the rest are rates, indexes or statistics.
_INVESTABLE_SOURCES = ("yahoo", "coingecko")
_INVESTABLE_INDEXES = ("spx", "ixic", "dxy", "dcoilwtico", "dcoilbrenteu", "dhhngsp", "copper")


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
    significant = is_significant(c.changes_pvalue)
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


