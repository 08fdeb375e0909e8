"""Digest by email against a real SMTP server on loopback (aiosmtpd): double opt-in, one message
per subscriber per day, unsubscribe, and hostile signups refused with nothing stored."""

from __future__ import annotations

import email
import re
import socket
from email import policy

import pytest
import streamlit as st
from aiosmtpd.controller import Controller
from streamlit.testing.v1 import AppTest

from convex.cli import main
from convex.jobs import subscriptions
from convex.metrics.catalog import catalog
from convex.store import Store
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
        subscriptions.subscribe(store, address, [("walcl", "tlt")], catalog().__contains__)
    assert address.strip() == "" or address not in str(refused.value)  # the input is never echoed
    assert subscriber_rows(store) == 0


def test_unknown_or_too_many_pairs_are_refused(store):
    for pairs in ([], [("walcl", "nope")], [("walcl", "tlt; DROP TABLE subscribers")], [("spy", "tlt")] * 21):
        with pytest.raises(subscriptions.InvalidSignup):
            subscriptions.subscribe(store, "pm@fund.example", pairs, catalog().__contains__)
    assert subscriber_rows(store) == 0


def test_double_opt_in_then_one_digest_a_day_then_unsubscribe(store, inbox, capsys):
    sub = subscriptions.subscribe(store, "PM@Fund.example", [("walcl", "tlt")], catalog().__contains__)
    settings = subscriptions.SmtpSettings.from_environment()
    subscriptions.send_confirmation(settings, sub, "https://convex.test")
    assert inbox.recipients == [["pm@fund.example"]]
    link = re.search(r"https://convex.test/subscribe\?confirm=(\S+)", body(inbox.messages[0]))
    assert link and link.group(1) == sub.token

    # Not confirmed yet: nothing goes out.
    assert main(["digest", "--date", "2026-11-18", "--send"]) == 0
    assert len(inbox.messages) == 1
    assert subscriptions.confirm(store, link.group(1)) == "pm@fund.example"

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
    assert subscriptions.unsubscribe(store, token) == "pm@fund.example"
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
    sub = subscriptions.subscribe(store, "pm@fund.example", [("walcl", "tlt")], catalog().__contains__)
    subscriptions.confirm(store, sub.token)
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
