"""Digest subscribers: double opt-in, rate-limited signups, unsubscribe, one message a day each.

A signup stores the pairs it asks for as pending and mails a confirm link (`/subscribe?confirm=`)
that expires; the pairs change only when it is opened, so a signup for a confirmed address (anyone
can type it) leaves that subscription as it is until its owner agrees. Every digest carries an
unsubscribe link (`/subscribe?unsubscribe=`) of its own that keeps working. Tokens are stored only
as their sha256 and compared in constant time. Signups are limited per address and per client in
the store, so the limits hold across sessions and app replicas. `send_digests` records each
delivery, so a second run on the same day sends nothing again. SMTP settings come from the
environment (CONVEX_SMTP_HOST, _PORT, _TLS = starttls | ssl | none, _USER, _PASSWORD, _FROM), and
the password is never logged or shown.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
import math
import os
import re
import secrets
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from convex.store import Store, _iso, _parse_ts, utcnow

MAX_ADDRESS = 254
MAX_PAIRS = 20
MAX_CLIENT_KEY = 200

# One confirmation message per address per 10 minutes: a second try after a typo is fine, a loop is not.
ADDRESS_COOLDOWN = timedelta(minutes=10)
# At most 3 confirmation messages per address a day: strangers must not fill someone's inbox.
ADDRESS_PER_DAY = 3
ADDRESS_WINDOW = timedelta(days=1)
# At most 5 signups per client an hour: a person signs up an address or two, a script many.
CLIENT_PER_HOUR = 5
CLIENT_WINDOW = timedelta(hours=1)
# A confirm link works for 48 hours: a weekend away, yet a leaked old message is soon worthless.
CONFIRM_EXPIRY = timedelta(hours=48)

# One address: no spaces, quotes, commas, angle brackets or control characters (so nothing can
# be smuggled into a header), one @, a dotted domain.
_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_PAIR = re.compile(r"^[a-z0-9_]{1,40}$")
# secrets.token_urlsafe(24): 32 characters of the URL-safe base64 alphabet (the shape of the tokens
# made before 0005_signup_safety too, which live on as unsubscribe links).
_TOKEN_BYTES = 24
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


class InvalidSignup(ValueError):
    """What is wrong with a signup, in words a user can act on (never echoing the input)."""


class SignupLimited(InvalidSignup):
    """A signup refused by a rate limit: nothing stored, nothing to send; `retry_at` says when."""

    def __init__(self, text: str, retry_at: datetime):
        super().__init__(text)
        self.retry_at = retry_at


class Outcome(enum.StrEnum):
    """What opening a link did."""

    CONFIRMED = "confirmed"  # a new subscription (or one that had been ended) is on
    CHANGED = "changed"  # a confirmed subscriber's pairs are now the ones asked for
    UNSUBSCRIBED = "unsubscribed"
    EXPIRED = "expired"  # a confirm link older than CONFIRM_EXPIRY: sign up again
    UNKNOWN = "unknown"  # not a token, or not one in the store (used, replaced or never issued)


def check_address(text: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidSignup("Enter an email address.")
    address = text.strip()
    if len(address) > MAX_ADDRESS:
        raise InvalidSignup(f"An email address has at most {MAX_ADDRESS} characters.")
    if not _ADDRESS.match(address) or ".." in address:
        raise InvalidSignup("That is not an email address like name@example.com.")
    return address.lower()


def check_pairs(pairs: list[tuple[str, str]], known: Callable[[str], bool]) -> list[tuple[str, str]]:
    if not pairs:
        raise InvalidSignup("Choose at least one pair to follow.")
    if len(pairs) > MAX_PAIRS:
        raise InvalidSignup(f"Follow at most {MAX_PAIRS} pairs.")
    for pair in pairs:
        if len(pair) != 2 or not all(isinstance(i, str) and _PAIR.match(i) and known(i) for i in pair):
            raise InvalidSignup("A pair to follow is not in the catalog.")
    return [tuple(p) for p in pairs]  # type: ignore[misc]


def token_hash(token: object) -> str | None:
    """The sha256 (hex) under which a token is stored, or None for anything not shaped like one, so
    that nothing else from a link reaches the database."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _hashed(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Subscriber:
    """An active subscriber: where the digest goes and the pairs it follows."""

    email: str
    pairs: list[tuple[str, str]]


