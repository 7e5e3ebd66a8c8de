"""The retry policy both DAGs give their tasks (``default_args["retry_policy"]``).

A task stopped by SIGTERM or Ctrl-C (:mod:`pipeline.interrupt` turns both into ``KeyboardInterrupt``) or
failing on the configuration (:class:`pipeline.config.ConfigError`) fails at once: a retry cannot help, and
waiting for one would keep a stopped night running. Any other failure gets the DAG's ``retries``.

Imports only ``airflow.sdk`` (the exceptions are named by their import path, as Airflow matches them).
"""

from __future__ import annotations

from airflow.sdk import ExceptionRetryPolicy, RetryAction, RetryRule

NO_RETRY_WHEN = ExceptionRetryPolicy(
    rules=[
        RetryRule(
            exception=["builtins.KeyboardInterrupt", "pipeline.config.ConfigError"],
            action=RetryAction.FAIL,
            reason="stopped, or the config is wrong: retrying cannot help",
        )
    ]
)
