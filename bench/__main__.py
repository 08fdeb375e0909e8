"""`python -m bench [--quick] [--json PATH] [--only NAME ...]`: run the rows, print the table, write JSON.

Exit status: 0 when every selected row ran (goals met or missed alike), 1 when a row raised, 2 on a
usage error. Goals are reported, never enforced: these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import tempfile
import time
import traceback
import warnings
from datetime import UTC, datetime
from pathlib import Path

from bench import RESULTS

DEFAULT_JSON = RESULTS / "latest.json"
BLAS_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every row once on small data (CI smoke run)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"output (default {DEFAULT_JSON})")
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="rows whose name contains NAME, or a group (repeats)"
    )
    parser.add_argument("--repeat", type=int, help="repetitions of compute rows (default 25)")
    parser.add_argument("--page-repeat", type=int, help="repetitions of AppTest rows (default 9, at least 7)")
    parser.add_argument(
        "--browser-repeat", type=int, help="sessions of each app in the browser rows (default 20; quick: 2)"
    )
    parser.add_argument("--years", type=float, help="years of synthetic history (default 25; quick: 2)")
    parser.add_argument(
        "--blas-threads",
        type=int,
        help="set OPENBLAS_NUM_THREADS/OMP_NUM_THREADS before numpy loads (default: as the app, unset)",
    )
    parser.add_argument("--list", action="store_true", help="list the rows and exit")
    return parser.parse_args(argv)


def quiet() -> None:
    """AppTest in bare mode warns about a missing ScriptRunContext on every run: noise here.

    Streamlit resets its loggers to the `logger.level` option whenever it parses its config
    (AppTest does), so the bench pins the level at ERROR for this process.
    """
    import streamlit.logger

    original = getattr(streamlit.logger.set_log_level, "__wrapped__", streamlit.logger.set_log_level)

    def at_least_error(level) -> None:
        original(logging.ERROR)

    at_least_error.__wrapped__ = original  # type: ignore[attr-defined]
    streamlit.logger.set_log_level = at_least_error
    original(logging.ERROR)
    warnings.filterwarnings("ignore", category=FutureWarning)


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "B":
        return f"{value / 1000:,.1f} KB"
    if unit == "x":
        return f"{value:,.3g}x" if value < 1000 else f"{value:,.0f}x"
    ms = value * 1000
    if ms >= 100:
        return f"{ms:,.0f} ms"
    if ms >= 1:
        return f"{ms:.3g} ms"
    return f"{ms * 1000:.3g} us"


def spread_text(summary: dict) -> str:
    if summary["n"] < 2:
        return ""
    unit = summary["unit"]
    return f" [{fmt(summary['q1'], unit)}..{fmt(summary['q3'], unit)}]"


def print_table(rows: list[dict], out=sys.stdout) -> None:
    headers = ("row", "ours median [IQR]", "baseline median [IQR]", "ratio", "goal", "met")
    body = []
    for r in rows:
        if r.get("error"):
            error = "ERROR: " + r["error"].splitlines()[0][:60]
            body.append((r["name"], error, "", "", r["goal"]["text"], "error"))
            continue
        if r.get("skipped"):
            body.append((r["name"], "not measured: " + r["skipped"][:60], "", "", r["goal"]["text"], "-"))
            continue
        o, b = r["ours"], r["baseline"]
        goal = r["goal"]["text"] + (" *" if r["goal"]["proposed"] else "")
        met = {True: "met", False: "MISSED", None: "-"}[r["met"]]
        body.append(
            (
                r["name"],
                fmt(o["median"], o["unit"]) + spread_text(o),
                fmt(b["median"], b["unit"]) + spread_text(b),
                fmt(r["ratio"], "x"),
                goal,
                met,
            )
        )
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *body, strict=True)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print(line.format(*headers), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for cells in body:
        print(line.format(*cells), file=out)
    print(file=out)
    for r in rows:
        print(f"{r['name']}: {r['what']}\n    baseline: {r['baseline_what']}", file=out)
    if any(r["goal"]["proposed"] for r in rows):
        print("\n* goal proposed by the bench (not in the issue): to be confirmed.", file=out)


def machine() -> dict:
    import altair
    import numpy
    import pandas
    import streamlit

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "streamlit": streamlit.__version__,
        "pandas": pandas.__version__,
        "altair": altair.__version__,
        "numpy": numpy.__version__,
        "blas_threads_env": {name: os.environ.get(name) for name in BLAS_THREAD_VARS},
        "load_average": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.blas_threads:
        for name in BLAS_THREAD_VARS:
            os.environ[name] = str(args.blas_threads)
    from bench import rows as registry

    if args.list:
        for row in registry.ROWS:
            print(f"{row.name:<26} {row.group:<10} {row.what.format(years='N')}")
        return 0
    selected = registry.select(args.only)
    if not selected:
        print(f"no row matches {args.only}; rows: {', '.join(registry.ROW_NAMES)}", file=sys.stderr)
        return 2

    settings = registry.QUICK if args.quick else registry.FULL
    overrides = {}
    if args.repeat:
        overrides["repeat"] = args.repeat
    if args.page_repeat:
        overrides["page_repeat"] = max(7, args.page_repeat)
    if args.browser_repeat:
        overrides["browser_repeat"] = args.browser_repeat
    if args.years:
        overrides["years"] = args.years
    if overrides:
        settings = registry.Settings(**{**settings.__dict__, **overrides})

    with tempfile.TemporaryDirectory(prefix="convex-bench-") as tmp:
        from bench.data import fill_store, prepare_environment

        prepare_environment(Path(tmp))  # before anything imports streamlit
        quiet()
        started = time.perf_counter()
        data = fill_store(Path(tmp), years=settings.years)
        print(
            f"store: {len(data.metric_ids)} metrics, {settings.years:g} years, in {tmp} "
            f"({time.perf_counter() - started:.1f} s)",
            file=sys.stderr,
        )
        ctx = registry.Context(settings=settings, data=data)
        results = []
        for row in selected:
            print(f"  {row.name} ...", file=sys.stderr, end=" ", flush=True)
            t0 = time.perf_counter()
            entry = {
                "name": row.name,
                "group": row.group,
                "what": row.what.format(years=f"{settings.years:g}"),
                "baseline_what": row.baseline,
                "goal": row.goal.to_dict(),
            }
            try:
                measured = row.run(ctx)
            except registry.NotMeasured as exc:  # e.g. no browser on this machine: said, not an error
                entry.update(ours=None, baseline=None, ratio=None, met=None, error=None, skipped=str(exc))
                print(f"not measured: {exc}", file=sys.stderr)
            except Exception as exc:  # a row that raised is reported, and fails the run
                entry.update(error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc())
                entry.update(ours=None, baseline=None, ratio=None, met=None)
                print(f"ERROR {type(exc).__name__}: {exc}", file=sys.stderr)
            else:
                ratio = measured.ours.median / measured.baseline.median if measured.baseline.median else None
                entry.update(
                    ours=measured.ours.to_dict(),
                    baseline=measured.baseline.to_dict(),
                    ratio=ratio,
                    met=row.goal.met(measured.ours, ratio),
                    details=measured.details,
                    error=None,
                )
                print(f"{time.perf_counter() - t0:.1f} s", file=sys.stderr)
            results.append(entry)

    report = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": settings.quick,
        "settings": settings.__dict__,
        "machine": machine(),
        "rows": results,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print()
    print_table(results)
    print(f"\nwritten: {args.json}")
    return 1 if any(r["error"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
