"""Monthly churn and customer lifetime value (CLV) per brand and segment, from a customer list.

**Who is a customer when.** A customer is *active on day d* when ``start_date <= d`` and either there is no
``end_date`` or ``d < end_date``: ``end_date`` is the first day they are no longer a customer (the day the
cancellation took effect). So a customer who starts and ends on the same day was never active. A survey answer's
day, compared with these dates, is its day in the brand's ``timezone`` (:func:`calendars`).

**Monthly churn rate** of month M (first day M0, first day of the next month M1)::

    active at start = customers active on M0
    churned         = of those, the ones whose end_date falls in (M0, M1]   (not active on M1)
    churn rate      = churned / active at start

Customers who join during M are in neither count (they enter next month's base), so every customer of a
month's base either is in the next month's base or churned in that month. Rates come with the Wilson 95 %
interval. A month is ``complete`` when the data reach its last day (``as_of``, the latest start or end date
in the list, is at least M1 - 1 day) and M1 is no longer in the future: an end date on M1 (a customer whose last
day is the month's last) is a scheduled end until then, not yet churn. The churn of an incomplete month is still
counting up.

**CLV** (Gupta & Lehmann 2003, "Customers as Assets", Journal of Interactive Marketing 17(1); Gupta et al.
2006, "Modeling Customer Lifetime Value", Journal of Service Research 9(2)), with m = margin x revenue per
customer per month (ARPU of the month's base), monthly churn c, retention r = 1 - c and monthly discount
rate i:

- simple: ``CLV = m / c`` (expected lifetime 1/c months of margin, undiscounted, this month's margin
  included);
- discounted: ``CLV = m * r / (1 + i - r)`` (margins received at the end of each month the customer stays,
  discounted at i; with i = 0 it equals m / c - m, i.e. it excludes the current month's margin).

A yearly discount rate is converted to the monthly one as ``(1 + i_year)^(1/12) - 1``. The churn used for CLV
is either observed, pooled over the trailing ``churn_window_months`` (sum churned / sum base, so one noisy
month does not swing it), or a fixed assumption; with zero churn CLV is undefined (None).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

from pipeline.surveys.metrics import wilson_interval

ALL = "_all"


def calendars(config) -> dict[str, list[str]]:
    """The ``$zone_brands`` and ``$zone_names`` of the queries that compare an answer's day with a customer's
    start and end dates (surveys/respondents, surveys/link_counts): a customer list's dates are days of the
    brand's own calendar, so an answer's day is taken in the brand's ``timezone`` (UTC for a brand without one).
    An onboarding survey answered at 08:00 in Tokyo on a customer's first day is on the day before in UTC."""
    zoned = [b for b in getattr(config, "brands", None) or [] if b.timezone]
    return {"zone_brands": [b.key for b in zoned], "zone_names": [b.timezone for b in zoned]}


@dataclass(frozen=True)
class Customer:
    customer_id: str
    brand: str
    segment: str | None
    start_date: date
    end_date: date | None = None
    monthly_revenue: float | None = None


@dataclass(frozen=True)
class MonthChurn:
    month: date
    active_start: int
    churned: int
    revenue_sum: float  # monthly revenue of the base customers whose revenue is known
    revenue_n: int

    @property
    def churn_rate(self) -> float | None:
        return self.churned / self.active_start if self.active_start else None

    @property
    def arpu(self) -> float | None:
        """Mean monthly revenue per customer of the month's base."""
        return self.revenue_sum / self.revenue_n if self.revenue_n else None


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def months_between(first: date, last: date) -> list[date]:
    """First days of the months from ``first``'s month to ``last``'s, inclusive."""
    out, m = [], month_start(first)
    while m <= last:
        out.append(m)
        m = next_month(m)
    return out


def monthly_churn(customers: Sequence[Customer], months: Sequence[date], today: date | None = None) -> list[MonthChurn]:
    """Base, churned and revenue per month, by the definition in the module docstring. An end date after
    ``today`` (default: the UTC date) is a scheduled end, not yet churn: the customer is still one."""
    today = today or datetime.now(UTC).date()
    far = np.datetime64("9999-12-31")
    start = np.array([c.start_date for c in customers], dtype="datetime64[D]")
    end = np.array(
        [c.end_date if c.end_date and c.end_date <= today else date(9999, 12, 31) for c in customers],
        dtype="datetime64[D]",
    )
    revenue = np.array([np.nan if c.monthly_revenue is None else c.monthly_revenue for c in customers], dtype=float)
    known = ~np.isnan(revenue)
    out = []
    for m in months:
        m0, m1 = np.datetime64(m, "D"), np.datetime64(next_month(m), "D")
        active = (start <= m0) & (end > m0)
        churned = active & (end <= m1) & (end < far)
        paying = active & known
        revenue_sum = float(revenue[paying].sum())
        out.append(MonthChurn(m, int(active.sum()), int(churned.sum()), revenue_sum, int(paying.sum())))
    return out


