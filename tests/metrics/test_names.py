"""Names users give their series are plain text and never a catalog metric's (issue 28, 1 and 13)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convex.metrics.catalog import catalog
from convex.metrics.metric import InvalidFormulaError
from convex.metrics.names import UnusableName, check_name, plain_name

HOSTILE = "![t](https:evil.example)[Verify your account](https:evil.example)"
# Nothing markdown, Streamlit or GitHub-flavoured autolinks would read as markup.
INERT = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .&()'-]*")


def test_a_file_name_in_markdown_becomes_plain_words():
    name = plain_name(HOSTILE, catalog().taken_names, limit=80, fallback="upload")
    assert INERT.fullmatch(name) and not re.search(r"[\[\]!:*_`$<>#|~]", name)
    assert name == "t (https evil.example) Verify your account (https evil.example)"


@given(st.text(max_size=200))
def test_any_text_gives_an_inert_name_within_its_limit(text):
    name = plain_name(text, catalog().taken_names, limit=80, fallback="upload")
    assert INERT.fullmatch(name) and len(name) <= 80
    assert "www." not in name.lower()  # a bare www.host would be autolinked
    assert plain_name(name, catalog().taken_names, limit=80, fallback="upload") == name  # stored, read again


@pytest.mark.parametrize("name", ["Fed Balance Sheet (WALCL)", "fed  balance sheet", "TLT", "walcl", "VIX"])
def test_a_user_name_never_takes_a_catalog_metrics_name(name):
    with pytest.raises(UnusableName, match="belongs to a Convex catalog metric"):
        check_name(name, catalog().taken_names, limit=40)
    marked = plain_name(name, catalog().taken_names, limit=80, fallback="upload")
    assert marked.endswith("(your file)")


@pytest.mark.parametrize("name", ["www.evil.example", "a[b](c)", "x*y*", "Verify: now", "$x$", "#1"])
def test_names_that_could_be_markup_are_refused(name):
    with pytest.raises(UnusableName):
        check_name(name, frozenset(), limit=40)


def test_a_formula_cannot_take_a_catalog_title():
    with pytest.raises(InvalidFormulaError, match="belongs to a Convex catalog metric"):
        catalog().get("f:Fed Balance Sheet (WALCL)=spy*0+1000")
    assert catalog().get("f:Stocks vs bonds=spy/tlt").name == "Stocks vs bonds"
