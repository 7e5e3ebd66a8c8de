"""The one atomic writer: a file is either its old content or its new content, never half of either.

Write to a temporary file beside the target, flush and fsync it, then ``os.replace`` it over the target (an
atomic rename on POSIX and Windows). A crash leaves at worst a ``.<name>.<pid>.tmp`` file, never a torn target.
Local files only: a staged file that may live in an object store is written by :func:`pipeline.storage.write`
(one upload there: a store makes an object visible only once its upload completes, whole).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def encoded(content: str | bytes | Iterable[str]) -> tuple[bytes, int]:
    """``content`` as the bytes :func:`write_atomic` writes (text as UTF-8, lines each ending in a newline), and
    the count it returns for it: lines for an iterable of lines, else bytes."""
    if isinstance(content, bytes | str):
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        return data, len(data)
    lines = list(content)
    return "".join(f"{line}\n" for line in lines).encode("utf-8"), len(lines)


def write_atomic(path, content: str | bytes | Iterable[str]) -> int:
    """Write ``content`` (text, bytes, or lines written one per line) to the local file ``path`` atomically.
    Returns the number of lines for an iterable of lines, else the number of bytes written. (A staged file
    that may live in an object store is written by :func:`pipeline.storage.write`, which calls this for a
    folder.)"""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    n = 0
    try:
        with tmp.open("wb") as fh:
            if isinstance(content, bytes | str):
                data, n = encoded(content)
                fh.write(data)
            else:  # streamed, not joined: a night's records need not be in memory twice
                for line in content:
                    fh.write(line.encode("utf-8"))
                    fh.write(b"\n")
                    n += 1
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return n
