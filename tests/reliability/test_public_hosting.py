"""Safe to host publicly (issue 28): each case a regression test, page cases on both stores.

1 a stored upload named in markdown renders as plain text; 5 links that raised; 6 an upload of
extreme values; 13 a formula named like a catalog metric, the digest feed on a fresh install.
"""

from __future__ import annotations

import re

import feedparser
import pandas as pd
import pytest

from convex.data.uploads import UploadError, read_upload
from convex.store import Store
from convex.ui.server import ensure_digest_feed

from .helpers import app, fill_store, page_text

STORED = {"walcl": "fred", "tlt": "yahoo", "spy": "yahoo", "gld": "yahoo"}
HOSTILE_NAME = "![t](https:evil.example)[Verify your account](https:evil.example).csv"
# Markdown that would draw an image or a link, a Streamlit directive, a bare host GFM autolinks.
MARKUP = re.compile(r"!\[t\]|\]\(https:evil|\[Verify your account\]")


def _csv(series: pd.Series) -> bytes:
    return ("date,value\n" + "".join(f"{d:%Y-%m-%d},{v!r}\n" for d, v in series.items())).encode()


def _run(page, params):
    at = app(page, params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.usefixtures("backend")
def test_a_kept_upload_named_in_markdown_reads_as_plain_text_on_every_visitors_page():
    written = fill_store(STORED, years=2)
    upload = read_upload(HOSTILE_NAME, _csv(written["spy"] * 1.5))
    Store().write_upload(
        upload.id, upload.name, upload.frequency, upload.change, upload.series, upload.detail
    )
    for page, params in ((None, {"a": upload.id, "b": "tlt"}), ("pages/metric.py", {"metric": upload.id})):
        at = _run(page, params)
        text = page_text(at)
        assert "Verify your account" in text  # the name is shown, as words
        assert not MARKUP.search(text), MARKUP.search(text)


@pytest.mark.usefixtures("backend")
@pytest.mark.parametrize(
    ("page", "params", "key"),
    [
        (None, {"a": "spy", "b": "tlt", "horizon": "²", "scenario": "true"}, "horizon"),
        (None, {"a": "spy", "b": "tlt", "move": "１２", "scenario": "true"}, "move"),
        ("pages/screener.py", {"min": "²"}, "min"),
        (None, {"a": "u:" + "\x00" * 12, "b": "tlt"}, "a"),
        ("pages/metric.py", {"metric": "u:" + "\x00" * 12}, "metric"),
        (None, {"a": "u:0123456789AB", "b": "tlt"}, "a"),  # upper-case hex is no upload id
    ],
)
def test_links_that_raised_give_a_notice(page, params, key):
    fill_store(STORED, years=2)
    at = _run(page, params)
    notices = [w.value for w in at.warning]
    assert any(f"“{key}”" in n for n in notices), notices
    assert not any(params[key] in n for n in notices)  # the notice never repeats the link's value


def test_an_upload_of_extreme_values_is_refused_with_what_to_do():
    days = pd.bdate_range("2020-01-01", periods=109)
    extreme = pd.Series([1e300 if i % 2 else -1e300 for i in range(len(days))], index=days)
    with pytest.raises(UploadError, match=r"beyond the ±1e\+15 Convex accepts: rescale the values"):
        read_upload("extreme.csv", _csv(extreme))


@pytest.mark.usefixtures("backend")
def test_a_stored_series_of_extreme_values_still_draws_its_page():
    # Written straight into the store (an older version accepted such uploads): the statistics scale
    # before squaring, so the page draws instead of raising OverflowError.
    fill_store(STORED, years=2)
    days = pd.bdate_range(end=pd.Timestamp.today().normalize() - pd.Timedelta(days=1), periods=600)
    extreme = pd.Series([1e300 if i % 2 else -1e300 for i in range(len(days))], index=days)
    Store().write_upload("u:00000000e300", "extreme", "daily", "diff", extreme, "uploaded file extreme")
    at = _run(None, {"a": "u:00000000e300", "b": "spy", "lookback": "1Y"})
    assert at.title[0].value == "extreme vs S&P 500 ETF (SPY)"


def test_a_formula_cannot_be_named_like_a_catalog_metric():
    fill_store(STORED, years=2)
    at = _run(None, {"a": "f:Fed Balance Sheet (WALCL)=spy*0+1000", "b": "tlt"})
    assert any("is a formula that cannot be used here" in w.value for w in at.warning)
    assert at.title[0].value == "Fed Balance Sheet vs 20Y+ Treasury (TLT)"  # the catalog's own WALCL


def test_the_digest_feed_exists_and_is_valid_atom_from_the_first_start(tmp_path):
    static = tmp_path / "static"
    ensure_digest_feed(static)
    feed = feedparser.parse((static / "digest.atom").read_text())
    assert not feed.bozo and feed.feed.title == "Convex daily digest" and feed.entries == []
    (static / "digest.atom").write_text("kept")
    ensure_digest_feed(static)  # a feed written by `convex digest --atom` is never replaced
    assert (static / "digest.atom").read_text() == "kept"


def _upload_in_session(at, name: str, data: bytes, key: str = "_upload_b"):
    at.file_uploader(key="_upload_file").set_value((name, data, "text/csv")).run()
    next(b for b in at.button if b.key == key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_session_keeps_at_most_its_quota_of_uploads_the_earliest_let_go_first():
    from convex.data.loaded import loaded_upload
    from convex.ui.upload_input import MAX_SESSION_MB, MAX_SESSION_UPLOADS, _within_session_quota

    series = pd.Series(range(1, 101), index=pd.bdate_range("2020-01-01", periods=100), dtype=float)
    held = {}
    for n in range(MAX_SESSION_UPLOADS + 2):
        upload = read_upload(f"fund {n}.csv", _csv(series * (1 + n)))
        held[upload.id] = loaded_upload(upload, upload.frequency, upload.change)
    on_screen = next(iter(held))
    let_go = _within_session_quota(held, in_use={on_screen})
    assert let_go == ["fund 1", "fund 2"]  # the earliest not on screen
    assert len(held) == MAX_SESSION_UPLOADS and on_screen in held
    days = pd.date_range("1801-01-01", "2099-12-31")  # 109,000 daily rows, about 1.7 MB in memory
    for n in range(3):
        big = read_upload(f"big {n}.csv", _csv(pd.Series(float(n + 1), index=days)))
        held[big.id] = loaded_upload(big, big.frequency, big.change)
        _within_session_quota(held, in_use=set())
    size = sum(int(ls.series.memory_usage(index=True, deep=True)) for ls in held.values())
    assert size <= MAX_SESSION_MB * 1_000_000 and big.id in held  # the newest always stays
    assert [ls.metric.name for ls in held.values()][-2:] == ["big 1", "big 2"]


def _views_cached(session_scope: bool) -> list:
    """The compare page's views held by Streamlit's resource caches: process-wide ones, or those of
    sessions (Streamlit's own structures, 1.67: a cache per function, per session id or None)."""
    from streamlit.runtime.caching.cache_resource_api import _resource_caches

    from convex.ui.analysis import PairView

    views = []
    for session_id, caches in _resource_caches._function_caches.items():
        if (session_id is not None) != session_scope:
            continue
        for cache in caches.values():
            views += [r.value for r in cache._mem_cache.values() if isinstance(r.value, PairView)]
    return views


def test_what_is_computed_from_a_session_upload_is_cached_in_that_session_only():
    # A session-only upload's analysis lives in Streamlit's session-scoped cache, which Streamlit
    # drops when the session ends; no process-wide cache holds it after its session has closed.
    from convex.ui import analysis

    written = fill_store(STORED, years=2)
    _upload_in_session(_run(None, {"a": "spy", "b": "tlt"}), "mine.csv", _csv(written["gld"] * 1.1))
    analysis.wait_idle()
    shared = {(v.metric_a.name, v.metric_b.name) for v in _views_cached(session_scope=False)}
    own = {(v.metric_a.name, v.metric_b.name) for v in _views_cached(session_scope=True)}
    assert ("S&P 500 ETF (SPY)", "mine") in own and not any("mine" in pair for pair in shared)
    assert ("S&P 500 ETF (SPY)", "20Y+ Treasury (TLT)") in shared  # stored metrics: shared
