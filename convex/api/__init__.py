"""Convex for other programs: the Python API (python.py, re-exported by `convex`) and the read-only
JSON API the app serves beside its pages (http.py, mounted by serve.py), both computing through
views.py, the one place a pair, a scenario or the screen is computed and turned into JSON (the
command line's `--json` too). params.py reads what callers ask for, strictly; ratelimit.py and
openapi.py serve the HTTP API."""
