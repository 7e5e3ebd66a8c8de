"""What CX is worth, for one brand (read only): revenue at risk and the value of an NPS point, and key drivers.

The statistics are :mod:`pipeline.surveys.roi`'s; this module reads what they need and says what they mean.
Each analysis is split in two so that the report can read the warehouse once, under the lock, and compute
outside it: ``*_inputs(con, ...)`` reads, the function without it computes.

- :func:`roi` (``brandpulse roi --brand B``): the churn of each NPS group among respondents whose churn window
  ended within ``surveys.cx.history_days`` (365) before the customer list's last day, the relative risk of
  detractors, the revenue at risk from the current detractors and passives (whose latest answer falls in the
  last ``churn_window_days`` of answers and who are still customers), and the value of an NPS point, each with
  its interval and the assumptions it rests on (:attr:`RoiReport.assumptions`).
- :func:`drivers` (``brandpulse drivers --brand B``): which touchpoints' CSAT and CES, and which social aspects'
  share negative, explain the 0-10 answers of the last ``days`` days (90), by relative weights; each
  touchpoint's importance against its performance (CSAT % top-2), in quadrants.

**The driver design.** One row per answer with NPS and the touchpoint's metrics (answers missing one are left
out): CSAT and CES where most of its answers have both, else the one it asks (:func:`_touchpoint_metrics`). A
touchpoint's CSAT driver is the answer's CSAT minus the touchpoint's mean CSAT for answers about that
touchpoint, 0 for the others (the same for CES): the drivers of two touchpoints are then uncorrelated, and each
measures how far satisfaction (or ease) *within* the touchpoint goes with the recommendation. A touchpoint needs
``min_n`` such answers (30), else it is left out and named. A social aspect's driver is the share of the brand's
scored mentions that were negative about it over the 7 days up to the answer's day (the aspects of the report,
matched by meaning: :mod:`pipeline.sentiment.aspects`); it is left out when the model does not match aspects,
or when it does not vary.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.frames import frame
from pipeline.numfmt import grouped, points, share
from pipeline.surveys import roi as R
from pipeline.surveys.customers import calendars
from pipeline.warehouse import connect, execute, row, rows

DRIVER_DAYS = 90  # the drivers' window of answers, up to the report's day (the report's own window)
SOCIAL_DAYS = 7  # a social aspect's share negative is that of the 7 days up to the answer's day
CES_EASY = 5.0  # on the common 1-7 scale: 5-7 = easy (the top 2 of a 5-point question, the top 3 of a 7-point)


def _interval(i: R.Interval) -> str:
    return f"{grouped(i.value)} (95% CI {grouped(i.low)} to {grouped(i.high)})"


# -- revenue at risk and the value of a point ---------------------------------------------------------------
@dataclass
class RoiInputs:
    brand: str
    window_days: int
    history_days: int
    respondents: list[dict]  # surveys/respondents rows of the brand (a quarter's latest, and latest complete)
    clv: dict[str, dict]  # segment -> latest complete month's customer_metrics row with a CLV ('_all' included)
    active: dict[str, int]  # segment -> customers active now
    links: dict[str, dict] = field(default_factory=dict)  # nps group -> answers, linked, unlinked (current window)


def roi_inputs(
    con, brand: str, window_days: int = R.WINDOW_DAYS, history_days: int = 365, zones: dict | None = None
) -> RoiInputs:
    """``zones``: the brands' calendars (:func:`pipeline.surveys.customers.calendars`; None: UTC)."""
    zones = zones or calendars(None)
    respondents = rows(execute(con, "surveys/respondents", {"window_days": window_days, "brands": [brand], **zones}))
    clv = {
        r["segment"]: r
        for r in rows(
            con.execute(
                "SELECT segment, month, clv_discounted, clv_simple, arpu, churn_rate_clv, margin,"
                " discount_rate_monthly, complete, active_start, low_n FROM v_customer_metrics"
                " WHERE brand = $brand AND clv_discounted IS NOT NULL"
                " QUALIFY row_number() OVER (PARTITION BY segment ORDER BY complete DESC, month DESC) = 1",
                {"brand": brand},
            )
        )
    }
    active = {
        r["segment"]: r["n"]
        for r in rows(
            con.execute(
                "SELECT coalesce(segment, '(none)') AS segment, count(*) AS n FROM customers"
                " WHERE brand = $brand AND customer_active_on(start_date, end_date, current_date)"
                " GROUP BY ALL",  # a customer whose contract starts later is no customer yet
                {"brand": brand},
            )
        )
    }
    links = {}
    if respondents:
        last = max(r["day"] for r in respondents)
        first = last - timedelta(days=window_days - 1)
        links = {
            r["nps_group"]: r
            for r in rows(
                execute(con, "surveys/link_counts", {"brands": [brand], "first": first, "last": last, **zones})
            )
        }
    return RoiInputs(brand, window_days, history_days, respondents, clv, active, links)


