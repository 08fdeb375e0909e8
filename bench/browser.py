"""The browser group: what a user waits for, from a click to the page settled, in headless Chromium.

Two real servers run side by side over the bench's store: `streamlit run app.py` (the compare page,
default pair walcl vs tlt) and `streamlit run bench/baseline_app.py` (the bare two-chart script, the
same pair, the same lookback widget). One Chromium (Debian's, through Playwright) drives both, a new
browser context for every session, sessions of the two apps interleaved with the order flipping
every round. A session of the compare page: open it (first load in a new context), a lookback not
shown yet (3Y -> 10Y), a lookback already shown (back to 3Y), a transform change (Level -> Rebased),
a chart tab (Side by side -> Overlay) and opening "Scenarios & forecasts". A session of the bare
script: its first load and the same two lookback clicks.

Timing, in the page's own clock: from the pointer going down on the control (a listener in the
capture phase; for a first load, the navigation's start) to the page settled: the script idle, no
stale element, no spinner, every visible chart drawn (a canvas or an svg with a size), the state asked
for shown (the URL parameter, the heading, the selected tab, the opened section's charts), and no DOM
change and no long task for QUIET_MS. The time reported is the last DOM change or the end of the
last long task before that quiet, whichever is later. Between interactions (untimed) the bench waits
until the server's CPU is idle, so that no background work of one interaction overlaps the next.

Per interaction the details also give, as medians: the server's CPU time (its process' utime +
stime from the click to idle), the renderer's main-thread busy time (CDP Performance.getMetrics
TaskDuration), the websocket frames and bytes the server sent (about one frame per element message),
and the DOM nodes of the page and of its charts' SVGs once settled.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1440, "height": 1000}
QUIET_MS = 500
TIMEOUT_MS = 120_000
BASELINE_SCRIPT = "bench/baseline_app.py"
FIRST_LOOKBACK, NEW_LOOKBACK = "3Y", "10Y"  # 3Y is the default of both: left out of the URL
TRANSFORM, TAB = "Rebased", "Overlay"
TITLE = "Fed Balance Sheet vs 20Y+ Treasury (TLT)"
BASELINE_TITLE = "walcl vs tlt"
SCENARIO_SECTION = "When Fed Balance Sheet moved like this"

# The interactions, in session order: the compare page does all of them, the bare script the first three.
INTERACTIONS = ("first_load", "lookback_new", "lookback_shown", "transform", "tab", "scenarios")
BASELINE_INTERACTIONS = INTERACTIONS[:3]

# Installed in every document before its own scripts: the click's time, the last DOM change, the end of
# the last long task (all in performance.now() of the page, whose 0 is the navigation's start).
INIT_JS = """(() => {
    const b = window.__bench = {t0: 0, armed: false, lastChange: 0, lastLong: 0};
    new MutationObserver(() => { b.lastChange = performance.now(); }).observe(document, {
        subtree: true, childList: true, attributes: true, characterData: true,
    });
    try {
        new PerformanceObserver((list) => {
            for (const e of list.getEntries()) b.lastLong = Math.max(b.lastLong, e.startTime + e.duration);
        }).observe({type: 'longtask', buffered: true});
    } catch (e) {}
    document.addEventListener('pointerdown', () => {
        if (b.armed) { b.t0 = performance.now(); b.armed = false; }
    }, true);
})();"""
ARM_JS = "() => { window.__bench.armed = true; }"
# Settled (see the module's docstring); `want` names the state the interaction asked for.
SETTLED_JS = """(want) => {
    const b = window.__bench;
    const app = document.querySelector("[data-testid='stApp']");
    if (!b || !app || b.armed || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector("[data-stale='true'], [data-testid='stSpinner'], [data-testid='stSkeleton']"))
        return false;
    const shown = (el) => el.getBoundingClientRect().width > 0;
    const charts = [...document.querySelectorAll("[data-testid='stVegaLiteChart']")].filter(shown);
    if (!charts.every(el => { const g = el.querySelector('canvas, svg.marks');
                               return g && g.getBoundingClientRect().width > 0; })) return false;
    if (!charts.length) return false;
    const query = new URLSearchParams(location.search);
    if (want.param && query.get(want.param[0]) !== want.param[1]) return false;
    if (want.h1 && ![...document.querySelectorAll('h1')].some(h => h.innerText.trim() === want.h1))
        return false;
    if (want.tab && ![...document.querySelectorAll("[role='tab'][aria-selected='true']")]
            .some(t => t.innerText.trim() === want.tab)) return false;
    if (want.section) {
        const box = [...document.querySelectorAll("[data-testid='stExpander']")]
            .find(e => e.innerText.includes(want.section));
        if (!box || !box.querySelector("[data-testid='stVegaLiteChart'] canvas, "
                                        + "[data-testid='stVegaLiteChart'] svg.marks")) return false;
    }
    const last = Math.max(b.lastChange, b.lastLong);
    if (performance.now() - last < QUIET) return false;
    return {ms: last - b.t0,
            nodes: document.getElementsByTagName('*').length,
            chartNodes: document.querySelectorAll("[data-testid='stVegaLiteChart'] svg *").length,
            charts: charts.length};
}""".replace("QUIET", str(QUIET_MS))


class BrowserUnavailable(RuntimeError):
    """Chromium cannot start on this machine: the browser rows are not measured."""


# ------------------------------------------------------------------------------------ servers
def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    url: str
    process: subprocess.Popen

    def cpu_s(self) -> float:
        return _cpu_s(self.process.pid)

    def wait_idle(self, quiet_s: float = 0.3, timeout_s: float = 30.0) -> None:
        """Until the server used under 3% of a core for `quiet_s` (its background work done)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            before = self.cpu_s()
            time.sleep(quiet_s)
            if self.cpu_s() - before <= 0.03 * quiet_s:
                return


