"""Alerts: what an alert says (:mod:`pipeline.alerts.message`) and how it reaches people (:mod:`.channels`)."""
