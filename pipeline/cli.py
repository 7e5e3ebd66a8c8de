"""The ``brandpulse`` command line. Every nightly step is reachable here as well as from the Airflow DAG."""

from __future__ import annotations

import io
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from pipeline import interrupt
from pipeline.files import PatternTooWide, matching_files, write_atomic
from pipeline.paths import REPO_ROOT
from pipeline.warehouse import (
    SQL_LIMIT,
    SQL_LIMIT_MAX,
    SQL_TIMEOUT,
    SQL_TIMEOUT_MAX,
    WarehouseError,
    connect,
    db_path,
    is_query_word,
    migrate,
    require_warehouse,
    schema_version,
    show_query,
)

DEFAULT_MODEL_DIR = REPO_ROOT / "models" / "brandpulse-sentiment"

app = typer.Typer(
    name="brandpulse",
    help="Nightly social-media sentiment monitoring for brand and CX teams.\n\n"
    "Config: --config, else $BRANDPULSE_CONFIG, else ./brandpulse.yaml. "
    "Warehouse: --db, else $BRANDPULSE_DB, else ./data/brandpulse.duckdb.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# the defaults said in each command's help too (as the app's help says them): `brandpulse rescore --help` named none
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="brandpulse.yaml to use (default: $BRANDPULSE_CONFIG, else ./brandpulse.yaml)",
        show_default=False,
    ),
]
DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="DuckDB warehouse file (default: $BRANDPULSE_DB, else ./data/brandpulse.duckdb)",
        show_default=False,
    ),
]
DayOpt = Annotated[str, typer.Option("--date", "-d", help="the UTC day to process, YYYY-MM-DD")]
RunIdOpt = Annotated[
    str, typer.Option(help="the run to record the step under: the id given to `brandpulse prepare` (or the DAG's run)")
]


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"brandpulse: {message}", err=True)
    raise typer.Exit(code)


def _require_warehouse(db) -> None:
    """Stop, saying so, where no warehouse is (:func:`pipeline.warehouse.require_warehouse`)."""
    try:
        require_warehouse(db_path(db))
    except WarehouseError as exc:
        _fail(str(exc))


@contextmanager
def _stopped_says(what: str | Callable[[], str]) -> Iterator[None]:
    """SIGTERM or Ctrl-C in the block as one line, ``stopped by SIGTERM: <what>`` (what became of the work; a
    callable says it as of the stop), and the signal's exit status (130 or 143), not a traceback."""
    try:
        yield
    except KeyboardInterrupt as exc:
        _fail(f"{str(exc) or 'stopped'}: {what() if callable(what) else what}", code=interrupt.exit_code())


# The days a command takes: wide enough for any backfill, and far from the calendar's ends, where a night's window
# (the day before, the day after, 90 days of history) runs out of dates (OverflowError, a traceback)
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2199, 12, 31)
MAX_NIGHTS = 366  # the longest `run --date D --to D2` range without --long-range


def _within(day: date, value: str, option: str) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        _fail(f"{option}: {value} is outside the days brandpulse takes ({FIRST_DAY} to {LAST_DAY})")


def _day(value: str, option: str = "--date") -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        _fail(f"{option}: {value!r} is not a date in YYYY-MM-DD form")
    _within(day, value, option)
    return day


def _file_to_write(path: Path | None, option: str) -> None:
    """Refuse a file option that cannot be written (a folder, a folder that is not there) before the work it ends."""
    if path is not None and (path.is_dir() or not path.parent.is_dir()):
        _fail(f"{option}: {path}: " + ("a folder; give a file name" if path.is_dir() else "its folder does not exist"))


def _config(path: Path | None):
    from pipeline.config import ConfigError, load_config  # pydantic: not for `brandpulse sql` and --help

    try:
        return load_config(path)
    except ConfigError as exc:
        _fail(str(exc))


@app.command()
def init(config: ConfigOpt = None, db: DbOpt = None) -> None:
    """Create the warehouse (or bring it to the latest schema) and show its version.

    Needs no config file; one given (--config, $BRANDPULSE_CONFIG) or present (./brandpulse.yaml) is validated
    and its lock_timeout_s used."""
    from pipeline.config import Config, config_path

    if config or os.environ.get("BRANDPULSE_CONFIG") or config_path().exists():
        timeout = _config(config).lock_timeout_s
    else:
        timeout = Config.model_fields["lock_timeout_s"].default
    path = db_path(db)
    with connect(path, timeout=timeout) as con:
        applied = migrate(con)
        version = schema_version(con)
    typer.echo(
        f"warehouse {path}: schema version {version}" + (f" (applied {applied})" if applied else " (up to date)")
    )


@app.command("check-config")
def check_config(config: ConfigOpt = None) -> None:
    """Validate brandpulse.yaml and list what it monitors; name the environment variables it reads that are not
    set here, the file drops whose path matches no file and a model folder without a model (notes, not errors:
    the machine that checks may not be the one that runs the night)."""
    from pipeline.config import ConfigError, env_references, env_shown, env_value
    from pipeline.storage import check_store

    cfg = _config(config)
    try:
        check_store(cfg)  # an error of the config wherever it runs (the night's prepare refuses it the same way)
    except ConfigError as exc:
        _fail(str(exc))
    typer.echo(f"{cfg.source_file}: OK")
    for b in cfg.brands:
        sources = ", ".join(f"{s.name} ({s.type})" for s in b.sources)
        typer.echo(
            f"  {b.name} [{b.key}]: {sources}" + (f"; competitors {', '.join(b.competitors)}" if b.competitors else "")
        )
    for c in cfg.alerts:
        typer.echo(f"  alert channel {c.name} ({c.type})")
    for field, name in env_references(cfg):
        if env_value(name) is None:  # blank is unset to the night too (a secret file of a newline)
            typer.echo(
                f"  note: {env_shown(name)} ({field}) is not set in this environment; set it where the night runs"
            )
    # what the night reads from disk, looked for here (notes too: the night's machine may have what this one lacks)
    if not (cfg.model_dir / "config.json").exists():
        typer.echo(f"  note: scoring.model_dir: no model at {cfg.model_dir} here; the score step needs one")
    for b in cfg.brands:
        for s in b.sources:
            if s.type == "file_drop":
                try:
                    found = matching_files(cfg.resolve(s.path))
                except PatternTooWide as exc:  # an error of the config, as the night would say it
                    _fail(f"{cfg.source_file}: {b.key} {s.name}: path: {exc}")
                except OSError as exc:  # a folder this user may not enter, a name too long: the night's may differ
                    why = exc.strerror or exc
                    typer.echo(f"  note: {b.key} {s.name}: cannot look for {cfg.resolve(s.path)} here ({why})")
                    continue
                if not found:
                    typer.echo(f"  note: {b.key} {s.name}: no file matches {cfg.resolve(s.path)} here (yet)")


