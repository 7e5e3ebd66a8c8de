"""The package is the product: the built wheel holds the code and the warehouse's SQL and nothing of the demo,
and an installed brandpulse works from a folder outside the checkout (``init`` with no config file, ``run``).

The wheel is built from a copy of the checkout (setuptools' ``build/`` would otherwise keep stale files between
builds) and installed, without dependencies, into a throwaway venv that borrows this venv's packages through a
``.pth`` line (a plain path: this venv's editable install of the checkout is not loaded there).
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import duckdb
import pytest

from tests.helpers import NIGHT_ROWS, REPO, csv_rows, write_config

# The caches too: another test process (make test runs several) may write them while this one copies the checkout.
SKIP = shutil.ignore_patterns(
    *(".git", ".venv", "data", "build", "dist", "*.egg-info", "__pycache__", "test-artifacts", "models"),
    *(".ruff_cache", ".hypothesis", ".pytest_cache", ".import_linter_cache"),
)


def _sql_files() -> list[str]:
    return sorted(p.relative_to(REPO / "warehouse").as_posix() for p in (REPO / "warehouse").rglob("*.sql"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src") / "brandpulse"
    shutil.copytree(REPO, src, ignore=SKIP)
    (src / "models").symlink_to(REPO / "models", target_is_directory=True)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", out, src],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("brandpulse-*.whl")
    return built


def _venv(folder: Path) -> Path:
    """A venv without pip whose site-packages also sees this venv's packages (the dependencies). Returns its bin/."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", folder], check=True)
    probe = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = Path(subprocess.check_output([folder / "bin" / "python", "-c", probe], text=True).strip())
    (site / "project-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return folder / "bin"


def _pip_install(bin_dir: Path, *args) -> None:
    pip = [sys.executable, "-m", "pip", "--python", bin_dir / "python"]
    subprocess.run(
        [*pip, "install", "-q", "--no-deps", "--no-index", *args],
        check=True,
        capture_output=True,
    )


def _env() -> dict[str, str]:
    """This process's environment without anything that would put the checkout on sys.path."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BRANDPULSE_CONFIG", "BRANDPULSE_DB")}


def _run(bin_dir: Path, cwd: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([bin_dir / args[0], *args[1:]], cwd=cwd, env=_env(), capture_output=True, text=True)


def test_wheel_holds_the_code_and_the_sql_and_no_demo(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    code = {p.relative_to(REPO).as_posix() for p in (REPO / "pipeline").rglob("*.py")}
    assert code - names == set(), "modules missing from the wheel: list their package in pyproject.toml"
    sql = _sql_files()
    assert len(sql) > 40 and any("/" in f.removeprefix("queries/") for f in sql if f.startswith("queries/"))
    assert {f"pipeline/sql/{f}" for f in sql} - names == set()  # migrations, views, queries and their subfolders
    assert "pipeline/sql/__init__.py" in names
    assert {"pipeline/report/templates/base.html", "pipeline/report/templates/brand.html"} <= names
    assert {n.split("/")[0] for n in names if ".dist-info/" not in n} == {"pipeline"}  # no demo/, dags/, tests/
    assert not [n for n in names if n.endswith((".csv", ".jsonl", ".yaml", ".safetensors")) or "sample" in n]


def test_the_package_never_imports_the_demo():
    """The product does not depend on the top-level demo/ (which the wheel does not ship)."""
    offenders = []
    for path in sorted((REPO / "pipeline").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and node.level == 0
                else []
            )
            offenders += [f"{path.relative_to(REPO)}: {n}" for n in names if n.split(".")[0] == "demo"]
    assert offenders == []


@pytest.mark.slow
def test_installed_wheel_inits_and_runs_outside_the_checkout(wheel, tmp_path):
    bin_dir = _venv(tmp_path / "venv")
    _pip_install(bin_dir, wheel)
    work = tmp_path / "elsewhere"
    work.mkdir()

    where = _run(bin_dir, work, "python", "-c", "import pipeline.warehouse as w; print(w.__file__, w.sql_dir())")
    assert where.returncode == 0, where.stderr
    installed, sql_dir = where.stdout.split()
    assert installed.startswith(str(tmp_path / "venv")) and sql_dir.startswith(str(tmp_path / "venv"))
    assert Path(sql_dir).name == "sql"

    init = _run(bin_dir, work, "brandpulse", "init", "--db", "w.duckdb")  # no brandpulse.yaml anywhere
    assert init.returncode == 0, init.stderr
    assert "schema version" in init.stdout and (work / "w.duckdb").exists()

    (work / "acme.csv").write_text(csv_rows(NIGHT_ROWS), encoding="utf-8")
    write_config(work)  # a file drop, the shipped model by absolute path, staging under work/
    night = _run(bin_dir, work, "brandpulse", "run", "--date", "2026-10-01", "--db", "w.duckdb")
    assert night.returncode == 0, night.stderr
    summary = json.loads(night.stdout.splitlines()[-1])
    assert summary["status"] == "success"
    with duckdb.connect(str(work / "w.duckdb"), read_only=True) as con:
        mentions = con.execute("SELECT count(*) FROM mentions").fetchone()[0]
        scored = con.execute("SELECT count(*) FROM sentiment").fetchone()[0]
    assert mentions == scored == summary["new_mentions"] > 0


@pytest.mark.slow
def test_editable_install_maps_pipeline_sql_onto_the_warehouse_folder(tmp_path):
    src = tmp_path / "brandpulse"
    shutil.copytree(REPO, src, ignore=SKIP)
    bin_dir = _venv(tmp_path / "venv")
    _pip_install(bin_dir, "--no-build-isolation", "-e", src)
    probe = "import importlib.resources as r, pipeline.warehouse as w; print(r.files('pipeline.sql'), w.sql_dir())"
    out = _run(bin_dir, tmp_path, "python", "-c", probe)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(src / "warehouse")] * 2
    init = _run(bin_dir, tmp_path, "brandpulse", "init", "--db", "w.duckdb")
    assert init.returncode == 0 and "schema version" in init.stdout, init.stderr
