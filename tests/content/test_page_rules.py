"""The rules of a pair page's text, checked mechanically over pairs of real data at every lookback.

The page's text is the statistics' summary line, the "About this pair" section, the cross-asset list,
the FAQ's window line and its answers. The metrics are every offline sample shipped with the installed
packages and, where `../shared/data/real` is present, the recorded real files (imported as `convex
import` would). The pairs are every curated pair among them plus a fixed-seed sample of the others
(PAIRS_SAMPLED, in a random order of A and B), each at every lookback: about 500 pages in all.

Rules (issue 31): no sentence twice on a page; "correlated" words only as strong as the test (no
"uncorrelated" or "not distinguishable from zero" beside a significant correlation, no size words
beside an insignificant one, never "no different"); no hedge said to remove variance out of sample
where it added some; a hand-written thesis only with a verdict, once; no "spurious" or "trend" words
where a level is stationary, no cointegration words where it was not tested; no long or short of a
metric that cannot be held; every window phrase equal to the window's own words, dates in one format.
"""

from __future__ import annotations

import random
import re
import warnings
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from convex.analytics.report import pair_report
from convex.content import curated_note, pair_content
from convex.content.claims.hedging import _investable
from convex.content.summary import correlated, pair_summary
from convex.data.importers import read_series_file
from convex.data.loaded import pair_options
from convex.data.loader import Loader
from convex.metrics.catalog import catalog
from convex.sources.sample import SAMPLES
from convex.store import Store
from tests.conftest import SHARED_REAL

LOOKBACKS = ("90D", "1Y", "3Y", "5Y", "10Y", "Max")
PAIRS_SAMPLED = 60
SEED = 31
TODAY = pd.Timestamp("2026-12-06")

# The recorded real files, by the metric each is imported into (as the pages were built).
REAL_FILES = {
    "walcl": "fred/matemadrigal/WALCL_api.csv",
    "wtregen": "fred/matemadrigal/WTREGEN_api.csv",
    "rrpontsyd": "fred/matemadrigal/RRPONTSYD_api.csv",
    "dgs10": "fred/huhng24/DGS10.csv",
    "dgs2": "fred/matemadrigal/DGS2_api.csv",
    "t10y2y": "fred/clarkson/T10Y2Y.csv",
    "dff": "fred/clarkson/DFF.csv",
    "cpiaucsl": "fred/baeyunjae/CPIAUCSL.csv",
    "unrate": "fred/baeyunjae/UNRATE.csv",
    "m2sl": "fred/bellingxu_processed/M2SL.csv",
    "bamlh0a0hym2": "fred/matemadrigal/BAMLH0A0HYM2_api.csv",
    "dtwexbgs": "fred/huhng24/DTWEXBGS.csv",
    "tlt": "yahoo/alitalbi/TLT.csv",
    "spy": "yahoo/alitalbi/SPY.csv",
    "gld": "yahoo/alitalbi/GLD.csv",
    "hyg": "yahoo/alitalbi/HYG.csv",
    "qqq": "yahoo/alitalbi/QQQ.csv",
    "uup": "yahoo/matdev83/UUP.csv",
    "ief": "yahoo/culolom/IEF.csv",
    "vix": "cboe/VIX_History.csv",
    "btc": "coingecko/btc-usd-max.csv",
}

MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
DAY = rf"\d{{1,2}} {MONTH} \d{{4}}"
WINDOW_PHRASE = re.compile(
    r"(?:the last [0-9a-z. ]+?|the latest [0-9a-z. ]+? held|all the common history held|the chosen dates"
    r"|\b[0-9][0-9.]* [a-z]+ held) "
    rf"\({DAY} to {DAY}\)"
    r"(?: of the [0-9a-z ]+ asked| of the chosen [^)]*)?"
)
OTHER_DATE_FORMATS = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\b"
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\d*])|\n+")
CORRELATION_SENTENCE = re.compile(r"the correlation of \w+ changes is ")
SIZE_WORDS = re.compile(r"\b(?:weakly|moderately|strongly) (?:positively|negatively) correlated\b")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """Every metric this machine has real data for, loaded as the page loads it."""
    store = Store(tmp_path_factory.mktemp("page-rules") / "convex.db")
    if SHARED_REAL.is_dir():
        for metric_id, relative in REAL_FILES.items():
            imported = read_series_file(SHARED_REAL / relative)
            store.write_series(metric_id, imported.series, provenance="import", source="test",
                               detail=Path(relative).name)  # fmt: skip
    loader = Loader(store, offline=True)
    ids = sorted(set(SAMPLES) | (set(REAL_FILES) if SHARED_REAL.is_dir() else set()))
    out = {}
    for metric_id in ids:
        try:
            out[metric_id] = loader.load(metric_id)
        except Exception:
            continue
    assert len(out) >= 10
    return out


def _pairs(ids: list[str]) -> list[tuple[str, str]]:
    everything = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    curated = [pair for pair in everything if curated_note(*pair) is not None]
    rng = random.Random(SEED)
    others = rng.sample([p for p in everything if p not in curated], min(PAIRS_SAMPLED, len(everything)))
    return [(a, b) if rng.random() < 0.5 else (b, a) for a, b in curated + others]


def page_text(la, lb, lookback: str):
    report = pair_report(la.series, lb.series, lookback=lookback, today=TODAY, **pair_options(la, lb))
    content = pair_content(la.metric, lb.metric, report)
    summary = pair_summary(report, (la.metric, lb.metric))
    parts = [summary, content.why_it_matters, content.cross_asset, content.faq_window]
    parts += [item.answer for item in content.faq]
    return report, content, "\n".join(part for part in parts if part)


