"""Curated notes for watched pairs, in either order, and a template for every pair of domains."""

from __future__ import annotations

import itertools

import pytest

from convex.content import (
    CURATED_NOTES,
    DOMAIN_LINKS,
    GENERIC_DOMAIN_PAIRS,
    all_domain_pairs,
    curated_note,
    domain_link,
    pair_content,
)
from convex.metrics.catalog import catalog
from convex.metrics.metric import DOMAINS
from tests.content.synthetic import combo_report

CAT = catalog()

# The pairs the issue names, plus the ones markets people watch most.
WATCHED = [
    ("walcl", "tlt"),
    ("dgs10", "tlt"),
    ("vix", "spy"),
    ("vix", "spx"),
    ("bamlh0a0hym2", "spy"),
    ("uup", "gld"),
    ("dxy", "gld"),
    ("dtwexbgs", "gld"),
    ("btc", "m2sl"),
    ("dcoilwtico", "cpiaucsl"),
    ("net_liquidity", "qqq"),
    ("t10y2y", "unrate"),
    ("dgs10", "mortgage30us"),
    ("dfii10", "gld"),
    ("hyg", "bamlh0a0hym2"),
    ("dgs2", "dff"),
    ("copper", "dgs10"),
    ("vix", "bamlh0a0hym2"),
    ("btc", "qqq"),
    ("spy", "tlt"),
    ("dexjpus", "dgs10"),
    ("dxy", "dexuseu"),
]

# Domain pairs people watch: each must have its own text, never the generic fallback.
WATCHED_DOMAINS = [
    ("Liquidity", "Bonds & Duration"),
    ("Liquidity", "Equities"),
    ("Liquidity", "Crypto"),
    ("Rates", "Bonds & Duration"),
    ("Rates", "FX"),
    ("Rates", "Housing"),
    ("Volatility", "Equities"),
    ("Credit", "Equities"),
    ("Credit", "Volatility"),
    ("Commodities", "Inflation"),
    ("Commodities", "FX"),
    ("FX", "Equities"),
    ("FX", "Crypto"),
    ("Inflation", "Rates"),
    ("Growth & Labor", "Equities"),
    ("Growth & Labor", "Rates"),
    ("Crypto", "Equities"),
    ("Housing", "Rates"),
]


def test_at_least_fifteen_distinct_curated_notes():
    assert len({note.note for note in CURATED_NOTES.values()}) >= 15
    assert len(CURATED_NOTES) >= 15


def test_every_curated_pair_names_catalog_metrics():
    for key in CURATED_NOTES:
        assert len(key) == 2
        for metric_id in key:
            assert metric_id in CAT, metric_id


@pytest.mark.parametrize(("a", "b"), WATCHED, ids=lambda x: x if isinstance(x, str) else None)
def test_watched_pair_has_a_note_in_both_orders(a, b):
    note = curated_note(a, b)
    assert note is not None
    assert curated_note(b, a) is note
    for first, second in ((a, b), (b, a)):
        ma, mb = CAT.get(first), CAT.get(second)
        content = pair_content(ma, mb, combo_report(ma.frequency, ma.change, mb.frequency, mb.change))
        assert content.curated
        # Said once, as the usual view with what the window says of it (issue 31).
        thesis = next(i.answer for i in content.faq if i.question.startswith("What links"))
        assert thesis.startswith("The usual view: " + note.note.replace("$", "\\$"))
        assert any(v in thesis for v in ("Borne out", "Not borne out", "Contradicted", "Not testable here"))
        assert note.note.replace("$", "\\$") not in content.why_it_matters
        drivers = next(i.answer for i in content.faq if i.question.startswith("What drives divergence"))
        usual = "The usual view of what drives them apart: " + note.divergence.replace("$", "\\$")
        assert drivers.startswith(usual)


def test_curated_notes_carry_no_measured_numbers_or_placeholders():
    for note in CURATED_NOTES.values():
        for text in (note.note, note.divergence):
            assert "{" not in text and "}" not in text
            assert "n=" not in text and "$" not in text
        assert note.expected_sign in (-1, 1, None)


def test_every_domain_pair_has_a_template_or_the_deliberate_fallback():
    pairs = all_domain_pairs()
    assert len(pairs) == len(DOMAINS) * (len(DOMAINS) + 1) // 2 == 78
    for key in pairs:
        assert key in DOMAIN_LINKS or key in GENERIC_DOMAIN_PAIRS, sorted(key)
    assert set(DOMAIN_LINKS) <= set(pairs), "a template names a domain that is not in the catalog"
    assert not GENERIC_DOMAIN_PAIRS, "every domain pair currently has its own text"


def test_domain_templates_apply_in_either_order_and_are_distinct():
    for first, second in itertools.product(DOMAINS, repeat=2):
        link = domain_link(first, second)
        assert link is domain_link(second, first)
        assert not link.generic
        assert link.link.strip() and link.divergence.strip()
        assert "{" not in link.link + link.divergence and "$" not in link.link + link.divergence
    texts = [link.link for link in DOMAIN_LINKS.values()]
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize(("first", "second"), WATCHED_DOMAINS)
def test_watched_domain_pairs_have_specific_text(first, second):
    assert frozenset((first, second)) in DOMAIN_LINKS
    assert not domain_link(first, second).generic


def test_unknown_domain_falls_back_to_generic_text():
    link = domain_link("Rates", "Weather")
    assert link.generic and "Rates" in link.link


def test_the_curated_file_refuses_a_bad_sign_a_stranger_leader_and_a_repeat(tmp_path):
    from convex.metrics.curated_texts import load_curated_texts
    from convex.metrics.metric import CatalogError

    entry = 'first = ["spy"]\nsecond = ["tlt"]\nnote = "n"\ndivergence = "d"\n'
    for extra, message in (
        ("sign = 2\n", "is not 1 or -1"),
        ('leader = "gld"\n', "is not one of the pair"),
        ("[[note]]\n" + entry, "is repeated"),
    ):
        path = tmp_path / "curated.toml"
        path.write_text("[[note]]\n" + entry + extra)
        with pytest.raises(CatalogError, match=message):
            load_curated_texts(path)
    path.write_text("[[note]]\n" + entry + 'leader = "spy"\nsign = -1\n')
    (note,) = load_curated_texts(path).values()
    assert (note.leader, note.expected_sign, note.ids) == ("spy", -1, frozenset({"spy", "tlt"}))
    assert all(n.leader in n.ids for n in CURATED_NOTES.values() if n.leader)
