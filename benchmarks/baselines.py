"""Two classical baselines for the three-class tweet sentiment task, scored like the transformer.

One command, from the repository root:

    .venv/bin/python benchmarks/baselines.py --json benchmarks/results/baselines.json

Baselines, both scored on ``val.tsv`` with :func:`pipeline.sentiment.train.metrics` (the report the
fine-tuned model gets: macro-averaged recall, the TweetEval metric, per-class recall, macro-F1, accuracy
and the confusion matrix, rows gold and columns predicted, in the order negative, neutral, positive):

1. TF-IDF + logistic regression on texts normalised with :func:`pipeline.sentiment.textnorm.normalise`
   (read through :func:`pipeline.sentiment.train.read_tsv`): a union of word 1-2-grams and char_wb
   2-5-grams (sublinear tf, min_df=2), ``LogisticRegression(class_weight="balanced", max_iter=2000)``.
   C is picked from ``--c-grid`` by macro-averaged recall on val; the output names the chosen C and lists
   the val score of every C tried (so the reported figure is selected on val, like the transformer's).
2. VADER (vaderSentiment 3.3.2) on the raw, un-normalised text with the standard thresholds:
   compound >= 0.05 positive, <= -0.05 negative, else neutral. No training.

The data is read from outside the repository (default ``../shared/data/sentiment``) and never copied
into it. BLAS/OpenMP threads are limited to ``--threads`` (default 1) to leave CPU for other jobs.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import sys
import time
from pathlib import Path

import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion
from threadpoolctl import threadpool_limits

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared/data/sentiment"
# ``python benchmarks/baselines.py`` puts benchmarks/ on sys.path, not the repo root: add it, so that the
# ``pipeline`` imports inside the functions below resolve (they are function-level to keep imports at the top).
sys.path.insert(0, str(REPO))

DEFAULT_C_GRID = (0.5, 1.0, 2.0, 4.0)
VADER_THRESHOLD = 0.05


def log(msg: str) -> None:
    print(f"[baselines {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def read_raw_texts(path: Path) -> list[str]:
    """The ``text`` column as written in the file (``read_tsv`` returns it normalised)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [row["text"] for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]


def tfidf_features() -> FeatureUnion:
    common = {"sublinear_tf": True, "min_df": 2}
    return FeatureUnion(
        [
            ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), **common)),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), **common)),
        ]
    )


def tfidf_logreg(
    train_x: list[str], train_y: list[int], val_x: list[str], val_y: list[int], c_grid: tuple[float, ...]
) -> dict:
    from pipeline.sentiment.train import metrics

    started = time.perf_counter()
    features = tfidf_features()
    train_m = features.fit_transform(train_x)
    val_m = features.transform(val_x)
    n_word = len(features.transformer_list[0][1].vocabulary_)
    n_char = len(features.transformer_list[1][1].vocabulary_)
    vec_seconds = time.perf_counter() - started
    log(f"tfidf: {train_m.shape[1]} features (word {n_word}, char_wb {n_char}) in {vec_seconds:.1f}s")

    per_c: dict[str, dict] = {}
    for c in c_grid:
        t0 = time.perf_counter()
        clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
        clf.fit(train_m, train_y)
        m = metrics(val_y, clf.predict(val_m).tolist())
        per_c[str(c)] = {
            "C": c,
            "val": m,
            "n_iter": int(clf.n_iter_.max()),
            "fit_seconds": round(time.perf_counter() - t0, 2),
        }
        log(
            f"tfidf: C={c} val macro-recall {m['macro_recall']} ({per_c[str(c)]['fit_seconds']}s, "
            f"{per_c[str(c)]['n_iter']} iterations)"
        )
    best = max(per_c.values(), key=lambda r: r["val"]["macro_recall"])
    return {
        "name": "tfidf_logreg",
        "description": "TF-IDF (word 1-2-grams + char_wb 2-5-grams, sublinear tf, min_df=2) + "
        "LogisticRegression(class_weight='balanced', max_iter=2000) on normalised text",
        "C": best["C"],
        "C_selection": f"best val macro-recall over C in {list(c_grid)}",
        "val": best["val"],
        "val_macro_recall_by_C": {k: r["val"]["macro_recall"] for k, r in per_c.items()},
        "candidates": per_c,
        "n_features": {"total": int(train_m.shape[1]), "word": n_word, "char_wb": n_char},
        "vectorise_seconds": round(vec_seconds, 2),
        "wall_seconds": round(time.perf_counter() - started, 2),
    }


