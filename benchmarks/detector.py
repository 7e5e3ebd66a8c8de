"""Benchmark of the spike and change-point detectors (pipeline/detect.py) on labelled simulated brands.

One command, from the repository root (under a minute on 2 CPU cores; one process):

    .venv/bin/python benchmarks/detector.py --seed 1 --out benchmarks/results/detector.json

Hourly mode (``--hourly``, pipeline/detect_hourly.py): brands of 300-5000 mentions a day with a diurnal cycle
(night trough at 10-50 % of the peak, peak 12-20 UTC), a weekend level of x0.6..x1.4 and a later weekend peak,
a day effect (Gamma, cv 0.05-0.25), hourly negative-binomial noise and Beta share wobble; 4 warm-up weeks
and 8 evaluated. Null series count false alarms (flags more than 24 h apart are separate alerts) per
brand-month (730 h); incident series carry one incident a week, ramping linearly over 1-6 hours to a peak
of 2, 3, 4 or 6 sigma an hour (sigma: the sd of that hour's negative count) and held 2-6 hours. Delay: from
the incident's first hour to the end of the first flagged hour (when an hourly run would alert). Seed 1,
100 series of each: recall 0.995 on >= 3 sigma, median delay 180 min (120 for one-hour ramps), 0.397 false
alarms per brand-month. ``--night-share 0.1``: each brand's share negative also rises by up to 0.1 from its peak
hour to the night (night posters are often angrier); seed 1: recall 0.991, 0.424 false alarms per brand-month.

The oracle bound (column "oracle <= 60"): a median delay <= 60 min needs half the incidents caught in their
first hour. An oracle that knows each hour's true mean and sd of negatives given the day's level, and alarms
when the hour's count is in the upper tail of the negative binomial with those moments, at the p-value that
gives 1 false alarm per brand-month on the null series, catches 0.140 of the >= 3 sigma incidents in their
first hour (seed 1; the detector 0.074): in a ramp over R hours the first hour holds 1/R of the peak.

Simulated brand (one per series; 56 warm-up days, then 365 evaluated days):

- volume: negative-binomial around a mean drawn log-uniformly in 20..300 mentions/day, with dispersion
  size k in 5..30 (day-to-day coefficient of variation 0.2-0.5), a weekly profile (weekends x0.6..x1.4,
  weekdays +-5 %), a slow log-linear trend of up to +-40 % over the series and a slow wave (period 60-180
  days, amplitude up to 15 %);
- negatives: binomial given the volume, with a daily share that wobbles beyond binomial noise
  (Beta-distributed around the brand's share, concentration 200..2000) and drifts slowly (up to +-0.3
  on the logit scale over the series). Base share negative 10 %..40 %.

Three kinds of series, ``--series N`` of the first two and N/2 of the third:

1. *null*: no incident. Every flagged day is a false alarm (reported per brand-year, 365 evaluated days).
2. *spikes*: six incidents per series, one in each 60-day slot of the evaluated year, of size 2, 3, 4 or 6
   sigma lasting 1, 2 or 3 days. On each spike day ``round(size * sigma_t)`` extra negative mentions are
   added to both the negatives and the volume.
3. *shifts*: from a day between 150 and 300 the share negative moves by +5, +10, +15 or -10 share points
   for the rest of the series.

**sigma_t** is the standard deviation of that day's negative count under the simulated baseline process
(without the spike): volume noise (negative binomial), share wobble (Beta) and binomial sampling together,
at that day's expected volume (its weekday, trend and wave), computed exactly from the simulation
parameters. It is the noise a count-only detector would have to beat; "a 3-sigma spike" is
``3 * sigma_t`` extra negatives on each of its days.

Scores:

- recall: an incident is detected when at least one of its days is flagged; overall, by size and by length;
- precision: of the days flagged on spike series, the share that are planted spike days;
- false alarms per brand-year: flagged days on null series per 365 evaluated days;
- shifts: online detection delay, i.e. days from the shift's first day to the first spike alarm, to the first
  night on which ``change_points`` over the data so far reports a shift in the right direction within 14
  days of the true start, and to the earlier of the two; detection rates within 60 days; the offline
  change point's distance to the true day; spike alarms later than 28 days into the shift (the detector
  should have re-learnt the level by then); change points reported on null and spike series per
  brand-year (false change points).

Measured with the defaults (``Sensitivity()``), seeds 1, 2, 3 (200 brand-years of each kind per seed):
false alarms 0.925 / 0.955 / 0.970 per brand-year; recall of spikes >= 3 sigma 0.897 / 0.907 / 0.893
(3 sigma 0.78-0.80, 4 sigma 0.91-0.92, 6 sigma 0.99-1.00; 3-sigma single-day spikes 0.48-0.54); day
precision 0.90-0.92; a +10-point shift detected in a median 3 days (spike alarm or change point), its
change point in 9 days (seed 1); false change points 0 per brand-year (seed 1). The goal of 0.9 recall on
>= 3 sigma at <= 1 false alarm per brand-year is met on seed 2 and missed by a hair on seeds 1 and 3 (0.899
pooled at 0.950): a single-day 3-sigma spike carries about 3 sigma of evidence, and even a share test that
knows the true parameters catches about half of them at this false-alarm rate (see the
``pipeline/detect.py`` docstring). Before the detector's second way to fire (a sharp count test past a share
gate): 0.877 / 0.891 / 0.866 at 0.715 / 0.735 / 0.780. ``--sensitivity high`` reaches 0.966 at 5.5 false
alarms per brand-year, ``low`` 0.717 at 0.04 (seed 1; before: 0.957 at 5.1, 0.684 at 0.025).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import time
from dataclasses import asdict, dataclass, replace
from dataclasses import fields as dataclass_fields
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # ``python benchmarks/detector.py`` puts benchmarks/ on sys.path, not the root

from scipy import stats  # noqa: E402

from pipeline.detect import Sensitivity, change_points, detect_spikes  # noqa: E402
from pipeline.detect_hourly import IntradaySensitivity, detect_intraday  # noqa: E402

HOUR = pd.Timedelta(hours=1)

WARMUP = 56
EVAL_DAYS = 365
N_DAYS = WARMUP + EVAL_DAYS
SPIKE_SIZES = (2.0, 3.0, 4.0, 6.0)
SPIKE_LENGTHS = (1, 2, 3)
SHIFT_SIZES = (0.05, 0.10, 0.15, -0.10)
SLOT = 60
CP_WINDOW = 14  # a change point within 14 days of the true shift start counts
SHIFT_HORIZON = 60  # days after the shift start that we look for a detection
LATE = 28  # spike alarms this many days after a shift started mean the detector has not re-learnt the level
START = date(2025, 1, 6)


@dataclass
class Brand:
    mean_volume: float
    share: float
    weekly: list[float]
    k_volume: float
    concentration: float
    trend: float
    wave_amp: float
    wave_period: float
    wave_phase: float
    share_drift: float
    start: date


def draw_brand(rng: np.random.Generator) -> Brand:
    weekend = rng.uniform(0.6, 1.4)
    weekly = [1.0 + rng.normal(0, 0.05) for _ in range(5)] + [weekend, weekend * rng.uniform(0.9, 1.1)]
    return Brand(
        mean_volume=math.exp(rng.uniform(math.log(20), math.log(300))),
        share=rng.uniform(0.10, 0.40),
        weekly=weekly,
        k_volume=rng.uniform(5, 30),
        concentration=math.exp(rng.uniform(math.log(200), math.log(2000))),
        trend=rng.uniform(-0.4, 0.4),
        wave_amp=rng.uniform(0, 0.15),
        wave_period=rng.uniform(60, 180),
        wave_phase=rng.uniform(0, 2 * math.pi),
        share_drift=rng.uniform(-0.3, 0.3),
        start=START + timedelta(days=int(rng.integers(0, 7))),
    )


def expected_path(b: Brand, share_shift: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[date]]:
    """Expected volume and share per day (before noise)."""
    t = np.arange(N_DAYS)
    days = [b.start + timedelta(days=int(i)) for i in t]
    dow = np.array([d.weekday() for d in days])
    weekly = np.asarray(b.weekly) / np.mean(b.weekly)
    mu_v = (
        b.mean_volume
        * weekly[dow]
        * np.exp(b.trend * t / N_DAYS)
        * (1 + b.wave_amp * np.sin(2 * math.pi * t / b.wave_period + b.wave_phase))
    )
    logit = math.log(b.share / (1 - b.share)) + b.share_drift * t / N_DAYS
    pi = 1 / (1 + np.exp(-logit)) + share_shift
    return mu_v, np.clip(pi, 0.01, 0.95), days


def sigma_negatives(b: Brand, mu_v: np.ndarray, pi: np.ndarray) -> np.ndarray:
    """Exact sd of the daily negative count: V ~ NB(mu_v, k), p ~ Beta(pi, c), N | V, p ~ Bin(V, p)."""
    s2 = pi * (1 - pi) / (b.concentration + 1)  # Var(p)
    var_v = mu_v + mu_v**2 / b.k_volume
    var_n = mu_v * (pi * (1 - pi) - s2) + (var_v + mu_v**2) * (s2 + pi**2) - mu_v**2 * pi**2
    return np.sqrt(var_n)


def simulate(b: Brand, rng: np.random.Generator, share_shift: np.ndarray | None = None) -> dict:
    shift = np.zeros(N_DAYS) if share_shift is None else share_shift
    mu_v, pi, days = expected_path(b, shift)
    vol = rng.negative_binomial(b.k_volume, b.k_volume / (b.k_volume + mu_v))
    p = rng.beta(pi * b.concentration, (1 - pi) * b.concentration)
    neg = rng.binomial(vol, p)
    return {"day": days, "volume": vol.astype(np.int64), "n_negative": neg.astype(np.int64), "mu_v": mu_v, "pi": pi}


def plant_spikes(b: Brand, sim: dict, rng: np.random.Generator) -> list[dict]:
    sigma = sigma_negatives(b, sim["mu_v"], sim["pi"])
    spikes = []
    for slot in range(EVAL_DAYS // SLOT):
        size = float(rng.choice(SPIKE_SIZES))
        length = int(rng.choice(SPIKE_LENGTHS))
        start = WARMUP + slot * SLOT + int(rng.integers(7, SLOT - 14))
        for i in range(start, start + length):
            extra = round(size * sigma[i])
            sim["volume"][i] += extra
            sim["n_negative"][i] += extra
        spikes.append({"start": start, "length": length, "size": size})
    return spikes


def frame(sim: dict) -> pd.DataFrame:
    return pd.DataFrame({"day": sim["day"], "volume": sim["volume"], "n_negative": sim["n_negative"]})


def flagged_indices(df: pd.DataFrame, sens: Sensitivity) -> set[int]:
    index = {d: i for i, d in enumerate(df["day"])}
    return {index[s.day] for s in detect_spikes(df, sens)}


def online_cp_delay(df: pd.DataFrame, sens: Sensitivity, start: int, up: bool) -> int | None:
    """First night (days after start) on which change_points over the data so far finds this shift."""
    for h in range(start + sens.cp_min_size - 1, min(start + SHIFT_HORIZON, N_DAYS)):
        for cp in change_points(df.iloc[: h + 1], sens):
            cp_i = (cp.day - df["day"].iloc[0]).days
            if abs(cp_i - start) <= CP_WINDOW and (cp.direction == "up") == up:
                return h - start
    return None


def summarise_delays(delays: list[int | None]) -> dict:
    found = [d for d in delays if d is not None]
    return {
        "detected": len(found),
        "n": len(delays),
        "rate": round(len(found) / len(delays), 3) if delays else None,
        "median_delay_days": float(np.median(found)) if found else None,
        "mean_delay_days": round(float(np.mean(found)), 1) if found else None,
    }


def run(seed: int, n_series: int, sens: Sensitivity, cp: bool = True) -> dict:
    rng = np.random.default_rng(seed)
    eval_days = set(range(WARMUP, N_DAYS))

    # 1. null series
    null_flags = 0
    null_cps = 0
    for _ in range(n_series):
        b = draw_brand(rng)
        df = frame(simulate(b, rng))
        null_flags += len(flagged_indices(df, sens) & eval_days)
        if cp:
            null_cps += sum(1 for c in change_points(df, sens) if (c.day - df["day"].iloc[0]).days >= WARMUP)
    brand_years = n_series * EVAL_DAYS / 365

    # 2. spike series
    by_size = {s: [0, 0] for s in SPIKE_SIZES}
    by_size_len = {(s, n): [0, 0] for s in SPIKE_SIZES for n in SPIKE_LENGTHS}
    tp_days = fp_days = 0
    spike_cps = 0
    for _ in range(n_series):
        b = draw_brand(rng)
        sim = simulate(b, rng)
        spikes = plant_spikes(b, sim, rng)
        df = frame(sim)
        flags = flagged_indices(df, sens) & eval_days
        planted = {i for s in spikes for i in range(s["start"], s["start"] + s["length"])}
        tp_days += len(flags & planted)
        fp_days += len(flags - planted)
        for s in spikes:
            hit = any(i in flags for i in range(s["start"], s["start"] + s["length"]))
            by_size[s["size"]][0] += hit
            by_size[s["size"]][1] += 1
            by_size_len[(s["size"], s["length"])][0] += hit
            by_size_len[(s["size"], s["length"])][1] += 1
        if cp:
            spike_cps += sum(1 for c in change_points(df, sens) if (c.day - df["day"].iloc[0]).days >= WARMUP)

    # 3. shift series
    shifts = {s: {"alarm": [], "cp": [], "either": [], "cp_error": [], "late": []} for s in SHIFT_SIZES}
    for i in range(n_series // 2):
        size = SHIFT_SIZES[i % len(SHIFT_SIZES)]
        b = draw_brand(rng)
        start = int(rng.integers(150, 301))
        shift = np.where(np.arange(N_DAYS) >= start, size, 0.0)
        df = frame(simulate(b, rng, shift))
        all_flags = flagged_indices(df, sens)
        flags = sorted(j for j in all_flags if start <= j < start + SHIFT_HORIZON)
        shifts[size]["late"].append(sum(1 for j in all_flags if j >= start + LATE))
        alarm = (flags[0] - start) if (flags and size > 0) else None
        cp_delay = online_cp_delay(df, sens, start, size > 0) if cp else None
        either = min((d for d in (alarm, cp_delay) if d is not None), default=None)
        shifts[size]["alarm"].append(alarm)
        shifts[size]["cp"].append(cp_delay)
        shifts[size]["either"].append(either)
        if cp:
            full = [c for c in change_points(df, sens) if (c.direction == "up") == (size > 0)]
            errs = [abs((c.day - df["day"].iloc[0]).days - start) for c in full]
            shifts[size]["cp_error"].append(min(errs) if errs and min(errs) <= CP_WINDOW else None)

    def ratio(a: int, n: int) -> float | None:
        return round(a / n, 3) if n else None

    ge3 = [by_size[s] for s in SPIKE_SIZES if s >= 3]
    return {
        "seed": seed,
        "series_per_kind": n_series,
        "false_alarms_per_brand_year": round(null_flags / brand_years, 3),
        "false_alarm_days": null_flags,
        "brand_years": brand_years,
        "false_change_points_per_brand_year": round(null_cps / brand_years, 3) if cp else None,
        "change_points_on_spike_series_per_brand_year": round(spike_cps / brand_years, 3) if cp else None,
        "spikes": {
            "recall": ratio(sum(v[0] for v in by_size.values()), sum(v[1] for v in by_size.values())),
            "recall_ge_3sigma": ratio(sum(v[0] for v in ge3), sum(v[1] for v in ge3)),
            "recall_by_size": {f"{s:g}sigma": ratio(*by_size[s]) for s in SPIKE_SIZES},
            "n_by_size": {f"{s:g}sigma": by_size[s][1] for s in SPIKE_SIZES},
            "recall_by_size_and_days": {
                f"{s:g}sigma_{n}d": ratio(*by_size_len[(s, n)]) for s in SPIKE_SIZES for n in SPIKE_LENGTHS
            },
            "precision_days": ratio(tp_days, tp_days + fp_days),
            "flagged_days": tp_days + fp_days,
        },
        "shifts": {
            f"{s:+.2f}": {
                "first_spike_alarm": summarise_delays(v["alarm"]) if s > 0 else None,
                "change_point_online": summarise_delays(v["cp"]) if cp else None,
                "either": summarise_delays(v["either"]) if cp else None,  # without change points: not measured
                "alarms_after_28_days_per_series": round(float(np.mean(v["late"])), 2),
                "offline_change_point_day_error_median": (
                    float(np.median([e for e in v["cp_error"] if e is not None]))
                    if any(e is not None for e in v["cp_error"])
                    else None
                ),
            }
            for s, v in shifts.items()
        },
    }


def _cell(x: float | None, spec: str) -> str:
    """A figure for the tables, "-" where a small ``--series`` left its group empty (no such spike, no such ramp)."""
    return "-" if x is None else format(x, spec)


def print_table(r: dict) -> None:
    sp = r["spikes"]
    print(
        f"\nseed {r['seed']}: {r['series_per_kind']} null + {r['series_per_kind']} spike series, "
        f"{r['series_per_kind'] // 2} shift series, {EVAL_DAYS} evaluated days each"
    )
    print("sigma = sd of the day's negative count under the simulated baseline (volume + share noise)")
    print(f"{'spike size':<12}{'n':>6}{'recall':>8}   by length 1d / 2d / 3d")
    for s in SPIKE_SIZES:
        key = f"{s:g}sigma"
        lens = " / ".join(_cell(sp["recall_by_size_and_days"][f"{key}_{n}d"], ".2f") for n in SPIKE_LENGTHS)
        print(f"{key:<12}{sp['n_by_size'][key]:>6}{_cell(sp['recall_by_size'][key], '.3f'):>8}   {lens}")
    print(f"{'>= 3sigma':<12}{'':>6}{sp['recall_ge_3sigma']:>8.3f}")
    print(f"{'all':<12}{'':>6}{sp['recall']:>8.3f}")
    met = sp["recall_ge_3sigma"] >= 0.9 and r["false_alarms_per_brand_year"] <= 1
    print(
        f"goal (recall >= 0.9 on spikes >= 3 sigma, <= 1 false alarm per brand-year): "
        f"{sp['recall_ge_3sigma']:.3f} at {r['false_alarms_per_brand_year']:.2f}: {'met' if met else 'NOT met'}"
    )
    print(f"precision (flagged days on planted spike days): {sp['precision_days']:.3f} of {sp['flagged_days']}")
    print(
        f"false alarms per brand-year (null series): {r['false_alarms_per_brand_year']:.3f} "
        f"({r['false_alarm_days']} days over {r['brand_years']:.0f} brand-years)"
    )
    if r["false_change_points_per_brand_year"] is not None:
        print(
            f"change points per brand-year: null {r['false_change_points_per_brand_year']:.3f}, "
            f"spike series {r['change_points_on_spike_series_per_brand_year']:.3f}"
        )
    print(
        f"{'shift':<8}{'alarm rate':>11}{'delay':>7}{'cp rate':>9}{'delay':>7}{'either':>8}{'delay':>7}"
        f"{'cp day err':>12}{'late alarms':>13}"
    )
    for key, v in r["shifts"].items():
        a, c, e = v["first_spike_alarm"], v["change_point_online"], v["either"]

        def fmt(x: dict | None, field: str, spec: str) -> str:
            return "-" if x is None or x[field] is None else format(x[field], spec)

        err = v["offline_change_point_day_error_median"]
        print(
            f"{key:<8}{fmt(a, 'rate', '.2f'):>11}{fmt(a, 'median_delay_days', '.0f'):>7}"
            f"{fmt(c, 'rate', '.2f'):>9}{fmt(c, 'median_delay_days', '.0f'):>7}"
            f"{fmt(e, 'rate', '.2f'):>8}{fmt(e, 'median_delay_days', '.0f'):>7}{'-' if err is None else err:>12}"
            f"{v['alarms_after_28_days_per_series']:>13}"
        )
    print("(delays: median days from the shift's first day, online; rates: detected within 60 days)")


# ------------------------------------------------------------------------------------------- hourly mode

H_WARMUP = 4 * 168  # hours before the evaluated period (the baseline's four weeks)
H_EVAL = 8 * 168  # evaluated hours per series (8 weeks)
H_N = H_WARMUP + H_EVAL
BRAND_MONTH = 730.0  # hours
H_SIZES = (2.0, 3.0, 4.0, 6.0)
H_RAMPS = (1, 2, 3, 4, 5, 6)
H_SLOT = 168  # one incident per week of the evaluated period
EPISODE_GAP = 24  # flags more than 24 h apart are separate alerts (an incident's later hours are updates)
H_START = pd.Timestamp("2025-01-06", tz="UTC")  # a Monday


@dataclass
class HourlyBrand:
    mean_daily: float
    share: float
    trough: float
    peak_hour: float
    weekend: float
    weekend_shift: float
    k_hour: float
    day_cv: float
    concentration: float
    trend: float
    night_share: float = 0.0  # extra share negative at night, 12 h from the peak (--night-share; 0 at the peak)


def draw_hourly_brand(rng: np.random.Generator, night_share: float = 0.0) -> HourlyBrand:
    """A brand; with ``night_share`` > 0 its share negative also rises by U(0, night_share) from the peak hour to
    the night, 12 h later (0: no draw, the flat benchmark's brands exactly)."""
    b = HourlyBrand(
        mean_daily=math.exp(rng.uniform(math.log(300), math.log(5000))),
        share=rng.uniform(0.10, 0.40),
        trough=rng.uniform(0.1, 0.5),
        peak_hour=rng.uniform(12, 20),
        weekend=rng.uniform(0.6, 1.4),
        weekend_shift=rng.uniform(0, 3),
        k_hour=rng.uniform(5, 50),
        day_cv=rng.uniform(0.05, 0.25),
        concentration=math.exp(rng.uniform(math.log(100), math.log(2000))),
        trend=rng.uniform(-0.2, 0.2),
    )
    if night_share > 0:
        b.night_share = rng.uniform(0, night_share)
    return b


def hourly_expected(b: HourlyBrand) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected volume per hour (diurnal cycle with a night trough, weekday/weekend level and timing, trend), the
    hour's hours, and its expected share negative (``share``, plus ``night_share`` at 12 h from the peak)."""
    t = np.arange(H_N)
    hours = H_START + pd.to_timedelta(t, unit="h")
    weekend = np.asarray(hours.day_of_week >= 5)
    peak = b.peak_hour + np.where(weekend, b.weekend_shift, 0.0)
    diurnal = b.trough + (1 - b.trough) * (1 + np.cos(2 * math.pi * (np.asarray(hours.hour) - peak) / 24)) / 2
    diurnal /= b.trough + (1 - b.trough) / 2  # mean 1 over a day
    level = np.where(weekend, b.weekend, 1.0) * np.exp(b.trend * t / H_N)
    share = b.share + b.night_share * (1 - np.cos(2 * math.pi * (np.asarray(hours.hour) - peak) / 24)) / 2
    return b.mean_daily / 24 * diurnal * level, hours, share


def negatives_sd(b: HourlyBrand, mu_v: np.ndarray, day_cv: float, pi: np.ndarray) -> np.ndarray:
    """Exact sd of an hour's negative count: day effect G (Gamma, cv ``day_cv``; 0: the day's level is known),
    V | G ~ NB(mu G, k), p ~ Beta(pi, concentration), N | V, p ~ Bin(V, p)."""
    c2 = day_cv**2
    var_v = mu_v + mu_v**2 * ((1 + c2) / b.k_hour + c2)
    s2 = pi * (1 - pi) / (b.concentration + 1)
    return np.sqrt(mu_v * (pi * (1 - pi) - s2) + (var_v + mu_v**2) * (s2 + pi**2) - mu_v**2 * pi**2)


def hourly_sigma(b: HourlyBrand, mu_v: np.ndarray, pi: np.ndarray) -> np.ndarray:
    """The sd that sizes an incident: of an hour's negative count under the whole baseline process."""
    return negatives_sd(b, mu_v, b.day_cv, pi)


@dataclass
class Oracle:
    """What an oracle knows of each hour's negatives: the true mean and sd given that day's level. It scores a
    count by its upper-tail p-value under the negative binomial with those two moments (the hour's own noise:
    NB volume, share wobble, binomial sampling), so every hour, night or day, gets the same false-alarm rate."""

    mean: np.ndarray
    sd: np.ndarray

    def surprise(self, n_negative: np.ndarray) -> np.ndarray:
        """-log10 P(N >= n) for each hour's count."""
        r = self.mean**2 / np.maximum(self.sd**2 - self.mean, 1e-9)
        return -stats.nbinom.logsf(n_negative - 1, r, r / (r + self.mean)) / math.log(10)


def simulate_hourly(b: HourlyBrand, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray, Oracle]:
    mu_v, hours, pi = hourly_expected(b)
    g = rng.gamma(1 / b.day_cv**2, b.day_cv**2, H_N // 24 + 1)[np.arange(H_N) // 24]
    m = mu_v * g
    vol = rng.negative_binomial(b.k_hour, b.k_hour / (b.k_hour + m))
    p = rng.beta(pi * b.concentration, (1 - pi) * b.concentration, H_N)
    neg = rng.binomial(vol, p)
    oracle = Oracle(mean=m * pi, sd=negatives_sd(b, m, 0.0, pi))
    return pd.DataFrame({"hour": hours, "volume": vol, "n_negative": neg}), hourly_sigma(b, mu_v, pi), oracle


def plant_incidents(df: pd.DataFrame, sigma: np.ndarray, rng: np.random.Generator) -> list[dict]:
    """One incident a week: ``size`` sigma of extra negatives an hour at its peak, reached linearly over
    ``ramp`` hours, then held for 2-6 hours (added to the negatives and to the volume)."""
    out = []
    for slot in range(H_EVAL // H_SLOT):
        size, ramp, hold = float(rng.choice(H_SIZES)), int(rng.choice(H_RAMPS)), int(rng.integers(2, 7))
        start = H_WARMUP + slot * H_SLOT + int(rng.integers(24, H_SLOT - 36))
        for j in range(ramp + hold):
            extra = round(size * sigma[start + j] * min(1.0, (j + 1) / ramp))
            df.loc[start + j, ["volume", "n_negative"]] += extra
        out.append({"start": start, "length": ramp + hold, "size": size, "ramp": ramp})
    return out


def episode_starts(flagged: np.ndarray) -> np.ndarray:
    """Where each alert starts among flagged hour indices (in time order): flags more than ``EPISODE_GAP`` hours
    apart are separate alerts, a flag closer to the one before is the same alert's update."""
    return np.flatnonzero(np.diff(flagged, prepend=-(10**9)) > EPISODE_GAP)


def oracle_threshold(null_surprise: list[np.ndarray], brand_months: float, budget: float = 1.0) -> float:
    """The lowest threshold on -log10 p (0.01 steps) at which the oracle's one-hour test, and every stricter one,
    raises at most ``budget`` false alarms per brand-month on the null series."""
    best = 10.0
    for t in np.arange(10.0, 1.0, -0.01):
        if sum(episode_starts(np.flatnonzero(z > t)).size for z in null_surprise) / brand_months > budget:
            break
        best = float(t)
    return round(best, 2)


def run_hourly(seed: int, n_series: int, sens: IntradaySensitivity, night_share: float = 0.0) -> dict:
    rng = np.random.default_rng(seed)
    fa_episodes = fa_hours = 0
    fa_kinds = {"hourly_spike": 0, "volume_spike": 0}
    null_surprise: list[np.ndarray] = []
    for _ in range(n_series):
        df, _, oracle = simulate_hourly(draw_hourly_brand(rng, night_share), rng)
        null_surprise.append(oracle.surprise(df["n_negative"].to_numpy())[H_WARMUP:])
        flags = [(i, s.kind) for s in detect_intraday(df, sens) if (i := int((s.period - H_START) / HOUR)) >= H_WARMUP]
        fa_hours += len(flags)
        for start in episode_starts(np.array([i for i, _ in flags], dtype=np.int64)):
            fa_episodes += 1
            fa_kinds[flags[start][1]] += 1
    brand_months = n_series * H_EVAL / BRAND_MONTH

    incidents = []
    for _ in range(n_series):
        df, sigma, oracle = simulate_hourly(draw_hourly_brand(rng, night_share), rng)
        planted = plant_incidents(df, sigma, rng)
        surprise = oracle.surprise(df["n_negative"].to_numpy())
        flags = {int((s.period - H_START) / HOUR): s.kind for s in detect_intraday(df, sens)}
        for inc in planted:
            hits = [i for i in range(inc["start"], inc["start"] + inc["length"]) if i in flags]
            delay = (hits[0] - inc["start"] + 1) * 60 if hits else None
            incidents.append(
                {
                    **inc,
                    "delay_min": delay,
                    "kind": flags[hits[0]] if hits else None,
                    "oracle_first_hour_surprise": float(surprise[inc["start"]]),
                }
            )

    threshold = oracle_threshold(null_surprise, brand_months)

    def summary(sel: list[dict]) -> dict:
        found = [x["delay_min"] for x in sel if x["delay_min"] is not None]
        return {
            "n": len(sel),
            "recall": round(len(found) / len(sel), 3) if sel else None,
            "median_delay_min": float(np.median(found)) if found else None,
            "share_within_60_min": round(sum(d <= 60 for d in found) / len(sel), 3) if sel else None,
            "oracle_share_within_60_min": (
                round(sum(x["oracle_first_hour_surprise"] > threshold for x in sel) / len(sel), 3) if sel else None
            ),
        }

    ge3 = [x for x in incidents if x["size"] >= 3]
    return {
        "mode": "hourly",
        "seed": seed,
        "series_per_kind": n_series,
        "night_share": night_share,
        "brand_months": round(brand_months, 1),
        "false_alarms_per_brand_month": round(fa_episodes / brand_months, 3),
        "false_alarm_episodes_by_kind": fa_kinds,
        "false_alarm_hours_per_brand_month": round(fa_hours / brand_months, 3),
        "oracle_threshold_p": float(f"{10**-threshold:.3g}"),
        "incidents_ge_3sigma": summary(ge3),
        "by_size": {f"{s:g}sigma": summary([x for x in incidents if x["size"] == s]) for s in H_SIZES},
        "ge_3sigma_by_ramp_hours": {str(r): summary([x for x in ge3 if x["ramp"] == r]) for r in H_RAMPS},
        "first_alert_kind_ge_3sigma": {
            k: sum(1 for x in ge3 if x["kind"] == k) for k in ("hourly_spike", "volume_spike")
        },
    }


def print_hourly(r: dict) -> None:
    print(
        f"\nhourly, seed {r['seed']}: {r['series_per_kind']} null + {r['series_per_kind']} incident series, "
        f"{H_EVAL // 168} evaluated weeks each ({r['brand_months']} brand-months of each)"
        + (f"; share negative up to +{r['night_share']:g} at night" if r.get("night_share") else "")
    )
    print("sigma = sd of the hour's negative count under the simulated baseline (day effect, hourly NB, share wobble)")
    print(f"{'incidents':<14}{'n':>6}{'recall':>8}{'median delay':>14}{'<= 60 min':>11}{'oracle <= 60':>14}")
    rows = [(f"{k}", v) for k, v in r["by_size"].items()] + [(">= 3sigma", r["incidents_ge_3sigma"])]
    rows += [(f" ramp {k} h", v) for k, v in r["ge_3sigma_by_ramp_hours"].items()]
    for name, v in rows:
        d = "-" if v["median_delay_min"] is None else f"{v['median_delay_min']:.0f} min"
        print(
            f"{name:<14}{v['n']:>6}{_cell(v['recall'], '.3f'):>8}{d:>14}{_cell(v['share_within_60_min'], '.3f'):>11}"
            f"{_cell(v['oracle_share_within_60_min'], '.3f'):>14}"
        )
    g = r["incidents_ge_3sigma"]
    print(
        f"goals: median delay <= 60 min on >= 3 sigma: {g['median_delay_min']} min "
        f"({'met' if g['median_delay_min'] is not None and g['median_delay_min'] <= 60 else 'NOT met'}); "
        f"recall >= 0.9: {g['recall']:.3f} ({'met' if g['recall'] >= 0.9 else 'NOT met'}); "
        f"<= 1 false alarm per brand-month: {r['false_alarms_per_brand_month']:.3f} "
        f"({'met' if r['false_alarms_per_brand_month'] <= 1 else 'NOT met'})"
    )
    print(
        f"false alarms (alerts > {EPISODE_GAP} h apart) by kind: {r['false_alarm_episodes_by_kind']}; "
        f"flagged hours per brand-month {r['false_alarm_hours_per_brand_month']:.3f}"
    )
    print(
        f"oracle <= 60: the share an oracle catches in the incident's first hour: it knows every hour's true mean "
        f"and sd of negatives given the day's level and alarms at p < {r['oracle_threshold_p']:.2g} (NB tail; 1 "
        f"false alarm per brand-month on the null series). A median delay <= 60 min needs half the incidents "
        f"caught in their first hour; the oracle catches {g['oracle_share_within_60_min']:.3f} of those >= 3 sigma"
        + ("." if g["oracle_share_within_60_min"] >= 0.5 else ": out of reach at this false-alarm rate.")
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="sigma: the sd of a day's negative count under the simulated baseline process (volume noise, share "
        "wobble and binomial sampling), at that day's expected volume; a k-sigma spike adds k * sigma negative "
        "mentions (to the negatives and to the volume) on each of its days. See the module docstring.",
    )
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument(
        "--series",
        type=int,
        default=None,
        help="null and spike series each; N/2 shift series (default 200; hourly 100)",
    )
    ap.add_argument(
        "--hourly",
        action="store_true",
        help="the intraday detector (pipeline/detect_hourly.py) on simulated hourly series: delay, recall, false "
        "alarms per brand-month (default output benchmarks/results/detector_hourly.json)",
    )
    ap.add_argument(
        "--night-share",
        type=float,
        default=0.0,
        metavar="X",
        help="hourly: each brand's share negative rises by U(0, X) from its peak hour to the night (default 0: flat)",
    )
    ap.add_argument("--sensitivity", default="normal", choices=sorted(Sensitivity.PRESETS), help="preset (daily)")
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="override a Sensitivity field of the preset (IntradaySensitivity with --hourly), e.g. --set "
        "alpha=0.002 (repeatable)",
    )
    ap.add_argument("--no-change-points", action="store_true", help="skip change_points (faster)")
    ap.add_argument("--out", type=Path, default=None, help="JSON output (default benchmarks/results/detector.json)")
    args = ap.parse_args(argv)
    sens = IntradaySensitivity() if args.hourly else Sensitivity.preset(args.sensitivity)
    known = [f.name for f in dataclass_fields(sens) if f.name != "name"]
    for item in args.set:
        key, _, value = item.partition("=")
        if key not in known or not value:  # a typo gave a traceback (AttributeError, float(''))
            ap.error(f"--set {item}: expected FIELD=VALUE, FIELD one of {', '.join(known)}")
        current = getattr(sens, key)
        try:
            sens = replace(
                sens, **{key: type(current)(value) if not isinstance(current, bool) else value.lower() == "true"}
            )
        except ValueError as exc:
            ap.error(f"--set {item}: {exc}")
    n_series = args.series or (100 if args.hourly else 200)
    out = args.out or REPO / f"benchmarks/results/detector{'_hourly' if args.hourly else ''}.json"
    t0 = time.perf_counter()
    if args.hourly:
        result = run_hourly(args.seed, n_series, sens, args.night_share)
        result["seconds"] = round(time.perf_counter() - t0, 1)
        result["sensitivity"] = dict(asdict(sens).items())
        result["command"] = (
            f"benchmarks/detector.py --hourly --seed {args.seed} --series {n_series}"
            + (f" --night-share {args.night_share:g}" if args.night_share else "")
            + "".join(f" --set {item}" for item in args.set)
        )
        result["python"] = platform.python_version()
        print_hourly(result)
        print(f"\n{result['seconds']} s")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {out}")
        return 0
    result = run(args.seed, n_series, sens, cp=not args.no_change_points)
    result["seconds"] = round(time.perf_counter() - t0, 1)
    result["sensitivity"] = {k: v for k, v in asdict(sens).items()}
    result["sigma_definition"] = (
        "sd of the day's negative count under the simulated baseline process without the spike "
        "(negative-binomial volume, Beta share wobble, binomial sampling), at that day's expected volume"
    )
    result["command"] = (
        f"benchmarks/detector.py --seed {args.seed} --series {n_series} --sensitivity {args.sensitivity}"
        + "".join(f" --set {item}" for item in args.set)
        + (" --no-change-points" if args.no_change_points else "")
    )
    result["python"] = platform.python_version()
    print_table(result)
    print(f"\n{result['seconds']} s")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
