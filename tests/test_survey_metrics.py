"""CX metrics against numbers worked out by hand: NPS, CSAT, CES, churn, CLV, and the lead/lag analysis."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta

import numpy as np
import pytest
from scipy import stats

from pipeline.config import load_config
from pipeline.surveys import metrics as M
from pipeline.surveys import rollup
from pipeline.surveys.customers import (
    Customer,
    clv_discounted,
    clv_simple,
    customer_metrics,
    monthly_churn,
    monthly_rate,
)
from pipeline.surveys.rollup import _survey_metric_rows
from pipeline.surveys.xcorr import cross_correlation
from pipeline.warehouse import connect, migrate
from tests.helpers import migrated, weekly_social_and_survey, write_config

approx = lambda x: pytest.approx(x, abs=1e-4)  # noqa: E731


# -- NPS -----------------------------------------------------------------------------------------------------
def test_nps_hand_worked():
    # [10, 10, 9, 8, 7, 6, 0]: n = 7, promoters P = 3 (10, 10, 9), passives 2 (8, 7), detractors D = 2 (6, 0).
    # NPS = 100 (3 - 2) / 7 = 14.2857.
    # se (trinomial): p = 3/7 = .428571, d = 2/7 = .285714; (p + d - (p - d)^2) / n = (.714286 - .020408) / 7
    #   = .099125, sqrt = .314842 -> 31.4842 points.
    # adjusted Wald: n' = 10, p' = 3.75/10 = .375, d' = 2.75/10 = .275, p' - d' = .1;
    #   se' = sqrt((.65 - .01) / 10) = sqrt(.064) = .252982; 1.96 se' = .495845;
    #   interval .1 -/+ .495845 = [-.395845, .595845] -> [-39.5845, 59.5845].
    e = M.nps([10, 10, 9, 8, 7, 6, 0])
    assert e.n == 7 and e.flagged_low_n
    assert e.value == approx(14.2857)
    assert e.se == approx(31.4842)
    assert (e.low, e.high) == (approx(-39.5845), approx(59.5845))
    assert M.nps_counts([10, 10, 9, 8, 7, 6, 0]) == (3, 2, 2)


def test_nps_all_promoters_keeps_a_real_interval():
    # ten 10s: NPS = 100, plain se = 0. Adjusted: n' = 13, p' = 10.75/13 = .826923, d' = .75/13 = .057692,
    # p' - d' = .769231; se' = sqrt((.884615 - .591716) / 13) = sqrt(.022531) = .150102; 1.96 se' = .294200;
    # interval [.475030, 1.063431] -> [47.5030, 100 (clipped from 106.34)].
    e = M.nps([10] * 10)
    assert e.value == 100 and e.se == 0
    assert e.low == approx(47.5030)
    assert e.high == 100


def test_nps_one_answer_and_none():
    # n = 1 (a 10): n' = 4, p' = 1.75/4 = .4375, d' = .75/4 = .1875, p' - d' = .25;
    # se' = sqrt((.625 - .0625) / 4) = sqrt(.140625) = .375; 1.96 * .375 = .735 -> [-48.5, 98.5], widened to
    # hold the point estimate, 100: [-48.5, 100] (an interval that leaves out its own point reads as a bug)
    e = M.nps([10])
    assert (e.value, e.n, e.flagged_low_n) == (100, 1, True)
    assert (e.low, e.high) == (approx(-48.5), 100)
    assert (M.nps([0]).low, M.nps([0]).high) == (-100, approx(48.5))
    empty = M.nps([])
    assert (empty.value, empty.low, empty.high, empty.se, empty.n, empty.flagged_low_n) == (
        None,
        None,
        None,
        None,
        0,
        True,
    )
    assert M.nps([None, float("nan")]).n == 0  # unanswered is skipped, not an error


def test_nps_flag_threshold_and_counts_agree():
    scores = [10] * 12 + [8] * 10 + [3] * 8  # 30 answers: NPS = 100 (12 - 8) / 30 = 13.33
    e = M.nps(scores)
    assert e.n == 30 and not e.flagged_low_n
    assert M.nps(scores, min_n=31).flagged_low_n
    assert e == M.nps_from_counts(12, 10, 8)
    assert e.value == approx(13.3333)
    with pytest.raises(ValueError):  # a negative count would shrink n and pass for a real score
        M.nps_from_counts(12, -1, 8)


@pytest.mark.parametrize("bad", [11, -1, 9.5, True, "9"])
def test_nps_rejects_values_outside_the_scale(bad):
    with pytest.raises((ValueError, TypeError)):
        M.nps([10, bad])


# -- CSAT ----------------------------------------------------------------------------------------------------
def test_csat_top2_wilson_hand_worked():
    # [5, 5, 4, 3, 1]: top-2 k = 3 of n = 5, p = .6, z^2 = 3.8416.
    # denominator 1 + z^2/n = 1.76832; centre (.6 + 3.8416/10) / 1.76832 = .98416 / 1.76832 = .556550;
    # half 1.96 sqrt(.6 * .4 / 5 + 3.8416 / 100) / 1.76832 = 1.96 * sqrt(.086416) / 1.76832 = .325831;
    # -> [.230720, .882381] = [23.072 %, 88.238 %]; se = sqrt(.24 / 5) = .219089 -> 21.9089.
    e = M.csat_top2([5, 5, 4, 3, 1])
    assert e.value == approx(60.0)
    assert (e.low, e.high) == (pytest.approx(23.072, abs=1e-3), pytest.approx(88.238, abs=1e-3))
    assert e.se == approx(21.9089)


def test_csat_all_top_and_empty():
    # all ten 5s: Wilson lower = 1 / (1 + z^2/n) = 1 / 1.38416 = .722460; upper = 1.
    e = M.csat_top2([5] * 10)
    assert e.value == 100 and e.high == 100
    assert e.low == pytest.approx(72.2460, abs=1e-3)
    assert M.csat_top2([]).value is None
    with pytest.raises(ValueError):
        M.csat_top2([0])


def test_csat_low_n_flag_at_the_threshold():
    # the flag is "fewer than min_n answers": 29 flagged, 30 not (n = min_n is enough)
    assert M.csat_top2([5] * 29).flagged_low_n
    assert not M.csat_top2([5] * 30).flagged_low_n
    assert M.csat_top2([5] * 30, min_n=31).flagged_low_n
    assert not M.csat_top2_from_counts(3, 5, min_n=5).flagged_low_n


# -- CES -----------------------------------------------------------------------------------------------------
def test_ces_mean_t_interval_hand_worked():
    # [7, 6, 6, 5, 1]: mean 5; squared deviations 4 + 1 + 1 + 0 + 16 = 22; s^2 = 22/4 = 5.5, s = 2.345208;
    # se = s / sqrt 5 = 1.048809; t(.975, 4) = 2.776445; half = 2.911960 -> [2.088040, 7.911960], clipped to the
    # 1-7 scale: [2.088040, 7]
    e = M.ces_mean([7, 6, 6, 5, 1])
    assert e.value == 5
    assert e.se == approx(1.048809)
    assert (e.low, e.high) == (approx(2.088040), 7)
    assert (M.ces_mean([6, 7]).low, M.ces_mean([6, 7]).high) == (1, 7)  # t(.975, 1) = 12.7: the whole scale


def test_ces_answers_all_the_same_get_the_distribution_free_interval_not_a_point():
    # 30 answers of 7: up to 1 - 0.025^(1/30) = 0.1157 of the population may answer otherwise (Clopper-Pearson, 0 of
    # 30), at worst 1 each: the mean is at least 7 - 0.1157 * 6 = 6.306
    e = M.ces_mean([7] * 30)
    assert (e.value, e.low, e.high, e.se) == (7, pytest.approx(6.30578, abs=1e-5), 7, 0)
    two = M.ces_mean([4, 4])  # 0.8419 of others at worst: 4 -/+ 0.8419 * 3
    assert (two.low, two.high) == (pytest.approx(1.47434, abs=1e-5), pytest.approx(6.52566, abs=1e-5))
    assert M.ces_from_stats(30, 7.0, 0.0).low == e.low  # the rollup's path (the warehouse's stddev_samp)
    one_other = M.ces_mean([7] * 29 + [6])  # one answer apart: the t interval, as before
    assert one_other.low == approx(one_other.value - M._t975(29) * one_other.se)


def test_ces_single_answer_has_no_interval():
    e = M.ces_mean([4])
    assert (e.value, e.low, e.high, e.se, e.n) == (4, None, None, None, 1)
    assert M.ces_mean([]).value is None


def test_ces_low_n_flag_at_the_threshold():
    # fewer than min_n (30) answers is flagged, on each of the three paths (t interval, all alike, one answer)
    assert not M.ces_mean([4, 5] * 15).flagged_low_n  # 30 answers
    assert M.ces_mean([4, 5] * 14 + [4]).flagged_low_n  # 29
    assert not M.ces_mean([7] * 30).flagged_low_n and M.ces_mean([7] * 29).flagged_low_n  # every answer the same
    assert not M.ces_from_stats(5, 4.0, 1.0, min_n=5).flagged_low_n
    assert M.ces_from_stats(4, 4.0, 1.0, min_n=5).flagged_low_n
    assert M.ces_mean([4]).flagged_low_n and not M.ces_mean([4], min_n=1).flagged_low_n


@pytest.mark.parametrize(
    ("value", "scale", "lower", "expected"),
    [(1, 5, True, 7), (5, 5, True, 1), (3, 5, False, 4), (4, 7, False, 4), (7, 7, True, 1), (2, 5, False, 2.5)],
)
def test_ces_normalise(value, scale, lower, expected):
    assert M.ces_normalise(value, scale, lower) == expected


@pytest.mark.parametrize(("value", "scale"), [(6, 5), (0, 5), (8, 7), (0, 7), (4, 10)])
def test_ces_normalise_refuses_an_answer_off_its_own_scale(value, scale):
    # a 6 on a 5-point question is no answer: mapped as one, it would be 1 + 5 x 6/4 = 8.5, off the 1-7 scale;
    # and a scale is 5 or 7 points
    with pytest.raises(ValueError):
        M.ces_normalise(value, scale)


def test_the_rollup_writes_each_metric_only_where_it_has_answers_with_their_counts():
    """The rows the survey rollup writes from metric_counts.sql's counts, by hand (min_responses 5). Oct 1: CSAT
    only, top-2 3 of 5: 60 %, Wilson [23.072, 88.238] (test_csat_top2_wilson_hand_worked), not low_n at n = 5;
    no NPS or CES row. Oct 2: NPS from 2 promoters, 1 passive, 1 detractor: 100 (2 - 1) / 4 = 25, its counts
    kept as given, low_n (4 answers); CES of 7, 6, 6, 5, 1 (mean 5, sd sqrt 5.5): [2.088040, 7]
    (test_ces_mean_t_interval_hand_worked), not low_n at n = 5; no CSAT row."""
    key = {"period": "day", "brand": "acme", "touchpoint": "_all", "segment": "_all"}
    none = {"promoters": 0, "passives": 0, "detractors": 0, "csat_n": 0, "csat_top2": 0, "ces_n": 0,
            "ces_mean": None, "ces_sd": None}  # fmt: skip
    counts = [
        {**key, **none, "period_start": date(2026, 10, 1), "csat_n": 5, "csat_top2": 3},
        {**key, **none, "period_start": date(2026, 10, 2), "promoters": 2, "passives": 1, "detractors": 1,
         "ces_n": 5, "ces_mean": 5.0, "ces_sd": math.sqrt(5.5)},
    ]  # fmt: skip
    rows = {(r["period_start"], r["metric"]): r for r in map(json.loads, _survey_metric_rows(counts, min_n=5))}
    assert set(rows) == {("2026-10-01", "csat"), ("2026-10-02", "nps"), ("2026-10-02", "ces")}
    csat, nps, ces = rows[("2026-10-01", "csat")], rows[("2026-10-02", "nps")], rows[("2026-10-02", "ces")]
    assert (csat["value"], csat["n"], csat["n_top2"], csat["low_n"]) == (approx(60.0), 5, 3, False)
    assert (csat["low"], csat["high"]) == (pytest.approx(23.072, abs=1e-3), pytest.approx(88.238, abs=1e-3))
    assert (nps["value"], nps["n"], nps["low_n"]) == (approx(25.0), 4, True)
    assert (nps["n_promoters"], nps["n_passives"], nps["n_detractors"]) == (2, 1, 1)
    assert (ces["value"], ces["n"], ces["low_n"], ces["low"], ces["high"]) == (5.0, 5, False, approx(2.088040), 7)
    assert {k: csat[k] for k in key} == key


# -- churn and CLV -------------------------------------------------------------------------------------------
def _customers() -> list[Customer]:
    return [
        Customer("A", "b", "x", date(2025, 12, 1), None, 10.0),  # in every base from Dec
        Customer("B", "b", "x", date(2025, 11, 15), date(2026, 1, 20), 20.0),  # churns in January
        Customer("C", "b", "y", date(2026, 1, 1), date(2026, 2, 1), 30.0),  # in January's base; gone on Feb 1
        Customer("D", "b", "y", date(2026, 1, 10), date(2026, 1, 25), 40.0),  # joins and leaves in Jan: no base
        Customer("E", "b", "y", date(2025, 10, 1), date(2026, 1, 1), 50.0),  # gone on Jan 1: December's churn
        Customer("F", "b", "x", date(2026, 1, 15), None, None),  # joins in January: February's base
    ]


def test_monthly_churn_definition_by_hand():
    rows = monthly_churn(_customers(), [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)])
    # Dec 1 base: A (starts Dec 1), B, E = 3; churned: E (end Jan 1 <= Jan 1) = 1.
    # Jan 1 base: A, B, C (starts Jan 1) = 3; churned B (Jan 20), C (Feb 1 <= Feb 1) = 2. D never in a base.
    # Feb 1 base: A, F = 2; churned 0.
    assert [(r.active_start, r.churned) for r in rows] == [(3, 1), (3, 2), (2, 0)]
    assert rows[1].churn_rate == approx(2 / 3)
    assert rows[1].arpu == approx(20.0)  # (10 + 20 + 30) / 3
    assert rows[2].arpu == approx(10.0)  # F has no revenue: not in the mean


def test_an_end_date_of_today_has_taken_effect_and_is_churn():
    # end_date is the first day the customer is no longer one: a customer whose end date is today has churned; one
    # whose end date is tomorrow is a scheduled end, still a customer (today passed in: no clock in the test)
    customers = [
        Customer("gone", "b", None, date(2025, 12, 1), date(2026, 1, 20), 10.0),
        Customer("tomorrow", "b", None, date(2025, 12, 1), date(2026, 1, 21), 10.0),
    ]
    [jan] = monthly_churn(customers, [date(2026, 1, 1)], today=date(2026, 1, 20))
    assert (jan.active_start, jan.churned) == (2, 1)


def test_clv_formulas_by_hand():
    # m = 0.3 margin x 50 revenue = 15 a month; churn 5 %: simple 15 / .05 = 300;
    # discounted at 1 % a month: 15 x .95 / (1.01 - .95) = 14.25 / .06 = 237.5.
    assert clv_simple(0.3, 50, 0.05) == approx(300)
    assert clv_discounted(0.3, 50, 0.05, 0.01) == approx(237.5)
    # with i = 0 the discounted formula is the simple one minus this month's margin: 300 - 15 = 285
    assert clv_discounted(0.3, 50, 0.05, 0.0) == approx(285)
    assert clv_simple(0.3, 50, 0) is None and clv_simple(0.3, None, 0.05) is None
    assert clv_discounted(0.3, 50, 0, 0.008) is None  # no churn seen: no lifetime (margin / i would be 1,881)
    # 10 % a year = (1.1)^(1/12) - 1 = 0.797414 % a month
    assert monthly_rate(0.10, "year") == pytest.approx(0.00797414, abs=1e-8)
    assert monthly_rate(0.01, "month") == 0.01


def test_customer_metrics_rows_pooled_window_and_segments():
    rows = customer_metrics(
        _customers(), margin=0.5, discount_rate_monthly=0.01, churn_window_months=2, as_of=date(2026, 2, 14)
    )
    by = {(r["month"], r["segment"]): r for r in rows}
    jan = by[(date(2026, 1, 1), "_all")]
    assert (jan["active_start"], jan["churned"]) == (3, 2)
    # pooled over Dec + Jan: (1 + 2) / (3 + 3) = .5; m = .5 x 20 = 10: simple 10 / .5 = 20;
    # discounted 10 x .5 / (1.01 - .5) = 5 / .51 = 9.8039
    assert jan["churn_rate_clv"] == approx(0.5)
    assert jan["clv_simple"] == approx(20)
    assert jan["clv_discounted"] == approx(9.8039)
    assert jan["complete"] and jan["low_n"]
    assert not by[(date(2026, 2, 1), "_all")]["complete"]  # data reach Feb 14 only
    # segment x in January: A and B in the base, B churned
    assert (by[(date(2026, 1, 1), "x")]["active_start"], by[(date(2026, 1, 1), "x")]["churned"]) == (2, 1)
    # the first month is the first with a base: October 2025 (E)
    assert min(r["month"] for r in rows) == date(2025, 10, 1)
    fixed = customer_metrics(_customers(), margin=0.5, discount_rate_monthly=0.0, fixed_monthly_churn=0.1)
    assert {r["churn_rate_clv"] for r in fixed} == {0.1}


def test_a_month_is_complete_on_its_last_day_and_low_n_means_fewer_than_min_n():
    customers = [
        Customer(f"c{i}", "b", None, date(2026, 1, 1), date(2026, 2, 10) if i == 0 else None, 10.0) for i in range(5)
    ]
    # data up to Feb 28, February's last day (2026 is no leap year): February is complete; up to Feb 27 it is not
    rows = customer_metrics(customers, margin=0.5, discount_rate_monthly=0.0, min_n=5, as_of=date(2026, 2, 28))
    feb = next(r for r in rows if r["month"] == date(2026, 2, 1) and r["segment"] == "_all")
    assert (feb["active_start"], feb["churned"], feb["complete"]) == (5, 1, True)
    assert not feb["low_n"]  # a base of 5 with min_n 5 is enough
    rows = customer_metrics(customers, margin=0.5, discount_rate_monthly=0.0, min_n=6, as_of=date(2026, 2, 27))
    feb = next(r for r in rows if r["month"] == date(2026, 2, 1) and r["segment"] == "_all")
    assert not feb["complete"] and feb["low_n"]


def test_a_month_read_on_its_last_day_is_not_complete_before_its_month_end_leavers_count():
    """Run on Oct 31 with a list whose last date is Oct 31 (a customer starting that day): three customers whose
    last day is Oct 31 (end date Nov 1) are October's churn, but Nov 1 is still a scheduled end. October read 0 of
    10 churned and complete; the next day it was 3 of 10. It is complete once Nov 1 has come."""
    customers = [
        Customer(f"c{i}", "b", None, date(2026, 6, 1), date(2026, 11, 1) if i < 3 else None, 10.0) for i in range(10)
    ]
    customers.append(Customer("new", "b", None, date(2026, 10, 31), None, 10.0))

    def october(today: date) -> dict:
        rows = customer_metrics(customers, margin=0.3, discount_rate_monthly=0.0, today=today)
        return next(r for r in rows if r["month"] == date(2026, 10, 1) and r["segment"] == "_all")

    oct31 = october(date(2026, 10, 31))
    assert (oct31["active_start"], oct31["churned"], oct31["complete"]) == (10, 0, False)
    nov1 = october(date(2026, 11, 1))
    assert (nov1["active_start"], nov1["churned"], nov1["complete"]) == (10, 3, True)


def test_months_before_the_first_base_are_left_out_however_many():
    # Oct: "brief" starts on the 10th (no base) and leaves on the 20th; Nov: nobody; Dec: "late" starts on the 15th.
    # January is the first month with a base: the three empty months before it are no rows.
    customers = [
        Customer("brief", "b", None, date(2025, 10, 10), date(2025, 10, 20), 10.0),
        Customer("late", "b", None, date(2025, 12, 15), None, 10.0),
    ]
    rows = customer_metrics(customers, margin=0.5, discount_rate_monthly=0.0, as_of=date(2026, 2, 28))
    assert [(r["month"], r["active_start"]) for r in rows if r["segment"] == "_all"] == [
        (date(2026, 1, 1), 1),
        (date(2026, 2, 1), 1),
    ]


def test_customers_without_a_segment_count_once_in_the_all_segments_row():
    """A customer list without a segment column (or a customer with it empty) is the '(none)' segment; '_all' holds
    each customer once, so its counts are the sum of the segments'."""
    customers = [
        Customer("N1", "b", None, date(2026, 1, 1), date(2026, 2, 10), 10.0),  # churns in February
        Customer("N2", "b", None, date(2026, 1, 1), None, 20.0),
        Customer("X1", "b", "x", date(2026, 1, 1), None, 30.0),
    ]
    rows = customer_metrics(
        customers, margin=0.5, discount_rate_monthly=0.0, churn_window_months=1, as_of=date(2026, 3, 15)
    )
    feb = {r["segment"]: r for r in rows if r["month"] == date(2026, 2, 1)}
    # Feb 1 base: N1, N2, X1 = 3 (N1 ends Feb 10, after the 1st); churned N1. '(none)': N1, N2; x: X1.
    counts = {s: (r["active_start"], r["churned"]) for s, r in feb.items()}
    assert counts == {"_all": (3, 1), "(none)": (2, 1), "x": (1, 0)}
    # _all: churn 1/3, ARPU (10 + 20 + 30) / 3 = 20; m = .5 x 20 = 10: simple CLV 10 / (1/3) = 30
    assert feb["_all"]["churn_rate"] == approx(1 / 3) and feb["_all"]["arpu"] == approx(20.0)
    assert feb["_all"]["clv_simple"] == approx(30.0)
    assert feb["(none)"]["arpu"] == approx(15.0)  # (10 + 20) / 2


