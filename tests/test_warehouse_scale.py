"""The warehouse's history-proportional SQL answers exactly as the whole-history SQL it replaced.

Each rewrite (``v_mentions_scored``, ``metrics/daily``, ``scoring/unscored_mentions``, the repost matching of
``ingest/mentions``) is compared with the
statement it replaced (kept here as the reference) on a small warehouse with several model versions, rescores,
ties on scored_at, unscored mentions, reposts and successful score steps. Their speed is measured by
``benchmarks/warehouse.py``, not here.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pipeline.warehouse import connect, execute, migrate, rows, transaction

OLD_VIEW = """
SELECT m.mention_id, m.brand, m.source, m.source_type, m.native_id, m.platform, m.channel, m.kind, m.day, m.created_at,
       m.title, m.text, m.url, m.rating, m.language, m.engagement, m.author_hash,
       s.label, s.score, s.p_negative, s.p_neutral, s.p_positive, s.model_version, s.note,
       coalesce(r.repost_count, 0) AS repost_count
FROM mentions m
LEFT JOIN (
    SELECT * FROM sentiment
    QUALIFY row_number() OVER (PARTITION BY mention_id ORDER BY scored_at DESC, model_version DESC) = 1
) s USING (mention_id)
LEFT JOIN (
    SELECT canonical_mention_id AS mention_id, count(*) AS repost_count FROM reposts GROUP BY ALL
) r USING (mention_id)
"""

OLD_UNSCORED = """
SELECT m.mention_id, m.day, coalesce(m.title || E'\\n', '') || m.text AS text
FROM mentions m
ANTI JOIN (SELECT mention_id FROM sentiment WHERE model_version = $model_version) s USING (mention_id)
WHERE (CAST($since AS DATE) IS NOT NULL AND m.day >= CAST($since AS DATE))
   OR NOT EXISTS (SELECT 1 FROM sentiment a WHERE a.mention_id = m.mention_id)
ORDER BY m.created_at, m.mention_id
LIMIT $limit
"""

OLD_DAILY = """
WITH day_mentions AS (
    SELECT mention_id, brand, source, day FROM mentions WHERE list_contains($days, day)
), introduced AS (
    SELECT model_version, min(scored_at) AS first_scored_at FROM sentiment GROUP BY ALL
), coverage AS (
    SELECT d.day, d.brand, s.model_version, count(*) AS n,
           (SELECT count(*) FROM day_mentions x WHERE x.day = d.day AND x.brand = d.brand) AS volume
    FROM day_mentions d JOIN sentiment s USING (mention_id)
    GROUP BY ALL
), chosen AS (
    SELECT c.day, c.brand, c.model_version
    FROM coverage c JOIN introduced i USING (model_version)
    QUALIFY row_number() OVER (PARTITION BY c.day, c.brand
                               ORDER BY (c.n = c.volume) DESC,
                                        CASE WHEN c.n = c.volume THEN i.first_scored_at END DESC NULLS LAST,
                                        c.n DESC, c.model_version DESC) = 1
), scored AS (
    SELECT d.day, d.brand, d.source, ch.model_version, s.label, s.score
    FROM day_mentions d
    LEFT JOIN chosen ch USING (day, brand)
    LEFT JOIN sentiment s ON s.mention_id = d.mention_id AND s.model_version = ch.model_version
)
SELECT day, brand, coalesce(source, '_all') AS source,
       count(*) AS volume,
       count(label) AS scored,
       count(*) FILTER (WHERE label = 'negative') AS n_negative,
       count(*) FILTER (WHERE label = 'neutral') AS n_neutral,
       count(*) FILTER (WHERE label = 'positive') AS n_positive,
       count(*) FILTER (WHERE label = 'negative') / nullif(count(label), 0) AS share_negative,
       round(avg(score), 9) AS mean_score,
       any_value(model_version) AS model_version
