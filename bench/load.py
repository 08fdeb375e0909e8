"""Load test: many concurrent sessions driving the real app.

    python -m bench.load                      20 browser sessions x 5 interactions (the issue's bar)
    python -m bench.load --clients websocket  the same 20 x 5 as Streamlit websocket clients
    python -m bench.load --quick              3 sessions x 2 interactions (smoke run)
    python -m bench.load --clients websocket --replicas 2
                                              the same against compose.yaml's deployment on loopback:
                                              PostgreSQL, a refresh worker, two replicas behind nginx

Starts `streamlit run app.py` on 127.0.0.1 over a temporary store filled with synthetic data for
every pair used (CONVEX_OFFLINE=1: nothing leaves the machine), then drives N headless Chromium
contexts (one browser, Playwright's async API) through the compare page at the same time. Each
session does a fixed list of interactions: open a pair link, change the lookback, switch a chart
tab, change metric B in its picker, change the lookback again.

An interaction is timed from the moment it is triggered until the page is done with it: the script
has been seen running *after* the trigger (a MutationObserver on stApp's data-test-script-state,
installed before the trigger, so a stale "notRunning" is never taken for the end), it is back to
notRunning, and the page shows the state asked for (heading of the pair, the URL parameter, the
selected tab). Errors: any stException element, any `pageerror`, any interaction that times out.

With `--clients websocket` the sessions speak Streamlit's protocol without a browser
(bench/ws_client.py): an interaction is timed from the message that triggers it to the server's
script_finished, then checked (the heading drawn, the URL the server writes back, no exception or
error box). With one server, the same sessions then load the bare script (bench/baseline_app.py,
the same store; its lookback is all it has, so each interaction after opening it changes that) and
the server CPU per interaction of both is reported (`--no-bare` skips it). That is the server's
share of the time; the browser mode adds drawing, and on a 2-core machine twenty Chromium renderers
take most of the CPU from the server they are measuring.

Prints a table and writes bench/results/load.json (load_websocket.json for websocket clients).
Not part of the pytest run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote_plus

from bench.browser import CHROMIUM, CHROMIUM_ARGS
from bench.pgserver import free_port
from bench.topology import stop_process, streamlit_command, wait_healthy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = Path(__file__).resolve().parent / "results"
RESULT_FILES = {"browser": RESULTS / "load.json", "websocket": RESULTS / "load_websocket.json"}
APP_SELECTOR = "[data-testid='stApp']"
NOT_RUNNING = "[data-testid='stApp'][data-test-script-state='notRunning']"

# (a, b) pairs the sessions open, and the metric each one then picks for B: all stored.
PAIRS = [("walcl", "tlt"), ("spy", "gld"), ("dgs10", "tlt"), ("qqq", "spy"), ("vix", "spy"), ("uup", "gld")]
PICKS = ["gld", "tlt", "spy", "uup", "qqq", "dgs10"]
LOOKBACKS = ["1Y", "5Y", "10Y", "Max"]  # never the default (3Y): clicking it would change nothing
TABS = ["Overlay", "Spread", "Rolling correlation", "Scatter & hedge", "Lead-lag"]
INTERACTIONS = ["open pair link", "change lookback", "switch tab", "change picker", "change lookback again"]

# Installed in the page just before each trigger: the trigger's time, and a watch for script runs.
WATCH_JS = """() => {
    window.__convexT0 = performance.timeOrigin + performance.now();
    window.__convexDoneAt = null;
    window.__convexRuns = 0;
    // The whole document, not one stApp node: React may replace that node between runs.
    if (window.__convexObserver) window.__convexObserver.disconnect();
    window.__convexObserver = new MutationObserver((mutations) => {
        for (const m of mutations) {
            if (m.target.getAttribute('data-test-script-state') === 'running') window.__convexRuns += 1;
        }
    });
    window.__convexObserver.observe(document.documentElement, {
        subtree: true, attributes: true, attributeFilter: ['data-test-script-state'],
    });
}"""
# Done: the script is idle (notRunning, no stale element, no spinner) AND the page shows what the
# interaction asked for (content that only the new run can send: the pair's heading, the aligned
# data's caption naming the window, the tab's own content). A fast rerun can go running ->
# notRunning within one React commit, so "seen running" alone cannot be the signal; the content can.
# The state must hold for SETTLE_MS; the time reported is when it first held (ms since the epoch, page clock).
def window_caption(lookback: str) -> tuple[str, ...]:
    """What the aligned data's caption says of a lookback, whether the data hold all of it or not
    (convex/analytics/windows.py Window.words)."""
    from convex.analytics.windows import LOOKBACK_SPANS  # after ROOT is on the path

    if lookback == "Max":
        return ("over all the common history held (",)
    span = LOOKBACK_SPANS[lookback]
    return (f"over the last {span} (", f"over the latest {span} held (", f"of the {span} asked")


SETTLE_MS = 300
DONE_JS = """(want) => {
    const app = document.querySelector("[data-testid='stApp']");
    let ok = !!app && app.getAttribute('data-test-script-state') === 'notRunning'
        && document.querySelectorAll("[data-stale='true']").length === 0
        && document.querySelectorAll("[data-testid='stSpinner']").length === 0;
    const query = new URLSearchParams(location.search);
    if (ok && want.param) ok = query.get(want.param[0]) === want.param[1];
    if (ok && want.h1) ok = [...document.querySelectorAll('h1')].some(h => h.innerText.trim() === want.h1);
    if (ok && want.metrics) ok = document.querySelectorAll("[data-testid='stMetric']").length > 0;
    if (ok && want.caption) ok = [...document.querySelectorAll("[data-testid='stCaptionContainer']")]
        .some(c => want.caption.some(w => c.innerText.includes(w)));
    if (ok && want.tab) {
        ok = [...document.querySelectorAll("[role='tab'][aria-selected='true']")]
            .some(t => t.innerText.trim() === want.tab)
          && [...document.querySelectorAll("[data-testid='stTabPanel']")].some(panel =>
                panel.offsetParent !== null && panel.querySelector(TAB_CONTENT));
    }
    if (!ok) { window.__convexDoneAt = null; return false; }
    const now = performance.timeOrigin + performance.now();
    if (window.__convexDoneAt === null) window.__convexDoneAt = now;
    return now - window.__convexDoneAt >= SETTLE;
}""".replace("SETTLE", str(SETTLE_MS)).replace(
    "TAB_CONTENT",
    "\"[data-testid='stVegaLiteChart'], [data-testid='stAlert'], [data-testid='stCaptionContainer']\"",
)


# ------------------------------------------------------------------------------------ setup
def fill_store(store, years: float) -> list[str]:
    """Synthetic live data, fetched just now (a warm store: the loader never tries a source)."""
    from tests.fakes import synthetic_series

    ids = sorted({m for pair in PAIRS for m in pair} | set(PICKS))
    for seed, metric_id in enumerate(ids):
        store.write_series(
            metric_id, synthetic_series(metric_id, years=years, seed=seed), provenance="live", source="load"
        )
    return ids


def metric_name(metric_id: str) -> str:
    from convex.metrics.catalog import catalog

    return catalog().get(metric_id).name


@dataclass
class Served:
    """The app under load: where, its server processes, and what they left behind."""

    url: str
    app_urls: list[str]  # each server process's own address (the proxy's replicas, or `url`)
    pids: list[int]
    metrics: list[str]
    logs: Callable[[], str]
    page_fetches: Callable[[], int | None]  # fetches made by page views (None: not logged)


@contextmanager
def serving(replicas: int, folder: Path, years: float) -> Iterator[Served]:
    """One server on a SQLite store (replicas=1, CONVEX_OFFLINE), or compose's deployment on loopback
    (2: PostgreSQL, a refresh worker, two replicas behind nginx; see bench/topology.py)."""
    from convex.store import Store

    if replicas == 1:
        os.environ["CONVEX_OFFLINE"] = "1"
        os.environ["CONVEX_DATA_DIR"] = str(folder)
        ids = fill_store(Store(folder / "convex.sqlite3"), years)
        port = free_port()
        process = start_app(folder, port)
        try:
            wait_healthy(f"http://127.0.0.1:{port}", process)
            logs = lambda: (folder / "streamlit.log").read_text(errors="replace")  # noqa: E731
            url = f"http://127.0.0.1:{port}"
            yield Served(url, [url], [process.pid], ids, logs, lambda: None)
        finally:
            stop_process(process)
        return
    from bench.topology import replicas as deployment

    ids: list[str] = []
    with deployment(apps=replicas, fill=lambda store: ids.extend(fill_store(store, years))) as d:
        apps = [name for name in d.processes if name.startswith("app")]

        def page_fetches() -> int:
            return sum(a.actor == "page" for a in Store(d.database_url).attempts(limit=100_000))

        yield Served(
            d.url, d.app_urls, d.app_pids, ids, lambda: "".join(d.log(n) for n in apps), page_fetches
        )


def start_app(
    folder: Path, port: int, script: str = "app.py", log_name: str = "streamlit.log"
) -> subprocess.Popen:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("FRED_API_KEY", "COINGECKO_API_KEY")},
        "CONVEX_DATA_DIR": str(folder),
        "CONVEX_OFFLINE": "1",
    }
    log = open(folder / log_name, "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        streamlit_command(port, script), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )


BARE_SCRIPT = "bench/baseline_app.py"


@contextmanager
def serving_bare(folder: Path) -> Iterator[tuple[str, int]]:
    """The bare two-chart script (bench/baseline_app.py) over the same store: its URL and pid."""
    port = free_port()
    process = start_app(folder, port, BARE_SCRIPT, "bare.log")
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, process)
        yield url, process.pid
    finally:
        stop_process(process)


# ---------------------------------------------------------------------------------- sessions
@dataclass
class Timing:
    session: int
    step: int
    interaction: str
    seconds: float
    ok: bool
    error: str | None = None


@dataclass
class SessionResult:
    session: int
    timings: list[Timing] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    exceptions_on_page: int = 0


async def _until_done(page, timeout_ms: float, **want) -> float:
    """Wait until the page is done (see DONE_JS); seconds from the trigger to when it first was."""
    await page.wait_for_function(DONE_JS, arg=want, timeout=timeout_ms, polling=50)
    t0, done = await page.evaluate("() => [window.__convexT0, window.__convexDoneAt]")
    return (done - t0) / 1000


STATE_JS = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    return {
        state: app && app.getAttribute('data-test-script-state'),
        runs_seen: window.__convexRuns,
        query: location.search,
        selected_tabs: [...document.querySelectorAll("[role='tab'][aria-selected='true']")]
            .map(t => t.innerText.trim()),
        spinners: document.querySelectorAll("[data-testid='stSpinner']").length,
        h1: [...document.querySelectorAll('h1')].map(h => h.innerText.trim()).slice(0, 2),
    };
}"""


