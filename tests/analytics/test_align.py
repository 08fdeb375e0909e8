from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convex.analytics.align import (
    LOOKBACKS,
    align_pair,
    as_of_tolerance,
    clean_series,
    compute_changes,
    date_window,
    reference_date,
    sample_as_of,
)
from convex.metrics.metric import Release
from tests.analytics.synthetic import business_days, price_walk, wednesdays


def tlt_like(start: str = "2020-01-01", end: str = "2021-12-31", *, holidays=()) -> pd.Series:
    days = pd.bdate_range(start, end, name="date")
    days = days[~days.isin(pd.DatetimeIndex(holidays))]
    # Each value encodes its own date so an as-of pick can be checked by reading it back.
    return pd.Series(days.strftime("%Y%m%d").astype(float), index=days)


def walcl_like(start: str = "2020-01-01", end: str = "2021-12-31") -> pd.Series:
    weeks = wednesdays(start, end)
    return pd.Series(np.linspace(4e6, 8e6, len(weeks)), index=weeks)


def as_date(value: float) -> pd.Timestamp:
    return pd.Timestamp(str(int(value)))


# --------------------------------------------------------------------------- changes


def test_pct_changes_equal_pandas_pct_change_and_diff_equals_diff():
    series = price_walk(business_days("2020-01-01", 300), seed=1)
    pd.testing.assert_series_equal(compute_changes(series, "pct"), series.pct_change(), check_names=False)
    pd.testing.assert_series_equal(compute_changes(series, "diff"), series.diff(), check_names=False)


def test_pct_change_from_a_non_positive_base_is_nan_not_a_sign_flip():
    series = pd.Series([10.0, -5.0, 2.0, 0.0, 4.0], index=business_days("2020-01-01", 5))
    changes = compute_changes(series, "pct")
    assert np.isnan(changes.iloc[0])
    assert changes.iloc[1] == pytest.approx(-1.5)  # from +10 to -5 is a real -150 %
    assert np.isnan(changes.iloc[2])  # from -5: meaningless
    assert changes.iloc[3] == pytest.approx(-1.0)
    assert np.isnan(changes.iloc[4])  # from 0: undefined


def test_unknown_change_kind_frequency_or_lookback_is_an_error():
    s = price_walk(business_days("2020-01-01", 30), seed=1)
    with pytest.raises(ValueError):
        compute_changes(s, "log")
    with pytest.raises(ValueError):
        align_pair(s, s, freq_a="hourly", freq_b="daily", change_a="pct", change_b="pct")
    with pytest.raises(ValueError):
        align_pair(s, s, freq_a="daily", freq_b="daily", change_a="pct", change_b="pct", lookback="2Y")


# --------------------------------------------------------------------------- cleaning


def test_clean_series_drops_nans_dedupes_sorts_and_strips_time_and_zone():
    index = pd.DatetimeIndex(
        ["2020-01-03 16:00", "2020-01-01 16:00", "2020-01-02 16:00", "2020-01-02 17:00", "2020-01-06"],
        tz="UTC",
    )
    raw = pd.Series([3.0, 1.0, np.nan, 2.5, np.inf], index=index)
    cleaned = clean_series(raw)
    assert list(cleaned.index) == [
        pd.Timestamp("2020-01-01"),
        pd.Timestamp("2020-01-02"),
        pd.Timestamp("2020-01-03"),
    ]
    assert cleaned.tolist() == [1.0, 2.5, 3.0]
    assert cleaned.index.tz is None


def test_clean_series_parses_string_dates_and_numbers():
    raw = pd.Series(["1.5", ".", "2.5"], index=["2020-01-01", "2020-01-02", "2020-01-03"])
    cleaned = clean_series(raw)
    assert cleaned.tolist() == [1.5, 2.5]
    assert cleaned.dtype == "float64"


# --------------------------------------------------------------------------- as-of sampling


