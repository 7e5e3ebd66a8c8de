"""What CX is worth: churn by NPS group, revenue at risk, the value of a point and key drivers.

Hand-worked numbers first (Wilson, relative risk and its log interval, the Haldane-Anscombe correction, relative
weights against squared correlations and a brute-force Shapley decomposition, revenue at risk), then a tiny
warehouse whose churn table is worked out by hand (linking, one answer per customer and quarter, pending
windows, edge cases), then the demo's sample files (the planted relation, the commands, the report section).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import math
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import load_config
from pipeline.records import Pseudonymiser
from pipeline.report.build import build_report
from pipeline.surveys import ingest, rollup, worth
from pipeline.surveys import roi as R
from pipeline.warehouse import connect, execute, migrate, migrations, transaction
from tests.helpers import REPO, START, rescored_since, seed, write_config

Z = 1.959963984540054  # the 97.5 % normal quantile (statsmodels uses the exact one)
RUN = "cli__2026-10-31__0000aaaa"
approx = lambda x, tol=1e-6: pytest.approx(x, abs=tol)  # noqa: E731


# -- hand-worked statistics ----------------------------------------------------------------------------------
def test_wilson_interval_of_a_churn_rate_by_hand():
    # 3 churned of 10: p = .3, z^2 = 3.841459, denominator 1 + z^2/n = 1.3841459;
    # centre = (p + z^2/2n) / denominator = (.3 + .1920729) / 1.3841459 = .3555064;
    # half = z sqrt(p(1-p)/n + z^2/4n^2) / denominator = 1.959964 * sqrt(.021 + .0096036) / 1.3841459 = .2477151
    rate = R.churn_rate(3, 10)
    assert (rate.n, rate.churned, rate.rate, rate.low_n) == (10, 3, 0.3, True)
    assert (rate.low, rate.high) == (approx(0.3555064 - 0.2477151), approx(0.3555064 + 0.2477151))
    assert R.churn_rate(0, 0) == R.Rate(0, 0, None, None, None, True)
    none = R.churn_rate(0, 40, min_n=30)
    assert none.low == 0 and 0 < none.high < 0.1 and not none.low_n  # Wilson keeps a real upper bound at 0
    with pytest.raises(ValueError):
        R.churn_rate(5, 4)


def test_relative_risk_and_its_log_interval_by_hand():
    # detractors 10 of 50 churned, promoters 5 of 100: RR = .2 / .05 = 4;
    # se(ln RR) = sqrt(1/10 - 1/50 + 1/5 - 1/100) = sqrt(.27) = .5196152;
    # interval exp(ln 4 -/+ 1.959964 * .5196152) = exp(1.3862944 -/+ 1.0184271) = [1.4446502, 11.0753456]
    rr = R.relative_risk(10, 50, 5, 100)
    assert (rr.value, rr.method, rr.note) == (approx(4.0), "log", None)
    assert (rr.low, rr.high) == (approx(1.4446502), approx(11.0753456, 1e-5))


def test_a_group_without_churners_gets_half_a_churner_in_every_cell():
    # detractors 6 of 40, promoters 0 of 60: +0.5 per cell -> a = 6.5 of 41, c = .5 of 61.
    a, n1, c, n0 = 6.5, 41.0, 0.5, 61.0
    value = (a / n1) / (c / n0)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n0)
    rr = R.relative_risk(6, 40, 0, 60)
    assert rr.value == approx(value) and value == approx(19.3414634)
    assert (rr.low, rr.high) == (approx(value * math.exp(-Z * se)), approx(value * math.exp(Z * se), 1e-5))
    assert rr.method == R.HALDANE
    # no churner anywhere, or nobody to compare: no relative risk, and why
    assert R.relative_risk(0, 40, 0, 60) == R.RelativeRisk(None, None, None, None, "no churner in either group")
    assert R.relative_risk(0, 0, 3, 60).note == "no detractors to compare"
    assert R.relative_risk(2, 10, 0, 0).note == "no promoters to compare"


def test_every_respondent_of_both_groups_churned_gets_an_interval_not_a_point():
    # 3 of 3 detractors and 4 of 4 promoters churned: the log se sqrt(1/3 - 1/3 + 1/4 - 1/4) is 0, and the interval
    # was the point [1, 1]: certainty from seven people. +0.5 per cell -> a = 3.5 of 4, c = 4.5 of 5.
    a, n1, c, n0 = 3.5, 4.0, 4.5, 5.0
    value = (a / n1) / (c / n0)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n0)
    rr = R.relative_risk(3, 3, 4, 4)
    assert (rr.value, rr.method) == (approx(value), R.HALDANE) and value == approx(0.9722222)
    assert (rr.low, rr.high) == (approx(value * math.exp(-Z * se)), approx(value * math.exp(Z * se)))
    assert rr.low < 0.9 and rr.high > 1.1


def test_nps_groups_at_their_edges():
    scores = (0, 6, 7, 8, 9, 10, None)
    groups = ["detractor", "detractor", "passive", "passive", "promoter", "promoter", None]
    assert [R.nps_group(s) for s in scores] == groups


def test_a_quarter_with_too_few_promoters_or_detractors_is_low_n():
    """The relative risk compares detractors with promoters: fewer than min_n in either group makes it a hint,
    however many the other group has."""

    def low_n(detractors: int, promoters: int) -> set:
        groups = ["detractor"] * detractors + ["promoter"] * promoters + ["passive"] * 50
        observations = [
            {"brand": "parcelo", "segment": "retail", "quarter_start": date(2026, 1, 1), "nps_group": g,
             "churned": i % 5 == 0, "complete": True, "as_of": date(2026, 9, 30)}
            for i, g in enumerate(groups)
        ]  # fmt: skip
        return {(row["segment"], row["low_n"]) for row in R.churn_by_nps(observations, min_n=30)}

    assert low_n(40, 5) == low_n(5, 40) == {("retail", True), ("_all", True)}
    assert low_n(30, 30) == {("retail", False), ("_all", False)}


def _orthogonal_fixture():
    """Three exactly uncorrelated zero-mean predictors (columns of an 8 x 8 Hadamard matrix) and an outcome."""
    h2 = np.array([[1, 1], [1, -1]])
    h8 = np.kron(np.kron(h2, h2), h2).astype(float)
    x = h8[:, 1:4]
    y = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0])
    return x, y


def test_relative_weights_of_uncorrelated_drivers_are_their_squared_correlations():
    x, y = _orthogonal_fixture()
    assert np.allclose(np.corrcoef(x, rowvar=False), np.eye(3))
    # with R = I, Lambda = I and beta = r_xy, so each weight is r_j^2 and they add up to R^2
    r = np.array([np.corrcoef(x[:, j], y)[0, 1] for j in range(3)])
    weights, r2 = R.relative_weights(x, y)
    assert weights == pytest.approx(r**2, abs=1e-12)
    # by hand: the first column alternates +1, -1 and sums to 0, so its cross-product with y's deviations is
    # (3 + 4 + 5 + 2) - (1 + 1 + 9 + 6) = -3; its sum of squares 8; y's about its mean 3.875: 173 - 8 * 3.875^2
    # = 52.875; r_1^2 = 9 / (8 * 52.875) = .0212766
    assert x[:, 0].tolist() == [1, -1] * 4 and weights[0] == approx(9 / (8 * 52.875)) == approx(0.0212766)
    ols = np.linalg.lstsq(np.column_stack([np.ones(8), x]), y, rcond=None)[0]
    fitted = np.column_stack([np.ones(8), x]) @ ols
    assert r2 == approx(1 - ((y - fitted) ** 2).sum() / ((y - y.mean()) ** 2).sum())


def _r2(x: np.ndarray, y: np.ndarray, cols: tuple[int, ...]) -> float:
    if not cols:
        return 0.0
    a = np.column_stack([np.ones(len(y)), x[:, list(cols)]])
    resid = y - a @ np.linalg.lstsq(a, y, rcond=None)[0]
    return 1 - resid @ resid / ((y - y.mean()) @ (y - y.mean()))


def test_relative_weights_come_close_to_a_brute_force_shapley_decomposition():
    rng = np.random.default_rng(7)
    z = rng.normal(size=(400, 3))
    x = np.column_stack([z[:, 0], 0.6 * z[:, 0] + 0.8 * z[:, 1], 0.3 * z[:, 1] + 0.95 * z[:, 2]])  # correlated
    y = 0.5 * x[:, 0] + 0.3 * x[:, 1] + 0.2 * x[:, 2] + rng.normal(size=400)
    p = 3
    shapley = []
    for j in range(p):  # the mean gain in R^2 from adding j, over every order of the drivers
        others = [k for k in range(p) if k != j]
        shapley.append(
            sum(
                math.factorial(len(s)) * math.factorial(p - len(s) - 1) / math.factorial(p)
                * (_r2(x, y, (*s, j)) - _r2(x, y, s))
                for size in range(p)
                for s in itertools.combinations(others, size)
            )
        )  # fmt: skip
    weights, r2 = R.relative_weights(x, y)
    assert r2 == approx(_r2(x, y, (0, 1, 2))) and sum(shapley) == approx(r2)  # both split the same R^2
    assert weights == pytest.approx(shapley, abs=0.01)
    assert list(np.argsort(weights)) == list(np.argsort(shapley))


def test_key_drivers_intervals_groups_and_too_few_rows():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 3))
    y = x @ [1.0, 0.5, 0.0] + rng.normal(size=200)
    result = R.key_drivers(x, y, ["a", "b", "c"], groups={"a+b": ["a", "b"]}, resamples=300)
    shares = {d.name: d for d in result.drivers}
    assert sum(d.share for d in result.drivers) == approx(1.0)
    assert all(d.low <= d.share <= d.high for d in result.drivers)
    assert shares["a"].share > shares["b"].share > shares["c"].share and shares["c"].high < 0.1
    assert result.groups["a+b"].value == approx(shares["a"].share + shares["b"].share)
    assert result.r2.low < result.r2.value < result.r2.high
    again = R.key_drivers(x, y, ["a", "b", "c"], groups={"a+b": ["a", "b"]}, resamples=300)
    assert again == result  # fixed seed: the same intervals every time
    few = R.key_drivers(x[:20], y[:20], ["a", "b", "c"])
    assert few.r2 is None and "too few respondents" in few.note
    # whatever min_n says, a regression on 3 drivers needs more than 4 rows
    tiny = R.key_drivers(x[:4], y[:4], ["a", "b", "c"], min_n=2, resamples=50)
    assert tiny.r2 is None and tiny.note == "too few respondents with every answer (4; need 5)"
    # a constant driver weighs 0; the std of a column of 0.1s or 0.7s beside another is not 0 in floating point,
    # and such a column failed the SVD (LinAlgError), 0.3s got a weight of 4e-35
    for constant in (1.0, 0.1, 0.3, 0.7):
        weights, r2 = R.relative_weights(np.column_stack([x[:, 0], np.full(200, constant)]), y)
        assert weights[1] == 0 and r2 == approx(np.corrcoef(x[:, 0], y)[0, 1] ** 2)
    weights, r2 = R.relative_weights(x, np.full(200, 0.3))  # nothing to explain
    assert weights.tolist() == [0.0, 0.0, 0.0] and r2 == 0.0


def test_revenue_at_risk_and_the_value_of_a_point_by_hand():
    # churned within the window: detractors 3 of 10 (.30), passives 2 of 20 (.10), promoters 1 of 20 (.05);
    # gaps over promoters: detractors .25, passives .05.
    # current detractors still customers: CLV 1,000 in all -> .25 x 1,000 = 250 at risk;
    # current passives: CLV 2,000 -> .05 x 2,000 = 100; total 350.
    # active base CLV 100,000: 1 % of it from detractor to promoter -> .01 x .25 x 100,000 = 250; a point: 125.
    outcomes = {"detractor": [1] * 3 + [0] * 7, "passive": [1] * 2 + [0] * 18, "promoter": [1] + [0] * 19}
    w = R.cx_worth(outcomes, {"detractor": 1000.0, "passive": 2000.0}, 100_000.0, min_n=5)
    assert w.gap == {"passive": approx(0.05), "detractor": approx(0.25)}
    assert {k: v.value for k, v in w.at_risk.items()} == {
        "detractor": approx(250),
        "passive": approx(100),
        "total": approx(350),
    }
    assert (w.move_one_percent.value, w.per_point.value) == (approx(250), approx(125))
    for i in [*w.at_risk.values(), w.move_one_percent, w.per_point]:
        assert i.low <= i.value <= i.high
    assert w.at_risk["total"].low < 350 < w.at_risk["total"].high and w.per_point.high < 400
    assert w.rr.value == approx(6.0) and w.resamples == R.RESAMPLES and w.seed == R.SEED
    assert R.cx_worth(outcomes, {"detractor": 1000.0, "passive": 2000.0}, 100_000.0, min_n=5) == w  # seeded
    # the same answers in another order (read by the respondent's keyed hash: a rotated author key reorders them)
    shuffled = {g: list(reversed(v)) for g, v in outcomes.items()}
    assert R.cx_worth(shuffled, {"detractor": 1000.0, "passive": 2000.0}, 100_000.0, min_n=5) == w
    # no passive answered: detractors only
    only = R.cx_worth({**outcomes, "passive": []}, {"detractor": 1000.0}, 100_000.0)
    assert set(only.at_risk) == {"detractor", "total"} and only.at_risk["total"].value == approx(250)


def test_a_group_without_churners_gets_a_wilson_mover_interval_not_a_point():
    """40 detractors and 40 promoters, none churned: the bootstrap resampled 0% every time and printed revenue at risk
    "0 (95% CI 0 to 0)", "nothing at risk", though each rate's Wilson interval reaches 8.8%. A figure reading such a
    group takes Newcombe's interval for the gap (statsmodels' newcomb), times the CLV; groups with churners keep
    the bootstrap's."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    none = R.cx_worth({"detractor": [0] * 40, "promoter": [0] * 40}, {"detractor": 1000.0}, 100_000.0)
    upper = Z**2 / (40 + Z**2)  # Wilson's upper limit of 0 of 40
    assert none.at_risk["detractor"] == R.Interval(0.0, approx(-1000 * upper), approx(1000 * upper))
    assert none.per_point.high == approx(1000 * upper / 2) and none.wilson == ("detractor", "promoter")
    some = R.cx_worth({"detractor": [1] * 8 + [0] * 32, "promoter": [0] * 40}, {"detractor": 1000.0}, 100_000.0)
    low, high = confint_proportions_2indep(8, 40, 0, 40, method="newcomb", compare="diff")
    assert some.at_risk["total"] == R.Interval(approx(200.0), approx(1000 * low), approx(1000 * high))
    assert some.move_one_percent == R.Interval(approx(200.0), approx(1000 * low), approx(1000 * high))
    both = {"detractor": [1] * 8 + [0] * 32, "promoter": [1] * 3 + [0] * 37, "passive": [0] * 20}
    w = R.cx_worth(both, {"detractor": 1000.0, "passive": 0.0}, 100_000.0, resamples=200)
    assert w.wilson == ()  # no passive still a customer: their figure is 0 whatever the rate, no figure reads it
    boot = R.cx_worth({**both, "passive": []}, {"detractor": 1000.0}, 100_000.0, resamples=200)
    assert w.at_risk["detractor"] == boot.at_risk["detractor"] and w.per_point == boot.per_point