@dataclass(frozen=True)
class Signup:
    """A signup accepted: the confirmation message to send (the token exists nowhere else)."""

    email: str
    pairs: list[tuple[str, str]]
    confirm_token: str
    change: bool  # the address is already subscribed: the message confirms a change of pairs


def subscribe(
    store: Store,
    email: str,
    pairs: list[tuple[str, str]],
    known: Callable[[str], bool],
    *,
    client: str,
    now: datetime | None = None,
) -> Signup:
    """Record a signup from `client` (a key for who asks: an IP address, else a session) and issue a
    confirm token, or raise InvalidSignup (bad input) or SignupLimited (too many) with nothing stored.
    A subscriber's confirmed pairs are left alone: the asked-for pairs wait for the link."""
    address, pairs = check_address(email), check_pairs(pairs, known)
    if not isinstance(client, str) or not 0 < len(client) <= MAX_CLIENT_KEY:
        raise ValueError("a signup needs the key of its client")
    now = now or utcnow()
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    email_hash, client_hash = _hashed(address), _hashed(client)
    with store.transaction() as conn:
        # Every signup counts and decides under one lock, so that replicas sharing a PostgreSQL
        # store cannot both see room for one more (sqlite's write transaction already excludes).
        store.db.transaction_lock(conn, "digest_signup")
        conn.execute("DELETE FROM signup_requests WHERE requested_at < ?", (_iso(now - ADDRESS_WINDOW),))
        if refusal := _refusal(conn, email_hash, client_hash, now):
            raise refusal
        row = conn.execute(
            "SELECT confirmed_at, unsubscribed_at FROM subscribers WHERE email = ?", (address,)
        ).fetchone()
        conn.execute(
            """INSERT INTO subscribers (email, pairs, pending_pairs, confirm_hash, confirm_sent_at,
                   created_at) VALUES (?, '[]', ?, ?, ?, ?)
               ON CONFLICT(email) DO UPDATE SET pending_pairs = excluded.pending_pairs,
                   confirm_hash = excluded.confirm_hash, confirm_sent_at = excluded.confirm_sent_at""",
            (address, json.dumps(pairs), token_hash(token), _iso(now), _iso(now)),
        )
        conn.execute(
            "INSERT INTO signup_requests (email_hash, client_hash, requested_at) VALUES (?, ?, ?)",
            (email_hash, client_hash, _iso(now)),
        )
    change = row is not None and row[0] is not None and row[1] is None
    return Signup(address, pairs, token, change)


def _refusal(conn, email_hash: str, client_hash: str, now: datetime) -> SignupLimited | None:
    """The limit this signup would break, if any, with the time the latest one allows it again."""

    def times(column: str, value: str, window: timedelta) -> list[datetime]:
        rows = conn.execute(
            f"SELECT requested_at FROM signup_requests WHERE {column} = ? AND requested_at > ?",
            (value, _iso(now - window)),
        ).fetchall()
        return sorted(_parse_ts(r[0]) for r in rows)

    to_address = times("email_hash", email_hash, ADDRESS_WINDOW)
    from_client = times("client_hash", client_hash, CLIENT_WINDOW)
    broken: list[tuple[datetime, str]] = []
    if len(from_client) >= CLIENT_PER_HOUR:
        broken.append((from_client[-CLIENT_PER_HOUR] + CLIENT_WINDOW,
                       f"There were {CLIENT_PER_HOUR} signups from your connection in the last hour, "
                       "the most it may make"))  # fmt: skip
    if len(to_address) >= ADDRESS_PER_DAY:
        broken.append((to_address[-ADDRESS_PER_DAY] + ADDRESS_WINDOW,
                       f"This address was sent {ADDRESS_PER_DAY} confirmation messages in the last "
                       "24 hours, the most it gets"))  # fmt: skip
    if to_address and to_address[-1] + ADDRESS_COOLDOWN > now:
        broken.append((to_address[-1] + ADDRESS_COOLDOWN,
                       "A confirmation message went to this address a few minutes ago: look for it in "
                       "the inbox (and the spam folder)"))  # fmt: skip
    if not broken:
        return None
    retry_at, reason = max(broken)
    return SignupLimited(f"{reason}. You can sign up again in {_wait(retry_at - now)}.", retry_at)


