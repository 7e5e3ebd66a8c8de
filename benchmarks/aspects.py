"""Aspect matching's cost: the texts a second embeds with the aspect encoder, in fp32 and in the scorer's bf16.

    .venv/bin/python benchmarks/aspects.py --threads 2 --limit 1000 --json benchmarks/results/aspects.json

Embeds the first ``--limit`` val tweets (``../shared/data/sentiment/val.tsv``) as the report does
(:class:`pipeline.sentiment.aspects.AspectMatcher`: the encoder the model's ``brandpulse.json`` names, texts cut
at :data:`pipeline.sentiment.aspects.EMBED_TOKENS` tokens, the scorer's batch size), once per precision, and
prints texts/s and the cosine of each text's bf16 vector to its fp32 one (bf16 runs in bf16 only on a CPU that
computes it natively; elsewhere the scorer falls back to fp32 and says so).
"""

from __future__ import annotations

import argparse
import csv
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.scoring import cpu_name  # noqa: E402
from pipeline.sentiment.aspects import EMBED_TOKENS, AspectMatcher  # noqa: E402
from pipeline.sentiment.scorer import Scorer  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--val", type=Path, default=REPO.parent / "shared" / "data" / "sentiment" / "val.tsv")
    ap.add_argument("--model", type=Path, default=REPO / "models" / "brandpulse-sentiment")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--limit", type=int, default=1000, help="the first N val tweets")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    with args.val.open(encoding="utf-8", newline="") as fh:
        texts = [r["text"] for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)][: args.limit]
    out = {"texts": len(texts), "embed_tokens": EMBED_TOKENS, "threads": torch.get_num_threads(), "cpu": cpu_name()}
    vectors = {}
    for precision in ("fp32", "bf16"):
        scorer = Scorer(args.model, batch_size=args.batch_size, precision=precision)
        matcher = AspectMatcher(scorer, {"warm-up": "a description"})  # the report's encoder, loaded and warm
        t0 = time.perf_counter()
        vectors[precision] = np.array(matcher.embed(texts))
        seconds = time.perf_counter() - t0
        out[precision] = {"ran_in": scorer.precision, "texts_per_s": round(len(texts) / seconds, 1)}
    cos = (vectors["fp32"] * vectors["bf16"]).sum(1)
    out["cosine_bf16_to_fp32"] = {"mean": round(float(cos.mean()), 6), "min": round(float(cos.min()), 6)}
    print(json.dumps(out, indent=1))
    if args.json:
        args.json.write_text(json.dumps({"command": shlex.join(sys.argv), **out}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
