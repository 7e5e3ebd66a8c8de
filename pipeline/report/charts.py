"""PNG charts of the HTML report: matplotlib with the Agg backend, no display, no network.

Every function takes plain pandas frames (the report reads the warehouse once, then draws outside its lock)
and returns PNG bytes. The style follows :mod:`pipeline.charts` (the alert chart): the same colours, light
axes, dates as "01 Sep" on Mondays, legends below the plot.

- :func:`sentiment_chart`: the daily share of negative, neutral and positive mentions (stacked bars) with the
  mean score on a second axis; alerts as triangles along the top, change points as dashed lines.
- :func:`volume_chart`: mentions per day, stacked by source.
- :func:`cx_chart`: weekly NPS, CSAT and CES with their 95 % intervals, one panel each, over the week's share
  of negative social mentions.
- :func:`comparison_chart`: the brand against configured competitor brands: 7-day volume and share negative.
- :func:`comention_chart`: mentions naming a (not configured) competitor per week, with their share negative.
- :func:`sparkline`: a small 28-day share-negative line for the index.
- :func:`driver_quadrant`: each touchpoint's importance for NPS (share of the explained variance, with its
  interval) against its performance (CSAT % top-2), split at the means into quadrants; "fix first" at top left.
"""

from __future__ import annotations

from datetime import date, timedelta

import matplotlib
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from pipeline.charts import MARK, NEGATIVE, SHARE, alone, png, text

NEUTRAL, POSITIVE, SCORE = "#b3b6b7", "#27ae60", "#17202a"
SEVERITY = {"minor": "#f5b041", "major": MARK, "critical": "#922b21"}
PALETTE = ["#1f4e79", "#e67e22", "#27ae60", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#d4ac0d", "#2c3e50"]
DPI = 100


def _dates(ax, days: int) -> None:
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    if days > 120:
        ax.xaxis.set_major_locator(mdates.MonthLocator())
    else:
        ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO, interval=1 if days <= 60 else 2))
    for a in ax.figure.axes:
        a.spines["top"].set_visible(False)
        a.tick_params(labelsize=8)


def _legend(ax, handles, ncol: int = 6) -> None:
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, -0.12), fontsize=7, frameon=False, ncol=ncol)


def _stack(ax, x, layers, colors, labels, alphas=None) -> None:
    """Stacked daily values drawn as steps centred on each day (``fill_between``, much faster than bars)."""
    bottom = np.zeros(len(x))
    for i, (layer, color, label) in enumerate(zip(layers, colors, labels, strict=True)):
        top = bottom + np.asarray(layer, dtype=float)
        ax.fill_between(x, bottom, top, step="mid", color=color, alpha=(alphas or [1] * len(layers))[i],
                        linewidth=0, label=label)  # fmt: skip
        bottom = top


def _no_data(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color="#7f8c8d", fontsize=10)


def _window(start: date, day: date) -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp(start) - pd.Timedelta(hours=18), pd.Timestamp(day) + pd.Timedelta(hours=18)


def sentiment_chart(
    daily: pd.DataFrame,
    alerts: list[dict],
    change_points: list[dict],
    start: date,
    day: date,
    title: str,
    dpi: int = DPI,
) -> bytes:
    """``daily``: one row per day (every day of the window) with scored, n_negative, n_neutral, n_positive,
    mean_score. ``alerts``: dicts with day, severity; ``change_points``: day, before_level, after_level."""
    fig, ax = plt.subplots(figsize=(9, 3.4))
    x = pd.to_datetime(daily["day"])
    scored = daily["scored"].where(daily["scored"] > 0)
    neg, neu, pos = (daily[c] / scored for c in ("n_negative", "n_neutral", "n_positive"))
    # stacked steps (one per day): as readable as bars, and a fraction of the drawing time
    _stack(ax, x, [neg.fillna(0), neu.fillna(0), pos.fillna(0)], [NEGATIVE, NEUTRAL, POSITIVE],
           ["negative", "neutral", "positive"], alphas=[1, 1, 0.75])  # fmt: skip
    ax.set_ylim(0, 1.08)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_ylabel("share of scored mentions", fontsize=8)
    ax2 = ax.twinx()
    ax2.plot(x, daily["mean_score"], color=SCORE, linewidth=1.3, marker=".", markersize=3, label="mean score")
    ax2.axhline(0, color=SCORE, linewidth=0.5, alpha=0.4)
    ax2.set_ylim(-1, 1.16)
    ax2.set_ylabel("mean score (−1 … 1)", fontsize=8)
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    for severity in ("minor", "major", "critical"):
        days = [pd.Timestamp(a["day"]) for a in alerts if a["severity"] == severity]
        if days:
            handles.append(
                ax.scatter(days, [1.045] * len(days), marker="v", s=60, color=SEVERITY[severity], zorder=6,
                           edgecolor="white", linewidth=0.6, label=f"{severity} alert")
            )  # fmt: skip
    for i, cp in enumerate(change_points):
        when = pd.Timestamp(cp["day"]) - pd.Timedelta(hours=12)
        color = NEGATIVE if cp.get("direction") == "worse" else POSITIVE
        line = ax.axvline(when, color=color, linestyle="--", linewidth=1.2, zorder=5,
                          label="change point" if i == 0 else None)  # fmt: skip
        ax.annotate(f"{cp['before_level']:.0%}→{cp['after_level']:.0%}", (when, 0.97 - 0.07 * (i % 2)), xytext=(3, 0),
                    textcoords="offset points", fontsize=7, color=color, va="top")  # fmt: skip
        if i == 0:
            handles.append(line)
    if not scored.notna().any():
        _no_data(ax, "no scored mentions in this window")
    ax.set_xlim(*_window(start, day))
    ax.set_title(title, loc="left", fontsize=11)
    _dates(ax, (day - start).days + 1)
    _legend(ax, handles, ncol=8)
    return png(fig, dpi)