def test_walcl_wednesdays_vs_tlt_business_days_one_row_per_wednesday_with_as_of_close():
    # 2020-12-23 is a normal Wednesday; make 2021-06-30 (a Wednesday) a holiday.
    holiday = pd.Timestamp("2021-06-30")
    walcl, tlt = walcl_like(), tlt_like(holidays=[holiday])
    aligned = align_pair(
        walcl,
        tlt,
        freq_a="weekly",
        freq_b="daily",
        change_a="pct",
        change_b="pct",
        name_a="WALCL",
        name_b="TLT",
    )
    frame = aligned.frame
    assert aligned.frequency == "weekly"
    assert list(frame.index) == list(walcl.index)  # every Wednesday, nothing else
    assert (frame.index.day_of_week == 2).all()
    picked = frame["b"].map(as_date)
    regular = frame.index != holiday
    assert (picked[regular] == frame.index[regular]).all()
    assert picked[holiday] == pd.Timestamp("2021-06-29")  # the Tuesday before
    np.testing.assert_array_equal(frame["a"].to_numpy(), walcl.to_numpy())
    assert "TLT sampled on WALCL's weekly dates" in aligned.method
    assert "on or before" in aligned.method
    assert "14 days" in aligned.describe()


def test_lower_frequency_series_sets_the_dates_whichever_side_it_is_on():
    walcl, tlt = walcl_like(), tlt_like()
    ab = align_pair(walcl, tlt, freq_a="weekly", freq_b="daily", change_a="pct", change_b="pct")
    ba = align_pair(tlt, walcl, freq_a="daily", freq_b="weekly", change_a="pct", change_b="pct")
    assert list(ab.frame.index) == list(ba.frame.index)
    np.testing.assert_array_equal(ab.frame["a"].to_numpy(), ba.frame["b"].to_numpy())
    np.testing.assert_array_equal(ab.frame["b"].to_numpy(), ba.frame["a"].to_numpy())


def test_an_as_of_sample_older_than_the_tolerance_is_not_used():
    walcl = walcl_like("2020-01-01", "2020-06-30")
    tlt = tlt_like("2020-01-01", "2020-06-30")
    gap = (tlt.index > "2020-03-01") & (tlt.index < "2020-04-01")  # a month with no data
    aligned = align_pair(walcl, tlt[~gap], freq_a="weekly", freq_b="daily", change_a="pct", change_b="pct")
    frame = aligned.frame
    tolerance = as_of_tolerance("weekly")
    for date, value in frame["b"].items():
        assert date - as_date(value) <= tolerance
    # Wednesdays more than 14 days into the gap are dropped, not filled.
    assert pd.Timestamp("2020-03-25") not in frame.index
    assert pd.Timestamp("2020-03-04") in frame.index  # 2 days into the gap: Friday's close is fine
    assert aligned.stale_dates_dropped >= 1
    assert "dropped" in aligned.describe()


def test_sample_as_of_equals_pandas_merge_asof():
    rng = np.random.default_rng(3)
    days = pd.bdate_range("2020-01-01", "2022-12-31")
    series = pd.Series(rng.normal(size=len(days)), index=days)[rng.random(len(days)) > 0.3]
    dates = pd.date_range("2019-12-01", "2023-02-01", freq="W-WED")
    tolerance = pd.Timedelta(days=5)
    ours, _ = sample_as_of(series, dates, tolerance)
    expected = pd.merge_asof(
        pd.DataFrame(index=dates),
        series.rename("v").to_frame(),
        left_index=True,
        right_index=True,
        direction="backward",
        tolerance=tolerance,
    )["v"].to_numpy(copy=True)
    # Never past the series' end (issue 29): merge_asof's tolerance carries the last value on.
    past_the_end = dates > series.index[-1]
    assert np.isfinite(expected[past_the_end]).any()  # the data exercise it
    expected[past_the_end] = np.nan
    np.testing.assert_array_equal(ours, expected)