def test_each_brands_months_end_where_its_own_customer_list_does():
    """Brand a's list ends in March, brand b's runs to August: a has no months after March (they would show no
    churn, as complete months, and a lifetime value from no churn), b's months run on."""
    a = [Customer(f"a{i}", "a", None, date(2025, 11, 1), date(2026, 3, 10) if i < 3 else None, 50) for i in range(40)]
    b = [Customer(f"b{i}", "b", None, date(2025, 11, 1), date(2026, 8, 20) if i < 3 else None, 50) for i in range(40)]
    rows = customer_metrics(a + b, margin=0.3, discount_rate_monthly=0.008)
    last = {brand: max(r["month"] for r in rows if r["brand"] == brand) for brand in "ab"}
    assert last == {"a": date(2026, 3, 1), "b": date(2026, 8, 1)}
    zero_churn = [r for r in rows if r["churn_rate_clv"] == 0]
    assert zero_churn and all(r["clv_discounted"] is None and r["clv_simple"] is None for r in zero_churn)


# -- lead / lag ----------------------------------------------------------------------------------------------
def _ar1(rng, n, phi=0.6):
    e = rng.normal(size=n + 50)
    x = np.zeros(n + 50)
    for t in range(1, n + 50):
        x[t] = phi * x[t - 1] + e[t]
    return x[50:]


