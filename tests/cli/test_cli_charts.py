"""`convex import usrec FILE`: FRED's recession indicator into the store, where the charts' shading
then follows it; files holding another series or not a 0/1 indicator are refused."""

from __future__ import annotations

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
