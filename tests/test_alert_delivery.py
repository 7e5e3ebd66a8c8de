"""Alert rendering and delivery against real local receivers: an HTTP server (ReplayServer) and an SMTP server
(aiosmtpd), both on 127.0.0.1, and a server that trickles its answer one byte a second (TrickleServer).
Secrets (webhook URLs, SMTP passwords) must never show in a Delivery."""

from __future__ import annotations

import asyncio
import base64
import email
import email.policy
import json
import logging
import re
import socket
import struct
import threading
import time
import zlib
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import requests
import requests.adapters
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from demo.replay.server import ReplayServer, Response
from pipeline.alerts.channels import Delivery, Earlier, build_email, deliver, redact, webhook_url
from pipeline.alerts.message import (
    SCHEMA,
    AlertMessage,
    Digest,
    DigestItem,
    chart_cid,
    render_digest_slack,
    render_digest_text,
    render_html,
    render_slack,
    render_slack_followup,
    render_subject,
    render_text,
    render_webhook,
    window_label,
)
from pipeline.config import EmailSpec, SlackSpec, WebhookSpec
from tests.helpers import TrickleServer, free_port, unaccepting_port

FAST = {"timeout": 5.0, "retries": 2, "backoff_factor": 0.0}
SECRET = "T0000/B0000/sekritTOKEN123"


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


PNG = tiny_png()


def mention(i: int, **over) -> dict:
    m = {
        "text": f"Parcelo lost parcel number {i} and support will not refund it",
        "url": f"https://www.reddit.com/r/parcelo/comments/m{i}",
        "source": "reddit",
        "channel": "r/parcelo",
        "engagement": 100 - i,
        "created_at": datetime(2026, 10, 14, 8, i, tzinfo=UTC),
    }
    return {**m, **over}


def make_msg(**over) -> AlertMessage:
    fields = {
        "alert_id": "parcelo-spike-2026-10-14",
        "brand": "parcelo",
        "brand_name": "Parcelo",
        "kind": "spike",
        "status": "new",
        "severity": "major",
        "day": date(2026, 10, 14),
        "headline": "Negative mentions of Parcelo at 3.4x the usual level",
        "reason": "182 negative mentions against 54.3 expected (Poisson p = 1.2e-09); negative share 38.0% vs 17.5%",
        "numbers": {
            "observed": 182,
            "expected": 54.3,
            "volume": 479,
            "share": 0.38,
            "baseline_share": 0.175,
            "tests": {"poisson_p": 1.2e-9, "z": 6.4},
        },
        "terms": [("refund", 5.12), ("lost parcel", 4.3), ("tracking", 3.9)],
        "sources": [("r/parcelo", 64), ("app_store", 41), ("hackernews", 3)],
        "top_mentions": [mention(i) for i in range(1, 7)],
        "report_url": "https://reports.example.com/parcelo/2026-10-14",
        "chart_png": PNG,
    }
    return AlertMessage(**{**fields, **over})


# ---------------------------------------------------------------------------------------------- receivers


@pytest.fixture
def receiver():
    """(server, received JSON bodies): POST /hook/... records the JSON and answers 'ok' like Slack."""
    received: list[dict] = []

    def hook(req, _match):
        assert req.headers["content-type"].startswith("application/json")
        received.append(json.loads(req.body.decode("utf-8")))
        return Response(200, "ok")

    with ReplayServer() as server:
        server.route("POST", r"^/hook/", hook)
        yield server, received


class Inbox:
    def __init__(self):
        self.envelopes: list[tuple[str, list[str], bytes]] = []
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            self.logins.append((auth_data.login, auth_data.password))
            if auth_data.password == b"right-pass":
                return AuthResult(success=True, handled=False)
            # as some servers do, the refusal quotes the login (here the password too): the client must not pass
            # them on into its error or the log
            login, password = auth_data.login.decode(), auth_data.password.decode()
            return AuthResult(success=False, handled=False, message=f"535 5.7.8 {login}:{password} not accepted")
        return AuthResult(success=False, handled=False)


@pytest.fixture(scope="module")
def smtp_server():
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=free_port(), authenticator=inbox.authenticate, auth_require_tls=False
    )
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


@pytest.fixture
def inbox(smtp_server):
    controller, box = smtp_server
    box.envelopes.clear()
    box.logins.clear()
    return controller, box


def email_channel(port: int, **over) -> EmailSpec:
    fields = {
        "type": "email",
        "name": "cx-email",
        "to": ["cx@example.com", "lead@example.com"],
        "sender": "brandpulse@example.com",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "starttls": False,
    }
    return EmailSpec(**{**fields, **over})


# ------------------------------------------------------------------------------------------- Block Kit check

BLOCK_TYPES = {"header", "section", "context", "divider"}


def check_block_kit(payload: dict) -> list[str]:
    """Every mrkdwn/plain text of the payload, after asserting Block Kit structure and Slack's limits."""
    assert isinstance(payload["text"], str) and 0 < len(payload["text"]) <= 3000
    blocks = payload["blocks"]
    assert 0 < len(blocks) <= 50
    texts = []
    for b in blocks:
        assert b["type"] in BLOCK_TYPES, b
        if b["type"] == "header":
            assert b["text"]["type"] == "plain_text" and 0 < len(b["text"]["text"]) <= 150
            texts.append(b["text"]["text"])
        elif b["type"] == "section":
            assert "text" in b or "fields" in b
            if "text" in b:
                assert b["text"]["type"] == "mrkdwn" and 0 < len(b["text"]["text"]) <= 3000 and b["text"]["verbatim"]
                texts.append(b["text"]["text"])
            if "fields" in b:
                assert 0 < len(b["fields"]) <= 10
                for f in b["fields"]:
                    assert f["type"] == "mrkdwn" and 0 < len(f["text"]) <= 2000 and f["verbatim"]
                    texts.append(f["text"])
        elif b["type"] == "context":
            assert 0 < len(b["elements"]) <= 10
            for e in b["elements"]:
                assert e["type"] == "mrkdwn" and 0 < len(e["text"]) <= 3000 and e["verbatim"]
                texts.append(e["text"])
    return texts


# --------------------------------------------------------------------------------------------------- Slack


def test_a_webhook_url_read_from_a_secret_file_with_its_newline_is_delivered(receiver):
    """A variable filled from a secret file (`$(cat hook.txt)`, a Kubernetes secret) often ends with a newline."""
    server, received = receiver
    channel = SlackSpec(type="slack", name="cx-team", webhook_url_env="BP_SLACK")
    result = deliver(channel, make_msg(), env={"BP_SLACK": f"  {server.url}/hook/{SECRET}\n"}, **FAST)
    assert result.ok and [r.path for r in server.requests] == [f"/hook/{SECRET}"] and len(received) == 1, result


def test_slack_delivery_posts_block_kit_with_the_alert(receiver):
    server, received = receiver
    channel = SlackSpec(type="slack", name="cx-team", webhook_url_env="BP_SLACK")
    result = deliver(channel, make_msg(), env={"BP_SLACK": f"{server.url}/hook/{SECRET}"}, **FAST)

    assert result.ok and result.status == 200 and result.error is None, result
    assert result.channel == "cx-team" and result.attempted_at.tzinfo is not None
    assert [r.path for r in server.requests] == [f"/hook/{SECRET}"]
    (payload,) = received
    texts = check_block_kit(payload)
    blob = "\n".join(texts)
    assert payload["blocks"][0]["type"] == "header"
    assert payload["blocks"][0]["text"]["text"] == "Negative mentions of Parcelo at 3.4x the usual level"
    assert "182 negative mentions against 54.3 expected" in blob and "p = 1.2e-09" in blob
    assert "*Observed*\n182" in texts and "*Negative share*\n38.0%" in texts and "*Expected*\n54.3" in texts
    assert "*Tests · Poisson p*\n1.2e-09" in texts
    assert "`refund` z 5.1" in blob and "`lost parcel` z 4.3" in blob
    assert "r/parcelo: 64 negative" in blob
    for i in range(1, 6):
        assert f"<https://www.reddit.com/r/parcelo/comments/m{i}|Parcelo lost parcel number {i}" in blob
    assert "comments/m6" not in blob  # only the top 5 mentions
    assert "<https://reports.example.com/parcelo/2026-10-14|Open the full report>" in blob
    assert payload["text"].startswith("Negative mentions of Parcelo")


def test_slack_payload_stays_within_limits_for_huge_alerts():
    msg = make_msg(
        headline="H" * 400,
        reason="why " * 3000,
        numbers={f"metric_{i}": i * 1.5 for i in range(37)},
        terms=[(f"term{i}" * 20, 3.0) for i in range(100)],
        sources=[("&" * 900, 5)] * 40,
        top_mentions=[mention(i, text="x&" * 5000, channel="<" * 3000) for i in range(60)],
    )
    payload = render_slack(msg)
    texts = check_block_kit(payload)
    fields = [b for b in payload["blocks"] if "fields" in b]
    assert sum(len(b["fields"]) for b in fields) == 37 and len(fields) == 4
    assert len(payload["blocks"][0]["text"]["text"]) == 150
    # cutting never leaves a broken entity such as '&am' at the cut
    for t in texts:
        assert not re.search(r"&(?!amp;|lt;|gt;)", t), t[-40:]


@pytest.mark.parametrize(
    "tail",
    [
        "zaginęła",  # Polish written decomposed: 'e' and its ogonek U+0328
        "لَمْ يَصِلْ الطَّرْدُ",  # Arabic with its vowel signs: a shadda and a fatha on one letter
        "👨\u200d👩\u200d👧 family",  # one emoji of three joined by zero-width joiners
        "👍🏽 ok",  # an emoji and its skin tone
        "🇵🇱🇳🇱 flags",  # two flags, each two regional indicators
    ],
)
def test_a_text_cut_to_a_limit_is_never_cut_inside_a_character(tail):
    """A cut keeps a letter with its marks and an emoji or flag whole: it is cut before them, never between."""
    import unicodedata

    tail = unicodedata.normalize("NFD", tail)
    before = len(render_slack(make_msg(reason=""))["blocks"][1]["text"]["text"])  # the section's text before the reason
    for at in range(len(tail) + 1):
        text = "x" * (199 - at) + tail  # the cut (the 199th character, then '…') falls at each place of the tail
        msg = make_msg(
            headline="H" * (150 - 1 - at) + tail,
            reason="x" * (3000 - 1 - before - at) + tail,
            top_mentions=[mention(1, text=text, url=None)],
        )
        payload = render_slack(msg)
        header, section = payload["blocks"][0]["text"]["text"], payload["blocks"][1]["text"]["text"]
        link = next(t for t in check_block_kit(payload) if t.startswith("1. "))
        shown = link.removeprefix("1. ").split("\n")[0]
        for cut in (header, section.split("\n")[-1], shown):
            kept = cut.removesuffix("…").lstrip("Hx")
            assert tail.startswith(kept), (at, cut[-12:])
            rest = tail[len(kept) :]
            assert not rest or not (
                unicodedata.category(rest[0]).startswith("M")
                or rest[0] in "\u200d\U0001f3fd"
                or kept.endswith("\u200d")
                or (kept.endswith(("🇵", "🇳")) and not kept.endswith(("🇵🇱", "🇳🇱")))
            ), (at, ascii(kept), ascii(rest[:3]))