def volume_chart(by_source: pd.DataFrame, start: date, day: date, title: str, dpi: int = DPI) -> bytes:
    """``by_source``: rows of day, source, volume (days without a row count as 0)."""
    fig, ax = plt.subplots(figsize=(9, 3.0))
    days = pd.date_range(start, day, freq="D")
    if by_source.empty:
        _no_data(ax, "no mentions in this window")
    else:
        wide = by_source.assign(day=pd.to_datetime(by_source["day"])).pivot_table(
            index="day", columns="source", values="volume", aggfunc="sum", fill_value=0
        )
        wide = wide.reindex(days, fill_value=0)
        order = list(wide.sum().sort_values(ascending=False).index)  # biggest source at the bottom
        _stack(ax, wide.index, [wide[s] for s in order], [PALETTE[i % len(PALETTE)] for i in range(len(order))],
               [str(s) for s in order])  # fmt: skip
        _legend(ax, ax.get_legend_handles_labels()[0], ncol=7)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("mentions per day", fontsize=8)
    ax.set_xlim(*_window(start, day))
    ax.set_title(title, loc="left", fontsize=11)
    _dates(ax, (day - start).days + 1)
    return png(fig, dpi)


CX_PANELS = [
    ("nps", "NPS (points)", (-100, 100)),
    ("csat", "CSAT (% 4–5 of 5)", (0, 100)),
    ("ces", "CES (1–7, 7 = least effort)", (1, 7)),
]


def cx_chart(weekly: pd.DataFrame, start: date, day: date, title: str, dpi: int = DPI) -> bytes:
    """``weekly``: rows of week_start, share_negative and per metric m: m, m_low, m_high, m_n (NULL: no answers)."""
    present = [p for p in CX_PANELS if weekly[p[0]].notna().any()]
    fig, axes = plt.subplots(len(present), 1, figsize=(9, 1.9 * len(present) + 0.6), sharex=True, squeeze=False)
    x = pd.to_datetime(weekly["week_start"]) + pd.Timedelta(days=3)  # the middle of the ISO week
    handles = []
    for ax, (metric, label, (lo, hi)) in zip(axes[:, 0], present, strict=True):
        value = weekly[metric].astype(float)
        low, high = weekly[f"{metric}_low"].astype(float), weekly[f"{metric}_high"].astype(float)
        ok = value.notna()
        ax.fill_between(x[ok], low[ok], high[ok], color=SHARE, alpha=0.15, linewidth=0, label="95 % interval")
        ax.errorbar(x[ok], value[ok], yerr=[(value - low)[ok].fillna(0), (high - value)[ok].fillna(0)], color=SHARE,
                    marker="o", markersize=4, linewidth=1.4, capsize=2, label="survey (weekly)")  # fmt: skip
        ax.set_ylabel(label, fontsize=8)
        pad = (hi - lo) * 0.05
        vals = pd.concat([low[ok], high[ok], value[ok]]).dropna()
        ax.set_ylim(max(lo - pad, vals.min() - pad * 2), min(hi + pad, vals.max() + pad * 2))
        ax2 = ax.twinx()
        ax2.plot(x, weekly["share_negative"] * 100, color=NEGATIVE, linewidth=1.2, linestyle="--", marker=".",
                 label="social: % negative (weekly)")  # fmt: skip
        ax2.set_ylabel("% negative", fontsize=8, color=NEGATIVE)
        # headroom over the highest week, but no "% negative" past 100 (a week of 90% reached 112.5%)
        ax2.set_ylim(0, min(105.0, max(10.0, float(np.nanmax(weekly["share_negative"].fillna(0) * 100)) * 1.25)))
        if not handles:
            handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    first = axes[0, 0]
    first.set_title(title, loc="left", fontsize=11)
    last = axes[-1, 0]
    last.set_xlim(pd.Timestamp(start) - pd.Timedelta(days=4), pd.Timestamp(day) + pd.Timedelta(days=4))
    _dates(last, (day - start).days + 1)
    _legend(last, handles, ncol=4)
    last.legend_.set_bbox_to_anchor((0, -0.3))
    return png(fig, dpi)