def test_xcorr_refuses_fewer_than_30_paired_periods():
    x = list(_ar1(np.random.default_rng(1), 40))
    y = [None if i % 4 == 0 else float(i % 7) for i in range(40)]  # 10 gaps -> 30 paired: enough
    enough = cross_correlation(x, y)
    assert enough.n_paired == 30 and enough.ccf and not enough.conclusion.startswith("not enough data")
    y[1] = None  # 29 paired
    r = cross_correlation(x, y, period="week")
    assert r.n_paired == 29 and r.best_lag is None and r.ccf == []
    assert r.conclusion == "not enough data: 29 paired weeks, need ≥ 30"
    # a brand with no survey answers at all is told so, not "0 paired weeks"
    none = cross_correlation(x, [None] * 40, period="week")
    assert none.conclusion == "not enough data: no NPS in any week (need ≥ 30 paired weeks)"


def test_xcorr_refuses_a_series_that_never_changes():
    x = list(_ar1(np.random.default_rng(3), 40))
    r = cross_correlation(x, [0.0] * 40, leading_name="social share negative", period="week")
    assert r.best_lag is None and r.ccf == []
    assert r.conclusion.startswith("not enough data: the NPS did not change over the 40 weeks")


def test_xcorr_finds_a_planted_two_period_lead():
    rng = np.random.default_rng(7)
    n = 72
    social = _ar1(rng, n + 2)
    # NPS follows the social score two weeks later, plus its own autocorrelated noise
    nps = 0.6 * social[:-2] + 0.8 * _ar1(rng, n, 0.5)
    r = cross_correlation(social[2:], nps, leading_name="social mean score", following_name="NPS")
    assert r.best_lag == 2 and r.best_r > r.band_used > r.band > 0
    assert r.band == pytest.approx(1.96 / math.sqrt(n - r.ar_order))
    # two-sided Bonferroni over the 17 lags -8..8: z(1 - 0.05 / 34); the pointwise rule is the 95 % band itself
    assert r.band_used == pytest.approx(stats.norm.ppf(1 - 0.05 / 34) / math.sqrt(n - r.ar_order))
    pointwise = cross_correlation(social[2:], nps, correction="none")
    assert pointwise.band_used == pytest.approx(pointwise.band, rel=1e-3)
    assert r.conclusion.startswith("social mean score leads NPS by 2 weeks (r=")
    assert "same direction" in r.conclusion
    # reversed roles: NPS is then led, so the lead shows at lag -2
    back = cross_correlation(nps, social[2:], leading_name="NPS", following_name="social mean score")
    assert back.best_lag == -2 and back.conclusion.startswith("social mean score leads NPS by 2 weeks")
    # an inverse relation (share negative up -> NPS down) keeps the lag and reports the sign
    neg = cross_correlation(-social[2:], nps, leading_name="social share negative")
    assert neg.best_lag == 2 and neg.best_r < 0 and "opposite directions" in neg.conclusion


