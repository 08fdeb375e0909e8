"""The window object: every label that names a span, a date or an age comes from the data held
(issue 29), on synthetic series of known shape and on the issue's real files."""

from __future__ import annotations

import pandas as pd
import pytest

from convex.analytics.align import align_pair
from convex.analytics.windows import Window, span_text
from convex.data.importers import read_series_file


def _daily(start: str, end: str) -> pd.Series:
    days = pd.bdate_range(start, end)
    return pd.Series(range(1, len(days) + 1), index=days, dtype=float) + 100.0


def test_a_window_asked_longer_than_the_data_says_the_span_held():
    long, short = _daily("2015-01-01", "2026-02-23"), _daily("2025-07-16", "2026-02-23")
    aligned = align_pair(long, short, freq_a="daily", freq_b="daily", change_a="pct", change_b="pct",
                         lookback="5Y", today=pd.Timestamp("2026-02-24"))  # fmt: skip
    window = aligned.window
    assert not window.complete and window.periods == aligned.n
    assert window.words() == "7 months held (16 Jul 2025 to 23 Feb 2026) of the 5 years asked"
    assert window.age_words() is None  # ends the day before it is read


def test_a_window_that_holds_what_was_asked_says_so_plainly():
    series = _daily("2015-01-01", "2026-02-23")
    aligned = align_pair(series, series * 2, freq_a="daily", freq_b="daily", change_a="pct", change_b="pct",
                         lookback="5Y", today=pd.Timestamp("2026-12-06"))  # fmt: skip
    window = aligned.window
    assert window.complete
    # Complete, but ended 286 days before the day it is read: not "the last 5 years" of the calendar.
    assert window.words() == "the latest 5 years held (24 Feb 2021 to 23 Feb 2026)"
    assert window.age_words() == "ends 286 days before 6 Dec 2026, old data"
    current = align_pair(series, series * 2, freq_a="daily", freq_b="daily", change_a="pct", change_b="pct",
                         lookback="5Y", today=pd.Timestamp("2026-02-24")).window  # fmt: skip
    assert current.words() == "the last 5 years (24 Feb 2021 to 23 Feb 2026)" and not current.old


@pytest.mark.parametrize(
    ("asked", "first", "last", "frequency", "complete"),
    [
        ("1Y", "2025-03-05", "2026-03-04", "weekly", True),  # 52 weeks of a year
        ("1Y", "2025-06-04", "2026-03-04", "weekly", False),  # 9 months of a year
        ("90D", "2025-12-05", "2026-03-04", "daily", True),
        ("90D", "2025-12-20", "2026-03-04", "daily", False),  # 74 of 90 days
        ("Max", "2025-12-20", "2026-03-04", "daily", True),
        ("2020-03-02..2020-06-26", "2020-03-02", "2020-06-26", "daily", True),
        ("2020-03-02..2020-06-26", "2020-03-02", "2020-04-30", "daily", False),
    ],
)
def test_complete_means_the_dates_held_span_ninety_percent_of_the_span_asked(
    asked, first, last, frequency, complete
):
    window = Window(asked, pd.Timestamp(first), pd.Timestamp(last), 10, frequency)
    assert window.complete is complete


@pytest.mark.parametrize(
    ("days", "words"),
    [(1, "1 day"), (12, "12 days"), (60, "2 months"), (220, "7 months"), (950, "2.6 years")],
)
def test_spans_in_words(days, words):
    assert span_text(days) == words


def test_the_issues_gold_and_dollar_index_at_5y(shared_real):
    gld = read_series_file(shared_real / "yahoo/alitalbi/GLD.csv").series
    dxy = read_series_file(shared_real / "yahoo/alitalbi/DX-Y.NYB.csv").series
    for lookback in ("5Y", "3Y"):
        aligned = align_pair(gld, dxy, freq_a="daily", freq_b="daily", change_a="pct", change_b="pct",
                             lookback=lookback, today=pd.Timestamp("2026-12-06"))  # fmt: skip
        words = aligned.window.words()
        assert not aligned.window.complete and words.startswith("7 months held (16 Jul 2025 to")
        assert words.endswith(f"of the {lookback[0]} years asked")
