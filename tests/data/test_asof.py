"""The pair as known on a day, on a planted revision: CPI's values are first published 40 days after
their month, revised once before the day (kept) and rewritten after it (left out); payrolls have no
vintages (today's values of the months published by then, by the release rule). `convex stats
--asof` must give exactly the statistics computed by hand from the vintage table, and differ from
today's data. The series and vintages are made up (a fixed random walk), not recorded data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from convex.cli import main
from convex.data.loader import Loader
from convex.store import Store

DAY = pd.Timestamp("2021-06-15")
EARLY_REVISION = pd.Timestamp("2020-06-10")  # revises 2019's months before the day: in force then
LATE_REVISION = pd.Timestamp("2023-01-15")  # rewrites every month after the day: not known then
MONTHS = pd.date_range("2015-01-01", "2022-12-01", freq="MS", name="date")
CPI_LAG = pd.Timedelta(days=40)
PAYEMS_RULE = pd.Timedelta(days=41)  # the catalog's release_days for payems


def _payems() -> pd.Series:
    rng = np.random.default_rng(34)
    return pd.Series(150_000 * np.exp(np.cumsum(rng.normal(0.001, 0.003, len(MONTHS)))), index=MONTHS)


def _vintages(payems: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """CPI's planted vintages (rows by hand, realtime_end the day before the next period) and its
    latest values (what a refresh stores as the series). The late rewrite makes CPI's changes follow
    payrolls' closely, which first releases did not."""
    rng = np.random.default_rng(33)
    first = 250 * np.exp(np.cumsum(rng.normal(0.002, 0.004, len(MONTHS))))
    follows = np.log(payems.to_numpy()) + rng.normal(0, 0.0005, len(MONTHS))
    late = 250 * np.exp(follows - follows[0])
    rows = []
    for month, value, rewritten in zip(MONTHS, first, late, strict=True):
        periods = [(month + CPI_LAG, value)]
        if month.year == 2019:
            periods.append((EARLY_REVISION, value * 1.003))
        if month + CPI_LAG < LATE_REVISION:
            periods.append((LATE_REVISION, rewritten))
        for k, (start, v) in enumerate(periods):
            end = periods[k + 1][0] - pd.Timedelta(days=1) if k + 1 < len(periods) else pd.NaT
            rows.append((month, start, end, v))
    table = pd.DataFrame(rows, columns=["date", "realtime_start", "realtime_end", "value"])
    for column in ("date", "realtime_start", "realtime_end"):
        table[column] = table[column].astype("datetime64[us]")
    latest = table[table["realtime_end"].isna()].set_index("date")["value"].rename_axis("date")
    return table, latest


@pytest.fixture
def stored():
    payems = _payems()
    table, cpi_latest = _vintages(payems)
    # Today's series reaches further back than the vintages (as FRED's does than ALFRED's).
    older = pd.Series(240.0, index=pd.date_range("2010-01-01", "2014-12-01", freq="MS", name="date"))
    store = Store()
    store.write_series("cpiaucsl", pd.concat([older, cpi_latest]), provenance="live", source="fred")
    store.write_vintages("cpiaucsl", table, kind="releases", origin="fred-api")
    store.write_series("payems", payems, provenance="live", source="fred")
    return table, cpi_latest, payems


def _by_hand(table: pd.DataFrame, payems: pd.Series) -> tuple[float, float, int, pd.Timestamp]:
    """r and beta of monthly % changes (payrolls on CPI), from the rows in force on DAY, one by one."""
    cpi = {}
    for date, start, end, value in table.itertuples(index=False):
        if start <= DAY and (pd.isna(end) or end >= DAY):
            cpi[date] = value
    pay = {date: value for date, value in payems.items() if date + PAYEMS_RULE <= DAY}
    common = sorted(set(cpi) & set(pay))
    a = np.array([cpi[d] for d in common])
    b = np.array([pay[d] for d in common])
    ca, cb = a[1:] / a[:-1] - 1, b[1:] / b[:-1] - 1
    r = float(np.corrcoef(ca, cb)[0, 1])
    beta = float(np.polyfit(ca, cb, 1)[0])
    return r, beta, len(common), common[-1]


