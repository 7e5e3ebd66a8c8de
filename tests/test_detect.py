"""Spike alerts and change points of pipeline/detect.py on small constructed series."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pipeline.detect import Sensitivity, change_points, detect_spikes

START = date(2026, 1, 5)  # a Monday


def day(i: int) -> date:
    return START + timedelta(days=i)


def series(n: int = 90, volume: float = 100, share: float = 0.2, seed: int = 0, weekend: float = 1.0) -> pd.DataFrame:
    """Poisson volume (times ``weekend`` on Saturdays and Sundays), binomial negatives."""
    rng = np.random.default_rng(seed)
    mean = np.array([volume * (weekend if day(i).weekday() >= 5 else 1.0) for i in range(n)])
    vol = rng.poisson(mean)
    return pd.DataFrame({"day": [day(i) for i in range(n)], "volume": vol, "n_negative": rng.binomial(vol, share)})


def with_day(df: pd.DataFrame, i: int, volume: int, negatives: int) -> pd.DataFrame:
    out = df.copy()
    out.loc[i, ["volume", "n_negative"]] = [volume, negatives]
    return out


# ------------------------------------------------------------------------------------------------ spikes


def test_clear_spike_is_flagged_with_its_numbers():
    df = with_day(series(), 70, 180, 100)
    spikes = detect_spikes(df)
    assert [s.day for s in spikes] == [day(70)]
    s = spikes[0]
    assert (s.observed, s.volume) == (100, 180)
    assert s.share == pytest.approx(100 / 180)
    assert 17 < s.expected < 23  # 100 mentions a day at 20 % negative
    assert 0.18 < s.baseline_share < 0.22
    assert s.p_count < 1e-6 and s.p_share < 1e-6
    assert s.z == pytest.approx((100 - s.expected) / math.sqrt(s.expected * 1.1), rel=0.15)  # near-Poisson sd
    assert s.severity == "critical" and s.window == 1
    weekday = day(70).strftime("%A")
    assert s.reason.startswith(f"100 negative mentions vs {s.expected:.1f} expected for a {weekday}")
    assert "p<1e-6" in s.reason and "56% of 180 mentions negative" in s.reason


def test_severity_follows_the_size_of_the_excess():
    df = with_day(series(), 70, 180, 100)
    z = detect_spikes(df)[0].z
    assert detect_spikes(df, Sensitivity(major_z=z / 3, critical_z=z - 1))[0].severity == "critical"
    assert detect_spikes(df, Sensitivity(major_z=z / 3, critical_z=z + 1))[0].severity == "major"
    assert detect_spikes(df, Sensitivity(major_z=z + 1, critical_z=z + 2))[0].severity == "minor"
    # the thresholds are inclusive ("z >= major_z is major"): a z exactly at one is of the higher severity
    assert detect_spikes(df, Sensitivity(major_z=z / 3, critical_z=z))[0].severity == "critical"
    assert detect_spikes(df, Sensitivity(major_z=z, critical_z=z + 1))[0].severity == "major"


def test_two_negatives_out_of_three_never_alarm():
    df = with_day(series(volume=4, share=0.1), 70, 3, 2)
    for name in ("low", "normal", "high"):
        assert detect_spikes(df, Sensitivity.preset(name)) == []
    # it is the minimums that hold it back: without them the tests would flag the day
    no_minimums = Sensitivity(min_volume=1, min_negative=1, alpha=0.2, alpha_count=0.2)
    assert day(70) in [s.day for s in detect_spikes(df, no_minimums)]


def test_a_dozen_negatives_in_fifteen_mentions_never_alarm():
    """Enough negatives (12 >= min_negative) in too few mentions (15 < min_volume): the volume minimum alone
    holds the day back."""
    df = with_day(series(volume=4, share=0.1), 70, 15, 12)
    for name in ("low", "normal"):  # min_volume 30 and 20; min_negative 10 and 8
        sens = Sensitivity.preset(name)
        assert sens.min_negative <= 12 < 15 < sens.min_volume
        assert detect_spikes(df, sens) == [], name
    # the same knobs with the volume minimum met: the day is flagged, so it was the volume gate that held it back
    assert [s.day for s in detect_spikes(df, Sensitivity(min_volume=15))] == [day(70)]
    assert detect_spikes(df, Sensitivity(min_volume=16)) == []  # one mention short


def test_the_negatives_minimum_is_inclusive():
    """``min_negative`` is the fewest negatives that may alarm: a day with exactly that many can be flagged, one
    fewer never (the 12-in-15 day above, with the volume minimum met)."""
    df = with_day(series(volume=4, share=0.1), 70, 15, 12)
    assert [s.day for s in detect_spikes(df, Sensitivity(min_volume=15, min_negative=12))] == [day(70)]
    assert detect_spikes(df, Sensitivity(min_volume=15, min_negative=13)) == []


def test_no_alarm_before_min_history_baseline_days():
    """A new brand's first days cannot alarm: day t's baseline is days t-30..t-3, so a series starting on day 0 has
    13 baseline days on day 15 and 14 (``min_history``) on day 16. A blatant spike on day 15 is not flagged on its
    day; on day 16 it is; with ``min_history`` lowered to 13, day 15 is too."""
    df = series(n=20)
    assert day(15) not in [s.day for s in detect_spikes(with_day(df, 15, 180, 100))]
    assert day(14) not in [s.day for s in detect_spikes(with_day(df, 14, 180, 100))]
    assert [s.day for s in detect_spikes(with_day(df, 16, 180, 100))] == [day(16)]
    assert day(15) in [s.day for s in detect_spikes(with_day(df, 15, 180, 100), Sensitivity(min_history=13))]


def test_a_surge_before_the_first_baseline_leaves_later_baselines():
    """A day before the detector has ``min_history`` baseline days cannot be flagged, but it is judged once, against
    the other early days, when the detector first can: a launch-day surge on day 5 (300 negatives of 400) raises no
    alarm and leaves later baselines as a flagged day does. Kept in, it made the share's wobble (``rho``, over 112
    days), ``1/k`` and its weekday's factor (56 days) huge, and spikes on days 40 and 90 went unflagged."""
    clean = series(n=100, seed=2)
    surged = with_day(clean, 5, 400, 300)
    spikes = [(40, 150, 50), (90, 150, 50)]  # ~20 negatives expected: +30
    for i, volume, negatives in spikes:
        clean, surged = with_day(clean, i, volume, negatives), with_day(surged, i, volume, negatives)
    assert [s.day for s in detect_spikes(clean)] == [day(40), day(90)]
    assert [s.day for s in detect_spikes(surged)] == [day(40), day(90)]


