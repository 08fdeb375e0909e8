"""`convex import` refuses a file that is another series or in other units (issue 28, 12)."""

from __future__ import annotations

import pandas as pd
import pytest

from convex.cli import main
from convex.store import Store
from tests.fakes import synthetic_series


def _fred_csv(path, series_id: str, series: pd.Series) -> str:
    rows = "\n".join(f"{d:%Y-%m-%d},{v!r}" for d, v in series.items())
    path.write_text(f"observation_date,{series_id}\n{rows}\n")
    return str(path)


def test_a_fred_file_of_another_series_is_refused_and_nothing_changes(tmp_path, capsys):
    tlt = synthetic_series("tlt", years=2)
    Store().write_series("tlt", tlt, provenance="live", source="yahoo")
    dgs10 = _fred_csv(tmp_path / "DGS10.csv", "DGS10", synthetic_series("dgs10", years=2))
    assert main(["import", "tlt", dgs10]) == 1
    err = capsys.readouterr().err
    assert "the file holds DGS10, not TLT" in err and "--replace" in err
    assert Store().read_series("tlt").equals(tlt)
    assert main(["import", "dgs10", dgs10]) == 0  # where it belongs


def test_values_in_other_units_are_refused_naming_the_first_disagreement(tmp_path, capsys):
    millions = synthetic_series("wtregen", years=2) * 1000
    Store().write_series("wtregen", millions, provenance="live", source="fred")
    billions = _fred_csv(tmp_path / "WTREGEN.csv", "WTREGEN", millions / 1000)
    assert main(["import", "wtregen", billions]) == 1
    err = " ".join(capsys.readouterr().err.split())
    first = millions.index[0]
    assert f"on {first:%Y-%m-%d} the file has" in err and "another series, or other units" in err
    assert Store().read_series("wtregen").equals(millions)
    assert main(["import", "wtregen", billions, "--replace"]) == 0  # the explicit override
    assert Store().read_series("wtregen").equals(millions / 1000)


def test_a_revised_copy_of_the_same_series_is_accepted(tmp_path):
    walcl = synthetic_series("walcl", years=2)
    Store().write_series("walcl", walcl, provenance="live", source="fred")
    revised = walcl * 1.02  # revisions move values by a few percent at most
    assert main(["import", "walcl", _fred_csv(tmp_path / "WALCL.csv", "WALCL", revised)]) == 0


def test_an_offline_sample_is_replaced_by_any_file(tmp_path):
    sample = synthetic_series("spx", years=2)
    Store().write_series("spx", sample * 50, provenance="sample", source="sample")
    path = tmp_path / "spx.csv"
    sample.rename("Close").rename_axis("Date").to_frame().to_csv(path)  # a file that names no series
    assert main(["import", "spx", str(path)]) == 0


@pytest.mark.parametrize(
    ("metric", "relative", "why"),
    [
        ("tlt", "fred/huhng24/DGS10.csv", "the file holds DGS10, not TLT"),
        ("wtregen", "fred/alvin076_2023/WTREGEN.csv", "another series, or other units"),
    ],
)
def test_the_issues_real_files(shared_real, capsys, metric, relative, why):
    assert main(["import", metric, str(shared_real / "fred/matemadrigal/WTREGEN.csv")]) in (0, 1)
    if metric == "tlt":
        assert main(["import", "tlt", str(shared_real / "yahoo/alitalbi/TLT.csv")]) == 0
    capsys.readouterr()
    assert main(["import", metric, str(shared_real / relative)]) == 1
    assert why in " ".join(capsys.readouterr().err.split())