@contextlib.contextmanager
def serving(script: str, log: Path) -> Iterator[Server]:
    """`streamlit run script` on loopback over the bench's store (the environment the bench set)."""
    from bench.pgserver import free_port
    from bench.topology import stop_process, streamlit_command, wait_healthy

    port = free_port()
    with open(log, "w") as out:
        process = subprocess.Popen(
            streamlit_command(port, script), cwd=ROOT, env=dict(os.environ), stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, process)
        yield Server(url, process)
    finally:
        stop_process(process)


# ---------------------------------------------------------------------------------- sessions
@dataclass
class Sample:
    seconds: float
    server_cpu_s: float
    main_thread_s: float
    frames: int
    frame_bytes: int
    nodes: int
    chart_nodes: int


@dataclass
class Session:
    """One browser context on one app: its page, CDP session and websocket frame count."""

    page: object
    cdp: object
    server: Server
    frames: list = field(default_factory=lambda: [0, 0])

    def task_s(self) -> float:
        metrics = self.cdp.send("Performance.getMetrics")["metrics"]
        return next(m["value"] for m in metrics if m["name"] == "TaskDuration")

    def measure(self, act: Callable[[], None], want: dict, *, first: bool = False) -> Sample:
        """`act()` triggers the interaction (for a first load, the navigation itself)."""
        page = self.page
        frames0, bytes0 = self.frames
        cpu0 = self.server.cpu_s()
        task0 = 0.0 if first else self.task_s()
        if not first:
            page.evaluate(ARM_JS)
        act()
        if not first:
            page.mouse.move(1, 1)  # off any chart: a hover is not part of the interaction
        done = page.wait_for_function(SETTLED_JS, arg=want, timeout=TIMEOUT_MS, polling=50).json_value()
        task = self.task_s() - task0
        self.server.wait_idle()
        frames1, bytes1 = self.frames
        return Sample(
            seconds=done["ms"] / 1000, server_cpu_s=self.server.cpu_s() - cpu0, main_thread_s=task,
            frames=frames1 - frames0, frame_bytes=bytes1 - bytes0, nodes=done["nodes"],
            chart_nodes=done["chartNodes"],
        )  # fmt: skip


@contextlib.contextmanager
def session(browser, server: Server) -> Iterator[Session]:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.add_init_script(INIT_JS)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        s = Session(page, context.new_cdp_session(page), server)
        s.cdp.send("Performance.enable")

        def on_socket(ws) -> None:
            def received(payload) -> None:
                s.frames[0] += 1
                s.frames[1] += len(payload)

            ws.on("framereceived", received)

        page.on("websocket", on_socket)
        yield s
        if errors:
            raise RuntimeError(f"{server.url}: page errors: {errors[:3]}")
        if page.locator("[data-testid='stException']").count():
            raise RuntimeError(f"{server.url}: the page shows an exception")
    finally:
        context.close()


