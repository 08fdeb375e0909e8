"""The compare page's signup box for the daily digest, and the confirm / unsubscribe page's work."""

from __future__ import annotations

import ipaddress
import smtplib

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ..jobs import digest, subscriptions
from ..metrics.catalog import catalog
from .data import get_store
from .pickers import pair_label


def _mark_submitted() -> None:
    st.session_state["_digest_submitted"] = True


def client_key(peer: object, forwarded: list[str], session_id: str) -> str:
    """Who is signing up, as well as the page can tell, for the per-client limit.

    `peer` is the TCP peer (st.context.ip_address: None on loopback). A public peer is the browser
    itself: X-Forwarded-For is then whatever the browser chose to send, so it is ignored. A loopback
    or private peer is taken for a proxy of this deployment (compose.yaml's nginx, on the container
    network), and only the last X-Forwarded-For entry is trusted: nginx appends the address it saw,
    while earlier entries come from the browser. (A private network that reaches the app without a proxy
    could forge it; the per-address limits still hold there.) IPv6 clients are keyed by their /64,
    which one household usually holds whole. Without an address, the session: a new tab is a new key,
    which the per-address limits bound.
    """
    address = _ip(peer)
    if address is None or not address.is_global:
        entries = [e.strip() for header in forwarded[-1:] for e in header[:1000].split(",")]
        address = (_ip(entries[-1]) if entries else None) or address
    if address is None:
        return f"session:{session_id}"[:200]
    if address.version == 6:
        return f"ip:{ipaddress.ip_network(f'{address}/64', strict=False)}"
    return f"ip:{address}"


def _ip(text: object) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not isinstance(text, str) or len(text) > 45:
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _this_client() -> str:
    ctx = get_script_run_ctx()
    return client_key(
        st.context.ip_address,
        st.context.headers.get_all("X-Forwarded-For"),
        ctx.session_id if ctx else "none",
    )


def signup_box(a_id: str, b_id: str) -> None:
    with st.expander("Daily digest by email", icon=":material/mail:"):
        try:
            settings = subscriptions.SmtpSettings.from_environment()
        except ValueError as exc:
            st.error(f"Email is misconfigured on this deployment: {exc}.")
            return
        if settings is None:
            st.caption(
                "Email digests are not set up on this deployment (its operator sets CONVEX_SMTP_HOST). "
                "The digest is also an Atom feed: /app/static/digest.atom."
            )
            return
        pairs = list(dict.fromkeys([(a_id, b_id), *catalog().featured]))
        labels = {pair_label(a, b): (a, b) for a, b in pairs}
        with st.form("digest_signup"):
            st.caption(
                "Every morning: the screener's top divergences, the moves of the pairs you follow and "
                "any data that went stale. You confirm from the first message; every digest has an "
                "unsubscribe link."
            )
            email = st.text_input(
                "Email address",
                max_chars=subscriptions.MAX_ADDRESS,
                placeholder="name@example.com",
                key="digest_email",
            )
            chosen = st.multiselect("Pairs to follow", list(labels), default=[next(iter(labels))])
            st.form_submit_button("Subscribe", key="digest_subscribe", on_click=_mark_submitted)
        # A flag set by the callback, not the button's value: a rerun the page itself asks for
        # in the same run (the lookback control's) would otherwise swallow the click.
        if not st.session_state.pop("_digest_submitted", False):
            return
        try:
            signup = subscriptions.subscribe(
                get_store(), email, [labels[c] for c in chosen], catalog().__contains__,
                client=_this_client(),
            )  # fmt: skip
        except subscriptions.InvalidSignup as exc:  # SignupLimited too: its text says when to retry
            st.error(str(exc), icon=":material/error:")
            return
        try:
            subscriptions.send_confirmation(settings, signup, digest.base_url())
        except (OSError, smtplib.SMTPException):
            st.error("The confirmation message could not be sent just now; please try again later.")
            return
        # The same words for a new subscription and a change: the page never tells whoever typed the
        # address whether it is subscribed (the message to the address says which it is).
        st.success("Check your inbox: confirm the subscription from the message just sent.")


# What the link page says for each outcome: fixed texts, so nothing from the URL is ever shown.
_SAID = {
    subscriptions.Outcome.CONFIRMED: "Subscription confirmed: the next daily digest goes to your inbox.",
    subscriptions.Outcome.CHANGED: "Pairs changed: the next daily digest follows the pairs you chose.",
    subscriptions.Outcome.UNSUBSCRIBED: "Unsubscribed: no more digests will be sent to this address.",
    subscriptions.Outcome.EXPIRED: (
        f"This confirmation link has expired (links work for "
        f"{int(subscriptions.CONFIRM_EXPIRY.total_seconds() // 3600)} hours). Sign up again from the "
        "compare page's “Daily digest by email” box."
    ),
}
_UNKNOWN = {
    "confirm": "This confirmation link is not valid: it may have been used already or replaced by a newer "
    "one.",
    "unsubscribe": "This unsubscribe link is not valid.",
}
_ACTIONS = {"confirm": subscriptions.confirm, "unsubscribe": subscriptions.unsubscribe}


def handle_token() -> None:
    """`?confirm=<token>` or `?unsubscribe=<token>`: do it and say what was done (texts of our own)."""
    kind = next((k for k in _ACTIONS if k in st.query_params), None)
    if kind is None:
        st.info("Subscribe from the compare page's “Daily digest by email” box.")
        return
    outcome = _ACTIONS[kind](get_store(), st.query_params.get(kind))
    if outcome is subscriptions.Outcome.UNKNOWN:
        st.error(_UNKNOWN[kind], icon=":material/error:")
    elif outcome is subscriptions.Outcome.EXPIRED:
        st.warning(_SAID[outcome], icon=":material/schedule:")
    else:
        st.success(_SAID[outcome], icon=":material/check_circle:")
