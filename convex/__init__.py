"""Convex: compare any two macro or market series.

From Python (see convex/api/python.py): `convex.list_metrics()`, `convex.series("walcl")`,
`convex.compare("walcl", "tlt", lookback="5Y")`, `convex.scenario(...)`, `convex.screen()`.
They load on first use, so `import convex` stays light (no streamlit, statsmodels or altair).
"""

import os

# The numerical kernels here work on matrices of a few thousand rows: a second BLAS thread only
# adds contention (measured: pair statistics 2.5-6x slower on a busy 2-core host). This must run
# before numpy loads, which importing convex does before anything else in the app and the CLI.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

__all__ = ["Comparison", "NoDataError", "ParamError", "Scenario", "compare", "list_metrics", "scenario",
           "screen", "series"]  # fmt: skip


def __getattr__(name: str):
    if name in __all__:
        from convex.api import python

        return getattr(python, name)
    raise AttributeError(f"module 'convex' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