@app.command("author-key")
def author_key(
    adopt: Annotated[
        bool,
        typer.Option(
            "--adopt", help="record the key in the environment as the warehouse's author key, on purpose (a rotation)"
        ),
    ] = False,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Say whether the author key in the environment is the one the warehouse was built with, or adopt it.

    Author names and customer ids are stored only as keyed hashes, made with the key in the variable that
    pseudonymisation.key_env names (BRANDPULSE_AUTHOR_KEY by default). The warehouse keeps the key's fingerprint,
    never the key. Every run that hashes (the nightly and watch DAGs, run, watch, prepare, extract, import-surveys,
    import-customers) stops before writing anything when the key in the environment is another: a typo, a worker
    without the current secret, a new environment pointed at this warehouse.

    Without --adopt: prints what the warehouse records and whether the key in the environment is that key; exit
    status 1 when it is another or is not set.

    --adopt: the key in the environment becomes the warehouse's (a rotation). Hashes made with the old key match
    none made with the new one: an author has another hash in the mentions loaded from then on, and survey answers
    link to customers again once their exports and the customer lists are imported again (the next night does).
    Nothing can re-hash what is stored: names and ids are not kept. To go back, set the old key and adopt it again.
    """
    from pipeline import authorkey
    from pipeline.records import Pseudonymiser, key_env

    cfg = _config(config)
    path, env = db_path(db), key_env(cfg)
    if not path.exists():
        _fail(f"{path}: no warehouse here yet; the first run with {env} set records its key")
    if adopt:
        with connect(path, timeout=cfg.lock_timeout_s) as con:
            migrate(con)
            before, key = authorkey.adopt(cfg, con)
    else:  # a question: read only (no migration applied; it waits for a running night's lock as any read does)
        with connect(path, timeout=cfg.lock_timeout_s, read_only=True) as con:
            before = key = authorkey.recorded(con)
    if key is None:
        typer.echo(f"warehouse {path}: no author key recorded yet; the next run with {env} set records its key")
        if Pseudonymiser.if_set(cfg) is None:
            _fail(f"{env} is not set: a run would stop where it first hashes a name", code=1)
        return
    typer.echo(
        f"warehouse {path}: author key no. {key['key_no']}, recorded {key['recorded_at']:%Y-%m-%d %H:%M} UTC from "
        f"{key['key_env']} by {key['recorded_by']}"
    )
    if adopt and before is None:
        typer.echo(f"adopted: the key in {env} is the warehouse's first")
    elif adopt and before is not key:
        typer.echo(
            f"adopted: the key in {env} replaces key no. {before['key_no']}; author and customer hashes made from now "
            "on match none made with it (the next night imports the survey exports and customer lists again, hashed "
            "with this key)"
        )
    elif adopt:
        typer.echo(f"the key in {env} is the warehouse's already: nothing adopted")
    else:
        pseudonymise = Pseudonymiser.if_set(cfg)
        if pseudonymise is None:
            _fail(f"{env} is not set: a run would stop where it first hashes a name", code=1)
        if not authorkey.matches(pseudonymise, key):
            _fail(
                f"{env} holds another key: a run would stop before writing. Set {env} to the warehouse's key, or "
                "adopt this one with `brandpulse author-key --adopt` (see --help)",
                code=1,
            )
        typer.echo(f"the key in {env} is the warehouse's")


@app.command()
def run(
    day: DayOpt,
    to: Annotated[
        str | None, typer.Option("--to", help="last day of a range (inclusive), YYYY-MM-DD, for in-process backfills")
    ] = None,
    no_report: Annotated[
        bool,
        typer.Option("--no-report", help="draw no report (a backfill before the scheduled nights take over)"),
    ] = False,
    long_range: Annotated[
        bool,
        typer.Option("--long-range", help=f"run a range of more than {MAX_NIGHTS} nights (a year)"),
    ] = False,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Run the whole night in-process (every step of the nightly DAG) for one day or a range of days.

    A range reads the survey exports on its first night and draws the report for its last night only (none with
    --no-report: the next scheduled night draws it).

    Exit status 0 when every night succeeded, 1 when one was partial (a source failed or is missing) or failed,
    2 for an error said in one line (an option, the config, the warehouse, the author key), 130 or 143 when
    stopped (Ctrl-C, SIGTERM). A range stopped in a later night than its first names the night to carry it on from.

    Example: brandpulse run --date 2026-10-01 --to 2026-10-07 --no-report"""
    from datetime import UTC, datetime

    from pipeline.night import run_days

    cfg = _config(config)
    first = _day(day)
    last = _day(to, "--to") if to is not None else first
    if last < first:
        _fail("--to is before --date")
    today = datetime.now(UTC).date()  # a mistyped year ran a night for every day up to it (63,000 to 2199)
    if to is not None and last > today:
        _fail(f"--to: {to} is after today ({today}, UTC): a range runs only nights of days that have begun")
    nights = (last - first).days + 1  # a mistyped --date year (2006 for 2026) ran some 7,300 nights, unsaid
    if nights > MAX_NIGHTS and not long_range:
        _fail(
            f"--date: {day} to {last} is {nights:,} nights, more than a year ({MAX_NIGHTS}): check the year, or "
            "add --long-range to run them all"
        )
    not_ok, running = [], [first]

    def show(summary: dict) -> None:
        typer.echo(json.dumps(summary))
        if summary["status"] != "success":
            not_ok.append(f"{summary['day']} ({summary['status']})")
        running[0] = date.fromisoformat(str(summary["day"])) + timedelta(days=1)

    def ran() -> str:
        said = f"the nights from {first} to {running[0] - timedelta(days=1)} ran"
        return said + (f" ({', '.join(not_ok)} did not succeed: see run_steps)" if not_ok else "")

    def stopped() -> str:  # a stopped backfill is carried on from the night it stopped in, not run again whole
        whole = "is marked interrupted and every step it finished is committed whole"
        if running[0] == first:
            return f"the night in progress {whole}; run the same command again to complete it"
        if running[0] > last:  # the stop came after the last night ended: no night is left to carry on from
            return f"{ran()}; no night was left to run"
        return f"the night of {running[0]} {whole}; {ran()}; run the same command with --date {running[0]} to carry on"

    with _stopped_says(stopped):
        try:
            run_days(cfg, db_path(db), first, last, scorer=_scorer(cfg), on_night=show, draw_report=not no_report)
        except Exception:
            # an error that ends the range (a config error met mid-night, a lock timeout, a bug), said by main()
            # after this line: the night to carry on from said too, as a stop says it (a re-run ran the range whole)
            if first < running[0] <= last:
                typer.echo(
                    f"brandpulse: the night of {running[0]} stopped on the error below; {ran()}; run the same command "
                    f"with --date {running[0]} to carry on once it is mended",
                    err=True,
                )
            raise
    if not_ok:
        _fail(f"not every night succeeded: {', '.join(not_ok)}; see run_steps", code=1)


def _moment(value: str, option: str):
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        _fail(f"{option}: {value!r} is not a time in YYYY-MM-DDTHH:MM form (UTC)")
    _within(moment.date(), value, option)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@app.command()
def watch(
    at: Annotated[str | None, typer.Option("--at", help="end of the interval to watch, YYYY-MM-DDTHH:MM (UTC)")] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="first interval end of a replay, YYYY-MM-DDTHH:MM (UTC)")
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to", help="last interval end of a replay (inclusive; a run ends there where --from's hours do not)"
        ),
    ] = None,
    long_range: Annotated[
        bool,
        typer.Option("--long-range", help=f"replay more than {MAX_NIGHTS} days (a year) of intervals"),
    ] = False,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """One hourly watch run (what the brandpulse_watch DAG does) for the interval ending at --at, or one run per
    interval from --from to --to. Prints one line per run; needs watch.enabled in the config.

    Exit status 1 when a run was partial or failed (a skipped run is neither).

    Example: brandpulse watch --from 2026-10-13T01:00 --to 2026-10-14T00:00"""
    from datetime import UTC, datetime

    from pipeline.watch import replay_ends, replay_runs, run_watches

    cfg = _config(config)
    if at is not None and (start is not None or to is not None):
        _fail("give --at, or --from and --to, not both")
    if at is not None:
        first = last = _moment(at, "--at")
    elif start is not None and to is not None:
        first, last = _moment(start, "--from"), _moment(to, "--to")
        if last < first:
            _fail("--to is before --from")
    else:
        _fail("give --at, or --from and --to")
    # a mistyped year ran (and read the sources for) a run per hour up to it; an --at to come read an interval
    # not over yet, and its source's cursor then stood past what it had read
    now = datetime.now(UTC)
    if last > now:
        option, given = ("--at", at) if at is not None else ("--to", to)
        _fail(f"{option}: {given} is after now ({now:%Y-%m-%dT%H:%M}, UTC): a watch reads only intervals that ended")
    # a mistyped --from year (2016 for 2026) ran some 87,000 watch runs, each reading every network source, unsaid
    if last - first > timedelta(days=MAX_NIGHTS) and not long_range:
        runs = replay_runs(cfg, first, last)
        _fail(
            f"--from: {start} to {to} is {runs:,} watch runs, more than a year ({MAX_NIGHTS} days): check the year, "
            "or add --long-range to run them all"
        )
    not_ok, done = [], [0]
    ends = replay_ends(cfg, first, last)  # the replay's runs (bounded above: a year, unless --long-range)

    def end(n: int) -> str:  # the end of the replay's nth run, as --from takes it
        return f"{ends[n]:%Y-%m-%dT%H:%M}"

    def show(summary: dict) -> None:
        typer.echo(json.dumps(summary))
        done[0] += 1
        if summary["status"] not in ("success", "skipped"):
            not_ok.append(f"{summary['end']} ({summary['status']})")

    def ran() -> str:  # a replay stopped mid-way is carried on from the run it stopped in, not run again whole
        said = f"the runs ending {end(0)} to {end(done[0] - 1)} ran"
        said += f" ({', '.join(not_ok)} did not succeed: see run_steps)" if not_ok else ""
        return f"{said}; run the same command with --from {end(done[0])} to carry on"

    def stopped() -> str:
        whole = "the watch run in progress is marked interrupted"
        return f"{whole}; {ran()}" if 0 < done[0] < len(ends) else whole

    with _stopped_says(stopped):
        try:
            run_watches(cfg, db_path(db), first, last, scorer=_scorer(cfg), on_run=show)
        except Exception:
            # an error that ends a replay, said by main() after this line: the run to carry on from said too
            if 0 < done[0] < len(ends):
                typer.echo(f"brandpulse: the run ending {end(done[0])} stopped on the error below; {ran()} once it "
                           "is mended", err=True)  # fmt: skip
            raise
    if not_ok:
        _fail(f"not every watch run succeeded: {', '.join(not_ok)}; see run_steps", code=1)


