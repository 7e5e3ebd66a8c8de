"""brandpulse: nightly social-media sentiment monitoring for brand and CX teams.

The package in layers, top to bottom. A module imports only from layers below its own, and modules that share
a layer never import each other; each package's ``__init__`` says the same for its modules. The import-linter
contracts in ``pyproject.toml`` (``lint-imports``, run by ``make lint``) enforce it, and
``docs/architecture.md`` draws it with the table each module writes.

- :mod:`pipeline.console`: the ``brandpulse`` executable: a plain ``brandpulse sql`` runs without typer.
- :mod:`pipeline.cli`: the ``brandpulse`` command; each command imports its step when it runs.
- :mod:`pipeline.night`: the whole night (prepare, run_day, finish); the only module importing every step.
- :mod:`pipeline.report`: the nightly HTML report (the ``report`` step) and the terminal summary.
- :mod:`pipeline.alerts`: the ``detect`` and ``send_alerts`` steps, the alert message, its channels, the listing.
- :mod:`pipeline.detect` and :mod:`pipeline.explain` (pure functions: spike tests and change points, the terms
  behind a spike); :mod:`pipeline.charts` (the one PNG helper and the alert chart).
- :mod:`pipeline.metrics` (the ``daily_metrics`` step); :mod:`pipeline.surveys` (the survey branch).
- :mod:`pipeline.scoring`: the ``score`` step and the one chunked scoring loop (mentions and survey comments).
- :mod:`pipeline.sentiment` (the model: scorer and training); :mod:`pipeline.load` (the ``load`` step).
- :mod:`pipeline.staging`: the ``extract`` step: one source for one night, staged as files.
- :mod:`pipeline.sources`: one module per source, their base class, relevance.
- :mod:`pipeline.ledger` (the run ledger), :mod:`pipeline.records` (records, rejects and their shared rules),
  :mod:`pipeline.files` (the atomic writer), :mod:`pipeline.http` (the polite HTTP session),
  :mod:`pipeline.faults` (named crash points for tests).
- :mod:`pipeline.warehouse`: the DuckDB file: a locked connection, migrations, named queries, transactions.
- :mod:`pipeline.config`, then :mod:`pipeline.config_surveys`: ``brandpulse.yaml``, validated.
- :mod:`pipeline.interrupt` (SIGTERM and Ctrl-C), :mod:`pipeline.paths` (default paths),
  :mod:`pipeline.retries` (the retry policy both DAGs give their tasks).

The demo (sample data, its generators and the replay servers) lives outside the package, in ``demo/``.
"""

__version__ = "0.1.0"
