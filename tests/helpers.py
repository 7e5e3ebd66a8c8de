"""What several test modules share: paths, a config writer and the listening-export CSV of a small night.

Tests import these by name (``from tests.helpers import ...``); ``conftest.py`` keeps only the environment set-up
and the fixtures.
"""

from __future__ import annotations

import csv
import email
import email.policy
import io
import json
import os
import random
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import duckdb
import pytest
import yaml
from aiosmtpd.controller import Controller

from demo.replay.server import ReplayServer, Response
from pipeline.config import load_config
from pipeline.warehouse import connect, execute, migrate, transaction

REPO = Path(__file__).resolve().parents[1]
MODEL_DIR = Path(os.environ.get("BRANDPULSE_TEST_MODEL_DIR") or REPO / "models" / "brandpulse-sentiment")
SHARED = REPO.parent / "shared"

MENTIONS_HEADER = "post_id,platform,channel,author,posted_at,body,link,likes,replies\n"


COLUMNS = {
    "native_id": "post_id",
    "text": "body",
    "created_at": "posted_at",
    "author": "author",
    "url": "link",
    "platform": "platform",
    "channel": "channel",
    "engagement": ["likes", "replies"],
}


def write_config(folder: Path, brands: list[dict] | None = None, **extra) -> Path:
    """A brandpulse.yaml in ``folder`` with file-drop sources; each brand dict: name, files {source: path}."""
    brands = brands or [{"name": "Acme", "files": {"listening": "acme.csv"}}]
    doc = {
        "brands": [
            {
                "name": b["name"],
                "sources": [
                    {"type": "file_drop", "name": source, "path": path, "columns": COLUMNS}
                    for source, path in b["files"].items()
                ],
            }
            for b in brands
        ],
        "staging_dir": "staging",
        "scoring": {"model_dir": str(MODEL_DIR)},
        **extra,
    }
    path = folder / "brandpulse.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def brandpulse(*args, env=None, **kw) -> subprocess.CompletedProcess:
    """``brandpulse ARGS`` in a process of its own (``python -m pipeline.cli``, through its ``main``: the error
    lines and exit statuses a shell sees), with ``env`` over this process's environment; output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        **kw,
    )


def csv_rows(rows: list[tuple]) -> str:
    """CSV text in the listening-export shape from (post_id, posted_at, body[, likes]) tuples."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(MENTIONS_HEADER.strip().split(","))
    for r in rows:
        pid, at, body = r[:3]
        likes = r[3] if len(r) > 3 else 1
        w.writerow([pid, "reddit", "r/test", f"user_{pid}", at, body, f"https://example.com/{pid}", likes, 0])
    return buf.getvalue()


# A small, varied night of mentions over two days, used by several tests.
NIGHT_ROWS = [
    ("n1", "2026-10-01T00:00:00Z", "Acme support fixed my order in minutes, love it ❤️", 12),
    ("n2", "2026-10-01T08:15:00Z", "the acme app crashed AGAIN during checkout, so done with this 😡", 40),
    ("n3", "2026-10-01T12:00:00+02:00", "Does anyone know if Acme ships to Norway?", 2),
    ("n4", "2026-10-01T23:59:59Z", "acme delivery was late and the box was crushed. never again", 7),
    ("n5", "2026-10-02T00:00:00Z", "next night's mention: acme is fine I guess", 1),
    ("n6", "2026-09-30T23:59:59Z", "last night's mention, acme rocks", 1),
    ("bad1", "2026-10-01T09:00:00Z", "   ", 1),
    ("bad2", "yesterday", "acme is ok", 1),
    ("bad3", "2026-10-01T10:00:00Z", "acme likes are weird", "lots"),
]


