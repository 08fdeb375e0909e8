import dataclasses
import re
import tomllib

import pandas as pd
import pytest

from convex.metrics.catalog import CATALOG_PATH, catalog, load_catalog, validate
from convex.metrics.metric import (
    CHANGE_KINDS,
    DOMAINS,
    FREQUENCIES,
    SOURCES,
    CatalogError,
    UnknownMetricError,
)

REQUIRED = {
    "walcl": ("fred", "WALCL"),
    "tlt": ("yahoo", "TLT"),
    "dgs10": ("fred", "DGS10"),
    "dgs2": ("fred", "DGS2"),
    "t10y2y": ("fred", "T10Y2Y"),
    "rrpontsyd": ("fred", "RRPONTSYD"),
    "wtregen": ("fred", "WTREGEN"),
    "m2sl": ("fred", "M2SL"),
    "cpiaucsl": ("fred", "CPIAUCSL"),
    "unrate": ("fred", "UNRATE"),
    "bamlh0a0hym2": ("fred", "BAMLH0A0HYM2"),
    "dcoilwtico": ("fred", "DCOILWTICO"),
    "spy": ("yahoo", "SPY"),
    "qqq": ("yahoo", "QQQ"),
    "gld": ("yahoo", "GLD"),
    "hyg": ("yahoo", "HYG"),
    "lqd": ("yahoo", "LQD"),
    "ief": ("yahoo", "IEF"),
    "uup": ("yahoo", "UUP"),
    "vix": ("cboe", "VIX"),
    "btc": ("coingecko", "bitcoin"),
    "eth": ("coingecko", "ethereum"),
}


def test_size_and_domains():
    cat = catalog()
    assert len(cat) >= 60
    assert len(DOMAINS) >= 10
    for domain in DOMAINS:
        assert cat.in_domain(domain), f"{domain} has no metric"


def test_every_field_is_valid():
    ids = [m.id for m in catalog()]
    assert len(ids) == len(set(ids))
    for m in catalog():
        assert re.fullmatch(r"[a-z0-9_]+", m.id)
        assert m.domain in DOMAINS and m.source in SOURCES
        assert m.frequency in FREQUENCIES and m.change in CHANGE_KINDS
        assert m.name.strip() and m.units.strip() and m.symbol.strip()
        assert 20 <= len(m.description) <= 200 and "\n" not in m.description


def test_required_ids_and_sources():
    cat = catalog()
    for metric_id, (source, symbol) in REQUIRED.items():
        m = cat.get(metric_id)
        assert (m.source, m.symbol) == (source, symbol), metric_id
    walcl, tlt = cat.get("walcl"), cat.get("tlt")
    assert (walcl.name, walcl.domain, walcl.frequency) == ("Fed Balance Sheet", "Liquidity", "weekly")
    assert (tlt.name, tlt.domain, tlt.frequency) == ("20Y+ Treasury (TLT)", "Bonds & Duration", "daily")


def test_rates_and_spreads_change_by_difference():
    cat = catalog()
    for metric_id in ("dgs10", "dgs2", "t10y2y", "bamlh0a0hym2", "unrate", "rrpontsyd", "dcoilwtico"):
        assert cat.get(metric_id).change == "diff", metric_id
    for metric_id in ("walcl", "tlt", "spy", "btc", "cpiaucsl", "m2sl"):
        assert cat.get(metric_id).change == "pct", metric_id


def test_at_least_three_derived_metrics_with_normalised_units():
    derived = [m for m in catalog() if m.is_derived]
    assert len(derived) >= 3
    net = catalog().get("net_liquidity")
    assert net.formula == "walcl - wtregen - rrpontsyd"
    assert [i.id for i in net.inputs] == ["walcl", "wtregen", "rrpontsyd"]
    # Millions and billions meet in one unit: WALCL and WTREGEN are 1e6, RRPONTSYD and the result 1e9.
    assert [catalog().get(i.id).unit_scale for i in net.inputs] == [1e6, 1e6, 1e9]
    assert net.unit_scale == 1e9 and net.units == "Billions of USD"


def test_labels_and_source_links():
    walcl = catalog().get("walcl")
    assert walcl.label == "Liquidity · Fed Balance Sheet"
    assert walcl.source_url == "https://fred.stlouisfed.org/series/WALCL"
    assert all(m.source_url for m in catalog() if not m.is_derived)


def test_unknown_id_is_a_clear_error():
    with pytest.raises(UnknownMetricError, match="nope"):
        catalog().get("nope")


def _with(metric_id: str, **changes):
    return tuple(dataclasses.replace(m, **changes) if m.id == metric_id else m for m in catalog())


