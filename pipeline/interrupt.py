"""Stopping on SIGTERM and Ctrl-C: promptly, and with the warehouse consistent.

What ``brandpulse run`` and ``make demo`` (``python -m demo``) do when asked to stop:

- :func:`stop_on_signals` (called first thing, before any thread starts) turns SIGTERM into the same
  ``KeyboardInterrupt`` as Ctrl-C (SIGINT), raised in the main thread within moments, even when it waits in a
  socket read or a DuckDB query. SIGTERM is blocked in every thread and taken by one waiting thread, which
  records the stop and sends SIGINT to the main thread, so a library that installs its own SIGTERM handler
  (Airflow's task runner does, for every task, and leaves it installed) cannot swallow it.
- Once a stop was requested, :func:`check` raises :class:`Interrupted`, and :func:`pipeline.warehouse.connect`
  calls it: no new warehouse session starts, so the steps left in a night (Airflow's ``dag.test()`` catches a
  task's ``KeyboardInterrupt`` and goes on to the next task) fail at once instead of running on.
- Every write is one transaction (:func:`pipeline.warehouse.transaction` rolls back on the interrupt), so the
  warehouse holds each step whole or not at all; a re-run of the night completes it (natural keys, upserts).

Imports nothing from the package (the warehouse imports it).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_requested: list[str] = []  # the name of the signal that asked the process to stop, once one did


class Interrupted(KeyboardInterrupt):
    """A stop was requested (SIGTERM or Ctrl-C): raised where work would otherwise start."""


def requested() -> str | None:
    """``"SIGTERM"`` or ``"SIGINT"`` once the process was asked to stop, else None."""
    return _requested[0] if _requested else None


def check() -> None:
    """Raise :class:`Interrupted` if the process was asked to stop."""
    if _requested:
        raise Interrupted(f"stopped by {_requested[0]}")


def exit_code() -> int:
    """The shell's convention: 128 + the signal's number (130 for Ctrl-C, 143 for SIGTERM)."""
    return 128 + int(getattr(signal, requested() or "SIGINT"))


def _on_sigint(signum, frame) -> None:
    if not _requested:
        _requested.append("SIGINT")
    raise Interrupted(f"stopped by {_requested[0]}")


def stop_on_signals() -> None:
    """Make SIGTERM and SIGINT stop this process promptly (see the module's docstring). Call it from the main
    thread before any other thread starts: threads inherit the blocked SIGTERM. Idempotent."""
    if threading.current_thread() is not threading.main_thread() or getattr(stop_on_signals, "_installed", False):
        return
    main = threading.main_thread().ident
    signal.signal(signal.SIGINT, _on_sigint)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})

    def wait_for_sigterm() -> None:
        while True:
            signal.sigwait({signal.SIGTERM})
            if not _requested:
                _requested.append("SIGTERM")
            signal.pthread_kill(main, signal.SIGINT)  # interrupts a blocking read in the main thread, too

    threading.Thread(target=wait_for_sigterm, name="brandpulse-sigterm", daemon=True).start()
    stop_on_signals._installed = True  # type: ignore[attr-defined]


@contextmanager
def sigterm_unblocked() -> Iterator[None]:
    """Start child processes inside this block: they inherit the signal mask, and a child that cannot receive
    SIGTERM cannot be stopped politely."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    try:
        yield
    finally:
        if getattr(stop_on_signals, "_installed", False):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})


def reset() -> None:
    """Forget a requested stop (tests; a process that handled its stop and goes on)."""
    _requested.clear()


__all__ = ["Interrupted", "check", "exit_code", "requested", "reset", "sigterm_unblocked", "stop_on_signals"]
