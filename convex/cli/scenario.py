"""`python -m convex scenario A B --move -2% --horizon 13w [--lookback 5Y] [--json]`."""

from __future__ import annotations

import argparse
import json
import re
import sys

from ..data.loaded import pair_options
from .common import fail, load_pair, lookback

HORIZON_UNITS = {"d": "daily", "w": "weekly", "m": "monthly", "q": "quarterly"}
_MOVE = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*(%|bp)?\s*$", re.IGNORECASE)
_HORIZON = re.compile(r"^\s*(\d+)\s*([dwmq])?\s*$", re.IGNORECASE)


def parse_move(text: str, change: str) -> float:
    """ "-2%" is a fraction for a % metric; "-25bp" is -0.25 (percentage points) and a bare number
    is in the metric's own units for a metric that changes by differences."""
    match = _MOVE.match(text or "")
    if not match:
        raise ValueError(f"move {text!r} is not a number like -2% or -25bp")
    value, unit = float(match.group(1)), (match.group(2) or "").lower()
    if value == 0:
        raise ValueError("the move must not be zero")
    if change == "pct":
        if unit == "bp":
            raise ValueError("this metric moves in %: give the move as e.g. -2%")
        return value / 100
    if unit == "%":
        raise ValueError("this metric changes by differences: give the move in its units or in bp")
    return value / 100 if unit == "bp" else value


def parse_horizon(text: str, frequency: str) -> int:
    match = _HORIZON.match(text or "")
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"horizon {text!r} is not a number of periods like 13w")
    unit = match.group(2)
    if unit and HORIZON_UNITS[unit.lower()] != frequency:
        raise ValueError(f"the pair is aligned {frequency}: give the horizon in {frequency} periods")
    return int(match.group(1))


def cmd_scenario(args: argparse.Namespace) -> int:
    from ..analytics.scenarios import DEFAULT_HORIZON, default_move, scenario_alignment, scenario_report
    from ..content.scenario_text import scenario_text

    loaded = load_pair(args.a, args.b)
    if isinstance(loaded, int):
        return loaded
    la, lb = loaded
    aligned = scenario_alignment(la.series, lb.series, lookback=args.lookback, **pair_options(la, lb))
    try:
        horizon = (
            parse_horizon(args.horizon, aligned.frequency)
            if args.horizon
            else DEFAULT_HORIZON[aligned.frequency]
        )
        default = None if args.move else default_move(aligned, horizon)
        move = parse_move(args.move, la.metric.change) if args.move else default and default.move
    except ValueError as exc:
        return fail(str(exc), 2)
    if not move:
        return fail(f"{la.metric.name} has no move over its latest {horizon} periods: give --move", 2)
    report = scenario_report(aligned, move, horizon, default=default)
    if args.json:
        out = {"a": args.a, "b": args.b, **report.to_dict()}
        sys.stdout.write(json.dumps(out, indent=2, allow_nan=False) + "\n")
    else:
        sys.stdout.write("\n".join(scenario_text(report, la.metric, lb.metric).lines()) + "\n")
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
    p.add_argument("--json", action="store_true", help="one JSON object instead of sentences")
    p.set_defaults(func=cmd_scenario)