def test_xcorr_reports_the_strongest_of_several_significant_lags():
    """NPS follows the social score both two weeks later and, more weakly, the same week: both lags clear the band,
    and the lead reported is the one whose prewhitened r is the largest (the same week's here: each series' own
    filter weighs the two lags otherwise than the weights that made them)."""
    rng = np.random.default_rng(7)
    n = 72
    social = _ar1(rng, n + 2)
    nps = 0.6 * social[:-2] + 0.35 * social[2:] + 0.6 * _ar1(rng, n, 0.5)
    r = cross_correlation(social[2:], nps)
    cleared = {k: v for k, v in zip(r.lags, r.ccf, strict=True) if abs(v) > r.band_used}
    assert set(cleared) == {0, 2}
    assert r.best_r == max(r.ccf, key=abs) and r.best_lag == max(cleared, key=lambda k: abs(cleared[k]))
    assert r.conclusion.startswith("social signal and NPS move in the same week (no lead)")


def test_xcorr_prewhitens_both_series_and_keeps_a_copy_perfectly_correlated():
    """Both series are prewhitened (each with its own AR model): a rescaled copy of a series correlates 1 with it at
    lag 0, and a copy two weeks behind 1 at lag 2 (the filtered leading series against an unfiltered follower would
    be ~0.8)."""
    x = _ar1(np.random.default_rng(7), 74)
    same = cross_correlation(x, 3 * x + 10)
    assert same.ar_order >= 1 and same.best_lag == 0 and same.best_r == pytest.approx(1.0)
    behind = cross_correlation(x[2:], x[:-2])  # the follower is the leading series two weeks later
    assert behind.best_lag == 2 and behind.best_r == pytest.approx(1.0, abs=0.05)
    ahead = cross_correlation(x[:-2], x[2:])  # the "follower" moves two weeks first
    assert ahead.best_lag == -2 and ahead.best_r == pytest.approx(1.0, abs=0.05)


