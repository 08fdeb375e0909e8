"""PostgreSQL going away and coming back, seen in a real browser: the page says the store is
unavailable, then shows the data again by itself (its retry fragment reruns it), with no reload and no
restart of the app. (AppTest does not run a fragment's timer: this is where the retry is tested.)"""

from __future__ import annotations

import time

import pytest

from convex.store import Store
from tests.e2e.conftest import running_app, wait_for_app
from tests.reliability.helpers import fill_store

pytestmark = pytest.mark.browser


def test_a_page_says_the_store_is_down_and_shows_the_data_again_by_itself(page, own_server, tmp_path):
    fill_store({"walcl": "fred", "tlt": "yahoo"}, store=Store(own_server.url))
    with running_app(tmp_path, CONVEX_DATABASE_URL=own_server.url) as url:
        own_server.stop()
        page.goto(f"{url}/?a=walcl&b=tlt")
        wait_for_app(page)
        message = page.get_by_text("The data store is unavailable (its PostgreSQL", exact=False)
        assert message.is_visible()
        assert page.locator("[data-testid='stException']").count() == 0
        assert str(own_server.port) not in page.locator("[data-testid='stMain']").inner_text()

        own_server.start()
        back = time.monotonic()
        heading = page.get_by_role("heading", name="Fed Balance Sheet vs 20Y+ Treasury (TLT)")
        heading.wait_for(timeout=30_000)  # no reload: the page's own retry, every 5 s
        print(f"data shown again {time.monotonic() - back:.1f} s after the server started")  # with -s
        assert not message.is_visible()
        assert page.locator("[data-testid='stException']").count() == 0
