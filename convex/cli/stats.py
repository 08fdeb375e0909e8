"""`convex stats A B [--lookback 5y] [--json] [--units pc1 --frequency m --aggregation avg]`: every
statistic of a pair, of the series as published or in FRED's units and frequency."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from ..api import views
from .common import add_fred_arguments, asof, fred_view, in_fred_view, load_pair, lookback, out


def cmd_stats(args: argparse.Namespace) -> int:
    loaded = load_pair(args.a, args.b, args.asof)
    if isinstance(loaded, int):
        return loaded
    view = fred_view(args)
    # FRED's order: aggregation, then units; every statistic is then of the series so made.
    la, lb = loaded = [in_fred_view(ls, view) for ls in loaded]
    report = views.pair_report(la, lb, args.lookback, as_of=args.asof)
    if args.json:
        # The one serialiser of a pair: the Python API's to_dict() and the HTTP API's /compare too;
        # with FRED units or a frequency chosen, what the series were made of beside it.
        document = views.compare_dict(args.a, args.b, la, lb, report)
        if not view.as_published:
            units = {
                f"units_{k}": s.metric.processing or "as published" for k, s in zip("ab", loaded, strict=True)
            }
            document.update(fred=dataclasses.asdict(view), **units)
        sys.stdout.write(json.dumps(document, indent=2, allow_nan=False) + "\n")
    else:
        for line in views.asof_lines(la, lb):
            sys.stdout.write(line + "\n")
        for ls in loaded:
            if ls.provenance != "live" or ls.stale:
                note = ls.detail if ls.provenance != "live" else ls.stale_reason
                out().print(f"[yellow]{ls.metric.id}: {ls.provenance} data ({note})[/]", highlight=False)
        if not view.as_published:
            units = "; ".join(f"{ls.metric.name}: {ls.metric.processing or 'as published'}" for ls in loaded)
            sys.stdout.write(f"Units (FRED's order: aggregation, then units): {units}\n")
        sys.stdout.write(report.render_text() + "\n")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("stats", help="every statistic of a pair, from the store")
    p.add_argument("a", help="metric A id")
    p.add_argument("b", help="metric B id")
    p.add_argument(
        "--lookback",
        type=lookback,
        default="5Y",
        help="90D, 1Y, 3Y, 5Y, 10Y, Max (default 5Y), or two dates such as 2020-03-02..2020-06-26",
    )
    p.add_argument("--asof", type=asof, help="the pair as known on this day (YYYY-MM-DD): see README")
    p.add_argument("--json", action="store_true", help="one JSON object instead of the readable report")
    add_fred_arguments(p)
    p.set_defaults(func=cmd_stats)