def test_xcorr_fills_a_gap_by_linear_interpolation_and_reads_paired_periods_only():
    """A survey week missing inside the span is filled with the straight line through its neighbours, in both
    series: where the values are on that line, the result is the one without the gap; and the social value of a
    week without a survey score is not read (the week is a gap in both)."""
    rng = np.random.default_rng(3)
    x, y = _ar1(rng, 60), _ar1(rng, 60)
    gaps = [10, 25, 40]
    for g in gaps:
        x[g], y[g] = (x[g - 1] + x[g + 1]) / 2, (y[g - 1] + y[g + 1]) / 2
    full = cross_correlation(x, y)
    holed = [None if i in gaps else v for i, v in enumerate(y)]
    r = cross_correlation(x, holed)
    assert r.n_paired == 57 and r.ar_order == full.ar_order and r.ccf == pytest.approx(full.ccf)
    assert (r.interpolated, full.interpolated) == (3, 0)  # three weeks filled (in both series: counted once)
    moved = x.copy()
    moved[gaps] += 5.0
    assert cross_correlation(moved, holed).ccf == pytest.approx(r.ccf)


def test_xcorr_finds_no_lead_in_independent_noise():
    found = []
    for seed in range(10):
        rng = np.random.default_rng(100 + seed)
        r = cross_correlation(_ar1(rng, 64), _ar1(rng, 64))
        found.append(r.best_lag)
        assert len(r.lags) == 17 and len(r.ccf) == 17
    assert found.count(None) >= 9  # Bonferroni over 17 lags: ~2-5 % false leads
    r = cross_correlation(_ar1(np.random.default_rng(100), 64), _ar1(np.random.default_rng(999), 64))
    assert r.best_lag is None and r.conclusion.startswith("no significant lead")
    assert "not the" not in r.conclusion
    r = cross_correlation(_ar1(np.random.default_rng(100), 64), _ar1(np.random.default_rng(999), 64), max_lag=52)
    said = f"lags up to ±{max(r.lags)}, a quarter of the "  # cut, and said so, not silently
    assert len(r.lags) < 105 and said in r.conclusion and "not the 52 asked" in r.conclusion
    assert max(r.lags) == (64 - r.ar_order) // 4 and f"a quarter of the {64 - r.ar_order} weeks" in r.conclusion


