"""Digest by email against a real SMTP server on loopback (aiosmtpd): double opt-in, one message
per subscriber per day, unsubscribe, hostile signups refused with nothing stored, signups limited per
address and per client, a confirmed subscriber never reset by a signup, tokens apart and expiring,
and a store of the old schema migrated with its unsubscribe links working."""

from __future__ import annotations

import email
import re
import secrets
import socket
import threading
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
import streamlit as st
from aiosmtpd.controller import Controller
from streamlit.testing.v1 import AppTest

from convex.cli import main
from convex.jobs import subscriptions
from convex.metrics.catalog import catalog
from convex.store import Store, migrations
from convex.ui.digest_signup import client_key
from tests.fakes import synthetic_series
from tests.ui.test_pages import APP

# Loader and subscriptions over both store backends (SQLite, PostgreSQL).
pytestmark = pytest.mark.usefixtures("backend")

HOSTILE = [
    "a@b.c\r\nBcc: x@y.z",
    "a@b.c\nBcc: x@y.z",
    "a@b.c%0d%0aBcc: x@y.z",
    "x" * 300 + "@example.com",
    "a@" + "b" * 300 + ".com",
    "",
    "   ",
    "<a@b.c>",
    "a@b",
    "a b@c.de",
    "a@b.c, x@y.z",
    '"a"@b.c',
    "a..b@c.de",
    "a@b.c\x00",
    "Ünïcode@exämple.com",
]


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(monkeypatch):
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("CONVEX_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CONVEX_SMTP_PORT", str(port))
    monkeypatch.setenv("CONVEX_SMTP_TLS", "none")
    monkeypatch.setenv("CONVEX_SMTP_FROM", "digest@convex.test")
    monkeypatch.setenv("CONVEX_BASE_URL", "https://convex.test")
    yield handler
    controller.stop()


@pytest.fixture
def store() -> Store:
    store = Store()
    for seed, metric_id in enumerate(("walcl", "tlt", "spy", "gld", "dgs10", "btc")):
        store.write_series(metric_id, synthetic_series(metric_id, years=6, seed=seed), provenance="live",
                           source="test")  # fmt: skip
    return store


def subscriber_rows(store: Store) -> int:
    with store.connection() as conn:
        return conn.execute("SELECT COUNT(*) FROM subscribers").fetchone()[0]