@dataclass
class RoiReport:
    brand: str
    worth: R.Worth | None
    window_days: int
    as_of: date | None = None
    history: tuple[date, date] | None = None  # answers whose window ended in the history: first, last answer day
    current: tuple[date, date] | None = None  # the current window of answers
    current_members: dict[str, dict] = field(default_factory=dict)  # group -> still customers, left, clv
    base: dict = field(default_factory=dict)  # customers active now, their CLV
    clv_month: date | None = None
    assumptions: list[str] = field(default_factory=list)
    readings: dict[str, str] = field(default_factory=dict)  # churn, risk, point: one plain line each
    note: str | None = None


def _clv_of(clv: dict[str, dict], segment: str) -> float | None:
    found = clv.get(segment) or clv.get(R.ALL)
    return None if found is None else found["clv_discounted"]


def roi(inputs: RoiInputs, *, min_n: int = R.MIN_N, resamples: int = R.RESAMPLES, seed: int = R.SEED) -> RoiReport:
    """Revenue at risk and the value of an NPS point for one brand, with the assumptions (module docstring)."""
    n_days = inputs.window_days
    out = RoiReport(inputs.brand, None, n_days)
    if not inputs.respondents:
        out.note = (
            "no respondents linked to customers: map a customer_id column in the survey source "
            "(surveys.sources[].columns.customer_id) and import the customer list"
        )
        return out
    as_of = inputs.respondents[0]["as_of"]
    out.as_of = as_of
    horizon = as_of - timedelta(days=n_days)  # the last answer day whose window has ended
    # One answer per customer over the whole history (their latest whose window has ended): the respondents come
    # per customer and quarter, and a customer who answered in two quarters and then left would count their
    # one exit twice, in two overlapping windows, and the bootstrap would resample them as two people. A quarter
    # whose latest answer is pending also brings its latest complete one, so a customer is not lost for that.
    pooled: dict[str, dict] = {}
    for r in inputs.respondents:
        if r["complete"] and r["day"] > horizon - timedelta(days=inputs.history_days):
            known = pooled.get(r["customer_hash"])
            if known is None or r["day"] > known["day"]:
                pooled[r["customer_hash"]] = r
    history = list(pooled.values())
    outcomes: dict[str, list[bool]] = {g: [] for g in R.GROUPS}
    for r in history:
        outcomes[r["nps_group"]].append(bool(r["churned"]))
    if history:
        out.history = (min(r["day"] for r in history), max(r["day"] for r in history))
    last = max(r["day"] for r in inputs.respondents)
    first = last - timedelta(days=n_days - 1)
    out.current = (first, last)
    latest: dict[str, dict] = {}
    for r in inputs.respondents:
        if r["day"] >= first and (r["customer_hash"] not in latest or r["day"] > latest[r["customer_hash"]]["day"]):
            latest[r["customer_hash"]] = r
    members = {g: {"customers": 0, "left": 0, "clv": 0.0, "no_clv": 0} for g in R.GROUPS}
    for r in latest.values():
        m = members[r["nps_group"]]
        if r["end_date"] is not None and r["end_date"] <= r["as_of"]:
            m["left"] += 1  # already gone: lost, no longer at risk (an end after the list's last day is scheduled)
            continue
        value = _clv_of(inputs.clv, r["segment"])
        if value is None:
            m["no_clv"] += 1
            continue
        m["customers"] += 1
        m["clv"] += value
    for g in R.GROUPS:
        members[g]["unlinked"] = inputs.links.get(g, {}).get("unlinked", 0)
        members[g]["not_customer"] = inputs.links.get(g, {}).get("not_customer", 0)
    out.current_members = members
    base_clv, base_n = 0.0, 0
    for segment, n in inputs.active.items():
        value = _clv_of(inputs.clv, segment)
        if value is not None:
            base_clv += n * value
            base_n += n
    out.base = {"customers": base_n, "clv": base_clv}
    any_clv = inputs.clv.get(R.ALL) or next(iter(inputs.clv.values()), None)
    out.clv_month = any_clv["month"] if any_clv else None
    if any_clv is None:
        out.note = "no CLV in customer_metrics (no churn observed yet, or no revenue in the customer list)"
    worth = R.cx_worth(
        outcomes,
        {g: members[g]["clv"] for g in ("detractor", "passive")},
        base_clv,
        min_n=min_n,
        resamples=resamples,
        seed=seed,
    )
    if any_clv is None:  # churn by group still says something; the money cannot
        worth = replace(worth, at_risk={}, move_one_percent=None, per_point=None, note=out.note)
    if not history:  # every group empty because no window has ended (churn_by_nps says so too), not "no detractors"
        why = (
            f"no respondent's {n_days} days have passed yet"
            if not any(r["complete"] for r in inputs.respondents)
            else f"no respondent's {n_days} days ended within the last {inputs.history_days} days"
        )
        worth = replace(worth, rr=R.RelativeRisk(None, None, None, None, why))
    out.worth = worth
    out.note = out.note or worth.note
    out.assumptions = _assumptions(inputs, out)
    out.readings = _roi_readings(out)
    return out


