"""Notes for specific pairs people watch, written by hand and kept as data (convex/metrics/curated.toml).
Each applies in either order.

A note is the usual view, never a finding: `expected_sign` (the usual sign of the correlation of
changes) and `leader` (the metric the view has moving first) are what the window's figures test it
against (claims.thesis_verdict).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from convex.metrics.curated_texts import CuratedNote, curated_texts

CURATED_NOTES: Mapping[frozenset[str], CuratedNote] = MappingProxyType(curated_texts())


def curated_note(a_id: str, b_id: str) -> CuratedNote | None:
    """The hand-written note for this pair, in either order, if there is one."""
    return CURATED_NOTES.get(frozenset((a_id, b_id)))