def monthly_rate(rate: float, period: str = "year") -> float:
    """A discount rate per ``period`` ("year" or "month") as a monthly rate."""
    return rate if period == "month" else (1 + rate) ** (1 / 12) - 1


def clv_simple(margin: float, revenue: float | None, churn: float | None) -> float | None:
    """margin x revenue per month / monthly churn; None when churn is 0 or unknown."""
    if revenue is None or not churn:
        return None
    return margin * revenue / churn


def clv_discounted(margin: float, revenue: float | None, churn: float | None, discount_rate: float) -> float | None:
    """m r / (1 + i - r) with m = margin x revenue per month, r = 1 - churn and i the monthly discount rate;
    None when churn is 0 or unknown (with no churn seen, the discount rate alone would bound a lifetime nobody
    observed: margin / i, several times any observed CLV)."""
    if revenue is None or not churn:
        return None
    retention = 1 - churn
    denom = 1 + discount_rate - retention
    if denom <= 0:
        return None
    return margin * revenue * retention / denom


def pooled_churn(rows: Sequence[MonthChurn], window: int) -> list[float | None]:
    """Per month, churn pooled over the trailing ``window`` months: sum churned / sum base."""
    out = []
    for k in range(len(rows)):
        part = rows[max(0, k - window + 1) : k + 1]
        base = sum(r.active_start for r in part)
        out.append(sum(r.churned for r in part) / base if base else None)
    return out


def customer_metrics(
    customers: Iterable[Customer],
    *,
    margin: float,
    discount_rate_monthly: float,
    churn_window_months: int = 3,
    fixed_monthly_churn: float | None = None,
    min_n: int = 30,
    as_of: date | None = None,
    today: date | None = None,
) -> list[dict]:
    """Churn and CLV per month x brand x segment (and segment ``_all``), one dict per row.

    Months run from the first month with a base to ``as_of``'s month (default: the latest date in the brand's
    own customer list on or before today: brands' lists end when their exports do, and a brand whose list stops in
    March has no churn-free, "complete" months after it because another brand's list runs on; an end date in
    the future is a scheduled end, not yet data). ``today``: the day after which an end date is scheduled (default:
    the UTC date).
    """
    customers = list(customers)
    if not customers:
        return []
    today = today or datetime.now(UTC).date()  # a scheduled end (a contract's end date next year) is not data yet
    latest_of: dict[str, date] = {}
    for c in customers:  # the list's last day: its latest date on or before today (not a future one capped)
        known = [d for d in (c.start_date, c.end_date) if d is not None and d <= today]
        if known:
            latest_of[c.brand] = max(latest_of.get(c.brand, known[0]), *known)
    groups: dict[tuple[str, str], list[Customer]] = {}
    for c in customers:
        groups.setdefault((c.brand, ALL), []).append(c)
        groups.setdefault((c.brand, c.segment or "(none)"), []).append(c)
    rows = []
    for (brand, segment), members in sorted(groups.items()):
        latest = as_of or latest_of.get(brand)
        if latest is None:  # every customer of the list starts after today
            continue
        months = months_between(min(c.start_date for c in members), latest)
        churn = monthly_churn(members, months, today)
        while churn and churn[0].active_start == 0:  # before the first full month of customers
            churn.pop(0)
        pooled = pooled_churn(churn, churn_window_months)
        for row, observed in zip(churn, pooled, strict=True):
            used = fixed_monthly_churn if fixed_monthly_churn is not None else observed
            low, high = wilson_interval(row.churned, row.active_start) if row.active_start else (None, None)
            rows.append(
                {
                    "month": row.month,
                    "brand": brand,
                    "segment": segment,
                    "active_start": row.active_start,
                    "churned": row.churned,
                    "churn_rate": row.churn_rate,
                    "churn_low": low,
                    "churn_high": high,
                    "churn_rate_clv": used,
                    "arpu": row.arpu,
                    "clv_simple": clv_simple(margin, row.arpu, used),
                    "clv_discounted": clv_discounted(margin, row.arpu, used, discount_rate_monthly),
                    "margin": margin,
                    "discount_rate_monthly": discount_rate_monthly,
                    # its churners' end dates run to M1: on the month's last day, those on M1 are not data yet
                    "complete": next_month(row.month) - timedelta(days=1) <= latest and next_month(row.month) <= today,
                    "low_n": row.active_start < min_n,
                }
            )
    return rows
