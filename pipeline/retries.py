"""The retry policy both DAGs give their tasks (``default_args["retry_policy"]``).

A task stopped by SIGTERM or Ctrl-C (:mod:`pipeline.interrupt` turns both into ``KeyboardInterrupt``), failing
on the configuration (:class:`pipeline.config.ConfigError`), on a run triggered without a data interval
(:class:`NoDataInterval`), or on the run's own outcome (:class:`pipeline.ledger.RunFailed`: a partial night's
``finish``; :class:`pipeline.ledger.RunNotRegistered`: a run its prepare never registered), or past its
``execution_timeout`` (``AirflowTaskTimeout``, or :class:`pipeline.warehouse.QueryStopped` when it struck in a
DuckDB query: every step has deadlines of its own well inside it, so a task still
running then hangs, and a retry would hang as long again while ``max_active_runs`` holds the next night back) fails
at once: a retry cannot help, and waiting for one would keep a stopped night running (or, for a trigger without a
date, hold the next scheduled night back). Any other failure gets the DAG's ``retries``.

Imports only ``airflow.sdk`` (the exceptions are named by their import path, as Airflow matches them).
"""

from __future__ import annotations

from airflow.sdk import ExceptionRetryPolicy, RetryAction, RetryRule


class NoDataInterval(ValueError):
    """A DAG run without a data interval (``airflow dags trigger`` without ``--logical-date``): it has no night."""


_NEVER_HELPS = [
    "builtins.KeyboardInterrupt",
    "pipeline.config.ConfigError",
    "pipeline.retries.NoDataInterval",
    "pipeline.ledger.RunFailed",
    "pipeline.ledger.RunNotRegistered",
]
_REASON = "stopped, a wrong config, a run without a date, or the run's own outcome: retrying cannot help"

NO_RETRY_WHEN = ExceptionRetryPolicy(
    rules=[
        RetryRule(
            # QueryStopped: the timeout met in a DuckDB query, which raises its own error in AirflowTaskTimeout's place
            exception=[*_NEVER_HELPS, "airflow.sdk.exceptions.AirflowTaskTimeout", "pipeline.warehouse.QueryStopped"],
            action=RetryAction.FAIL,
            reason="stopped, a wrong config, a run without a date, the run's own outcome, or a hang past the task's "
            "execution_timeout: retrying cannot help",
        )
    ]
)

# For a task whose execution_timeout is a share of its run by design, shorter than the deadlines of the work in it
# (the watch's extract: a quarter of the run, under a source's deadline_s): a try cut short there is a slow source,
# not a hang, and the next try may get through.
NO_RETRY_WHEN_TIMEOUT_RETRIES = ExceptionRetryPolicy(
    rules=[RetryRule(exception=list(_NEVER_HELPS), action=RetryAction.FAIL, reason=_REASON)]
)
