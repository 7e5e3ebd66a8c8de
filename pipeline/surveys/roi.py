"""What CX is worth, in numbers: churn by NPS group, revenue at risk, the value of an NPS point, key drivers.

Pure functions over plain numbers and arrays; the warehouse is read by :mod:`pipeline.surveys.worth` and
:mod:`pipeline.surveys.rollup`. Everything here is **association, not proof of cause**: detractors may leave for
the very reasons that made them detractors (a price rise, a move), so "what a point of NPS is worth" is what
the data associate with it, not what an intervention would return. Only a holdout (customers picked at random
to get, or not get, the fix) would measure the effect itself.

**Churn by NPS group** (:func:`churn_rate`, :func:`churn_by_nps`). A *respondent* is a customer of the
customer list linked to a survey answer (``customer_id``) and active on the answer's day; a customer who
answered more than once in a quarter counts once, with their latest answer. The respondent *churned* when
their customer record ends within ``window_days`` days after the answer (``end_date`` in ``(day, day + N]``;
N = ``surveys.cx.churn_window_days``, 90 by default, a quarter: long enough for most cancellations to go
through, short enough to stay tied to the answer). Only respondents whose window has ended by the customer
list's last day count; the others are *pending*. Each rate comes with its Wilson 95 % interval
(``statsmodels.stats.proportion.proportion_confint(method="wilson")``; Brown, Cai & DasGupta 2001). Groups of
fewer than ``min_n`` respondents (``surveys.min_responses``, 30) are flagged ``low_n``: shown, not hidden.

**Relative risk** (:func:`relative_risk`), detractors (0-6) against promoters (9-10): RR = (a / n1) / (c / n0)
with a of n1 detractors and c of n0 promoters churned, and the 95 % interval of the **log method** (Katz et al.
1978): exp(ln RR +/- 1.96 se), se = sqrt(1/a - 1/n1 + 1/c - 1/n0) (``statsmodels`` ``Table2x2``). With no
churner in one group the logarithm is undefined: **0.5 is added to each of the four cells** (the
Haldane-Anscombe correction; Haldane 1956, Anscombe 1956) and ``method`` says so; so it is when every respondent
of both groups churned, where se is 0 and the interval would be the point RR = 1. With no churner in either
group, or no respondent in one, RR is None and ``note`` says why.

**Revenue at risk and the value of a point** (:func:`cx_worth`). The churn gap of a group is its churn rate
minus the promoters' (measured on respondents whose window has ended; :mod:`pipeline.surveys.worth` pools the
history one answer per customer, their latest such answer). For the current detractors (and
passives): those whose latest answer falls in the latest window and who are still customers,

    revenue at risk = churn gap x the sum of their CLV

(CLV from ``customer_metrics``: each customer's segment's). It is the CLV the excess churn would take in one
window, if the gap held. **One point of NPS**: moving 1 % of the active customer base from detractor to
promoter (+2 NPS points: 1 point fewer detractors, 1 more promoter) is worth 0.01 x detractor gap x the base's
CLV; half of that is the value of one NPS point (the mean of a detractor -> passive and a passive -> promoter
move, since the two gaps add up to the detractor gap). It assumes that respondents represent the base.

Intervals come from the **bootstrap** over respondents (``scipy.stats.bootstrap``, each NPS group resampled on
its own, percentile 95 % interval) with :data:`RESAMPLES` resamples and the fixed seed :data:`SEED`, so the same
data give the same interval; the CLVs are taken as known. A group in which no respondent (or every one) churned
resamples to the same rate every time, and the bootstrap would take that rate as known (0 to 0 from two groups
of 40 without a churner): a figure that reads such a group gets the **MOVER** interval instead, sum c_g p_g
-/+ sqrt(sum (c_g p_g - c_g l_g)^2), each group's limits l_g from its Wilson interval on the side that lowers
(raises) the sum (Zou & Donner 2008; for a difference of two rates, Newcombe's 1998 hybrid score interval).

**Key drivers** (:func:`relative_weights`, :func:`key_drivers`): how much of the variance of the 0-10 answers
each driver explains, by **Johnson's relative weights** (Johnson 2000, "A heuristic method for estimating the
relative weight of predictor variables in multiple regression", Multivariate Behavioral Research 35(1)). The
predictors are replaced by their closest orthogonal counterparts Z = X R^(-1/2) (R: their correlations), y is
regressed on Z (beta = Lambda^-1 r_xy with Lambda = R^(1/2)), and each predictor's weight is
sum_k Lambda_jk^2 beta_k^2; the weights add up to the model's R^2 and stay meaningful when predictors correlate,
where regression coefficients do not. With uncorrelated predictors the weights are the squared correlations.
They come close to the Shapley-value decomposition of R^2 (Lipovetsky & Conklin 2001) at a fraction of its
2^p regressions. No mainstream Python library implements relative weights, so this is numpy linear algebra
(``eigh``), checked in the tests against squared correlations and a brute-force Shapley decomposition. Intervals
come from :data:`DRIVER_RESAMPLES` bootstrap resamples of respondents (percentile, seed :data:`SEED`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from scipy import stats
from statsmodels.stats.contingency_tables import Table2x2

from pipeline.surveys.metrics import wilson_interval

GROUPS = ("promoter", "passive", "detractor")
PLURAL = {"promoter": "promoters", "passive": "passives", "detractor": "detractors"}
ALL = "_all"
MIN_N = 30  # groups of fewer respondents are flagged low_n (the config's surveys.min_responses)
WINDOW_DAYS = 90  # churn counted within this many days after the answer (surveys.cx.churn_window_days)
CONFIDENCE = 0.95
RESAMPLES = 2000  # revenue at risk: percentile endpoints from 2,000 resamples move by well under 1 % between seeds
DRIVER_RESAMPLES = 1000  # key drivers: a correlation matrix and eigendecomposition per resample
SEED = 20261013  # any fixed seed: the same data always give the same intervals
HALDANE = "log, +0.5 per cell (Haldane-Anscombe)"


def nps_group(score: int | None) -> str | None:
    """promoter (9-10), passive (7-8) or detractor (0-6); None when unanswered."""
    if score is None:
        return None
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


# -- churn by NPS group ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rate:
    """Churned of n respondents, with the Wilson 95 % interval (None when n = 0)."""

    n: int
    churned: int
    rate: float | None
    low: float | None
    high: float | None
    low_n: bool


def churn_rate(churned: int, n: int, min_n: int = MIN_N, confidence: float = CONFIDENCE) -> Rate:
    """The share churned with its Wilson interval (statsmodels)."""
    if not 0 <= churned <= n:
        raise ValueError(f"churned must be within 0..n, got {churned} of {n}")
    if n == 0:
        return Rate(0, 0, None, None, None, True)
    low, high = wilson_interval(churned, n, confidence)
    return Rate(n, churned, churned / n, low, high, n < min_n)


@dataclass(frozen=True)
class RelativeRisk:
    value: float | None
    low: float | None
    high: float | None
    method: str | None  # "log", or HALDANE when a group had no churner
    note: str | None = None  # why value is None


def relative_risk(
    churned_exposed: int, n_exposed: int, churned_reference: int, n_reference: int, confidence: float = CONFIDENCE
) -> RelativeRisk:
    """Relative risk of the exposed group (detractors) against the reference (promoters), log-method interval.

    A zero churner count in one group, or every respondent of both groups churned (the log se is then 0: the
    interval a point), adds 0.5 to every cell (Haldane-Anscombe); zero in both, or an empty group, gives None with
    the reason. See the module docstring."""
    a, n1, c, n0 = churned_exposed, n_exposed, churned_reference, n_reference
    if n1 == 0 or n0 == 0:
        return RelativeRisk(None, None, None, None, f"no {'detractors' if n1 == 0 else 'promoters'} to compare")
    if a == 0 and c == 0:
        return RelativeRisk(None, None, None, None, "no churner in either group")
    table = np.array([[a, n1 - a], [c, n0 - c]], dtype=float)
    method = "log"
    if a == 0 or c == 0 or (a == n1 and c == n0):  # every one of both churned: se 0, a point, not an interval
        table += 0.5
        method = HALDANE
    t = Table2x2(table, shift_zeros=False)
    low, high = t.riskratio_confint(alpha=1 - confidence, method="normal")
    return RelativeRisk(float(t.riskratio), float(low), float(high), method)


def churn_by_nps(observations: Iterable[Mapping], *, window_days: int = WINDOW_DAYS, min_n: int = MIN_N) -> list[dict]:
    """The rows of ``cx_churn_by_nps``: per brand x segment (and ``_all``) x quarter, the churn of each NPS group
    with its interval, and the detractor-vs-promoter relative risk.

    ``observations``: one mapping per respondent with ``brand``, ``segment``, ``quarter_start``, ``nps_group``,
    ``churned`` (bool), ``complete`` (the window ended by ``as_of``) and ``as_of`` (the brand's customer list's
    last day). Pending respondents (not complete) are counted in ``n_pending`` only."""
    cells: dict[tuple, dict] = {}
    for o in observations:
        for segment in (o["segment"], ALL):
            key = (o["brand"], segment, o["quarter_start"])
            cell = cells.setdefault(key, {"as_of": o["as_of"], "pending": 0, **{g: [0, 0] for g in GROUPS}})
            if not o["complete"]:
                cell["pending"] += 1
                continue
            counts = cell[o["nps_group"]]
            counts[0] += 1
            counts[1] += bool(o["churned"])
    out = []
    for (brand, segment, quarter), cell in sorted(cells.items()):
        row = {
            "brand": brand,
            "segment": segment,
            "quarter_start": quarter,
            "window_days": window_days,
            "as_of": cell["as_of"],
            "n_pending": cell["pending"],
        }
        rates = {g: churn_rate(cell[g][1], cell[g][0], min_n) for g in GROUPS}
        for g, r in rates.items():
            p = PLURAL[g]
            row |= {f"n_{p}": r.n, f"churned_{p}": r.churned, f"churn_{p}": r.rate, f"churn_{p}_low": r.low,
                    f"churn_{p}_high": r.high}  # fmt: skip
        rr = relative_risk(
            rates["detractor"].churned, rates["detractor"].n, rates["promoter"].churned, rates["promoter"].n
        )
        if not any(r.n for r in rates.values()):
            rr = RelativeRisk(None, None, None, None, f"no respondent's {window_days} days have passed yet")
        row |= {"rr": rr.value, "rr_low": rr.low, "rr_high": rr.high, "rr_method": rr.method, "rr_note": rr.note}
        row["low_n"] = min(rates["promoter"].n, rates["detractor"].n) < min_n
        out.append(row)
    return out


# -- revenue at risk and the value of a point ---------------------------------------------------------------
@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class Worth:
    """:func:`cx_worth`'s answer. ``note`` says why the money figures are missing, when they are."""

    rates: dict[str, Rate]  # churn of each NPS group among the respondents whose window has ended
    rr: RelativeRisk
    gap: dict[str, float | None] = field(default_factory=dict)  # passive, detractor: churn minus the promoters'
    at_risk: dict[str, Interval] = field(default_factory=dict)  # detractor, passive, total
    move_one_percent: Interval | None = None  # 1 % of the base from detractor to promoter (+2 NPS points)
    per_point: Interval | None = None  # half of that: one NPS point
    resamples: int = RESAMPLES
    seed: int = SEED
    confidence: float = CONFIDENCE
    note: str | None = None
    wilson: tuple[str, ...] = ()  # groups without a churner (or all churners) that a figure reads: its interval MOVER