def test_a_series_that_stops_is_not_carried_past_its_end():
    # TLT's file ends on a Monday (2026-02-23), WALCL has the Wednesday after: no zero TLT change.
    walcl = pd.Series(1.0, index=pd.date_range("2025-01-01", "2026-03-04", freq="W-WED"))
    tlt = pd.Series(np.linspace(90, 95, 300), index=pd.bdate_range(end="2026-02-23", periods=300))
    aligned = align_pair(walcl, tlt, freq_a="weekly", freq_b="daily", change_a="pct", change_b="pct")
    assert aligned.end == pd.Timestamp("2026-02-18") and (aligned.frame["b_chg"].iloc[1:] != 0).all()


@settings(max_examples=60, deadline=None)
@given(
    cut=st.integers(min_value=5, max_value=95),
    seed=st.integers(min_value=0, max_value=2**16),
    shift=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
)
def test_changing_values_after_a_date_never_changes_what_alignment_gives_for_that_date(cut, seed, shift):
    weeks = wednesdays("2020-01-01", "2021-12-31")
    days = pd.bdate_range("2020-01-01", "2021-12-31")
    rng = np.random.default_rng(seed)
    weekly = pd.Series(rng.normal(size=len(weeks)).cumsum() + 100, index=weeks)
    daily = pd.Series(rng.normal(size=len(days)).cumsum() + 100, index=days)
    cutoff = weeks[cut]

    changed = daily.copy()
    later = changed.index > cutoff
    changed[later] = changed[later] + shift + rng.normal(size=int(later.sum()))
    # Also drop some later observations and add one late in the day after the cutoff.
    changed = changed.drop(changed.index[later][::3])

    kwargs = dict(freq_a="weekly", freq_b="daily", change_a="diff", change_b="diff")
    before = align_pair(weekly, daily, **kwargs).frame
    after = align_pair(weekly, changed, **kwargs).frame
    upto = before.index <= cutoff
    pd.testing.assert_frame_equal(before[upto], after[after.index <= cutoff])


# --------------------------------------------------------------------------- same frequency


def test_crypto_seven_day_week_vs_five_day_market_keeps_common_trading_days():
    calendar = pd.date_range("2021-01-01", "2021-03-31", freq="D", name="date")
    btc = pd.Series(np.arange(len(calendar), dtype=float) + 30000, index=calendar)
    spy = price_walk(pd.bdate_range("2021-01-01", "2021-03-31"), seed=5)
    spy = spy.drop(pd.Timestamp("2021-02-15"))  # Presidents' Day
    aligned = align_pair(btc, spy, freq_a="daily", freq_b="daily", change_a="pct", change_b="pct")
    assert list(aligned.frame.index) == list(spy.index)
    assert (aligned.frame.index.day_of_week < 5).all()
    assert "inner join" in aligned.method
    # Monday's BTC change spans the weekend: it is the change per aligned period.
    monday = pd.Timestamp("2021-01-11")
    assert aligned.frame.loc[monday, "a_chg"] == pytest.approx(
        btc[monday] / btc[pd.Timestamp("2021-01-08")] - 1
    )


def test_same_frequency_series_dated_on_different_weekdays_are_sampled_not_emptied():
    # Initial claims are dated Saturdays, the Fed's balance sheet Wednesdays: an inner join
    # would be empty.
    saturdays = pd.date_range("2020-01-04", "2021-12-31", freq="W-SAT", name="date")
    claims = pd.Series(np.arange(len(saturdays), dtype=float) + 1000, index=saturdays)
    walcl = walcl_like()
    aligned = align_pair(
        walcl, claims, freq_a="weekly", freq_b="weekly", change_a="pct", change_b="pct", name_b="ICSA"
    )
    assert aligned.n >= 100
    assert "ICSA sampled on A's weekly dates" in aligned.method
    assert "do not coincide" in aligned.method
    assert set(aligned.frame.index) <= set(walcl.index)
    for date, value in aligned.frame["b"].items():
        last_saturday = saturdays[saturdays <= date][-1]
        assert value == claims[last_saturday]
        assert (date - last_saturday).days == 4


