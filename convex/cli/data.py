"""`python -m convex refresh | worker | import | export | status | stats | scenario | digest`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import track
from rich.table import Table

from .catalog import InvalidFormulaError, UnknownMetricError, catalog
from .formulas import is_formula_id
from .loader import Loader, NoDataError, pair_options
from .store import Store
from .uploads import is_upload_id

_err = Console(stderr=True)


def _out() -> Console:
    # Piped output (files, CI logs) gets wide tables rather than reasons folded over many lines.
    return Console() if sys.stdout.isatty() else Console(width=200)


def _store() -> Store:
    return Store()


def _fail(message: str, code: int = 1) -> int:
    _err.print(f"[bold red]error:[/] {message}", highlight=False)
    return code


def _check_ids(ids: list[str]) -> list[str]:
    """Catalog ids, or formulas ("f:spy/tlt") and stored uploads ("u:…") where a pair is compared."""
    for metric_id in ids:
        if is_formula_id(metric_id):
            catalog().get(metric_id)  # InvalidFormulaError says what is wrong with it
    unknown = [i for i in ids if i not in catalog() and not is_formula_id(i) and not is_upload_id(i)]
    if unknown:
        raise UnknownMetricError(", ".join(unknown))
    return ids


def cmd_refresh(args: argparse.Namespace) -> int:
    ids = list(catalog().ids) if args.all or not args.ids else _check_ids(args.ids)
    loader = Loader(_store(), actor="cli")
    if loader.offline:
        return _fail("CONVEX_OFFLINE is set: refresh never touches the network")
    outcomes = [
        loader.refresh(i, force=args.force) for i in track(ids, description="Refreshing", console=_err)
    ]
    table = Table("metric", "result", "new", "revised", "reason", title="Refresh")
    for o in outcomes:
        style = {"updated": "green", "fresh": "cyan", "stale": "yellow", "failed": "red"}.get(o.status, "")
        table.add_row(
            o.metric_id, f"[{style}]{o.status}[/]", str(o.new_points), str(o.revised_points), o.reason or ""
        )
    _out().print(table)
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def cmd_worker(args: argparse.Namespace) -> int:
    import logging
    import signal
    import threading

    from .worker import AnotherWorker, RefreshWorker, worker_lock

    store = Store(application_name="convex worker")
    worker = RefreshWorker(store)
    if worker.loader.offline:
        return _fail("CONVEX_OFFLINE is set: the refresh worker never touches the network")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):  # finish the metric under way, then exit
        signal.signal(signum, lambda *_: stop.set())
    try:
        with worker_lock(store, wait=args.wait):
            _err.print(f"refresh worker on {store.location}: every {args.interval:g} s", highlight=False)
            worker.run(once=args.once, interval=args.interval, stop=stop)
    except AnotherWorker as exc:
        return _fail(str(exc), 3)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .importers import UnreadableFile, read_series_file

    metric = catalog().get(args.id)
    if metric.is_derived:
        return _fail(
            f"{metric.id} is derived from {', '.join(i.id for i in metric.inputs)}: import those instead"
        )
    try:
        imported = read_series_file(Path(args.file))
    except UnreadableFile as exc:
        return _fail(str(exc))
    result = _store().write_series(
        metric.id, imported.series, provenance="import", source=metric.source, detail=Path(args.file).name
    )
    s = imported.series
    _out().print(
        f"Imported {result.total_points} points for {metric.id} ({imported.layout} layout), "
        f"{s.index[0].date()} to {s.index[-1].date()}."
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    metric = catalog().get(args.id)
    if metric.is_derived:
        series = Loader(_store(), offline=True).load(metric.id).series
    else:
        series = _store().read_series(metric.id)
    if series.empty:
        return _fail(f"nothing stored for {metric.id}; run `python -m convex refresh {metric.id}` first")
    # repr-exact floats, so that importing this file gives back exactly these values.
    lines = [
        "date,value",
        *(f"{d:%Y-%m-%d},{v!r}" for d, v in zip(series.index, series.tolist(), strict=True)),
    ]
    text = "\n".join(lines) + "\n"
    if args.out:
        Path(args.out).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    store = _store()
    Loader(store, offline=True).seed_samples()  # report what the app serves, samples included
    metas = store.all_meta()
    table = Table("metric", "provenance", "first", "last", "points", "fetched", "last error", title="Store")
    for metric in catalog():
        if metric.is_derived:
            continue
        m = metas.get(metric.id)
        if m is None:
            table.add_row(metric.id, "-", "", "", "0", "", "")
            continue
        table.add_row(
            metric.id,
            m.provenance or "-",
            f"{m.first_date:%Y-%m-%d}" if m.first_date is not None else "",
            f"{m.last_date:%Y-%m-%d}" if m.last_date is not None else "",
            str(m.points),
            f"{m.fetched_at:%Y-%m-%d %H:%M}" if m.fetched_at else "",
            m.last_error or "",
        )
    _out().print(table)
    return 0


def _lookback(text: str) -> str:
    from .analytics.align import LOOKBACKS, date_window  # the statistics stack loads only for `stats`

    wanted = {key.lower(): key for key in LOOKBACKS}.get(text.strip().lower())
    if wanted is None and date_window(text.strip()) is not None:
        wanted = text.strip()
    if wanted is None:
        raise argparse.ArgumentTypeError(
            f"lookback must be one of {', '.join(LOOKBACKS)} or two dates YYYY-MM-DD..YYYY-MM-DD"
        )
    return wanted


def load_pair(a_id: str, b_id: str) -> list | int:
    """Both metrics from the store (and the offline sample where nothing is stored): a report never
    waits on a source. An exit code after saying why, when either has no data."""
    _check_ids([a_id, b_id])
    if a_id == b_id:
        return _fail("pick two different metrics")
    loader = Loader(_store(), offline=True)
    loaded = []
    for metric_id in (a_id, b_id):
        try:
            loaded.append(loader.load(metric_id))
        except NoDataError as exc:
            # A derived metric or a formula is computed from its inputs: those are what to fetch.
            inputs = () if is_upload_id(metric_id) else catalog().get(metric_id).inputs
            fetch = " ".join(i.id for i in inputs) or metric_id
            return _fail(f"{exc}. Run `python -m convex refresh {fetch}` or import a file first.")
    return loaded


def cmd_stats(args: argparse.Namespace) -> int:
    import pandas as pd

    from .analytics.report import pair_report

    loaded = load_pair(args.a, args.b)
    if isinstance(loaded, int):
        return loaded
    la, lb = loaded
    report = pair_report(
        la.series,
        lb.series,
        lookback=args.lookback,
        today=pd.Timestamp.now().normalize(),
        **pair_options(la, lb),
    )
    if args.json:
        out = report.to_dict()
        out.update(a=args.a, b=args.b, name_a=la.metric.name, name_b=lb.metric.name,
                   provenance_a=la.provenance, provenance_b=lb.provenance)  # fmt: skip
        sys.stdout.write(json.dumps(out, indent=2, allow_nan=False) + "\n")
    else:
        for ls in loaded:
            if ls.provenance != "live" or ls.stale:
                note = ls.detail if ls.provenance != "live" else ls.stale_reason
                _out().print(f"[yellow]{ls.metric.id}: {ls.provenance} data ({note})[/]", highlight=False)
        sys.stdout.write(report.render_text() + "\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m convex", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("refresh", help="fetch metrics into the store")
    p.add_argument("ids", nargs="*", help="metric ids (default: all)")
    p.add_argument("--all", action="store_true", help="every catalog metric")
    p.add_argument("--force", action="store_true", help="fetch even when the stored data is fresh")
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser(
        "worker", help="keep every metric fresh: the one process that fetches for a shared store"
    )
    p.add_argument("--once", action="store_true", help="one pass over the metrics that are due, then exit")
    p.add_argument("--wait", action="store_true", help="if another worker runs, wait for it to stop")
    p.add_argument("--interval", type=float, default=60.0, help="seconds between passes (default 60)")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("import", help="load a CSV file into the store")
    p.add_argument("id")
    p.add_argument("file")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="write a stored series as date,value CSV")
    p.add_argument("id")
    p.add_argument("--out", help="file to write (default: stdout)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("status", help="what is stored for every metric")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("stats", help="every statistic of a pair, from the store")
    p.add_argument("a", help="metric A id")
    p.add_argument("b", help="metric B id")
    p.add_argument(
        "--lookback",
        type=_lookback,
        default="5Y",
        help="90D, 1Y, 3Y, 5Y, 10Y, Max (default 5Y), or two dates such as 2020-03-02..2020-06-26",
    )
    p.add_argument("--json", action="store_true", help="one JSON object instead of the readable report")
    p.set_defaults(func=cmd_stats)

    from .cli_digest import add_digest_parser
    from .cli_scenario import add_scenario_parser

    add_scenario_parser(sub, _lookback)
    add_digest_parser(sub)
    return parser


def _attach_negative_values(argv: list[str]) -> list[str]:
    """`--move -2%` as `--move=-2%`: argparse would read "-2%" as an option."""
    out: list[str] = []
    for arg in argv:
        if out and out[-1] == "--move" and arg.startswith("-"):
            out[-1] = f"--move={arg}"
        else:
            out.append(arg)
    return out


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(_attach_negative_values(sys.argv[1:] if argv is None else argv))
    try:
        return args.func(args)
    except InvalidFormulaError as exc:
        return _fail(f"{exc}", 2)
    except UnknownMetricError as exc:
        return _fail(f"{exc}; `python -m convex status` lists the catalog ids", 2)


if __name__ == "__main__":
    raise SystemExit(main())
