"""CX survey metrics with honest uncertainty: NPS, CSAT top-2-box and CES mean, each with a 95 % interval.

Every function returns an :class:`Estimate`; one built from fewer than ``min_n`` answers (30 by default, the
config's ``surveys.min_responses``) is ``flagged_low_n``, and one built from no answers has ``value None``.

Definitions and sources:

- **NPS** (Reichheld 2003, "The One Number You Need to Grow", HBR): on the 0-10 "how likely are you to
  recommend" question, promoters answer 9-10, passives 7-8, detractors 0-6; NPS = % promoters - % detractors,
  from -100 to +100 points. Its standard error comes from the trinomial variance of the difference of two
  shares of one sample: Var(p - d) = (p + d - (p - d)^2) / n (Rocks 2016, "Interval Estimation for the 'Net
  Promoter Score'", The American Statistician 70(4)). The 95 % interval is the **adjusted Wald** interval
  (Rocks 2016; Sauro & Lewis, "Quantifying the User Experience", 2nd ed. 2016): add 3/4 of a promoter and 3/4 of
  a detractor (and so 3/2 of a passive): n' = n + 3, p' = (P + 0.75)/n', d' = (D + 0.75)/n',
  se' = sqrt((p' + d' - (p' - d')^2) / n'), interval (p' - d') +/- 1.96 se', clipped to [-100, 100]. Unlike
  the plain Wald interval it does not collapse to a point when every answer is a promoter, and keeps close to
  95 % coverage for small samples.
- **CSAT top-2-box**: share of answers 4 or 5 on the 1-5 satisfaction scale, in %, with the **Wilson** score
  interval (Wilson 1927; recommended over the Wald interval by Brown, Cai & DasGupta 2001, "Interval
  Estimation for a Binomial Proportion", Statistical Science 16(2)).
- **CES mean**: the mean answer, on a 1-7 scale where 7 = least effort (see :func:`ces_normalise`; CES 2.0,
  Dixon, Freeman & Toman 2010, "Stop Trying to Delight Your Customers", HBR), with the Student t interval
  mean +/- t(0.975, n-1) * s / sqrt(n). With one answer the interval (and standard error) is undefined (None);
  with every answer the same, the t interval would be a point, and the distribution-free bound is given instead
  (:func:`ces_from_stats`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from scipy import stats
from statsmodels.stats.proportion import proportion_confint

Z95 = 1.96  # the two-sided 95 % normal quantile, as the published NPS and Wilson formulas use it
MIN_N = 30


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its 95 % interval. NPS in points (-100..100), CSAT in %, CES on 1-7."""

    value: float | None
    low: float | None
    high: float | None
    se: float | None
    n: int
    flagged_low_n: bool

    @classmethod
    def empty(cls) -> Estimate:
        return cls(None, None, None, None, 0, True)


def _answers(scores: Iterable, low: int, high: int, what: str) -> list[int]:
    """Whole-number answers in [low, high]; None and NaN are unanswered and skipped; anything else raises."""
    out = []
    for s in scores:
        if s is None or (isinstance(s, float) and math.isnan(s)):
            continue
        if isinstance(s, bool) or not float(s).is_integer() or not low <= s <= high:
            raise ValueError(f"{what} answers are whole numbers {low}-{high}, got {s!r}")
        out.append(int(s))
    return out


# -- NPS -----------------------------------------------------------------------------------------------------
def nps_from_counts(promoters: int, passives: int, detractors: int, min_n: int = MIN_N) -> Estimate:
    """NPS (points) from the counts of promoters (9-10), passives (7-8) and detractors (0-6).

    Point estimate 100 (P - D) / n; ``se`` from the trinomial variance (Rocks 2016); interval: adjusted Wald
    (n' = n + 3, +0.75 promoter and detractor), clipped to [-100, 100] and widened to hold the point estimate
    (which the adjustment pulls the interval away from at a handful of answers: one promoter is 100, [-48, 99]
    before). See the module docstring.
    """
    if min(promoters, passives, detractors) < 0:
        raise ValueError("counts cannot be negative")
    n = promoters + passives + detractors
    if n == 0:
        return Estimate.empty()
    p, d = promoters / n, detractors / n
    se = math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)
    n_adj = n + 3
    p_adj, d_adj = (promoters + 0.75) / n_adj, (detractors + 0.75) / n_adj
    se_adj = math.sqrt((p_adj + d_adj - (p_adj - d_adj) ** 2) / n_adj)
    centre, value = p_adj - d_adj, 100 * (p - d)
    return Estimate(
        value=value,
        low=min(value, max(-100.0, 100 * (centre - Z95 * se_adj))),
        high=max(value, min(100.0, 100 * (centre + Z95 * se_adj))),
        se=100 * se,
        n=n,
        flagged_low_n=n < min_n,
    )


def nps_counts(scores: Iterable) -> tuple[int, int, int]:
    """(promoters 9-10, passives 7-8, detractors 0-6) of 0-10 answers; None/NaN answers are skipped."""
    answers = _answers(scores, 0, 10, "NPS")
    promoters = sum(a >= 9 for a in answers)
    detractors = sum(a <= 6 for a in answers)
    return promoters, len(answers) - promoters - detractors, detractors


