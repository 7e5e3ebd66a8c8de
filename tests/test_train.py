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
    assert base_from_model(tmp_path, MODEL_DIR) == base  # done: stage 1 is not redone


def test_a_work_folder_is_never_carried_on_from_another_starting_point(tmp_path):
    """A run in --work carries on only from where it started: the same --init weights, or the rebuilt base."""
    from pipeline.sentiment.train import build_base

    base_from_model(tmp_path, MODEL_DIR)
    other = tmp_path / "other-model"
    other.mkdir()
    for name in ("metrics.json", "model.safetensors"):
        (other / name).write_bytes((MODEL_DIR / name).read_bytes()[:-1] + b" ")
    with pytest.raises(SystemExit, match=r"started from .*brandpulse-sentiment, not from .*other-model"):
        base_from_model(tmp_path, other)
    with pytest.raises(SystemExit, match="not from the base encoder, rebuilt and trimmed: give another --work"):
        build_base(tmp_path, [], [], 64_000, 96)


def test_init_from_a_folder_that_is_not_a_written_model_names_it(tmp_path):
    (tmp_path / "not-a-model").mkdir()
    with pytest.raises(SystemExit, match=r"not-a-model.*metrics\.json"):
        base_from_model(tmp_path / "work", tmp_path / "not-a-model")
