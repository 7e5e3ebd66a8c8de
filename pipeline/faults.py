"""Named crash points, so tests can kill a real run at an exact place (e.g. between staging and COMMIT).

``BRANDPULSE_CRASH_AT=load:before_commit`` makes the process SIGKILL itself when it reaches that point: no
exception handler, ``finally`` block or atexit hook runs, just as when the OOM killer or a node loss strikes.
Unset (always, in production) it does nothing.
"""

from __future__ import annotations

import os
import signal


def checkpoint(name: str) -> None:
    if os.environ.get("BRANDPULSE_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
