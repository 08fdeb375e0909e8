"""The daily digest: the day's top divergences (the screener's own figures), the biggest moves of
each followed pair and the data that went stale or failed, every line with its number and a
link to the view; as text, HTML, JSON, and an Atom feed of the stored digests.

Links start from the base URL of the deployment (CONVEX_BASE_URL in the environment). The
pairs followed are CONVEX_DIGEST_PAIRS ("walcl:tlt,spy:gld") or the catalog's featured pairs.
"""

from __future__ import annotations

import html
import json
import os
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from convex.analytics.align import compute_changes
from convex.analytics.screener import FDR
from convex.content.related import CandidateSeries
from convex.data.loaded import LoadedSeries
from convex.jobs import screening
from convex.metrics.catalog import Catalog
from convex.metrics.formatting import PERIOD_WORD, day_text, format_change, format_pvalue, format_r
from convex.metrics.freshness import freshness

DEFAULT_BASE_URL = "http://localhost:8501"
TOP_DIVERGENCES = 10
# A move is measured against this much of the metric's own history of changes.
MOVE_HISTORY = pd.DateOffset(years=3)
ATOM = "http://www.w3.org/2005/Atom"


def base_url() -> str:
    return (os.environ.get("CONVEX_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


def followed_pairs(catalog: Catalog) -> list[tuple[str, str]]:
    """CONVEX_DIGEST_PAIRS ("a:b,c:d", catalog ids) or the catalog's featured pairs."""
    given = os.environ.get("CONVEX_DIGEST_PAIRS", "").strip()
    if not given:
        return [tuple(p) for p in catalog.featured]
    pairs = [tuple(p.strip().split(":")) for p in given.split(",") if p.strip()]
    bad = [":".join(p) for p in pairs if len(p) != 2 or not all(i in catalog for i in p)]
    if bad:
        raise ValueError(f"CONVEX_DIGEST_PAIRS names unknown pairs: {', '.join(bad)} (write a:b,c:d)")
    return pairs  # type: ignore[return-value]


@dataclass(frozen=True)
class Divergence:
    a: str
    b: str
    name_a: str
    name_b: str
    frequency: str
    r_long: float
    r_recent: float
    change: float
    pvalue: float
    qvalue: float
    passes: bool
    link: str
    # The windows' dates ("19 Nov 2023 to 19 Aug 2026") and which metric is an offline sample;
    # empty and False in digests stored before they were kept.
    long_dates: str = ""
    recent_dates: str = ""
    sample_a: bool = False
    sample_b: bool = False


@dataclass(frozen=True)
class Move:
    metric: str
    name: str
    date: str
    change: float
    change_words: str
    period: str
    zscore: float | None  # the change in standard deviations of the metric's 3-year changes
    pair: tuple[str, str]
    link: str


@dataclass(frozen=True)
class DataProblem:
    metric: str
    name: str
    problem: str
    link: str


@dataclass(frozen=True)
class Digest:
    day: str
    data_end: str
    recent: str
    long: str
    screened: int
    tested: int
    below_threshold: int
    expected_by_chance: float
    discoveries: int
    divergences: list[Divergence] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    problems: list[DataProblem] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Digest:
        return cls(
            **{k: v for k, v in d.items() if k not in ("divergences", "moves", "problems")},
            divergences=[Divergence(**x) for x in d["divergences"]],
            moves=[Move(**{**x, "pair": tuple(x["pair"])}) for x in d["moves"]],
            problems=[DataProblem(**x) for x in d["problems"]],
        )


# --------------------------------------------------------------------------- building


def build_digest(
    stored: dict[str, LoadedSeries],
    catalog: Catalog,
    *,
    day: pd.Timestamp,
    base: str,
    followed: list[tuple[str, str]],
    top: int = TOP_DIVERGENCES,
) -> Digest:
    """The digest of `day` from the stored series, each cut at the end of that day."""
    cut = {i: s.series[s.series.index <= day] for i, s in stored.items()}
    candidates = {
        i: CandidateSeries(cut[i], s.metric, s.frequency, s.provenance)
        for i, s in stored.items()
        if len(cut[i])
    }
    recent, long = screening.DEFAULT_RECENT, screening.DEFAULT_LONG
    result = screening.screen(candidates, recent, long)
    ranked = screening.rank(result, candidates, screening.ScreenFilters(), as_of=day)
    table = ranked.table.head(top)
    divergences = [
        Divergence(
            r.a,
            r.b,
            r.name_a,
            r.name_b,
            r.frequency,
            float(r.r_long),
            float(r.r_recent),
            float(r.change),
            float(r.pvalue),
            float(r.qvalue),
            bool(r.passes),
            _link(base, screening.compare_params(r.a, r.b, r.frequency, recent, long, r.end)),
            *_window_texts(r.end, recent, long),
            bool(r.sample_a),
            bool(r.sample_b),
        )
        for r in table.itertuples()
        if np.isfinite(r.pvalue)
    ]
    return Digest(
        day=f"{day:%Y-%m-%d}",
        data_end=f"{result.end:%Y-%m-%d}",
        recent=recent,
        long=long,
        screened=len(result.table),
        tested=ranked.tested,
        below_threshold=ranked.below_threshold,
        expected_by_chance=ranked.expected_by_chance,
        discoveries=ranked.discoveries,
        divergences=divergences,
        moves=moves(stored, followed, base, day=day),
        problems=problems(stored, catalog, followed, base, day=day),
    )


def _window_texts(end: pd.Timestamp, recent: str, long: str) -> tuple[str, str]:
    spans = screening.window_dates(pd.Timestamp(end), recent, long)
    return tuple(f"{day_text(spans[w][0])} to {day_text(spans[w][1])}" for w in ("long", "recent"))


def _moment(day: pd.Timestamp) -> datetime:
    """The end of the digest's day, when its freshness is judged."""
    return (pd.Timestamp(day).normalize() + pd.Timedelta(days=1)).tz_localize("UTC").to_pydatetime()


def _link(base: str, params: dict[str, str], page: str = "") -> str:
    return screening.compare_link(params, base=f"{base}/{page}")


def moves(
    stored: dict[str, LoadedSeries], followed: list[tuple[str, str]], base: str, *, day: pd.Timestamp
) -> list[Move]:
    """Each followed metric's latest one-period change up to `day`, largest against its own
    history first; only metrics that are current on that day (a stale one's last move is old news,
    and the digest lists it under stale data instead)."""
    out, seen = [], set()
    for pair in followed:
        for metric_id in pair:
            c = stored.get(metric_id)
            if c is None or metric_id in seen:
                continue
            seen.add(metric_id)
            series = c.series[c.series.index <= day]
            if series.empty or c.provenance == "sample":
                continue
            if freshness(c.metric, series.index[-1], _moment(day)).stale:
                continue
            changes = compute_changes(series, c.metric.change).dropna()
            if changes.empty:
                continue
            latest = changes.iloc[-1]
            history = changes[(changes.index > changes.index[-1] - MOVE_HISTORY)].iloc[:-1]
            sd = float(history.std()) if len(history) > 2 else 0.0
            zscore = float((latest - history.mean()) / sd) if sd > 0 else None
            out.append(
                Move(
                    metric_id,
                    c.metric.name,
                    f"{changes.index[-1]:%Y-%m-%d}",
                    float(latest),
                    format_change(float(latest), c.metric),
                    PERIOD_WORD[c.frequency],
                    zscore,
                    pair,
                    _link(base, {"a": pair[0], "b": pair[1]}),
                )
            )
    return sorted(out, key=lambda m: -abs(m.zscore) if m.zscore is not None else 0.0)


def problems(
    stored: dict[str, LoadedSeries], catalog: Catalog, followed, base: str, *, day: pd.Timestamp
) -> list[DataProblem]:
    """Followed metrics without data or with only an offline sample, and every stored metric that
    is stale on `day` (its next value was due and did not come: convex/metrics/freshness.py) or
    whose last fetch failed."""
    wanted = {i for pair in followed for i in pair}
    status = f"{base}/status"
    missing = [i for i in sorted(wanted) if i not in stored]
    out = [DataProblem(i, catalog.get(i).name, "no data stored", status) for i in missing]
    for i, s in stored.items():
        series = s.series[s.series.index <= day]
        if s.provenance == "sample":
            if i in wanted and len(series):
                ending = day_text(series.index[-1])
                out.append(DataProblem(i, s.metric.name, f"only an offline sample, ending {ending}", status))
            continue
        reasons = [s.stale_reason] if s.stale and s.stale_reason else []
        if len(series) and (state := freshness(s.metric, series.index[-1], _moment(day))).stale:
            reasons.insert(0, state.words())
        if reasons:
            out.append(DataProblem(i, s.metric.name, "; ".join(reasons), status))
    return out


# --------------------------------------------------------------------------- rendering


def _divergence_words(d: Divergence, digest: Digest) -> str:
    recent = d.recent_dates or f"the last {screening.RECENT_WORDS[digest.recent]}"
    long = d.long_dates or f"the {screening.LONG_WORDS[digest.long]} before"
    name_a = d.name_a + (" (sample)" if d.sample_a else "")
    name_b = d.name_b + (" (sample)" if d.sample_b else "")
    return (
        f"{name_a} vs {name_b}: r {format_r(d.r_recent)} over {recent} against {format_r(d.r_long)} "
        f"over {long} (p {format_pvalue(d.pvalue)}, q {format_pvalue(d.qvalue)}"
        f"{', passes BH' if d.passes else ''})"
    )


def _move_words(m: Move) -> str:
    size = f", {m.zscore:+.1f} sd of its 3-year changes" if m.zscore is not None else ""
    return f"{m.name} {m.change_words} in the {m.period} to {day_text(pd.Timestamp(m.date))}{size}"


def _headline(digest: Digest) -> str:
    return (
        f"{digest.screened:,} pairs screened ({screening.RECENT_WORDS[digest.recent]} against the "
        f"{screening.LONG_WORDS[digest.long]} before); {digest.discoveries:,} pass Benjamini-Hochberg at a "
        f"{FDR:.0%} false-discovery rate. {digest.below_threshold:,} of {digest.tested:,} tested have "
        f"p < {FDR:g}, where about {digest.expected_by_chance:,.0f} would by chance alone."
    )


def render_text(digest: Digest) -> str:
    lines = [
        f"Convex digest for {digest.day} (newest data {digest.data_end})",
        "",
        "Divergences",
        f"  {_headline(digest)}",
    ]
    lines += [
        f"  {k}. {_divergence_words(d, digest)}\n     {d.link}" for k, d in enumerate(digest.divergences, 1)
    ]
    lines += ["", "Moves of the pairs you follow"]
    lines += [f"  - {_move_words(m)}\n    {m.link}" for m in digest.moves] or ["  (no data for them)"]
    lines += ["", "Data stale or failed"]
    lines += [f"  - {p.name}: {p.problem}\n    {p.link}" for p in digest.problems] or ["  none"]
    return "\n".join(lines) + "\n"


def render_html(digest: Digest) -> str:
    e = html.escape

    def items(pairs: list[tuple[str, str]]) -> str:
        return "".join(f'<li><a href="{e(link)}">{e(text)}</a></li>' for text, link in pairs)

    divergences = items([(_divergence_words(d, digest), d.link) for d in digest.divergences])
    moves = items([(_move_words(m), m.link) for m in digest.moves])
    problems = items([(f"{p.name}: {p.problem}", p.link) for p in digest.problems]) or "<li>none</li>"
    return (
        f"<h2>Convex digest for {e(digest.day)}</h2>"
        f"<p>Newest data {e(digest.data_end)}.</p>"
        f"<h3>Divergences</h3><p>{e(_headline(digest))}</p><ol>{divergences}</ol>"
        f"<h3>Moves of the pairs you follow</h3><ul>{moves}</ul>"
        f"<h3>Data stale or failed</h3><ul>{problems}</ul>"
    )


def render_json(digest: Digest) -> str:
    return json.dumps(digest.to_dict(), indent=2, allow_nan=False) + "\n"


def atom_feed(digests: list[tuple[Digest, datetime]], base: str) -> str:
    """An Atom 1.0 feed (RFC 4287) of the digests, newest first, each entry's content its HTML."""
    ET.register_namespace("", ATOM)

    def sub(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "id", f"{base}/digest")
    sub(feed, "title", "Convex daily digest")
    newest = max((built for _, built in digests), default=datetime(1970, 1, 1))
    sub(feed, "updated", _rfc3339(newest))
    sub(sub(feed, "author"), "name", "Convex")
    sub(feed, "link", href=f"{base}/screener", rel="alternate")
    for digest, built in digests:
        entry = sub(feed, "entry")
        sub(entry, "id", f"{base}/digest/{digest.day}")
        sub(entry, "title", f"Convex digest for {digest.day}: {digest.discoveries} divergences pass BH")
        sub(entry, "updated", _rfc3339(built))
        sub(entry, "link", href=f"{base}/screener", rel="alternate")
        sub(entry, "summary", _headline(digest))
        sub(entry, "content", render_html(digest), type="html")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _rfc3339(when: datetime) -> str:
    stamp = pd.Timestamp(when)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
