"""What the store logs beside the series: the day's digests and every attempt to fetch a metric (a
mixin of Store, which gives `db` and `_series_write`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from .times import _iso, _parse_ts, utcnow

# Attempts older than this are dropped from the log when the worker prunes it.
ATTEMPTS_KEPT_DAYS = 30


@dataclass(frozen=True)
class Attempt:
    """One try to fetch a metric, as the log keeps it."""

    metric_id: str
    source: str | None
    actor: str  # page, cli or worker
    started_at: datetime
    finished_at: datetime
    status: str
    new_points: int
    revised_points: int
    error: str | None


class Logs:
    """Digests and fetch attempts, kept in the store's own tables."""

    def write_digest(self, day: str, body: str, *, built_at: datetime | None = None) -> None:
        """Keep the day's digest (JSON), replacing an earlier build of the same day."""
        with self.db.transaction() as conn:
            conn.execute(
                """INSERT INTO digests (day, built_at, body) VALUES (?, ?, ?)
                   ON CONFLICT(day) DO UPDATE SET built_at = excluded.built_at, body = excluded.body""",
                (day, _iso(built_at or utcnow()), body),
            )

    def read_digests(self, limit: int = 30) -> list[tuple[str, datetime, str]]:
        """The latest digests, newest first: (day, built at, JSON body)."""
        with self.db.connect() as conn:
            rows = conn.execute(
                "SELECT day, built_at, body FROM digests ORDER BY day DESC LIMIT ?", (limit,)
            ).fetchall()
        return [(day, _parse_ts(built), body) for day, built, body in rows]

    def record_attempt(self, metric_id: str, error: str | None, *, at: datetime | None = None) -> None:
        """Note a fetch attempt that stored nothing: when, and why it failed (None: no error)."""
        with self._series_write() as (conn, version):
            conn.execute(
                """INSERT INTO series_meta (metric_id, last_attempt_at, last_error, version)
                   VALUES (?, ?, ?, ?) ON CONFLICT(metric_id) DO UPDATE SET
                       last_attempt_at = excluded.last_attempt_at, last_error = excluded.last_error,
                       version = excluded.version""",
                (metric_id, _iso(at or utcnow()), error, version),
            )

    def log_attempt(self, attempt: Attempt) -> None:
        """Add one fetch attempt to the log (whatever its outcome)."""
        with self.db.transaction() as conn:
            conn.execute(
                """INSERT INTO attempts (metric_id, source, actor, started_at, finished_at, status,
                       new_points, revised_points, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    attempt.metric_id, attempt.source, attempt.actor, _iso(attempt.started_at),
                    _iso(attempt.finished_at), attempt.status, attempt.new_points, attempt.revised_points,
                    attempt.error,
                ),
            )  # fmt: skip

    def attempts(self, *, since: datetime | None = None, limit: int = 1000) -> list[Attempt]:
        """The logged attempts, newest first (those started at or after `since`)."""
        with self.db.connect() as conn:
            rows = conn.execute(
                """SELECT metric_id, source, actor, started_at, finished_at, status, new_points,
                       revised_points, error FROM attempts WHERE started_at >= ?
                   ORDER BY started_at DESC, id DESC LIMIT ?""",
                (_iso(since) or "", limit),
            ).fetchall()
        return [
            Attempt(m, src, actor, _parse_ts(start), _parse_ts(end), status, new, revised, error)
            for m, src, actor, start, end, status, new, revised, error in rows
        ]

    def prune_attempts(self, *, now: datetime | None = None) -> None:
        cutoff = (now or utcnow()) - pd.Timedelta(days=ATTEMPTS_KEPT_DAYS)
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM attempts WHERE started_at < ?", (_iso(cutoff),))
