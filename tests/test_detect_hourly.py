"""The intraday detector (pipeline/detect_hourly.py) and `brandpulse detect-series` on small constructed series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.detect_hourly import IntradaySensitivity, detect_intraday

START = pd.Timestamp("2026-01-05", tz="UTC")  # a Monday
HOUR = pd.Timedelta(hours=1)


def hourly(weeks: int = 6, daily: float = 1200, share: float = 0.2, seed: int = 0) -> pd.DataFrame:
    """Poisson volume with a diurnal cycle (night trough at 20 % of the afternoon peak) and quieter weekends."""
    rng = np.random.default_rng(seed)
    hours = pd.date_range(START, periods=weeks * 168, freq="h")
    diurnal = 0.2 + 0.8 * (1 + np.cos(2 * np.pi * (np.asarray(hours.hour) - 15) / 24)) / 2
    level = np.where(np.asarray(hours.day_of_week) >= 5, 0.6, 1.0)
    vol = rng.poisson(daily / 24 * diurnal / diurnal.mean() * level)
    return pd.DataFrame({"hour": hours, "volume": vol, "n_negative": rng.binomial(vol, share)})


def add(df: pd.DataFrame, i: int, extra_negative: int, extra_other: int = 0) -> None:
    df.loc[i, "volume"] += extra_negative + extra_other
    df.loc[i, "n_negative"] += extra_negative


def at(week: int, day: int, hour: int) -> int:
    return week * 168 + day * 24 + hour


def test_quiet_series_raise_at_most_one_alarm_per_brand_month():
    # each series is evaluated from its third week on: four weeks, about one brand-month, each
    flags = [s for seed in (0, 1, 2) for s in detect_intraday(hourly(seed=seed))]
    assert len(flags) <= 3, [s.reason for s in flags]
    assert all(s.kind == "hourly_spike" and s.z < 5 for s in flags)  # nothing dramatic out of pure noise


def test_a_brand_angrier_at_night_is_not_out_of_proportion_every_night():
    # 15 % negative in the afternoon, 30 % at 3 am: against the week's one share every night was out of proportion
    df = hourly(weeks=8, daily=3000, seed=4)
    night = (1 + np.cos(2 * np.pi * (df["hour"].dt.hour.to_numpy() - 3) / 24)) / 2
    df["n_negative"] = np.random.default_rng(4).binomial(df["volume"], 0.15 + 0.15 * night)
    flags = detect_intraday(df)  # six evaluated weeks, about 1.4 brand-months
    assert len(flags) <= 1, [s.reason for s in flags]


def test_ramping_incident_is_found_within_its_first_two_hours():
    df = hourly(seed=3)
    start = at(5, 2, 14)  # a Wednesday afternoon, ~14 negatives an hour expected
    for j, extra in enumerate((15, 30, 45, 60, 60, 60)):  # ramps up over four hours
        add(df, start + j, extra)
    incident = df["hour"][start : start + 6]
    spikes = detect_intraday(df, periods=incident)
    assert spikes and all(s.kind == "hourly_spike" for s in spikes)
    first = spikes[0]
    assert first.period in (df["hour"][start], df["hour"][start + 1])
    assert first.end == first.period + HOUR and first.start <= first.period
    assert first.observed > first.expected and first.z > 3
    assert first.p_count < 0.05 and first.p_share < 2e-4
    assert first.share == pytest.approx(first.observed / first.volume) and first.share > first.baseline_share
    assert f"{first.share:.0%} of {first.volume} mentions negative" in first.reason
    # severity by z: 4 <= z < 8 major, z >= 8 critical (the ramp's first flag is major, its peak critical)
    assert [s.severity for s in spikes] == ["major" if s.z < 8 else "critical" for s in spikes]
    assert {s.severity for s in spikes} == {"major", "critical"}
    assert "expected for these hours of the week" in first.reason


def test_three_negatives_at_four_in_the_morning_never_flag():
    df = hourly(daily=40, share=0.1, seed=4)  # a quiet brand: well under one mention an hour at night
    night = at(5, 1, 4)
    df.loc[night, ["volume", "n_negative"]] = [3, 3]
    for name, sens in {
        "default": IntradaySensitivity(),
        "loose": IntradaySensitivity(alpha=0.2, alpha_count=0.2),
    }.items():
        assert detect_intraday(df, sens) == [], name
    # the minimums hold it back, not the p-values
    no_minimums = IntradaySensitivity(min_negative=1, min_volume=1, alpha=0.01, alpha_count=0.2)
    assert df["hour"][night] in [s.period for s in detect_intraday(df, no_minimums)]


def test_a_dozen_negatives_in_fifteen_mentions_at_night_never_flag():
    """Enough negatives (12 >= min_negative) in too few mentions (15 + the night's trickle < min_volume, in every
    window of up to six hours): the volume minimum alone holds the hour back."""
    df = hourly(daily=40, share=0.1, seed=4)
    night = at(5, 1, 4)
    df.loc[night, ["volume", "n_negative"]] = [15, 12]
    default = IntradaySensitivity()
    assert default.min_negative <= 12 and df["volume"][night - 5 : night + 6].sum() < default.min_volume
    assert detect_intraday(df, default) == []
    assert detect_intraday(df, IntradaySensitivity(alpha=0.2, alpha_count=0.2)) == []
    # the same knobs with the volume minimum met: the hour is flagged, so it was the volume gate that held it back
    flagged = detect_intraday(df, IntradaySensitivity(min_volume=15))
    assert [(s.kind, s.period, s.volume) for s in flagged] == [("hourly_spike", df["hour"][night], 15)]


def test_eight_negatives_in_forty_mentions_at_night_never_flag():
    """Enough mentions (40 >= min_volume) with too few negatives (8 + the night's trickle < min_negative, in every
    window of up to six hours): the negatives minimum alone holds the hour back."""
    df = hourly(daily=40, share=0.1, seed=4)
    night = at(5, 1, 4)
    df.loc[night, ["volume", "n_negative"]] = [40, 8]
    loose = IntradaySensitivity(alpha=0.2, alpha_count=0.2)
    assert df["n_negative"][night - 5 : night + 6].sum() < loose.min_negative and 40 >= loose.min_volume
    assert detect_intraday(df, loose) == []
    # the same knobs with the negatives minimum met: the hour is flagged
    flagged = detect_intraday(df, IntradaySensitivity(alpha=0.2, alpha_count=0.2, min_negative=8))
    assert [(s.kind, s.period, s.observed) for s in flagged] == [("hourly_spike", df["hour"][night], 8)]


def test_a_share_out_of_proportion_without_more_negatives_than_usual_never_flags():
    """A Wednesday afternoon hour with a third of its usual mentions and its usual ~20 negatives: the share is far
    up (p_share ~ 1e-8), the count is not (p_count ~ 0.4), and it is the count test that holds the hour back."""
    df = hourly(seed=11)
    t = at(5, 2, 15)
    df.loc[t, ["volume", "n_negative"]] = [30, 20]
    assert detect_intraday(df, periods=[df["hour"][t]]) == []
    (s,) = detect_intraday(df, IntradaySensitivity(alpha_count=0.5), periods=[df["hour"][t]])
    assert s.kind == "hourly_spike" and s.window == 1 and s.p_count > 0.05 and s.p_share < 2e-4


def test_the_flagged_hour_is_one_whose_own_count_is_up():
    """A window reaches back over the hours before, but the hour it flags must itself be above expectation: a burst
    at 23:00 (the hour before the first one tested) followed by a silent midnight does not flag the midnight."""
    first = at(2, 1, 0)  # the first hour tested: 14 days of baseline (min_history_hours) less the 5-hour guard band
    for extra_negative, extra_other, quiet, kind in (
        (60, 0, [0, 0], "hourly_spike"),
        (0, 300, [0, 0], "volume_spike"),
        (0, 300, [10, 8], "volume_spike"),  # fewer mentions than usual, if more negatives: no volume spike
    ):
        df = hourly(seed=12)
        add(df, first, extra_negative, extra_other)
        assert [(s.kind, s.period) for s in detect_intraday(df, periods=[df["hour"][first]])] == [
            (kind, df["hour"][first])
        ]  # the burst itself is tested from here on
        df = hourly(seed=12)
        add(df, first - 1, extra_negative, extra_other)
        df.loc[first, ["volume", "n_negative"]] = quiet
        assert detect_intraday(df, periods=[df["hour"][first]]) == [], (kind, quiet)


def test_expectation_follows_the_hour_of_the_week():
    df = hourly(seed=5)
    night, afternoon, sunday = at(5, 2, 4), at(5, 2, 15), at(5, 6, 15)
    for i in (night, afternoon, sunday):
        add(df, i, 80)
    found = {s.period: s for s in detect_intraday(df, IntradaySensitivity(max_window_hours=1))}
    exp = {i: found[df["hour"][i]].expected for i in (night, afternoon, sunday)}
    # 1200 a day at 20 % negative: ~4 negatives an hour at the 04:00 trough, ~16 at the 15:00 peak (x0.6 Sunday)
    assert exp[night] < 0.5 * exp[sunday] < 0.5 * exp[afternoon]
    assert exp[afternoon] == pytest.approx(1200 / 24 / 0.6 * 0.2, rel=0.25)
    assert exp[sunday] == pytest.approx(0.6 * exp[afternoon], rel=0.25)


def test_a_past_spike_does_not_mask_the_next():
    df = hourly(seed=6)
    first, second = at(4, 3, 13), at(5, 3, 13)  # a week apart: the first is in the second's baseline
    for j in range(6):
        add(df, first + j, 300)
    add(df, second, 30)
    spikes = {s.period: s for s in detect_intraday(df, IntradaySensitivity(max_window_hours=1))}
    assert df["hour"][second] in spikes
    assert spikes[df["hour"][second]].baseline_share < 0.23
    # had the first incident stayed in the baseline, it would have raised the expectation and the share
    assert detect_intraday(df, IntradaySensitivity(max_window_hours=1), periods=[df["hour"][second]]) == [
        spikes[df["hour"][second]]
    ]


def test_a_surge_before_the_first_baseline_leaves_later_baselines():
    """An hour before the detector has ``min_history_hours`` baseline hours cannot be flagged, but it is judged once,
    against the other early days, when the detector first can: a launch surge in the first week (three hours of +300
    negatives) raises no alarm and leaves later baselines as a flagged hour does. Kept in, it stayed in the four
    baseline weeks, and its weight in ``1/k``, ``rho`` and its hours' factors hid every spike of weeks 2-3."""
    clean = hourly(seed=2)
    surged = clean.copy()
    for j in range(3):
        add(surged, at(0, 2, 14) + j, 300)
    spikes = [at(2, 3, 15), at(3, 1, 15), at(3, 4, 15)]  # ~16 negatives expected: +40
    for i in spikes:
        add(clean, i, 40)
        add(surged, i, 40)
    assert [s.period for s in detect_intraday(clean)] == list(clean["hour"][spikes])
    assert [s.period for s in detect_intraday(surged)] == list(clean["hour"][spikes])


