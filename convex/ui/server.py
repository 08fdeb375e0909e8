"""What this process's Streamlit server does for every session, set once from app.py: a client cannot
clear every cache, and the digest's feed exists from the first start.

Streamlit honours a `clear_cache` message from any websocket client by clearing every cache of the
process (`AppSession._handle_clear_cache_request` in streamlit/runtime/app_session.py, 1.67): any
visitor could empty every other user's cached data and analysis, as often as they like. No setting
turns it off, so the handler is replaced by one that clears only the asking session's own state (what
the developer menu's "Clear cache" would leave a single visitor with) and logs the request. Convex's
caches are keyed by the store's version and expire by themselves; an operator clears them by
restarting the app, and a refresh from the status page clears them as it always has.
"""

from __future__ import annotations

import logging
from pathlib import Path

from streamlit.runtime.app_session import AppSession

log = logging.getLogger("convex.ui.server")


def _clear_own_state_only(self: AppSession) -> None:
    log.warning("a client asked to clear every cache; only its own session state was cleared")
    self._session_state.clear()


_clear_own_state_only.convex = True  # type: ignore[attr-defined]  (marks the replacement)


def refuse_client_cache_clearing() -> None:
    """Make a client's `clear_cache` message clear only that client's session state (idempotent)."""
    if not getattr(AppSession._handle_clear_cache_request, "convex", False):
        AppSession._handle_clear_cache_request = _clear_own_state_only  # type: ignore[method-assign]


def ensure_digest_feed(static_dir: Path) -> None:
    """The digest's Atom feed exists from the first start (an empty, valid feed until `convex digest
    --atom` writes one), so the address the README and the signup box give never answers 404. A
    folder this process cannot write is left alone: the operator's cron writes the feed there."""
    feed = static_dir / "digest.atom"
    if feed.exists():
        return
    from ..jobs.digest import atom_feed, base_url

    try:
        static_dir.mkdir(exist_ok=True)
        feed.write_text(atom_feed([], base_url()))
    except OSError as exc:
        log.warning("cannot write an empty digest feed at %s: %s", feed, exc.strerror or exc)
