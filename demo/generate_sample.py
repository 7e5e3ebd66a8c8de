"""Generate the bundled brandpulse demo sample (three fictional brands, 2026-08-25 .. 2026-10-31).

Run from the repository root::

    .venv/bin/python -m demo.generate_sample

The output is fully deterministic (one ``random.Random(SEED)``, no set iteration, no clock) and is written to
``demo/sample/<brand>/mentions.csv`` (social-listening export) and ``reviews.jsonl`` (app/online reviews),
plus ``demo/sample/README.md``.  A summary is printed at the end.

How it works, in short:

1. daily volumes per brand = weekly seasonality x mild trend x noise (x incident multiplier for Parcelo), scaled to a
   fixed total per brand;
2. each day gets a sentiment mix (baseline ~22 % negative / ~40 % neutral / ~38 % positive; the Parcelo v5.2 incident
   days 2026-10-13..16 are ~70 % negative, tailing off on 10-17/18), and each row a time of day from an hourly profile;
3. texts are composed from the phrase banks in ``phrases.py``/``brand_phrases.py`` (opener + core sentence(s) +
   details + closer, emoji, hashtags, links) and then roughened (typos, dropped apostrophes, elongations, caps,
   lower-casing), so nearly every text is unique;
4. exactly 12 deliberately malformed rows are mixed in for the quarantine demo (listed in the README).
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from random import Random

from demo import phrases as P
from demo.brand_phrases import BRANDS as BANKS

SEED = 20261013
START = date(2026, 8, 25)
END = date(2026, 10, 31)  # inclusive
OUT_DIR = Path(__file__).resolve().parent / "sample"
# The README's last section, written by generate_pl_nl.py (--readme-section): kept when the README is rewritten
PL_NL_SECTION = "\n## Polish and Dutch brands\n"

# The configuration tables below are hand-aligned; keep the formatter away from them.
# fmt: off
MENTION_COLUMNS = ["post_id", "platform", "channel", "author", "posted_at", "body", "link", "likes", "replies"]
REVIEW_KEYS = [
    "review_id", "store", "user_name", "date", "rating", "title", "content", "thumbs_up", "lang", "app_version",
]

PLATFORMS = [("reddit", 45), ("twitter", 35), ("forum", 12), ("instagram", 8)]
FOREIGN_LANGS = [("es", 35), ("de", 25), ("fr", 22), ("pt", 18)]
FOREIGN_SHARE = 0.03

# Baseline sentiment mix (neg, pos); neutral is the rest.  Each day jitters around it.
BASE_MIX = (0.225, 0.375)

# Parcelo v5.2 incident: day -> (volume multiplier, negative share, positive share, phase).
INCIDENT = {
    date(2026, 10, 13): (2.7, 0.68, 0.10, "incident"),
    date(2026, 10, 14): (3.3, 0.73, 0.08, "incident"),
    date(2026, 10, 15): (3.1, 0.71, 0.09, "incident"),
    date(2026, 10, 16): (2.8, 0.66, 0.11, "incident"),
    date(2026, 10, 17): (1.9, 0.44, 0.26, "tail"),
    date(2026, 10, 18): (1.35, 0.32, 0.33, "tail"),
}
AFTERMATH_UNTIL = date(2026, 10, 31)
# v5.2 rolls out at 08:00 UTC on the incident's first day, and the complaints come in a morning wave: that day's
# Parcelo rows take their hour from these factors on the brand's hour weights (quiet before the rollout, the
# wave 08:00-13:59, then a quieter afternoon), so the hourly watch has something to see within the day.
INCIDENT_FIRST_DAY_HOURS = tuple(0.1 if h < 8 else 10.0 if h < 14 else 0.6 for h in range(24))

# Probability that a Parcelo row in a non-normal phase uses the event banks instead of the usual topics.
EVENT_PROB = {
    "incident": {"neg": 0.82, "neu": 0.6, "pos": 0.4},
    "tail": {"neg": 0.7, "neu": 0.5, "pos": 0.7},
    "after": {"neg": 0.07, "neu": 0.05, "pos": 0.04},
}


# ----------------------------------------------------------------------------------------------------------------
# Brand configuration (everything that is not phrase text)
# ----------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BrandConfig:
    slug: str
    name: str
    competitor: str
    total: int  # valid rows (mentions + reviews)
    aliases: dict[str, float]  # alias -> base weight
    app_aliases: tuple[str, ...]  # fillers for {bapp}
    stems: tuple[str, ...]  # lower-case substrings that identify the brand in a text
    weekday_factor: tuple[float, ...]  # Monday..Sunday
    hour_weights: tuple[float, ...]  # 24 UTC hours
    topic_weights: dict[str, float]
    subreddits: tuple[tuple[str, float], ...]
    forums: tuple[tuple[str, str], ...]  # (forum name, domain)
    stores: tuple[tuple[str, float], ...]
    releases: tuple[tuple[date, str], ...]  # app releases (date, version), ascending
    news_accounts: tuple[str, ...]
    news_domains: tuple[str, ...]


BRAND_CONFIGS = [
    BrandConfig(
        slug="parcelo",
        name="Parcelo",
        competitor="ShipNest",
        total=1525,
        aliases={"Parcelo": 45, "parcelo": 25, "@Parcelo": 14, "#parcelo": 5},
        app_aliases=("the Parcelo app", "the parcelo app", "parcelo app", "Parcelo's app", "the @Parcelo app"),
        stems=("parcelo",),
        weekday_factor=(1.12, 1.10, 1.05, 1.02, 1.0, 0.85, 0.78),
        hour_weights=(
            1.0, 0.6, 0.35, 0.25, 0.25, 0.4, 0.9, 1.8, 2.8, 3.4, 3.8, 4.0,
            4.2, 4.2, 4.1, 4.1, 4.3, 4.6, 4.8, 4.9, 4.7, 4.0, 2.8, 1.7,
        ),
        topic_weights={
            "delivery": 26, "app": 9, "support": 11, "price": 7, "staff": 8, "refund": 6, "feature": 5,
            "promo": 3, "quality": 5, "experience": 4, "question": 9, "news": 3, "compare": 4,
        },
        subreddits=(
            ("r/parcelo", 40), ("r/CasualUK", 15), ("r/AskUK", 12), ("r/mildlyinfuriating", 8),
            ("r/britishproblems", 8), ("r/LegalAdviceUK", 5), ("r/ecommerce", 5), ("r/UKPersonalFinance", 3),
        ),
        forums=(
            ("Delivery Gripes", "deliverygripes.co.uk"),
            ("UK Sellers Hub", "uksellershub.com"),
            ("HotBargains Forum", "forum.hotbargains.co.uk"),
        ),
        stores=(("app_store", 35), ("google_play", 40), ("trustpilot", 25)),
        releases=(
            (date(2026, 8, 12), "5.0.4"), (date(2026, 8, 28), "5.1.0"), (date(2026, 9, 9), "5.1.1"),
            (date(2026, 9, 22), "5.1.2"), (date(2026, 10, 1), "5.1.3"), (date(2026, 10, 13), "5.2.0"),
            (date(2026, 10, 17), "5.2.1"), (date(2026, 10, 28), "5.2.2"),
        ),
        news_accounts=("ParcelWatchUK", "RetailLogiNews", "TheDeliveryBrief"),
        news_domains=("parcelwatch.news", "highstreetherald.co.uk", "logisticsdaily.news"),
    ),
    BrandConfig(
        slug="brewbird",
        name="Brewbird",
        competitor="Beanly",
        total=1060,
        aliases={"Brewbird": 40, "brewbird": 25, "@brewbird": 12, "Brew Bird": 15},
        app_aliases=("the Brewbird app", "the brewbird app", "Brew Bird's app", "the Brew Bird app", "brewbird app"),
        stems=("brewbird", "brew bird"),
        weekday_factor=(0.88, 0.86, 0.90, 0.95, 1.08, 1.40, 1.33),
        hour_weights=(
            0.8, 0.5, 0.3, 0.2, 0.3, 0.9, 2.6, 4.6, 5.0, 4.2, 3.6, 3.5,
            3.9, 3.6, 3.2, 3.1, 3.2, 3.3, 3.2, 3.1, 3.0, 2.6, 1.9, 1.2,
        ),
        topic_weights={
            "wait": 14, "price": 10, "app": 11, "support": 6, "quality": 20, "staff": 9, "refund": 3, "feature": 5,
            "promo": 9, "experience": 8, "question": 8, "news": 3, "compare": 4,
        },
        subreddits=(
            ("r/brewbird", 35), ("r/coffee", 18), ("r/CasualUK", 15), ("r/barista", 8), ("r/AskUK", 8),
            ("r/london", 6), ("r/espresso", 5), ("r/manchester", 5),
        ),
        forums=(
            ("Coffee Geeks UK", "coffeegeeks.uk"),
            ("The Grind Forum", "thegrindforum.com"),
            ("HotBargains Forum", "forum.hotbargains.co.uk"),
        ),
        stores=(("app_store", 45), ("google_play", 40), ("trustpilot", 15)),
        releases=(
            (date(2026, 8, 10), "3.14.0"), (date(2026, 8, 31), "3.14.2"), (date(2026, 9, 16), "3.15.0"),
            (date(2026, 10, 7), "3.15.1"), (date(2026, 10, 27), "3.16.0"),
        ),
        news_accounts=("HighStreetFoodie", "CoffeeTrendsMag", "CaffeineDaily"),
        news_domains=("cupandsaucer.news", "highstreetherald.co.uk", "foodtradewire.com"),
    ),
    BrandConfig(
        slug="novabank",
        name="Novabank",
        competitor="Kestrel Money",
        total=815,
        aliases={"Novabank": 35, "NovaBank": 20, "@novabank": 12, "Nova Bank": 18, "novabank": 8},
        app_aliases=("the Novabank app", "the NovaBank app", "the nova bank app", "Novabank's app", "novabank app"),
        stems=("novabank", "nova bank"),
        weekday_factor=(1.15, 1.12, 1.10, 1.10, 1.05, 0.72, 0.66),
        hour_weights=(
            1.1, 0.7, 0.4, 0.3, 0.3, 0.5, 1.0, 2.2, 3.4, 3.8, 3.9, 4.0,
            4.4, 4.2, 3.9, 3.8, 3.9, 4.1, 4.3, 4.5, 4.6, 4.2, 3.2, 2.0,
        ),
        topic_weights={
            "transfers": 16, "price": 10, "app": 13, "support": 11, "product": 12, "security": 7, "refund": 4,
            "feature": 6, "promo": 3, "account": 6, "question": 8, "news": 3, "compare": 5,
        },
        subreddits=(
            ("r/novabank", 35), ("r/UKPersonalFinance", 22), ("r/personalfinance", 10), ("r/fintech", 8),
            ("r/CasualUK", 8), ("r/AskUK", 7), ("r/digitalnomad", 5), ("r/ukbanking", 5),
        ),
        forums=(
            ("MoneyChat Forum", "moneychatforum.co.uk"),
            ("Fintech Users Community", "community.fintechusers.org"),
            ("HotBargains Forum", "forum.hotbargains.co.uk"),
        ),
        stores=(("app_store", 40), ("google_play", 35), ("trustpilot", 25)),
        releases=(
            (date(2026, 8, 18), "8.3.0"), (date(2026, 9, 1), "8.4.0"), (date(2026, 9, 15), "8.4.1"),
            (date(2026, 9, 29), "8.5.0"), (date(2026, 10, 20), "8.6.0"), (date(2026, 10, 27), "8.6.1"),
        ),
        news_accounts=("FintechDispatch", "MoneyFeedUK", "ChallengerBankNews"),
        news_domains=("fintechdispatch.news", "moneyfeed.news", "highstreetherald.co.uk"),
    ),
]

# Alias weight multipliers per platform (people @-mention brands on Twitter, rarely on Reddit).
ALIAS_PLATFORM_BOOST = {
    "twitter": {"@": 3.0, "#": 2.0},
    "instagram": {"@": 2.0, "#": 3.0},
    "reddit": {"@": 0.08, "#": 0.05},
    "forum": {"@": 0.05, "#": 0.05},
    "review": {"@": 0.0, "#": 0.0},
}

# A core sentence may follow an opener without punctuation ("ngl the app ...") only if it starts like a clause.
SUBJECT_WORDS = frozenset({
    "the", "my", "our", "i", "i'm", "i've", "i'd", "this", "that", "these", "every", "it", "it's", "its", "nobody",
    "no", "someone", "everything", "their", "your", "you", "we", "they", "he", "she", "his", "her", "a", "an", "one",
    "half", "whoever", "since",
})
# fmt: on
SLANG = ("tbh", "ngl", "smh", "fr", "istg", "lowkey", "lol")
SLOT_RE = re.compile(r"\{(\w+)\}")
ALT_RE = re.compile(r"\[([^\[\]]*)\]")
URL_MARK = "\x00URL\x00"
B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
TWITTER_EPOCH_MS = 1288834974657


def weighted(rng: Random, pairs) -> object:
    """Pick the first element of one (item, weight) pair."""
    items = [p[0] for p in pairs]
    weights = [p[1] for p in pairs]
    return rng.choices(items, weights=weights)[0]


def heavy_tail(rng: Random, scale: float, alpha: float, cap: int) -> int:
    """Non-negative heavy-tailed integer (Pareto): most values small, a few large."""
    return min(cap, int(scale * (rng.paretovariate(alpha) - 1.0)))


def slugify(text: str, max_words: int = 8) -> str:
    """ASCII slug of the first words of a text (reddit style: lower case, underscores)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())[:max_words]
    return "_".join(words) or "post"


