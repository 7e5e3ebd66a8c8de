"""Generate the demo's survey exports and customer lists (three fictional brands, 2026-08-25 .. 2026-10-31).

Run from the repository root::

    .venv/bin/python -m demo.generate_surveys

Deterministic (``random.Random(SEED)`` for the answers of the demo's days, the customer lists and every id and
malformation, as before the customer links; ``random.Random(SEED + 1)`` for the older answers and the links, so
adding them left the rest byte for byte as it was; no clock). Writes per brand, next to the mentions and reviews:

- ``sample/<brand>/surveys.csv``, each in a different survey tool's export shape:

  - **parcelo**: Qualtrics (3 header rows: column names, question texts, ImportId JSON with the account's
    ``timeZone`` Europe/London; ``EndDate`` and ``RecordedDate`` local and naive; ExternalReference = the customer
    id; Q1 = NPS, Q1_NPS_GROUP, Q2 = CSAT 1-5, Q3 = CES 1-7 agree, Q4 = comment; embedded data Touchpoint, Segment);
  - **brewbird**: SurveyMonkey (question texts as headers plus a "Response"/"Open-Ended Response" row;
    ``End Date`` as ``MM/DD/YYYY hh:mm:ss AM`` in Europe/London; CSAT and CES as answer labels such as
    "Very satisfied" and "Strongly agree"; Custom Data 1 = touchpoint, Custom Data 2 = segment, Custom Data 3 =
    customer id);
  - **novabank**: Typeform (``#`` token, question titles, hidden fields ``touchpoint``/``segment``/
    ``customer_id``, ``Submit Date (UTC)``; CES is the 5-point "how much effort" question, lower = better).

  About 15-40 responses a day per brand from 2026-08-25, busier on the brand's busy days, with comments from
  about half of the respondents (more often from detractors). Parcelo's v5.2 incident (2026-10-13..16: lost and
  late parcels, the app crashing) drops its NPS from about +30 to about -45 on those days, mostly at the
  delivery and app touchpoints, recovering over the following two weeks. Before them, from 2025-10-01, about 3
  answers a day with scores only (:func:`history`), so that a year of answers has its 90 days of churn behind
  it by 2026-10-31.

  About 88 % of the answers carry the respondent's customer id, a customer of the answer's segment on its day
  (:func:`link`), with a planted relation: detractors' customers end their subscription within 90 days of
  answering about 2.5 times as often as promoters' (passives in between). ``brandpulse roi --brand parcelo``
  finds it back.
- ``sample/<brand>/customers.csv``: ``customer_id, segment, start_date, end_date, monthly_revenue`` for about
  2,000-2,600 customers who joined since September 2024; ``end_date`` is the first day no longer a customer
  (empty: still one). Monthly churn is 1-3.5 % by segment; Parcelo's churn roughly doubles in October 2026.

Deliberately malformed values (for the quarantine demo), per brand file:

| file | what | lands? |
|---|---|---|
| parcelo/surveys.csv | Q1 "11" (NPS out of range); Q2 "0" (CSAT out of range); Q3 "8" (CES over 7) | yes, field empty |
| parcelo/surveys.csv | empty ResponseId; EndDate "not recorded" | no |
| brewbird/surveys.csv | NPS "ten"; CSAT "Meh" (not a label); CES "Somewhat" | yes, field empty |
| brewbird/surveys.csv | End Date "31/31/2026 10:00:00 AM" | no |
| novabank/surveys.csv | NPS "7.5"; effort "6" (over 5) | yes, field empty |
| novabank/surveys.csv | empty "#" | no |
| */customers.csv | start_date "2025-02-30"; end before start; monthly_revenue "n/a" (lands, revenue empty) | see left |
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from random import Random
from zoneinfo import ZoneInfo

SEED = 20261013
START, END = date(2026, 8, 25), date(2026, 10, 31)
OUT_DIR = Path(__file__).resolve().parent / "sample"
LONDON = ZoneInfo("Europe/London")

INCIDENT = (date(2026, 10, 13), date(2026, 10, 16))
HISTORY_START = date(2025, 10, 1)  # older answers, scores only, so that answers have 90 days of churn behind them
HISTORY_PER_DAY = 3
LINKED_SHARE = 0.88  # answers that carry the respondent's customer id (the rest came through an anonymous link)
CHURN_WINDOW_DAYS = 90
CHURN_LIFT = {"promoter": 0.68, "passive": 1.0, "detractor": 1.7}  # x the window's churn among the candidates
RECOVERY_DAYS = 14  # back to baseline two weeks after the incident ends

# fmt: off
BRANDS = {
    "parcelo": {
        "name": "Parcelo", "tool": "qualtrics", "base_nps": 30, "per_day": 21,
        "weekday": (1.15, 1.1, 1.05, 1.0, 1.0, 0.8, 0.75),
        "touchpoints": {"delivery": 40, "app": 20, "support": 18, "returns": 12, "billing": 10},
        "tp_offset": {"delivery": 0, "app": -4, "support": -12, "returns": 4, "billing": 2},
        "segments": {"consumer": 64, "small_business": 26, "enterprise": 10},
        "customers": {"consumer": (1300, 8.99, 0.032), "small_business": (600, 46.0, 0.021),
                      "enterprise": (110, 310.0, 0.011)},
    },
    "brewbird": {
        "name": "Brewbird", "tool": "surveymonkey", "base_nps": 42, "per_day": 19,
        "weekday": (0.85, 0.85, 0.9, 0.95, 1.1, 1.4, 1.3),
        "touchpoints": {"in_store": 48, "order_ahead": 24, "loyalty": 16, "delivery": 12},
        "tp_offset": {"in_store": 3, "order_ahead": -6, "loyalty": 4, "delivery": -14},
        "segments": {"member": 62, "guest": 38},
        "customers": {"member": (1700, 21.5, 0.027), "guest": (600, 7.0, 0.045)},
    },
    "novabank": {
        "name": "Novabank", "tool": "typeform", "base_nps": 18, "per_day": 20,
        "weekday": (1.15, 1.1, 1.1, 1.1, 1.05, 0.75, 0.7),
        "touchpoints": {"app": 34, "cards": 20, "transfers": 20, "support": 16, "onboarding": 10},
        "tp_offset": {"app": 4, "cards": 0, "transfers": -3, "support": -15, "onboarding": 6},
        "segments": {"personal": 70, "premium": 20, "business": 10},
        "customers": {"personal": (1500, 5.5, 0.024), "premium": (450, 14.99, 0.014),
                      "business": (300, 27.0, 0.018)},
    },
}

HOURS = (1, 0.5, 0.3, 0.2, 0.3, 0.6, 1.2, 2.2, 3, 3.4, 3.6, 3.6, 3.8, 3.7, 3.5, 3.4, 3.5, 3.8, 4, 4, 3.6, 3, 2.2, 1.4)

# Comment banks: brand -> NPS group -> touchpoint (or "any") -> sentences.
COMMENTS = {
    "parcelo": {
        "promoter": {
            "delivery": ["Parcel arrived a day early and the driver was lovely.",
                         "Always on time, never had an issue.",
                         "Delivered exactly in the slot I picked, brilliant.",
                         "Driver left it somewhere safe as asked."],
            "app": ["Tracking is spot on, love the live map.", "The app makes booking a collection really easy."],
            "support": ["Support sorted my address change in minutes.", "Friendly agent, fixed it first time."],
            "returns": ["Returns drop-off was quick and painless.", "Easiest return I have ever done."],
            "billing": ["Clear pricing, no surprises.", "Business invoices are simple and accurate."],
            "any": ["Great service, would recommend.", "Reliable and cheap, keep it up.", "Really happy with Parcelo."],
        },
        "passive": {
            "delivery": ["Arrived on time but the box was a bit battered.", "Fine, though the slot was very wide."],
            "app": ["App is ok but a bit slow to load.", "Tracking could update more often."],
            "support": ["Got there in the end, took two chats.", "Support was polite but slow."],
            "any": ["Does the job.", "Decent service, nothing special.", "Okay overall, a bit pricey."],
        },
        "detractor": {
            "delivery": ["Parcel was late again and nobody told me.",
                         "Driver did not even knock, card through the door.",
                         "Box arrived crushed and wet."],
            "app": ["App keeps logging me out.", "Tracking said out for delivery all day, nothing came."],
            "support": ["Waited 40 minutes on chat for a copy-paste answer.", "Support never replied to my email."],
            "returns": ["Return label would not print and nobody could help."],
            "billing": ["Charged twice for one label.", "Surprise surcharge on my invoice."],
            "any": ["Really disappointed with the service.", "Not good enough, looking at alternatives."],
        },
        "incident": [
            "Parcel marked delivered but it never arrived.", "App crashes on launch since the update.",
            "Tracking shows delivered to the wrong address, no parcel.", "Three days and no answer from support.",
            "My order is lost and nobody at Parcelo can tell me where it is.",
            "Worst week ever, two parcels missing and the app will not open.",
            "Marked as delivered, neighbours have nothing, support unreachable.",
        ],
    },
    "brewbird": {
        "promoter": {
            "in_store": ["Lovely flat white and the barista remembered my name.", "Quick, friendly and great coffee."],
            "order_ahead": ["Order ahead means I skip the queue every morning.", "Drink was ready when I walked in."],
            "loyalty": ["The points add up fast, free drink every week.", "Love the birthday reward."],
            "delivery": ["Coffee arrived hot, impressive."],
            "any": ["Best coffee on my commute.", "Great vibe and great coffee.", "Always a good experience."],
        },
        "passive": {
            "in_store": ["Good coffee but the queue was long.", "Nice drink, seating was a bit cramped."],
            "order_ahead": ["App order worked but my drink sat there going cold."],
            "any": ["Fine, a bit expensive for what it is.", "Decent coffee.", "Okay, nothing memorable."],
        },
        "detractor": {
            "in_store": ["Waited 15 minutes for a latte.", "Milk was burnt and the cup was half full."],
            "order_ahead": ["App took my money but the store never made the order.",
                            "Order ahead was slower than queueing."],
            "loyalty": ["My points vanished after the app update.", "Reward did not apply at the till."],
            "delivery": ["Delivery arrived cold and spilled.", "Wrong drinks delivered, no refund yet."],
            "any": ["Overpriced and disappointing.", "Not going back."],
        },
    },
    "novabank": {
        "promoter": {
            "app": ["The app is fast and really clear.", "Instant notifications, love it."],
            "cards": ["Card arrived in two days and works abroad with no fees.", "Freezing my card took one tap."],
            "transfers": ["Transfers are instant, even at weekends.", "Sending money abroad is cheap and quick."],
            "support": ["In-app chat solved my problem in five minutes."],
            "onboarding": ["Opened my account in ten minutes.", "Sign-up was painless."],
            "any": ["Best bank I have used.", "Simple, clear and no fees.", "Really happy with Novabank."],
        },
        "passive": {
            "app": ["App is good but the savings pots are confusing."],
            "transfers": ["Transfers fine, limits are a bit low."],
            "any": ["Good enough for everyday banking.", "Fine, wish there was a branch.", "Decent, nothing special."],
        },
        "detractor": {
            "app": ["App logged me out and I could not get back in for a day.", "The app keeps crashing on payday."],
            "cards": ["Card declined at the supermarket with money in the account.",
                      "Replacement card took three weeks."],
            "transfers": ["Transfer stuck in pending for two days.", "Payment to my landlord bounced, no explanation."],
            "support": ["Support chat is a bot that goes round in circles.", "Waited a week for a reply about fraud."],
            "onboarding": ["Identity check failed three times, gave up."],
            "any": ["Frustrating experience, moving my salary elsewhere.", "Very disappointed."],
        },
    },
}
ENDINGS = {
    "promoter": ["", "", "", " Thanks!", " Keep it up.", " 10/10."],
    "passive": ["", "", "", " Could be better.", " Room to improve."],
    "detractor": ["", "", " Fix it please.", " Not happy.", " Sort it out."],
}
CSAT_TEXT = {1: "Very dissatisfied", 2: "Dissatisfied", 3: "Neither satisfied nor dissatisfied", 4: "Satisfied",
             5: "Very satisfied"}
AGREE_TEXT = {1: "Strongly disagree", 2: "Disagree", 3: "Somewhat disagree", 4: "Neither agree nor disagree",
              5: "Somewhat agree", 6: "Agree", 7: "Strongly agree"}
# fmt: on


def _pick(rng: Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def incident_effect(day: date, touchpoint: str) -> float:
    """NPS points Parcelo loses on ``day`` at ``touchpoint`` (0 outside the incident and its recovery)."""
    first, last = INCIDENT
    weight = {"delivery": 1.0, "app": 1.0, "support": 0.8, "returns": 0.4, "billing": 0.3}.get(touchpoint, 0.5)
    if first <= day <= last:
        return -85 * weight
    since = (day - last).days
    if 0 < since <= RECOVERY_DAYS:
        return -70 * weight * (1 - since / RECOVERY_DAYS) ** 1.3
    return 0.0


def nps_answer(rng: Random, target: float, incident: bool) -> int:
    """A 0-10 answer drawn so that the expected NPS is about ``target`` points."""
    passive = 0.22 if incident else 0.3
    t = max(-0.98, min(0.98, target / 100))
    promoter = max(0.0, min(1 - passive, (1 - passive + t) / 2))
    detractor = max(0.0, 1 - passive - promoter)
    group = rng.choices(["promoter", "passive", "detractor"], weights=[promoter, passive, detractor])[0]
    if group == "promoter":
        return rng.choices([9, 10], weights=[45, 55])[0]
    if group == "passive":
        return rng.choice([7, 8])
    low = [8, 3, 4, 5, 6, 10, 12] if incident else [2, 1, 2, 4, 7, 13, 17]
    return rng.choices(range(7), weights=low)[0]


def group_of(score: int) -> str:
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def csat_answer(rng: Random, group: str) -> int:
    w = {"promoter": [0, 1, 4, 30, 65], "passive": [2, 8, 30, 45, 15], "detractor": [35, 30, 22, 10, 3]}[group]
    return rng.choices(range(1, 6), weights=w)[0]


def ces_answer(rng: Random, group: str) -> int:
    """CES 2.0 agreement on 1-7 (7 = strongly agree it was easy)."""
    w = {
        "promoter": [0, 1, 2, 5, 15, 40, 37],
        "passive": [2, 4, 10, 22, 30, 24, 8],
        "detractor": [25, 22, 20, 15, 10, 6, 2],
    }[group]
    return rng.choices(range(1, 8), weights=w)[0]


def comment(rng: Random, brand: str, group: str, touchpoint: str, incident: bool) -> str | None:
    wants = {"promoter": 0.35, "passive": 0.4, "detractor": 0.68}[group]
    if rng.random() > wants:
        return None
    bank = COMMENTS[brand]
    if incident and group == "detractor" and "incident" in bank and rng.random() < 0.75:
        text = rng.choice(bank["incident"])
    else:
        options = bank[group].get(touchpoint) or bank[group]["any"]
        if rng.random() < 0.3:
            options = bank[group]["any"]
        text = rng.choice(options)
    return text + rng.choice(ENDINGS[group])


def responses(rng: Random, slug: str) -> list[dict]:
    """The brand's valid responses, in time order: dicts with local and UTC times and the answers."""
    b = BRANDS[slug]
    out = []
    day = START
    while day <= END:
        incident = slug == "parcelo" and INCIDENT[0] <= day <= INCIDENT[1]
        mean = b["per_day"] * b["weekday"][day.weekday()] * (1.5 if incident else 1.0)
        count = max(15, min(40, round(rng.gauss(mean, mean**0.5))))
        for _ in range(count):
            hour = rng.choices(range(24), weights=HOURS)[0]
            local = datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=LONDON)
            touchpoint = _pick(rng, b["touchpoints"])
            target = b["base_nps"] + b["tp_offset"][touchpoint] + rng.gauss(0, 6)
            if slug == "parcelo":
                target += incident_effect(day, touchpoint)
            score = nps_answer(rng, target, incident)
            group = group_of(score)
            out.append(
                {
                    "local": local,
                    "touchpoint": touchpoint,
                    "segment": _pick(rng, b["segments"]),
                    "nps": score,
                    "csat": None if rng.random() < 0.08 else csat_answer(rng, group),
                    "ces": None if rng.random() < 0.15 else ces_answer(rng, group),
                    "comment": comment(rng, slug, group, touchpoint, incident),
                }
            )
        day += timedelta(days=1)
    out.sort(key=lambda r: r["local"])
    return out


