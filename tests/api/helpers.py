"""A store the API tests share the shape of: live synthetic series for a few catalog metrics, an upload
kept in the store and, where asked, the offline samples."""

from __future__ import annotations

from convex.data.uploads import read_upload
from convex.store import Store
from tests.fakes import synthetic_series

STORED = ("walcl", "tlt", "spy", "gld", "dgs10")
# An upload's name keeps & and ' (convex.metrics.names): the HTML of a result must escape them.
UPLOAD_NAME = "Fund & Co's NAV"


def fill(store: Store) -> str:
    """Write the STORED series and keep one upload; the upload's id."""
    for seed, metric_id in enumerate(STORED):
        store.write_series(metric_id, synthetic_series(metric_id, years=8, seed=seed), provenance="live",
                           source="test")  # fmt: skip
    values = synthetic_series("spy", years=4, seed=11)
    data = ("date,value\n" + "".join(f"{d:%Y-%m-%d},{v}\n" for d, v in values.items())).encode()
    upload = read_upload(f"{UPLOAD_NAME}.csv", data)
    upload_id = upload.metric_id("daily", "pct")
    assert store.write_upload(upload_id, upload.name, "daily", "pct", upload.series, upload.detail)
    return upload_id
