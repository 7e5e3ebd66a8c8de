"""The survey rollup step and the CX-social lead analysis.

- :func:`survey_metrics` recomputes ``survey_metrics`` (NPS, CSAT, CES per day, week and month x brand x
  touchpoint x segment, with '_all' rollups), ``customer_metrics`` (churn and CLV per month x brand x
  segment) and ``cx_churn_by_nps`` (churn after answering, per NPS group, quarter x brand x segment:
  :func:`pipeline.surveys.roi.churn_by_nps`), whole, in one transaction;
- :func:`cx_social_lead` answers "does the social signal lead NPS?" for one brand (read only).
"""

from __future__ import annotations

import json
import logging
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from pipeline.config_surveys import ClvSpec
from pipeline.files import write_atomic
from pipeline.ledger import record_step
from pipeline.surveys import metrics as M
from pipeline.surveys.customers import Customer, calendars, customer_metrics
from pipeline.surveys.roi import WINDOW_DAYS, churn_by_nps
from pipeline.surveys.xcorr import XcorrResult, cross_correlation
from pipeline.warehouse import connect, execute, rows, transaction

logger = logging.getLogger("brandpulse")
log = logger.info

SURVEY_METRIC_COLUMNS = {
    "period": "VARCHAR",
    "period_start": "DATE",
    "brand": "VARCHAR",
    "touchpoint": "VARCHAR",
    "segment": "VARCHAR",
    "metric": "VARCHAR",
    "value": "DOUBLE",
    "low": "DOUBLE",
    "high": "DOUBLE",
    "se": "DOUBLE",
    "n": "BIGINT",
    "low_n": "BOOLEAN",
    "n_promoters": "BIGINT",
    "n_passives": "BIGINT",
    "n_detractors": "BIGINT",
    "n_top2": "BIGINT",
}
CUSTOMER_METRIC_COLUMNS = {
    "month": "DATE",
    "brand": "VARCHAR",
    "segment": "VARCHAR",
    "active_start": "BIGINT",
    "churned": "BIGINT",
    "churn_rate": "DOUBLE",
    "churn_low": "DOUBLE",
    "churn_high": "DOUBLE",
    "churn_rate_clv": "DOUBLE",
    "arpu": "DOUBLE",
    "clv_simple": "DOUBLE",
    "clv_discounted": "DOUBLE",
    "margin": "DOUBLE",
    "discount_rate_monthly": "DOUBLE",
    "complete": "BOOLEAN",
    "low_n": "BOOLEAN",
}
CHURN_BY_NPS_COLUMNS = {
    "brand": "VARCHAR",
    "segment": "VARCHAR",
    "quarter_start": "DATE",
    "window_days": "INTEGER",
    "as_of": "DATE",
    "n_pending": "BIGINT",
    **{
        f"{prefix}_{group}{suffix}": kind
        for group in ("promoters", "passives", "detractors")
        for prefix, suffix, kind in (
            ("n", "", "BIGINT"),
            ("churned", "", "BIGINT"),
            ("churn", "", "DOUBLE"),
            ("churn", "_low", "DOUBLE"),
            ("churn", "_high", "DOUBLE"),
        )
    },
    "rr": "DOUBLE",
    "rr_low": "DOUBLE",
    "rr_high": "DOUBLE",
    "rr_method": "VARCHAR",
    "rr_note": "VARCHAR",
    "low_n": "BOOLEAN",
}


def _survey_metric_rows(counts: list[dict], min_n: int):
    for c in counts:
        prom, pas, det = c["promoters"], c["passives"], c["detractors"]
        csat_n, top2, ces_n = c["csat_n"], c["csat_top2"], c["ces_n"]
        key = {
            "period": c["period"],
            "period_start": c["period_start"].isoformat(),
            "brand": c["brand"],
            "touchpoint": c["touchpoint"],
            "segment": c["segment"],
        }
        estimates = []
        if prom + pas + det:
            e = M.nps_from_counts(prom, pas, det, min_n=min_n)
            estimates.append(("nps", e, {"n_promoters": prom, "n_passives": pas, "n_detractors": det}))
        if csat_n:
            estimates.append(("csat", M.csat_top2_from_counts(top2, csat_n, min_n=min_n), {"n_top2": top2}))
        if ces_n:
            estimates.append(("ces", M.ces_from_stats(ces_n, c["ces_mean"], c["ces_sd"], min_n=min_n), {}))
        for metric, e, extra in estimates:
            yield json.dumps(
                {
                    **key,
                    "metric": metric,
                    "value": e.value,
                    "low": e.low,
                    "high": e.high,
                    "se": e.se,
                    "n": e.n,
                    "low_n": e.flagged_low_n,
                    **extra,
                }
            )


def _not_customer_note(n: int) -> str:
    """The answers linked to a customer record but given outside its span, which churn by NPS leaves out."""
    if not n:
        return ""
    return f"; {n} NPS answers left out of churn by NPS: linked to a customer record, but not a customer that day"