def _assumptions(inputs: RoiInputs, out: RoiReport) -> list[str]:
    w = out.worth
    clv = inputs.clv.get(R.ALL) or next(iter(inputs.clv.values()), {})
    lines = [
        "Association, not proof of cause: detractors may leave for the same reasons that made them detractors. "
        "Only a holdout (customers picked at random to get, or not get, a fix) would measure what a fix returns.",
        f"Churned = the customer record ended within {out.window_days} days after the answer; the churn gap is "
        f"measured on one answer per customer, their latest whose window had ended by the customer list's last day "
        f"({out.as_of})" + (f" (answers {out.history[0]} to {out.history[1]})." if out.history else "."),
        "Current = customers whose latest answer is from "
        f"{out.current[0]} to {out.current[1]} and who are still customers; the gap is assumed to hold for them.",
    ]
    if clv:
        # a segment without a CLV in that month (no churn pooled in it) keeps its latest month with one: named
        other = sorted((s, r["month"]) for s, r in inputs.clv.items() if s != R.ALL and r["month"] != clv["month"])
        months = "; ".join([f"{clv['month']:%Y-%m}", *(f"{s}: {m:%Y-%m}" for s, m in other)])
        lines.append(
            f"CLV: the discounted CLV of each customer's segment in customer_metrics ({months}; margin "
            f"{clv['margin']:.0%}, discount {100 * clv['discount_rate_monthly']:.2f}% a month), in the customer "
            "list's revenue currency; taken as known (not in the interval)."
        )
        borrowed = sorted(s for s in inputs.active if s not in inputs.clv and s != R.ALL)
        if borrowed and R.ALL in inputs.clv:  # no churn (or no revenue) seen in them: no CLV of their own
            n = sum(inputs.active[s] for s in borrowed)
            lines.append(
                f"{n:,} active customers of {', '.join(borrowed)} have no CLV of their segment's own (no churn or no "
                "revenue observed in it: a lifetime without an end) and are valued at the whole brand's CLV, which "
                "may be far from theirs."
            )
        # a CLV from a month that began with fewer than min_responses customers (low_n): taken, and said (shown,
        # not hidden, as low_n cells are everywhere)
        used = [s for s in inputs.active if s in inputs.clv] + ([R.ALL] if borrowed and R.ALL in inputs.clv else [])
        few = {s: inputs.clv[s] for s in sorted(set(used)) if inputs.clv[s].get("low_n")}
        if few:
            named = ", ".join(
                f"{'the whole brand' if s == R.ALL else s} ({r['active_start']:,} customers at the start of "
                f"{r['month']:%Y-%m})"
                for s, r in few.items()
            )
            lines.append(
                f"CLV from few customers (low_n: under min_responses), taken all the same: {named}; read the money "
                "of their customers as a hint, not a measure."
            )
    lines.append(
        "One NPS point: moving 1% of the active customer base from detractor to promoter (+2 points), halved; it "
        "assumes respondents represent the base."
    )
    unlinked = sum(m["unlinked"] for m in out.current_members.values())
    if unlinked:
        lines.append(f"{unlinked:,} current answers are not linked to a customer and are left out of the money.")
    not_customer = sum(m["not_customer"] for m in out.current_members.values())
    if not_customer:
        lines.append(
            f"{not_customer:,} current answers are linked to a customer record but were given when that person was "
            "not a customer (before the start or from the end date on), and are left out of churn and money."
        )
    if w is not None:
        lines.append(
            f"Intervals: {w.confidence:.0%}, percentile bootstrap over respondents ({w.resamples:,} resamples within "
            f"each NPS group, seed {w.seed}); churn rates: Wilson; relative risk: log method"
            + (f" ({w.rr.method})." if w.rr.method and w.rr.method != "log" else ".")
        )
    if w is not None and w.wilson:
        lines.append(
            f"No respondent, or every one, of the {' and '.join(R.PLURAL[g] for g in w.wilson)} churned: their "
            "rate would be the same in every resample, so the figures that read it take their interval from the "
            "groups' Wilson intervals (MOVER; Newcombe 1998, Zou & Donner 2008), not the bootstrap."
        )
    return lines