def test_slack_mrkdwn_is_escaped():
    """A mention's text cannot ping or link: ``<>&`` escaped, and every mrkdwn text object ``verbatim``
    (:func:`check_block_kit`): by default Slack parses a plain "@here" into a ping of the whole channel."""
    evil = mention(
        1, text="<!channel> @here free refunds & <https://evil.example|click here>", url="javascript:alert(1)"
    )
    payload = render_slack(make_msg(brand_name="A&B <Co>", top_mentions=[evil], report_url=None))
    blob = "\n".join(check_block_kit(payload))
    assert "<!channel>" not in blob and "&lt;!channel&gt; @here free refunds &amp; &lt;https://evil.example" in blob
    assert "A&amp;B &lt;Co&gt;" in blob
    assert "javascript:" not in blob and "evil.example|" not in blob
    # the only links left are the ones we made: none here, the mention's URL is not http(s)
    assert re.findall(r"<(?!@)[^<>]*>", blob) == []
    # a link's URL is escaped as Slack reads it: '&' as an entity, '<', '>' and '|' percent-encoded
    linked = render_slack(make_msg(top_mentions=[mention(1, url="https://example.com/q?a=1&b=<2>|x")]))
    blob = "\n".join(check_block_kit(linked))
    assert "<https://example.com/q?a=1&amp;b=%3C2%3E%7Cx|Parcelo lost parcel number 1 " in blob


def test_a_brand_name_with_mrkdwn_markers_shows_as_written_in_slack():
    """mrkdwn has no escape for ``* _ ~ ` ``: a brand "_Nook_" showed in italics, and "*NSYNC" made bold the rest of
    the line up to the severity's closing ``*``; in the alert, its follow-up and the digest."""
    for name in ("_Nook_", "*NSYNC", "~Tilde~", "`Tick`"):
        msg = make_msg(brand_name=name, headline=f"{name}: negative spike on Wed 14 Oct 2026", status="worse")
        held = DigestItem("a", name, "spike", "new", "major", msg.headline, datetime(2026, 10, 14, 22, tzinfo=UTC))
        digest = Digest("c", "20:00-08:00 UTC", "UTC", [held])
        lines = [
            render_slack(msg)["blocks"][1]["text"]["text"].split("\n")[0],
            render_slack_followup(msg)["blocks"][0]["text"]["text"],
            render_digest_slack(digest)["blocks"][1]["text"]["text"],
        ]
        for line in lines:  # the only markers left are the message's own: *Update: getting worse*, *major*
            assert not set(re.sub(r"\*(Update: getting worse|major)\*", "", line)) & set("*_~`"), (name, line)
            assert name.strip("*_~`") in line, line


def test_slacks_top_mentions_say_how_many_negatives_they_were_drawn_from():
    """A recorded alert holds its five top mentions of the day's 50 negatives: "(5 of 5)" said they were all."""
    top = [mention(i) for i in range(1, 6)]
    texts = [b["text"]["text"] for b in render_slack(make_msg(top_mentions=top, numbers={"focus_negatives": 50}))[
        "blocks"] if b.get("text")]  # fmt: skip
    assert "*Top mentions* (5 of 50 negative)" in texts
    texts = [b["text"]["text"] for b in render_slack(make_msg())["blocks"] if b.get("text")]
    assert "*Top mentions* (5 of 6)" in texts  # a message without the count: the mentions it holds


def test_slack_blocks_past_the_limit_keep_the_context_with_the_report_link():
    """Past Slack's 50 blocks the message is cut before its last block: the context (alert id, report link) stays."""
    payload = render_slack(make_msg(numbers={f"metric_{i}": i for i in range(600)}))
    check_block_kit(payload)
    assert len(payload["blocks"]) == 50 and payload["blocks"][1]["text"]["text"].startswith("*New alert*")
    assert payload["blocks"][-1] == {
        "type": "context",
        "elements": [
            {"type": "mrkdwn", "text": "brandpulse · alert `parcelo-spike-2026-10-14`", "verbatim": True},
            {
                "type": "mrkdwn",
                "text": "<https://reports.example.com/parcelo/2026-10-14|Open the full report>",
                "verbatim": True,
            },
        ],
    }


def test_every_part_lists_the_first_ten_sources():
    msg = make_msg(sources=[(f"source-{i}", 100 - i) for i in range(12)])
    blob = "\n".join(check_block_kit(render_slack(msg)))
    for shown in (render_text(msg), render_html(msg), blob):
        assert "source-9" in shown and "source-10" not in shown and "source-11" not in shown, shown
    assert "source-9: 91 negative" in blob


def test_every_part_counts_the_negatives_of_the_origins_it_does_not_list():
    """The explanation keeps the top 8 origins: the demo's Parcelo shift listed 173 of its 193 negatives, its
    Paczkolot spike 20 of 22, in every channel as if they were all."""
    msg = make_msg(numbers={"focus_negatives": 120}, sources=[("r/parcelo", 64), ("app_store", 41), ("hackernews", 3)])
    blob = "\n".join(check_block_kit(render_slack(msg)))
    assert "• other origins: 12 negative" in blob, blob
    assert "hackernews 3, other origins 12\n" in render_text(msg)
    assert "<li>other origins: 12 negative</li>" in render_html(msg)
    whole = make_msg(numbers={"focus_negatives": 108})  # all of them listed: no such line
    assert not any("other origins" in s for s in (render_text(whole), render_html(whole), str(render_slack(whole))))


def test_a_url_too_long_for_a_slack_link_is_left_out_not_cut_into_broken_mrkdwn():
    long = mention(1, url="https://long.example/" + "a" * 2950)
    blob = "\n".join(check_block_kit(render_slack(make_msg(top_mentions=[long]))))
    assert "long.example" not in blob and "1. Parcelo lost parcel number 1 and support will not refund it\n" in blob
    # 900 characters as stored, 1,300 once each '&' is sent as '&amp;': the limit holds for what is sent
    amps = mention(1, url="https://amp.example/?" + "a=1&" * 220)
    blob = "\n".join(check_block_kit(render_slack(make_msg(top_mentions=[amps]))))
    assert "amp.example" not in blob, blob
    short = mention(1, url="https://amp.example/?" + "a=1&" * 100)
    blob = "\n".join(check_block_kit(render_slack(make_msg(top_mentions=[short]))))
    assert "<https://amp.example/?a=1&amp;a=1" in blob, blob


# ------------------------------------------------------------------------------------------------- webhook


def test_webhook_delivery_posts_every_field(receiver):
    server, received = receiver
    channel = WebhookSpec(type="webhook", name="ops", url_env="BP_HOOK")
    msg = make_msg(status="worse")
    result = deliver(channel, msg, env={"BP_HOOK": f"{server.url}/hook/ops?token=abc123"}, **FAST)

    assert result.ok and result.status == 200, result
    assert server.requests[0].query == {"token": "abc123"}
    (body,) = received
    assert body["schema"] == SCHEMA == "brandpulse.alert/1"
    expected = {
        "alert_id": "parcelo-spike-2026-10-14",
        "brand": "parcelo",
        "brand_name": "Parcelo",
        "kind": "spike",
        "status": "worse",
        "severity": "major",
        "day": "2026-10-14",
        "headline": msg.headline,
        "reason": msg.reason,
        "numbers": msg.numbers,
        "terms": [{"term": "refund", "z": 5.12}, {"term": "lost parcel", "z": 4.3}, {"term": "tracking", "z": 3.9}],
        "sources": [
            {"source": "r/parcelo", "negative": 64},
            {"source": "app_store", "negative": 41},
            {"source": "hackernews", "negative": 3},
        ],
        "report_url": "https://reports.example.com/parcelo/2026-10-14",
        "chart_content_type": "image/png",
    }
    assert {k: body[k] for k in expected} == expected
    assert body["incident_id"] == "parcelo-spike-2026-10-14"  # its own: a new alert opens its incident
    assert len(body["top_mentions"]) == 6
    assert body["top_mentions"][0] == {**mention(1), "created_at": "2026-10-14T08:01:00+00:00"}
    assert base64.b64decode(body["chart_png_base64"]) == PNG
    back = AlertMessage.from_dict(body)
    assert (back.day, back.terms, back.sources, back.chart_png) == (msg.day, msg.terms, msg.sources, PNG)
    assert back.incident_id is msg.incident_id is None  # a new alert: its own incident
    update = make_msg(alert_id="parcelo-spike-2026-10-14-n", status="update", incident_id="parcelo-hourly-0913")
    again = AlertMessage.from_dict(render_webhook(update))  # the key a paging bridge dedupes on: kept
    assert again.incident_id == "parcelo-hourly-0913" and render_webhook(again)["incident_id"] == "parcelo-hourly-0913"


def test_webhook_json_is_valid_without_chart_and_with_nan():
    body = render_webhook(make_msg(chart_png=None, numbers={"expected": float("nan"), "z": float("inf")}))
    assert body["chart_png_base64"] is None and body["numbers"] == {"expected": None, "z": None}
    json.dumps(body, allow_nan=False)


def test_http_500_repeatedly_fails_without_leaking_the_url(receiver):
    server, received = receiver
    server.add_fault(r"^/hook/", status=500, body=f"internal error on /hook/{SECRET}", times=10)
    url = f"{server.url}/hook/{SECRET}"
    result = deliver(
        WebhookSpec(type="webhook", name="cx-team", url_env="BP_HOOK"), make_msg(), {"BP_HOOK": url}, **FAST
    )

    assert not result.ok and result.status == 500, result
    assert len(server.requests) == 3 and received == []  # 1 try + 2 retries
    assert "HTTP 500 after 2 retries" in result.error and "cx-team" in result.error
    shown = repr(result) + json.dumps(result.as_dict())
    assert SECRET not in shown and "sekrit" not in shown and server.url not in shown and "http://" not in shown


def test_http_retry_then_success(receiver):
    server, received = receiver
    server.add_fault(r"^/hook/", status=503, times=1)
    result = deliver(
        WebhookSpec(type="webhook", name="ops", url_env="U"), make_msg(), {"U": f"{server.url}/hook/x"}, **FAST
    )
    assert result.ok and result.status == 200 and len(server.requests) == 2 and len(received) == 1


