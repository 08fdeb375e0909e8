"""New vintages fetched by a refresh, on both store backends: with a key through the FRED API (the
real FredSource against the loopback server, every request through its rate limiter), keyless from
ALFRED's one-vintage CSV (its silent latest answer followed to the vintage it names), and by the
refresh worker only when a metric's values changed. Payloads are hand-made in FRED's formats
(tests/sources/payloads.py); series values are made up."""

from __future__ import annotations

import pandas as pd
import pytest

from convex.data.loader import Loader
from convex.jobs.worker import RefreshWorker
from convex.metrics.catalog import catalog
from convex.sources.fred import FredSource
from convex.sources.http import RateLimiter
from convex.sources.vintages import as_known_on
from convex.store import Store
from tests.fakes import FakeClock, SyntheticSource

from . import payloads as p
from .helpers import FAKE_FRED_KEY
from .helpers import FakeClock as MonotonicClock

pytestmark = pytest.mark.usefixtures("backend")
OBSERVATIONS = "/fred/series/observations"
CSV = "/graph/fredgraph.csv"
ALFRED = "/graph/alfredgraph.csv"
T = pd.Timestamp


@pytest.fixture
def paced():
    return MonotonicClock()


def fred(server, http, paced, key: str) -> FredSource:
    limiter = RateLimiter(0.5, clock=paced, sleep=paced.sleep)  # FRED's spacing, on a fake clock
    return FredSource(api_key=key, http=http, api_root=server.url + "/fred", csv_url=server.url + CSV,
                      alfred_url=server.url + ALFRED, limiter=limiter)  # fmt: skip


def test_with_a_key_a_refresh_stores_every_release_and_then_only_new_ones(server, http, paced):
    source = fred(server, http, paced, FAKE_FRED_KEY)
    loader = Loader(Store(), sources={"fred": source}, offline=False, clock=FakeClock())
    server.reply(OBSERVATIONS, 200, p.fred_xml(("2024-01-01", "309.794"), ("2024-02-01", "311.022")))
    server.reply(OBSERVATIONS, 200, p.alfred_json(
        ("2024-01-01", "2024-02-13", "2025-02-11", "309.685"),
        ("2024-01-01", "2025-02-12", "9999-12-31", "309.794"),
        ("2024-02-01", "2024-03-12", "2025-02-11", "311.054"),
        ("2024-02-01", "2025-02-12", "9999-12-31", "311.022"),
    ))  # fmt: skip
    assert loader.refresh("cpiaucsl").status == "updated"
    store = loader.store
    held = store.vintage_set("cpiaucsl")
    assert (held.origin, held.kind, held.last_vintage) == ("fred-api", "releases", T("2025-02-12"))
    known = as_known_on(store.read_vintages("cpiaucsl"), T("2024-02-20"))
    assert known.to_dict() == {T("2024-01-01"): 309.685}
    # The first-release dates that date the series "as published" are the vintages' own.
    assert store.read_release_dates("cpiaucsl").to_dict() == {
        T("2024-01-01"): T("2024-02-13"), T("2024-02-01"): T("2024-03-12")
    }
    assert [r.query.get("file_type") for r in server.requests] == [None, "json"]  # fredapi's XML, then JSON
    assert paced.sleeps == [0.5]  # the vintages waited for FRED's limiter like the series

    # Nothing new in the series: no vintages asked for.
    server.routes.clear()
    server.reply(OBSERVATIONS, 200, p.fred_xml(("2024-01-01", "309.794"), ("2024-02-01", "311.022")))
    loader.refresh("cpiaucsl", force=True)
    assert len(server.requests) == 3

    # March is out: new vintages from the last one stored on, stitched to those stored.
    server.routes.clear()
    server.reply(OBSERVATIONS, 200, p.fred_xml(("2024-01-01", "309.794"), ("2024-02-01", "311.022"),
                                               ("2024-03-01", "312.107")))  # fmt: skip
    server.reply(OBSERVATIONS, 200, p.alfred_json(
        ("2024-01-01", "2025-02-12", "9999-12-31", "309.794"),
        ("2024-02-01", "2025-02-12", "9999-12-31", "311.022"),
        ("2024-03-01", "2025-03-12", "9999-12-31", "312.107"),
    ))  # fmt: skip
    assert loader.refresh("cpiaucsl", force=True).status == "updated"
    assert server.requests[-1].query["realtime_start"] == "2025-02-12"
    table = store.read_vintages("cpiaucsl")
    assert len(table) == 5  # the two periods that continue across 2025-02-12 are one each, as before
    assert as_known_on(table, T("2025-03-12"))[T("2024-03-01")] == 312.107
    assert as_known_on(table, T("2024-06-01"))[T("2024-01-01")] == 309.685


