"""The text sections of the comparison page, specific to the pair and true to its data.

Three layers: what each metric is (catalog descriptions), what their domains have in common
(`domains.py`), and a hand-written note for pairs people watch (`curated.py`); every statement
about the relationship comes from the PairReport, quoted with n and the window (`claims/`).
The output is markdown for st.markdown: no HTML, every `$` escaped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from convex.analytics.report import PairReport
from convex.content import claims
from convex.content import words as w
from convex.content.curated import CuratedNote, curated_note
from convex.content.domains import DomainLink, domain_link
from convex.metrics.metric import Metric


@dataclass(frozen=True)
class FaqItem:
    question: str
    answer: str

    def to_dict(self) -> dict[str, str]:
        return {"question": self.question, "answer": self.answer}


@dataclass(frozen=True)
class PairContent:
    a_id: str
    b_id: str
    why_it_matters: str
    cross_asset: str
    faq: tuple[FaqItem, ...]
    # The window the answers are about, named once above them ("Answers over the last 5 years (...)").
    faq_window: str = ""
    # Machine-readable verdicts behind the text: correlation, lead, granger, hedge.
    verdicts: dict[str, str] = field(default_factory=dict)
    curated: bool = False
    generic_domain_template: bool = False

    def to_dict(self) -> dict:
        return {
            "a": self.a_id,
            "b": self.b_id,
            "why_it_matters": self.why_it_matters,
            "cross_asset": self.cross_asset,
            "faq": [item.to_dict() for item in self.faq],
            "faq_window": self.faq_window,
            "verdicts": dict(self.verdicts),
            "curated": self.curated,
            "generic_domain_template": self.generic_domain_template,
        }


def pair_content(a: Metric, b: Metric, report: PairReport) -> PairContent:
    """Why-it-matters, cross-asset summary and FAQ for A (first) against B (second).

    `report` must be the pair_report of A's and B's series in that order; the lookback and the
    aligned frequency are read from it. Each section names the window once (its other sentences say
    "this window"); the window's age is said once, in the data line; a hand-written thesis is shown
    once, as the usual view with what this window says of it; what the two domains share is a short
    note in the first section, never an answer.
    """
    ctx = claims.Context(a, b, report)
    link = domain_link(a.domain, b.domain)
    note = curated_note(a.id, b.id)

    correlation = claims.correlation(ctx)
    lead = claims.lead_lag(ctx)
    granger = claims.granger(ctx)
    hedge = claims.hedge(ctx)
    divergence = claims.divergence(ctx)

    faq = []
    if note is not None:
        faq.append(FaqItem(f"What links {ctx.name_a} and {ctx.name_b}?", _thesis(ctx, note)))
    # With too little data every answer would be the same sentence, said once in the cross-asset list;
    # so is an answer that would only repeat its line in the list (a test that could not run).
    if not ctx.shortfall:
        name_a, name_b = ctx.name_a, ctx.name_b
        answers = [
            (f"Does {name_a} lead {name_b}, or does {name_b} lead {name_a}?", lead),
            (f"How have {name_a} and {name_b} been correlated historically?", correlation),
            (f"What drives divergence between {name_a} and {name_b}?", divergence),
            (f"Is {name_a} a hedge for {name_b}?", hedge),
            ("Do past moves in one help predict the other?", granger),
        ]
        for question, claim in answers:
            if claim.text != claim.short:
                text = _divergence_answer(note, claim) if claim is divergence else claim.text
                faq.append(FaqItem(question, text))
    return PairContent(
        a_id=a.id,
        b_id=b.id,
        why_it_matters=_why_it_matters(ctx, link, curated=note is not None),
        cross_asset=_cross_asset(ctx, correlation, lead, granger, hedge, divergence),
        faq=tuple(FaqItem(w.md(item.question), w.md(item.answer)) for item in faq),
        faq_window=w.md(f"Answers over {ctx.window}.") if faq and ctx.report.aligned.n else "",
        verdicts={
            "correlation": correlation.verdict,
            "lead": lead.verdict,
            "granger": granger.verdict,
            "hedge": hedge.verdict,
        },
        curated=note is not None,
        generic_domain_template=link.generic,
    )


def _description(metric: Metric) -> str:
    text = metric.description.strip()
    return text if text.endswith(".") else text + "."


def _why_it_matters(ctx: claims.Context, link: DomainLink, *, curated: bool) -> str:
    """What each metric is and what their domains share: background, said as such, with no figure
    (the figures are the statistics' summary line, the cross-asset list's and the FAQ's)."""
    blocks = [f"- **{ctx.a.name}**: {_description(ctx.a)}\n- **{ctx.b.name}**: {_description(ctx.b)}"]
    # A pair's hand-written view is said once, in the FAQ, with what this window says of it.
    about = f"Background (a general view of their domains, not a finding here): {link.link}"
    if not link.generic and not curated:
        about += f" What usually drives them apart: {w.sentence_case(link.divergence)}"
    blocks.append(about)
    mechanical = ctx.a.mechanical_link(ctx.b)
    if mechanical:
        blocks.append(f"The two are linked by construction: {mechanical}.")
    return w.md("\n\n".join(blocks))


def _thesis(ctx: claims.Context, note: CuratedNote) -> str:
    """A hand-written thesis as what it is: the usual view, then what this window says of it."""
    return f"The usual view: {note.note} {claims.thesis_verdict(ctx, note.expected_sign, note.leader)}"


def _divergence_answer(note: CuratedNote | None, divergence: claims.Claim) -> str:
    # A curated note's drivers are specific to the pair; the domains' general ones are in the first
    # section's note, not repeated here.
    if note is None:
        return divergence.text
    return f"The usual view of what drives them apart: {note.divergence} {divergence.text}"


def _cross_asset(
    ctx: claims.Context,
    correlation: claims.Claim,
    lead: claims.Claim,
    granger: claims.Claim,
    hedge: claims.Claim,
    divergence: claims.Claim,
) -> str:
    aligned = ctx.report.aligned
    lines = [f"- **Data**: {_data_line(ctx)}"]
    if correlation.verdict == "insufficient":
        lines.append(f"- **Relationship**: {correlation.text}")
    else:
        lines.append(f"- **Correlation of changes**: {correlation.short}")
        levels = claims.levels_short(ctx)
        if levels:
            lines.append(f"- **Levels**: {levels}")
        lines.append(f"- **Lead-lag**: {lead.short}")
        lines.append(f"- **Predictive power (Granger)**: {granger.short}")
        reg = ctx.report.stats.regression
        beta = claims.beta_phrase(
            ctx, f"{claims.beta_label(ctx)}R² {w.number(reg.r2)}, n={w.count(reg.n)}, Newey-West interval"
        )
        if beta:
            discord = claims.beta_against_correlation(ctx)
            lines.append(f"- **Beta**: {w.sentence_case(beta)}." + (f" {discord}" if discord else ""))
        lines.append(f"- **Hedge**: {hedge.short}")
        if divergence.short:
            lines.append(f"- **Co-movement**: {divergence.short}")
    standing = claims.standing(ctx)
    if standing and aligned.n:
        lines.append(f"- **Where they stand**: {standing}")
    return w.md("\n".join(lines))


def _data_line(ctx: claims.Context) -> str:
    aligned = ctx.report.aligned
    if not aligned.n:
        return f"no dates in common over {ctx.window}."
    observations = w.counted(aligned.n, f"{ctx.frequency} observation")
    text = f"{observations} in common over {ctx.window}"
    text += f", which {ctx.age}." if ctx.age else "."
    a, b = ctx.a, ctx.b
    if a.frequency != b.frequency:
        faster, slower = (a, b) if _rank(a.frequency) < _rank(b.frequency) else (b, a)
        text += (
            f" {w.short_name(faster)} ({faster.frequency}) is sampled on {w.short_name(slower)}'s "
            f"{slower.frequency} dates."
        )
    return text


def _rank(frequency: str) -> int:
    return ("daily", "weekly", "monthly", "quarterly").index(frequency)
