"""Claims about correlation: of changes, of levels, unit roots and cointegration."""

from __future__ import annotations

from convex.content import words as w
from convex.content.claims.base import (
    Claim,
    Context,
    correlation_words,
    interval_words,
    robust_sign,
    shortfall,
)

# --------------------------------------------------------------------------- correlation


# A levels correlation smaller than this is not worth explaining away as spurious.
_LEVELS_WORTH_A_WORD = 0.2
# Below this share of n, the effective sample size is worth saying.
_EFFECTIVE_SHARE_SAID = 0.9


def correlation_details(ctx: Context) -> str:
    """ "(n=156, 95% interval -0.36 to -0.05, p 0.008)", with the effective sample size when
    autocorrelation shrinks it noticeably (the interval and p use it)."""
    c = ctx.report.stats.correlation
    effective = ""
    if c.n_changes_effective is not None and c.n_changes_effective < _EFFECTIVE_SHARE_SAID * c.n_changes:
        effective = (
            f", worth about {w.count(round(c.n_changes_effective))} independent ones given autocorrelation"
        )
    return (
        f"(n={w.count(c.n_changes)}{effective}, {interval_words(c.changes_ci_low, c.changes_ci_high)}, "
        f"{w.pvalue(c.changes_pvalue)})"
    )


def correlation_figure(ctx: Context) -> str:
    """ "the correlation of weekly changes is -0.21 (n=156, 95% interval -0.36 to -0.05, p 0.008)":
    the figure, neutral; whether it is a correlation at all is the strength words' to say."""
    r = ctx.report.stats.correlation.changes
    return f"the correlation of {ctx.changes} is {w.signed_r(r)} {correlation_details(ctx)}"


def correlation(ctx: Context) -> Claim:
    """The correlation of changes, in words as strong as its test. Its text is the FAQ answer's (the
    FAQ names the window once, above its answers); its short form is the cross-asset bullet's."""
    gap = shortfall(ctx)
    if gap:
        return Claim(gap, gap, "insufficient")
    stats = ctx.report.stats
    c = stats.correlation
    r = float(c.changes)
    sign = robust_sign(ctx)
    words = correlation_words(ctx)
    sentences = [f"{ctx.over}, {correlation_figure(ctx)}: {words}."]
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
    verdict = "positive" if sign == 1 else "negative" if sign == -1 else "uncorrelated"
    short = f"{w.signed_r(r)} {correlation_details(ctx)}: {words}."
    return Claim(" ".join(sentences), short, verdict)


def levels_sentence(ctx: Context, opening: str = "Levels correlated") -> str | None:
    """The levels correlation with the spurious-regression check or the cointegration result."""
    stats = ctx.report.stats
    c = stats.correlation
    if c.insufficient is not None or c.levels is None:
        return None
    if c.levels_pvalue is not None:
        text = (
            f"{opening} at {w.signed_r(c.levels)} (n={w.count(c.n_levels)}, "
            f"{interval_words(c.levels_ci_low, c.levels_ci_high)}, allowing for autocorrelation)."
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


def levels_short(ctx: Context) -> str | None:
    """The levels correlation and what to make of it, in a few words (the cross-asset list); the
    full reasoning is the correlation answer's."""
    c, co = ctx.report.stats.correlation, ctx.report.stats.cointegration
    if c.insufficient is not None or c.levels is None:
        return None
    figure = f"{w.signed_r(c.levels)} (n={w.count(c.n_levels)})"
    if ctx.a.mechanical_link(ctx.b):
        return f"{figure}, arithmetic: the two are linked by construction."
    if co.verdict == "cointegrated":
        return f"{figure}; cointegrated by all three tests."
    if c.levels_possibly_spurious:
        return f"{figure}; not evidence of a link (see the correlation answer): judge by the changes."
    if c.levels_pvalue is not None:
        return f"{figure}, {interval_words(c.levels_ci_low, c.levels_ci_high)}; both levels are stationary."
    return figure + "."


def _unit_root_words(ctx: Context) -> list[str]:
    roots = ctx.report.stats.unit_roots
    out = []
    for name, root in ((ctx.name_a, roots.level_a), (ctx.name_b, roots.level_b)):
        # A test's verdict, not a fact about the series: failing to reject is not proof of a root.
        if root.stationary is False:
            out.append(f"the ADF test does not reject a unit root in {name} ({w.pvalue(root.pvalue)})")
        elif root.stationary:
            out.append(f"the ADF test rejects a unit root in {name} ({w.pvalue(root.pvalue)})")
    return out


def spurious_sentence(ctx: Context) -> str | None:
    """Why a levels correlation is not to be trusted, in terms true of each level: two trending
    series not shown to be cointegrated, a trending one against a stationary one, or two levels
    linked by construction (then the correlation is arithmetic, not spurious)."""
    c = ctx.report.stats.correlation
    if not c.levels_possibly_spurious:
        return None
    mechanical = ctx.a.mechanical_link(ctx.b)
    if mechanical:
        return f"The two are linked by construction ({mechanical}): the levels figure measures arithmetic."
    roots = ctx.report.stats.unit_roots
    trending = [root for root in (roots.level_a, roots.level_b) if root.stationary is False]
    words = "; ".join(_unit_root_words(ctx))
    co = ctx.report.stats.cointegration
    if abs(c.levels) < _LEVELS_WORTH_A_WORD:
        return None  # nothing to explain away: the levels say nothing either
    if len(trending) == 2 and co.verdict == "not_cointegrated":
        return (
            f"That levels figure is not evidence on its own: {words}, and no test finds the two "
            "cointegrated, so unrelated trends could produce one like it. Judge the relationship by the "
            "correlation of changes."
        )
    if len(trending) == 2 and co.verdict == "mixed":
        return (
            f"That levels figure is not reliable either way: {words}, and the cointegration tests disagree "
            "about a long-run link. Judge the relationship by the correlation of changes."
        )
    if len(trending) == 1:
        return (
            f"That levels figure is unreliable: {words}, and a level with a unit root correlates with any "
            "other series by chance more often than the figure suggests. Judge the relationship by the "
            "correlation of changes."
        )
    return None


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