class TrickleServer:
    """A server on 127.0.0.1 that answers every connection one byte every ``interval`` seconds: the slow peer a
    per-read timeout never catches. With ``read_request`` (HTTP), it first reads the request (headers and a
    Content-Length body) and keeps it in ``requests``; without (SMTP), it starts talking at once. ``answer`` is
    sent as two parts: ``fast`` at once, then ``answer`` byte by byte."""

    def __init__(self, answer: bytes, interval: float = 1.0, read_request: bool = True, fast: bytes = b""):
        self.answer, self.interval, self.read_request, self.fast = answer, interval, read_request, fast
        self.requests: list[bytes] = []
        self.connections = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._threads: list[threading.Thread] = []

    def _serve(self) -> None:
        self._listener.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            t = threading.Thread(target=self._talk, args=(conn,), daemon=True)
            t.start()
            self._threads.append(t)

    def _talk(self, conn: socket.socket) -> None:
        with conn:
            try:
                if self.read_request:
                    data = b""
                    while b"\r\n\r\n" not in data:
                        chunk = conn.recv(65536)
                        if not chunk:
                            return
                        data += chunk
                    head, _, body = data.partition(b"\r\n\r\n")
                    length = next(
                        (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                         if line.lower().startswith(b"content-length:")),
                        0,
                    )  # fmt: skip
                    while len(body) < length:
                        chunk = conn.recv(65536)
                        if not chunk:
                            return
                        body += chunk
                    self.requests.append(head + b"\r\n\r\n" + body)
                conn.sendall(self.fast)
                for i in range(len(self.answer)):
                    if self._stop.wait(self.interval):
                        return
                    conn.sendall(self.answer[i : i + 1])
            except OSError:  # the client gave up and closed: that is the point
                return

    def __enter__(self) -> TrickleServer:
        t = threading.Thread(target=self._serve, daemon=True)
        t.start()
        self._threads.append(t)
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._listener.close()
        for t in self._threads:
            t.join(timeout=5)


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now (the OS picked it): for a server that needs a concrete port
    (aiosmtpd's Controller), or a receiver that refuses every connection."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def unaccepting_port():
    """A port on 127.0.0.1 that never accepts a connection in time: its listener's backlog (one) is full and it never
    accepts, so the kernel drops a new connection's SYNs and connecting hangs until the client gives up (neither
    refused nor accepted: a receiver that nothing was sent to)."""
    with socket.create_server(("127.0.0.1", 0), backlog=0) as listener:
        port = listener.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=5):  # fills the backlog
            yield port


# A seeded Parcelo history for the detect and alert steps (tests/test_alerting.py, test_report.py, test_watch.py)
START = date(2026, 8, 1)
INCIDENT = date(2026, 9, 20)  # day 50
CALM = [
    "Parcelo app is a bit slow today",
    "Parcelo driver was rude at the door",
    "meh, Parcelo delivery slot moved again",
    "Parcelo support took ages to answer",
    "Parcelo price went up, not happy",
]
SPIKE = [
    "Parcelo lost my parcel and refuses a refund",
    "lost parcel again with Parcelo, where is my refund",
    "Parcelo lost parcel, tracking stuck for days, refund please",
]


def seed(db, days: int, overrides: dict[date, tuple[int, int]] | None = None, seed_: int = 7) -> None:
    """Mentions and scores for ``days`` days from START: ~40 a weekday, ~28 a weekend day, ~12% negative.
    ``overrides``: {day: (volume, negatives)}."""
    rng = random.Random(seed_)
    rows = []
    for i in range(days):
        day = START + timedelta(days=i)
        base = 28 if day.weekday() >= 5 else 40
        volume = base + rng.randint(-4, 4)
        negatives = max(1, round(volume * 0.12) + rng.randint(-2, 2))
        volume, negatives = (overrides or {}).get(day, (volume, negatives))
        for j in range(volume):
            negative = j < negatives
            pool = SPIKE if negative and overrides and day in overrides and j % 4 else CALM
            text = f"{pool[j % len(pool)]} #{j}" if negative else f"Parcelo delivery arrived fine #{j}"
            source, channel = ("reddit", "r/parcelo") if j % 3 else ("app-store", "1480331921/gb")
            at = datetime.combine(day, time(8), tzinfo=UTC) + timedelta(minutes=j)
            rows.append((f"{day}-{j}", text, source, channel, at, j * 7 % 50, "negative" if negative else "neutral"))
    with connect(db) as con:
        migrate(con)
    with connect(db) as con, transaction(con):
        con.execute(
            """
            INSERT INTO mentions BY NAME
            SELECT md5(id) AS mention_id, 'parcelo' AS brand, source, source AS source_type, id AS native_id,
                   'mention' AS kind, 'reddit' AS platform, channel, text,
                   'https://example.com/' || id AS url, ts AS created_at, CAST(ts AS DATE) AS day,
                   engagement, now() AS first_seen, now() AS last_seen, 'seed' AS run_id
            FROM (SELECT unnest($ids) AS id, unnest($texts) AS text, unnest($sources) AS source,
                         unnest($channels) AS channel, unnest($ats) AS ts, unnest($eng) AS engagement)
            ON CONFLICT DO NOTHING
            """,
            {
                "ids": [r[0] for r in rows],
                "texts": [r[1] for r in rows],
                "sources": [r[2] for r in rows],
                "channels": [r[3] for r in rows],
                "ats": [r[4] for r in rows],
                "eng": [r[5] for r in rows],
            },
        )
        con.execute(
            """
            INSERT INTO sentiment BY NAME
            SELECT md5(id) AS mention_id, 'test' AS model_name, 'v1' AS model_version, '' AS model_sha256,
                   '' AS text_sha256, label, CASE WHEN label = 'negative' THEN 0.9 ELSE 0.05 END AS p_negative,
                   0.05 AS p_neutral, 0.05 AS p_positive, 0.0 AS score, now() AS scored_at, 'seed' AS run_id
            FROM (SELECT unnest($ids) AS id, unnest($labels) AS label)
            ON CONFLICT DO NOTHING
            """,
            {"ids": [r[0] for r in rows], "labels": [r[6] for r in rows]},
        )
        execute(con, "scoring/rebuild_latest")  # scores written directly, not by the scoring loop
        all_days = [START + timedelta(days=i) for i in range(days)]
        execute(con, "metrics/daily", {"days": all_days, "run_id": "seed"})


