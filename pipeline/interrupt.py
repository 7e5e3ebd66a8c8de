"""Stopping on SIGTERM and Ctrl-C: promptly, and with the warehouse consistent.

What ``brandpulse run`` and ``make demo`` (``python -m demo``) do when asked to stop:

- :func:`stop_on_signals` (called first thing, before any thread starts) turns SIGTERM and SIGINT into one
  ``KeyboardInterrupt`` (:class:`Interrupted`) raised in the main thread within moments, even when it waits in a
  socket read or a DuckDB query. Both are blocked in every thread and taken by one waiting thread, which records
  the stop and kicks the main thread with SIGUSR1, whose handler raises; so a library that installs its own
  SIGTERM or SIGINT handler (Airflow's task runner does, for every task, and leaves it installed) cannot
  swallow it. The kick repeats every half second until the main thread raised: a kick that lands just before
  the main thread enters a blocking call (a socket read about to wait on an endpoint) interrupts nothing, and
  the handler would otherwise wait for that call to end (up to the source's timeout).
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
import time
from collections.abc import Iterator
from contextlib import contextmanager

_STOPS = {signal.SIGTERM, signal.SIGINT}
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


_KICK = signal.SIGUSR1  # sent to the main thread only, by the waiting thread; nothing in the product uses it
_KICK_EVERY_S = 0.5
_owed = threading.Event()  # a stop was taken and the main thread has not raised for it yet


def _on_signal(signum, frame) -> None:
    # a stop signal that reached the main thread itself: it is unblocked there while a child process starts
    if not _requested:
        _requested.append(signal.Signals(signum).name)
    check()


def _on_kick(signum, frame) -> None:
    if _owed.is_set():  # a late repeat of a kick the main thread already raised for changes nothing
        _owed.clear()
        check()


def stop_on_signals() -> None:
    """Make SIGTERM and SIGINT stop this process promptly (see the module's docstring). Call it from the main
    thread before any other thread starts: threads inherit the blocked signals. Idempotent."""
    if threading.current_thread() is not threading.main_thread() or getattr(stop_on_signals, "_installed", False):
        return
    main = threading.main_thread().ident
    for stop in _STOPS:
        signal.signal(stop, _on_signal)
    signal.signal(_KICK, _on_kick)
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)

    def wait_for_stops() -> None:
        while True:
            taken = signal.sigwait(_STOPS)
            if not _requested:
                _requested.append(signal.Signals(taken).name)
            _owed.set()
            while _owed.is_set():
                signal.pthread_kill(main, _KICK)  # interrupts a blocking read in the main thread, too
                time.sleep(_KICK_EVERY_S)

    threading.Thread(target=wait_for_stops, name="brandpulse-stop", daemon=True).start()
    stop_on_signals._installed = True  # type: ignore[attr-defined]


@contextmanager
def signals_unblocked() -> Iterator[None]:
    """Start child processes inside this block: they inherit the signal mask, and a child that cannot receive
    SIGTERM or SIGINT cannot be stopped politely."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)
    try:
        yield
    finally:
        if getattr(stop_on_signals, "_installed", False):
            signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)


def reset() -> None:
    """Forget a requested stop (tests; a process that handled its stop and goes on)."""
    _requested.clear()
    _owed.clear()


__all__ = ["Interrupted", "check", "exit_code", "requested", "reset", "signals_unblocked", "stop_on_signals"]