def test_surges_on_two_early_days_do_not_hide_each_other():
    """Three hours of +300 negatives on both Wednesday and Thursday of the first week: judged each day's against
    the other days', each hid the other, neither left the baseline and every spike of weeks 2-3 went unflagged.
    Judged the most extreme first, each against the other days' less the periods ranked above it, both leave."""
    df = hourly(seed=2)
    for d in (2, 3):
        for j in range(3):
            add(df, at(0, d, 14) + j, 300)
    spikes = [at(2, 3, 15), at(3, 1, 15), at(3, 4, 15)]
    for i in spikes:
        add(df, i, 40)
    assert [s.period for s in detect_intraday(df)] == list(df["hour"][spikes])


def test_a_day_without_mentions_and_an_excluded_outage_stay_out_of_the_baseline():
    """A whole UTC day without a mention is a collection gap, and hours passed as ``exclude=`` a known outage:
    neither lowers the expectation of the same hours a week later, as quiet hours would."""
    df = hourly(seed=10)
    spike = at(5, 2, 15)
    add(df, spike, 80)
    one_hour = IntradaySensitivity(max_window_hours=1)

    def expected(series: pd.DataFrame, **kw) -> float:
        return {s.period: s for s in detect_intraday(series, one_hour, **kw)}[df["hour"][spike]].expected

    clean = expected(df)
    gap = df.copy()
    gap.loc[at(4, 2, 0) : at(4, 2, 23), ["volume", "n_negative"]] = 0  # the Wednesday before: the collector was down
    assert expected(gap) == pytest.approx(clean, rel=0.1)
    outage = df.copy()
    hours = list(range(at(4, 2, 8), at(4, 2, 20)))  # down from 08:00 to 20:00 only: not a whole day
    outage.loc[hours, ["volume", "n_negative"]] = 0
    assert expected(outage, exclude=list(outage["hour"][hours])) == pytest.approx(clean, rel=0.1)
    assert expected(outage) < 0.85 * clean  # not excluded, the outage's zeros count as quiet hours


