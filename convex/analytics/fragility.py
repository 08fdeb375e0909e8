"""Lead-lag and Granger calls across the range of release dates the data allow.

Where a value's release day is not known, the "as published" alignment dates it by its release
rule, the latest it came out in recent years, so that no value is used early. It may have come out
earlier, by as much as the shortest recent lag allows. A lead or a Granger verdict that changes when
every such value is dated at that earliest day instead turns on a few days of release timing: it is
fragile, not a finding (the pair page says so).
"""

from __future__ import annotations

from dataclasses import dataclass

from convex.analytics.granger import GrangerStats
from convex.analytics.lead_lag import LeadLag
from convex.analytics.serialise import JsonResult


@dataclass(frozen=True)
class ReleaseFragility(JsonResult):
    """The tests again on the earliest dating, and which calls differ from the rule's."""

    lead_lag: LeadLag  # on the earliest dating
    granger: GrangerStats  # on the earliest dating
    lead_fragile: bool
    a_to_b_fragile: bool
    b_to_a_fragile: bool

    @property
    def fragile(self) -> bool:
        return self.lead_fragile or self.a_to_b_fragile or self.b_to_a_fragile


def lead_call(ll: LeadLag) -> int | None:
    """Who the page says leads: +1 for A, -1 for B, None when no lag clears the band for every lag
    tried (or the best is the same period). How many periods ahead may differ between datings without
    making the call fragile; the page gives both."""
    if ll.insufficient is not None or ll.best_lag is None or not ll.significant_adjusted or ll.best_lag == 0:
        return None
    return 1 if ll.best_lag > 0 else -1


def release_fragility(
    lead: LeadLag, granger: GrangerStats, earliest_lead: LeadLag, earliest_granger: GrangerStats
) -> ReleaseFragility:
    """Compare the calls on the rule's dating (`lead`, `granger`) with those on the earliest."""
    return ReleaseFragility(
        lead_lag=earliest_lead,
        granger=earliest_granger,
        lead_fragile=lead_call(lead) != lead_call(earliest_lead),
        a_to_b_fragile=bool(granger.a_to_b.significant) != bool(earliest_granger.a_to_b.significant),
        b_to_a_fragile=bool(granger.b_to_a.significant) != bool(earliest_granger.b_to_a.significant),
    )
