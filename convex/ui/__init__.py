"""The streamlit helpers the pages share; with its submodules, the only part of `convex/` that
imports streamlit.

runs: page runs; store_guard: the store's trouble said on every page; secrets: keys into the
environment; data: the store and cached loads; url: the URL as state; pickers: metric pickers;
elements: what several pages draw alike. Each page's own panels are modules of their own
(analysis, pair_charts, pair_panel, scenario_panel, ...).
"""

import gc

from .caches import clear_caches
from .data import get_loader, get_store, metric, pairs_with_data, try_load
from .elements import (
    STATS_WINDOWS,
    chart,
    close_sidebar_after_changes_on_narrow_screens,
    data_origin,
    footer,
    freshness_badges,
    freshness_caption,
    freshness_of,
    humanize_age,
    lookback_start,
    metric_stats_panel,
    pair_content_sections,
    provenance_badge,
)
from .pickers import (
    describe_metric,
    metric_label,
    metric_options,
    metric_picker,
    pair_label,
    sync_choice_with_url,
    write_choice_to_url,
)
from .runs import ensure_app_navigation, page_run
from .secrets import apply_secrets
from .store_guard import run_page
from .url import check_url, share_api, share_url, view_notices

# The modules imported above (streamlit, pandas, statsmodels, altair: about 200,000 objects) live as
# long as the server, and a full garbage collection walked them all: about 100 ms each. Frozen
# (once, at first import), they are out of the collector's sight; what reruns create is still
# collected.
gc.freeze()

# fmt: off
__all__ = [
    "STATS_WINDOWS", "apply_secrets", "chart", "check_url", "clear_caches",
    "close_sidebar_after_changes_on_narrow_screens", "data_origin",
    "describe_metric", "ensure_app_navigation", "footer", "freshness_badges", "freshness_caption",
    "freshness_of", "get_loader", "get_store", "humanize_age", "lookback_start", "metric", "metric_label",
    "metric_options", "metric_picker", "metric_stats_panel", "page_run", "pair_content_sections",
    "pair_label", "pairs_with_data", "provenance_badge", "run_page", "share_api", "share_url",
    "sync_choice_with_url", "try_load", "view_notices", "write_choice_to_url",
]
# fmt: on