def test_xcorr_prewhitening_removes_spurious_leads_between_trending_series():
    # two independent, strongly autocorrelated series (phi = .95): their raw cross-correlations are large at
    # many lags (about 3 in 4 such pairs show a "lead" without prewhitening); after the AR filter, none should
    results = []
    for seed in range(10):
        rng = np.random.default_rng(500 + seed)
        results.append(cross_correlation(_ar1(rng, 64, 0.95), _ar1(rng, 64, 0.95)))
    assert all(r.ar_order >= 1 for r in results)
    assert [r.best_lag for r in results].count(None) >= 9


def test_xcorr_claims_no_lead_between_independent_series_that_share_a_season():
    """Weekly NPS with a strong yearly season, and an independent social share negative with a mild one: the
    leading series' filter applied to both left NPS its season, and the two "led" each other in 16 and 30 of these
    40 runs of two and three years; each series prewhitened with its own AR model, 3 and 4 (5 % meant)."""
    for n in (104, 156):
        found = 0
        for seed in range(40):
            rng, t = np.random.default_rng(9000 + seed), np.arange(n)
            social = 0.2 + 0.03 * np.sin(2 * np.pi * t / 52) + rng.normal(0, 0.03, n)
            nps = 20 + 10 * np.sin(2 * np.pi * (t + rng.integers(0, 52)) / 52) + rng.normal(0, 3, n)
            found += cross_correlation(social, nps).best_lag is not None
        assert found <= 6, (n, found)


