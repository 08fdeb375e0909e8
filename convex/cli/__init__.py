"""`python -m convex refresh | worker | import | export | status | stats | scenario | digest`."""

from __future__ import annotations

import argparse
import sys

from ..api.params import ParamError
from ..metrics.metric import InvalidFormulaError, UnknownMetricError
from . import data, digest, scenario, stats
from .common import fail


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m convex", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    data.add_parsers(sub)
    stats.add_parser(sub)
    scenario.add_scenario_parser(sub)
    digest.add_digest_parser(sub)
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
        return fail(f"{exc}", 2)
    except UnknownMetricError as exc:
        return fail(f"{exc}; `python -m convex status` lists the catalog ids", 2)
    except ParamError as exc:
        return fail(str(exc), 2)


if __name__ == "__main__":
    raise SystemExit(main())
