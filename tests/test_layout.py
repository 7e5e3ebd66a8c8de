"""The package's shape: what an extract task loads, and no import that exists to dodge a cycle.

The layers themselves (who may import whom, no cycles) are import-linter contracts in ``pyproject.toml``, checked
by ``lint-imports`` in ``make lint``; docs/architecture.md draws them.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib

import pytest

from tests.helpers import REPO

HEAVY = ("pandas", "torch", "matplotlib")

# Function-level imports of pipeline modules that are deliberate deferrals (of heavy or optional packages),
# never a way around an import cycle. Module path: {function names, or "*" for all} and why.
DEFERRED_IMPORTS = {
    "pipeline/cli.py": ({"*"}, "each command imports its own step: `brandpulse --help` and light commands stay fast"),
    "pipeline/console.py": ({"main"}, "a plain `brandpulse sql` starts without typer, pydantic and rich"),
    "pipeline/scoring.py": (
        {"load_scorer", "version_to_score"},
        "torch and transformers load only when something is scored",
    ),
}
# importlib.import_module(...) of pipeline modules: only the source registry, so that a file-drop task never
# loads PRAW or google-play-scraper.
IMPORTLIB_IMPORTS = {"pipeline/sources/__init__.py": {"build_source"}}
# Import names whose distribution is installed through a declared meta-package.
PROVIDED_BY = {"airflow": "apache-airflow"}  # apache-airflow installs apache-airflow-core and -task-sdk
SKIP = ("pipeline/sql/",)  # the warehouse's SQL, installed as package data: no Python there


def _modules():
    for path in sorted((REPO / "pipeline").rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        if not rel.startswith(SKIP):
            yield rel, ast.parse(path.read_text(encoding="utf-8"), filename=rel)


def _in_functions(tree):
    """(innermost enclosing function's name or "<module>", node) for every node of the module."""

    def visit(node, where):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else where
            yield inner, child
            yield from visit(child, inner)

    yield from visit(tree, "<module>")


def _pipeline_import(node) -> str | None:
    """What an import statement takes from the pipeline package, if anything."""
    if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0] == "pipeline"):
        names = ", ".join(a.name for a in node.names)
        return f"from {'.' * node.level}{node.module or ''} import {names}"
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names if a.name.split(".")[0] == "pipeline"]
        return f"import {', '.join(names)}" if names else None
    return None


def _dynamic_import(node) -> str | None:
    """The source of an ``importlib.import_module(...)`` or ``__import__(...)`` call."""
    if isinstance(node, ast.Call):
        f = node.func
        if (f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)) in ("import_module", "__import__"):
            return ast.unparse(node)
    return None


def test_extract_task_loads_no_pandas_torch_or_matplotlib():
    """An extract task imports pipeline.staging and one source implementation; none of them loads the heavy three."""
    code = f"""
import importlib, json, sys
heavy = {HEAVY!r}
import pipeline.staging
after_staging = [m for m in heavy if m in sys.modules]
from pipeline.sources import _IMPLEMENTATIONS
for module, _ in _IMPLEMENTATIONS.values():
    importlib.import_module(module)
print(json.dumps({{"staging": after_staging, "sources": [m for m in heavy if m in sys.modules]}}))
"""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded == {"staging": [], "sources": []}


def test_no_function_level_imports_of_pipeline_modules_but_the_documented_deferrals():
    found, used = [], set()
    for rel, tree in _modules():
        allowed, _why = DEFERRED_IMPORTS.get(rel, (set(), ""))
        for where, node in _in_functions(tree):
            module = _pipeline_import(node)
            if module is None or where == "<module>":
                continue
            if "*" in allowed or where in allowed:
                used.add((rel, "*" if "*" in allowed else where))
            else:
                found.append(f"{rel}:{node.lineno} in {where}(): {module}")
    assert not found, "import these at the top of the module (a layer only imports the layers below it):\n" + (
        "\n".join(found)
    )
    listed = {(rel, name) for rel, (names, _) in DEFERRED_IMPORTS.items() for name in names}
    assert listed == used, f"stale entries in DEFERRED_IMPORTS: {sorted(listed - used)}"


