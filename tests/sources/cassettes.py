"""Response bodies of vcrpy cassettes (YAML) without a YAML library: the recorded `body.string`
values are single-quoted YAML scalars, folded over lines, which this reads by YAML's own rules for
them ('' is a quote, a line break and the next line's indentation are one space, a blank line is a
newline)."""

from __future__ import annotations

import re
from pathlib import Path

_START = re.compile(r"^\s+string: '", re.MULTILINE)


def cassette_bodies(path: Path) -> list[str]:
    """Every recorded response body of the cassette, in order."""
    text = path.read_text()
    bodies = []
    for match in _START.finditer(text):
        i = match.end()
        chunks = []
        while True:
            j = text.index("'", i)
            if text.startswith("''", j):
                chunks.append(text[i:j] + "'")
                i = j + 2
                continue
            chunks.append(text[i:j])
            break
        bodies.append(_fold("".join(chunks)))
    return bodies


def _fold(raw: str) -> str:
    lines = raw.split("\n")
    out = lines[0].rstrip(" ")
    blank = 0
    for line in lines[1:]:
        stripped = line.strip(" ")
        if not stripped:
            blank += 1
            continue
        out += ("\n" * blank if blank else " ") + stripped
        blank = 0
    return out