def test_surges_on_two_early_days_do_not_hide_each_other():
    """Launch surges on days 4 and 5: judged each against all the other early days, each hid the other (its surge
    in the baseline made ``rho`` and ``1/k`` huge), neither left later baselines, and the spikes on days 40 and 90
    went unflagged. Judged the most extreme first, each against the others less the days ranked above it, both
    leave; so do surges on days 2 and 5."""
    spikes = [(40, 150, 50), (90, 150, 50)]
    for surge_days in ((4, 5), (2, 5)):
        df = series(n=100, seed=2)
        for i in surge_days:
            df = with_day(df, i, 400, 300)
        for i, volume, negatives in spikes:
            df = with_day(df, i, volume, negatives)
        assert [s.day for s in detect_spikes(df)] == [day(40), day(90)], surge_days


def test_the_warm_up_screen_takes_no_ordinary_day_of_a_noisy_series_out():
    """Past the most extreme early day, each is judged against a baseline less the days ranked above it: narrower
    than the series is, so at the tests' own thresholds ordinary days of a noisy series (share wobbling day to
    day, no surge) were screened out, and later days flagged against the narrower baseline (five false alarms
    here). Past the first, a day must pass the thresholds divided by the number of early days."""
    rng = np.random.default_rng(41)
    volume = rng.negative_binomial(5, 5 / (5 + 150), 60)
    share = rng.beta(0.2 * 40, 0.8 * 40, 60)
    df = pd.DataFrame({"day": [day(i) for i in range(60)], "volume": volume, "n_negative": rng.binomial(volume, share)})
    assert detect_spikes(df) == []