def body(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize("address", HOSTILE)
def test_hostile_addresses_are_refused_and_nothing_is_stored(store, address):
    with pytest.raises(subscriptions.InvalidSignup) as refused:
        subscriptions.subscribe(store, address, [("walcl", "tlt")], catalog().__contains__, client="c")
    assert address.strip() == "" or address not in str(refused.value)  # the input is never echoed
    assert subscriber_rows(store) == 0


def test_unknown_or_too_many_pairs_are_refused(store):
    for pairs in ([], [("walcl", "nope")], [("walcl", "tlt; DROP TABLE subscribers")], [("spy", "tlt")] * 21):
        with pytest.raises(subscriptions.InvalidSignup):
            subscriptions.subscribe(store, "pm@fund.example", pairs, catalog().__contains__, client="c")
    assert subscriber_rows(store) == 0


def test_double_opt_in_then_one_digest_a_day_then_unsubscribe(store, inbox, capsys):
    sub = subscriptions.subscribe(
        store, "PM@Fund.example", [("walcl", "tlt")], catalog().__contains__, client="c"
    )
    settings = subscriptions.SmtpSettings.from_environment()
    subscriptions.send_confirmation(settings, sub, "https://convex.test")
    assert inbox.recipients == [["pm@fund.example"]]
    link = re.search(r"https://convex.test/subscribe\?confirm=(\S+)", body(inbox.messages[0]))
    assert link and link.group(1) == sub.confirm_token

    # Not confirmed yet: nothing goes out.
    assert main(["digest", "--date", "2026-11-18", "--send"]) == 0
    assert len(inbox.messages) == 1
    assert subscriptions.confirm(store, link.group(1)) is subscriptions.Outcome.CONFIRMED

    assert main(["digest", "--date", "2026-11-18", "--send"]) == 0
    assert len(inbox.messages) == 2
    digest_msg = inbox.messages[1]
    text = body(digest_msg)
    assert digest_msg["Subject"].startswith("Convex digest for 2026-11-18")
    assert "Fed Balance Sheet" in text and "https://convex.test/?a=walcl&b=tlt" in text
    unsubscribe = re.search(r"Unsubscribe: (\S+)", text).group(1)
    assert str(digest_msg["List-Unsubscribe"]).strip() == f"<{unsubscribe}>"
    assert digest_msg.get_body(preferencelist=("html",)) is not None

    # The same day again: nothing is sent twice.
    assert main(["digest", "--date", "2026-11-18", "--send"]) == 0
    assert len(inbox.messages) == 2
    assert "sent to 0 subscriber(s), 1 already had it" in capsys.readouterr().err

    token = unsubscribe.split("unsubscribe=")[1]
    assert subscriptions.unsubscribe(store, token) is subscriptions.Outcome.UNSUBSCRIBED
    assert main(["digest", "--date", "2026-11-19", "--send"]) == 0
    assert len(inbox.messages) == 2


def test_the_password_never_reaches_a_repr_or_an_error(monkeypatch, store, capsys):
    monkeypatch.setenv("CONVEX_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CONVEX_SMTP_PORT", str(_free_port()))  # nothing listens there
    monkeypatch.setenv("CONVEX_SMTP_TLS", "none")
    monkeypatch.setenv("CONVEX_SMTP_USER", "convex")
    monkeypatch.setenv("CONVEX_SMTP_PASSWORD", "hunter2-secret")
    settings = subscriptions.SmtpSettings.from_environment()
    assert "hunter2" not in repr(settings)
    sub = subscriptions.subscribe(
        store, "pm@fund.example", [("walcl", "tlt")], catalog().__contains__, client="c"
    )
    subscriptions.confirm(store, sub.confirm_token)
    assert main(["digest", "--date", "2026-11-18", "--send"]) == 1
    err = capsys.readouterr().err
    assert "sending the digest through 127.0.0.1" in err and "hunter2" not in err


def test_send_without_smtp_settings_says_what_to_set(store, capsys, monkeypatch):
    monkeypatch.delenv("CONVEX_SMTP_HOST", raising=False)
    assert main(["digest", "--send"]) == 2
    assert "set CONVEX_SMTP_HOST" in capsys.readouterr().err


# ------------------------------------------------------------------ the signup box and the link page
@pytest.fixture
def page_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def signup(at: AppTest, address: str) -> AppTest:
    at.text_input(key="digest_email").input(address)
    at.button(key="digest_subscribe").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_compare() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["a"], at.query_params["b"] = "walcl", "tlt"
    at.run()
    assert not at.exception
    return at


def test_the_signup_box_refuses_a_header_injection_and_stores_nothing(store, inbox, page_caches):
    at = signup(open_compare(), "a@b.c\r\nBcc: x@y.z")
    assert "That is not an email address like name@example.com." in [e.value for e in at.error]
    assert subscriber_rows(store) == 0 and inbox.messages == []


def test_the_signup_box_sends_a_confirmation_that_the_link_page_confirms(store, inbox, page_caches):
    at = signup(open_compare(), "pm@fund.example")
    assert any("Check your inbox" in s.value for s in at.success)
    assert inbox.recipients == [["pm@fund.example"]]
    token = re.search(r"confirm=(\S+)", body(inbox.messages[0])).group(1)
    assert subscriptions.active(store) == []
    page = AppTest.from_file(APP, default_timeout=60)
    page.query_params["confirm"] = token
    page.switch_page("pages/subscribe.py").run()
    assert [s.value for s in page.success] == [
        "Subscription confirmed: the next daily digest goes to your inbox."
    ]
    assert [s.email for s in subscriptions.active(store)] == ["pm@fund.example"]
    assert subscriptions.active(store)[0].pairs == [("walcl", "tlt")]


def test_without_smtp_the_box_says_so_and_offers_the_feed(store, page_caches, monkeypatch):
    monkeypatch.delenv("CONVEX_SMTP_HOST", raising=False)
    at = open_compare()
    assert any("not set up on this deployment" in c.value for c in at.caption)


UNKNOWN_CONFIRM = (
    "This confirmation link is not valid: it may have been used already or replaced by a newer one."
)
EXPIRED = (
    "This confirmation link has expired (links work for 48 hours). Sign up again from the compare page's "
    "“Daily digest by email” box."
)
CONFIRMED = "Subscription confirmed: the next daily digest goes to your inbox."
CHANGED = "Pairs changed: the next daily digest follows the pairs you chose."


def test_the_link_page_says_what_each_link_did_and_never_shows_the_link(store, page_caches):
    def open_link(kind: str, token: str) -> list[tuple[str, str]]:
        page = AppTest.from_file(APP, default_timeout=60)
        page.query_params[kind] = token
        page.switch_page("pages/subscribe.py").run()
        assert not page.exception, [e.value for e in page.exception]
        shown = [(e.type, e.value) for e in (*page.success, *page.warning, *page.error, *page.info)]
        everything = [e.value for e in (*page.markdown, *page.text, *page.caption, *page.title)]
        assert all(token not in text for _, text in shown) and all(token not in t for t in everything)
        return shown

    hostile = "**gotcha** <b>[x](https://evil.example)</b>"
    assert open_link("confirm", hostile) == [("error", UNKNOWN_CONFIRM)]
    assert open_link("unsubscribe", secrets.token_urlsafe(24)) == [
        ("error", "This unsubscribe link is not valid.")
    ]
    old = datetime.now(UTC) - subscriptions.CONFIRM_EXPIRY - timedelta(minutes=1)
    expired = request(store, "late@fund.example", client="a", now=old).confirm_token
    assert open_link("confirm", expired) == [("warning", EXPIRED)]
    subscribed = request(store, "pm@fund.example", client="a")
    assert open_link("confirm", subscribed.confirm_token) == [("success", CONFIRMED)]
    assert open_link("confirm", subscribed.confirm_token) == [("error", UNKNOWN_CONFIRM)]  # used once
    later = datetime.now(UTC) + subscriptions.ADDRESS_COOLDOWN
    change = request(store, "pm@fund.example", [("spy", "gld")], client="b", now=later)
    assert open_link("confirm", change.confirm_token) == [("success", CHANGED)]
    assert subscriptions.active(store) == [subscriptions.Subscriber("pm@fund.example", [("spy", "gld")])]


def test_a_second_signup_from_the_box_within_the_cooldown_is_refused_and_mails_nothing(
    store, inbox, page_caches
):
    at = signup(open_compare(), "pm@fund.example")
    assert any("Check your inbox" in s.value for s in at.success)
    at = signup(at, "pm@fund.example")
    refused = [e.value for e in at.error]
    assert len(refused) == 1 and re.fullmatch(
        r"A confirmation message went to this address a few minutes ago: look for it in the inbox "
        r"\(and the spam folder\)\. You can sign up again in (9|10) minutes\.",
        refused[0],
    ), refused
    assert len(inbox.messages) == 1


# ------------------------------------------------------------------ rate limits, kept in the store
T0 = datetime(2026, 11, 18, 8, 0, tzinfo=UTC)


def request(store, address, pairs=(("walcl", "tlt"),), *, client, now=None) -> subscriptions.Signup:
    return subscriptions.subscribe(
        store, address, list(pairs), catalog().__contains__, client=client, now=now
    )


def signups(store, attempts) -> tuple[int, list[subscriptions.SignupLimited]]:
    """Each (address, client, time) signed up as the page does it: mail on success. (mailed, refusals)"""
    settings = subscriptions.SmtpSettings.from_environment()
    mailed, refused = 0, []
    for address, client, now in attempts:
        try:
            accepted = request(store, address, client=client, now=now)
        except subscriptions.SignupLimited as exc:
            refused.append(exc)
            continue
        subscriptions.send_confirmation(settings, accepted, "https://convex.test")
        mailed += 1
    return mailed, refused


def test_one_client_signing_one_address_up_30_times_gets_one_mail_then_three_a_day(store, inbox):
    attempts = [("pm@fund.example", "ip:192.0.2.7", T0 + timedelta(seconds=i)) for i in range(30)]
    mailed, refused = signups(store, attempts)
    assert mailed == 1 and len(inbox.messages) == 1 and len(refused) == 29
    assert {str(r) for r in refused} == {
        "A confirmation message went to this address a few minutes ago: look for it in the inbox (and the "
        "spam folder). You can sign up again in 10 minutes."
    }
    assert {r.retry_at for r in refused} == {T0 + subscriptions.ADDRESS_COOLDOWN}

    # After each cooldown one more, up to the day's cap; then the day's first must age out.
    step = subscriptions.ADDRESS_COOLDOWN + timedelta(seconds=1)
    mailed, refused = signups(store, [("pm@fund.example", "ip:192.0.2.7", T0 + step * i) for i in (1, 2, 3)])
    assert mailed == 2 and len(inbox.messages) == 3 and len(refused) == 1
    assert str(refused[0]) == (
        "This address was sent 3 confirmation messages in the last 24 hours, the most it gets. You can sign "
        "up again in 23 h 30 min."
    )
    assert refused[0].retry_at == T0 + timedelta(days=1)
    mailed, _ = signups(store, [("pm@fund.example", "ip:192.0.2.7", T0 + timedelta(days=1, seconds=1))])
    assert mailed == 1 and inbox.recipients == [["pm@fund.example"]] * 4


def test_thirty_clients_signing_one_address_up_are_held_by_the_address_limit(store, inbox):
    attempts = [("pm@fund.example", f"session:{i}", T0 + timedelta(seconds=i)) for i in range(30)]
    mailed, refused = signups(store, attempts)
    assert mailed == 1 and len(inbox.messages) == 1 and len(refused) == 29
    assert all(r.retry_at == T0 + subscriptions.ADDRESS_COOLDOWN for r in refused)


def test_one_client_signing_up_thirty_addresses_is_held_by_the_client_limit(store, inbox):
    attempts = [(f"victim{i}@fund.example", "ip:198.51.100.9", T0 + timedelta(seconds=i)) for i in range(30)]
    mailed, refused = signups(store, attempts)
    assert mailed == subscriptions.CLIENT_PER_HOUR == 5 and len(inbox.messages) == 5 and len(refused) == 25
    assert {str(r) for r in refused} == {
        "There were 5 signups from your connection in the last hour, the most it may make. You can sign up "
        "again in 60 minutes."
    }
    assert subscriber_rows(store) == 5  # a refused signup stores nothing
    # Another client is not held; this one is again once its first signup is an hour old.
    assert signups(store, [("other@fund.example", "ip:198.51.100.10", T0 + timedelta(minutes=1))])[0] == 1
    an_hour_on = T0 + subscriptions.CLIENT_WINDOW + timedelta(seconds=1)
    assert signups(store, [("late@fund.example", "ip:198.51.100.9", an_hour_on)])[0] == 1


def test_signups_at_once_from_many_stores_mail_one_address_once(store):
    """The limit is decided in the store under a lock: replicas (separate Store objects, sessions on
    threads) asking at the same moment cannot all see room for one more."""
    start, accepted, refused = threading.Barrier(8), [], []

    def one(i: int) -> None:
        own = Store()
        start.wait()
        try:
            accepted.append(request(own, "pm@fund.example", client=f"session:{i}"))
        except subscriptions.SignupLimited as exc:
            refused.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(accepted) == 1 and len(refused) == 7


# ------------------------------------------------------------------ a confirmed subscriber is never reset
def test_a_signup_for_a_confirmed_address_changes_nothing_until_its_owner_confirms(store, inbox):
    first = request(store, "pm@fund.example", client="ip:192.0.2.7")
    assert subscriptions.confirm(store, first.confirm_token) is subscriptions.Outcome.CONFIRMED
    assert main(["digest", "--date", "2026-11-18", "--send"]) == 0
    old_unsubscribe = re.search(r"unsubscribe=(\S+)", body(inbox.messages[-1])).group(1)

    # Someone else types the address, in other letters, with other pairs, after the cooldown.
    later = datetime.now(UTC) + subscriptions.ADDRESS_COOLDOWN
    change = request(store, "PM@FUND.Example", [("spy", "gld")], client="ip:203.0.113.5", now=later)
    assert change.change and change.email == "pm@fund.example"
    subscriptions.send_confirmation(
        subscriptions.SmtpSettings.from_environment(), change, "https://convex.test"
    )
    assert inbox.messages[-1]["Subject"] == "Confirm the change to your Convex daily digest"
    assert "spy / gld" in body(inbox.messages[-1]) and change.confirm_token in body(inbox.messages[-1])
    assert subscriptions.active(store) == [subscriptions.Subscriber("pm@fund.example", [("walcl", "tlt")])]

    assert subscriptions.confirm(store, change.confirm_token) is subscriptions.Outcome.CHANGED
    assert subscriptions.active(store) == [subscriptions.Subscriber("pm@fund.example", [("spy", "gld")])]
    # The link in the digest sent before the signup still ends the subscription.
    assert subscriptions.unsubscribe(store, old_unsubscribe) is subscriptions.Outcome.UNSUBSCRIBED
    assert subscriptions.active(store) == []

    # Unsubscribed, the address signs up again by double opt-in, not as a change.
    again = request(store, "pm@fund.example", client="ip:192.0.2.7", now=later + timedelta(minutes=11))
    assert not again.change and subscriptions.active(store) == []
    assert subscriptions.confirm(store, again.confirm_token) is subscriptions.Outcome.CONFIRMED
    assert subscriptions.active(store) == [subscriptions.Subscriber("pm@fund.example", [("walcl", "tlt")])]


def test_a_pending_change_is_not_sent_digests_and_a_new_signup_replaces_its_link(store):
    first = request(store, "pm@fund.example", client="a", now=T0)
    second = request(store, "pm@fund.example", [("spy", "gld")], client="a", now=T0 + timedelta(minutes=11))
    assert subscriptions.active(store) == []
    assert subscriptions.confirm(store, first.confirm_token, now=T0 + timedelta(minutes=12)) is (
        subscriptions.Outcome.UNKNOWN
    )
    assert subscriptions.confirm(store, second.confirm_token, now=T0 + timedelta(minutes=12)) is (
        subscriptions.Outcome.CONFIRMED
    )
    assert subscriptions.active(store) == [subscriptions.Subscriber("pm@fund.example", [("spy", "gld")])]


# ------------------------------------------------------------------ tokens
def test_confirm_and_unsubscribe_tokens_differ_are_stored_hashed_and_confirm_links_expire(store, inbox):
    late = request(store, "late@fund.example", client="a", now=T0)
    in_time = request(store, "pm@fund.example", client="b", now=T0)
    assert late.confirm_token != in_time.confirm_token
    just_after = T0 + subscriptions.CONFIRM_EXPIRY + timedelta(seconds=1)
    assert subscriptions.confirm(store, late.confirm_token, now=just_after) is subscriptions.Outcome.EXPIRED
    just_before = T0 + subscriptions.CONFIRM_EXPIRY - timedelta(seconds=1)
    assert (
        subscriptions.confirm(store, in_time.confirm_token, now=just_before)
        is subscriptions.Outcome.CONFIRMED
    )
    assert [s.email for s in subscriptions.active(store)] == ["pm@fund.example"]

    assert main(["digest", "--date", "2026-11-18", "--send"]) == 0
    unsubscribe = re.search(r"unsubscribe=(\S+)", body(inbox.messages[-1])).group(1)
    assert unsubscribe not in (late.confirm_token, in_time.confirm_token)
    assert subscriptions.confirm(store, unsubscribe) is subscriptions.Outcome.UNKNOWN
    assert subscriptions.unsubscribe(store, in_time.confirm_token) is subscriptions.Outcome.UNKNOWN
    assert subscriptions.unsubscribe(store, late.confirm_token) is subscriptions.Outcome.UNKNOWN
    with store.connection() as conn:
        stored = repr(
            [conn.execute(f"SELECT * FROM {t}").fetchall() for t in ("subscribers", "unsubscribe_links")]
        )
    assert all(t not in stored for t in (late.confirm_token, in_time.confirm_token, unsubscribe))
    assert subscriptions.token_hash(unsubscribe) in stored


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "a" * 31,
        "a" * 33,
        "a" * 10_000,
        "a" * 31 + "=",
        "a" * 31 + "'",
        "a" * 31 + "%",
        "é" * 32,
        "a" * 32 + "\n",
        ["a" * 32],
    ],
)
def test_a_token_of_the_wrong_shape_is_refused_before_the_store_is_touched(token):
    class Untouchable:
        def __getattr__(self, name):
            raise AssertionError(f"the store was used ({name}) for a malformed token")

    assert subscriptions.confirm(Untouchable(), token) is subscriptions.Outcome.UNKNOWN
    assert subscriptions.unsubscribe(Untouchable(), token) is subscriptions.Outcome.UNKNOWN


