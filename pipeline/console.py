"""The ``brandpulse`` executable (``[project.scripts]`` in pyproject.toml): the command line of
:mod:`pipeline.cli`, with a short way in for ``brandpulse sql``.

Analysts type ``brandpulse sql "..."`` again and again, and the full command line costs more to start than a
small query costs to run: typer, the pydantic it coerces every parameter with, and rich add about 0.1 s
before the warehouse is opened. So a ``brandpulse sql`` call that the small parser below accepts exactly (a
query, ``--db``, ``--limit`` from 1 to 10,000, ``--timeout`` from 1 to 3,600) runs
:func:`pipeline.warehouse.show_query` here, importing DuckDB and nothing of the command line; the typer command
runs the same function. Every other call, and any ``sql`` call this parser does not accept (``--help``, an
unknown option, a bad ``--limit``), goes to the typer app, which stays the one definition of the command line:
its help, its defaults and its error messages.
``benchmarks/warehouse.py`` times the short way (``brandpulse sql "SELECT 1"``, a whole process).
"""

from __future__ import annotations

import argparse
import os
import sys

from pipeline.warehouse import (
    SQL_LIMIT,
    SQL_LIMIT_MAX,
    SQL_TIMEOUT,
    SQL_TIMEOUT_MAX,
    WarehouseError,
    db_path,
    is_query_word,
    show_query,
)

_OPTIONS = ("--db", "--limit", "--timeout")
_OPTION_VALUES = ("--db=", "--limit=", "--timeout=")


class _NotPlain(Exception):
    """The call is not a plain ``brandpulse sql``: the typer app answers it."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print its own usage and exit; typer's is the one
        raise _NotPlain(message)


def _limit(value: str) -> int:
    number = int(value)
    if not 1 <= number <= SQL_LIMIT_MAX:
        raise ValueError(value)
    return number


def _timeout(value: str) -> float:
    seconds = float(value)
    if not 1 <= seconds <= SQL_TIMEOUT_MAX:  # NaN too
        raise ValueError(value)
    return seconds


def plain_sql(argv: list[str]) -> argparse.Namespace | None:
    """The query, ``db``, ``limit`` and ``timeout`` of a plain ``brandpulse sql`` call, or None for anything else:
    any other word that starts with a dash (``--help``, ``--``, another option, a query or value that starts with
    one, which argparse and click read differently, but for a query that opens with an SQL comment:
    :func:`~pipeline.warehouse.is_query_word`), an empty ``--db``, a ``--limit`` or ``--timeout`` out of range."""
    if argv[:1] != ["sql"]:
        return None
    if any(
        a.startswith("-") and not is_query_word(a) and a not in _OPTIONS and not a.startswith(_OPTION_VALUES)
        for a in argv[1:]
    ):
        return None
    parser = _Parser(prog="brandpulse sql", add_help=False, allow_abbrev=False)
    parser.add_argument("query")
    parser.add_argument("--db")
    parser.add_argument("--limit", type=_limit, default=SQL_LIMIT)
    parser.add_argument("--timeout", type=_timeout, default=SQL_TIMEOUT)
    try:
        args = parser.parse_args(argv[1:])
    except _NotPlain:
        return None
    return None if args.db == "" else args


def main() -> None:
    args = plain_sql(sys.argv[1:])
    if args is None:
        from pipeline.cli import main as command_line  # typer, pydantic, rich: only for what needs them

        command_line()
        return
    try:
        show_query(db_path(args.db), args.query, args.limit, args.timeout)
    except WarehouseError as exc:
        print(f"brandpulse: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:  # Ctrl-C; SIGTERM keeps its default here: it ends a read-only query at once
        print("brandpulse: interrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:  # the reader went away (`| head`): nothing more to print, as the typer command
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        sys.exit(1)


if __name__ == "__main__":
    main()
