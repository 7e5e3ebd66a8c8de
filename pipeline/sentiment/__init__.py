"""The sentiment model: text normalisation, the batch scorer, aspect matching, and how the shipped model is trained.

- :mod:`.textnorm`: the one text normalisation, shared by training and scoring;
- :mod:`.scorer`: the batch :class:`~pipeline.sentiment.scorer.Scorer` (torch and transformers, or the int8
  ONNX variant); :mod:`.score_stream`: ``brandpulse score-texts`` over a stream of lines;
- :mod:`.aspects`: a text's aspect by meaning, with the encoder the model's ``brandpulse.json`` names (the
  report's drivers), and the vectors kept between draws;
- :mod:`.train` (``python -m pipeline.sentiment.train``), with :mod:`.e5_base` (the base encoder rebuilt from
  PyPI wheels, which aspect matching uses too) and :mod:`.complaints` (written complaint patterns);
  :mod:`.onnx_export` (the int8 variant).

A library the rest of brandpulse calls: of brandpulse it imports only the layers below it (the config, the
records' text rules, the atomic writer). Only :mod:`pipeline.scoring` (when something needs a score), the
report (aspects) and the CLI's scoring commands import it, so no other step loads torch. Inside, in layers (a
module imports only those below its own): train | score_stream | onnx_export; aspects; scorer | e5_base |
complaints; textnorm.
"""

LABELS = ("negative", "neutral", "positive")
