"""The author key the warehouse was built with: every run that hashes checks it, and stops before writing when the
environment holds another.

Author names and customer ids are stored as keyed hashes (:class:`pipeline.records.Pseudonymiser`; the key is read
from the variable ``pseudonymisation.key_env`` names). A run started with another key (a typo, a worker whose copy
of the secret is not the current one, a new environment pointed at an old warehouse) would store hashes that match
none of those there: ``import-customers`` would count every customer removed and added again, no survey answer
would link to a customer, no author would be the same across nights, and nothing would say so. So the warehouse
keeps the key's fingerprint (table ``author_key``, migration 0015; never the key, see ``records._SCRYPT`` for why
the fingerprint is safe to keep), and:

- :func:`check` runs where a run starts, once (:func:`pipeline.night.prepare`, :func:`pipeline.watch.prepare`: both
  DAGs' ``prepare`` task, ``brandpulse run``, ``watch``, ``prepare`` and an import's run of its own), and in the
  transaction of the import steps, which hash customer ids in a task or command of their own. The first run with a
  key records it (a warehouse from before 0015 adopts the key of its first run after the upgrade); another key
  raises :class:`AuthorKeyChanged` before the run writes anything;
- :func:`verify` is the extract steps' check, which open no warehouse: ``prepare`` hands each job the fingerprint
  it checked (:func:`carried`), and an extract whose own key differs (a worker with another value of the secret)
  stops before its source reads anything;
- :func:`adopt` records the key now in the environment as the warehouse's (``brandpulse author-key --adopt``): a
  deliberate rotation.

An unset key is no concern of this module: nothing is checked or recorded, and the step that hashes fails as it
always did, naming the variable.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from pathlib import Path

from pipeline.config import Config, ConfigError
from pipeline.records import Pseudonymiser
from pipeline.warehouse import row

logger = logging.getLogger("brandpulse")

FIRST_USE = "first use"
ADOPTED = "brandpulse author-key --adopt"


class AuthorKeyChanged(ConfigError):
    """The key in the environment is not the one the warehouse's author and customer hashes were made with (a
    :class:`~pipeline.config.ConfigError`: the DAGs do not retry it, the command line prints it and exits 2)."""


def recorded(con) -> dict | None:
    """The warehouse's author key, as its latest ``author_key`` row records it (key_no, key_env, salt, fingerprint,
    recorded_at, recorded_by), or None before a run with a key set recorded one (or before migration 0015: a
    read-only connection does not migrate). The table is looked for in this warehouse: another one attached to the
    process's DuckDB instance meanwhile lists its own."""
    tables = "information_schema.tables WHERE table_catalog = current_database() AND table_schema = 'main'"
    if not row(con.execute(f"SELECT count(*) AS n FROM {tables} AND table_name = 'author_key'"))["n"]:
        return None
    return row(con.execute("SELECT * FROM author_key ORDER BY key_no DESC LIMIT 1"))


def carried(key: dict | None) -> dict | None:
    """What a job carries from ``prepare`` to its extract (an XCom in the DAGs): the key's number, salt and
    fingerprint."""
    return None if key is None else {k: key[k] for k in ("key_no", "salt", "fingerprint")}


def matches(pseudonymise: Pseudonymiser, key: dict) -> bool:
    """Whether the pseudonymiser's key is the one ``key`` (a row of :func:`recorded`, or :func:`carried`) records."""
    return hmac.compare_digest(pseudonymise.fingerprint(key["salt"]), key["fingerprint"])


def check(config: Config, con, db: Path) -> dict | None:
    """The check where a run starts (and in the import steps' transaction), on the open warehouse ``db``: the key
    in the environment is the warehouse's, or is recorded as its key when it has none yet. Raises
    :class:`AuthorKeyChanged` (naming the variable, never its value) when it is another; with no key set, checks
    nothing. Returns the warehouse's key as :func:`carried` (None: none recorded)."""
    key = recorded(con)
    pseudonymise = Pseudonymiser.if_set(config)
    if pseudonymise is None:
        return carried(key)
    if key is None:
        key = _record(con, pseudonymise, FIRST_USE)
        logger.info(f"warehouse {db}: recorded the fingerprint of the author key in {pseudonymise.key_env} (first use)")
    elif not matches(pseudonymise, key):
        raise AuthorKeyChanged(
            f"{db}: the warehouse was built with another author key than the one in {pseudonymise.key_env} "
            f"(pseudonymisation.key_env in {config.source_file}; the warehouse's is key no. {key['key_no']}, recorded "
            f"{key['recorded_at']:%Y-%m-%d %H:%M} UTC from {key['key_env']} by {key['recorded_by']}): the author and "
            "customer hashes made with it would match none of those stored, so the run stopped before writing "
            f"anything. Set {pseudonymise.key_env} to the key the warehouse was built with; or, to start over with "
            "this key on purpose, run `brandpulse author-key --adopt` (hashes made before it will never match those "
            "made after)"
        )
    return carried(key)


def verify(config: Config, key: dict | None) -> None:
    """The check of a step that hashes and opens no warehouse (an extract): the key in the environment against
    ``key``, the fingerprint the run's ``prepare`` checked (:func:`carried`). Raises :class:`AuthorKeyChanged` when
    it is another; with none recorded or no key set, checks nothing."""
    pseudonymise = Pseudonymiser.if_set(config)
    if key is None or pseudonymise is None or matches(pseudonymise, key):
        return
    raise AuthorKeyChanged(
        f"{config.source_file}: pseudonymisation.key_env: {pseudonymise.key_env} holds another author key than the "
        f"one the warehouse was built with (key no. {key['key_no']}, as this run's prepare checked it): does this "
        "worker have another value of the secret? Nothing was read or staged. Give every worker the key the "
        f"warehouse was built with; or, to start over with this key on purpose, run `brandpulse author-key --adopt` "
        "and run the night again"
    )


def adopt(config: Config, con) -> tuple[dict | None, dict]:
    """Record the key in the environment as the warehouse's (a deliberate rotation); returns the warehouse's key
    before and after (the same row when it was the warehouse's already). An unset key is the
    :class:`~pipeline.config.ConfigError` that names the variable."""
    pseudonymise = Pseudonymiser(config)
    before = recorded(con)
    if before is not None and matches(pseudonymise, before):
        return before, before
    after = _record(con, pseudonymise, ADOPTED)
    logger.info(f"author key no. {after['key_no']} adopted from {pseudonymise.key_env}")
    return before, after


def _record(con, pseudonymise: Pseudonymiser, by: str) -> dict:
    """Add the key's row (one statement: whole or not at all, inside a transaction of the caller's or not)."""
    salt = secrets.token_hex(16)
    con.execute(
        "INSERT INTO author_key (key_no, key_env, salt, fingerprint, recorded_by)"
        " SELECT coalesce(max(key_no), 0) + 1, ?, ?, ?, ? FROM author_key",
        [pseudonymise.key_env, salt, pseudonymise.fingerprint(salt), by],
    )
    return recorded(con)
