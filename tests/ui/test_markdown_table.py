"""Plain tables drawn as one Markdown text: read back by a CommonMark parser with GitHub's tables, every
cell holds its own text, whatever a name from a link or an upload brings (pipes, backslashes, "$",
tags, line breaks)."""

from __future__ import annotations

import html
import re

import pandas as pd
from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from convex.content.words import md
from convex.ui.elements import markdown_table

PARSER = MarkdownIt("commonmark").enable("table")
CELL = re.compile(r"<t[hd]>(.*?)</t[hd]>", re.S)


def cells(text: str) -> list[list[str]]:
    rendered = PARSER.render(text)
    assert rendered.startswith("<table>"), rendered
    rows = re.findall(r"<tr>(.*?)</tr>", rendered, re.S)
    return [[html.unescape(c) for c in CELL.findall(row)] for row in rows]


def test_a_table_is_its_header_and_rows_cell_by_cell():
    frame = pd.DataFrame({"Statistic": ["Latest", "Mean"], "Value": ["$116.50M on 2026-11-18", "1.2 | 3"]})
    assert cells(markdown_table(frame)) == [
        ["Statistic", "Value"],
        ["Latest", "$116.50M on 2026-11-18"],
        ["Mean", "1.2 | 3"],
    ]


def test_a_markdown_link_in_a_cell_stays_a_link():
    frame = pd.DataFrame({"Open": ["[Episode](./?a=walcl&b=tlt&dates=2020-01-01..2020-06-30)"]})
    assert '<a href="./?a=walcl&amp;b=tlt&amp;dates=2020-01-01..2020-06-30">Episode</a>' in PARSER.render(
        markdown_table(frame)
    )


# Text of the kinds a name or a value can bring. Cells are Markdown (as st.table's were): its
# emphasis, code spans and backslash escapes apply, so the text read back is checked without them.
PLAIN = "ab1 |$<>/\n\t&#;"
TEXT = st.text(alphabet=st.sampled_from(list(PLAIN)), max_size=12)
ANY = st.text(alphabet=st.sampled_from([*PLAIN, "\\", "*", "`", "[", "]", "(", ")"]), max_size=12)


def table_of(rows, left, right) -> tuple[pd.DataFrame, list[list[str]]]:
    frame = pd.DataFrame(rows, columns=[left, f"{right} "])
    return frame, cells(markdown_table(frame))


@given(st.lists(st.tuples(ANY, ANY), min_size=1, max_size=4), ANY, ANY)
def test_any_text_keeps_the_table_s_shape(rows, left, right):
    _, read = table_of(rows, left, right)
    assert len(read) == len(rows) + 1 and all(len(row) == 2 for row in read)


@given(st.lists(st.tuples(ANY, ANY), min_size=1, max_size=4), ANY)
@example(rows=[("\\\\$1 and \\\\$2", "x")], name="a\\$")  # a backslash of the text before a "$"
def test_no_cell_can_open_latex_or_a_tag(rows, name):
    # Streamlit's Markdown reads $...$ as LaTeX and lets no tag through; CommonMark (above) knows
    # neither, so the text itself is checked: every "$" escaped, no "<" that could start a tag.
    text = markdown_table(pd.DataFrame(rows, columns=[name, "<b>$x$</b>"]))
    escaped = [len(run) % 2 == 1 for run in re.findall(r"(\\*)\$", text)]
    assert all(escaped) and not re.search(r"<[A-Za-z/!?]", text)


@given(st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=4), TEXT, TEXT)
def test_plain_text_reads_as_itself_on_one_line(rows, left, right):
    frame, read = table_of(rows, left, right)
    expected = [list(frame.columns), *map(list, rows)]
    assert read == [[" ".join(str(w).split()) for w in want] for want in expected]


@given(ANY)
def test_text_made_safe_stays_as_it_is_when_made_safe_again(text):
    assert md(md(text)) == md(text)
