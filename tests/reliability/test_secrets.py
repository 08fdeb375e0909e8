"""No secret leaks: with a FRED API key set and the source failing in every way (HTTP errors whose
bodies echo the request URL with the key, HTML pages, connection refused, timeouts, a dropped
connection), the key appears in no exception (the whole __cause__/__context__ chain, tracebacks
included), no loader outcome or stored error, no CLI output, no page element, and no log line at
DEBUG on any logger (urllib3, requests, fredapi included)."""

from __future__ import annotations

import logging
import re

import pytest

import convex.sources
from convex.cli import main as cli_main
from convex.data.loader import Loader
from convex.sources.base import SourceError
from convex.sources.fred import FredSource
from convex.sources.http import RateLimiter
from convex.store import Store
from tests.sources.conftest import make_client
from tests.sources.helpers import error_text

from .helpers import STALE_AGE, fill_store, page_text, run_compare

KEY = "FAKEKEY0123456789abcdef0123456789"
API_PATH = "/fred/series/observations"
ECHO = f"/fred/series/observations?series_id=DFF&api_key={KEY}&file_type=xml"

# fault -> how the loopback server answers (status, body, mode); None: nothing listens
FAULTS = {
    "400 echoing the url": (
        400,
        f'{{"error_code":400,"error_message":"Bad Request. url: {ECHO}"}}',
        "normal",
    ),
    "400 xml echo": (400, f'<?xml version="1.0"?><error code="400" message="Bad key {KEY}"/>', "normal"),
    "401 key refused": (
        401,
        f'<?xml version="1.0"?><error code="401" message="api_key={KEY} invalid"/>',
        "normal",
    ),
    "403 html": (403, f"<html><body>Forbidden: {ECHO}</body></html>", "normal"),
    "429 echo": (429, f'{{"error_code":429,"error_message":"Too Many Requests for {KEY}"}}', "normal"),
    "500 html echo": (500, f"<html><body><h1>500</h1><pre>GET {ECHO}</pre></body></html>", "normal"),
    "503": (503, "Service Unavailable", "normal"),
    "200 html page echo": (
        200,
        f"<!DOCTYPE html><html><body>Login required for {ECHO}</body></html>",
        "normal",
    ),
    "200 garbage with key": (200, f"observation_date;DFF api_key={KEY}", "normal"),
    "timeout": (200, "", "hang"),
    "dropped connection": (200, "", "drop"),
    "truncated": (200, '<?xml version="1.0"?><observations><observation date="2024', "truncate"),
    "connection refused": None,
}
# Exception text and messages are scrubbed exactly; for logs, any fragment of the key is a leak too.
KEY_FRAGMENT = re.compile(re.escape(KEY[:16]))


