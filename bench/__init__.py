"""Convex benchmarks: our code against a bare baseline, measured side by side in one run.

`python -m bench` prints a table and writes `bench/results/latest.json`; `--quick` runs every row
once on small data (CI: exit 0 unless a row raised); `--only NAME` runs matching rows; `--json PATH`
chooses the output. Speed is judged by the ratio to the baseline measured in the same run on the same
machine, never by absolute times in tests. See bench/README.md.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
BASELINE_APP = Path(__file__).resolve().parent / "baseline_app.py"
RESULTS = Path(__file__).resolve().parent / "results"
