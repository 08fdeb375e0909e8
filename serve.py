"""Convex's server: the app (app.py and its pages) and its read-only JSON API (/api/v1/..., see
convex/api/http.py) from one process, on Streamlit's own ASGI server (st.App, Streamlit >= 1.57).

    streamlit run serve.py      # what `make run` and the Docker image start

`streamlit run app.py` still serves the app alone, without the API.
"""

from contextlib import asynccontextmanager

import streamlit as st

from convex.api.http import routes


@asynccontextmanager
async def lifespan(_app):
    # Secrets (CONVEX_DATABASE_URL, ...) into the environment before the first API call, as app.py
    # does before the first page: the API reads the same store.
    from convex import ui

    ui.apply_secrets()
    yield


app = st.App("app.py", routes=routes(), lifespan=lifespan)
