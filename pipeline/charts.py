"""The chart helper: PNG charts with matplotlib's Agg backend (no display, no network), and the alert chart.

Every PNG of brandpulse (alerts here, the report in :mod:`pipeline.report.charts`) is written by :func:`png`,
with the shared colours below.

:func:`alert_chart` draws a brand's last 60 days up to the alert's day: negative mentions per day as bars
over total scored volume, the share negative on a second axis with its rolling 28-day share (the 28 days to
each day, that day included: not the detector's baseline, which leaves the day and earlier spikes out), every
flagged day marked, and the alert's day highlighted, so a reader sees at a glance how unusual the day is. It reads
the model version the alert's figures came from (recorded with the alert; not the series' newest model, which a
later night or a rescore, even one of the alert's own day, may have moved on by the time it is sent), and its title
names it.
:func:`hourly_alert_chart` does the same for an hourly alert (``hourly_spike``, ``volume_spike``): the brand's
last 48 hours from ``hourly_brand_metrics``, volume and negatives per hour, the flagged window shaded; it reads
the series (in one model version: the alert's, as the daily chart, else the watch detector's; named in its title;
a 15-minute run's last hour so far, as the detector read it: :func:`pipeline.metrics.hourly_series`) and hands it to
:func:`hourly_chart`, a pure function of the series. A chart never mixes two models.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.font_manager as font_manager
import matplotlib.pyplot as plt
import pandas as pd

from pipeline.config import BrandSpec
from pipeline.frames import frame
from pipeline.metrics import hourly_series
from pipeline.warehouse import execute

# Brand, source and term names are user text: "$...$" in one must be drawn as typed, never parsed as
# mathtext (which fails on an unbalanced "$\frac{1}{"). Every chart of brandpulse is drawn after this import.
matplotlib.rcParams["text.parse_math"] = False

# User text is in any served script. matplotlib's DejaVu Sans draws Latin and Arabic (shaped and ordered right to
# left by libraqm) but has no Devanagari: a Hindi brand, competitor or touchpoint name was a row of boxes. The
# shipped Noto Sans Devanagari UI (fonts/, SIL Open Font License) draws the glyphs the default font lacks.
FONTS = Path(__file__).with_name("fonts")
for _font in sorted(FONTS.glob("*.ttf")):
    font_manager.fontManager.addfont(_font)
matplotlib.rcParams["font.family"] = ["sans-serif", "Noto Sans Devanagari UI"]

NEGATIVE, VOLUME, SHARE, MARK = "#c0392b", "#d5d8dc", "#1f4e79", "#e67e22"


def text(ax, x, y, s: str, **kwargs):
    """Draw ``s`` (user text: a brand, touchpoint or term) at (x, y) as typed, never parsed as mathtext, whatever
    the rcParams say. Every label of user text in a chart goes through here (or through a title or legend, which
    follow the rcParams set above)."""
    return ax.annotate(s, (x, y), parse_math=False, **kwargs)


def alone(y: pd.Series) -> list[bool]:
    """The values of a line with no neighbour (none the day before nor after): a line alone draws nothing, so each
    is drawn as a dot (``markevery``)."""
    return (y.notna() & y.shift(1).isna() & y.shift(-1).isna()).tolist()


def png(fig, dpi: int = 110) -> bytes:
    """The figure as PNG bytes (no timestamp metadata, so the same chart gives the same bytes); closes it."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _model(series: pd.DataFrame) -> str:
    """The title's note of the model version an alert chart's series was read in (its ``model`` column), or ""."""
    model = series["model"].dropna()
    return f" (model {model.iloc[0]})" if len(model) else ""


