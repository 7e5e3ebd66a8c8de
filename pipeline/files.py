"""Local files: the one atomic writer, and the one way input files are found by a configured path pattern.

The atomic writer: a file is either its old content or its new content, never half of either. Write to a
temporary file beside the target, flush and fsync it, then ``os.replace`` it over the target (an atomic rename on
POSIX and Windows). A crash leaves at worst a ``.<name>.<pid>.<random>.tmp`` file, never a torn target. Local
files only: a staged file that may live in an object store is written by :func:`pipeline.storage.write` (one
upload there: a store makes an object visible only once its upload completes, whole).

The pattern: :func:`matching_files`, for file drops, survey exports and customer lists.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path

# A pattern's walk stops with an error past this many folders: a drop folder of daily subfolders holds a few
# thousand over years; `/**/*.csv` would walk the whole machine, past any night's deadline
MAX_WALK_DIRS = 20_000
_MAGIC = re.compile(r"[*?[]")


class PatternTooWide(ValueError):
    """A path pattern whose walk passes :data:`MAX_WALK_DIRS` folders."""


def matching_files(pattern: str | Path) -> list[Path]:
    """The files matching a glob ``pattern``, sorted: ``*``, ``?`` and ``[...]`` within one name, ``**`` any
    number of folders; names starting with a dot only where the pattern's part starts with one (as
    :func:`glob.glob`). Unlike :func:`glob.glob`, ``**`` does not walk into a symlinked folder (a link back up,
    such as ``latest -> .``, made it loop until the path was too long: minutes for two such links; a pattern
    without ``**`` follows links, its depth being fixed), and a walk past :data:`MAX_WALK_DIRS` folders raises
    :class:`PatternTooWide` instead of running for as long as the disk is big. A symlinked file matches like any
    file."""
    parts = Path(pattern).parts
    fixed = next((i for i, part in enumerate(parts) if _MAGIC.search(part)), len(parts))
    base = Path(*parts[:fixed]) if fixed else Path(".")
    wanted = parts[fixed:]
    if not wanted:
        return [base] if base.is_file() else []
    if not base.is_dir():
        return []
    deep = "**" in wanted
    dotted = any(part.startswith(".") for part in wanted)  # else hidden folders cannot match: not walked
    found: list[Path] = []
    walked = 0
    for folder, dirs, files in os.walk(base, followlinks=not deep):
        walked += 1
        if walked > MAX_WALK_DIRS:
            raise PatternTooWide(
                f"path {str(pattern)!r} walks more than {MAX_WALK_DIRS:,} folders under {base}; name a narrower "
                "folder before the first wildcard"
            )
        rel = Path(folder).relative_to(base).parts
        if not deep and len(rel) >= len(wanted) - 1:
            dirs.clear()  # no match lies deeper than the pattern has parts
        dirs[:] = [d for d in dirs if dotted or not d.startswith(".")]  # the walk's order: the result is sorted
        for name in files:
            if _matches((*rel, name), wanted):
                found.append(Path(folder, name))
    return sorted(p for p in found if p.is_file())


def _matches(names: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    """Whether path parts ``names`` match pattern parts ``wanted`` (``**``: zero or more parts). Each pair of
    positions is tried once: trying every split backtracked through every way the ``**`` parts could share the
    folders (a pattern of twelve ``**`` against a file twelve folders deep took 4 s, for each file of the walk)."""

    @cache
    def match(i: int, j: int) -> bool:
        if j == len(wanted):
            return i == len(names)
        if wanted[j] == "**":
            return match(i, j + 1) or (i < len(names) and not names[i].startswith(".") and match(i + 1, j))
        if i == len(names) or (names[i].startswith(".") and not wanted[j].startswith(".")):
            return False
        return fnmatchcase(names[i], wanted[j]) and match(i + 1, j + 1)

    return match(0, 0)


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
    # random too, and created exclusively: a process in another container (its own pids) sharing the folder can
    # have our pid, and two writers of one temporary file tore the target and failed the one renaming last
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fh = tmp.open("xb")
    except OSError as exc:  # a folder this user cannot write to, a read-only mount: named as the file meant
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    n = 0
    try:
        with fh:
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
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        # a write cut short (a full disk), or the rename (the target a folder, a sticky folder's file of another
        # user): named as the file meant, not the temporary one, which is gone
        if isinstance(exc, OSError) and exc.errno and exc.filename in (None, str(tmp)):
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    return n
