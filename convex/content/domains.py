"""What two domains have in common: one template per unordered pair of catalog domains.

Every pair of the 12 domains (66 cross-domain pairs and 12 same-domain pairs) has its own text, kept
as data in `convex/metrics/domains.toml`: `link` says what connects them, `divergence` what usually
drives them apart. The texts carry no placeholders and no measured numbers; the measured figures
come from the pair's statistics.
A generic fallback exists only for a domain the catalog does not know yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from convex.metrics.domain_texts import domain_texts
from convex.metrics.metric import DOMAINS, USER_DOMAINS


@dataclass(frozen=True)
class DomainLink:
    domains: frozenset[str]
    link: str
    divergence: str
    generic: bool = False


# The texts are data (convex/metrics/domains.toml), read once at import as the code itself is.
DOMAIN_LINKS: Mapping[frozenset[str], DomainLink] = MappingProxyType(
    {pair: DomainLink(pair, link, divergence) for pair, (link, divergence) in domain_texts().items()}
)

# Deliberately generic pairs: none. Every pair of the 12 domains has its own text; this fallback
# only covers a domain that is added to the catalog before it gets a template.
GENERIC_DOMAIN_PAIRS: frozenset[frozenset[str]] = frozenset()


def domain_link(domain_a: str, domain_b: str) -> DomainLink:
    """The template for two domains, in either order; a generic one for an unknown domain."""
    key = frozenset((domain_a, domain_b))
    found = DOMAIN_LINKS.get(key)
    if found is not None:
        return found
    if key & set(USER_DOMAINS):
        # A series the user wrote or uploaded: Convex knows its numbers, not what drives it.
        return DomainLink(
            key,
            "One of the two is your own series: Convex knows its numbers, not what drives it.",
            "What makes them diverge is for you to say; the statistics below say only how they have moved.",
            generic=True,
        )
    if domain_a == domain_b:
        link = f"Both are {domain_a.lower()} series, so they share the forces that drive that market."
    else:
        link = (
            f"{domain_a} and {domain_b} connect mainly through the economy-wide forces of growth, "
            "inflation, interest rates and risk appetite."
        )
    return DomainLink(
        key,
        link,
        "Each also has drivers of its own, so how closely they move is a question for the data below.",
        generic=True,
    )


def all_domain_pairs() -> list[frozenset[str]]:
    """Every unordered pair of catalog domains, same-domain pairs included (78 for 12 domains)."""
    return [frozenset((first, second)) for i, first in enumerate(DOMAINS) for second in DOMAINS[i:]]