def _roi_readings(out: RoiReport) -> dict[str, str]:
    w = out.worth
    if w is None:
        return {}
    det, prom = w.rates["detractor"], w.rates["promoter"]
    readings = {}
    if w.rr.value is not None:
        if w.rr.low > 1:
            how = f"{w.rr.value:.1f} times as often as promoters"
        elif w.rr.high < 1:
            how = f"less often than promoters ({w.rr.value:.1f} times their rate)"
        else:
            how = "about as often as promoters (the difference is within the noise)"
        readings["churn"] = (
            f"Detractors left {how} within {out.window_days} days of answering ({share(det.rate, 1)} against "
            f"{share(prom.rate, 1)})."
        )
    else:
        readings["churn"] = f"No relative risk: {w.rr.note}."
    total = w.at_risk.get("total")
    if total is not None:
        # passives with fewer than 2 ended windows are not in the total (cx_worth): neither counted nor named here
        counted = ["detractor", "passive"] if "passive" in w.at_risk else ["detractor"]
        n = sum(out.current_members[g]["customers"] for g in counted)
        who = " and ".join(R.PLURAL[g] for g in counted)
        if not n:  # none of them still a customer: a zero total that says nothing of their churn gap
            readings["risk"] = (
                f"No current {' or '.join(R.PLURAL[g] for g in counted)} are still customers: nothing at risk."
            )
        elif total.high <= 0:
            readings["risk"] = f"Current {who} show no excess churn over promoters: nothing at risk."
        else:
            readings["risk"] = (
                f"If the gap holds, the excess churn of today's {n:,} {who} would cost about "
                f"{grouped(total.value)} of lifetime value in the next {out.window_days} days "
                f"(between {grouped(max(total.low, 0))} and {grouped(total.high)})."
            )
    if w.per_point is not None:
        p = w.per_point
        if p.high <= 0 < out.base.get("clv", 0):  # detractors churned no more: no "−200 of lifetime value kept"
            readings["point"] = (
                "One NPS point is associated with no lifetime value kept: detractors churned no more than promoters."
            )
        else:
            readings["point"] = (
                f"One NPS point is associated with about {grouped(p.value)} of lifetime value kept per "
                f"{out.window_days} days (between {grouped(p.low)} and {grouped(p.high)}"
                + ("; the interval holds 0: it may be worth nothing" if p.low <= 0 else "")
                + "); association, not a promise."
            )
    few = [g for g in ("detractor", "promoter") if w.rates[g].low_n]
    few += ["passive"] if "passive" in w.at_risk and w.rates["passive"].low_n else []  # their gap is in the money
    if few and ("risk" in readings or "point" in readings):  # money from a handful of respondents: say so
        caveat = (
            f" Few {' and '.join(g + 's' for g in few)} whose churn window has ended (under the minimum, "
            "min_responses): read these figures as a hint, not a measure."
        )
        readings["risk" if "risk" in readings else "point"] += caveat
    return readings


def roi_lines(report: RoiReport, brand_name: str | None = None) -> list[str]:
    """The report as ``brandpulse roi`` prints it."""
    name = brand_name or report.brand
    lines = [f"{name}: what CX is worth (association, not proof of cause)"]
    w = report.worth
    if w is None:
        return [*lines, f"  {report.note}"]
    lines.append(
        f"Churn within {report.window_days} days of answering, respondents whose window had ended "
        + (f"(answers {report.history[0]} to {report.history[1]}):" if report.history else "(none yet):")
    )
    for g in R.GROUPS:
        r = w.rates[g]
        shown = f"{share(r.rate, 1)} (95% CI {share(r.low, 1)} to {share(r.high, 1)})" if r.n else "–"
        lines.append(f"  {R.PLURAL[g]:<11} {shown:<30} {r.churned:>5,} of {r.n:,}" + ("  low_n" if r.low_n else ""))
    rr = w.rr
    if rr.value is not None:
        lines.append(
            f"  relative risk, detractors vs promoters: {rr.value:.2f} (95% CI {rr.low:.2f} to {rr.high:.2f}; "
            f"{rr.method})"
        )
    else:
        lines.append(f"  relative risk: none ({rr.note})")
    if report.note:
        lines += ["", report.note]
    if w.at_risk:
        lines += ["", f"Revenue at risk, current answers {report.current[0]} to {report.current[1]}:"]
        for g in ("detractor", "passive"):
            if g not in w.at_risk:
                continue
            m = report.current_members[g]
            lines.append(
                f"  {R.PLURAL[g]:<11} {m['customers']:,} still customers (CLV {grouped(m['clv'])}) x churn gap "
                f"{points(w.gap[g])} = {_interval(w.at_risk[g])}"
            )
            extra = [f"{m['left']:,} already left"] if m["left"] else []
            extra += [f"{m['unlinked']:,} answers not linked"] if m["unlinked"] else []
            extra += [f"{m['not_customer']:,} from non-customers that day"] if m["not_customer"] else []
            extra += [f"{m['no_clv']:,} without a CLV"] if m["no_clv"] else []
            if extra:
                lines.append(f"  {'':<11} ({', '.join(extra)})")
        lines.append(f"  {'total':<11} {_interval(w.at_risk['total'])}")
    if w.move_one_percent is not None:
        base = report.base
        lines += [
            "",
            f"Value of NPS, active base {base['customers']:,} customers (CLV {grouped(base['clv'])}):",
            f"  1% of them from detractor to promoter (+2 points): {_interval(w.move_one_percent)}",
            f"  one NPS point:                                     {_interval(w.per_point)}",
        ]
    if report.readings:
        lines += ["", "In plain words:", *(f"  {text}" for text in report.readings.values())]
    lines += ["", "Assumptions:", *(f"  - {a}" for a in report.assumptions)]
    return lines


# -- key drivers ---------------------------------------------------------------------------------------------
@dataclass
class DriverInputs:
    brand: str
    first: date
    last: date
    answers: pd.DataFrame  # day, touchpoint, nps, csat, ces
    scored: pd.DataFrame  # day, scored (all sources)
    negatives: pd.DataFrame  # day, text: negative mentions, for the aspects
    no_answers_yet: bool = False  # the brand has no survey answer on any day (the window then ends today)