def test_an_end_date_in_the_future_is_not_data_yet():
    """A contract's scheduled end (in 2099, or later this month) does not stretch the months (churn-free,
    'complete') past the list's own last date, nor count as churn: capped at today, one such date made a list that
    ends in June look current today, with months of no churn that raised the CLV."""
    from datetime import UTC, datetime

    customers = [
        Customer(f"c{i}", "a", None, date(2025, 1, 1), date(2025, 6, 10) if i < 3 else None, 50) for i in range(40)
    ]
    before = customer_metrics(customers, margin=0.3, discount_rate_monthly=0.008)
    assert max(r["month"] for r in before) == date(2025, 6, 1)
    today = datetime.now(UTC).date()
    customers.append(Customer("scheduled", "a", None, date(2025, 1, 1), date(2099, 6, 30), 50))
    customers.append(Customer("this month", "a", None, date(2025, 1, 1), today + timedelta(days=1), 50))
    rows = customer_metrics(customers, margin=0.3, discount_rate_monthly=0.008)
    assert max(r["month"] for r in rows) == date(2025, 6, 1)
    assert [(r["month"], r["churned"]) for r in rows if r["segment"] == "_all"] == [
        (r["month"], r["churned"]) for r in before if r["segment"] == "_all"]  # fmt: skip
    [late] = monthly_churn(customers, [today.replace(day=1)], today)
    assert late.churned == 0 and late.active_start == 39  # 37 of the 40, and the two scheduled: no churn yet


def test_the_rollup_step_reads_the_configs_churn_window_minimum_and_fixed_retention(tmp_path):
    """survey_metrics on a warehouse with four customers (from Jan 1, 2025, 10 a month; k1 ends Feb 15, k2 Mar 20:
    the list's last day) who answered in January, and a config that sets every figure away from its default:
    min_responses 4, churn_window_days 30, margin .5, a fixed churn of 5 % a month, 10 % a year.
    Churn by NPS, 30 days: detractors k1 (Jan 20, left 26 days later: churned) and k2 (Jan 20, left 59 days later:
    stayed), promoters k3, k4 (Jan 25); every window ended by Mar 20 (with 90 days, all four would be pending).
    Customer metrics: January's base 4, not low_n at min_responses 4; churn for the CLV the fixed .05, not the
    observed; i = 1.1^(1/12) - 1 = .0079741; CLV m (1 - c) / (1 + i - (1 - c)) = 5 x .95 / .0579741 = 81.9331."""
    surveys = {"min_responses": 4, "cx": {"churn_window_days": 30},
               "clv": {"margin": 0.5, "retention_source": "fixed", "fixed_monthly_churn": 0.05}}  # fmt: skip
    cfg = load_config(write_config(tmp_path, [{"name": "Acme", "files": {"listening": "x.csv"}}], surveys=surveys))
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
        for key, end, answered, nps in (("k1", "2025-02-15", "2025-01-20", 0), ("k2", "2025-03-20", "2025-01-20", 3),
                                        ("k3", None, "2025-01-25", 10), ("k4", None, "2025-01-25", 9)):  # fmt: skip
            con.execute(
                "INSERT INTO customers BY NAME SELECT 'acme' AS brand, ? AS customer_hash, 'crm' AS source,"
                " DATE '2025-01-01' AS start_date, CAST(? AS DATE) AS end_date, 10.0 AS monthly_revenue,"
                " now() AS first_seen, now() AS last_seen, 'r' AS run_id",
                [key, end],
            )
            con.execute(
                "INSERT INTO survey_responses BY NAME SELECT 's' AS source, ? AS response_id, 'acme' AS brand,"
                " CAST(? AS TIMESTAMPTZ) AS responded_at, CAST(? AS DATE) AS day, ? AS nps, ? AS customer_hash,"
                " now() AS first_seen, now() AS last_seen, 'r' AS run_id",
                [key, f"{answered}T10:00:00Z", answered, nps, key],
            )
    rollup.survey_metrics(cfg, db, "cli__2026-10-31__0000aaaa")
    with connect(db, read_only=True) as con:
        [(detail,)] = con.execute("SELECT detail FROM run_steps WHERE step = 'survey_metrics'").fetchall()
        churn = con.execute(
            "SELECT window_days, as_of, n_pending, n_detractors, churned_detractors, n_promoters, churned_promoters"
            " FROM cx_churn_by_nps WHERE segment = '_all'"
        ).fetchall()
        jan = con.execute(
            "SELECT active_start, churned, low_n, churn_rate_clv, discount_rate_monthly, clv_discounted"
            " FROM customer_metrics WHERE segment = '_all' AND month = DATE '2025-01-01'"
        ).fetchall()
    assert churn == [(30, date(2025, 3, 20), 0, 2, 1, 2, 0)]
    # every answer from a customer that day: no note of answers left out
    assert detail.endswith("churn-by-NPS rows from 4 linked respondents (min_responses 4, churn window 30 days)")
    i = 1.1 ** (1 / 12) - 1
    assert jan == [(4, 0, False, 0.05, approx(i), approx(81.9331))]