def comparison_chart(daily: pd.DataFrame, names: dict[str, str], start: date, day: date, title: str,
                     dpi: int = DPI) -> bytes:  # fmt: skip
    """``daily``: rows of day, brand, volume, scored, n_negative for each compared brand (first in ``names`` is
    ours). Draws the 7-day average volume and the 7-day share negative of each."""
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(9, 4.2), sharex=True)
    days = pd.date_range(start - timedelta(days=6), day, freq="D")
    for i, (key, name) in enumerate(names.items()):
        one = daily[daily["brand"] == key].assign(day=lambda d: pd.to_datetime(d["day"])).set_index("day")
        one = one.reindex(days)
        # the days before the brand's first (v_brand_daily's first row) are not known to be empty: as its
        # volume_7d_avg, the first week averages the days so far (as 0, a brand of 30 a day rose from 4 over its week)
        known = one["volume"].notna().cummax() | one["volume"].isna().all()  # no row at all: drawn at 0
        one.loc[known] = one.loc[known].fillna({"volume": 0, "scored": 0, "n_negative": 0})
        vol = one["volume"].rolling(7, min_periods=1).mean()
        share = one["n_negative"].rolling(7, min_periods=1).sum() / one["scored"].rolling(7, min_periods=1).sum()
        style = {"color": PALETTE[i % len(PALETTE)], "linewidth": 2.0 if i == 0 else 1.3}
        ax.plot(vol.index, vol, label=name, **style)
        share = share.replace([np.inf, -np.inf], np.nan) * 100
        # a share with no neighbour (a brand's first night) is a dot: as a line alone it drew nothing
        ax2.plot(share.index, share, label=name, marker="o", markersize=3, markevery=alone(share), **style)
    ax.set_ylabel("mentions / day\n(7-day avg)", fontsize=8)
    ax.set_ylim(bottom=0)  # from 0: a zoomed axis drew 96 against 103 mentions a day as a brand at half the other's
    ax2.set_ylabel("% negative\n(7 days)", fontsize=8)
    ax2.set_ylim(bottom=0)
    ax.set_title(title, loc="left", fontsize=11)
    ax2.set_xlim(*_window(start, day))
    _dates(ax2, (day - start).days + 1)
    _legend(ax2, ax.get_legend_handles_labels()[0], ncol=6)
    ax2.legend_.set_bbox_to_anchor((0, -0.2))
    return png(fig, dpi)


def comention_chart(weekly: pd.DataFrame, competitors: list[str], start: date, day: date, title: str,
                    dpi: int = DPI) -> bytes:  # fmt: skip
    """``weekly``: rows of week_start, competitor, volume, n_negative, scored. Bars: co-mentions per week;
    lines: their share negative."""
    fig, ax = plt.subplots(figsize=(9, 2.8))
    ax2 = ax.twinx()
    weeks = pd.date_range(pd.Timestamp(start) - pd.Timedelta(days=start.weekday()), day, freq="7D")
    width = 6.0 / max(1, len(competitors))
    for i, name in enumerate(competitors):
        one = weekly[weekly["competitor"] == name].assign(week_start=lambda d: pd.to_datetime(d["week_start"]))
        one = one.set_index("week_start").reindex(weeks).fillna({"volume": 0, "scored": 0, "n_negative": 0})
        xs = one.index + pd.Timedelta(days=0.5 + width * i)
        color = PALETTE[(i + 1) % len(PALETTE)]
        ax.bar(xs, one["volume"], width=width * 0.9, align="edge", color=color, alpha=0.55, label=f"naming {name}")
        share = one["n_negative"] / one["scored"].where(one["scored"] > 0)
        ax2.plot(xs + pd.Timedelta(days=width / 2), share * 100, color=color, marker="o", markersize=3,
                 linewidth=1.2, label=f"% negative ({name})")  # fmt: skip
    if weekly.empty:
        _no_data(ax, "no mentions name a competitor in this window")
    elif day.weekday() < 6:  # the last week is not over: its bars are lower for its missing days, not for calm
        ax.text(weeks[-1] + pd.Timedelta(days=3.5), 0.98, f"{day.weekday() + 1} of 7 days", ha="center", va="top",
                transform=ax.get_xaxis_transform(), fontsize=7, color="grey")  # fmt: skip
    ax.set_ylim(bottom=0)
    ax.set_ylabel("mentions per week", fontsize=8)
    ax2.set_ylabel("% negative", fontsize=8)
    ax2.set_ylim(0, 105)
    ax.set_xlim(*_window(weeks[0].date(), day + timedelta(days=6 - day.weekday())))  # whole weeks, the first too
    ax.set_title(title, loc="left", fontsize=11)
    _dates(ax, (day - start).days + 1)
    _legend(ax, ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0], ncol=4)
    return png(fig, dpi)


