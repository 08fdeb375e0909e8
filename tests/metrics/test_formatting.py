"""Numbers in words that never say more than the figure: a share that is not all is never "100%",
a change past +1,000% is grouped, not printed to the hundredth."""

from __future__ import annotations

import pytest

from convex.metrics.catalog import catalog
from convex.metrics.formatting import format_change, format_share


@pytest.mark.parametrize(
    ("share", "words"),
    [
        (0.42, "42%"),
        (1.0, "100%"),
        (0.996, "over 99%"),  # HYG's level beside one higher day: not "100% of its history"
        (0.0, "0%"),
        (0.004, "under 1%"),
        (0.005, "under 1%"),  # 0.5 prints as "0" (half to even)
        (0.9951, "over 99%"),
        (None, "n/a"),
    ],
)
def test_a_share_is_never_rounded_to_all_or_none(share, words):
    assert format_share(share) == words


def test_percent_changes_past_a_thousand_percent_are_grouped():
    btc = catalog().get("btc")
    assert format_change(1405032.4919, btc) == "+140,503,249%"
    assert format_change(-0.5, btc) == "-50.00%"
    assert format_change(9.99, btc) == "+999.00%"