async def _diagnose(page) -> str:
    try:
        return json.dumps(await page.evaluate(STATE_JS))
    except Exception as exc:
        return f"(no page state: {type(exc).__name__})"


async def _timed(result: SessionResult, step: int, name: str, action, timeout_ms: float, page) -> bool:
    """Run one interaction: `action()` triggers it and returns its duration (see _until_done)."""
    started = time.perf_counter()
    error, elapsed = None, None
    try:
        elapsed = await action()
    except Exception as exc:  # a timeout or a missing element: an error of this interaction
        error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}; page: {await _diagnose(page)}"
    if elapsed is None:
        elapsed = time.perf_counter() - started
    exceptions = await page.locator("[data-testid='stException']").count()
    if exceptions:
        result.exceptions_on_page += exceptions
        error = error or f"{exceptions} stException element(s) on the page"
    result.timings.append(Timing(result.session, step, name, elapsed, error is None, error))
    return error is None


@dataclass
class SessionPlan:
    """What session number `session` does: the same plan in browser and websocket mode."""

    a: str
    b: str
    pick: str
    lookback: str
    lookback_again: str
    tab: str
    # Seconds the user pauses before each interaction (none before the first): 0 without --think.
    pauses: tuple[float, ...]

    @classmethod
    def of(cls, session: int, think: float = 0.0) -> SessionPlan:
        a, b = PAIRS[session % len(PAIRS)]
        rng = random.Random(session)  # the same pauses on every run
        pauses = [0.0] + [think * rng.uniform(0.5, 1.5) for _ in INTERACTIONS[1:]]
        return cls(
            pauses=tuple(pauses),
            a=a,
            b=b,
            pick=next(m for m in PICKS[session % len(PICKS) :] + PICKS if m not in (a, b)),
            lookback=LOOKBACKS[session % len(LOOKBACKS)],
            lookback_again=LOOKBACKS[(session + 1) % len(LOOKBACKS)],
            tab=TABS[session % len(TABS)],
        )