def _hex(rng: Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _alnum(rng: Random, n: int) -> str:
    return "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


def _csv(rows: list[list]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def qualtrics(rng: Random, rows: list[dict], malformed: bool = True) -> list[list]:
    """Parcelo, Qualtrics shape (3 header rows, then the data rows). Malformed: Q1 '11', Q2 '0', Q3 '8', an empty
    ResponseId, a bad EndDate. The customer id is Qualtrics' ExternalReference (External Data Reference)."""
    cols = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
            "RecordedDate", "ResponseId", "ExternalReference", "DistributionChannel", "UserLanguage", "Q1",
            "Q1_NPS_GROUP", "Q2", "Q3", "Q4", "Touchpoint", "Segment"]  # fmt: skip
    texts = ["Start Date", "End Date", "Response Type", "IP Address", "Progress", "Duration (in seconds)", "Finished",
             "Recorded Date", "Response ID", "External Data Reference", "Distribution Channel", "User Language",
             "How likely are you to recommend Parcelo to a friend or colleague?",
             "How likely are you to recommend Parcelo to a friend or colleague? - Group",
             "Overall, how satisfied are you with Parcelo?",
             "Parcelo made it easy for me to get what I needed.",
             "What is the main reason for your score?", "Touchpoint", "Segment"]  # fmt: skip
    tz = '"timeZone":"Europe/London"'
    ids = ["startDate", "endDate", "status", "ipAddress", "progress", "duration", "finished", "recordedDate",
           "_recordId", "externalDataReference", "distributionChannel", "userLanguage", "QID1", "QID1_NPS_GROUP",
           "QID2", "QID3", "QID4_TEXT", "Touchpoint", "Segment"]  # fmt: skip
    meta = [
        f'{{"ImportId":"{i}",{tz}}}' if i in ("startDate", "endDate", "recordedDate") else f'{{"ImportId":"{i}"}}'
        for i in ids
    ]
    out = [cols, texts, meta]
    bad = _bad_positions(rng, len(rows), 5) if malformed else {}
    for k, r in enumerate(rows):
        duration = rng.randrange(40, 400)
        end = r["local"]
        start = end - timedelta(seconds=duration)
        fmt = "%Y-%m-%d %H:%M:%S"
        nps, csat, ces = r["nps"], r["csat"], r["ces"]
        rid, ended, recorded = f"R_{_alnum(rng, 15)}", end.strftime(fmt), end.strftime(fmt)
        if k in bad:
            kind = bad[k]
            nps = 11 if kind == 0 else nps
            csat = 0 if kind == 1 else csat
            ces = 8 if kind == 2 else ces
            rid = "" if kind == 3 else rid
            ended = "not recorded" if kind == 4 else ended
        out.append(
            [
                start.strftime(fmt),
                ended,
                0,
                f"192.0.2.{rng.randrange(1, 255)}",
                100,
                duration,
                "True",
                recorded,
                rid,
                r.get("customer_id") or "",
                "email",
                "EN",
                nps,
                3 if nps >= 9 else 2 if nps >= 7 else 1,
                _s(csat),
                _s(ces),
                r["comment"] or "",
                r["touchpoint"],
                r["segment"],
            ]
        )
    return out


def _s(value) -> str:
    return "" if value is None else str(value)


def _bad_positions(rng: Random, n: int, kinds: int) -> dict[int, int]:
    """Row index -> malformation kind, spread over the file."""
    positions = sorted(rng.sample(range(20, n - 20), kinds))
    return {p: k for k, p in enumerate(positions)}


def surveymonkey(
    rng: Random, rows: list[dict], malformed: bool = True, respondent: int = 118_402_000_000
) -> list[list]:
    """Brewbird, SurveyMonkey shape (2 header rows, then the data rows; respondent ids count up from
    ``respondent``). Malformed: NPS 'ten', CSAT 'Meh', CES 'Somewhat', End Date '31/31/2026 ...'. The customer id
    is the custom variable Custom Data 3."""
    questions = [
        "How likely is it that you would recommend Brewbird to a friend or colleague?",
        "Overall, how satisfied were you with your visit?",
        "Brewbird made it easy for me to get what I wanted.",
        "What is the main reason for your score?",
    ]
    cols = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
            "Last Name", "Custom Data 1", "Custom Data 2", "Custom Data 3", *questions]  # fmt: skip
    sub = [""] * 11 + ["Response", "Response", "Response", "Open-Ended Response"]
    out = [cols, sub]
    bad = _bad_positions(rng, len(rows), 4) if malformed else {}
    for k, r in enumerate(rows):
        respondent += rng.randrange(1_000, 90_000)
        end = r["local"]
        start = end - timedelta(seconds=rng.randrange(30, 300))
        fmt = "%m/%d/%Y %I:%M:%S %p"
        nps = str(r["nps"])
        csat = "" if r["csat"] is None else CSAT_TEXT[r["csat"]]
        ces = "" if r["ces"] is None else AGREE_TEXT[r["ces"]]
        ended = end.strftime(fmt)
        if k in bad:
            kind = bad[k]
            nps = "ten" if kind == 0 else nps
            csat = "Meh" if kind == 1 else csat
            ces = "Somewhat" if kind == 2 else ces
            ended = "31/31/2026 10:00:00 AM" if kind == 3 else ended
        out.append(
            [
                respondent,
                431_207_655,
                start.strftime(fmt),
                ended,
                f"198.51.100.{rng.randrange(1, 255)}",
                "",
                "",
                "",
                r["touchpoint"],
                r["segment"],
                r.get("customer_id") or "",
                nps,
                csat,
                ces,
                r["comment"] or "",
            ]
        )
    return out