def test_a_surge_of_ordinary_chatter_leaves_later_baselines():
    """A viral day of 3000 mentions at the usual 20 % negative is no alarm (the share is at its usual level), but
    kept in the baseline its 600 negatives made the level, its weekday's factor and the count's dispersion huge for
    the 56 season days: a day of 100 negatives in 120, 30 days later, went unflagged. It leaves later baselines as
    a flagged day does."""
    df = with_day(with_day(series(n=120, seed=1), 40, 3000, 600), 70, 120, 100)
    assert [(s.day, s.severity) for s in detect_spikes(df)] == [(day(70), "critical")]


def test_an_incident_and_the_chatter_after_it_are_no_level_shift():
    """An incident flagged on day 40 and four days of ordinary chatter after it (300 mentions at the usual share)
    made five of seven days out: a "level shift", so the incident's day re-entered the baseline and a spike of 60
    negatives in 120 on day 70 went unflagged (the surge rule's days counted with the flagged ones). Each kind makes
    its own shift."""
    df = with_day(series(n=120, seed=1), 40, 200, 120)
    for d in range(41, 45):
        df = with_day(df, d, 300, 60)
    df = with_day(df, 70, 120, 60)
    assert [s.day for s in detect_spikes(df)] == [day(40), day(70)]


def test_days_without_mentions_leave_the_baseline():
    """A collection gap (ten days without a row: zero volume) tells nothing about the brand's usual negatives: the
    gap's days are no baseline days, so a spike after it expects the brand's usual ~20 negatives (100 mentions a
    day at 20 %), not a level diluted by ten zero days (~14)."""
    df = series(seed=3).drop(index=range(50, 60)).reset_index(drop=True)
    df.loc[df["day"] == day(70), ["volume", "n_negative"]] = [180, 100]
    [spike] = detect_spikes(df)
    assert spike.day == day(70)
    assert spike.expected == pytest.approx(20, rel=0.15)


def test_weekend_seasonal_series_raises_nothing_and_expects_per_weekday():
    for seed in (0, 1, 2):  # weekends at 40 % of the weekday volume, the share unchanged
        assert detect_spikes(series(n=180, volume=120, share=0.25, weekend=0.4, seed=seed)) == []
    df = series(n=180, volume=120, share=0.25, weekend=0.4, seed=0)
    # the expectation follows the weekday: a Saturday expects ~12 negatives, a Wednesday ~30
    sat, wed = 166, 170
    assert day(sat).weekday() == 5 and day(wed).weekday() == 2
    spiked = with_day(with_day(df, sat, 150, 100), wed, 250, 150)
    found = {s.day: s for s in detect_spikes(spiked)}
    assert set(found) == {day(sat), day(wed)}
    assert found[day(sat)].expected == pytest.approx(120 * 0.4 * 0.25, rel=0.2)
    assert found[day(wed)].expected == pytest.approx(120 * 0.25, rel=0.2)


def test_weekday_factors_follow_the_last_eight_weeks():
    """The day-of-week factors are learnt on the last ``season_days`` (56) days: a brand whose weekends were quiet
    (40 % of the weekday volume) until day 110 and as busy as its weekdays since expects a Saturday's negatives at
    the weekday level (~30: 120 mentions at 25 %), not at a blend with the quiet weekends of months ago (~21)."""
    rng = np.random.default_rng(3)
    quiet_weekend = [day(i).weekday() >= 5 and i < 110 for i in range(170)]
    vol = rng.poisson([120 * (0.4 if quiet else 1.0) for quiet in quiet_weekend])
    df = pd.DataFrame({"day": [day(i) for i in range(170)], "volume": vol, "n_negative": rng.binomial(vol, 0.25)})
    sat = 166
    assert day(sat).weekday() == 5
    [spike] = detect_spikes(with_day(df, sat, 250, 150), days=[day(sat)])
    assert spike.expected == pytest.approx(120 * 0.25, rel=0.15)