def test_same_frequency_mostly_matching_dates_use_the_inner_join():
    days = business_days("2020-01-01", 200)
    a = price_walk(days, seed=1)
    b = price_walk(days, seed=2).drop(days[::10])
    aligned = align_pair(a, b, freq_a="daily", freq_b="daily", change_a="pct", change_b="pct")
    assert list(aligned.frame.index) == list(b.index)
    assert aligned.tolerance_days is None


# --------------------------------------------------------------------------- lookback


@pytest.mark.parametrize("lookback", ["90D", "1Y", "3Y"])
def test_lookback_keeps_rows_after_last_date_minus_lookback_and_first_row_keeps_its_change(lookback):
    days = business_days("2015-01-01", 2000)
    a, b = price_walk(days, seed=1), price_walk(days, seed=2)
    full = align_pair(a, b, freq_a="daily", freq_b="daily", change_a="pct", change_b="diff")
    cut = align_pair(a, b, freq_a="daily", freq_b="daily", change_a="pct", change_b="diff", lookback=lookback)
    start = full.end - LOOKBACKS[lookback]
    assert (cut.frame.index > start).all()
    assert list(cut.frame.index) == list(full.frame.index[full.frame.index > start])
    first = cut.frame.index[0]
    previous = full.frame.index[full.frame.index.get_loc(first) - 1]
    assert not cut.frame[["a_chg", "b_chg"]].iloc[0].isna().any()
    assert cut.frame.loc[first, "a_chg"] == pytest.approx(a[first] / a[previous] - 1)
    assert cut.frame.loc[first, "b_chg"] == pytest.approx(b[first] - b[previous])
    assert len(cut.history) == len(full.frame)


def test_max_lookback_keeps_everything_and_only_the_first_change_is_missing():
    days = business_days("2020-01-01", 50)
    aligned = align_pair(price_walk(days, seed=1), price_walk(days, seed=2), freq_a="daily", freq_b="daily",
                         change_a="pct", change_b="pct")  # fmt: skip
    assert aligned.n == 50
    assert aligned.frame["a_chg"].isna().sum() == 1


# --------------------------------------------------------------------------- result object


def test_aligned_pair_to_dict_is_json_and_carries_what_the_cli_needs():
    aligned = align_pair(
        walcl_like(), tlt_like(), freq_a="weekly", freq_b="daily", change_a="pct", change_b="pct",
        name_a="WALCL", name_b="TLT",
    )  # fmt: skip
    out = aligned.to_dict()
    json.dumps(out, allow_nan=False)
    assert out["a"] == "WALCL" and out["b"] == "TLT"
    assert out["frequency"] == "weekly"
    assert out["n"] == aligned.n
    assert out["start"] == aligned.start.date().isoformat()
    assert out["end"] == aligned.end.date().isoformat()
    assert out["method"] == aligned.method
    with_data = aligned.to_dict(include_series=True)
    json.dumps(with_data, allow_nan=False)
    assert with_data["data"]["a_chg"][0] is None  # the first change: NaN becomes None
    assert len(with_data["data"]["dates"]) == aligned.n


def test_no_overlap_gives_an_empty_pair_not_an_error():
    a = price_walk(business_days("2010-01-01", 50), seed=1)
    b = price_walk(business_days("2020-01-01", 50), seed=2)
    aligned = align_pair(a, b, freq_a="daily", freq_b="daily", change_a="pct", change_b="pct")
    assert aligned.n == 0 and aligned.start is None and aligned.end is None
    assert "No common dates" in aligned.describe()
    json.dumps(aligned.to_dict(), allow_nan=False)
    weekly = align_pair(walcl_like("2010-01-01", "2010-12-31"), b, freq_a="weekly", freq_b="daily",
                        change_a="pct", change_b="pct")  # fmt: skip
    assert weekly.n == 0


