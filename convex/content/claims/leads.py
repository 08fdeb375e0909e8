"""Claims about who moves first: lead-lag and Granger."""

from __future__ import annotations

from convex.analytics.fragility import lead_call
from convex.analytics.lead_lag import LeadLag
from convex.analytics.pair_data import MIN_OBSERVATIONS
from convex.content import words as w
from convex.content.claims.base import Claim, Context, is_significant, lead_untestable, shortfall
from convex.metrics.release_calendar import release_calendars

_SAME_PERIOD = {
    "daily": "same-day",
    "weekly": "same-week",
    "monthly": "same-month",
    "quarterly": "same-quarter",
}


# --------------------------------------------------------------------------- lead-lag


def lead_lag(ctx: Context) -> Claim:
    """Who moves first, on the release rule's dating; where release days are known only as a range,
    with what the earliest end of it says, and "fragile" when the call changes (analytics/fragility)."""
    claim = _lead_lag_by_rule(ctx)
    fragility = ctx.report.stats.release_fragility
    if fragility is None or claim.verdict == "insufficient":
        return claim
    earliest = fragility.lead_lag
    said = _lead_words(ctx, earliest)
    if fragility.lead_fragile:
        text = (
            f"{claim.text} Fragile: with each value whose release day is not known dated at the earliest it "
            f"could have come out ({release_range_words(ctx)}), {said}. A call that turns on a few days of "
            "release timing is not a finding."
        )
        rule = claim.short[0].lower() + claim.short[1:].rstrip(".")
        short = f"Fragile: {rule} with release days by the rule; {said} with the earliest."
        return Claim(text, short, "fragile")
    ll = ctx.report.stats.lead_lag
    if lead_call(ll) is not None and earliest.best_lag != ll.best_lag:
        earliest_days = release_range_words(ctx)
        text = f"{claim.text} With the earliest release days the data allow ({earliest_days}), {said}."
        return Claim(text, claim.short, claim.verdict)
    return claim


def release_range_words(ctx: Context) -> str:
    """ "Unemployment Rate's 31 rather than 41 days after its date": the range of release days of the
    lagged side(s), from the release calendars kept as data."""
    parts = []
    for metric, name in ((ctx.a, ctx.name_a), (ctx.b, ctx.name_b)):
        calendar, release = release_calendars().get(metric.id), metric.dating.release
        if calendar is not None and release is not None and calendar.lowest < release.days:
            parts.append(f"{name}'s {calendar.lowest} rather than {release.days} days after its date")
    return " and ".join(parts)


def _lead_words(ctx: Context, ll: LeadLag) -> str:
    """The lead-lag call on one dating, in a clause with its figures."""
    if ll.best_lag is None or ll.correlation is None or ll.band_adjusted is None:
        return "the lead cannot be tested"
    k = ll.best_lag
    figures = f"r {w.signed_r(ll.correlation)} at lag {k:+d}"
    if lead_call(ll) is None:
        return f"no lead clears the ±{w.number(ll.band_adjusted)} band ({figures})"
    leader, follower = (ctx.name_a, ctx.name_b) if k > 0 else (ctx.name_b, ctx.name_a)
    return (
        f"{leader} leads {follower} by {ctx.periods(abs(k))} ({figures}, beyond the "
        f"±{w.number(ll.band_adjusted)} band)"
    )


def _lead_lag_by_rule(ctx: Context) -> Claim:
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
    untestable = lead_untestable(ctx.report)
    if untestable:
        text = f"Not tested: {untestable}."
        return Claim(text, text, "insufficient")
    tried = len(ll.lags)
    bar = ll.band_adjusted
    clears = bool(ll.significant_adjusted)
    window = f"±{ctx.periods(ll.max_lag)}"
    k, r = ll.best_lag, ll.correlation
    pairs = dict(zip(ll.lags, ll.n_pairs, strict=True)).get(k, ll.n)
    by_lag = dict(zip(ll.lags, ll.correlations, strict=True))
    r0 = by_lag.get(0)
    # On the "as published" rows the same-period figure is not the headline correlation's.
    same = _SAME_PERIOD[ctx.frequency] + (", as published," if stats.predictive_method else "")
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
    together = is_significant(c.changes_pvalue)
    if k == 0:
        detail = (
            f"the strongest correlation is at lag 0, where {same} changes correlate at {w.signed_r(r)} "
            f"(n={w.count(ll.n)})"
        )
        detail += (
            f"; no other lag stands out beyond the same {ctx.period}."
            if together
            else ", itself not significant."
        )
    else:
        first, then = (a, b) if k > 0 else (b, a)
        ahead = f"between {first}'s changes and {then}'s {ctx.periods(abs(k))} later"
        if ll.significant:
            why = (
                f"clears the ±{w.number(ll.band)} band for a single lag but not the ±{w.number(bar)} band "
                f"for the {tried} lags tried, so it is not significant once the lags tried are allowed for"
            )
        else:
            why = f"is inside the ±{w.number(bar)} noise band for the {tried} lags tried"
        detail = f"the strongest lagged correlation, {w.signed_r(r)} {ahead}, {why}."
        if together:
            detail += (
                f" {w.sentence_case(same)} changes correlate at {w.signed_r(same_r)} (n={w.count(ll.n)})."
            )
    text = f"No significant lead within {window} over {ctx.lookback}: {detail}"
    if together:
        return Claim(text, f"No lag beyond the same {ctx.period} stands out within {window}.", "together")
    return Claim(text, f"No significant lead within {window}.", "none")


# --------------------------------------------------------------------------- Granger


def granger(ctx: Context) -> Claim:
    gap = shortfall(ctx)
    if gap:
        return Claim(gap, gap, "insufficient")
    g = ctx.report.stats.granger
    if g.lag is None:
        why = g.insufficient or "the regressions could not be estimated"
        text = f"Not tested: {why}."
        return Claim(text, text, "insufficient")
    lag = ctx.periods(g.lag)
    chosen = (
        f"at a lag of {lag}, the shortest there is (AIC chose none)"
        if g.lag_by_aic == 0
        else f"at a lag of {lag}, chosen by AIC for both series' changes together"
    )
    names = {"a_to_b": (ctx.name_a, ctx.name_b), "b_to_a": (ctx.name_b, ctx.name_a)}
    sentences, shorts, predicts = [], [], []
    fragility = ctx.report.stats.release_fragility
    for key, direction in (("a_to_b", g.a_to_b), ("b_to_a", g.b_to_a)):
        cause, effect = names[key]
        if fragility is not None and getattr(fragility, f"{key}_fragile"):
            earliest = getattr(fragility.granger, key)
            helps = ("help", "do not help") if direction.significant else ("do not help", "do")
            sentences.append(
                f"Past {cause} changes {helps[0]} predict {effect}'s with release days by the rule "
                f"(Granger {w.pvalue(direction.pvalue)}) but {helps[1]} with the earliest the data allow "
                f"({release_range_words(ctx)}: {w.pvalue(earliest.pvalue)}): fragile, not a finding."
            )
            shorts.append(f"fragile across release dates for past {cause} changes predicting {effect}")
        elif direction.insufficient is not None or direction.pvalue is None:
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