# The incident day's negatives in Polish, the parcel named in three cases ("paczka" the most written): what a
# Polish spike's explanation reads once it knows each mention's language (tests of the alerts and the report).
POLISH_SPIKE = ["Parcelo zgubił paczkę", "gdzie jest paczka od Parcelo", "brak paczki, Parcelo milczy",
                "Parcelo: paczka utknęła"]  # fmt: skip


def rescored_since(con, since: date, v1_negative: str | None = None) -> None:
    """A newer model, ``v2``, has rescored :func:`seed`'s mentions of ``since`` and later (the seed's ``v1`` labels);
    the days before keep ``v1`` as their latest score. ``v1_negative``: ``v1`` also called those older days'
    mentions whose text holds it negative (labels of its own). The latest scores are rebuilt; metrics are not."""
    con.execute(
        "INSERT INTO sentiment BY NAME SELECT * REPLACE ('v2' AS model_version, now() AS scored_at)"
        " FROM sentiment WHERE mention_id IN (SELECT mention_id FROM mentions WHERE day >= $since)",
        {"since": since},
    )
    if v1_negative is not None:
        con.execute(
            "UPDATE sentiment SET label = 'negative' WHERE model_version = 'v1' AND mention_id IN"
            " (SELECT mention_id FROM mentions WHERE day < $since AND contains(text, $word))",
            {"since": since, "word": v1_negative},
        )
    execute(con, "scoring/rebuild_latest")


def make_spike_polish(db) -> None:
    """The incident day's negative mentions written in :data:`POLISH_SPIKE`, detected as Polish (``seed`` first)."""
    with connect(db) as con, transaction(con):
        con.execute(
            "UPDATE mentions SET language = 'pl',"
            " text = list_extract($texts, CAST(split_part(native_id, '-', 4) AS INTEGER) % 4 + 1)"
            " WHERE day = $day AND mention_id IN (SELECT mention_id FROM sentiment WHERE label = 'negative')",
            {"texts": POLISH_SPIKE, "day": INCIDENT},
        )


def alerting_config(tmp_path, receivers=None, channels=None, brand=None, watch=None, **alerting_):
    """One brand (Parcelo, with the fields of ``brand`` added) with the alerting settings given and, with
    ``receivers``, Slack, webhook and e-mail channels pointed at the local receivers of ``tests/test_alerting.py``;
    ``watch``: the config's watch section (enabled: the brand gets a Hacker News source too, for the watch to read)."""
    doc = {
        "brands": [
            {
                "name": "Parcelo",
                "aliases": ["Parcelo"],
                "sources": [{"type": "file_drop", "name": "listening", "path": "x.csv",
                             "columns": {"native_id": "id", "text": "t", "created_at": "c"}}],
                **(brand or {}),
            }
        ],
        "alerting": {"max_age_days": 100_000, **alerting_},
        **({"watch": watch} if watch else {}),
    }  # fmt: skip
    if (watch or {}).get("enabled"):
        doc["brands"][0]["sources"].append({"type": "hackernews", "name": "hn"})
    if receivers:
        doc["alerts"] = [
            {"type": "slack", "name": "cx-slack", "webhook_url_env": "TEST_SLACK_URL"},
            {"type": "webhook", "name": "ops-hook", "url_env": "TEST_HOOK_URL"},
            {"type": "email", "name": "cx-email", "to": ["cx@example.com"], "sender": "bp@example.com",
             "smtp_host": "127.0.0.1", "smtp_port": receivers["smtp_port"], "starttls": False},
        ]  # fmt: skip
    if channels is not None:
        doc["alerts"] = channels
    path = tmp_path / "brandpulse.yaml"
    path.write_text(yaml.safe_dump(doc))
    return load_config(path)


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@contextmanager
def local_receivers(monkeypatch):
    """A Slack incoming webhook and a webhook receiver (one HTTP server) and an SMTP server, on 127.0.0.1; the
    Slack and webhook URLs in $TEST_SLACK_URL and $TEST_HOOK_URL (the channels of :func:`alerting_config`)."""
    slack, hooks, inbox = [], [], Inbox()

    def record(into):
        def handler(req, _m):
            into.append(json.loads(req.body))
            return Response(200, "ok")

        return handler

    port = free_port()  # aiosmtpd's Controller needs a concrete port
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    with ReplayServer() as http:
        http.route("POST", r"^/slack/", record(slack))
        http.route("POST", r"^/hook$", record(hooks))
        monkeypatch.setenv("TEST_SLACK_URL", f"{http.url}/slack/T000/B000/secret")
        monkeypatch.setenv("TEST_HOOK_URL", f"{http.url}/hook")
        yield {"http": http, "slack": slack, "hooks": hooks, "inbox": inbox, "smtp_port": port}
    smtp.stop()