def driver_inputs(con, brand: str, day: date | None = None, days: int = DRIVER_DAYS) -> DriverInputs:
    """What :func:`drivers` needs: the answers of the ``days`` days up to ``day`` (default: the brand's latest
    answer), the daily scored mentions and the negative mentions over the same days and the 7 before: both of the
    model of the brand's trend series (``v_daily_series``), so a share never divides one model's negatives by
    another's scored count (mentions only an older model has scored, before a rescore reaches them, are left out,
    as they are in the report's other sections), and both of its days: a day's negatives without its scored count
    (scored by the watch, or by a night whose metrics step has not run yet) are left out, as the report's drivers
    leave them out."""
    latest = row(con.execute("SELECT max(day) AS day FROM survey_responses WHERE brand = $brand", {"brand": brand}))
    none_yet = latest["day"] is None
    if day is None:
        day = latest["day"] or datetime.now(UTC).date()  # the UTC day, as every run's
    first = day - timedelta(days=days - 1)
    p = {"brand": brand, "first": first - timedelta(days=SOCIAL_DAYS - 1), "last": day}  # the social days
    answers = frame(
        con.execute(
            "SELECT day, coalesce(touchpoint, '(none)') AS touchpoint, nps, csat, ces_norm AS ces"
            " FROM survey_responses WHERE brand = $brand AND nps IS NOT NULL AND day BETWEEN $first AND $last"
            " ORDER BY day, source, response_id",
            {**p, "first": first},
        )
    )
    scored = frame(
        con.execute(
            "SELECT day, scored FROM v_daily_series WHERE brand = $brand AND source = '_all'"
            " AND day BETWEEN $first AND $last ORDER BY day",
            p,
        )
    )
    model = row(execute(con, "metrics/series_model", {"brand": brand}))
    negatives = frame(
        con.execute(
            "SELECT day, mention_text(title, text) AS text FROM v_mentions_scored"
            " WHERE brand = $brand AND label = 'negative' AND model_version = $model AND day BETWEEN $first AND $last"
            " AND day IN (SELECT day FROM v_daily_series WHERE brand = $brand AND source = '_all')"
            " ORDER BY day, mention_id",
            {**p, "model": model["model"]},
        )
    )
    return DriverInputs(brand, first, day, answers, scored, negatives, no_answers_yet=none_yet)


@dataclass
class DriverReport:
    brand: str
    first: date | None  # None: the brand has no survey answers at all
    last: date | None
    result: R.DriverResult | None = None
    touchpoints: list[dict] = field(default_factory=list)  # name, importance, csat_top2, ces_easy, n, quadrant
    social: list[dict] = field(default_factory=list)  # aspect, importance, share_negative
    social_note: str | None = None
    left_out: list[str] = field(default_factory=list)  # touchpoints with too few complete answers
    metrics: list[str] = field(default_factory=list)  # csat, ces: the survey metrics used
    reading: str = ""
    note: str | None = None


def _social_columns(inputs: DriverInputs, matcher) -> tuple[dict[str, np.ndarray], dict[str, float], str | None]:
    """Per aspect, the share of scored mentions negative about it over the 7 days up to each answer's day."""
    if matcher is None:
        return {}, {}, "left out (not asked for)"
    if inputs.negatives.empty:
        return {}, {}, "no negative mentions in the window"
    aspects = matcher.match(list(inputs.negatives["text"]))
    if getattr(matcher, "enabled", None) is False:
        return {}, {}, "aspect matching is off for this model (see the model card)"
    days = pd.date_range(inputs.first - timedelta(days=SOCIAL_DAYS - 1), inputs.last, freq="D").date
    scored = pd.Series(0.0, index=days)
    if not inputs.scored.empty:
        scored = scored.add(inputs.scored.set_index("day")["scored"].astype(float), fill_value=0).reindex(days)
    counts: dict[str, pd.Series] = defaultdict(lambda: pd.Series(0.0, index=days))
    for d, aspect in zip(inputs.negatives["day"], aspects, strict=True):
        if aspect is not None:
            counts[aspect][d] += 1
    scored_7 = scored.rolling(SOCIAL_DAYS, min_periods=1).sum()
    columns, shares = {}, {}
    in_window = [d for d in days if d >= inputs.first]
    total_scored = scored[in_window].sum()
    for aspect in matcher.names:
        if aspect not in counts:
            continue
        share_7 = (counts[aspect].rolling(SOCIAL_DAYS, min_periods=1).sum() / scored_7.where(scored_7 > 0)).fillna(0)
        values = np.array([share_7[d] for d in inputs.answers["day"]], dtype=float)
        if values.size and values.max() > values.min():  # not std() > 0: the std of seven 0.1s is 1.4e-17
            columns[aspect] = values
            shares[aspect] = float(counts[aspect][in_window].sum() / total_scored) if total_scored else 0.0
    if not columns:
        return columns, shares, "no aspect's share negative varied over the window"
    unmatched = [a for a in matcher.names if a not in counts]
    flat = [a for a in matcher.names if a in counts and a not in columns]
    said = [f"{', '.join(unmatched)} (no negative mention about it in the window)"] if unmatched else []
    said += [f"{', '.join(flat)} (its share negative did not vary)"] if flat else []
    return columns, shares, f"left out: {'; '.join(said)}" if said else None