def _registered(cfg, db, run_id: str, *steps: str, night: date | None = None):
    """The day of a run that ``prepare`` registered (a step given --run-id joins it); exit 2 if there is none, or
    if ``night`` is given and the run is another night's. ``steps``: what the step records, dropped first when the
    run has ended (a step run again after the night's finish), as the DAG's tasks do
    (:func:`~pipeline.ledger.rerun_steps`): the ``finish`` after it judges this try, not the earlier one's success."""
    from pipeline.ledger import RunNotRegistered, require_run_in, rerun_steps

    try:
        registered = require_run_in(db_path(db), run_id, timeout=cfg.lock_timeout_s)
    except RunNotRegistered as exc:
        _fail(str(exc))
    if night is not None and registered != night:
        _fail(f"--date {night}: run {run_id} is the night of {registered} (its prepare registered it so); give "
              f"--date {registered}, or prepare another run id for {night}")  # fmt: skip
    rerun_steps(db_path(db), run_id, steps, timeout=cfg.lock_timeout_s)
    return registered


def _joined(config: Path | None, db: Path | None, run_id: str, *steps: str):
    """The config of a step that joins a registered run (:func:`_registered`: exit 2 for one never prepared)."""
    cfg = _config(config)
    _registered(cfg, db, run_id, *steps)
    return cfg


def _joined_night(config: Path | None, db: Path | None, run_id: str, day: str, *steps: str):
    """The config and --date of a step that joins a registered run for its night: exit 2 for a run never prepared
    or a --date other than the day prepare registered it for (the step would load, plan or recompute another
    day under this run's name, and its finish would judge the wrong night)."""
    night = _day(day)
    cfg = _config(config)
    _registered(cfg, db, run_id, *steps, night=night)
    return cfg, night


def _scorer(cfg):
    from pipeline.sentiment.scorer import Scorer

    try:
        return Scorer.from_config(cfg)
    except FileNotFoundError as exc:
        _fail(str(exc))