def _click_lookback(page, value: str) -> Callable[[], None]:
    # streamlit 1.67 renders st.segmented_control as a radiogroup of radio buttons.
    radio = page.get_by_role("radiogroup", name="Lookback").get_by_role("radio", name=value, exact=True)
    radio.wait_for(timeout=TIMEOUT_MS)
    return lambda: radio.click(timeout=TIMEOUT_MS)


def _lookbacks(s: Session, out: dict) -> None:
    page = s.page
    new = {"param": ["lookback", NEW_LOOKBACK]}
    out["lookback_new"] = s.measure(_click_lookback(page, NEW_LOOKBACK), new)
    out["lookback_shown"] = s.measure(_click_lookback(page, FIRST_LOOKBACK), {"param": ["lookback", None]})


def compare_session(browser, server: Server) -> dict[str, Sample]:
    out: dict[str, Sample] = {}
    with session(browser, server) as s:
        page = s.page
        out["first_load"] = s.measure(
            lambda: page.goto(server.url, wait_until="commit"), {"h1": TITLE}, first=True
        )
        _lookbacks(s, out)
        picker = page.locator("[data-testid='stSelectbox']").filter(has_text="Chart transform")
        picker.click(timeout=TIMEOUT_MS)
        option = page.get_by_role("option", name=TRANSFORM, exact=True)
        option.wait_for(timeout=TIMEOUT_MS)
        out["transform"] = s.measure(lambda: option.click(), {"param": ["transform", TRANSFORM]})
        tab = page.get_by_role("tab", name=TAB, exact=True)
        out["tab"] = s.measure(lambda: tab.click(timeout=TIMEOUT_MS), {"param": ["view", TAB], "tab": TAB})
        summary = page.locator("[data-testid='stExpander'] summary").filter(has_text=SCENARIO_SECTION)
        summary.scroll_into_view_if_needed(timeout=TIMEOUT_MS)
        out["scenarios"] = s.measure(
            lambda: summary.click(timeout=TIMEOUT_MS),
            {"param": ["scenario", "true"], "section": SCENARIO_SECTION},
        )
    return out


def baseline_session(browser, server: Server) -> dict[str, Sample]:
    out: dict[str, Sample] = {}
    with session(browser, server) as s:
        page = s.page
        out["first_load"] = s.measure(
            lambda: page.goto(server.url, wait_until="commit"), {"h1": BASELINE_TITLE}, first=True
        )
        _lookbacks(s, out)
    return out


# ---------------------------------------------------------------------------------- the run
def launch(playwright):
    if not Path(CHROMIUM).exists():
        raise BrowserUnavailable(f"Chromium is not installed ({CHROMIUM}): apt-get install chromium")
    try:
        return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    except Exception as exc:  # any launch failure means the same: no browser here
        raise BrowserUnavailable(f"Chromium did not start: {str(exc).splitlines()[0][:200]}") from exc


def run(folder: Path, *, repeat: int, warmup: int) -> dict:
    """Every interaction's samples for both apps: {"ours": {name: [Sample]}, "baseline": {...}}."""
    from playwright.sync_api import sync_playwright

    ours: dict[str, list[Sample]] = {name: [] for name in INTERACTIONS}
    base: dict[str, list[Sample]] = {name: [] for name in BASELINE_INTERACTIONS}
    with (
        sync_playwright() as p,
        serving("app.py", folder / "browser-app.log") as app,
        serving(BASELINE_SCRIPT, folder / "browser-baseline.log") as bare,
    ):
        browser = launch(p)
        try:
            for i in range(warmup + repeat):
                sides = [
                    (lambda: compare_session(browser, app), ours),
                    (lambda: baseline_session(browser, bare), base),
                ]
                for go, into in sides if i % 2 == 0 else reversed(sides):
                    got = go()
                    if i >= warmup:
                        for name, sample in got.items():
                            into[name].append(sample)
        finally:
            browser.close()
    return {"ours": ours, "baseline": base}


def medians(samples: list[Sample]) -> dict:
    """The details' medians of everything but the time (which the row's summary gives)."""
    keys = ("server_cpu_s", "main_thread_s", "frames", "frame_bytes", "nodes", "chart_nodes")
    return {k: statistics.median(getattr(s, k) for s in samples) for k in keys}