def _touchpoint_metrics(answers: pd.DataFrame, min_n: int) -> list[str]:
    """The metrics a touchpoint's drivers use (its answers with NPS): CSAT and CES when at least ``min_n`` of
    them have both and that is at least half of those with the one asked more; else the one with more answers
    (CSAT on a tie), when ``min_n`` have it; else none (the touchpoint is left out). A CES asked at one touchpoint
    only, or a stray CES answer, does not leave out the others' CSAT answers; a CES that half the answers skip
    does not halve the sample."""
    rated = answers[answers["nps"].notna()]
    n = {m: int(rated[m].notna().sum()) for m in ("csat", "ces")}
    both = int((rated["csat"].notna() & rated["ces"].notna()).sum())
    if both >= min_n and 2 * both >= max(n.values()):
        return ["csat", "ces"]
    best = max(("csat", "ces"), key=lambda m: (n[m], m == "csat"))
    return [best] if n[best] >= min_n else []


def drivers(
    inputs: DriverInputs,
    matcher=None,
    *,
    min_n: int = R.MIN_N,
    resamples: int = R.DRIVER_RESAMPLES,
    seed: int = R.SEED,
) -> DriverReport:
    """Key drivers of the brand's NPS answers, by relative weights with bootstrap intervals (module docstring).

    ``matcher``: the report's aspect matcher (``names``, ``match(texts)``, ``enabled``); None leaves social
    aspects out."""
    out = DriverReport(inputs.brand, inputs.first, inputs.last)
    answers = inputs.answers
    if inputs.no_answers_yet:  # it named a window ending today, as if answers could be in another one
        out.first = out.last = None
        out.note = "no survey answers for this brand on any day (brandpulse import-surveys loads them)"
        return out
    if answers.empty or not answers[["csat", "ces"]].notna().any().any():
        out.note = f"no answers with NPS and CSAT or CES from {inputs.first} to {inputs.last}"
        return out
    asked = {t: _touchpoint_metrics(at, min_n) for t, at in answers.groupby("touchpoint", sort=True)}
    kept = [t for t, metrics in asked.items() if metrics]
    out.metrics = [m for m in ("csat", "ces") if any(m in asked[t] for t in kept)]
    out.left_out = sorted(t for t in set(answers["touchpoint"]) if t not in kept)
    parts = [answers[answers["touchpoint"] == t].dropna(subset=["nps", *asked[t]]) for t in kept] or [answers[:0]]
    # in the answers' own order: the bootstrap resamples rows by position
    complete = pd.concat(parts).sort_index().reset_index(drop=True)
    inputs_kept = DriverInputs(inputs.brand, inputs.first, inputs.last, complete, inputs.scored, inputs.negatives)
    social, social_share, out.social_note = _social_columns(inputs_kept, matcher) if kept else ({}, {}, None)
    names, columns, groups = [], [], {}
    for t in kept:
        at = (complete["touchpoint"] == t).to_numpy()
        groups[t] = []
        for m in asked[t]:
            values = complete[m].to_numpy(dtype=float)
            centred = np.where(at, values - values[at].mean(), 0.0)
            names.append(f"{t} {m.upper()}")
            columns.append(centred)
            groups[t].append(names[-1])
    for aspect, values in social.items():
        names.append(f"social: {aspect}")
        columns.append(values)
    if not columns:
        out.note = f"no touchpoint has {min_n} answers with NPS and CSAT or CES"
        return out
    x = np.column_stack(columns)
    y = complete["nps"].to_numpy(dtype=float)
    out.result = R.key_drivers(x, y, names, groups=groups, min_n=min_n, resamples=resamples, seed=seed)
    if out.result.note:
        out.note = out.result.note
        return out
    every = answers[answers["touchpoint"].isin(kept)]
    for t in kept:
        at = every[every["touchpoint"] == t]
        csat, ces = at["csat"].dropna(), at["ces"].dropna()
        out.touchpoints.append(
            {
                "name": t,
                "importance": out.result.groups[t],
                "drivers": [d for d in out.result.drivers if d.name in groups[t]],
                "csat_top2": float((csat >= 4).mean()) if len(csat) else None,
                "ces_easy": float((ces >= CES_EASY).mean()) if len(ces) else None,
                "n": int((complete["touchpoint"] == t).sum()),
                "metrics": asked[t],
            }
        )
    # Performance: CSAT top-2 where the touchpoint's drivers read CSAT, else CES easy; each against the mean of the
    # touchpoints measured the same way (a share of "easy" is not a share of "satisfied")
    mean_imp = float(np.mean([t["importance"].value for t in out.touchpoints]))
    for t in out.touchpoints:
        t["performance_metric"] = "csat" if "csat" in t["metrics"] else "ces"
        t["performance"] = t["csat_top2"] if t["performance_metric"] == "csat" else t["ces_easy"]
    means = {
        m: float(np.mean(alike)) if (alike := [t["performance"] for t in out.touchpoints
                                               if t["performance_metric"] == m]) else 0.0
        for m in ("csat", "ces")
    }  # fmt: skip
    for t in out.touchpoints:
        t["mean_performance"] = means[t["performance_metric"]]
        t["quadrant"] = R.quadrant(t["importance"].value, t["performance"], mean_imp, t["mean_performance"])
    out.touchpoints.sort(key=lambda t: -t["importance"].value)
    by_name = {d.name: d for d in out.result.drivers}
    out.social = sorted(
        ({"aspect": a, "importance": by_name[f"social: {a}"], "share_negative": social_share[a]} for a in social),
        key=lambda s: -s["importance"].share,
    )
    out.reading = _driver_reading(out)
    return out


