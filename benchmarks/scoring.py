"""Scoring speed: our batch scorer against the naive way, on the 2,000 val tweets, in one run.

    .venv/bin/python benchmarks/scoring.py                      # all of val, default settings
    .venv/bin/python benchmarks/scoring.py --threads 2 --json benchmarks/results/scoring.json
    .venv/bin/python benchmarks/scoring.py --device cuda --variants ours-fp32 --batch-size 1024  # on a GPU
    .venv/bin/python benchmarks/scoring.py --variants ours-bf16 --threads 2 --call-size 60 --batch-tokens 0 1024
                                                   # a night's worth per call, with and without the token cap

(a) ``ours-fp32``: :class:`pipeline.sentiment.scorer.Scorer` (length-sorted batches, dynamic padding,
    inference_mode; fp16 and large batches with ``--device cuda``); ``ours-bf16``: the same in bfloat16 (on a
    CPU with native bfloat16, else fp32); ``ours-int8``: the same scorer over
    ``model.int8.onnx`` in ONNX Runtime (graph optimisations, int8 weights, the most sensitive layers in fp32);
(b) ``naive``: ``transformers.pipeline("text-classification")`` over the same model, one text per call,
    on the val texts as they are (not normalised: ours normalises them inside its timed call, so about one
    text in eight, with a link, an HTML entity or a long repeat, reads differently to the two).

Each variant runs in its own child process, so its peak RSS (ru_maxrss) is its own; texts/s exclude the model's
load and one warm-up text. Printed: texts/s, peak RSS, the speed ratio to naive, the label agreement with the
naive labels and with ``ours-fp32``'s, and val macro-recall of each.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import os
import platform
import resource
import shlex
import subprocess
import sys
import time
from pathlib import Path
from queue import Empty

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_VAL = REPO.parent / "shared" / "data" / "sentiment" / "val.tsv"
DEFAULT_MODEL = REPO / "models" / "brandpulse-sentiment"


def read_val(path: Path) -> tuple[list[str], list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [r["text"] for r in rows], [r["label"] for r in rows]


def _child(
    variant: str, model: str, val: str, threads: int, batch_size: int, call: int, limit: int, device: str, queue
) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    variant, _, tokens = variant.partition("@")
    import torch
    from sklearn.metrics import f1_score, recall_score

    if threads:
        torch.set_num_threads(threads)
    texts, gold = read_val(Path(val))
    if limit:
        texts, gold = texts[:limit], gold[:limit]
    t_load = time.perf_counter()
    ran = "fp32"  # what the weights ran in: ours-bf16 runs fp32 on a CPU without native bfloat16
    version = None  # the model version ours records with each score (the weights' fingerprint, the precision)
    if variant == "naive":
        from transformers import pipeline

        clf = pipeline("text-classification", model=model, device=-1)
        load_s = time.perf_counter() - t_load
        clf(texts[0])  # warm-up, as for ours
        t0 = time.perf_counter()
        labels = [clf(t, truncation=True, max_length=128)[0]["label"] for t in texts]
    else:
        from pipeline.sentiment import scorer as scorer_module
        from pipeline.sentiment.scorer import Scorer

        if tokens:
            scorer_module.CPU_BATCH_TOKENS = int(tokens) or 10**9  # 0: no cap
        scorer = Scorer(
            model, batch_size=batch_size, threads=threads, precision=variant.removeprefix("ours-"), device=device
        )
        load_s = time.perf_counter() - t_load
        ran, version = scorer.precision, scorer.version
        scorer.score(texts[:1])
        t0 = time.perf_counter()
        step = call or len(texts)  # --call-size: as the nightly step calls it, a night's texts at a time
        labels = [r.label for start in range(0, len(texts), step) for r in scorer.score(texts[start : start + step])]
    seconds = time.perf_counter() - t0

    queue.put(
        {
            "variant": variant + (f"@{tokens}" if tokens else ""),
            "texts": len(texts),
            "seconds": round(seconds, 2),
            "texts_per_s": round(len(texts) / seconds, 1),
            "load_s": round(load_s, 2),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "labels": labels,
            "val": {
                "macro_recall": round(float(recall_score(gold, labels, average="macro")) * 100, 2),
                "macro_f1": round(float(f1_score(gold, labels, average="macro")) * 100, 2),
            },
            "device": device if variant != "naive" else "cpu",
            "precision": ran,
            "model_version": version,
        }
    )


def cpu_name() -> str:
    """The CPU's model name and its units that change these figures several-fold (native bfloat16, int8 dot
    products, AMX): the same 2 cores score fp32 at 103 texts/s on one VM and 183 on another."""
    name, flags = platform.processor() or platform.machine(), set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                name = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
    except OSError:
        pass
    units = [f for f in ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16", "amx_int8") if f in flags]
    return f"{name} ({' '.join(units)})" if units else name


def run_variant(variant: str, args) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(
        target=_child,
        args=(
            variant,
            str(args.model),
            str(args.val),
            args.threads,
            args.batch_size,
            args.call_size,
            args.limit,
            args.device,
            queue,
        ),
    )
    proc.start()
    while True:  # a child that dies before it reports (killed, out of memory, a crash) left this waiting forever
        try:
            result = queue.get(timeout=5)
            break
        except Empty:
            if not proc.is_alive():
                ended = f"its process ended without a result (exit code {proc.exitcode})"
                raise SystemExit(f"[scoring] {variant}: {ended}") from None
    proc.join()
    return result


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _cell(value: float | None, spec: str, suffix: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{suffix}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--val", type=Path, default=DEFAULT_VAL)
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--threads", type=int, default=0, help="torch threads for every variant (0: torch's default)")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--limit", type=int, default=0, help="only the first N texts (quick looks)")
    ap.add_argument(
        "--variants",
        nargs="+",
        default=["naive", "ours-fp32", "ours-bf16", "ours-int8"],
        help="naive, ours-fp32, ours-bf16, ours-int8",
    )
    ap.add_argument(
        "--call-size", type=int, default=0, help="score N texts per call (a night's worth), not all at once"
    )
    ap.add_argument(
        "--batch-tokens",
        type=int,
        nargs="+",
        default=[],
        help="run each ours-* variant with each of these CPU_BATCH_TOKENS caps (0: no cap), named variant@N",
    )
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu", help="where the ours-* variants run")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()

    if "ours-int8" in args.variants and not (args.model / "model.int8.onnx").exists():
        # built in a process of its own: a child forked from a parent that had built it would report the
        # export's peak RSS (about 2.5 GiB) as its own, since Linux keeps ru_maxrss across exec
        print(f"[scoring] building {args.model / 'model.int8.onnx'}", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "pipeline.sentiment.onnx_export", str(args.model)], cwd=REPO, check=True)
    variants = [
        f"{v}@{n}" if v.startswith("ours-") else v for v in args.variants for n in (args.batch_tokens or [None])
    ]
    variants = [v.removesuffix("@None") for v in variants]
    results = {}
    for variant in variants:
        print(f"[scoring] {variant} ...", file=sys.stderr, flush=True)
        results[variant] = run_variant(variant, args)
    cpu = cpu_name()
    base = results.get("naive")
    ref = next((r for name, r in results.items() if name.split("@")[0] == "ours-fp32"), None)
    print(
        f"{len(next(iter(results.values()))['labels'])} val texts, {args.threads or 'default'} threads, "
        f"batch {args.batch_size}, {args.call_size or 'all'} per call, "
        f"{cpu}, {os.cpu_count()} cpus"
    )
    print(
        f"{'variant':<16}{'texts/s':>10}{'x naive':>9}{'peak RSS':>10}{'agree naive':>13}{'agree fp32':>12}"
        f"{'macro-rec':>11}"
    )
    for name, r in results.items():
        # None (JSON null) where there is nothing to compare with: NaN is no JSON (JSON.parse, strict parsers fail)
        ratio = r["texts_per_s"] / base["texts_per_s"] if base else None
        agree = (
            sum(a == b for a, b in zip(r["labels"], base["labels"], strict=True)) / len(r["labels"]) if base else None
        )
        agree32 = (
            sum(a == b for a, b in zip(r["labels"], ref["labels"], strict=True)) / len(r["labels"]) if ref else None
        )
        r.update(
            speed_vs_naive=_round(ratio, 2), agreement_vs_naive=_round(agree, 4), agreement_vs_fp32=_round(agree32, 4)
        )
        asked, ran = name.split("@")[0].removeprefix("ours-"), r["precision"]
        if ran != asked and name != "naive":  # bf16 without native bfloat16 runs fp32; fp32 on a GPU runs fp16
            why = " (this machine has no native bfloat16)" if asked == "bf16" else ""
            print(f"{name}: ran in {ran}{why}")
        print(
            f"{name:<16}{r['texts_per_s']:>10.1f}{_cell(ratio, '.2f', 'x'):>9}{r['peak_rss_mib']:>7} MiB"
            f"{_cell(agree, '.2%'):>12}{_cell(agree32, '.2%'):>12}{r['val']['macro_recall']:>11.2f}"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        slim = {k: {kk: vv for kk, vv in v.items() if kk != "labels"} for k, v in results.items()}
        args.json.write_text(
            json.dumps(
                {
                    "command": shlex.join(sys.argv),
                    "model": str(args.model),
                    "threads": args.threads,
                    "batch_size": args.batch_size,
                    "call_size": args.call_size,
                    "cpu": cpu,
                    "cpus": os.cpu_count(),
                    "results": slim,
                },
                indent=2,
            )
            + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
