"""The texts of what two catalog domains have in common, read from `domains.toml` and checked: one
entry per unordered pair of the catalog's domains, none missing, none twice."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from .metric import DOMAINS, CatalogError

DOMAIN_TEXTS_PATH = Path(__file__).with_name("domains.toml")


def load_domain_texts(path: Path = DOMAIN_TEXTS_PATH) -> dict[frozenset[str], tuple[str, str]]:
    """{frozenset of one or two domains: (link, divergence)}; CatalogError on a broken rule."""
    with open(path, "rb") as fh:
        entries = tomllib.load(fh).get("pair", [])
    texts: dict[frozenset[str], tuple[str, str]] = {}
    for entry in entries:
        domains, link, divergence = entry.get("domains"), entry.get("link", ""), entry.get("divergence", "")
        if not (isinstance(domains, list) and len(domains) == 2 and set(domains) <= set(DOMAINS)):
            raise CatalogError(f"domain texts: {domains!r} is not two catalog domains")
        key = frozenset(domains)
        if key in texts:
            raise CatalogError(f"domain texts: {sorted(key)} is listed twice")
        if not (str(link).strip() and str(divergence).strip()):
            raise CatalogError(f"domain texts: {sorted(key)} needs a link and a divergence")
        texts[key] = (link, divergence)
    missing = [(a, b) for i, a in enumerate(DOMAINS) for b in DOMAINS[i:] if frozenset((a, b)) not in texts]
    if missing:
        raise CatalogError(f"domain texts: no entry for {missing[:3]}")
    return texts


@lru_cache(maxsize=1)
def domain_texts() -> dict[frozenset[str], tuple[str, str]]:
    """The texts shipped with Convex, read once per process."""
    return load_domain_texts()