async def run_session(
    browser, url: str, session: int, interactions: int, timeout_ms: float, think: float = 0.0
) -> SessionResult:
    result = SessionResult(session)
    context = await browser.new_context(viewport={"width": 1366, "height": 900})
    page = await context.new_page()
    page.on("pageerror", lambda exc: result.page_errors.append(str(exc)[:300]))
    plan = SessionPlan.of(session, think)
    a, b, pick, tab = plan.a, plan.b, plan.pick, plan.tab
    title = f"{metric_name(a)} vs {metric_name(b)}"
    picked_title = f"{metric_name(a)} vs {metric_name(pick)}"

    async def open_link():
        # A new document: its first run has no earlier page state to be mistaken for.
        await page.goto("about:blank")
        await page.evaluate(WATCH_JS)
        t0 = await page.evaluate("() => window.__convexT0")
        await page.goto(f"{url}/?a={a}&b={b}", wait_until="domcontentloaded", timeout=timeout_ms)
        await page.wait_for_function(
            DONE_JS, arg={"h1": title, "metrics": True}, timeout=timeout_ms, polling=50
        )
        done = await page.evaluate("() => window.__convexDoneAt")
        return (done - t0) / 1000

    def change_lookback(value):
        async def act():
            # streamlit 1.67 renders st.segmented_control as a radiogroup of radio buttons.
            radio = page.get_by_role("radiogroup", name="Lookback").get_by_role(
                "radio", name=value, exact=True
            )
            await radio.wait_for(timeout=timeout_ms)
            await page.evaluate(WATCH_JS)
            await radio.click(timeout=timeout_ms)
            return await _until_done(
                page, timeout_ms, param=["lookback", value], caption=list(window_caption(value))
            )

        return act

    async def switch_tab():
        tab_button = page.get_by_role("tab", name=tab, exact=True)
        await tab_button.wait_for(timeout=timeout_ms)
        await page.evaluate(WATCH_JS)
        await tab_button.click(timeout=timeout_ms)
        return await _until_done(page, timeout_ms, param=["view", tab], tab=tab)

    async def change_picker():
        picker = page.locator("[data-testid='stSelectbox']").filter(has_text="Metric B")
        await picker.wait_for(timeout=timeout_ms)
        await page.evaluate(WATCH_JS)
        await picker.click(timeout=timeout_ms)
        await page.keyboard.type(metric_name(pick))
        await page.keyboard.press("Enter")
        return await _until_done(page, timeout_ms, param=["b", pick], h1=picked_title, metrics=True)

    steps = [
        ("open pair link", open_link),
        ("change lookback", change_lookback(plan.lookback)),
        ("switch tab", switch_tab),
        ("change picker", change_picker),
        ("change lookback again", change_lookback(plan.lookback_again)),
    ][:interactions]
    try:
        for step, (name, action) in enumerate(steps):
            await asyncio.sleep(plan.pauses[step])  # a user reading the page (--think), untimed
            ok = await _timed(result, step, name, action, timeout_ms, page)
            if not ok and name == "open pair link":
                break  # the rest of the session needs this page
    finally:
        await context.close()
    return result


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