def is_emoji(ch: str) -> bool:
    return ord(ch) >= 0x2190


def ends_sentence(text: str) -> bool:
    text = text.rstrip()
    return not text or text[-1] in ".!?…:" or is_emoji(text[-1]) or text.endswith(("lol", "tbh", "smh", "fr"))


# ----------------------------------------------------------------------------------------------------------------
# Text generation
# ----------------------------------------------------------------------------------------------------------------
class TextGen:
    """Composes mention and review texts for one brand from the phrase banks."""

    def __init__(self, rng: Random, cfg: BrandConfig):
        self.rng = rng
        self.cfg = cfg
        self.bank = BANKS[cfg.slug]
        self.events = self.bank.get("events")
        self.platform = "twitter"
        self.day = START
        self.foreign_lang = "es"
        self.used: list[str] = []  # core templates already used in the current text
        self.slots: dict[str, list[str]] = {**P.SLOTS, **self.bank["slots"]}
        if self.events:
            self.slots.update(self.events["slots"])
        # words that must keep their capital letter when a sentence is continued in lower case
        names = P.SLOTS["town"] + P.SLOTS["agent"] + P.FIRST_NAMES + self.bank["slots"].get("barista", [])
        self.proper = frozenset(w.split()[0] for w in [*names, cfg.competitor, cfg.name, "Apple", "Etsy", "Spar"])

    # -- slot filling -------------------------------------------------------------------------------------------
    def pick(self, seq):
        return self.rng.choice(seq)

    def alias(self) -> str:
        boost = ALIAS_PLATFORM_BOOST.get(self.platform, {})
        pairs = [(a, w * boost.get(a[0], 1.0)) for a, w in self.cfg.aliases.items()]
        if self.platform == "review":  # reviewers mostly write the name properly
            pairs = [(a, w * (0.3 if a.islower() else 1.0)) for a, w in pairs]
        return weighted(self.rng, pairs)

    def slot(self, name: str) -> str:
        if name == "b":
            return self.alias()
        if name == "bapp":
            if self.platform == "review":
                return self.pick(["the app", "the app", f"the {self.cfg.name} app", "this app"])
            return self.pick(self.cfg.app_aliases)
        if name == "B":
            return self.cfg.name
        if name == "c":
            return self.cfg.competitor
        if name == "url":
            return URL_MARK
        if name == "thing":
            return self.bank["foreign_thing"][self.foreign_lang]
        if name == "fn":
            return self.pick(P.FOREIGN_NUMBERS)
        return self.pick(self.slots[name])

    def fill(self, template: str) -> str:
        """Resolve [a|b] alternatives and {slot}s (slot fillers may contain slots themselves)."""
        text = template
        for _ in range(3):
            text = ALT_RE.sub(lambda m: self.pick(m.group(1).split("|")), text)
            text = SLOT_RE.sub(lambda m: self.slot(m.group(1)), text)
            if "{" not in text and "[" not in text:
                break
        if URL_MARK in text:
            text = text.replace(URL_MARK, self.news_url(text.replace(URL_MARK, "")))
        return text

    def news_url(self, headline: str) -> str:
        domain = self.pick(self.cfg.news_domains)
        section = self.pick(["business", "news", "tech", "money", "retail"])
        slug = slugify(headline, 9).replace("_", "-")
        return f"https://{domain}/{section}/{self.day:%Y/%m}/{slug}"

    def image_url(self) -> str:
        code = "".join(self.rng.choice(B36 + "ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(self.rng.choice([7, 13])))
        return self.pick(P.IMAGE_HOSTS).replace("{code}", code)

    # -- small text helpers -------------------------------------------------------------------------------------
    def starts_with_brand(self, text: str) -> bool:
        first = text.split(" ", 1)[0].lower()
        return first[:1] in "@#" or any(first.startswith(s.split()[0]) for s in self.cfg.stems)

    def cap_first(self, text: str) -> str:
        if text and text[0].islower() and not self.starts_with_brand(text):
            return text[0].upper() + text[1:]
        return text

    def decap_first(self, text: str) -> str:
        first = text.split(" ", 1)[0]
        keep = first in ("I", "I'm", "I've", "I'd", "I'll") or (first.isupper() and len(first) > 1)
        keep = keep or first.strip(",.!?'s") in self.proper or any(c.isupper() for c in first[1:])
        if keep or self.starts_with_brand(text) or not text[:1].isalpha():
            return text
        return text[0].lower() + text[1:]

    def mentions_brand(self, text: str) -> bool:
        low = text.lower()
        return any(s in low for s in self.cfg.stems)

    def opener(self, sent: str, core: str) -> str:
        """Prefix an opener.  One ending in '.', ':' or '!' starts its own sentence; any other opener continues into
        the core, which only reads well if the core starts like a clause (or is a question after a neutral opener)."""
        first = core.split(" ", 1)[0].lower()
        fits = first in SUBJECT_WORDS or self.starts_with_brand(core) or (sent == "neu" and core.endswith("?"))
        core_words = set(re.findall(r"[a-z]+", core.lower()))
        while True:
            opener = self.fill(self.pick(P.OPENERS[sent]))
            repeats = any(len(w) > 3 and w in core_words for w in re.findall(r"[a-z]+", opener.lower()))
            if (opener[-1] in ".:!" or fits) and not repeats:
                break
        if opener[-1] in ".:!":
            return f"{opener} {core}"
        return f"{opener} {self.decap_first(core)}"

    def closer(self, sent: str, text: str) -> str:
        """A closer that does not repeat slang or a sentence already in the text."""
        low = text.lower()
        for _ in range(5):
            closer = self.fill(self.pick(P.CLOSERS[sent]))
            words = set(re.findall(r"[a-z]+", closer.lower()))
            if closer.lower() not in low and not any(w in words and w in low.split() for w in SLANG):
                return closer
        return closer

    def join(self, parts: list[str], sent: str, casual: bool) -> str:
        """Join sentences, adding the punctuation that templates leave out."""
        rng = self.rng
        unique: list[str] = []
        for part in parts:  # never repeat a sentence within one text
            if part.lower().rstrip(".!? ") not in [u.lower().rstrip(".!? ") for u in unique]:
                unique.append(part)
        out = unique[0]
        for nxt in unique[1:]:
            if not ends_sentence(out):
                if casual:
                    out += rng.choices([".", "!", " -", ",", ""], weights=[68, 10 if sent != "neu" else 2, 10, 8, 2])[0]
                else:
                    out += "."
            sep = "\n" if casual and rng.random() < 0.05 else " "
            out += sep + (nxt if not casual or rng.random() < 0.85 else self.decap_first(nxt))
        if not ends_sentence(out):
            if casual:
                ends = {"neg": ["", ".", "!", "!!", "...", "!!!"], "neu": ["", "."], "pos": ["", "!", ".", "!!"]}
                out += rng.choices(ends[sent], weights=[40, 25, 15, 10, 6, 4][: len(ends[sent])])[0]
            else:
                out += "!" if sent == "pos" and rng.random() < 0.25 else "."
        return out

    # -- content selection ----------------------------------------------------------------------------------------
    def core_template(self, sent: str, phase: str, review: bool = False) -> tuple[str, str]:
        """Pick a core sentence template and its topic; Parcelo incident phases draw on the event banks.

        Templates already used in the current text are avoided (a few retries)."""
        for _ in range(4):
            template, topic = self._core_template(sent, phase, review)
            if template not in self.used:
                break
        self.used.append(template)
        return template, topic

    def _core_template(self, sent: str, phase: str, review: bool) -> tuple[str, str]:
        rng = self.rng
        if self.events and phase != "normal" and rng.random() < EVENT_PROB[phase][sent]:
            bank_phase = phase
            if phase == "tail" and sent == "neg" and rng.random() < 0.4:
                bank_phase = "incident"  # on 10-17 people still complain about the crash itself
            return self.pick(self.events[bank_phase][sent]), bank_phase
        topics = self.bank["topics"]
        pairs = [
            (t, w)
            for t, w in self.cfg.topic_weights.items()
            if topics[t].get(sent) and not (review and t in ("question", "news"))
        ]
        topic = weighted(rng, pairs)
        return self.pick(topics[topic][sent]), topic

    def core(self, sent: str, phase: str, review: bool = False) -> tuple[str, str]:
        template, topic = self.core_template(sent, phase, review)
        text = self.fill(template)
        if review or self.rng.random() < 0.75:
            text = self.cap_first(text)
        return text, topic

    def detail(self, sent: str) -> str:
        source = self.bank["details"][sent] if self.rng.random() < 0.6 else P.DETAILS[sent]
        return self.fill(self.pick(source))

    def caps_burst(self, text: str) -> str:
        """Shout one sentence (or the whole short text)."""
        if "http" in text:
            return text
        return text.upper()

    # -- mentions -----------------------------------------------------------------------------------------------
    def mention(self, sent: str, phase: str, platform: str, day: date) -> tuple[str, str, str]:
        """Return (body, topic, lang) for a social mention."""
        rng = self.rng
        self.platform, self.day, self.used = platform, day, []
        if rng.random() < FOREIGN_SHARE:
            body = self.foreign_text(sent, phase, review=False)
            return self.decorate(body, sent, phase, platform, light=True), "foreign", self.foreign_lang

        r = rng.random()
        topic = "misc"
        if r < 0.09:
            body, topic = self.short_post(sent), "short"
        elif sent == "neg" and r < 0.21:
            body, topic = self.fill(self.pick(self.bank["sarcasm"])), "sarcasm"
            if rng.random() < 0.6 and not is_emoji(body[-1]):
                body += " " + self.pick(P.EMOJI["sarcasm"])
        elif sent == "neg" and r < 0.36:
            body, topic = self.rant(phase, platform)
        elif sent == "neu" and r < 0.24:
            body, topic = self.mixed(phase, casual=True), "mixed"
        elif sent != "neu" and r < 0.25 and platform in ("reddit", "forum"):
            body, topic = self.story(sent, phase)
        else:
            body, topic = self.normal_post(sent, phase)

        if platform == "reddit" and rng.random() < 0.16 and topic not in ("short", "news"):
            body = self.reddit_title(sent, phase) + "\n\n" + body
        body = self.decorate(body, sent, phase, platform, light=topic == "news")
        if topic != "news":
            body = self.roughen(body, platform, level=1.0)
        return body, topic, "en"

    def short_post(self, sent: str) -> str:
        source = self.bank["short"][sent] if self.rng.random() < 0.6 else P.SHORT[sent]
        text = self.fill(self.pick(source))
        if sent == "neg" and self.rng.random() < 0.2:
            text = self.caps_burst(text)
        return text

    def normal_post(self, sent: str, phase: str) -> tuple[str, str]:
        rng = self.rng
        core, topic = self.core(sent, phase)
        if sent != "neu" and topic not in ("news",) and rng.random() < (0.12 if sent == "neg" else 0.04):
            core = self.caps_burst(core)
        if topic != "news" and rng.random() < 0.4:
            core = self.opener(sent, core)
        parts = [core]
        if topic != "news":
            if rng.random() < 0.4:
                parts.append(self.detail(sent))
            if rng.random() < 0.12:
                parts.append(self.core(sent, phase)[0])
            if rng.random() < 0.35:
                parts.append(self.closer(sent, " ".join(parts)))
        return self.join(parts, sent, casual=True), topic

    def rant(self, phase: str, platform: str) -> tuple[str, str]:
        """Long negative multi-sentence post, sometimes with paragraphs and a shouted sentence."""
        rng = self.rng
        core, topic = self.core("neg", phase)
        if rng.random() < 0.6:
            core = self.opener("neg", core)
        parts = [core]
        for _ in range(rng.randint(2, 4)):
            parts.append(self.detail("neg") if rng.random() < 0.65 else self.core("neg", phase)[0])
        if rng.random() < 0.35:
            i = rng.randrange(1, len(parts))
            parts[i] = self.caps_burst(parts[i])
        parts.append(self.closer("neg", " ".join(parts)))
        if rng.random() < 0.3:
            parts.append(self.closer("neg", " ".join(parts)))
        text = self.join(parts, "neg", casual=True)
        if platform in ("reddit", "forum") and rng.random() < 0.5:
            sentences = re.split(r"(?<=[.!?])\s+", text)
            cut = max(1, len(sentences) // 2)
            text = " ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:])
        return text, topic

    def story(self, sent: str, phase: str) -> tuple[str, str]:
        """Longer positive/negative anecdote for Reddit/forums."""
        rng = self.rng
        core, topic = self.core(sent, phase)
        parts = [self.opener(sent, core)]
        parts += [self.detail(sent) for _ in range(rng.randint(1, 3))]
        parts.append(self.closer(sent, " ".join(parts)))
        return self.join(parts, sent, casual=True), topic

    def mixed(self, phase: str, casual: bool) -> str:
        """Positive and negative clause in one post (counted as neutral)."""
        rng = self.rng
        first, second = ("pos", "neg") if rng.random() < 0.6 else ("neg", "pos")
        a = self.core(first, "normal", review=not casual)[0].rstrip(".!")
        b = self.core(second, "normal", review=not casual)[0]
        # every joiner ends in "," or a word, so the second clause continues the sentence; joiners ending in a word
        # ("Shame that", ", but") need a clause with a subject ("the app ...", not "tried to ...")
        joiners = P.MIXED_JOINERS["to_neg" if second == "neg" else "to_pos"]
        if not (b.split(" ", 1)[0].lower() in SUBJECT_WORDS or self.starts_with_brand(b)):
            joiners = [j for j in joiners if j.endswith(",")]
        joiner = self.pick(joiners)
        if a.endswith("?") and joiner.startswith("."):  # "Proof of what? On the other hand, ..."
            joiner = joiner.lstrip(".")
        return f"{a}{joiner} {self.decap_first(b)}"

    def reddit_title(self, sent: str, phase: str) -> str:
        rng = self.rng
        if self.events and phase in ("incident", "tail") and rng.random() < 0.6:
            return self.pick(self.events["titles"][sent])
        if sent == "neu":
            return self.fill(self.pick(P.REDDIT_TITLES_NEU))
        if rng.random() < 0.5:
            return self.cap_first(self.fill(self.pick(self.bank["short"][sent] + P.SHORT[sent])))
        return self.pick(self.bank["titles"][sent] + P.REVIEW_TITLES[sent])

    def decorate(self, text: str, sent: str, phase: str, platform: str, light: bool = False) -> str:
        """Emoji, hashtags, links and a brand alias where the text does not name the brand."""
        rng = self.rng
        emoji_p = {"twitter": 0.45, "instagram": 0.8, "reddit": 0.12, "forum": 0.08}[platform]
        if not light and rng.random() < emoji_p and not is_emoji(text.rstrip()[-1]):
            pool = P.EMOJI[sent] if rng.random() < 0.65 else self.bank["emoji"]
            e = self.pick(pool)
            k = rng.choices([1, 2, 3], weights=[70, 18, 12])[0]
            emo = e * k if rng.random() < 0.5 else "".join(self.pick(pool) for _ in range(k))
            text = f"{emo} {text}" if rng.random() < 0.12 else f"{text} {emo}"
        tag_p = {"twitter": 0.25, "instagram": 0.85, "reddit": 0.02, "forum": 0.02}[platform]
        if rng.random() < tag_p:
            n = rng.randint(2, 6) if platform == "instagram" else rng.randint(1, 2)
            pool = self.bank["hashtags"] + P.HASHTAGS[sent]
            if self.events and phase == "incident" and sent == "neg":
                pool = pool + self.events["hashtags"] * 3
            tags: list[str] = []
            for _ in range(n):
                tag = self.pick(pool)
                if tag not in tags:
                    tags.append(tag)
            text += ("\n\n" if platform == "instagram" and rng.random() < 0.5 else " ") + " ".join(tags)
        if not light and rng.random() < {"twitter": 0.04, "reddit": 0.04, "forum": 0.03, "instagram": 0.0}[platform]:
            text += " " + self.image_url()
        if not self.mentions_brand(text) and rng.random() < 0.8:
            a = self.alias()
            if platform == "twitter":
                text = f"@{a.lstrip('@#')} {text}" if rng.random() < 0.6 else f"{text} #{a.lstrip('@#').lower()}"
            elif platform == "instagram":
                text = f"{text} #{a.lstrip('@#').lower()}"
            else:
                forms = [f"{a}: ", f"Re {a} - ", f"{a} - "] + ([f"{a} again. "] if sent == "neg" and not light else [])
                text = self.pick(forms) + text
        return text

    def roughen(self, text: str, platform: str, level: float) -> str:
        """Typos, dropped apostrophes, elongations and lower-casing, never touching handles/tags/URLs/brand."""
        rng = self.rng
        tokens = re.split(r"(\s+)", text)

        def editable(i: int) -> bool:
            tok = tokens[i]
            if not tok or tok.isspace() or tok.startswith(("@", "#", "http")):
                return False
            return not any(s.split()[0] in tok.lower() for s in self.cfg.stems)

        word_idx = [i for i in range(len(tokens)) if editable(i) and re.search(r"[A-Za-z]{2,}", tokens[i])]
        if word_idx and rng.random() < 0.2 * level:
            for i in rng.sample(word_idx, min(len(word_idx), rng.choice([1, 1, 2]))):
                tokens[i] = self.typo(tokens[i])
        if word_idx and rng.random() < 0.08 * level:
            for i in word_idx:
                m = re.fullmatch(r"([A-Za-z]+)(\W*)", tokens[i])
                if m and m.group(1).lower() in P.ELONGATE:
                    word = m.group(1)
                    letter = P.ELONGATE[word.lower()]
                    at = word.lower().rindex(letter) + 1  # "good" -> "goooood", "so" -> "sooo"
                    tokens[i] = word[:at] + letter * rng.randint(2, 5) + word[at:] + m.group(2)
                    break
        text = "".join(tokens)
        if rng.random() < 0.12 * level:  # "don't" -> "dont", but keep brand possessives intact for alias matching
            stems = tuple(st.split()[-1] for st in self.cfg.stems)
            text = re.sub(
                r"(\w*)['\u2019](?=[A-Za-z])",
                lambda m: m.group(0) if m.group(1).lower().endswith(stems) or not m.group(1) else m.group(1),
                text,
            )
        lower_p = {"twitter": 0.18, "reddit": 0.12, "instagram": 0.15, "forum": 0.05, "review": 0.05}[platform]
        if rng.random() < lower_p * level:
            text = " ".join(t if t.startswith("http") else t.lower() for t in text.split(" "))
        return text

    def typo(self, token: str) -> str:
        m = re.fullmatch(r"(\W*)([A-Za-z']+)(\W*)", token)
        if not m:
            return token
        pre, word, post = m.groups()
        low = word.lower()
        if low in P.TYPOS and self.rng.random() < 0.8:
            new = P.TYPOS[low]
            new = new[0].upper() + new[1:] if word[0].isupper() else new
            return pre + new + post
        if len(word) < 5:
            return token
        i = self.rng.randrange(1, len(word) - 2)
        swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        dropped = word[:i] + word[i + 1 :]
        return pre + (swapped if self.rng.random() < 0.5 else dropped) + post

    # -- other languages ----------------------------------------------------------------------------------------
    def foreign_text(self, sent: str, phase: str, review: bool) -> str:
        rng = self.rng
        lang = weighted(rng, FOREIGN_LANGS)
        self.foreign_lang = lang
        pool = list(P.FOREIGN[lang][sent]) + self.bank["foreign_extra"].get(lang, {}).get(sent, [])
        if self.events and phase == "incident" and sent == "neg":
            pool = self.events["foreign"][lang] * 4 + pool
        n = rng.choices([1, 2, 3], weights=[55, 35, 10] if review else [70, 27, 3])[0]
        chosen: list[str] = []
        for _ in range(n):
            s = self.fill(self.pick(pool))
            if s not in chosen:
                chosen.append(s)
        return self.join(chosen, sent, casual=not review)

    # -- reviews ------------------------------------------------------------------------------------------------
    def review(self, sent: str, phase: str, day: date) -> tuple[str, str, str, str]:
        """Return (title, content, lang, topic) for an app/online review."""
        rng = self.rng
        self.platform, self.day, self.used = "review", day, []
        if rng.random() < FOREIGN_SHARE:
            content = self.foreign_text(sent, phase, review=True)
            title = self.pick(P.FOREIGN[self.foreign_lang]["titles"][sent])
            return title, content, self.foreign_lang, "foreign"

        n_sent = rng.choices([1, 2, 3, 4, 5, 6], weights=[16, 27, 24, 16, 10, 7])[0]
        parts: list[str] = []
        if rng.random() < 0.35:
            parts.append(self.fill(self.pick(P.REVIEW_OPENERS["any" if rng.random() < 0.5 else sent])))
        topic = "misc"
        if sent == "neu":
            r = rng.random()
            if r < 0.5:
                parts.append(self.mixed(phase, casual=False))
                topic = "mixed"
            else:
                parts.append(self.fill(self.pick(self.bank["review_neu"] + P.REVIEW_NEU)))
        else:
            core, topic = self.core(sent, phase, review=True)
            parts.append(core)
        while len(parts) < n_sent:
            r = rng.random()
            if r < 0.3 and sent != "neu":
                extra, _ = self.core(sent, phase, review=True)
            elif sent == "neu":
                extra = self.fill(self.pick(self.bank["review_neu"] + P.REVIEW_NEU))
            else:
                extra = self.cap_first(self.detail(sent))
            if extra not in parts:
                parts.append(extra)
        if rng.random() < 0.5:
            parts.append(self.fill(self.pick(P.REVIEW_CLOSERS[sent])))
        content = self.join([self.cap_first(p) for p in parts], sent, casual=False)
        if len(parts) >= 5 and rng.random() < 0.25:
            sentences = re.split(r"(?<=[.!?])\s+", content)
            cut = max(1, len(sentences) // 2)
            content = " ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:])
        content = self.roughen(content, "review", level=0.4)
        return self.review_title(sent, topic), content, "en", topic

    def review_title(self, sent: str, topic: str) -> str:
        rng = self.rng
        if self.events and topic in ("incident", "tail") and rng.random() < 0.8:
            title = self.pick(self.events["titles"][sent])
        elif rng.random() < 0.45:
            title = self.pick(self.bank["titles"][sent])
        else:
            title = self.pick(P.REVIEW_TITLES[sent])
        r = rng.random()
        if r < 0.12:
            title = title.lower()
        elif r < 0.18 and sent != "neu":
            title = title.upper()
        elif r < 0.3 and sent != "neu":
            title += "!" * rng.randint(1, 3)
        return title


# ----------------------------------------------------------------------------------------------------------------
# Volumes, timestamps, ids, authors
# ----------------------------------------------------------------------------------------------------------------
def days() -> list[date]:
    return [START + timedelta(days=i) for i in range((END - START).days + 1)]


def daily_counts(rng: Random, cfg: BrandConfig) -> dict[date, int]:
    """Weekly seasonality x trend x noise (x incident), scaled to cfg.total by largest remainder."""
    all_days = days()
    weights = []
    for i, d in enumerate(all_days):
        w = cfg.weekday_factor[d.weekday()] * (1.0 + 0.15 * i / len(all_days)) * rng.lognormvariate(0.0, 0.16)
        if cfg.slug == "novabank" and 25 <= d.day <= 28:
            w *= 1.12  # payday chatter
        if cfg.slug == "parcelo" and d in INCIDENT:
            w *= INCIDENT[d][0]
        weights.append(w)
    total_w = sum(weights)
    raw = [cfg.total * w / total_w for w in weights]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in order[: cfg.total - sum(counts)]:
        counts[i] += 1
    return dict(zip(all_days, counts, strict=True))


def day_phase(cfg: BrandConfig, d: date) -> str:
    if cfg.slug != "parcelo":
        return "normal"
    if d in INCIDENT:
        return INCIDENT[d][3]
    if INCIDENT and max(INCIDENT) < d <= AFTERMATH_UNTIL:
        return "after"
    return "normal"


def day_sentiments(rng: Random, cfg: BrandConfig, d: date, n: int) -> list[str]:
    """Exact per-day sentiment allocation around the day's target mix, shuffled."""
    if cfg.slug == "parcelo" and d in INCIDENT:
        p_neg, p_pos = INCIDENT[d][1], INCIDENT[d][2]
    else:
        p_neg = BASE_MIX[0] + rng.uniform(-0.035, 0.035)
        p_pos = BASE_MIX[1] + rng.uniform(-0.03, 0.03)
    n_neg = round(n * p_neg)
    n_pos = min(n - n_neg, round(n * p_pos))
    labels = ["neg"] * n_neg + ["pos"] * n_pos + ["neu"] * (n - n_neg - n_pos)
    rng.shuffle(labels)
    return labels


def random_time(rng: Random, cfg: BrandConfig, d: date) -> datetime:
    weights = cfg.hour_weights
    if cfg.slug == "parcelo" and d == min(INCIDENT):  # the same one draw: every other row stays as it was
        weights = tuple(w * f for w, f in zip(weights, INCIDENT_FIRST_DAY_HOURS, strict=True))
    hour = rng.choices(range(24), weights=weights)[0]
    return datetime(d.year, d.month, d.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=UTC)


class Ids:
    """Unique, platform-style identifiers."""

    def __init__(self, rng: Random):
        self.rng = rng
        self.used: set[str] = set()

    def _unique(self, make) -> str:
        while True:
            value = make()
            if value not in self.used:
                self.used.add(value)
                return value

    def base36(self, start: str, ts: datetime, per_second: float) -> str:
        base = int(start, 36) + int((ts - datetime(2026, 8, 25, tzinfo=UTC)).total_seconds() * per_second)

        def make() -> str:
            n = base + self.rng.randrange(2000)
            out = ""
            while n:
                n, r = divmod(n, 36)
                out = B36[r] + out
            return out

        return self._unique(make)

    def reddit_post(self, ts: datetime) -> str:
        return "t3_" + self.base36("1pa0000", ts, 0.012)

    def reddit_comment(self, ts: datetime) -> str:
        return "t1_" + self.base36("o3k0000", ts, 0.7)

    def tweet(self, ts: datetime) -> str:
        ms = int(ts.timestamp() * 1000) + self.rng.randrange(1000)
        return self._unique(lambda: str(((ms - TWITTER_EPOCH_MS) << 22) | self.rng.getrandbits(22)))

    def forum(self) -> str:
        return self._unique(lambda: f"f-{self.rng.randrange(100000, 999999)}")

    def instagram(self) -> str:
        return self._unique(lambda: "D" + "".join(self.rng.choice(B64URL) for _ in range(10)))

    def app_store(self) -> str:
        return self._unique(lambda: str(self.rng.randrange(11_800_000_000, 12_400_000_000)))

    def google_play(self) -> str:
        def make() -> str:
            h = f"{self.rng.getrandbits(128):032x}"
            return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"

        return self._unique(make)

    def trustpilot(self) -> str:
        return self._unique(lambda: f"{self.rng.getrandbits(96):024x}")


class Authors:
    """Per-platform handle pools with Zipf-like reuse, so some people post several times."""

    def __init__(self, rng: Random, sizes: dict[str, int]):
        self.rng = rng
        self.pools: dict[str, list[str]] = {}
        for platform, size in sizes.items():
            pool: list[str] = []
            seen: set[str] = set()
            while len(pool) < size:
                h = self.make(platform)
                if h.lower() not in seen:
                    seen.add(h.lower())
                    pool.append(h)
            self.pools[platform] = pool
        self.weights = {p: [1.0 / (i + 1) ** 0.55 for i in range(len(pool))] for p, pool in self.pools.items()}

    def pick(self, platform: str) -> str:
        return self.rng.choices(self.pools[platform], weights=self.weights[platform])[0]

    def make(self, platform: str) -> str:
        rng = self.rng
        first, last = rng.choice(P.FIRST_NAMES), rng.choice(P.LAST_NAMES)
        adj, noun = rng.choice(P.HANDLE_ADJ), rng.choice(P.HANDLE_NOUN)
        nn, yy = rng.randrange(1, 100), rng.choice(["88", "91", "93", "95", "97", "99", "01", "03", "04", "07"])
        if platform == "reddit":
            options = [
                f"{adj}-{noun}-{rng.randrange(1000, 9999)}",
                f"{adj}_{noun}{rng.randrange(10, 999)}",
                f"{first.lower()}_{noun.lower()}",
                f"throwaway{rng.randrange(1000, 99999)}",
                f"{noun}{noun.lower()}{nn}",
                f"{first}{last}{yy}",
                f"not_a_{noun.lower()}_{nn}",
                f"{adj.lower()}{first.lower()}",
            ]
            return rng.choices(options, weights=[30, 18, 12, 5, 8, 10, 5, 12])[0]
        if platform == "twitter":
            options = [
                f"{first}{last}{nn}",
                f"{first.lower()}_{last.lower()}",
                f"{adj}{noun}{nn}",
                f"{first}{yy}",
                f"the{noun}{first}",
                f"{first.lower()}{rng.choice(P.HANDLE_HOBBY)}",
                f"{first[0].lower()}{last.lower()}{yy}",
                f"{noun.lower()}_{first.lower()}",
            ]
            return rng.choice(options)[:15]
        if platform == "instagram":
            options = [
                f"{first.lower()}.{last.lower()}",
                f"{first.lower()}_{noun.lower()}s",
                f"{noun.lower()}.and.{rng.choice(P.HANDLE_NOUN).lower()}",
                f"{first.lower()}{rng.choice(P.HANDLE_HOBBY)}",
                f"_{first.lower()}.{yy}",
                f"{adj.lower()}.{noun.lower()}",
            ]
            return rng.choice(options)
        options = [  # forum display names
            f"{first}{last[0]}",
            f"{noun}Lover{nn}",
            f"Mrs_{last}",
            f"{first}_{last}",
            f"{adj}{noun}",
            f"Old{noun}{yy}",
            f"{first.lower()}{nn}",
        ]
        return rng.choice(options)


def reviewer_name(rng: Random, store: str) -> str:
    first, last = rng.choice(P.FIRST_NAMES), rng.choice(P.LAST_NAMES)
    if store == "google_play":
        return rng.choices([f"{first} {last}", first, "A Google user"], weights=[80, 14, 6])[0]
    if store == "trustpilot":
        options = [f"{first} {last[0]}.", f"{first} {last}", first.upper(), "Customer"]
        return rng.choices(options, weights=[45, 40, 8, 7])[0]
    options = [
        f"{first}{rng.randrange(1, 999)}",
        f"{rng.choice(P.HANDLE_ADJ)}{rng.choice(P.HANDLE_NOUN)}",
        rng.choice(P.APP_STORE_NICKS),
        f"{first} from {rng.choice(P.SLOTS['town'])}",
        f"{first}{last[0]}",
        f"{first.lower()}_{last[0].lower()}_{rng.randrange(80, 99)}",
    ]
    return rng.choices(options, weights=[25, 15, 15, 10, 20, 15])[0]


def app_version(rng: Random, cfg: BrandConfig, ts: datetime, topic: str) -> str:
    """Version the reviewer probably ran: mostly the latest release, some lagging behind."""
    released = [v for d, v in cfg.releases if d <= ts.date()]
    if topic == "incident":
        return "5.2.0"
    if topic == "tail" and ts.date() >= date(2026, 10, 17):
        return rng.choice(["5.2.1", "5.2.1", "5.2.0"])
    lag = rng.choices([0, 1, 2], weights=[75, 20, 5])[0]
    return released[max(0, len(released) - 1 - lag)]


# ----------------------------------------------------------------------------------------------------------------
# Row builders
# ----------------------------------------------------------------------------------------------------------------
@dataclass
class Row:
    ts: datetime
    sent: str
    kind: str  # "mention" | "review"
    record: dict
    topic: str = ""
    malformed: str = ""  # description for deliberately malformed rows
    raw_line: str | None = None  # pre-serialised line (used for the truncated JSON row)


class RowBuilder:
    def __init__(self, rng: Random, cfg: BrandConfig, ids: Ids):
        self.rng = rng
        self.cfg = cfg
        self.ids = ids
        self.gen = TextGen(rng, cfg)
        expected = cfg.total * 0.7
        sizes = {p: max(10, int(expected * w / 100 * 0.8)) for p, w in PLATFORMS}
        self.authors = Authors(rng, sizes)

    def mention(self, ts: datetime, sent: str, phase: str) -> Row:
        rng = self.rng
        platform = weighted(rng, PLATFORMS)
        body, topic, _lang = self.gen.mention(sent, phase, platform, ts.date())
        author = self.authors.pick(platform)
        channel = ""
        if platform == "reddit":
            channel = weighted(rng, self.cfg.subreddits)
            sub = channel[2:]
            if rng.random() < 0.35:
                post_id = self.ids.reddit_post(ts)
                link = f"https://www.reddit.com/r/{sub}/comments/{post_id[3:]}/{slugify(body)}/"
            else:
                post_id = self.ids.reddit_comment(ts)
                parent = self.ids.reddit_post(ts - timedelta(hours=rng.randint(1, 30)))[3:]
                link = f"https://www.reddit.com/r/{sub}/comments/{parent}/comment/{post_id[3:]}/"
            likes = heavy_tail(rng, 3.0, 1.1, 6000)
            replies = heavy_tail(rng, 0.8, 1.3, 400)
        elif platform == "twitter":
            post_id = self.ids.tweet(ts)
            if topic == "news":
                author = rng.choice(self.cfg.news_accounts)
            link = f"https://x.com/{author}/status/{post_id}"
            likes = heavy_tail(rng, 1.5, 1.15, 25000)
            replies = heavy_tail(rng, 0.5, 1.4, 900)
        elif platform == "forum":
            forum_name, domain = rng.choice(self.cfg.forums)
            channel = forum_name
            post_id = self.ids.forum()
            thread = rng.randrange(40000, 480000)
            link = f"https://{domain}/threads/{slugify(body, 7).replace('_', '-')}.{thread}/post-{post_id[2:]}"
            likes = heavy_tail(rng, 1.0, 1.8, 150)
            replies = heavy_tail(rng, 1.0, 1.6, 120)
        else:
            post_id = self.ids.instagram()
            link = f"https://www.instagram.com/p/{post_id}/"
            likes = heavy_tail(rng, 10.0, 1.3, 9000)
            replies = heavy_tail(rng, 0.8, 1.4, 300)
        if phase == "incident" and sent == "neg":  # outrage travels further
            likes = int(likes * rng.uniform(1.0, 3.0))
        record = {
            "post_id": post_id,
            "platform": platform,
            "channel": channel,
            "author": author,
            "posted_at": ts.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "body": body,
            "link": link,
            "likes": likes,
            "replies": replies,
        }
        return Row(ts, sent, "mention", record, topic)

    def review(self, ts: datetime, sent: str, phase: str) -> Row:
        rng = self.rng
        store = weighted(rng, self.cfg.stores)
        title, content, lang, topic = self.gen.review(sent, phase, ts.date())
        rating = review_rating(rng, sent, topic)
        if re.search(r"\b(three|3) stars\b", content.lower()):
            rating = 3
        review_id = {"app_store": self.ids.app_store, "google_play": self.ids.google_play}.get(
            store, self.ids.trustpilot
        )()
        thumbs = heavy_tail(rng, 1.2 if sent == "neg" else 0.6, 1.3, 2500)
        if topic == "incident":
            thumbs = int(thumbs * rng.uniform(1.5, 4.0)) + rng.randint(0, 5)
        record = {
            "review_id": review_id,
            "store": store,
            "user_name": reviewer_name(rng, store),
            "date": ts.isoformat(),
            "rating": rating,
            "title": title,
            "content": content,
            "thumbs_up": thumbs,
            "lang": lang,
            "app_version": None if store == "trustpilot" else app_version(rng, self.cfg, ts, topic),
        }
        return Row(ts, sent, "review", record, topic)


def review_rating(rng: Random, sent: str, topic: str) -> int:
    """Star rating consistent with the text, with a little noise."""
    if sent == "neg":
        rating = 1 if rng.random() < (0.88 if topic == "incident" else 0.7) else 2
    elif sent == "neu":
        rating = rng.choices([2, 3, 4], weights=[8, 84, 8])[0]
    else:
        rating = 5 if rng.random() < 0.65 else 4
    if rng.random() < 0.03:  # the odd reviewer whose stars don't quite match the words
        rating = min(5, max(1, rating + rng.choice([-1, 1])))
    return rating


# ----------------------------------------------------------------------------------------------------------------
# Deliberately malformed rows (exactly 12)
# ----------------------------------------------------------------------------------------------------------------
def add_malformed(rng: Random, builders: dict[str, RowBuilder], rows: dict[str, list[Row]]) -> None:
    def at(d: str, hh: int) -> datetime:
        y, m, dd = map(int, d.split("-"))
        return datetime(y, m, dd, hh, rng.randrange(60), rng.randrange(60), tzinfo=UTC)

    def mention(slug: str, ts: datetime, how: str, **changes) -> None:
        row = builders[slug].mention(ts, "neg", day_phase(builders[slug].cfg, ts.date()))
        row.record.update(changes)
        row.malformed = how
        rows[slug].append(row)

    def review(slug: str, ts: datetime, how: str, **changes) -> Row:
        row = builders[slug].review(ts, "neu", day_phase(builders[slug].cfg, ts.date()))
        row.record.update(changes)
        row.malformed = how
        rows[slug].append(row)
        return row

    mention("parcelo", at("2026-09-04", 11), "mention with an empty body", body="")
    mention("parcelo", at("2026-10-14", 19), 'unparseable posted_at "yesterday"', posted_at="yesterday")
    mention("brewbird", at("2026-09-19", 9), "whitespace-only body", body="   \n\t  ")
    mention("brewbird", at("2026-10-03", 15), 'negative likes "-3"', likes="-3")
    mention("novabank", at("2026-09-10", 13), "missing post_id (empty)", post_id="")
    mention("novabank", at("2026-10-22", 18), 'non-numeric likes "lots"', likes="lots")

    review("parcelo", at("2026-09-16", 20), "rating 7 (out of range)", rating=7)
    bad = review("parcelo", at("2026-10-15", 8), "truncated line, not valid JSON")
    full = json.dumps({k: bad.record[k] for k in REVIEW_KEYS}, ensure_ascii=False)
    bad.raw_line = full[: full.index('"content"') + 40]
    review("brewbird", at("2026-09-07", 10), 'rating "five" (string)', rating="five")
    review("brewbird", at("2026-10-11", 16), "date is null", date=None)
    review("novabank", at("2026-09-23", 12), "no title and no content", title="", content="")
    review("novabank", at("2026-10-08", 21), 'invalid date "2026-13-45"', date="2026-13-45")


# ----------------------------------------------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------------------------------------------
def write_brand(slug: str, rows: list[Row]) -> dict[str, list[tuple[int, str, str]]]:
    """Write mentions.csv / reviews.jsonl sorted by time; return malformed rows as (record no., id, how)."""
    out = OUT_DIR / slug
    out.mkdir(parents=True, exist_ok=True)
    malformed: dict[str, list[tuple[int, str, str]]] = {"mentions.csv": [], "reviews.jsonl": []}
    mentions = sorted((r for r in rows if r.kind == "mention"), key=lambda r: r.ts)
    reviews = sorted((r for r in rows if r.kind == "review"), key=lambda r: r.ts)
    with open(out / "mentions.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(MENTION_COLUMNS)
        for i, row in enumerate(mentions, start=1):
            writer.writerow([row.record[c] for c in MENTION_COLUMNS])
            if row.malformed:
                malformed["mentions.csv"].append((i, row.record["post_id"] or "(empty post_id)", row.malformed))
    with open(out / "reviews.jsonl", "w", encoding="utf-8", newline="\n") as f:
        for i, row in enumerate(reviews, start=1):
            line = row.raw_line or json.dumps({k: row.record[k] for k in REVIEW_KEYS}, ensure_ascii=False)
            f.write(line + "\n")
            if row.malformed:
                malformed["reviews.jsonl"].append((i, row.record["review_id"], row.malformed))
    return malformed


def write_readme(stats: dict[str, dict[str, int]], malformed: dict[str, dict[str, list]]) -> None:
    lines = [
        "# brandpulse demo sample",
        "",
        "Synthetic, fictional data bundled for demos and tests. Generated deterministically by",
        "`demo/generate_sample.py` (seed "
        f"{SEED}); regenerate with `.venv/bin/python -m demo.generate_sample`. "
        "Do not edit by hand.",
        "",
        "## Brands (all fictional)",
        "",
        "| slug | brand | what | aliases in texts | competitor | valid mentions | valid reviews |",
        "|---|---|---|---|---|---|---|",
    ]
    what = {
        "parcelo": "parcel-delivery app / courier",
        "brewbird": "coffee-shop chain, order-ahead app, loyalty points (busier at weekends)",
        "novabank": "mobile-only bank: cards, transfers, savings pots (busier on weekdays)",
    }
    extra_alias = {"parcelo": ", parcelo app"}
    for cfg in BRAND_CONFIGS:
        s = stats[cfg.slug]
        aliases = ", ".join(cfg.aliases) + extra_alias.get(cfg.slug, "")
        lines.append(
            f"| `{cfg.slug}` | {cfg.name} | {what[cfg.slug]} | {aliases} | {cfg.competitor} "
            f"| {s['mentions']} | {s['reviews']} |"
        )
    lines += [
        "",
        f"Period: {START} 00:00 UTC to {END} 23:59 UTC ({(END - START).days + 1} days). "
        "Texts are mostly English (UK flavour); about 3 % are Spanish, German, French or Portuguese.",
        "Outside the incident every brand has roughly 20-25 % negative, 40 % neutral and 35-40 % positive posts.",
        "",
        "## Files (per brand, `sample/<slug>/`)",
        "",
        "- `mentions.csv`: social-listening export, UTF-8, RFC 4180 quoting, header row, sorted by `posted_at`."
        " Columns: `" + ",".join(MENTION_COLUMNS) + "`. Platforms: reddit (~45 %, `channel` = subreddit),"
        " twitter (~35 %, empty channel), forum (~12 %, channel = forum name), instagram (~8 %, empty channel)."
        " `posted_at` is ISO-8601 UTC (`2026-09-03T14:22:05Z`); bodies may contain newlines, commas and quotes.",
        "- `reviews.jsonl`: one JSON object per line, sorted by `date`. Keys: `"
        + "`, `".join(REVIEW_KEYS)
        + "`. `store` is app_store, google_play or trustpilot; `date` is ISO-8601 with offset; `rating` 1-5;"
        " `lang` en/es/de/fr/pt; `app_version` is null for trustpilot (not an app store).",
        "",
        "## Planted incident",
        "",
        "Parcelo, 2026-10-13 to 2026-10-16: a broken app update **v5.2** (5.2.0) crashes the app on launch, tracking"
        " shows wrong statuses and many parcels are marked delivered but never arrive; support stops answering."
        " Volume is about 3x normal and the negative share jumps from ~22 % to ~65-75 %; one-star reviews"
        " (app_version 5.2.0) spike. The update rolls out at 08:00 UTC on 10-13 and that day's posts come in a"
        " morning wave (most of them 08:00-13:59, few before), for the hourly watch to catch within the day."
        ' On 10-17/10-18 it tails off (hotfix 5.2.1, "finally fixed" posts), with a few'
        " aftermath mentions until the end of October.",
        "",
        "## Deliberately malformed rows (12, for the quarantine demo)",
        "",
        "They sit in time order inside the normal files and are **not** counted in the valid totals above."
        " Record numbers are 1-based data records (CSV header excluded; CSV records can span several lines"
        " because bodies contain newlines).",
        "",
        "| file | record | id | problem |",
        "|---|---|---|---|",
    ]
    for slug, files in malformed.items():
        for fname, items in files.items():
            for rec, rid, how in items:
                lines.append(f"| `{slug}/{fname}` | {rec} | `{rid}` | {how} |")
    lines += [
        "",
        "## How `make demo` reads these files",
        "",
        "- The Reddit rows of `mentions.csv` are served over Reddit's API, its `forum` rows as Hacker News comments,",
        "  and the `app_store` and `google_play` rows of `reviews.jsonl` over those stores' APIs, by the replay server",
        "  in `demo/replay/sample.py`; each night sees the items created before 02:00 the next day. The demo",
        "  config reads the remaining platforms (X/Twitter, Instagram, Trustpilot) with file drops (`platforms:`).",
        "  So a malformed Reddit row above reaches the Reddit source as a broken API item, and an unreadable line",
        "  of `reviews.jsonl` is left to the file drop, which quarantines it.",
        "- `surveys.csv` (one brand each in a Qualtrics-, SurveyMonkey- and Typeform-like export shape) and",
        "  `customers.csv` are written by `demo/generate_surveys.py` (seeded); their docstring lists the",
        "  deliberately malformed survey values. Parcelo's NPS dips with the incident of 2026-10-13..16 and its",
        "  churn rises in October.",
        "",
    ]
    readme = OUT_DIR / "README.md"
    before = readme.read_text(encoding="utf-8") if readme.exists() else ""
    kept = before[before.index(PL_NL_SECTION) :] if PL_NL_SECTION in before else ""
    readme.write_text("\n".join(lines) + kept, encoding="utf-8")


# ----------------------------------------------------------------------------------------------------------------
# Summary
# ----------------------------------------------------------------------------------------------------------------
def count_fragments() -> tuple[int, int]:
    """(list entries, inline [a|b] alternatives) across both phrase modules."""
    entries = alternatives = 0

    def walk(obj) -> None:
        nonlocal entries, alternatives
        if isinstance(obj, str):
            entries += 1
            alternatives += sum(len(m.split("|")) for m in ALT_RE.findall(obj))
        elif isinstance(obj, dict):
            for v in obj.values():
                walk(v)
        elif isinstance(obj, list | tuple):
            for v in obj:
                walk(v)

    for name in dir(P):
        if name.isupper():
            walk(getattr(P, name))
    walk(BANKS)
    return entries, alternatives


def valid_counts(rows: dict[str, list[Row]]) -> dict[str, dict[str, int]]:
    stats = {}
    for slug, rs in rows.items():
        valid = [r for r in rs if not r.malformed]
        n_mentions = sum(r.kind == "mention" for r in valid)
        stats[slug] = {"mentions": n_mentions, "reviews": len(valid) - n_mentions}
    return stats


def print_summary(rng: Random, rows: dict[str, list[Row]]) -> None:
    stats = valid_counts(rows)
    print("== valid rows per brand ==")
    for cfg in BRAND_CONFIGS:
        valid = [r for r in rows[cfg.slug] if not r.malformed]
        m = [r for r in valid if r.kind == "mention"]
        sent = Counter(r.sent for r in valid)
        comp = sum(cfg.competitor.lower() in r.record["body"].lower() for r in m)
        named = sum(any(s in r.record["body"].lower() for s in cfg.stems) for r in m)
        print(
            f"{cfg.slug:9s} mentions={len(m):5d} reviews={len(valid) - len(m):4d} "
            f"neg/neu/pos={sent['neg'] / len(valid):.2f}/{sent['neu'] / len(valid):.2f}/{sent['pos'] / len(valid):.2f} "
            f"brand-named={named / len(m):.1%} competitor={comp / len(m):.1%}"
        )
    total = sum(s["mentions"] + s["reviews"] for s in stats.values())
    print(f"total valid rows: {total}")

    print("\n== parcelo per day 2026-10-10..2026-10-20 (mentions+reviews) ==")
    by_day: dict[date, list[Row]] = {}
    for r in rows["parcelo"]:
        if not r.malformed:
            by_day.setdefault(r.ts.date(), []).append(r)
    for i in range(11):
        d = date(2026, 10, 10) + timedelta(days=i)
        rs = by_day.get(d, [])
        neg = sum(r.sent == "neg" for r in rs)
        one_star = sum(r.kind == "review" and r.record["rating"] == 1 for r in rs)
        print(f"{d} {d:%a} rows={len(rs):3d} neg_share={neg / max(1, len(rs)):.2f} one_star_reviews={one_star}")

    texts = [
        r.record["body"] if r.kind == "mention" else r.record["content"]
        for rs in rows.values()
        for r in rs
        if not r.malformed
    ]
    mentions = [r.record["body"] for rs in rows.values() for r in rs if not r.malformed and r.kind == "mention"]
    reviews = [r.record["content"] for rs in rows.values() for r in rs if not r.malformed and r.kind == "review"]
    print("\n== uniqueness ==")
    print(f"distinct texts: {len(set(texts))}/{len(texts)} = {len(set(texts)) / len(texts):.1%}")
    print(f"  mentions {len(set(mentions)) / len(mentions):.1%}, reviews {len(set(reviews)) / len(reviews):.1%}")
    entries, alts = count_fragments()
    print(f"phrase bank: {entries} list entries + {alts} inline alternatives")
    foreign = sum(1 for rs in rows.values() for r in rs if not r.malformed and r.topic == "foreign")
    print(f"non-English rows: {foreign}/{len(texts)} = {foreign / len(texts):.1%}")

    print("\n== files ==")
    size_total = 0
    for path in sorted(OUT_DIR.rglob("*")):
        if path.is_file():
            size_total += path.stat().st_size
            print(f"{path.relative_to(OUT_DIR.parent.parent.parent)}  {path.stat().st_size / 1024:.1f} KiB")
    print(f"total {size_total / 1024:.1f} KiB")

    print("\n== examples (5 per brand) ==")
    for cfg in BRAND_CONFIGS:
        valid = [r for r in rows[cfg.slug] if not r.malformed]
        for r in rng.sample(valid, 5):
            if r.kind == "mention":
                text = f"[{r.record['platform']}] {r.record['body']}"
            else:
                text = f"[{r.record['store']} {r.record['rating']}*] {r.record['title']} | {r.record['content']}"
            print(f"- {cfg.slug} {r.ts:%m-%d} ({r.sent}): {text!r}")


def build_rows() -> tuple[Random, dict[str, list[Row]], dict[str, RowBuilder]]:
    """Every brand's rows, with their intended sentiment (``Row.sent``), as the sample is written: the RNG after
    them (the malformed rows draw from it next), the rows per brand slug, and the builders."""
    rng = Random(SEED)
    ids = Ids(rng)
    rows: dict[str, list[Row]] = {}
    builders: dict[str, RowBuilder] = {}
    for cfg in BRAND_CONFIGS:
        builder = builders[cfg.slug] = RowBuilder(rng, cfg, ids)
        brand_rows: list[Row] = []
        for d, n in daily_counts(rng, cfg).items():
            phase = day_phase(cfg, d)
            review_share = {"incident": 0.34, "tail": 0.32}.get(phase, 0.30)
            for sent in day_sentiments(rng, cfg, d, n):
                ts = random_time(rng, cfg, d)
                if rng.random() < review_share:
                    brand_rows.append(builder.review(ts, sent, phase))
                else:
                    brand_rows.append(builder.mention(ts, sent, phase))
        rows[cfg.slug] = brand_rows
    return rng, rows, builders


def main() -> None:
    rng, rows, builders = build_rows()
    add_malformed(rng, builders, rows)

    malformed = {cfg.slug: write_brand(cfg.slug, rows[cfg.slug]) for cfg in BRAND_CONFIGS}
    write_readme(valid_counts(rows), malformed)
    print_summary(Random(SEED + 1), rows)
    print("\n== malformed rows ==")
    for slug, files in malformed.items():
        for fname, items in files.items():
            for rec, rid, how in items:
                print(f"{slug}/{fname} record {rec} ({rid}): {how}")


if __name__ == "__main__":
    main()