@pytest.mark.parametrize(
    "metrics, message",
    [
        (_with("walcl", id="Bad Id!"), "id must be"),
        (_with("ief", id="shy"), "duplicate"),
        (_with("walcl", domain="Astrology"), "domain"),
        (_with("walcl", source="bloomberg"), "source"),
        (_with("walcl", frequency="hourly"), "frequency"),
        (_with("walcl", change="log"), "change"),
        (_with("walcl", description=" "), "empty description"),
        (_with("walcl", unit_scale=1e9), "unit_scale 1e\\+09 does not match"),
        (_with("net_liquidity", formula="walcl - wtregen - "), "Expected|ends where"),
        (_with("net_liquidity", formula="walcl - dgs10"), "the units differ"),
        (_with("net_liquidity", formula="walcl / spy"), "not Billions of USD"),
        (_with("net_liquidity", formula="walcl - nope"), "not a Convex metric id"),
        (_with("net_liquidity", formula="walcl - wtregen"), "inputs must be the ids its formula reads"),
        (_with("walcl", formula="spy"), "only derived metrics have a formula"),
        (tuple(m for m in catalog() if m.domain != "Housing"), "no metric"),
    ],
)
def test_validation_catches_broken_entries(metrics, message):
    with pytest.raises(CatalogError, match=message):
        validate(metrics)


def test_toml_file_round_trips(tmp_path):
    raw = tomllib.loads(CATALOG_PATH.read_text())
    assert len(raw["metric"]) == len(catalog())
    broken = tmp_path / "catalog.toml"
    broken.write_text(CATALOG_PATH.read_text().replace('id = "walcl"', 'id = "walcl"\nticker = "x"', 1))
    with pytest.raises(CatalogError, match="walcl"):
        load_catalog(broken)


def test_featured_pairs_start_with_the_default_and_end_on_pairs_the_offline_samples_cover():
    from convex.sources.sample import has_sample

    featured = catalog().featured
    assert featured[0] == ("walcl", "tlt")
    assert all(a in catalog() and b in catalog() and a != b for a, b in featured)
    assert any(has_sample(a) and has_sample(b) for a, b in featured)


@pytest.mark.parametrize(
    "pairs, message",
    [((), "at least one"), ((("walcl", "walcl"),), "two different"), ((("walcl", "nope"),), "two different"),
     ((("walcl", "tlt"), ("walcl", "tlt")), "twice")],
)  # fmt: skip
def test_featured_validation(pairs, message):
    from convex.metrics.catalog import validate_featured

    with pytest.raises(CatalogError, match=message):
        validate_featured(pairs, set(catalog().ids))


def test_mechanical_links_cover_listed_identities_and_derived_metrics_both_ways():
    cat = catalog()
    assert cat.mechanical_link("dgs30", "tlt") == cat.mechanical_link("tlt", "dgs30")
    assert "20-30 year Treasury yields" in cat.mechanical_link("tlt", "dgs30")
    # The 10-year is not TLT's yield: a duration link the curve can break, not an identity.
    assert cat.mechanical_link("dgs10", "tlt") is None
    assert (
        cat.mechanical_link("net_liquidity", "walcl")
        == "Net Liquidity (Fed - TGA - RRP) is computed from Fed Balance Sheet"
    )
    assert cat.mechanical_link("hy_ig_spread", "bamlc0a0cm") is not None
    assert cat.mechanical_link("walcl", "tlt") is None and cat.mechanical_link("spy", "spy") is None


@pytest.mark.parametrize(
    "entries, message",
    [([{"a": "walcl", "b": "walcl", "why": "x"}], "two different"), ([{"a": "walcl", "b": "tlt"}], "a why"),
     ([{"a": "walcl", "b": "tlt", "why": "x"}, {"a": "tlt", "b": "walcl", "why": "y"}], "twice")],
)  # fmt: skip
def test_mechanical_validation(entries, message):
    from convex.metrics.catalog import _mechanical

    with pytest.raises(CatalogError, match=message):
        _mechanical(entries, set(catalog().ids))


def test_every_source_says_what_its_dates_mean_in_code_and_in_the_catalog():
    from importlib import import_module

    for source in ("fred", "yahoo", "coingecko", "cboe"):
        assert catalog().timestamps[source] == import_module(f"convex.sources.{source}").TIMESTAMP
    assert "derived" in catalog().timestamps


def test_release_rules_and_their_words():
    cat = catalog()
    walcl = cat.get("walcl")
    assert (walcl.release.days, walcl.release.at) == (1, "16:30")
    wednesday = pd.DatetimeIndex(["2025-11-12"])
    assert walcl.release.available(wednesday)[0] == pd.Timestamp("2025-11-14")  # after Thursday's close
    assert cat.get("spy").release is None and cat.get("rrpontsyd").release is None  # known by the close
    assert cat.get("net_liquidity").release == walcl.release  # published with its last input
    assert cat.get("m2sl").observation_words.startswith("monthly average, dated the first day of its period")
    # The upper bounds of the recent lags (issue 30: a rule-dated value is never early)
    assert cat.get("cpiaucsl").release.days == 45 and cat.get("unrate").release.days == 41
    assert cat.get("rrpontsyd").blank == "zero"
