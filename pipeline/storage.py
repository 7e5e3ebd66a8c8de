"""The staging area's storage: a local folder, or an object store through Airflow's ``ObjectStoragePath``.

``staging_dir`` in the config is a folder (relative to the config file) or an object store's URL:
``s3://bucket/prefix``, ``gs://bucket/prefix``, ``az://container/prefix``. Object stores only: a file written
there appears whole or not at all (:func:`write` relies on it), which an sftp or smb
share does not promise. A folder is a :class:`pathlib.Path`; a URL is an
``ObjectStoragePath`` (``airflow.sdk``), which offers the path arithmetic the staging code uses (``/``,
``name``, ``parent``, ``with_name``); the file operations are this module's functions. Airflow is imported
only for a URL: importing it costs about two seconds and creates ``$AIRFLOW_HOME`` on a machine that runs the CLI
alone, which a local staging folder does not need.

Credentials never come from the config file. With ``staging_conn_id`` the filesystem is the one the provider
of the scheme builds from that Airflow connection (``apache-airflow-providers-amazon`` for ``s3``, ``-google``
for ``gs``); without it, fsspec's own implementation (``s3fs``, ``gcsfs``) reads the environment's standard
chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, an instance role, ``GOOGLE_APPLICATION_CREDENTIALS``).
``staging_options`` passes non-secret options to that filesystem, such as ``endpoint_url`` for an S3-compatible
store (MinIO, Ceph, or the tests' local moto server).

**Every store operation goes through this module and is bounded** (on the async fsspec filesystems of object stores:
s3fs, gcsfs, adlfs): :func:`read_text`, :func:`read_if_exists`, :func:`write`, :func:`remove`,
:func:`names_in` and :func:`fetch` give up after :data:`STORE_TIMEOUT_S` with :class:`StoreTimeout` naming the path,
and the task fails into Airflow's retry. The store clients' own socket timeouts do not bound an operation: s3fs
retries a timed-out request five times over botocore's own retries (an ``exists`` on a store that never answers was
still waiting after 296 s), and an upload waits for the store's ``100 Continue`` under no timer at all
(``benchmarks/store_hang.py``). DuckDB never opens the store: :func:`fetch` copies a staged file to a local
temporary folder first (within the bound, and before load takes the warehouse's lock), and :func:`write_parquet`
uploads a file DuckDB wrote locally.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import fsspec
from fsspec.asyn import AsyncFileSystem
from fsspec.exceptions import FSTimeoutError

from pipeline.config import Config, ConfigError
from pipeline.files import encoded, write_atomic
from pipeline.warehouse import literal, rows

StagePath = Any  # pathlib.Path for a folder, airflow.sdk.ObjectStoragePath for a URL

STORE_TIMEOUT_S = 120.0
"""The most one object-store operation may take: one read, write, listing or delete of one staged file (a
50,000-text shard is a few MB, a night's records a few tens of MB). A store that has not answered by then is
down for this task: :class:`StoreTimeout`, and Airflow's retry takes the step again. Read at call time."""


class StoreTimeout(TimeoutError):
    """The staging store did not finish an operation within :data:`STORE_TIMEOUT_S`."""


def is_url(location: str) -> bool:
    return "://" in location


def staging_root(config: Config) -> StagePath:
    """The configured ``staging_dir``: a Path, or an ObjectStoragePath for a URL."""
    if not is_url(config.staging_dir):
        return config.resolve(config.staging_dir)
    from airflow.sdk import ObjectStoragePath  # only for a URL: see the module's docstring
    from airflow.sdk.io import has_fs

    check_store(config)
    scheme = config.staging_dir.split("://", 1)[0]
    if config.staging_conn_id and not has_fs(scheme):  # else Airflow would fall back to an anonymous client
        raise ConfigError(
            f"{config.source_file}: staging_conn_id: Airflow has no filesystem for {scheme}:// to build from a "
            f"connection: install its provider (apache-airflow-providers-amazon for s3, -google for gs, "
            f"-microsoft-azure for az), or leave staging_conn_id out to use fsspec's own client with the "
            f"environment's credentials"
        )
    return ObjectStoragePath(config.staging_dir, conn_id=config.staging_conn_id, **config.staging_options)


def check_store(config: Config) -> None:
    """Refuse a ``staging_dir`` URL whose store is no object store (a ConfigError naming the setting), without
    Airflow: what ``brandpulse check-config`` checks, and :func:`staging_root` before it builds the path."""
    if not is_url(config.staging_dir):
        return
    scheme = config.staging_dir.split("://", 1)[0]
    unbounded = _unbounded(scheme)
    if unbounded:  # ftp://, sftp://, smb://: a server trickling its answer held a write past any STORE_TIMEOUT_S
        raise ConfigError(
            f"{config.source_file}: staging_dir: {scheme}:// is not an object store: its filesystem ({unbounded}) "
            "puts no time limit on a call (STORE_TIMEOUT_S bounds only an object store's) and does not write a file "
            "whole or not at all; give a folder (a mounted share's included), or s3://, gs:// or az://"
        )
    if scheme.lower() in ("http", "https"):  # fsspec's HTTPFileSystem is async, but deletes nothing: every prepare
        # failed on its first remove with a bare NotImplementedError, after check-config had passed the URL
        raise ConfigError(
            f"{config.source_file}: staging_dir: {scheme}:// is a web server, not an object store: it deletes no "
            "staged file; for MinIO or another S3-compatible store give s3://bucket/prefix and its "
            f"{scheme}:// address as staging_options' endpoint_url (or in staging_conn_id's connection)"
        )


def _unbounded(scheme: str) -> str | None:
    """The name of the fsspec filesystem of ``scheme`` when it is synchronous, so that :func:`_call` cannot bound its
    calls (``memory``: in the process, it never waits); None for an object store's (async), or a scheme fsspec
    does not know or cannot import (``ObjectStoragePath`` then says so)."""
    if scheme in ("memory", "file", "local"):
        return None
    try:
        cls = fsspec.get_filesystem_class(scheme)
    except (ValueError, ImportError):
        return None
    return None if issubclass(cls, AsyncFileSystem) else cls.__name__


def is_local(path: StagePath) -> bool:
    return isinstance(path, Path) or getattr(path, "protocol", "file") in ("", "file", "local")


def filesystem(path: StagePath):
    """The fsspec filesystem behind an ObjectStoragePath (the connection's, with ``staging_conn_id``)."""
    if getattr(path, "conn_id", None):
        return path.fs  # Airflow's: the provider's filesystem, authenticated by the connection
    # fsspec caches instances, so this is the one the path itself uses
    return fsspec.filesystem(path.protocol, **path.storage_options)


def local_path(path: StagePath) -> Path:
    """A local staging path as a :class:`pathlib.Path` (a folder given as ``file://`` included)."""
    return path if isinstance(path, Path) else Path(path.path)


def url(path: StagePath) -> str:
    """``path`` for messages: the file's path locally, the URL otherwise."""
    return str(local_path(path)) if is_local(path) else f"{path.protocol}://{path.path}"


def _call(path: StagePath, method: str, *args, what: str):
    """``filesystem(path).<method>(path, *args)``, given up after :data:`STORE_TIMEOUT_S`: fsspec's own bound
    for an async filesystem (s3fs, gcsfs, adlfs: the coroutine is cancelled, its connection closed). A store
    whose fsspec filesystem is synchronous has only its client's own timeouts."""
    fs = filesystem(path)
    bound = {"timeout": STORE_TIMEOUT_S} if isinstance(fs, AsyncFileSystem) else {}
    try:
        return getattr(fs, method)(path.path, *args, **bound)
    except FSTimeoutError:
        raise StoreTimeout(
            f"{url(path)}: the staging store did not {what} within {STORE_TIMEOUT_S:g} s "
            "(pipeline.storage.STORE_TIMEOUT_S); is it up and reachable from this worker?"
        ) from None


def read_text(path: StagePath) -> str:
    """The file's text; FileNotFoundError when there is none (see :func:`read_if_exists`)."""
    if is_local(path):
        return local_path(path).read_text()
    return _call(path, "cat_file", what="send it").decode("utf-8")


def read_if_exists(path: StagePath) -> str | None:
    """The file's text, or None when there is none: one store call, not an existence check and a read."""
    try:
        return read_text(path)
    except FileNotFoundError:
        return None


def json_record(text: str, keys: Iterable[str]) -> dict:
    """A staged JSON record (a manifest, a shard's ``scores.json``) read from ``text``: a JSON object holding
    ``keys``. A ValueError saying what is wrong otherwise (not JSON, another shape, keys missing: a store's cut or a
    hand's edit), for the caller to name its file, where a KeyError or TypeError named none."""
    record = json.loads(text)
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    if lacking := sorted(set(keys) - set(record)):
        raise ValueError(f"no {', '.join(lacking)}")
    return record


def remove(path: StagePath) -> None:
    """Delete a staged file; one that is not there is fine."""
    if is_local(path):
        local_path(path).unlink(missing_ok=True)
        return
    try:  # one call: S3 answers a delete of a missing key with success, other stores may raise
        _call(path, "rm_file", what="delete it")
    except FileNotFoundError:
        pass


def names_in(folder: StagePath) -> list[str]:
    """The names of the files directly under ``folder`` (none when it does not exist)."""
    if is_local(folder):
        return sorted(p.name for p in local_path(folder).iterdir()) if local_path(folder).exists() else []
    try:
        listed = _call(folder, "ls", False, what="list it")
    except FileNotFoundError:
        return []
    return sorted(str(p).rstrip("/").rsplit("/", 1)[-1] for p in listed)


def write(path: StagePath, content: str | bytes | Iterable[str]) -> int:
    """Write a staged file whole or not at all: :func:`pipeline.files.write_atomic` for a folder, one upload
    (an object appears only when complete) for a store. Returns what ``write_atomic`` returns: lines for an
    iterable of lines, else bytes."""
    if is_local(path):
        return write_atomic(local_path(path), content)
    data, n = encoded(content)
    _call(path, "pipe_file", data, what="take the upload")
    return n


def fetch(path: StagePath, into: Path) -> Path:
    """A local file DuckDB can open with the content of ``path``: the file itself for a folder, else a copy under
    the local folder ``into``, in a new subfolder of its own (two fetched files never share a name)."""
    if is_local(path):
        return local_path(path)
    local = Path(tempfile.mkdtemp(prefix="fetched-", dir=into)) / path.name
    _call(path, "get_file", str(local), what="send it")
    return local


def mkdirs(path: StagePath) -> None:
    """Create a folder; object stores have no folders (a key's prefix is enough), so nothing to do there."""
    if is_local(path):
        local_path(path).mkdir(parents=True, exist_ok=True)


def write_parquet(con, table: str, path: StagePath) -> int:
    """Write DuckDB table ``table`` of connection ``con`` to ``path`` as Parquet, whole or not at all (DuckDB
    writes a local temporary file; :func:`write` puts it in place). Returns the bytes written."""
    with tempfile.TemporaryDirectory(prefix="brandpulse-") as tmp:
        local = Path(tmp) / "part.parquet"
        con.execute(f"COPY {table} TO {literal(local)} (FORMAT parquet, COMPRESSION zstd)")
        return write(path, local.read_bytes())


def read_parquet(con, path: StagePath) -> list[dict]:
    """Every row of the Parquet file at ``path``, as dicts keyed by column name, in file order."""
    with tempfile.TemporaryDirectory(prefix="brandpulse-") as tmp:
        return parquet_rows(con, fetch(path, Path(tmp)))


def parquet_rows(con, local: Path) -> list[dict]:
    """Every row of a local Parquet file (one :func:`fetch` gave), as :func:`read_parquet` gives them."""
    return rows(con.execute("SELECT * FROM read_parquet($path)", {"path": str(local)}))
