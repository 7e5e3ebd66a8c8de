"""The nightly HTML report: a self-contained static page per brand and an index.

- :mod:`pipeline.report.build`: reads the warehouse once per brand, draws, writes the pages; :func:`report` is
  the nightly step;
- :mod:`pipeline.report.charts`: the report's PNG charts (through :func:`pipeline.charts.png`);
- :mod:`pipeline.report.summary`: the terminal summary of a warehouse (``brandpulse summary``, the demo).

The top layer but the orchestration: may import everything below it (alerts, detection, metrics, the ledger,
the warehouse), and nothing imports it but :mod:`pipeline.night` and the CLI. Inside: build and summary (never
each other) may import charts.
"""
