"""The DuckDB warehouse: where the file is, how to open it safely, and its schema migrations.

DuckDB lets one process at a time open a file for writing. Airflow runs tasks in parallel processes (the
LocalExecutor, Celery workers on one host), so every connection goes through :func:`connect`, which first
takes an exclusive file lock next to the database (``<db>.lock``) and waits for it, up to a timeout, instead
of failing on DuckDB's own lock. Hold connections briefly: do slow work (scoring) outside them. A run of quick
steps in one process can share one open database (:func:`held`: the in-process night does).

A connection is the warehouse file ATTACHed to one in-memory DuckDB instance that the process keeps, and
DETACHed when the connection ends: that frees the file, DuckDB's lock included, exactly as closing a database
did, but starting a DuckDB instance costs 13-20 ms even for ``:memory:`` (its catalog of built-in functions),
against about 4 ms to attach a file (``benchmarks/warehouse_open.py``), and a night opens the warehouse a
dozen times. A process that forks gets a fresh instance in the child.

SQL lives in the repository's ``warehouse/`` folder, installed as the package ``pipeline.sql``:
``migrations/NNNN_name.sql`` are applied once each, in order, and recorded in ``schema_version`` with a
checksum; ``views/*.sql`` are re-created after every migration, in file-name order (a view sorts after the
views it reads); ``queries/<domain>/*.sql`` are the statements that write (often several in one transaction)
and the reads that do more than look rows up, run with :func:`execute`. A lookup of one table or view is
written in the Python that uses it. Results are read by column name, with :func:`rows`, :func:`row` or
:func:`pipeline.frames.frame`, never by position.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
from filelock import FileLock, Timeout

from pipeline import interrupt
from pipeline.paths import DEFAULT_DB, REPO_ROOT

logger = logging.getLogger("brandpulse")
_LOCK_QUIET_S = 2.0  # a wait for the warehouse lock past this is logged: a night's step is behind it

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


@cache
def sql_dir() -> Traversable:
    """The SQL folder. In a checkout (``pipeline`` imported from the repository, installed editable or merely on
    ``sys.path``), the checkout's own ``warehouse/``; in an installed wheel, the package data of ``pipeline.sql``
    (the same files: pyproject.toml maps ``pipeline.sql`` onto ``warehouse/``). The checkout comes first so that
    a second checkout of the repository on ``sys.path`` never reads another checkout's installed SQL."""
    checkout = REPO_ROOT / "warehouse"
    if (checkout / "migrations").is_dir():
        return checkout
    from importlib import resources  # only an installed wheel needs it (~9 ms of `brandpulse sql`'s start-up)

    return resources.files("pipeline.sql")


_MIGRATION = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class WarehouseError(RuntimeError):
    pass


class QueryStopped(RuntimeError):
    """A query stopped by a signal handler's exception other than SIGTERM's and Ctrl-C's (those are
    :class:`~pipeline.interrupt.Interrupted`): Airflow's ``execution_timeout`` (SIGALRM). DuckDB swallows the
    handler's exception and raises ``RuntimeError('Query interrupted')`` in its place, so the task's retry policy
    saw no ``AirflowTaskTimeout`` and retried a task that had run out of time (:mod:`pipeline.retries`)."""


@contextmanager
def _signals_named() -> Iterator[None]:
    """DuckDB's ``RuntimeError('Query interrupted')`` (a signal handler raised while a query ran) as what stopped it:
    :class:`~pipeline.interrupt.Interrupted` after SIGTERM or Ctrl-C, else :class:`QueryStopped`."""
    try:
        yield
    except RuntimeError as exc:
        if type(exc) is not RuntimeError or str(exc) != "Query interrupted":  # DuckDB's words, not any mention of it
            raise
        stop = interrupt.requested()
        if stop:
            raise interrupt.Interrupted(f"stopped by {stop}") from exc
        raise QueryStopped(
            "a warehouse query was stopped by a signal (Airflow's execution_timeout, or another handler's)"
        ) from exc


