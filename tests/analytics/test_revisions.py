"""Revision statistics against loops over the raw rows of the real CPIAUCSL releases (every ALFRED
vintage, ../shared/data/real), and the thresholds of a material difference on first releases."""

from __future__ import annotations

import csv
import itertools
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from convex.analytics.revisions import RevisionImpact, recent_revisions, revision_impact, revision_stats
from convex.sources.alfred import parse_all_releases_csv
from convex.sources.vintages import revision_frame

CPI = "vintages/alfred_all_releases/CPIAUCSL_all_releases__georgeqanfin.csv"


def test_cpi_revision_statistics_equal_loops_over_the_raw_rows(shared_real):
    text = (shared_real / CPI).read_text()
    rows: dict[str, list[tuple[str, float]]] = {}
    for row in csv.DictReader(text.splitlines()):
        rows.setdefault(row["date"], []).append((row["realtime_start"], float(row["value"])))
    dates = sorted(rows)
    for date in dates:
        rows[date].sort()

    def in_force(date: str, day: str) -> float | None:
        value = None
        for start, v in rows[date]:
            if start <= day:
                value = v
        return value

    revisions = [rows[d][-1][1] - rows[d][0][1] for d in dates]
    flipped = changes = 0
    for previous, date in itertools.pairwise(dates):
        released, first = rows[date][0]
        before = in_force(previous, released)
        if before is None:
            continue
        changes += 1
        flipped += np.sign(first - before) != np.sign(rows[date][-1][1] - rows[previous][-1][1])

    stats = revision_stats(revision_frame(parse_all_releases_csv(text)))
    assert stats.n == len(dates) == 955
    assert stats.mean_revision == pytest.approx(np.mean(revisions), abs=1e-9)
    assert stats.mean_abs_revision == pytest.approx(np.mean(np.abs(revisions)), abs=1e-9)
    largest = int(np.argmax(np.abs(revisions)))
    assert stats.largest_revision == pytest.approx(revisions[largest]) and stats.largest_date == pd.Timestamp(
        dates[largest]
    )
    assert (stats.n_changes, stats.sign_revised) == (changes, flipped)
    assert 0 < flipped < changes
    assert stats.revised == sum(r != 0 for r in revisions)


def test_the_latest_periods_with_their_revisions(shared_real):
    frame = revision_frame(parse_all_releases_csv((shared_real / CPI).read_text()))
    recent = recent_revisions(frame, 36)
    jan = recent.loc[pd.Timestamp("2024-01-01")]
    assert jan["first"] == 309.685 and jan["latest"] == 309.698 and jan["revisions"] == 2
    assert jan["released"] == pd.Timestamp("2024-02-13")
    assert recent.index[0] == pd.Timestamp("2026-08-01") and recent.index.is_monotonic_decreasing


def _stats(r, beta):
    return SimpleNamespace(correlation=SimpleNamespace(changes=r), regression=SimpleNamespace(beta=beta))


@pytest.mark.parametrize(
    ("latest", "first", "material"),
    [
        ((0.45, 1.2), (0.44, 1.18), False),
        ((0.45, 1.2), (0.34, 1.18), True),  # 0.11 apart in correlation
        ((0.45, 1.2), (0.45, 0.95), True),  # beta 26% off
        ((0.45, 0.03), (0.45, 0.01), False),  # a fifth off, but less than 0.05
        ((None, None), (0.2, 1.0), False),
    ],
)
def test_a_material_difference(latest, first, material):
    impact = revision_impact(_stats(*latest), _stats(*first))
    assert isinstance(impact, RevisionImpact) and impact.material is material