def cx_worth(
    outcomes: Mapping[str, Sequence[bool]],
    clv_at_risk: Mapping[str, float],
    clv_base: float,
    *,
    min_n: int = MIN_N,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    confidence: float = CONFIDENCE,
) -> Worth:
    """Revenue at risk from current detractors and passives, and the value of an NPS point (module docstring).

    ``outcomes``: per NPS group, whether each respondent whose window has ended churned in it (the churn gap is
    measured on these); ``clv_at_risk``: per group (``detractor``, ``passive``), the summed CLV of its current
    members who are still customers; ``clv_base``: the summed CLV of every active customer."""
    # sorted: the bootstrap's draws pick positions, so the same answers in another order (the night reads them by
    # the respondent's keyed hash, which a rotated author key reshuffles) gave other intervals
    data = {g: np.sort(np.asarray(outcomes.get(g, ()), dtype=float)) for g in GROUPS}
    rates = {g: churn_rate(int(data[g].sum()), len(data[g]), min_n, confidence) for g in GROUPS}
    det, prom = rates["detractor"], rates["promoter"]
    rr = relative_risk(det.churned, det.n, prom.churned, prom.n, confidence)
    if det.n < 2 or prom.n < 2:  # the bootstrap resamples each group: it needs two respondents in each
        missing = "detractors" if det.n < 2 else "promoters"
        return Worth(rates, rr, note=f"fewer than 2 {missing} whose churn window has ended: no churn gap to measure")
    gap = {g: (rates[g].rate - prom.rate if rates[g].n else None) for g in ("passive", "detractor")}
    groups = ["detractor", "promoter"] + (["passive"] if rates["passive"].n >= 2 else [])
    clv = {g: float(clv_at_risk.get(g, 0.0)) for g in ("detractor", "passive")}

    def statistic(*samples, axis=-1):
        means = {g: s.mean(axis=axis) for g, s in zip(groups, samples, strict=True)}
        d_gap = means["detractor"] - means["promoter"]
        p_gap = means["passive"] - means["promoter"] if "passive" in means else d_gap * 0
        return np.stack([d_gap * clv["detractor"], p_gap * clv["passive"],
                         d_gap * clv["detractor"] + p_gap * clv["passive"], 0.01 * d_gap * clv_base])  # fmt: skip

    point = statistic(*(data[g] for g in groups))
    ci = stats.bootstrap(
        tuple(data[g] for g in groups),
        statistic,
        paired=False,
        vectorized=True,
        n_resamples=resamples,
        confidence_level=confidence,
        method="percentile",
        rng=np.random.default_rng(seed),
    ).confidence_interval
    low, high = np.array(ci.low, dtype=float), np.array(ci.high, dtype=float)
    # A group with no churner (or only churners) resamples to the same rate every time: the bootstrap would take
    # it as known, and "0 (0 to 0)" from two groups of 40 without a churner. A figure that reads such a group gets
    # the MOVER interval from the groups' Wilson intervals instead (module docstring); the others keep theirs.
    flat = [g for g in groups if rates[g].churned in (0, rates[g].n)]
    # each figure is a sum of coefficient x group churn rate: the statistic of a rate of 1 in one group, 0 elsewhere
    coef = {g: statistic(*(np.array([float(h == g)]) for h in groups)) for g in groups}
    read = set()  # the flat groups a figure reads: one whose CLV is 0 (no passive still a customer) is read by none
    for k in range(len(point)):
        if reading := {g for g in flat if coef[g][k]}:
            read |= reading
            low[k], high[k] = _mover([(float(coef[g][k]), rates[g]) for g in groups])
    values = [Interval(float(v), float(lo), float(hi)) for v, lo, hi in zip(point, low, high, strict=True)]
    at_risk = {"detractor": values[0], "total": values[2]}
    if "passive" in groups:  # passives are left out of the money with fewer than 2
        at_risk["passive"] = values[1]
    move = values[3]
    half = Interval(move.value / 2, move.low / 2, move.high / 2)
    wilson = tuple(g for g in flat if g in read)
    return Worth(rates, rr, gap, at_risk, move, half, resamples, seed, confidence, wilson=wilson)


