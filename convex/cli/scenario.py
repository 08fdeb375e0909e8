"""`python -m convex scenario A B --move -2% --horizon 13w [--lookback 5Y] [--json]`."""

from __future__ import annotations

import argparse
import json
import sys

from ..api import params, views
from .common import asof, fail, load_pair, lookback


def cmd_scenario(args: argparse.Namespace) -> int:
    from ..content.scenario_text import scenario_text

    loaded = load_pair(args.a, args.b, args.asof)
    if isinstance(loaded, int):
        return loaded
    la, lb = loaded
    try:
        report = views.scenario_report(la, lb, args.lookback, args.move, args.horizon)
    except params.ParamError as exc:
        return fail(str(exc), 2)
    if args.json:
        # The one serialiser of a scenario: the Python API's to_dict() and the HTTP API's too.
        document = views.scenario_dict(args.a, args.b, report, la, lb)
        sys.stdout.write(json.dumps(document, indent=2, allow_nan=False) + "\n")
    else:
        lines = [*views.asof_lines(la, lb), *scenario_text(report, la.metric, lb.metric).lines()]
        sys.stdout.write("\n".join(lines) + "\n")
    return 0


def add_scenario_parser(sub) -> None:
    p = sub.add_parser(
        "scenario", help="what B did after moves of A like this one, its response and forecast"
    )
    p.add_argument("a", help="metric A id (the one that moves)")
    p.add_argument("b", help="metric B id")
    p.add_argument(
        "--move",
        help="A's move over the horizon: -2%%, +25bp or a number in A's units (default: A's latest move)",
    )
    p.add_argument("--horizon", help="periods of the aligned data: 21d, 13w, 6m, 4q (default per frequency)")
    p.add_argument(
        "--lookback",
        type=lookback,
        default="5Y",
        help="window of the response and forecast fits (episodes use all history; default 5Y)",
    )
    p.add_argument("--asof", type=asof, help="the pair as known on this day (YYYY-MM-DD): see README")
    p.add_argument("--json", action="store_true", help="one JSON object instead of sentences")
    p.set_defaults(func=cmd_scenario)
