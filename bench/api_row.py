"""The HTTP API's row: /api/v1/compare for a warm pair against `convex stats --json` in process.

A real `streamlit run serve.py` (the app and its API in one process) on loopback serves the bench's
store. The pair is walcl vs tlt at lookback Max, asked once first (untimed: the answer is then kept,
as for any view asked again while the store is unchanged). Ours: one GET of it through a keep-alive
HTTP client, the JSON parsed. Baseline: `convex stats walcl tlt --lookback Max --json` in this
process (the command's own main(), its output captured), which computes the same JSON from the store.
The goal is that the API adds no more than the HTTP round trip: its median at most the baseline's
plus a bare round trip (the API's 404 for an unknown route, through the same client, in the details), written
as a ratio to the baseline. The details also give the first, computing request.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import time
from pathlib import Path

from bench.pgserver import free_port
from bench.timing import Summary, timed
from bench.topology import stop_process, streamlit_command, wait_healthy

ROOT = Path(__file__).resolve().parents[1]
PAIR, LOOKBACK = ("walcl", "tlt"), "Max"


@contextlib.contextmanager
def api_server():
    """`streamlit run serve.py` on loopback over the bench's store (the environment the bench set);
    its URL once it answers, stopped afterwards."""
    port = free_port()
    env = {**os.environ, "CONVEX_API_BURST": "1000000", "CONVEX_API_RATE_PER_MINUTE": "1000000"}
    process = subprocess.Popen(
        streamlit_command(port, "serve.py"), cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, timeout=90)
        yield url
    finally:
        stop_process(process)


def run(ctx):
    import requests

    from bench.rows import Measured
    from convex.cli import main

    a, b = PAIR
    with api_server() as url, requests.Session() as client:
        address = f"{url}/api/v1/compare?a={a}&b={b}&lookback={LOOKBACK}"
        started = time.perf_counter()
        first = client.get(address, timeout=300)
        cold_s = time.perf_counter() - started
        first.raise_for_status()

        def api() -> dict:
            answer = client.get(address, timeout=60)
            answer.raise_for_status()
            return answer.json()

        def cli() -> dict:
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                if main(["stats", a, b, "--lookback", LOOKBACK, "--json"]) != 0:
                    raise RuntimeError("convex stats failed")
            return printed.getvalue()

        ours, base = ctx.compare(timed(api), timed(cli))
        repeat = 1 if ctx.settings.quick else ctx.settings.repeat
        # The API's cheapest answer (an unknown route: routing, rate limit, a JSON error) is the bare
        # round trip. Streamlit's /_stcore/health is not: it answers in two writes, and loopback's
        # delayed ACK then adds about 40 ms to each.
        bare = f"{url}/api/v1/round-trip"
        round_trip = Summary.of([timed(lambda: client.get(bare, timeout=10).json())()
                                 for _ in range(max(repeat, 5))], "s")  # fmt: skip
        # The same request again and again, nothing between: how a script looping over the API sees it.
        back_to_back = Summary.of([timed(api)() for _ in range(max(repeat, 5))], "s")
        same = api() == json.loads(cli())
    extra = ours.median - round_trip.median
    return Measured(
        ours,
        base,
        {"pair": f"{a} vs {b}", "lookback": LOOKBACK, "first_request_s": cold_s,
         "back_to_back_median_s": back_to_back.median,
         "round_trip_median_s": round_trip.median, "api_minus_round_trip_median_s": extra,
         "adds_no_more_than_the_round_trip": ours.median <= base.median + round_trip.median,
         "same_json_as_the_cli": same, "bytes": len(first.content)},
    )  # fmt: skip
