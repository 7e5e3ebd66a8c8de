"""The staging area's storage (pipeline/storage.py): the same operations on a local folder and on an S3 store
(moto's server on 127.0.0.1, spoken to by the real s3fs client), and a store that never answers gives up with
an error naming the path instead of holding the night."""

from __future__ import annotations

import os
import socket
import tempfile
import threading
from pathlib import Path

import duckdb
import pytest

from pipeline import storage
from pipeline.config import ConfigError, load_config
from pipeline.warehouse import connect, migrate, row
from tests.helpers import write_config

S3_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def _root(tmp_path, **extra):
    return storage.staging_root(load_config(write_config(tmp_path, **extra)))


@pytest.fixture(scope="module")
def moto_endpoint():
    import boto3
    from moto.server import ThreadedMotoServer

    with pytest.MonkeyPatch.context() as mp:
        for key, value in S3_ENV.items():
            mp.setenv(key, value)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="stage")
        try:
            yield endpoint
        finally:
            server.stop()


@pytest.fixture(params=["folder", "file-url", "memory", "s3"])
def root(request, tmp_path, monkeypatch):
    if request.param == "folder":
        return _root(tmp_path)
    if request.param == "file-url":  # a folder given as a URL is still a folder (atomic local writes, no copies)
        return _root(tmp_path, staging_dir=f"file://{tmp_path}/staging")
    if request.param == "memory":  # fsspec's in-memory store: a delete of a missing file raises, as some stores do
        return _root(tmp_path, staging_dir=f"memory://stage/{tmp_path.name}")
    for key, value in S3_ENV.items():
        monkeypatch.setenv(key, value)
    endpoint = request.getfixturevalue("moto_endpoint")
    prefix = f"s3://stage/{tmp_path.name}"  # a fresh prefix per test
    return _root(tmp_path, staging_dir=prefix, staging_options={"endpoint_url": endpoint})


def test_every_operation_does_the_same_on_a_folder_and_on_a_store(root, tmp_path):
    folder = root / "day" / "run"
    storage.mkdirs(folder)
    assert storage.names_in(folder) == [] and storage.read_if_exists(folder / "a.json") is None
    assert storage.write(folder / "a.json", '{"n": 1}') == 8
    assert storage.write(folder / "b.jsonl", ['{"n": 1}', '{"n": 2}']) == 2  # lines
    assert storage.read_if_exists(folder / "a.json") == storage.read_text(folder / "a.json") == '{"n": 1}'
    assert storage.read_text(folder / "b.jsonl") == '{"n": 1}\n{"n": 2}\n'
    assert storage.names_in(folder) == ["a.json", "b.jsonl"]  # no temporary file left beside them
    with duckdb.connect() as con:
        con.execute("CREATE TEMP TABLE part AS SELECT range AS n, 'tekst ' || range AS text FROM range(3)")
        assert storage.write_parquet(con, "part", folder / "c.parquet") > 0
        assert storage.read_parquet(con, folder / "c.parquet") == [{"n": i, "text": f"tekst {i}"} for i in range(3)]
    local = storage.fetch(folder / "b.jsonl", tmp_path)
    assert local.read_text() == '{"n": 1}\n{"n": 2}\n'
    # two staged files whose names could meet (brand "x--y"/source "z" and brand "x"/source "y--z") stay apart
    storage.mkdirs(root / "x--y")
    storage.mkdirs(root / "x")
    storage.write(root / "x--y" / "z.jsonl", "one")
    storage.write(root / "x" / "y--z.jsonl", "two")
    fetched = [storage.fetch(p, tmp_path) for p in (root / "x--y" / "z.jsonl", root / "x" / "y--z.jsonl")]
    assert [f.read_text() for f in fetched] == ["one", "two"]
    storage.remove(folder / "a.json")
    storage.remove(folder / "a.json")  # already gone: fine
    assert storage.names_in(folder) == ["b.jsonl", "c.parquet"]
    assert storage.names_in(root / "never-written") == []
    assert storage.names_in(root / "day") == ["run"]  # a subfolder by its name


def test_staged_text_and_names_round_trip_whatever_the_store(root, tmp_path):
    """UTF-8 text both ways, names listed sorted whatever order they were written in, and two staged files of
    the same name in different folders fetched side by side without one overwriting the other."""
    storage.mkdirs(root / "u")
    text = '{"text": "Parcelo zgubił paczkę 😡"}'
    assert storage.write(root / "u" / "pl.json", text) == len(text.encode("utf-8"))
    assert storage.read_text(root / "u" / "pl.json") == storage.read_if_exists(root / "u" / "pl.json") == text
    for name in ("m.jsonl", "z.jsonl", "a.jsonl"):
        storage.write(root / "u" / name, name)
    assert storage.names_in(root / "u") == ["a.jsonl", "m.jsonl", "pl.json", "z.jsonl"]
    for brand in ("acme", "parcelo"):
        storage.mkdirs(root / brand)
        storage.write(root / brand / "records.jsonl", [f'{{"brand": "{brand}"}}'])
    fetched = [storage.fetch(root / brand / "records.jsonl", tmp_path) for brand in ("acme", "parcelo")]
    assert [f.read_text() for f in fetched] == ['{"brand": "acme"}\n', '{"brand": "parcelo"}\n']