def test_keyless_a_refresh_follows_alfreds_latest_answer_to_its_vintage(server, http, paced):
    source = fred(server, http, paced, "")
    loader = Loader(Store(), sources={"fred": source}, offline=False, clock=FakeClock())  # 20 Nov 2026
    server.reply(CSV, 200, "observation_date,CPIAUCSL\n2026-08-01,334.131\n2026-09-01,335.0\n")
    # No vintage on 20 Nov 2026: ALFRED answers with its latest, of 14 Oct 2026; then that one, asked for.
    latest = p.alfred_csv("CPIAUCSL", "2026-10-14", ("2026-08-01", "334.131"), ("2026-09-01", "335.0"))
    server.reply(ALFRED, 200, latest)
    assert loader.refresh("cpiaucsl").status == "updated"
    asked = [r.query["vintage_date"] for r in server.requests if r.path == ALFRED]
    assert asked == ["2026-11-20", "2026-10-14"]
    held = loader.store.vintage_set("cpiaucsl")
    assert (held.origin, held.kind, held.first_vintage) == ("alfred", "snapshots", T("2026-10-14"))
    assert as_known_on(loader.store.read_vintages("cpiaucsl"), T("2026-10-01")).empty  # not known before

    # A revision in the series, but ALFRED's latest is still the vintage stored: nothing written.
    server.routes.clear()
    server.reply(CSV, 200, "observation_date,CPIAUCSL\n2026-08-01,334.2\n2026-09-01,335.0\n")
    server.reply(ALFRED, 200, latest)
    loader.refresh("cpiaucsl", force=True)
    assert [r.query["vintage_date"] for r in server.requests if r.path == ALFRED][2:] == ["2026-11-20"]
    assert loader.store.vintage_set("cpiaucsl").rows == 2


class VintageFred(SyntheticSource):
    """FRED in API mode on synthetic series, answering vintages: one release per date, the day after."""

    mode = "api"

    def __init__(self):
        super().__init__("fred", rows=300)
        self.vintage_calls: list[tuple[str, pd.Timestamp | None]] = []

    def vintages(self, symbol, since=None):
        self.vintage_calls.append((symbol, since))
        series = self.fetch(symbol)
        starts = series.index + pd.Timedelta(days=1)
        table = pd.DataFrame({"date": series.index, "realtime_start": starts,
                              "realtime_end": pd.NaT, "value": series.to_numpy()})  # fmt: skip
        for column in ("date", "realtime_start", "realtime_end"):
            table[column] = table[column].astype("datetime64[us]")
        keep = table["realtime_start"] >= since if since is not None else slice(None)
        return table[keep].reset_index(drop=True), "one request"


def test_the_worker_fetches_vintages_of_the_macro_releases_only_when_they_change():
    store, clock, source = Store(), FakeClock(), VintageFred()
    sources = {name: SyntheticSource(name, rows=300) for name in ("yahoo", "coingecko", "cboe")}
    loader = Loader(store, sources={**sources, "fred": source}, offline=False, actor="worker", clock=clock)
    worker = RefreshWorker(store, loader=loader, clock=clock, sleep=lambda s: None)
    worker.run_once()
    macro = sorted(m.symbol for m in catalog() if m.source == "fred" and m.release is not None)
    assert sorted(symbol for symbol, _ in source.vintage_calls) == macro  # not DGS10 and the other closes
    assert all(since is None for _, since in source.vintage_calls)
    assert sorted(store.vintage_sets()) == sorted(m.id for m in catalog() if m.symbol in macro)

    clock.advance(days=2)  # every metric due again, with the same data: no new vintage
    source.vintage_calls.clear()
    worker.run_once()
    assert source.calls and source.vintage_calls == []

    clock.advance(days=2)
    source.generation += 1  # every value revised: new vintages, from the last one stored on
    last = store.vintage_set("cpiaucsl").last_vintage
    worker.run_once()
    assert ("CPIAUCSL", last) in source.vintage_calls and len(source.vintage_calls) == len(macro)
