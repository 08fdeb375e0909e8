"""The screener and the digest rank the present (issue 29): old windows and short windows are set
apart with why, offline samples are not ranked beside stored data, the sample tag sits on the
metric that is the sample, and every digest line names its dates."""

from __future__ import annotations

import pandas as pd

from convex.content.related import CandidateSeries
from convex.data.importers import read_series_file
from convex.data.loader import Loader
from convex.jobs import screening
from convex.jobs.digest import build_digest, render_text
from convex.metrics.catalog import catalog
from convex.store import Store
from tests.fakes import synthetic_series

CAT = catalog()
END = "2026-11-18"


def _candidates(series: dict[str, pd.Series], samples=()) -> dict[str, CandidateSeries]:
    return {
        i: CandidateSeries(s, CAT.get(i), CAT.get(i).frequency, "sample" if i in samples else "import")
        for i, s in series.items()
    }


def _ranked(candidates, as_of, **filters):
    result = screening.screen(candidates)
    return screening.rank(result, candidates, screening.ScreenFilters(**filters), as_of=pd.Timestamp(as_of))


def test_pairs_whose_windows_ended_long_ago_are_set_apart_with_their_end():
    current = {i: synthetic_series(i, years=5, seed=n) for n, i in enumerate(("spy", "tlt", "gld"))}
    old = {"hyg": synthetic_series("hyg", years=5, seed=9, end="2025-06-27")}
    ranked = _ranked(_candidates({**current, **old}), "2026-11-19")
    ranked_pairs = set(zip(ranked.table["a"], ranked.table["b"], strict=True))
    assert not any("hyg" in pair for pair in ranked_pairs) and len(ranked_pairs) == 3
    apart = ranked.set_apart
    assert len(apart) == 3 and (apart["end"] == pd.Timestamp("2025-06-27")).all()
    assert set(apart["apart"]) == {"ends 27 Jun 2025, 510 days before 19 Nov 2026"}
    assert ranked.tested == 3  # Benjamini-Hochberg over the present pairs only
    with_them = _ranked(_candidates({**current, **old}), "2026-11-19", include_set_apart=True)
    assert with_them.tested == 6


def test_a_long_window_holding_a_fraction_of_its_span_is_set_apart_saying_what_is_missing():
    series = {
        "spy": synthetic_series("spy", years=5, seed=1),
        "gld": synthetic_series("gld", years=5, seed=2),
        "dxy": synthetic_series("dxy", years=0.6, seed=3),  # seven months of data
    }
    apart = _ranked(_candidates(series), "2026-11-19").set_apart
    assert set(zip(apart["a"], apart["b"], strict=True)) == {("spy", "dxy"), ("gld", "dxy")}
    assert all(why.startswith("the long window holds ") for why in apart["apart"])


def test_samples_are_not_ranked_beside_stored_data_unless_asked_and_carry_their_own_tag():
    series = {i: synthetic_series(i, years=5, seed=n) for n, i in enumerate(("hyg", "ixic", "spy"))}
    candidates = _candidates(series, samples=("ixic",))
    ranked = _ranked(candidates, "2026-11-19")
    assert set(zip(ranked.table["a"], ranked.table["b"], strict=True)) == {("hyg", "spy")}
    assert ranked.samples_left_out == 2
    asked = _ranked(candidates, "2026-11-19", include_samples=True).table
    row = asked[(asked["a"] == "hyg") & (asked["b"] == "ixic")].iloc[0]
    assert not row["sample_a"] and row["sample_b"]  # the tag is NASDAQ's, not HYG's
    only_samples = _candidates(series, samples=("hyg", "ixic", "spy"))
    assert len(_ranked(only_samples, "2026-11-19").table) == 3  # nothing else stored: samples ranked


def test_a_digest_dated_two_years_after_the_data_ranks_nothing_and_lists_the_stale_data():
    store = Store()
    for seed, metric_id in enumerate(("walcl", "tlt", "spy", "gld")):
        store.write_series(metric_id, synthetic_series(metric_id, years=6, seed=seed), provenance="live",
                           source="test")  # fmt: skip
    stored = {i: s for i, s in Loader(store, offline=True).stored().items() if s.provenance != "sample"}
    day = pd.Timestamp("2028-11-18")
    digest = build_digest(stored, CAT, day=day, base="http://x", followed=[("walcl", "tlt")])
    assert digest.divergences == [] and digest.tested == 0 and digest.moves == []
    stale = {p.metric: p.problem for p in digest.problems}
    assert set(stale) == {"walcl", "tlt", "spy", "gld", "spy_tlt_ratio"}  # the ratio: from SPY and TLT
    assert stale["walcl"].startswith("latest 18 Nov 2026, 731 days old: stale")


def test_every_digest_line_names_its_windows_dates():
    store = Store()
    for seed, metric_id in enumerate(("walcl", "tlt", "spy", "gld", "hyg", "qqq")):
        store.write_series(metric_id, synthetic_series(metric_id, years=6, seed=seed), provenance="live",
                           source="test")  # fmt: skip
    stored = {i: s for i, s in Loader(store, offline=True).stored().items() if s.provenance != "sample"}
    day = pd.Timestamp("2026-11-19")
    digest = build_digest(stored, CAT, day=day, base="http://x", followed=[("spy", "tlt")])
    assert digest.divergences
    text = render_text(digest)
    for d in digest.divergences:
        assert d.recent_dates.endswith("to 18 Nov 2026") and d.long_dates
        assert f"over {d.recent_dates} against" in text and f"over {d.long_dates} (p " in text
    assert all(m.date == "2026-11-18" for m in digest.moves) and "in the trading day to 18 Nov 2026" in text


def test_the_issues_real_files_in_a_digest_dated_today(shared_real):
    files = {"tlt": "yahoo/alitalbi/TLT.csv", "dxy": "yahoo/alitalbi/DX-Y.NYB.csv",
             "uup": "yahoo/matdev83/UUP.csv", "spy": "yahoo/alitalbi/SPY.csv"}  # fmt: skip
    series = {i: read_series_file(shared_real / f).series for i, f in files.items()}
    ranked = _ranked(_candidates(series), "2026-12-06", include_set_apart=False)
    assert ranked.table.empty  # every file ends in 2025-26: nothing is this week's news
    apart = ranked.set_apart
    uup = apart[(apart["a"] == "uup") | (apart["b"] == "uup")]
    # UUP with TLT and SPY (UUP and the dollar index are linked by construction: left out as such)
    assert (uup["end"] == pd.Timestamp("2025-06-27")).all() and len(uup) == 2
    recent = _ranked(_candidates(series), "2026-02-24")  # read the day after TLT's last close
    row = recent.set_apart[(recent.set_apart["a"] == "tlt") & (recent.set_apart["b"] == "dxy")].iloc[0]
    assert row["apart"].startswith("the long window holds ")  # DX-Y.NYB starts in July 2025
