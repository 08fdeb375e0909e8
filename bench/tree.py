"""What the pages draw, as text: every element AppTest sees for a set of views, to compare before and
after a speed-up (which must leave the output identical).

    python -m bench.tree --out /tmp/before.txt      # on the old code
    python -m bench.tree --out /tmp/after.txt       # on the new code
    diff /tmp/before.txt /tmp/after.txt

The views run over the bench's synthetic store (fixed seeds, 10 years), offline, each with cold
caches; a view whose related ranking was deferred is dumped as the page redraws it once ready.
Ages ("3 minutes ago"), download buttons' file ids and the temporary store's folder are written as
placeholders: they change from run to run.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

VIEWS = (
    ("pages/compare.py", {}),
    ("pages/compare.py", {"a": "walcl", "b": "tlt", "lookback": "Max"}),
    ("pages/compare.py", {"a": "spy", "b": "tlt", "spread": "Ratio", "view": "Spread", "window": "1Y"}),
    ("pages/compare.py", {"a": "gld", "b": "uup", "transform": "Rebased", "view": "Overlay", "roll": "26"}),
    ("pages/compare.py", {"a": "walcl", "b": "tlt", "view": "Lead-lag", "scenario": "true"}),
    ("pages/compare.py", {"a": "spy", "b": "gld", "view": "Scatter & hedge", "lookback": "1Y"}),
    ("pages/compare.py", {"a": "spy", "b": "tlt", "view": "Rolling correlation", "roll": "63"}),
    (
        "pages/compare.py",
        {"a": "dgs10", "b": "tlt", "view": "Overlay", "dual": "true", "transform": "Change"},
    ),
    (
        "pages/compare.py",
        {"a": "walcl", "b": "spy", "view": "Spread", "spread": "Residual", "lookback": "10Y"},
    ),
    ("pages/compare.py", {"a": "tlt", "b": "spy", "dates": "2020-03-02..2020-06-26"}),
    ("pages/metric.py", {"metric": "tlt"}),
    ("pages/status.py", {}),
)
_AGO = re.compile(r"\d+ (minute|hour|day)s? ago|just now")
_FILE_ID = re.compile(r'deferred_file_id: "[0-9a-f]+"')  # a random id per run
_FOLDER = re.compile(r"/[^ `]*convex-tree-[^/ `]+")  # the temporary store's folder


def _normal(text: str) -> str:
    text = _FILE_ID.sub("deferred_file_id: *", _AGO.sub("N ago", text))
    return _FOLDER.sub("<store folder>", text).replace("\n", " | ")


def dump_view(page: str, params: dict) -> str:
    from streamlit.testing.v1 import AppTest

    from bench.pages import clear_caches

    clear_caches()
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=300)
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    # Every view is dumped as drawn a second time, once background work is done: what a page whose
    # related ranking was deferred shows when it redraws (its section's timer does that in a browser,
    # not in AppTest), and for every other view the same widgets and text as its first run.
    try:
        from convex.ui.analysis import wait_idle
    except ImportError:  # code from before the background work: nothing to wait for
        pass
    else:
        wait_idle()
    at.session_state["_redraw"] = True
    at.run()
    lines = [f"=== {page} {params}"]

    def walk(node, depth: int) -> None:
        proto = getattr(node, "proto", None)
        text = str(proto) if proto is not None else ""
        lines.append("  " * depth + f"{type(node).__name__}: " + _normal(text))
        for child in getattr(node, "children", {}).values():
            walk(child, depth + 1)

    walk(at._tree, 0)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tree")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--years", type=float, default=10)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="convex-tree-") as tmp:
        from bench.data import fill_store, prepare_environment

        prepare_environment(Path(tmp))
        fill_store(Path(tmp), years=args.years, metric_ids=None)
        args.out.write_text("\n".join(dump_view(page, params) for page, params in VIEWS) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