def typeform(rng: Random, rows: list[dict], malformed: bool = True) -> list[list]:
    """Novabank, Typeform shape (UTC; 1 header row, then the data rows). CES is 'how much effort' on 1-5 (lower =
    better). The customer id is the hidden field customer_id.

    Malformed: NPS '7.5', effort '6', an empty '#'."""
    cols = ["#", "How likely are you to recommend Novabank to a friend or colleague?",
            "How satisfied are you with Novabank today?",
            "How much effort did you personally have to put in to get what you needed?",
            "What's the main reason for your score?", "touchpoint", "segment", "customer_id", "Start Date (UTC)",
            "Submit Date (UTC)", "Network ID"]  # fmt: skip
    out = [cols]
    bad = _bad_positions(rng, len(rows), 3) if malformed else {}
    for k, r in enumerate(rows):
        end = r["local"].astimezone(ZoneInfo("UTC"))
        start = end - timedelta(seconds=rng.randrange(20, 240))
        fmt = "%Y-%m-%d %H:%M:%S"
        effort = "" if r["ces"] is None else str(1 + round((7 - r["ces"]) * 4 / 6))  # 7 easy -> 1 low effort
        nps, token = str(r["nps"]), _hex(rng, 32)
        if k in bad:
            kind = bad[k]
            nps = "7.5" if kind == 0 else nps
            effort = "6" if kind == 1 else effort
            token = "" if kind == 2 else token
        out.append(
            [
                token,
                nps,
                _s(r["csat"]),
                effort,
                r["comment"] or "",
                r["touchpoint"],
                r["segment"],
                r.get("customer_id") or "",
                start.strftime(fmt),
                end.strftime(fmt),
                _hex(rng, 10),
            ]
        )
    return out


