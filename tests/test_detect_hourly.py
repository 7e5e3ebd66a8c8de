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


def test_viral_thread_is_a_volume_spike_before_its_sentiment_is():
    df = hourly(seed=7)
    i = at(5, 1, 11)
    add(df, i, 0, extra_other=250)  # a burst of mentions, share negative unchanged
    (s,) = detect_intraday(df)
    assert s.kind == "volume_spike" and s.period == df["hour"][i] and s.p_share is None
    assert s.observed == df["volume"][i] and s.p_count < 1e-6
    without_negatives = detect_intraday(df.drop(columns="n_negative"))
    assert [(x.kind, x.period) for x in without_negatives] == [("volume_spike", df["hour"][i])]


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


def test_detect_series_errors_clearly(tmp_path):
    path = write_csv(tmp_path, hourly(weeks=1))
    bad = CliRunner().invoke(app, ["detect-series", str(path), "--negative", "negatives"])
    assert bad.exit_code == 2
    assert "export.csv: no column 'negatives' (--negative); columns: timestamp, count, neg" in bad.output
    assert "Traceback" not in bad.output
    garbled = tmp_path / "garbled.csv"
    garbled.write_text("timestamp,count\n2026-01-05T00:00:00,3\nyesterday,4\n")
    bad = CliRunner().invoke(app, ["detect-series", str(garbled)])
    assert bad.exit_code == 2 and "garbled.csv: column 'timestamp': not ISO-8601" in bad.output
    bad = CliRunner().invoke(app, ["detect-series", str(path), "--freq", "day"])
    assert bad.exit_code == 2 and "needs --negative" in bad.output
    # counts that are none: each named with its line (inf was a traceback, 1e30 wrapped to a negative int64)
    head = "timestamp,count,neg\n2026-01-05T00:00:00Z,24,4\n"
    for row, said in (("inf,1", "column 'count': inf on line 3 is not a count (a whole number, 0 to 1e15)"),
                      ("1e30,1", "column 'count': 1e+30 on line 3 is not a count"),
                      ("5,", "column 'neg': an empty cell on line 3 is not a count"),
                      ("3,9", "line 3: 9 negatives ('neg') out of a count of 3 ('count')")):  # fmt: skip
        odd = tmp_path / "odd.csv"
        odd.write_text(f"{head}2026-01-05T01:00:00Z,{row}\n")
        bad = CliRunner().invoke(app, ["detect-series", str(odd), "--negative", "neg"])
        assert bad.exit_code == 2 and f"odd.csv: {said}" in bad.output, bad.output


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