def vader(val_raw: list[str], val_y: list[int]) -> dict:
    import vaderSentiment
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from pipeline.sentiment.train import LABEL_ID, metrics

    started = time.perf_counter()
    analyzer = SentimentIntensityAnalyzer()
    pred = []
    for text in val_raw:
        compound = analyzer.polarity_scores(text)["compound"]
        if compound >= VADER_THRESHOLD:
            pred.append(LABEL_ID["positive"])
        elif compound <= -VADER_THRESHOLD:
            pred.append(LABEL_ID["negative"])
        else:
            pred.append(LABEL_ID["neutral"])
    wall = time.perf_counter() - started
    m = metrics(val_y, pred)
    log(f"vader: val macro-recall {m['macro_recall']} ({wall:.1f}s)")
    return {
        "name": "vader",
        "description": f"VADER compound on raw text: >= {VADER_THRESHOLD} positive, <= -{VADER_THRESHOLD} "
        "negative, else neutral; no training",
        "version": getattr(vaderSentiment, "__version__", "3.3.2"),
        "val": m,
        "wall_seconds": round(wall, 2),
    }


def report_table(results: list[dict]) -> str:
    from pipeline.sentiment import LABELS

    names = [r["name"] for r in results]
    width = max(14, *(len(n) for n in names))
    rows = (
        [("macro recall", "macro_recall")]
        + [(f"recall {c}", c) for c in LABELS]
        + [("macro F1", "macro_f1"), ("accuracy", "accuracy")]
    )
    lines = [f"{'val (%)':<18}" + "".join(f"{n:>{width + 2}}" for n in names)]
    for label, key in rows:
        cells = [r["val"]["recall"][key] if key in LABELS else r["val"][key] for r in results]
        lines.append(f"{label:<18}" + "".join(f"{v:>{width + 2}.2f}" for v in cells))
    lines.append(f"{'wall time (s)':<18}" + "".join(f"{r['wall_seconds']:>{width + 2}.2f}" for r in results))
    for r in results:
        extra = f" (C={r['C']}, {r['C_selection']})" if "C" in r else ""
        lines += ["", f"{r['name']}{extra}", "confusion matrix, rows gold / columns predicted:"]
        lines.append(f"{'':>12}" + "".join(f"{c:>10}" for c in LABELS))
        for c, row in zip(LABELS, r["val"]["confusion_matrix"]["matrix"], strict=True):
            lines.append(f"{c:>12}" + "".join(f"{v:>10}" for v in row))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", type=Path, default=DATA / "train.tsv")
    ap.add_argument("--val", type=Path, default=DATA / "val.tsv")
    ap.add_argument("--json", type=Path, default=None, help="also write every figure here as JSON")
    ap.add_argument(
        "--c-grid",
        type=float,
        nargs="+",
        default=list(DEFAULT_C_GRID),
        help="logistic-regression C values tried; the best on val is reported",
    )
    ap.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads (default 1)")
    args = ap.parse_args(argv)

    from pipeline.sentiment.train import read_tsv

    train_x, train_y = read_tsv(args.train)
    val_x, val_y = read_tsv(args.val)
    val_raw = read_raw_texts(args.val)
    assert len(val_raw) == len(val_y)
    log(f"train {len(train_x)} rows, val {len(val_x)} rows")

    with threadpool_limits(limits=args.threads):
        results = [
            tfidf_logreg(train_x, train_y, val_x, val_y, tuple(args.c_grid)),
            vader(val_raw, val_y),
        ]

    print(f"Sentiment baselines on {args.val} ({len(val_y)} rows; trained on {len(train_y)} rows of {args.train})")
    print(report_table(results))

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        report = {
            "metric": "macro-averaged recall over negative/neutral/positive (TweetEval), percent",
            "train_rows": len(train_y),
            "val_rows": len(val_y),
            "baselines": {r["name"]: r for r in results},
            "python": platform.python_version(),
            "sklearn": sklearn.__version__,
            "threads": args.threads,
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
