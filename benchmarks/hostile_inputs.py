"""How long the pipeline takes over inputs built to be slow: one case a child process, stopped at ``--limit``.

    .venv/bin/python benchmarks/hostile_inputs.py                      # this checkout's code
    .venv/bin/python benchmarks/hostile_inputs.py --code /tmp/old      # another checkout's (a git worktree)

Each case is an input a file drop, a survey export, a customer list or a mention can carry, small on disk, that
made a step run far longer than its size (found by a security review, 2026-12-05):

- ``xlsx-wide``: a 5 KB survey export whose sheet claims columns A to XFD and a row 1,048,576;
- ``header-regex``: a 512 KiB header cell repeating "how likely is it " (the SurveyMonkey preset's NPS pattern);
- ``amount``: a 64 KiB customer revenue cell, "1", letters, "1";
- ``long-word``: the terms of a mention that is one 1 MiB word (the report's drivers, an alert's explanation);
- ``symlink-loop``: a file drop's ``drop/**/*.csv`` over a folder holding ``latest -> .`` and ``current -> .``;
- ``hn-markup``: a Hacker News comment of 80 KB, ``<a x=">"`` 10,000 times (markup that does not close), read as
  plain text (added 2026-12-07).

Prints each case's seconds (wall, in the child) or that it was still running at ``--limit`` (the child is
killed). ``--code DIR`` runs the cases against the ``pipeline`` package of another checkout (``git worktree add
/tmp/old REV``) for a before-and-after with the same inputs; ``--json FILE`` writes the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_SETUP = """
import sys, time, zipfile, re, os
from pathlib import Path
import pipeline
print("code:", Path(pipeline.__file__).parent.parent, file=sys.stderr)
work = Path(sys.argv[1])
"""

CASES = {
    "xlsx-wide": """
import openpyxl
from pipeline.config_surveys import SurveySpec
from pipeline.surveys.importer import read_survey_file
book = openpyxl.Workbook()
book.active.append(["ResponseId", "RecordedDate", "NPS"])
book.active.append(["R_1", "2026-10-01 10:00:00", 9])
book.save(work / "plain.xlsx")
with zipfile.ZipFile(work / "plain.xlsx") as zin, zipfile.ZipFile(work / "wide.xlsx", "w") as zout:
    for item in zin.infolist():
        data = zin.read(item.filename)
        if item.filename == "xl/worksheets/sheet1.xml":
            xml = re.sub(r'<dimension ref="[^"]*" ?/>', '<dimension ref="A1:XFD1048576"/>', data.decode())
            last = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>R_2</t></is></c></row>'
            data = xml.replace("</sheetData>", last + "</sheetData>").encode()
        zout.writestr(item, data)
spec = SurveySpec(name="x", brand="acme", path="wide.xlsx", preset="qualtrics")
started = time.perf_counter()
read_survey_file(None, spec, work / "wide.xlsx")
""",
    "header-regex": """
from pipeline.config_surveys import SurveySpec
from pipeline.surveys.importer import survey_columns
spec = SurveySpec(name="sm", brand="acme", path="x.csv", preset="surveymonkey")
header = ["Respondent ID", "End Date", "how likely is it " * (512 * 1024 // 17),
          "How likely is it that you would recommend Acme to a friend?"]
started = time.perf_counter()
survey_columns(spec, header, "x.csv")
""",
    "amount": """
from pipeline.surveys.importer import amount
started = time.perf_counter()
try:
    amount("1" + "x" * 65536 + "1")
except ValueError:
    pass
""",
    "long-word": """
from pipeline.explain import tokenize
started = time.perf_counter()
tokenize("x" * (1 << 20) + " refund")
""",
    "symlink-loop": """
import yaml
from pipeline.config import load_config
from pipeline.sources import build_source
drop = work / "drop"
drop.mkdir()
(drop / "mentions.csv").write_text("post_id,posted_at,body\\n")
(drop / "latest").symlink_to(".")
(drop / "current").symlink_to(".")
columns = {"native_id": "post_id", "created_at": "posted_at", "text": "body"}
doc = {"brands": [{"name": "Acme", "sources": [{"type": "file_drop", "name": "drop", "path": "drop/**/*.csv",
       "columns": columns}]}]}
(work / "brandpulse.yaml").write_text(yaml.safe_dump(doc))
config = load_config(work / "brandpulse.yaml")
started = time.perf_counter()
try:
    print("found", len(build_source(config, config.brands[0], "drop").files()), "file(s)", file=sys.stderr)
except Exception as exc:
    print("raised", type(exc).__name__, file=sys.stderr)
""",
    "hn-markup": """
from pipeline.sources.hackernews import plain_text
started = time.perf_counter()
plain_text("Parcelo " + '<a x=">"' * 10_000)
""",
}


def run_case(name: str, code_dir: Path, limit: float) -> dict:
    script = _SETUP + textwrap.dedent(CASES[name]) + '\nprint(f"{time.perf_counter() - started:.3f}")\n'
    env = {"BRANDPULSE_AUTHOR_KEY": "a benchmark's own key, hashing no one", **os.environ, "PYTHONPATH": str(code_dir)}
    with tempfile.TemporaryDirectory(prefix="hostile-") as work:
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [sys.executable, "-c", script, work], capture_output=True, text=True, env=env, timeout=limit, cwd=work
            )  # cwd: `-c` puts it first on sys.path, before PYTHONPATH
        except subprocess.TimeoutExpired:
            return {"case": name, "seconds": None, "note": f"still running at {limit:g} s (stopped)"}
    if done.returncode:
        return {"case": name, "seconds": None, "note": "failed: " + done.stderr.strip().splitlines()[-1][:200]}
    note = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    return {"case": name, "seconds": float(done.stdout.split()[-1]), "wall_s": time.perf_counter() - started,
            "note": note}  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--code", type=Path, default=REPO, help="the checkout whose pipeline package runs the cases")
    ap.add_argument("--limit", type=float, default=120, help="seconds a case may run before it is stopped")
    ap.add_argument("--only", nargs="+", choices=sorted(CASES), help="these cases only")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args()
    results = []
    for name in args.only or CASES:
        result = run_case(name, args.code.resolve(), args.limit)
        if result["seconds"] is None:
            shown = result["note"]
        else:
            shown = f"{result['seconds']:.3f} s" + (f"  ({result['note']})" if result["note"] else "")
        print(f"{name:14} {shown}", flush=True)
        results.append(result)
    if args.json:
        doc = {"code": str(args.code.resolve()), "limit_s": args.limit, "results": results}
        args.json.write_text(json.dumps(doc, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