def _driver_reading(out: DriverReport) -> str:
    if not out.touchpoints:
        return ""
    if out.result is not None and out.result.r2.value <= 0:  # nothing varied: "X matters most (0%)"
        return (
            "The drivers explain none of the answers' variance (their scores, or the 0-10 answers, did not vary): "
            "no touchpoint can be ranked."
        )
    fix = [t for t in out.touchpoints if t["quadrant"] == "fix first"]
    top = out.touchpoints[0]
    if fix:
        t = fix[0]
        label = "CSAT" if t["performance_metric"] == "csat" else "CES easy"
        perf, mean = t["performance"], t["mean_performance"]
        digits = 0 if round(100 * perf) != round(100 * mean) else 1  # never "68% against 68%"
        below = "just below average" if mean - perf < 0.01 else "below average"  # under a point: said so
        return (
            f"{t['name']} matters more than most for NPS ({100 * t['importance'].value:.0f}% of what the drivers "
            f"explain) and scores {below} ({label} {share(perf, digits)} against {share(mean, digits)}): fix it first."
        )
    return (
        f"The touchpoints that matter most already score at or above average; {top['name']} matters most "
        f"({100 * top['importance'].value:.0f}% of what the drivers explain): keep it up."
    )


def _asked(report: DriverReport) -> str:
    """The metrics the drivers read, as ``driver_lines`` names them: "CSAT and CES", or each touchpoint's."""
    sets = {tuple(t["metrics"]) for t in report.touchpoints}
    if len(sets) <= 1:
        return " and ".join(m.upper() for m in report.metrics)
    each = "; ".join(f"{t['name']}: {' and '.join(m.upper() for m in t['metrics'])}" for t in report.touchpoints)
    return f"each touchpoint's ({each})"


def driver_lines(report: DriverReport, brand_name: str | None = None) -> list[str]:
    """The report as ``brandpulse drivers`` prints it."""
    name = brand_name or report.brand
    window = f", answers {report.first} to {report.last}" if report.first else ""
    lines = [f"{name}: what explains NPS{window}"]
    res = report.result
    if res is None or res.r2 is None:
        return [*lines, f"  {report.note}"]
    lines.append(
        f"{res.n:,} answers with NPS, {_asked(report)}; the drivers explain "
        f"R² = {res.r2.value:.2f} (95% CI {res.r2.low:.2f} to {res.r2.high:.2f}) of the 0-10 answers' variance."
    )
    lines.append(
        "Importance: share of that R² (Johnson's relative weights; 95% bootstrap interval, "
        f"{res.resamples:,} resamples, seed {res.seed})."
    )
    lines += [
        "",
        f"  {'touchpoint':<14} {'importance':>10} {'95% CI':>13}  {'CSAT top-2':>10} {'CES easy':>9}  quadrant",
    ]
    for t in report.touchpoints:
        i = t["importance"]
        lines.append(
            f"  {t['name']:<14} {100 * i.value:>9.1f}% {f'{100 * i.low:.1f}–{100 * i.high:.1f}%':>13}  "
            f"{share(t['csat_top2'], 0):>10} {share(t['ces_easy'], 0):>9}  {t['quadrant']}"
        )
        for d in t["drivers"]:
            lines.append(f"    {d.name:<24} {100 * d.share:>5.1f}% ({100 * d.low:.1f}–{100 * d.high:.1f}%)")
    if report.left_out:
        lines.append(f"  left out (fewer than the minimum answers with every score): {', '.join(report.left_out)}")
    lines.append("")
    if report.social:
        lines.append(f"  {'social aspect':<24} {'importance':>10} {'95% CI':>13}  {'% of mentions negative':>22}")
        for s in report.social:
            i = s["importance"]
            lines.append(
                f"  {s['aspect']:<24} {100 * i.share:>9.1f}% {f'{100 * i.low:.1f}–{100 * i.high:.1f}%':>13}  "
                f"{share(s['share_negative'], 1):>22}"
            )
        if report.social_note:
            lines.append(f"  social aspects {report.social_note}")
    else:
        lines.append(f"  social aspects: {report.social_note or 'none'}")
    measures = {t["performance_metric"] for t in report.touchpoints}
    performance = (
        "mean CES easy"
        if measures == {"ces"}
        else "mean CSAT top-2 (CES easy against its own mean where a touchpoint has no CSAT)"
        if "ces" in measures
        else "mean CSAT top-2"
    )
    lines += [
        "",
        f"Quadrants split at the touchpoints' mean importance and {performance}: fix first (matters more, "
        "scores worse), keep it up, watch, maintain. Association, not proof of cause.",
    ]
    if report.reading:
        lines += ["", f"In plain words: {report.reading}"]
    return lines


