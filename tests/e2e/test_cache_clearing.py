"""A visitor's websocket cannot empty every user's caches (issue 28, 11), on a real `streamlit run`.

Streamlit clears every cache of the process when any client sends `clear_cache`. The observable: a
pair's related ranking, computed in the background on its first view and cached, is shown at once
to every later visitor; after a `clear_cache` from another client it would be computed again and a
new visitor would see "Ranking related pairs…" instead (this server's pages do not wait for a
ranking: CONVEX_RELATED_WAIT_S=0).
"""

from __future__ import annotations

import asyncio
import time

from streamlit.proto.BackMsg_pb2 import BackMsg

from bench.ws_client import WsSession
from tests.e2e.conftest import running_app

LINK = "a=walcl&b=tlt"
RANKING = "Ranking related pairs"


async def _ranking_pending(url: str) -> bool:
    async with WsSession(url, 60) as session:
        outcome = await session.open(LINK)
    assert not outcome.exceptions, outcome.exceptions
    return any(RANKING in text for text in outcome.texts)


async def _still_cached_after_a_clear_cache(url: str) -> bool:
    await _ranking_pending(url)  # the first view starts the ranking in the background
    deadline = time.monotonic() + 60
    while await _ranking_pending(url):
        assert time.monotonic() < deadline, "the related ranking never finished"
        await asyncio.sleep(0.5)
    async with WsSession(url, 60) as visitor:
        await visitor.open(LINK)
        await visitor.socket.send(BackMsg(clear_cache=True).SerializeToString())
        await asyncio.sleep(1.0)  # the server handles the message in its event loop
    return not await _ranking_pending(url)


def test_a_clients_clear_cache_message_leaves_other_users_caches(served_store):
    with running_app(served_store, env={"CONVEX_RELATED_WAIT_S": "0"}) as url:
        assert asyncio.run(_still_cached_after_a_clear_cache(url)), "a client emptied the server's caches"