def customers(rng: Random, slug: str) -> tuple[str, list[tuple]]:
    """Customers who joined from 2024-09; monthly hazard by segment, doubled for Parcelo in October 2026.

    Returns the CSV text and the valid customers as (customer_id, segment, start_date, end_date or None)."""
    months = []
    m = date(2024, 9, 1)
    while m <= date(2026, 10, 1):
        months.append(m)
        m = (m.replace(day=28) + timedelta(days=4)).replace(day=1)
    rows = []
    prefix = slug[:2].upper()
    for segment, (total, revenue, hazard) in BRANDS[slug]["customers"].items():
        for _ in range(total):
            joined = rng.choice(months)
            last_day = ((joined.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)).day
            start = joined.replace(day=rng.randrange(1, last_day + 1))
            end = None
            for month in months:
                if month <= joined:
                    continue
                h = hazard * (2.3 if slug == "parcelo" and month == date(2026, 10, 1) else 1.0)
                if rng.random() < h:
                    days = ((month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)).day
                    end = month.replace(day=rng.randrange(2, days + 1))
                    break
            amount = round(max(0.0, rng.gauss(revenue, revenue * 0.25)), 2)
            rows.append([segment, start, end, amount])
    rows.sort(key=lambda r: (r[1], r[0]))
    out = [["customer_id", "segment", "start_date", "end_date", "monthly_revenue"]]
    valid = []
    for k, (segment, start, end, amount) in enumerate(rows, 1):
        out.append([f"{prefix}-{k:06d}", segment, start.isoformat(), end.isoformat() if end else "", f"{amount:.2f}"])
        valid.append((f"{prefix}-{k:06d}", segment, start, end))
    # malformed: an impossible date, an end before its start, an unreadable revenue
    out.insert(101, [f"{prefix}-X00001", "unknown", "2025-02-30", "", "9.99"])
    out.insert(202, [f"{prefix}-X00002", next(iter(BRANDS[slug]["customers"])), "2025-06-10", "2025-05-01", "9.99"])
    out.insert(303, [f"{prefix}-X00003", next(iter(BRANDS[slug]["customers"])), "2025-07-01", "", "n/a"])
    return _csv(out), valid


