"""The share negative on the demo's brand mentions against the sentiment each was written with.

    make demo                                   # the warehouse this reads (data/brandpulse.duckdb)
    .venv/bin/python benchmarks/demo_sentiment.py --threads 2 --precision bf16 \
        --json benchmarks/results/demo_sentiment.json
    .venv/bin/python benchmarks/demo_sentiment.py --model data/model-next    # another model, the same texts

The val sets are tweets, patient reviews and restaurant reviews; a brand team reads posts to and about a brand:
questions, reports, praise, in the languages of the demo's five brands (three English, one Polish, one Dutch).
The demo's generators (``demo/generate_sample.py``, ``demo/generate_pl_nl.py``) write every post with an intended
sentiment (``Row.sent``); this script rebuilds those rows (:func:`build_rows`, seeded: the same rows as the
sample), takes the texts the warehouse holds for them (title and text, as the night scores them; the Hacker News
items the demo's replay server writes carry no intended sentiment and are left out), scores them with
``--model`` and prints, per brand and per language the night detected: the true share negative, the share the
product reports (the count of negative labels), the error in points, the accuracy, and how often a neutral post
(a question, a plain report) is labelled negative.

Posts written as **mixed** (praise and a complaint in one post; the generators' ``topic`` "mixed", intended
neutral) are counted apart: the training and held-out sets leave conflicting opinions out, so they have no right
label here; the table says how they are labelled.

This is a measurement, not a selection set: the model and its offsets are chosen on the val sets only. The demo's
texts were written by the same team as the training's complaint patterns, so read the figures as a check of
direction (is the share too high or too low, in which language), not as a test score.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import duckdb
import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from demo import generate_pl_nl, generate_sample  # noqa: E402
from pipeline.sentiment.scorer import Scorer  # noqa: E402

SHORT = {"neg": "negative", "neu": "neutral", "pos": "positive"}
TEXTS = """
SELECT brand, native_id, language, scored_text(title, text) AS text
FROM v_mentions_scored ORDER BY brand, native_id
"""


def intended() -> dict[tuple[str, str], tuple[str, bool]]:
    """``(brand slug, native id) -> (intended label, written as mixed)`` for every row both generators write."""
    out = {}
    for module in (generate_sample, generate_pl_nl):
        _, rows, _ = module.build_rows()
        for slug, brand_rows in rows.items():
            for row in brand_rows:
                native = row.record.get("post_id") or row.record.get("review_id")
                out[slug, str(native)] = (SHORT[row.sent], row.topic == "mixed")
    return out


def figures(pairs: list[tuple[str, str]]) -> dict:
    """``pairs`` of (intended, predicted) labels: share negative true and estimated, error, accuracy, confusion."""
    n = len(pairs)
    true_neg = sum(t == "negative" for t, _ in pairs) / n
    est_neg = sum(p == "negative" for _, p in pairs) / n
    neutral = [p for t, p in pairs if t == "neutral"]
    return {
        "n": n,
        "true_share_negative": round(100 * true_neg, 1),
        "estimated_share_negative": round(100 * est_neg, 1),
        "error_points": round(100 * (est_neg - true_neg), 1),
        "accuracy": round(100 * sum(t == p for t, p in pairs) / n, 1),
        "neutral_labelled_negative": round(100 * neutral.count("negative") / len(neutral), 1) if neutral else None,
        "confusion": {f"{t}->{p}": c for (t, p), c in sorted(Counter(pairs).items())},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, default=REPO / "data" / "brandpulse.duckdb", help="the demo's warehouse")
    ap.add_argument("--model", type=Path, default=REPO / "models" / "brandpulse-sentiment")
    ap.add_argument("--precision", default="fp32", choices=["fp32", "bf16"])
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if not args.db.exists():
        ap.error(f"{args.db}: no warehouse; run `make demo` first")
    truth = intended()
    with duckdb.connect(str(args.db), read_only=True) as con:
        cur = con.execute(TEXTS)
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    rows = [r for r in rows if (r["brand"], r["native_id"]) in truth]
    if not rows:  # another warehouse: an empty table, written over the figures, said nothing
        ap.error(f"{args.db}: none of the demo's posts; run `make demo` first")
    print(f"[demo_sentiment] scoring {len(rows)} texts with {args.model} ({args.precision})", file=sys.stderr)
    scorer = Scorer(args.model, threads=args.threads, precision=args.precision)
    labels = [s.label for s in scorer.score([r["text"] for r in rows])]

    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    mixed: dict[str, Counter] = defaultdict(Counter)
    for row, label in zip(rows, labels, strict=True):
        want, is_mixed = truth[row["brand"], row["native_id"]]
        if is_mixed:
            mixed[row["brand"]][label] += 1
            continue
        for key in (f"brand {row['brand']}", f"language {row['language'] or 'unknown'}", "all"):
            groups[key].append((want, label))
    result = {
        "model": str(args.model),
        "model_version": scorer.version,
        "precision": scorer.precision,
        "groups": {k: figures(v) for k, v in sorted(groups.items())},
        "mixed_posts_labelled": {k: dict(v) for k, v in sorted(mixed.items())},
    }
    print(f"{'group':<22}{'n':>6}{'true neg %':>12}{'est. neg %':>12}{'error':>8}{'accuracy':>10}{'neu->neg %':>11}")
    for key, f in result["groups"].items():
        if f["n"] < 30:  # a language detected on a handful of posts says nothing
            continue
        print(
            f"{key:<22}{f['n']:>6}{f['true_share_negative']:>12.1f}{f['estimated_share_negative']:>12.1f}"
            f"{f['error_points']:>+8.1f}{f['accuracy']:>10.1f}{f['neutral_labelled_negative'] or 0:>11.1f}"
        )
    for brand, c in result["mixed_posts_labelled"].items():
        print(f"mixed posts, {brand}: " + ", ".join(f"{label} {c[label]}" for label in sorted(c)))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
