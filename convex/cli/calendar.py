"""`convex calendar [--weeks 4] [--json]`: the next expected releases of the catalog's metrics."""

from __future__ import annotations

import argparse
import json
import sys

from rich.table import Table

from ..jobs.calendar import BASES, DEFAULT_WEEKS, MAX_WEEKS, expected_releases, fred_schedules
from ..metrics.catalog import catalog
from ..store import utcnow
from .common import err, open_store, out


def _weeks(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_WEEKS):
        raise argparse.ArgumentTypeError(f"weeks must be a whole number from 1 to {MAX_WEEKS}")
    return int(text)


def cmd_calendar(args: argparse.Namespace) -> int:
    from ..data.loaded import offline_mode
    from ..sources import get_source

    metas = open_store().all_meta()
    last = {i: m.last_date for i, m in metas.items() if m.has_data and m.provenance != "sample"}
    now = utcnow()
    schedules = None
    fred = None if offline_mode() else get_source("fred")
    if fred is not None and getattr(fred, "mode", None) == "api":
        # With a key: FRED's own calendar of each release (two requests per metric, paced).
        err.print("asking FRED for its release calendar (two requests per metric, paced)", highlight=False)
        schedules, failed = fred_schedules(fred, catalog(), now, args.weeks)
        for reason in failed:
            err.print(f"note: {reason}; the catalog's rule is used for it", markup=False, highlight=False)
    calendar = expected_releases(catalog(), last, now, weeks=args.weeks, schedules=schedules)
    if args.json:
        rows = [
            {"metric": r.metric_id, "name": r.name, "period": r.period and f"{r.period:%Y-%m-%d}",
             "due": f"{r.due:%Y-%m-%d %H:%M}", "basis": r.basis, "overdue": r.overdue}
            for r in calendar.releases
        ]  # fmt: skip
        document = {"now": f"{calendar.now:%Y-%m-%d %H:%M}", "until": f"{calendar.until:%Y-%m-%d %H:%M}",
                    "time_zone": "America/New_York", "releases": rows, "daily_metrics": calendar.daily,
                    "nothing_stored": list(calendar.unknown)}  # fmt: skip
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return 0
    table = Table(
        "due (New York)", "metric", "name", "period", "from", title=f"Releases in the next {args.weeks} weeks"
    )
    for r in calendar.releases:
        due = f"{r.due:%a %Y-%m-%d %H:%M}" + (" [yellow]overdue[/]" if r.overdue else "")
        period = "" if r.period is None else f"{r.period:%Y-%m-%d}"
        table.add_row(due, r.metric_id, r.name, period, BASES[r.basis])
    out().print(table)
    if calendar.unknown:
        err.print(
            f"not listed (nothing stored): {', '.join(calendar.unknown)}", markup=False, highlight=False
        )
    err.print(
        f"{calendar.daily} daily metrics publish every trading day and are not listed.", highlight=False
    )
    return 0


def add_calendar_parser(sub) -> None:
    p = sub.add_parser("calendar", help="the next expected releases of the catalog's metrics")
    p.add_argument(
        "--weeks", type=_weeks, default=DEFAULT_WEEKS, help=f"how far ahead (1-{MAX_WEEKS}, default 4)"
    )
    p.add_argument("--json", action="store_true", help="one JSON object instead of the table")
    p.set_defaults(func=cmd_calendar)