def history(rng: Random, slug: str) -> list[dict]:
    """The brand's older answers, HISTORY_START to the day before START: about HISTORY_PER_DAY a day, scores only
    (no comment), the same touchpoints, segments and scores as later, no incident."""
    b = BRANDS[slug]
    out = []
    day = HISTORY_START
    while day < START:
        mean = HISTORY_PER_DAY * b["weekday"][day.weekday()]
        for _ in range(max(0, round(rng.gauss(mean, mean**0.5)))):
            hour = rng.choices(range(24), weights=HOURS)[0]
            local = datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=LONDON)
            touchpoint = _pick(rng, b["touchpoints"])
            score = nps_answer(rng, b["base_nps"] + b["tp_offset"][touchpoint] + rng.gauss(0, 6), False)
            group = group_of(score)
            out.append(
                {
                    "local": local,
                    "touchpoint": touchpoint,
                    "segment": _pick(rng, b["segments"]),
                    "nps": score,
                    "csat": None if rng.random() < 0.08 else csat_answer(rng, group),
                    "ces": None if rng.random() < 0.15 else ces_answer(rng, group),
                    "comment": None,
                }
            )
        day += timedelta(days=1)
    out.sort(key=lambda r: r["local"])
    return out


def link(rng: Random, rows: list[dict], customers: list[tuple]) -> None:
    """Give about LINKED_SHARE of the answers a customer id (``customer_id``), planting churn by NPS group.

    The customer is one of the answer's segment who is a customer on its day. Of those, the ones whose record
    ends within CHURN_WINDOW_DAYS after the answer are the window's churners (a share b of them); an answer of
    NPS group g goes to a churner at the rate CHURN_LIFT[g] x b, so detractors' customers churn about
    1.7 / 0.68 = 2.5 times as often as promoters' within the window, and the customer list itself stays as it
    was. The rate is kept by a running quota per group (a churner whenever the group's accumulated rate reaches
    a whole customer) rather than by coin flips, so the demo's few hundred answers show the planted ratio
    instead of a lucky or unlucky draw of it. Customers who have not answered yet are picked first, so few
    answer twice."""
    by_segment: dict[str, list[tuple]] = {}
    for c in customers:
        by_segment.setdefault(c[1], []).append(c)
    used: set[str] = set()
    quota = {g: rng.random() for g in CHURN_LIFT}
    far = date(9999, 12, 31)
    for r in rows:
        if rng.random() >= LINKED_SHARE:
            continue
        day = r["local"].date()
        horizon = day + timedelta(days=CHURN_WINDOW_DAYS)
        active = [c for c in by_segment.get(r["segment"], ()) if c[2] <= day < (c[3] or far)]
        if not active:
            continue
        churners = [c for c in active if c[3] is not None and c[3] <= horizon]
        stayers = [c for c in active if c[3] is None or c[3] > horizon]
        group = group_of(r["nps"])
        quota[group] += CHURN_LIFT[group] * len(churners) / len(active)
        pool = stayers or churners
        if churners and quota[group] >= 1:
            quota[group] -= 1
            pool = churners
        fresh = [c for c in pool if c[0] not in used]
        chosen = rng.choice(fresh or pool)
        used.add(chosen[0])
        r["customer_id"] = chosen[0]