def sentences(text: str) -> list[str]:
    plain = text.replace("\\$", "$").replace("**", "")
    plain = re.sub(r"^- [^:\n]+: ", "", plain, flags=re.MULTILINE)  # a bullet's label
    return [s.strip() for s in SENTENCE_END.split(plain) if len(s.strip()) > 25]


def page_problems(la, lb, lookback: str) -> list[str]:
    report, content, text = page_text(la, lb, lookback)
    stats, window = report.stats, report.aligned.window
    problems = []

    repeated = [s for s, count in Counter(sentences(text)).items() if count > 1]
    problems += [f"said twice: {s!r}" for s in repeated]

    c = stats.correlation
    if "no different" in text:
        problems.append("'no different' says absence of evidence as evidence of absence")
    if c.changes is not None and not c.changes_insufficient:
        significant = correlated(c.changes_ci_low, c.changes_ci_high, c.changes_pvalue)
        said = [s for s in sentences(text) if CORRELATION_SENTENCE.search(s)]
        if significant and ("uncorrelated" in text or any("not distinguishable" in s for s in said)):
            problems.append(f"a significant r (p {c.changes_pvalue:.3g}) called uncorrelated")
        if not significant and (SIZE_WORDS.search(text) or " correlated at " in pair_summary(report)):
            problems.append(f"an insignificant r (p {c.changes_pvalue:.3g}) called correlated")

    oos = stats.regression.hedge_effectiveness_out_of_sample
    if oos is not None and oos < 0:
        out_of_sample = [s for s in sentences(text) if "out of sample" in s.lower()]
        if any("removed" in s for s in out_of_sample if "added variance" not in s):
            problems.append(f"a hedge said to remove variance out of sample where it added {oos:+.3f}")
        if f"{oos * 100:+.1f}%" not in text:
            problems.append("the negative out-of-sample effectiveness is not stated")

    note = curated_note(la.metric.id, lb.metric.id)
    if note is not None:
        thesis = note.note.replace("$", "\\$")
        if text.count(thesis) != 1:
            problems.append(f"the thesis is said {text.count(thesis)} times")
        verdicts = ("Borne out", "Not borne out", "Contradicted", "Not testable here")
        answer = next((i.answer for i in content.faq if i.question.startswith("What links")), "")
        if not answer.startswith("The usual view: ") or not any(v in answer for v in verdicts):
            problems.append("a thesis without 'the usual view' and a verdict")

    roots = stats.unit_roots
    unit_roots = [roots.level_a.stationary is False, roots.level_b.stationary is False]
    if re.search(r"levels figure is not evidence on its own|unrelated trends", text) and not all(unit_roots):
        problems.append("spurious/trend words about a pair with a stationary level")
    if "levels figure is unreliable" in text and sum(unit_roots) != 1:
        problems.append("one trending level said where it is not exactly one")
    if stats.cointegration.verdict is None and "cointegrat" in text:
        problems.append("cointegration words where it was not tested")

    for metric in (la.metric, lb.metric):
        if _investable(metric):
            continue
        name = re.escape(report.aligned.name_a if metric is la.metric else report.aligned.name_b)
        if re.search(rf"(?:holding|shorting|short position in|long position in) {name}|{name} long\b", text):
            problems.append(f"a position held in {metric.id}, which is not an asset")

    if report.aligned.n:
        phrases = WINDOW_PHRASE.findall(text)
        if not phrases:
            problems.append("the window is not named")
        problems += [f"window phrase {p!r} is not {window.words()!r}" for p in phrases if p != window.words()]
    problems += [f"date in another format: {d!r}" for d in OTHER_DATE_FORMATS.findall(text)]
    return problems


def test_every_sampled_pair_page_keeps_the_rules(loaded):
    pairs = _pairs(sorted(loaded))
    problems, pages = [], 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for a, b in pairs:
            for lookback in LOOKBACKS:
                problems += [
                    f"{a}/{b} {lookback}: {p}" for p in page_problems(loaded[a], loaded[b], lookback)
                ]
                pages += 1
    assert pages >= 6 * 60
    assert not problems, f"{len(problems)} problems on {pages} pages:\n" + "\n".join(problems[:40])


def test_the_rules_catch_what_they_should(loaded):
    """Each rule fails on a page that breaks it (the rules are not vacuous)."""
    la, lb = loaded["spx"], loaded["ixic"]
    report, content, text = page_text(la, lb, "5Y")
    doubled = sentences(text + "\n" + content.faq[1].answer)
    assert [s for s, n in Counter(doubled).items() if n > 1]
    assert WINDOW_PHRASE.findall(text) and all(
        p == report.aligned.window.words() for p in WINDOW_PHRASE.findall(text)
    )
    wrong = text.replace(report.aligned.window.words(), "the last 5 years (16 Jul 2025 to 23 Feb 2026)")
    assert "the last 5 years (16 Jul 2025 to 23 Feb 2026)" in WINDOW_PHRASE.findall(wrong)
    assert OTHER_DATE_FORMATS.findall("from 8 mar 2023 to 2026-03-04") == ["8 mar", "2026-03-04"]
    assert SIZE_WORDS.search("weakly positively correlated") and CORRELATION_SENTENCE.search(
        "Over this window, the correlation of daily changes is +0.06"
    )
    cpi = catalog().get("cpiaucsl")
    assert not _investable(cpi) and _investable(catalog().get("spy"))
