"""The sentiment model: text normalisation, the batch scorer, and how the shipped model is trained.

- :mod:`.textnorm`: the one text normalisation, shared by training and scoring;
- :mod:`.scorer`: the batch :class:`~pipeline.sentiment.scorer.Scorer` (torch and transformers, or the int8
  ONNX variant); :mod:`.score_stream`: ``brandpulse score-texts`` over a stream of lines;
- :mod:`.train` (``python -m pipeline.sentiment.train``), with :mod:`.e5_base` (the base encoder rebuilt from
  PyPI wheels) and :mod:`.complaints` (written complaint patterns); :mod:`.onnx_export` (the int8 variant).

A library the rest of brandpulse calls: it imports nothing of brandpulse outside this package (the layers
would allow :mod:`pipeline.staging` and below, nothing above). Only :mod:`pipeline.scoring` (when something
needs a score) and the CLI's scoring commands import it, so no other step loads torch. Inside, in layers (a
module imports only those below its own): train | score_stream | onnx_export; scorer | e5_base | complaints;
textnorm.
"""

LABELS = ("negative", "neutral", "positive")
