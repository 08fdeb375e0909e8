"""Synthetic data for the bench: a temp store filled with every catalog metric, fixed seeds.

`prepare_environment(folder)` must run before anything imports streamlit or `convex.ui`: it points
`CONVEX_DATA_DIR` at the temp folder and sets `CONVEX_OFFLINE=1`, so nothing can reach the network
and nothing touches the user's real store.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from bench import ROOT

SEED = 20261125
STORE_FILE = "convex.sqlite3"
# The compare page's default pair (pages/compare.py: DEFAULT_A, DEFAULT_B).
PAGE_PAIR = ("walcl", "tlt")


def prepare_environment(folder: Path) -> None:
    """Offline, and the store in `folder`. Call before importing streamlit bits."""
    os.environ["CONVEX_OFFLINE"] = "1"
    os.environ["CONVEX_DATA_DIR"] = str(folder)
    for name in ("FRED_API_KEY", "COINGECKO_API_KEY"):
        os.environ.pop(name, None)
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def store_path(folder: Path) -> Path:
    return Path(folder) / STORE_FILE


@dataclass(frozen=True)
class BenchData:
    folder: Path
    years: float
    metric_ids: tuple[str, ...]

    @property
    def store_path(self) -> Path:
        return store_path(self.folder)


def synthetic(metric_id: str, years: float):
    """A catalog metric's synthetic history on its native calendar, seeded by its catalog position."""
    from convex.metrics.catalog import catalog
    from tests.fakes import synthetic_series

    position = catalog().ids.index(metric_id)
    return synthetic_series(metric_id, years=years, seed=SEED + position)


def fill_store(folder: Path, *, years: float, metric_ids: tuple[str, ...] | None = None) -> BenchData:
    """Write `years` of synthetic data for `metric_ids` (default: every stored catalog metric).

    The default pair of the compare page is always included. Written as fresh live data, so the
    loader serves it from the store (a warm store) without trying any source.
    """
    from convex.metrics.catalog import catalog
    from convex.store import Store

    prepare_environment(folder)
    ids = metric_ids or tuple(m.id for m in catalog() if not m.is_derived)
    ids = tuple(dict.fromkeys((*PAGE_PAIR, *ids)))
    store = Store(store_path(folder))
    for metric_id in ids:
        store.write_series(metric_id, synthetic(metric_id, years), provenance="live", source="bench")
    return BenchData(folder=Path(folder), years=years, metric_ids=ids)


def candidates(data: BenchData):
    """Every catalog metric with data, loaded the way the app loads it (derived ones computed)."""
    from convex.content import CandidateSeries
    from convex.data.loaded import NoDataError
    from convex.data.loader import Loader
    from convex.metrics.catalog import catalog
    from convex.store import Store

    loader = Loader(Store(data.store_path), offline=True)
    out = {}
    for metric in catalog():
        try:
            loaded = loader.load(metric.id)
        except NoDataError:
            continue
        if loaded.provenance != "sample":
            out[metric.id] = CandidateSeries(loaded.series, loaded.metric, loaded.frequency)
    return out
