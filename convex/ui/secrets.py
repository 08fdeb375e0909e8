"""Keys from Streamlit secrets, copied into the environment where the sources and the store look."""

from __future__ import annotations

import os

import streamlit as st

SECRET_NAMES = (
    "CONVEX_DATABASE_URL",
    "FRED_API_KEY",
    "COINGECKO_API_KEY",
    "CONVEX_BASE_URL",
    "CONVEX_SMTP_HOST",
    "CONVEX_SMTP_PORT",
    "CONVEX_SMTP_TLS",
    "CONVEX_SMTP_USER",
    "CONVEX_SMTP_PASSWORD",
    "CONVEX_SMTP_FROM",
)


_SECRETS_APPLIED: list = []  # the secrets object last copied (one per server, unless replaced)


def apply_secrets() -> None:
    """Copy keys from Streamlit secrets into the environment, where the sources look for them: once
    per secrets object, not on every rerun."""
    if _SECRETS_APPLIED and _SECRETS_APPLIED[0] is st.secrets:
        return
    _SECRETS_APPLIED[:] = [st.secrets]
    for name in SECRET_NAMES:
        try:
            value = st.secrets.get(name)
        except Exception:  # no secrets.toml at all raises; the environment may still have the key
            value = None
        if value and not os.environ.get(name):
            os.environ[name] = str(value)