async def run_ws_session(
    url: str, session: int, interactions: int, timeout_s: float, think: float = 0.0
) -> SessionResult:
    """The same plan as run_session, spoken over Streamlit's websocket (see bench/ws_client.py)."""
    from bench.ws_client import WsSession
    from convex.metrics.catalog import catalog

    result = SessionResult(session)
    plan = SessionPlan.of(session, think)
    title = f"{metric_name(plan.a)} vs {metric_name(plan.b)}"
    picked_title = f"{metric_name(plan.a)} vs {metric_name(plan.pick)}"
    async with WsSession(url, timeout_s) as ws:
        # Each step: its name, what triggers it, and what only its own run can draw.
        steps = [
            ("open pair link", lambda: ws.open(f"a={plan.a}&b={plan.b}"), [title]),
            ("change lookback", lambda: ws.set_widget("lookback", plan.lookback,
             string_array_value=[plan.lookback]), [window_caption(plan.lookback)]),
            ("switch tab", lambda: ws.set_widget("view", plan.tab, string_value=plan.tab),
             [f"view={quote_plus(plan.tab)}"]),
            ("change picker", lambda: ws.set_widget("b", string_value=catalog().get(plan.pick).label),
             [picked_title, f"b={plan.pick}"]),
            ("change lookback again", lambda: ws.set_widget("lookback", plan.lookback_again,
             string_array_value=[plan.lookback_again]), [window_caption(plan.lookback_again)]),
        ][:interactions]  # fmt: skip
        for step, (name, action, expected) in enumerate(steps):
            await asyncio.sleep(plan.pauses[step])  # a user reading the page (--think), untimed
            error, seconds = None, None
            try:
                outcome = await action()
                seconds = outcome.seconds
                result.exceptions_on_page += len(outcome.exceptions)
                drawn = outcome.headings + outcome.texts
                # Each expected text, or any of a tuple of them, drawn by this run.
                wanted = [want if isinstance(want, tuple) else (want,) for want in expected]
                missing = [f"{w!r} not drawn" for w in wanted if not any(x in t for x in w for t in drawn)]
                error = "; ".join(outcome.exceptions + outcome.error_alerts + missing) or None
            except Exception as exc:  # a timeout or a closed socket: an error of this interaction
                error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"
            result.timings.append(Timing(session, step, name, seconds or timeout_s, error is None, error))
            if error and step == 0:
                break  # the rest of the session needs this page
    return result