def _mover(terms: Sequence[tuple[float, Rate]]) -> tuple[float, float]:
    """The MOVER interval of sum c x rate from each rate's Wilson interval (Zou & Donner 2008; Newcombe's 1998
    hybrid score interval for a difference of two rates)."""
    value = sum(c * r.rate for c, r in terms)
    below = sum((c * r.rate - min(c * r.low, c * r.high)) ** 2 for c, r in terms)
    above = sum((max(c * r.low, c * r.high) - c * r.rate) ** 2 for c, r in terms)
    return value - below**0.5, value + above**0.5


# -- key drivers ---------------------------------------------------------------------------------------------
def relative_weights(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Johnson's (2000) relative weights of the columns of ``x`` (n x p) for ``y`` (n): (raw weights, R^2).

    The raw weights add up to R^2. A column that does not vary gets weight 0. Numpy linear algebra: no
    mainstream library implements the method (see the module docstring)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    weights = np.zeros(x.shape[1])
    varies = np.ptp(x, axis=0) > 0  # not std() > 0: the std of a column of 0.1s is 1.4e-17, and its correlation NaN
    if not varies.any() or np.ptp(y) == 0:
        return weights, 0.0
    corr = np.corrcoef(np.column_stack([x[:, varies], y]), rowvar=False)
    rxx, rxy = corr[:-1, :-1], corr[:-1, -1]
    evals, evecs = np.linalg.eigh(rxx)
    lam = evecs @ np.diag(np.sqrt(np.clip(evals, 0.0, None))) @ evecs.T  # R^(1/2): corr(X, Z)
    beta = np.linalg.pinv(lam) @ rxy  # y regressed on the orthogonal Z
    weights[varies] = (lam**2) @ (beta**2)
    return weights, float(weights.sum())


@dataclass(frozen=True)
class Driver:
    name: str
    weight: float  # raw relative weight: its part of R^2
    share: float  # its share of R^2 (the weights rescaled to add up to 1)
    low: float  # bootstrap interval of share
    high: float


@dataclass(frozen=True)
class DriverResult:
    n: int
    r2: Interval | None
    drivers: list[Driver] = field(default_factory=list)
    groups: dict[str, Interval] = field(default_factory=dict)  # summed shares of named groups of drivers
    resamples: int = DRIVER_RESAMPLES
    seed: int = SEED
    note: str | None = None


def key_drivers(
    x: np.ndarray,
    y: np.ndarray,
    names: Sequence[str],
    *,
    groups: Mapping[str, Sequence[str]] | None = None,
    min_n: int = MIN_N,
    resamples: int = DRIVER_RESAMPLES,
    seed: int = SEED,
    confidence: float = CONFIDENCE,
) -> DriverResult:
    """Relative weights of the drivers (columns of ``x``, named ``names``) for ``y``, with bootstrap intervals.

    ``groups`` names sets of drivers whose shares are also summed (a touchpoint's CSAT and CES), with their own
    intervals. Needs at least ``min_n`` rows and more rows than drivers + 1."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n, p = x.shape
    if n < max(min_n, p + 2):
        return DriverResult(n, None, note=f"too few respondents with every answer ({n}; need {max(min_n, p + 2)})")
    index = {name: i for i, name in enumerate(names)}
    members = {g: [index[m] for m in ms] for g, ms in (groups or {}).items()}

    def statistic(rows):
        raw, r2 = relative_weights(x[rows], y[rows])
        share = raw / r2 if r2 > 0 else raw
        return np.concatenate([share, [share[m].sum() for m in members.values()], [r2]])

    point = statistic(np.arange(n))
    ci = stats.bootstrap(
        (np.arange(n),),
        statistic,
        vectorized=False,
        n_resamples=resamples,
        confidence_level=confidence,
        method="percentile",
        rng=np.random.default_rng(seed),
    ).confidence_interval
    raw, r2 = relative_weights(x, y)
    drivers = [
        Driver(name, float(raw[i]), float(point[i]), float(ci.low[i]), float(ci.high[i]))
        for i, name in enumerate(names)
    ]
    sums = {
        g: Interval(float(point[p + k]), float(ci.low[p + k]), float(ci.high[p + k])) for k, g in enumerate(members)
    }
    return DriverResult(n, Interval(r2, float(ci.low[-1]), float(ci.high[-1])), drivers, sums, resamples, seed)


QUADRANTS = {
    (True, False): "fix first",  # matters more than most, scores worse than most
    (True, True): "keep it up",
    (False, False): "watch",
    (False, True): "maintain",
}


def quadrant(importance: float, performance: float, mean_importance: float, mean_performance: float) -> str:
    """Where a driver sits on the importance-vs-performance chart, split at the means of the drivers shown."""
    return QUADRANTS[(importance >= mean_importance, performance >= mean_performance)]


def quarter_label(quarter_start: date) -> str:
    return f"{quarter_start.year}-Q{(quarter_start.month - 1) // 3 + 1}"