@pytest.mark.parametrize("status", [202, 204])
def test_any_2xx_answer_is_a_delivery(receiver, status):
    """A receiver that queues the alert (202 Accepted) or answers without a body (204) has it: not retried."""
    server, _ = receiver
    server.route("POST", r"^/queue", lambda req, m: Response(status, "" if status == 204 else "queued"))
    d = deliver(WebhookSpec(type="webhook", name="ops", url_env="U"), make_msg(), {"U": f"{server.url}/queue"}, **FAST)
    assert d.ok and d.status == status and d.error is None and len(server.requests) == 1, d


@pytest.mark.parametrize("charset", ["binary", "undefined", "idna"])
@pytest.mark.parametrize("status", [200, 500])
def test_an_answer_in_a_charset_python_does_not_know_is_read_not_a_crash(receiver, status, charset):
    """A receiver whose Content-Type names an unknown charset ("binary"): a 200 is a delivery (raised, it was
    recorded failed, and the next run posted the alert to Slack again); a 500's body is still quoted."""
    server, _ = receiver
    answer = Response(status, b"ok" if status == 200 else b"boom", {"Content-Type": f"text/plain; charset={charset}"})
    server.route("POST", r"^/odd", lambda req, m: answer)
    channel = SlackSpec(type="slack", name="cx-team", webhook_url_env="S")
    d = deliver(channel, make_msg(), {"S": f"{server.url}/odd"}, **{**FAST, "retries": 0})
    assert d.ok == (status == 200) and d.status == status and len(server.requests) == 1, d
    assert d.error is None if status == 200 else d.error == "slack channel 'cx-team': HTTP 500: boom"


def test_slack_client_error_is_reported_without_retry(receiver):
    server, _ = receiver
    server.add_fault(r"^/hook/", status=404, body="no_service", times=5)
    result = deliver(
        SlackSpec(type="slack", name="cx-team", webhook_url_env="S"),
        make_msg(),
        {"S": f"{server.url}/hook/{SECRET}"},
        **FAST,
    )
    assert not result.ok and result.status == 404 and len(server.requests) == 1
    assert result.error == "slack channel 'cx-team': HTTP 404: no_service"


def test_an_error_quotes_at_most_200_characters_of_the_answer(receiver):
    server, _ = receiver
    server.add_fault(r"^/hook/", status=400, body="invalid_payload " + "x" * 5000, times=1)
    channel = SlackSpec(type="slack", name="cx-team", webhook_url_env="S")
    d = deliver(channel, make_msg(), {"S": f"{server.url}/hook/{SECRET}"}, **FAST)
    assert not d.ok and d.error == "slack channel 'cx-team': HTTP 400: invalid_payload " + "x" * 184, d.error


def test_a_secret_the_answer_quotes_across_the_200_character_cut_is_redacted_not_cut_in_two(receiver):
    """The answer's start is redacted before it is cut to 200 characters: a token it quotes across the cut would
    otherwise be stored cut short, and no longer found whole to redact (the rest of the token in the error)."""
    server, _ = receiver
    token = SECRET.rsplit("/", 1)[1]
    server.add_fault(r"^/hook/", status=403, body="invalid_token " + "x" * 175 + " " + token, times=1)
    hook = WebhookSpec(type="webhook", name="ops-hook", url_env="U")
    d = deliver(hook, make_msg(), {"U": f"{server.url}/hook/{SECRET}"}, **{**FAST, "retries": 0})
    assert not d.ok and d.error.startswith("webhook channel 'ops-hook': HTTP 403: invalid_token xxx"), d.error
    assert token[:6] not in d.error and d.error.endswith(" [redacted]"), d.error

    def slack_api(req, _m):
        sent = req.headers["authorization"].removeprefix("Bearer ")
        return Response(200, {"ok": False, "error": "invalid_auth " + "y" * 175 + " " + sent})

    server.route("POST", r"^/api/", slack_api)
    bot = SlackSpec(type="slack", name="cx-bot", bot_token_env="T", channel="#cx")
    env = {"T": "xoxb-123456-abcdefghijkl", "BRANDPULSE_SLACK_API_URL": f"{server.url}/api"}
    d = deliver(bot, make_msg(), env, **FAST)
    assert not d.ok and "Slack said invalid_auth yyy" in d.error and "xoxb-" not in d.error, d.error


def test_a_slack_edit_refused_for_another_reason_fails_without_posting_anew_or_quoting_the_token(receiver):
    """Only a message Slack will never edit (deleted, too old, its channel gone) is posted anew; an edit refused
    otherwise fails (the next run edits again), and Slack's error is stored without the bot token."""
    server, _ = receiver
    calls = []

    def slack_api(req, _m):
        calls.append(req.path)
        token = req.headers["authorization"].removeprefix("Bearer ")
        return Response(200, {"ok": False, "error": f"invalid_blocks (sent by {token})"})

    server.route("POST", r"^/api/", slack_api)
    channel = SlackSpec(type="slack", name="cx-bot", bot_token_env="T", channel="#cx")
    env = {"T": "xoxb-test-1", "BRANDPULSE_SLACK_API_URL": f"{server.url}/api"}
    d = deliver(channel, make_msg(status="worse"), env, earlier=Earlier("C0CX:1790000000.000100"), **FAST)
    assert not d.ok and calls == ["/api/chat.update"], (d, calls)
    assert d.error == "slack channel 'cx-bot': chat.update: Slack said invalid_blocks (sent by [redacted])", d.error


@pytest.mark.parametrize(
    "channel",
    [
        SlackSpec(type="slack", name="cx-team", webhook_url_env="S"),
        SlackSpec(type="slack", name="cx-bot", bot_token_env="T", channel="#cx"),  # the Web API: chat.postMessage
    ],
    ids=["incoming-webhook", "bot"],
)
def test_slack_is_posted_once_per_attempt_retried_only_when_it_cannot_have_arrived(receiver, channel):
    """Slack cannot drop a repeat: a POST that may have reached it (no answer in time, a 5xx) is not repeated within
    the attempt (the attempt fails, and the step records it so); a 429 (Slack did not process it) is."""
    server, received = receiver

    def slack_api(req, _m):
        received.append(json.loads(req.body))
        return Response(200, {"ok": True, "channel": "C0CX", "ts": "1790000000.000100"})

    server.route("POST", r"^/api/", slack_api)
    env = {"S": f"{server.url}/hook/{SECRET}", "T": "xoxb-test-1", "BRANDPULSE_SLACK_API_URL": f"{server.url}/api"}
    send = {"timeout": 0.5, "retries": 2, "backoff_factor": 0.0, "deadline_s": 5.0}

    server.add_fault(r"^/(hook|api)/", status=200, delay=1.5)  # Slack has the message, but answers after 1.5 s
    result = deliver(channel, make_msg(), env, **send)
    time.sleep(1.5)  # until the answer it gave up on
    assert not result.ok and result.status is None, result
    assert "; not retried, as the receiver may have it" in result.error and "Read timed out" in result.error
    assert len(server.requests) == len(received) == 1  # posted once

    server.add_fault(r"^/(hook|api)/", status=500, body="rollup_error")
    result = deliver(channel, make_msg(), env, **send)
    assert not result.ok and result.status == 500 and len(server.requests) == 2
    assert result.error.endswith(": HTTP 500: rollup_error")  # not "after 2 retries": none was made
    server.add_fault(r"^/(hook|api)/", status=503, headers={"Retry-After": "0"})  # a 503 may have been acted on too
    assert not deliver(channel, make_msg(), env, **send).ok and len(server.requests) == 3

    server.add_fault(r"^/(hook|api)/", status=429, headers={"Retry-After": "0"})
    result = deliver(channel, make_msg(), env, **send)
    assert result.ok and len(server.requests) == 5 and len(received) == 2  # the 429, then the post


def test_a_webhook_that_answers_too_late_is_retried_with_its_idempotency_key(receiver):
    server, received = receiver
    server.add_fault(r"^/hook/", status=200, delay=1.5)
    env = {"U": f"{server.url}/hook/x"}
    channel = WebhookSpec(type="webhook", name="ops", url_env="U")
    result = deliver(channel, make_msg(), env, timeout=0.5, retries=2, backoff_factor=0.0, deadline_s=5.0)
    time.sleep(1.5)
    assert result.ok and len(received) == 2  # at least once: the receiver drops the repeat by its key
    assert {r.headers["idempotency-key"] for r in server.requests} == {"parcelo-spike-2026-10-14:ops"}


def test_http_connection_refused_fails_without_leaking_the_url(monkeypatch):
    url = f"http://127.0.0.1:{free_port()}/hook/{SECRET}"
    channel = WebhookSpec(type="webhook", name="ops", url_env="U")
    result = deliver(channel, make_msg(), {"U": url}, **FAST)
    assert not result.ok and result.status is None
    assert "ConnectionRefusedError" in result.error or "Connection refused" in result.error, result.error
    assert SECRET not in result.error and "sekrit" not in result.error and "http://" not in result.error

    # requests' own refusal names only host and port; an error that quotes the URL (a proxy's, an adapter's, as
    # urllib3 quotes the path: "Max retries exceeded with url: /hook/...") cannot be made here, so it is raised
    # where the connection would be made, under the real session, retries and deadline
    def refuse(adapter, request, **kwargs):
        raise requests.ConnectionError(f"refused {request.url} (Max retries exceeded with url: {request.path_url})")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", refuse)
    result = deliver(channel, make_msg(), {"U": url}, **FAST)
    assert not result.ok and result.status is None and not result.maybe_delivered
    assert result.error == (
        "webhook channel 'ops': ConnectionError: refused [redacted] (Max retries exceeded with url: [redacted]); "
        "not retried in this attempt"
    ), result.error
    shown = repr(result) + json.dumps(result.as_dict())
    assert SECRET not in shown and "sekrit" not in shown and "/hook/" not in shown and "http://" not in shown


def test_a_secret_pasted_in_place_of_a_variables_name_is_not_shown():
    """A short secret in an ``*_env`` field (under the 16 letters the config refuses as a value) was named as the
    variable not set, in the send's error, stored in alert_deliveries.error; a name not in capitals is not shown."""
    slack = deliver(SlackSpec(type="slack", name="cx-team", webhook_url_env="Zomer2024wachtw"), make_msg(), {})
    assert not slack.ok and "Zomer2024wachtw" not in slack.error and "not in capitals" in slack.error, slack.error
    bot = deliver(SlackSpec(type="slack", name="cx", channel="C0CX", bot_token_env="xoxb_short1"), make_msg(), {})
    assert not bot.ok and "xoxb_short1" not in bot.error and "not in capitals" in bot.error, bot.error