def db_path(explicit: str | Path | None = None) -> Path:
    """``--db``, else ``BRANDPULSE_DB``, else ``./data/brandpulse.duckdb``."""
    return Path(explicit or os.environ.get("BRANDPULSE_DB") or DEFAULT_DB)


_INCLUDE = re.compile(r"^-- include: (\S+)[ \t]*$", re.MULTILINE)


@cache
def sql(name: str) -> str:
    """The text of ``warehouse/queries/<name>.sql`` (``name`` may hold a domain folder: ``runs/finish``), with
    each line ``-- include: <other name>`` replaced by that file's text: statements two queries share (the
    "scored" rule of the daily and hourly metrics) are written once."""
    text = (sql_dir() / "queries" / f"{name}.sql").read_text(encoding="utf-8")
    return _INCLUDE.sub(lambda m: sql(m.group(1)).rstrip() + "\n", text)


_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# A statement ends with ';' at the end of its line, or before a comment that ends the line ('...;  -- why')
_STATEMENT_END = re.compile(r";[ \t]*(?:--[^\n]*)?\n")


def rows(cursor: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every row of the last result, as dicts keyed by column name."""
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def row(cursor: duckdb.DuckDBPyConnection) -> dict | None:
    """The first row of the last result as a dict keyed by column name, or None."""
    names = [d[0] for d in cursor.description]
    first = cursor.fetchone()
    return None if first is None else dict(zip(names, first, strict=True))


def execute(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> duckdb.DuckDBPyConnection:
    """Run ``warehouse/queries/<name>.sql``, statement by statement (DuckDB binds parameters for one statement
    at a time), giving each statement the ``$named`` parameters it uses. Returns the connection of the last."""
    params = params or {}
    result = con
    for statement in (s.strip() for s in _STATEMENT_END.split(sql(name))):
        body = "\n".join(line for line in statement.splitlines() if not line.lstrip().startswith("--")).strip()
        if body:
            result = con.execute(body, {k: params[k] for k in dict.fromkeys(_PARAM.findall(body))})
    return result


def require_warehouse(path: str | Path) -> None:
    """:class:`WarehouseError` when no warehouse file is at ``path`` (a mistyped ``--db``, a first day before
    ``brandpulse init``): said before a connection would make an empty one there."""
    if not Path(path).exists():
        raise WarehouseError(f"{path}: no warehouse here yet (run `brandpulse init` or `make demo`)")


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of the session's database (``schema.table``): a warehouse holds ``main.schema_version``."""
    return [
        r["name"]
        for r in rows(
            con.execute(
                "SELECT schema_name || '.' || table_name AS name FROM duckdb_tables()"
                " WHERE database_name = current_database() ORDER BY name"
            )
        )
    ]


class NotMigrated(WarehouseError):
    """A DuckDB file that is no brandpulse warehouse (yet): it has no ``schema_version`` table."""


def _require_migrated(path: Path, tables: list[str]) -> None:
    """:class:`NotMigrated` when the session's DuckDB file, whose ``tables`` (:func:`_tables`) these are, is no
    brandpulse warehouse (no ``schema_version`` table: another DuckDB file given as ``--db``, one made but never
    migrated)."""
    if "main.schema_version" not in tables:
        raise NotMigrated(
            f"{path}: a DuckDB file, but no brandpulse warehouse (it has no schema_version table); give --db the "
            "warehouse's path, or run `brandpulse init` on a new file"
        )


@contextmanager
def connect(
    path: str | Path,
    *,
    timeout: float = 600,
    read_only: bool = False,
    sandboxed: bool = False,
    while_stopping: bool = False,
    current: bool = False,
    timeout_name: str = "lock_timeout_s",
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse under the cross-process lock. The connection is closed (and the lock freed) on exit.

    Once the process was asked to stop (SIGTERM, Ctrl-C: :mod:`pipeline.interrupt`), no new session starts
    (:class:`~pipeline.interrupt.Interrupted`), except ``while_stopping`` ones (recording that a run stopped).

    ``sandboxed`` (with ``read_only``, for queries people type): DuckDB's own settings refuse every file-system
    access (``COPY ... TO``, ``ATTACH``, ``EXPORT DATABASE``, reading files), loading or installing extensions,
    and changing those settings again; the read-only attachment refuses writes.

    ``current`` (with ``read_only``, for the commands that read the views, which do not migrate): the warehouse
    must be at this brandpulse's schema (:class:`NotCurrent`, saying to run ``brandpulse init``, where an upgrade
    not yet applied made their queries fail with a traceback).

    ``timeout_name``: the setting that gave ``timeout``, which the error after a wait for the lock says to raise
    (``brandpulse sql``'s is its ``--timeout``: it reads no config, so lock_timeout_s changes nothing for it).

    A query a signal handler stopped raises what stopped it (:func:`_signals_named`)."""
    with _signals_named():
        if not while_stopping:
            interrupt.check()
        path = Path(path)
        holder = None if sandboxed else _HELD.get(str(path.resolve()))
        if holder is not None and holder[0] == threading.get_ident():  # inside held(): a cursor on the open database
            cursor = _session(holder[1])
            try:
                yield cursor
            finally:
                cursor.close()
            return
        if path.is_dir():  # `--db ""` is the folder ".": its lock file was made beside it ("..lock") before DuckDB
            raise WarehouseError(f"{path}: a folder, not a warehouse file; give --db the file's path")  # refused it
        if read_only:  # said plainly, and no lock file left beside a warehouse that is not there
            require_warehouse(path)
        deadline = time.monotonic() + timeout  # one wait in all: for brandpulse's lock, then for DuckDB's own
        lock_file = Path(f"{path}.lock")
        try:  # a lock file that cannot be made is no lock another process holds: said at once, not after the wait
            path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644))
        except OSError as exc:
            if isinstance(exc, PermissionError) and lock_file.is_file():  # another user's (the night's), read-only here
                mode = lock_file.stat()
                raise WarehouseError(
                    f"{path}: cannot open the warehouse's lock file {lock_file} for writing ({exc.strerror}; owner uid "
                    f"{mode.st_uid}, mode {mode.st_mode & 0o777:o}), which taking the lock needs, to read too; make it "
                    "writable by every user who runs brandpulse on this warehouse (a group of theirs, `chmod g+w`)"
                ) from None
            raise WarehouseError(
                f"{path}: cannot create the warehouse's lock file {lock_file} ({exc.strerror}); "
                "give a warehouse in a folder this user can write to"
            ) from None
        lock = FileLock(lock_file, is_singleton=False)
        try:
            try:  # a timeout of 2 s or less is waited in one go: its warning would come after the wait, not before
                lock.acquire(timeout=_LOCK_QUIET_S if timeout > _LOCK_QUIET_S else timeout)
            except Timeout:  # a wait of minutes is said, not left silent
                if timeout <= _LOCK_QUIET_S:
                    raise
                logger.warning(
                    f"{path}: the warehouse is in use by another brandpulse process; waiting up to {timeout:.0f}s "
                    f"for its lock ({lock_file})"
                )
                lock.acquire(timeout=max(deadline - time.monotonic(), 0))
        except Timeout:
            raise WarehouseError(
                f"{path}: another brandpulse process has held the warehouse lock for over {timeout:.0f}s "
                f"(lock file {lock_file}); raise {timeout_name} or wait for it"
            ) from None
        try:
            if sandboxed:  # an instance of its own: its settings refuse file access, ATTACH included
                con = _retry_lock(path, deadline, lambda: _open_sandboxed(path))
                try:
                    con.execute("SET TimeZone = 'UTC'")
                    # DuckDB's progress bar (a query past 2 s) writes to stdout: a terminal's, never a pipe or a file
                    con.execute(f"SET enable_progress_bar = {sys.stdout.isatty()}")
                    con.execute("SET lock_configuration = true")  # and no statement may change the settings back
                    yield con
                finally:
                    con.close()
                return
            alias = _attach(path, read_only, deadline)
            try:
                con = _session(alias)
                try:
                    if read_only:  # a reader's query would fail with DuckDB's "Table ... does not exist!"
                        tables = _tables(con)
                        _require_migrated(path, tables)
                        if current:
                            _require_current(con, path, tables)
                    yield con
                finally:
                    con.close()  # rolls back a transaction left open
            finally:
                _detach(alias)
        finally:
            lock.release()


_SANDBOX = {"enable_external_access": False}


def _open_sandboxed(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only, sandboxed instance of its own on ``path``. DuckDB opens a CSV or Parquet file given as a
    database as an in-memory database over that file, which read-only it refuses with a CatalogException (a
    traceback): said here as the file that is not a warehouse."""
    try:
        return duckdb.connect(str(path), read_only=True, config=_SANDBOX)
    except duckdb.CatalogException as exc:
        raise WarehouseError(f"{path}: cannot open the warehouse: not a DuckDB database file ({exc})") from None


SQL_LIMIT = 50  # rows `brandpulse sql` prints unless --limit says otherwise
SQL_LIMIT_MAX = 10_000  # the most DuckDB's table shows (for more, open the file with DuckDB itself)
# Seconds a `brandpulse sql` query may hold the warehouse's lock: half of lock_timeout_s's default (600), so a
# night's step waiting behind it still gets the lock; the query guide's queries take under 3 s at 10M mentions
SQL_TIMEOUT = 300
SQL_TIMEOUT_MAX = 3_600


def is_query_word(word: str) -> bool:
    """A ``brandpulse sql`` word that starts with a dash and is the query, not an option: a query that opens with
    an SQL comment (``-- 1. Which subreddit ...`` and a line break, as the README's query guide and the summary's
    queries are written), which both command-line parsers took for an unknown option. No option name holds
    whitespace, so a dash word with some before its first ``=`` is the query."""
    return word.startswith("-") and any(c.isspace() for c in word.split("=", 1)[0])


def _without_trailing_comment(statement: str) -> str:
    """A statement of :meth:`extract_statements` without the comment after its semicolon (``SELECT 1; -- note``
    keeps it): a relation's ``limit`` wraps the text in a subquery, where ``; -- note`` is a syntax error."""
    tokens = duckdb.tokenize(statement)
    while tokens and tokens[-1][1] == duckdb.token_type.comment:
        statement = statement[: tokens.pop()[0]]
    return statement


def show_query(path: str | Path, query: str, limit: int = SQL_LIMIT, timeout: float = SQL_TIMEOUT) -> None:
    """Run a query a person typed (``brandpulse sql``) read-only and sandboxed (:func:`connect`), and print its
    first ``limit`` rows as DuckDB's own table: column names and types, as the ``duckdb`` shell shows them, one
    table after another for several statements; on a terminal, long values and columns beyond its width are cut,
    into a pipe or a file every column is printed whole. When the query has more rows, a last line says so. A
    statement without rows (``SET``) prints nothing.
    The table is drawn under the warehouse's lock and printed after it is released: a reader of the pipe that
    takes its time (``| less``) holds no night up, and a query still running after ``timeout`` seconds is stopped
    (:class:`WarehouseError`): it would hold a night's steps past their ``lock_timeout_s``. A query DuckDB
    rejects raises :class:`WarehouseError` with DuckDB's first line (and which statement, of several, after the
    tables of those before it), said to be refused if the sandbox or the read-only attachment refused it.
    Ctrl-C while it runs raises KeyboardInterrupt."""
    path = Path(path)
    if not query.strip():  # it printed nothing and exited 0
        raise WarehouseError('the query is empty; e.g. brandpulse sql "SELECT * FROM v_brand_daily LIMIT 5"')
    if path.is_dir():
        raise WarehouseError(f"{path}: a folder, not a warehouse file")
    whole = {} if sys.stdout.isatty() else {"max_width": 10**6, "max_col_width": 10**6}
    tables: list[tuple[str, bool]] = []  # per statement with rows: its drawn table, and whether it has more rows
    error: WarehouseError | None = None  # raised after the tables of the statements before it are printed
    # --timeout bounds the wait too, and is what a wait that ran out says to raise
    with connect(path, read_only=True, sandboxed=True, timeout=timeout, timeout_name="--timeout") as con:
        fired, done = threading.Event(), threading.Event()

        def stop() -> None:  # interrupts until the statements end: DuckDB drops one that falls between two of them
            fired.set()
            while not done.is_set():
                con.interrupt()
                done.wait(0.05)

        timer = threading.Timer(timeout, stop)
        timer.daemon = True
        timer.start()
        statements, at = [], 0
        try:
            statements = con.extract_statements(query)  # "SELECT 1; SELECT 2" showed only the last result
            if not statements:  # only semicolons or comments
                raise WarehouseError(f"no statement in the query {query.strip()[:80]!r}")
            for statement in statements:
                at += 1  # the statement a DuckDB error is about
                result = con.sql(_without_trailing_comment(statement.query))
                # DuckDB 2 gives a relation for every statement: SET VARIABLE's, BEGIN's is a table of no rows
                if result is None or duckdb.ExpectedResultType.QUERY_RESULT not in statement.expected_result_type:
                    continue
                shown = result.limit(limit + 1).materialize()  # run once; one row more says whether there are more
                drawn = io.StringIO()
                with redirect_stdout(drawn):
                    shown.limit(limit).show(max_rows=limit, **whole)
                tables.append((drawn.getvalue(), len(shown) > limit))  # counted in DuckDB, not fetched into Python
        except duckdb.Error as exc:
            message = str(exc).splitlines()[0]
            if len(statements) > 1:  # the tables of the statements before it are printed first
                message = f"statement {at} of {len(statements)}: {message}"
            if isinstance(exc, duckdb.InterruptException) and fired.is_set():
                error = WarehouseError(
                    f"the query ran past {timeout:g} s and was stopped: it holds the warehouse's lock while it "
                    "runs, and a night's steps wait for it (--timeout allows more, up to "
                    f"{SQL_TIMEOUT_MAX:,} s; or copy the file and query the copy with DuckDB itself)"
                )
            else:
                refused = isinstance(exc, duckdb.PermissionException) or any(
                    word in message for word in ("read-only", "configuration")
                )
                error = WarehouseError(f"brandpulse sql is read-only: {message}" if refused else message)
        except RuntimeError as exc:  # DuckDB's answer to Ctrl-C: a bare RuntimeError
            if "interrupted" in str(exc).lower():
                raise KeyboardInterrupt from None
            raise
        finally:
            done.set()
            timer.cancel()
            timer.join()  # its thread holds the connection (con.interrupt): alive at exit, nanobind printed leaks
    for table, more in tables:  # each ends in a blank line, as DuckDB draws it
        sys.stdout.writelines(table.splitlines(keepends=True))  # line by line, as DuckDB prints it
        if more:
            sys.stdout.write(f"(the first {limit} rows; the query has more: --limit N shows up to {SQL_LIMIT_MAX:,})\n")
    sys.stdout.flush()  # a reader gone (`| head`) raises BrokenPipeError here, which the command line answers
    if error is not None:
        raise error


# The warehouses this process holds open (held()), by resolved path: (the holding thread, the attached alias).
_HELD: dict[str, tuple[int, str]] = {}


@contextmanager
def held(path: str | Path, *, timeout: float = 600) -> Iterator[None]:
    """Keep the warehouse open, under the lock, for a run of quick steps in this thread: every :func:`connect` to
    the same file inside the block (``sandboxed`` ones aside) is a cursor on the one open database, not an open
    of its own. Each open attaches the file (reading its catalog) and detaches it (writing its changes back),
    and an in-process night opens the warehouse a dozen times. Other processes wait for the whole block, so hold
    it only around steps that wait on neither the network nor the model. Re-entrant."""
    key = str(Path(path).resolve())
    if key in _HELD:
        yield
        return
    with connect(path, timeout=timeout) as con:
        _HELD[key] = (threading.get_ident(), row(con.execute("SELECT current_database() AS db"))["db"])
        try:
            yield
        finally:
            del _HELD[key]


# The process's DuckDB instance that connect() attaches warehouse files to: (the pid that started it, it).
_INSTANCE: tuple[int, duckdb.DuckDBPyConnection] | None = None
_INHERITED: list[duckdb.DuckDBPyConnection] = []  # a parent's instance, after a fork: never used, never destroyed
_INSTANCE_LOCK = threading.Lock()
_ALIASES = itertools.count()


def _instance() -> duckdb.DuckDBPyConnection:
    global _INSTANCE
    with _INSTANCE_LOCK:
        if _INSTANCE is None or _INSTANCE[0] != os.getpid():
            if _INSTANCE is not None:  # its worker threads did not survive the fork; destroying it would wait on them
                _INHERITED.append(_INSTANCE[1])
            _INSTANCE = (os.getpid(), duckdb.connect(":memory:"))
        return _INSTANCE[1]


def _session(alias: str) -> duckdb.DuckDBPyConnection:
    """A new connection to the process's instance whose default database is the attached warehouse ``alias``."""
    con = _instance().cursor()
    con.execute(f"USE {alias}")
    con.execute("SET TimeZone = 'UTC'")
    return con


def _retry_lock(path: Path, deadline: float, open_it):
    """``open_it()``, waiting while a process outside brandpulse (an analyst's notebook) holds DuckDB's own lock;
    the wait is said once, naming the holder as DuckDB does (the night's log was silent for lock_timeout_s)."""
    said = False
    while True:
        try:
            return open_it()
        except duckdb.IOException as exc:  # DuckDB's words for another process's lock, not "lock" anywhere (a path)
            if "could not set lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise WarehouseError(f"{path}: cannot open the warehouse: {exc}") from None
            if not said and deadline - time.monotonic() > _LOCK_QUIET_S:  # as a wait for brandpulse's own lock
                holder = _LOCK_HOLDER.search(str(exc))
                logger.warning(
                    f"{path}: the warehouse file is open in a process outside brandpulse"
                    + (f" ({holder['program']}, PID {holder['pid']})" if holder else "")
                    + f"; waiting up to {max(deadline - time.monotonic(), 0):.0f}s for it to close the file"
                )
                said = True
            time.sleep(1)


# DuckDB's words for the holder of its lock: "Conflicting lock is held in /usr/bin/python3.11 (PID 4242)"
_LOCK_HOLDER = re.compile(r"lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


def _on_instance(statement: str) -> None:
    """Run one statement on a short-lived connection to the process's instance (ATTACH, DETACH)."""
    con = _instance().cursor()
    try:
        con.execute(statement)
    finally:
        con.close()


def literal(text: str) -> str:
    """``text`` as an SQL string literal, for the statements that take no parameter where it goes (a path in
    ``ATTACH`` or ``COPY ... TO``): quoted, its quotes doubled."""
    return "'" + str(text).replace("'", "''") + "'"


def _attach(path: Path, read_only: bool, deadline: float) -> str:
    """Attach the file to the process's instance under a new alias (returned)."""
    alias = f"warehouse_{next(_ALIASES)}"
    # TYPE duckdb: a CSV or Parquet file is otherwise attached as an in-memory database over it, where
    # migrations and a night's writes are lost without a word (and a read-only attach fails with a traceback)
    statement = f"ATTACH {literal(path)} AS {alias} (TYPE duckdb" + (", READ_ONLY)" if read_only else ")")
    _retry_lock(path, deadline, lambda: _on_instance(statement))
    return alias


def _detach(alias: str) -> None:
    """Detach a warehouse (writing its changes into the file, as closing it did) and free the file."""
    _on_instance(f"DETACH {alias}")


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT, or ROLLBACK on any exception."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _sql_files(folder: str) -> list[Traversable]:
    """The ``*.sql`` files of one SQL folder, by name."""
    return sorted((f for f in (sql_dir() / folder).iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)


def migrations() -> list[tuple[int, str, Traversable]]:
    found = []
    for f in _sql_files("migrations"):
        m = _MIGRATION.match(f.name)
        if not m:
            raise WarehouseError(f"{f}: migration files are named NNNN_name.sql")
        found.append((int(m.group(1)), m.group(2), f))
    return found


def _newer(version: int, latest: int) -> str:
    return (
        f"the warehouse is at schema version {version}, newer than this brandpulse knows ({latest}): "
        "a newer brandpulse migrated it; run that version (or a copy of the warehouse from before it)"
    )


class NotCurrent(WarehouseError):
    """A warehouse whose schema is not this brandpulse's: an upgrade's migrations or views not applied yet (no night
    or ``brandpulse init`` since), or a newer brandpulse's."""


def _require_current(con: duckdb.DuckDBPyConnection, path: Path, tables: list[str]) -> None:
    """:class:`NotCurrent` unless the session's warehouse has every migration of this brandpulse and none newer,
    and its views are these files' (a reader's queries fail on an older warehouse with DuckDB's "Table ... does
    not exist!" or "Referenced column ... not found", a traceback)."""
    version, latest = schema_version(con), migrations()[-1][0]
    if version > latest:
        raise NotCurrent(f"{path}: {_newer(version, latest)}")
    stored = None
    if "main.schema_views" in tables:
        stored = row(con.execute("SELECT max(checksum) AS checksum FROM schema_views"))["checksum"]
    if version < latest or stored != _views()[1]:
        raise NotCurrent(
            f"{path}: the warehouse is at schema version {version}"
            + ("" if version < latest else " with another brandpulse version's views")
            + f", and this brandpulse reads version {latest}: it was upgraded and has not migrated the warehouse "
            "yet; run `brandpulse init` (or the next night) to migrate it, then read it again"
        )


def _refuse_foreign(con: duckdb.DuckDBPyConnection) -> None:
    """:class:`WarehouseError` when the session's database has tables but no ``schema_version``, or a
    ``schema_version`` of another shape than brandpulse's (another application's migration table of that common
    name: reading its ``checksum`` failed with DuckDB's Binder Error, a traceback): no warehouse."""
    tables = _tables(con)
    ours = "main.schema_version" in tables
    if ours:
        columns = con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database()"
            " AND schema_name = 'main' AND table_name = 'schema_version'"
        ).fetchall()
        ours = {"version", "name", "checksum"} <= {c for (c,) in columns}
    if tables and not ours:
        where = row(con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()"))
        raise WarehouseError(
            f"{(where or {}).get('path') or 'the database'}: a DuckDB file of another application (it holds "
            f"{', '.join(tables[:3])}{', ...' if len(tables) > 3 else ''}, and no brandpulse schema); give brandpulse "
            "a file of its own"
        )


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply pending migrations, each in its own transaction, then re-create the views. Returns what was applied.

    A database without ``schema_version`` that holds tables is another application's (a DuckDB file given as
    ``--db`` by mistake): refused, where brandpulse's 45 tables were added to it without a word."""
    _refuse_foreign(con)
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, checksum VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
    )
    done = {r["version"]: r["checksum"] for r in rows(con.execute("SELECT version, checksum FROM schema_version"))}
    known = migrations()
    if max(done, default=0) > known[-1][0]:  # its tables and rules are ones this code does not know: never written
        raise WarehouseError(_newer(max(done), known[-1][0]))
    applied = []
    for version, name, path in known:
        text = path.read_text(encoding="utf-8")
        checksum = hashlib.sha256(text.encode()).hexdigest()
        if version in done:
            if done[version] != checksum:
                raise WarehouseError(
                    f"{path}: migration {version:04d} was changed after it was applied to this warehouse; "
                    "add a new migration instead of editing an applied one"
                )
            continue
        try:
            with transaction(con):
                con.execute(text)
                con.execute(
                    "INSERT INTO schema_version (version, name, checksum) VALUES (?, ?, ?)", [version, name, checksum]
                )
        except duckdb.Error as exc:  # said with the migration that failed, not a traceback from `brandpulse init`
            if isinstance(exc, duckdb.InterruptException):
                raise
            raise WarehouseError(
                f"{path}: migration {version:04d} failed and was rolled back, nothing of it applied (the warehouse "
                f"stays at schema version {max([*done, *applied], default=0)}): {str(exc).splitlines()[0]}"
            ) from exc
        applied.append(version)
    _create_views(con, force=bool(applied))
    return applied


_VIEW_NAME = re.compile(r"CREATE OR REPLACE VIEW (\w+)", re.IGNORECASE)


def _views() -> tuple[list[str], str]:
    """The texts of ``warehouse/views``, in order, and their checksum (what ``schema_views`` keeps)."""
    texts = [view.read_text(encoding="utf-8") for view in _sql_files("views")]
    return texts, hashlib.sha256("\n".join(texts).encode()).hexdigest()


def _create_views(con: duckdb.DuckDBPyConnection, force: bool = False) -> None:
    """(Re-)create the views of ``warehouse/views``, unless every one of them exists as these files define it
    (their checksum, kept in ``schema_views``) and no migration was just applied (``force``): every night
    migrates, and re-creating unchanged views each time is wasted work. A view these files created before and
    no longer define (renamed or retired by an upgrade) is dropped first, so it cannot be queried stale: the names
    created are kept in ``schema_view_names`` (a table of its own: an older brandpulse, rolled back to, still
    writes ``schema_views`` as it did), and only a view of such a name is dropped, compared without regard to
    case as DuckDB compares names; an analyst's own views and a table now of that name are left alone."""
    texts, checksum = _views()
    names = sorted({name for text in texts for name in _VIEW_NAME.findall(text)})
    con.execute("CREATE TABLE IF NOT EXISTS schema_views (checksum VARCHAR NOT NULL)")
    con.execute("CREATE TABLE IF NOT EXISTS schema_view_names (name VARCHAR NOT NULL)")
    stored = row(con.execute("SELECT max(checksum) AS checksum FROM schema_views"))["checksum"]
    views = "FROM duckdb_views() WHERE NOT internal AND database_name = current_database() AND schema_name = 'main'"
    present = row(con.execute(f"SELECT count(*) AS n {views} AND view_name IN (SELECT unnest(?))", [names]))["n"]
    if not force and stored == checksum and present == len(names):
        return
    with transaction(con):
        gone = rows(
            con.execute(
                f"SELECT view_name {views} AND lower(view_name) IN (SELECT lower(name) FROM schema_view_names)"
                " AND lower(view_name) NOT IN (SELECT lower(unnest(?)))",
                [names],
            )
        )
        for view in gone:
            con.execute(f"DROP VIEW {literal_name(view['view_name'])}")
        for text in texts:
            con.execute(text)
        con.execute("DELETE FROM schema_views")
        con.execute("INSERT INTO schema_views (checksum) VALUES (?)", [checksum])
        con.execute("DELETE FROM schema_view_names")
        con.execute("INSERT INTO schema_view_names SELECT unnest(?)", [names])


def literal_name(name: str) -> str:
    """``name`` as a quoted SQL identifier (its double quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    return row(con.execute("SELECT coalesce(max(version), 0) AS version FROM schema_version"))["version"]
