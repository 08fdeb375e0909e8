"""Test-only start-up of the `python -m convex` / `streamlit run` child processes that tests and the
load test start (this folder goes first on their PYTHONPATH; product code is not changed):

- every non-loopback connection is refused (tests/netguard.py);
- CONVEX_TEST_FRED_CSV_URL points FRED's keyless CSV download (and ALFRED's keyless vintage CSV,
  which a refresh asks for new vintages) at a loopback server;
- CONVEX_TEST_SYNTHETIC_ROWS swaps every source for tests.fakes.SyntheticSource, with that many rows
  (CONVEX_TEST_SYNTHETIC_GENERATION: which version of the data; CONVEX_TEST_SYNTHETIC_DELAY: seconds
  each fetch takes; CONVEX_TEST_FETCH_LOG: a file where each fetch appends one line as it starts).
"""

import functools
import os

from tests import netguard

netguard.install()

if os.environ.get("CONVEX_TEST_FRED_CSV_URL"):
    from convex.sources import fred

    fred.FredSource.__init__.__kwdefaults__["csv_url"] = os.environ["CONVEX_TEST_FRED_CSV_URL"]
    fred.FredSource.__init__.__kwdefaults__["alfred_url"] = os.environ["CONVEX_TEST_FRED_CSV_URL"]

if os.environ.get("CONVEX_TEST_SYNTHETIC_ROWS"):
    from convex import sources
    from tests.fakes import SyntheticSource

    for _name in list(sources.SOURCE_CLASSES):
        sources.SOURCE_CLASSES[_name] = functools.partial(
            SyntheticSource,
            _name,
            rows=int(os.environ["CONVEX_TEST_SYNTHETIC_ROWS"]),
            generation=int(os.environ.get("CONVEX_TEST_SYNTHETIC_GENERATION", "1")),
            delay=float(os.environ.get("CONVEX_TEST_SYNTHETIC_DELAY", "0")),
            log=os.environ.get("CONVEX_TEST_FETCH_LOG"),
        )
