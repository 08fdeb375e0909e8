"""The text sections of the comparison page, specific to the pair and true to its data.

Three layers: what each metric is (catalog descriptions), what their domains have in common
(`domains.py`), and a hand-written note for pairs people watch (`curated.py`); every statement
about the relationship comes from the PairReport, quoted with n and the lookback (`claims.py`).
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
            "verdicts": dict(self.verdicts),
            "curated": self.curated,
            "generic_domain_template": self.generic_domain_template,
        }


def pair_content(a: Metric, b: Metric, report: PairReport) -> PairContent:
    """Why-it-matters, cross-asset summary and FAQ for A (first) against B (second).

    `report` must be the pair_report of A's and B's series in that order; the lookback and the
    aligned frequency are read from it.
    """
    ctx = claims.Context(a, b, report)
    link = domain_link(a.domain, b.domain)
    note = curated_note(a.id, b.id)
    expected = note.expected_sign if note else None

    correlation = claims.correlation(ctx, expected)
    lead = claims.lead_lag(ctx)
    granger = claims.granger(ctx)
    hedge = claims.hedge(ctx)
    divergence = claims.divergence(ctx)

    faq = (
        FaqItem(f"What links {ctx.name_a} and {ctx.name_b}?", _links_answer(ctx, link, note, correlation)),
        FaqItem(f"Does {ctx.name_a} lead {ctx.name_b}, or does {ctx.name_b} lead {ctx.name_a}?", lead.text),
        FaqItem(f"How have {ctx.name_a} and {ctx.name_b} been correlated historically?", correlation.text),
        FaqItem(
            f"What drives divergence between {ctx.name_a} and {ctx.name_b}?",
            _divergence_answer(link, note, divergence),
        ),
        FaqItem(f"Is {ctx.name_a} a hedge for {ctx.name_b}?", hedge.text),
        FaqItem("Do past moves in one help predict the other?", granger.text),
    )
    return PairContent(
        a_id=a.id,
        b_id=b.id,
        why_it_matters=_why_it_matters(ctx, link, note, correlation, lead),
        cross_asset=_cross_asset(ctx, correlation, lead, granger, hedge, divergence),
        faq=tuple(FaqItem(w.md(item.question), w.md(item.answer)) for item in faq),
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


def _why_it_matters(
    ctx: claims.Context,
    link: DomainLink,
    note: CuratedNote | None,
    correlation: claims.Claim,
    lead: claims.Claim,
) -> str:
    blocks = [
        f"- **{ctx.a.name}**: {_description(ctx.a)}\n- **{ctx.b.name}**: {_description(ctx.b)}",
        link.link,
    ]
    mechanical = ctx.a.mechanical_link(ctx.b)
    if mechanical:
        blocks.append(f"The two are linked by construction: {mechanical}.")
    if note:
        blocks.append(note.note)
    evidence = claims.note_evidence(ctx, note.expected_sign if note else None)
    if evidence:
        blocks.append(evidence)
    if correlation.verdict == "insufficient":
        blocks.append(correlation.text)
    else:
        c = ctx.report.stats.correlation
        verdict = w.strength(float(c.changes))
        if correlation.verdict == "uncorrelated":
            verdict += ", not significant at the 5% level"
        headline = f"{ctx.over}, {claims.correlation_figure(ctx)}: {verdict}."
        blocks.append(f"{headline} {lead.short}")
    return w.md("\n\n".join(blocks))


def _links_answer(
    ctx: claims.Context, link: DomainLink, note: CuratedNote | None, correlation: claims.Claim
) -> str:
    parts = [
        f"{ctx.name_a}: {_description(ctx.a)} {ctx.name_b}: {_description(ctx.b)}",
        link.link,
    ]
    if note:
        parts.append(note.note)
        evidence = claims.note_evidence(ctx, note.expected_sign)
        if evidence:
            parts.append(evidence)
    if correlation.verdict == "insufficient":
        parts.append(correlation.text)
    else:
        parts.append(f"Measured: {ctx.over.lower()}, {claims.correlation_figure(ctx)}.")
    return " ".join(parts)


def _divergence_answer(link: DomainLink, note: CuratedNote | None, divergence: claims.Claim) -> str:
    # The curated note's drivers are specific to the pair; the domain template's would repeat them.
    drivers = note.divergence if note else link.divergence
    return f"{drivers} {divergence.text}"


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
        levels = claims.levels_sentence(ctx, "Correlated")
        if levels:
            lines.append(f"- **Levels**: {levels}")
        lines.append(f"- **Lead-lag**: {lead.short}")
        lines.append(f"- **Predictive power (Granger)**: {granger.short}")
        beta = claims.beta_phrase(ctx)
        if beta:
            reg = ctx.report.stats.regression
            lines.append(
                f"- **Beta**: {w.sentence_case(beta)} on average ({claims.beta_label(ctx)}"
                f"R² {w.number(reg.r2)}, n={w.count(reg.n)}, Newey-West interval)."
            )
        lines.append(f"- **Hedge**: {hedge.short}")
        if divergence.short:
            lines.append(f"- **Co-movement**: {divergence.short}")
        regime = claims.regimes(ctx)
        if regime.text:
            lines.append(f"- **Regimes**: {regime.text}")
    standing = claims.standing(ctx)
    if standing and aligned.n:
        lines.append(f"- **Where they stand**: {standing}")
    return w.md("\n".join(lines))


def _data_line(ctx: claims.Context) -> str:
    aligned = ctx.report.aligned
    if not aligned.n:
        return f"no dates in common over {ctx.lookback}."
    span = "the full common history" if aligned.lookback == "Max" else ctx.lookback
    observations = w.counted(aligned.n, f"{ctx.frequency} observation")
    if aligned.n == 1:
        text = f"{observations} in common, on {ctx.date(aligned.start)} ({span})."
    else:
        text = f"{observations} in common from {ctx.date(aligned.start)} to {ctx.date(aligned.end)} ({span})."
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