@app.command()
def prepare(
    day: DayOpt,
    run_id: Annotated[str, typer.Option(help="an id for the run; the other steps take the same")],
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Step 0: migrate the warehouse, register the run, and list the extract jobs.

    The run starts afresh: run again for a run id in progress (or an Airflow run cleared), it drops the steps the
    run recorded and the manifests its extracts staged so far."""
    from pipeline import night

    if not run_id.strip():
        _fail("--run-id: give the run an id (the other steps name it)")
    typer.echo(json.dumps(night.prepare(_config(config), db_path(db), _day(day), run_id)))


@app.command()
def finish(run_id: RunIdOpt, config: ConfigOpt = None, db: DbOpt = None) -> None:
    """Step 8: close the run as success, partial or failed (exit status 1 unless success)."""
    from pipeline import night
    from pipeline.ledger import RunFailed

    cfg = _joined(config, db, run_id)  # a run never prepared: said, and no empty warehouse made at a mistyped --db
    try:
        typer.echo(night.finish(cfg, db_path(db), run_id))
    except RunFailed as exc:
        _fail(str(exc), code=1)


@app.command()
def extract(
    brand: Annotated[str, typer.Option(help="brand id")],
    source: Annotated[str, typer.Option(help="source name")],
    day: DayOpt,
    run_id: Annotated[str, typer.Option(help="the run the staged files belong to")],
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Step 1: read one brand's source for a day into staged files (the source's state is read from the warehouse)."""
    from pipeline import staging

    cfg, night = _joined_night(config, db, run_id, day)  # files staged for a run never prepared: no load takes them
    typer.echo(json.dumps(staging.extract(cfg, brand, source, night, run_id, db=db_path(db))))


@app.command()
def load(day: DayOpt, run_id: RunIdOpt, config: ConfigOpt = None, db: DbOpt = None) -> None:
    """Step 2: upsert a run's staged files into the warehouse, in one transaction."""
    from pipeline import load as loading

    cfg, night = _joined_night(config, db, run_id, day, "load")
    typer.echo(json.dumps(loading.load(cfg, db_path(db), night, run_id).__dict__))


@app.command("score")
def score(run_id: RunIdOpt, config: ConfigOpt = None, db: DbOpt = None) -> None:
    """Step 3: score every mention that has no score at all (the night's new ones) with the configured model.

    A new model version does not re-score the history here: brandpulse rescore --since DATE does."""
    from pipeline import scoring

    cfg = _joined(config, db, run_id, "score")
    typer.echo(json.dumps({"scored": scoring.score(cfg, db_path(db), run_id, scorer=_scorer(cfg))}))


@app.command("plan-scores")
def plan_scores(day: DayOpt, run_id: RunIdOpt, config: ConfigOpt = None, db: DbOpt = None) -> None:
    """Step 3 fanned out, as the Airflow night runs it, 1 of 3: stage the unscored mentions as Parquet shards of
    scoring.shard_size texts; prints the shard numbers."""
    from pipeline import scoring

    cfg, night = _joined_night(config, db, run_id, day)
    typer.echo(json.dumps({"shards": scoring.plan_shards(cfg, db_path(db), night, run_id)}))


@app.command("score-shard")
def score_shard(
    day: DayOpt,
    run_id: RunIdOpt,
    shard: Annotated[int, typer.Option(help="the shard's number, from plan-scores", min=0)],
    config: ConfigOpt = None,
) -> None:
    """Step 3 fanned out, 2 of 3: score one planned shard (reads and writes the staging area only, no warehouse)."""
    from pipeline import scoring

    cfg = _config(config)
    typer.echo(json.dumps(scoring.score_shard(cfg, _day(day), run_id, shard, scorer=_scorer(cfg))))


@app.command("load-scores")
def load_scores(day: DayOpt, run_id: RunIdOpt, config: ConfigOpt = None, db: DbOpt = None) -> None:
    """Step 3 fanned out, 3 of 3: store every planned shard's scores in one transaction (fails if one is missing)."""
    from pipeline import scoring

    cfg, night = _joined_night(config, db, run_id, day, "score")  # outside the try: typer.Exit is a RuntimeError too
    try:
        scored = scoring.load_scores(cfg, db_path(db), night, run_id)
    except RuntimeError as exc:  # no plan, a shard with no scores, shards of two models: said, not a traceback
        _fail(str(exc), code=1)
    typer.echo(json.dumps({"scored": scored}))


@app.command("daily-metrics")
def daily_metrics(day: DayOpt, run_id: RunIdOpt, config: ConfigOpt = None, db: DbOpt = None) -> None:
    """Step 4: recompute the daily brand metrics for a day."""
    from pipeline.metrics import daily_metrics as step

    cfg, night = _joined_night(config, db, run_id, day, "daily_metrics")
    days = step(cfg, db_path(db), night, run_id)
    typer.echo(json.dumps({"days": [d.isoformat() for d in days]}))


@app.command()
def rescore(
    since: Annotated[str, typer.Option("--since", help="first day (YYYY-MM-DD) whose mentions are re-scored")],
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Re-score history with the configured model, from --since on, then recompute those days' metrics.

    Runs in chunks that each commit: stop it any time (Ctrl-C) and run it again to carry on. The nightly run
    scores only new mentions, so after a model upgrade this is how trends and the detector move to the new model
    (each day's metrics use one model version; see the README's "Changing the model"). A --since after today
    (UTC), a mistyped year, is refused.

    Example: brandpulse rescore --since 2026-07-01
    """
    from datetime import UTC, datetime

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from pipeline import night

    cfg = _config(config)
    first = _day(since, "--since")
    today = datetime.now(UTC).date()  # a mistyped year loaded the model and ended a "success" that scored nothing
    if first > today:
        _fail(f"--since: {since} is after today ({today}, UTC): no mention of that day can be there to re-score")
    _require_warehouse(db)  # a mistyped --db: said, and no empty warehouse left there for the next command
    console = Console(stderr=True)  # the bar on stderr, as score-texts' progress: stdout is the result's JSON
    # not a terminal (a log: nohup, cron, a scheduler's task): rich draws its bar there only once, at the end, so an
    # hours-long rescore logged nothing until it was over; a line a committed chunk instead
    logged = not console.is_terminal

    def progress(n: int, total: int) -> None:
        bar.update(task, completed=n, total=total)
        if logged:
            typer.echo(f"re-scoring mentions since {first}: {n:,}/{total:,}", err=True)

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=logged,
    ) as bar:
        task = bar.add_task(f"re-scoring mentions since {first}", total=None)
        with _stopped_says(
            "the rescore is marked interrupted and every chunk it scored is committed; run the same command again to "
            "carry on"
        ):  # the model's loading too (seconds): a stop then is no traceback or 130 for SIGTERM either
            result = night.rescore(
                cfg,
                db_path(db),
                first,
                scorer=_scorer(cfg),
                progress=progress,
            )
    typer.echo(json.dumps(result, default=str))


@app.command("import-surveys")
def import_surveys(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="survey export files (CSV/XLSX); none: the configured drop folders")
    ] = None,
    run_id: Annotated[str | None, typer.Option(help="record under this run (default: a new CLI run)")] = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Import survey exports (NPS, CSAT, CES, comments): bad values are quarantined, re-imports deduplicated.

    Each file goes to the configured survey source whose path matches it. Comments are scored with the
    sentiment model. Survey metrics are recomputed afterwards.
    """
    from pipeline.surveys import ingest

    _import(config, db, run_id, paths, ingest.import_surveys)


@app.command("import-customers")
def import_customers(
    paths: Annotated[list[Path] | None, typer.Argument(help="customer export files; none: the configured ones")] = None,
    run_id: Annotated[str | None, typer.Option(help="record under this run (default: a new CLI run)")] = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Import customer records (for churn and CLV) and recompute the customer metrics."""
    from pipeline.surveys import ingest

    _import(config, db, run_id, paths, ingest.import_customers)


def _import(config, db, run_id: str | None, paths, step) -> None:
    """``import-surveys`` and ``import-customers``: ``step`` (:func:`pipeline.surveys.ingest.import_surveys` or
    ``import_customers``, whose name is its step's), then the survey metrics, under the night's ``run_id``
    (registered by its prepare) or a run of their own, closed here."""
    from datetime import UTC, datetime

    from pipeline import night
    from pipeline.ledger import closed_on_failure, new_run_id
    from pipeline.surveys import ingest, rollup

    cfg = _config(config)
    # files to import that the step would refuse (none configured to read them, a mistyped path): refused before a
    # run is registered
    what = "sources" if step is ingest.import_surveys else "customers"
    ingest.refuse_files(cfg, paths, what)
    today = datetime.now(UTC).date()  # the UTC day, as every run's (the machine's zone may be a day ahead)
    run = run_id or new_run_id(today, "cli")
    if run_id is None:  # a run of its own
        night.prepare(cfg, db_path(db), today, run)
    else:  # a step of a night already registered (prepare would open it again if it had finished)
        comments = ("score_survey_comments",) if step is ingest.import_surveys else ()
        _registered(cfg, db, run_id, step.__name__, *comments, "survey_metrics")
    # a step with nothing configured records nothing: the survey metrics alone are required then
    required = (step.__name__, "survey_metrics") if getattr(cfg.surveys, what, None) else ("survey_metrics",)
    if run_id is None:  # a run of its own, whose work raised: closed, 'interrupted' when stopped (SIGTERM, Ctrl-C)
        closed = closed_on_failure(db_path(db), run, required, cfg.lock_timeout_s)
        stopped = "the import's run is marked interrupted and what it committed is kept; run the same command again"
    else:  # a step of a night: its run is closed by the night's finish
        closed, stopped = nullcontext(), f"run {run_id}'s {step.__name__} step stopped"
    with _stopped_says(stopped), closed:
        result = step(cfg, db_path(db), run, paths=[str(p) for p in paths] if paths else None)
        result["metric_rows"] = rollup.survey_metrics(cfg, db_path(db), run)
    if run_id is None:
        night.close(cfg, db_path(db), run, required)
    typer.echo(json.dumps(result, default=str))
    if result.get("failed_sources"):
        raise typer.Exit(1)


@app.command("survey-metrics")
def survey_metrics(run_id: RunIdOpt, config: ConfigOpt = None, db: DbOpt = None) -> None:
    """Step (beside extract): recompute NPS, CSAT, CES (day, week, month × brand × touchpoint × segment), churn, CLV."""
    from pipeline.surveys import rollup

    cfg = _joined(config, db, run_id, "survey_metrics")
    typer.echo(json.dumps({"rows": rollup.survey_metrics(cfg, db_path(db), run_id)}))


@app.command("cx-lead")
def cx_lead(
    brand: Annotated[str, typer.Option(help="brand id")],
    social: Annotated[str, typer.Option(help="mean_score or share_negative")] = "mean_score",
    cx: Annotated[str, typer.Option(help="nps, csat or ces")] = "nps",
    period: Annotated[str, typer.Option(help="week or day")] = "week",
    max_lag: Annotated[
        int, typer.Option(min=1, max=52, help="largest lead or lag tried, in periods (at most a quarter of the series)")
    ] = 8,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Does social sentiment lead the survey score, and by how much? (prewhitened lagged cross-correlation)

    Refuses to claim a lead with fewer than 30 paired periods. Prints the correlation at each lag against
    its significance band, then the conclusion.

    Example: brandpulse cx-lead --brand parcelo --period week --cx nps
    """
    from pipeline.numfmt import number
    from pipeline.surveys import rollup

    cfg = _config(config)
    cfg.brand(brand)  # an unknown id is a clear error, not "not enough data"
    try:
        result = rollup.cx_social_lead(cfg, db_path(db), brand, social=social, cx=cx, period=period, max_lag=max_lag)
    except ValueError as exc:  # an option outside its choices
        _fail(str(exc))
    if result.lags:
        band = result.band_used or result.band or 0
        typer.echo(f"{'lag':>4}  {'r':>6}  (band ±{band:.2f}; positive lag = social leads)")
        for lag, r in zip(result.lags, result.ccf, strict=True):
            bar = "#" * int(abs(r) * 30)
            typer.echo(f"{lag:>4}  {number(r, '+.2f', '-'):>6}  {'*' if abs(r) > band else ' '} {bar}")  # no -0.00
    typer.echo(result.conclusion)


@app.command()
def roi(
    brand: Annotated[str, typer.Option(help="brand id")],
    quarters: Annotated[bool, typer.Option(help="also list churn by NPS group per quarter (v_cx_churn_by_nps)")] = True,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """What detractors cost: churn by NPS group, revenue at risk, and what one NPS point is worth.

    Needs survey responses linked to the customer list (a customer_id column in the survey source). Prints each
    figure with its 95% interval and the assumptions it rests on. Association, not proof of cause.

    Example: brandpulse roi --brand parcelo --no-quarters
    """
    from pipeline.surveys import worth

    cfg = _config(config)
    spec = cfg.brand(brand)
    result = worth.cx_roi(cfg, db_path(db), spec.key)
    lines = worth.roi_lines(result, spec.name)
    if quarters and result.worth is not None:
        with connect(db_path(db), timeout=cfg.lock_timeout_s, read_only=True, current=True) as con:
            table = worth.churn_table(con, spec.key, ["_all"])
        lines += ["", "Per quarter of the answers, all segments (v_cx_churn_by_nps):"]
        lines += [f"  {line}" for line in worth.churn_table_lines(table)]
    typer.echo("\n".join(lines))


@app.command()
def drivers(
    brand: Annotated[str, typer.Option(help="brand id")],
    day: Annotated[
        str | None, typer.Option("--date", help="last day of answers, YYYY-MM-DD (default: the latest)")
    ] = None,
    days: Annotated[int, typer.Option(min=14, max=730, help="days of answers up to --date")] = 90,
    social: Annotated[bool, typer.Option(help="include the social aspects' share negative (loads the model)")] = True,
    chart: Annotated[Path | None, typer.Option(help="also write the importance-vs-performance chart (PNG)")] = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Which touchpoints' CSAT and CES (and social aspects) explain NPS: relative weights with 95% intervals.

    Importance is each driver's share of the explained variance (Johnson's relative weights); the touchpoints are
    placed in importance-vs-performance quadrants ("fix first": matters more, scores worse).

    Example: brandpulse drivers --brand parcelo --days 90 --chart drivers.png
    """
    from pipeline.report.build import VECTORS, LazyAspects
    from pipeline.report.charts import driver_quadrant
    from pipeline.sentiment.aspects import VectorStore
    from pipeline.surveys import worth

    _file_to_write(chart, "--chart")
    cfg = _config(config)
    spec = cfg.brand(brand)
    # the report's vectors, read (never written: a query leaves the report folder as it is)
    store = VectorStore(cfg.resolve(cfg.report_dir) / VECTORS)
    matcher = LazyAspects(cfg, spec, store=store) if social else None
    result = worth.cx_drivers(
        cfg, db_path(db), spec.key, day=_day(day) if day is not None else None, days=days, matcher=matcher
    )
    typer.echo("\n".join(worth.driver_lines(result, spec.name)))
    if chart is not None and not result.touchpoints:  # said: a chart of an earlier run there read as this one's
        kept = "left as it was" if chart.exists() else "not written"
        typer.echo(f"\nchart: none, no touchpoint to place ({chart} {kept})")
    elif chart is not None:
        try:  # whole or not at all, as --out of detect-series
            write_atomic(chart, driver_quadrant(result.touchpoints, f"{spec.name}: what drives NPS"))
        except OSError as exc:
            _fail(f"--chart: {chart}: {exc.strerror}")
        typer.echo(f"\nchart: {chart}")


@app.command()
def detect(day: DayOpt, run_id: RunIdOpt, config: ConfigOpt = None, db: DbOpt = None) -> None:
    """Step 5: flag negative spikes and sustained shifts for a day; record explained alerts."""
    from pipeline.alerts import incidents

    cfg, night = _joined_night(config, db, run_id, day, "detect")
    typer.echo(json.dumps({"alerts": incidents.detect(cfg, db_path(db), night, run_id)}))


@app.command("detect-series")
def detect_series(
    file: Annotated[
        Path, typer.Argument(help="CSV with a `timestamp` column (ISO-8601; no offset: --timezone's clock, else UTC)")
    ],
    freq: Annotated[
        str, typer.Option(help="period to sum to: 5min or hour (the intraday detector), day (the nightly one)")
    ] = "hour",
    value: Annotated[
        str | None, typer.Option(help="the count column (default: `count`, else `volume`)", show_default=False)
    ] = None,
    negative: Annotated[
        str | None,
        typer.Option(help="column of negative counts (part of the value); without it: the volume-spike test only"),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="write the flags here: start,end,observed,expected,z,...")] = None,
    timezone: Annotated[
        str | None,
        typer.Option(
            help="IANA zone whose clock the hours of the week follow and stamps with no offset were written on, e.g."
            " Europe/Warsaw (5min, hour)"
        ),
    ] = None,
) -> None:
    """Run the spike detector on any count series (an export from another tool, a public labelled series).

    Rows are summed to --freq. With --negative: the count and share tests (flags `hourly_spike`, or `spike` for
    --freq day), and for 5min/hour also the volume test (`volume_spike`); without it the volume test alone
    (5min/hour only). The detector needs two weeks of history before it flags anything. Prints one line per
    flagged period; --out writes them as CSV (start, end: ISO-8601 UTC, the window whose tests fired).

    A stamp with no UTC offset is a time on the --timezone clock (UTC without one); one with an offset is kept as
    written. In the hour the clocks repeat, the rows' order tells the two apart (the hour's first run is summer
    time; from the row where the stamps step back, winter time); a stamp in the hour they skip is refused. The
    periods are the rows': rows at 13:00+05:30 (or 13:00 on Asia/Kolkata's) are the hour 07:30-08:30 UTC, not
    07:00-08:00; 5-minute rows are summed to the hours of their clock; rows whose offsets differ in their minutes
    (+05:30 and Z) to UTC's.

    Example: brandpulse detect-series export.csv --freq hour --value mentions --negative negative --out flags.csv
    """
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    from pipeline.series import FREQS, SeriesError, first_testable, flag_series, read_series

    if freq not in FREQS:
        _fail(f"--freq: {freq!r} is not one of {', '.join(FREQS)}")
    _file_to_write(out, "--out")
    if out is not None and out.exists() and file.is_file() and out.samefile(file):  # the export was overwritten
        _fail(f"--out: {out} is the CSV read ({file}); give another file for the flags")
    if freq == "day" and negative is None:
        _fail("--freq day runs the nightly detector, which needs --negative; use --freq hour for the volume test")
    if timezone is not None:
        from pipeline.config_types import iana_zone

        if freq == "day":
            _fail("--timezone is for --freq 5min or hour (hours of the week); days are UTC days")
        try:
            iana_zone(timezone)
        except ValueError as exc:
            _fail(f"--timezone: {exc}")
    try:
        series, untested = read_series(file, freq, value, negative, timezone), []
        flags = flag_series(series, freq, timezone, untested)
    except ValueError as exc:  # SeriesError names the file; the detectors' own do not
        _fail(str(exc) if isinstance(exc, SeriesError) else f"{file}: {exc}")
    for col in ("start", "end"):
        flags[col] = [t.isoformat() for t in flags[col]]
    table = Table(*flags.columns, title=f"{file.name}: {len(flags)} flagged period(s) of {len(series)} ({freq})")
    for r in flags.itertuples(index=False):
        p_share = "" if r.p_share is None or pd.isna(r.p_share) else f"{r.p_share:.2g}"
        table.add_row(
            r.start,
            r.end,
            str(r.observed),
            f"{r.expected:.1f}",
            f"{r.z:.1f}",
            f"{r.p_count:.2g}",
            p_share,
            r.kind,
            str(r.periods),
        )
    Console(width=160, markup=False).print(table)  # a file named [x].csv is text, not markup
    tested = first_testable(series, freq)
    if tested is None or series["period"].max() < tested:  # an empty table said why, not left to guess
        first, last = series["period"].min(), series["period"].max()
        covered = f"{first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}" if len(series) else "no period"
        when = f" (the first it can test is {tested:%Y-%m-%d %H:%M})" if len(series) else ""
        typer.echo(
            f"note: the rows cover {covered}: the detector needs two weeks of history before a period it tests, "
            f"so none could be flagged{when}"
        )
    elif late := [p for p in untested if p >= tested]:  # after a gap of weeks: a spike there passed without a word
        typer.echo(
            f"note: {len(late):,} period(s) with counts from {late[0]:%Y-%m-%d %H:%M} to {late[-1]:%Y-%m-%d %H:%M} "
            "could not be tested: the weeks before them hold under two weeks of days with any count (a gap in the "
            "export?); days without any count are read as a gap, not as quiet"
        )
    if out is not None:
        try:  # whole or not at all: a full disk tore the file (and the previous flags with it)
            write_atomic(out, flags.to_csv(index=False))
        except OSError as exc:
            _fail(f"--out: {out}: {exc.strerror}")
        typer.echo(f"wrote {out}")


@app.command("send-alerts")
def send_alerts(run_id: RunIdOpt, config: ConfigOpt = None, db: DbOpt = None) -> None:
    """Step 6: deliver every alert not yet delivered on each configured channel (failed ones are retried; Slack
    and e-mail attempts cut off mid-send wait for `brandpulse alerts --resend`)."""
    from pipeline.alerts import delivery

    cfg = _joined(config, db, run_id, "send_alerts")
    sent = delivery.send_alerts(cfg, db_path(db), run_id)
    typer.echo(json.dumps(sent))
    if sent.get("failed"):  # said, and the step succeeds as the DAG's task does: the next run retries them
        typer.echo(
            f"brandpulse: {sent['failed']} delivery(ies) failed, retried by the next run; "
            "`brandpulse alerts` says which and why",
            err=True,
        )


# a stopped `report` or `score-texts` printed nothing (typer's 130 and no word), where run, rescore and the imports
# say what became of the work and what to do
_REPORT_STOPPED = (
    "each page drawn before the stop is written whole, the others and index.html are as they were; run the same "
    "command again to draw the report"
)


@app.command()
def report(
    day: Annotated[
        str | None, typer.Option("--date", help="the report's last day, YYYY-MM-DD (default: the newest day with data)")
    ] = None,
    brand: Annotated[
        list[str] | None,
        typer.Option(help="only this brand's page (repeatable); index.html and the other pages are left as they are"),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="output folder (default: the config's report_dir)")] = None,
    run_id: Annotated[
        str | None,
        typer.Option(
            help="record the step under this run, as the night's report step (default --date: the run's day; a"
            " report of a later day already there is left as it is)"
        ),
    ] = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Step 7: write the HTML report: one self-contained page per brand plus index.html (works offline).

    Example: brandpulse report --date 2026-10-31 --brand parcelo --out /tmp/reports"""
    from pipeline.report import build

    cfg = _config(config)
    # the nearest part of --out that exists is a folder: a file there (--out page.html, or page.html/reports) ended
    # in a traceback when the folder was made
    there = next((p for p in (out, *out.parents) if p.exists()), None) if out is not None else None
    if there is not None and not there.is_dir():
        _fail(f"--out: {there} is a file; the report is a folder (one page per brand and index.html)")
    if run_id is not None:
        if brand:
            _fail("--brand and --run-id: the night's report step draws every brand; leave out one of them")
        # a bad --date before the step joins the run: an ended run's recorded report step was dropped first
        given = _day(day) if day is not None else None
        night = _registered(cfg, db, run_id, "report")
        target = given or night
        with _stopped_says(_REPORT_STOPPED):
            step = build.report(cfg, db_path(db), target, run_id, out_dir=out)  # an older night's: a later day's left
        kept = step.not_drawn
        typer.echo(f"index: {step.index}" if kept is None else f"index: {step.index} left as it was ({kept})")
        return
    target = _day(day) if day is not None else build.newest_day(cfg, db_path(db))
    if target is None:
        _fail("the warehouse has no daily metrics yet: run a night first")
    for key in brand or []:
        cfg.brand(key)  # an unknown id is a clear error
    folder = out or cfg.resolve(cfg.report_dir)
    with _stopped_says(_REPORT_STOPPED):
        result = build.build_report(cfg, db_path(db), target, folder, brands=brand or None)
    for key, path in result["pages"].items():
        typer.echo(f"{key}: {path} ({result['bytes'][key] / 1024:.0f} KiB)")
    if result["index"] is None and (folder / "index.html").exists():
        typer.echo(f"index: {folder / 'index.html'} left as it was (--brand draws only those brands' pages)")
    elif result["index"] is None:
        typer.echo(f"index: none in {folder} (--brand draws only those brands' pages; without it, the index too)")
    else:
        typer.echo(f"index: {result['index']}")


@app.command()
def alerts(
    brand: Annotated[str | None, typer.Option(help="only this brand id")] = None,
    days: Annotated[
        int, typer.Option(min=1, max=36_500, help="alerts of the N days up to the newest alert's day (of --brand)")
    ] = 90,
    show: Annotated[
        str | None, typer.Option(help="print one alert in full, as its message says it (id or id prefix)")
    ] = None,
    resend: Annotated[
        str | None,
        typer.Option(
            help="send one alert (id or id prefix) now to every channel that has not confirmed it, including"
            " Slack and e-mail attempts left 'pending (possibly delivered)': check they did not arrive first"
        ),
    ] = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """List recent alerts with why they fired, what drove them and whether they were delivered.

    Example: brandpulse alerts --brand parcelo --days 7; brandpulse alerts --show 85578a87"""
    from pipeline.alerts import delivery
    from pipeline.alerts.inbox import list_alerts, show_alert

    for option, value in (("--show", show), ("--resend", resend)):
        if value is not None and not value.strip():  # it listed every alert, as if not given
            _fail(f"{option}: give an alert id (or the start of one), as `brandpulse alerts` lists them")
    cfg = _config(config)
    if resend:
        _require_warehouse(db)  # a mistyped --db: said, as --show says it, and no empty warehouse made there
        try:
            done = delivery.resend(cfg, db_path(db), resend)
        except LookupError as exc:
            _fail(str(exc))
        if not done and not cfg.alerts:  # "every configured channel has confirmed it" of none: a wrong config read
            _fail(f"{cfg.source_file}: no alert channel is configured (alerts): nowhere to resend {resend} to")
        if not done:
            typer.echo(f"{resend}: every configured channel has confirmed it; nothing to resend")
        for a in done:
            d = a.delivery
            words = f"delivered ({d.status})" if d.ok else f"failed: {d.error}"
            if d.pending:  # no answer: the receiver may have it; resend again if it did not
                words = f"{delivery.PENDING_WORDS}: {d.error}"
            typer.echo(f"{a.alert_id} -> {a.channel}: {words}")
        if any(not a.delivery.ok for a in done):
            raise typer.Exit(1)
    elif show:
        try:
            typer.echo(show_alert(cfg, db_path(db), show))
        except LookupError as exc:
            _fail(str(exc))
    else:
        typer.echo(list_alerts(cfg, db_path(db), brand=brand, days=days))  # an unknown id is a clear error


@app.command("score-texts")
def score_texts(
    path: Annotated[str, typer.Argument(help="input file; '-' or nothing reads stdin")] = "-",
    config: ConfigOpt = None,
    model: Annotated[Path | None, typer.Option(help="model folder (default: the configured or shipped model)")] = None,
    batch_size: Annotated[int | None, typer.Option(min=1, max=4096, help="default: the config's, else 64")] = None,
    threads: Annotated[int | None, typer.Option(min=0, max=256, help="torch threads; 0 = torch's default")] = None,
    chunk: Annotated[int, typer.Option(min=1, help="lines read and scored at a time (bounds memory)")] = 4096,
) -> None:
    """Score texts: one JSON object per input line on stdout, in input order.

    A line that parses as a JSON object with a "text" key is that object; any other line is the text itself.
    Each output object has label, negative, neutral, positive and score (positive - negative), a note on some
    lines, plus every other key of the input object unchanged (its own label, ..., note as input_label, ...).
    Progress goes to stderr, and so does each line scored other than as it looks (one that starts as a JSON object
    but is not JSON, an object with no "text" key, bytes that are not UTF-8) or echoed with such a key renamed.
    """
    from pipeline.config import config_path
    from pipeline.sentiment.score_stream import score_stream
    from pipeline.sentiment.scorer import NoGpu, Scorer, UnreadableModel

    named = config is not None or bool(os.environ.get("BRANDPULSE_CONFIG"))  # a config asked for must exist
    cfg = _config(config) if named or config_path(config).exists() else None
    scoring = cfg.scoring if cfg else None
    configured = model is None and cfg is not None  # a missing model is then the config's scoring.model_dir
    if model is None:
        model = cfg.model_dir if cfg else DEFAULT_MODEL_DIR
    with ExitStack() as opened:
        if path == "-":
            stream = sys.stdin.buffer
        else:  # opened before the model loads: a mistyped path is said at once
            try:
                stream = opened.enter_context(open(path, "rb", buffering=8192))  # peek's look: st_blksize is 4 KB
            except OSError as exc:
                _fail(f"{path}: {exc.strerror}")
        stream = stream if hasattr(stream, "peek") else io.BufferedReader(stream)  # a test's BytesIO has no peek
        # a binary file (or UTF-16 text) was scored as garbled lines; a terminal is not looked at: its peek returns
        # one typed line, and an empty one (Ctrl-D) would then need a second Ctrl-D to end the input
        if not stream.isatty() and b"\x00" in stream.peek(8192)[:8192]:
            _fail(f"{'stdin' if path == '-' else path}: not UTF-8 text (a NUL byte in its first 8 KB: a binary "
                  "file, or text in UTF-16); score-texts reads UTF-8 lines")  # fmt: skip
        opened.enter_context(  # the model's loading too (seconds): nothing is on stdout then
            _stopped_says(
                "the lines on stdout are the input's first lines, scored and in order; run it again on the lines "
                "after them (or on the whole input)"
            )
        )
        try:
            scorer = Scorer(
                model,
                batch_size=batch_size or (scoring.batch_size if scoring else 64),
                threads=threads if threads is not None else (scoring.threads if scoring else 0),
                max_length=scoring.max_length if scoring else 128,
                precision=scoring.precision if scoring else "fp32",
                device=scoring.device if scoring else "cpu",
            )
        except (FileNotFoundError, UnreadableModel) as exc:
            _fail(f"{cfg.source_file}: scoring.model_dir: {exc}" if configured else str(exc))
        except NoGpu as exc:
            _fail(f"{cfg.source_file}: {exc}")
        t0 = time.perf_counter()
        n = score_stream(
            scorer, stream, sys.stdout, chunk=chunk, progress=sys.stderr, name="stdin" if path == "-" else path
        )
        typer.echo(f"scored {n} lines in {time.perf_counter() - t0:.1f}s", err=True)


@app.command()
def summary(config: ConfigOpt = None, db: DbOpt = None) -> None:
    """Mentions and sentiment per brand, and where the warehouse is."""
    from pipeline.report.summary import print_summary

    print_summary(_config(config), db_path(db))


@app.command("sql")
def sql_query(
    query: Annotated[str, typer.Argument(help='a SQL query, e.g. "SELECT * FROM v_brand_daily LIMIT 5"')],
    db: DbOpt = None,
    limit: Annotated[int, typer.Option(min=1, max=SQL_LIMIT_MAX, help="rows to show at most")] = SQL_LIMIT,
    timeout: Annotated[
        float,
        typer.Option(
            min=1,
            max=SQL_TIMEOUT_MAX,
            help="seconds the query may run: it holds the warehouse's lock, and a night's steps wait for it",
        ),
    ] = SQL_TIMEOUT,
) -> None:
    """Run a query against the warehouse, read-only, and print the result as a table.

    Read-only for real: writes, COPY ... TO, ATTACH, EXPORT DATABASE, INSTALL/LOAD and reading files are refused.
    """
    try:  # a plain call skips this module: pipeline.console runs it directly, and answers the same
        show_query(db_path(db), query, limit, timeout)
    except KeyboardInterrupt:
        typer.echo("brandpulse: interrupted", err=True)
        raise typer.Exit(130) from None


def main() -> None:
    import logging

    # Our own logger only: Airflow and transformers keep their own logging (and are not prefixed as ours).
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("[brandpulse %(asctime)s] %(message)s", datefmt="%H:%M:%S"))
    ours = logging.getLogger("brandpulse")
    ours.addHandler(handler)
    ours.setLevel(logging.INFO)
    ours.propagate = False
    # SIGTERM stops a command as Ctrl-C does, promptly (see pipeline.interrupt); `sql` keeps SIGTERM's default,
    # which ends a read-only query at once (DuckDB does not always stop a running query on an interrupt)
    if sys.argv[1:2] != ["sql"]:
        interrupt.stop_on_signals()
    elif "--" not in sys.argv and any(is_query_word(a) for a in sys.argv[2:]):  # click read it as an option
        words = sys.argv[2:]
        sys.argv[2:] = [*(a for a in words if not is_query_word(a)), "--", *filter(is_query_word, words)]
    try:
        app()
    except SystemExit as exc:
        # a stop in a command that no _stopped_says wraps (report, init, a single step) reaches typer, which ends
        # every KeyboardInterrupt with 130 and no word: SIGTERM's is 143, as the README and `run` say
        if exc.code == 130 and interrupt.requested() == "SIGTERM":
            typer.echo("brandpulse: stopped by SIGTERM", err=True)
            sys.exit(interrupt.exit_code())
        raise
    except Exception as exc:
        # errors worded for the person at the command line, not tracebacks: a ConfigError or RunNotRegistered
        # needs its module loaded (never import it here); a file not found (an export, a shard), an export no row
        # can be read from and a source's failure (its endpoint, praw.ini) are named by their messages
        config, ledger = sys.modules.get("pipeline.config"), sys.modules.get("pipeline.ledger")
        records, http = sys.modules.get("pipeline.records"), sys.modules.get("pipeline.http")
        bad_input = (WarehouseError,) + ((config.ConfigError,) if config else ())
        bad_input += (ledger.RunNotRegistered,) if ledger else ()
        failed = (FileNotFoundError, *((records.BadExport,) if records else ()), *((http.SourceError,) if http else ()))
        # a file this user cannot make or write (a report folder on a read-only mount or of another user, a full
        # disk): the report step's page ended `run` and `report` in a traceback, the night recorded failed
        on_file = isinstance(exc, OSError) and exc.filename is not None and exc.strerror is not None
        if not isinstance(exc, (*bad_input, *failed)) and not on_file:
            raise
        typer.echo(f"brandpulse: {f'{exc.filename}: {exc.strerror}' if on_file else exc}", err=True)
        sys.exit(2 if isinstance(exc, bad_input) else 1)


if __name__ == "__main__":
    main()