FROM scored
GROUP BY GROUPING SETS ((day, brand, source), (day, brand))
"""

START = date(2026, 9, 1)
DAYS = 20


def _build(db, with_steps: bool) -> None:
    """400 mentions over 20 days, loaded night by night (first_seen the next morning), scored each night by v1
    (but a tenth left unscored on the last nights), days 10-15 rescored by v2 later, some of v2's scores at
    the same instant as v1's, days 14-17 by v3 for one brand only (day 17 scored whole by no version); a few
    reposts. ``with_steps``: as the scoring loop leaves it (model_versions, the nights' score steps); without:
    scores written directly, as test fixtures do."""
    with connect(db) as con:
        migrate(con)
        with transaction(con):
            con.execute(
                """
                INSERT INTO mentions BY NAME
                SELECT md5('m' || i) AS mention_id, ['acme', 'bolt'][1 + i % 2] AS brand,
                       ['reddit', 'hn', 'store'][1 + i % 3] AS source, 'file_drop' AS source_type,
                       'n' || i AS native_id, CASE WHEN i % 3 = 2 THEN 'review' ELSE 'mention' END AS kind,
                       'reddit' AS platform, CASE WHEN i % 4 = 0 THEN 'r/x' END AS channel,
                       CASE WHEN i % 5 = 0 THEN 'title ' || i END AS title, 'text ' || i AS text,
                       CASE WHEN i % 2 = 0 THEN 'https://example.com/' || i END AS url,
                       CAST($start AS TIMESTAMPTZ) + INTERVAL (i * 72) MINUTE AS created_at,
                       CAST(CAST($start AS TIMESTAMPTZ) + INTERVAL (i * 72) MINUTE AS DATE) AS day,
                       CASE WHEN i % 3 = 2 THEN 1 + i % 5 END AS rating, 'en' AS language,
                       CAST(i * 37 % 101 AS BIGINT) AS engagement, NULL AS author_hash,
                       CAST(CAST($start AS TIMESTAMPTZ) + INTERVAL (i * 72) MINUTE AS DATE) + INTERVAL 30 HOUR
                           AS first_seen,
                       now() AS last_seen, 'load' AS run_id
                FROM range(400) t(i)
                """,
                {"start": START},
            )
            base = """
                INSERT INTO sentiment BY NAME
                SELECT mention_id, 'm' AS model_name, $version AS model_version, '' AS model_sha256,
                       '' AS text_sha256,
                       ['negative', 'neutral', 'positive'][CAST(1 + hash(mention_id || $version) % 3 AS BIGINT)]
                           AS label,
                       0.2 AS p_negative, 0.3 AS p_neutral, 0.5 AS p_positive,
                       CAST(hash(mention_id || $version) % 100 AS DOUBLE) / 100 - 0.5 AS score, NULL AS note,
                       {scored_at} AS scored_at, 'score' AS run_id
                FROM mentions WHERE {where}
            """
            # v1: every mention the night after it was loaded, except a tenth of the last three days'
            con.execute(
                base.format(scored_at="first_seen + INTERVAL 1 HOUR",
                            where="NOT (day >= $last - 2 AND hash(mention_id) % 10 = 0)"),
                {"version": "v1", "last": START + timedelta(days=DAYS - 1)},
            )  # fmt: skip
            # v2: days 10..15 rescored later; days 12 and 13 at the very instant of their v1 score (a tie)
            con.execute(
                base.format(scored_at="CASE WHEN day IN ($d12, $d13) THEN first_seen + INTERVAL 1 HOUR"
                                      " ELSE TIMESTAMPTZ '2026-09-25 00:00:00+00' END",
                            where="day BETWEEN $d10 AND $d15"),
                {"version": "v2", "d10": START + timedelta(days=10), "d12": START + timedelta(days=12),
                 "d13": START + timedelta(days=13), "d15": START + timedelta(days=15)},
            )  # fmt: skip
            # v3: acme's days 14..17 only, half of them (a rescore under way); on day 17, which v1 did not score
            # whole either, no version scored every mention: the one that scored the most (v1) counts
            con.execute(
                base.format(scored_at="TIMESTAMPTZ '2026-09-26 00:00:00+00'",
                            where="brand = 'acme' AND day BETWEEN $d14 AND $d17 AND hash(mention_id) % 2 = 0"),
                {"version": "v3", "d14": START + timedelta(days=14), "d17": START + timedelta(days=17)},
            )  # fmt: skip
            con.execute(
                """
                INSERT INTO reposts BY NAME
                SELECT md5('r' || mention_id || k) AS mention_id, mention_id AS canonical_mention_id, brand, source,
                       'r' || native_id || k AS native_id, channel, url, created_at, engagement, first_seen, run_id
                FROM mentions, range(CAST(1 + hash(mention_id) % 3 AS BIGINT)) t(k) WHERE hash(mention_id) % 7 = 0
                """
            )
            execute(con, "scoring/rebuild_latest")  # scores written directly, not by the scoring loop
            if with_steps:  # as the scoring loop leaves them: each version's first score, each night's score step
                con.execute("INSERT INTO model_versions SELECT model_version, min(scored_at) FROM sentiment GROUP BY 1")
                con.execute(
                    """
                    INSERT INTO run_steps BY NAME
                    SELECT 'night-' || day AS run_id, 'score' AS step, 'success' AS status,
                           max(first_seen) + INTERVAL 1 HOUR AS started_at
                    FROM mentions WHERE day < $cut GROUP BY day
                    """,
                    {"cut": START + timedelta(days=DAYS - 3)},
                )


OLD_CANONICAL = """
WITH known AS (
    SELECT brand, text_key, arg_min(mention_id, (created_at, mention_id)) AS mention_id
    FROM mentions
    WHERE text_key IS NOT NULL AND (brand, text_key) IN (SELECT (brand, text_key) FROM staged)
    GROUP BY brand, text_key
)
SELECT s.mention_id,
       CASE WHEN s.text_key IS NULL OR s.mention_id IN (SELECT mention_id FROM mentions) THEN s.mention_id
            ELSE coalesce(k.mention_id,
                          first_value(s.mention_id) OVER (PARTITION BY s.brand, s.text_key
                                                          ORDER BY s.created_at, s.mention_id))
       END AS canonical_mention_id
FROM staged s
LEFT JOIN known k ON k.brand = s.brand AND k.text_key = s.text_key
"""


def test_repost_matching_answers_as_before(tmp_path):
    """The load's staged_canonical (which staged rows are reposts of which mention) equals the statement it
    replaced: ids already stored, reposts of stored texts (the earliest copy wins), of each other within the
    night, the same text under another brand, and rows with no text key."""
    import json

    from pipeline.records import RECORD_COLUMNS

    t0 = "2026-10-01T08:00:00+00:00"
    history = [  # (mention_id, brand, text_key, created_at)
        ("h1", "acme", "k1", "2026-09-01T10:00:00+00:00"),
        ("h2", "acme", "k1", "2026-09-02T10:00:00+00:00"),  # a later copy: h1 stays the canonical one
        ("h3", "acme", "k2", "2026-09-03T10:00:00+00:00"),
        ("h4", "other", "k3", "2026-09-03T10:00:00+00:00"),
        ("h5", "acme", None, "2026-09-04T10:00:00+00:00"),
    ]
    staged = [
        ("h3", "acme", "k2"),  # already stored: stays itself
        ("h2", "acme", "k1"),  # already stored, though a later copy of h1: stays itself
        ("s1", "acme", "k1"),  # a repost of h1
        ("s2", "other", "k1"),  # the same text under another brand: no repost
        ("s3", "acme", "k3"),  # k3 is stored under another brand only
        ("s4", "acme", "k4"),  # new text, twice tonight: the earlier (s4) is the mention
        ("s5", "acme", "k4"),
        ("s6", "acme", None),  # no key: never a repost
        ("h5", "acme", None),
    ]
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
        for mid, brand, key, at in history:
            con.execute(
                "INSERT INTO mentions BY NAME SELECT $id AS mention_id, $brand AS brand, 's' AS source, "
                "'file_drop' AS source_type, $id AS native_id, 'mention' AS kind, 'text' AS text, "
                "CAST($at AS TIMESTAMPTZ) AS created_at, CAST(CAST($at AS TIMESTAMPTZ) AS DATE) AS day, "
                "$key AS text_key, now() AS first_seen, now() AS last_seen, 'h' AS run_id",
                {"id": mid, "brand": brand, "key": key, "at": at},
            )
        # h6's lookup keys collide with s1's id and with the text of s4 (64 bits can; forced here): the strings,
        # compared after the keys, keep them apart. Every other history row was written without keys (as by hand):
        # the load fills them in first.
        con.execute(
            "INSERT INTO mentions BY NAME SELECT 'h6' AS mention_id, 'acme' AS brand, 's' AS source, "
            "'file_drop' AS source_type, 'h6' AS native_id, 'mention' AS kind, 'text' AS text, "
            "TIMESTAMPTZ '2026-09-05 10:00:00+00' AS created_at, DATE '2026-09-05' AS day, 'k9' AS text_key, "
            "lookup_key('s1') AS id_lookup, repost_lookup_key('acme', 'k4') AS repost_lookup, "
            "now() AS first_seen, now() AS last_seen, 'h' AS run_id"
        )
        path = tmp_path / "staged.jsonl"
        path.write_text(
            "".join(
                json.dumps(
                    {
                        "mention_id": m,
                        "brand": b,
                        "source": "s",
                        "source_type": "file_drop",
                        "native_id": m,
                        "kind": "mention",
                        "text": "t",
                        "created_at": t0,
                        "text_key": k,
                        "engagement": i,
                    }
                )
                + "\n"
                for i, (m, b, k) in enumerate(staged)
            )
        )
        params = {"files": [str(path)], "run_id": "r", "columns": RECORD_COLUMNS, "gone_brand": [], "gone_source": []}
        con.begin()  # each run rolled back: both statements see the same history
        execute(con, "ingest/mentions", params)
        new = con.execute("SELECT mention_id, canonical_mention_id FROM staged_canonical ORDER BY 1").fetchall()
        con.rollback()
        con.begin()
        execute(con, "ingest/mentions", params)
        con.execute("DELETE FROM mentions WHERE run_id = 'r'")  # the history as it was, with the staged table
        con.execute("DELETE FROM reposts WHERE run_id = 'r'")
        old = con.execute(f"SELECT * FROM ({OLD_CANONICAL}) ORDER BY 1").fetchall()
        con.rollback()
    assert new == old
    assert dict(new) == {
        "h2": "h2",
        "h3": "h3",
        "h5": "h5",
        "s1": "h1",
        "s2": "s2",
        "s3": "s3",
        "s4": "s4",
        "s5": "s4",
        "s6": "s6",
    }
    with connect(db) as con:  # the load of a later night fills in the keys of rows written without them
        execute(con, "ingest/mentions", params)
        keys = con.execute(
            "SELECT count(*) FILTER (id_lookup = lookup_key(mention_id)) AS ids, "
            "count(*) FILTER (repost_lookup = repost_lookup_key(brand, text_key)) AS texts, "
            "count(text_key) FILTER (mention_id <> 'h6') AS with_text FROM mentions"
        ).fetchone()
        assert keys == (con.execute("SELECT count(*) - 1 FROM mentions").fetchone()[0], keys[2], keys[2])


def _norm(result: list[tuple]) -> list[tuple]:
    return sorted(tuple(round(v, 9) if isinstance(v, float) else v for v in r) for r in result)


@pytest.mark.parametrize("with_steps", [False, True])
def test_rewrites_answer_as_before(tmp_path, with_steps):
    db = tmp_path / "w.duckdb"
    _build(db, with_steps)
    with connect(db) as con:
        assert con.execute("SELECT count(DISTINCT model_version) FROM sentiment").fetchone() == (3,)
        # v_mentions_scored: every row, and a filtered question through it
        assert _norm(con.execute("SELECT * FROM v_mentions_scored").fetchall()) == _norm(
            con.execute(OLD_VIEW).fetchall()
        )
        week = "brand = 'acme' AND label = 'negative' AND day BETWEEN $a AND $b"
        span = {"a": START + timedelta(days=9), "b": START + timedelta(days=15)}
        new = con.execute(f"SELECT mention_id, score FROM v_mentions_scored WHERE {week} ORDER BY 1", span).fetchall()
        old = con.execute(f"SELECT mention_id, score FROM ({OLD_VIEW}) WHERE {week} ORDER BY 1", span).fetchall()
        assert new == old and new
        # the unscored lookup: the night's new ones, and a rescore from a day on
        for params in (
            {"model_version": "v1", "limit": 2048, "since": None},
            {"model_version": "v3", "limit": 5, "since": None},
            {"model_version": "v3", "limit": 2048, "since": START + timedelta(days=12)},
            {"model_version": "", "limit": 1, "since": None},
        ):
            got = rows(execute(con, "scoring/unscored_mentions", params))
            assert got == rows(con.execute(OLD_UNSCORED, params)), params
            assert got or params["since"] is None
        # daily metrics: one day, the rescored span, all days, and a day with nothing
        for days in (
            [START + timedelta(days=DAYS - 1)],
            [START + timedelta(days=d) for d in range(10, 17)],
            [START + timedelta(days=d) for d in range(DAYS)],
            [START + timedelta(days=DAYS + 5)],
        ):
            with transaction(con):
                execute(con, "metrics/daily", {"days": days, "run_id": "t"})
            got = con.execute(
                "SELECT day, brand, source, volume, scored, n_negative, n_neutral, n_positive, share_negative,"
                " round(mean_score, 9), model_version FROM daily_brand_metrics WHERE list_contains($days, day)",
                {"days": days},
            ).fetchall()
            assert _norm(got) == _norm(con.execute(OLD_DAILY, {"days": days}).fetchall()), days


def test_scores_keep_each_versions_first_score_and_each_mentions_latest(tmp_path):
    """scoring/insert_mentions.sql keeps model_versions.first_scored_at = min(scored_at) of the version, and
    sentiment_latest = each mention's newest score (what scoring/rebuild_latest.sql rebuilds from sentiment)."""
    db = tmp_path / "w.duckdb"
    _build(db, with_steps=True)
    batch = {"model_name": "m", "model_sha256": "", "run_id": "r"}
    one = {"text_sha256": [""], "label": ["neutral"], "p_negative": [0.1], "p_neutral": [0.8], "p_positive": [0.1],
           "score": [0.0], "note": [None]}  # fmt: skip
    with connect(db) as con:
        # a: day 1 (v1 only); b: day 11 (v1 and v2); c: day 15 of acme (v3 maybe), by mention id
        picked = con.execute(
            "SELECT mention_id, day FROM mentions WHERE day IN ($d1, $d11, $d15) AND brand = 'acme' "
            "QUALIFY row_number() OVER (PARTITION BY day ORDER BY mention_id) = 1 ORDER BY day",
            {"d1": START + timedelta(days=1), "d11": START + timedelta(days=11), "d15": START + timedelta(days=15)},
        ).fetchall()
        a, b, c = picked
        for version, (mention, day) in (
            ("v4", a), ("v4", b), ("v2", b), ("v4", a), ("v1", c), ("v5", c),
        ):  # fmt: skip
            with transaction(con):  # v2 of b and v1 of c exist already: kept as they were, and not made latest
                execute(con, "scoring/insert_mentions", {**batch, **one, "model_version": version,
                                                         "mention_id": [mention], "day": [day]})  # fmt: skip
        d = con.execute("SELECT mention_id, day FROM mentions WHERE mention_id NOT IN (SELECT mention_id FROM "
                        "sentiment_latest WHERE model_version = 'v5') ORDER BY 1 LIMIT 1").fetchone()  # fmt: skip
        # the same statements without a transaction around them (each its own): the same outcome
        execute(con, "scoring/insert_mentions", {**batch, **one, "model_version": "v5", "mention_id": [d[0]],
                                                 "day": [d[1]]})  # fmt: skip
        kept = con.execute("SELECT * FROM model_versions ORDER BY 1").fetchall()
        first = con.execute("SELECT model_version, min(scored_at) FROM sentiment GROUP BY 1 ORDER BY 1").fetchall()
        assert kept == first
        assert [r[0] for r in kept] == ["v1", "v2", "v3", "v4", "v5"]
        latest = "SELECT mention_id, model_version, scored_at, label FROM sentiment_latest ORDER BY 1"
        maintained = con.execute(latest).fetchall()
        picked = (a[0], b[0], c[0], d[0])
        assert {r[0]: r[1] for r in maintained if r[0] in picked} == {a[0]: "v4", b[0]: "v4", c[0]: "v5", d[0]: "v5"}
        assert _norm(con.execute("SELECT * FROM v_mentions_scored").fetchall()) == _norm(
            con.execute(OLD_VIEW).fetchall()
        )
        with transaction(con):
            execute(con, "scoring/rebuild_latest")
        assert con.execute(latest).fetchall() == maintained


def test_migration_0012_backfills_each_mentions_latest_score(tmp_path):
    """A warehouse from before 0012 gets sentiment_latest filled from its scores when it migrates."""
    db = tmp_path / "w.duckdb"
    _build(db, with_steps=True)
    latest = "SELECT * FROM sentiment_latest ORDER BY mention_id"
    with connect(db) as con:
        expected = con.execute(latest).fetchall()
        assert len(expected) == con.execute("SELECT count(DISTINCT mention_id) FROM sentiment").fetchone()[0]
        con.execute("DROP TABLE sentiment_latest")  # as the warehouse was at 0011
        con.execute("DELETE FROM schema_version WHERE version IN (12, 24)")
        assert migrate(con) == [12, 24]
        assert con.execute(latest).fetchall() == expected
        assert _norm(con.execute("SELECT * FROM v_mentions_scored").fetchall()) == _norm(
            con.execute(OLD_VIEW).fetchall()
        )
