"""A loopback HTTP server that plays queued replies per path, records requests, and misbehaves
on demand (hang, truncate, drop); plus fast, sleep-free HTTP clients."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from convex.sources.http import HttpClient, RateLimiter


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    mode: str = "normal"  # normal | hang (never answers in time) | truncate (body cut short) | drop

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass
class Recorded:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


class FakeServer:
    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[Recorded] = []
        self.release = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                with server._lock:
                    server.requests.append(Recorded(parts.path, query, dict(self.headers.items())))
                    queue = server.routes.get(parts.path)
                    if not queue:
                        reply = Reply(404, "no route in the fake server")
                    else:
                        reply = queue.pop(0) if len(queue) > 1 else queue[0]  # the last reply repeats
                if reply.mode == "drop":
                    self.close_connection = True
                    return
                if reply.mode == "hang":
                    server.release.wait(10)
                body = reply.payload()
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2] if reply.mode == "truncate" else body)
                    self.wfile.flush()
                except OSError:
                    pass  # the client gave up (timeout): nothing to answer
                self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01})
        self.thread.daemon = True
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def reply(self, path: str, status: int = 200, body: bytes | str = b"", headers=None, mode="normal"):
        """Queue one reply for `path`; the last queued reply repeats for later requests."""
        with self._lock:
            self.routes.setdefault(path, []).append(Reply(status, body, dict(headers or {}), mode))
        return self

    def count(self, path: str | None = None) -> int:
        return sum(1 for r in self.requests if path is None or r.path == path)

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    fake = FakeServer()
    yield fake
    fake.close()


@pytest.fixture
def refused_url() -> str:
    """A loopback URL where nothing listens: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def sleeps() -> list[float]:
    """Waits the retry policy asked for (nothing really sleeps)."""
    return []


def make_client(sleeps: list[float], *, timeout: float = 0.25, attempts: int = 3, **kwargs) -> HttpClient:
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment for loopback
    return HttpClient(
        timeout=timeout,
        max_attempts=attempts,
        backoff_base=0.0,
        session=session,
        sleep=sleeps.append,
        **kwargs,
    )


@pytest.fixture
def http(sleeps) -> HttpClient:
    return make_client(sleeps)


@pytest.fixture
def no_limit() -> RateLimiter:
    return RateLimiter(0.0)
