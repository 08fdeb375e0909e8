"""Pair content: text about two catalog metrics that is specific to the pair and true to its data.

Pure functions over catalog metrics and analytics results: no Streamlit, no I/O, no clock.

* `pair_content(a, b, report)`: why-it-matters, cross-asset summary and FAQ (markdown).
* `related_pairs(...)`, `strongest_relationships(...)`: rankings by correlation of changes.
"""

from convex.content.claims import HEDGE_EFFECTIVE, HEDGE_PARTIAL, SIGNIFICANCE
from convex.content.curated import CURATED_NOTES, CuratedNote, curated_note
from convex.content.domains import (
    DOMAIN_LINKS,
    GENERIC_DOMAIN_PAIRS,
    DomainLink,
    all_domain_pairs,
    domain_link,
)
from convex.content.pair import FaqItem, PairContent, pair_content
from convex.content.related import (
    CandidateSeries,
    RelatedPair,
    Relationship,
    changes_correlation,
    related_pairs,
    strongest_relationships,
)
from convex.content.words import lookback_words, short_name

__all__ = [
    "CURATED_NOTES",
    "DOMAIN_LINKS",
    "GENERIC_DOMAIN_PAIRS",
    "HEDGE_EFFECTIVE",
    "HEDGE_PARTIAL",
    "SIGNIFICANCE",
    "CandidateSeries",
    "CuratedNote",
    "DomainLink",
    "FaqItem",
    "PairContent",
    "RelatedPair",
    "Relationship",
    "all_domain_pairs",
    "changes_correlation",
    "curated_note",
    "domain_link",
    "lookback_words",
    "pair_content",
    "related_pairs",
    "short_name",
    "strongest_relationships",
]