# what must be equal, leaving out run ids, load times and the hourly table; the scores' floats (which depend on
# how texts were batched by a few 1e-5) are compared with a tolerance below
COMPARED = {
    "mentions": "SELECT * EXCLUDE (first_seen, last_seen, run_id) FROM mentions ORDER BY mention_id",
    "sentiment": "SELECT mention_id, model_name, model_version, model_sha256, text_sha256, label, note"
    " FROM sentiment ORDER BY 1, 2",
    "quarantine": "SELECT * EXCLUDE (first_seen, run_id) FROM quarantine ORDER BY quarantine_id",
    "reposts": "SELECT * EXCLUDE (first_seen, run_id) FROM reposts ORDER BY mention_id",
    "daily_brand_metrics": "SELECT * EXCLUDE (computed_at, run_id, mean_score)"
    " FROM daily_brand_metrics ORDER BY day, brand, source",
    "source_state": "SELECT * EXCLUDE (updated_at, run_id) FROM source_state ORDER BY brand, source",
}


def assert_same_tables(db, other) -> None:
    """Every table of COMPARED equal in the two warehouses, and the scores' floats within 1e-3."""
    for table, sql in COMPARED.items():
        with duckdb.connect(str(db), read_only=True) as a, duckdb.connect(str(other), read_only=True) as b:
            assert a.execute(sql).fetchall() == b.execute(sql).fetchall(), table
    for sql, keys in (
        ("SELECT mention_id, model_version, score, p_negative, p_neutral, p_positive FROM sentiment ORDER BY 1, 2", 2),
        ("SELECT day, brand, source, mean_score FROM daily_brand_metrics ORDER BY 1, 2, 3", 3),
    ):
        with duckdb.connect(str(db), read_only=True) as a, duckdb.connect(str(other), read_only=True) as b:
            x, y = a.execute(sql).fetchall(), b.execute(sql).fetchall()
        assert [r[:keys] for r in x] == [r[:keys] for r in y]
        assert all(r[keys:] == pytest.approx(s[keys:], abs=1e-3) for r, s in zip(x, y, strict=True)), sql


def drawn_figures(monkeypatch, draw, *args, **kwargs):
    """The matplotlib figures ``draw`` draws, to read what they plot (a PNG alone says nothing of the numbers), and
    what it returned: pyplot's close is held off while it draws, then the figures are closed here."""
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    with monkeypatch.context() as m:
        m.setattr(plt, "close", lambda *a, **k: None)
        result = draw(*args, **kwargs)
    figures = [plt.figure(num) for num in sorted(set(plt.get_fignums()) - before)]
    for fig in figures:
        plt.close(fig)
    return figures, result


def drawn_figure(monkeypatch, draw, *args, **kwargs):
    """The one figure a chart function draws (:func:`drawn_figures`)."""
    [fig], _ = drawn_figures(monkeypatch, draw, *args, **kwargs)
    return fig


def migrated(path: Path) -> Path:
    """A warehouse file at ``path`` with every migration applied (and its views); returns ``path``."""
    with connect(path) as con:
        migrate(con)
    return path


def weekly_social_and_survey(con, week: date, social: float, survey: dict[str, float]) -> None:
    """One week of brand acme for the lead-lag step: its social mean score (one day, the week's Monday, of
    ``daily_brand_metrics``) and each survey metric's weekly all-touchpoints, all-segments value."""
    con.execute(
        "INSERT INTO daily_brand_metrics (day, brand, source, volume, scored, n_negative, n_neutral,"
        " n_positive, share_negative, mean_score, computed_at, run_id, model_version) VALUES"
        " (?, 'acme', '_all', 10, 10, 3, 4, 3, 0.3, ?, now(), 'r', 'm1')",  # scored: by a model, as the nights write
        [week, float(social)],
    )
    for metric, value in survey.items():
        con.execute(
            "INSERT INTO survey_metrics (period, period_start, brand, touchpoint, segment, metric, value, n,"
            " low_n, computed_at, run_id) VALUES ('week', ?, 'acme', '_all', '_all', ?, ?, 40, false, now(), 'r')",
            [week, metric, float(value)],
        )
