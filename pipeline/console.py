"""The ``brandpulse`` executable (``[project.scripts]`` in pyproject.toml): the command line of
:mod:`pipeline.cli`, with a short way in for ``brandpulse sql``.

Analysts type ``brandpulse sql "..."`` again and again, and the full command line costs more to start than a
small query costs to run: typer, the pydantic it coerces every parameter with, and rich add about 0.1 s
before the warehouse is opened. So a ``brandpulse sql`` call that the small parser below accepts exactly (a
query, ``--db``, ``--limit`` of at least 1) runs :func:`pipeline.warehouse.show_query` here, importing
DuckDB and nothing of the command line; the typer command runs the same function. Every other call, and any
``sql`` call this parser does not accept (``--help``, an unknown option, a bad ``--limit``), goes to the typer
app, which stays the one definition of the command line: its help, its defaults and its error messages.
``benchmarks/warehouse.py`` times the short way (``brandpulse sql "SELECT 1"``, a whole process).
"""

from __future__ import annotations

import argparse
import sys

from pipeline.warehouse import SQL_LIMIT, WarehouseError, db_path, show_query


class _NotPlain(Exception):
    """The call is not a plain ``brandpulse sql``: the typer app answers it."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print its own usage and exit; typer's is the one
        raise _NotPlain(message)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def plain_sql(argv: list[str]) -> argparse.Namespace | None:
    """The query, ``db`` and ``limit`` of a plain ``brandpulse sql`` call, or None for anything else."""
    if argv[:1] != ["sql"] or "-h" in argv or "--help" in argv:
        return None
    parser = _Parser(prog="brandpulse sql", add_help=False, allow_abbrev=False)
    parser.add_argument("query")
    parser.add_argument("--db")
    parser.add_argument("--limit", type=_positive, default=SQL_LIMIT)
    try:
        return parser.parse_args(argv[1:])
    except _NotPlain:
        return None


def main() -> None:
    args = plain_sql(sys.argv[1:])
    if args is None:
        from pipeline.cli import main as command_line  # typer, pydantic, rich: only for what needs them

        command_line()
        return
    try:
        show_query(db_path(args.db), args.query, args.limit)
    except WarehouseError as exc:
        print(f"brandpulse: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
