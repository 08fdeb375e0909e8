"""Small phrasing helpers shared by the pair content: lookbacks, periods, names, markdown safety.

Numbers and period words come from `convex.metrics.formatting`; this module phrases them for running text.
"""

from __future__ import annotations

import re

import pandas as pd

from convex.analytics.align import date_window
from convex.metrics.formatting import (
    MONTH_NAMES,
    PERIOD_WORD,
    PERIOD_WORDS,
    day_text,
    format_change,
    format_number,
    format_pvalue,
    format_share,
    format_value,
)

# Re-exported: content modules phrase everything through `w`.
from convex.metrics.formatting import format_r as signed_r  # noqa: F401
from convex.metrics.formatting import periods as periods
from convex.metrics.metric import Metric

# Singular and plural period words per aligned frequency, and the adjective for its changes.
PERIOD_SINGULAR, PERIOD_PLURAL = PERIOD_WORD, PERIOD_WORDS
# "26-week window", "63-day window".
WINDOW_WORD = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter"}
CHANGES_WORD = {
    "daily": "daily changes",
    "weekly": "weekly changes",
    "monthly": "monthly changes",
    "quarterly": "quarterly changes",
}
_LOOKBACK_WORDS = {
    "90D": "the last 90 days",
    "1Y": "the last year",
    "3Y": "the last 3 years",
    "5Y": "the last 5 years",
    "10Y": "the last 10 years",
}
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_DOLLAR = re.compile(r"(\\*)\$")  # a "$" and the backslashes before it
_PARENTHETICAL = re.compile(r"\s*\(([^()]*)\)\s*$")


def lookback_words(lookback: str) -> str:
    """ "3Y" -> "the last 3 years"; "Max" -> "all the common history held"."""
    if lookback in _LOOKBACK_WORDS:
        return _LOOKBACK_WORDS[lookback]
    if lookback == "Max":
        return "all the common history held"
    if date_window(lookback) is not None:
        return "the chosen dates"  # the caller adds the window's own first and last dates
    return f"the {lookback} lookback"


def date_words(value: pd.Timestamp | None, frequency: str) -> str:
    """A date at the precision of the data: "21 May 2025", "May 2025", "2025 Q2"."""
    if value is None:
        return "an unknown date"
    stamp = pd.Timestamp(value)
    if frequency == "quarterly":
        return f"{stamp.year} Q{(stamp.month - 1) // 3 + 1}"
    if frequency == "monthly":
        return f"{MONTH_NAMES[stamp.month - 1]} {stamp.year}"
    return day_text(stamp)


def short_name(metric: Metric) -> str:
    """How running text names a metric.

    A fund or index named after its ticker goes by the ticker ("20Y+ Treasury (TLT)" -> "TLT");
    an explanatory parenthetical is dropped ("VIX (S&P 500 Volatility)" -> "VIX"); an acronym
    that is not the ticker stays ("US Dollar Index (DXY)", "Treasury General Account (TGA)").
    """
    match = _PARENTHETICAL.search(metric.name)
    if not match:
        return metric.name
    inside = match.group(1)
    if inside == metric.symbol:
        return inside
    if any(ch.islower() for ch in inside):
        return metric.name[: match.start()].strip()
    return metric.name


def md(text: str) -> str:
    """Make text safe for st.markdown: `$` would open LaTeX, `<x` could open an HTML tag.

    Every `$` ends up behind an odd number of backslashes: escaped, also where the text has a
    backslash of its own before it, and text made safe once stays as it is when made safe again.
    "< 0.001" (a p-value) stays as it is: a `<` followed by a space never starts a tag.
    """
    text = _DOLLAR.sub(lambda m: m[1] + ("" if len(m[1]) % 2 else "\\") + "$", text)
    return _TAG_START.sub("&lt;", text)


def count(n: int) -> str:
    return f"{n:,}"


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """ "1 weekly change", "12 weekly changes"."""
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"


def share(value: float | None) -> str:
    return format_share(value)


def pvalue(p: float | None) -> str:
    """ "p 0.012", "p < 0.001"."""
    return f"p {format_pvalue(p)}"


def value(metric: Metric, level: float | None) -> str:
    return md(format_value(level, metric))


def change(metric: Metric, amount: float | None) -> str:
    return md(format_change(amount, metric))


def number(amount: float | None, digits: int = 2) -> str:
    return format_number(amount, digits)


def strength(r: float, significant: bool) -> str:
    """Words for r of changes, only as strong as its test: "not distinguishable from zero" when the
    test does not reject (its interval includes zero), never "uncorrelated" beside a significant p."""
    if not significant:
        return "not distinguishable from zero at the 5% level (its interval includes zero)"
    return f"{size_word(r)} {'positively' if r > 0 else 'negatively'} correlated"


def size_word(r: float) -> str:
    """ "weakly" below |r| 0.3, "moderately" below 0.5, "strongly" below 0.7, else "very strongly":
    conventional cut-offs, not statistical ones."""
    size = abs(r)
    return (
        "weakly"
        if size < 0.3
        else "moderately"
        if size < 0.5
        else "strongly"
        if size < 0.7
        else "very strongly"
    )


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text