def test_no_window_reaches_back_over_hours_the_caller_excludes():
    """An incident the caller excludes (three hours, +10/+25/+40 negatives) is no evidence for the ordinary hours
    after it: 17:00 (88 mentions, 16 negatives) was flagged on a window 15:00-18:00 quoting 89 negatives against 48.7
    expected, two thirds of them the excluded hour's. A pandas Series of hours is taken as a list is."""
    df = hourly(seed=6)
    first = at(4, 3, 13)  # Thursday 13:00-15:59
    for j, extra in enumerate((10, 25, 40)):
        add(df, first + j, extra)
    thursday = df["hour"][at(4, 3, 0) : at(4, 3, 23) + 1]
    assert [s.period.hour for s in detect_intraday(df, periods=thursday)] == [14, 15]  # not excluded: the incident
    excluded = df["hour"][first : first + 3]  # a Series
    assert detect_intraday(df, periods=thursday, exclude=excluded) == []


def test_a_window_is_never_compared_with_a_baseline_that_holds_its_own_hours():
    """The baseline refitted at midnight ends 5 hours before it (the guard band): a window of the first hours of a day
    reaching back into the evening before is tested against the same baseline whether or not those evening hours
    were ever usable."""
    df = hourly(seed=15)
    t = at(5, 2, 0)
    add(df, t, 40)
    sens = IntradaySensitivity(min_volume=150)  # too few mentions in one night hour: the window reaches back
    (s,) = detect_intraday(df, sens, periods=[df["hour"][t]])
    assert s.window > 1 and s.start < df["hour"][t].floor("D")
    evening = list(df["hour"][t - 5 : t - s.window + 1])  # the guard band's hours before the window's
    assert evening and detect_intraday(df, sens, periods=[df["hour"][t]], exclude=evening) == [s]


def test_a_lasting_shift_is_learned_not_flagged_for_good():
    """+40 negatives every hour from a Wednesday on: a run of flagged hours that long is a level shift, so those hours
    re-enter the baseline and, within the baseline weeks, the new level is the expectation (kept out, it would be
    flagged every hour for good)."""
    df = hourly(seed=13)
    shift = at(3, 2, 0)
    df.loc[shift:, ["volume", "n_negative"]] += 40
    flags = detect_intraday(df)
    assert sum(s.period >= df["hour"][shift] for s in flags) >= 24  # flagged at first
    assert sum(s.period >= df["hour"][at(5, 0, 0)] for s in flags) < 24  # the last week: less than a day's hours


def test_every_elevated_hour_of_a_flagged_window_leaves_the_baseline():
    """A night incident flagged with a two-hour window (its first hour alone is under min_negative): both hours stay
    out of the baselines that follow, so the same incident a week later is compared with the usual night, as if
    the first had never happened (its first hour kept in would triple the expectation)."""
    sens = IntradaySensitivity(min_negative=200, min_spike_volume=1000)  # the hourly test only, two-hour windows
    df = hourly(seed=6)
    first, second = at(4, 3, 3), at(5, 3, 3)  # Thursdays 03:00-04:59
    clean = df.copy()
    for series in (df, clean):
        add(series, second, 150)
        add(series, second + 1, 150)
    add(df, first, 150)
    add(df, first + 1, 150)
    assert [(s.period, s.window) for s in detect_intraday(df, sens, periods=df["hour"][first : first + 2])] == [
        (df["hour"][first + 1], 2)
    ]
    (again,) = detect_intraday(df, sens, periods=df["hour"][second : second + 2])
    (alone,) = detect_intraday(clean, sens, periods=clean["hour"][second : second + 2])
    assert (again.period, again.window) == (alone.period, alone.window) == (df["hour"][second + 1], 2)
    assert again.expected == pytest.approx(alone.expected, rel=0.15)


def test_viral_thread_is_a_volume_spike_before_its_sentiment_is():
    df = hourly(seed=7)
    i = at(5, 1, 11)
    add(df, i, 0, extra_other=250)  # a burst of mentions, share negative unchanged
    (s,) = detect_intraday(df)
    assert s.kind == "volume_spike" and s.period == df["hour"][i] and s.p_share is None
    assert s.observed == df["volume"][i] and s.p_count < 1e-6
    without_negatives = detect_intraday(df.drop(columns="n_negative"))
    assert [(x.kind, x.period) for x in without_negatives] == [("volume_spike", df["hour"][i])]


