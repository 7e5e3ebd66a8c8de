"""Sentiment model: text normalisation, training and the batch scorer."""

LABELS = ("negative", "neutral", "positive")