def test_no_detractors_or_promoters_whose_window_has_ended_gives_no_money():
    w = R.cx_worth({"promoter": [0, 1, 0]}, {"detractor": 500.0}, 10_000.0)
    assert w.at_risk == {} and w.per_point is None and "fewer than 2 detractors" in w.note
    assert w.rr.note == "no detractors to compare"
    # one respondent in a group is no spread to resample: no money either
    one = R.cx_worth({"promoter": [0, 1, 0], "detractor": [1]}, {"detractor": 500.0}, 10_000.0)
    assert one.at_risk == {} and one.per_point is None and "fewer than 2 detractors" in one.note
    one = R.cx_worth({"promoter": [1], "detractor": [1, 0, 1]}, {"detractor": 500.0}, 10_000.0)
    assert one.at_risk == {} and one.per_point is None and "fewer than 2 promoters" in one.note


def test_the_quadrants_split_at_the_means_of_the_drivers():
    # at a mean counts as above it: matters as much as most and scores as well as most is "keep it up"
    assert R.quadrant(0.4, 7.0, 0.4, 7.0) == "keep it up"
    assert R.quadrant(0.5, 6.9, 0.4, 7.0) == "fix first"
    assert R.quadrant(0.3, 6.9, 0.4, 7.0) == "watch"
    assert R.quadrant(0.3, 7.0, 0.4, 7.0) == "maintain"


# -- churn by NPS group in a warehouse, worked out by hand -------------------------------------------------
CUSTOMERS = [
    ["customer_id", "segment", "start_date", "end_date", "monthly_revenue"],
    ["C1", "consumer", "2025-01-01", "2025-03-15", "10"],  # churns 42 days after answering
    ["C2", "consumer", "2025-01-01", "", "10"],
    ["C3", "consumer", "2025-01-01", "2025-06-20", "10"],  # churns 130 days after: not within 90
    ["C4", "business", "2025-01-01", "2025-04-01", "50"],
    ["C5", "business", "2025-01-01", "", "50"],
    ["C6", "consumer", "2025-01-01", "", "10"],  # answers twice in Q1: the latest answer counts
    ["C7", "consumer", "2025-06-01", "", "10"],  # answered before becoming a customer: not a respondent
    ["C8", "consumer", "2025-01-01", "", "10"],  # answered in October: its 90 days run past the list's end
    ["C9", "consumer", "2025-01-01", "2025-12-31", "10"],  # the list's last day: 2025-12-31
]
ANSWERS = [
    ["id", "at", "score", "cust"],
    ["R1", "2025-02-01T10:00:00Z", "3", "C1"],
    ["R2", "2025-02-01T11:00:00Z", "10", "C2"],
    ["R3", "2025-02-10T10:00:00Z", "5", "C3"],
    ["R4", "2025-02-15T10:00:00Z", "9", "C4"],
    ["R5", "2025-02-20T10:00:00Z", "7", "C5"],
    ["R6", "2025-01-10T10:00:00Z", "2", "C6"],
    ["R7", "2025-03-01T10:00:00Z", "10", "C6"],
    ["R8", "2025-05-20T10:00:00Z", "0", "C7"],
    ["R9", "2025-10-20T10:00:00Z", "6", "C8"],
    ["R10", "2025-03-05T10:00:00Z", "0", ""],  # anonymous: counts in NPS, not here
    ["R11", "2025-03-06T10:00:00Z", "1", "NOT-A-CUSTOMER"],
]


def _csv(path: Path, rows: list[list]) -> Path:
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def _tiny(tmp_path: Path, min_responses: int = 2):
    _csv(tmp_path / "answers.csv", ANSWERS)
    _csv(tmp_path / "customers.csv", CUSTOMERS)
    surveys = {
        "min_responses": min_responses,
        "sources": [
            {
                "name": "acme-nps",
                "brand": "acme",
                "path": "answers.csv",
                "columns": {"response_id": "id", "timestamp": "at", "nps": "score", "customer_id": "cust"},
            }
        ],
        "customers": [{"name": "acme-crm", "brand": "acme", "path": "customers.csv"}],
    }
    path = write_config(tmp_path, [{"name": "Acme", "files": {"listening": "x.csv"}}], surveys=surveys)
    cfg = load_config(path)
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
    ingest.import_surveys(cfg, db, RUN, score_comments=False)
    ingest.import_customers(cfg, db, RUN)
    rollup.survey_metrics(cfg, db, RUN)
    return cfg, db, path


def _churn(db: Path) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        cur = con.execute("SELECT * FROM v_cx_churn_by_nps ORDER BY quarter_start, segment")
        names = [d[0] for d in cur.description]
        return {(r["quarter"], r["segment"]): r for r in (dict(zip(names, t, strict=True)) for t in cur.fetchall())}


def test_a_customer_whose_contract_starts_later_is_not_in_todays_base(tmp_path):
    """The base (customers active today, their CLV: the value of 1% moved and of one NPS point) counted a
    customer starting next year: 6 customers and a CLV of 231.17 where 5 and 193.66 are active."""
    cfg, db, _ = _tiny(tmp_path)
    before = worth.cx_roi(cfg, db, "acme").base
    with connect(db) as con:
        con.execute(
            "INSERT INTO customers BY NAME SELECT 'acme' AS brand, 'future' AS customer_hash, 'acme-crm' AS source,"
            " 'consumer' AS segment, current_date + 365 AS start_date, NULL AS end_date, 10.0 AS monthly_revenue,"
            " now() AS first_seen, now() AS last_seen, 'r' AS run_id"
        )
    assert worth.cx_roi(cfg, db, "acme").base == before
    assert before["customers"] == 5


def test_customer_ids_are_stored_as_keyed_hashes_that_join(tmp_path, monkeypatch):
    monkeypatch.setenv("BRANDPULSE_AUTHOR_KEY", "cx-worth-key")
    _, db, _ = _tiny(tmp_path)

    def hashed(customer_id: str) -> str:  # worked here, not by Pseudonymiser: HMAC-SHA256 under the key, 32 hex
        return hmac.new(b"cx-worth-key", customer_id.encode(), hashlib.sha256).hexdigest()[:32]

    with duckdb.connect(str(db), read_only=True) as con:
        linked = con.execute(
            "SELECT r.response_id, r.customer_hash, c.customer_hash IS NOT NULL FROM survey_responses r"
            " LEFT JOIN customers c USING (brand, customer_hash) ORDER BY r.response_id"
        ).fetchall()
        assert {r[0]: r[1] for r in linked}["R1"] == hashed("C1")
        assert {r[0]: (r[1] is not None, r[2]) for r in linked} == {
            **{f"R{i}": (True, True) for i in range(1, 10)},
            "R10": (False, False),  # no id: unlinked, and still an NPS answer
            "R11": (True, False),  # an id the customer list does not have
        }
        assert sorted(r[0] for r in con.execute("SELECT customer_hash FROM customers").fetchall()) == sorted(
            hashed(f"C{i}") for i in range(1, 10)
        )
        text = con.execute("SELECT string_agg(CAST(t AS VARCHAR), ' ') FROM survey_responses t").fetchone()[0]
        text += con.execute("SELECT string_agg(CAST(t AS VARCHAR), ' ') FROM customers t").fetchone()[0]
        assert not [i for i in ("C1", "C5", "C9", "NOT-A-CUSTOMER") if i in text]  # hashes are lowercase hex
        nps_n = con.execute(
            "SELECT sum(n) FROM survey_metrics WHERE period = 'month' AND metric = 'nps' AND touchpoint = '_all'"
            " AND segment = '_all'"
        ).fetchone()[0]
        assert nps_n == 11  # every answer counts in NPS, linked or not


def test_churn_by_nps_worked_by_hand(tmp_path):
    _, db, _ = _tiny(tmp_path)
    t = _churn(db)
    # Q1 2025, every segment: promoters C2 (stays), C4 (churns), C6 (latest answer 10; stays): 1 of 3;
    # passive C5: 0 of 1; detractors C1 (churns), C3 (leaves after 130 days): 1 of 2.
    q1 = t[("2025-Q1", "_all")]
    assert (q1["n_promoters"], q1["churned_promoters"], q1["n_passives"], q1["churned_passives"]) == (3, 1, 1, 0)
    assert (q1["n_detractors"], q1["churned_detractors"], q1["n_pending"], q1["complete"]) == (2, 1, 0, True)
    assert q1["churn_promoters"] == approx(1 / 3) and q1["churn_gap"] == approx(1 / 2 - 1 / 3)
    # RR = (1/2) / (1/3) = 1.5; se = sqrt(1/1 - 1/2 + 1/1 - 1/3) = sqrt(7/6)
    se = math.sqrt(7 / 6)
    assert (q1["rr"], q1["rr_method"]) == (approx(1.5), "log")
    assert (q1["rr_low"], q1["rr_high"]) == (approx(1.5 * math.exp(-Z * se)), approx(1.5 * math.exp(Z * se)))
    assert q1["churn_promoters_low"] == approx(R.churn_rate(1, 3).low) and not q1["low_n"]  # min_responses 2
    # consumers only: no promoter churned (C2, C6) -> +0.5 per cell: (1.5 / 3) / (.5 / 3) = 3
    consumer = t[("2025-Q1", "consumer")]
    assert (consumer["n_promoters"], consumer["churned_promoters"], consumer["rr"]) == (2, 0, approx(3.0))
    assert consumer["rr_method"] == R.HALDANE
    # business: no detractor -> no relative risk, flagged low_n
    business = t[("2025-Q1", "business")]
    assert (business["rr"], business["rr_note"], business["low_n"]) == (None, "no detractors to compare", True)
    # C7 answered before becoming a customer: no Q2 row; C8's 90 days end after the list's last day: pending
    assert not any(q == "2025-Q2" for q, _ in t)
    q4 = t[("2025-Q4", "_all")]
    assert (q4["n_pending"], q4["n_detractors"], q4["complete"], q4["as_of"]) == (1, 0, False, date(2025, 12, 31))
    assert q4["rr"] is None and q4["rr_note"] == "no respondent's 90 days have passed yet"
    assert set(t) == {("2025-Q1", s) for s in ("_all", "business", "consumer")} | {
        ("2025-Q4", s) for s in ("_all", "consumer")
    }


