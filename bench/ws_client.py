"""A Streamlit websocket client: what a browser tab says to the server, without the browser.

It speaks Streamlit's own protocol (BackMsg/ForwardMsg protobufs on /_stcore/stream): a rerun with
the page's query string opens a link, a rerun carrying one widget's new value is an interaction.
A run is timed from sending the BackMsg to the server's `script_finished` for a run that was not
cut short by st.rerun: every delta of the page has been sent by then. Drawing is the browser's
work and is not in these figures (bench/load.py's browser mode measures it end to end).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

DONE = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
ERROR_ALERT = 1  # Alert.Format.ERROR


@dataclass
class RunOutcome:
    """What one script run sent back."""

    seconds: float
    headings: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # markdown, captions and code blocks
    exceptions: list[str] = field(default_factory=list)
    error_alerts: list[str] = field(default_factory=list)


def _page_cookies(url: str, timeout_s: float) -> dict[str, str]:
    import requests

    return requests.get(f"{url}/", timeout=timeout_s).cookies.get_dict()


class WsSession:
    """One browser tab's session on a running Convex server."""

    def __init__(self, url: str, timeout_s: float) -> None:
        self.ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.origin = url
        self.timeout_s = timeout_s
        self.query_string = ""
        self.page_script_hash = ""
        self.widget_ids: dict[str, str] = {}  # user key -> widget id, as the page last drew them
        self.socket = None

    async def __aenter__(self) -> WsSession:
        # As a browser does: load the page first and keep its cookies for the websocket (a proxy with
        # sticky sessions routes the session by them).
        cookies = await asyncio.to_thread(_page_cookies, self.origin, self.timeout_s)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else None
        self.socket = await websockets.connect(
            self.ws_url,
            subprotocols=["streamlit"],
            origin=self.origin,
            max_size=None,
            additional_headers=headers,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.socket.close()

    async def open(self, query_string: str) -> RunOutcome:
        self.query_string = query_string
        return await self._run([])

    async def set_widget(self, key: str, url_value: str | None = None, **value) -> RunOutcome:
        """Send one widget's new value, e.g. `set_widget("lookback", "5Y", string_array_value=["5Y"])`.

        `url_value`: for a widget bound to the URL, the frontend writes its new value into the
        address bar itself, and the next run's query string carries it; so does this client.
        """
        if url_value is not None:
            query = parse_qs(self.query_string, keep_blank_values=True)
            query[key] = [url_value]
            self.query_string = urlencode(query, doseq=True)
        state = WidgetState(id=self.widget_ids[key])
        for name, item in value.items():
            target = getattr(state, name)
            if hasattr(target, "data"):
                target.data.extend(item)
            else:
                setattr(state, name, item)
        return await self._run([state])

    async def _run(self, widgets: list[WidgetState]) -> RunOutcome:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_script_hash
        state.widget_states.widgets.extend(widgets)
        started = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        outcome = RunOutcome(seconds=0.0)
        while True:
            raw = await _receive(self.socket, started + self.timeout_s - time.perf_counter())
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                self.page_script_hash = forward.new_session.page_script_hash
                outcome = RunOutcome(seconds=0.0)  # a new run: only its elements count
            elif kind == "page_info_changed":
                self.query_string = forward.page_info_changed.query_string
            elif kind == "delta":
                self._read_delta(forward.delta, outcome)
            elif kind == "script_finished" and forward.script_finished == DONE:
                outcome.seconds = time.perf_counter() - started
                return outcome

    def _read_delta(self, delta, outcome: RunOutcome) -> None:
        which = delta.WhichOneof("type")
        if which == "add_block" and delta.add_block.WhichOneof("type") == "tab_container":
            self._remember(delta.add_block.tab_container.id)
        elif which == "new_element":
            element = delta.new_element
            kind = element.WhichOneof("type")
            inner = getattr(element, kind) if kind else None
            if kind == "heading":
                outcome.headings.append(inner.body)
            elif kind == "markdown":
                outcome.texts.append(inner.body)
            elif kind == "code":
                outcome.texts.append(inner.code_text)
            elif kind == "exception":
                outcome.exceptions.append(f"{inner.type}: {inner.message}"[:300])
            elif kind == "alert" and inner.format == ERROR_ALERT:
                outcome.error_alerts.append(inner.body[:300])
            elif inner is not None and getattr(inner, "id", ""):
                self._remember(inner.id)

    def _remember(self, widget_id: str) -> None:
        # Streamlit's id of a keyed widget ends with "-<key>"; Convex's keys hold no "-".
        if widget_id:
            self.widget_ids[widget_id.rsplit("-", 1)[-1]] = widget_id


async def _receive(socket, seconds_left: float) -> bytes:
    if seconds_left <= 0:
        raise TimeoutError("no answer in time")
    return await asyncio.wait_for(socket.recv(), timeout=seconds_left)