def test_a_well_formed_token_that_was_never_issued_is_refused(store):
    request(store, "pm@fund.example", client="a")
    stranger = secrets.token_urlsafe(24)
    assert subscriptions.confirm(store, stranger) is subscriptions.Outcome.UNKNOWN
    assert subscriptions.unsubscribe(store, stranger) is subscriptions.Outcome.UNKNOWN
    assert subscriptions.active(store) == []


# ------------------------------------------------------------------ the client key
@pytest.mark.parametrize(
    ("peer", "forwarded", "key"),
    [
        ("81.2.69.160", [], "ip:81.2.69.160"),
        ("81.2.69.160", ["10.0.0.1"], "ip:81.2.69.160"),  # a public peer: its own header is not believed
        ("172.18.0.4", ["1.2.3.4, 81.2.69.161"], "ip:81.2.69.161"),  # our proxy's: its last entry only
        ("172.18.0.4", ["1.2.3.4", "81.2.69.161"], "ip:81.2.69.161"),  # the header the proxy set
        (None, ["81.2.69.161"], "ip:81.2.69.161"),  # a proxy on the same host
        ("172.18.0.4", ["not an address"], "ip:172.18.0.4"),  # a private client without a proxy
        ("172.18.0.4", [], "ip:172.18.0.4"),
        (None, [], "session:s-1"),
        (None, ["x" * 5000], "session:s-1"),
        (None, ["81.2.69.161 " * 500], "session:s-1"),
        (object(), [], "session:s-1"),  # not a string (as under AppTest)
        ("2a00:1450:4001:81c::200e", [], "ip:2a00:1450:4001:81c::/64"),
    ],
)
def test_the_client_key_trusts_forwarded_for_only_from_a_proxy_of_ours(peer, forwarded, key):
    assert client_key(peer, forwarded, "s-1") == key