def test_empty_and_nan_inputs_align_without_error():
    days = business_days("2020-01-01", 30)
    a = price_walk(days, seed=1)
    b = pd.Series(np.nan, index=days)
    aligned = align_pair(a, b, freq_a="daily", freq_b="daily", change_a="pct", change_b="pct")
    assert aligned.n == 0
    empty = pd.Series([], dtype=float, index=pd.DatetimeIndex([]))
    assert align_pair(empty, a, freq_a="monthly", freq_b="daily", change_a="pct", change_b="pct").n == 0


def test_cleaning_is_applied_to_inputs():
    days = business_days("2020-01-01", 30)
    a = price_walk(days, seed=1)
    shuffled = a.sample(frac=1.0, random_state=1)
    aligned = align_pair(shuffled, a, freq_a="daily", freq_b="daily", change_a="pct", change_b="pct")
    np.testing.assert_array_equal(aligned.frame["a"].to_numpy(), clean_series(a).to_numpy())


def test_inputs_with_different_datetime_resolutions_align():
    days = business_days("2020-01-01", 40)
    a = pd.Series(np.arange(40.0) + 1, index=days.as_unit("ns"))
    b = pd.Series(np.arange(40.0) + 2, index=days.as_unit("s"))
    assert align_pair(a, b, freq_a="daily", freq_b="daily", change_a="pct", change_b="pct").n == 40
    weekly = pd.Series(np.arange(8.0) + 1, index=wednesdays("2020-01-01", "2020-02-20").as_unit("ms"))
    aligned = align_pair(weekly, b, freq_a="weekly", freq_b="daily", change_a="pct", change_b="pct")
    assert aligned.n == 8
    assert aligned.frame["b"].iloc[1] == b[pd.Timestamp("2020-01-08")]


# --------------------------------------------------------------------------- two chosen dates
@pytest.mark.parametrize(
    "text, expected",
    [
        ("2020-03-02..2020-06-26", (pd.Timestamp("2020-03-02"), pd.Timestamp("2020-06-26"))),
        ("2020-06-26..2020-03-02", None),  # last before first
        ("2020-03-02..2020-03-02", None),  # one day is not a window
        ("2020-02-30..2020-06-26", None),  # not a date
        ("1799-12-31..2020-06-26", None),  # before 1800
        ("2020-03-02..2201-01-01", None),
        ("2020-3-2..2020-6-26", None),
        (" 2020-03-02..2020-06-26", None),
        ("3Y", None),
        (None, None),
    ],
)
def test_date_window_reads_only_two_real_dates_in_order(text, expected):
    assert date_window(text) == expected


def test_two_dates_cut_the_window_and_its_history_to_exactly_those_dates():
    index = business_days("2018-01-01", 1200)
    a, b = price_walk(index, seed=1), price_walk(index, seed=2)
    options = dict(freq_a="daily", freq_b="daily", change_a="pct", change_b="pct")
    window = align_pair(a, b, lookback="2019-03-04..2019-06-28", today=pd.Timestamp("2026-12-04"), **options)
    full = align_pair(a, b, lookback="Max", **options)
    inside = full.frame.loc["2019-03-04":"2019-06-28"]
    pd.testing.assert_frame_equal(window.frame, inside)  # first row keeps its change from the day before
    assert window.history.index[-1] == pd.Timestamp("2019-06-28")  # nothing after the window is used
    assert window.days_before_today is None and not window.old  # chosen dates are not stale data
    assert "over the chosen dates (4 Mar 2019 to 28 Jun 2019)." in window.describe()
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        align_pair(a, b, lookback="2019-06-28..2019-03-04", **options)


def test_reference_date_undoes_a_publication_lag():
    dates = wednesdays("2024-01-03", "2024-03-27")
    release = Release(1, "16:30")  # Thursday after the close: Friday's close is the first to react
    published = release.available(dates)
    for reference, day in zip(dates, published, strict=True):
        assert reference_date(dates, release, day) == reference
        assert reference_date(dates, release, day + pd.Timedelta(days=3)) == reference  # the next Monday
    assert reference_date(dates, None, pd.Timestamp("2024-02-02")) == pd.Timestamp("2024-02-02")