def test_the_hour_so_far_ends_its_window_where_the_data_does_whatever_the_clock_of_until():
    """A 15-minute watch run: the last hour holds its first quarter (a burst of 40 negatives in it). Its window ends
    at ``until``, given aware or naive (UTC, as the hours are: it was a TypeError)."""
    t = at(5, 2, 14)
    df = hourly(seed=3).iloc[: t + 1].copy()
    df.loc[t, ["volume", "n_negative"]] = [df["volume"][t] // 4 + 40, df["n_negative"][t] // 4 + 40]
    until = df["hour"][t] + pd.Timedelta(minutes=15)
    for given in (until, until.tz_localize(None), until.tz_localize(None).to_pydatetime()):
        (s,) = detect_intraday(df, periods=[df["hour"][t]], until=given)
        assert (s.kind, s.period, s.end) == ("hourly_spike", df["hour"][t], until)
        assert "14:00-14:15 UTC" in s.reason


def test_input_validation():
    df = hourly(weeks=1)
    with pytest.raises(ValueError, match="lacks"):
        detect_intraday(df.drop(columns="volume"))
    with pytest.raises(ValueError, match="duplicate"):
        detect_intraday(pd.concat([df, df.iloc[:1]]))
    with pytest.raises(ValueError, match="period starts"):
        detect_intraday(df.assign(hour=df["hour"] + pd.Timedelta(minutes=7)))
    with pytest.raises(ValueError, match="freq"):
        detect_intraday(df, freq="week")
    assert detect_intraday(df.iloc[:0]) == []


# ------------------------------------------------------------------------------------------ detect-series


def write_csv(tmp_path, df: pd.DataFrame, naive: bool = False):
    path = tmp_path / "export.csv"
    stamps = df["hour"].dt.tz_localize(None) if naive else df["hour"]
    pd.DataFrame({"timestamp": [t.isoformat() for t in stamps], "count": df["volume"], "neg": df["n_negative"]}).to_csv(
        path, index=False
    )
    return path


def test_detect_series_writes_the_flags(tmp_path):
    df = hourly(seed=8)
    i = at(5, 2, 15)
    add(df, i, 90)
    out = tmp_path / "flags.csv"
    result = CliRunner().invoke(
        app, ["detect-series", str(write_csv(tmp_path, df, naive=True)), "--negative", "neg", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    flags = pd.read_csv(out)
    columns = ["start", "end", "observed", "expected", "z", "p_count", "p_share", "kind", "periods"]
    assert list(flags.columns) == columns
    assert len(flags) == 1
    row = flags.iloc[0]
    assert row["periods"] == 1  # the window whose tests fired: one hour
    assert (row["start"], row["end"]) == ("2026-02-11T15:00:00+00:00", "2026-02-11T16:00:00+00:00")
    assert row["kind"] == "hourly_spike" and row["observed"] == df["n_negative"][i] and row["z"] > 5
    assert "1 flagged period(s) of 1008 (hour)" in result.output


@pytest.mark.parametrize(
    ("zone", "minutes", "first"),
    [("Asia/Kolkata", 30, "15:30"), ("Asia/Kathmandu", 15, "15:15"), ("Asia/Kolkata", 0, "15:00")],
)
def test_detect_series_flags_the_hours_of_rows_written_at_a_half_hour_offset(tmp_path, zone, minutes, first):
    """Hourly rows at +05:30 (13:00+05:30 is 07:30 UTC) were summed to UTC's hours: the flag said 07:00-08:00 UTC,
    half an hour before the row that spiked. Their periods are the rows' own, written with the offset or on the
    --timezone clock; at +05:45 (13:00+05:45 is 07:15 UTC) 15 minutes past UTC's hours, not 45. Rows an export
    counted by UTC's hours and wrote on its clock (12:30+05:30 is 07:00 UTC) are UTC's hours: where the rows lie."""
    df = hourly(seed=8).assign(hour=lambda d: d["hour"] + pd.Timedelta(minutes=minutes))  # the hours of zone's clock
    i = at(5, 2, 15)
    add(df, i, 90)
    written = df.assign(hour=df["hour"].dt.tz_convert(zone))
    naive = write_csv(tmp_path, written, naive=True).rename(tmp_path / "naive.csv")  # 21:00 on the zone's clock
    for path, extra in ((write_csv(tmp_path, written), []), (naive, ["--timezone", zone])):
        out = tmp_path / f"{path.stem}-flags.csv"
        result = CliRunner().invoke(app, ["detect-series", str(path), "--negative", "neg", "--out", str(out), *extra])
        assert result.exit_code == 0, result.output
        flags = pd.read_csv(out)
        assert list(zip(flags["start"], flags["end"], flags["observed"], strict=True)) == [
            (df["hour"][i].isoformat(), (df["hour"][i] + HOUR).isoformat(), df["n_negative"][i])
        ]
        assert flags["start"][0] == f"2026-02-11T{first}:00+00:00"  # the row 21:00+05:30 (21:00+05:45)


@pytest.mark.parametrize(("offset", "phase"), [("+05:30", 30), ("+05:45", 15), ("-03:30", 30), ("Z", 0)])
def test_five_minute_rows_are_summed_to_the_hours_of_their_clock(offset, phase):
    """Five-minute rows lie at twelve points of an hour, so their hours are the clock's they were written on: at
    +05:45 those start 15 minutes past UTC's (13:00+05:45 is 07:15 UTC), not 45."""
    from pipeline.series import _own_grid

    text = pd.Series([f"2026-02-01T13:{m:02d}:00{offset}" for m in range(0, 60, 5)])
    stamps = pd.to_datetime(text, format="ISO8601", utc=True)
    assert _own_grid(text, stamps, "hour") == pd.Timedelta(minutes=phase)


def test_detect_series_reads_an_excel_csv_split_at_semicolons_or_tabs(tmp_path):
    """As a file drop's `delimiter: auto`: a Polish or Dutch Excel's "CSV" (semicolons, a BOM) was one column, and
    the error asked for --value, which named a column that was there."""
    df = hourly(seed=8)
    add(df, at(5, 2, 15), 90)
    text = write_csv(tmp_path, df).read_text()
    flags = {}
    for name, sep, encoding in (("comma", ",", "utf-8"), ("semicolon", ";", "utf-8-sig"), ("tab", "\t", "utf-8")):
        path = tmp_path / f"{name}.csv"
        path.write_text(text.replace(",", sep), encoding=encoding)
        args = ["detect-series", str(path), "--negative", "neg", "--out", str(tmp_path / f"{name}-flags.csv")]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        flags[name] = (tmp_path / f"{name}-flags.csv").read_text()
    assert flags["semicolon"] == flags["tab"] == flags["comma"] and len(flags["comma"].splitlines()) == 2


def test_detect_series_reads_a_polish_excel_csv_whose_other_columns_are_not_utf8(tmp_path):
    """A Polish Excel's "CSV" is Windows-1250: a letter such as "ł" in a column not read (the mentions' source) made
    the whole file "not a readable CSV", as pandas decoded it strictly; it is read as the header was, its bytes not
    UTF-8 kept (a count or a time holding one is refused with its line, as any other that is none)."""
    path, out = tmp_path / "export.csv", tmp_path / "flags.csv"
    path.write_bytes("timestamp;count;źródło\n2026-01-05T00:00:00Z;3;Łódź\n2026-01-05T01:00:00Z;4;x\n".encode("cp1250"))
    done = CliRunner().invoke(app, ["detect-series", str(path), "--out", str(out)])
    assert done.exit_code == 0 and "0 flagged period(s) of 2 (hour)" in done.output, done.output
    path.write_bytes("timestamp;count\n2026-01-05T00:00:00Z;3\n2026-01-05T01:00:00Z;4ł\n".encode("cp1250"))
    bad = CliRunner().invoke(app, ["detect-series", str(path)])
    said = "export.csv: column 'count', line 3: '4\\udcb3' is not a whole number"
    assert bad.exit_code == 2 and said in bad.output, bad.output


def test_detect_series_sums_finer_data_and_runs_the_volume_test_alone(tmp_path):
    df = hourly(seed=9)
    i = at(5, 4, 10)
    add(df, i, 0, extra_other=300)
    fine = df.loc[df.index.repeat(2)].reset_index(drop=True)  # each hour as two half-hour rows, counts split
    fine["hour"] = fine["hour"] + pd.to_timedelta(np.tile([0, 30], len(df)), unit="min")
    fine["volume"] = np.where(fine.index % 2 == 0, fine["volume"] // 2, fine["volume"] - fine["volume"] // 2)
    out = tmp_path / "flags.csv"
    result = CliRunner().invoke(app, ["detect-series", str(write_csv(tmp_path, fine)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    flags = pd.read_csv(out)
    assert list(flags["kind"]) == ["volume_spike"] and flags["observed"][0] == df["volume"][i]
    assert flags["start"][0] == df["hour"][i].isoformat()


def test_detect_series_sums_five_minute_rows_to_five_minute_periods(tmp_path):
    """--freq 5min keeps each 5-minute row a period of its own (summed to the hour, a burst of 5 minutes is 1/12
    as loud and its start is lost)."""
    df = hourly(seed=9)
    fine = df.loc[df.index.repeat(12)].reset_index(drop=True)
    fine["hour"] = fine["hour"] + pd.to_timedelta(np.tile(np.arange(0, 60, 5), len(df)), unit="min")
    fine["volume"] = fine["volume"] // 12
    fine["n_negative"] = np.minimum(fine["n_negative"] // 12, fine["volume"])
    i = len(fine) - 40
    fine.loc[i, "volume"] += 400
    out = tmp_path / "flags.csv"
    args = ["detect-series", str(write_csv(tmp_path, fine)), "--freq", "5min", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "1 flagged period(s) of 12096 (5min)" in result.output
    flags = pd.read_csv(out)
    assert list(flags["kind"]) == ["volume_spike"] and flags["observed"][0] == fine["volume"][i]
    start = fine["hour"][i]
    assert (flags["start"][0], flags["end"][0]) == (start.isoformat(), (start + pd.Timedelta(minutes=5)).isoformat())


def test_detect_series_daily_rows_give_the_figures_of_the_window_they_span(tmp_path):
    """--freq day: a flag over two or three days gives that window's negatives, expectation and z beside its
    p-values, as the hourly rows do (it gave the last day's alone: 32 observed and z 2.1 beside the window's p of
    4e-4, whose 66 negatives were nowhere)."""
    rng = np.random.default_rng(3)
    days = pd.date_range("2026-01-01", periods=60, freq="D")
    vol = rng.poisson(200, 60)
    neg = rng.binomial(vol, 0.08)
    neg[40], neg[55], neg[56] = 60, 30, 31  # a one-day spike; two days each only somewhat up
    path, out = tmp_path / "daily.csv", tmp_path / "flags.csv"
    pd.DataFrame({"timestamp": days.strftime("%Y-%m-%d"), "count": vol, "neg": neg}).to_csv(path, index=False)
    result = CliRunner().invoke(
        app, ["detect-series", str(path), "--freq", "day", "--negative", "neg", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    flags = pd.read_csv(out, parse_dates=["start", "end"])
    assert sorted(flags["periods"]) == [1, 1, 1, 2]
    daily = pd.Series(neg, index=days.tz_localize("UTC"))
    for f in flags.itertuples():
        assert (f.end - f.start).days == f.periods
        assert f.observed == daily[f.start : f.end - pd.Timedelta(days=1)].sum()
        assert f.observed > f.expected and f.z > 3  # the window's excess, in the window's sigmas
    assert flags.loc[flags["periods"] == 2, "observed"].item() == neg[54] + neg[55]
    # without --freq day the rows would be read as one busy hour a day: refused, saying what to give
    bad = CliRunner().invoke(app, ["detect-series", str(path), "--negative", "neg"])
    said = "daily.csv: the rows are a day or more apart (daily data?): give --freq day; --freq hour would read"
    assert bad.exit_code == 2 and said in bad.output.replace("\n", ""), bad.output
    # the same days at local midnight, with their offset (23:00 UTC): they were read as one busy hour a day
    local = tmp_path / "local.csv"
    stamps = days.tz_localize("Europe/Warsaw").map(pd.Timestamp.isoformat)
    pd.DataFrame({"timestamp": stamps, "count": vol, "neg": neg}).to_csv(local, index=False)
    bad = CliRunner().invoke(app, ["detect-series", str(local), "--negative", "neg"])
    assert bad.exit_code == 2 and "local.csv: the rows are a day or more apart" in bad.output, bad.output
    # and across the night clocks go forward (29 March 2026 in Warsaw: 23 hours from one midnight to the next)
    spring = tmp_path / "spring.csv"
    stamps = (days + pd.Timedelta(days=45)).tz_localize("Europe/Warsaw").map(pd.Timestamp.isoformat)
    pd.DataFrame({"timestamp": stamps, "count": vol, "neg": neg}).to_csv(spring, index=False)
    bad = CliRunner().invoke(app, ["detect-series", str(spring), "--negative", "neg"])
    assert bad.exit_code == 2 and "spring.csv: the rows are a day or more apart" in bad.output, bad.output
    # an hourly export that lists only the hours with mentions (none two in a day) is hourly data all the same
    sparse = tmp_path / "sparse.csv"
    sparse.write_text("timestamp,count\n2026-01-01T09:00:00Z,1\n2026-01-02T14:00:00Z,2\n2026-01-04T10:00:00Z,1\n")
    assert "a day or more apart" not in CliRunner().invoke(app, ["detect-series", str(sparse)]).output


def test_detect_series_daily_rows_at_local_midnight_are_the_days_they_name(tmp_path):
    """--freq day on a daily export with its offset (2026-02-10T00:00:00+01:00, the export the hourly refusal
    sends here): each row is the day it names. Floored in UTC (23:00 the day before) every flag came a day early,
    a UTC day that holds one hour of the day whose counts fired."""
    rng = np.random.default_rng(3)
    days = pd.date_range("2026-01-01", periods=60, freq="D")
    vol = rng.poisson(200, 60)
    neg = rng.binomial(vol, 0.08)
    neg[40] = 60
    path, out = tmp_path / "local.csv", tmp_path / "flags.csv"
    stamps = days.tz_localize("Europe/Warsaw").map(pd.Timestamp.isoformat)
    pd.DataFrame({"timestamp": stamps, "count": vol, "neg": neg}).to_csv(path, index=False)
    args = ["detect-series", str(path), "--freq", "day", "--negative", "neg", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    flags = pd.read_csv(out)
    spike = flags[flags["observed"] == 60]
    assert spike[["start", "end"]].values.tolist() == [["2026-02-10T00:00:00+00:00", "2026-02-11T00:00:00+00:00"]]


def test_detect_series_says_why_rows_ending_before_the_first_tested_hour_flag_nothing(tmp_path):
    """15 days from a midnight (14 d 23 h apart) with a burst in their last hours: the first hour tested is the
    16th day's first (two weeks of baseline before a 5-hour guard band), so the empty table says why (it said
    nothing past 14 days); one more hour, the burst in it, and it is flagged."""
    df = hourly(weeks=3, seed=3)
    cover = [("too short", df.iloc[: 15 * 24].copy()), ("long enough", df.iloc[: 15 * 24 + 1].copy())]
    for name, rows in cover:
        add(rows, len(rows) - 1, 300)
        result = CliRunner().invoke(app, ["detect-series", str(write_csv(tmp_path, rows)), "--negative", "neg"])
        assert result.exit_code == 0, result.output
        note = "so none could be flagged (the first it can test is 2026-01-20 00:00)"
        if name == "too short":
            assert "0 flagged period(s)" in result.output and note in result.output, result.output
        else:
            assert "1 flagged period(s)" in result.output and "note:" not in result.output, result.output


def test_detect_series_says_which_periods_a_gap_of_weeks_left_untested(tmp_path):
    """Rows missing for three weeks (an export's outage) are days without counts, kept out of the baselines: for
    two weeks after it no period has a baseline, and a burst of ten times the hour's mentions there gave "0 flagged"
    and no word, as a series too short to test once did. Said, hourly and daily; no note without a gap."""
    df = hourly(weeks=9, seed=4)
    add(df, at(6, 2, 15), 0, extra_other=1500)  # two days after the rows resume
    gap = (df["hour"] >= START + pd.Timedelta(weeks=3)) & (df["hour"] < START + pd.Timedelta(weeks=6))
    path = write_csv(tmp_path, df[~gap])
    said = "period(s) with counts from 2026-02-16 00:00 to 2026-03-02 23:00 could not be tested"
    result = CliRunner().invoke(app, ["detect-series", str(path)])
    assert result.exit_code == 0 and "0 flagged period(s)" in result.output, result.output
    assert said in result.output.replace("\n", ""), result.output
    daily = CliRunner().invoke(app, ["detect-series", str(path), "--freq", "day", "--negative", "neg"])
    assert daily.exit_code == 0 and "could not be tested" in daily.output, daily.output
    whole = CliRunner().invoke(app, ["detect-series", str(write_csv(tmp_path, df))])
    assert whole.exit_code == 0 and "note:" not in whole.output and "volume_spike" in whole.output, whole.output


def test_detect_series_says_no_gap_where_the_warm_up_screen_left_a_day_out(tmp_path):
    """A launch-day surge in a gap-free series leaves the warm-up baselines (the screen): the day it left one short
    of two weeks was said "could not be tested ... (a gap in the export?)", with no gap in the rows."""
    df = hourly(weeks=9, seed=0)
    for h in range(8, 20):
        add(df, at(0, 2, h), 60, 200)
    result = CliRunner().invoke(
        app, ["detect-series", str(write_csv(tmp_path, df)), "--freq", "day", "--negative", "neg"]
    )
    assert result.exit_code == 0 and "note:" not in result.output, result.output


def test_detect_series_names_a_file_with_brackets_as_it_is(tmp_path):
    """The table's title is text, not console markup: a file named "flags [prod].csv" was titled "flags .csv"."""
    path = write_csv(tmp_path, hourly(weeks=1)).rename(tmp_path / "flags [prod].csv")
    done = CliRunner().invoke(app, ["detect-series", str(path)])
    assert done.exit_code == 0 and "flags [prod].csv: 0 flagged period(s)" in done.output, done.output


def test_detect_series_errors_clearly(tmp_path):
    path = write_csv(tmp_path, hourly(weeks=1))
    bad = CliRunner().invoke(app, ["detect-series", str(path), "--negative", "negatives"])
    assert bad.exit_code == 2
    assert "export.csv: no column 'negatives' (--negative); columns: timestamp, count, neg" in bad.output
    assert "Traceback" not in bad.output
    garbled = tmp_path / "garbled.csv"
    for cell in ("yesterday", "1767225600"):  # the message was pandas' own, cut mid-sentence, with no line
        garbled.write_text(f"timestamp,count\n2026-01-05T00:00:00,3\n2026-01-05T01:00:00,3\n{cell},4\n")
        bad = CliRunner().invoke(app, ["detect-series", str(garbled)])
        said = f"garbled.csv: column 'timestamp': '{cell}' on line 4 is not an ISO-8601 timestamp (2026-10-13T09:00:00Z"
        assert bad.exit_code == 2 and said in bad.output.replace("\n", ""), bad.output
    # the line an editor shows, blank lines counted (it named line 3), and a row of delimiters only is no row
    garbled.write_text("timestamp,count\n2026-01-05T00:00:00,3\n,\n\n2026-01-05T01:00:00,3\n\nyesterday,4\n")
    bad = CliRunner().invoke(app, ["detect-series", str(garbled)])
    assert bad.exit_code == 2 and "'yesterday' on line 7 is not" in bad.output.replace("\n", ""), bad.output
    bad = CliRunner().invoke(app, ["detect-series", str(path), "--freq", "day"])
    assert bad.exit_code == 2 and "needs --negative" in bad.output
    # counts that are none: each named with its line (inf was a traceback, 1e30 wrapped to a negative int64)
    head = "timestamp,count,neg\n2026-01-05T00:00:00Z,24,4\n"
    for row, said in (("inf,1", "column 'count', line 3: 'inf' is not a whole number (a count is a whole number, 0"),
                      ("1e30,1", "column 'count', line 3: '1e30' is over 1e+15"),
                      ("5,", "column 'neg': an empty cell on line 3 is not a count"),
                      ("5,  ", "column 'neg': an empty cell on line 3 is not a count"),  # spaces only: it was 0
                      ("3,9", "line 3: 9 negatives ('neg') out of a count of 3 ('count')")):  # fmt: skip
        odd = tmp_path / "odd.csv"
        odd.write_text(f"{head}2026-01-05T01:00:00Z,{row}\n")
        bad = CliRunner().invoke(app, ["detect-series", str(odd), "--negative", "neg"])
        assert bad.exit_code == 2 and f"odd.csv: {said}" in bad.output, bad.output
    flags = tmp_path / "flags.csv"  # a True/False column is a flag, not a count (it summed as 1 and 0)
    flags.write_text("timestamp,count\n2026-01-05T00:00:00Z,True\n2026-01-05T01:00:00Z,False\n")
    bad = CliRunner().invoke(app, ["detect-series", str(flags)])
    assert bad.exit_code == 2 and "flags.csv: column 'count', line 2: 'True' is not a whole" in bad.output, bad.output


def test_detect_series_refuses_a_count_with_a_thousands_separator(tmp_path):
    """A semicolon export's "1.000" (a thousand where the decimal mark is a comma) was read as a count of 1 and
    summed silently (only "1.250" was refused, as 1.25): refused as ambiguous, as a file drop refuses it; a count
    with a decimal comma or a space that groups no thousands is refused too, each named with its line as written."""
    export = tmp_path / "export.csv"
    for cell, said in (("1.000", "'1.000' is ambiguous: 1000, or 1?"),
                       ("1 20", "'1 20' is not a whole number"),
                       ("-1,5", "'-1,5' is not a whole number")):  # fmt: skip
        export.write_text(f"timestamp;count\n2026-01-05T00:00:00Z;3\n2026-01-05T01:00:00Z;{cell}\n")
        bad = CliRunner().invoke(app, ["detect-series", str(export)])
        assert bad.exit_code == 2 and f"export.csv: column 'count', line 3: {said}" in bad.output, bad.output
    export.write_text("timestamp;count\n2026-01-05T00:00:00Z;12.0\n2026-01-05T01:00:00Z;7\n")  # a float column's
    done = CliRunner().invoke(app, ["detect-series", str(export), "--out", str(tmp_path / "flags.csv")])
    assert done.exit_code == 0 and "0 flagged period(s) of 2 (hour)" in done.output, done.output


def test_detect_series_reads_a_delimiter_at_each_lines_end_and_names_a_row_with_a_field_too_many(tmp_path):
    """Rows of one field more than the header made pandas read their first column as the index: a traceback, for a
    delimiter at the end of every line (an empty field, let go) and for counts written 1,234 (a value, named)."""
    export = tmp_path / "export.csv"
    export.write_text("timestamp,count\n2026-01-05T00:00:00Z,3,\n2026-01-05T01:00:00Z,4,\n")
    done = CliRunner().invoke(app, ["detect-series", str(export), "--out", str(tmp_path / "flags.csv")])
    assert done.exit_code == 0 and "0 flagged period(s) of 2 (hour)" in done.output, done.output
    export.write_text("timestamp,count\n2026-01-05T00:00:00Z,3,\n2026-01-05T01:00:00Z,1,234\n")
    bad = CliRunner().invoke(app, ["detect-series", str(export)])
    said = "export.csv: line 3 has 3 fields, the header 2: a delimiter in an unquoted cell (a count written 1,234?)"
    assert bad.exit_code == 2 and said in bad.output.replace("\n", ""), bad.output


def test_detect_series_refuses_rows_coarser_than_five_minutes_at_freq_5min(tmp_path):
    """Hourly rows at --freq 5min were each one busy 5 minutes and eleven empty ones, which the hour-of-week slots
    cannot learn: a steady series raised a volume_spike most days. Refused, as daily rows at --freq hour are."""
    path = write_csv(tmp_path, hourly(seed=2, daily=4800))
    bad = CliRunner().invoke(app, ["detect-series", str(path), "--freq", "5min"])
    said = "export.csv: the rows are 60 minutes or more apart: give --freq hour; --freq 5min would read each row"
    assert bad.exit_code == 2 and said in bad.output.replace("\n", ""), bad.output
    done = CliRunner().invoke(app, ["detect-series", str(path)])
    assert done.exit_code == 0 and "0 flagged period(s) of 1008 (hour)" in done.output, done.output


def test_detect_series_refuses_12_minute_rows_at_freq_5min_and_reads_two_rows_7_minutes_apart(tmp_path):
    """The spacing at --freq 5min is the times' as written: floored to 5 minutes first, 12-minute rows (0, 10, 20,
    35, ...) were no whole steps of their least gap and went through, each one busy 5 minutes among empty ones; and
    two rows 7 minutes apart (10:04, 10:11) were refused as "10 minutes or more apart"."""
    path = tmp_path / "export.csv"
    stamps = pd.date_range("2026-01-05", periods=5 * 24 * 14, freq="12min").strftime("%Y-%m-%dT%H:%M:%SZ")
    pd.DataFrame({"timestamp": stamps, "count": 40}).to_csv(path, index=False)
    bad = CliRunner().invoke(app, ["detect-series", str(path), "--freq", "5min"])
    said = "export.csv: the rows are 12 minutes or more apart: give --freq hour"
    assert bad.exit_code == 2 and said in bad.output.replace("\n", ""), bad.output
    path.write_text("timestamp,count\n2026-01-05T10:04:00Z,3\n2026-01-05T10:11:00Z,4\n")
    done = CliRunner().invoke(app, ["detect-series", str(path), "--freq", "5min"])
    assert done.exit_code == 0 and "0 flagged period(s) of 2 (5min)" in done.output, done.output


def test_detect_series_refuses_weekly_rows_at_freq_day(tmp_path):
    """Weekly rows at --freq day (where the refusal of daily rows at --freq hour sends them) were each one busy day
    and six empty ones: 4 days with counts in a 28-day baseline that needs 14, so no day was ever tested, and a
    week of twice the negatives gave an empty table and no word. Refused, as hourly rows at --freq 5min are."""
    rng = np.random.default_rng(5)
    weeks = pd.date_range("2025-01-06", periods=60, freq="7D")
    vol = rng.poisson(3500, 60)
    neg = rng.binomial(vol, 0.1)
    vol[45], neg[45] = vol[45] + 300, neg[45] + 300  # twice the week's negatives
    path = tmp_path / "weekly.csv"
    pd.DataFrame({"timestamp": weeks.strftime("%Y-%m-%d"), "count": vol, "neg": neg}).to_csv(path, index=False)
    bad = CliRunner().invoke(app, ["detect-series", str(path), "--freq", "day", "--negative", "neg"])
    said = "weekly.csv: no two rows are on consecutive days: they are 7 days or more apart (weekly or monthly data?)"
    assert bad.exit_code == 2 and said in bad.output.replace("\n", ""), bad.output
    monthly = pd.DataFrame({"timestamp": pd.date_range("2021-01-01", periods=60, freq="MS").strftime("%Y-%m-%d"),
                            "count": vol, "neg": neg})  # fmt: skip
    monthly.to_csv(path, index=False)  # 28 to 31 days apart: no whole steps of one another, refused all the same
    bad = CliRunner().invoke(app, ["detect-series", str(path), "--freq", "day", "--negative", "neg"])
    assert bad.exit_code == 2 and "they are 28 days or more apart" in bad.output.replace("\n", ""), bad.output
    path.write_text("timestamp,count,neg\n2026-01-05,30,3\n2026-01-07,31,4\n")  # two days: too few to tell
    done = CliRunner().invoke(app, ["detect-series", str(path), "--freq", "day", "--negative", "neg"])
    assert done.exit_code == 0 and "0 flagged period(s) of 2 (day)" in done.output, done.output


def test_detect_series_reads_blank_lines_around_the_header_and_rows_as_no_rows(tmp_path):
    """Blank lines are no rows, also before the header (a traceback: the header read as the blank line) and in a
    column of True/False (its blank cells made it text, and the flags summed as counts of 1 and 0)."""
    garbled = tmp_path / "garbled.csv"
    garbled.write_text("\n\ntimestamp;count\n2026-01-05T00:00:00;3\n\nyesterday;4\n")  # and split as its header
    bad = CliRunner().invoke(app, ["detect-series", str(garbled)])
    assert bad.exit_code == 2 and "'yesterday' on line 6 is not" in bad.output.replace("\n", ""), bad.output
    flags = tmp_path / "flags.csv"
    flags.write_text("timestamp,count\n2026-01-05T00:00:00Z,True\n\n2026-01-05T01:00:00Z,False\n")
    bad = CliRunner().invoke(app, ["detect-series", str(flags)])
    assert bad.exit_code == 2 and "flags.csv: column 'count', line 2: 'True' is not a whole" in bad.output, bad.output


def local_rhythm(zone: str, daily: float = 5000, seed: int = 0) -> pd.DataFrame:
    """Seven weeks of a brand whose audience keeps the local clock of ``zone`` (quiet nights, busy afternoons),
    across the start of summer time on 2026-03-29."""
    rng = np.random.default_rng(seed)
    hours = pd.date_range("2026-02-16", "2026-04-06", freq="h", tz="UTC", inclusive="left")
    local = hours.tz_convert(zone)
    diurnal = 0.05 + 0.95 * (1 + np.cos(2 * np.pi * (np.asarray(local.hour) - 15) / 24)) / 2
    vol = rng.poisson(daily / 24 * diurnal / diurnal.mean())
    return pd.DataFrame({"hour": hours, "volume": vol, "n_negative": rng.binomial(vol, 0.2)})


def test_hours_of_the_week_follow_the_audiences_clock_across_daylight_saving():
    """When the clocks go forward, a Warsaw audience's day starts an hour earlier in UTC: slots counted in UTC
    page for a 'volume spike' every morning for weeks; on the brand's clock nothing is unusual."""
    week_after = pd.date_range("2026-03-29", "2026-04-05", freq="h", tz="UTC", inclusive="left")
    in_utc, local = [], []
    for seed in (0, 1):
        df = local_rhythm("Europe/Warsaw", seed=seed)
        in_utc += detect_intraday(df, periods=week_after)
        local += detect_intraday(df, periods=week_after, timezone="Europe/Warsaw")
    assert sum(s.kind == "volume_spike" for s in in_utc) >= 10
    assert [s for s in local if s.kind == "volume_spike"] == []


def test_the_day_of_the_week_is_the_audiences_too():
    """A Los Angeles brand with quiet weekends: Friday evening there is already Saturday in UTC. Its hour of the
    week is the local day's and the local hour's, so Friday evenings are not read against Saturday's quiet."""
    zone = "America/Los_Angeles"
    flags = []
    for seed in (0, 1):
        rng = np.random.default_rng(seed)
        hours = pd.date_range("2026-01-05", periods=6 * 168, freq="h", tz="UTC")
        local = hours.tz_convert(zone)
        diurnal = 0.05 + 0.95 * (1 + np.cos(2 * np.pi * (np.asarray(local.hour) - 15) / 24)) / 2
        weekend = np.where(np.asarray(local.day_of_week) >= 5, 0.3, 1.0)
        vol = rng.poisson(5000 / 24 * diurnal / diurnal.mean() * weekend)
        df = pd.DataFrame({"hour": hours, "volume": vol, "n_negative": rng.binomial(vol, 0.2)})
        flags += detect_intraday(df, timezone=zone)
    assert len(flags) <= 2, [s.reason for s in flags]
    assert not [s for s in flags if s.period.tz_convert(zone).day_of_week == 4]  # no Friday


def test_five_minute_data_need_two_weeks_of_history_too():
    """min_history_hours counts hours at any grain: four days of 5-minute periods (1152 of them, more than 336) are
    not two weeks, and a burst of 400 mentions at their end raises nothing."""
    rng = np.random.default_rng(0)
    periods = pd.date_range(START, periods=4 * 288, freq="5min")
    vol = rng.poisson(5, len(periods))
    df = pd.DataFrame({"hour": periods, "volume": vol, "n_negative": rng.binomial(vol, 0.2)})
    df.loc[len(df) - 3, "volume"] += 400
    assert detect_intraday(df, freq="5min") == []
    assert detect_intraday(df, IntradaySensitivity(min_history_hours=48), freq="5min") != []  # history the only gate


def test_detect_series_counts_hours_on_the_given_clock(tmp_path):
    path = write_csv(tmp_path, local_rhythm("Europe/Warsaw"))
    runs = {
        zone: CliRunner().invoke(app, ["detect-series", str(path), "--out", str(tmp_path / f"{zone}.csv"), *extra])
        for zone, extra in (("utc", []), ("warsaw", ["--timezone", "Europe/Warsaw"]))
    }
    assert all(r.exit_code == 0 for r in runs.values()), [r.output for r in runs.values()]
    after_change = {zone: pd.read_csv(tmp_path / f"{zone}.csv").query("start >= '2026-03-29'") for zone in runs}
    assert (after_change["utc"]["kind"] == "volume_spike").sum() >= 5
    assert (after_change["warsaw"]["kind"] == "volume_spike").sum() == 0
    bad = CliRunner().invoke(app, ["detect-series", str(path), "--timezone", "Europe/Warsow"])
    assert bad.exit_code == 2 and "--timezone: 'Europe/Warsow' is not an IANA time zone" in bad.output
    daily = ["--negative", "neg", "--freq", "day", "--timezone", "UTC"]
    bad = CliRunner().invoke(app, ["detect-series", str(path), *daily])
    assert bad.exit_code == 2 and "--timezone is for --freq 5min or hour" in bad.output