def test_answers_from_people_not_customers_that_day_are_counted_and_said(tmp_path):
    """C7 answered before becoming a customer: left out of churn by NPS, and the run and `roi` say how many."""
    cfg, db, _ = _tiny(tmp_path)
    with duckdb.connect(str(db), read_only=True) as con:
        detail = con.execute("SELECT detail FROM run_steps WHERE step = 'survey_metrics'").fetchone()[0]
    assert "1 NPS answers left out of churn by NPS: linked to a customer record, but not a customer that day" in detail
    # the same answer inside the current window (C8's October answer sets it): said beside the money too
    with connect(db) as con:
        con.execute(
            "UPDATE survey_responses SET responded_at = TIMESTAMPTZ '2025-10-19 10:00:00+00', day = DATE '2025-10-19'"
            " WHERE response_id = 'R8'"
        )
        con.execute("UPDATE customers SET start_date = DATE '2025-11-01' WHERE customer_hash = ?",
                    [Pseudonymiser(None)("C7")])  # fmt: skip
    report = worth.cx_roi(cfg, db, "acme")
    assert report.current_members["detractor"]["not_customer"] == 1
    assert report.current_members["promoter"]["not_customer"] == 0
    assert "1 current answers are linked to a customer record but were given when that person was not a customer" in (
        "\n".join(report.assumptions)
    )


def test_without_a_surveys_section_the_customer_metrics_use_the_configs_defaults(tmp_path):
    """A warehouse with a customer list, its config's surveys: section since removed: the nightly rollup still
    computes CLV, with the documented defaults (10 % a year), not a rate of its own (10 % a month, CLV a third)."""
    cfg, db, _ = _tiny(tmp_path)
    query = "SELECT month, segment, discount_rate_monthly, clv_discounted FROM customer_metrics ORDER BY ALL"
    with duckdb.connect(str(db), read_only=True) as con:
        configured = con.execute(query).fetchall()
    rollup.survey_metrics(cfg.model_copy(update={"surveys": None}), db, RUN)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(query).fetchall() == configured and configured
    assert configured[0][2] == pytest.approx(1.1 ** (1 / 12) - 1)


def test_an_answer_is_on_the_customer_lists_calendar_of_its_brands_time_zone(tmp_path):
    """A Tokyo brand's customer starts on 2 March (the CRM's day) and answers the onboarding survey at 08:00 that
    morning, 1 March in UTC: a customer that day in the brand's time zone, not an answer from before the start.
    An answer at 23:30 on the last day (the end date the day after) is a customer's too, in New York; an export's
    date without a time of day stays that day in Los Angeles."""
    from types import SimpleNamespace

    from pipeline.surveys.customers import calendars
    from pipeline.warehouse import execute, rows

    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
        for brand, start, end, at in (
            ("tokyo", "2026-03-02", None, "2026-03-02T08:00:00+09:00"),
            ("newyork", "2026-01-01", "2026-03-03", "2026-03-02T23:30:00-05:00"),
            ("utc", "2026-03-02", None, "2026-03-02T08:00:00+09:00"),  # no time zone: the UTC day, 1 March
            ("la", "2026-03-02", None, "2026-03-02T00:00:00+00:00"),  # a date without a time: that day
        ):
            con.execute(
                "INSERT INTO customers BY NAME SELECT ? AS brand, 'k' AS customer_hash, 'crm' AS source,"
                " CAST(? AS DATE) AS start_date, CAST(? AS DATE) AS end_date, now() AS first_seen,"
                " now() AS last_seen, 'r' AS run_id",
                [brand, start, end],
            )
            con.execute(
                "INSERT INTO survey_responses BY NAME SELECT 's' AS source, ? AS response_id, ? AS brand,"
                " CAST(? AS TIMESTAMPTZ) AS responded_at, CAST(timezone('UTC', CAST(? AS TIMESTAMPTZ)) AS DATE) AS day,"
                " 3 AS nps, 'k' AS customer_hash, now() AS first_seen, now() AS last_seen, 'r' AS run_id",
                [brand, brand, at, at],
            )
        brands = [SimpleNamespace(key="tokyo", timezone="Asia/Tokyo"), SimpleNamespace(key="newyork",
                  timezone="America/New_York"), SimpleNamespace(key="utc", timezone=None),
                  SimpleNamespace(key="la", timezone="America/Los_Angeles")]  # fmt: skip
        zones = calendars(SimpleNamespace(brands=brands))
        counts = execute(con, "surveys/link_counts", {"brands": None, "first": None, "last": None, **zones})
        linked = {r["brand"]: (r["linked"], r["not_customer"]) for r in rows(counts)}
        respondents = execute(con, "surveys/respondents", {"window_days": 90, "brands": None, **zones})
        days = {r["brand"]: r["day"] for r in rows(respondents)}
    assert linked == {"tokyo": (1, 0), "newyork": (1, 0), "utc": (0, 1), "la": (1, 0)}
    assert days == {"tokyo": date(2026, 3, 2), "newyork": date(2026, 3, 2), "la": date(2026, 3, 2)}


def test_the_churn_window_and_the_customers_span_at_their_edges(tmp_path):
    """Day by day at each edge (90-day window): an end date exactly 90 days after the answer is churn, 91 is not;
    an answer exactly 90 days before the list's last day has its window ended (complete), 89 is pending; an answer
    on the end date or after it is not a customer's (end_date is the first day they are no longer one)."""
    from pipeline.surveys.customers import calendars
    from pipeline.warehouse import execute, rows

    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
        for key, end, answered in (
            ("k1", "2025-04-01", "2025-01-01"),  # Jan 1 + 90 days = Apr 1: churned within the window
            ("k2", "2025-04-02", "2025-01-01"),  # 91 days: stayed through the window
            ("k3", "2025-03-01", "2025-03-01"),  # answered on the end date: no longer a customer
            ("k4", "2025-03-01", "2025-03-10"),  # answered after the end
            ("k5", "2025-07-01", "2025-04-02"),  # the list's last day, Jul 1 = Apr 2 + 90: complete, churned
            ("k6", None, "2025-04-03"),  # Apr 3 + 90 = Jul 2, after the list's last day: pending
        ):
            con.execute(
                "INSERT INTO customers BY NAME SELECT 'acme' AS brand, ? AS customer_hash, 'crm' AS source,"
                " DATE '2025-01-01' AS start_date, CAST(? AS DATE) AS end_date, now() AS first_seen,"
                " now() AS last_seen, 'r' AS run_id",
                [key, end],
            )
            con.execute(
                "INSERT INTO survey_responses BY NAME SELECT 's' AS source, ? AS response_id, 'acme' AS brand,"
                " CAST(? AS TIMESTAMPTZ) AS responded_at, CAST(? AS DATE) AS day, 3 AS nps, ? AS customer_hash,"
                " now() AS first_seen, now() AS last_seen, 'r' AS run_id",
                [key, f"{answered}T10:00:00Z", answered, key],
            )
        zones = calendars(None)
        got = rows(execute(con, "surveys/respondents", {"window_days": 90, "brands": None, **zones}))
        counts = rows(execute(con, "surveys/link_counts", {"brands": None, "first": None, "last": None, **zones}))
    assert {r["customer_hash"]: (r["day"], r["churned"], r["complete"]) for r in got} == {
        "k1": (date(2025, 1, 1), True, True),
        "k2": (date(2025, 1, 1), False, True),
        "k5": (date(2025, 4, 2), True, True),
        "k6": (date(2025, 4, 3), False, False),
    }
    assert {r["as_of"] for r in got} == {date(2025, 7, 1)}
    assert [(r["linked"], r["not_customer"], r["unlinked"]) for r in counts] == [(4, 2, 0)]


def test_one_segment_only_gives_the_same_numbers_as_all_segments(tmp_path):
    cfg, db, _ = _tiny(tmp_path)
    with connect(db) as con:  # everyone in one segment
        con.execute("UPDATE customers SET segment = 'consumer'")
    rollup.survey_metrics(cfg, db, RUN)
    t = _churn(db)
    assert {s for _, s in t} == {"_all", "consumer"}
    for quarter in ("2025-Q1", "2025-Q4"):
        one, every = t[(quarter, "consumer")], t[(quarter, "_all")]
        assert {k: v for k, v in one.items() if k != "segment"} == {k: v for k, v in every.items() if k != "segment"}


def test_no_linked_respondents(tmp_path):
    cfg, db, path = _tiny(tmp_path)
    with connect(db) as con:
        con.execute("UPDATE survey_responses SET customer_hash = NULL")
    rollup.survey_metrics(cfg, db, RUN)
    assert _churn(db) == {}
    report = worth.cx_roi(cfg, db, "acme")
    assert report.worth is None and "NPS answers, none with a customer id: map the survey source's" in report.note
    out = CliRunner().invoke(app, ["roi", "--brand", "acme", "--config", str(path), "--db", str(db)])
    assert out.exit_code == 0, out.output
    assert "Acme: what CX is worth" in out.output and "customer_id column" in out.output
    # each other reason in its own words: the advice to map a column was given where there was nothing to map
    with connect(db) as con:
        con.execute("UPDATE survey_responses SET customer_hash = 'h-' || response_id")
    assert "carry a customer id and " in worth.cx_roi(cfg, db, "acme").note  # ids that match no customer
    with connect(db) as con:
        con.execute("DELETE FROM customers")
    assert "but no customer list of acme is imported" in worth.cx_roi(cfg, db, "acme").note
    with connect(db) as con:
        con.execute("DELETE FROM survey_responses")
    assert worth.cx_roi(cfg, db, "acme").note.startswith("no NPS answers of acme in the warehouse")


def test_the_report_of_answers_linked_to_no_customer_says_so_not_that_there_are_none(tmp_path):
    """NPS answers without a customer id and without CSAT or CES: the survey section shows their NPS, so the worth
    section says what is missing (the customer_id column, answers with CSAT or CES), not "no survey answers yet"."""
    cfg, db, _ = _tiny(tmp_path)
    with connect(db) as con:
        con.execute("UPDATE survey_responses SET customer_hash = NULL")
    rollup.survey_metrics(cfg, db, RUN)
    result = build_report(cfg, db, date(2025, 10, 20), tmp_path / "site")
    html = result["pages"]["acme"].read_text(encoding="utf-8")
    assert "2025-W43" in html[html.index('id="cx"') : html.index('id="worth"')]
    section = html[html.index('id="worth"') : html.index('id="drivers"')]
    assert "No survey answers for Acme yet" not in section
    assert "No answers are linked to customers" in section and "no answers with NPS and CSAT or CES" in section


def test_the_view_example_query_runs(tmp_path):
    _, db, _ = _tiny(tmp_path)
    view = (REPO / "warehouse" / "views" / "66_cx_churn_by_nps.sql").read_text(encoding="utf-8")
    example = "\n".join(line.removeprefix("--   ") for line in view.splitlines() if line.startswith("--   ")).replace(
        "'parcelo'", "'acme'"
    )
    with duckdb.connect(str(db), read_only=True) as con:
        got = con.execute(example).fetchall()
    # quarter, n_promoters, promoters_pct, n_detractors, detractors_pct, rr, rr_low, rr_high, n_pending, low_n
    assert got == [("2025-Q1", 3, 33.3, 2, 50.0, 1.5, 0.18, 12.46, 0, False),  # 1.5 exp(-/+ 1.96 sqrt(7/6))
                   ("2025-Q4", 0, None, 0, None, None, None, None, 1, True)]  # fmt: skip


