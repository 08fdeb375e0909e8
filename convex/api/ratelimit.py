"""How often one client may call the HTTP API: a token bucket per client address, in memory.

Each client starts with `burst` tokens; a request takes one, and tokens come back at `per_minute`
a minute up to `burst`. With the defaults (60 a minute, bursts of 30) a script may ask 30 questions
at once and then one a second, for as long as it likes. A client with no token left is answered 429
with how many seconds until its next token (Retry-After).

The buckets live in this process (one replica's clients; behind a proxy that spreads them over
replicas, each replica counts its own) and at most `max_clients` are kept, the least recently seen
dropped first (a dropped client starts again with a full bucket). Configured by environment:
`CONVEX_API_RATE_PER_MINUTE`, `CONVEX_API_BURST`.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from .settings import env_number

DEFAULT_PER_MINUTE = 60.0
DEFAULT_BURST = 30
MAX_CLIENTS = 10_000


class RateLimit:
    def __init__(
        self,
        per_minute: float = DEFAULT_PER_MINUTE,
        burst: int = DEFAULT_BURST,
        *,
        max_clients: int = MAX_CLIENTS,
        clock: Callable[[], float] = time.monotonic,
    ):
        if per_minute <= 0 or burst < 1:
            raise ValueError("a rate limit needs a positive rate and a burst of at least 1")
        self.per_second = per_minute / 60.0
        self.burst = int(burst)
        self.max_clients = max_clients
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, when)
        self._lock = threading.Lock()

    @classmethod
    def from_environment(cls) -> RateLimit:
        return cls(
            env_number("CONVEX_API_RATE_PER_MINUTE", DEFAULT_PER_MINUTE, 1e-6),
            int(env_number("CONVEX_API_BURST", DEFAULT_BURST, 1)),
        )

    def take(self, client: str) -> float:
        """Take a token for `client`: 0.0 when it had one, else the seconds until it has one again."""
        now = self._clock()
        with self._lock:
            tokens, then = self._buckets.pop(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - then) * self.per_second)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self.per_second
            self._buckets[client] = (tokens, now)  # the most recently seen last
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        return wait