def sparkline(daily: pd.DataFrame, dpi: int = DPI) -> bytes:
    """``daily``: rows of day, share_negative (one per day, NaN without one). A 2.2 x 0.5 in line over all the
    days given, the last day dotted."""
    fig, ax = plt.subplots(figsize=(2.2, 0.5))
    x = pd.to_datetime(daily["day"])
    y = daily["share_negative"].astype(float) * 100
    # a share between two days without one (a brand with mentions every other day) is a dot: a line alone drew nothing
    ax.plot(x, y, color=NEGATIVE, linewidth=1.1, marker="o", markersize=1.5, markevery=alone(y))
    if len(y) and pd.notna(y.iloc[-1]):
        ax.plot(x.iloc[-1:], y.iloc[-1:], "o", color=NEGATIVE, markersize=3)
    ax.set_ylim(0, max(10.0, float(np.nanmax(y.fillna(0))) * 1.2) if len(y) else 10)
    if len(x) > 1:  # every day on its place, those without a share too: a brand's first days are not its 28
        ax.set_xlim(x.min(), x.max())
    ax.axis("off")
    return png(fig, dpi)


QUADRANT_LABELS = (  # (x side, y side, label): top left = matters more, scores worse
    (0.02, 0.97, "fix first", "left", "top", NEGATIVE),
    (0.98, 0.97, "keep it up", "right", "top", POSITIVE),
    (0.02, 0.03, "watch", "left", "bottom", "#7f8c8d"),
    (0.98, 0.03, "maintain", "right", "bottom", "#7f8c8d"),
)


def driver_quadrant(
    touchpoints: list[dict], title: str, dpi: int = DPI, xlabel: str = "CSAT, % answering 4–5 of 5"
) -> bytes:
    """``touchpoints``: dicts with name, performance (share 0-1, CSAT top-2 or CES easy: performance_metric),
    importance (an interval with value, low, high: share of the explained variance) and quadrant. Dashed lines at
    the means split the quadrants (the performance mean only when every touchpoint is measured alike)."""
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    shown = [t for t in touchpoints if t.get("performance") is not None]
    if not shown:
        _no_data(ax, "no touchpoint with enough answers")
    else:
        x = np.array([100 * t["performance"] for t in shown])
        y = np.array([100 * t["importance"].value for t in shown])
        low = np.array([100 * t["importance"].low for t in shown])
        high = np.array([100 * t["importance"].high for t in shown])
        colors = [NEGATIVE if t["quadrant"] == "fix first" else SHARE for t in shown]
        ax.errorbar(x, y, yerr=[y - low, high - y], fmt="none", ecolor="#b3b6b7", elinewidth=1.2, capsize=3)
        ax.scatter(x, y, s=60, c=colors, zorder=5)
        for xi, yi, t in zip(x, y, shown, strict=True):
            text(ax, xi, yi, t["name"], xytext=(7, 3), textcoords="offset points", fontsize=9,
                 bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8}, zorder=6)  # fmt: skip
        if len({t.get("performance_metric") for t in shown}) == 1:  # a CSAT share and a CES share: no one mean
            ax.axvline(x.mean(), color=SCORE, linestyle="--", linewidth=0.8, alpha=0.5)
        ax.axhline(y.mean(), color=SCORE, linestyle="--", linewidth=0.8, alpha=0.5)
        pad_x = max(5.0, (x.max() - x.min()) * 0.25)
        ax.set_xlim(max(0, x.min() - pad_x), min(100, x.max() + pad_x))
        ax.set_ylim(0, max(high.max(), y.max()) * 1.15 + 1)
        for qx, qy, label, ha, va, color in QUADRANT_LABELS:
            ax.text(qx, qy, label, transform=ax.transAxes, ha=ha, va=va, fontsize=8, color=color, alpha=0.9)
    ax.set_xlabel(f"performance: {xlabel}", fontsize=8)
    ax.set_ylabel("importance for NPS: % of explained variance", fontsize=8)
    ax.set_title(title, loc="left", fontsize=11)
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.tick_params(labelsize=8)
    return png(fig, dpi)
