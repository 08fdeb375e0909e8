"""Confirm or end a digest subscription from the link in a message."""

from __future__ import annotations

import streamlit as st

from convex import ui
from convex.ui import digest_signup

ui.ensure_app_navigation()
st.title("Daily digest")
digest_signup.handle_token()
