"""The daily digest: the screener's own numbers, links from the configured base URL, stale and
failed data named, one stored digest per day, and a valid Atom feed of them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import feedparser
import pandas as pd
import pytest

from convex.analytics.align import date_window
from convex.analytics.windows import day as single_day
from convex.cli import main
from convex.content.related import CandidateSeries
from convex.data.loader import Loader
from convex.jobs import screening
from convex.jobs.digest import ATOM, build_digest
from convex.metrics.catalog import catalog
from convex.store import Store
from tests.fakes import synthetic_series

IDS = ("walcl", "tlt", "spy", "gld", "dgs10", "btc", "hyg", "qqq")
DAY = pd.Timestamp("2026-11-18")


@pytest.fixture
def store() -> Store:
    store = Store()
    for seed, metric_id in enumerate(IDS):
        store.write_series(metric_id, synthetic_series(metric_id, years=6, seed=seed), provenance="live",
                           source="test")  # fmt: skip
    return store


def stored(store: Store):
    return {i: s for i, s in Loader(store, offline=True).stored().items() if s.provenance != "sample"}


def test_the_digest_gives_the_screeners_numbers_and_links_from_the_base_url(store, monkeypatch):
    monkeypatch.setenv("CONVEX_BASE_URL", "https://convex.example.com/")
    loaded = stored(store)
    digest = build_digest(
        loaded, catalog(), day=DAY, base="https://convex.example.com", followed=[("walcl", "tlt")]
    )
    cands = {i: CandidateSeries(s.series, s.metric, s.frequency, s.provenance) for i, s in loaded.items()}
    ranked = screening.rank(screening.screen(cands), cands, screening.ScreenFilters(), as_of=DAY)
    assert digest.tested == ranked.tested and digest.discoveries == ranked.discoveries
    assert len(digest.divergences) == min(10, ranked.table["pvalue"].notna().sum()) > 0
    for d, row in zip(digest.divergences, ranked.table.itertuples(), strict=False):
        assert (d.a, d.b) == (row.a, row.b)
        assert (d.r_long, d.r_recent, d.pvalue, d.qvalue) == (
            row.r_long,
            row.r_recent,
            row.pvalue,
            row.qvalue,
        )
        assert d.link.startswith(f"https://convex.example.com/?a={row.a}&b={row.b}&dates=")
    assert {m.metric for m in digest.moves} == {"walcl", "tlt"}
    assert all(m.link == "https://convex.example.com/?a=walcl&b=tlt" for m in digest.moves)


def test_a_digest_of_an_earlier_date_uses_only_data_up_to_it(store):
    digest = build_digest(stored(store), catalog(), day=pd.Timestamp("2025-06-30"), base="http://x",
                          followed=[("spy", "gld")])  # fmt: skip
    assert digest.data_end <= "2025-06-30"
    assert all(m.date <= "2025-06-30" for m in digest.moves)


def test_a_failing_source_still_gets_a_digest_that_names_it(store, capsys):
    store.record_attempt("spy", "yahoo: server error (HTTP 503)")
    assert main(["digest", "--date", "2026-11-18"]) == 0
    out = capsys.readouterr().out
    assert "S&P 500 ETF (SPY): the last refresh failed: yahoo: server error (HTTP 503)" in out
    assert "Divergences" in out and "pass Benjamini-Hochberg" in out


def test_text_html_and_json_carry_the_same_digest(store, capsys):
    main(["digest", "--date", "2026-11-18", "--format", "json"])
    body = json.loads(capsys.readouterr().out)
    main(["digest", "--date", "2026-11-18", "--format", "html"])
    page = capsys.readouterr().out
    first = body["divergences"][0]
    assert f'href="{first["link"].replace("&", "&amp;")}"' in page
    assert body["day"] == "2026-11-18" and body["screened"] > 0


def test_the_atom_feed_is_valid_and_keeps_one_digest_per_day(store, capsys):
    for day in ("2026-11-16", "2026-11-17", "2026-11-17"):
        assert main(["digest", "--date", day]) == 0
    capsys.readouterr()
    assert main(["digest", "--date", "2026-11-18", "--atom"]) == 0
    xml = capsys.readouterr().out
    feed = feedparser.parse(xml)
    assert not feed.bozo and feed.version == "atom10"
    assert [e.id.rsplit("/", 1)[1] for e in feed.entries] == ["2026-11-18", "2026-11-17", "2026-11-16"]
    root = ET.fromstring(xml.split("\n", 1)[1])
    # RFC 4287: a feed has id, title, updated and an author; every entry id, title and updated.
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{{{ATOM}}}{tag}") is not None
    for entry in root.findall(f"{{{ATOM}}}entry"):
        assert all(entry.find(f"{{{ATOM}}}{t}") is not None for t in ("id", "title", "updated", "content"))
    assert "Divergences" in feed.entries[0].content[0].value


def test_unknown_followed_pairs_and_a_bad_date_are_clear_errors(monkeypatch, capsys):
    monkeypatch.setenv("CONVEX_DIGEST_PAIRS", "walcl:nope")
    assert main(["digest"]) == 2
    assert "CONVEX_DIGEST_PAIRS names unknown pairs: walcl:nope" in capsys.readouterr().err
    monkeypatch.delenv("CONVEX_DIGEST_PAIRS")
    with pytest.raises(SystemExit):
        main(["digest", "--date", "not-a-date"])
    assert "is not a date" in capsys.readouterr().err


def test_screener_links_ask_only_for_windows_the_compare_page_offers():
    from tests.reliability.test_hostile_urls import _COMPARE

    assert set(screening.ROLL_OPTIONS) == set(_COMPARE["ROLL_OPTIONS"]) - {"Auto"}
    for frequency in ("daily", "weekly", "monthly", "quarterly"):
        for recent in screening.RECENT_WINDOWS:
            for long in screening.LONG_WINDOWS:
                end = pd.Timestamp("2026-11-27")
                p = screening.compare_params("spy", "tlt", frequency, recent, long, end)
                assert p["roll"] in _COMPARE["ROLL_OPTIONS"] and p["view"] in _COMPARE["VIEWS"]
                first = end - screening.RECENT_WINDOWS[recent] - screening.LONG_WINDOWS[long]
                assert date_window(p["dates"]) == (first + pd.Timedelta(days=1), end)
                # Where the windows meet: the recent window's first day, inside the dates.
                assert single_day(p["split"]) == end - screening.RECENT_WINDOWS[recent] + pd.Timedelta(days=1)
                for window in ("recent", "long"):
                    q = screening.lead_lag_params("spy", "tlt", end, recent, long, window)
                    assert q["view"] in _COMPARE["VIEWS"] and date_window(q["dates"]) is not None
