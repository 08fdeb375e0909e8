"""`convex digest [--date D] [--format text|html|json] [--atom] [--top N]`."""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from ..metrics.catalog import catalog
from .common import err, fail, open_store

FORMATS = ("text", "html", "json")


def _day(text: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(text).normalize()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-12-02") from None


def cmd_digest(args: argparse.Namespace) -> int:
    from ..data.loader import Loader
    from ..jobs import digest

    store = open_store()
    try:
        followed = digest.followed_pairs(catalog())
    except ValueError as exc:
        return fail(str(exc), 2)
    stored = Loader(store, offline=True).stored()  # a digest reads the store; the refresh fetches
    if len(stored) < 2:
        return fail("the digest needs at least two metrics with data: run `convex refresh --all` first")
    day = args.date or pd.Timestamp.now().normalize()
    built = digest.build_digest(
        stored, catalog(), day=day, base=digest.base_url(), followed=followed, top=args.top
    )
    store.write_digest(built.day, json.dumps(built.to_dict(), allow_nan=False))
    if args.send:
        return _send(store, stored, built, day)
    if args.atom:
        kept = [(digest.Digest.from_dict(json.loads(body)), at) for _, at, body in store.read_digests()]
        sys.stdout.write(digest.atom_feed(kept, digest.base_url()))
        return 0
    render = {"text": digest.render_text, "html": digest.render_html, "json": digest.render_json}
    sys.stdout.write(render[args.format](built))
    return 0


def _send(store, stored, built, day: pd.Timestamp) -> int:
    """The day's digest to every confirmed subscriber, each with the moves of the pairs they follow."""
    import dataclasses

    from ..jobs import digest, subscriptions

    try:
        settings = subscriptions.SmtpSettings.from_environment()
    except ValueError as exc:
        return fail(str(exc), 2)
    if settings is None:
        return fail("set CONVEX_SMTP_HOST (and _PORT, _TLS, _USER, _PASSWORD, _FROM) to send the digest", 2)
    base = digest.base_url()

    def render(subscriber):
        own = dataclasses.replace(
            built,
            moves=digest.moves(stored, subscriber.pairs, base, day=day),
            problems=digest.problems(stored, catalog(), subscriber.pairs, base, day=day),
        )
        subject = f"Convex digest for {built.day}: {built.discoveries} divergences pass BH"
        return subject, digest.render_text(own), digest.render_html(own)

    try:
        sent, before = subscriptions.send_digests(store, settings, built.day, render, base)
    except (OSError, subscriptions.smtplib.SMTPException) as exc:
        return fail(
            f"sending the digest through {settings.host}:{settings.port} failed: {type(exc).__name__}"
        )
    err.print(f"digest for {built.day}: sent to {sent} subscriber(s), {before} already had it")
    return 0


def add_digest_parser(sub) -> None:
    p = sub.add_parser("digest", help="the day's divergences, moves of followed pairs and stale data")
    p.add_argument("--date", type=_day, help="the digest of this day, from data up to it (default today)")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument("--atom", action="store_true", help="the Atom feed of the stored digests instead")
    p.add_argument("--send", action="store_true", help="email it to every confirmed subscriber (once a day)")
    p.add_argument("--top", type=int, default=10, help="divergences listed (default 10)")
    p.set_defaults(func=cmd_digest)
