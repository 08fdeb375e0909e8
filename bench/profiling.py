"""Where the time goes: cProfile of a bench case, top functions by cumulative and own time.

    python -m bench.profiling page_rerun         # compare page rerun after the first lookback change
    python -m bench.profiling page_rerun --control spread   # ... or of another control (bench.pages)
    python -m bench.profiling page_rerun_cached  # the same with the changed view cached
    python -m bench.profiling page_cold          # first run with every st cache cleared
    python -m bench.profiling stats              # pair_statistics, 25y daily vs daily
    python -m bench.profiling store_write        # one incremental write (overlap + 1 point)

Options: --years (default 25), --top N (default 30), --out FILE (a .pstats dump for snakeviz etc.).
Uses the same temp store and environment as `python -m bench`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TARGETS = ("page_rerun", "page_rerun_cached", "page_cold", "stats", "store_write")


@contextmanager
def script_thread_profiled(profiler: cProfile.Profile, active: dict) -> Iterator[None]:
    """AppTest runs the script in a thread of its own, which cProfile in the caller never sees:
    profile that thread's whole run (script, caches, serialisation) while `active["on"]`."""
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    original = LocalScriptRunner._run_script_thread

    def run_profiled(self) -> None:
        if not active["on"]:
            return original(self)
        profiler.enable()
        try:
            return original(self)
        finally:
            profiler.disable()

    LocalScriptRunner._run_script_thread = run_profiled
    try:
        yield
    finally:
        LocalScriptRunner._run_script_thread = original


def _profile(setup_and_case, runs: int, *, page: bool) -> cProfile.Profile:
    case = setup_and_case()
    case()  # warm-up, not profiled
    profiler = cProfile.Profile()
    if page:
        # Only the timed rerun of each case is wanted; the untimed set-up reruns are excluded by
        # switching on just around the timed part (see bench.pages: the case's last run is timed).
        active = {"on": False}
        from bench import pages

        original_run = pages.timed_run

        def timed_run(at):
            active["on"] = True
            try:
                return original_run(at)
            finally:
                active["on"] = False

        pages.timed_run = timed_run
        with script_thread_profiled(profiler, active):
            for _ in range(runs):
                case()
        pages.timed_run = original_run
        return profiler
    for _ in range(runs):
        profiler.enable()
        case()
        profiler.disable()
    return profiler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profiling")
    parser.add_argument("target", choices=TARGETS)
    parser.add_argument("--years", type=float, default=25)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--filter", help="regex on file:line(function), e.g. 'convex/|pages/'")
    parser.add_argument(
        "--control", default="lookback", help="for page_rerun: lookback, transform, spread..."
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="convex-profile-") as tmp:
        from bench.data import PAGE_PAIR, fill_store, prepare_environment

        prepare_environment(Path(tmp))
        from bench.__main__ import quiet

        quiet()
        metrics = None if args.target.startswith("page") else (*PAGE_PAIR, "spy")
        data = fill_store(Path(tmp), years=args.years, metric_ids=metrics)
        from bench import pages
        from bench.rows import QUICK, Context, Settings

        ctx = Context(settings=Settings(**{**QUICK.__dict__, "years": args.years}), data=data)

        def setup():
            if args.target in ("page_rerun", "page_rerun_cached"):
                cached = args.target == "page_rerun_cached"
                return pages.warm_rerun_case(pages.APP_TARGET, uncache=not cached, control=args.control)
            if args.target == "page_cold":
                return pages.cold_run_case(pages.APP_TARGET)
            if args.target == "stats":
                from convex.analytics import pair_statistics

                aligned = ctx.aligned("tlt", "spy")
                return lambda: pair_statistics(aligned)
            from convex.store import Store

            store = Store(data.store_path)
            series = store.read_series("tlt")
            import pandas as pd

            state = {"s": series}

            def write():
                s = state["s"]
                day = s.index[-1] + pd.offsets.BDay(1)
                s = pd.concat([s, pd.Series([float(s.iloc[-1])], index=pd.DatetimeIndex([day], name="date"))])
                state["s"] = s
                store.write_series("tlt", s.iloc[-11:], provenance="live", source="bench", replace=False)

            return write

        profiler = _profile(setup, args.runs, page=args.target.startswith("page"))
    if args.out:
        profiler.dump_stats(args.out)
    for sort in ("cumulative", "tottime"):
        buffer = io.StringIO()
        stats = pstats.Stats(profiler, stream=buffer)
        if not args.filter:  # a filter may name folders (convex/, pages/): keep the paths then
            stats = stats.strip_dirs()
        stats = stats.sort_stats(sort)
        stats.print_stats(*([args.filter] if args.filter else []), args.top)
        print(f"==== {args.target}: top {args.top} by {sort} ({args.runs} runs) ====")
        print(buffer.getvalue().split("\n", 6)[-1] if sort == "tottime" else buffer.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
