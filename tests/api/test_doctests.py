"""The Python API's documented examples run, as doctests, on a store holding the offline samples (the
real data the `arch` and `statsmodels` packages ship): a figure in a docstring that drifts fails here."""

from __future__ import annotations

import doctest

import convex
from convex.api import python
from convex.data.loader import Loader
from convex.store import Store


def test_the_python_api_examples_hold_on_the_offline_samples():
    Loader(Store(), offline=True).seed_samples()
    result = doctest.testmod(python, extraglobs={"convex": convex}, optionflags=doctest.ELLIPSIS, report=True)
    assert result.failed == 0
    # Every public function has examples: the catalog, a series, a pair, a scenario and the screen.
    examples = doctest.DocTestFinder().find(python, globs={"convex": convex})
    documented = {t.name.rsplit(".", 1)[-1] for t in examples if t.examples}
    assert {"list_metrics", "series", "compare", "scenario", "screen"} <= documented
    assert result.attempted >= 20