# ------------------------------------------------------------------ the migration
def test_a_store_of_the_old_schema_keeps_its_subscribers_and_their_unsubscribe_links(monkeypatch):
    old_token, pending_token, stale_token = (secrets.token_urlsafe(24) for _ in range(3))
    recent = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds")
    with monkeypatch.context() as before:
        before.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:4])
        with Store().transaction() as conn:
            long_ago = "2026-10-01T08:00:00+00:00"
            conn.executemany(
                """INSERT INTO subscribers (email, pairs, token, created_at, confirmed_at, unsubscribed_at)
                   VALUES (?, ?, ?, ?, ?, NULL)""",
                [
                    ("PM@Fund.example", '[["walcl", "tlt"]]', old_token, long_ago, long_ago),
                    ("new@fund.example", '[["spy", "gld"]]', pending_token, recent, None),
                    ("stale@fund.example", '[["spy", "gld"]]', stale_token, long_ago, None),
                ],
            )
    store = Store()
    with store.connection() as conn:
        columns = [d[0] for d in conn.execute("SELECT * FROM subscribers").description]
    assert "token" not in columns and "confirm_hash" in columns
    assert subscriptions.active(store) == [subscriptions.Subscriber("pm@fund.example", [("walcl", "tlt")])]
    assert subscriptions.confirm(store, old_token) is subscriptions.Outcome.UNKNOWN  # confirms nothing now
    assert subscriptions.confirm(store, stale_token) is subscriptions.Outcome.EXPIRED
    assert subscriptions.confirm(store, pending_token) is subscriptions.Outcome.CONFIRMED
    assert subscriptions.unsubscribe(store, old_token) is subscriptions.Outcome.UNSUBSCRIBED
    assert subscriptions.active(store) == [subscriptions.Subscriber("new@fund.example", [("spy", "gld")])]
