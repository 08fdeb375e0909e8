"""Real recorded payloads from ../shared/data/real, parsed end to end (served from the loopback
server where a source fetches them). Skipped where that folder is absent."""

from __future__ import annotations

import json
from xml.sax.saxutils import quoteattr

import pandas as pd

from convex.sources.cboe import CboeSource, parse_cboe_csv
from convex.sources.coingecko import CoinGeckoSource
from convex.sources.fred import FredSource, parse_fred_csv
from convex.sources.http import RateLimiter
from convex.sources.yahoo import parse_yahoo_csv

from .helpers import FAKE_FRED_KEY, assert_contract


def fred_xml_from_json(observations: list[dict]) -> str:
    """The FRED API's XML form of real observations (what fredapi parses)."""
    rows = "".join(
        f"<observation realtime_start={quoteattr(o.get('realtime_start', '2024-01-01'))} "
        f"realtime_end={quoteattr(o.get('realtime_end', '2024-01-01'))} "
        f"date={quoteattr(o['date'])} value={quoteattr(o['value'])}/>\n"
        for o in observations
    )
    head = f'<?xml version="1.0" encoding="utf-8" ?>\n<observations count="{len(observations)}">\n'
    return head + rows + "</observations>\n"


def keyless(server, http):
    return FredSource(
        api_key="", http=http, csv_url=server.url + "/graph/fredgraph.csv", limiter=RateLimiter(0)
    )


def test_walcl_served_as_fredgraph_csv(shared_real, server, http):
    server.reply("/graph/fredgraph.csv", 200, (shared_real / "fred/matemadrigal/WALCL.csv").read_bytes())
    walcl = keyless(server, http).fetch("WALCL")
    assert_contract(walcl)
    assert walcl["2022"].max() == 8_965_487
    assert walcl["2022"].min() == 8_551_169
    assert (walcl["2019"].min(), walcl["2019"].max()) == (3_759_946, 4_165_591)
    assert walcl.index[0] == pd.Timestamp("2007-01-03")


def test_wti_negative_print(shared_real):
    wti = parse_fred_csv((shared_real / "fred/zeynepyapar/DCOILWTICO.csv").read_text(), "DCOILWTICO")
    assert wti.min() == -36.98 and wti.idxmin() == pd.Timestamp("2020-04-20")


def test_legacy_dot_format_and_the_2025_gap(shared_real):
    dgs10 = parse_fred_csv((shared_real / "fred/legacy_format_shrav/DGS10.csv").read_text(), "DGS10")
    assert_contract(dgs10)
    assert pd.Timestamp("2012-09-03") not in dgs10.index  # "." on Labor Day
    unrate = parse_fred_csv((shared_real / "fred/baeyunjae/UNRATE.csv").read_text(), "UNRATE")
    assert pd.Timestamp("2025-10-01") not in unrate.index and pd.Timestamp("2025-09-01") in unrate.index


def test_wtregen_units_changed_between_downloads(shared_real):
    old = parse_fred_csv((shared_real / "fred/alvin076_2023/WTREGEN.csv").read_text(), "WTREGEN")
    new = parse_fred_csv((shared_real / "fred/matemadrigal/WTREGEN.csv").read_text(), "WTREGEN")
    day = pd.Timestamp("2022-01-05")
    assert old[day] == 389.751 and new[day] == 389_751.0  # billions then, millions now


def test_fredapi_mode_with_the_real_dff_envelope(shared_real, server, http):
    envelope = json.loads(
        (shared_real / "api_fixtures/fred_series_observations_DFF_2023-01-01_2023-06-06.json").read_text()
    )
    server.reply("/fred/series/observations", 200, fred_xml_from_json(envelope["observations"]))
    source = FredSource(
        api_key=FAKE_FRED_KEY, http=http, api_root=server.url + "/fred", limiter=RateLimiter(0)
    )
    dff = source.fetch("DFF", pd.Timestamp("2023-01-01").date())
    assert len(dff) == envelope["count"] == 157
    assert dff.iloc[0] == 4.33 and dff.index[-1] == pd.Timestamp("2023-06-06")


def test_fredapi_mode_drops_real_dots(shared_real, server, http):
    observations = json.loads((shared_real / "api_fixtures/fred_observations_arrays/DGS10.json").read_text())
    server.reply("/fred/series/observations", 200, fred_xml_from_json(observations))
    source = FredSource(
        api_key=FAKE_FRED_KEY, http=http, api_root=server.url + "/fred", limiter=RateLimiter(0)
    )
    dgs10 = source.fetch("DGS10")
    assert_contract(dgs10)
    assert len(dgs10) == len(observations) - 700
    assert dgs10.iloc[-1] == 4.32


def test_vix_history_served_from_the_cdn(shared_real, server, http):
    server.reply("/daily_prices/VIX_History.csv", 200, (shared_real / "cboe/VIX_History.csv").read_bytes())
    vix = CboeSource(http=http, base_url=server.url + "/daily_prices").fetch("VIX")
    assert_contract(vix)
    assert vix.max() == 82.69 and vix.idxmax() == pd.Timestamp("2020-03-16")
    assert vix.index[0] == pd.Timestamp("1990-01-02")


def test_vix_two_decimal_copy_agrees(shared_real):
    six = parse_cboe_csv((shared_real / "cboe/VIX_History.csv").read_text(), "VIX")
    two = parse_cboe_csv((shared_real / "cboe/VIX_History__rrawatt_2025-08-28.csv").read_text(), "VIX")
    common = six.index.intersection(two.index)
    assert len(common) > 8_000
    assert (six[common] - two[common]).abs().max() < 1e-9


def test_bitcoin_market_chart_served(shared_real, server, http):
    server.reply(
        "/api/v3/coins/bitcoin/market_chart",
        200,
        (shared_real / "coingecko/market_chart_bitcoin_usd_max__CuevaTomasArg.json").read_bytes(),
    )
    btc = CoinGeckoSource(api_key="", http=http, base_url=server.url + "/api/v3").fetch("bitcoin")
    assert_contract(btc)
    # The first snapshot, 2013-04-28 00:00 UTC, is the close of the 27th.
    assert btc.index[0] == pd.Timestamp("2013-04-27") and btc.iloc[0] == 135.3
    assert btc.index[-1] == pd.Timestamp("2023-06-24") and btc.iloc[-1] == 30_702.985  # the "now" point wins


def test_tlt_multiindex_adj_close(shared_real):
    tlt = parse_yahoo_csv((shared_real / "yahoo/matdev83/TLT.csv").read_text(), "TLT")
    assert_contract(tlt)
    assert round(tlt[pd.Timestamp("2010-01-04")], 2) == 58.25


def test_ief_malformed_header_reads_the_hidden_adj_close(shared_real):
    ief = parse_yahoo_csv((shared_real / "yahoo/jmlestevez/IEF.csv").read_text(), "IEF")
    assert ief.iloc[0] == 41.72751998901367  # the "Price" column, not Close (81.77)
