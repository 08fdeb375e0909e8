"""Every page and every widget through Streamlit's AppTest, on a temporary store; no network."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qsl

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from convex.analytics.align import date_window
from convex.metrics.catalog import catalog
from convex.metrics.formatting import format_pvalue, format_r, format_value
from convex.store import Store
from tests.fakes import synthetic_series
from tests.ui.conftest import THE_DAY_AFTER_THE_DATA

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


@pytest.fixture
def store() -> Store:
    store = Store()
    for seed, metric_id in enumerate(("walcl", "tlt", "spy", "gld", "dgs10", "btc")):
        store.write_series(metric_id, synthetic_series(metric_id, years=6, seed=seed), provenance="live",
                           source="test")  # fmt: skip
    return store


def run(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    parts += [w.value for w in at.warning] + [i.value for i in at.info] + [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def tables(at: AppTest) -> list[pd.DataFrame]:
    """The plain tables drawn (each one Markdown text, `convex.ui.elements.markdown_table`), read back
    cell by cell as a reader sees them."""
    found = []
    for text in (m.value for m in at.markdown if m.value.startswith("| ")):
        header, rule, *rows = (line[2:-2].split(" | ") for line in text.splitlines())
        assert set(rule) == {"---"} and all(len(row) == len(header) for row in rows), text
        found.append(pd.DataFrame(rows, columns=header).map(lambda c: c.replace("&#124;", "|")))
    return found


# ------------------------------------------------------------------ compare page
def test_default_page_is_walcl_vs_tlt(store):
    from convex.ui.analysis import wait_idle

    at = run()
    # A first view ranks related pairs in the background; in a browser the section's fragment redraws
    # the page when it is ready, which AppTest does not run: wait for it and redraw, as the page does.
    wait_idle()
    at.run()
    assert at.title[0].value == "Fed Balance Sheet vs 20Y+ Treasury (TLT)"
    values = metric_values(at)
    assert "Fed Balance Sheet" in values and "20Y+ Treasury (TLT)" in values
    assert "Correlation of changes" in values and "Hedge ratio (beta)" in values
    assert len(chart_specs(at)) >= 1
    assert any("Aligned weekly" in c.value for c in at.caption)
    assert "90-Day Statistics · Fed Balance Sheet" in texts(at)
    assert len(at.get("download_button")) == 3  # the Fed's balance sheet is published a day later
    headers = [h.value for h in at.subheader]
    sections = {"About this pair", "Cross-asset analysis", "FAQ", "Related comparisons"}
    assert sections <= set(headers)
    assert len(at.expander) >= 6  # the FAQ, plus "Every pair statistic"
    related = [link.proto for link in at.get("page_link")]
    assert 3 <= len(related) <= 6
    assert all(" vs " in link.label and "a=" in link.query_string for link in related)


def sent_data(at: AppTest) -> list[bytes | str]:
    """The Arrow bytes of every chart and the text of every table the run drew."""
    charts = [ds.data.data for el in at.get("vega_lite_chart") for ds in el.proto.datasets]
    charts += [el.proto.data.data for el in at.get("vega_lite_chart") if el.proto.HasField("data")]
    return charts + [m.value for m in at.markdown if m.value.startswith("| ")]


def test_a_view_shown_again_sends_what_it_made_first_and_new_data_makes_it_anew(store, monkeypatch):
    from convex import charts
    from convex.ui import data as ui_data

    built = []
    original = charts.side_by_side_chart
    monkeypatch.setattr(charts, "side_by_side_chart", lambda *a, **k: built.append(k) or original(*a, **k))
    at = run(a="spy", b="tlt")
    first, first_values = sent_data(at), metric_values(at)
    assert len(first) == 3  # the chart and the two statistics tables
    at.segmented_control(key="lookback").set_value("Max").run()
    assert sent_data(at) != first
    at.segmented_control(key="lookback").set_value("3Y").run()
    assert sent_data(at) == first and len(built) == 2  # one chart per view, each made once
    at.selectbox(key="window").select("1Y").run()  # the same pair analysis: its chart is kept
    assert sent_data(at)[0] == first[0] and sent_data(at)[1:] != first[1:] and len(built) == 2
    at.selectbox(key="window").select("90D").run()

    newer = synthetic_series("tlt", years=6, seed=99)
    store.write_series("tlt", newer, provenance="live", source="test", replace=True)
    ui_data._version.clear()  # as when the version poll's interval has passed
    at.run()
    assert not at.exception
    assert sent_data(at)[0] != first[0] and len(built) == 3
    assert metric_values(at)["20Y+ Treasury (TLT)"] != first_values["20Y+ Treasury (TLT)"]


def test_url_restores_the_view(store):
    at = run(a="spy", b="gld", lookback="1Y", transform="Rebased", spread="Ratio", roll="20", window="1Y",
             view="Spread", dual="true")  # fmt: skip
    assert at.title[0].value == "S&P 500 ETF (SPY) vs Gold (GLD)"
    assert at.selectbox(key="a").value == "spy" and at.selectbox(key="b").value == "gld"
    assert at.segmented_control(key="lookback").value == "1Y"
    assert at.selectbox(key="transform").value == "Rebased"
    assert at.selectbox(key="spread").value == "Ratio"
    assert at.selectbox(key="roll").value == "20"
    assert at.selectbox(key="window").value == "1Y"
    assert at.toggle(key="dual").value is True
    assert "over the last year (" in texts(at)
    assert "1-Year Statistics · S&P 500 ETF (SPY)" in texts(at)
    assert "divided by" in texts(at)  # the ratio spread's description, on the Spread tab
    assert not at.warning


def test_the_share_link_follows_every_choice_and_restores_it(store):
    at = run(a="spy", b="gld")
    assert at.code[0].value == "?a=spy&b=gld"
    at.segmented_control(key="lookback").set_value("1Y").run()
    at.selectbox(key="spread").select("Ratio").run()
    at.toggle(key="dual").set_value(True).run()
    link = "?a=spy&b=gld&lookback=1Y&dual=true&spread=Ratio"
    assert at.code[0].value == link  # the choices of this run, not the URL of the one before
    at.selectbox(key="spread").select("Z-score").run()  # back to the default: left out, as in the URL
    assert at.code[0].value == "?a=spy&b=gld&lookback=1Y&dual=true"
    opened = run(**dict(pair.split("=") for pair in link[1:].split("&")))
    assert opened.code[0].value == link


def test_the_share_box_gives_the_views_api_address_and_python_with_the_pages_figures(store):
    at = run(a="spy", b="gld", dates="2022-03-01..2022-12-30", roll="26", window="1Y")
    address, snippet = at.code[1].value, at.code[2].value
    assert address == "/api/v1/compare?a=spy&b=gld&dates=2022-03-01..2022-12-30&roll=26&window=1Y"
    assert snippet == (
        "import convex\nr = convex.compare('spy', 'gld', dates='2022-03-01..2022-12-30', rolling_window=26, "
        "stats_window='1Y')\nprint(r.summary())"
    )
    namespace: dict = {}
    exec(snippet.replace("print(r.summary())", ""), namespace)  # the snippet itself, on this store
    result = namespace["r"]
    c = result.correlation
    assert metric_values(at)["Correlation of changes"] == format_r(c.changes)
    interval = f"95% interval {format_r(c.changes_ci_low)} to {format_r(c.changes_ci_high)} · p "
    assert any(x.value.startswith(interval + format_pvalue(c.changes_pvalue)) for x in at.caption)
    assert f"n = {result.n:,}" in texts(at)
    formula = run(a="f:spy/tlt", b="gld")
    assert formula.code[1].value == "/api/v1/compare?a=f:spy/tlt&b=gld&lookback=3Y"


def test_every_sidebar_control_changes_the_view(store):
    at = run()
    at.selectbox(key="b").select("gld").run()
    assert at.title[0].value == "Fed Balance Sheet vs Gold (GLD)" and at.query_params["b"] == "gld"
    at.selectbox(key="a").select("spy").run()
    assert at.title[0].value == "S&P 500 ETF (SPY) vs Gold (GLD)" and at.query_params["a"] == "spy"
    at.button[0].click().run()  # swap
    assert at.title[0].value == "Gold (GLD) vs S&P 500 ETF (SPY)"
    assert (at.query_params["a"], at.query_params["b"]) == ("gld", "spy")
    at.segmented_control(key="lookback").set_value("Max").run()
    assert "over all the common history held (" in texts(at)
    at.selectbox(key="transform").select("Z-score").run()
    assert "Z-score" in json.dumps(chart_specs(at))
    at.selectbox(key="window").select("Max").run()
    assert "Full-History Statistics · Gold (GLD)" in texts(at)
    at.selectbox(key="roll").select("52").run()
    assert at.selectbox(key="roll").value == "52" and not at.exception
    for view in ("Overlay", "Spread", "Rolling correlation", "Lead-lag", "Scatter & hedge"):
        at = run(a="gld", b="spy", view=view, roll="52", spread="Performance")
        assert chart_specs(at), view
    at = run(a="gld", b="spy", view="Rolling correlation", roll="52")
    assert "Correlation of changes, rolling 52 trading days" in json.dumps(chart_specs(at))
    at = run(a="gld", b="spy", view="Overlay")
    at.toggle(key="dual").set_value(True).run()
    assert '"scale": {"y": "independent"}' in json.dumps(chart_specs(at))
    assert not at.exception


@pytest.mark.parametrize(
    "params, notice",
    [
        ({"a": "nope", "b": "tlt"}, "not a Convex metric id"),
        ({"a": "<script>alert(1)</script>", "b": "tlt"}, "not a Convex metric id"),
        ({"a": "walcl", "b": "tlt", "lookback": "99999999999999999999"}, "“lookback” is not valid"),
        ({"a": "walcl", "b": "tlt", "roll": "-5"}, "“roll” is not valid"),
        ({"a": "walcl", "b": "tlt", "dual": "maybe"}, "“dual” is not valid"),
        ({"a": "", "b": "tlt"}, "not a Convex metric id"),
        ({"a": "walcl", "b": "tlt", "x' OR 1=1 --": "1"}, "unrecognised link parameter"),
        ({"a": "walcl", "b": "tlt", "view": "<img src=x onerror=alert(1)>"}, "“view” is not valid"),
        ({"a": "walcl", "b": "tlt", "scenario": "true", "move": "nan"}, "“move” is not valid"),
        ({"a": "walcl", "b": "tlt", "scenario": "true", "move": "1e999"}, "“move” is not valid"),
        ({"a": "walcl", "b": "tlt", "scenario": "true", "horizon": "0"}, "“horizon” is not valid"),
        ({"a": "walcl", "b": "tlt", "scenario": "true", "horizon": "99999"}, "“horizon” is not valid"),
    ],
)
def test_hostile_urls_fall_back_with_a_notice(store, params, notice):
    at = run(**params)
    warnings = " ".join(w.value for w in at.warning)
    assert notice in warnings
    assert "<script>" not in texts(at) and "onerror" not in texts(at) and "OR 1=1" not in texts(at)
    assert at.title[0].value.endswith("20Y+ Treasury (TLT)")


def test_same_metric_twice_is_a_clear_message(store):
    at = run(a="tlt", b="tlt")
    assert "both 20Y+ Treasury (TLT)" in at.info[0].value
    assert not at.get("vega_lite_chart")


def test_metric_without_data_says_why_and_offers_pairs():
    at = run(a="walcl", b="tlt")
    assert "No data to compare yet" in at.info[0].value and "offline mode" in at.info[0].value
    links = [link.proto.label for link in at.get("page_link")]
    assert "S&P 500 Index vs VIX (sample)" in links


def test_first_visit_with_no_data_for_the_default_pair_opens_a_sample_pair_and_says_why():
    at = run()
    assert at.title[0].value == "S&P 500 Index vs VIX (S&P 500 Volatility)"
    assert dict(at.query_params)["a"] in ("spx", ["spx"])
    why = at.info[0].value
    assert "The default pair, Fed Balance Sheet vs 20Y+ Treasury (TLT), has no data here" in why
    assert "offline sample data" in why
    back = next(
        link.proto
        for link in at.get("page_link")
        if link.proto.label == "Open Fed Balance Sheet vs TLT anyway"
    )
    assert back.query_string in ("a=walcl&b=tlt", "b=tlt&a=walcl")
    assert metric_values(at)["Correlation of changes"] != "n/a" and len(chart_specs(at)) >= 1


def test_first_visit_prefers_a_featured_pair_with_stored_data_over_samples():
    store = Store()
    for seed, metric_id in enumerate(("bamlh0a0hym2", "spy")):
        store.write_series(metric_id, synthetic_series(metric_id, years=4, seed=seed), provenance="live",
                           source="test")  # fmt: skip
    at = run()
    assert at.title[0].value == "High-Yield Credit Spread vs S&P 500 ETF (SPY)"
    assert "which has stored data, opened instead" in at.info[0].value


def test_a_link_that_names_the_default_pair_keeps_it_and_says_why_it_has_no_data():
    at = run(a="walcl", b="tlt")
    assert at.title[0].value == "Fed Balance Sheet vs 20Y+ Treasury (TLT)"
    assert "No data to compare yet" in at.info[0].value


def test_an_offline_sample_names_its_package_in_the_caption_and_the_footer():
    at = run(a="spx", b="vix")
    captions = [c.value for c in at.caption]
    # With the observation's age (issue 29): a sample ending in 2018 is stale, and says so.
    assert any(c.startswith("Latest 31 Dec 2018, ") and "days old: stale" in c
               and "· offline sample from arch" in c for c in captions)  # fmt: skip
    assert not any(c.startswith("Latest") and "Yahoo" in c for c in captions)
    sources = next(c for c in captions if c.startswith("Data sources"))
    assert "**S&P 500 Index**: offline sample from arch" in sources
    assert "its live source is [Yahoo Finance" in sources


def test_the_hedge_tile_gives_the_beta_in_the_units_the_text_uses():
    at = run(a="spx", b="vix")
    tile = metric_values(at)["Hedge ratio (beta)"]
    assert tile.endswith(" pts") and tile.startswith("-")
    assert f"came with {tile} in VIX" in texts(at)
    assert any(
        c.value.startswith("in VIX (S&P 500 Volatility) per +1.00% in S&P 500 Index") for c in at.caption
    )


def test_granger_tiles_show_the_p_value_the_text_uses_and_say_which():
    at = run(a="spx", b="vix")
    texts_shown = texts(at)
    for label in ("Granger p, A → B", "Granger p, B → A"):
        tile = next(m for m in at.metric if m.label == label)
        assert "One F-test at one lag, chosen in advance by AIC" in tile.proto.help
        assert "the p the text below uses" in tile.proto.help
        assert f"p {tile.value})" in texts_shown  # the text quotes the same p
    captions = " ".join(c.value for c in at.caption)
    assert captions.count("F-test at lag") == 2


def test_the_page_says_which_statistics_use_the_published_dates(store):
    captions = " ".join(c.value for c in run(a="walcl", b="tlt").caption)
    assert "Lead-lag and Granger pair each value with the first close after it was published" in captions
    assert (
        "Fed Balance Sheet dated by the first close after its release (published 1 day later at 16:30"
        in captions
    )
    captions = " ".join(c.value for c in run(a="spy", b="gld").caption)
    assert "neither series has a publication lag" in captions
    assert "first close after it was published" not in captions


def aligned_caption(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Aligned"))


def test_a_link_with_two_dates_shows_exactly_that_window_and_keeps_it_in_the_share_link(store):
    at = run(a="spy", b="gld", dates="2022-03-01..2022-06-30", view="Overlay", transform="Rebased")
    assert "over the chosen dates (1 Mar 2022 to 30 Jun 2022)." in aligned_caption(at)
    assert "days before" not in aligned_caption(at)  # chosen dates are not "old data"
    assert at.date_input[0].value == (date(2022, 3, 1), date(2022, 6, 30))
    assert at.code[0].value == "?a=spy&b=gld&dates=2022-03-01..2022-06-30&transform=Rebased&view=Overlay"
    assert "over the chosen dates (1 Mar 2022 to 30 Jun 2022)" in texts(at)
    assert not at.warning
    next(b for b in at.button if b.label == "Use the lookback instead").click().run()
    assert "over the last 3 years (" in aligned_caption(at) and "dates" not in at.code[0].value


def test_picking_two_dates_sets_the_window_and_a_lookback_clears_it(store):
    at = run(a="spy", b="gld")
    at.date_input[0].set_value((date(2021, 1, 4), date(2021, 6, 30))).run()
    assert "(4 Jan 2021 to 30 Jun 2021)" in aligned_caption(at)
    assert at.query_params["dates"] in ("2021-01-04..2021-06-30", ["2021-01-04..2021-06-30"])
    at.segmented_control(key="lookback").set_value("1Y").run()
    assert "over the last year (" in aligned_caption(at) and "dates" not in at.code[0].value


@pytest.mark.parametrize(
    "dates",
    ["2022-06-30..2022-03-01", "2022-13-01..2022-06-30", "1700-01-01..2022-01-01", "<b>x</b>", "2022"],
)
def test_a_link_with_dates_that_are_not_a_window_falls_back_to_the_lookback(store, dates):
    at = run(a="spy", b="gld", dates=dates)
    assert any("“dates” is not valid" in w.value for w in at.warning)
    assert "over the last 3 years (" in aligned_caption(at) and "<b>" not in texts(at)


def episode_table(at):
    """The scenario's episodes (a plain table), each "Open" cell as the address its Markdown link opens,
    each date as a date."""
    table = next(t for t in tables(at) if "Open" in t.columns)
    dates = ["A's move starts", "Signal (A's move known)", "B's window ends"]
    return table.assign(
        Open=[re.fullmatch(r"\[Episode\]\((.+)\)", cell)[1] for cell in table["Open"]],
        **{d: [date.fromisoformat(day) for day in table[d]] for d in dates},
    )


def test_each_scenario_episode_links_to_its_own_dates(store):
    at = run(a="walcl", b="tlt", scenario="true", lookback="Max")
    first = episode_table(at).iloc[0]
    params = dict(parse_qsl(first["Open"].removeprefix("./?")))
    start, end = first["A's move starts"], first["B's window ends"]
    first_date, last_date = date_window(params["dates"])
    # Episodes are dated as published (WALCL's Wednesday level counts from Friday's close); the
    # link opens on the Wednesday whose level the move starts from.
    assert last_date.date() == end and start - timedelta(days=7) < first_date.date() <= start
    assert first_date.day_name() == "Wednesday"
    assert (params["transform"], params["view"]) == ("Rebased", "Overlay")
    opened = run(**params)
    assert f"over the chosen dates ({first_date.day} {first_date:%b %Y} to " in aligned_caption(opened)
    assert not opened.warning


def test_a_formula_in_the_link_is_compared_like_any_metric_and_its_share_link_round_trips(store):
    at = run(a="f:SPY / TLT", b="gld", view="Overlay")
    assert at.title[0].value == "SPY / TLT vs Gold (GLD)"
    assert at.selectbox(key="a").value == "f:spy/tlt"
    link = at.code[0].value
    assert link == "?a=f:spy/tlt&b=gld&view=Overlay"  # written one way, readable
    assert any("is a formula you wrote (Ratio (dimensionless), daily)" in i.value for i in at.info)
    assert "Correlation of changes" in metric_values(at) and chart_specs(at)
    assert "S&P 500 ETF (SPY)" in texts(at)  # the sources name its inputs
    assert "your own series: Convex knows its numbers, not what drives it" in texts(at)
    assert "economy-wide forces" not in texts(at)  # no domain story about a series the user wrote
    opened = run(**dict(parse_qsl(link[1:])))
    assert opened.title[0].value == at.title[0].value and opened.code[0].value == link
    assert not opened.warning


def test_the_formula_field_sets_a_or_b_and_says_what_is_wrong(store):
    at = run(a="spy", b="gld")
    at.text_input(key="_formula_text").input("gld / spy * 100").run()
    next(b for b in at.button if b.label == "Use as B").click().run()
    assert at.title[0].value == "S&P 500 ETF (SPY) vs GLD / SPY * 100"
    assert "b=f:gld/spy*100" in at.code[0].value
    at.text_input(key="_formula_text").input("tlt / spy").run()
    at.text_input(key="_formula_name").input("Duration vs equity").run()
    next(b for b in at.button if b.label == "Use as A").click().run()
    assert at.title[0].value == "Duration vs equity vs GLD / SPY * 100"
    named = at.code[0].value
    assert "a=f:Duration+vs+equity%3Dtlt/spy" in named
    assert run(**dict(parse_qsl(named[1:]))).title[0].value == at.title[0].value  # the name is in the link
    at.text_input(key="_formula_name").input("").run()
    at.text_input(key="_formula_text").input("walcl + dgs10").run()
    next(b for b in at.button if b.label == "Use as A").click().run()
    assert [e.value for e in at.error] == ["Cannot add Percent to Millions of USD: the units differ."]
    assert at.title[0].value == "Duration vs equity vs GLD / SPY * 100"  # nothing changed


@pytest.mark.parametrize(
    "formula", ["f:__import__('os').system('id')", "f:spy + dgs10", "f:<b>x</b>", "f:", "f:nope/spy"]
)
def test_a_link_with_a_formula_that_cannot_be_used_says_so_without_repeating_it(store, formula):
    at = run(a=formula, b="tlt")
    assert any("is a formula that cannot be used here" in w.value for w in at.warning)
    assert at.title[0].value.endswith("20Y+ Treasury (TLT)")
    assert "__import__" not in texts(at) and "<b>" not in texts(at) and "nope" not in texts(at)


def stored_upload(store) -> str:
    from convex.data.uploads import read_upload

    series = synthetic_series("spy", years=3, seed=9)
    data = ("date,value\n" + "".join(f"{d:%Y-%m-%d},{v}\n" for d, v in series.items())).encode()
    upload = read_upload("my fund.csv", data)
    store.write_upload(upload.id, upload.name, upload.frequency, upload.change, upload.series, upload.detail)
    return upload.id


def test_an_uploaded_series_is_compared_like_any_metric_from_its_link(store):
    upload_id = stored_upload(store)
    at = run(a=upload_id, b="walcl")
    assert at.title[0].value == "my fund vs Fed Balance Sheet" and not at.warning
    assert any(
        "is a series you uploaded (daily, compared by percent changes; kept in the store)" in i.value
        for i in at.info
    )
    assert "Correlation of changes" in metric_values(at) and chart_specs(at)
    assert "uploaded file my fund (date,value CSV)" in texts(at)
    assert at.code[0].value == f"?a={upload_id}&b=walcl"


def test_uploading_a_file_shows_what_was_inferred_and_compares_it_with_walcl(store):
    series = synthetic_series("walcl", years=4, seed=3)
    data = (
        "observation_date,MYSERIES\n" + "".join(f"{d:%Y-%m-%d},{v}\n" for d, v in series.items())
    ).encode()
    at = run(a="spy", b="tlt")
    at.file_uploader(key="_upload_file").set_value(("my series.csv", data, "text/csv")).run()
    assert any("looks weekly, compared by percent changes" in c.value for c in at.caption)
    frequency = next(s for s in at.selectbox if s.label == "Frequency")
    assert frequency.value == "weekly"
    frequency.select("monthly").run()  # the inferred frequency can be changed
    next(b for b in at.button if b.label == "Use as B" and b.key == "_upload_b").click().run()
    assert at.title[0].value == "S&P 500 ETF (SPY) vs my series" and not at.exception
    assert any("is a series you uploaded (monthly" in i.value for i in at.info)
    assert "Aligned monthly" in next(c.value for c in at.caption if c.value.startswith("Aligned"))
    assert at.query_params["b"] in (at.session_state["b"], [at.session_state["b"]])
    # By default the upload lives in this session only: nothing stored, and the link says so.
    upload_id = at.session_state["b"]
    assert any("kept in this browser session only" in i.value for i in at.info)
    assert store.read_upload(upload_id) is None and store.meta(upload_id) is None
    assert any("lives only in this browser session" in w.value for w in at.warning)
    other = run(a="spy", b=upload_id)  # the same link in another session
    assert any("an uploaded series that this deployment does not hold" in w.value for w in other.warning)
    assert other.title[0].value.startswith("S&P 500 ETF (SPY) vs") and "my series" not in other.title[0].value


def test_an_upload_kept_in_the_store_opens_from_its_link_in_another_session(store):
    series = synthetic_series("spy", years=3, seed=4)
    data = ("date,value\n" + "".join(f"{d:%Y-%m-%d},{v}\n" for d, v in series.items())).encode()
    at = run(a="spy", b="tlt")
    at.file_uploader(key="_upload_file").set_value(("kept fund.csv", data, "text/csv")).run()
    at.checkbox(key="_upload_keep").check().run()
    next(b for b in at.button if b.key == "_upload_a").click().run()
    upload_id = at.session_state["a"]
    assert at.title[0].value == "kept fund vs 20Y+ Treasury (TLT)" and not at.exception
    assert any("kept in the store" in i.value for i in at.info)
    assert not any("lives only in this browser session" in w.value for w in at.warning)
    assert store.read_upload(upload_id) == ("kept fund", "daily", "pct")
    other = run(a=upload_id, b="tlt")  # a new session opens it from the store
    assert other.title[0].value == "kept fund vs 20Y+ Treasury (TLT)" and not other.warning


def test_a_hostile_upload_is_refused_with_a_message_and_nothing_changes(store):
    at = run(a="spy", b="tlt")
    at.file_uploader(key="_upload_file").set_value(("x.csv", bytes(range(256)) * 50, "text/csv")).run()
    assert any("binary file" in e.value for e in at.error)
    assert not [b for b in at.button if b.key in ("_upload_a", "_upload_b")]  # nothing to use
    assert at.title[0].value == "S&P 500 ETF (SPY) vs 20Y+ Treasury (TLT)" and not at.exception


def test_the_explorer_shows_a_stored_upload(store):
    upload_id = stored_upload(store)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["metric"] = upload_id
    at.switch_page("pages/metric.py").run()
    assert not at.exception and not at.warning and at.title[0].value == "my fund"
    assert "Your data · daily" in texts(at) and chart_specs(at)


def test_a_link_to_an_upload_this_deployment_does_not_hold_says_so(store):
    at = run(a="u:0123456789ab", b="tlt")
    assert any("an uploaded series that this deployment does not hold" in w.value for w in at.warning)
    assert at.title[0].value.endswith("20Y+ Treasury (TLT)")


def test_the_scenario_section_computes_only_when_open(store):
    at = run(a="walcl", b="tlt")
    section = next(e for e in at.expander if e.label.startswith("When Fed Balance Sheet moved like this"))
    assert not section.markdown and not section.get("vega_lite_chart")
    assert "episodes since" not in texts(at)


def test_the_scenario_section_from_a_link_states_each_result_with_its_number(store):
    at = run(a="walcl", b="tlt", scenario="true", lookback="Max")
    section = next(e for e in at.expander if e.label.startswith("When Fed Balance Sheet moved like this"))
    said = "\n".join(m.value for m in section.markdown)
    first = section.markdown[0].value
    assert first.startswith(("**The model", "**Not enough evidence")) or "track record" in first
    assert "when Fed Balance Sheet rose" in said or "when Fed Balance Sheet fell" in said
    assert "one-standard-deviation" in said or "No response over horizons" in said
    assert len(section.get("vega_lite_chart")) >= 2  # episode paths and at least one fan
    at.number_input(key="move").set_value(-1.0).run()
    assert not at.exception
    section = next(e for e in at.expander if e.label.startswith("When Fed Balance Sheet moved like this"))
    assert "fell 1.00% or more in 13 weeks" in "\n".join(m.value for m in section.markdown)
    links = [link for link in at.get("page_link") if "scenario" in str(link.proto.query_string)]
    assert links, "related scenarios link to the same scenario"


def test_offline_sample_pair_is_labelled():
    at = run(a="spx", b="vix")
    assert "Offline sample · arch" in texts(at)
    assert any("offline sample shipped in arch" in i.value for i in at.info)
    assert metric_values(at)["Correlation of changes"] != "n/a"


def test_stale_data_is_served_with_its_age_and_reason(store):
    old = THE_DAY_AFTER_THE_DATA - timedelta(days=2)  # the pages' day (tests/ui/conftest.py)
    store.write_series("tlt", synthetic_series("tlt", years=6, seed=1), provenance="live", source="yahoo",
                       fetched_at=old)  # fmt: skip
    store.record_attempt("tlt", "yahoo: tlt (TLT): rate limited (HTTP 429)")
    at = run()
    stale = " ".join(w.value for w in at.warning)
    assert "20Y+ Treasury (TLT): showing stored data fetched 2 days ago" in stale
    assert "rate limited (HTTP 429)" in stale
    assert "source failed" in texts(at)


def test_lookback_too_short_for_monthly_pair_is_not_an_error(store):
    Store().write_series("cpiaucsl", synthetic_series("cpiaucsl", years=6), provenance="live", source="fred")
    Store().write_series(
        "unrate", synthetic_series("unrate", years=6, seed=3), provenance="live", source="fred"
    )
    at = run(a="cpiaucsl", b="unrate", lookback="90D")
    assert "insufficient data" in texts(at) or "n/a" in metric_values(at)["Correlation of changes"]


def test_downloads_hold_the_aligned_data_and_statistics_and_say_how_each_is_dated(store):
    at = run(lookback="1Y")  # the Fed's balance sheet, published the day after its date, and TLT
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == [
        "Aligned data (CSV)",
        "Statistics (JSON)",
        "As published (CSV)",
    ]
    assert any(c.value.startswith("Aligned data: each row at the date its values refer to") and
               "convex export walcl tlt --published" in c.value for c in at.caption)  # fmt: skip
    markets = run(a="spy", b="gld", lookback="1Y")  # closes, known at their dates: one alignment
    assert [b.proto.label for b in markets.get("download_button")] == [
        "Aligned data (CSV)",
        "Statistics (JSON)",
    ]


# ------------------------------------------------------------------ other pages
def test_status_page_lists_the_store(store):
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/status.py").run()
    assert not at.exception
    assert at.title[0].value == "Data status"
    values = metric_values(at)
    # The six stored series and every offline sample the app can serve for the rest.
    assert values["Metrics with data"].startswith("19 of") and values["Live"] == "6"
    assert values["Offline sample"] == "13"
    assert at.button[0].disabled  # offline: the refresh button explains instead of failing
    at.toggle(key="with_data").set_value(True).run()
    assert len(at.dataframe[0].value) == 19


def test_status_counts_the_offline_samples_before_any_page_opened_them():
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/status.py").run()
    values = metric_values(at)
    assert values["Metrics with data"].startswith("13 of") and values["Offline sample"] == "13"


def test_explorer_page(store):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["metric"] = "tlt"
    at.switch_page("pages/metric.py").run()
    assert not at.exception
    assert at.title[0].value == "20Y+ Treasury (TLT)"
    assert "Percentile in all history" in metric_values(at)
    assert chart_specs(at)
    links = [link.proto for link in at.get("page_link")]
    assert len(links) == 5  # the other stored metrics, ranked (the 10-year is not TLT's own yield)
    others = {"Fed Balance Sheet", "SPY", "GLD", "Bitcoin", "10-Year Treasury Yield"}
    assert {link.label.split(":")[0] for link in links} == others
    at.segmented_control(key="lookback").set_value("1Y").run()
    at.selectbox(key="window").select("1Y").run()
    assert "1-Year Statistics · 20Y+ Treasury (TLT)" in texts(at)
    at.selectbox(key="metric").select("gld").run()
    assert at.title[0].value == "Gold (GLD)" and not at.exception


def test_the_explorer_shows_a_formula_like_any_metric(store):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["metric"] = "f:SPY/TLT"
    at.switch_page("pages/metric.py").run()
    assert not at.exception and not at.warning
    assert at.title[0].value == "SPY / TLT" and at.selectbox(key="metric").value == "f:spy/tlt"
    assert "Formula · daily" in texts(at) and "computed from spy (live), tlt (live)" in texts(at)
    assert chart_specs(at) and "90-Day Statistics · SPY / TLT" in texts(at)


def test_explorer_hostile_metric_falls_back():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["metric"] = "<b>bold</b>"
    at.switch_page("pages/metric.py").run()
    assert not at.exception
    assert any("not a Convex metric id" in w.value for w in at.warning)
    assert "<b>" not in texts(at)


# ------------------------------------------------------------------ screener
def run_screener(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("pages/screener.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_screener_ranks_every_pair_with_its_correction_and_links(store):
    at = run_screener()
    assert at.title[0].value == "Divergence screener"
    summary = next(m.value for m in at.markdown if "pairs from" in m.value)
    assert "pass Benjamini-Hochberg at a 5% false-discovery rate" in summary
    assert "would by chance alone" in summary
    table = at.dataframe[0].value
    assert table["p"].is_monotonic_increasing and len(table) > 0
    first = table.iloc[0]
    assert first["Open"].startswith("./?a=") and "view=Rolling+correlation" in first["Open"]
    assert (table["Changes (recent)"] >= 12).all()


def test_the_screener_leaves_out_mechanical_pairs_until_asked(store):
    def has_ratio_with_spy(at):
        t = at.dataframe[0].value
        names = set(zip(t["A"].str.replace(" (sample)", ""), t["B"], strict=True))
        return any("Stocks/Bonds Ratio" in a + b and "S&P 500 ETF" in a + b for a, b in names)

    at = run_screener(min="3")
    assert not has_ratio_with_spy(at)
    at.checkbox(key="mechanical").uncheck().run()
    assert has_ratio_with_spy(at)


def test_a_screener_link_restores_its_windows_and_filters(store):
    at = run_screener(recent="26 weeks", long="5 years", freq="weekly", min="20", mechanical="false")
    assert at.selectbox(key="recent").value == "26 weeks" and at.selectbox(key="long").value == "5 years"
    assert at.multiselect(key="freq").value == ["weekly"] and at.number_input(key="min").value == 20
    assert at.checkbox(key="mechanical").value is False
    table = at.dataframe[0].value
    assert set(table["Frequency"]) == {"weekly"} and (table["Changes (recent)"] >= 20).all()
    assert "r, last 26 weeks" in table.columns


def test_the_screener_gives_each_pairs_leads_and_links_to_their_window(store):
    at = run_screener(min="3")
    summary = next(m.value for m in at.markdown if "pairs from" in m.value)
    assert "changed their lead, where about" in summary
    table = at.dataframe[0].value
    assert {"Lead before", "Lead recent", "Lead-lag"} <= set(table.columns)
    assert table["Lead recent"].str.match(r"^(none|same period|—|[AB] by \d+ \w+)").all()
    row = table.iloc[0]
    params = dict(parse_qsl(row["Lead-lag"].removeprefix("./?")))
    assert params["view"] == "Lead-lag"
    last = date_window(params["dates"])[1]
    assert last.date() == row["Ends"]
    opened = run(**params)
    assert not opened.warning and f" to {last.day} {last:%b %Y})." in aligned_caption(opened)
    at.checkbox(key="leads").check().run()
    if at.dataframe:
        shifted = at.dataframe[0].value
        assert len(shifted) and (shifted["Lead before"] != shifted["Lead recent"]).all()
    else:
        assert any("lead-lag shifted" in i.value for i in at.info)


def test_a_hostile_screener_link_falls_back_with_notices(store):
    at = run_screener(recent="99Y", min="abc", domain="Nope")
    warnings = " ".join(w.value for w in at.warning)
    assert "“recent”" in warnings and "“min”" in warnings and "“domain”" in warnings
    assert at.selectbox(key="recent").value == "13 weeks" and at.number_input(key="min").value == 12


def slowed_ranking(monkeypatch, seconds: float) -> None:
    import time

    from convex.ui import related

    real = related.related_pairs

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return real(*args, **kwargs)

    monkeypatch.setattr(related, "related_pairs", slow)


def test_a_ranking_done_within_the_wait_is_drawn_in_the_first_run(store, monkeypatch):
    from convex.ui import related

    slowed_ranking(monkeypatch, 0.5)
    assert related.RELATED_WAIT_S >= 1.5  # a first ranking takes 0.4-1 s over 25 years of data
    at = run(a="walcl", b="tlt")
    links = [link.proto.label for link in at.get("page_link") if " vs " in link.proto.label]
    assert len(links) >= 3 and not any("Ranking related pairs" in c.value for c in at.caption)


def test_a_slow_related_ranking_is_drawn_when_ready_and_the_view_keeps_its_link_notices(store, monkeypatch):
    import time

    from convex.ui import related

    slowed_ranking(monkeypatch, 0.5)
    monkeypatch.setattr(related, "RELATED_WAIT_S", 0.1)  # slower than the wait
    at = run(a="walcl", b="tlt", zzz="1")
    assert any(c.value == "Ranking related pairs…" for c in at.caption)  # the rest of the page is drawn
    assert any("unrecognised link parameter" in w.value for w in at.warning)
    assert not [link for link in at.get("page_link") if " vs " in link.proto.label]
    time.sleep(0.8)
    at.session_state["_redraw"] = True  # what the waiting section does once the ranking is ready
    at.run()
    links = [link.proto.label for link in at.get("page_link") if " vs " in link.proto.label]
    assert len(links) >= 3 and not any("Ranking related pairs" in c.value for c in at.caption)
    assert any("unrecognised link parameter" in w.value for w in at.warning)  # still shown


def test_exact_dates_reach_the_header_and_each_metrics_statistics(store):
    # Issue 29: with dates= set, the header and the statistics panels show each metric as it stood
    # on the window's last day, not the latest data.
    at = run(a="spy", b="gld", dates="2022-03-01..2022-06-30")
    spy = store.read_series("spy")
    on_the_day = spy[spy.index <= "2022-06-30"]
    assert metric_values(at)["S&P 500 ETF (SPY)"] == format_value(on_the_day.iloc[-1], catalog().get("spy"))
    assert any(c.value.startswith(f"On {on_the_day.index[-1].day} Jun 2022, the last of the chosen dates")
               for c in at.caption)  # fmt: skip
    assert "Not in use: exact dates are in force" in texts(at)


def test_dates_typed_and_entered_apply_and_a_bad_one_says_how_to_write_it(store):
    at = run(a="spy", b="gld")
    at.text_input(key="_dates_typed_").set_value("2021-01-04..2021-06-30").run()  # Enter
    assert "(4 Jan 2021 to 30 Jun 2021)" in aligned_caption(at)
    assert at.query_params["dates"] in ("2021-01-04..2021-06-30", ["2021-01-04..2021-06-30"])
    typed = next(t for t in at.text_input if t.key.startswith("_dates_typed_"))
    typed.set_value("2021-06-30..2021-01-04").run()
    assert any("Write two dates, the first before the last" in e.value for e in at.error)
    assert "(4 Jan 2021 to 30 Jun 2021)" in aligned_caption(at)  # the window in force stays