def test_a_staging_folder_given_as_a_url_is_written_in_place_atomically(tmp_path):
    """``file://`` is the folder itself: files land where the URL says, a write replaces the file by a rename (a
    reader never sees half of it; :func:`pipeline.files.write_atomic`) rather than rewriting it in place, and
    fetch hands back the file itself, not a copy."""
    for root, folder in ((_root(tmp_path), tmp_path / "staging"),
                         (_root(tmp_path, staging_dir=f"file://{tmp_path}/other"), tmp_path / "other")):  # fmt: skip
        assert storage.is_local(root) and storage.url(root / "x.json") == str(folder / "x.json")
        storage.mkdirs(root)
        storage.write(root / "x.json", "old")
        assert (folder / "x.json").read_text() == "old"
        with (folder / "x.json").open() as reader:  # opened before the write: keeps the old file
            storage.write(root / "x.json", ["new"])
            assert reader.read() == "old"
        assert (folder / "x.json").read_text() == "new\n" and storage.names_in(root) == ["x.json"]
        assert storage.fetch(root / "x.json", tmp_path) == folder / "x.json"


@pytest.fixture
def silent_store(tmp_path, monkeypatch):
    """A staging root on an S3 endpoint that accepts every connection and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held = []  # accepted, never answered

    def accept():
        try:
            while True:
                held.append(server.accept())
        except OSError:  # the socket closed at teardown
            pass

    threading.Thread(target=accept, daemon=True).start()
    for key, value in S3_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(storage, "STORE_TIMEOUT_S", 1.0)
    endpoint = f"http://127.0.0.1:{server.getsockname()[1]}"
    yield _root(tmp_path, staging_dir="s3://silent/nightly", staging_options={"endpoint_url": endpoint})
    server.close()


@pytest.mark.parametrize(
    "operation",
    [
        lambda root, tmp: storage.write(root / "x.json", "{}"),  # an upload waits for "100 Continue" untimed
        lambda root, tmp: storage.read_if_exists(root / "x.json"),
        lambda root, tmp: storage.read_text(root / "x.json"),
        lambda root, tmp: storage.names_in(root),
        lambda root, tmp: storage.fetch(root / "x.json", tmp),
        lambda root, tmp: storage.remove(root / "x.json"),
    ],
    ids=["write", "read_if_exists", "read_text", "names_in", "fetch", "remove"],
)
def test_a_store_that_never_answers_fails_the_operation_naming_the_path(silent_store, tmp_path, operation):
    outcome: list = []

    def attempt():
        try:
            operation(silent_store, tmp_path)
            outcome.append(None)
        except Exception as exc:  # the outcome is what the test reads
            outcome.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(90)  # a guard so that a missing bound fails the test instead of hanging the suite
    assert not worker.is_alive(), "the operation was still waiting after 90 s: the store bound did not hold"
    assert isinstance(outcome[0], storage.StoreTimeout), outcome
    assert "s3://silent/nightly" in str(outcome[0]) and "within 1 s" in str(outcome[0])


def test_a_local_write_goes_through_a_synced_temporary_file_and_a_crash_keeps_the_old_content(tmp_path, monkeypatch):
    """write_atomic writes beside the target, fsyncs, then renames over it: a write that fails half-way leaves
    the old content whole and no temporary file, and the data is on disk before the rename makes it visible."""
    from pipeline import files

    target = tmp_path / "state.json"
    assert files.write_atomic(target, "old") == 3
    events: list = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(
        os, "replace", lambda a, b: (events.append(("replace", Path(a), Path(b))), real_replace(a, b))[1]
    )

    def lines():
        yield "first"
        raise RuntimeError("the extract died")

    with pytest.raises(RuntimeError, match="died"):
        files.write_atomic(target, lines())
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]
    assert events == []  # nothing was renamed over the target
    assert files.write_atomic(target, ["a", "b"]) == 2
    assert target.read_text() == "a\nb\n" and sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]
    assert events[0] == "fsync" and events[1][0] == "replace" and len(events) == 2
    assert events[1][1] != target and events[1][1].parent == target.parent and events[1][2] == target


def test_a_rename_that_fails_names_the_file_meant_not_its_temporary_one(tmp_path):
    """write_atomic named the file meant when the temporary one could not be made or written (d8fc579), but a
    rename that failed (the target a folder; in a sticky folder, another user's file) still named the temporary
    file, gone by then: `brandpulse report` said ".index.html.123.ab12cd34.tmp: Is a directory"."""
    from pipeline import files

    target = tmp_path / "index.html"
    target.mkdir()
    with pytest.raises(IsADirectoryError) as err:
        files.write_atomic(target, "<html>")
    assert err.value.filename == str(target) and err.value.strerror
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]  # no temporary file left


def test_two_writers_with_one_pid_never_share_a_temporary_file(tmp_path, monkeypatch):
    """Workers in two containers (each its own pids) sharing a staging or report folder can both be pid 7: the
    temporary file named by the pid alone was opened by both, so the second writer's rename made the first one's
    half-written file the target, which it kept writing into (a torn target), and the first failed its rename."""
    from pipeline import files

    monkeypatch.setattr(os, "getpid", lambda: 7)
    target = tmp_path / "records.jsonl"
    seen = []

    def ours():
        yield "ours-1"
        seen.append((files.write_atomic(target, "theirs\n"), target.read_text()))  # the other worker, meanwhile
        yield "ours-2"

    assert files.write_atomic(target, ours()) == 2
    assert seen == [(7, "theirs\n")] and target.read_text() == "ours-1\nours-2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.jsonl"]


def test_parquet_and_the_warehouse_work_under_a_temporary_folder_with_a_quote_in_its_name(tmp_path, monkeypatch):
    """A path goes into COPY ... TO and ATTACH as a literal (they take no parameter there): a quote in it
    (TMPDIR=/home/o'brien/tmp) once ended the literal and failed the shard's write with a syntax error."""
    quoted = tmp_path / "o'brien"
    quoted.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(quoted))
    root = _root(tmp_path)
    storage.mkdirs(root)
    with duckdb.connect() as con:
        con.execute("CREATE TEMP TABLE part AS SELECT range AS n FROM range(2)")
        assert storage.write_parquet(con, "part", root / "c.parquet") > 0
        assert storage.read_parquet(con, root / "c.parquet") == [{"n": 0}, {"n": 1}]
    with connect(quoted / "w's.duckdb") as con:
        migrate(con)
        assert row(con.execute("SELECT count(*) AS n FROM mentions"))["n"] == 0


def test_load_scores_names_a_shard_whose_scores_parquet_is_gone_from_the_store(moto_endpoint, tmp_path, monkeypatch):
    """A shard's scores.json staged but its scores.parquet gone from the store (a lifecycle rule, a hand): the
    load named nothing and failed with s3fs's bare "The specified key does not exist." (a FileNotFoundError the
    CLI's load-scores printed as a traceback), where a folder's missing file was the shard's "cannot be read"."""
    import json
    from datetime import date

    from pipeline import scoring

    for key, value in S3_ENV.items():
        monkeypatch.setenv(key, value)
    staging_dir = f"s3://stage/{tmp_path.name}"
    cfg = load_config(write_config(tmp_path, staging_dir=staging_dir, staging_options={"endpoint_url": moto_endpoint}))
    day = date(2026, 10, 1)
    folder = scoring.shard_dir(cfg, day, "r1")
    plan = {"run_id": "r1", "started_at": "2026-10-02T01:00:00+00:00", "texts": 2, "shard_size": 2, "plan": "p1"}
    storage.write(folder / "plan.json", json.dumps(plan | {"shards": 1}))
    done = {"shard": 0, "texts": 2, "seconds": 0.1, "plan": "p1", "model_name": "m", "model_version": "1"}
    storage.write(folder / "00000.scores.json", json.dumps(done | {"model_sha256": "0" * 64}))
    with pytest.raises(RuntimeError, match=r"score shard 0 of 1: s3://stage/.*/00000\.scores\.parquet cannot be read"):
        scoring.load_scores(cfg, tmp_path / "warehouse.duckdb", day, "r1")
    assert not (tmp_path / "warehouse.duckdb").exists()  # failed before the warehouse was opened


def test_a_staging_url_whose_store_has_no_bound_on_a_call_is_refused_naming_it(tmp_path):
    """ftp:// (fsspec's FTPFileSystem, synchronous): STORE_TIMEOUT_S cannot bound its calls, and a server that
    trickled its greeting a byte a second held a staged write for as long as it liked; nor does it write whole."""
    with pytest.raises(ConfigError) as refused:
        _root(tmp_path, staging_dir="ftp://127.0.0.1:2121/staging")
    assert "staging_dir: ftp:// is not an object store" in str(refused.value)
    assert "FTPFileSystem" in str(refused.value)


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_staging_url_of_a_web_server_is_refused_naming_it(tmp_path, scheme):
    """http(s):// (fsspec's HTTPFileSystem, asynchronous, as MinIO's address pasted as the staging_dir): check-config
    passed it, and every night's prepare failed on its first delete with a bare NotImplementedError naming nothing."""
    cfg = load_config(write_config(tmp_path, staging_dir=f"{scheme}://127.0.0.1:9000/brandpulse"))
    with pytest.raises(ConfigError, match=rf"staging_dir: {scheme}:// is a web server, not an object store"):
        storage.check_store(cfg)
    with pytest.raises(ConfigError, match="endpoint_url"):
        storage.staging_root(cfg)
