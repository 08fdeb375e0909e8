"""`convex refresh | worker | import | export | status`: what the store holds, and filling it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.progress import track
from rich.table import Table

from ..data.loaded import NoDataError
from ..data.loader import Loader
from ..metrics.catalog import catalog
from ..metrics.formatting import day_text
from ..metrics.freshness import freshness
from ..metrics.recessions import indicator_source, indicator_spells
from ..store import Store, StoreNotWritable, utcnow
from ..store.postgres import WORKER_TIMEOUT_S
from .common import (
    add_fred_arguments,
    asof,
    check_ids,
    err,
    fail,
    fred_view,
    in_fred_view,
    load_pair,
    lookback,
    open_store,
    out,
)


def cmd_refresh(args: argparse.Namespace) -> int:
    ids = list(catalog().ids) if args.all or not args.ids else check_ids(args.ids)
    store = open_store()
    loader = Loader(store, actor="cli")
    if loader.offline:
        return fail("CONVEX_OFFLINE is set: refresh never touches the network")
    store.require_writable()  # a read-only store: say so, rather than "read-only" for every metric
    outcomes = [
        loader.refresh(i, force=args.force) for i in track(ids, description="Refreshing", console=err)
    ]
    table = Table("metric", "result", "new", "revised", "reason", title="Refresh")
    for o in outcomes:
        style = {"updated": "green", "fresh": "cyan", "stale": "yellow", "failed": "red"}.get(o.status, "")
        table.add_row(
            o.metric_id, f"[{style}]{o.status}[/]", str(o.new_points), str(o.revised_points), o.reason or ""
        )
    out().print(table)
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def cmd_worker(args: argparse.Namespace) -> int:
    import logging
    import signal
    import threading

    from ..jobs.worker import AnotherWorker, RefreshWorker, serve

    store = Store(application_name="convex worker", timeout=WORKER_TIMEOUT_S)
    worker = RefreshWorker(store)
    if worker.loader.offline:
        return fail("CONVEX_OFFLINE is set: the refresh worker never touches the network")
    store.require_writable()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):  # finish the metric under way, then exit
        signal.signal(signum, lambda *_: stop.set())
    err.print(f"refresh worker on {store.location}: every {args.interval:g} s", highlight=False)
    try:
        serve(worker, wait=args.wait, once=args.once, interval=args.interval, stop=stop)
    except AnotherWorker as exc:
        return fail(str(exc), 3)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ..data.importers import UnreadableFile, import_problem, read_series_file

    if args.id == indicator_source().id:
        return _import_recessions(Path(args.file))
    metric = catalog().get(args.id)
    if metric.is_derived:
        return fail(
            f"{metric.id} is derived from {', '.join(i.id for i in metric.inputs)}: import those instead"
        )
    try:
        imported = read_series_file(Path(args.file))
    except UnreadableFile as exc:
        return fail(str(exc))
    store = open_store()
    meta = store.meta(metric.id)
    # Offline samples stand in until real data comes: any file may replace them.
    stored = store.read_series(metric.id) if meta is not None and meta.provenance != "sample" else None
    problem = import_problem(imported, metric.symbol, stored)
    if problem and not args.replace:
        return fail(
            f"{Path(args.file).name} was not imported into {metric.id}: {problem}. Nothing was changed; "
            "pass --replace to store it anyway"
        )
    s = imported.series
    if imported.vintages is not None:
        return _import_vintages(store, metric, imported, Path(args.file).name, meta)
    result = store.write_series(
        metric.id, imported.series, provenance="import", source=metric.source, detail=Path(args.file).name
    )
    out().print(
        f"Imported {result.total_points} points for {metric.id} ({imported.layout} layout), "
        f"{s.index[0].date()} to {s.index[-1].date()}."
    )
    return 0


def _import_recessions(path: Path) -> int:
    """FRED's recession indicator (USREC, USRECD), which the charts' shading then follows over the span
    it covers (convex/metrics/recessions.toml)."""
    from ..data.importers import UnreadableFile, read_series_file

    source = indicator_source()
    try:
        imported = read_series_file(path)
    except UnreadableFile as exc:
        return fail(str(exc))
    named = (imported.name or "").strip().upper()
    if named and named not in source.symbols:
        symbols = ", ".join(source.symbols)
        return fail(f"{path.name} holds {named[:40]}, not one of {symbols}: nothing was stored")
    if not imported.series.isin([0.0, 1.0]).all():
        return fail(f"{path.name} is not a 0/1 recession indicator: nothing was stored")
    s = imported.series
    store = open_store()
    store.write_series(source.id, s, provenance="import", source="fred", detail=path.name, replace=True)
    spells = indicator_spells(s)
    out().print(
        f"Imported {len(s)} points of {source.name} ({s.index[0].date()} to {s.index[-1].date()}, "
        f"{len(spells)} recessions): charts shade its dates over that span."
    )
    return 0


def _import_vintages(store: Store, metric, imported, file_name: str, meta) -> int:
    """A vintage file: its vintages, and its latest vintage as the series unless live data is stored
    (which is newer than any file, and stays)."""
    from ..sources.vintages import vintage_days

    table = imported.vintages
    kind = "snapshots" if imported.layout == "alfred_vintages" else "releases"
    rows = store.write_vintages(metric.id, table, kind=kind, origin="import", detail=file_name)
    days = vintage_days(table)
    said = (
        f"Imported {rows:,} vintage rows for {metric.id} ({imported.layout} layout): {len(days):,} vintages, "
        f"{days[0].date()} to {days[-1].date()}."
    )
    if meta is not None and meta.provenance == "live" and meta.has_data:
        out().print(f"{said} The live series stored is kept.")
        return 0
    s = imported.series
    result = store.write_series(metric.id, s, provenance="import", source=metric.source, detail=file_name)
    out().print(
        f"{said} Its latest vintage is the series: {result.total_points} points, "
        f"{s.index[0].date()} to {s.index[-1].date()}."
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if args.b is not None:
        return _export_pair(args)
    metric = catalog().get(args.id)
    view = fred_view(args)
    if args.asof is not None:
        loader = Loader(open_store(), offline=True)
        try:
            loaded = loader.load_as_of(metric.id, args.asof)
        except NoDataError as exc:
            return fail(str(exc))
        series = in_fred_view(loaded, view).series
        # Said on stderr: stdout is the CSV.
        err.print(f"As known on {day_text(args.asof)}: {loaded.as_of.words}.", markup=False, highlight=False)
    elif metric.is_derived or not view.as_published:
        try:
            series = in_fred_view(Loader(open_store(), offline=True).load(metric.id), view).series
        except NoDataError:
            series = None
    else:
        series = open_store().read_series(metric.id)
    if series is None or series.empty:
        return fail(f"nothing stored for {metric.id}; run `python -m convex refresh {metric.id}` first")
    from ..data.importers import series_csv

    text = series_csv(series)
    if args.out:
        Path(args.out).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


def _export_pair(args: argparse.Namespace) -> int:
    """Two metrics aligned as the statistics use them; --published: as lead-lag, Granger and the
    scenarios do, each row at the first close that can reflect both values."""
    from ..analytics.align import align_pair
    from ..analytics.published import published_table
    from ..api.views import pair_csv
    from ..data.loaded import pair_options

    loaded = load_pair(args.id, args.b, args.asof)
    if isinstance(loaded, int):
        return loaded
    view = fred_view(args)
    la, lb = (in_fred_view(ls, view) for ls in loaded)
    options = dict(pair_options(la, lb), lookback=args.lookback)
    releases = la.dating.release, lb.dating.release
    if args.published and any(releases):
        aligned = align_pair(la.series, lb.series, **options, as_published=True)
        table = published_table(aligned, dates_a=la.series.index, dates_b=lb.series.index,
                                release_a=releases[0], release_b=releases[1])  # fmt: skip
        said = (
            "as published (what lead-lag, Granger and the scenarios use): each row at the first close "
            "that can reflect both values; *_value_date is the date of the value a side with a "
            f"publication lag carries there. {aligned.method}"
        )
    else:
        aligned = align_pair(la.series, lb.series, **options)
        table = aligned.frame
        said = "each row at the date its values refer to (what correlations, beta and co-movement use)"
        if args.published:
            said += "; neither has a publication lag, so as published is the same"
        said += f". {aligned.method}"
    # Said on stderr: stdout is the CSV.
    sys.stderr.write(f"{la.metric.id} and {lb.metric.id} over {aligned.window.words()}, {said}\n")
    text = pair_csv(table, args.id, args.b)
    if args.out:
        Path(args.out).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    store = open_store()
    if not store.read_only:
        try:
            Loader(store, offline=True).seed_samples()  # report what the app serves, samples included
        except StoreNotWritable as exc:  # what is stored is still worth listing
            note = f"note: offline samples not stored: {exc}"
            err.print(note, markup=False, highlight=False, soft_wrap=True)
    else:
        note = f"note: the store {store.location} is read-only: listing what it holds (no samples added)"
        err.print(note, markup=False, highlight=False, soft_wrap=True)
    metas = store.all_meta()
    held = store.vintage_sets()
    table = Table("metric", "provenance", "first", "last", "points", "age (days)", "next due", "vintages",
                  "fetched", "last error", title="Store")  # fmt: skip
    now = utcnow()
    for metric in catalog():
        if metric.is_derived:
            continue
        m = metas.get(metric.id)
        if m is None:
            table.add_row(metric.id, "-", "", "", "0", "", "", "", "", "")
            continue
        state = freshness(metric, m.last_date, now) if m.last_date is not None else None
        table.add_row(
            metric.id,
            m.provenance or "-",
            f"{m.first_date:%Y-%m-%d}" if m.first_date is not None else "",
            f"{m.last_date:%Y-%m-%d}" if m.last_date is not None else "",
            str(m.points),
            "" if state is None else f"{state.age_days:,}" + (" [yellow]stale[/]" if state.stale else ""),
            "" if state is None else f"{state.next_due:%Y-%m-%d %H:%M}",
            _vintages_cell(held.get(metric.id)),
            f"{m.fetched_at:%Y-%m-%d %H:%M}" if m.fetched_at else "",
            m.last_error or "",
        )
    out().print(table)
    return 0


def _vintages_cell(held) -> str:
    """ "to 2026-09-11 (import)": the last vintage stored and where the vintages came from."""
    return "" if held is None else f"to {held.last_vintage:%Y-%m-%d} ({held.origin})"


def add_parsers(sub) -> None:
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
    p.add_argument("id", help=f"a catalog metric, or {indicator_source().id} for FRED's recession indicator")
    p.add_argument("file")
    p.add_argument(
        "--replace",
        action="store_true",
        help="store the file even if it names another series or disagrees with the stored values",
    )
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="write a stored series, or a pair aligned, as CSV")
    p.add_argument("id")
    p.add_argument("b", nargs="?", help="a second metric: the pair aligned as the statistics use it")
    p.add_argument("--published", action="store_true",
                   help="with two metrics: aligned as published (what lead-lag and Granger use)")  # fmt: skip
    p.add_argument("--lookback", type=lookback, default="Max", help="with two metrics: the window (Max)")
    p.add_argument("--out", help="file to write (default: stdout)")
    add_fred_arguments(p)
    p.add_argument("--asof", type=asof, help="the series as known on this day (YYYY-MM-DD): see README")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("status", help="what is stored for every metric")
    p.set_defaults(func=cmd_status)
