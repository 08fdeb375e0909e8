"""What every command shares: consoles, the store, failing with a message, reading metric ids,
lookbacks and a pair from the store."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console

from ..data.loaded import NoDataError
from ..data.loader import Loader
from ..data.uploads import is_upload_id
from ..metrics.catalog import catalog
from ..metrics.formulas import is_formula_id
from ..metrics.metric import UnknownMetricError
from ..store import Store

err = Console(stderr=True)


def out() -> Console:
    # Piped output (files, CI logs) gets wide tables rather than reasons folded over many lines.
    return Console() if sys.stdout.isatty() else Console(width=200)


def open_store() -> Store:
    return Store()


def fail(message: str, code: int = 1) -> int:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return code


def check_ids(ids: list[str]) -> list[str]:
    """Catalog ids, or formulas ("f:spy/tlt") and stored uploads ("u:…") where a pair is compared."""
    for metric_id in ids:
        if is_formula_id(metric_id):
            catalog().get(metric_id)  # InvalidFormulaError says what is wrong with it
    unknown = [i for i in ids if i not in catalog() and not is_formula_id(i) and not is_upload_id(i)]
    if unknown:
        raise UnknownMetricError(", ".join(unknown))
    return ids


def lookback(text: str) -> str:
    from ..analytics.align import LOOKBACKS, date_window  # the statistics stack loads only for `stats`

    wanted = {key.lower(): key for key in LOOKBACKS}.get(text.strip().lower())
    if wanted is None and date_window(text.strip()) is not None:
        wanted = text.strip()
    if wanted is None:
        raise argparse.ArgumentTypeError(
            f"lookback must be one of {', '.join(LOOKBACKS)} or two dates YYYY-MM-DD..YYYY-MM-DD"
        )
    return wanted


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


def load_pair(a_id: str, b_id: str) -> list | int:
    """Both metrics from the store (and the offline sample where nothing is stored): a report never
    waits on a source. An exit code after saying why, when either has no data."""
    check_ids([a_id, b_id])
    if a_id == b_id:
        return fail("pick two different metrics")
    loader = Loader(open_store(), offline=True)
    loaded = []
    for metric_id in (a_id, b_id):
        try:
            loaded.append(loader.load(metric_id))
        except NoDataError as exc:
            # A derived metric or a formula is computed from its inputs: those are what to fetch.
            inputs = () if is_upload_id(metric_id) else catalog().get(metric_id).inputs
            fetch = " ".join(i.id for i in inputs) or metric_id
            return fail(f"{exc}. Run `python -m convex refresh {fetch}` or import a file first.")
    return loaded
