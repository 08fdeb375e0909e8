"""US recessions: the NBER table kept as data, read FRED's way, against FRED's own indicators (USREC
monthly, USRECD daily) and NBER's own file where ../shared has them; a stored indicator takes
precedence over the span it covers."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest

from convex.metrics.recessions import (
    RECESSIONS_PATH,
    Recession,
    indicator_source,
    indicator_spells,
    nber_recessions,
    recessions,
)


def read_fred(path) -> pd.Series:
    frame = pd.read_csv(path, index_col=0, parse_dates=True)
    return frame.iloc[:, 0].astype(float)


def expected_from_table() -> list[Recession]:
    """The spells the table's rows mean, derived with pandas periods (not the module's offsets):
    from the month after the peak to the end of the trough month."""
    rows = tomllib.loads(RECESSIONS_PATH.read_text())["table"]["cycles"]
    out = []
    for peak, trough in rows:
        first = (pd.Period(peak, "M") + 1) if peak else pd.Period(trough, "M")
        out.append(Recession(first.start_time, pd.Period(trough, "M").end_time.normalize()))
    return out


def test_the_table_has_its_source_and_reads_as_fred_does():
    table = nber_recessions()
    assert table.url.startswith("https://www.nber.org/")
    assert "NBER" in table.source and table.label == "US recession (NBER)"
    assert list(table.spells) == expected_from_table()
    assert all(s.start <= s.end for s in table.spells)
    assert all(a.end < b.start for a, b in zip(table.spells, table.spells[1:], strict=False))


def test_the_table_is_nbers_own_file(shared_real):
    """Every peak and trough of NBER's file (data.nber.org, 2021-07-19) is in the table, in order."""
    nber = pd.read_csv(shared_real / "recessions" / "nber_20210719_cycle_dates_pasted.csv", dtype=str)
    rows = tomllib.loads(RECESSIONS_PATH.read_text())["table"]["cycles"]
    from_file = [[(p or "").strip()[:7], t.strip()[:7]] for p, t in nber.fillna("").itertuples(index=False)]
    assert rows == from_file


def test_the_table_gives_fred_usrec_month_by_month(shared_real):
    usrec = read_fred(shared_real / "recessions" / "USREC__spoonyio.csv")
    assert indicator_spells(usrec) == nber_recessions().spells
    # And month by month: a month is in a recession exactly when USREC is 1.
    in_table = pd.Series(0.0, index=usrec.index)
    for s in nber_recessions().spells:
        in_table[(usrec.index >= s.start) & (usrec.index <= s.end)] = 1.0
    pd.testing.assert_series_equal(in_table, usrec, check_names=False)


def test_the_table_gives_fred_usrecd_day_by_day(shared_real):
    usrecd = read_fred(shared_real / "recessions" / "USRECD__vishnutejas.csv")
    window = nber_recessions().within(usrecd.index[0], usrecd.index[-1])
    assert list(indicator_spells(usrecd)) == window
    days = pd.Series(0.0, index=usrecd.index)
    for s in window:
        days[s.start : s.end] = 1.0
    pd.testing.assert_series_equal(days, usrecd, check_names=False)


def test_a_stored_indicator_takes_precedence_over_the_span_it_covers(shared_real):
    usrec = read_fred(shared_real / "recessions" / "USREC__spoonyio.csv")
    since_2000 = usrec["2000":].copy()
    since_2000["2022-01":"2022-06"] = 1.0  # what a revised indicator could say, to tell them apart
    since_2000["2020-03":"2020-04"] = 0.0
    shaded = recessions(since_2000)
    assert shaded.label == "US recession (FRED USREC)" and indicator_source().name in shaded.source
    assert Recession(pd.Timestamp("2022-01-01"), pd.Timestamp("2022-06-30")) in shaded.spells
    assert not shaded.within(pd.Timestamp("2020-03-01"), pd.Timestamp("2020-04-30"))
    # Outside the indicator's span, the table still speaks.
    before = [s for s in nber_recessions().spells if s.end < since_2000.index[0]]
    assert [s for s in shaded.spells if s.end < since_2000.index[0]] == before


def test_no_indicator_or_an_empty_one_leaves_the_table():
    assert recessions(None) is nber_recessions()
    assert recessions(pd.Series(dtype=float)) is nber_recessions()


@pytest.mark.parametrize(
    ("first", "last"),
    [("2007-06-01", "2010-01-01"), ("2008-03-15", "2008-04-01"), ("2010-01-01", "2019-12-31")],
)
def test_a_window_shades_the_recessions_it_overlaps_cut_to_it(first, last):
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    shaded = nber_recessions().within(first, last)
    overlapping = [s for s in expected_from_table() if s.start <= last and s.end >= first]
    assert [(max(s.start, first), min(s.end, last)) for s in overlapping] == [
        (s.start, s.end) for s in shaded
    ]
    assert all(first <= s.start <= s.end <= last for s in shaded)