def test_past_spike_is_kept_out_of_later_baselines():
    df = with_day(with_day(series(seed=1), 50, 400, 300), 56, 160, 60)
    spikes = {s.day: s for s in detect_spikes(df)}
    assert set(spikes) == {day(50), day(56)}
    second = spikes[day(56)]
    # had day 50 stayed in the baseline, the expectation would be ~30 and the share ~0.3
    assert second.expected < 24 and second.baseline_share < 0.23
    # evaluating only the last night gives the same answer: the history is still walked in order
    assert detect_spikes(df, days=[day(56)]) == [second]


def test_days_the_caller_excludes_leave_the_baseline():
    df = series(seed=2)
    bad = range(50, 62)  # a period the caller knows is not normal (e.g. a scoring fault)
    for i in bad:
        df.loc[i, "n_negative"] = int(df.loc[i, "volume"] * 0.4)
    df = with_day(df, 70, 100, 40)
    assert detect_spikes(df, days=[day(70)]) == []
    flagged = detect_spikes(df, days=[day(70)], exclude=[day(i) for i in bad])
    assert [s.day for s in flagged] == [day(70)]
    assert flagged[0].baseline_share < 0.25


def test_days_the_caller_excludes_are_never_flagged_nor_summed_into_a_window():
    """Three mildly raised days alarm together (a 3-day window). With two of them excluded (a known scoring fault),
    none is flagged: not an excluded day itself (the second was, on its 3-day window), nor the third on a window
    reaching back over them. A pandas Series of days is taken as a list is (it raised "truth value of a Series is
    ambiguous")."""
    df = series(seed=4)
    for i in (60, 61, 62):
        df = with_day(df, i, 112, 32)
    assert [(s.day, s.window) for s in detect_spikes(df) if s.day >= day(60)] == [(day(61), 3)]
    excluded = pd.Series([day(60), day(61)])
    assert [s for s in detect_spikes(df, exclude=excluded) if s.day >= day(60)] == []
    assert [s.day for s in detect_spikes(with_day(df, 62, 112, 60), exclude=excluded)] == [day(62)]  # alone: yes


def test_a_slow_incidents_raised_days_leave_later_baselines_as_excluded_days_would():
    """An incident flagged on a 3-day window (days 59-61): its days above their expected count (59: 30 negatives,
    61: 28) leave later baselines, not only the flagged day; a day of the window below it (60: 18 of 40) is a normal
    day and stays. So a spike two weeks later is measured exactly as if the caller had excluded days 59 and 61.
    The flagged day's z is its own day's, as for a day flagged alone."""
    df = series(seed=4)
    df = with_day(with_day(with_day(df, 60, 40, 18), 61, 112, 28), 62, 112, 28)
    df = with_day(df, 75, 180, 100)
    assert list(df["n_negative"][59:62]) == [30, 18, 28]
    spikes = detect_spikes(df)
    assert [(s.day, s.window) for s in spikes] == [(day(61), 3), (day(75), 1)]
    slow = spikes[0]
    # z is the flagged day's own excess in its own sd (near-Poisson here), not the 3-day sum's in the sum's sd
    assert slow.z == pytest.approx((slow.observed - slow.expected) / math.sqrt(slow.expected * 1.1), rel=0.15)
    [later] = detect_spikes(df, days=[day(75)])
    [as_excluded] = detect_spikes(df, days=[day(75)], exclude=[day(59), day(61)])
    assert later.expected == pytest.approx(as_excluded.expected, rel=1e-9)
    assert later.baseline_share == pytest.approx(as_excluded.baseline_share, rel=1e-9)