async def run_bare_ws_session(
    url: str, session: int, interactions: int, timeout_s: float, think: float = 0.0
) -> SessionResult:
    """The bare script under the same load: open it, then change its lookback (the only control it
    has) as many times as a Convex session interacts, between the session's two lookbacks."""
    from bench.ws_client import WsSession

    result = SessionResult(session)
    plan = SessionPlan.of(session, think)
    async with WsSession(url, timeout_s) as ws:
        steps = [("open pair link", lambda: ws.open(""))]
        for i in range(1, interactions):
            value = plan.lookback if i % 2 else plan.lookback_again
            change = lambda v=value: ws.set_widget("lookback", v, string_array_value=[v])  # noqa: E731
            steps.append(("change lookback", change))
        for step, (name, action) in enumerate(steps):
            await asyncio.sleep(plan.pauses[step])
            error, seconds = None, None
            try:
                outcome = await action()
                seconds = outcome.seconds
                error = "; ".join(outcome.exceptions + outcome.error_alerts) or None
            except Exception as exc:  # a timeout or a closed socket: an error of this interaction
                error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"
            result.timings.append(Timing(session, step, name, seconds or timeout_s, error is None, error))
    return result


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process (Linux /proc), or None."""
    try:
        line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024
    except (OSError, StopIteration, ValueError):
        return None


async def drive(
    run_one, sessions: int, interactions: int, stagger: float, server_pids: list[int], warm_urls: list[str]
) -> dict:
    """Warm-up, one session alone, then `sessions` at once; `run_one(i, n, url)` runs session i's n
    steps (on `url`, the app's address by default)."""
    out: dict = {}
    # Warm-up, not measured: one visit to every pair on every server process (each replica has its own
    # caches), so that the concurrent phase measures serving many sessions at once, not the first
    # computation of each pair's analysis.
    out["warmup"] = [await run_one(i, 1, url) for url in warm_urls for i in range(len(PAIRS))]
    # Baseline: one session alone, the same interactions as session 0 of the concurrent phase.
    out["baseline"] = await run_one(0, interactions)
    cpu_before, started = total(cpu_seconds, server_pids), time.perf_counter()

    async def delayed(i):
        await asyncio.sleep(i * stagger)
        return await run_one(i, interactions)

    out["results"] = await asyncio.gather(*(delayed(i) for i in range(sessions)), return_exceptions=True)
    out["wall"] = time.perf_counter() - started
    cpu_after = total(cpu_seconds, server_pids)
    out["server_cpu_s"] = (cpu_after - cpu_before) if cpu_before is not None and cpu_after else None
    out["server_rss_mb"] = total(rss_mb, server_pids)
    return out


def total(measure, pids: list[int]) -> float | None:
    """A measure summed over the app's server processes (None if any cannot be read)."""
    values = [measure(pid) for pid in pids]
    return None if any(v is None for v in values) else sum(values)


async def drive_browsers(url: str, timeout_ms: float, think: float, **how) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            return await drive(lambda i, n, at=url: run_session(browser, at, i, n, timeout_ms, think), **how)
        finally:
            await browser.close()


async def drive_websockets(url: str, timeout_ms: float, think: float, *, bare: bool = False, **how) -> dict:
    one = run_bare_ws_session if bare else run_ws_session
    return await drive(lambda i, n, at=url: one(at, i, n, timeout_ms / 1000, think), **how)


# ---------------------------------------------------------------------------------- report
def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = int(position), min(int(position) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarise(timings: list[Timing]) -> dict:
    ok = [t.seconds for t in timings if t.ok]
    return {
        "count": len(timings),
        "ok": len(ok),
        "errors": len(timings) - len(ok),
        "p50_s": percentile(ok, 0.50),
        "p95_s": percentile(ok, 0.95),
        "max_s": max(ok) if ok else None,
        "mean_s": statistics.fmean(ok) if ok else None,
    }


def print_table(rows: dict[str, dict], header: str) -> None:
    def fmt(x):
        return "-" if x is None else f"{x:6.2f}"

    print(header)
    print(f"{'interaction':<24}{'n':>5}{'errors':>8}{'p50 s':>9}{'p95 s':>9}{'max s':>9}")
    for name, row in rows.items():
        print(
            f"{name:<24}{row['count']:>5}{row['errors']:>8}{fmt(row['p50_s']):>9}{fmt(row['p95_s']):>9}"
            f"{fmt(row['max_s']):>9}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 sessions x 2 interactions")
    parser.add_argument("--sessions", type=int, help="concurrent browser sessions (default 20)")
    parser.add_argument(
        "--interactions", type=int, help=f"per session, at most {len(INTERACTIONS)} (default 5)"
    )
    parser.add_argument("--years", type=float, default=10, help="years of synthetic history (default 10)")
    parser.add_argument("--timeout", type=float, default=180, help="seconds one interaction may take")
    parser.add_argument("--stagger", type=float, default=0.0, help="seconds between session starts")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds a user pauses before each interaction after the first, on average (uniform 0.5x to "
        "1.5x, the same on every run); default 0: every session clicks again as soon as its page is done",
    )
    parser.add_argument("--clients", choices=list(RESULT_FILES), default="browser", help="default browser")
    parser.add_argument(
        "--replicas",
        type=int,
        choices=(1, 2),
        default=1,
        help="1: one server on SQLite (default); 2: compose.yaml's deployment on loopback (PostgreSQL, "
        "a refresh worker, two app replicas behind nginx with sticky sessions)",
    )
    parser.add_argument(
        "--json", type=Path, help="output (default bench/results/load[_websocket][_replicas].json)"
    )
    parser.add_argument(
        "--no-bare",
        action="store_true",
        help="websocket clients, one server: skip the same load on the bare script (bench/baseline_app.py)",
    )
    args = parser.parse_args(argv)
    sessions = args.sessions or (3 if args.quick else 20)
    interactions = min(args.interactions or (2 if args.quick else 5), len(INTERACTIONS))
    output = args.json or RESULT_FILES[args.clients]
    if args.replicas > 1 and not args.json:
        output = output.with_name(f"{output.stem}_replicas.json")
    if args.clients == "browser" and not Path(CHROMIUM).exists():
        print(f"chromium not found at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 2

    folder = Path(tempfile.mkdtemp(prefix="convex-load-"))
    started_at = datetime.now(UTC)
    with serving(args.replicas, folder, args.years) as served:
        drive_clients = drive_browsers if args.clients == "browser" else drive_websockets
        how = {"sessions": sessions, "interactions": interactions, "stagger": args.stagger}
        run = asyncio.run(
            drive_clients(
                served.url,
                args.timeout * 1000,
                args.think,
                server_pids=served.pids,
                warm_urls=served.app_urls,
                **how,
            )
        )
        server_log, page_fetches, ids = served.logs(), served.page_fetches(), served.metrics
        bare = None
        if args.clients == "websocket" and args.replicas == 1 and not args.no_bare:
            # The same load on the bare script over the same store: the server CPU an interaction costs
            # the least script that draws the pair, to hold ours against (issue 35).
            with serving_bare(folder) as (bare_url, bare_pid):
                bare = asyncio.run(
                    drive_websockets(
                        bare_url, args.timeout * 1000, args.think, bare=True, server_pids=[bare_pid],
                        warm_urls=[bare_url], **how,
                    )
                )  # fmt: skip
    shutil.rmtree(folder, ignore_errors=True)

    results, wall, warm, baseline = run["results"], run["wall"], run["warmup"], run["baseline"]
    crashed = [r for r in results if isinstance(r, BaseException)]
    done = [r for r in results if isinstance(r, SessionResult)]
    timings = [t for r in done for t in r.timings]
    by_kind = {name: summarise([t for t in timings if t.interaction == name]) for name in INTERACTIONS}
    by_kind = {k: v for k, v in by_kind.items() if v["count"]}
    by_kind["all"] = summarise(timings)
    page_errors = [f"session {r.session}: {e}" for r in done for e in r.page_errors]
    errors = (
        [f"session {t.session} step {t.step} ({t.interaction}): {t.error}" for t in timings if not t.ok]
        + page_errors
        + [f"session crashed: {''.join(traceback.format_exception(e))[-500:]}" for e in crashed]
    )
    warm_timings = [t for r in warm for t in r.timings]
    errors += [f"warm-up {t.interaction} ({t.session}): {t.error}" for t in warm_timings if not t.ok]
    errors += [f"baseline step {t.step} ({t.interaction}): {t.error}" for t in baseline.timings if not t.ok]
    errors += [f"warm-up/baseline pageerror: {e}" for r in [*warm, baseline] for e in r.page_errors]
    alone = {name: summarise([t for t in baseline.timings if t.interaction == name]) for name in INTERACTIONS}
    alone = {k: v for k, v in alone.items() if v["count"]}
    server_cpu = run.get("server_cpu_s")
    expected = sessions * interactions
    if len(timings) < expected:
        errors.append(f"{expected - len(timings)} interaction(s) never ran (a session stopped early)")
    server_errors = [line for line in server_log.splitlines() if "Traceback" in line or "Error" in line]
    if page_fetches:
        errors.append(f"page views fetched from a source {page_fetches} time(s): replicas must only read")

    print()
    until = "the page is done" if args.clients == "browser" else "the server's script_finished"
    print_table(alone, f"Baseline: one session alone, warm caches (seconds from trigger to {until})")
    print()
    print_table(
        by_kind,
        f"Load: {sessions} concurrent {args.clients} sessions x {interactions} interactions, "
        f"{os.cpu_count()} CPUs, wall {wall:.1f} s"
        + (f", pauses of {args.think:g} s on average between a session's interactions" if args.think else ""),
    )
    if server_cpu is not None:
        print(f"server CPU during the concurrent phase: {server_cpu:.1f} s over {wall:.1f} s wall")
    per_interaction = None
    if bare is not None:
        bare_done = [r for r in bare["results"] if isinstance(r, SessionResult)]
        bare_timings = [t for r in bare_done for t in r.timings]
        errors += [f"bare script: {t.interaction} ({t.session}): {t.error}" for t in bare_timings if not t.ok]
        errors += [f"bare script session crashed: {e!r}"[:300] for e in bare["results"]
                   if isinstance(e, BaseException)]  # fmt: skip
        count = sessions * interactions
        if server_cpu is not None and bare["server_cpu_s"] is not None:
            ours_ms, bare_ms = server_cpu / count * 1000, bare["server_cpu_s"] / count * 1000
            per_interaction = {
                "ours_ms": ours_ms, "bare_ms": bare_ms, "ratio": ours_ms / bare_ms if bare_ms else None,
                "bare_wall_s": bare["wall"], "bare_summary": summarise(bare_timings),
            }  # fmt: skip
            print(
                f"server CPU per interaction: {ours_ms:.1f} ms; the bare script under the same load "
                f"({BARE_SCRIPT}): {bare_ms:.1f} ms ({per_interaction['ratio']:.2f}x)"
            )
    if run.get("server_rss_mb"):
        print(f"server resident memory after it: {run['server_rss_mb']:.0f} MB")
    if page_fetches is not None:
        print(f"fetches made by page views (attempt log): {page_fetches}")
    print(f"errors: {len(errors)}  (stException: {sum(r.exceptions_on_page for r in done)}, "
          f"pageerror: {len(page_errors)}, server log errors: {len(server_errors)})")  # fmt: skip
    for line in errors[:20]:
        print("  " + line)

    report = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "config": {
            "clients": args.clients,
            "sessions": sessions,
            "interactions_per_session": interactions,
            "interactions": INTERACTIONS[:interactions],
            "years_of_data": args.years,
            "metrics_stored": ids,
            "timeout_s": args.timeout,
            "stagger_s": args.stagger,
            "think_s": args.think,
            "quick": args.quick,
            "replicas": args.replicas,
        },
        "page_fetches": page_fetches,
        "warmup": [asdict(t) for t in warm_timings],
        "baseline": {"summary": alone, "timings": [asdict(t) for t in baseline.timings]},
        "wall_s": wall,
        "server_cpu_s": server_cpu,
        "server_cpu_per_interaction": per_interaction,
        "server_rss_mb": run.get("server_rss_mb"),
        "summary": by_kind,
        "errors": errors,
        "server_log_errors": server_errors[:50],
        "timings": [asdict(t) for t in timings],
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=2))
    tmp.replace(output)
    print(f"wrote {output}")
    return 0 if not errors and not server_errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