def test_missing_env_var_is_named():
    slack = deliver(SlackSpec(type="slack", name="cx-team", webhook_url_env="BP_NOPE"), make_msg(), {})
    assert not slack.ok and slack.status is None
    assert slack.error == "slack channel 'cx-team': environment variable BP_NOPE is not set (it holds the webhook URL)"
    bare = deliver(WebhookSpec.model_construct(type="webhook", name="ops"), make_msg(), {})  # config refuses it
    assert not bare.ok and "url_env" in bare.error and "airflow_conn_id" in bare.error
    not_url = deliver(WebhookSpec(type="webhook", name="ops", url_env="U"), make_msg(), {"U": "ftp://sekrit"})
    assert not not_url.ok and "U is not an http(s) URL" in not_url.error and "sekrit" not in not_url.error
    # these raised out of the send: "failed unexpectedly" and a traceback
    broken = deliver(WebhookSpec(type="webhook", name="ops", url_env="U"), make_msg(), {"U": "http://[zz]/hook/sekrit"})
    assert broken.error == "webhook channel 'ops': the URL in environment variable U is not a valid URL"
    broken = deliver(WebhookSpec(type="webhook", name="ops", url_env="U"), make_msg(), {"U": "http://a..b/hook/sekrit"})
    assert not broken.ok and broken.error == (
        "webhook channel 'ops': the URL's host cannot be read as a host name; check the URL; "
        "not retried in this attempt"
    )


def test_url_from_airflow_connection(receiver, monkeypatch):
    server, received = receiver
    port = int(server.url.rsplit(":", 1)[1])
    conn = {"conn_type": "http", "host": "127.0.0.1", "port": port, "schema": "http", "password": "hook/conn-tok"}
    monkeypatch.setenv("AIRFLOW_CONN_BP_OPS_HOOK", json.dumps(conn))
    channel = WebhookSpec(type="webhook", name="ops", url_env="BP_UNSET", airflow_conn_id="bp_ops_hook")
    result = deliver(channel, make_msg(), env={}, **FAST)
    assert result.ok, result
    assert server.requests[0].path == "/hook/conn-tok" and received[0]["alert_id"] == "parcelo-spike-2026-10-14"

    missing = deliver(WebhookSpec(type="webhook", name="ops", airflow_conn_id="bp_no_such_conn"), make_msg(), {})
    assert not missing.ok and "'bp_no_such_conn' is not defined" in missing.error
    # a password alone is a Slack token under Slack's host; for a webhook it is no URL (never sent to Slack)
    monkeypatch.setenv("AIRFLOW_CONN_BP_TOKEN_ONLY", json.dumps({"conn_type": "http", "password": "tok-123456"}))
    bare = deliver(WebhookSpec(type="webhook", name="ops", airflow_conn_id="bp_token_only"), make_msg(), {}, **FAST)
    assert not bare.ok and bare.status is None and "'bp_token_only' has no URL" in bare.error, bare


def test_a_connection_given_as_a_uri_keeps_the_urls_path(receiver, monkeypatch):
    """``AIRFLOW_CONN_X=http://host:port/hook/tok`` (or ``airflow connections add --conn-uri``): Airflow keeps the
    scheme in the type and the path in schema, which was dropped: the alert went to the host's root (a server that
    answers 2xx there: recorded delivered, never retried) instead of the webhook."""
    server, received = receiver
    port = int(server.url.rsplit(":", 1)[1])
    monkeypatch.setenv("AIRFLOW_CONN_BP_OPS_URI", f"http://127.0.0.1:{port}/hook/uri-tok")
    result = deliver(WebhookSpec(type="webhook", name="ops", airflow_conn_id="bp_ops_uri"), make_msg(), {}, **FAST)
    assert result.ok, result
    assert [r.path for r in server.requests] == ["/hook/uri-tok"] and len(received) == 1


def test_an_incidents_later_alerts_name_it_in_the_webhook_and_thread_under_it_by_email(receiver, inbox):
    """The night's 'update' of an incident the watch opened (and a 'worse') is no new page: the webhook carries the
    incident's id (a PagerDuty or Opsgenie bridge dedupes on it), the e-mail says so in its subject and answers the
    incident's first e-mail (In-Reply-To, References), so mail clients thread it."""
    server, received = receiver
    update = make_msg(alert_id="parcelo-spike-2026-10-14-n", status="update", incident_id="parcelo-hourly-0913")
    channel = WebhookSpec(type="webhook", name="ops", url_env="H")
    hook = deliver(channel, update, {"H": f"{server.url}/hook/ops"}, **FAST)
    assert hook.ok and received[0]["incident_id"] == "parcelo-hourly-0913"
    controller, box = inbox
    first = deliver(email_channel(controller.port), make_msg(alert_id="parcelo-hourly-0913"), env={}, attempt=2)
    assert first.ok and first.external_id == "<brandpulse.parcelo-hourly-0913.2@example.com>"  # recorded
    assert parse(box.envelopes[0][2])["In-Reply-To"] is None
    earlier = Earlier(first.external_id)  # what send_alerts looks up (alerts/earlier_message)
    assert deliver(email_channel(controller.port), update, env={}, earlier=earlier, **FAST).ok
    m = parse(box.envelopes[1][2])
    assert m["Subject"] == "[brandpulse] Parcelo: negative spike on 2026-10-14, the day in full (major)"
    assert m["In-Reply-To"] == m["References"] == "<brandpulse.parcelo-hourly-0913.2@example.com>"
    # an id that is no Message-ID (a Slack '<channel id>:<ts>') is not answered
    assert deliver(email_channel(controller.port), update, env={}, earlier=Earlier("C0CX:1790000000.000100")).ok
    assert parse(box.envelopes[2][2])["In-Reply-To"] is None and parse(box.envelopes[2][2])["References"] is None


def test_an_address_listed_twice_in_two_cases_gets_one_copy(inbox):
    """cx@example.com and CX@Example.com are one mailbox: listed both ways, it got two RCPTs (two copies)."""
    controller, box = inbox
    channel = email_channel(controller.port, to=["cx@example.com", "CX@Example.com", "lead@example.com"])
    assert deliver(channel, make_msg(), env={}, **FAST).ok
    ((_, rcpts, raw),) = box.envelopes
    assert rcpts == ["cx@example.com", "lead@example.com"]
    assert parse(raw)["To"] == "cx@example.com, lead@example.com"


def test_redact_removes_secrets_and_urls():
    text = redact("failed for https://hooks.example/a/b?x=1 with token abcdef and path /a/b", ["abcdef", "/a/b"])
    assert text == "failed for [redacted] with token [redacted] and path [redacted]"


# --------------------------------------------------------------------------------------------------- email


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_email_delivery_text_html_and_inline_chart(inbox):
    controller, box = inbox
    msg = make_msg(top_mentions=[mention(1), mention(2, text="<script>alert('x')</script> & more")])
    result = deliver(email_channel(controller.port), msg, env={}, attempt=2, **FAST)

    assert result.ok and str(result.status).startswith("250"), result
    ((mail_from, rcpts, raw),) = box.envelopes
    assert mail_from == "brandpulse@example.com" and rcpts == ["cx@example.com", "lead@example.com"]
    m = parse(raw)
    assert m["From"] == "brandpulse <brandpulse@example.com>"
    assert m["To"] == "cx@example.com, lead@example.com"
    assert m["Subject"] == "[brandpulse] Parcelo: negative spike on 2026-10-14 (major)"
    assert m["Date"] and m["Message-ID"] == "<brandpulse.parcelo-spike-2026-10-14.2@example.com>"
    assert m["X-Brandpulse-Alert"] == "parcelo-spike-2026-10-14"
    assert m.get_content_type() == "multipart/related"
    alt, image = m.get_payload()
    assert alt.get_content_type() == "multipart/alternative"
    text, html = (p.get_content() for p in alt.get_payload())
    assert [p.get_content_type() for p in alt.get_payload()] == ["text/plain", "text/html"]
    assert msg.reason in text and "https://www.reddit.com/r/parcelo/comments/m1" in text
    assert msg.reason in html
    assert '<a href="https://www.reddit.com/r/parcelo/comments/m1" dir="auto">Parcelo lost parcel number 1' in html
    assert "<script>" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in html
    assert image.get_content_type() == "image/png" and image.get_content_disposition() == "inline"
    assert image["Content-ID"] == f"<{chart_cid(msg)}>" and image.get_content() == PNG
    assert f'src="cid:{chart_cid(msg)}"' in html


def test_email_without_chart_has_no_image(inbox):
    controller, box = inbox
    result = deliver(
        email_channel(controller.port, to=["cx@example.com"]), make_msg(chart_png=None, status="worse"), {}
    )
    assert result.ok, result
    m = parse(box.envelopes[0][2])
    assert m.get_content_type() == "multipart/alternative"
    assert m["Subject"] == "[brandpulse] Parcelo: negative spike getting worse on 2026-10-14 (major)"
    assert [p.get_content_type() for p in m.walk()] == ["multipart/alternative", "text/plain", "text/html"]
    assert "cid:" not in m.get_payload()[1].get_content()


@pytest.mark.parametrize(
    "brand_name", ["Paczkołot Łódź", "Почта России Санкт-Петербург", "Allegro Groningen Wrocław gęślą Zażółć Zażółć"]
)
def test_a_subject_in_other_letters_goes_out_in_encoded_words_of_at_most_75_on_lines_of_at_most_76(inbox, brand_name):
    """RFC 2047: an encoded word is at most 75 characters, a header line holding one at most 76 (headers folded at
    998 sent a Cyrillic brand's subject as one encoded word of 84, on a line of 143), and every space is read back
    (CPython's folder put the one between "gęślą" and "Zażółć" at a fold, where readers drop it)."""
    controller, box = inbox
    msg = make_msg(brand_name=brand_name)
    assert deliver(email_channel(controller.port), msg, {}).ok
    raw = box.envelopes[0][2]
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()
    assert all(len(line) <= 76 for line in head.split(b"\r\n") if b"=?" in line), head.decode()
    words = re.findall(rb"=\?utf-8\?[bq]\?[^?]*\?=", head, re.IGNORECASE)
    assert words and all(len(w) <= 75 for w in words), words
    assert parse(raw)["Subject"] == render_subject(msg)
    assert [p.defects for p in email.message_from_bytes(raw).walk()] == [[]] * 5


def test_email_logs_in_with_env_credentials(inbox, caplog):
    controller, box = inbox
    channel = email_channel(controller.port, username_env="BP_SMTP_USER", password_env="BP_SMTP_PASS")
    ok = deliver(channel, make_msg(), {"BP_SMTP_USER": "mailer", "BP_SMTP_PASS": "right-pass"})
    assert ok.ok and box.logins == [(b"mailer", b"right-pass")] and len(box.envelopes) == 1

    box.logins.clear()
    with caplog.at_level(logging.WARNING, logger="brandpulse"):
        bad = deliver(channel, make_msg(), {"BP_SMTP_USER": "mailer", "BP_SMTP_PASS": "wrong-pass"})
    assert not bad.ok and str(bad.status).startswith("535") and len(box.envelopes) == 1
    assert (b"mailer", b"wrong-pass") in box.logins  # what the server's refusal quoted back
    assert bad.error.endswith(": SMTPAuthenticationError: 535 5.7.8 [redacted]:[redacted] not accepted"), bad.error
    logged = [r.getMessage() for r in caplog.records if r.name == "brandpulse"]
    assert logged and all("[redacted]:[redacted]" in line for line in logged), logged
    for shown in (bad.error, *logged, repr(bad)):  # the status is stored too (alert_deliveries.status)
        assert "wrong-pass" not in shown and "mailer" not in shown, shown
    assert bad.status == "535 5.7.8 [redacted]:[redacted] not accepted"


