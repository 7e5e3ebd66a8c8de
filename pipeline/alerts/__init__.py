"""Alerts: from daily metrics to an explained alert, and from a recorded alert to the people who act on it.

- :mod:`.incidents`: the nightly ``detect`` step: spike tests and change points (:mod:`pipeline.detect`) per
  brand, grouped into incidents, recorded with their explanation (:mod:`pipeline.explain`);
- :mod:`.message`: what an alert says (:class:`~pipeline.alerts.message.AlertMessage`) and a pure renderer per
  channel; :mod:`.channels`: sending it by Slack, webhook or e-mail, apart from the warehouse;
- :mod:`.delivery`: the nightly ``send_alerts`` step (with the alert chart of :mod:`pipeline.charts`);
- :mod:`.inbox`: ``brandpulse alerts``, the listing an analyst reads.

May import :mod:`pipeline.detect`, :mod:`pipeline.explain`, :mod:`pipeline.charts`, the metrics and survey
layer, and everything below them (the ledger, :mod:`pipeline.http`, the warehouse, the config); only the
report, :mod:`pipeline.night` and the CLI import it. Inside, in layers (a module imports only those below its
own): inbox; delivery | incidents (never each other); channels; message.
"""
