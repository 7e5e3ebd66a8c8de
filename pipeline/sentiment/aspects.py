"""Aspects (drivers) in any language, matched by meaning.

Each aspect is a short description (``aspects:`` in the config; defaults in
:data:`pipeline.config.DEFAULT_ASPECTS`). A text's aspect is the one whose description embedding is most similar
to the text's (cosine similarity of :meth:`pipeline.sentiment.scorer.Scorer.embed`: the shipped model's own
multilingual encoder, so an English description finds Polish and Dutch complaints alike), provided that
similarity reaches ``min_similarity``; otherwise the text has no aspect. One aspect per text: the report counts
each negative mention once.

Measured on the Dutch restaurant-review val sentences with gold SemEval categories (the model card has the
figure and the command): how often the top aspect is one of the sentence's gold categories.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class AspectMatcher:
    def __init__(self, scorer, aspects: dict[str, str], min_similarity: float = 0.0):
        self.scorer, self.names, self.min_similarity = scorer, list(aspects), min_similarity
        self._aspects = np.array(scorer.embed(list(aspects.values())), dtype=np.float32)
        self._cache: dict[str, np.ndarray] = {}

    def similarities(self, texts: Sequence[str]) -> np.ndarray:
        """``len(texts) × len(aspects)`` cosine similarities."""
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        for text, vector in zip(todo, self.scorer.embed(todo), strict=True):
            self._cache[text] = np.array(vector, dtype=np.float32)
        if not texts:
            return np.zeros((0, len(self.names)), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts]) @ self._aspects.T

    def match(self, texts: Sequence[str]) -> list[str | None]:
        """Each text's aspect, or None when no description is similar enough."""
        sims = self.similarities(texts)
        best = sims.argmax(1) if len(texts) else []
        return [self.names[b] if sims[i, b] >= self.min_similarity else None for i, b in enumerate(best)]