def test_a_day_whose_own_share_is_not_raised_is_never_flagged_on_a_window():
    """A day is flagged only when its own count and its own share are above the baseline. Two small days that were
    all negative (19 of 19, under the volume minimum) and a busy day at 18 % (below the ~20 % baseline) make a 3-day
    window that the tests would flag (high sensitivity): the busy day is not flagged, as its own share is not up.
    At 22 % it is."""
    df = with_day(with_day(series(), 60, 19, 19), 61, 19, 19)
    high = Sensitivity.preset("high")
    assert day(62) not in [s.day for s in detect_spikes(with_day(df, 62, 300, 54), high)]
    assert [s.day for s in detect_spikes(with_day(df, 62, 300, 66), high, days=[day(62)])] == [day(62)]


def test_a_level_shift_is_relearnt_after_five_flags_in_seven_days():
    """The share negative steps from 20 % to 45 % on day 60 and stays there. Its first five days are flagged; five
    flags in the last seven days (``shift_flags`` of ``shift_window``) make it a level shift: those days re-enter
    the baseline, so the sixth day at the new level is judged against it and not flagged, and the alarms stop
    within the baseline window instead of going on for weeks."""
    for seed in (5, 6):
        flagged = [(s.day - START).days for s in detect_spikes(step_series(0.2, 0.45, n=130, at=60, seed=seed))]
        assert flagged[:5] == [60, 61, 62, 63, 64], seed
        assert 65 not in flagged, seed
        assert max(flagged) < 75, seed


def test_far_more_negatives_than_usual_alarm_with_a_moderately_raised_share():
    """A viral complaint also draws neutral replies: the count is far above the weekday's usual (the sharp test)
    and the share is up, less sharply: the second way both tests hold."""
    df = with_day(series(), 70, 250, 72)
    [spike] = detect_spikes(df, days=[day(70)])
    assert spike.p_count < Sensitivity().alpha_count_strong
    assert Sensitivity().alpha < spike.p_share < Sensitivity().alpha_share_gate
    assert "29% of 250 mentions negative vs 21% baseline (beta-binomial p=0.005)" in spike.reason
    share_sharp_only = replace(Sensitivity(), alpha_share_gate=Sensitivity().alpha)  # the first way alone
    assert detect_spikes(df, share_sharp_only, days=[day(70)]) == []
    # a surge of chatter with the share about its usual level is no incident, however many more negatives: the
    # share gate stops it (22% of 250 against 21%: the count alone says p < 1e-8)
    surge = with_day(series(), 70, 250, 56)
    assert detect_spikes(surge, days=[day(70)]) == []
    assert detect_spikes(surge, replace(Sensitivity(), alpha_share_gate=0.999), days=[day(70)])  # gate open


@pytest.mark.parametrize(("negatives", "expected"), [(36, {"high"}), (40, {"high", "normal"})])
def test_sensitivity_presets_change_the_outcome(negatives, expected):
    df = with_day(series(), 70, 110, negatives)
    flagged = {name for name in Sensitivity.PRESETS if detect_spikes(df, Sensitivity.preset(name), days=[day(70)])}
    assert flagged == expected


def test_presets_and_validation():
    assert Sensitivity.preset("normal") == Sensitivity()
    assert Sensitivity.preset("low").alpha < Sensitivity().alpha < Sensitivity.preset("high").alpha
    with pytest.raises(ValueError, match="unknown sensitivity"):
        Sensitivity.preset("paranoid")
    with pytest.raises(ValueError, match="alpha"):
        Sensitivity(alpha=0)
    with pytest.raises(ValueError, match=r"alpha_count_strong \(0.1\) may not exceed alpha_count \(0.05\)"):
        Sensitivity(alpha_count_strong=0.1)
    with pytest.raises(ValueError, match=r"alpha_count \(0.0001\).*set alpha_count_strong too"):
        replace(Sensitivity(), alpha_count=1e-4)
    with pytest.raises(ValueError, match="min_history"):
        replace(Sensitivity(), min_history=40)