@pytest.fixture
def debug_logs(caplog):
    """Every record of every logger at DEBUG (the root at DEBUG; urllib3 & co. propagate to it)."""
    caplog.set_level(logging.DEBUG)
    for name in ("urllib3", "urllib3.connectionpool", "requests", "fredapi", "convex", "streamlit"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def log_text(caplog) -> str:
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(str(record.args))
        if record.exc_info and record.exc_info[1] is not None:
            parts.append(error_text(record.exc_info[1]))
    return "\n".join(parts)


def fred_source(url: str) -> FredSource:
    return FredSource(
        api_key=KEY,
        http=make_client([], timeout=0.3, attempts=2),
        api_root=url + "/fred",
        csv_url=url + "/graph/fredgraph.csv",
        limiter=RateLimiter(0.0),
    )


def serve(fault: str, server, refused_url: str) -> str:
    answer = FAULTS[fault]
    if answer is None:
        return refused_url
    status, body, mode = answer
    server.reply(API_PATH, status, body, mode=mode)
    return server.url


def assert_no_key(text: str, where: str) -> None:
    assert KEY not in text, f"the API key leaks in {where}: ...{text[max(0, text.find(KEY) - 120) :][:300]}"


# ------------------------------------------------------------------ exceptions and the loader
@pytest.mark.parametrize("fault", list(FAULTS))
def test_source_errors_never_carry_the_key(fault, server, refused_url, count):
    source = fred_source(serve(fault, server, refused_url))
    with pytest.raises(SourceError) as caught:
        source.fetch("DFF")
    assert_no_key(error_text(caught.value), "the exception chain")
    assert_no_key(repr(caught.value.__dict__), "the exception's attributes")
    if FAULTS[fault] is not None:
        assert server.requests and server.requests[0].query.get("api_key") == KEY  # the key was sent
    count("secret_faults_checked")


@pytest.mark.parametrize("fault", list(FAULTS))
def test_loader_outcomes_and_the_store_never_carry_the_key(fault, server, refused_url, data_dir):
    store = Store()
    fill_store({"dff": "fred"}, years=1, age=STALE_AGE, store=store)
    loader = Loader(store, sources={"fred": fred_source(serve(fault, server, refused_url))}, offline=False)
    loaded = loader.load("dff")
    assert loaded.stale
    assert_no_key(loaded.stale_reason, "the stale reason")
    outcome = loader.refresh("dff", force=True)
    assert_no_key(repr(outcome), "the refresh outcome")
    assert_no_key(repr(store.all_meta()), "the stored metadata")
    for path in data_dir.iterdir():  # the database file, WAL included: raw bytes
        assert KEY.encode() not in path.read_bytes(), f"the key is stored in {path.name}"


# ---------------------------------------------------------------------------------- logs
@pytest.mark.parametrize("fault", ["400 echoing the url", "500 html echo"])
def test_debug_logs_never_carry_the_key(fault, server, refused_url, debug_logs):
    source = fred_source(serve(fault, server, refused_url))
    with pytest.raises(SourceError):
        source.fetch("DFF")
    assert debug_logs.records, "nothing was logged at DEBUG: the capture is not working"
    text = log_text(debug_logs)
    assert not KEY_FRAGMENT.search(text), [
        r.getMessage()[:200] for r in debug_logs.records if KEY[:16] in r.getMessage()
    ]


@pytest.mark.parametrize("fault", ["timeout", "dropped connection", "connection refused", "truncated"])
def test_logs_of_failures_without_an_answer_never_carry_the_key(fault, server, refused_url, debug_logs):
    """Where no response line is logged, nothing else (retries, tracebacks, warnings) has the key."""
    source = fred_source(serve(fault, server, refused_url))
    with pytest.raises(SourceError):
        source.fetch("DFF")
    text = "\n".join(
        r.getMessage()
        for r in debug_logs.records
        if not (r.name == "urllib3.connectionpool" and '"GET ' in r.getMessage())
    )
    assert not KEY_FRAGMENT.search(text)
    assert not any(KEY in str(r.args) and r.levelno >= logging.INFO for r in debug_logs.records)


# ------------------------------------------------------------------------- CLI and page
@pytest.fixture
def online_with_key(monkeypatch):
    """The app's sources: FRED with the key, against whatever URL a test sets; nothing else."""
    monkeypatch.delenv("CONVEX_OFFLINE", raising=False)
    monkeypatch.setenv("FRED_API_KEY", KEY)
    target = {}

    def get_source(name):
        if name != "fred":
            raise AssertionError(f"unexpected source {name}")
        return fred_source(target["url"])

    monkeypatch.setattr(convex.sources, "get_source", get_source)
    return target


@pytest.mark.parametrize(
    "fault", ["400 echoing the url", "500 html echo", "200 html page echo", "connection refused"]
)
def test_cli_refresh_output_never_carries_the_key(fault, server, refused_url, online_with_key, capsys):
    online_with_key["url"] = serve(fault, server, refused_url)
    fill_store({"dff": "fred"}, years=1, age=STALE_AGE)
    assert cli_main(["refresh", "dff", "--force"]) == 0  # stored data kept: stale, not failed
    out, err = capsys.readouterr()
    assert "stale" in out
    assert_no_key(out + err, "the CLI output")
    cli_main(["status"])
    assert_no_key("".join(capsys.readouterr()), "`convex status`")


@pytest.mark.parametrize("fault", list(FAULTS))
def test_pages_never_show_the_key(fault, server, refused_url, online_with_key, count):
    online_with_key["url"] = serve(fault, server, refused_url)
    store = Store()
    fill_store({"dff": "fred"}, years=1.5, age=STALE_AGE, store=store)
    fill_store({"gld": "yahoo"}, years=1.5, store=store)
    at = run_compare("dff")
    text = page_text(at)
    assert "the last refresh failed" in text
    assert_no_key(text, "the compare page")
    # Nothing stored and no sample: the reason is shown instead of data.
    at = run_compare("walcl")
    text = page_text(at)
    assert "No data to compare yet" in text
    assert_no_key(text, "the compare page without data")
    count("secret_faults_checked_on_pages")
