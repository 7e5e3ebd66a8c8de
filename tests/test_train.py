"""The training command's stage 1 for ``--init``: a written model becomes the starting point, unchanged."""

from __future__ import annotations

import json
from pathlib import Path

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


def _tiny_base(folder):
    """A small BERT classifier (2 layers, hidden 32, dropout on) with the shipped tokenizer: stage 2's input."""
    import shutil

    from transformers import BertConfig, BertForSequenceClassification

    vocab = json.loads((MODEL_DIR / "config.json").read_text())["vocab_size"]
    torch.manual_seed(0)
    config = BertConfig(vocab_size=vocab, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128, num_labels=3)  # fmt: skip
    BertForSequenceClassification(config).save_pretrained(folder)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(MODEL_DIR / name, folder / name)
    return folder


def _rows():
    words = ["late", "great", "refund", "where is my parcel", "thanks", "broken app", "ok", "bez odpowiedzi"]
    rows = [{"text": f"{w} {i}", "label": i % 3, "source": "a", "lang": "en"} for i, w in enumerate(words * 5)]
    rows += [{"text": f"{w}!", "label": 2 * (i % 2), "source": "pl-tweets-binary", "lang": "pl"}
             for i, w in enumerate(words * 3)]  # fmt: skip
    return rows


def test_training_interrupted_between_checkpoints_resumes_from_the_last_and_ends_as_an_unbroken_run(
    tmp_path, monkeypatch, capsys
):
    """Stage 2 stopped (Ctrl-C) at batch 8, two batches after its checkpoint at 5, then again while it wrote the
    checkpoint at batch 10: run again, it carries on from batch 5 (weights, optimiser, schedule and the random
    state of dropout restored; a checkpoint is replaced only once written whole) and ends with the very weights
    of a run that was never stopped."""
    from argparse import Namespace

    from pipeline.sentiment.train import train_model

    base, train = _tiny_base(tmp_path / "base"), _rows()
    args = Namespace(seed=3, max_length=16, quotas={"a": 40, "pl-tweets-binary": 24}, batch_size=4, steps=0,
                     lr=1e-3, checkpoint_every=5)  # fmt: skip
    (tmp_path / "unbroken").mkdir()
    unbroken = torch.load(train_model(args, tmp_path / "unbroken", base, train))

    clip = torch.nn.utils.clip_grad_norm_
    calls = []

    def stopped_at_batch_8(*a, **kw):
        calls.append(1)
        if len(calls) == 8:
            raise KeyboardInterrupt
        return clip(*a, **kw)

    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setattr(torch.nn.utils, "clip_grad_norm_", stopped_at_batch_8)
    with pytest.raises(KeyboardInterrupt):
        train_model(args, work, base, train)
    assert torch.load(work / "checkpoint.pt", weights_only=False)["step"] == 5 and not (work / "final.pt").exists()
    monkeypatch.setattr(torch.nn.utils, "clip_grad_norm_", clip)

    save = torch.save

    def stopped_while_writing_checkpoint_10(obj, path, *a, **kw):  # half a file written, then Ctrl-C
        if Path(path).name.startswith("checkpoint") and obj["step"] == 10:
            Path(path).write_bytes(b"PK\x03\x04 half a checkpoint")
            raise KeyboardInterrupt
        return save(obj, path, *a, **kw)

    monkeypatch.setattr(torch, "save", stopped_while_writing_checkpoint_10)
    with pytest.raises(KeyboardInterrupt):
        train_model(args, work, base, train)
    assert torch.load(work / "checkpoint.pt", weights_only=False)["step"] == 5  # the last whole one is kept
    monkeypatch.setattr(torch, "save", save)
    capsys.readouterr()
    resumed = torch.load(train_model(args, work, base, train))
    assert "resumed at step 5 of 16" in capsys.readouterr().err
    assert resumed.keys() == unbroken.keys()
    changed = [k for k in unbroken if not torch.equal(resumed[k], unbroken[k])]
    assert changed == []  # and training did move them:
    assert not torch.equal(unbroken["classifier.weight"], _tiny_weights(base)["classifier.weight"])
    assert train_model(args, work, base, train) == work / "final.pt"  # done: not trained again


def _tiny_weights(folder):
    from safetensors.torch import load_file

    return load_file(folder / "model.safetensors")
