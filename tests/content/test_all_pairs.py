"""Every ordered pair of catalog metrics gets complete, markdown-safe content.

One PairReport per combination of (frequency, change) of A and B is computed on synthetic data
and reused for every catalog pair of that combination, so 83 x 82 pairs stay fast. The
combinations cycle through every lookback, which also exercises the insufficient-data wording
(a quarterly pair over 90 days has one point).
"""

from __future__ import annotations

import json
import re

import pytest

from convex.content import pair_content
from convex.metrics.catalog import catalog
from tests.content.synthetic import catalog_kinds, combo_report

METRICS = tuple(catalog())

# Anything that means a value was not filled in, or that breaks st.markdown. Literal checks
# first (fast), then the few patterns that need a regular expression.
FORBIDDEN_TEXT = {
    "unfilled placeholder": ("{", "}"),
    "None": ("None",),
    "n/a": ("n/a",),
    "TODO": ("TODO", "FIXME"),
    "double period or space": ("..", " ,", " .", " ;", " :", " )", "()", "  "),
}
FORBIDDEN_PATTERNS = {
    "nan or inf": re.compile(r"\b(?:nan|inf)\b", re.IGNORECASE),
    "unescaped $ (LaTeX)": re.compile(r"(?<!\\)\$"),
    "HTML tag": re.compile(r"<[A-Za-z/!?]"),
    "plural after 1": re.compile(
        r"(?<![\d.,])1 (?:weeks|months|quarters|trading days|\w+ changes|\w+ observations)\b"
    ),
}


def _problems(text: str) -> list[str]:
    found = [what for what, needles in FORBIDDEN_TEXT.items() if any(n in text for n in needles)]
    found += [what for what, pattern in FORBIDDEN_PATTERNS.items() if pattern.search(text)]
    return found


def _texts(content) -> list[str]:
    return [
        content.why_it_matters,
        content.cross_asset,
        *(item.question for item in content.faq),
        *(item.answer for item in content.faq),
    ]


def test_every_catalog_kind_combination_has_a_report():
    kinds = catalog_kinds()
    assert {(m.frequency, m.change) for m in METRICS} == set(kinds)
    lookbacks = {combo_report(*a, *b).aligned.lookback for a in kinds for b in kinds}
    assert lookbacks == {"90D", "1Y", "3Y", "5Y", "10Y", "Max"}
    assert any(combo_report(*a, *b).stats.correlation.changes_insufficient for a in kinds for b in kinds)


@pytest.mark.parametrize("a", METRICS, ids=lambda m: m.id)
def test_content_for_every_pair_with_this_metric_first(a):
    problems = []
    for b in METRICS:
        if b.id == a.id:
            continue
        content = pair_content(a, b, combo_report(a.frequency, a.change, b.frequency, b.change))
        json.dumps(content.to_dict(), allow_nan=False)
        if content.verdicts["correlation"] == "insufficient":
            # Too little data: said once in the cross-asset list, not as five identical answers.
            assert all(item.question.startswith("What links") for item in content.faq)
        else:
            assert (
                len(content.faq) >= 3
            )  # correlation, divergence, hedge; tests that could not run are in the list
        assert content.why_it_matters.strip() and content.cross_asset.strip()
        for item in content.faq:
            assert item.question.endswith("?") and item.answer.strip()
        text = "\n\n".join(_texts(content))
        for what in _problems(text):
            problems.append(f"{a.id} vs {b.id}: {what}")
    assert not problems, "\n".join(problems[:20])


def test_the_checks_catch_what_they_should():
    assert _problems("a {b} c") == ["unfilled placeholder"]
    assert _problems("r nan here") == ["nan or inf"]
    assert _problems("costs $5") == ["unescaped $ (LaTeX)"]
    assert _problems("costs \\$5") == []
    assert _problems("<b>bold</b>") == ["HTML tag"]
    assert _problems("p < 0.001") == []
    assert _problems("for 1 weeks") == ["plural after 1"]
    assert _problems("for 21 weeks, 0.1 weeks") == []
