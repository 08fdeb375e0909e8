"""Formulas: parsed by a real parser (never eval), evaluated like pandas arithmetic, units checked,
and every hostile string refused with a FormulaError."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convex.data.loader import Loader
from convex.metrics.catalog import catalog
from convex.metrics.formulas import FormulaError, canonical, evaluate, formula_units, parse, references
from convex.metrics.metric import InvalidFormulaError
from convex.sources.fred import parse_fred_csv
from convex.store import Store
from tests.fakes import synthetic_series

IDS = [m.id for m in catalog()]


def units_of(metric_id: str) -> str:
    return catalog().get(metric_id).units


def frame(seed: int, n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    index = pd.bdate_range("2024-01-01", periods=n)
    return pd.DataFrame(
        {i: 100 * np.exp(np.cumsum(rng.normal(0, 0.01, n))) for i in ("spy", "tlt", "gld", "qqq")},
        index=index,
    )


# Each formula against the pandas expression it must equal (the inputs share units: USD per share).
CASES = {
    "spy / tlt": lambda f: f.spy / f.tlt,
    "SPY - TLT * 2": lambda f: f.spy - f.tlt * 2,
    "(spy + tlt) / 2 - gld": lambda f: (f.spy + f.tlt) / 2 - f.gld,
    "-spy + -(-qqq)": lambda f: -f.spy + f.qqq,
    "1 / spy": lambda f: 1 / f.spy,
    "spy - tlt - gld": lambda f: f.spy - f.tlt - f.gld,
    "spy / tlt / gld": lambda f: f.spy / f.tlt / f.gld,
    "log(spy) - log(tlt)": lambda f: np.log(f.spy) - np.log(f.tlt),
    "exp(log(spy))": lambda f: f.spy,
    "lag(spy, 3)": lambda f: f.spy.shift(3),
    "diff(spy, 5)": lambda f: f.spy.diff(5),
    "pct(spy, 5) - pct(tlt, 5)": lambda f: f.spy.pct_change(5) * 100 - f.tlt.pct_change(5) * 100,
    "rebase(spy) / rebase(tlt) * 100": lambda f: (f.spy / f.spy.iloc[0]) / (f.tlt / f.tlt.iloc[0]) * 100,
    "2.5e-1 * spy + .5": lambda f: 0.25 * f.spy + 0.5,
}


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_formulas_equal_pandas_arithmetic(seed):
    data = frame(seed)
    for text, expected in CASES.items():
        got = evaluate(parse(text, IDS), data, units_of)
        want = expected(data).dropna()
        pd.testing.assert_series_equal(got, want, check_names=False, rtol=1e-12)


def test_the_canonical_form_reads_back_to_the_same_tree():
    for text in CASES:
        tree = parse(text, IDS)
        assert parse(canonical(tree), IDS) == tree
        assert " " not in canonical(tree) and canonical(tree) == canonical(tree).lower()
    assert canonical(parse("WALCL - WTREGEN - RRPONTSYD", IDS)) == "walcl-wtregen-rrpontsyd"
    assert canonical(parse("spy - (tlt - gld)", IDS)) == "spy-(tlt-gld)"
    assert canonical(parse("(spy * tlt) / gld", IDS)) == "spy*tlt/gld"
    assert references(parse("spy/tlt - spy", IDS)) == ["spy", "tlt"]


def test_a_zero_divisor_or_the_log_of_a_negative_is_left_out():
    data = pd.DataFrame(
        {"spy": [1.0, 2.0, 3.0], "dgs10": [1.0, 0.0, -1.0]}, index=pd.bdate_range("2024-01-01", periods=3)
    )
    assert list(evaluate(parse("spy / dgs10", IDS), data, units_of)) == [1.0, -3.0]
    assert list(evaluate(parse("log(dgs10)", IDS), data, units_of)) == [0.0]


# --------------------------------------------------------------------------- units
def test_units_are_converted_when_only_the_scale_differs():
    # WALCL and the Treasury account are in millions of USD, the reverse repo in billions.
    tree = parse("walcl - wtregen - rrpontsyd", IDS)
    assert formula_units(tree, units_of).words == "Millions of USD"
    data = pd.DataFrame(
        {"walcl": [8_000_000.0], "wtregen": [800_000.0], "rrpontsyd": [200.0]},
        index=[pd.Timestamp("2024-01-03")],
    )
    assert evaluate(tree, data, units_of).iloc[0] == 7_000_000.0
    ratio = parse("walcl / rrpontsyd", IDS)
    assert formula_units(ratio, units_of).words == "Ratio (dimensionless)"
    assert evaluate(ratio, data, units_of).iloc[0] == 40.0  # 8 trillion / 200 billion


def test_a_ratio_of_prices_is_dimensionless_and_other_ratios_say_their_units():
    assert formula_units(parse("spy / tlt", IDS), units_of).words == "Ratio (dimensionless)"
    assert formula_units(parse("1 / dtwexbgs", IDS), units_of).words == "1 / Index (Jan 2006 = 100)"
    assert (
        formula_units(parse("walcl / spy", IDS), units_of).words
        == "Millions of USD per USD per share (adjusted)"
    )
    assert formula_units(parse("dgs10 - dgs2", IDS), units_of).words == "Percent"
    assert formula_units(parse("pct(spy, 21)", IDS), units_of).words == "Percent"


@pytest.mark.parametrize(
    "text, message",
    [
        ("walcl + dgs10", "Cannot add Percent to Millions of USD: the units differ."),
        ("spy - vix", "Cannot subtract Volatility points from USD per share (adjusted): the units differ."),
        (
            "(spy / tlt) + spy",
            "Cannot add USD per share (adjusted) to Ratio (dimensionless): the units differ.",
        ),
    ],
)
def test_sums_of_different_units_are_refused_naming_both(text, message):
    with pytest.raises(FormulaError) as info:
        formula_units(parse(text, IDS), units_of)
    assert str(info.value) == message


# --------------------------------------------------------------------------- hostile input
KNOWN_HOSTILE = [
    "__import__('os').system('id')",
    "spy.__class__.__mro__",
    "().__class__",
    "eval('1')",
    "exec('x')",
    "open('/etc/passwd')",
    "lambda: spy",
    "spy if 1 else tlt",
    "spy[0]",
    "spy ** 2",
    "spy; tlt",
    "spy = 1",
    "f'{spy}'",
    "spy @ tlt",
    "spy\x00",
    "spy\r\nBcc: x@y.z",
    "<script>alert(1)</script>",
    "1e999 * spy",
    "spy / ",
    "(spy",
    "spy)",
    "",
    "   ",
    "1 + 2",
    "lag(spy)",
    "lag(spy, -1)",
    "lag(spy, 1.5)",
    "lag(spy, 1001)",
    "pct(spy, tlt)",
    "log(spy, 2)",
    "log()",
    "unknown_metric + spy",
    "spy\u00a0+ tlt",
    "ｓｐｙ",
    "spy + ٣",
    "(" * 40 + "spy" + ")" * 40,
    "-" * 40 + "spy",
    "spy + " * 60 + "spy",
    "spy" + "+tlt" * 8 + "+gld+qqq+iwm+dia+eem+efa+xlf",
]


def hostile_formulas(count: int, seed: int = 0) -> list[str]:
    """`count` strings, each a valid formula broken by one hostile fragment."""
    rng = np.random.default_rng(seed)
    bases = list(CASES)
    fragments = [
        ".", "[", "]", ";", "=", "'", '"', "{", "}", ":", "@", "!", "**", "#", "$", "%", "&", "|", "^", "~",
        "`", "\\", "?", "<", ">", "\x00", "\n=", " os", " eval(", " __import__", "1e400", ",,", "()", "(",
        ")", "lag(", "pct(spy,0)", "spy spy", "__class__", "\u202e",
    ]  # fmt: skip
    out = list(KNOWN_HOSTILE)
    while len(out) < count:
        base = bases[rng.integers(len(bases))]
        at = int(rng.integers(len(base) + 1))
        out.append(base[:at] + fragments[rng.integers(len(fragments))] + base[at:])
    return out[:count]


def test_a_thousand_hostile_formulas_are_refused_with_a_formula_error():
    texts = hostile_formulas(1000)
    assert len(set(texts)) > 900
    for text in texts:
        with pytest.raises(FormulaError) as info:
            formula_units(parse(text, IDS), units_of)
        assert len(str(info.value)) < 200


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=80))
def test_any_text_gives_a_tree_or_a_formula_error(text):
    try:
        tree = parse(text, IDS)
    except FormulaError:
        return
    assert parse(canonical(tree), IDS) == tree


# --------------------------------------------------------------------------- real files
def test_net_liquidity_from_real_fred_files_equals_pandas(shared_real):
    def read(name):
        path = shared_real / f"fred/matemadrigal/{name}.csv"
        return parse_fred_csv(path.read_text(), name)

    walcl, tga, rrp = read("WALCL"), read("WTREGEN"), read("RRPONTSYD")
    data = pd.concat({"walcl": walcl, "wtregen": tga, "rrpontsyd": rrp}, axis=1, sort=True).dropna()
    got = evaluate(parse("walcl - wtregen - rrpontsyd", IDS), data, units_of)
    # WALCL and WTREGEN in millions of USD, RRPONTSYD in billions (MANIFEST.md).
    expected = data["walcl"] - data["wtregen"] - 1000 * data["rrpontsyd"]
    assert len(got) > 200
    pd.testing.assert_series_equal(got, expected, check_names=False, rtol=1e-12)


# --------------------------------------------------------------------------- as metrics
def test_a_formula_id_is_a_metric_on_its_slowest_inputs_dates_published_with_its_last_input():
    m = catalog().get("f:WALCL - WTREGEN - RRPONTSYD")
    assert m.id == "f:walcl-wtregen-rrpontsyd" and m.name == "WALCL - WTREGEN - RRPONTSYD"
    assert (m.frequency, m.units, m.change) == ("weekly", "Millions of USD", "diff")
    assert m.release == catalog().get("walcl").release  # Thursday 16:30: Friday's close reacts
    ratio = catalog().get("f:spy/tlt")
    assert (ratio.frequency, ratio.units, ratio.change) == ("daily", "Ratio (dimensionless)", "pct")
    assert ratio.mechanical_link(catalog().get("spy")) == "SPY / TLT is computed from S&P 500 ETF (SPY)"
    with pytest.raises(InvalidFormulaError, match="the units differ"):
        catalog().get("f:spy + dgs10")


def test_the_loader_evaluates_a_formula_on_the_stored_inputs():
    store = Store()
    spy, tlt = synthetic_series("spy", years=2, seed=1), synthetic_series("tlt", years=2, seed=2)
    store.write_series("spy", spy, provenance="live", source="yahoo")
    store.write_series("tlt", tlt, provenance="live", source="yahoo")
    loaded = Loader(store, offline=True).load("f:spy/tlt")
    common = spy.index.intersection(tlt.index)
    pd.testing.assert_series_equal(
        loaded.series, (spy[common] / tlt[common]).rename("f:spy/tlt"), check_names=False, check_freq=False
    )
    assert loaded.provenance == "live" and "computed from spy" in loaded.detail


def test_a_formula_can_carry_a_name_that_is_safe_to_show():
    m = catalog().get("f:Stocks vs bonds = SPY / TLT")
    assert (m.id, m.name, m.formula) == ("f:Stocks vs bonds=spy/tlt", "Stocks vs bonds", "spy/tlt")
    for hostile in ("<b>x</b>=spy", "=spy", "x" * 41 + "=spy", "a_b=spy", "[link](http://x)=spy", "é=spy"):
        with pytest.raises(InvalidFormulaError, match="name is 1 to 40"):
            catalog().get("f:" + hostile)


def test_an_input_that_stops_is_not_carried_past_its_end():
    # Issue 29: a weekly formula over a daily input that stopped ends where that input does.
    store = Store()
    walcl = synthetic_series("walcl", years=2, seed=1)
    tga = synthetic_series("wtregen", years=2, seed=2)
    rrp = synthetic_series("rrpontsyd", years=2, seed=3)
    rrp = rrp[rrp.index <= walcl.index[-10]]  # the reverse repo's file ends ten weeks earlier
    for metric_id, series in (("walcl", walcl), ("wtregen", tga), ("rrpontsyd", rrp)):
        store.write_series(metric_id, series, provenance="live", source="fred")
    loaded = Loader(store, offline=True).load("f:walcl-wtregen-rrpontsyd")
    assert loaded.series.index[-1] <= rrp.index[-1]
    assert loaded.series.index[-1] == walcl.index[walcl.index <= rrp.index[-1]][-1]