def test_a_refused_login_that_echoes_the_base64_auth_line_keeps_the_password_out():
    """AUTH PLAIN sends ``\\0user\\0password`` in base64: a refusal that echoed that line stored and logged the
    password as plainly as base64 hides it (only the login as written was redacted)."""

    def echo(server, session, envelope, mechanism, auth_data):
        blob = base64.b64encode(b"\0" + auth_data.login + b"\0" + auth_data.password).decode()
        return AuthResult(success=False, handled=False, message=f"535 5.7.8 AUTH PLAIN {blob} rejected")

    controller = Controller(Inbox(), hostname="127.0.0.1", port=free_port(), authenticator=echo, auth_require_tls=False)
    controller.start()
    try:
        channel = email_channel(controller.port, username_env="BP_SMTP_USER", password_env="BP_SMTP_PASS")
        bad = deliver(channel, make_msg(), {"BP_SMTP_USER": "mailer", "BP_SMTP_PASS": "wrong-pass"})
    finally:
        controller.stop()
    blob = base64.b64encode(b"\0mailer\0wrong-pass").decode()
    assert not bad.ok and bad.status == "535 5.7.8 AUTH PLAIN [redacted] rejected", bad.status
    assert blob not in bad.error and bad.error.endswith("535 5.7.8 AUTH PLAIN [redacted] rejected"), bad.error


@pytest.mark.parametrize("login", [{"BP_SMTP_USER": "mäiler", "BP_SMTP_PASS": "right-pass"},
                                   {"BP_SMTP_USER": "mailer", "BP_SMTP_PASS": "rïght-pass"}])  # fmt: skip
def test_a_login_smtplib_cannot_send_names_its_variable_without_a_traceback(inbox, caplog, login):
    """smtplib logs in in ASCII: a UnicodeEncodeError, logged as an unexpected failure with its traceback, that
    named neither the variable nor the problem."""
    controller, box = inbox
    channel = email_channel(controller.port, username_env="BP_SMTP_USER", password_env="BP_SMTP_PASS")
    with caplog.at_level(logging.WARNING, logger="brandpulse"):
        result = deliver(channel, make_msg(), login)
    bad = next(k for k, v in login.items() if not v.isascii())
    assert not result.ok and box.envelopes == [] and box.logins == []
    assert f"environment variable {bad} holds characters other than ASCII" in result.error, result.error
    assert not any(r.levelno >= logging.ERROR for r in caplog.records), [r.getMessage() for r in caplog.records]


def test_email_starttls_is_never_silently_skipped(inbox):
    controller, box = inbox
    result = deliver(email_channel(controller.port, starttls=True), make_msg(), {})
    assert not result.ok and "STARTTLS" in result.error and box.envelopes == []
    assert result.external_id is None  # no Message-ID for a later e-mail to answer


def test_email_connection_refused():
    result = deliver(email_channel(free_port()), make_msg(), {"BP_SMTP_PASS": "p4ss"}, timeout=2)
    assert not result.ok and result.status is None and isinstance(result, Delivery)
    assert "could not send via 127.0.0.1" in result.error and "ConnectionRefusedError" in result.error


class _Stalling:
    """An SMTP handler that takes the message whole, then does not reply within the client's deadline (``at``
    "DATA"), or stalls at the first recipient, before any message went out (``at`` "RCPT")."""

    def __init__(self, at: str):
        self.at, self.messages = at, []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.at == "RCPT":
            await asyncio.sleep(5)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        await asyncio.sleep(5)
        return "250 OK"


@pytest.mark.parametrize("at", ["DATA", "RCPT"])
def test_an_email_the_server_had_whole_without_replying_is_possibly_delivered(at):
    """The SMTP server received the whole message and its reply did not come within the deadline: it may have
    queued it, so the attempt is pending (the next run does not send it again). Stalled before the message went
    out, the attempt fails and is retried."""
    port = free_port()
    handler = _Stalling(at)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        result = deliver(email_channel(port), make_msg(), {}, timeout=10.0, deadline_s=2.0)
    finally:
        controller.stop()
    assert not result.ok and result.timed_out, result
    assert result.maybe_delivered == (at == "DATA") and len(handler.messages) == (at == "DATA"), result
    if at == "DATA":
        assert "no reply from 127.0.0.1:" in result.error and "not retried, as the server may have it" in result.error


class _QuitRefused:
    """An SMTP handler that answers the message with ``data`` and QUIT with 421, not 221 (smtplib's ``with`` then
    raises on the way out)."""

    def __init__(self, data: str):
        self.data = data

    async def handle_DATA(self, server, session, envelope):
        return self.data

    async def handle_QUIT(self, server, session, envelope):
        return "421 too many errors, closing"


