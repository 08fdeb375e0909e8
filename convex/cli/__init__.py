"""`python -m convex refresh | worker | import | export | status | stats | scenario | digest | calendar`."""

from __future__ import annotations

import argparse
import logging
import sys

from ..api.params import ParamError
from ..metrics.metric import InvalidFormulaError, UnknownMetricError
from ..store import StoreError
from . import calendar, data, digest, scenario, stats
from .common import fail

# The exit code of a command stopped by its store: unavailable, read-only, full, damaged.
STORE_FAILED = 4


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m convex", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    data.add_parsers(sub)
    stats.add_parser(sub)
    scenario.add_scenario_parser(sub)
    digest.add_digest_parser(sub)
    calendar.add_calendar_parser(sub)
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
    # The pool's every failed connection attempt (several lines each) would bury the one line that
    # says the store is unavailable; its errors still show.
    logging.getLogger("psycopg.pool").setLevel(logging.ERROR)
    try:
        return args.func(args)
    except InvalidFormulaError as exc:
        return fail(f"{exc}", 2)
    except UnknownMetricError as exc:
        return fail(f"{exc}; `python -m convex status` lists the catalog ids", 2)
    except StoreError as exc:  # what failed, which store (a URL's password masked) and what to do
        return fail(str(exc), STORE_FAILED)
    except ParamError as exc:
        return fail(str(exc), 2)


if __name__ == "__main__":
    raise SystemExit(main())
