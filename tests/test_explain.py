"""Weighted log-odds (Monroe, Colaresi & Quinn 2008) and the tokenizer of pipeline/explain.py."""

from __future__ import annotations

import math
import random

import pytest

from pipeline.explain import STOP_WORDS, Term, tokenize, weighted_log_odds


def corpus(seed: int = 0) -> tuple[list[str], list[str]]:
    """Background: ordinary chatter in which "lost", "parcel" and "delivery" all occur; focus: the same
    chatter plus an incident in which parcels are lost."""
    rng = random.Random(seed)
    chatter = [
        "the delivery was quick and the driver friendly",
        "my parcel arrived on time, great delivery",
        "I lost my password again, the app is fine though",
        "tracking page is slow today @Parcelo",
        "parcel came early, well packed",
        "love the new app design https://parcelo.example/app",
        "driver left the parcel with a neighbour",
        "where is the delivery slot for Saturday? #parcelo",
        "lost the receipt but support helped",
        "Parcelo delivery was fine, nothing to report",
    ]
    incident = [
        "Parcelo lost my parcel again!!! no refund",
        "they LOST my parcel and support does not answer",
        "lost parcel, second time this month @ParceloHelp",
        "my parcel is lost, the tracking says delivered",
        "lost parcel and no refund, the worst https://t.co/x",
    ]
    background = [rng.choice(chatter) for _ in range(400)]
    focus = [rng.choice(chatter) for _ in range(60)] + [rng.choice(incident) for _ in range(40)]
    return focus, background


def test_planted_phrase_ranks_first_and_stop_words_are_ignored():
    focus, background = corpus()
    terms = weighted_log_odds(focus, background, drop=["Parcelo"])
    assert terms[0].term == "lost parcel"
    # "lost my parcel" and "lost parcel" count, "my parcel is lost" does not (it is "parcel lost")
    assert terms[0].focus_count == sum("lost parcel" in " ".join(tokenize(t)) for t in focus) > 20
    assert terms[0].background_count == 0
    words = {w for t in terms for w in t.term.split()}
    assert not words & STOP_WORDS
    assert "parcelo" not in words  # the brand alias is dropped
    assert {"refund", "lost"} <= {t.term for t in terms}
    # chatter that is as frequent in the focus as in the background is not reported
    assert not {"delivery", "driver", "app"} & {t.term for t in terms}
    assert all(t.z > 1.96 for t in terms)
    assert [t.z for t in terms] == sorted((t.z for t in terms), reverse=True)


def test_z_matches_the_formula():
    focus = ["refund late"] * 30 + ["ok fine"] * 20
    background = ["refund"] * 10 + ["ok fine"] * 40
    terms = {t.term: t for t in weighted_log_odds(focus, background, bigrams=False)}
    # unigram counts: focus refund 30, late 30, ok 20, fine 20 (n=100); background refund 10, ok 40, fine 40
    # (n=90); prior a = 0.1 * pooled counts: refund 4, late 3, ok 6, fine 6 (a0=19)
    a0 = 19.0
    delta = math.log((30 + 4) / (100 + a0 - 30 - 4)) - math.log((10 + 4) / (90 + a0 - 10 - 4))
    assert terms["refund"] == Term("refund", pytest.approx(delta / math.sqrt(1 / 34 + 1 / 14)), 30, 10)
    assert set(terms) == {"refund", "late"}  # "ok" and "fine" are under-represented in the focus


def test_min_count_top_and_empty_inputs():
    focus, background = corpus()
    assert len(weighted_log_odds(focus, background, top=3)) == 3
    focus = focus + ["zeppelin"] * 5
    assert "zeppelin" in {t.term for t in weighted_log_odds(focus, background, top=50, min_count=5)}
    assert "zeppelin" not in {t.term for t in weighted_log_odds(focus, background, top=50, min_count=6)}
    assert weighted_log_odds([], background) == []
    assert weighted_log_odds(focus, []) == []


def test_tokenizer():
    text = "RT @Parcelo: They LOST my parcel’s label!!! 😡 see https://t.co/abc #NeverAgain x 2 times don't"
    assert tokenize(text) == ["lost", "parcel", "label", "see", "neveragain", "times"]
    assert tokenize("Parcelo Express lost it", drop=["Parcelo Express"]) == ["lost"]


def test_texts_with_a_single_term_between_them_explain_nothing_and_do_not_crash():
    """With one distinct term in focus and background together, its odds against the rest are 0/0: that divided
    by zero and rolled back the whole detect step, for every brand."""
    assert weighted_log_odds(["Parcelo scam!!"] * 9, ["scam, Parcelo"] * 30, drop=["Parcelo"]) == []
