"""A wall-clock limit on blocking network I/O that per-operation timeouts cannot give.

A socket timeout bounds one read or write, so a peer that answers one byte every few seconds never trips it
and holds the caller for as long as it likes. A :class:`Deadline` bounds the whole exchange::

    with Deadline(20) as deadline:
        sock = deadline.connect(lambda: socket.create_connection(addr, timeout=deadline.timeout(10)))
        ...                          # every blocking call on sock ends by the deadline at the latest

When the deadline passes, a timer thread shuts down every socket handed to :meth:`Deadline.watch`; a thread
blocked on one wakes up (its read sees the end of the stream or an error, its write fails). ``watch`` keeps
its own duplicate of the socket, and shutting a socket down acts on the connection, not on one descriptor, so
a socket later wrapped in TLS (STARTTLS, HTTPS) is cut as well. Nothing here retries or decides what a cut
exchange means: the caller asks :attr:`Deadline.expired` and words its own error.

Looking up the host's name comes before there is a socket to shut down, and ``getaddrinfo`` takes no timeout, so
a resolver that never answers would hold a connect past any deadline: :meth:`Deadline.connect` runs the connect
on a thread of its own and stops waiting for it when the deadline passes.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable


def seconds(value: float) -> str:
    """A duration for messages: '20 s', '2.5 s', '0.43 s'."""
    text = f"{value:.0f}" if value >= 10 else f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text} s"


class DeadlineExceeded(TimeoutError):
    """The deadline passed before the exchange could start or finish."""


class Deadline:
    """``seconds`` from now; see the module docstring. Use it as a context manager, or call :meth:`close`."""

    def __init__(self, seconds: float):
        if seconds <= 0:
            raise ValueError(f"a deadline must be in the future, not {seconds!r} s from now")
        self.seconds = float(seconds)
        self.at = time.monotonic() + self.seconds
        self.fired = False  # the timer cut the watched sockets
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._closed = False

    def __str__(self) -> str:
        return f"{seconds(self.seconds)} deadline"

    def left(self) -> float:
        """Seconds left, never below 0."""
        return max(0.0, self.at - time.monotonic())

    @property
    def expired(self) -> bool:
        return self.fired or time.monotonic() >= self.at

    def timeout(self, per_operation: float | None) -> float:
        """A socket timeout for one operation: ``per_operation``, or the time left if that is shorter.
        Raises :class:`DeadlineExceeded` when no time is left."""
        left = self.left()
        if left <= 0:
            raise DeadlineExceeded(f"the {self} has passed")
        return left if per_operation is None else min(per_operation, left)

    def connect(self, opener: Callable[[], socket.socket]) -> socket.socket:
        """The socket ``opener()`` connects (name lookup included), handed to :meth:`watch`; or its error. It runs on
        a daemon thread, left behind when the deadline passes first (a hung resolver cannot be cut): then this raises
        :class:`DeadlineExceeded`, and a socket the thread opens after all is closed (so too when a stop interrupts
        the wait)."""
        done = threading.Event()
        outcome: list = []  # [socket or None, error or None], once opener() is done
        lock = threading.Lock()
        left_behind = False

        def run() -> None:
            try:
                result = [opener(), None]
            except BaseException as exc:
                result = [None, exc]
            with lock:
                if left_behind:
                    if result[0] is not None:
                        result[0].close()
                    return
                outcome.extend(result)
            done.set()

        threading.Thread(target=run, name="brandpulse-connect", daemon=True).start()
        try:
            while not done.wait(self.left()):
                if self.expired:
                    raise DeadlineExceeded(f"no connection within the {self}")
        except BaseException:  # the deadline, or a stop (SIGTERM, Ctrl-C) while waiting: nobody takes the socket
            with lock:
                left_behind = True
                if outcome and outcome[0] is not None:  # connected in the meantime
                    outcome[0].close()
            raise
        sock, error = outcome
        if error is not None:
            raise error
        self.watch(sock)
        return sock

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down when the deadline passes (at once if it has)."""
        dup = sock.dup()
        with self._lock:
            if self._closed:
                dup.close()
                raise RuntimeError("watch() on a closed Deadline")
            self._socks.append(dup)
            fire_now = self.fired
            if self._timer is None and not fire_now:
                self._timer = threading.Timer(self.left(), self._fire)
                self._timer.daemon = True
                self._timer.start()
        if fire_now:
            _shutdown(dup)

    def _fire(self) -> None:
        with self._lock:
            if self._closed:
                return
            self.fired = True
            socks = list(self._socks)
        for s in socks:
            _shutdown(s)

    def close(self) -> None:
        """Stop the timer and let go of the watched sockets (the caller closes its own)."""
        with self._lock:
            self._closed = True
            timer, socks, self._socks = self._timer, self._socks, []
        if timer is not None:
            timer.cancel()
        for s in socks:
            s.close()

    def __enter__(self) -> Deadline:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # already closed by its owner, or never connected
        pass
