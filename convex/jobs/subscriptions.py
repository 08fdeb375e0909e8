"""Digest subscribers: double opt-in, unsubscribe, and one message per subscriber per day.

An address is stored unconfirmed with a random token; the confirmation message links to
`/subscribe?confirm=<token>`, every digest to `/subscribe?unsubscribe=<token>`. `send_digests`
records each delivery in the same store, so a second run on the same day sends nothing again.
SMTP settings come from the environment (CONVEX_SMTP_HOST, _PORT, _TLS = starttls | ssl | none,
_USER, _PASSWORD, _FROM), and the password is never logged or shown.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

from convex.store import Store, _iso, utcnow

MAX_ADDRESS = 254
MAX_PAIRS = 20
# One address: no spaces, quotes, commas, angle brackets or control characters (so nothing can
# be smuggled into a header), one @, a dotted domain.
_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_PAIR = re.compile(r"^[a-z0-9_]{1,40}$")


class InvalidSignup(ValueError):
    """What is wrong with a signup, in words a user can act on (never echoing the input)."""


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


@dataclass(frozen=True)
class Subscriber:
    email: str
    pairs: list[tuple[str, str]]
    token: str
    confirmed: bool
    unsubscribed: bool


def subscribe(
    store: Store, email: str, pairs: list[tuple[str, str]], known: Callable[[str], bool]
) -> Subscriber:
    """Store an unconfirmed subscription (or renew one) with a fresh token; nothing on invalid input."""
    address, pairs = check_address(email), check_pairs(pairs, known)
    token = secrets.token_urlsafe(24)
    with store.transaction() as conn:
        conn.execute(
            """INSERT INTO subscribers (email, pairs, token, created_at) VALUES (?, ?, ?, ?)
               ON CONFLICT(email) DO UPDATE SET pairs = excluded.pairs, token = excluded.token,
                   confirmed_at = NULL, unsubscribed_at = NULL""",
            (address, json.dumps(pairs), token, _iso(utcnow())),
        )
    return Subscriber(address, pairs, token, False, False)


def _by_token(store: Store, token: str) -> str | None:
    if not isinstance(token, str) or not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token):
        return None
    with store.connection() as conn:
        row = conn.execute("SELECT email FROM subscribers WHERE token = ?", (token,)).fetchone()
    return row[0] if row else None


def confirm(store: Store, token: str) -> str | None:
    """Confirm the subscription this token belongs to; its address, or None for an unknown token."""
    email = _by_token(store, token)
    if email:
        with store.transaction() as conn:
            conn.execute(
                "UPDATE subscribers SET confirmed_at = ?, unsubscribed_at = NULL WHERE email = ?",
                (_iso(utcnow()), email),
            )
    return email


def unsubscribe(store: Store, token: str) -> str | None:
    email = _by_token(store, token)
    if email:
        with store.transaction() as conn:
            conn.execute(
                "UPDATE subscribers SET unsubscribed_at = ? WHERE email = ?", (_iso(utcnow()), email)
            )
    return email


def active(store: Store) -> list[Subscriber]:
    with store.connection() as conn:
        rows = conn.execute(
            "SELECT email, pairs, token FROM subscribers "
            "WHERE confirmed_at IS NOT NULL AND unsubscribed_at IS NULL ORDER BY email"
        ).fetchall()
    return [Subscriber(e, [tuple(p) for p in json.loads(pairs)], t, True, False) for e, pairs, t in rows]


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


def send_confirmation(settings: SmtpSettings, subscriber: Subscriber, base: str) -> None:
    link = f"{base}/subscribe?confirm={subscriber.token}"
    text = (
        f"Confirm your Convex daily digest for {len(subscriber.pairs)} pair(s) by opening\n{link}\n\n"
        "If you did not ask for it, ignore this message: nothing will be sent."
    )
    with _connect(settings) as smtp:
        smtp.send_message(message(settings, subscriber.email, "Confirm your Convex daily digest", text))


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
    with _connect(settings) as smtp:
        for s in pending:
            subject, text, html = render(s)
            link = f"{base}/subscribe?unsubscribe={s.token}"
            text += f"\nUnsubscribe: {link}\n"
            html += f'<p><a href="{link}">Unsubscribe</a></p>'
            smtp.send_message(message(settings, s.email, subject, text, html, unsubscribe_url=link))
            with store.transaction() as conn:
                conn.execute(
                    "INSERT INTO digests_sent (day, email, sent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    (day, s.email, _iso(utcnow())),
                )
    return len(pending), len(done)