# -- entry points --------------------------------------------------------------------------------------------
def _settings(config) -> tuple[int, int, int]:
    surveys = getattr(config, "surveys", None)
    if surveys is None:
        return R.WINDOW_DAYS, 365, R.MIN_N
    return surveys.cx.churn_window_days, surveys.cx.history_days, surveys.min_responses


def cx_roi(config, db: Path, brand: str) -> RoiReport:
    """``brandpulse roi``: read the brand's respondents and customers (read only), then :func:`roi`."""
    window, history, min_n = _settings(config)
    with connect(db, timeout=config.lock_timeout_s, read_only=True, current=True) as con:
        inputs = roi_inputs(con, brand, window, history, calendars(config))
        found = None if inputs.respondents else _unlinked(con, brand)
    out = roi(inputs, min_n=min_n)
    if found is not None:
        out.note = found
    return out


def _unlinked(con, brand: str) -> str:
    """Why no answer of ``brand`` links to a customer, in the words of what is missing."""
    counts = row(
        con.execute(
            "SELECT (SELECT count(*) FROM survey_responses WHERE brand = $brand AND nps IS NOT NULL) AS answers,"
            " (SELECT count(*) FROM survey_responses WHERE brand = $brand AND nps IS NOT NULL"
            "  AND customer_hash IS NOT NULL) AS with_id,"
            " (SELECT count(*) FROM customers WHERE brand = $brand) AS customers",
            {"brand": brand},
        )
    )
    answers, with_id, customers = counts["answers"], counts["with_id"], counts["customers"]
    if not answers:
        return (
            f"no NPS answers of {brand} in the warehouse: no survey source lists this brand, or none was imported "
            "yet (brandpulse import-surveys)"
        )
    if not with_id:
        return (
            f"{answers:,} NPS answers, none with a customer id: map the survey source's customer_id column "
            "(surveys.sources[].columns.customer_id) and import again"
        )
    if not customers:
        return (
            f"{with_id:,} NPS answers carry a customer id, but no customer list of {brand} is imported "
            "(surveys.customers; brandpulse import-customers)"
        )
    return (
        f"{with_id:,} NPS answers carry a customer id and {customers:,} customers are listed, but no answer came from "
        "a customer active on its day (the ids differ between the two exports, or the author key changed since)"
    )


def cx_drivers(
    config, db: Path, brand: str, *, day: date | None = None, days: int = DRIVER_DAYS, matcher=None
) -> DriverReport:
    """``brandpulse drivers``: read the brand's answers and mentions (read only), then :func:`drivers`."""
    _, _, min_n = _settings(config)
    with connect(db, timeout=config.lock_timeout_s, read_only=True, current=True) as con:
        inputs = driver_inputs(con, brand, day, days)
    return drivers(inputs, matcher, min_n=min_n)


def churn_table(con, brand: str, segments: Sequence[str] | None = None) -> list[dict]:
    """The brand's rows of ``v_cx_churn_by_nps`` (every segment, or ``segments``), oldest quarter first."""
    return rows(
        con.execute(
            "SELECT * FROM v_cx_churn_by_nps WHERE brand = $brand"
            " AND ($segments IS NULL OR list_contains($segments, segment)) ORDER BY quarter_start, segment",
            {"brand": brand, "segments": list(segments) if segments else None},
        )
    )


def churn_table_lines(table: Sequence[dict]) -> list[str]:
    """``v_cx_churn_by_nps`` rows as a small text table: churn of each group and the relative risk."""
    if not table:
        return ["no linked respondents yet"]
    out = [f"{'quarter':<8} {'segment':<14} {'promoters':>16} {'passives':>16} {'detractors':>16}  relative risk"]
    for r in table:
        cells = []
        for g in ("promoters", "passives", "detractors"):
            n, rate = r[f"n_{g}"], r[f"churn_{g}"]
            cells.append(f"{share(rate, 1):>7} of {n:>5,}" if n else f"{'–':>7} of {0:>5}")
        if r["rr"] is not None:
            rr = f"{r['rr']:.2f} ({r['rr_low']:.2f}–{r['rr_high']:.2f})" + (" +0.5" if r["rr_method"] != "log" else "")
        else:
            rr = r["rr_note"] or "–"
        flags = [f"{r['n_pending']:,} pending"] if r["n_pending"] else []
        flags += ["low_n"] if r["low_n"] and (r["n_promoters"] or r["n_detractors"]) else []
        out.append(
            f"{r['quarter']:<8} {r['segment']:<14} {cells[0]:>16} {cells[1]:>16} {cells[2]:>16}  {rr}"
            + (f"  [{', '.join(flags)}]" if flags else "")
        )
    return out