def alert_chart(con, brand: BrandSpec, day: date, days: int = 60, model: str | None = None) -> bytes:
    """The brand's last ``days`` days to ``day`` as a PNG, with flagged days marked and ``day`` highlighted, in
    ``model`` (the alert's, ``alerts.model_version``; None: that of ``day``'s metrics)."""
    start = day - timedelta(days=days - 1)
    params = {"brand": brand.key, "start": start, "day": day, "model": model}
    df = frame(execute(con, "alerts/chart_series", params))
    model = _model(df)
    full = pd.DataFrame({"day": [start + timedelta(days=i) for i in range(days)]})
    df = full.merge(df, on="day", how="left").fillna({"volume": 0, "n_negative": 0, "flagged": False})
    x = pd.to_datetime(df["day"])
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.bar(x, df["volume"], color=VOLUME, width=0.85, label="scored mentions")
    ax.bar(x, df["n_negative"], color=NEGATIVE, width=0.85, label="negative")
    ax.set_ylabel("mentions per day")
    ax2 = ax.twinx()
    # a day's share with no neighbour (the alert's day after a day without mentions) is a dot: a line drew nothing
    share, share_28d = df["share"] * 100, df["share_28d"] * 100
    ax2.plot(x, share, color=SHARE, linewidth=1.4, marker="o", markersize=3, markevery=alone(share),
             label="% negative")  # fmt: skip
    rolling = "% negative, 28 days to the day"  # the day included: no baseline (the alert's leaves the day out)
    ax2.plot(x, share_28d, color=SHARE, linewidth=1, linestyle="--", alpha=0.6, marker="o", markersize=2,
             markevery=alone(share_28d), label=rolling)  # fmt: skip
    ax2.set_ylabel("% negative")
    ax2.set_ylim(0, 100 if df["share"].max() > 0.6 else 60)
    flagged = df[df["flagged"].astype(bool)]
    ax.scatter(
        pd.to_datetime(flagged["day"]), flagged["n_negative"] + df["volume"].max() * 0.04, marker="v", s=40,
        color=MARK, zorder=5, label="flagged spike",
    )  # fmt: skip
    ax.axvspan(pd.Timestamp(day) - pd.Timedelta(hours=12), pd.Timestamp(day) + pd.Timedelta(hours=12),
               color=MARK, alpha=0.18, zorder=0)  # fmt: skip
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO))
    ax.set_title(f"{brand.name}: last {days} days to {day:%d %b %Y}{model}", loc="left", fontsize=11)
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, -0.1), fontsize=7, frameon=False, ncol=5)
    for a in (ax, ax2):
        a.spines["top"].set_visible(False)
    return png(fig)


HOURLY_CHART_HOURS = 48


def hourly_chart(
    series: pd.DataFrame, title: str, start: datetime, end: datetime, window_start: datetime, window_end: datetime
) -> bytes:
    """A PNG of the hours ``[start, end)`` (UTC): scored mentions and negatives per hour as bars, the window
    ``[window_start, window_end)`` shaded. ``series``: ``hour`` (UTC), ``volume``, ``n_negative``; hours it
    lacks are drawn as zero. Pure: the same series gives the same bytes."""
    hours = pd.date_range(pd.Timestamp(start).tz_convert("UTC"), pd.Timestamp(end).tz_convert("UTC"),
                          freq="h", inclusive="left")  # fmt: skip
    df = (
        series[["hour", "volume", "n_negative"]].copy()
        if len(series)
        else pd.DataFrame({"hour": pd.Series([], dtype="datetime64[ns, UTC]"), "volume": [], "n_negative": []})
    )
    df["hour"] = pd.to_datetime(df["hour"], utc=True)
    df = pd.DataFrame({"hour": hours}).merge(df, on="hour", how="left").fillna({"volume": 0, "n_negative": 0})
    x = df["hour"].dt.tz_localize(None) + pd.Timedelta(minutes=30)  # each bar centred on its hour
    fig, ax = plt.subplots(figsize=(8, 3.2))
    width = 0.85 / 24
    ax.bar(x, df["volume"], color=VOLUME, width=width, label="scored mentions")
    ax.bar(x, df["n_negative"], color=NEGATIVE, width=width, label="negative")
    ax.axvspan(pd.Timestamp(window_start).tz_convert("UTC").tz_localize(None),
               pd.Timestamp(window_end).tz_convert("UTC").tz_localize(None),
               color=MARK, alpha=0.22, zorder=0, label="flagged window")  # fmt: skip
    ax.set_ylabel("mentions per hour")
    ax.set_xlabel("hour (UTC)", fontsize=8)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %H:%M"))
    ax.xaxis.set_major_locator(mdates.HourLocator(byhour=[0, 6, 12, 18]))
    ax.tick_params(axis="x", labelsize=7)
    text(ax, 0, 1.04, title, xycoords="axes fraction", fontsize=11)
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.18), fontsize=7, frameon=False, ncol=3)
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    return png(fig)


def hourly_alert_chart(
    con, brand: BrandSpec, window_start: datetime, window_end: datetime, model: str | None = None
) -> bytes:
    """The brand's last 48 hours to the end of an hourly alert's window, the window shaded (:func:`hourly_chart`),
    in ``model`` (the alert's, ``alerts.model_version``; None: that of the latest scored hour before its end)."""
    end = window_end.replace(minute=0, second=0, microsecond=0)  # on the series' hours: a 15-minute run's window
    if end < window_end:  # 08:00-08:30 ends in the 08:00 hour (so far), the last bar
        end += timedelta(hours=1)
    start = end - timedelta(hours=HOURLY_CHART_HOURS)
    df = hourly_series(con, brand.key, start, window_end, model)  # to its end: 08:00-08:30's hour so far, as paged
    title = f"{brand.name}: the 48 hours to {window_end:%d %b %Y %H:%M} UTC{_model(df)}"
    return hourly_chart(df, title, start, end, window_start, window_end)
