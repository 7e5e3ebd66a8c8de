"""The training command's stage 1 for ``--init``: a written model becomes the starting point, unchanged."""

from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import load_file

from pipeline.sentiment.train import base_from_model
from tests.helpers import MODEL_DIR


def test_init_starts_from_the_written_model_in_fp32_with_its_tokenizer(tmp_path):
    base = base_from_model(tmp_path, MODEL_DIR)
    shipped = load_file(MODEL_DIR / "model.safetensors")
    start = load_file(base / "model.safetensors")
    assert start.keys() == shipped.keys()
    for name, tensor in shipped.items():
        assert start[name].dtype == torch.float32 and torch.equal(start[name], tensor.float()), name
    vocab = json.loads((base / "tokenizer.json").read_text())["model"]["vocab"]
    assert vocab == json.loads((MODEL_DIR / "tokenizer.json").read_text())["model"]["vocab"]
    coverage = json.loads((base / "coverage.json").read_text())
    assert coverage == json.loads((MODEL_DIR / "metrics.json").read_text())["coverage"]
    assert base_from_model(tmp_path, tmp_path / "elsewhere") == base  # done: stage 1 is not redone


def test_init_from_a_folder_that_is_not_a_written_model_names_it(tmp_path):
    (tmp_path / "not-a-model").mkdir()
    with pytest.raises(SystemExit, match=r"not-a-model.*metrics\.json"):
        base_from_model(tmp_path / "work", tmp_path / "not-a-model")