HEADER_ROWS = {"qualtrics": 3, "surveymonkey": 2, "typeform": 1}


def main() -> None:
    rng = Random(SEED)
    linking = Random(SEED + 1)  # the history and the links: the original answers and ids stay as they were
    writers = {"qualtrics": qualtrics, "surveymonkey": surveymonkey, "typeform": typeform}
    total = 0
    for slug, b in BRANDS.items():
        rows = responses(rng, slug)
        folder = OUT_DIR / slug
        folder.mkdir(parents=True, exist_ok=True)
        before = rng.getstate()
        writers[b["tool"]](rng, rows)  # draws the ids and malformations: the customers come after, as before
        customer_text, valid = customers(rng, slug)
        after = rng.getstate()
        older = history(linking, slug)
        link(linking, older + rows, valid)
        rng.setstate(before)
        current = writers[b["tool"]](rng, rows)  # the same draws again, now with the customer ids
        assert rng.getstate() != before
        rng.setstate(after)
        extra = {"respondent": 118_300_000_000} if b["tool"] == "surveymonkey" else {}
        past = writers[b["tool"]](linking, older, malformed=False, **extra)
        head = HEADER_ROWS[b["tool"]]
        survey_text = _csv(current[:head] + past[head:] + current[head:])
        (folder / "surveys.csv").write_text(survey_text, encoding="utf-8")
        (folder / "customers.csv").write_text(customer_text, encoding="utf-8")
        total += len(survey_text.encode()) + len(customer_text.encode())
        by_day: dict[date, Counter] = {}
        for r in rows:
            by_day.setdefault(r["local"].date(), Counter())[group_of(r["nps"])] += 1
        line = []
        for d in (date(2026, 10, 6), INCIDENT[0], INCIDENT[1], date(2026, 10, 23), date(2026, 10, 30)):
            c = by_day.get(d, Counter())
            n = sum(c.values()) or 1
            line.append(f"{d:%m-%d} {100 * (c['promoter'] - c['detractor']) / n:+.0f}")
        linked = sum("customer_id" in r for r in older + rows)
        print(
            f"{slug}: {len(rows)} responses ({b['tool']}) and {len(older)} older ones, {linked} linked to a customer; "
            f"{len(customer_text.splitlines()) - 1} customer rows; daily NPS {', '.join(line)}"
        )
    print(f"total {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
