"""The bundled demo sample is what its generators write: regenerating it as demo/sample/README.md says changes
nothing, its README included."""

from __future__ import annotations

import shutil
import sys

from demo import generate_pl_nl, generate_sample
from tests.helpers import REPO

SAMPLE = REPO / "demo" / "sample"


def test_regenerating_the_sample_keeps_every_file_and_the_readmes_polish_and_dutch_section(tmp_path, monkeypatch):
    shutil.copy(SAMPLE / "README.md", tmp_path / "README.md")  # as in the checkout, before regenerating
    monkeypatch.setattr(generate_sample, "OUT_DIR", tmp_path)
    generate_sample.main()  # writes the English brands and the README's sections before the Polish and Dutch one
    section = tmp_path / "pl_nl.md"
    monkeypatch.setattr(sys, "argv", ["generate_pl_nl", "--out", str(tmp_path), "--readme-section", str(section)])
    generate_pl_nl.main()

    readme = (SAMPLE / "README.md").read_text(encoding="utf-8")
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == readme  # not cut at the Polish and Dutch section
    assert readme.endswith("\n\n" + section.read_text(encoding="utf-8"))  # the section as its generator writes it
    for slug in ("parcelo", "brewbird", "novabank", "paczkolot", "zoefiets"):
        for name in ("mentions.csv", "reviews.jsonl"):
            assert (tmp_path / slug / name).read_bytes() == (SAMPLE / slug / name).read_bytes(), f"{slug}/{name}"