def _wait(span: timedelta) -> str:
    minutes = max(1, math.ceil(span.total_seconds() / 60))
    if minutes < 90:
        return f"{minutes} minute{'s' if minutes > 1 else ''}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def confirm(store: Store, token: str, *, now: datetime | None = None) -> Outcome:
    """Open a confirm link: the pending pairs become the subscriber's, once, before it expires."""
    wanted = token_hash(token)
    if wanted is None:
        return Outcome.UNKNOWN
    now = now or utcnow()
    with store.transaction() as conn:
        row = conn.execute(
            """SELECT email, confirm_hash, confirm_sent_at, confirmed_at, unsubscribed_at
               FROM subscribers WHERE confirm_hash = ?""",
            (wanted,),
        ).fetchone()
        if row is None or not hmac.compare_digest(row[1], wanted):
            return Outcome.UNKNOWN
        email, _, sent_at, confirmed_at, unsubscribed_at = row
        if _parse_ts(sent_at) + CONFIRM_EXPIRY < now:
            return Outcome.EXPIRED
        change = confirmed_at is not None and unsubscribed_at is None
        conn.execute(
            """UPDATE subscribers SET pairs = pending_pairs, pending_pairs = NULL, confirm_hash = NULL,
                   confirm_sent_at = NULL, confirmed_at = ?, unsubscribed_at = NULL WHERE email = ?""",
            (confirmed_at if change else _iso(now), email),
        )
    return Outcome.CHANGED if change else Outcome.CONFIRMED


def unsubscribe(store: Store, token: str, *, now: datetime | None = None) -> Outcome:
    """Open an unsubscribe link (of any digest ever sent): no more digests, nothing pending either."""
    wanted = token_hash(token)
    if wanted is None:
        return Outcome.UNKNOWN
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT token_hash, email FROM unsubscribe_links WHERE token_hash = ?", (wanted,)
        ).fetchone()
        if row is None or not hmac.compare_digest(row[0], wanted):
            return Outcome.UNKNOWN
        conn.execute(
            """UPDATE subscribers SET unsubscribed_at = COALESCE(unsubscribed_at, ?), pending_pairs = NULL,
                   confirm_hash = NULL, confirm_sent_at = NULL WHERE email = ?""",
            (_iso(now or utcnow()), row[1]),
        )
    return Outcome.UNSUBSCRIBED


def active(store: Store) -> list[Subscriber]:
    with store.connection() as conn:
        rows = conn.execute(
            "SELECT email, pairs FROM subscribers "
            "WHERE confirmed_at IS NOT NULL AND unsubscribed_at IS NULL ORDER BY email"
        ).fetchall()
    return [Subscriber(e, [tuple(p) for p in json.loads(pairs)]) for e, pairs in rows]