def test_slow_building_incident_is_caught_on_its_window():
    # three days of +60 % negatives: no single day is decisive, the three days together are
    df = series(seed=4)
    for i in (60, 61, 62):
        df = with_day(df, i, 112, 34)
    spikes = detect_spikes(df)
    assert [s.day for s in spikes if 60 <= (s.day - START).days <= 62]
    assert any(s.window > 1 for s in spikes)
    assert detect_spikes(df, Sensitivity(max_window=1)) == []


def test_input_validation():
    df = series(n=20)
    with pytest.raises(ValueError, match="lacks"):
        detect_spikes(df.drop(columns="n_negative"))
    with pytest.raises(ValueError, match="exceeds"):
        detect_spikes(with_day(df, 3, 2, 5))
    with pytest.raises(ValueError, match="duplicate"):
        detect_spikes(pd.concat([df, df.iloc[:1]]))
    assert detect_spikes(df.iloc[:0]) == []


# ------------------------------------------------------------------------------------------ change points


def step_series(before: float, after: float, n: int = 120, at: int = 60, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    vol = rng.poisson(100, n)
    share = np.where(np.arange(n) >= at, after, before)
    return pd.DataFrame({"day": [day(i) for i in range(n)], "volume": vol, "n_negative": rng.binomial(vol, share)})


def test_change_point_found_on_a_step():
    (cp,) = change_points(step_series(0.15, 0.30))
    assert abs((cp.day - day(60)).days) <= 2
    assert cp.before == pytest.approx(0.15, abs=0.02) and cp.after == pytest.approx(0.30, abs=0.02)
    assert cp.direction == "up" and cp.deterioration and cp.p_value < 1e-6
    assert cp.delta == pytest.approx(cp.after - cp.before)
    assert "rose from 15% to 30%" in cp.reason


def test_change_point_down_is_not_a_deterioration():
    (cp,) = change_points(step_series(0.30, 0.18))
    assert cp.direction == "down" and not cp.deterioration


def test_no_change_point_on_a_flat_series_or_an_immaterial_step():
    assert change_points(step_series(0.2, 0.2)) == []
    assert change_points(series(n=200, seed=6)) == []
    # at 10 mentions a day week-long segments differ by 5+ points by chance: even when a low penalty lets
    # ruptures propose them, they are not significant and not reported
    assert change_points(series(n=200, volume=10, seed=8), replace(Sensitivity(), penalty_scale=0.3)) == []
    # 3 points is statistically clear at 100 mentions a day over 60 days, but not material (< 5 points)
    assert change_points(step_series(0.20, 0.23, n=400, at=200)) == []
    assert change_points(step_series(0.20, 0.23, n=400, at=200), replace(Sensitivity(), min_shift=0.02))


def test_no_change_point_from_weeks_without_a_negative_at_a_few_mentions_a_day():
    """At 1-3 mentions a day a week with no negative is common, and its daily shares have a sample variance of 0:
    Welch's test then read the other segment's noise alone, and a steady 10% brand got 4 change points a year
    ('fell from 10% to 0%', 'rose from 0% to 8%', p < 1e-3). Each segment's variance is at least the binomial
    variance of its days at the pooled share; a real step at that volume is still found, and for the count too."""
    for volume, seed in itertools.product((1, 3), range(6)):
        flat = series(n=365, volume=volume, share=0.1, seed=seed)
        assert change_points(flat) == [], (volume, seed)
        assert change_points(flat, metric="negatives") == [], (volume, seed)
    step = pd.concat([series(n=90, volume=3, share=0.1, seed=1), series(n=90, volume=3, share=0.6, seed=2)])
    step["day"] = [day(i) for i in range(180)]
    (cp,) = change_points(step)
    assert abs((cp.day - day(90)).days) <= 3 and cp.direction == "up"


def test_change_point_found_across_days_without_mentions():
    """Days without mentions (a collection gap: no rows) have no share: they are left out of the share series, so
    the step is still found, with its levels."""
    df = step_series(0.15, 0.30).drop(index=[20, 21, 22, 80, 81]).reset_index(drop=True)
    (cp,) = change_points(df)
    assert abs((cp.day - day(60)).days) <= 2
    assert cp.before == pytest.approx(0.15, abs=0.02) and cp.after == pytest.approx(0.30, abs=0.02)


def test_a_small_relative_rise_of_the_negative_count_is_no_change_point():
    """+15 % negatives a day (100 -> 115) over 150 days each side is statistically clear but not material
    (``min_rel_shift`` 25 %): no change point; with the threshold at 10 % it is one."""
    rng = np.random.default_rng(7)
    vol = rng.poisson(np.where(np.arange(300) >= 150, 230, 200))
    df = pd.DataFrame({"day": [day(i) for i in range(300)], "volume": vol, "n_negative": rng.binomial(vol, 0.5)})
    assert change_points(df, metric="negatives") == []
    (cp,) = change_points(df, replace(Sensitivity(), min_rel_shift=0.1), metric="negatives")
    assert cp.direction == "up" and cp.relative == pytest.approx(0.15, abs=0.05)


def test_change_point_on_the_negative_count():
    df = step_series(0.2, 0.2)
    df.loc[60:, "volume"] *= 2
    df.loc[60:, "n_negative"] *= 2
    assert change_points(df) == []  # the share did not move
    (cp,) = change_points(df, metric="negatives")
    assert cp.metric == "negatives" and cp.direction == "up" and cp.relative == pytest.approx(1.0, abs=0.2)


@pytest.mark.filterwarnings("error")  # scipy's IntegrationWarning printed above detect-series' table
def test_the_share_tests_tail_past_its_summed_terms_agrees_with_the_sum_and_costs_the_same_at_any_volume(
    monkeypatch,
):
    """Past SHARE_SUM_TERMS the beta-binomial tail is an integral: at 150,000 terms it agrees with the full sum (to
    2e-7 relative where a p-value is above 1e-20, and to 1e-20 below), and at a volume of 1e12 or 1e15 (detect-series
    takes counts up to 1e15) it is a number, the beta's own tail as the volume grows; the sum failed to allocate
    (a 1e8 day took minutes and gigabytes)."""
    from pipeline import detect

    n, integrated = 150_000, {}
    cases = list(
        itertools.product([0.02, 0.1, 0.101, 0.105, 0.12, 0.2, 0.3], [0.01, 0.1, 0.5], [1e-8, 1e-4, 0.01, 0.9])
    )
    for frac, p0, rho in cases:
        for mid in (False, True):
            integrated[frac, p0, rho, mid] = detect._share_sf(int(n * frac), n, p0, rho, mid)
    monkeypatch.setattr(detect, "SHARE_SUM_TERMS", 10**9)  # every term summed
    for (frac, p0, rho, mid), got in integrated.items():
        summed = detect._share_sf(int(n * frac), n, p0, rho, mid)
        assert (got == pytest.approx(summed, rel=1e-6)) if summed > 1e-20 else abs(got - summed) < 1e-20
    monkeypatch.undo()
    s = 1 / 0.001 - 1
    for volume in (10**12, 10**15):
        assert detect._share_sf(volume // 10, volume, 0.1, 0.001) == pytest.approx(
            stats.beta.sf(0.1, 0.1 * s, 0.9 * s), rel=1e-6
        )
        assert 0 < detect._share_sf(volume // 5, volume, 0.1, 0.001, mid=True) < 1e-15
    for share in (0.1001, 0.11):  # where quad warned that roundoff kept it from its 1e-10
        assert 0 <= detect._share_sf(int(10**9 * share), 10**9, 0.1, 0.001, mid=True) <= 1
