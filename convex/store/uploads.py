"""Uploads users keep in a deployment's store: never overwritten, bounded, least recently used first out.

An upload's id is its content and what is shown for it (convex.data.uploads), so a second write of
the same id is the same file read the same way: it only marks the upload as used. Kept uploads are
bounded by count and by bytes per store (CONVEX_MAX_KEPT_UPLOADS, CONVEX_MAX_KEPT_UPLOAD_MB); a new
one beyond either bound removes the uploads used least recently until it fits. None of this bumps
the store version: uploads are in no ranking, so no cached computation depends on them, and one
user's upload must not empty every other user's caches.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from . import blobs
from .times import _iso, utcnow

DEFAULT_MAX_COUNT = 100
DEFAULT_MAX_MB = 100
# Marking an upload as used is a write: at most this often per upload, so that page views of a
# popular link do not write on every open.
TOUCH_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class UploadQuota:
    count: int
    bytes: int

    @classmethod
    def from_environment(cls) -> UploadQuota:
        def positive(name: str, default: int) -> int:
            text = os.environ.get(name, "").strip()
            if not text:
                return default
            if not (text.isascii() and text.isdigit() and int(text) > 0):
                raise ValueError(f"{name} must be a positive whole number, not {text[:20]!r}")
            return int(text)

        return cls(
            positive("CONVEX_MAX_KEPT_UPLOADS", DEFAULT_MAX_COUNT),
            positive("CONVEX_MAX_KEPT_UPLOAD_MB", DEFAULT_MAX_MB) * 1_000_000,
        )


def stored_bytes(series: pd.Series) -> int:
    dates, values = blobs.encode(series)
    return len(dates) + len(values)


def keep(conn, metric_id: str, name: str, frequency: str, change: str, now: str) -> None:
    """The upload's row, once its series is written in the same transaction."""
    conn.execute(
        """INSERT INTO uploads (metric_id, name, frequency, change, created_at, last_used_at)
           VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(metric_id) DO NOTHING""",
        (metric_id, name, frequency, change, now, now),
    )


def evict(conn, quota: UploadQuota, incoming_bytes: int) -> list[str]:
    """Remove the least recently used uploads until one more of `incoming_bytes` fits; their ids."""
    rows = conn.execute(
        """SELECT u.metric_id, COALESCE(length(s.dates), 0) + COALESCE(length(s.vals), 0)
           FROM uploads u LEFT JOIN series s ON s.metric_id = u.metric_id
           ORDER BY u.last_used_at, u.created_at, u.metric_id"""
    ).fetchall()
    count, size = len(rows), sum(r[1] for r in rows)
    removed = []
    for metric_id, row_bytes in rows:
        if count + 1 <= quota.count and size + incoming_bytes <= quota.bytes:
            break
        for table in ("uploads", "series", "series_meta"):
            conn.execute(f"DELETE FROM {table} WHERE metric_id = ?", (metric_id,))
        count, size = count - 1, size - row_bytes
        removed.append(metric_id)
    return removed


def due_for_touch(last_used: datetime | None, now: datetime) -> bool:
    return last_used is None or now - last_used >= TOUCH_EVERY


class UploadTooLarge(ValueError):
    """An upload bigger than everything this deployment keeps: the message says the limit."""


class KeptUploads:
    """The store's kept uploads (a mixin of Store, which gives `db` and `write_series`)."""

    def write_upload(
        self,
        metric_id: str,
        name: str,
        frequency: str,
        change: str,
        series: pd.Series,
        detail: str,
        *,
        quota: UploadQuota | None = None,
    ) -> bool:
        """Keep a user's uploaded series, then how to read it (an upload exists for readers once its
        row in `uploads` does, and by then its series is whole), unless this store holds it already:
        a stored upload is never overwritten (store/uploads.py). True when written. The uploads used
        least recently make room for it within the quota; UploadTooLarge when it alone exceeds it."""
        quota = quota or UploadQuota.from_environment()
        if self.read_upload(metric_id) is not None:
            self.touch_upload(metric_id)
            return False
        incoming = stored_bytes(series)
        if incoming > quota.bytes:
            raise UploadTooLarge(
                f"the upload takes {incoming / 1e6:.1f} MB kept; this deployment keeps at most "
                f"{quota.bytes / 1e6:.0f} MB of uploads"
            )
        with self.db.transaction() as conn:
            evict(conn, quota, incoming)
        self.write_series(
            metric_id, series, provenance="import", source="upload", detail=detail, bump_version=False
        )
        with self.db.transaction() as conn:
            keep(conn, metric_id, name, frequency, change, _iso(utcnow()))
        return True

    def read_upload(self, metric_id: str) -> tuple[str, str, str] | None:
        """(name, frequency, change) of a stored upload, or None."""
        with self.db.connect() as conn:
            row = conn.execute(
                "SELECT name, frequency, change FROM uploads WHERE metric_id = ?", (metric_id,)
            ).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def touch_upload(self, metric_id: str, *, now: datetime | None = None) -> None:
        """Mark a kept upload as used now (at most once per TOUCH_EVERY): the last to be evicted."""
        now = now or utcnow()
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE uploads SET last_used_at = ? WHERE metric_id = ? AND last_used_at < ?",
                (_iso(now), metric_id, _iso(now - TOUCH_EVERY)),
            )