def test_importlib_only_in_the_source_registry():
    found, used = [], set()
    for rel, tree in _modules():
        for where, node in _in_functions(tree):
            call = _dynamic_import(node)
            if call is None:
                continue
            if where in IMPORTLIB_IMPORTS.get(rel, set()):
                used.add((rel, where))
            else:
                found.append(f"{rel}:{node.lineno} in {where}: {call}")
    assert not found, "\n".join(found)
    assert used == {(rel, name) for rel, names in IMPORTLIB_IMPORTS.items() for name in names}


def _dist(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_third_party_import_is_declared():
    """A package that pipeline/ imports is in pyproject.toml (dependencies or an extra), not only pulled in."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    declared = {_dist(re.match(r"[A-Za-z0-9_.-]+", r).group()) for r in requirements}
    installed = importlib.metadata.packages_distributions()
    missing = set()
    for rel, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module]
            else:
                continue
            for top in {n.split(".")[0] for n in names}:
                if top in sys.stdlib_module_names or top == "pipeline":
                    continue
                dists = {_dist(d) for d in installed.get(top, [])} | {PROVIDED_BY.get(top, top)}
                if not dists & declared:
                    missing.add(f"{top} (imported by {rel}; installed by {sorted(dists) or 'nothing'})")
    assert not missing, "declare these in pyproject.toml:\n" + "\n".join(sorted(missing))


def test_the_lock_pins_every_distribution_the_install_pulls_in():
    """`make venv` installs `.[train,test]` with `-c .ci/constraints.txt`: a distribution it pulls in that the lock
    does not name (setuptools, which torch requires and `pip freeze` leaves out) is installed at whatever version the
    index has that day."""
    from packaging.requirements import Requirement

    lock = {_dist(line.split("==")[0]) for line in (REPO / ".ci" / "constraints.txt").read_text().split()}
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    wanted = project["dependencies"] + extras["train"] + extras["test"]  # what `make venv` installs
    todo = [r for r in map(Requirement, wanted) if not r.marker or r.marker.evaluate({"extra": ""})]
    visited, names = set(), set()
    while todo:
        req = todo.pop()
        if (key := (_dist(req.name), frozenset(req.extras))) in visited:
            continue
        visited.add(key)
        names.add(key[0])
        requires = list(map(Requirement, importlib.metadata.distribution(req.name).requires or []))
        for extra in {"", *req.extras}:
            todo += [r for r in requires if not r.marker or r.marker.evaluate({"extra": extra})]
    assert names - lock == set(), (
        "pin these in .ci/constraints.txt (make lock), unless they are torch's CUDA build's (nvidia-*, cuda-*, "
        "triton): then the CPU wheel is meant (README, Dependencies: PIP_EXTRA_INDEX_URL)"
    )


def test_make_lock_without_a_venv_fails_and_keeps_the_lock(tmp_path):
    """`make lock` before `make venv`: pip's failure was lost in the pipe, the lock was written empty and make said
    nothing was wrong (the next `make venv` then installed whatever the index had). With a venv it pins the freeze."""
    make = shutil.which("make")
    if make is None:
        pytest.skip("no make on PATH")
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    (tmp_path / ".ci").mkdir()
    lock = tmp_path / ".ci" / "constraints.txt"
    lock.write_text("duckdb==2.0.0\n")
    failed = subprocess.run([make, "-s", "lock"], cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0 and "make venv" in failed.stdout, failed
    assert lock.read_text() == "duckdb==2.0.0\n"

    pip = tmp_path / ".venv" / "bin" / "pip"
    pip.parent.mkdir(parents=True)
    pip.write_text("#!/bin/sh\nprintf 'brandpulse==0.1.0\\npip==26.3\\nduckdb==2.0.1\\ntorch==2.13.0+cpu\\n'\n")
    pip.chmod(0o755)
    subprocess.run([make, "-s", "lock"], cwd=tmp_path, check=True)
    assert lock.read_text() == "duckdb==2.0.1\ntorch==2.13.0\n"