def test_stats_as_known_on_a_day_equal_the_vintage_table_by_hand(stored, capsys):
    table, _, payems = stored
    r, beta, n, last = _by_hand(table, payems)
    assert last == pd.Timestamp("2021-05-01")  # May: CPI out 10 Jun, payrolls by the rule 11 Jun
    assert main(["stats", "cpiaucsl", "payems", "--asof", "2021-06-15", "--lookback", "Max", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == n and report["end"] == "2021-05-01" and report["as_of"] == "2021-06-15"
    assert report["correlation"]["changes"] == pytest.approx(r, abs=1e-12)
    assert report["regression"]["beta"] == pytest.approx(beta, rel=1e-9)
    known = report["known_on"]
    assert known["day"] == "2021-06-15" and known["a"]["basis"] == "vintages"
    assert known["b"]["basis"] == "first releases"  # the release calendar's few months, the rule elsewhere
    assert "revisions made since are in them" in known["b"]["words"]

    # Today's (revised) values over the same months give other figures: the vintages mattered.
    assert main(["stats", "cpiaucsl", "payems", "--lookback", "2015-01-01..2021-05-01", "--json"]) == 0
    today = json.loads(capsys.readouterr().out)
    assert today["n"] == n and "known_on" not in today
    assert today["correlation"]["changes"] > 0.9 and abs(r) < 0.3


def test_the_text_report_says_as_known_on_and_how(stored, capsys):
    assert main(["stats", "cpiaucsl", "payems", "--asof", "2021-06-15"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "As known on 15 Jun 2021:"
    assert lines[1].startswith("- CPI (All Items): the vintage in force on 15 Jun 2021 (every release")
    assert lines[2].startswith("- Nonfarm Payrolls: no vintages stored, so today's values")


def test_each_basis_of_a_metric_as_known_on_a_day(stored):
    table = stored[0]
    loader = Loader(Store(), offline=True)
    cpi = loader.load_as_of("cpiaucsl", DAY)
    assert cpi.as_of.basis == "vintages" and cpi.series.index[-1] == pd.Timestamp("2021-05-01")
    assert cpi.series[pd.Timestamp("2019-03-01")] == table.loc[
        (table["date"] == pd.Timestamp("2019-03-01")) & (table["realtime_start"] == EARLY_REVISION), "value"
    ].item()
    # Before the vintages begin (40 days after January 2015): today's values of the months first
    # published by then, by the release calendar kept as data (BLS's real days).
    early = loader.load_as_of("cpiaucsl", pd.Timestamp("2014-06-01"))
    assert early.as_of.basis == "first releases" and "its vintages begin 10 Feb 2015" in early.as_of.words
    assert early.series.index[-1] == pd.Timestamp("2014-04-01")  # April 2014 CPI came out 15 May 2014
    # Market data end on the day; a derived metric is made of its inputs as known then.
    spy = pd.Series(np.linspace(300, 400, 600), index=pd.bdate_range("2020-01-01", periods=600, name="date"))
    Store().write_series("spy", spy, provenance="live", source="yahoo")
    known = loader.load_as_of("spy", DAY)
    assert known.as_of.basis == "closes" and known.series.index[-1] == DAY
    ratio = loader.load_as_of("f:spy/cpiaucsl", DAY)
    assert ratio.as_of.basis == "inputs" and ratio.series.index[-1] <= DAY
    assert "the vintage in force" in ratio.as_of.words and "values dated up to" in ratio.as_of.words
    with pytest.raises(Exception, match="nothing of it was published by 1 Jan 2000"):
        loader.load_as_of("payems", pd.Timestamp("2000-01-01"))
