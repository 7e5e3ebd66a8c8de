"""Survey (NPS, CSAT, CES) and customer (churn, CLV) data next to the social signal.

The ``surveys:`` section of ``brandpulse.yaml`` (sources, presets, CLV) is specified in
:mod:`pipeline.config_surveys`, part of the configuration layer.

- :mod:`pipeline.surveys.importer`: reads Qualtrics, SurveyMonkey, Typeform or custom CSV/XLSX exports and
  customer lists, validating each field (a bad score is quarantined; the rest of the response still lands);
- :mod:`pipeline.surveys.metrics`: NPS, CSAT top-2-box and CES mean with their 95 % intervals;
- :mod:`pipeline.surveys.customers`: monthly churn and customer lifetime value;
- :mod:`pipeline.surveys.xcorr`: does the social signal lead the survey scores? (prewhitened cross-correlation);
- :mod:`pipeline.surveys.ingest`: the import steps (surveys, customers, comment scores);
- :mod:`pipeline.surveys.rollup`: the ``survey_metrics`` step and the CX-social lead analysis.

The survey branch sits beside :mod:`pipeline.metrics` in one layer (neither imports the other). It may import
:mod:`pipeline.scoring` (survey comments go through the one scoring loop) and the layers below it (the ledger,
records, files, the warehouse, the config). Only :mod:`pipeline.night` and the CLI import it; the report reads
its tables, not its code. Inside, in layers (a module imports only those below its own): the
steps (ingest | rollup); the importer | xcorr; customers; metrics.
"""