def nps(scores: Iterable, min_n: int = MIN_N) -> Estimate:
    """Net Promoter Score of 0-10 answers: % promoters (9-10) - % detractors (0-6), with the adjusted-Wald
    95 % interval of Rocks (2016) / Sauro & Lewis (2016). See :func:`nps_from_counts`."""
    return nps_from_counts(*nps_counts(scores), min_n=min_n)


# -- CSAT ----------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1 << 16)
def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson (1927) score interval for a binomial share, as fractions in [0, 1] (statsmodels'
    ``proportion_confint(method="wilson")``; Brown, Cai & DasGupta 2001 recommend it for small n).

    Cached: the nightly rollup asks for the same small (successes, n) pairs thousands of times, and each
    statsmodels call costs a scipy quantile (0.15 ms)."""
    if n <= 0:
        raise ValueError("n must be positive")
    if not 0 <= successes <= n:
        raise ValueError("successes must be within 0..n")
    low, high = proportion_confint(successes, n, alpha=1 - confidence, method="wilson")
    # at 0 or n successes the bound is exactly 0 or 1, which the floating-point formula misses by 1e-16
    return (0.0 if successes == 0 else float(low)), (1.0 if successes == n else float(high))


def csat_top2_from_counts(top2: int, n: int, min_n: int = MIN_N) -> Estimate:
    """CSAT top-2-box (%) from the number of 4-5 answers among ``n`` 1-5 answers, with the Wilson interval."""
    if n == 0:
        return Estimate.empty()
    low, high = wilson_interval(top2, n)
    p = top2 / n
    return Estimate(100 * p, 100 * low, 100 * high, 100 * math.sqrt(p * (1 - p) / n), n, n < min_n)


def csat_top2(scores: Iterable, min_n: int = MIN_N) -> Estimate:
    """CSAT as the top-2-box share: % of 1-5 answers that are 4 or 5, with the Wilson 95 % interval."""
    answers = _answers(scores, 1, 5, "CSAT")
    return csat_top2_from_counts(sum(a >= 4 for a in answers), len(answers), min_n=min_n)


# -- CES -----------------------------------------------------------------------------------------------------
def ces_normalise(value: float, scale: int = 7, lower_is_better: bool = False) -> float:
    """A CES answer on the common 1-7 scale where 7 = least effort.

    A lower-is-better question ("how much effort did you have to put in", 1 = very low) is flipped
    (x -> scale + 1 - x); a 5-point scale is mapped linearly onto 1-7 (1 -> 1, 3 -> 4, 5 -> 7), so sources
    that ask differently can be averaged together.
    """
    if scale not in (5, 7):
        raise ValueError(f"CES scale is 5 or 7, not {scale}")
    if not 1 <= value <= scale:
        raise ValueError(f"CES answer {value} is outside 1-{scale}")
    easy = scale + 1 - value if lower_is_better else value
    return 1 + (easy - 1) * 6 / (scale - 1)


@lru_cache(maxsize=4096)
def _t975(df: int) -> float:
    """The Student t 0.975 quantile (cached: a scipy call costs 0.1 ms, and the rollup asks per group)."""
    return float(stats.t.ppf(0.975, df))


def ces_from_stats(n: int, mean: float | None, sd: float | None, min_n: int = MIN_N) -> Estimate:
    """CES mean with the Student t 95 % interval, from n, the mean and the sample standard deviation (n - 1);
    the interval clipped to the 1-7 scale the answers are on (a t interval of a few answers near an end of the
    scale reaches past it). When every answer is the same (sd 0) the t interval is a point; the interval is then
    the distribution-free bound: the population may hold a share of other answers up to the Clopper-Pearson
    upper limit for 0 of n, each at worst at the far end of the scale (30 answers of 7: 6.31 to 7)."""
    if n == 0 or mean is None:
        return Estimate.empty()
    if n == 1 or sd is None:
        return Estimate(float(mean), None, None, None, n, n < min_n)
    if sd < 1e-9:  # every answer the same: the t interval would be a point, certainty the answers cannot give
        _, other = proportion_confint(0, n, alpha=0.05, method="beta")  # share of other answers, 0 of n seen
        return Estimate(float(mean), mean - other * (mean - 1), mean + other * (7 - mean), 0.0, n, n < min_n)
    se = sd / math.sqrt(n)
    half = _t975(n - 1) * se
    return Estimate(float(mean), max(1.0, mean - half), min(7.0, mean + half), se, n, n < min_n)


def ces_mean(scores: Iterable, min_n: int = MIN_N) -> Estimate:
    """Mean CES (answers already on one scale, e.g. :func:`ces_normalise`d 1-7) with the t 95 % interval."""
    answers = []
    for s in scores:
        if s is None or (isinstance(s, float) and math.isnan(s)):
            continue
        if isinstance(s, bool) or not math.isfinite(float(s)):
            raise ValueError(f"CES answers are numbers, got {s!r}")
        answers.append(float(s))
    n = len(answers)
    if n == 0:
        return Estimate.empty()
    mean = sum(answers) / n
    sd = math.sqrt(sum((a - mean) ** 2 for a in answers) / (n - 1)) if n > 1 else None
    return ces_from_stats(n, mean, sd, min_n=min_n)