def test_the_lead_lag_step_reads_the_survey_metric_and_the_lags_asked(tmp_path):
    """80 weeks of one brand's social mean score (one day a week) and survey CSAT and NPS (the weekly '_all' rows):
    CSAT follows the social score two weeks later, NPS is noise of its own. Asked about CSAT, the step finds the
    2-week lead and names CSAT; asked about NPS (the default), no lead; max_lag 4 gives the lags -4..4. A period,
    series or metric it does not know is refused, naming the ones it does."""
    rng = np.random.default_rng(1)
    x = rng.normal(0, 1, 80)
    csat = np.r_[rng.normal(0, 1, 2), 0.9 * x[:-2]] + rng.normal(0, 0.3, 80)
    nps = rng.normal(0, 1, 80)
    db = migrated(tmp_path / "w.duckdb")
    with connect(db) as con:
        for k in range(80):
            weekly_social_and_survey(con, date(2025, 1, 6) + timedelta(weeks=k), x[k], {"csat": csat[k], "nps": nps[k]})
    cfg = load_config(write_config(tmp_path, [{"name": "Acme", "files": {"listening": "x.csv"}}]))
    lead = rollup.cx_social_lead(cfg, db, "acme", cx="csat")
    assert lead.best_lag == 2 and lead.conclusion.startswith("social mean score leads CSAT by 2 weeks")
    assert rollup.cx_social_lead(cfg, db, "acme").best_lag is None
    assert rollup.cx_social_lead(cfg, db, "acme", cx="csat", max_lag=4).lags == list(range(-4, 5))
    for asked, said in (({"period": "month"}, "period 'month': use one of day, week"),
                        ({"social": "volume"}, "social 'volume': use one of mean_score, share_negative"),
                        ({"cx": "churn"}, "cx 'churn': use one of nps, csat, ces")):  # fmt: skip
        with pytest.raises(ValueError, match=said):
            rollup.cx_social_lead(cfg, db, "acme", **asked)


def test_the_rollup_reads_and_writes_under_one_lock_so_an_import_in_between_is_not_overwritten(tmp_path, monkeypatch):
    """Another process's import that lands between the rollup's read of the answers and its write (a CLI
    import-surveys beside a night's survey_metrics task) would be overwritten by the older counts: its answer in
    survey_responses, no metric row for it. The rollup holds the warehouse from its read to its write, so the
    other import waits (here: its short wait for the lock runs out) and every answer stored has its row."""
    from pipeline.warehouse import WarehouseError

    cfg = load_config(write_config(tmp_path, [{"name": "Acme", "files": {"listening": "x.csv"}}]))
    db = tmp_path / "w.duckdb"
    answer = (
        "INSERT INTO survey_responses BY NAME SELECT 's' AS source, ? AS response_id, 'acme' AS brand,"
        " TIMESTAMPTZ '2026-10-05 10:00:00+00' AS responded_at, DATE '2026-10-05' AS day, 10 AS nps,"
        " now() AS first_seen, now() AS last_seen, 'r' AS run_id"
    )
    with connect(db) as con:
        migrate(con)
        con.execute(answer, ["r1"])
    real = rollup.customer_metrics

    def import_in_between(*args, **kwargs):
        try:
            with connect(db, timeout=0.2) as con:
                con.execute(answer, ["r2"])
        except WarehouseError:
            pass
        return real(*args, **kwargs)

    monkeypatch.setattr(rollup, "customer_metrics", import_in_between)
    rollup.survey_metrics(cfg, db, "cli__2026-10-31__0000aaaa")
    with connect(db, read_only=True) as con:
        [(stored,)] = con.execute("SELECT count(*) FROM survey_responses").fetchall()
        [(counted,)] = con.execute(
            "SELECT n FROM survey_metrics WHERE period = 'day' AND touchpoint = '_all' AND segment = '_all'"
        ).fetchall()
    assert counted == stored