def survey_metrics(config, db: Path, run_id: str) -> int:
    """Recompute survey_metrics, customer_metrics and cx_churn_by_nps whole. Returns the number of rows written."""
    surveys = getattr(config, "surveys", None)
    min_n = surveys.min_responses if surveys else M.MIN_N
    window = surveys.cx.churn_window_days if surveys else WINDOW_DAYS
    started = datetime.now(UTC)
    # one session from the read to the write: an import that another process commits in between would otherwise
    # be overwritten by these older counts (its answers stored, no metric row for them until the next rollup)
    with connect(db, timeout=config.lock_timeout_s) as con, transaction(con):
        counts = rows(execute(con, "surveys/metric_counts"))
        zones = calendars(config)
        answers = rows(execute(con, "surveys/respondents", {"window_days": window, "brands": None, **zones}))
        respondents = [r for r in answers if r["latest_of_quarter"]]  # one a customer and quarter
        links = {"brands": None, "first": None, "last": None, **zones}
        not_customer = sum(r["not_customer"] for r in rows(execute(con, "surveys/link_counts", links)))
        customers = [
            Customer(**r)
            for r in rows(
                con.execute(
                    "SELECT customer_hash AS customer_id, brand, segment, start_date, end_date, monthly_revenue"
                    " FROM customers ORDER BY brand, customer_hash"
                )
            )
        ]
        clv = surveys.clv if surveys else ClvSpec()  # the config's defaults without a surveys: section (10 % a year)
        cust_rows = customer_metrics(
            customers,
            margin=clv.margin,
            discount_rate_monthly=clv.monthly_discount_rate,
            churn_window_months=clv.churn_window_months,
            fixed_monthly_churn=clv.fixed_monthly_churn if clv.retention_source == "fixed" else None,
            min_n=min_n,
        )
        churn_rows = churn_by_nps(respondents, window_days=window, min_n=min_n)
        with tempfile.TemporaryDirectory(prefix="brandpulse-survey-metrics-") as tmp:
            survey_file, customer_file = Path(tmp) / "survey.jsonl", Path(tmp) / "customers.jsonl"
            churn_file = Path(tmp) / "churn_by_nps.jsonl"
            n_survey = write_atomic(survey_file, _survey_metric_rows(counts, min_n))
            n_customer = write_atomic(customer_file, (json.dumps(r, default=str) for r in cust_rows))
            n_churn = write_atomic(churn_file, (json.dumps(r, default=str) for r in churn_rows))
            execute(
                con,
                "surveys/metrics_replace",
                {"files": [str(survey_file)], "columns": SURVEY_METRIC_COLUMNS, "run_id": run_id},
            )
            execute(
                con,
                "surveys/customer_metrics_replace",
                {"files": [str(customer_file)], "columns": CUSTOMER_METRIC_COLUMNS, "run_id": run_id},
            )
            execute(
                con,
                "surveys/churn_by_nps_replace",
                {"files": [str(churn_file)], "columns": CHURN_BY_NPS_COLUMNS, "run_id": run_id},
            )
            record_step(
                con,
                run_id,
                "survey_metrics",
                rows_in=len(counts) + len(customers) + len(respondents),
                rows_out=n_survey + n_customer + n_churn,
                rows_quarantined=0,
                detail=f"{n_survey} survey metric rows, {n_customer} churn/CLV rows, {n_churn} churn-by-NPS rows "
                f"from {len(respondents)} linked respondents (min_responses {min_n}, churn window {window} days)"
                + _not_customer_note(not_customer),
                started_at=started,
            )
    log(
        f"survey_metrics: {n_survey} survey metric rows, {n_customer} churn/CLV rows, {n_churn} churn-by-NPS rows "
        f"({len(respondents)} linked respondents{_not_customer_note(not_customer)})"
    )
    return n_survey + n_customer + n_churn


_SOCIAL = {"mean_score": "social mean score", "share_negative": "social share negative"}
_CX = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}


def cx_social_lead(
    config, db: Path, brand: str, *, social: str = "mean_score", cx: str = "nps", period: str = "week", max_lag=8
) -> XcorrResult:
    """Does the brand's social ``social`` series lead its survey ``cx`` series? (prewhitened CCF, read only)."""
    for name, value, allowed in (("social", social, _SOCIAL), ("cx", cx, _CX), ("period", period, ("day", "week"))):
        if value not in allowed:
            raise ValueError(f"{name} {value!r}: use one of {', '.join(allowed)}")
    with connect(db, timeout=config.lock_timeout_s, read_only=True, current=True) as con:
        series = rows(execute(con, "surveys/xcorr_series", {"brand": brand, "period": period}))
    return cross_correlation(
        [r[social] for r in series],
        [r[cx] for r in series],
        max_lag=max_lag,
        leading_name=_SOCIAL[social],
        following_name=_CX[cx],
        period=period,
    )
