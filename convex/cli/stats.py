"""`convex stats A B [--lookback 5y] [--json]`: every statistic of a pair."""

from __future__ import annotations

import argparse
import json
import sys

from ..data.loaded import pair_options
from .common import load_pair, lookback


def cmd_stats(args: argparse.Namespace) -> int:
    import pandas as pd

    from ..analytics.report import pair_report

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
                out().print(f"[yellow]{ls.metric.id}: {ls.provenance} data ({note})[/]", highlight=False)
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
    p.add_argument("--json", action="store_true", help="one JSON object instead of the readable report")
    p.set_defaults(func=cmd_stats)
