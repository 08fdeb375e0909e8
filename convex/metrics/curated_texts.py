"""The hand-written notes for pairs people watch, read from `curated.toml` and checked: no pair twice
or with itself, a sign of +1 or -1 where given, a leader from its pair (tests check the ids against
the catalog)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from pathlib import Path

from .metric import CatalogError

CURATED_TEXTS_PATH = Path(__file__).with_name("curated.toml")


@dataclass(frozen=True)
class CuratedNote:
    ids: frozenset[str]
    note: str  # the usual view of what links them
    divergence: str  # the usual view of what drives them apart
    expected_sign: int | None = None  # the usual sign of the correlation of changes, if it has one
    leader: str | None = None  # the id the usual view has moving first, if it says so


def load_curated_texts(path: Path = CURATED_TEXTS_PATH) -> dict[frozenset[str], CuratedNote]:
    """{frozenset of two ids: CuratedNote}; CatalogError on a broken rule."""
    with open(path, "rb") as fh:
        entries = tomllib.load(fh).get("note", [])
    notes: dict[frozenset[str], CuratedNote] = {}
    for entry in entries:
        first, second = entry.get("first", []), entry.get("second", [])
        note, divergence = str(entry.get("note", "")).strip(), str(entry.get("divergence", "")).strip()
        sign, leader = entry.get("sign"), entry.get("leader")
        where = f"curated notes: {first} / {second}"
        if not (first and second and note and divergence):
            raise CatalogError(f"{where} need ids on both sides, a note and a divergence")
        if sign not in (None, 1, -1):
            raise CatalogError(f"{where}: sign {sign!r} is not 1 or -1")
        if leader is not None and leader not in first and leader not in second:
            raise CatalogError(f"{where}: leader {leader!r} is not one of the pair")
        for a, b in product(first, second):
            key = frozenset((a, b))
            if len(key) != 2 or key in notes:
                raise CatalogError(
                    f"curated note for {sorted(key)} is repeated or pairs a metric with itself"
                )
            notes[key] = CuratedNote(key, note, divergence, sign, leader)
    return notes


@lru_cache(maxsize=1)
def curated_texts() -> dict[frozenset[str], CuratedNote]:
    """The notes shipped with Convex, read once per process."""
    return load_curated_texts()
