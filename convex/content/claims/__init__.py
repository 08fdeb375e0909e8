"""Sentences that state what the pair statistics show, and only that.

Every function takes the two metrics and the PairReport and returns a `Claim`: a long text for
the FAQ, a short one for the summary list, and a machine-readable verdict. A claim follows the
data, with these thresholds (all two-sided, 5 % level):

* Lead: "A leads B by k periods" only when the best lag k != 0 and its correlation clears the
  noise band widened for the number of lags tried (Bonferroni: z at 1 - 0.05 / (2 m) over
  sqrt(n) for m = 2L + 1 lags; LeadLag.significant_adjusted when the analytics provide it). The
  single-lag `significant` flag, which pure noise clears at one of 25 lags most of the time,
  never earns a lead claim on its own. A non-zero best lag that clears only the single-lag band
  is reported as not significant once the lags tried are allowed for; a significant lag-0
  correlation as "moving together".
  Sign convention: best_lag k > 0 pairs A at t with B at t + k, so A leads B.
* Granger: "helps predict" only when the Bonferroni-adjusted p (smallest p times lags tried)
  is below 0.05; never "causes".
* Hedge: a significantly negative correlation of changes makes A a diversifier for B; hedge
  effectiveness (share of B's change variance removed by the regression hedge) of at least
  HEDGE_EFFECTIVE makes it "an effective hedge", at least HEDGE_PARTIAL "a partial hedge".
  A significantly positive correlation with the same effectiveness means a short position in A
  hedges B (positive beta), never that holding A does.
* A figure is always quoted with n and the lookback; with too little data the text says so and
  quotes no statistic.
"""

from convex.content.claims.base import (
    SIGNIFICANCE,
    Claim,
    Context,
    thesis_verdict,
    window_moves,
)
from convex.content.claims.correlation import (
    cointegration_sentence,
    correlation,
    correlation_details,
    correlation_figure,
    levels_sentence,
    levels_short,
)
from convex.content.claims.hedging import (
    HEDGE_EFFECTIVE,
    HEDGE_PARTIAL,
    beta_against_correlation,
    beta_label,
    beta_phrase,
    hedge,
)
from convex.content.claims.leads import granger, lead_lag
from convex.content.claims.regimes import divergence, regimes, standing

__all__ = [
    "HEDGE_EFFECTIVE",
    "HEDGE_PARTIAL",
    "SIGNIFICANCE",
    "Claim",
    "Context",
    "beta_against_correlation",
    "beta_label",
    "beta_phrase",
    "cointegration_sentence",
    "correlation",
    "correlation_details",
    "correlation_figure",
    "divergence",
    "granger",
    "hedge",
    "lead_lag",
    "levels_sentence",
    "levels_short",
    "regimes",
    "standing",
    "thesis_verdict",
    "window_moves",
]
