"""The command line's chart-related parts: `convex import usrec FILE` (FRED's recession indicator,
which the shading then follows; another series or values other than 0/1 refused), and FRED's units
and frequency in `convex export` and `convex stats`, checked against pandas on real files."""

from __future__ import annotations

import json

import pandas as pd

from convex.cli import main
from convex.metrics.recessions import indicator_source, indicator_spells
from convex.store import Store


def test_importing_fred_usrecd_stores_the_indicator_the_shading_follows(shared_real, capsys):
    path = shared_real / "recessions" / "USRECD__vishnutejas.csv"
    assert main(["import", indicator_source().id, str(path)]) == 0
    stored = Store().read_series(indicator_source().id)
    original = pd.read_csv(path, index_col=0, parse_dates=True).iloc[:, 0]
    assert stored.to_numpy().tolist() == original.astype(float).to_numpy().tolist()
    spells = indicator_spells(stored)
    out = capsys.readouterr().out
    assert f"{len(spells)} recessions" in out and f"{stored.index[0]:%Y-%m-%d}" in out


def test_a_file_of_another_series_or_not_zero_one_is_refused(tmp_path, capsys):
    other = tmp_path / "UNRATE.csv"
    other.write_text("observation_date,UNRATE\n2020-01-01,3.5\n2020-02-01,3.6\n")
    assert main(["import", indicator_source().id, str(other)]) == 1
    assert "holds UNRATE" in capsys.readouterr().err
    not_binary = tmp_path / "values.csv"
    not_binary.write_text("date,value\n2020-01-01,0\n2020-02-01,0.5\n")
    assert main(["import", indicator_source().id, str(not_binary)]) == 1
    assert "not a 0/1 recession indicator" in capsys.readouterr().err
    assert Store().meta(indicator_source().id) is None


def test_export_in_fred_units_and_frequency_is_pandas_on_the_real_file(shared_real, tmp_path, capsys):
    path = shared_real / "fred" / "matemadrigal" / "WALCL.csv"
    assert main(["import", "walcl", str(path)]) == 0
    out = tmp_path / "walcl_pc1.csv"
    assert main(["export", "walcl", "--units", "pc1", "--frequency", "m", "--aggregation", "avg",
                 "--out", str(out)]) == 0  # fmt: skip
    exported = pd.read_csv(out, index_col=0, parse_dates=True)["value"]
    weekly = pd.read_csv(path, index_col=0, parse_dates=True).iloc[:, 0].dropna().astype(float)
    last = weekly.index[-1]
    assert last.day < 24  # the file ends early in its last month (2025-11-12): that month is left out
    months = weekly.resample("MS").mean()[: last.to_period("M").start_time - pd.Timedelta(days=1)]
    expected = ((months / months.shift(12) - 1) * 100).dropna()
    assert list(exported.index) == list(expected.index)
    assert (exported - expected).abs().max() < 1e-9
    # As published, the export is the stored series exactly, as before.
    assert main(["export", "walcl", "--out", str(tmp_path / "plain.csv")]) == 0
    plain = pd.read_csv(tmp_path / "plain.csv", index_col=0, parse_dates=True)["value"]
    assert plain.tolist() == Store().read_series("walcl").tolist()


def test_stats_in_fred_units_says_so_and_compares_the_processed_series(shared_real, capsys):
    assert main(["import", "cpiaucsl", str(shared_real / "fred/baeyunjae/CPIAUCSL.csv")]) == 0
    assert main(["import", "unrate", str(shared_real / "fred/baeyunjae/UNRATE.csv")]) == 0
    capsys.readouterr()
    assert main(["stats", "cpiaucsl", "unrate", "--units", "pc1", "--frequency", "q", "--lookback", "10y",
                 "--json"]) == 0  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert report["units_a"] == "Percent Change from Year Ago of quarterly averages"
    assert report["fred"] == {"units": "pc1", "frequency": "q", "aggregation": None}
    assert report["frequency"] == "quarterly"
    assert main(["stats", "cpiaucsl", "unrate", "--units", "pc1", "--lookback", "10y"]) == 0
    assert "Units (FRED's order: aggregation, then units): CPI (All Items): Percent Change from Year Ago" in (
        capsys.readouterr().out
    )
