"""Charts that show what a link was opened for (AppTest): a screener row opens the pair on both
windows with where they meet marked on every chart and each window's correlation in the rolling
correlation chart and the statistics; a scenario episode marks the day A's move is known."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import pandas as pd
import pytest

from convex.analytics.report import pair_core
from convex.store import Store
from tests.ui.test_chart_controls import chart_data
from tests.ui.test_pages import (  # noqa: F401
    chart_specs,
    episode_table,
    fresh_caches,
    run,
    run_screener,
    store,
    texts,
)

pytestmark = pytest.mark.usefixtures("store")  # six metrics of synthetic data (tests/ui/test_pages.py)


def link_params(link: str) -> dict[str, str]:
    return dict(parse_qsl(link.removeprefix("./?")))


def marked(data: pd.DataFrame) -> bool:
    """Whether a chart marks a date: its data has a flagged row (see test_chart_controls.shaded)."""
    return "marked" in data and bool(data["marked"].eq(True).any())


def page_changes(a: str, b: str, dates: str) -> pd.DataFrame:
    """The pair's aligned changes over the dates, as the page aligns them (analytics), for pandas."""
    from convex.metrics.catalog import catalog

    ma, mb = catalog().get(a), catalog().get(b)
    aligned, _ = pair_core(
        Store().read_series(a), Store().read_series(b), freq_a=ma.frequency, freq_b=mb.frequency,
        change_a=ma.change, change_b=mb.change, lookback=dates,
    )  # fmt: skip
    return aligned.frame[["a_chg", "b_chg"]].dropna()


def test_a_screener_row_opens_both_windows_with_where_they_meet_and_each_ones_correlation():
    screen = run_screener(min="3")
    row = screen.dataframe[0].value.iloc[0]
    params = link_params(row["Open"])
    split = pd.Timestamp(params["split"])
    at = run(**params)
    assert not at.warning
    spec = chart_specs(at)[0]  # the rolling correlation, the view the link opens
    assert marked(chart_data(at)[0]) and "Where the windows meet" in json.dumps(spec)
    assert "Correlation over each window" in json.dumps(spec)
    data = chart_data(at)[0]
    assert data["mark_date"].dropna().tolist() == [split]
    # Each window's correlation is pandas' correlation of the page's changes before and from the split.
    changes = page_changes(params["a"], params["b"], params["dates"])
    expected = [
        changes[changes.index < split].corr().iloc[0, 1],
        changes[changes.index >= split].corr().iloc[0, 1],
    ]
    levels = data.dropna(subset=["level_start"])
    assert levels["level"].tolist() == pytest.approx(expected, abs=1e-9)
    assert levels["level_start"].tolist()[1] >= split > levels["level_end"].tolist()[0]
    # The statistics show both, with the change the screener ranks by.
    when = f"{split:%d %b %Y}"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[f"Correlation of changes before {when}"] == f"{expected[0]:+.2f}"
    assert metrics[f"Correlation of changes from {when}"] == f"{expected[1]:+.2f}"
    assert "as the screener tests it" in texts(at)
    # The screener's own figures for the row are the same windows (its calendar may round a date).
    assert abs(row[next(c for c in row.index if c.startswith("r, last"))] - expected[1]) < 0.05
    # Every other time chart marks the day too.
    side = run(**{**params, "view": "Side by side"})
    assert marked(chart_data(side)[0])


def test_the_split_is_shared_and_a_lookback_leaves_it_behind():
    params = {"a": "spy", "b": "tlt", "dates": "2023-01-02..2024-06-28", "split": "2024-01-02"}
    at = run(**params, view="Rolling correlation")
    assert "split=2024-01-02" in at.code[0].value
    at.segmented_control(key="lookback").set_value("1Y").run()
    assert "split" not in at.code[0].value and "dates" not in at.code[0].value
    assert not any(marked(d) for d in chart_data(at))
    assert not any(m.label.startswith("Correlation of changes before") for m in at.metric)


def test_a_split_outside_the_window_marks_nothing_and_an_invalid_one_is_a_notice():
    outside = run(a="spy", b="tlt", dates="2023-01-02..2023-06-30", split="2024-01-02")
    assert not any(marked(d) for d in chart_data(outside)) and not outside.warning
    invalid = run(a="spy", b="tlt", split="2024-13-02")
    assert any("“split” is not valid" in w.value for w in invalid.warning)


def test_a_scenario_episode_marks_the_day_as_move_is_known_on_every_chart():
    at = run(a="walcl", b="tlt", scenario="true", lookback="Max")
    first = episode_table(at).iloc[0]
    params = link_params(first["Open"])
    signal = pd.Timestamp(first["Signal (A's move known)"])
    assert params["signal"] == f"{signal:%Y-%m-%d}"
    for view in ("Overlay", "Side by side", "Spread"):
        opened = run(**{**params, "view": view})
        spec = chart_specs(opened)[0]
        assert marked(chart_data(opened)[0]), view
        assert "Fed Balance Sheet's move known (the signal)" in json.dumps(spec)
        assert chart_data(opened)[0]["mark_date"].dropna().tolist() == [signal]
    # The rolling correlation starts a window into the dates: it marks the day when it draws it.
    rolling = run(**{**params, "view": "Rolling correlation"})
    if chart_specs(rolling):
        drawn = chart_data(rolling)[0]["date"].dropna()
        assert marked(chart_data(rolling)[0]) == (drawn.min() <= signal <= drawn.max())
