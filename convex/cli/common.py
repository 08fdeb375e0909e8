"""What every command shares: consoles, the store, failing with a message, reading metric ids,
lookbacks and a pair from the store."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.markup import escape

from ..api import params, views
from ..data.loaded import NoDataError
from ..data.loader import Loader
from ..store import Store
from ..store.postgres import CLI_TIMEOUT_S

err = Console(stderr=True)


def out() -> Console:
    # Piped output (files, CI logs) gets wide tables rather than reasons folded over many lines.
    return Console() if sys.stdout.isatty() else Console(width=200)


def open_store() -> Store:
    """The configured store, or a StoreError (which `main` says in one line) within seconds."""
    return Store(timeout=CLI_TIMEOUT_S)


def fail(message: str, code: int = 1) -> int:
    # One line, however long (a terminal wraps it, a log keeps it whole), taken as text, not markup.
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return code


def check_ids(ids: list[str]) -> list[str]:
    """Catalog ids, or formulas ("f:spy/tlt") and stored uploads ("u:…") where a pair is compared."""
    return views.check_ids(ids)


def lookback(text: str) -> str:
    try:
        return params.window(text)
    except params.ParamError as exc:
        raise argparse.ArgumentTypeError(f"lookback must be {exc.reason}") from None


FRED_CHOICES = {
    "units": ("lin", "chg", "ch1", "pch", "pc1", "pca"),
    "frequency": ("w", "m", "q"),
    "aggregation": ("avg", "eop", "sum"),
}


def add_fred_arguments(parser: argparse.ArgumentParser) -> None:
    """--units, --frequency, --aggregation: FRED's codes, as the pages' `units`, `freq`, `agg`."""
    units = "FRED's units, after any aggregation: lin (levels, default), chg, ch1, pch, pc1 (percent change "
    units += "from a year ago), pca (compounded annual rate)"
    parser.add_argument("--units", choices=FRED_CHOICES["units"], default="lin", help=units)
    frequency = "aggregate to a lower frequency first: w (weeks ending Friday), m, q"
    parser.add_argument("--frequency", choices=FRED_CHOICES["frequency"], help=frequency)
    aggregation = "avg, eop (end of period) or sum (default: each metric's own, the catalog's)"
    parser.add_argument("--aggregation", choices=FRED_CHOICES["aggregation"], help=aggregation)


def fred_view(args: argparse.Namespace):
    from ..analytics.fred_units import FredView  # the statistics stack loads only where it is used

    return FredView(args.units, args.frequency, args.aggregation)


def in_fred_view(loaded, view):
    """A loaded series as `view` asks (FRED's order: aggregation, then units); itself as published."""
    from ..analytics.fred_units import processed

    parts = processed(loaded.series, loaded.metric, loaded.frequency, loaded.dating.release, view)
    return loaded if parts is None else loaded.processed_as(*parts)


def asof(text: str):
    """`--asof`: a day YYYY-MM-DD, today at the latest."""
    try:
        return params.asof_day(text)
    except params.ParamError as exc:
        raise argparse.ArgumentTypeError(f"asof must be {exc.reason}") from None


def load_pair(a_id: str, b_id: str, day=None) -> list | int:
    """Both metrics from the store (and the offline sample where nothing is stored), as known on
    `day` when given: a report never waits on a source. An exit code after saying why, when either
    has no data."""
    try:
        return list(views.load_pair(Loader(open_store(), offline=True), a_id, b_id, asof=day))
    except params.ParamError as exc:
        return fail(exc.reason)
    except NoDataError as exc:
        # A derived metric or a formula is computed from its inputs: those are what to fetch.
        return fail(f"{exc}. Run `python -m convex refresh {views.fetch_hint(exc)}` or import a file first.")