# --------------------------------------------------------------------------- SMTP


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: str  # starttls | ssl | none
    user: str | None
    password: str | None
    sender: str

    def __repr__(self) -> str:  # the password never reaches a log or a traceback
        return f"SmtpSettings(host={self.host!r}, port={self.port}, tls={self.tls!r}, user={self.user!r})"

    @classmethod
    def from_environment(cls) -> SmtpSettings | None:
        host = os.environ.get("CONVEX_SMTP_HOST")
        if not host:
            return None
        tls = os.environ.get("CONVEX_SMTP_TLS", "starttls")
        if tls not in ("starttls", "ssl", "none"):
            raise ValueError("CONVEX_SMTP_TLS must be starttls, ssl or none")
        default_port = {"starttls": 587, "ssl": 465, "none": 25}[tls]
        return cls(
            host,
            int(os.environ.get("CONVEX_SMTP_PORT", default_port)),
            tls,
            os.environ.get("CONVEX_SMTP_USER"),
            os.environ.get("CONVEX_SMTP_PASSWORD"),
            os.environ.get("CONVEX_SMTP_FROM", "convex@localhost"),
        )


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.tls == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=30)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=30)
        if settings.tls == "starttls":
            smtp.starttls()
    if settings.user:
        smtp.login(settings.user, settings.password or "")
    return smtp


def message(
    settings: SmtpSettings,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    unsubscribe_url: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = settings.sender, to, subject
    if unsubscribe_url:
        msg["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


def send_confirmation(settings: SmtpSettings, signup: Signup, base: str) -> None:
    link = f"{base}/subscribe?confirm={signup.confirm_token}"
    hours = int(CONFIRM_EXPIRY.total_seconds() // 3600)
    followed = ", ".join(f"{a} / {b}" for a, b in signup.pairs)  # catalog ids, checked on signup
    if signup.change:
        subject = "Confirm the change to your Convex daily digest"
        text = (
            f"Someone, probably you, asked that your Convex daily digest follow these pairs: {followed}.\n"
            f"To make the change, open within {hours} hours\n{link}\n\n"
            "If you did not ask for it, ignore this message: your digest stays as it is."
        )
    else:
        subject = "Confirm your Convex daily digest"
        text = (
            f"Confirm your Convex daily digest for {len(signup.pairs)} pair(s) ({followed}) by opening, "
            f"within {hours} hours,\n{link}\n\n"
            "If you did not ask for it, ignore this message: nothing will be sent."
        )
    with _connect(settings) as smtp:
        smtp.send_message(message(settings, signup.email, subject, text))


def send_digests(
    store: Store,
    settings: SmtpSettings,
    day: str,
    render: Callable[[Subscriber], tuple[str, str, str]],
    base: str,
) -> tuple[int, int]:
    """Send each active subscriber the day's digest once: (sent now, already sent before).
    `render` gives (subject, text, html) for a subscriber; every message links to unsubscribe."""
    with store.connection() as conn:
        done = {e for (e,) in conn.execute("SELECT email FROM digests_sent WHERE day = ?", (day,))}
    pending = [s for s in active(store) if s.email not in done]
    if not pending:
        return 0, len(done)
    # Each message gets an unsubscribe link of its own that keeps working for good: the store keeps
    # only hashes, so a link cannot be rebuilt for the next message, and none is ever taken back.
    tokens = {s.email: secrets.token_urlsafe(_TOKEN_BYTES) for s in pending}
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO unsubscribe_links (token_hash, email, created_at) VALUES (?, ?, ?)",
            [(token_hash(t), e, _iso(utcnow())) for e, t in tokens.items()],
        )
    with _connect(settings) as smtp:
        for s in pending:
            subject, text, html = render(s)
            link = f"{base}/subscribe?unsubscribe={tokens[s.email]}"
            text += f"\nUnsubscribe: {link}\n"
            html += f'<p><a href="{link}">Unsubscribe</a></p>'
            smtp.send_message(message(settings, s.email, subject, text, html, unsubscribe_url=link))
            with store.transaction() as conn:
                conn.execute(
                    "INSERT INTO digests_sent (day, email, sent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    (day, s.email, _iso(utcnow())),
                )
    return len(pending), len(done)