@pytest.mark.parametrize(("data", "ok"), [("554 5.7.1 message rejected", False), ("250 OK queued", True)])
def test_the_servers_answer_to_the_message_decides_whatever_the_quit_after_it(data, ok):
    """A refused message stays failed (retried next run) when the QUIT after it fails too, and an accepted one
    stays delivered: the failed QUIT once turned a refusal into a delivery, and the alert was lost."""
    port = free_port()
    controller = Controller(_QuitRefused(data), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        result = deliver(email_channel(port), make_msg(), {}, timeout=5.0)
    finally:
        controller.stop()
    assert (result.ok, result.status) == (ok, data), result
    assert ok or result.error.endswith(f"message refused: {data}"), result


class _GreylistingQuitRefused(_QuitRefused):
    """:class:`_QuitRefused` taking the message, that also refuses ``grey@`` for now (450)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("grey@"):
            return "450 4.2.0 greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_recipient_refused_for_now_stays_owed_when_the_quit_after_the_message_fails():
    """The server took the message for cx@, refused grey@ for now, then answered QUIT with 421: grey@ is still owed
    the alert. The failed QUIT once returned the bare delivery, and grey@ never got it, without a word."""
    port = free_port()
    controller = Controller(_GreylistingQuitRefused("250 OK queued"), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        channel = email_channel(port, to=["cx@example.com", "grey@example.com"])
        result = deliver(channel, make_msg(), {}, timeout=5.0)
    finally:
        controller.stop()
    assert result.ok and result.retry_to == ("grey@example.com",), result
    assert "retried next run: grey@example.com" in result.error, result


class _RefusingQuitRefused(_QuitRefused):
    """:class:`_QuitRefused` that refuses ``grey@`` for now (450) and ``gone@`` for good (550)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "450 4.2.0 greylisted, try again later" if address.startswith("grey@") else "550 5.1.1 no such user"


def test_recipients_all_refused_stay_so_when_the_quit_after_them_fails():
    """The server refused every recipient, then answered QUIT with 421: the attempt still says whom it refused and
    owes only those refused for now. The failed QUIT once made it a bare "SMTPResponseException: 421", so a retry
    to a recipient since refused for good (550) kept him owed, and sent again every night."""
    port = free_port()
    controller = Controller(_RefusingQuitRefused("250 OK"), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        both = deliver(email_channel(port, to=["grey@example.com", "gone@example.com"]), make_msg(), {}, timeout=5.0)
        retry = deliver(email_channel(port), make_msg(), {}, timeout=5.0, to=("gone@example.com",))
    finally:
        controller.stop()
    assert (both.ok, both.refused, both.retry_to) == (False, True, ("grey@example.com",)), both
    assert "all recipients refused" in both.error and "550 5.1.1 no such user" in both.error, both
    assert (retry.refused, retry.retry_to, retry.status) == (True, (), "550 5.1.1 no such user"), retry


def test_a_recipient_listed_twice_gets_one_copy_and_refused_is_said_so():
    """An address twice in ``to`` was two RCPTs: two copies of the alert, and, refused for now, "SMTPDataError: 503
    need RCPT" (the message sent to no one) instead of "all recipients refused", owed twice."""
    port = free_port()
    controller = Controller(_GreylistingQuitRefused("250 OK queued"), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        grey = deliver(email_channel(port, to=["grey@example.com", "grey@example.com"]), make_msg(), {}, timeout=5.0)
        twice = email_channel(port, to=["cx@example.com", "grey@example.com", "cx@example.com", "grey@example.com"])
        some = deliver(twice, make_msg(), {}, timeout=5.0)
    finally:
        controller.stop()
    assert (grey.ok, grey.refused, grey.retry_to) == (False, True, ("grey@example.com",)), grey
    assert "all recipients refused" in grey.error, grey
    assert some.ok and some.retry_to == ("grey@example.com",), some


class _Forwarding:
    """An SMTP handler that forwards ``lead@``'s mail (251, accepted), refuses ``gone@`` (550) and takes the rest."""

    def __init__(self):
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone@"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "251 2.1.5 user not local; will forward" if address.startswith("lead@") else "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(list(envelope.rcpt_tos))
        return "250 OK queued"


def test_a_forwarded_recipient_is_accepted_and_a_refused_one_is_a_warning():
    port = free_port()
    handler = _Forwarding()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        forwarded = deliver(email_channel(port), make_msg(), {}, timeout=5.0)
        refused = deliver(email_channel(port, to=["cx@example.com", "gone@example.com"]), make_msg(), {}, timeout=5.0)
        none = deliver(email_channel(port, to=["gone@example.com"]), make_msg(), {}, timeout=5.0)
    finally:
        controller.stop()
    assert forwarded.ok and forwarded.error is None, forwarded
    assert refused.ok and refused.error == (
        "email channel 'cx-email': recipients refused: {'gone@example.com': '550 5.1.1 no such user'}"
    ), refused
    assert not none.ok and none.status == "550 5.1.1 no such user", none
    assert "all recipients refused" in none.error
    assert handler.envelopes == [["cx@example.com", "lead@example.com"], ["cx@example.com"]]


# ------------------------------------------------------------------------------------------------- renders


def test_html_escapes_mentions_and_links_only_http():
    evil = mention(1, text='<script>alert(1)</script> "quoted"', url="javascript:alert(1)")
    html = render_html(make_msg(brand_name="<b>Parcelo</b>", top_mentions=[evil], report_url="javascript:x()"))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &#34;quoted&#34;" in html
    assert "<b>Parcelo</b>" not in html and "&lt;b&gt;Parcelo&lt;/b&gt;" in html
    assert "javascript:" not in html and "Open the full report" not in html


def test_a_mentions_url_with_a_control_character_is_no_link_in_any_render():
    """248dbd2 kept a mention's ESC, BEL and CSI (``\\x9b``) out of every rendered alert, but a URL is printed as it
    is: one with a C1 CSI or a DEL passed safe_url (it refused characters below 32 only), so `brandpulse alerts --show`
    printed ``https://x.example/a\\x9b2J\\x9b1A`` to the analyst's terminal. Such a URL is no link, as a
    ``javascript:`` one is not."""
    url = "https://x.example/a\x9b2J\x9b1A\x9b2Ksent:delivered\x7f"
    msg = make_msg(top_mentions=[mention(1, url=url)], report_url="https://r.example/\x9b2J")
    for rendered in (render_text(msg), render_html(msg), json.dumps(render_slack(msg), ensure_ascii=False)):
        assert not any(c in rendered for c in "\x9b\x7f") and "x.example" not in rendered


def test_an_arabic_top_mention_in_the_email_takes_its_own_direction():
    """The e-mail is left to right; an Arabic mention ending in "!" or naming the brand in Latin letters was laid out
    left to right too (the brand on the wrong side): each mention's text takes its direction from itself."""
    text = "الطرد لم يصل! مع Parcelo"
    html = render_html(
        make_msg(
            top_mentions=[mention(1, text=text, url="https://example.com/a"), mention(2, text=text + " 2", url=None)]
        )
    )
    assert f'<a href="https://example.com/a" dir="auto">{text}</a>' in html
    assert f'<span dir="auto">{text} 2</span>' in html


def test_only_absolute_http_urls_on_one_line_become_links_in_any_part():
    """A URL without a host (``http:evil.example``, which browsers read as ``http://evil.example``) or with a line
    break (which would forge a line of the text part) is no link and is not shown."""
    mentions = [
        mention(1, url="http:evil.example/x"),
        mention(2, url="https://example.com/a\nReport: https://evil.example/phish"),
    ]
    msg = make_msg(top_mentions=mentions, report_url="https:///evil.example")
    text, html = render_text(msg), render_html(msg)
    blob = "\n".join(check_block_kit(render_slack(msg)))
    for shown in (text, html, blob):
        assert "evil.example" not in shown, shown
    assert "href=" not in html and "Report:" not in text
    assert "Parcelo lost parcel number 2" in text and "Parcelo lost parcel number 2" in html


def test_text_render_has_reason_numbers_terms_and_mentions():
    text = render_text(make_msg())
    assert text.startswith("[brandpulse] Parcelo: negative spike on 2026-10-14 (major)\n")
    assert "Why: 182 negative mentions against 54.3 expected" in text
    assert re.search(r"Baseline share: +17\.5%", text) and re.search(r"Tests · z: +\+6\.40", text)
    assert "Top terms: refund (z 5.1), lost parcel (z 4.3), tracking (z 3.9)" in text
    assert "  6. Parcelo lost parcel number 6" in text and "reddit · r/parcelo · 94 engagements" in text
    # as the stored explanation holds it (ISO-8601 text): shown as the datetime is, not as 2026-10-14T08:06:00+00:00
    stored = make_msg(top_mentions=[mention(6, created_at="2026-10-14T10:06:00+02:00"), mention(7, created_at="x")])
    assert "reddit · r/parcelo · 94 engagements · 2026-10-14 08:06 UTC" in render_text(stored)
    # a mention's score and language lead its line, as in the report; a message stored before they were kept has none
    scored = make_msg(top_mentions=[mention(1, score=-0.8149, language="pl"), mention(2, score=0.0, language=None)])
    assert "     score -0.81 · pl · reddit · r/parcelo · 99 engagements" in render_text(scored)
    assert "     score +0.00 · reddit · r/parcelo · 98 engagements" in render_text(scored)
    assert "score -0.81 · pl · reddit" in render_html(scored)
    assert "93 engagements · x" in render_text(stored) and "94 engagements · 2026-10-14 08:06 UTC" in text
    assert render_text(make_msg(status="worse")).splitlines()[1] == "Update: getting worse · severity major"
    assert render_text(make_msg(status="update")).splitlines()[1] == "Update: the day in full · severity major"


def test_a_slack_follow_up_says_the_new_figure_in_the_alerts_unit():
    volume = make_msg(kind="volume_spike", status="worse", numbers={"observed": 1480})
    assert render_slack_followup(volume)["text"].startswith(
        "Update: Parcelo same-day volume spike is worse: now 1,480 mentions (severity *major*), 2026-10-14. "
    )
    update = make_msg(status="update", numbers={"observed": 182})
    assert render_slack_followup(update)["text"].startswith(
        "Update: Parcelo negative spike has the day in full: now 182 negative mentions (severity *major*)"
    )


def test_a_digest_says_its_times_in_the_channels_zone_and_stays_within_slacks_blocks():
    at = datetime(2026, 10, 14, 22, 30, tzinfo=UTC)
    items = [
        DigestItem(f"a{i}", "Parcelo", "hourly_spike", "new", "major", f"Headline {i}", at + timedelta(minutes=i))
        for i in range(60)
    ]
    digest = Digest("cx-team", "20:00-08:00 Europe/Warsaw", "Europe/Warsaw", items)
    line = "- Thu 15 Oct 00:30 CEST · major · same-day negative spike (new): Headline 0  [a0]"
    assert line in render_digest_text(digest).splitlines()
    payload = render_digest_slack(digest)
    check_block_kit(payload)
    assert len(payload["blocks"]) == 50 and payload["blocks"][1]["text"]["text"].startswith("• Thu 15 Oct 00:30 CEST")
    assert payload["blocks"][-1]["elements"][0]["text"] == "brandpulse · 12 more: brandpulse alerts"


def test_the_text_and_html_parts_show_the_same_formatted_numbers():
    """The e-mail's two parts are one message: each shows every number, formatted alike (shares as percentages,
    tiny p-values in scientific notation, z signed), never the raw fractions of ``numbers``."""
    expected = [
        ("Observed", "182"),
        ("Expected", "54.3"),
        ("Volume", "479"),
        ("Negative share", "38.0%"),
        ("Baseline share", "17.5%"),
        ("Tests · Poisson p", "1.2e-09"),
        ("Tests · z", "+6.40"),
    ]
    msg = make_msg()
    text = render_text(msg)
    block = text[text.index("\nNumbers\n") :].split("\n\n")[0].splitlines()[2:]
    assert [tuple(re.fullmatch(r"  (.+?): +(\S+)", line).groups()) for line in block] == expected, text
    html = render_html(msg)
    assert re.findall(r"<tr><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td></tr>", html) == expected, html
    terms = "<code>refund</code> (z 5.1), <code>lost parcel</code> (z 4.3), <code>tracking</code> (z 3.9)"
    assert terms in html and "Top terms: refund (z 5.1), lost parcel (z 4.3), tracking (z 3.9)" in text
    assert re.findall(r"<li>([^<]*)</li>", html) == [
        "r/parcelo: 64 negative",
        "app_store: 41 negative",
        "hackernews: 3 negative",
    ]


def test_a_shift_alert_shows_its_levels_as_percentages_as_its_headline_does():
    """A shift alert's ``before_level`` and ``after_level`` are the share negative before and after the change
    point: shown as its headline shows them (12% → 19%), never as the raw fractions 0.12 and 0.19."""
    msg = make_msg(kind="shift", numbers={"change_point": "2026-10-01", "before_level": 0.1234,
                                          "after_level": 0.1911, "days_before": 30})  # fmt: skip
    text = render_text(msg)
    for line in ("Before level: 12.3%", "After level:  19.1%", "Days before:  30"):
        assert f"  {line}" in text, text
    assert '<td style="padding:2px 0;font-weight:600">12.3%</td>' in render_html(msg)
    fields = [f["text"] for b in render_slack(msg)["blocks"] for f in b.get("fields", [])]
    assert "*Before level*\n12.3%" in fields and "*After level*\n19.1%" in fields


def test_build_email_message_id_is_stable_per_attempt():
    channel = email_channel(25)
    first, again, retry = (build_email(channel, make_msg(), a)["Message-ID"] for a in (1, 1, 2))
    assert first == again != retry


def test_a_digest_emails_message_id_is_whole_and_its_own():
    """The digest's key (``<channel>:<hash>``) has a colon, which no msg-id may hold: the header went out cut to
    ``<brandpulse.cx-email``, the same for every digest of the channel (a mailbox that drops a repeated Message-ID
    would keep the first digest only)."""
    from pipeline.alerts.channels import WIRE_POLICY, build_digest_email

    at = datetime(2026, 10, 14, 22, 30, tzinfo=UTC)
    items = [DigestItem("a1", "Parcelo", "spike", "new", "major", "H", at)]
    digest = Digest("cx-email", "20:00-08:00 UTC", "UTC", items)
    ids = []
    for key in ("cx-email:0123456789abcdef", "cx-email:fedcba9876543210"):
        wire = build_digest_email(email_channel(25), digest, key).as_bytes(policy=WIRE_POLICY)
        ids += [m["Message-ID"] for m in [email.message_from_bytes(wire, policy=email.policy.default)]]
    assert all(re.fullmatch(r"<brandpulse\.[\w.-]+@example\.com>", i) for i in ids) and ids[0] != ids[1], ids


def test_message_rejects_unknown_kind():
    with pytest.raises(ValueError, match="kind"):
        make_msg(kind="dip")


def test_http_redirect_is_not_followed(receiver):
    server, _ = receiver
    server.add_fault(r"^/hook/", status=301, headers={"Location": "/elsewhere"}, times=5)
    result = deliver(WebhookSpec(type="webhook", name="ops", url_env="U"), make_msg(), {"U": f"{server.url}/hook/x"})
    assert not result.ok and result.status == 301 and [r.path for r in server.requests] == ["/hook/x"]


# ------------------------------------------------------------------------------------------------ deadlines

HTTP_OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"


def timed(fn, *args, **kwargs):
    started = time.monotonic()
    result = fn(*args, **kwargs)
    return result, time.monotonic() - started


def test_trickling_webhook_fails_at_the_attempts_deadline():
    """A receiver that answers one byte a second never trips the 5 s per-read timeout; the 2 s deadline ends it."""
    with TrickleServer(HTTP_OK * 10, interval=1.0) as server:
        channel = WebhookSpec(type="webhook", name="ops", url_env="U")
        env = {"U": f"{server.url}/hook/{SECRET}"}
        result, took = timed(deliver, channel, make_msg(), env, timeout=5.0, retries=2, deadline_s=2.0)

    assert not result.ok and result.status is None, result
    assert result.error == "webhook channel 'ops': no complete answer within the 2 s deadline"
    assert not result.maybe_delivered  # failed: the next run sends it again, with its Idempotency-Key
    assert 1.9 < took < 3.5, took
    assert server.connections == 1  # no retry started after the deadline
    assert server.requests[0].startswith(f"POST /hook/{SECRET} HTTP/1.1".encode())


@pytest.mark.parametrize(
    "channel",
    [
        SlackSpec(type="slack", name="cx-team", webhook_url_env="S"),
        SlackSpec(type="slack", name="cx-bot", bot_token_env="T", channel="#cx"),  # the Web API: chat.postMessage
    ],
    ids=["incoming-webhook", "bot"],
)
def test_a_slack_request_cut_by_the_deadline_after_it_went_out_is_possibly_delivered(channel):
    """Slack has the POST, and its answer trickles past the 2 s deadline (the 5 s read timeout never trips): as with
    a read timeout, Slack may have posted it, so the attempt is left pending instead of failed and posted again."""
    with TrickleServer(HTTP_OK * 10, interval=1.0) as server:
        env = {"S": f"{server.url}/hook/{SECRET}", "T": "xoxb-test-1", "BRANDPULSE_SLACK_API_URL": f"{server.url}/api"}
        result, took = timed(deliver, channel, make_msg(), env, timeout=5.0, retries=2, deadline_s=2.0)
    assert not result.ok and result.timed_out and result.maybe_delivered, result
    what = "slack channel 'cx-team'" if channel.webhook_url_env else "slack channel 'cx-bot': chat.postMessage"
    assert (
        result.error == f"{what}: no complete answer within the 2 s deadline; not retried, as the receiver may have it"
    )
    assert 1.9 < took < 3.5, took
    assert server.connections == len(server.requests) == 1  # it went out once


def test_a_slack_request_the_receiver_hung_up_on_is_possibly_delivered():
    """Slack read the POST and closed the connection without an answer: it may have posted it, so the attempt is
    pending (not posted again by the next run); a webhook, whose receiver drops a repeat, fails and is retried."""
    slack = SlackSpec(type="slack", name="cx-team", webhook_url_env="S")
    with TrickleServer(b"") as server:  # reads the request, answers nothing, closes
        result = deliver(slack, make_msg(), {"S": f"{server.url}/hook/{SECRET}"}, timeout=5.0, retries=2, deadline_s=5)
    assert not result.ok and result.maybe_delivered and not result.timed_out, result
    assert result.error.startswith("slack channel 'cx-team': no answer (") and "receiver may have it" in result.error
    assert SECRET not in result.error and server.connections == len(server.requests) == 1  # it went out once
    hook = WebhookSpec(type="webhook", name="incident-tool", url_env="W")
    with TrickleServer(b"") as server:
        result = deliver(hook, make_msg(), {"W": f"{server.url}/in"}, timeout=5.0, retries=0, deadline_s=5)
    assert not result.ok and not result.maybe_delivered, result


def test_a_slack_request_cut_by_the_deadline_while_connecting_fails_and_can_be_retried():
    """A receiver that never accepts the connection was sent nothing: the attempt fails plainly (the next run
    retries it) rather than being held back as possibly delivered."""
    channel = SlackSpec(type="slack", name="cx-team", webhook_url_env="S")
    with unaccepting_port() as port:
        env = {"S": f"http://127.0.0.1:{port}/hook/{SECRET}"}
        result, took = timed(deliver, channel, make_msg(), env, timeout=5.0, retries=2, deadline_s=2.0)
    assert not result.ok and result.timed_out and not result.maybe_delivered, result
    assert result.error == "slack channel 'cx-team': no complete answer within the 2 s deadline"
    assert 1.9 < took < 3.5, took


def test_a_slack_429_whose_retry_wait_outlasts_the_deadline_fails_and_can_be_retried(receiver):
    """Slack answered 429 (it did not process the post): a cut in the wait to retry is a plain failure too."""
    server, received = receiver
    server.add_fault(r"^/hook/", status=429, headers={"Retry-After": "30"})
    channel = SlackSpec(type="slack", name="cx-team", webhook_url_env="S")
    result = deliver(channel, make_msg(), {"S": f"{server.url}/hook/x"}, timeout=5.0, deadline_s=3.0)
    assert not result.ok and result.timed_out and not result.maybe_delivered, result
    assert result.error == "slack channel 'cx-team': waiting 30 s to retry would pass the 3 s deadline"
    assert len(server.requests) == 1 and received == []


def test_ok_status_counts_even_when_the_body_trickles_past_the_deadline():
    head, body = HTTP_OK.split(b"\r\n\r\n")
    with TrickleServer(body * 20, interval=1.0, fast=head.replace(b"2\r", b"40\r") + b"\r\n\r\n") as server:
        channel = SlackSpec(type="slack", name="cx-team", webhook_url_env="S")
        result, took = timed(deliver, channel, make_msg(), {"S": f"{server.url}/hook/x"}, **{**FAST, "deadline_s": 2})
    assert result.ok and result.status == 200, result
    assert took < 3.5, took


def test_a_slack_post_answered_200_whose_answer_trickles_past_the_deadline_is_possibly_delivered():
    """Slack answered chat.postMessage with 200 (it posted it), and its JSON did not come whole by the deadline: the
    attempt is pending, not failed ("not Slack's JSON"), which the next run posted again, every night."""
    body = b'{"ok": true, "channel": "C1", "ts": "1.2"}'
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
    channel = SlackSpec(type="slack", name="cx-bot", bot_token_env="T", channel="#cx")
    with TrickleServer(body, interval=1.0, fast=head) as server:
        env = {"T": "xoxb-test-1", "BRANDPULSE_SLACK_API_URL": f"{server.url}/api"}
        result = deliver(channel, make_msg(), env, **{**FAST, "deadline_s": 2})
    assert not result.ok and result.pending and result.status == 200, result
    assert result.error == (
        "slack channel 'cx-bot': chat.postMessage: HTTP 200, but the answer did not come whole; not retried, as "
        "Slack may have posted it"
    )
    assert server.connections == len(server.requests) == 1


def test_trickling_smtp_server_fails_at_the_attempts_deadline():
    with TrickleServer(b"220 slow.example ESMTP\r\n", interval=1.0, read_request=False) as server:
        result, took = timed(deliver, email_channel(server.port), make_msg(), {}, timeout=5.0, deadline_s=2.0)
    assert not result.ok and result.status is None, result
    where = f"127.0.0.1:{server.port}"
    assert result.error == f"email channel 'cx-email': no complete answer from {where} within the 2 s deadline"
    assert 1.9 < took < 3.5, took


def test_a_silent_smtp_server_is_said_to_not_answer_in_the_timeout_not_to_have_closed():
    """A server that takes the connection and says nothing: smtplib's "Connection unexpectedly closed: timed out"
    told the engineer it had hung up, when it had gone silent for the per-operation timeout."""
    with TrickleServer(b"220 silent.example ESMTP\r\n", interval=30.0, read_request=False) as server:
        result, took = timed(deliver, email_channel(server.port), make_msg(), {}, timeout=1.0, deadline_s=10.0)
    assert not result.ok and not result.timed_out and not result.maybe_delivered, result
    where = f"127.0.0.1:{server.port}"
    expected = f"email channel 'cx-email': {where} did not answer within the 1 s timeout (per connect, read or write)"
    assert result.error == expected, result.error
    assert took < 3, took


def test_an_smtp_reply_without_end_fails_at_its_cap_not_at_the_deadline():
    """A server that sends a reply's continuation lines ("220-...") on and on: smtplib kept every line, over 100 MB
    a second of the worker's memory until the deadline (3 GB in the default 20 s). The reply is cut at its cap."""
    flood = b"220-" + b"x" * 60 + b"\r\n"
    with TrickleServer(b"220-x\r\n" * 10, interval=1.0, read_request=False, fast=flood * 4000) as server:
        result, took = timed(deliver, email_channel(server.port), make_msg(), {}, timeout=5.0, deadline_s=5.0)
    assert not result.ok and not result.timed_out and not result.maybe_delivered, result
    assert result.error.endswith("SMTPServerDisconnected: Connection unexpectedly closed: a reply longer than 64 KiB")
    assert took < 4, took


@pytest.fixture
def hung_resolver(monkeypatch):
    """``socket.getaddrinfo`` for ``hung.example`` never answers (until the test is over), as a resolver may not."""
    real, release = socket.getaddrinfo, threading.Event()

    def getaddrinfo(host, *args, **kwargs):
        if host != "hung.example":
            return real(host, *args, **kwargs)
        release.wait(30)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield
    release.set()


@pytest.mark.parametrize(
    "channel",
    [
        WebhookSpec(type="webhook", name="ops", url_env="U"),
        SlackSpec(type="slack", name="cx-team", webhook_url_env="U"),
        email_channel(25, smtp_host="hung.example"),
    ],
    ids=["webhook", "slack", "email"],
)
def test_a_resolver_that_never_answers_fails_the_attempt_at_its_deadline(hung_resolver, channel):
    """Looking up the host's name (before there is a socket for the deadline to cut) ends by the deadline too."""
    env = {"U": f"https://hung.example/hook/{SECRET}"}
    result, took = timed(deliver, channel, make_msg(), env, timeout=5.0, retries=0, deadline_s=1.0)
    assert not result.ok and result.timed_out and not result.maybe_delivered, result
    assert "within the 1 s deadline" in result.error and SECRET not in result.error
    assert took < 2.5, took


def test_no_retry_wait_outlasts_the_deadline(receiver):
    """A Retry-After longer than the time left ends the attempt at once instead of sleeping past the deadline."""
    server, received = receiver
    server.add_fault(r"^/hook/", status=503, headers={"Retry-After": "30"}, times=5)
    channel = WebhookSpec(type="webhook", name="ops", url_env="U")
    result, took = timed(deliver, channel, make_msg(), {"U": f"{server.url}/hook/x"}, timeout=5.0, deadline_s=3.0)
    assert not result.ok and took < 2.0, (result, took)
    assert result.error == "webhook channel 'ops': waiting 30 s to retry would pass the 3 s deadline"
    assert len(server.requests) == 1 and received == []


def test_a_retry_after_past_five_minutes_fails_at_once_saying_what_the_receiver_asked(receiver):
    """It said "no answer after 3 retries": there was an answer, and no retry."""
    server, received = receiver
    server.add_fault(r"^/hook/", status=503, headers={"Retry-After": "86400"}, times=5)
    channel = WebhookSpec(type="webhook", name="ops", url_env="U")
    result, took = timed(deliver, channel, make_msg(), {"U": f"{server.url}/hook/x"}, timeout=5.0, deadline_s=30.0)
    assert not result.ok and not result.maybe_delivered and took < 2.0, (result, took)
    assert result.error == (
        "webhook channel 'ops': the server asked to retry after 86400 s, over the 300 s this waits; the next run tries "
        "again"
    )
    assert len(server.requests) == 1 and received == []


def test_webhook_carries_an_idempotency_key_slack_does_not(receiver):
    server, _ = receiver
    msg = make_msg()
    env = {"U": f"{server.url}/hook/a", "S": f"{server.url}/hook/b"}
    for channel in (WebhookSpec(type="webhook", name="ops", url_env="U"),) * 2 + (
        SlackSpec(type="slack", name="cx-team", webhook_url_env="S"),
    ):
        assert deliver(channel, msg, env, **FAST).ok
    keys = [r.headers.get("idempotency-key") for r in server.requests]
    assert keys == ["parcelo-spike-2026-10-14:ops", "parcelo-spike-2026-10-14:ops", None]


@pytest.mark.parametrize(
    ("start_hour", "hours", "label"),
    [
        (8, 2, "Sun 25 Oct 2026 08:00-10:00 UTC (09:00-11:00 Europe/Warsaw)"),
        # the clocks go back at 01:00 UTC: two hours of the window, one on the local clock; both offsets named
        (0, 2, "Sun 25 Oct 2026 00:00-02:00 UTC (02:00 CEST-03:00 CET Europe/Warsaw)"),
        # the local 02:00-03:00 comes twice: the second one (CET) is named as such, not left to guess
        (1, 1, "Sun 25 Oct 2026 01:00-02:00 UTC (02:00 CET-03:00 CET Europe/Warsaw)"),
    ],
)
def test_a_window_across_a_clock_change_names_both_offsets(start_hour, hours, label):
    start = datetime(2026, 10, 25, start_hour, tzinfo=UTC)
    msg = make_msg(
        kind="hourly_spike", window_start=start, window_end=start + timedelta(hours=hours), timezone="Europe/Warsaw"
    )
    assert window_label(msg) == label


@pytest.mark.parametrize(
    ("start", "zone", "label"),
    [
        # an hour ending at midnight is the day's 24:00, not 00:00 of the same day
        (datetime(2026, 10, 14, 22, tzinfo=UTC), None, "Wed 14 Oct 2026 22:00-24:00 UTC"),
        (
            datetime(2026, 10, 14, 13, tzinfo=UTC),
            "Asia/Tokyo",
            "Wed 14 Oct 2026 13:00-15:00 UTC (22:00-24:00 Asia/Tokyo)",
        ),
        # the window across midnight UTC names the day it ends on
        (datetime(2026, 10, 14, 23, tzinfo=UTC), None, "Wed 14 Oct 2026 23:00-Thu 15 Oct 01:00 UTC"),
        # on the brand's clock the window is already the next day: that day is named
        (
            datetime(2026, 10, 14, 20, tzinfo=UTC),
            "Asia/Tokyo",
            "Wed 14 Oct 2026 20:00-22:00 UTC (Thu 15 Oct 05:00-07:00 Asia/Tokyo)",
        ),
    ],
)
def test_a_window_names_midnight_as_24_00_and_the_local_day_when_it_differs(start, zone, label):
    msg = make_msg(kind="hourly_spike", window_start=start, window_end=start + timedelta(hours=2), timezone=zone)
    assert window_label(msg) == label


@pytest.mark.parametrize(
    ("start_hour", "hours", "when"),
    [(23, 1, "2026-10-14 23:00-24:00 UTC"), (22, 3, "2026-10-14 22:00-2026-10-15 01:00 UTC")],
)
def test_a_subject_names_a_window_across_midnight_unambiguously(start_hour, hours, when):
    """The subject said ``2026-10-14 23:00-00:00`` and ``2026-10-14 22:00-01:00``: one date for hours of two days.
    It says them as the ``Covers`` label does: an end at midnight as 24:00, an end on the next day with its date."""
    start = datetime(2026, 10, 14, start_hour, tzinfo=UTC)
    msg = make_msg(kind="hourly_spike", window_start=start, window_end=start + timedelta(hours=hours))
    assert render_subject(msg) == f"[brandpulse] Parcelo: same-day negative spike on {when} (major)"


def test_a_window_given_in_another_offset_is_said_in_utc():
    """A window read back with its local offset (+02:00) is the same hours: subject, label and JSON say them in UTC."""
    warsaw = timezone(timedelta(hours=2))
    msg = make_msg(
        kind="hourly_spike",
        window_start=datetime(2026, 10, 14, 10, tzinfo=warsaw),
        window_end=datetime(2026, 10, 14, 12, tzinfo=warsaw),
    )
    assert render_subject(msg) == "[brandpulse] Parcelo: same-day negative spike on 2026-10-14 08:00-10:00 UTC (major)"
    window = render_webhook(msg)["window"]
    assert (window["start"], window["end"]) == ("2026-10-14T08:00:00+00:00", "2026-10-14T10:00:00+00:00")
    assert window["label"] == "Wed 14 Oct 2026 08:00-10:00 UTC"


def test_a_webhook_url_never_reaches_the_log_when_its_requests_are_retried(caplog):
    """urllib3 logs the request path of each retry (a Slack webhook's path is its token); it is withheld."""
    secret = "/services/T000/B000/SECRETTOKEN123"
    channel = SlackSpec(type="slack", name="cx", webhook_url_env="HOOK")
    with caplog.at_level(logging.DEBUG):
        d = deliver(channel, make_msg(), {"HOOK": f"http://127.0.0.1:{free_port()}{secret}"},
                    retries=2, backoff_factor=0.01, deadline_s=5)  # fmt: skip
    assert not d.ok
    assert "Retrying" in caplog.text  # urllib3 did log each retry
    assert "SECRETTOKEN123" not in caplog.text and "SECRETTOKEN123" not in (d.error or "")


def test_a_webhook_token_in_the_query_string_is_redacted_where_an_error_quotes_it_alone(receiver):
    """``?key=...&token=...`` (Google Chat's webhooks): a receiver that refuses the token and quotes it, as sent or
    decoded, in its error body does not bring it into the delivery's error (and so into the table and the log)."""
    server, _ = receiver
    server.route("POST", r"^/chat", lambda req, m: Response(403, f"bad token {req.query['token']} (tk%2F9f8e+7d6c)"))
    env = {"BP_HOOK": f"{server.url}/chat?key=AIzaSyKEY&token=tk%2F9f8e+7d6c"}
    d = deliver(WebhookSpec(type="webhook", name="ops", url_env="BP_HOOK"), make_msg(), env, **FAST)
    assert not d.ok and d.error == "webhook channel 'ops': HTTP 403: bad token [redacted] ([redacted])", d.error


def test_a_webhook_token_in_the_path_is_redacted_where_an_error_quotes_it_alone(receiver):
    """Slack's ``/services/T.../B.../<token>``: a receiver that quotes only the token it refused does not bring it
    into the delivery's error."""
    server, _ = receiver
    server.add_fault(r"^/hook/", status=403, body="invalid_token: sekritTOKEN123", times=1)
    channel = SlackSpec(type="slack", name="cx-team", webhook_url_env="S")
    d = deliver(channel, make_msg(), {"S": f"{server.url}/hook/{SECRET}"}, **FAST)
    assert not d.ok and d.error == "slack channel 'cx-team': HTTP 403: invalid_token: [redacted]", d.error


def test_a_percent_encoded_webhook_token_is_redacted_where_an_error_quotes_it_decoded(receiver):
    """A token whose URL percent-encodes it (base64's '+', '/', '=') reaches the receiver decoded, which its error
    quotes so (as a query string's token is redacted either way): not in the delivery's error, the table or the
    log. A login in the URL likewise, which requests sends decoded."""
    server, _ = receiver
    server.add_fault(r"^/hook/", status=404, body="no hook /hook/sek+rit/TOKEN123=; unknown user hook@user", times=1)
    url = server.url.replace("http://", "http://hook%40user:pw@") + "/hook/sek%2Brit%2FTOKEN123%3D"
    d = deliver(WebhookSpec(type="webhook", name="ops", url_env="U"), make_msg(), {"U": url}, **FAST)
    assert not d.ok and "TOKEN123" not in d.error and "hook@user" not in d.error, d.error


def test_a_webhook_login_in_the_url_is_redacted_where_an_error_quotes_it_alone(receiver):
    server, _ = receiver
    server.add_fault(r"^/hook/", status=401, body="unknown user hookuser, password hookpass99 refused", times=1)
    url = server.url.replace("http://", "http://hookuser:hookpass99@") + "/hook/x"
    d = deliver(WebhookSpec(type="webhook", name="ops", url_env="U"), make_msg(), {"U": url}, **FAST)
    assert (
        not d.ok and d.error == "webhook channel 'ops': HTTP 401: unknown user [redacted], password [redacted] refused"
    )


def test_a_slack_request_that_never_went_out_is_not_left_pending():
    """Only a request sent and left without an answer may have arrived; one that failed before it was written (a bad
    port, a reset handshake) fails plainly, so the next run tries again instead of holding it for a manual resend."""
    channel = SlackSpec(type="slack", name="cx", webhook_url_env="S")
    result = deliver(channel, make_msg(), {"S": "http://127.0.0.1:99999999/services/x"}, **FAST)
    assert not result.ok and not result.maybe_delivered, result


def test_a_webhook_url_with_a_line_break_inside_is_refused_without_sending_its_token(receiver):
    """A URL wrapped onto two lines in its secret: urlsplit drops the line break, so the token's parts were not
    known to redact, and a receiver's 404 that quoted the path sent (``/hook/sek%0AritTOKEN123``) kept it whole."""
    server, _ = receiver
    server.route("POST", r"^/x", lambda req, m: Response(404, f"Cannot POST {req.path}"))
    env = {"U": f"{server.url}/x/sek\nritTOKEN123"}
    d = deliver(WebhookSpec(type="webhook", name="ops", url_env="U"), make_msg(), env, **FAST)
    assert not d.ok and "TOKEN123" not in d.error and not server.requests, d.error
    assert "environment variable U holds a line break" in d.error


def test_a_webhook_login_in_the_url_is_redacted_where_an_error_echoes_its_authorization_header(receiver):
    """requests sends a URL's user:password@ as ``Authorization: Basic <base64>``; an error body that echoes the
    header (a debugging receiver) gave the login back in a form anyone can decode."""
    server, _ = receiver
    server.route("POST", r"^/x", lambda req, m: Response(401, f"refused {req.headers['authorization']}"))
    url = server.url.replace("http://", "http://hookuser:hookpass99@") + "/x"
    d = deliver(WebhookSpec(type="webhook", name="ops", url_env="U"), make_msg(), {"U": url}, **FAST)
    assert not d.ok and d.error == "webhook channel 'ops': HTTP 401: refused Basic [redacted]", d.error


def test_a_webhook_url_on_a_persian_idn_host_with_its_zero_width_non_joiner_is_still_taken():
    """Only control characters are refused: the ZWNJ inside a Persian word is valid in an IDN host (requests sends
    it as xn--), and ``str.isprintable`` had refused it as "a line break or another control character"."""
    url = "https://hooks.\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645.ir/x/TOKEN123"
    assert webhook_url(WebhookSpec(type="webhook", name="ops", url_env="U"), {"U": url}) == url
