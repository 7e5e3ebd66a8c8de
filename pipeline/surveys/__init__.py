"""Survey (NPS, CSAT, CES) and customer (churn, CLV) data next to the social signal.

The ``surveys:`` section of ``brandpulse.yaml`` (sources, presets, CLV) is specified in
:mod:`pipeline.config_surveys`, part of the configuration layer.

- :mod:`pipeline.surveys.importer`: reads Qualtrics, SurveyMonkey, Typeform or custom CSV/XLSX exports and
  customer lists, validating each field (a bad score is quarantined; the rest of the response still lands);
- :mod:`pipeline.surveys.metrics`: NPS, CSAT top-2-box and CES mean with their 95 % intervals;
- :mod:`pipeline.surveys.customers`: monthly churn and customer lifetime value;
- :mod:`pipeline.surveys.xcorr`: does the social signal lead the survey scores? (prewhitened cross-correlation);
- :mod:`pipeline.surveys.roi`: what CX is worth, in numbers: churn by NPS group (Wilson intervals, relative risk),
  revenue at risk and the value of an NPS point (bootstrap), key drivers (Johnson's relative weights);
- :mod:`pipeline.surveys.ingest`: the import steps (surveys, customers, comment scores);
- :mod:`pipeline.surveys.rollup`: the ``survey_metrics`` step (survey metrics, churn and CLV, churn by NPS
  group) and the CX-social lead analysis;
- :mod:`pipeline.surveys.worth`: the read-only analyses behind ``brandpulse roi`` and ``brandpulse drivers``
  and the report's "What CX is worth".

The survey branch sits beside :mod:`pipeline.metrics` in one layer (neither imports the other). It may import
:mod:`pipeline.scoring` (survey comments go through the one scoring loop) and the layers below it (the ledger,
records, files, frames, the warehouse, the config). :mod:`pipeline.night` and the CLI import its steps; the
report reads its tables, and its analyses through :mod:`pipeline.surveys.worth`. Inside, in layers (a module
imports only those below its own): the steps and analyses (ingest | rollup | worth); the importer | xcorr |
roi; customers; metrics.
"""
