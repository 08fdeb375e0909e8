"""The compare page's signup box for the daily digest, and the confirm / unsubscribe page's work."""

from __future__ import annotations

import smtplib

import streamlit as st

from ..jobs import digest, subscriptions
from ..metrics.catalog import catalog
from .data import get_store
from .pickers import pair_label


def _mark_submitted() -> None:
    st.session_state["_digest_submitted"] = True


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
            subscriber = subscriptions.subscribe(
                get_store(), email, [labels[c] for c in chosen], catalog().__contains__
            )
        except subscriptions.InvalidSignup as exc:
            st.error(str(exc), icon=":material/error:")
            return
        try:
            subscriptions.send_confirmation(settings, subscriber, digest.base_url())
        except (OSError, smtplib.SMTPException):
            st.error("The confirmation message could not be sent just now; please try again later.")
            return
        st.success("Check your inbox: confirm the subscription from the message just sent.")


def handle_token() -> None:
    """`?confirm=<token>` or `?unsubscribe=<token>`: do it and say what was done."""
    store = get_store()
    if token := st.query_params.get("confirm"):
        email = subscriptions.confirm(store, token)
        if email:
            st.success("Subscription confirmed: the next daily digest goes to your inbox.")
        else:
            st.error("This confirmation link is not valid (it may have been replaced by a newer one).")
    elif token := st.query_params.get("unsubscribe"):
        if subscriptions.unsubscribe(store, token):
            st.success("Unsubscribed: no more digests will be sent to this address.")
        else:
            st.error("This unsubscribe link is not valid.")
    else:
        st.info("Subscribe from the compare page's “Daily digest by email” box.")
