"""The staging area's storage: a local folder, or an object store through Airflow's ``ObjectStoragePath``.

``staging_dir`` in the config is a folder (relative to the config file) or an object store's URL:
``s3://bucket/prefix``, ``gs://bucket/prefix``, ``az://container/prefix``. Object stores only: a file written
there appears whole or not at all (:func:`pipeline.files.write_atomic` relies on it), which an sftp or smb
share does not promise. A folder is a :class:`pathlib.Path`; a URL is an
``ObjectStoragePath`` (``airflow.sdk``), which offers the same path operations the staging code uses (``/``,
``name``, ``with_name``, ``exists``, ``read_text``, ``write_bytes``, ``iterdir``, ``unlink``). Airflow is imported
only for a URL: importing it costs about two seconds and creates ``$AIRFLOW_HOME`` on a machine that runs the CLI
alone, which a local staging folder does not need.

Credentials never come from the config file. With ``staging_conn_id`` the filesystem is the one the provider
of the scheme builds from that Airflow connection (``apache-airflow-providers-amazon`` for ``s3``, ``-google``
for ``gs``); without it, fsspec's own implementation (``s3fs``, ``gcsfs``) reads the environment's standard
chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, an instance role, ``GOOGLE_APPLICATION_CREDENTIALS``).
``staging_options`` passes non-secret options to that filesystem, such as ``endpoint_url`` for an S3-compatible
store (MinIO, Ceph, or the tests' local moto server).

DuckDB reads and writes staged files by name (:func:`duck_name`); for a URL, :func:`register` first hands the
store's filesystem to the connection (``register_filesystem``), so no DuckDB extension is downloaded.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from pipeline.config import Config, ConfigError
from pipeline.files import write_atomic
from pipeline.warehouse import rows

StagePath = Any  # pathlib.Path for a folder, airflow.sdk.ObjectStoragePath for a URL


def is_url(location: str) -> bool:
    return "://" in location


def staging_root(config: Config) -> StagePath:
    """The configured ``staging_dir``: a Path, or an ObjectStoragePath for a URL."""
    if not is_url(config.staging_dir):
        return config.resolve(config.staging_dir)
    from airflow.sdk import ObjectStoragePath  # only for a URL: see the module's docstring
    from airflow.sdk.io import has_fs

    scheme = config.staging_dir.split("://", 1)[0]
    if config.staging_conn_id and not has_fs(scheme):  # else Airflow would fall back to an anonymous client
        raise ConfigError(
            f"{config.source_file}: staging_conn_id: Airflow has no filesystem for {scheme}:// to build from a "
            f"connection: install its provider (apache-airflow-providers-amazon for s3, -google for gs, "
            f"-microsoft-azure for az), or leave staging_conn_id out to use fsspec's own client with the "
            f"environment's credentials"
        )
    return ObjectStoragePath(config.staging_dir, conn_id=config.staging_conn_id, **config.staging_options)


def is_local(path: StagePath) -> bool:
    return isinstance(path, Path) or getattr(path, "protocol", "file") in ("", "file", "local")


def filesystem(path: StagePath):
    """The fsspec filesystem behind an ObjectStoragePath (the connection's, with ``staging_conn_id``)."""
    if getattr(path, "conn_id", None):
        return path.fs  # Airflow's: the provider's filesystem, authenticated by the connection
    import fsspec  # fsspec caches instances, so this is the one the path itself uses

    return fsspec.filesystem(path.protocol, **path.storage_options)


def duck_name(path: StagePath) -> str:
    """The name DuckDB opens ``path`` by: the file's own path locally, the URL otherwise (after :func:`register`)."""
    if isinstance(path, Path):
        return str(path)
    return path.path if is_local(path) else f"{path.protocol}://{path.path}"


def register(con, path: StagePath) -> None:
    """Let DuckDB connection ``con`` open files under ``path`` (a no-op for a local folder)."""
    if is_local(path):
        return
    fs = filesystem(path)
    names = {fs.protocol} if isinstance(fs.protocol, str) else set(fs.protocol)
    for name in names & set(con.list_filesystems()):  # the DuckDB instance is the process's: a store used before
        con.unregister_filesystem(name)
    con.register_filesystem(fs)


def mkdirs(path: StagePath) -> None:
    """Create a folder; object stores have no folders (a key's prefix is enough), so nothing to do there."""
    if is_local(path):
        Path(duck_name(path)).mkdir(parents=True, exist_ok=True)


def write_parquet(con, table: str, path: StagePath) -> int:
    """Write DuckDB table ``table`` of connection ``con`` to ``path`` as Parquet, atomically (DuckDB writes a local
    temporary file; :func:`pipeline.files.write_atomic` puts it in place). Returns the bytes written."""
    with tempfile.TemporaryDirectory(prefix="brandpulse-") as tmp:
        local = Path(tmp) / "part.parquet"
        con.execute(f"COPY {table} TO '{local}' (FORMAT parquet, COMPRESSION zstd)")
        return write_atomic(path, local.read_bytes())


def read_parquet(con, path: StagePath) -> list[dict]:
    """Every row of the Parquet file at ``path``, as dicts keyed by column name, in file order."""
    register(con, path)
    return rows(con.execute("SELECT * FROM read_parquet($path)", {"path": duck_name(path)}))
