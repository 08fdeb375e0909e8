"""Names a user gives a series (a formula's name, an uploaded file's name): plain text wherever they
are shown, and never the name of a catalog metric.

A name keeps only ASCII letters, digits, spaces and - . & ( ) ', starting with a letter or a digit:
none of these opens markdown (no brackets for a link or an image, no * _ ` for emphasis, no $ for
LaTeX, no < for HTML, no : for Streamlit's colours and icons, no # for a heading), and "www." is
broken up, because GitHub-flavoured markdown turns a bare www.host into a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

ALLOWED = "letters, digits, spaces and - . & ( ) '"
YOURS = "(your file)"  # marks a file named like a catalog metric
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .&()'-]*", re.ASCII)
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9 .&()'-]+", re.ASCII)
_AUTOLINK = re.compile(r"www\.", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


class Named(Protocol):
    """What a catalog metric is called by (convex.metrics.metric.Metric has these)."""

    id: str
    name: str
    symbol: str


class UnusableName(ValueError):
    """A name a user typed that cannot be used; the message says why (never repeating it)."""


def _key(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def _readings(name: str) -> set[str]:
    """A name and, when it has a parenthesis, what is before it and inside it ("Fed Balance Sheet
    (WALCL)" reads as both), compared without case or extra spaces."""
    readings = {name}
    if "(" in name:
        before, _, inside = name.partition("(")
        readings |= {before, inside.split(")", 1)[0]}
    return {_key(r) for r in readings if r.strip()}


def taken_names(metrics: Iterable[Named]) -> frozenset[str]:
    """What catalog metrics are called anywhere (name, the name before or inside its parenthesis,
    symbol, id): a user's series must not read as one of them."""
    return frozenset(k for m in metrics for text in (m.name, m.symbol, m.id) for k in _readings(text))


def _taken(name: str, taken: frozenset[str]) -> bool:
    return bool(_readings(name) & taken)


def check_name(name: str, taken: frozenset[str], *, limit: int) -> str:
    """A name as typed, if it is one (see the module's rule) and no catalog metric's; UnusableName."""
    if not (_NAME.fullmatch(name) and len(name) <= limit) or _AUTOLINK.search(name):
        raise UnusableName(
            f"A name is 1 to {limit} {ALLOWED}, starting with a letter or a digit, and not a web address."
        )
    if _taken(name, taken):
        raise UnusableName("That name belongs to a Convex catalog metric: choose another.")
    return name


def plain_name(text: str, taken: frozenset[str], *, limit: int, fallback: str) -> str:
    """A name made of any text (a file's name): every run of other characters becomes a space,
    "www." is broken up, it is cut to `limit` and starts and ends with a letter or a digit; one
    that names a catalog metric is marked as the user's ("... (your file)")."""
    name = _SPACES.sub(" ", _NOT_ALLOWED.sub(" ", _AUTOLINK.sub("www ", text or "")))
    name = re.sub(r"^[^A-Za-z0-9]+|[^A-Za-z0-9)]+$", "", name[:limit])
    if not name:
        return fallback
    if _taken(name, taken) and not name.endswith(YOURS):
        name = f"{name[: limit - len(YOURS) - 1].rstrip()} {YOURS}"
    return name
