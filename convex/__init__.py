"""Convex: compare any two macro or market series."""

import os

# The numerical kernels here work on matrices of a few thousand rows: a second BLAS thread only
# adds contention (measured: pair statistics 2.5-6x slower on a busy 2-core host). This must run
# before numpy loads, which importing convex does before anything else in the app and the CLI.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