def test_a_warehouse_from_before_0007_keeps_its_survey_answers(tmp_path):
    """Migration 0007 empties the customer list (its ids were in clear) and keeps every survey answer."""
    db = tmp_path / "old.duckdb"
    with connect(db) as con:
        con.execute(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " checksum VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        for version, name, f in migrations():
            if version >= 7:
                continue
            text = f.read_text(encoding="utf-8")
            con.execute(text)
            con.execute(
                "INSERT INTO schema_version (version, name, checksum) VALUES (?, ?, ?)",
                [version, name, hashlib.sha256(text.encode()).hexdigest()],
            )
        con.execute(
            "INSERT INTO customers VALUES ('acme', 'C1', 'crm', 'x', DATE '2025-01-01', NULL, 9.0, NULL, now(),"
            " now(), 'r')"
        )
        con.execute(
            "INSERT INTO survey_responses (source, response_id, brand, responded_at, day, nps, first_seen,"
            " last_seen, run_id) VALUES ('s', 'R1', 'acme', now(), current_date, 9, now(), now(), 'r')"
        )
        assert 7 in migrate(con)
        assert con.execute("SELECT count(*) FROM customers").fetchone() == (0,)
        assert con.execute("SELECT response_id, customer_hash FROM survey_responses").fetchall() == [("R1", None)]


# -- the demo's sample files ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo's survey exports and customer lists imported into a warehouse (comments left unscored)."""
    cfg = load_config(REPO / "demo" / "brandpulse.yaml")
    db = tmp_path_factory.mktemp("demo") / "w.duckdb"
    with connect(db) as con:
        migrate(con)
    ingest.import_surveys(cfg, db, RUN, score_comments=False)
    ingest.import_customers(cfg, db, RUN)
    rollup.survey_metrics(cfg, db, RUN)
    return cfg, db


def test_the_summary_gives_the_churn_of_the_latest_complete_month_and_names_it(demo, tmp_path):
    """A customer list that ends on 8 October: October's churn is still counting up (1.3 % for 6.3 %), so the
    summary's line beside the latest NPS gives September's, and says it is September's."""
    import shutil

    from pipeline.warehouse import execute, rows

    _, db = demo
    shutil.copy(db, tmp_path / "w.duckdb")
    with connect(tmp_path / "w.duckdb") as con:
        whole = {r["brand"]: r for r in rows(execute(con, "report/summary_nps"))}
        con.execute("UPDATE customer_metrics SET complete = false WHERE brand = 'parcelo' AND month = '2026-10-01'")
        cut = {r["brand"]: r for r in rows(execute(con, "report/summary_nps"))}
    assert whole["parcelo"]["week"] == date(2026, 10, 26) and whole["parcelo"]["churn_month"] == date(2026, 10, 1)
    assert cut["parcelo"]["churn_month"] == date(2026, 9, 1) and cut["brewbird"] == whole["brewbird"]


@pytest.mark.parametrize("brand", ["parcelo", "brewbird", "novabank"])
def test_the_demo_plants_detractors_churning_about_two_and_a_half_times_as_often(demo, brand):
    cfg, db = demo
    report = worth.cx_roi(cfg, db, brand)
    w = report.worth
    assert 2.0 < w.rr.value < 3.0 and w.rr.low > 1, w.rr  # planted: 1.7 / 0.68 = 2.5
    assert w.rates["detractor"].rate > w.rates["passive"].rate > w.rates["promoter"].rate
    assert report.history[0] == date(2025, 10, 1) and report.as_of == date(2026, 10, 31)
    assert w.at_risk["total"].value > 0 and w.per_point.low > 0
    with connect(db, read_only=True) as con:
        linked = con.execute(
            "SELECT count(customer_hash) / count(*) FROM survey_responses WHERE brand = ?", [brand]
        ).fetchone()[0]
    assert 0.8 < linked < 0.95  # most answers carry a customer id; the rest stay unlinked


def test_roi_and_drivers_commands_on_the_demo(demo):
    _, db = demo
    config = str(REPO / "demo" / "brandpulse.yaml")
    out = CliRunner().invoke(app, ["roi", "--brand", "parcelo", "--config", config, "--db", str(db)])
    assert out.exit_code == 0, out.output
    text = out.output
    assert "relative risk, detractors vs promoters: 2." in text and "Revenue at risk" in text
    assert "one NPS point:" in text and "Association, not proof of cause" in text and "holdout" in text
    assert "2025-Q4  _all" in text and "pending" in text
    out = CliRunner().invoke(app, ["drivers", "--brand", "parcelo", "--config", config, "--db", str(db),
                                   "--no-social", "--date", "2026-10-31"])  # fmt: skip
    assert out.exit_code == 0, out.output
    text = out.output
    assert "answers 2026-08-03 to 2026-10-31" in text and "delivery CSAT" in text and "fix first" in text
    assert "In plain words: delivery matters more than most" in text  # the incident hit delivery hardest
    assert "social aspects: left out (not asked for)" in text
    # a brand with no survey answers at all: said so, with no window (it named one ending today)
    out = CliRunner().invoke(app, ["drivers", "--brand", "zoefiets", "--config", config, "--db", str(db),
                                   "--no-social"])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[:2] == [
        "Zoefiets: what explains NPS",
        "  no survey answers for this brand on any day (brandpulse import-surveys loads them)",
    ]


def test_drivers_chart_with_no_touchpoint_says_none_was_drawn(demo, tmp_path):
    """--chart of a window with no answers printed nothing of the chart and exited 0: the PNG an earlier run wrote
    there was left, read as this window's."""
    _, db = demo
    chart = tmp_path / "drivers.png"
    chart.write_bytes(b"an earlier run's chart")
    config = str(REPO / "demo" / "brandpulse.yaml")
    out = CliRunner().invoke(app, ["drivers", "--brand", "parcelo", "--config", config, "--db", str(db),
                                   "--no-social", "--date", "2027-06-01", "--chart", str(chart)])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert f"chart: none, no touchpoint to place ({chart} left as it was)" in out.output, out.output


def test_drivers_matches_with_the_vectors_the_report_kept_and_writes_none(demo, tmp_path, monkeypatch):
    """`brandpulse drivers` matches the negatives' social aspects with the vectors the report's draws kept beside
    it (``.brandpulse-aspects.npz``): it embeds none of them again, and leaves the file as it was (a query writes
    nothing, not even the pruning a full draw does)."""
    import shutil
    import zlib

    import yaml

    from pipeline.report import build
    from pipeline.sentiment.aspects import AspectMatcher, VectorStore

    cfg, db = demo
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(db, warehouse)
    seed(warehouse, 92)  # Parcelo's mentions and scores, 08-01 .. 10-31, about 12% negative
    embedded = []

    class Scorer:  # stands in for the model: a fixed unit vector per text
        version, aspect_encoder, aspect_layer, aspect_min_similarity = "1.0+abc", "model", 6, 0.0
        model_dir, precision = REPO / "models" / "brandpulse-sentiment", "bf16"

        def embed(self, texts, **_):
            embedded.extend(texts)
            vectors = [np.random.default_rng(zlib.crc32(t.encode())).normal(size=8) for t in texts]
            return [list(v / np.linalg.norm(v)) for v in vectors]

    doc = yaml.safe_load((REPO / "demo" / "brandpulse.yaml").read_text(encoding="utf-8"))
    doc["report_dir"] = str(tmp_path / "reports")
    config = tmp_path / "brandpulse.yaml"
    config.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with connect(warehouse, read_only=True) as con:
        negatives = list(worth.driver_inputs(con, "parcelo", date(2026, 10, 31), 90).negatives["text"])
    assert len(negatives) > 300
    path = tmp_path / "reports" / build.VECTORS
    path.parent.mkdir()
    store = VectorStore(path)  # as the report's draws left it: the window's negatives, and an older one
    AspectMatcher(Scorer(), cfg.aspects_of(cfg.brand("parcelo")), 0.0, store).similarities([*negatives, "older"])
    store.save()
    kept = path.read_bytes()
    embedded.clear()
    monkeypatch.setattr(build, "load_scorer", lambda config: Scorer())
    out = CliRunner().invoke(app, ["drivers", "--brand", "parcelo", "--config", str(config), "--db", str(warehouse),
                                   "--date", "2026-10-31"])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "social aspect " in out.output and "social aspects: left out" not in out.output
    assert embedded == []
    assert path.read_bytes() == kept


def test_the_report_says_what_cx_is_worth(demo, tmp_path):
    cfg, db = demo
    result = build_report(cfg, db, date(2026, 10, 31), tmp_path, brands=["parcelo"])
    html = result["pages"]["parcelo"].read_text(encoding="utf-8")
    section = html[html.index('id="worth"') : html.index('id="drivers"')]
    assert "What CX is worth" in section
    assert "times as often as promoters" in section and "Relative risk" in section and "2025-Q4" in section
    assert "If the gap holds" in section and "One NPS point is associated with" in section
    assert "fix it first" in section and 'class="chart"' in section and "delivery" in section
    assert "Association, not proof of cause" in section and "holdout" in section


def test_driver_quadrant_draws_user_names_as_typed():
    from pipeline.report.charts import driver_quadrant

    touchpoints = [
        {
            "name": r"$\frac{1}{ app$",
            "performance": 0.6,
            "importance": R.Interval(0.5, 0.4, 0.6),
            "quadrant": "fix first",
        },
        {"name": "$billing", "performance": 0.8, "importance": R.Interval(0.2, 0.1, 0.3), "quadrant": "maintain"},
    ]
    assert driver_quadrant(touchpoints, "Parcelo $ drivers")[:8] == b"\x89PNG\r\n\x1a\n"
    assert driver_quadrant([], "nothing")[:8] == b"\x89PNG\r\n\x1a\n"


class _Aspects:
    """Stands in for the report's aspect matcher: a keyword per aspect."""

    def __init__(self, enabled: bool = True):
        self.names, self.enabled = ["delivery", "app"], enabled

    def match(self, texts):
        if not self.enabled:
            return [None] * len(texts)
        return ["delivery" if "late" in t else "app" if "crash" in t else None for t in texts]


def test_a_ces_asked_at_one_touchpoint_or_answered_once_leaves_no_touchpoint_out():
    """Each touchpoint's drivers read the metrics its answers have: CES asked after support contacts only, or one
    stray CES answer, used to leave every other touchpoint (or all of them) out of the analysis."""
    first, last = date(2026, 8, 3), date(2026, 10, 31)
    rng = np.random.default_rng(1)
    rows = []
    for i in range(600):
        touchpoint, csat = ("delivery", "support")[i % 2], int(rng.integers(1, 6))
        nps = int(np.clip(round(2 * csat + rng.normal(0, 1.5)), 0, 10))
        ces = float(rng.integers(1, 8)) if touchpoint == "support" else None
        rows.append({"day": first, "touchpoint": touchpoint, "nps": nps, "csat": csat, "ces": ces})
    answers = pd.DataFrame(rows)
    no_social = (pd.DataFrame({"day": [], "scored": []}), pd.DataFrame({"day": [], "text": []}))

    def run(frame):
        return worth.drivers(worth.DriverInputs("acme", first, last, frame, *no_social), resamples=50)

    support_only = run(answers)
    assert support_only.left_out == [] and {t["name"]: t["metrics"] for t in support_only.touchpoints} == {
        "delivery": ["csat"],
        "support": ["csat", "ces"],
    }
    assert support_only.touchpoints[0]["n"] == 300 and support_only.result.n == 600
    line = worth.driver_lines(support_only)[1]
    assert "600 answers with NPS, each touchpoint's (" in line and "support: CSAT and CES" in line
    stray = answers.assign(ces=None).astype({"ces": float})
    stray.loc[0, "ces"] = 6.0
    once = run(stray)
    assert once.left_out == [] and once.result.n == 600 and once.metrics == ["csat"]
    assert "600 answers with NPS, CSAT; the drivers" in worth.driver_lines(once)[1]
    half = answers.assign(ces=[c if i % 4 == 1 else None for i, c in enumerate(answers["ces"])])  # half of support's
    assert {t["name"]: t["metrics"] for t in run(half).touchpoints}["support"] == ["csat", "ces"]
    quarter = answers.assign(ces=[c if i % 8 == 1 else None for i, c in enumerate(answers["ces"])])
    assert {t["name"]: t["metrics"] for t in run(quarter).touchpoints}["support"] == ["csat"]  # not 75 rows of 300
    # support asks only CES (three stray CSAT answers aside): its performance is CES easy, against no CSAT share
    pairs = enumerate(zip(answers["touchpoint"], answers["csat"], strict=True))
    ces_only = answers.assign(csat=[c if t == "delivery" or i < 6 else None for i, (t, c) in pairs])
    mixed = {t["name"]: t for t in run(ces_only).touchpoints}
    assert (mixed["support"]["metrics"], mixed["support"]["performance_metric"]) == (["ces"], "ces")
    assert mixed["support"]["performance"] == mixed["support"]["ces_easy"] != mixed["support"]["csat_top2"]
    assert mixed["support"]["mean_performance"] == mixed["support"]["ces_easy"]  # the only one measured by CES
    assert mixed["delivery"]["mean_performance"] == mixed["delivery"]["csat_top2"]
    quadrants = "Quadrants split at the touchpoints' mean importance and mean CSAT top-2"
    assert f"{quadrants}: fix first" in "\n".join(worth.driver_lines(support_only))  # CSAT, whatever placed them
    assert f"{quadrants} (CES easy against its own mean where a touchpoint has no CSAT): fix first" in "\n".join(
        worth.driver_lines(run(ces_only))
    )


def test_social_aspects_join_the_drivers_with_their_share_negative():
    first, last = date(2026, 1, 1), date(2026, 3, 31)
    days = pd.date_range(first, last).date
    incident = {date(2026, 2, 10), date(2026, 2, 11), date(2026, 2, 12)}  # 5 "late" negatives a day
    rng = np.random.default_rng(5)
    rows = []
    for d in days:
        for touchpoint in ("delivery", "support"):
            csat = int(rng.integers(1, 6))
            hit = any(0 <= (d - i).days < 7 for i in incident)  # the incident in the 7 days up to the answer
            nps = int(np.clip(round(2 * csat - 3 * hit + rng.normal(0, 1)), 0, 10))
            rows.append(
                {"day": d, "touchpoint": touchpoint, "nps": nps, "csat": csat, "ces": float(rng.integers(1, 8))}
            )
    negatives = [{"day": d, "text": "parcel late again"} for d in sorted(incident) for _ in range(5)]
    negatives += [{"day": d, "text": "app crash"} for d in days[::10]]
    inputs = worth.DriverInputs(
        "acme",
        first,
        last,
        pd.DataFrame(rows),
        pd.DataFrame({"day": days, "scored": 10}),
        pd.DataFrame(negatives),
    )
    report = worth.drivers(inputs, _Aspects(), resamples=200)
    social = {s["aspect"]: s for s in report.social}
    # 15 delivery negatives of 90 days x 10 scored mentions
    assert social["delivery"]["share_negative"] == approx(15 / 900)
    assert social["delivery"]["importance"].share > social["app"]["importance"].share
    assert social["delivery"]["importance"].low > 0.01  # the answers after the incident are lower
    assert {t["name"] for t in report.touchpoints} == {"delivery", "support"}
    off = worth.drivers(inputs, _Aspects(enabled=False), resamples=50)
    assert off.social == [] and "aspect matching is off" in off.social_note
    assert worth.drivers(inputs, None, resamples=50).social_note == "left out (not asked for)"


def test_no_clv_keeps_the_churn_figures_and_leaves_out_the_money(tmp_path):
    cfg, db, _ = _tiny(tmp_path)
    with connect(db) as con:
        con.execute("UPDATE customer_metrics SET clv_discounted = NULL")
    report = worth.cx_roi(cfg, db, "acme")
    assert report.worth.rates["detractor"].n > 0 and report.worth.at_risk == {}
    assert "no CLV in customer_metrics" in report.note
    assert "Revenue at risk" not in "\n".join(worth.roi_lines(report))


def test_revenue_at_risk_of_the_current_detractors_and_passives_by_hand():
    """roi() on respondents written out by hand. History (windows ended): detractors 1 of 2 churned (.5), passives
    2 of 5 (.4), promoters 1 of 4 (.25): gaps .25 and .15. Current (latest answers from Sep 3 to Dec 1, 2025;
    the list's last day Dec 31): detractors c1 (still a customer, segment x), c2 (ends Dec 31, the list's last
    day: gone), c3 (ended Dec 20: gone); passives c4 and c6 (segment y; c6's end in March 2026 is scheduled, still
    a customer); promoter c5. CLV x 1,000, y 400: at risk .25 x 1,000 = 250 from detractors, .15 x (400 + 400) = 120
    from passives, 370 in all. Base 10 x 1,000 + 5 x 400 = 12,000: 1 % moved is .01 x .25 x 12,000 = 30; a point 15."""
    as_of = date(2025, 12, 31)

    def resp(key, group, day, churned, complete, end=None, segment="x"):
        return {"customer_hash": key, "nps_group": group, "day": day, "churned": churned, "complete": complete,
                "end_date": end, "segment": segment, "as_of": as_of}  # fmt: skip

    history = [
        resp("d1", "detractor", date(2025, 3, 1), True, True, date(2025, 4, 15)),
        resp("d2", "detractor", date(2025, 3, 2), False, True),
        *(resp(f"p{i}", "promoter", date(2025, 3, 3 + i), i == 0, True) for i in range(4)),
        *(resp(f"s{i}", "passive", date(2025, 3, 10 + i), i < 2, True) for i in range(5)),
    ]
    current = [
        resp("c1", "detractor", date(2025, 12, 1), False, False),
        resp("c2", "detractor", date(2025, 11, 20), True, False, as_of),
        resp("c3", "detractor", date(2025, 11, 10), True, False, date(2025, 12, 20)),
        resp("c4", "passive", date(2025, 11, 15), False, False, segment="y"),
        resp("c6", "passive", date(2025, 11, 25), False, False, date(2026, 3, 1), segment="y"),
        resp("c5", "promoter", date(2025, 12, 1), False, False),
    ]
    month = {"month": date(2025, 11, 1), "margin": 0.3, "discount_rate_monthly": 0.008}
    clv = {s: {**month, "segment": s, "clv_discounted": v} for s, v in (("x", 1000.0), ("y", 400.0), ("_all", 600.0))}
    inputs = worth.RoiInputs("acme", 90, 365, history + current, clv, {"x": 10, "y": 5})
    report = worth.roi(inputs, min_n=2, resamples=200)
    assert report.as_of == as_of and report.current == (date(2025, 9, 3), date(2025, 12, 1))
    members = {g: (m["customers"], m["left"], m["clv"]) for g, m in report.current_members.items()}
    assert members == {"detractor": (1, 2, 1000.0), "passive": (2, 0, 800.0), "promoter": (1, 0, 1000.0)}
    w = report.worth
    assert {g: (r.n, r.churned) for g, r in w.rates.items()} == {
        "promoter": (4, 1),
        "passive": (5, 2),
        "detractor": (2, 1),
    }
    assert w.gap == {"passive": approx(0.15), "detractor": approx(0.25)}
    assert w.rr.value == approx(2.0)  # .5 / .25
    assert {k: v.value for k, v in w.at_risk.items()} == {
        "detractor": approx(250.0),
        "passive": approx(120.0),
        "total": approx(370.0),
    }
    assert report.base == {"customers": 15, "clv": approx(12_000.0)}
    assert (w.move_one_percent.value, w.per_point.value) == (approx(30.0), approx(15.0))


def _answer(key, group, churned=False, complete=True, end_date=None, segment="x", day=None) -> dict:
    """A linked NPS answer of the hand-built RoiInputs below: given on ``day``, else on 2025-03-01 (its 90 days
    ended) or 2025-12-01 (still running), the customer list's last day being 2025-12-31."""
    day = day or (date(2025, 3, 1) if complete else date(2025, 12, 1))
    return {"customer_hash": key, "nps_group": group, "day": day, "churned": churned, "complete": complete,
            "end_date": end_date, "segment": segment, "as_of": date(2025, 12, 31)}  # fmt: skip


def test_roi_before_any_churn_window_has_ended_says_so_not_that_there_are_no_detractors():
    """Detractors and promoters answered, but none of their 90 days has ended by the list's last day (Dec 31): the
    relative risk said "none (no detractors to compare)", sending the analyst to look for unlinked detractors, where
    the quarter table says the windows are still running. Answers whose windows ended before the history are said
    as such."""
    answers = [_answer(f"d{i}", "detractor", complete=False, day=date(2025, 11, 1 + i)) for i in range(3)]
    answers += [_answer(f"p{i}", "promoter", complete=False, day=date(2025, 11, 10 + i)) for i in range(3)]
    clv = {"_all": {"segment": "_all", "month": date(2025, 11, 1), "clv_discounted": 600.0, "margin": 0.3,
                    "discount_rate_monthly": 0.008}}  # fmt: skip
    report = worth.roi(worth.RoiInputs("acme", 90, 365, answers, clv, {"x": 10}), min_n=2, resamples=50)
    assert report.worth.rr.note == "no respondent's 90 days have passed yet"
    assert "  relative risk: none (no respondent's 90 days have passed yet)" in worth.roi_lines(report)
    assert report.readings["churn"] == "No relative risk: no respondent's 90 days have passed yet."
    old = [_answer("d9", "detractor", day=date(2024, 1, 5)), _answer("p9", "promoter", day=date(2024, 1, 6))]
    report = worth.roi(worth.RoiInputs("acme", 90, 365, answers + old, clv, {"x": 10}), min_n=2, resamples=50)
    assert report.worth.rr.note == "no respondent's 90 days ended within the last 365 days"


def _answer_again(cfg, db: Path, customer: str, day: date, nps: int) -> None:
    """One more answer (R12, 10:00 UTC on ``day``) of a customer of the tiny data, then the survey step again."""
    with connect(db) as con:
        con.execute(
            "INSERT INTO survey_responses (source, response_id, brand, responded_at, day, nps, customer_hash,"
            " first_seen, last_seen, run_id) VALUES ('acme-nps', 'R12', 'acme', CAST(? AS TIMESTAMPTZ), ?, ?, ?,"
            " now(), now(), ?)",
            [f"{day}T10:00:00Z", day, nps, Pseudonymiser(None)(customer), RUN],
        )
    rollup.survey_metrics(cfg, db, RUN)


def test_roi_counts_each_customer_once_over_the_history(tmp_path):
    """C3 answers again in Q2 (a 4), 71 days before leaving: the churn by quarter has them in Q1 (stayed 130 days)
    and in Q2 (churned), but the money pools the year, where one person is one respondent: their latest answer."""
    cfg, db, _ = _tiny(tmp_path)
    _answer_again(cfg, db, "C3", date(2025, 4, 10), 4)
    t = _churn(db)
    assert (t[("2025-Q2", "_all")]["n_detractors"], t[("2025-Q2", "_all")]["churned_detractors"]) == (1, 1)
    rates = worth.cx_roi(cfg, db, "acme").worth.rates
    # detractors C1 (churned) and C3 (latest answer in Q2, churned): 2 of 2, not C3's Q1 answer as a third
    assert (rates["detractor"].n, rates["detractor"].churned) == (2, 2)
    assert (rates["promoter"].n, rates["promoter"].churned) == (3, 1)


def test_roi_keeps_a_customer_whose_latest_answer_of_the_quarter_is_still_pending(tmp_path):
    """C8 answers an 8 on 2025-10-01 (its 90 days end 2025-12-30, within the list) and a 6 on 10-20 (pending):
    the Q4 churn table keeps its one respondent, the pending 6; the money's history takes the 8 (C8 stays), where
    before it lost C8 (the quarter's one row was pending); the current window still reads the 6."""
    cfg, db, _ = _tiny(tmp_path)
    before = worth.cx_roi(cfg, db, "acme")
    _answer_again(cfg, db, "C8", date(2025, 10, 1), 8)
    q4 = _churn(db)[("2025-Q4", "_all")]
    assert (q4["n_pending"], q4["n_passives"], q4["n_detractors"]) == (1, 0, 0)
    after = worth.cx_roi(cfg, db, "acme")
    assert (before.worth.rates["passive"].n, before.worth.rates["passive"].churned) == (1, 0)  # C5
    assert (after.worth.rates["passive"].n, after.worth.rates["passive"].churned) == (2, 0)  # C5 and C8
    assert after.worth.rates["detractor"] == before.worth.rates["detractor"]
    assert after.history[1] == date(2025, 10, 1)
    assert after.current_members == before.current_members and after.current == before.current


def test_money_from_fewer_respondents_than_min_responses_is_said_to_be_a_hint(tmp_path):
    """Revenue at risk and the value of a point from a handful of detractors or promoters carry a caveat (they
    read as measured before: '0 of lifetime value ... between 0 and 0' from five of each)."""
    cfg, db, _ = _tiny(tmp_path)
    assert "a hint, not a measure" not in " ".join(worth.cx_roi(cfg, db, "acme").readings.values())
    strict = cfg.model_copy(update={"surveys": cfg.surveys.model_copy(update={"min_responses": 30})})
    report = worth.cx_roi(strict, db, "acme")
    assert report.readings["risk"].endswith(
        "Few detractors and promoters whose churn window has ended (under the minimum, min_responses): read these "
        "figures as a hint, not a measure."
    )


def test_the_drivers_reading_never_says_68_percent_against_68_percent():
    """A touchpoint under the mean by 0.2 points is 'fix first' by the quadrant split (at the means), and the
    reading says how close it is, with the decimal that tells the two apart."""
    delivery = {"name": "delivery", "importance": R.Interval(0.37, 0.3, 0.45), "performance": 0.6768,
                "mean_performance": 0.6789, "performance_metric": "csat", "quadrant": "fix first"}  # fmt: skip
    report = worth.DriverReport("parcelo", date(2026, 6, 18), date(2026, 9, 15), touchpoints=[delivery])
    assert worth._driver_reading(report) == (
        "delivery matters more than most for NPS (37% of what the drivers explain) and scores just below average "
        "(CSAT 67.7% against 67.9%): fix it first."
    )
    report.touchpoints = [{**delivery, "performance": 0.61, "mean_performance": 0.66}]
    assert "scores below average (CSAT 61% against 66%)" in worth._driver_reading(report)


def test_drivers_that_explain_nothing_rank_no_touchpoint():
    """A CSAT that never varies (or an NPS that never does) explains nothing: R² = 0, every importance 0%, and the
    reading said "app matters most (0% of what the drivers explain): keep it up"."""
    day = date(2025, 2, 1)
    answers = pd.DataFrame(
        [(day, "app", n % 11, 4.0, None) for n in range(40)], columns=["day", "touchpoint", "nps", "csat", "ces"]
    )
    empty = pd.DataFrame(columns=["day", "scored"])
    inputs = worth.DriverInputs("acme", date(2025, 1, 1), date(2025, 3, 31), answers, empty, empty)
    report = worth.drivers(inputs, resamples=20)
    assert report.result.r2.value == 0 and "matters most" not in report.reading
    assert report.reading.endswith("no touchpoint can be ranked.")


def test_a_scheduled_end_date_changes_neither_the_lists_last_day_nor_who_has_left(tmp_path):
    """C8 answered in October; its contract now ends next month (a scheduled end, in the list): the list's last day
    stays 2025-12-31 (capped at today, the future date made it today, and every month since 'complete' with no
    churn), and C8 is still a customer at risk, not one who already left."""
    from datetime import UTC, datetime

    cfg, db, _ = _tiny(tmp_path)
    before = worth.cx_roi(cfg, db, "acme")
    soon = (datetime.now(UTC).date() + timedelta(days=20)).isoformat()
    _csv(tmp_path / "customers.csv", [row if row[0] != "C8" else [*row[:3], soon, row[4]] for row in CUSTOMERS])
    ingest.import_customers(cfg, db, RUN)  # the list exported again
    rollup.survey_metrics(cfg, db, RUN)
    after = worth.cx_roi(cfg, db, "acme")
    assert after.as_of == before.as_of == date(2025, 12, 31)
    assert after.current_members == before.current_members
    with connect(db) as con:
        assert con.execute("SELECT max(month) FROM customer_metrics WHERE brand = 'acme'").fetchall() == [
            (date(2025, 12, 1),)
        ]


def test_a_segment_without_a_clv_of_its_own_is_said_to_be_valued_at_the_brands(tmp_path):
    """Business customers who never churned have no CLV (no end to their lifetime): they are valued at the whole
    brand's CLV, and the assumptions say so (the substitution was silent)."""
    cfg, db, _ = _tiny(tmp_path)
    assert not any("valued at the whole brand's CLV" in line for line in worth.cx_roi(cfg, db, "acme").assumptions)
    _csv(tmp_path / "customers.csv", [row if row[0] != "C4" else [*row[:3], "", row[4]] for row in CUSTOMERS])
    ingest.import_customers(cfg, db, RUN)
    rollup.survey_metrics(cfg, db, RUN)
    report = worth.cx_roi(cfg, db, "acme")
    assert "2 active customers of business have no CLV of their segment's own" in " ".join(report.assumptions)


def test_roi_windows_at_their_edges_and_a_segment_valued_at_the_brands_clv():
    """roi() on respondents written out by hand, day by day at each edge (as_of Dec 31, 2025; 90-day window;
    history_days 200). The history takes answers whose window ended within 200 days before as_of: day > Oct 2
    (horizon) - 200 = Mar 16. "old" answered on Mar 16 (window ended Jun 14, exactly 200 days before): out; d1 on
    Mar 17: in. m answered a 10 on Apr 1 and a 3 on Jun 1 (given newest first): one detractor, their latest.
    Detractors d1, m (churned), e, f (stayed): 2 of 4; promoters p0-p3, p1 churned: 1 of 4; passives 0 of 2.
    The current window runs from Dec 1 (the latest answer) - 89 days = Sep 3: e (Sep 3, segment z) is in it, f
    (Sep 2) is not. z has no CLV of its own: e and z's 2 active customers are valued at the brand's ('_all', 600);
    without a '_all' row they have no CLV (e counted as such, z left out of the base)."""
    as_of = date(2025, 12, 31)

    def resp(key, group, day, churned, complete=True, segment="x"):
        return {"customer_hash": key, "nps_group": group, "day": day, "churned": churned, "complete": complete,
                "end_date": None, "segment": segment, "as_of": as_of}  # fmt: skip

    respondents = [
        resp("old", "detractor", date(2025, 3, 16), True),
        resp("d1", "detractor", date(2025, 3, 17), True),
        resp("m", "detractor", date(2025, 6, 1), True),
        resp("m", "promoter", date(2025, 4, 1), False),
        *(resp(f"p{i}", "promoter", date(2025, 5, 1 + i), i == 1) for i in range(4)),
        *(resp(f"s{i}", "passive", date(2025, 5, 10 + i), False) for i in range(2)),
        resp("f", "detractor", date(2025, 9, 2), False),
        resp("e", "detractor", date(2025, 9, 3), False, segment="z"),
        resp("c", "promoter", date(2025, 12, 1), False, complete=False),
    ]
    clv = {
        "x": {"segment": "x", "month": date(2025, 11, 1), "clv_discounted": 1000.0, "margin": 0.3,
              "discount_rate_monthly": 0.008},
        "_all": {"segment": "_all", "month": date(2025, 12, 1), "clv_discounted": 600.0, "margin": 0.3,
                 "discount_rate_monthly": 0.008},
    }  # fmt: skip
    inputs = worth.RoiInputs("acme", 90, 200, respondents, clv, {"x": 10, "z": 2})
    report = worth.roi(inputs, min_n=2, resamples=50)
    rates = {g: (r.n, r.churned) for g, r in report.worth.rates.items()}
    assert rates == {"promoter": (4, 1), "passive": (2, 0), "detractor": (4, 2)}
    assert report.history == (date(2025, 3, 17), date(2025, 9, 3))
    assert report.current == (date(2025, 9, 3), date(2025, 12, 1))
    members = {g: (m["customers"], m["no_clv"], m["clv"]) for g, m in report.current_members.items()}
    assert members == {"detractor": (1, 0, 600.0), "passive": (0, 0, 0.0), "promoter": (1, 0, 1000.0)}
    assert report.base == {"customers": 12, "clv": approx(10 * 1000 + 2 * 600)}
    assert report.clv_month == date(2025, 12, 1)  # the brand's month, not the first segment's
    alone = worth.roi(replace(inputs, clv={"x": clv["x"]}), min_n=2, resamples=50)
    members = {g: (m["customers"], m["no_clv"], m["clv"]) for g, m in alone.current_members.items()}
    assert members == {"detractor": (0, 1, 0.0), "passive": (0, 0, 0.0), "promoter": (1, 0, 1000.0)}
    assert alone.base == {"customers": 10, "clv": approx(10_000.0)} and alone.clv_month == date(2025, 11, 1)


def test_the_roi_readings_follow_the_intervals_not_the_point_estimates():
    """The plain-words lines, from figures written out by hand. Churn: 'times as often' only when the relative
    risk's whole interval is above 1, 'less often' only when it is below 1; an interval across 1 is 'about as
    often', whichever side the point falls. Risk: nothing at risk only when even the upper bound is 0 or less; the
    lower bound is said as 0 at least; the customers are the detractors' and the passives'. Too few promoters (with
    enough detractors) is said too."""

    def churn(detractors: tuple[int, int], promoters: tuple[int, int]) -> str:
        rates = {
            "detractor": R.churn_rate(*detractors),
            "passive": R.churn_rate(0, 0),
            "promoter": R.churn_rate(*promoters),
        }
        rr = R.relative_risk(*detractors, *promoters)
        return worth._roi_readings(worth.RoiReport("acme", R.Worth(rates, rr), 90))["churn"]

    # detractors 10 of 50, promoters 5 of 100: RR 4 (1.44 to 11.08)
    assert churn((10, 50), (5, 100)) == (
        "Detractors left 4.0 times as often as promoters within 90 days of answering (20.0% against 5.0%)."
    )
    # 5 of 100 against 15 of 50: RR .05 / .3 = .17, its interval below 1
    assert churn((5, 100), (15, 50)).startswith("Detractors left less often than promoters (0.2 times their rate)")
    # 3 of 10 against 2 of 10 (RR 1.5) and 2 of 10 against 3 of 10 (RR .67): both intervals hold 1
    within = "Detractors left about as often as promoters (the difference is within the noise) within 90 days"
    assert churn((3, 10), (2, 10)) == f"{within} of answering (30.0% against 20.0%)."
    assert churn((2, 10), (3, 10)) == f"{within} of answering (20.0% against 30.0%)."
    assert churn((0, 10), (0, 10)) == "No relative risk: no churner in either group."

    def risk(total: R.Interval, promoters: int = 100) -> str:
        rates = {"detractor": R.churn_rate(10, 50), "passive": R.churn_rate(5, 50),
                 "promoter": R.churn_rate(5, promoters)}  # fmt: skip
        w = R.Worth(rates, R.relative_risk(10, 50, 5, promoters), at_risk={"total": total, "passive": total})
        members = {"detractor": {"customers": 3}, "passive": {"customers": 4}}
        return worth._roi_readings(worth.RoiReport("acme", w, 90, current_members=members))["risk"]

    # a point below 0 with an upper bound above it: money may be at risk, from 3 + 4 customers, at least 0
    assert risk(R.Interval(-120.0, -300.0, 450.0)) == (
        "If the gap holds, the excess churn of today's 7 detractors and passives would cost about −120 of lifetime "
        "value in the next 90 days (between 0 and 450)."
    )
    assert risk(R.Interval(-50.0, -200.0, 0.0)) == (
        "Current detractors and passives show no excess churn over promoters: nothing at risk."
    )
    # 50 detractors (min_responses 30: enough), 10 promoters: the promoters are few, and the caveat says so
    assert risk(R.Interval(100.0, 20.0, 200.0), promoters=10).endswith(
        "(between 20 and 200). Few promoters whose churn window has ended (under the minimum, min_responses): read "
        "these figures as a hint, not a measure."
    )


def test_the_risk_reading_counts_only_the_groups_whose_money_is_in_the_total():
    """One passive whose window has ended: cx_worth leaves the passives out of the money (the bootstrap needs 2),
    so the reading's customers and words are the 3 current detractors' alone, not the 100 passives' too. Five
    passives (under min_responses) are in the money, and the caveat names them."""

    def report(passives: int) -> worth.RoiReport:
        history = [_answer(f"d{i}", "detractor", i < 10, True) for i in range(40)]
        history += [_answer(f"p{i}", "promoter", i < 2, True) for i in range(40)]
        history += [_answer(f"s{i}", "passive", i == 0, True) for i in range(passives)]
        current = [_answer(f"c{i}", "detractor", False, False) for i in range(3)]
        current += [_answer(f"q{i}", "passive", False, False) for i in range(100)]
        month = {"month": date(2025, 11, 1), "margin": 0.3, "discount_rate_monthly": 0.008}
        clv = {"_all": {**month, "segment": "_all", "clv_discounted": 1000.0}}
        return worth.roi(worth.RoiInputs("acme", 90, 365, history + current, clv, {"x": 200}), resamples=200)

    one = report(1)
    assert set(one.worth.at_risk) == {"detractor", "total"}
    assert one.readings["risk"].startswith(
        "If the gap holds, the excess churn of today's 3 detractors would cost about 600 of lifetime value"
    )
    assert "hint" not in one.readings["risk"]
    five = report(5)
    assert five.readings["risk"].startswith("If the gap holds, the excess churn of today's 103 detractors and passives")
    assert five.readings["risk"].endswith(
        "Few passives whose churn window has ended (under the minimum, min_responses): read these figures as a "
        "hint, not a measure."
    )


def test_the_risk_reading_with_no_current_detractor_or_passive_still_a_customer_does_not_deny_their_gap():
    """Detractors churned 10 times as often as promoters, but every current detractor has left and no passive
    answered lately: the total at risk is 0 for want of customers, not for want of a gap ("show no excess churn
    over promoters" contradicted the churn line above it)."""

    history = [_answer(f"d{i}", "detractor", i < 20, True) for i in range(40)]
    history += [_answer(f"p{i}", "promoter", i < 2, True) for i in range(40)]
    history += [_answer(f"s{i}", "passive", i < 8, True) for i in range(40)]
    current = [_answer(f"c{i}", "detractor", True, False, date(2025, 12, 20)) for i in range(3)]
    month = {"month": date(2025, 11, 1), "margin": 0.3, "discount_rate_monthly": 0.008}
    clv = {"_all": {**month, "segment": "_all", "clv_discounted": 1000.0}}
    out = worth.roi(worth.RoiInputs("acme", 90, 365, history + current, clv, {"x": 200}), resamples=200)
    assert out.worth.gap["detractor"] == approx(0.45) and out.current_members["detractor"]["left"] == 3
    assert out.readings["churn"].startswith("Detractors left 10.0 times as often as promoters")
    assert out.readings["risk"] == "No current detractors or passives are still customers: nothing at risk."


def test_passives_churning_less_with_none_still_a_customer_read_0_not_minus_0_in_one_minus_sign():
    """Passives churned less than promoters (0 of 40 against 10 of 40) and both current passives have left: their
    line read "churn gap -25.0 pp = −0 (95% CI −0 to −0)" (a negative gap times no CLV is -0.0, and the gap's
    ASCII minus beside the money's "−"), and the assumptions said the passives' figures took Wilson intervals,
    though with no CLV behind them no figure reads their rate."""

    history = [_answer(f"d{i}", "detractor", i < 20, True) for i in range(40)]
    history += [_answer(f"p{i}", "promoter", i < 10, True) for i in range(40)]
    history += [_answer(f"s{i}", "passive", False, True) for i in range(40)]
    current = [_answer(f"c{i}", "detractor", False, False) for i in range(3)]
    current += [_answer(f"q{i}", "passive", True, False, date(2025, 12, 20)) for i in range(2)]
    month = {"month": date(2025, 11, 1), "margin": 0.3, "discount_rate_monthly": 0.008}
    clv = {"_all": {**month, "segment": "_all", "clv_discounted": 1000.0}}
    out = worth.roi(worth.RoiInputs("acme", 90, 365, history + current, clv, {"x": 200}), resamples=200)
    lines = worth.roi_lines(out)
    assert "  passives    0 still customers (CLV 0) x churn gap −25.0 pp = 0 (95% CI 0 to 0)" in lines
    assert "  detractors  3 still customers (CLV 3,000) x churn gap +25.0 pp = 750 (95% CI 75 to 1,350)" in lines
    assert out.worth.wilson == () and not any("Wilson intervals (MOVER" in a for a in out.assumptions)


def test_a_segments_clv_from_few_customers_is_said_in_the_assumptions():
    """Segment y's CLV comes from a month that began with 2 customers (customer_metrics flags it low_n): roi valued
    y's customers at it without a word, where a segment with no CLV at all is named (valued at the brand's). low_n
    is shown, not hidden: the CLV is kept, and the assumptions name the segment and its few customers."""

    history = [_answer(f"d{i}", "detractor", i < 20, True) for i in range(40)]
    history += [_answer(f"p{i}", "promoter", i < 10, True) for i in range(40)]
    current = [_answer("c0", "detractor", False, False), _answer("c1", "detractor", False, False, segment="y")]
    month = {"month": date(2025, 11, 1), "margin": 0.3, "discount_rate_monthly": 0.008}
    clv = {
        s: {**month, "segment": s, "clv_discounted": v, "active_start": n, "low_n": n < 30}
        for s, v, n in (("_all", 1000.0, 202), ("x", 900.0, 200), ("y", 9000.0, 2))
    }
    out = worth.roi(worth.RoiInputs("acme", 90, 365, history + current, clv, {"x": 200, "y": 2}), resamples=200)
    assert out.current_members["detractor"]["clv"] == approx(9900.0)  # y's own CLV, kept
    few = [a for a in out.assumptions if a.startswith("CLV from few customers")]
    assert few == [
        "CLV from few customers (low_n: under min_responses), taken all the same: y (2 customers at the start of "
        "2025-11); read the money of their customers as a hint, not a measure."
    ]
    clv["y"]["low_n"] = False
    out = worth.roi(worth.RoiInputs("acme", 90, 365, history + current, clv, {"x": 200, "y": 2}), resamples=200)
    assert not any(a.startswith("CLV from few customers") for a in out.assumptions)


def test_the_point_reading_says_when_its_interval_holds_0_or_lies_below_it():
    """The value of a point follows its interval as the churn and risk lines do: below 0 (detractors churned less)
    it is no value kept, not "about −200 of lifetime value kept"; across 0 it says it may be worth nothing."""

    def point(value: float, low: float, high: float) -> str:
        rates = {g: R.churn_rate(5, 50) for g in R.GROUPS}
        w = R.Worth(rates, R.relative_risk(5, 50, 5, 50), per_point=R.Interval(value, low, high))
        return worth._roi_readings(worth.RoiReport("acme", w, 90, base={"customers": 200, "clv": 2e5}))["point"]

    assert point(-200.0, -350.0, -50.0) == (
        "One NPS point is associated with no lifetime value kept: detractors churned no more than promoters."
    )
    assert point(50.0, -75.0, 200.0) == (
        "One NPS point is associated with about 50 of lifetime value kept per 90 days (between −75 and 200; the "
        "interval holds 0: it may be worth nothing); association, not a promise."
    )
    assert point(450.0, 299.0, 601.0) == (
        "One NPS point is associated with about 450 of lifetime value kept per 90 days (between 299 and 601); "
        "association, not a promise."
    )


def test_roi_takes_the_history_days_of_the_config(tmp_path):
    """surveys.cx.history_days bounds the answers that measure the churn gap: the list's last day is Dec 31, 2025,
    so the 90-day windows that ended by then are those of answers up to Oct 2; with 243 days, those after Oct 2 -
    243 days = Feb 1 (C1 and C2, answered on Feb 1, are out: their windows ended on May 2, 243 days before Dec 31,
    not within); with 244, Feb 1 is in and the figures are the whole history's."""
    cfg, db, _ = _tiny(tmp_path)

    def history(days: int):
        cx = cfg.surveys.cx.model_copy(update={"history_days": days})
        report = worth.cx_roi(cfg.model_copy(update={"surveys": cfg.surveys.model_copy(update={"cx": cx})}), db, "acme")
        return report.history, {g: (r.n, r.churned) for g, r in report.worth.rates.items()}

    # detractor C3 (stayed), promoters C4 (churned) and C6, passive C5; then C1 (churned) and C2 join
    assert history(243) == (
        (date(2025, 2, 10), date(2025, 3, 1)),
        {"promoter": (2, 1), "passive": (1, 0), "detractor": (1, 0)},
    )
    assert history(244) == (
        (date(2025, 2, 1), date(2025, 3, 1)),
        {"promoter": (3, 1), "passive": (1, 0), "detractor": (2, 1)},
    )


def test_roi_values_customers_at_the_latest_complete_month_of_clv(tmp_path):
    """December 2025 still counting (not complete): the CLV is each segment's latest complete month with one, not
    December's. The brand's ('_all') has none from September to November (no churn pooled): August. consumer:
    August, churn .0625 (pooled), ARPU 10, margin .3 -> m = 3; i = 1.1^(1/12) - 1 = .0079741: 3 x .9375 /
    (1.0079741 - .9375) = 39.9083; business: May, churn .25, ARPU 50 -> 15 x .75 / (1.0079741 - .75) = 43.6090.
    The base, 4 consumers and 1 business customer: 4 x 39.9083 + 43.6090 = 203.2422; C8, the current detractor,
    a consumer: 39.9083. The assumptions name business's month too (they said 2025-08 for every segment)."""
    cfg, db, _ = _tiny(tmp_path)
    with connect(db) as con:
        con.execute("UPDATE customer_metrics SET complete = false WHERE month = DATE '2025-12-01'")
    report = worth.cx_roi(cfg, db, "acme")
    assert report.clv_month == date(2025, 8, 1)
    assert "in customer_metrics (2025-08; business: 2025-05; margin 30%" in " ".join(report.assumptions)
    assert report.base == {"customers": 5, "clv": approx(203.2422, 1e-3)}
    assert report.current_members["detractor"]["clv"] == approx(39.9083, 1e-3)


def test_customers_without_a_segment_are_the_none_segment_in_todays_base(tmp_path):
    """A customer listed without a segment is in the '(none)' segment, as customer_metrics has it: it has no CLV of
    its own there (no churn yet), so it is valued at the brand's, and said so."""
    cfg, db, _ = _tiny(tmp_path)
    with connect(db) as con:
        con.execute(
            "INSERT INTO customers BY NAME SELECT 'acme' AS brand, 'plain' AS customer_hash, 'acme-crm' AS source,"
            " NULL AS segment, DATE '2025-01-01' AS start_date, NULL AS end_date, 10.0 AS monthly_revenue,"
            " now() AS first_seen, now() AS last_seen, 'r' AS run_id"
        )
        assert worth.roi_inputs(con, "acme").active == {"business": 1, "consumer": 4, "(none)": 1}
    report = worth.cx_roi(cfg, db, "acme")
    assert report.base["customers"] == 6
    assert "1 active customers of (none) have no CLV of their segment's own" in " ".join(report.assumptions)


def test_the_current_windows_answers_not_linked_are_counted_from_its_first_day(tmp_path):
    """The current window runs from C8's answer (Oct 20, 2025, the latest) back 90 days, Jul 23 included: an
    anonymous 10 on Jul 23 is one of its answers not linked to a customer, another on Jul 22 is not."""
    cfg, db, _ = _tiny(tmp_path)
    with connect(db) as con:
        for response, day in (("A1", date(2025, 7, 23)), ("A2", date(2025, 7, 22))):
            con.execute(
                "INSERT INTO survey_responses (source, response_id, brand, responded_at, day, nps, first_seen,"
                " last_seen, run_id) VALUES ('acme-nps', ?, 'acme', CAST(? AS TIMESTAMPTZ), ?, 10, now(), now(), ?)",
                [response, f"{day}T10:00:00Z", day, RUN],
            )
    report = worth.cx_roi(cfg, db, "acme")
    assert report.current == (date(2025, 7, 23), date(2025, 10, 20))
    assert report.current_members["promoter"]["unlinked"] == 1
    assert "1 current answers are not linked to a customer" in " ".join(report.assumptions)


def test_each_touchpoints_drivers_are_centred_on_its_own_mean_by_hand():
    """delivery: 40 answers, CSAT 1-5 (8 each), NPS = 2 CSAT - 1 exactly, CES 5 throughout; support: 42 answers,
    CSAT 3-5, each with NPS 6 and 10 alike (7 times), CES 4 throughout. Centred on each touchpoint's own mean, support's
    CSAT is uncorrelated with NPS (each CSAT has both 6 and 10) and with delivery's (zero off its rows): it explains
    nothing, though its answers are both more satisfied and higher. delivery's CSAT c - 3 against NPS: cross-products
    2 x 8 x (4 + 1 + 0 + 1 + 4) = 160, sum of squares 80; NPS mean (40 x 5 + 42 x 8) / 82 = 6.53659, sum of squares
    about it 320 + 40 x 1.53659^2 + 42 x 4 + 42 x 1.46341^2 = 672.3902: R^2 = 160^2 / (80 x 672.3902) = .475914.
    The CES columns do not vary within a touchpoint: weight 0. min_n 40: delivery's 40 answers with both are enough
    for both metrics (and at least half of its 50 with CSAT): its 10 more answers without a CES (CSAT 1-5 twice,
    NPS 10) are left out of the drivers, not read as a missing value. Performance, over every answer: CSAT top-2
    (4-5) 20 of 50 = .4 and 28 of 42 = .667, mean .533; CES easy (5-7) 1 and 0. delivery matters most and scores
    below the mean: fix first; support: maintain."""
    day = date(2026, 9, 1)
    rows = [
        {"day": day, "touchpoint": "delivery", "nps": 2 * c - 1, "csat": c, "ces": 5.0} for c in [1, 2, 3, 4, 5] * 8
    ]
    rows += [
        {"day": day, "touchpoint": "support", "nps": n, "csat": c, "ces": 4.0} for c in (3, 4, 5) for n in (6, 10)
    ] * 7
    rows += [{"day": day, "touchpoint": "delivery", "nps": 10, "csat": c, "ces": None} for c in [1, 2, 3, 4, 5] * 2]
    no_social = (pd.DataFrame({"day": [], "scored": []}), pd.DataFrame({"day": [], "text": []}))
    inputs = worth.DriverInputs("acme", date(2026, 6, 3), day, pd.DataFrame(rows), *no_social)
    report = worth.drivers(inputs, min_n=40, resamples=50)
    assert report.result.n == 82 and report.result.r2.value == approx(160**2 / (80 * 672.3902), 1e-5)
    got = {
        t["name"]: (t["metrics"], t["n"], t["importance"].value, t["csat_top2"], t["ces_easy"], t["quadrant"])
        for t in report.touchpoints
    }
    assert got == {
        "delivery": (["csat", "ces"], 40, approx(1.0), 0.4, 1.0, "fix first"),
        "support": (["csat", "ces"], 42, approx(0.0), approx(2 / 3), 0.0, "maintain"),
    }
    assert [t["name"] for t in report.touchpoints] == ["delivery", "support"]  # the one that matters most first
    assert report.touchpoints[0]["mean_performance"] == approx(8 / 15)
    assert report.reading == (
        "delivery matters more than most for NPS (100% of what the drivers explain) and scores below average "
        "(CSAT 40% against 53%): fix it first."
    )


def test_a_touchpoint_asking_csat_and_ces_of_different_answers_reads_csat_on_a_tie():
    """20 answers with CSAT only and 20 with CES only (none with both) and 5 CSAT answers without an NPS, which do
    not count: a tie, read as CSAT, kept at min_n 20 (n = min_n is enough) and left out at 21."""
    answers = pd.DataFrame(
        {"nps": [8.0] * 40 + [None] * 5, "csat": [4.0] * 20 + [None] * 20 + [5.0] * 5, "ces": [None] * 20 + [6.0] * 20
         + [None] * 5}
    )  # fmt: skip
    assert worth._touchpoint_metrics(answers, 20) == ["csat"]
    assert worth._touchpoint_metrics(answers, 21) == []
    # one more CES answer than CSAT: CES, the one asked more
    assert worth._touchpoint_metrics(pd.concat([answers, answers[20:21]]), 20) == ["ces"]


def test_a_social_aspects_share_negative_counts_the_seven_days_up_to_each_answer():
    """Answers on Jan 8-14, one a day; 10 scored mentions a day from Jan 2 (the 6 days before the window) to 14;
    'late' negatives: 4 on Jan 3, 2 on Jan 10; 'crash': 1 on Jan 9. The share over the 7 days up to each answer:
    delivery Jan 8 (Jan 2-8) 4/70, Jan 9 4/70, Jan 10 (Jan 4-10) 2/70, then 2/70 to Jan 14; app 0, then 1/70.
    The share negative shown is the window's own: delivery 2 of 70, app 1 of 70 (not Jan 3's 4 of the days before)."""
    first, last = date(2025, 1, 8), date(2025, 1, 14)
    days = pd.date_range(date(2025, 1, 2), last).date
    answers = pd.DataFrame({"day": pd.date_range(first, last).date, "nps": 8.0})
    negatives = pd.DataFrame(
        {"day": [date(2025, 1, 3)] * 4 + [date(2025, 1, 10)] * 2 + [date(2025, 1, 9)],
         "text": ["parcel late"] * 6 + ["app crash"]}
    )  # fmt: skip
    inputs = worth.DriverInputs("acme", first, last, answers, pd.DataFrame({"day": days, "scored": 10}), negatives)
    columns, shares, note = worth._social_columns(inputs, _Aspects())
    assert note is None and set(columns) == {"delivery", "app"}
    assert columns["delivery"] == pytest.approx(np.array([4, 4, 2, 2, 2, 2, 2]) / 70)
    assert columns["app"] == pytest.approx(np.array([0, 1, 1, 1, 1, 1, 1]) / 70)
    assert shares == {"delivery": approx(2 / 70), "app": approx(1 / 70)}


def test_a_social_aspect_whose_share_negative_does_not_vary_is_left_out():
    """One 'crash' a day and 10 scored mentions a day: 7 of 70 in the 7 days up to every answer, the same 0.1 each
    time. It is no driver, and the report says none varied: numpy puts the std of seven 0.1s at 1.4e-17, not 0, and
    the aspect was kept, shown with 0.0% importance (0.0-0.0%)."""
    first, last = date(2025, 1, 8), date(2025, 1, 14)
    days = pd.date_range(date(2025, 1, 2), last).date
    answers = pd.DataFrame({"day": pd.date_range(first, last).date, "nps": [3.0, 9.0, 7.0, 10.0, 0.0, 8.0, 6.0]})
    daily = pd.DataFrame({"day": days, "text": "app crash"})
    inputs = worth.DriverInputs("acme", first, last, answers, pd.DataFrame({"day": days, "scored": 10}), daily)
    assert worth._social_columns(inputs, _Aspects()) == ({}, {}, "no aspect's share negative varied over the window")


def test_the_social_aspects_left_out_beside_those_kept_are_named():
    """'late' (delivery) on Jan 3 and 10 varies over the answers' days and is kept; 'crash' (app) once a day does not
    vary; no negative is about refund. Both are named in the note (they were dropped unsaid: a reader of the
    drivers could not tell an aspect that does not matter from one that was never tested)."""
    first, last = date(2025, 1, 8), date(2025, 1, 14)
    days = pd.date_range(date(2025, 1, 2), last).date
    answers = pd.DataFrame({"day": pd.date_range(first, last).date, "nps": 8.0})
    negatives = pd.DataFrame(
        {"day": [date(2025, 1, 3)] * 4 + [date(2025, 1, 10)] * 2 + list(days),
         "text": ["parcel late"] * 6 + ["app crash"] * len(days)}
    )  # fmt: skip
    inputs = worth.DriverInputs("acme", first, last, answers, pd.DataFrame({"day": days, "scored": 10}), negatives)
    aspects = _Aspects()
    aspects.names = ["delivery", "app", "refund"]
    columns, _, note = worth._social_columns(inputs, aspects)
    assert set(columns) == {"delivery"}
    assert note == (
        "left out: refund (no negative mention about it in the window); app (its share negative did not vary)"
    )


def test_the_drivers_read_the_answers_of_their_days_and_the_social_days_before(tmp_path):
    """Parcelo's mentions from Aug 1, 2026 (tests.helpers.seed) and five answers; the 20 days up to Aug 31 are Aug 12
    to 31: the answers of those days with an NPS (not Aug 11's, nor one without an NPS; one without a touchpoint
    is '(none)'), and the brand's scored mentions, all sources together, and its negatives from Aug 6, the 6 days
    before the first answer's 7-day share negative."""
    db = tmp_path / "w.duckdb"
    seed(db, 31)
    with connect(db) as con:
        for response, day, touchpoint, nps in (("R1", "2026-08-11", "delivery", 9), ("R2", "2026-08-12", "delivery", 3),
                                               ("R3", "2026-08-20", None, 7), ("R4", "2026-08-25", "support", None),
                                               ("R5", "2026-08-31", "support", 10)):  # fmt: skip
            con.execute(
                "INSERT INTO survey_responses (source, response_id, brand, responded_at, day, touchpoint, nps, csat,"
                " first_seen, last_seen, run_id) VALUES ('s', ?, 'parcelo', CAST(? AS TIMESTAMPTZ), ?, ?, ?, 4, now(),"
                " now(), 'r')",
                [response, f"{day}T10:00:00Z", day, touchpoint, nps],
            )
        inputs = worth.driver_inputs(con, "parcelo", date(2026, 8, 31), 20)
        per_day = dict(
            con.execute(
                "SELECT day, count(*) FROM mentions WHERE brand = 'parcelo' AND day BETWEEN DATE '2026-08-06'"
                " AND DATE '2026-08-31' GROUP BY day"
            ).fetchall()
        )
    assert (inputs.first, inputs.last) == (date(2026, 8, 12), date(2026, 8, 31))
    assert list(zip(inputs.answers["day"], inputs.answers["touchpoint"], inputs.answers["nps"], strict=True)) == [
        (date(2026, 8, 12), "delivery", 3),
        (date(2026, 8, 20), "(none)", 7),
        (date(2026, 8, 31), "support", 10),
    ]
    social_days = [date(2026, 8, 6) + timedelta(days=i) for i in range(26)]
    assert list(inputs.scored["day"]) == social_days  # one row a day: the '_all' sources'
    assert dict(zip(inputs.scored["day"], inputs.scored["scored"], strict=True)) == per_day
    assert sorted(set(inputs.negatives["day"])) == social_days


def test_the_churn_table_as_text_by_hand(tmp_path):
    """The tiny warehouse's churn table (worked out in test_churn_by_nps_worked_by_hand) as `brandpulse roi` prints
    it. consumer's relative risk is Haldane's (no promoter churned: +0.5 in every cell), said by '+0.5': 3, se
    sqrt(1/1.5 - 1/3 + 1/.5 - 1/3) = sqrt 2, 3 exp(-/+ 1.959964 sqrt 2) = .19 to 47.96. business has one
    promoter and no detractor (under min_responses 2): low_n; Q4 has no respondent whose window has ended: pending
    only, no low_n flag for an empty quarter."""
    _, db, _ = _tiny(tmp_path)
    with connect(db, read_only=True) as con:
        table = worth.churn_table(con, "acme")
        assert [(r["quarter"], r["segment"]) for r in worth.churn_table(con, "acme", ["_all"])] == [
            ("2025-Q1", "_all"),
            ("2025-Q4", "_all"),
        ]
    assert worth.churn_table_lines(table) == [
        "quarter  segment               promoters         passives       detractors  relative risk",
        "2025-Q1  _all             33.3% of     3    0.0% of     1   50.0% of     2  1.50 (0.18–12.46)",
        "2025-Q1  business        100.0% of     1    0.0% of     1       – of     0  no detractors to compare  [low_n]",
        "2025-Q1  consumer          0.0% of     2       – of     0   50.0% of     2  3.00 (0.19–47.96) +0.5",
        "2025-Q4  _all                 – of     0       – of     0       – of     0  no respondent's 90 days have "
        "passed yet  [1 pending]",
        "2025-Q4  consumer             – of     0       – of     0       – of     0  no respondent's 90 days have "
        "passed yet  [1 pending]",
    ]
    assert worth.churn_table_lines([]) == ["no linked respondents yet"]


def test_the_drivers_negatives_are_the_series_models_as_its_scored_counts_are(tmp_path):
    """The social aspects' shares divide negatives by the scored count of v_daily_series, which counts the series
    model's scores only; the negatives were every model's, so a day only an older model had scored (a rescore
    not there yet) brought its negatives over a scored count of 0."""
    db = tmp_path / "w.duckdb"
    seed(db, 30)
    since = START + timedelta(days=20)
    with connect(db) as con, transaction(con):  # v2 has rescored the last 10 days; v1 stays the older days' score
        rescored_since(con, since)
        execute(con, "metrics/daily", {"days": [START + timedelta(days=i) for i in range(30)], "run_id": "t"})
    with connect(db, read_only=True) as con:
        inputs = worth.driver_inputs(con, "parcelo", START + timedelta(days=29), 20)
    counted = set(inputs.scored.loc[inputs.scored["scored"] > 0, "day"])
    assert counted == {since + timedelta(days=i) for i in range(10)}, counted
    assert len(inputs.negatives) and set(inputs.negatives["day"]) <= counted  # not v1's days


def test_the_drivers_negatives_are_of_the_days_with_a_scored_count(tmp_path):
    """The watch has scored the last day's mentions, but no night has computed its metrics yet: the day has no
    scored count in v_daily_series. Its negatives were counted over the 6 days before's scored mentions alone, and the
    share negative of an answer that day came out 34 of 219 where it is 30 of 219."""
    db = tmp_path / "w.duckdb"
    seed(db, 31)
    last = START + timedelta(days=30)
    with connect(db) as con:
        con.execute("DELETE FROM daily_brand_metrics WHERE day = ?", [last])
        inputs = worth.driver_inputs(con, "parcelo", last, 20)
    assert last not in set(inputs.scored["day"])
    assert len(inputs.negatives) and set(inputs.negatives["day"]) <= set(inputs.scored["day"])


def test_the_drivers_window_ends_on_the_utc_day_of_the_answers_and_of_the_clock(tmp_path, monkeypatch):
    """An answer at 23:30 on Oct 31 at UTC-1 (with its offset, or naive in a source in the Azores, UTC-1 after
    Oct 25) is 00:30 UTC on Nov 1: its day, and the default last day of the drivers' window, is Nov 1; one at 22:30
    at UTC-1 stays on Oct 31. A brand with no answer yet ends its window on the UTC day of the clock, not the
    machine's local date (Oct 31 at UTC-1 here): it was date.today()."""
    _csv(tmp_path / "answers.csv", [["id", "at", "score", "sat", "tp"],
                                    ["R0", "2026-10-31T22:30:00-01:00", "3", "2", "delivery"],
                                    ["R1", "2026-10-31T23:30:00-01:00", "9", "5", "delivery"],
                                    ["R2", "2026-10-31 23:30:00", "7", "4", "support"]])  # fmt: skip
    columns = {"response_id": "id", "timestamp": "at", "nps": "score", "csat": "sat", "touchpoint": "tp"}
    surveys = {"sources": [{"name": "acme-nps", "brand": "acme", "path": "answers.csv", "timezone": "Atlantic/Azores",
                            "columns": columns}]}  # fmt: skip
    cfg = load_config(write_config(tmp_path, [{"name": "Acme", "files": {"listening": "x.csv"}}], surveys=surveys))
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
    ingest.import_surveys(cfg, db, RUN, score_comments=False)
    instant = datetime(2026, 11, 1, 0, 30, tzinfo=UTC)  # 23:30 on Oct 31 on this machine's clock, at UTC-1
    local = instant.astimezone(timezone(timedelta(hours=-1))).replace(tzinfo=None)

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return instant.astimezone(tz) if tz else local

        @classmethod
        def today(cls):
            return local

    class Today(date):
        @classmethod
        def today(cls):
            return local.date()

    monkeypatch.setattr(worth, "datetime", Clock)
    monkeypatch.setattr(worth, "date", Today)
    with connect(db, read_only=True) as con:
        latest = worth.driver_inputs(con, "acme", days=14)
        october = worth.driver_inputs(con, "acme", date(2026, 10, 31), 14)
        none_yet = worth.driver_inputs(con, "nobody", days=14)
    assert latest.last == date(2026, 11, 1) and latest.first == date(2026, 10, 19)
    assert list(zip(latest.answers["day"], latest.answers["touchpoint"], latest.answers["nps"], strict=True)) == [
        (date(2026, 10, 31), "delivery", 3),
        (date(2026, 11, 1), "delivery", 9),
        (date(2026, 11, 1), "support", 7),
    ]
    assert list(october.answers["nps"]) == [3]
    assert none_yet.no_answers_yet and (none_yet.first, none_yet.last) == (date(2026, 10, 19), date(2026, 11, 1))
