"""Same-day (intraday) spike alerts for one brand's hourly, or finer, series (pure functions).

Input
-----
:func:`detect_intraday` takes one brand's (optionally one source's) series as a DataFrame with columns

- ``hour``: the period's start, a UTC timestamp (tz-aware, or naive meaning UTC); one row per period at most;
- ``volume``: scored mentions in the period (int);
- ``n_negative``: of those, how many were negative (int; ``None``/absent: only the volume test runs).

``freq`` is the period: ``"h"`` (the default) or ``"5min"``. Periods missing between the first and the last
row have zero volume: at hourly grain a quiet night hour is data, not a gap. A whole UTC day without any
mention is a collection gap and stays out of every baseline; the caller passes ``exclude=`` for other known
outages. Nothing here reads the warehouse: the hourly watch (:func:`pipeline.alerts.incidents.detect_watch`)
reads each brand's last five weeks of hourly counts (the baseline needs 4) and calls :func:`detect_intraday`
with ``periods=`` the hours its run read (the overlap with the run before included) and the brand's
``timezone``.

The model (the daily detector's, :mod:`pipeline.detect`, at hourly grain)
--------------------------------------------------------------------------
**Seasonality: hour of week.** Weekday mornings differ from Sunday nights, so the expected count of a period
is ``level * f[slot]`` with ``slot`` its hour of the week (168 slots; Monday 00:00-00:59 is slot 0), on the
clock of ``timezone`` (default UTC): people keep local hours, so where daylight saving time moves the local
clock against UTC, a brand's morning rise moves by an hour in UTC twice a year, and slots counted in UTC would
expect last week's rhythm for four weeks after each change (``volume_spike`` pages at dawn). Four
weeks give four observations per slot, too few alone: each slot's factor is shrunk towards the product of
the hour-of-day factor (28 observations each) and the day-of-week factor (96 each), with ``slot_pseudo`` (4)
pseudo-weeks, i.e. as much weight as the slot's own four weeks; the marginal factors are themselves shrunk
towards 1 with 2 pseudo-observations. Factors average 1 over the week. For 5-minute data the slot is still
the hour of the week (the twelve 5-minute periods of an hour share its factor, fitted on 12 x 4 periods): a
within-hour profile is not something social chatter has, and 5-minute-of-week slots would have 4 noisy
periods each. The negatives and the volume get separate factors and levels (a brand's night may be angrier).

**Baseline.** ``baseline_weeks`` (4) weeks of periods, refitted at the start of every UTC day on the periods
before it less a guard band of ``max_window_hours - 1`` (5) hours (the windows below reach that far back), and
less flagged periods (so one incident does not mask the next), excluded periods and empty days. ``level`` is
the ratio estimate ``sum(n) / sum(f[slot])`` (robust at night, where ``f`` is small). Noise: negative
binomial with ``1/k`` fitted by moments around ``level * f`` (0: Poisson); the predictive variance adds the
estimation error of the level and of the slot factor, exactly as the daily detector does (shared code:
``pipeline.detect._count_test``). Share: ``p0`` the baseline share negative, with a beta-binomial hour-to-hour
wobble ``rho`` fitted in week-long blocks (``pipeline.detect._share_dispersion``) and the sampling error of
``p0``; a window is tested against the share of its hours of the day (on the ``timezone`` clock, weighted by
the window's volumes), each shrunk towards ``p0`` by ``tau^2 / (tau^2 + se^2)``, ``se^2`` that hour's
sampling variance and ``tau^2`` the hours' spread beyond theirs (empirical Bayes), that shrunk share's error
added to ``p0``'s. Night posters are often angrier: against one ``p0``, a brand whose share rose from 0.15 in
the afternoon to 0.20 (0.30) at 3 am had 1.5 (3.8) false alarms per brand-month, every night out of
proportion; with the hour of the day's share, 0.29 (0.07), and on the benchmark below with ``--night-share
0.1``, 0.42 instead of 0.78. A brand with a flat share keeps ``p0``, and the benchmark's power (2-sigma recall
0.77, 0.78 with one share): hour-of-week shares (4 periods each, as the counts' factors) cut it to 0.74 and
raised the false alarms from 0.40 to 0.44; unshrunk hour-of-day shares, 0.77 and 0.43.

No alarm before ``min_history_hours`` (336, two weeks) of baseline periods exist; the periods before that are
judged once, each UTC day's against the other days', when there are: one the one-hour tests below would
flag leaves later baselines, without an alarm (a launch-week surge, kept in, masked spikes for weeks); the most
extreme first, as the daily detector does, so that surges on two days do not hide each other.

**Tests, over windows of 1..6 hours.** An incident that ramps up over hours is seen first on the sums of its
first hours: every period ``t`` is tested alone and with the periods before it, over windows of 1, 2, ..., 6
hours (for 5-minute data also 5, 10 and 15 minutes); a window never reaches back over an already flagged
period or one the caller excludes. The windows make an alert come with the hour in which the evidence is
enough, not when one hour alone is extreme.

- ``hourly_spike``: the same two questions as the nightly detector. *Count*: are the window's negatives unusual
  for these hours of the week (NB upper tail ``p_count < alpha_count``, 0.05)? *Share*: are they out of proportion
  to the window's own volume (beta-binomial, ``p_share < alpha``, 2e-4)? Both must hold, the share sharply (the
  nightly detector's second way, a sharp count past a share gate, is not used here: tried on the hourly benchmark,
  it added more false alarms than early catches, and ``volume_spike`` already reports a surge the share has not
  caught up with), the period's own negatives must be above expectation, and the window must hold at least
  ``min_negative`` (10) negatives in at least ``min_volume`` (30) mentions: a quiet brand's 3 negatives at 04:00
  never page anyone, whatever the p-values.
- ``volume_spike``: a viral thread is news before its sentiment is clear. The NB test on the volume alone
  (same baseline machinery, its own level, factors and dispersion): ``p_volume < alpha_volume`` (1e-6) over a
  window of at least ``min_spike_volume`` (100) mentions, the period itself above expectation. Reported only
  when the same period is not an ``hourly_spike``.

Mid-p values throughout. ``z`` is the window's excess in sd of the count model's predictive distribution
(negatives for ``hourly_spike``, mentions for ``volume_spike``); ``severity`` as in the daily detector
(``major_z`` 4, ``critical_z`` 8). A run of ``shift_flags_hours`` (24) flagged hours within
``shift_window_hours`` (48) is a level shift: those periods re-enter the baseline.

**Why these defaults.** ``benchmarks/detector.py --hourly`` simulates brands of 300-5000 mentions a day with
a diurnal cycle (night trough at 10-50 % of the peak), a weekly one (weekend level and a later weekend peak),
day-to-day and hour-to-hour overdispersion and share wobble (``--night-share``: a share that rises at night),
with planted incidents ramping up over 1-6 hours; the alphas are set there for at most one false alarm per
brand-month (see that module and the README's "Measured figures" for the numbers and the command).

Alerting (incidents, cooldown, "worse", explanations) is the caller's, as for the daily :class:`Spike`:
:class:`IntradaySpike` carries the same numbers plus the window's ``start`` and ``end``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from pipeline.detect import (
    _MIN_EXPECTED,
    Severity,
    _Baseline,
    _count_test,
    _fmt_p,
    _nb_dispersion_around,
    _share_dispersion,
    _share_test,
    dense_counts,
    one_series,
)

__all__ = ["IntradaySensitivity", "IntradaySpike", "detect_intraday", "prepare_intraday"]

Kind = Literal["hourly_spike", "volume_spike"]
FREQS = {"h": 1, "5min": 12}  # periods per hour
SLOTS = 168  # hours of the week
_MARGIN_PSEUDO = 2.0  # shrinkage of the hour-of-day and day-of-week factors towards 1


@dataclass(frozen=True)
class IntradaySensitivity:
    """Knobs of the intraday detector; ``IntradaySensitivity()`` is the default (see the module docstring)."""

    alpha: float = 2e-4  # share test level (hourly_spike): with the count gate, sets the false-alarm rate
    alpha_count: float = 0.05  # count test level (hourly_spike): "more negatives than usual for this hour"
    alpha_volume: float = 1e-6  # volume-spike test level
    min_negative: int = 10  # negatives in the flagged window (hourly_spike)
    min_volume: int = 30  # mentions in the flagged window (hourly_spike)
    min_spike_volume: int = 100  # mentions in the flagged window (volume_spike)
    baseline_weeks: int = 4
    min_history_hours: int = 336  # baseline hours needed before any alarm
    max_window_hours: int = 6  # windows of 1..max_window_hours hours
    slot_pseudo: float = 4.0  # pseudo-weeks shrinking an hour-of-week factor towards hour-of-day x day-of-week
    major_z: float = 4.0
    critical_z: float = 8.0
    mid_p: bool = True
    shift_window_hours: int = 48
    shift_flags_hours: int = 24

    def __post_init__(self) -> None:
        for name in ("alpha", "alpha_count", "alpha_volume"):
            if not 0 < getattr(self, name) < 1:
                raise ValueError(f"{name} must be in (0, 1), got {getattr(self, name)}")
        if min(self.min_negative, self.min_volume, self.min_spike_volume) < 1:
            raise ValueError("min_negative, min_volume and min_spike_volume must be >= 1")
        if self.baseline_weeks < 1 or not 1 <= self.min_history_hours <= 168 * self.baseline_weeks:
            raise ValueError("need baseline_weeks >= 1 and 1 <= min_history_hours <= 168 * baseline_weeks")
        if not 1 <= self.max_window_hours <= 24:
            raise ValueError("max_window_hours must be in 1..24")
        if not 0 < self.major_z <= self.critical_z:
            raise ValueError("need 0 < major_z <= critical_z")
        if not 1 <= self.shift_flags_hours <= self.shift_window_hours:
            raise ValueError("need 1 <= shift_flags_hours <= shift_window_hours")


@dataclass(frozen=True)
class IntradaySpike:
    """One flagged period. ``start``/``end``: the window whose tests fired (``end`` is the end of the flagged
    period, i.e. when a run could alert); ``observed``/``expected``/``z`` are the window's sums: negatives for
    ``hourly_spike``, mentions for ``volume_spike`` (whose ``p_share`` is None)."""

    kind: Kind
    period: pd.Timestamp  # the flagged period's start (UTC)
    start: pd.Timestamp
    end: pd.Timestamp
    window: int  # periods in the window
    observed: int
    expected: float
    volume: int  # mentions in the window
    share: float  # share negative in the window (nan without negatives)
    baseline_share: float
    p_count: float
    p_share: float | None
    z: float
    severity: Severity
    reason: str


# --------------------------------------------------------------------------------------------- input


def prepare_intraday(series: pd.DataFrame, freq: str = "h") -> pd.DataFrame:
    """Validate and densify: one row per consecutive period (``hour`` UTC, tz-aware), missing ones zero.
    ``n_negative`` is NaN throughout when the series has none (the volume test only)."""
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {', '.join(FREQS)}, got {freq!r}")
    missing = {"hour", "volume"} - set(series.columns)
    if missing:
        raise ValueError(f"series lacks column(s): {', '.join(sorted(missing))}")
    one_series(series)
    hours = pd.to_datetime(series["hour"], utc=True)
    if (hours != hours.dt.floor(freq)).any():
        raise ValueError(f"hour values must be period starts at freq {freq!r}")
    if hours.duplicated().any():
        raise ValueError("series has duplicate periods")
    has_neg = "n_negative" in series.columns and series["n_negative"].notna().any()
    df = pd.DataFrame({"volume": series["volume"].to_numpy()}, index=pd.DatetimeIndex(hours))
    df["n_negative"] = series["n_negative"].to_numpy() if has_neg else 0
    out = dense_counts(df.sort_index(), freq, "in some period")
    if not has_neg:
        out["n_negative"] = np.nan
    out.index.name = "hour"
    return out.reset_index()


# ----------------------------------------------------------------------------------------- the model


def _slot_factors(y: np.ndarray, slot: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    """Hour-of-week factors (mean 1 over the 168 slots), each shrunk towards hour-of-day x day-of-week with
    ``c`` pseudo-periods, and the periods per slot."""
    counts = np.bincount(slot, minlength=SLOTS).astype(float)
    mean_all = float(y.mean()) if len(y) else 0.0
    if mean_all <= 0:
        return np.ones(SLOTS), counts
    sums = np.bincount(slot, weights=y, minlength=SLOTS)

    def margin(idx: np.ndarray, n: int) -> np.ndarray:
        s = np.bincount(idx, weights=sums, minlength=n)
        k = np.bincount(idx, weights=counts, minlength=n)
        return (s + _MARGIN_PSEUDO * mean_all) / ((k + _MARGIN_PSEUDO) * mean_all)

    ids = np.arange(SLOTS)
    prior = margin(ids % 24, 24)[ids % 24] * margin(ids // 24, 7)[ids // 24]
    f = (sums + c * prior / prior.mean() * mean_all) / ((counts + c) * mean_all)
    return f / f.mean(), counts


def _fit(y: np.ndarray, slot: np.ndarray, day_no: np.ndarray, base: np.ndarray, pseudo_weeks: float, pph: int):
    """Count model of ``y`` on the baseline periods ``base``: level, hour-of-week factors, and the NB dispersion
    split into a part shared by the periods of one day (from the day totals) and the rest."""
    c = pseudo_weeks * pph  # a slot-week holds pph periods
    yb = y[base]
    f, counts = _slot_factors(yb, slot[base], c)
    level = float(yb.sum()) / float(f[slot[base]].sum())
    mu = np.maximum(level * f[slot[base]], 1e-9)
    inv_k = _nb_dispersion_around(yb, mu)
    # Var(day total) = E + a sum(mu^2) + b E^2 with a + b = inv_k: b by moments over the days of the baseline
    ids = day_no[base] - day_no[base].min()
    d_obs, d_mu, d_mu2 = (np.bincount(ids, weights=w) for w in (yb, mu, mu**2))
    full = np.bincount(ids) == 24 * pph
    den = float(np.sum(d_mu[full] ** 2 - d_mu2[full]))
    num = float(np.sum((d_obs[full] - d_mu[full]) ** 2 - d_mu[full] - inv_k * d_mu2[full]))
    shared = min(max(num / den, 0.0), inv_k) if den > 0 else 0.0
    return _Baseline(
        level,
        f,
        counts,
        inv_k - shared,
        len(base),
        0.0,
        0.0,
        0.0,
        f_pseudo=c,
        inv_k_shared=shared,
        level_rel_var_shared=shared / max(1, int(full.sum())),
    )


def _with_share(
    m: _Baseline, neg: np.ndarray, vol: np.ndarray, base: np.ndarray, week_of: np.ndarray, slot: np.ndarray
) -> _Baseline:
    """Add the share model (baseline share, its hour-to-hour wobble in week blocks, its sampling error, and the
    share by hour of the day shrunk towards it, with each hour's variance)."""
    b_neg, b_vol = neg[base], vol[base]
    tot_vol = float(b_vol.sum())
    if tot_vol <= 0:
        return m
    p0 = float(b_neg.sum()) / tot_vol
    p0 = min(max(p0, 0.5 / tot_vol), 1.0 - 0.5 / tot_vol)
    rho = _share_dispersion(b_neg, b_vol, week_of[base])
    p0_rel_var = (1.0 + (tot_vol / len(base) - 1.0) * rho) / tot_vol
    hod = slot[base] % 24
    n_h, v_h = (np.bincount(hod, weights=w, minlength=24) for w in (b_neg, b_vol))
    seen = v_h > 0
    per_period = v_h / np.maximum(np.bincount(hod, minlength=24), 1)
    se2 = p0 * (1.0 - p0) * (1.0 + np.maximum(per_period - 1.0, 0.0) * rho) / np.where(seen, v_h, 1.0)
    p_h = np.where(seen, n_h / np.where(seen, v_h, 1.0), p0)
    tau2 = max(float(np.mean((p_h[seen] - p0) ** 2 - se2[seen])), 0.0)
    shrink = np.where(seen, tau2 / (tau2 + se2), 0.0) if tau2 > 0 else np.zeros(24)
    return replace(
        m,
        p0=p0,
        rho=rho,
        p0_rel_var=max(p0_rel_var, 0.0),
        hour_share=np.clip(p0 + shrink * (p_h - p0), 0.5 / tot_vol, 1.0 - 0.5 / tot_vol),
        hour_share_var=shrink * se2,
    )


def _window_share(m: _Baseline, slots: np.ndarray, vols: np.ndarray) -> _Baseline:
    """The share model of a window: its baseline share is that of its hours of the day, weighted by its volumes
    (equally when it has none), and the error of those hours' shares is added to that of ``p0``."""
    if m.hour_share is None:
        return m
    v = float(vols.sum())
    w = np.bincount(slots % 24, weights=vols if v > 0 else None, minlength=24) / (v if v > 0 else len(vols))
    p = float(np.sum(w * m.hour_share))
    var = m.p0_rel_var * m.p0 * (1.0 - m.p0) + float(np.sum(w**2 * m.hour_share_var))
    return replace(m, p0=p, p0_rel_var=var / (p * (1.0 - p)))


def _severity(z: float, sens: IntradaySensitivity) -> Severity:
    return "critical" if z >= sens.critical_z else "major" if z >= sens.major_z else "minor"


# ------------------------------------------------------------------------------------------- detection


def first_tested(first: pd.Timestamp, freq: str = "h", sens: IntradaySensitivity | None = None) -> pd.Timestamp:
    """The first period a gap-free series of ``freq`` that starts at ``first`` can be flagged in:
    ``min_history_hours`` of baseline before the guard band of ``max_window_hours`` less one period, from the
    start of the next UTC day (the models are fitted once a day; the 16th day's start with the defaults)."""
    sens, pph = sens or IntradaySensitivity(), FREQS[freq]
    guard = pd.Timedelta(hours=1) * (sens.max_window_hours * pph - 1) / pph
    return (first + pd.Timedelta(hours=sens.min_history_hours) + guard).ceil("D")


def detect_intraday(
    series: pd.DataFrame,
    sensitivity: IntradaySensitivity | None = None,
    *,
    freq: str = "h",
    periods: Iterable[object] | None = None,
    exclude: Iterable[object] | None = None,
    timezone: str | None = None,
    until: object | None = None,
    untested: list | None = None,
) -> list[IntradaySpike]:
    """Flag periods with unusual negatives (``hourly_spike``) or volume (``volume_spike``) for their hour of
    the week (module docstring). ``periods``: only flags of these periods are returned (the history before
    them is still walked in order, so past spikes leave the baselines). ``exclude``: periods kept out of
    every baseline and every window, never flagged (known outages, incidents). ``timezone``: the IANA zone
    whose clock the hours of the week follow (the brand's audience's; default UTC). ``until``: where the data
    ends (naive: UTC) when that is within the last period (a 15-minute watch run tests the hour so far): a
    window over that period ends there, in its ``end`` and its reason, not at the period's end. ``untested``: a
    list that gets the start of every period with mentions that had no baseline to be tested against (the first
    two weeks', and those after a gap that left fewer than ``min_history_hours`` of baseline)."""
    sens = sensitivity or IntradaySensitivity()
    df = prepare_intraday(series, freq)
    if df.empty:
        return []
    ts = pd.DatetimeIndex(df["hour"])
    index = {t: i for i, t in enumerate(ts)}
    wanted: set[int] | None = None
    if periods is not None:
        wanted = {index[t] for t in pd.to_datetime(list(periods), utc=True) if t in index}
        if not wanted:
            return []
    excluded = {index[t] for t in pd.to_datetime(list(() if exclude is None else exclude), utc=True) if t in index}
    cut = None if until is None else pd.to_datetime(until, utc=True)  # naive: UTC, as the hours
    return _scan(df, sens, FREQS[freq], wanted, excluded, timezone or "UTC", cut, untested)


def _windows(pph: int, max_hours: int) -> list[int]:
    """Window lengths in periods: 1..max_hours hours, and 5, 10, 15 minutes for 5-minute data."""
    return sorted({*(h * pph for h in range(1, max_hours + 1)), *((1, 2, 3) if pph > 1 else ())})


def _scan(
    df: pd.DataFrame,
    sens: IntradaySensitivity,
    pph: int,
    wanted: set[int] | None,
    excluded: set[int],
    zone: str,
    until: pd.Timestamp | None = None,
    untested: list | None = None,
):
    ts = pd.DatetimeIndex(df["hour"])
    period = pd.Timedelta(hours=1) / pph
    vol = df["volume"].to_numpy(dtype=float)
    has_neg = not df["n_negative"].isna().all()
    neg = df["n_negative"].fillna(0).to_numpy(dtype=float)
    local = ts.tz_convert(zone)  # the hour of the week on the audience's clock; days and weeks stay UTC's
    slot = np.asarray(local.day_of_week * 24 + local.hour, dtype=np.int64)
    day_no = ((ts - pd.Timestamp("1970-01-05", tz="UTC")) // pd.Timedelta(days=1)).to_numpy().astype(np.int64)
    week_of = day_no // 7
    n = len(ts)
    usable = np.ones(n, dtype=bool)
    day_vol = pd.Series(vol).groupby(day_no).transform("sum").to_numpy()
    usable[day_vol <= 0] = False  # a whole UTC day without mentions: a collection gap
    out = np.zeros(n, dtype=bool)  # excluded by the caller: in no baseline, and no window reaches back over it
    out[list(excluded)] = True
    usable &= ~out
    flagged = np.zeros(n, dtype=bool)
    spike_out = np.zeros(n, dtype=bool)
    lengths = _windows(pph, sens.max_window_hours)
    guard = lengths[-1] - 1
    W = 168 * sens.baseline_weeks * pph
    stop = (max(wanted) + 1) if wanted is not None else n
    c_neg, c_vol = np.concatenate([[0.0], np.cumsum(neg)]), np.concatenate([[0.0], np.cumsum(vol)])
    found: list[IntradaySpike] = []
    m_neg = m_vol = None
    fitted_day = None
    warm = True  # no baseline of min_history_hours periods yet: the periods so far were never judged
    for t in range(stop):
        if day_no[t] != fitted_day:  # refit the baselines at the start of every UTC day
            fitted_day = day_no[t]
            day_start = t - int((ts[t] - ts[t].floor("D")) / period)
            end = day_start - guard
            m_neg = m_vol = None
            if end > 0:
                lo = max(0, end - W)
                base = np.flatnonzero(usable[lo:end] & ~spike_out[lo:end]) + lo
                if warm and len(base) >= sens.min_history_hours * pph and vol[base].sum() > 0:
                    warm = False
                    _screen_warmup(
                        vol, neg, has_neg, slot, day_no, week_of, usable, spike_out, lo, day_start, sens, pph
                    )
                    base = np.flatnonzero(usable[lo:end] & ~spike_out[lo:end]) + lo
                if len(base) >= sens.min_history_hours * pph and vol[base].sum() > 0:
                    m_vol = _fit(vol, slot, day_no, base, sens.slot_pseudo, pph)
                    if has_neg:
                        m_neg = _fit(neg, slot, day_no, base, sens.slot_pseudo, pph)
                        m_neg = _with_share(m_neg, neg, vol, base, week_of, slot)
        if m_vol is None or not usable[t]:
            if m_vol is None and untested is not None and usable[t] and vol[t] > 0:
                untested.append(ts[t])
            continue
        mu_n_t = m_neg.level * m_neg.f[slot[t]] if m_neg is not None else 0.0
        mu_v_t = m_vol.level * m_vol.f[slot[t]]
        neg_up = m_neg is not None and neg[t] > mu_n_t
        vol_up = vol[t] > mu_v_t
        if not (neg_up or vol_up):
            continue
        hit = None
        for kind in ("hourly_spike", "volume_spike"):
            if (kind == "hourly_spike" and not neg_up) or (kind == "volume_spike" and not vol_up):
                continue
            for L in lengths:
                a = t - L + 1
                if a < 0 or (L > 1 and (flagged[a:t].any() or out[a:t].any())):
                    break
                n_w, v_w = c_neg[t + 1] - c_neg[a], c_vol[t + 1] - c_vol[a]
                w = slice(a, t + 1)
                if kind == "hourly_spike":
                    if n_w < sens.min_negative or v_w < sens.min_volume:
                        continue
                    mus = np.maximum(m_neg.level * m_neg.f[slot[w]], _MIN_EXPECTED / L)
                    p_c, mu_w, sd_w = _count_test(m_neg, n_w, mus, slot[w], sens.mid_p)
                    if p_c >= sens.alpha_count:
                        continue
                    p_s = _share_test(_window_share(m_neg, slot[w], vol[w]), n_w, v_w, vol[w], sens.mid_p)
                    if p_s < sens.alpha:
                        hit = (kind, L, n_w, mu_w, sd_w, p_c, p_s, v_w)
                        break
                else:
                    if v_w < sens.min_spike_volume:
                        continue
                    mus = np.maximum(m_vol.level * m_vol.f[slot[w]], _MIN_EXPECTED / L)
                    p_v, mu_w, sd_w = _count_test(m_vol, v_w, mus, slot[w], sens.mid_p)
                    if p_v < sens.alpha_volume:
                        hit = (kind, L, v_w, mu_w, sd_w, p_v, None, v_w)
                        break
            if hit:
                break
        if hit is None:
            continue
        kind, L, obs, mu_w, sd_w, p_c, p_s, v_w = hit
        flagged[t] = True
        for i in range(t - L + 1, t + 1):  # the incident's elevated periods leave later baselines
            neg_high = m_neg is not None and neg[i] > m_neg.level * m_neg.f[slot[i]]
            if neg_high or vol[i] > m_vol.level * m_vol.f[slot[i]]:
                spike_out[i] = True
        run = max(0, t - sens.shift_window_hours * pph + 1)
        if spike_out[run : t + 1].sum() >= sens.shift_flags_hours * pph:  # a level shift: re-learn it
            spike_out[run : t + 1] = False
        if wanted is not None and t not in wanted:
            continue
        m_w = None if m_neg is None else _window_share(m_neg, slot[t - L + 1 : t + 1], vol[t - L + 1 : t + 1])
        spike = _spike(kind, ts, t, L, period, obs, mu_w, sd_w, p_c, p_s, v_w, c_neg, m_w, has_neg, sens, until)
        found.append(spike)
    return found


def _screen_warmup(vol, neg, has_neg, slot, day_no, week_of, usable, spike_out, lo, hi, sens, pph) -> None:
    """Judge once the periods ``lo..hi-1`` that came before the detector had a baseline, each UTC day's against
    the other days' (as :func:`pipeline.detect._screen_warmup` does a day against the other days): a period that
    the one-period tests would have flagged leaves later baselines (``spike_out``), as a flagged period does, and
    raises no alarm. Unjudged, a surge in a brand's first days stayed in the four baseline weeks, and its weight
    in the level, the slot factors, ``1/k`` and ``rho`` masked every spike until it left them. A run of
    ``shift_flags_hours`` in ``shift_window_hours`` is a level shift and stays in.

    The most extreme first, as the daily one: the periods are ranked by how far past the tests' thresholds they
    are against all the other days', then judged in that order, each against the other days' less the periods
    ranked above it, up to ``shift_flags_hours`` less one period; a period that would be flagged takes every
    period ranked above it out too. Judged only against all the other days, surges on two days hid each other.
    Past the most extreme, a period must pass the thresholds divided by the number of early periods
    (Bonferroni), as the daily one's days must."""
    periods = np.flatnonzero(usable[lo:hi]) + lo
    ranked = []  # (how far past the thresholds: < 1 fires, period)
    for d in np.unique(day_no[periods]):
        others = periods[day_no[periods] != d]
        if len(others) < sens.min_history_hours * pph or vol[others].sum() <= 0:
            continue
        models = _warmup_fit(vol, neg, has_neg, slot, day_no, week_of, others, sens, pph)
        for u in periods[day_no[periods] == d]:
            score = _warmup_score(vol, neg, slot, models, u, sens)
            if score is not None:
                ranked.append((score, u))
    ranked = sorted(ranked)[: sens.shift_flags_hours * pph - 1]
    order = [u for _, u in ranked]
    screened: list[int] = []
    strict = 1.0 / max(len(periods), 1)  # past the first: a trimmed baseline is too narrow (see detect.py's)
    for i, (score, u) in enumerate(ranked):
        if i:  # the first was judged against all the other days already
            others = periods[(day_no[periods] != day_no[u]) & ~np.isin(periods, order[:i])]
            if vol[others].sum() <= 0:
                continue
            models = _warmup_fit(vol, neg, has_neg, slot, day_no, week_of, others, sens, pph)
            score = _warmup_score(vol, neg, slot, models, u, sens)
        if score is not None and score < (1.0 if i == 0 else strict):
            screened = order[: i + 1]
    for u in sorted(screened):
        spike_out[u] = True
        run = max(lo, u - sens.shift_window_hours * pph + 1)
        if spike_out[run : u + 1].sum() >= sens.shift_flags_hours * pph:  # a level shift, not a spike
            spike_out[run : u + 1] = False


def _warmup_fit(vol, neg, has_neg, slot, day_no, week_of, others, sens, pph):
    """The volume and (with negatives) negatives baselines on the periods ``others``, for :func:`_screen_warmup`."""
    m_vol = _fit(vol, slot, day_no, others, sens.slot_pseudo, pph)
    m_neg = None
    if has_neg:
        m_neg = _fit(neg, slot, day_no, others, sens.slot_pseudo, pph)
        m_neg = _with_share(m_neg, neg, vol, others, week_of, slot)
    return m_vol, m_neg


def _warmup_score(vol, neg, slot, models, u, sens) -> float | None:
    """How far period ``u`` is past the one-period tests' thresholds (below 1 it fires), the negatives' or the
    volume's, whichever is further; None where neither is high enough to be tested."""
    m_vol, m_neg = models
    w = slice(u, u + 1)
    n_u, v_u = neg[u], vol[u]
    scores = []
    if m_neg is not None and n_u > m_neg.level * m_neg.f[slot[u]]:
        if n_u >= sens.min_negative and v_u >= sens.min_volume:
            mus = np.maximum(m_neg.level * m_neg.f[slot[w]], _MIN_EXPECTED)
            p_c = _count_test(m_neg, n_u, mus, slot[w], sens.mid_p)[0]
            p_s = _share_test(_window_share(m_neg, slot[w], vol[w]), n_u, v_u, vol[w], sens.mid_p)
            scores.append(max(p_c / sens.alpha_count, p_s / sens.alpha))
    if v_u > m_vol.level * m_vol.f[slot[u]] and v_u >= sens.min_spike_volume:
        mus = np.maximum(m_vol.level * m_vol.f[slot[w]], _MIN_EXPECTED)
        scores.append(_count_test(m_vol, v_u, mus, slot[w], sens.mid_p)[0] / sens.alpha_volume)
    return min(scores) if scores else None


def _spike(
    kind, ts, t, L, period, obs, mu_w, sd_w, p_c, p_s, v_w, c_neg, m_neg, has_neg, sens, until=None
) -> IntradaySpike:
    start, end = ts[t - L + 1], ts[t] + period
    if until is not None and ts[t] < until < end:  # the period so far: the window ends where the data does
        end = until
    z = (obs - mu_w) / sd_w
    n_w = c_neg[t + 1] - c_neg[t - L + 1]
    share = n_w / v_w if has_neg and v_w > 0 else math.nan
    p0 = m_neg.p0 if m_neg is not None else math.nan
    span = f"{start:%a %d %b %H:%M}-{end:%H:%M} UTC"
    if kind == "hourly_spike":
        count_test = "negative-binomial" if m_neg.inv_k > 0 else "Poisson"
        share_test = "beta-binomial" if m_neg.rho > 0 else "binomial"
        reason = (
            f"{obs:.0f} negative mentions {span} vs {mu_w:.1f} expected for these hours of the week "
            f"(+{z:.1f} sigma, {_fmt_p(p_c)}, {count_test}); {share:.0%} of {v_w:.0f} mentions negative vs "
            f"{p0:.0%} baseline ({share_test} {_fmt_p(p_s)})"
        )
    else:
        reason = (
            f"{obs:.0f} mentions {span} vs {mu_w:.1f} expected for these hours of the week "
            f"(+{z:.1f} sigma, {_fmt_p(p_c)}, negative-binomial on the volume)"
            + (f"; {share:.0%} negative vs {p0:.0%} baseline" if has_neg else "")
        )
    return IntradaySpike(
        kind=kind,
        period=ts[t],
        start=start,
        end=end,
        window=L,
        observed=int(obs),
        expected=float(mu_w),
        volume=int(v_w),
        share=float(share),
        baseline_share=float(p0),
        p_count=float(p_c),
        p_share=None if p_s is None else float(p_s),
        z=float(z),
        severity=_severity(z, sens),
        reason=reason,
    )
